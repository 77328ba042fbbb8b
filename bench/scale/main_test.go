package main

import (
	"bytes"
	"context"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
)

// TestScaleSmoke is the CI variant of make bench-scale: it builds the
// 100,000-node benchmark graph (through the child process, as the command
// does), runs the table, and checks the answers, not the timings: pages
// after a cursor in property orders against a sort of every museum, and
// the filtered counts against counting by hand. -short skips it.
func TestScaleSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the 100,000-node graph")
	}
	ctx := context.Background()
	dir := t.TempDir()
	var out bytes.Buffer
	// The test binary is os.Args[0]: its -build flag is not the command's,
	// so load in this process.
	if err := load(ctx, config{store: "embedded", dir: dir, scale: 100_000}, &out); err != nil {
		t.Fatal(err)
	}
	st, err := embedded.Open(dir, embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := Table(ctx, st, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 17 {
		t.Fatalf("%d rows, want 17", len(rows))
	}
	all, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum})
	if err != nil {
		t.Fatal(err)
	}
	museums := all.Nodes
	if len(museums) < 10_000 {
		t.Fatalf("%d museums in the 100k graph", len(museums))
	}
	for _, order := range [][]kepu.OrderKey{
		{{Prop: kepu.PropName}},
		{{Prop: "openedYear", Desc: true}},
		{{Prop: "kind"}, {Prop: kepu.PropName, Desc: true}},
	} {
		want := slices.Clone(museums)
		slices.SortFunc(want, func(a, b kepu.Node) int {
			for _, k := range order {
				c := kepu.CompareValues(a.Props[k.Prop], b.Props[k.Prop])
				if k.Desc {
					c = -c
				}
				if c != 0 {
					return c
				}
			}
			return strings.Compare(a.ID, b.ID)
		})
		sig := kepu.OrderSignature("nodes:"+string(kepu.Museum), order)
		for _, at := range []int{0, len(want) / 3, len(want) - 50} {
			n := want[at]
			keys := make([]any, len(order))
			for i, k := range order {
				keys[i] = n.Props[k.Prop]
			}
			p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Order: order,
				Page: kepu.Page{First: ptr(100), After: kepu.EncodeCursor(sig, kepu.Cursor{Keys: keys, ID: n.ID})}})
			if err != nil {
				t.Fatal(err)
			}
			end := min(at+101, len(want))
			if len(p.Nodes) != end-at-1 || p.HasNext != (end < len(want)) {
				t.Fatalf("order %v after %d: %d nodes (hasNext %v), want %d", order, at, len(p.Nodes), p.HasNext, end-at-1)
			}
			for i, got := range p.Nodes {
				if got.ID != want[at+1+i].ID {
					t.Fatalf("order %v after %d: node %d is %s, want %s", order, at, i, got.ID, want[at+1+i].ID)
				}
			}
		}
	}
	standard := 0
	for _, m := range museums {
		if m.Props["kind"] == "STANDARD" {
			standard++
		}
	}
	got, err := st.CountNodes(ctx, kepu.Museum, kepu.C("kind", kepu.Eq, "STANDARD"))
	if err != nil || got != standard {
		t.Fatalf("CountNodes(STANDARD) = %d, %v; counting by hand gives %d", got, err, standard)
	}
	zj := &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.Province, Filter: kepu.C("code", kepu.Eq, "CN-ZJ")}}
	got, err = st.CountNodes(ctx, kepu.Museum, zj)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(museums))
	for i, m := range museums {
		ids[i] = m.ID
	}
	locs, err := st.Locate(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	inZJ := 0
	for _, l := range locs {
		if l.Province == "Province:CN-ZJ" {
			inZJ++
		}
	}
	if got != inZJ || got == 0 {
		t.Fatalf("CountNodes(in Zhejiang) = %d; locating every museum gives %d", got, inZJ)
	}
}

// TestSettle checks -settle's wait: a sleeping process is at rest within
// one window; a process that keeps a core busy, or uses more than
// restShare of one, never is. The busy cases run on a simulated clock: on a
// loaded machine a real spinning process can be starved for a whole
// window (CI saw 501.67 ms of a spinner read as "at rest").
func TestSettle(t *testing.T) {
	c := exec.Command("sh", "-c", "exec sleep 60")
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Process.Kill(); c.Wait() })
	if r := settle(c.Process.Pid, 10*time.Second); !r.Reached || r.Waited > 5*time.Second {
		t.Errorf("a sleeping process: %+v, want at rest at once", r)
	}

	for _, tc := range []struct {
		name  string
		share float64 // of one core, while the process runs
		busy  int     // windows it stays busy before it rests (-1: never)
		want  Rest
	}{
		{"spinning", 1, -1, Rest{Waited: 3 * restWindow}},
		{"just over the share", restShare * 1.1, -1, Rest{Waited: 3 * restWindow}},
		{"just under the share", restShare * 0.9, -1, Rest{Waited: restWindow, Reached: true}},
		{"idle", 0, -1, Rest{Waited: restWindow, Reached: true}},
		{"busy, then at rest", 1, 2, Rest{Waited: 3 * restWindow, Reached: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var clock, used time.Duration
			windows := 0
			now := func() time.Time { return time.Unix(0, 0).Add(clock) }
			sleep := func(d time.Duration) {
				clock += d
				if tc.busy < 0 || windows < tc.busy {
					used += time.Duration(tc.share * float64(d))
				}
				windows++
			}
			r := settleOn(func() time.Duration { return used }, now, sleep, 3*restWindow)
			if r != tc.want {
				t.Errorf("settleOn = %+v, want %+v", r, tc.want)
			}
			if s := r.String(); strings.HasSuffix(s, "(busy)") == r.Reached {
				t.Errorf("String() = %q with Reached %v", s, r.Reached)
			}
		})
	}
}
