package neo4jstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/kepu"
)

// TestReachAnswers: a call whose work ends, after the reach budget, with
// an error made of the server's answer (a *kepu.Error, as the bulk edge
// batch's NOT_FOUND) or with the server's own error was answered: it must
// not be reported SERVICE_UNAVAILABLE. One that fails without an answer
// (a broken connection) after the budget gives up.
func TestReachAnswers(t *testing.T) {
	s := &Store{cfg: Config{ConnectTimeout: 4 * time.Millisecond}}
	for _, tc := range []struct {
		name   string
		err    error
		gaveUp bool
	}{
		{"kepu error", kepu.Errorf(kepu.NotFound, "change 3: no node"), false},
		{"wrapped kepu error", errors.Join(errors.New("batch"), kepu.Errorf(kepu.Conflict, "exists")), false},
		{"no answer", errors.New("connection reset by peer"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, r := s.reach(context.Background())
			r.enter()
			// Past the budget (3 ms): wait for its timer to have fired (a
			// fixed sleep was not always enough on a loaded machine).
			for deadline := time.Now().Add(time.Minute); !r.expired.Load(); {
				if time.Now().After(deadline) {
					t.Fatal("the reach budget's timer did not fire within a minute")
				}
				time.Sleep(time.Millisecond)
			}
			r.exit(tc.err)
			if got := r.done(); got != tc.gaveUp {
				t.Errorf("gave up: %v, want %v", got, tc.gaveUp)
			}
		})
	}
}
