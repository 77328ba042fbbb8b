package embedded

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/kepugraph/kepugraph/internal/testenv"
	"github.com/kepugraph/kepugraph/kepu"
)

// TestReadOnly: a store opened with Options.ReadOnly reads the graph and
// its metadata as a store opened for writing does, refuses writes and
// searches, and leaves the data directory as it was (every file's bytes
// and times), even with a search index that is stale (another commit
// stamp) or missing, which a writable open would rebuild.
func TestReadOnly(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	st, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	src := kepu.Props{kepu.PropProvenance: kepu.Reported, kepu.PropSource: "test"}
	with := func(p kepu.Props) kepu.Props {
		p = p.Clone()
		for k, v := range src {
			p[k] = v
		}
		return p
	}
	if _, err := st.Write(ctx, []kepu.Change{
		{Kind: kepu.PutNode, Node: kepu.Node{ID: "Province:CN-AH", Label: kepu.Province, Props: with(kepu.Props{"name": "Anhui", "code": "CN-AH"})}},
		{Kind: kepu.PutNode, Node: kepu.Node{ID: "Museum:m", Label: kepu.Museum, Props: with(kepu.Props{"name": "M", "kind": "STANDARD"})}},
		{Kind: kepu.PutEdge, Edge: kepu.Edge{Type: kepu.LocatedIn, From: "Museum:m", To: "Province:CN-AH", Props: src}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetMeta(ctx, kepu.MetaReferenceLoad, "incomplete"); err != nil {
		t.Fatal(err)
	}
	wantNodes, err := st.Nodes(ctx, []string{"Province:CN-AH", "Museum:m"})
	if err != nil {
		t.Fatal(err)
	}
	wantVersion, _ := st.Version(ctx)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name  string
		setup func(t *testing.T)
	}{
		{"as closed", func(*testing.T) {}},
		// A writable open rebuilds a missing index (and one of another
		// commit stamp or format): a read-only one must not.
		{"search index removed", func(t *testing.T) {
			if err := os.RemoveAll(filepath.Join(dir, SearchDirName)); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.setup(t)
			before := testenv.DirFingerprint(t, dir)
			ro, err := Open(dir, Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			got, err := ro.Nodes(ctx, []string{"Province:CN-AH", "Museum:m"})
			if err != nil || len(got) != 2 || got["Museum:m"].Props["name"] != wantNodes["Museum:m"].Props["name"] {
				t.Errorf("Nodes: %v %v; want %v", got, err, wantNodes)
			}
			res, err := ro.Neighbors(ctx, []string{"Museum:m"}, kepu.NeighborQuery{Rel: kepu.LocatedIn, Dir: kepu.Out})
			if err != nil || len(res["Museum:m"].Items) != 1 || res["Museum:m"].Items[0].Node.ID != "Province:CN-AH" {
				t.Errorf("Neighbors: %v %v", res, err)
			}
			if v, err := ro.Meta(ctx, kepu.MetaReferenceLoad); err != nil || v != "incomplete" {
				t.Errorf("Meta: %q %v", v, err)
			}
			if v, _ := ro.Version(ctx); v != wantVersion {
				t.Errorf("Version %d, want %d", v, wantVersion)
			}
			if _, err := ro.Write(ctx, []kepu.Change{{Kind: kepu.DeleteNode, ID: "Museum:m"}}); kepu.ErrorCode(err) != kepu.BadUserInput {
				t.Errorf("Write: %v, want %s", err, kepu.BadUserInput)
			}
			if err := ro.SetMeta(ctx, kepu.MetaReferenceLoad, ""); kepu.ErrorCode(err) != kepu.BadUserInput {
				t.Errorf("SetMeta: %v, want %s", err, kepu.BadUserInput)
			}
			if _, err := ro.Search(ctx, kepu.SearchQuery{Text: "anhui"}); kepu.ErrorCode(err) != kepu.Unavailable {
				t.Errorf("Search: %v, want %s", err, kepu.Unavailable)
			}
			if err := ro.BuildSearchIndex(); kepu.ErrorCode(err) != kepu.BadUserInput {
				t.Errorf("BuildSearchIndex: %v, want %s", err, kepu.BadUserInput)
			}
			// Another reader may share the file; a writer may not.
			ro2, err := Open(dir, Options{ReadOnly: true, LockTimeout: 100 * time.Millisecond})
			if err != nil {
				t.Errorf("a second read-only open: %v", err)
			} else {
				ro2.Close()
			}
			if w, err := Open(dir, Options{LockTimeout: 100 * time.Millisecond}); err == nil {
				w.Close()
				t.Error("a writable open beside a read-only one succeeded")
			}
			if err := ro.Close(); err != nil {
				t.Fatal(err)
			}
			if after := testenv.DirFingerprint(t, dir); after != before {
				t.Error("the read-only open, reads and close changed the data directory")
			}
		})
	}
	// A directory a running server (a writable store) holds cannot be
	// opened read-only: in use, SERVICE_UNAVAILABLE.
	w, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if ro, err := Open(dir, Options{ReadOnly: true, LockTimeout: 100 * time.Millisecond}); kepu.ErrorCode(err) != kepu.Unavailable || !strings.Contains(err.Error(), "in use") {
		if ro != nil {
			ro.Close()
		}
		t.Errorf("read-only open beside a writable one: %v, want %s, in use", err, kepu.Unavailable)
	}
}

// TestReadOnlyNothingCreated: a read-only open of a directory without a
// data file fails (Unavailable) and creates nothing; of a bbolt file
// without kepugraph's buckets, gives an empty graph without creating them;
// of a format 1 file, fails without migrating it.
func TestReadOnlyNothingCreated(t *testing.T) {
	ctx := t.Context()
	missing := filepath.Join(t.TempDir(), "new")
	if st, err := Open(missing, Options{ReadOnly: true}); kepu.ErrorCode(err) != kepu.Unavailable {
		if st != nil {
			st.Close()
		}
		t.Errorf("read-only open of a missing directory: %v, want %s", err, kepu.Unavailable)
	}
	if _, err := os.Lstat(missing); !os.IsNotExist(err) {
		t.Errorf("the read-only open created %s (%v)", missing, err)
	}

	bare := t.TempDir()
	db, err := bolt.Open(filepath.Join(bare, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	before := testenv.DirFingerprint(t, bare)
	st, err := Open(bare, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := st.CountNodes(ctx, kepu.Museum, nil); err != nil || n != 0 {
		t.Errorf("CountNodes: %d %v", n, err)
	}
	if v, err := st.Meta(ctx, kepu.MetaReferenceLoad); err != nil || v != "" {
		t.Errorf("Meta: %q %v", v, err)
	}
	st.Close()
	if testenv.DirFingerprint(t, bare) != before {
		t.Error("the read-only open changed a bare bbolt file")
	}

	old := t.TempDir()
	nodes, edges, counts := format1Graph()
	writeFormat1(t, old, nodes, edges, counts)
	before = testenv.DirFingerprint(t, old)
	if st, err := Open(old, Options{ReadOnly: true}); kepu.ErrorCode(err) != kepu.Unavailable {
		if st != nil {
			st.Close()
		}
		t.Errorf("read-only open of a format 1 file: %v, want %s", err, kepu.Unavailable)
	}
	if testenv.DirFingerprint(t, old) != before {
		t.Error("the read-only open changed a format 1 file (or kept a copy)")
	}
}
