package embedded

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestWalkPlannedOverflow: the walk of the buckets nodes and edges on two
// goroutines (walkPlanned) still finds a page reached twice when the two
// reaches are in different parts. For every leaf page in use whose next
// page is in use too, a file whose leaf claims one overflow page (the next
// page, which another part of the walk may reach) is refused; the sound
// file is not.
func TestWalkPlannedOverflow(t *testing.T) {
	dir := t.TempDir()
	writeLoadFixture(t, dir, nil)
	path := filepath.Join(dir, FileName)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := validateFile(path); err != nil {
		t.Fatalf("the sound file: %v", err)
	}
	// The fixture's trees are large enough to be walked in parts.
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	m0, err0 := readMeta(f, 0, 0)
	m1, err1 := readMeta(f, 1, int64(m0.pageSize))
	f.Close()
	if err0 != nil || err1 != nil {
		t.Fatal(err0, err1)
	}
	m := m0
	if m1.txid > m0.txid {
		m = m1
	}
	w := &pageWalker{f: f, data: orig, ps: int64(m.pageSize), hwm: m.pgid, seen: make([]bool, m.pgid)}
	if _, err := w.tree(m.root, "the root bucket", nil, nil); err != nil {
		t.Fatal(err)
	}
	var tasks []*walkTask
	for _, p := range w.plans {
		tasks = p.collect(tasks)
	}
	if len(w.plans) != 2 || len(tasks) < 2 {
		t.Fatalf("%d planned trees, %d tasks: the fixture is walked in one part", len(w.plans), len(tasks))
	}
	if err := w.walkPlanned(); err != nil {
		t.Fatal(err)
	}
	ps := int(m.pageSize)
	le := binary.LittleEndian
	tried := 0
	for id := 2; id+1 < int(m.pgid); id++ {
		p := orig[id*ps:]
		if !w.seen[id] || !w.seen[id+1] || le.Uint16(p[8:]) != boltLeafFlag || le.Uint32(p[12:]) != 0 {
			continue // a page the walk does not reach, or whose next page it does not
		}
		b := append([]byte(nil), orig...)
		le.PutUint32(b[id*ps+12:], 1)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		tried++
		var de *DamageError
		if err := validateFile(path); !errors.As(err, &de) {
			t.Fatalf("leaf page %d claiming page %d as its overflow: %v, want a DamageError", id, id+1, err)
		}
	}
	if tried < 40 {
		t.Fatalf("only %d leaf pages", tried)
	}
}
