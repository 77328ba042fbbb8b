package embedded

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/storetest"
)

// TestCheckHierarchyRules: a file that holds a second PART_OF parent or a
// PART_OF between two prefectures (written before the rules, here by
// hand) is reported by Check, which restore uses, the same as dump.Read
// refuses such a dump; the Loader refuses to add either to a file.
func TestCheckHierarchyRules(t *testing.T) {
	for _, tc := range []struct {
		name, key, want string
	}{
		{"second parent", "PART_OF|County:c|Prefecture:p2", "already has a PART_OF parent"},
		{"same level", "PART_OF|Prefecture:p1|Prefecture:p2", "PART_OF cannot join Prefecture to Prefecture"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			st, err := Open(dir, Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			src := kepu.Props{kepu.PropProvenance: kepu.Reported, kepu.PropSource: "t"}
			node := func(id, gb string) kepu.Change {
				p := src.Clone()
				p[kepu.PropName], p["gbCode"] = kepu.KeyOf(id), gb
				return kepu.Change{Kind: kepu.PutNode, Node: kepu.Node{ID: id, Label: kepu.LabelOf(id), Props: p}}
			}
			if _, err := st.Write(context.Background(), []kepu.Change{
				node("County:c", "1"), node("Prefecture:p1", "2"), node("Prefecture:p2", "3"),
				{Kind: kepu.PutEdge, Edge: kepu.Edge{Type: kepu.PartOf, From: "County:c", To: "Prefecture:p1", Props: src.Clone()}},
			}); err != nil {
				t.Fatal(err)
			}
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, FileName)
			db, err := bolt.Open(path, 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			err = db.Update(func(tx *bolt.Tx) error {
				if err := tx.Bucket(bucketEdges).Put([]byte(tc.key), encodeRecord([]byte(tc.key), sortedProps(nil, src))); err != nil {
					return err
				}
				return putCounts(tx, 3, 2)
			})
			if cerr := db.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				t.Fatal(err)
			}
			r, err := Check(path, CheckOptions{})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, p := range r.Problems {
				found = found || strings.Contains(p.Message, tc.want)
			}
			if r.OK() || !found {
				t.Fatalf("Check found %+v, want a problem %q", r.Problems, tc.want)
			}
		})
	}
}

// TestLoaderOneParent: a bulk load refuses a second parent, in one write
// and across writes, and leaves the file as it was.
func TestLoaderOneParent(t *testing.T) {
	l, err := OpenLoader(t.TempDir(), Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	node := func(id string) kepu.Change {
		return kepu.Change{Kind: kepu.PutNode, Node: storetest.N(id, "gbCode", "1")}
	}
	edge := func(from, to string) kepu.Change {
		return kepu.Change{Kind: kepu.PutEdge, Edge: storetest.E(kepu.PartOf, from, to)}
	}
	ctx := context.Background()
	if _, err := l.Write(ctx, []kepu.Change{node("County:c"), node("County:d"), node("Prefecture:p1"), node("Prefecture:p2"), edge("County:c", "Prefecture:p1")}); err != nil {
		t.Fatal(err)
	}
	for _, cs := range [][]kepu.Change{
		{edge("County:c", "Prefecture:p2")},
		{edge("County:d", "Prefecture:p1"), edge("County:d", "Prefecture:p2")},
	} {
		_, err := l.Write(ctx, cs)
		if kepu.ErrorCode(err) != kepu.Conflict || !strings.Contains(kepu.ErrorMessage(err), "already has a PART_OF parent") {
			t.Fatalf("Write(%v): %v, want a CONFLICT", cs, err)
		}
	}
	// The same edge again (a rerun of a load) is a put, not a second parent.
	if _, err := l.Write(ctx, []kepu.Change{edge("County:c", "Prefecture:p1"), edge("County:d", "Prefecture:p2")}); err != nil {
		t.Fatal(err)
	}
	if n, e := l.Counts(); n != 4 || e != 2 {
		t.Fatalf("counts %d nodes %d edges, want 4 and 2", n, e)
	}
}
