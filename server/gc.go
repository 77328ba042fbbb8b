package server

import (
	"fmt"
	"log/slog"
	"math"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/KimMachineGun/automemlimit/memlimit"
)

// Garbage-collector settings.
//
// The embedded store keeps its indexes on the heap, so the live heap is
// mostly long-lived data while requests allocate short-lived garbage. With
// Go's default GOGC=100 the collector marks the whole live heap each time
// requests have allocated as much again: at a few thousand requests per
// second that is a quarter of the CPU. The server therefore defaults to
// GOGC=400 (the heap may grow to five times the live data between cycles)
// under a soft memory limit of 90% of the memory available to the process
// (its cgroup limit, or the machine's memory, as automemlimit finds it):
// close to the limit the collector runs as often as it must, whatever GOGC
// says. docs/benchmarks.md has the measured effect.
//
// What is left here is what neither the runtime nor automemlimit does: the
// runtime reads GOGC and GOMEMLIMIT from the environment only, with 100 and
// no limit as defaults; the flags --gc-percent and --memory-limit (and the
// server's defaults) take the same values and are applied by ApplyGC.

// DefaultGCPercent is the server's default GOGC.
const DefaultGCPercent = 400

// memoryLimitRatio is the share of the available memory that the default
// soft memory limit allows.
const memoryLimitRatio = 0.9

// parseGCPercent reads a GOGC value: a percentage, or "off" (-1).
func parseGCPercent(s string) (int, error) {
	if strings.EqualFold(s, "off") {
		return -1, nil
	}
	if n, err := strconv.Atoi(s); err == nil && n >= 1 {
		return n, nil
	}
	return 0, fmt.Errorf("--gc-percent %q: want a positive percentage or off", s)
}

// parseMemoryLimit reads a GOMEMLIMIT value as the runtime does: bytes with
// an optional unit B, KiB, MiB, GiB or TiB, or "off" (math.MaxInt64); and
// "auto" (0).
func parseMemoryLimit(s string) (int64, error) {
	switch strings.ToLower(s) {
	case "auto", "":
		return 0, nil
	case "off":
		return math.MaxInt64, nil
	}
	n, err := parseSize(s)
	if err != nil {
		return 0, fmt.Errorf("--memory-limit %q: want auto, off, or a size such as 4GiB", s)
	}
	return n, nil
}

// parseSize reads a positive size in bytes: a number with an optional
// unit B, KiB, MiB, GiB or TiB (4GiB, 256MiB, 1048576).
func parseSize(s string) (int64, error) {
	num, mult := s, int64(1)
	for i, unit := range []string{"KiB", "MiB", "GiB", "TiB"} {
		if strings.HasSuffix(s, unit) {
			num, mult = strings.TrimSuffix(s, unit), 1<<(10*(i+1))
		}
	}
	if mult == 1 {
		num = strings.TrimSuffix(s, "B")
	}
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if err != nil || n < 1 || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("%q is not a size such as 256MiB", s)
	}
	return n * mult, nil
}

// ApplyGC sets the collector's target and soft memory limit from the
// configuration (validated before) and logs them. The limit "auto" is
// memoryLimitRatio of what automemlimit finds (the cgroup's limit, else the
// machine's memory); none when it finds nothing.
func ApplyGC(c Config, log *slog.Logger) {
	gc, _ := parseGCPercent(c.GCPercent)
	debug.SetGCPercent(gc)
	limit, _ := parseMemoryLimit(c.MemoryLimit)
	source := "--memory-limit"
	if limit == 0 {
		source = "auto"
		auto, err := memlimit.ApplyRatio(memlimit.ApplyFallback(memlimit.FromCgroup, memlimit.FromSystem), memoryLimitRatio)()
		if err != nil || auto == 0 || auto > math.MaxInt64 {
			limit, source = math.MaxInt64, "none (available memory unknown)"
		} else {
			limit = int64(auto)
		}
	}
	debug.SetMemoryLimit(limit)
	attrs := []any{"gogc", c.GCPercent, "source", source}
	if limit != math.MaxInt64 {
		attrs = append(attrs, "memoryLimitMiB", limit>>20)
	}
	log.Info("garbage collector", attrs...)
}
