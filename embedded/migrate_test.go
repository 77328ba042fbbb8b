package embedded

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/kepugraph/kepugraph/kepu"
)

// writeFormat1 writes a data file as kepugraph wrote it before record
// checksums: a version byte 1 and the body, and the counts as two bare
// uvarints.
func writeFormat1(t *testing.T, dir string, nodes map[string]kepu.Props, edges map[string]kepu.Props, counts []byte) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	in := newInterner()
	v1 := func(p kepu.Props) []byte {
		rec := encodeRecord(nil, fromMap(p, in))
		return append([]byte{1}, rec[recordHeader:]...)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		nb, _ := tx.CreateBucket(bucketNodes)
		eb, _ := tx.CreateBucket(bucketEdges)
		mb, _ := tx.CreateBucket(bucketMeta)
		for k, p := range nodes {
			nb.Put([]byte(k), v1(p))
		}
		for k, p := range edges {
			eb.Put([]byte(k), v1(p))
		}
		return mb.Put(keyCounts, counts)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func format1Graph() (map[string]kepu.Props, map[string]kepu.Props, []byte) {
	nodes := map[string]kepu.Props{
		"Province:p":   {"name": "P", "code": "CN-P", "provenance": "REFERENCE", "source": "t"},
		"Prefecture:f": {"name": "F", "gbCode": "1", "provenance": "REFERENCE", "source": "t"},
	}
	edges := map[string]kepu.Props{"PART_OF|Prefecture:f|Province:p": {"provenance": "REFERENCE", "source": "t"}}
	counts := binary.AppendUvarint(binary.AppendUvarint(nil, 2), 1)
	return nodes, edges, counts
}

// TestMigrateFormat1: a format 1 directory is migrated when it opens (a
// copy of the old file is kept); the graph is the same, Check passes.
func TestMigrateFormat1(t *testing.T) {
	dir := t.TempDir()
	nodes, edges, counts := format1Graph()
	writeFormat1(t, dir, nodes, edges, counts)
	st, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := st.Nodes(t.Context(), []string{"Province:p", "Prefecture:f"})
	if len(got) != 2 || got["Province:p"].Props["code"] != "CN-P" {
		t.Fatalf("after migration: %+v", got)
	}
	c, _ := st.CountNeighbors(t.Context(), []string{"Prefecture:f"}, kepu.NeighborQuery{Rel: kepu.PartOf, Dir: kepu.Out})
	if c["Prefecture:f"] != 1 {
		t.Fatalf("edges after migration: %v", c)
	}
	st.Close()
	if _, err := os.Stat(filepath.Join(dir, FileName+FormatBackupSuffix)); err != nil {
		t.Fatalf("no copy of the format 1 file: %v", err)
	}
	r, err := Check(filepath.Join(dir, FileName), CheckOptions{})
	if err != nil || !r.OK() || r.Format != FormatVersion {
		t.Fatalf("Check after migration: %+v %v", r, err)
	}
	st, err = Open(dir, Options{})
	if err != nil {
		t.Fatalf("second open: %v", err)
	}
	st.Close()
}

// TestMigrateFormat1Refuses: a format 1 file with a malformed record or
// wrong counts is refused, not migrated.
func TestMigrateFormat1Refuses(t *testing.T) {
	nodes, edges, counts := format1Graph()
	dir := t.TempDir()
	writeFormat1(t, dir, nodes, edges, binary.AppendUvarint(binary.AppendUvarint(nil, 3), 1))
	var de *DamageError
	if _, err := Open(dir, Options{}); !errors.As(err, &de) {
		t.Fatalf("wrong counts: %v, want a DamageError", err)
	}
	dir = t.TempDir()
	writeFormat1(t, dir, nodes, edges, counts)
	db, _ := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketNodes).Put([]byte("Province:p"), []byte{1, 9, 9}) })
	db.Close()
	if _, err := Open(dir, Options{}); !errors.As(err, &de) {
		t.Fatalf("malformed record: %v, want a DamageError", err)
	}
}

// TestGuard: a panic inside bbolt (or in loading) becomes a DamageError
// naming the file, not a crash.
func TestGuard(t *testing.T) {
	err := guard("/x/kepugraph.db", func() error { panic("page 7: invalid page type: 0") })
	var de *DamageError
	if !errors.As(err, &de) || de.Path != "/x/kepugraph.db" || de.Problem == "" {
		t.Fatalf("guard = %v", err)
	}
	if err := guard("/x", func() error { return nil }); err != nil {
		t.Fatal(err)
	}
}

// TestForeignBolt: a bbolt file of another program is refused, not taken
// for a new store.
func TestForeignBolt(t *testing.T) {
	dir := t.TempDir()
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("sessions")); return err })
	db.Close()
	if st, err := Open(dir, Options{}); err == nil {
		st.Close()
		t.Fatal("a foreign bbolt file opened as a store")
	} else if kepu.ErrorCode(err) != kepu.Unavailable {
		t.Fatalf("err = %v", err)
	}
}
