package embedded_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/kepugraph/kepugraph/dump"
	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
)

// damageFixture builds a closed store with nodes, edges, updates and
// deletions (so that the file has free pages too) and returns its data
// directory and the dump of its graph.
func damageFixture(t *testing.T) (dir string, want []byte) {
	t.Helper()
	dir = t.TempDir()
	st, err := embedded.Open(dir, embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	genGraph(t, st, 1500, 3000)
	var changes []kepu.Change
	for i := 0; i < 600; i += 7 {
		changes = append(changes, kepu.Change{Kind: kepu.UpdateNode, ID: fmt.Sprintf("Museum:m%07d", i), Set: kepu.Props{"city": "Updated 城市"}})
	}
	for i := 3; i < 600; i += 50 {
		changes = append(changes, kepu.Change{Kind: kepu.DeleteNode, ID: fmt.Sprintf("Museum:m%07d", i), IfExists: true})
	}
	if _, err := st.Write(ctx, changes); err != nil {
		t.Fatal(err)
	}
	want = dumpOf(t, st)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, want
}

func dumpOf(t *testing.T, st kepu.Store) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := dump.Write(ctx, st, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func fileBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// usedBytes returns the bytes of the file in use: the high-water mark of
// the newer meta page times the page size.
func usedBytes(t *testing.T, b []byte) int {
	t.Helper()
	le := binary.LittleEndian
	ps := int(le.Uint32(b[16+8:]))
	m0, m1 := b[16:], b[ps+16:]
	m := m0
	if le.Uint64(m1[48:]) > le.Uint64(m0[48:]) {
		m = m1
	}
	return int(le.Uint64(m[40:])) * ps
}

// TestTruncated: a file cut to 0 bytes, 4 KB or half is refused with a
// DamageError naming the file; the file is not changed (never re-created or
// re-seeded), and Check reports it.
func TestTruncated(t *testing.T) {
	dir, _ := damageFixture(t)
	path := filepath.Join(dir, embedded.FileName)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	used := usedBytes(t, orig)
	for _, size := range []int{0, 4096, used / 2, used - 4096} {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			if err := os.WriteFile(path, orig[:size], 0o600); err != nil {
				t.Fatal(err)
			}
			before := fileHash(t, path)
			st, err := embedded.Open(dir, embedded.Options{})
			if err == nil {
				st.Close()
				t.Fatalf("a file truncated to %d bytes opened", size)
			}
			var de *embedded.DamageError
			if !errors.As(err, &de) || de.Path != path || !strings.Contains(err.Error(), "kepugraph restore") {
				t.Fatalf("error %T %v: want a DamageError naming %s and how to restore", err, err, path)
			}
			if fileHash(t, path) != before {
				t.Fatal("Open changed the damaged file")
			}
			r, cerr := embedded.Check(path, embedded.CheckOptions{})
			if cerr != nil || r.OK() {
				t.Fatalf("Check = %+v, %v; want problems", r, cerr)
			}
			t.Logf("%d bytes: %v", size, de.Problem)
		})
	}
	// Missing: a new store.
	os.Remove(path)
	st, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatalf("Open without a file: %v", err)
	}
	st.Close()
}

// TestByteFlips changes one byte at offsets spread over every page in use
// (one random offset per page, plus the meta pages' fields) and opens the
// store each time. None may serve changed data: either Open refuses with a
// DamageError, or the graph read is exactly the original (the byte was in
// unused space). KEPUGRAPH_FLIPS_PER_PAGE sets more offsets per page.
func TestByteFlips(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	perPage := 1
	if s := os.Getenv("KEPUGRAPH_FLIPS_PER_PAGE"); s != "" {
		perPage, _ = strconv.Atoi(s)
	}
	dir, want := damageFixture(t)
	path := filepath.Join(dir, embedded.FileName)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	used := usedBytes(t, orig)
	const ps = 4096
	rng := rand.New(rand.NewPCG(uint64(used), 14))
	var offsets []int
	for off := 16; off < 16+64; off += 4 { // meta page fields
		offsets = append(offsets, off, ps+off)
	}
	step := 1
	if raceEnabled {
		step = 8 // one trial opens a store: under -race, every eighth page
	}
	for page := 2; page < used/ps; page += step {
		for range perPage {
			offsets = append(offsets, page*ps+rng.IntN(ps))
		}
	}
	detected, unchanged := 0, 0
	kinds := map[string]int{}
	flipTrials(t, dir, orig, offsets, rng, func(off int, st *embedded.Store, de *embedded.DamageError) {
		if de != nil {
			detected++
			kinds[damageKind(de.Problem)]++
			return
		}
		got := dumpOf(t, st)
		st.Close()
		if !bytes.Equal(got, want) {
			t.Fatalf("offset %d (page %d): the store opened and serves changed data", off, off/ps)
		}
		unchanged++
	})
	t.Logf("%d pages in use, %d flips: %d detected, %d in unused bytes (data unchanged); detected by: %v",
		used/ps, len(offsets), detected, unchanged, kinds)
}

// flipTrials flips one byte of the store file in dir (orig: its bytes) at
// each offset in turn, each to a random other value, opens the store and
// calls trial with the open store (trial closes it) or with the
// DamageError Open returned (any other error fails the test), then writes
// the byte back. At the end the file must equal orig.
func flipTrials(t *testing.T, dir string, orig []byte, offsets []int, rng *rand.Rand, trial func(off int, st *embedded.Store, de *embedded.DamageError)) {
	t.Helper()
	path := filepath.Join(dir, embedded.FileName)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, off := range offsets {
		if _, err := f.WriteAt([]byte{orig[off] ^ byte(1+rng.IntN(255))}, int64(off)); err != nil {
			t.Fatal(err)
		}
		st, err := embedded.Open(dir, embedded.Options{})
		var de *embedded.DamageError
		if err != nil && !errors.As(err, &de) {
			t.Fatalf("offset %d: error %T %v, want a DamageError", off, err, err)
		}
		trial(off, st, de)
		if _, err := f.WriteAt(orig[off:off+1], int64(off)); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(fileBytes(t, path), orig) {
		t.Fatal("a trial changed the file beyond the flipped byte")
	}
}

// damageKind groups a DamageError's problem for the log.
func damageKind(p string) string {
	for _, k := range []string{"meta page", "checksum", "record version", "page", "sort", "counts", "bbolt", "malformed", "UTF-8", "endpoint", "key"} {
		if strings.Contains(p, k) {
			return k
		}
	}
	return p
}

// mountTmpfs mounts a tmpfs of size bytes on a new directory (the test
// runner is root in CI). Without the permission it skips, unless CI is set.
func mountTmpfs(t *testing.T, size int) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+strconv.Itoa(size)); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("mount tmpfs on %s: %v (CI runs as root and must be able to)", dir, err)
		}
		t.Skipf("cannot mount a tmpfs (%v): run as root to test a full disk and a read-only directory", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

// TestReadOnlyDir: a data directory on a read-only file system is refused
// with SERVICE_UNAVAILABLE naming the problem (not as damage), with or
// without a data file in it.
func TestReadOnlyDir(t *testing.T) {
	mnt := mountTmpfs(t, 64<<20)
	dir := filepath.Join(mnt, "data")
	st, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	genGraph(t, st, 50, 50)
	st.Close()
	if err := os.Mkdir(filepath.Join(mnt, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("", mnt, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Fatalf("remount read-only: %v", err)
	}
	for _, d := range []string{dir, filepath.Join(mnt, "empty"), filepath.Join(mnt, "missing")} {
		st, err := embedded.Open(d, embedded.Options{})
		if err == nil {
			st.Close()
			t.Fatalf("Open(%s) on a read-only file system succeeded", d)
		}
		var de *embedded.DamageError
		if errors.As(err, &de) || kepu.ErrorCode(err) != kepu.Unavailable || !strings.Contains(err.Error(), "read-only file system") {
			t.Fatalf("Open(%s): %T %v, want SERVICE_UNAVAILABLE about the read-only file system", d, err, err)
		}
	}
	// check reads it.
	if r, err := embedded.Check(filepath.Join(dir, embedded.FileName), embedded.CheckOptions{}); err != nil || !r.OK() {
		t.Fatalf("Check on the read-only directory: %+v, %v", r, err)
	}
}

// TestDiskFull fills a small tmpfs with writes until one fails: it fails
// with SERVICE_UNAVAILABLE, leaves the store serving every acknowledged
// write, and after a reopen the file passes Check and holds exactly the
// acknowledged writes.
func TestDiskFull(t *testing.T) {
	mnt := mountTmpfs(t, 2<<20)
	dir := filepath.Join(mnt, "data")
	st, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	acked := 0
	var werr error
	for i := 0; i < 100000; i++ {
		var changes []kepu.Change
		for j := range 20 {
			n := museum(i*20 + j)
			n.Props["city"] = strings.Repeat("城", 40)
			changes = append(changes, kepu.Change{Kind: kepu.CreateNode, Node: n})
		}
		if _, werr = st.Write(ctx, changes); werr != nil {
			break
		}
		acked += 20
	}
	if werr == nil {
		t.Fatal("2 MiB never filled up")
	}
	if kepu.ErrorCode(werr) != kepu.Unavailable {
		t.Fatalf("write on a full disk: %v, want SERVICE_UNAVAILABLE", werr)
	}
	if n, err := st.CountNodes(ctx, kepu.Museum, nil); err != nil || n != acked {
		t.Fatalf("after the failed write the store counts %d museums (%v), want the %d acknowledged", n, err, acked)
	}
	// A second failed write changes nothing either.
	if _, err := st.Write(ctx, []kepu.Change{{Kind: kepu.CreateNode, Node: museum(9_999_999)}}); err == nil {
		t.Log("a small write still fitted")
		acked++
	}
	st.Close()
	r, err := embedded.Check(filepath.Join(dir, embedded.FileName), embedded.CheckOptions{})
	if err != nil || !r.OK() {
		t.Fatalf("Check after the full disk: %+v, %v", r, err)
	}
	st, err = embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, _ := st.CountNodes(ctx, kepu.Museum, nil); n != acked {
		t.Fatalf("reopened: %d museums, want the %d acknowledged", n, acked)
	}
	t.Logf("%d museums acknowledged before the disk was full: %v", acked, werr)
}
