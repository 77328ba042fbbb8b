package embedded

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/kepugraph/kepugraph/kepu"
)

// TestSeekNode compares seekNode, from every starting index, with a linear
// search, for IDs in the list and IDs between, before and after them.
func TestSeekNode(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 3, 7, 64, 300} {
		var ids []string
		for len(ids) < n {
			ids = append(ids, fmt.Sprintf("School:%05d", r.IntN(100000)*2))
			slices.Sort(ids)
			ids = slices.Compact(ids)
		}
		sorted := make([]*nodeRec, len(ids))
		for i, id := range ids {
			sorted[i] = &nodeRec{id: id}
		}
		queries := []string{"", "A", "School:", "Z"}
		for _, id := range ids {
			queries = append(queries, id, id+"0", id[:len(id)-1])
		}
		for _, q := range queries {
			want := slices.Index(ids, q)
			for at := -1; at <= len(ids); at++ {
				if got := seekNode(sorted, at, []byte(q)); got != want {
					t.Fatalf("%d IDs: seekNode(at %d, %q) = %d, want %d", n, at, q, got, want)
				}
			}
		}
	}
}

// TestResolverOf checks that both resolvers get a share of sequential IDs.
func TestResolverOf(t *testing.T) {
	var n [2]int
	for i := range 10000 {
		n[resolverOf(fmt.Appendf(nil, "School:sch-%07d", i))]++
	}
	if n[0] < 4000 || n[1] < 4000 {
		t.Fatalf("resolvers got %d and %d of 10,000 IDs", n[0], n[1])
	}
	for _, id := range []string{"", "a", "Place:p1"} {
		if r := resolverOf([]byte(id)); r != 0 && r != 1 {
			t.Fatalf("resolverOf(%q) = %d", id, r)
		}
	}
}

// TestSplitEdgeKeyLike checks that splitEdgeKeyLike splits as splitEdgeKey
// whatever type it is given.
func TestSplitEdgeKeyLike(t *testing.T) {
	keys := []string{"LOCATED_IN|School:1|Place:2", "LOCATED_IN|School:1|", "LOCATED_IN||Place:2", "LOCATED_IN|",
		"LOCATED_IN", "PARTNERS_WITH|Museum:1|School:2|x", "NOPE|a|b", "|a|b", "LOCATED_INX|a|b", ""}
	for _, k := range keys {
		wt, wf, wto, wok := splitEdgeKey([]byte(k))
		for _, typ := range []string{"", "LOCATED_IN", "PARTNERS_WITH", "LOCATED"} {
			gt, gf, gto, gok := splitEdgeKeyLike([]byte(k), kepu.RelType(typ))
			if gt != wt || string(gf) != string(wf) || string(gto) != string(wto) || gok != wok {
				t.Errorf("splitEdgeKeyLike(%q, %q) = %q %q %q %v, splitEdgeKey %q %q %q %v", k, typ, gt, gf, gto, gok, wt, wf, wto, wok)
			}
		}
	}
}

// writeLoadFixture writes a format 2 file of 200 museums, 2,000 schools and
// 3,000 PARTNERS_WITH edges (more than two batches of the open's readers),
// leaving out the nodes in gone (the counts record counts what is written).
// It returns the edge keys in key order.
func writeLoadFixture(t *testing.T, dir string, gone map[string]bool) []string {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	in := newInterner()
	r := rand.New(rand.NewPCG(3, 4))
	var keys []string
	err = db.Update(func(tx *bolt.Tx) error {
		nb, _ := tx.CreateBucket(bucketNodes)
		eb, _ := tx.CreateBucket(bucketEdges)
		tx.CreateBucket(bucketMeta)
		nodes := 0
		put := func(id string, p kepu.Props) {
			if !gone[id] {
				nb.Put([]byte(id), encodeRecord([]byte(id), fromMap(p, in)))
				nodes++
			}
		}
		for i := range 200 {
			put(fmt.Sprintf("Museum:m%04d", i), kepu.Props{"name": fmt.Sprintf("Museum %d", i), "source": "t"})
		}
		for i := range 2000 {
			put(fmt.Sprintf("School:s%04d", i), kepu.Props{"name": fmt.Sprintf("School %d", i), "source": "t"})
		}
		for i := range 200 {
			for _, j := range r.Perm(2000)[:15] {
				k := fmt.Sprintf("PARTNERS_WITH|Museum:m%04d|School:s%04d", i, j)
				keys = append(keys, k)
				eb.Put([]byte(k), encodeRecord([]byte(k), fromMap(kepu.Props{"since": int64(2012 + j%13), "source": "t"}, in)))
			}
		}
		if err := putFormat(tx); err != nil {
			return err
		}
		return putCounts(tx, nodes, len(keys))
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(keys)
	return keys
}

// readFixture reads dir's file as Open does.
func readFixture(t *testing.T, dir string) (*state, error) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var st *state
	err = db.View(func(tx *bolt.Tx) (err error) {
		st, err = loadState(tx, db.Path(), newInterner(), slog.New(slog.DiscardHandler))
		return err
	})
	return st, err
}

// TestLoadStateLists: the adjacency lists the open's goroutines build hold
// every edge once, in key order (out-lists by To, in-lists by From).
func TestLoadStateLists(t *testing.T) {
	dir := t.TempDir()
	keys := writeLoadFixture(t, dir, nil)
	st, err := readFixture(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	wantOut, wantIn := map[string][]string{}, map[string][]string{}
	for _, k := range keys {
		_, from, to, _ := splitEdgeKey([]byte(k))
		wantOut[string(from)] = append(wantOut[string(from)], k)
		wantIn[string(to)] = append(wantIn[string(to)], k)
	}
	if st.nedges != len(keys) || len(st.nodes) != 2200 {
		t.Fatalf("read %d nodes and %d edges, want 2200 and %d", len(st.nodes), st.nedges, len(keys))
	}
	for id, n := range st.nodes {
		for _, c := range []struct {
			dir  kepu.Direction
			want []string
		}{{kepu.Out, wantOut[id]}, {kepu.In, wantIn[id]}} {
			var got []string
			for _, e := range n.edges(kepu.PartnersWith, c.dir) {
				got = append(got, e.key())
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("%s: %s edges %v, want %v", id, c.dir, got, c.want)
			}
		}
	}
}

// TestLoadStateFirstProblem: with nodes missing (From ends, To ends of
// either resolver), the open reports the first edge in key order that has
// a missing end, whichever goroutine finds it.
func TestLoadStateFirstProblem(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for trial := range 12 {
		gone := map[string]bool{}
		for range 1 + trial%3 {
			if r.IntN(4) == 0 {
				gone[fmt.Sprintf("Museum:m%04d", r.IntN(200))] = true
			} else {
				gone[fmt.Sprintf("School:s%04d", r.IntN(2000))] = true
			}
		}
		dir := t.TempDir()
		keys := writeLoadFixture(t, dir, gone)
		want := ""
		for _, k := range keys {
			_, from, to, _ := splitEdgeKey([]byte(k))
			if gone[string(from)] || gone[string(to)] {
				want = k
				break
			}
		}
		_, err := readFixture(t, dir)
		var de *DamageError
		if want == "" {
			if err != nil {
				t.Fatalf("trial %d (%v): %v, want no error (no edge touches the missing nodes)", trial, gone, err)
			}
			continue
		}
		if !errors.As(err, &de) || de.Record != "edge "+quote([]byte(want)) || !strings.Contains(de.Problem, "endpoint") {
			t.Fatalf("trial %d (%v): %v, want the endpoint of edge %s", trial, gone, err, want)
		}
	}
}

// TestPropsCacheShares: the open's cache of edge bodies keeps sharing the
// props of equal bodies across more distinct bodies than a 1M graph has
// (about 25,000: COVERS carries counts), so that every edge of an equal
// record shares one props (a cache that started again every 4,096 decoded
// most bodies again and kept copies of them).
func TestPropsCacheShares(t *testing.T) {
	in := newInterner()
	var pc propsCache
	sl := &slab{}
	bodies := make([][]byte, 30000)
	first := make([]*props, len(bodies))
	for i := range bodies {
		rec := encodeRecord([]byte("k"), fromMap(kepu.Props{"tours": int64(i % 7), "visits": int64(i), "source": "t"}, in))
		bodies[i] = rec[recordHeader:]
		p, err := pc.get(bodies[i], in, sl)
		if err != nil {
			t.Fatal(err)
		}
		first[i] = p
	}
	for i, b := range bodies {
		p, err := pc.get(b, in, sl)
		if err != nil {
			t.Fatal(err)
		}
		if p != first[i] {
			t.Fatalf("body %d of %d decoded again: its props are not shared", i, len(bodies))
		}
	}
}
