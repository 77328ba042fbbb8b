package procstat

import (
	"runtime"
	"testing"
)

func TestBytes(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("no /proc/self/status")
	}
	rss, hwm := Bytes("VmRSS"), Bytes("VmHWM")
	if rss <= 0 || hwm < rss {
		t.Fatalf("VmRSS %d, VmHWM %d: want 0 < RSS <= HWM", rss, hwm)
	}
	if n := Bytes("Name"); n != 0 {
		t.Errorf("Name (not a size) = %d, want 0", n)
	}
	if n := Bytes("NoSuchField"); n != 0 {
		t.Errorf("missing field = %d, want 0", n)
	}
}
