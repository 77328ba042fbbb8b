package embedded_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/kepugraph/kepugraph/embedded"
)

// boltCheck runs bbolt's own consistency check (Tx.Check) on the file at
// path, read-only, and returns its first finding, or nil. A panic inside
// bbolt counts as a finding. Only for a file whose pages Open accepted:
// bbolt reads any page ID it finds (a damaged one faults, fatally, in the
// goroutine of Tx.Check).
func boltCheck(t *testing.T, path string) (problem error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			problem = fmt.Errorf("bbolt panicked: %v", r)
		}
	}()
	db, err := bolt.Open(path, 0o400, &bolt.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		var first error
		for err := range tx.Check() {
			if first == nil {
				first = err
			}
		}
		return first
	})
	return err
}

// structuralOffsets returns the offsets of the bytes in b (a data file)
// that bbolt's check reads and the records do not protect: every byte of
// the freelist page's header and list, and every byte of the element
// tables and keys of the branch pages.
func structuralOffsets(t *testing.T, b []byte) []int {
	t.Helper()
	le := binary.LittleEndian
	const ps = 4096
	used := usedBytes(t, b)
	var out []int
	for page := 2; page < used/ps; page++ {
		p := b[page*ps:]
		flags, count := le.Uint16(p[8:]), int(le.Uint16(p[10:]))
		switch flags {
		case 0x10: // freelist
			n, start := count, 16
			if count == 0xFFFF {
				n, start = int(le.Uint64(p[16:])), 24
			}
			for off := range min(start+n*8, ps) {
				out = append(out, page*ps+off)
			}
		case 0x01: // branch: header, elements, keys
			end := 16 + count*16
			if count > 0 {
				last := 16 + (count-1)*16
				end = last + int(le.Uint32(p[last:])) + int(le.Uint32(p[last+4:]))
			}
			for off := range min(end, ps) {
				out = append(out, page*ps+off)
			}
		}
	}
	return out
}

// TestOpenFindsWhatBboltFinds: Open checks the file's structure itself
// (the page walk) instead of running bbolt's Tx.Check after loading. For
// 400 flipped bytes of the freelist and of the branch pages (what the
// record checksums do not protect), and one random byte of every page,
// either Open refuses the file with a DamageError, or bbolt's check finds
// nothing and the graph read is the original.
func TestOpenFindsWhatBboltFinds(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	dir, want := damageFixture(t)
	path := filepath.Join(dir, embedded.FileName)
	orig := fileBytes(t, path)
	offsets := structuralOffsets(t, orig)
	if len(offsets) == 0 {
		t.Fatal("the fixture has no freelist and no branch page")
	}
	// A sample of them (each trial opens the store), and one random byte
	// of every page.
	rng := rand.New(rand.NewPCG(uint64(len(orig)), 13))
	rng.Shuffle(len(offsets), func(i, j int) { offsets[i], offsets[j] = offsets[j], offsets[i] })
	n := 400
	if raceEnabled {
		n = 50
	}
	offsets = offsets[:min(n, len(offsets))]
	used := usedBytes(t, orig)
	for page := 2; page < used/4096; page++ {
		offsets = append(offsets, page*4096+rng.IntN(4096))
	}
	refused, walkFound := 0, 0
	flipTrials(t, dir, orig, offsets, rng, func(off int, st *embedded.Store, de *embedded.DamageError) {
		if de != nil {
			refused++
			for _, k := range []string{"listed free", "neither in use nor listed free", "does not sort after the key before it", "does not sort before its parent's next key"} {
				if strings.Contains(de.Problem, k) {
					walkFound++ // a check Open made through bbolt's before
					break
				}
			}
			return
		}
		got := dumpOf(t, st)
		st.Close()
		if problem := boltCheck(t, path); problem != nil {
			t.Fatalf("offset %d (page %d): Open accepted a file in which bbolt's check finds: %v", off, off/4096, problem)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("offset %d (page %d): the store opened and serves changed data", off, off/4096)
		}
	})
	if walkFound == 0 {
		t.Fatal("no flip damaged the freelist or the key order: the test tests nothing")
	}
	t.Logf("%d flips: Open refused %d, %d of them for the freelist or the key order", len(offsets), refused, walkFound)
}
