package storetest

import (
	"fmt"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// testNewerFormat: data that a newer kepugraph wrote (a format this build
// does not write) is refused at open with SERVICE_UNAVAILABLE, never read
// as if it were this build's format nor rewritten: once the harness
// records this build's format again, the data is there as written.
func testNewerFormat(t *testing.T, h Harness) {
	st := h.Open(t)
	loadGraph(t, st)
	before := takeGraph(t, st)
	restore, err := h.OpenNewer(t, st)
	if err == nil {
		t.Error("data of a newer format was opened, want SERVICE_UNAVAILABLE")
	} else if code := kepu.ErrorCode(err); code != kepu.Unavailable {
		t.Errorf("open of data of a newer format: code %q (%v), want %s", code, err, kepu.Unavailable)
	}
	st = restore()
	t.Cleanup(func() { st.Close() })
	if after := takeGraph(t, st); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("the refused data changed:\n%v\nwant\n%v", after, before)
	}
}
