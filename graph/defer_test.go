package graph_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestDeferAnswered checks that a query with @defer is answered as one
// JSON response (the POST transport sends the initial payload), whatever
// the @defer groups of the generated code do (see graph/internal/lists).
func TestDeferAnswered(t *testing.T) {
	body := `{"query":"{ node(id: \"TXVzZXVtOmNzdG0\") { ... on Museum { name ... @defer { nameZh } } } }"}`
	resp, err := http.Post(shared.url, "application/json", bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	t.Logf("%d %s", resp.StatusCode, b)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), `"nameZh":`) {
		t.Errorf("%d %s", resp.StatusCode, b)
	}
}
