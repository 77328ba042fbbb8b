package export_test

import (
	"context"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/export"
	"github.com/kepugraph/kepugraph/internal/procstat"
	"github.com/kepugraph/kepugraph/kepu"
)

// benchDirEnv names a data directory of the embedded store to export in
// BenchmarkExport instead of the reference dataset, for example the
// 1M-node graph of `go run ./seed --scale 1000000 --no-sync --data-dir DIR`.
const benchDirEnv = "KEPUGRAPH_EXPORT_BENCH_DIR"

// BenchmarkExport exports the whole graph in each format to a byte counter
// and reports elements (nodes + edges) per second, the output size, the
// bytes and allocations per element (runtime.MemStats), and memory: the
// growth of the process's peak resident set (VmHWM, Linux),
// which counts garbage awaiting collection and so depends on GOGC and
// GOMEMLIMIT, and, when KEPUGRAPH_EXPORT_BENCH_HEAP_EVERY is a number n,
// the growth of the live heap (a collection every n elements, run from the
// export's goroutine, so it is what the export holds; the collections slow
// the export, so measure speed without it). KEPUGRAPH_EXPORT_BENCH_LIMIT_MB=n
// sets a soft memory limit of the process's memory at the start plus n MB
// (debug.SetMemoryLimit) for the run.
func BenchmarkExport(b *testing.B) {
	st := shared.store
	if dir := os.Getenv(benchDirEnv); dir != "" {
		start := time.Now()
		s, err := embedded.Open(dir, embedded.Options{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		st = s
		b.Logf("opened %s in %s", dir, time.Since(start).Round(time.Millisecond))
	}
	// "store" is the baseline: the same store reads with a writer that
	// discards every element.
	formats := append([]export.Format{{Name: "store", New: func(io.Writer) export.Writer { return discard{} }}}, export.Formats...)
	if only := os.Getenv("KEPUGRAPH_EXPORT_BENCH_FORMATS"); only != "" {
		all := formats
		formats = nil
		for _, f := range all {
			if strings.Contains(","+only+",", ","+f.Name+",") {
				formats = append(formats, f)
			}
		}
	}
	// KEPUGRAPH_EXPORT_BENCH_READAHEAD=-1,0 runs each format with each
	// Exporter.ReadAhead (-1: reads and writes in turns; 0: the default).
	// Since the whole graph is read with the store's walks, ReadAhead
	// changes nothing here (it applies to a where selection's edges).
	aheads := []int{0}
	if list := os.Getenv("KEPUGRAPH_EXPORT_BENCH_READAHEAD"); list != "" {
		aheads = nil
		for _, a := range strings.Split(list, ",") {
			n, err := strconv.Atoi(a)
			if err != nil {
				b.Fatal(err)
			}
			aheads = append(aheads, n)
		}
	}
	// KEPUGRAPH_EXPORT_BENCH_ROUNDS=n runs the list n times, in order
	// (-count repeats each sub-benchmark in place, so it does not
	// alternate).
	rounds, _ := strconv.Atoi(os.Getenv("KEPUGRAPH_EXPORT_BENCH_ROUNDS"))
	for range max(rounds, 1) {
		for _, f := range formats {
			for _, ahead := range aheads {
				name := f.Name
				if len(aheads) > 1 {
					name += "/readahead=" + strconv.Itoa(ahead)
				}
				benchFormat(b, st, f, name, ahead)
			}
		}
	}
}

// benchFormat runs one sub-benchmark of BenchmarkExport: the whole graph of
// st in format f, read ahead by ahead pages (Exporter.ReadAhead).
func benchFormat(b *testing.B, st kepu.Store, f export.Format, name string, ahead int) {
	b.Run(name, func(b *testing.B) {
		runtime.GC()
		// Reset the peak (VmHWM) to the current RSS, so that the peak
		// is this export's, not the store's load (Linux 4.0+).
		_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
		heap0, rss0 := liveHeap(), procstat.Bytes("VmRSS")
		every, _ := strconv.Atoi(os.Getenv("KEPUGRAPH_EXPORT_BENCH_HEAP_EVERY"))
		var maxHeap uint64
		if mb, _ := strconv.Atoi(os.Getenv("KEPUGRAPH_EXPORT_BENCH_LIMIT_MB")); mb > 0 {
			// A soft memory limit of what the runtime holds now plus
			// mb: the collector then runs as often as it must to keep
			// the garbage of the export within it.
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			old := debug.SetMemoryLimit(int64(ms.Sys-ms.HeapReleased) + int64(mb)<<20)
			defer debug.SetMemoryLimit(old)
		}
		var ms0 runtime.MemStats
		runtime.ReadMemStats(&ms0)
		cpu0 := cpuTime()
		x := &export.Exporter{Store: st, ReadAhead: ahead}
		var elements int
		var bytes countWriter
		b.ResetTimer()
		for range b.N {
			plan, err := x.Prepare(context.Background(), export.Selection{})
			if err != nil {
				b.Fatal(err)
			}
			w := f.New(&bytes)
			if every > 0 {
				w = &heapSampler{Writer: w, every: every, max: &maxHeap}
			}
			stats, err := plan.Write(context.Background(), w)
			if err != nil {
				b.Fatal(err)
			}
			elements += stats.Nodes + stats.Edges
		}
		b.StopTimer()
		var ms1 runtime.MemStats
		runtime.ReadMemStats(&ms1)
		// Garbage per element: what the export allocates, which the
		// collector lets pile up to its goal before it runs (the
		// resident-set growth of a server at a high GOGC).
		b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(elements), "B/element")
		b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(elements), "allocs/element")
		b.ReportMetric(float64(elements)/b.Elapsed().Seconds(), "elements/s")
		if cpu := (cpuTime() - cpu0).Seconds(); cpu > 0 {
			// CPU time of the whole process (the export, the
			// collector, the sampler): the figure that contention
			// for the machine changes least.
			b.ReportMetric(float64(elements)/cpu, "elements/CPU-s")
		}
		b.ReportMetric(float64(elements)/float64(b.N), "elements/op")
		b.ReportMetric(float64(bytes.n)/float64(b.N)/1e6, "MB-out/op")
		if maxHeap > 0 {
			b.ReportMetric((float64(maxHeap)-float64(heap0))/1e6, "MB-live-heap-growth")
		}
		if hwm := procstat.Bytes("VmHWM"); hwm > 0 {
			b.ReportMetric(float64(hwm-rss0)/1e6, "MB-peak-RSS-growth")
		}
	})
}

// heapSampler is a Writer that, every so many elements, runs a collection
// from the export's own goroutine and records the heap marked live: the
// export is paused meanwhile, so nothing it allocates during the (long)
// collection of the store's heap counts as live.
type heapSampler struct {
	export.Writer
	every, n int
	max      *uint64
}

func (h *heapSampler) tick() {
	if h.n++; h.n%h.every == 0 {
		runtime.GC()
		*h.max = max(*h.max, liveHeap())
	}
}

func (h *heapSampler) Node(n *export.Node) error { h.tick(); return h.Writer.Node(n) }
func (h *heapSampler) Edge(e *export.Edge) error { h.tick(); return h.Writer.Edge(e) }

// liveHeap returns the heap marked live by the last collection (what
// HeapAlloc would also count of the allocations made while a long
// collection of a large heap runs is left out).
func liveHeap() uint64 {
	m := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(m)
	if m[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return m[0].Value.Uint64()
}

// cpuTime returns the user and system CPU time of the process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// discard is a Writer that writes nothing.
type discard struct{}

func (discard) Begin(_, _ []export.Attr) error { return nil }
func (discard) Node(*export.Node) error        { return nil }
func (discard) BeginEdges() error              { return nil }
func (discard) Edge(*export.Edge) error        { return nil }
func (discard) End() error                     { return nil }

// countWriter counts the bytes written to it.
type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }
