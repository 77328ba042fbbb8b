package main

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/kepugraph/kepugraph/admin"
)

// TestHardening_RateLimitFailedAuth: guessed API keys are rate-limited per
// IP on /query, /export and /admin/backup (401 within the burst, then 429
// RATE_LIMITED), and a valid key still has its own bucket, charged once
// per request.
func TestHardening_RateLimitFailedAuth(t *testing.T) {
	m, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed", "--rate-limit", "0.01", "--rate-burst", "3")
	for _, tc := range []request{
		{method: "POST", body: gqlBody(`{ __typename }`, nil)},
		{method: "GET", path: "/export/json?labels=Province"},
		{method: "GET", path: admin.BackupPath},
	} {
		for i := range 4 {
			tc.header = map[string]string{"Authorization": fmt.Sprintf("Bearer guess%d", i)}
			res := do(t, m, tc)
			want := http.StatusUnauthorized
			if i == 3 {
				want = http.StatusTooManyRequests
			}
			if res.status != want {
				t.Fatalf("%s %s, guess %d: %d %s; want %d", tc.method, tc.path, i, res.status, res.body, want)
			}
		}
	}
	q := request{method: "POST", body: gqlBody(`{ __typename }`, nil), header: map[string]string{"Authorization": "Bearer " + testReaderToken}}
	for i := range 3 {
		if res := do(t, m, q); res.status != 200 {
			t.Fatalf("valid key, request %d: %d %s", i, res.status, res.body)
		}
	}
	if res := do(t, m, q); res.status != http.StatusTooManyRequests {
		t.Fatalf("valid key over its burst of 3: %d (charged twice, or not at all?)", res.status)
	}
}
