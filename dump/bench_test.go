package dump_test

import (
	"bytes"
	"testing"

	"github.com/kepugraph/kepugraph/dump"
	"github.com/kepugraph/kepugraph/internal/procstat"
)

// BenchmarkRead reads the dump of the reference dataset (13,459 nodes,
// 25,603 edges) and reports, beside the wall time, the process's CPU time
// per read (user and system, procstat.SelfCPU: the garbage collector's work on
// the other core included), for paired runs on a shared machine.
func BenchmarkRead(b *testing.B) {
	d := reference(b)
	b.ResetTimer()
	c0 := procstat.SelfCPU()
	for range b.N {
		if _, err := dump.Read(bytes.NewReader(d)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(procstat.SelfCPU()-c0)/float64(b.N)/1e6, "cpu-ms/op")
}
