package analysis

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/kepu"
)

// versionStore is a store that only answers Version (memo asks nothing else).
type versionStore struct {
	kepu.Store
	v atomic.Uint64
}

func (s *versionStore) Version(context.Context) (uint64, error) { return s.v.Load(), nil }

// slowCompute is a fake computation that runs until its context is
// cancelled or release is closed, counting how many run at once.
type slowCompute struct {
	release          chan struct{}
	running, maxRun  atomic.Int32
	started, stopped atomic.Int32
}

func (s *slowCompute) fn(val any) func(context.Context) (any, error) {
	return func(ctx context.Context) (any, error) {
		s.started.Add(1)
		defer s.stopped.Add(1)
		n := s.running.Add(1)
		defer s.running.Add(-1)
		for {
			m := s.maxRun.Load()
			if n <= m || s.maxRun.CompareAndSwap(m, n) {
				break
			}
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-s.release:
			return val, nil
		}
	}
}

// waitGoroutines waits until at most n goroutines run (a leak fails). The
// minute is a hang guard: the goroutines left end as soon as they are
// scheduled, which a loaded machine may delay.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, want at most %d:\n%s", runtime.NumGoroutine(), n, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestMemoCallerDeadline: a caller whose deadline passes while the
// computation runs returns at its deadline with the context's error (the
// API's TIMEOUT); the computation, which nobody waits for any more, is
// cancelled, nothing is cached, and no goroutine is left.
func TestMemoCallerDeadline(t *testing.T) {
	base := runtime.NumGoroutine()
	a := &Analyzer{Store: &versionStore{}}
	slow := &slowCompute{release: make(chan struct{})}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := a.memo(ctx, "k", slow.fn(1))
	took := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline's", err)
	}
	// A hang guard, not a speed check: the computation never ends by
	// itself (release is never closed), so a memo that waited for it
	// would not return at all.
	if took > time.Minute {
		t.Errorf("the caller returned after %v, its deadline was 50ms", took)
	}
	waitFor(t, func() bool { return slow.stopped.Load() == 1 })
	waitGoroutines(t, base)
	if slow.started.Load() != 1 || slow.stopped.Load() != 1 {
		t.Errorf("started %d, stopped %d computations; want 1 and 1 (cancelled)", slow.started.Load(), slow.stopped.Load())
	}
	if n, _ := a.CacheLen(); n != 0 {
		t.Errorf("%d entries cached after an abandoned computation", n)
	}
}

// deadlineCtx is a context whose deadline passes when expire is called
// (Err is then context.DeadlineExceeded), not at a time: a test decides
// what has happened before it. It is a cancelCtx underneath, so that a
// context derived from it is cancelled with it at once, as one derived
// from a context.WithTimeout is.
type deadlineCtx struct {
	context.Context
	expire context.CancelFunc
}

func newDeadlineCtx() *deadlineCtx {
	ctx, cancel := context.WithCancel(context.Background())
	return &deadlineCtx{Context: ctx, expire: cancel}
}

func (c *deadlineCtx) Err() error {
	if c.Context.Err() != nil {
		return context.DeadlineExceeded
	}
	return nil
}

// waiters is the number of callers waiting for key's computation (-1: none
// cached).
func (a *Analyzer) waiters(key string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cache == nil {
		return -1
	}
	c, ok := a.cache.Peek(key)
	if !ok {
		return -1
	}
	return c.waiters
}

// TestMemoSharedComputation: callers of one key share one computation; the
// one that started it leaving at its deadline does not stop it for the
// others, who get its value, which is then cached. The caller with the
// deadline starts the computation, the others join it, and only then does
// its deadline pass (on a loaded machine a 20 ms timer passed before the
// others had joined, and they started a second computation).
func TestMemoSharedComputation(t *testing.T) {
	a := &Analyzer{Store: &versionStore{}}
	slow := &slowCompute{release: make(chan struct{})}
	short := newDeadlineCtx()
	shortErr := make(chan error, 1)
	go func() {
		_, err := a.memo(short, "k", slow.fn(42))
		shortErr <- err
	}()
	waitFor(t, func() bool { return slow.started.Load() == 1 && a.waiters("k") == 1 })
	var wg sync.WaitGroup
	got := make([]any, 3)
	errs := make([]error, 3)
	for i := range 3 {
		wg.Go(func() { got[i], errs[i] = a.memo(context.Background(), "k", slow.fn(42)) })
	}
	waitFor(t, func() bool { return a.waiters("k") == 4 })
	short.expire()
	if err := <-shortErr; !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("short caller: err = %v", err)
	}
	close(slow.release)
	wg.Wait()
	for i := range 3 {
		if errs[i] != nil || got[i] != 42 {
			t.Errorf("caller %d: %v, %v; want 42", i, got[i], errs[i])
		}
	}
	if n := slow.started.Load(); n != 1 {
		t.Errorf("%d computations, want 1", n)
	}
	if v, err := a.memo(context.Background(), "k", slow.fn(7)); v != 42 || err != nil || slow.started.Load() != 1 {
		t.Errorf("not cached: %v, %v, %d computations", v, err, slow.started.Load())
	}
}

// TestMemoSlots: N concurrent distinct computations never run more than
// Slots at once; callers that get no slot before their deadline return at
// it, and their computations never start.
func TestMemoSlots(t *testing.T) {
	base := runtime.NumGoroutine()
	const slots, n = 2, 6
	a := &Analyzer{Store: &versionStore{}, Slots: slots}
	slow := &slowCompute{release: make(chan struct{})}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range slots { // these hold the slots until release
		wg.Go(func() { _, errs[i] = a.memo(context.Background(), fmt.Sprint("k", i), slow.fn(i)) })
	}
	// Both hold their slot and run (counted in maxRun) before the others
	// come.
	waitFor(t, func() bool { return slow.running.Load() == slots })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	var late sync.WaitGroup
	for i := slots; i < n; i++ {
		late.Go(func() { _, errs[i] = a.memo(ctx, fmt.Sprint("k", i), slow.fn(i)) })
	}
	late.Wait()
	for i := slots; i < n; i++ {
		if !errors.Is(errs[i], context.DeadlineExceeded) {
			t.Errorf("caller %d without a slot: err = %v, want the deadline's", i, errs[i])
		}
	}
	if s := slow.started.Load(); s != slots {
		t.Errorf("%d computations started, want %d: the others had no slot before their callers left", s, slots)
	}
	close(slow.release)
	wg.Wait()
	for i := range slots {
		if errs[i] != nil {
			t.Errorf("caller %d: %v", i, errs[i])
		}
	}
	if m := slow.maxRun.Load(); m != slots {
		t.Errorf("at most %d computations ran at once, want %d (the slots)", m, slots)
	}
	if s := slow.started.Load(); s != slots {
		t.Errorf("%d computations started, want %d", s, slots)
	}
	waitGoroutines(t, base)
}

// TestMemoSlotsUnderLoad: many concurrent distinct callers with one
// deadline never run more than Slots computations at once, every one that
// started is cancelled, and no goroutine is left.
func TestMemoSlotsUnderLoad(t *testing.T) {
	base := runtime.NumGoroutine()
	const slots, n = 3, 40
	a := &Analyzer{Store: &versionStore{}, Slots: slots}
	slow := &slowCompute{release: make(chan struct{})}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if _, err := a.memo(ctx, fmt.Sprint("k", i), slow.fn(i)); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("caller %d: err = %v, want the deadline's", i, err)
			}
		})
	}
	wg.Wait()
	waitFor(t, func() bool { return slow.stopped.Load() == slow.started.Load() })
	waitGoroutines(t, base)
	if m := slow.maxRun.Load(); m > slots {
		t.Errorf("%d computations ran at once, the slots are %d", m, slots)
	}
}

// waitFor waits for cond, up to a minute (a hang guard: only the
// condition matters, however slowly the goroutines it waits for run).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in a minute")
		}
	}
}

// TestMemoCacheBounds: the cache keeps at most CacheEntries results and
// about CacheBytes, dropping the least recently used, and a write (a new
// graph version) empties it.
func TestMemoCacheBounds(t *testing.T) {
	st := &versionStore{}
	scores := func(n int) []Scored {
		s := make([]Scored, n)
		for i := range s {
			s[i].ID = fmt.Sprintf("Museum:%08d", i)
		}
		return s
	}
	one := approxBytes(scores(100))
	if one < 100*(24+15) {
		t.Fatalf("approxBytes of 100 scores = %d, too small", one)
	}
	a := &Analyzer{Store: st, CacheEntries: 5, CacheBytes: 3*one + one/2}
	ctx := context.Background()
	computed := 0
	get := func(k string) {
		t.Helper()
		if _, err := a.memo(ctx, k, func(context.Context) (any, error) { computed++; return scores(100), nil }); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 10 {
		get(fmt.Sprint(i))
		if n, b := a.CacheLen(); n > 3 || b > a.CacheBytes {
			t.Fatalf("after %d results: %d entries, %d bytes; bound 3 entries (by bytes), %d bytes", i+1, n, b, a.CacheBytes)
		}
	}
	if n, b := a.CacheLen(); n != 3 || b != 3*one {
		t.Errorf("%d entries, %d bytes; want 3, %d", n, b, 3*one)
	}
	computed = 0
	get("9") // the most recent is kept
	get("0") // the oldest was dropped
	if computed != 1 {
		t.Errorf("%d recomputed, want 1 (key 0 only)", computed)
	}

	a2 := &Analyzer{Store: st, CacheEntries: 4}
	for i := range 10 {
		if _, err := a2.memo(ctx, fmt.Sprint(i), func(context.Context) (any, error) { return i, nil }); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := a2.CacheLen(); n != 4 {
		t.Errorf("%d entries, want CacheEntries 4", n)
	}
	st.v.Add(1)
	if _, err := a2.memo(ctx, "new", func(context.Context) (any, error) { return 0, nil }); err != nil {
		t.Fatal(err)
	}
	if n, _ := a2.CacheLen(); n != 1 {
		t.Errorf("%d entries after a write, want 1 (the new version's)", n)
	}
}

// TestMemoErrorNotCached: an error is returned to the caller and computed
// again by the next.
func TestMemoErrorNotCached(t *testing.T) {
	a := &Analyzer{Store: &versionStore{}}
	calls := 0
	f := func(context.Context) (any, error) { calls++; return nil, errors.New("boom") }
	for range 2 {
		if _, err := a.memo(context.Background(), "k", f); err == nil {
			t.Fatal("no error")
		}
	}
	if calls != 2 {
		t.Errorf("%d calls, want 2", calls)
	}
}

// TestMemoWithoutSlot: a computation that needs no slot (coverage: store
// reads) starts while every slot is taken by another.
func TestMemoWithoutSlot(t *testing.T) {
	a := &Analyzer{Store: &versionStore{}, Slots: 1}
	slow := &slowCompute{release: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.memo(context.Background(), "slow", slow.fn(1))
	}()
	waitFor(t, func() bool { return slow.started.Load() == 1 })
	// A minute: a computation without a slot runs at once; one that waited
	// for the slot (taken until release) would wait it out.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	v, err := a.memoSlot(ctx, "fast", false, func(context.Context) (any, error) { return 2, nil })
	if err != nil || v != 2 {
		t.Fatalf("without a slot: %v, %v; want 2 at once while the slot is taken", v, err)
	}
	short, cancelShort := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancelShort()
	if _, err := a.memoSlot(short, "fast2", true, func(context.Context) (any, error) { return 3, nil }); err == nil {
		// With the slot taken until release, a slotted computation must
		// not have run: short ends first.
		t.Fatal("a slotted computation ran while the only slot was taken")
	}
	close(slow.release)
	<-done
}
