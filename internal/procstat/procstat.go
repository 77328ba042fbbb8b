// Package procstat reads this process's memory figures from
// /proc/self/status, for benchmarks that report RSS.
package procstat

import (
	"os"
	"strconv"
	"strings"
)

// Bytes returns the size field of /proc/self/status named field (VmRSS,
// VmHWM, …) in bytes, or 0 where the file or the field is missing (not
// Linux) or is not a size in kB.
func Bytes(field string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			f := strings.Fields(rest)
			if len(f) == 2 && f[1] == "kB" {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n * 1024
			}
			return 0
		}
	}
	return 0
}
