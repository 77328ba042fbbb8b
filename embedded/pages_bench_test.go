package embedded

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// BenchmarkValidateFile times the checks before opening (validateFile:
// meta pages and the page walk) of the file KEPUGRAPH_BENCH_FILE, reading
// the pages through a mapping or with one ReadAt each; cpu-ms/op is the
// process's user and system CPU per call (getrusage).
//
//	KEPUGRAPH_BENCH_FILE=/path/kepugraph.db go test ./embedded -run '^$' -bench ValidateFile -count 3
func BenchmarkValidateFile(b *testing.B) {
	path := os.Getenv("KEPUGRAPH_BENCH_FILE")
	if path == "" {
		b.Skip("KEPUGRAPH_BENCH_FILE names no file")
	}
	for _, mapped := range []bool{true, false} {
		name := "pread"
		if mapped {
			name = "mapped"
		}
		b.Run(name, func(b *testing.B) {
			old := mapPages
			mapPages = mapped
			defer func() { mapPages = old }()
			cpu0 := cpuNow()
			for b.Loop() {
				if err := validateFile(path); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuNow()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		})
	}
}

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
