// Package embedded is the default kepugraph backend: a graph kept in memory
// and persisted in one bbolt file.
//
// Every Write is one bbolt transaction (fsync on commit) that applies all of
// its changes or none; the in-memory indexes change only after the commit
// succeeds. Reads are served from memory under a read lock and return copies.
package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/kepugraph/kepugraph/kepu"
)

// FileName is the name of the bbolt file inside the data directory.
const FileName = "kepugraph.db"

// SeedMarker is the file in the data directory that versions before
// 2026-12-03 created before their first start loaded the reference dataset
// and removed once the load had ended; a killed start left it. The server
// now marks the load in the data file itself (the metadata entry
// kepu.MetaReferenceLoad, see server.Seed) and still completes a load that
// this file marks. A restore removes it (the restored file is whole and
// carries its own mark).
const SeedMarker = "reference-load.incomplete"

var (
	bucketNodes = []byte("nodes") // node ID -> props
	bucketEdges = []byte("edges") // TYPE|from|to -> props
	bucketMeta  = []byte("meta")  // "counts" -> uvarint nodes, uvarint edges; "format" -> uvarint FormatVersion
	keyCounts   = []byte("counts")
	keyFormat   = []byte("format")
	keyVersion  = []byte("version") // uvarint: the graph version, bumped by every commit
)

// Options configure a Store.
type Options struct {
	// Logger receives load statistics; nil discards them.
	Logger *slog.Logger
	// LockTimeout bounds the wait for the data directory's file lock
	// (default 1s). Another process holding it gives an Unavailable error.
	LockTimeout time.Duration
	// NoSync skips fsync on commit. Only for tests and bulk loads that are
	// redone from scratch on failure.
	NoSync bool
	// BulkLoad defers the full-text index: writes do not update it, and it
	// is built once from the graph when the store is closed (or before the
	// first search, or BuildSearchIndex). For loads of many records: seed
	// and bench/scale write the graph with a Loader (which holds no graph
	// in memory; its Close builds the index from the file).
	BulkLoad bool
	// ReadOnly opens the data file read-only (bbolt's ReadOnly: a shared
	// lock, beside other readers but not a running server) and writes
	// nothing to the data directory, at the open, while open or at the
	// close: no directory or file is created (a missing data file is an
	// Unavailable error), a format 1 file is not migrated (Unavailable),
	// the commit stamp is not written, and the full-text index is neither
	// opened, built nor persisted. The graph's read methods answer as
	// usual; Search gives Unavailable, and Write and SetMeta give
	// BadUserInput. For seed --dry-run.
	ReadOnly bool
}

// Store is the embedded kepu.Store.
type Store struct {
	db  *bolt.DB
	log *slog.Logger
	dir string

	wmu     sync.Mutex // serializes writers
	mu      sync.RWMutex
	st      *state
	intern  *interner // used by writers only (under wmu)
	closed  bool
	ro      bool                        // Options.ReadOnly
	search  atomic.Pointer[searchIndex] // see search.go; nil when ro
	version atomic.Uint64               // the graph version (see kepu.Store.Version); written under wmu
	changes changeLog                   // the relationship changes of the last writes (changes.go), under mu
}

var _ kepu.Store = (*Store)(nil)

// edgeRec is a stored edge: its endpoints are the node records themselves
// (a node is deleted only with its edges), its type a relCode, its
// properties shared with the edges whose stored records are equal (see
// propsCache). 32 bytes.
type edgeRec struct {
	from, to *nodeRec
	props    *props // never nil
	rel      relCode
}

// p returns the edge's properties.
func (e *edgeRec) p() props { return *e.props }

func (e *edgeRec) typ() kepu.RelType { return relTypes[e.rel] }

func (e *edgeRec) key() string { return string(e.typ()) + "|" + e.from.id + "|" + e.to.id }

func (e *edgeRec) edge() kepu.Edge {
	return kepu.Edge{Type: e.typ(), From: e.from.id, To: e.to.id, Props: e.p().toMap()}
}

// canonLabel returns the schema's copy of a valid label: kepu.LabelOf
// returns a slice of the ID, and comparing labels that share their bytes
// is a pointer comparison instead of reading each node's ID.
func canonLabel(l kepu.Label) kepu.Label {
	if d := kepu.LookupLabel(l); d != nil {
		return d.Label
	}
	return l
}

// relCode is a relationship type's index in relTypes.
type relCode uint8

// relTypes lists the relationship types in kepu.RelDefs order; relCodes
// maps them back.
var relTypes, relCodes = func() ([]kepu.RelType, map[kepu.RelType]relCode) {
	var ts []kepu.RelType
	cs := map[kepu.RelType]relCode{}
	for i, d := range kepu.RelDefs() {
		ts = append(ts, d.Type)
		cs[d.Type] = relCode(i)
	}
	if len(ts) > 256 {
		panic("embedded: more than 256 relationship types")
	}
	return ts, cs
}()

// adjList holds a node's edges of one type in one direction. 32 bytes.
type adjList struct {
	edges []*edgeRec
	rel   relCode
}

// nodeRec is a stored node with its adjacency: out holds the lists of the
// edges the node is the From end of, in those it is the To end of (apart,
// so that the open links both directions at once without sharing memory).
type nodeRec struct {
	id      string
	label   kepu.Label
	props   props
	out, in []adjList
}

func (n *nodeRec) node() kepu.Node {
	return kepu.Node{ID: n.id, Label: n.label, Props: n.props.toMap()}
}

// lists returns the node's adjacency lists of one direction.
func (n *nodeRec) lists(dir kepu.Direction) *[]adjList {
	if dir == kepu.Out {
		return &n.out
	}
	return &n.in
}

// edges returns the node's edges of one type and direction (not a copy).
func (n *nodeRec) edges(rel kepu.RelType, dir kepu.Direction) []*edgeRec {
	for _, a := range *n.lists(dir) {
		if relTypes[a.rel] == rel {
			return a.edges
		}
	}
	return nil
}

func (n *nodeRec) addEdge(e *edgeRec, dir kepu.Direction) {
	ls := n.lists(dir)
	for i := range *ls {
		if a := &(*ls)[i]; a.rel == e.rel {
			a.edges = append(a.edges, e)
			return
		}
	}
	*ls = append(*ls, adjList{rel: e.rel, edges: []*edgeRec{e}})
}

func (n *nodeRec) removeEdge(e *edgeRec, dir kepu.Direction) {
	ls := *n.lists(dir)
	for i := range ls {
		a := &ls[i]
		if a.rel == e.rel {
			if j := slices.Index(a.edges, e); j >= 0 {
				last := len(a.edges) - 1
				a.edges[j] = a.edges[last]
				a.edges[last] = nil
				a.edges = a.edges[:last]
			}
			return
		}
	}
}

// shortScan is the length of an adjacency list that findEdge scans without
// looking at the other end's list first.
const shortScan = 16

// findEdge returns the committed edge of the type from the node from to the
// node to, or nil. It scans the shorter of from's outgoing and to's incoming
// list of the type: O(min(out-degree, in-degree)), so an edge between a hub
// and a node of small degree costs the small degree.
func (st *state) findEdge(rel kepu.RelType, from, to string) *edgeRec {
	fn := st.nodes[from]
	if fn == nil {
		return nil
	}
	out := fn.edges(rel, kepu.Out)
	if len(out) > shortScan {
		tn := st.nodes[to]
		if tn == nil {
			return nil
		}
		if in := tn.edges(rel, kepu.In); len(in) < len(out) {
			for _, e := range in {
				if e.from == fn {
					return e
				}
			}
			return nil
		}
	}
	for _, e := range out {
		if e.to.id == to {
			return e
		}
	}
	return nil
}

// state is the in-memory graph.
type state struct {
	nodes   map[string]*nodeRec
	byLabel map[kepu.Label][]string // sorted IDs
	nedges  int
	idx     indexes // sorted property indexes, built on first use (see index.go)
}

func newState(nnodes int) *state {
	return &state{nodes: make(map[string]*nodeRec, nnodes), byLabel: map[kepu.Label][]string{}}
}

// Open opens the store in dir and loads it into memory. Only a missing data
// file means a new store: it is created (with dir, if needed). An existing
// file is checked before and while it is read (see integrity.go): a file
// that is empty, truncated, not a bbolt file, or holds a record whose
// checksum fails gives a *DamageError naming the file, the record and what
// is wrong, and the file is left as it is. A format 1 file (kepugraph before
// record checksums) is migrated to format 2 in one transaction, after a copy
// of it is kept as kepugraph.db.format1. When another process holds the
// directory Open returns an error with code Unavailable once
// opts.LockTimeout has passed; a directory or file that cannot be read or
// written also gives Unavailable.
func Open(dir string, opts Options) (*Store, error) {
	start := time.Now()
	s, err := openFile(dir, opts)
	if err != nil {
		return nil, err
	}
	if opts.ReadOnly {
		s.log.Info("embedded store loaded read-only", "path", s.db.Path(), "nodes", len(s.st.nodes), "edges", s.st.nedges,
			"duration", time.Since(start).Round(time.Millisecond))
		return s, nil
	}
	if err := s.openSearch(opts); err != nil {
		s.db.Close()
		return nil, err
	}
	s.log.Info("embedded store loaded", "path", s.db.Path(), "nodes", len(s.st.nodes), "edges", s.st.nedges,
		"duration", time.Since(start).Round(time.Millisecond))
	return s, nil
}

// openFile is Open without the full-text index: it checks, migrates and
// reads the bbolt file into s.st.
func openFile(dir string, opts Options) (*Store, error) {
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = time.Second
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if !opts.ReadOnly {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, kepu.Errorf(kepu.Unavailable, "cannot create data directory %s: %v", dir, err)
		}
	}
	path := filepath.Join(dir, FileName)
	existed := true
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		existed = false
	} else if err != nil {
		return nil, kepu.Errorf(kepu.Unavailable, "cannot read %s: %v", path, err)
	}
	if !existed && opts.ReadOnly {
		return nil, kepu.Errorf(kepu.Unavailable, "no data file %s to open read-only", path)
	}
	if existed {
		// Validate under a shared lock: a file a server is writing is
		// "in use", never mistaken for damage.
		unlock, err := lockShared(path, opts.LockTimeout)
		if errors.Is(err, errLocked) {
			return nil, inUse("data directory %s is in use by another kepugraph process", dir)
		}
		if err != nil {
			return nil, kepu.Errorf(kepu.Unavailable, "cannot read %s: %v", path, err)
		}
		t := time.Now()
		err = validateFile(path)
		unlock()
		log.Debug("embedded store: page walk", "duration", time.Since(t))
		if err != nil {
			var de *DamageError
			if errors.As(err, &de) {
				return nil, err
			}
			return nil, kepu.Errorf(kepu.Unavailable, "cannot read %s: %v", path, err)
		}
	}
	s := &Store{log: log, dir: dir, intern: newInterner(), ro: opts.ReadOnly}
	err := guard(path, func() error {
		db, err := bolt.Open(path, 0o600, &bolt.Options{
			Timeout:         opts.LockTimeout,
			NoSync:          opts.NoSync,
			FreelistType:    bolt.FreelistMapType,
			InitialMmapSize: initialMmapSize,
			ReadOnly:        opts.ReadOnly,
		})
		if errors.Is(err, bolterrors.ErrTimeout) {
			return inUse("data directory %s is in use by another kepugraph process", dir)
		}
		if errors.Is(err, bolterrors.ErrInvalid) || errors.Is(err, bolterrors.ErrChecksum) || errors.Is(err, bolterrors.ErrVersionMismatch) {
			return &DamageError{Path: path, Problem: err.Error()}
		}
		if err != nil {
			return kepu.Errorf(kepu.Unavailable, "cannot open %s: %v", path, err)
		}
		s.db = db
		if err := s.load(); err != nil {
			return err
		}
		t := time.Now()
		releaseMapped(db)
		log.Debug("embedded store: mapping released", "duration", time.Since(t))
		return nil
	})
	if err != nil {
		if s.db != nil {
			s.db.Close()
		}
		return nil, err
	}
	return s, nil
}

// initialMmapSize is the size of bbolt's first memory map (address space,
// not memory). A write that must grow the map waits for every read
// transaction, and an online backup is one long read transaction: below
// this size writers never wait for a backup.
const initialMmapSize = 1 << 30

// guard runs fn, turning a panic or a memory fault (bbolt reads the file
// through a memory map and panics on some damaged pages) into a
// *DamageError about path.
func guard(path string, fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = &DamageError{Path: path, Problem: fmt.Sprintf("reading it failed inside bbolt (%v)", r)}
		}
	}()
	return fn()
}

// format returns the data format of an open file: FormatVersion, 1 for a
// file written before record checksums, or 0 for a file without kepugraph's
// buckets (a new file).
func format(tx *bolt.Tx, path string) (int, error) {
	nb, eb, mb := tx.Bucket(bucketNodes), tx.Bucket(bucketEdges), tx.Bucket(bucketMeta)
	if nb == nil && eb == nil && mb == nil {
		// A new file (bbolt initialized it, the buckets were not created
		// yet) holds nothing; a bbolt file of another program is refused.
		var other []byte
		tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			other = append([]byte(nil), name...)
			return errors.New("stop")
		})
		if other != nil {
			return 0, kepu.Errorf(kepu.Unavailable, "%s is a bbolt file but not a kepugraph data file (it holds the bucket %s): move it away", path, quote(other))
		}
		return 0, nil
	}
	if nb == nil || eb == nil || mb == nil {
		return 0, &DamageError{Path: path, Problem: "one of the buckets nodes, edges and meta is missing"}
	}
	v := mb.Get(keyFormat)
	if v == nil {
		return 1, nil
	}
	body, err := openRecord(keyFormat, v)
	if err != nil {
		return 0, &DamageError{Path: path, Record: "the format record", Problem: err.Error()}
	}
	d := &decoder{b: body}
	f := d.uvarint()
	if d.err != nil || len(d.b) != 0 {
		return 0, &DamageError{Path: path, Record: "the format record", Problem: errCorrupt.Error()}
	}
	if f != FormatVersion {
		return 0, kepu.Errorf(kepu.Unavailable, "%s has data format %d; this kepugraph reads format %d (and migrates format 1): use a newer kepugraph", path, f, FormatVersion)
	}
	return FormatVersion, nil
}

// load creates the buckets of a new file, migrates a format 1 file, and
// reads everything into memory, checking every record.
func (s *Store) load() error {
	path := s.db.Path()
	var f int
	if err := s.db.View(func(tx *bolt.Tx) (err error) {
		f, err = format(tx, path)
		return err
	}); err != nil {
		return err
	}
	switch {
	case s.ro && f == 0:
		// A file bbolt initialized that holds no buckets yet: an empty
		// graph, read without creating them.
		s.st = newState(0)
		return nil
	case s.ro && f == 1:
		return kepu.Errorf(kepu.Unavailable, "%s has data format 1, which is migrated to format %d when it is opened for writing (a server or a seed run), not when it is opened read-only", path, FormatVersion)
	case f == 0:
		if err := s.db.Update(func(tx *bolt.Tx) error {
			for _, b := range [][]byte{bucketNodes, bucketEdges, bucketMeta} {
				if _, err := tx.CreateBucket(b); err != nil {
					return err
				}
			}
			if err := putFormat(tx); err != nil {
				return err
			}
			return putCounts(tx, 0, 0)
		}); err != nil {
			return kepu.Errorf(kepu.Unavailable, "cannot initialize %s: %v", path, err)
		}
	case f == 1:
		if err := s.migrate1(); err != nil {
			return err
		}
	}
	// bbolt's own check (Tx.Check) is not run here: the page walk before
	// bbolt opened the file made the same checks (see walkPages), and
	// loadState checks every record.
	err := s.db.View(func(tx *bolt.Tx) error {
		defer pauseGC()()
		st, err := loadState(tx, path, s.intern, s.log)
		if err != nil {
			return err
		}
		v, err := readVersion(tx, path)
		if err != nil {
			return err
		}
		s.version.Store(v)
		s.st = st
		return nil
	})
	if err != nil {
		s.st = nil
		return err
	}
	return nil
}

// gcPause counts the loads in progress that turned the garbage collector
// off (see pauseGC).
var gcPause struct {
	sync.Mutex
	n   int
	old int
}

// pauseGC turns the garbage collector off until the function it returns is
// called (loads may overlap: the last one restores the setting). Reading a
// file allocates the graph and little else: collecting while it grows would
// mark the growing graph again and again for almost nothing to free. A
// soft memory limit (GOMEMLIMIT) still applies.
func pauseGC() func() {
	gcPause.Lock()
	if gcPause.n == 0 {
		gcPause.old = debug.SetGCPercent(-1)
	}
	gcPause.n++
	gcPause.Unlock()
	return func() {
		gcPause.Lock()
		if gcPause.n--; gcPause.n == 0 {
			debug.SetGCPercent(gcPause.old)
		}
		gcPause.Unlock()
	}
}

// putFormat writes the format record.
func putFormat(tx *bolt.Tx) error {
	return tx.Bucket(bucketMeta).Put(keyFormat, seal(keyFormat, binary.AppendUvarint(newRecord(1), FormatVersion)))
}

// putCounts writes the counts record.
func putCounts(tx *bolt.Tx, nnodes, nedges int) error {
	mb := tx.Bucket(bucketMeta)
	counts := binary.AppendUvarint(newRecord(8), uint64(max(nnodes, 0)))
	counts = binary.AppendUvarint(counts, uint64(max(nedges, 0)))
	return mb.Put(keyCounts, seal(keyCounts, counts))
}

// putVersion writes the graph version record.
func putVersion(tx *bolt.Tx, v uint64) error {
	return tx.Bucket(bucketMeta).Put(keyVersion, seal(keyVersion, binary.AppendUvarint(newRecord(8), v)))
}

// readVersion returns the graph version record, 0 when there is none (a
// store no write has changed yet).
func readVersion(tx *bolt.Tx, path string) (uint64, error) {
	v := tx.Bucket(bucketMeta).Get(keyVersion)
	if v == nil {
		return 0, nil
	}
	body, err := openRecord(keyVersion, v)
	if err != nil {
		return 0, &DamageError{Path: path, Record: "the version record", Problem: err.Error()}
	}
	d := &decoder{b: body}
	n := d.uvarint()
	if d.err != nil || len(d.b) != 0 {
		return 0, &DamageError{Path: path, Record: "the version record", Problem: errCorrupt.Error()}
	}
	return n, nil
}

// readCounts returns the counts record.
func readCounts(tx *bolt.Tx, path string) (nodes, edges uint64, err error) {
	v := tx.Bucket(bucketMeta).Get(keyCounts)
	if v == nil {
		return 0, 0, &DamageError{Path: path, Record: "the counts record", Problem: "it is missing"}
	}
	body, err := openRecord(keyCounts, v)
	if err != nil {
		return 0, 0, &DamageError{Path: path, Record: "the counts record", Problem: err.Error()}
	}
	d := &decoder{b: body}
	nodes, edges = d.uvarint(), d.uvarint()
	if d.err != nil || len(d.b) != 0 {
		return 0, 0, &DamageError{Path: path, Record: "the counts record", Problem: errCorrupt.Error()}
	}
	return nodes, edges, nil
}

// checkFile turns off the page walk before opening (the benchmark that
// measures its cost sets it; nothing else does).
var checkFile = true

// mapPages makes the page walk before opening read a read-only mapping of
// the file instead of one ReadAt per page (BenchmarkValidateFile turns it
// off to compare; nothing else does).
var mapPages = true

// verifyRecords turns off the checksum and UTF-8 checks of loadState (the
// benchmark that measures their cost sets it; nothing else does).
var verifyRecords = true

// recordBody returns the checked body of a stored value.
func recordBody(key, v []byte) ([]byte, error) {
	if !verifyRecords {
		if len(v) < recordHeader {
			return nil, errCorrupt
		}
		return v[recordHeader:], nil
	}
	return openRecord(key, v)
}

// loadState reads every record of a format 2 file into a new state,
// checking each record's checksum and contents, the key order and the
// counts record. The first problem (in key order) ends it with a
// *DamageError.
//
// It reads on several goroutines (see readNodes and readEdges), so that a
// large graph's records are decoded and its edges linked on every core;
// log gets the duration of each part at debug level.
func loadState(tx *bolt.Tx, path string, in *interner, log *slog.Logger) (*state, error) {
	nnodes, nedges, err := readCounts(tx, path)
	if err != nil {
		return nil, err
	}
	st := newState(int(min(nnodes, 1<<24)))
	start := time.Now()
	sorted, owners, err := st.readNodes(tx, path, in, int(min(nnodes, 1<<24)))
	if err != nil {
		return nil, err
	}
	log.Debug("embedded store: nodes read", "nodes", len(st.nodes), "duration", time.Since(start))
	start = time.Now()
	if err := st.readEdges(tx, path, in, sorted, owners); err != nil {
		return nil, err
	}
	log.Debug("embedded store: edges read and linked", "edges", st.nedges, "duration", time.Since(start))
	if uint64(len(st.nodes)) != nnodes || uint64(st.nedges) != nedges {
		return nil, &DamageError{Path: path, Problem: fmt.Sprintf("it holds %d node and %d edge records but its counts record says %d and %d (records were lost from a damaged page)",
			len(st.nodes), st.nedges, nnodes, nedges)}
	}
	return st, nil
}

// loadBatch is the number of records the open's goroutines pass on at a
// time.
const loadBatch = 1024

// nodeBatch is a run of node records in key order: their records (ID and
// label set by the reader, properties by the decoder) and stored values.
type nodeBatch struct {
	recs       []nodeRec
	keys, vals [][]byte // bbolt's memory, valid in the transaction
}

// readNodes reads the nodes bucket in two goroutines: this one walks the
// keys (order, label) and fills the ID map and the label lists; a second
// one checks each record's checksum and decodes its properties (it alone
// uses in meanwhile). It returns the nodes in ID order, and by resolver
// (see readEdges); nnodes is the number of nodes the counts record gives.
func (st *state) readNodes(tx *bolt.Tx, path string, in *interner, nnodes int) ([]*nodeRec, *idOwners, error) {
	sorted := make([]*nodeRec, 0, nnodes)
	owners := newIDOwners(nnodes)
	batches := make(chan *nodeBatch, 8)
	free := make(chan *nodeBatch, 10) // batches the decoder is done with
	var decodeErr error
	decoded := make(chan struct{})
	go func() {
		defer close(decoded)
		sl := &slab{}
		for b := range batches {
			if decodeErr != nil {
				continue // drain
			}
			for i := range b.recs {
				body, err := recordBody(b.keys[i], b.vals[i])
				if err == nil {
					b.recs[i].props, err = decodeProps(body, in, sl)
				}
				if err != nil {
					decodeErr = &DamageError{Path: path, Record: "node " + quote(b.keys[i]), Problem: err.Error()}
					break
				}
			}
			select {
			case free <- b:
			default:
			}
		}
	}()
	// Records and IDs are carved from chunks (see slab).
	var chunk []nodeRec
	ids := &slab{}
	b := &nodeBatch{}
	var label kepu.Label // the previous key's (canonical), and its IDs so far
	var labelIDs []string
	readErr := func() error {
		defer func() {
			if len(b.recs) > 0 {
				batches <- b
			}
			close(batches)
			<-decoded
			if label != "" {
				st.byLabel[label] = labelIDs
			}
		}()
		// bbolt iterates keys in byte order, which is Go's string order,
		// so each label's ID list comes out sorted.
		var prev []byte
		c := tx.Bucket(bucketNodes).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if prev != nil && string(k) <= string(prev) {
				return &DamageError{Path: path, Record: "node " + quote(k), Problem: "its key does not sort after the previous key " + quote(prev) + " (a damaged page)"}
			}
			prev = k
			// Keys of one label come one after the other: the previous
			// key's label is compared before the labels are looked up.
			l := label
			if n := len(label); n == 0 || len(k) <= n+1 || k[n] != ':' || string(k[:n]) != string(label) {
				if l = kepu.LabelOf(string(k)); l != "" {
					if label != "" {
						st.byLabel[label] = labelIDs
					}
					l = canonLabel(l)
					label, labelIDs = l, st.byLabel[l]
				}
			}
			if l == "" || (verifyRecords && !utf8.Valid(k)) {
				return &DamageError{Path: path, Record: "node " + quote(k), Problem: "the key is not a node ID"}
			}
			if len(chunk) == cap(chunk) {
				chunk = make([]nodeRec, 0, 4096)
			}
			if len(b.recs) == loadBatch || len(chunk) == 0 {
				if len(b.recs) > 0 {
					batches <- b
				}
				select {
				case b = <-free:
				default:
					b = &nodeBatch{keys: make([][]byte, 0, loadBatch), vals: make([][]byte, 0, loadBatch)}
				}
				b.recs, b.keys, b.vals = chunk[len(chunk):], b.keys[:0], b.vals[:0]
			}
			id := ids.string(k)
			chunk = append(chunk, nodeRec{id: id, label: l})
			n := &chunk[len(chunk)-1]
			b.recs = b.recs[:len(b.recs)+1]
			b.keys, b.vals = append(b.keys, k), append(b.vals, v)
			st.nodes[id] = n
			labelIDs = append(labelIDs, id)
			sorted = append(sorted, n)
			owners.add(n, k)
		}
		return nil
	}()
	// The decoder saw only records before the reader's problem.
	if decodeErr != nil {
		return nil, nil, decodeErr
	}
	return sorted, owners, readErr
}

// seekNode returns the index in sorted (nodes in ID order) of the node
// with the ID id, or -1. It searches forward from the index at, doubling
// its steps, so that IDs that come in order (the From ends of the edge
// keys) are found by reading the next few nodes, not the ID map.
func seekNode(sorted []*nodeRec, at int, id []byte) int {
	lo, hi := 0, len(sorted) // the node is in sorted[lo:hi] if anywhere
	if at >= 0 && at < len(sorted) {
		switch c := strings.Compare(sorted[at].id, string(id)); {
		case c == 0:
			return at
		case c > 0:
			hi = at
		default:
			lo = at + 1
			for step := 1; lo < hi; step *= 2 {
				if j := at + step; j >= hi || sorted[j].id >= string(id) {
					hi = min(j+1, hi)
					break
				}
				lo = at + step + 1
			}
		}
	}
	i := lo + sort.Search(hi-lo, func(i int) bool { return sorted[lo+i].id >= string(id) })
	if i < hi && sorted[i].id == string(id) {
		return i
	}
	return -1
}

// edgeBatch is a run of edge records in key order: the records (all but
// the To end set by the reader), their To keys, and which resolver each
// To end belongs to.
type edgeBatch struct {
	pending atomic.Int32 // resolvers not done with it
	first   int          // the ordinal of recs[0] among the edge records
	recs    []edgeRec
	tos     [][]byte   // bbolt's memory, valid in the transaction
	own     [2][]int32 // the indexes of recs whose To end resolver 0 (1) finds
}

// readEdges reads the edges bucket in three goroutines. This one walks the
// records in key order (type, then From): it checks the order, the
// checksums and the properties (equal records share one props, see
// propsCache), finds the From end and makes the From ends' adjacency lists
// (each list one run of keys, sized exactly). Two resolvers find the To
// ends (each in a table of its nodes, see idTable) and append to their
// lists; each owns the To ends whose ID hashes to it, so no list is written
// by two goroutines, and each takes the batches in order, so every list
// keeps the key order.
func (st *state) readEdges(tx *bolt.Tx, path string, in *interner, sorted []*nodeRec, owners *idOwners) error {
	var queues [2]chan *edgeBatch
	free := make(chan *edgeBatch, 20) // batches both resolvers are done with
	var resolveErr [2]*DamageError
	var resolveAt [2]int
	var wg sync.WaitGroup
	for r := range queues {
		queues[r] = make(chan *edgeBatch, 8)
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids := owners.table(r)
			found := make([]*nodeRec, 0, loadBatch)
			for b := range queues[r] {
				if resolveErr[r] == nil {
					// In passes, so that the reads of different edges'
					// slots and nodes (cache misses) overlap: the slots
					// first, then the nodes' IDs, then the lists.
					found = found[:0]
					for _, i := range b.own[r] {
						found = append(found, ids.candidate(b.tos[i]))
					}
					for j, i := range b.own[r] {
						if n := found[j]; n == nil || n.id != string(b.tos[i]) {
							found[j] = ids.find(b.tos[i])
						}
					}
					for j, i := range b.own[r] {
						e, tn := &b.recs[i], found[j]
						if tn == nil {
							resolveErr[r] = &DamageError{Path: path, Record: "edge " + quote(edgeKeyBytes(e, b.tos[i])), Problem: "an endpoint of the edge is not in the file"}
							resolveAt[r] = b.first + int(i)
							break
						}
						e.to = tn
						tn.addEdge(e, kepu.In)
					}
				}
				if b.pending.Add(-1) == 0 {
					select {
					case free <- b:
					default:
					}
				}
			}
		}()
	}
	// Most edges carry the same few property sets (only provenance and
	// source): equal records share one decoded props (never changed in
	// place), which saves most of the edges' property memory.
	sharedProps := &in.edgeProps
	sl := &slab{}
	var lists ptrSlab
	var chunk []edgeRec
	b := &edgeBatch{}
	send := func() {
		b.pending.Store(int32(len(queues)))
		for _, q := range queues {
			q <- b
		}
	}
	// The From end's list in progress: consecutive keys of one type and
	// From end.
	var run []*edgeRec
	var runFrom *nodeRec
	var runRel relCode
	endRun := func() {
		if len(run) > 0 {
			runFrom.appendOut(runRel, lists.take(run))
			run = run[:0]
		}
	}
	readErr := func() error {
		defer func() {
			if len(b.recs) > 0 {
				send()
			}
			for _, q := range queues {
				close(q)
			}
			wg.Wait()
		}()
		c := tx.Bucket(bucketEdges).Cursor()
		var prev, lastBody []byte
		var lastProps *props
		var lastTyp kepu.RelType
		var lastRel relCode
		at := 0 // the index in sorted of the last From end
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if prev != nil && string(k) <= string(prev) {
				return &DamageError{Path: path, Record: "edge " + quote(k), Problem: "its key does not sort after the previous key " + quote(prev) + " (a damaged page)"}
			}
			prev = k
			typ, from, to, ok := splitEdgeKeyLike(k, lastTyp)
			if !ok {
				return &DamageError{Path: path, Record: "edge " + quote(k), Problem: "the key is not TYPE|from|to"}
			}
			if typ != lastTyp {
				lastTyp, lastRel = typ, relCodes[typ]
			}
			rel := lastRel
			if runFrom == nil || rel != runRel || runFrom.id != string(from) {
				endRun()
				runFrom, runRel = nil, rel
				if at = seekNode(sorted, at, from); at >= 0 {
					runFrom = sorted[at]
				}
			}
			body, err := recordBody(k, v)
			var p *props
			if err == nil {
				// Consecutive edges mostly share their properties.
				if p = lastProps; lastBody == nil || !bytes.Equal(body, lastBody) {
					p, err = sharedProps.get(body, in, sl)
					lastBody, lastProps = body, p
				}
			}
			if err == nil && runFrom == nil {
				err = errors.New("an endpoint of the edge is not in the file")
			}
			if err != nil {
				return &DamageError{Path: path, Record: "edge " + quote(k), Problem: err.Error()}
			}
			if len(chunk) == cap(chunk) {
				chunk = make([]edgeRec, 0, 4096)
			}
			if len(b.recs) == loadBatch || len(chunk) == 0 {
				if len(b.recs) > 0 {
					send()
				}
				select {
				case b = <-free:
				default:
					b = &edgeBatch{tos: make([][]byte, 0, loadBatch)}
				}
				b.first, b.recs, b.tos = st.nedges, chunk[len(chunk):], b.tos[:0]
				b.own[0], b.own[1] = b.own[0][:0], b.own[1][:0]
			}
			chunk = append(chunk, edgeRec{rel: rel, from: runFrom, props: p})
			i := len(b.recs)
			b.recs = b.recs[:i+1]
			b.tos = append(b.tos, to)
			r := resolverOf(to)
			b.own[r] = append(b.own[r], int32(i))
			run = append(run, &chunk[len(chunk)-1])
			st.nedges++
		}
		endRun()
		return nil
	}()
	// The resolvers saw only records before the reader's problem: the
	// first of theirs comes first.
	switch {
	case resolveErr[0] != nil && (resolveErr[1] == nil || resolveAt[0] < resolveAt[1]):
		return resolveErr[0]
	case resolveErr[1] != nil:
		return resolveErr[1]
	}
	return readErr
}

// resolverOf returns the resolver (0 or 1) of the To end with the ID to: a
// bit of a multiplicative hash of its last 8 bytes (IDs differ at the end).
func resolverOf(to []byte) int {
	var x uint64
	if len(to) >= 8 {
		x = binary.LittleEndian.Uint64(to[len(to)-8:])
	} else {
		for _, c := range to {
			x = x<<8 | uint64(c)
		}
	}
	return int((x * 0x9e3779b97f4a7c15) >> 63)
}

// edgeKeyBytes is the stored key of e, whose To end is the key to.
func edgeKeyBytes(e *edgeRec, to []byte) []byte {
	return []byte(string(relTypes[e.rel]) + "|" + e.from.id + "|" + string(to))
}

// appendOut adds the list of edges of type rel out of n (the open's
// reader: a list is one run of keys).
func (n *nodeRec) appendOut(rel relCode, edges []*edgeRec) {
	for i := range n.out {
		if a := &n.out[i]; a.rel == rel {
			a.edges = append(a.edges, edges...)
			return
		}
	}
	n.out = append(n.out, adjList{rel: rel, edges: edges})
}

// ptrSlab hands out adjacency lists carved from large chunks, with their
// capacity cut to their length: a later append (a write) copies the list
// instead of writing into the next one.
type ptrSlab struct {
	buf []*edgeRec
}

// take returns a copy of run.
func (s *ptrSlab) take(run []*edgeRec) []*edgeRec {
	n := len(run)
	if n > 512 {
		return slices.Clone(run)
	}
	if cap(s.buf)-len(s.buf) < n {
		s.buf = make([]*edgeRec, 0, 32768)
	}
	start := len(s.buf)
	s.buf = append(s.buf, run...)
	return s.buf[start:len(s.buf):len(s.buf)]
}

// propsCache maps record bodies to their decoded props, so that equal
// bodies share one props (never changed in place). It holds at most
// maxSharedProps bodies and starts again when full, so that a run of
// distinct bodies (edges that carry counts) does not keep the bodies that
// come later (other relationship types) from being shared.
type propsCache struct {
	m map[string]*props
}

// maxSharedProps bounds a propsCache: a file whose edges all differ costs
// no more than this many cached bodies (a few MB). The benchmark graph's
// 5 M edges have about 25,000 distinct bodies (COVERS carries counts): a
// cache of 4,096 started again every few thousand of them and decoded
// most bodies again (about a quarter of the open's edge reader at 1M).
const maxSharedProps = 1 << 16

// get returns the props of body, decoding it when it is not cached.
func (pc *propsCache) get(body []byte, in *interner, sl *slab) (*props, error) {
	if p, ok := pc.m[string(body)]; ok {
		return p, nil
	}
	p, err := decodeProps(body, in, sl)
	if err != nil {
		return nil, err
	}
	return pc.put(body, p), nil
}

// share returns the cached props equal to p (whose record body is body),
// or p, which it caches.
func (pc *propsCache) share(body []byte, p props) *props {
	if q, ok := pc.m[string(body)]; ok {
		return q
	}
	return pc.put(body, p)
}

func (pc *propsCache) put(body []byte, p props) *props {
	if pc.m == nil {
		pc.m = make(map[string]*props)
	}
	if len(pc.m) >= maxSharedProps {
		clear(pc.m)
	}
	pp := &p
	pc.m[string(body)] = pp
	return pp
}

// quote quotes a key for a message, shortened.
func quote(k []byte) string { return fmt.Sprintf("%q", kepu.Truncate(string(k), 64)) }

func splitEdgeKey(k []byte) (kepu.RelType, []byte, []byte, bool) {
	i := slices.Index(k, '|')
	if i <= 0 {
		return "", nil, nil, false
	}
	j := slices.Index(k[i+1:], '|')
	if j <= 0 {
		return "", nil, nil, false
	}
	d := kepu.LookupRel(kepu.RelType(k[:i]))
	if d == nil {
		return "", nil, nil, false
	}
	return d.Type, k[i+1 : i+1+j], k[i+2+j:], true
}

// splitEdgeKeyLike is splitEdgeKey for a key that is most likely of the
// type typ (the previous key's): it then splits without looking the type up.
func splitEdgeKeyLike(k []byte, typ kepu.RelType) (kepu.RelType, []byte, []byte, bool) {
	n := len(typ)
	if n == 0 || len(k) <= n || k[n] != '|' || string(k[:n]) != string(typ) {
		return splitEdgeKey(k)
	}
	rest := k[n+1:]
	j := bytes.IndexByte(rest, '|')
	if j <= 0 {
		return "", nil, nil, false
	}
	return typ, rest[:j], rest[j+1:], true
}

// Close closes the bbolt file. The store must not be used afterwards.
func (s *Store) Close() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.closeSearch()
	return s.db.Close()
}

// errReadOnly is the error of a write to a store opened read-only.
var errReadOnly = kepu.Errorf(kepu.BadUserInput, "the store is opened read-only")

// Path returns the bbolt file's path.
func (s *Store) Path() string { return s.db.Path() }

// rlock takes the read lock after checking the context; the caller must
// call s.mu.RUnlock when err is nil.
func (s *Store) rlock(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return kepu.Errorf(kepu.Unavailable, "store is closed")
	}
	return nil
}

// ---- writes ----

// batch is the state of a Write in progress: an overlay over the committed
// state. A nil value marks a deletion.
type batch struct {
	st    *state
	in    *interner
	nodes map[string]*pendingNode
	edges map[string]*pendingEdge
	// added lists, per node ID, the keys of edges created in this batch;
	// nil until the batch deletes a node (the only use).
	added map[string][]string
	// ones lists, per "TYPE|from", the To ends of the edges of a One type
	// put in this batch (checkOne, hierarchy.go); nil until the first.
	ones  map[string][]string
	stamp uint64 // the commit stamp (see searchdisk.go), set by commit
}

type pendingNode struct {
	id    string
	label kepu.Label
	props props
	gone  bool
}

type pendingEdge struct {
	typ      kepu.RelType
	from, to string
	props    props
	gone     bool
	rec      []byte   // the stored value, set by commit
	old      *edgeRec // the committed edge of the same key or nil, set by commit
}

func (b *batch) nodeExists(id string) (props, bool) {
	if p, ok := b.nodes[id]; ok {
		return p.props, !p.gone
	}
	if n := b.st.nodes[id]; n != nil {
		return n.props, true
	}
	return nil, false
}

func (b *batch) edge(typ kepu.RelType, from, to string) (props, bool) {
	if p, ok := b.edges[string(typ)+"|"+from+"|"+to]; ok {
		return p.props, !p.gone
	}
	if e := b.st.findEdge(typ, from, to); e != nil {
		return e.p(), true
	}
	return nil, false
}

func (b *batch) putEdge(typ kepu.RelType, from, to string, p props) {
	k := string(typ) + "|" + from + "|" + to
	if old, ok := b.edges[k]; b.added != nil && (!ok || old.gone) {
		b.added[from] = append(b.added[from], k)
		b.added[to] = append(b.added[to], k)
	}
	b.edges[k] = &pendingEdge{typ: typ, from: from, to: to, props: p}
}

// indexAdded builds b.added from the edges put so far, the first time the
// batch deletes a node.
func (b *batch) indexAdded() {
	if b.added != nil {
		return
	}
	b.added = map[string][]string{}
	for k, p := range b.edges {
		if p.gone {
			continue
		}
		if b.st.findEdge(p.typ, p.from, p.to) != nil {
			continue // not created in this batch
		}
		b.added[p.from] = append(b.added[p.from], k)
		b.added[p.to] = append(b.added[p.to], k)
	}
}

// deleteNode marks the node and every edge touching it as deleted.
func (b *batch) deleteNode(id string) {
	if n := b.st.nodes[id]; n != nil {
		for _, ls := range [][]adjList{n.out, n.in} {
			for _, a := range ls {
				for _, e := range a.edges {
					b.edges[e.key()] = &pendingEdge{typ: e.typ(), from: e.from.id, to: e.to.id, gone: true}
				}
			}
		}
	}
	b.indexAdded()
	for _, k := range b.added[id] {
		b.edges[k].gone = true
		b.edges[k].props = nil
	}
	b.nodes[id] = &pendingNode{id: id, label: kepu.LabelOf(id), gone: true}
}

// Write applies changes all or nothing (see kepu.Store).
func (s *Store) Write(ctx context.Context, changes []kepu.Change) ([]kepu.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.ro {
		return nil, errReadOnly
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.closed {
		return nil, kepu.Errorf(kepu.Unavailable, "store is closed")
	}
	// Only writers change s.st, and we hold wmu: reading it needs no lock.
	// The overlay's maps are sized for the changes (a bulk write of 1,000
	// edges would otherwise grow its map seven times).
	nnodes := 0
	for _, c := range changes {
		switch c.Kind {
		case kepu.CreateNode, kepu.PutNode, kepu.UpdateNode, kepu.DeleteNode:
			nnodes++
		}
	}
	b := &batch{st: s.st, in: s.intern, nodes: make(map[string]*pendingNode, nnodes),
		edges: make(map[string]*pendingEdge, len(changes)-nnodes)}
	results := make([]kepu.Result, len(changes))
	for i, c := range changes {
		if i%256 == 255 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		r, err := b.apply(c)
		if err != nil {
			var ke *kepu.Error
			if errors.As(err, &ke) {
				return nil, &kepu.Error{Code: ke.Code, Field: ke.Field,
					Message: fmt.Sprintf("change %d (%s): %s", i+1, c.Kind, ke.Message)}
			}
			return nil, err
		}
		results[i] = r
	}
	if len(b.nodes) == 0 && len(b.edges) == 0 {
		return results, nil // nothing to change (an empty batch, or only IfExists deletes of missing targets)
	}
	if err := s.commit(b); err != nil {
		s.log.Error("embedded store commit failed", "err", err)
		return nil, kepu.Errorf(kepu.Unavailable, "cannot write to the data directory: %v", err)
	}
	s.mu.Lock()
	s.st.applyBatch(b)
	s.changes.add(s.version.Add(1), changes)
	s.mu.Unlock()
	s.updateSearch(b)
	return results, nil
}

func (b *batch) apply(c kepu.Change) (kepu.Result, error) {
	switch c.Kind {
	case kepu.CreateNode, kepu.PutNode:
		n := c.Node
		// ValidateNode only reads the caller's map: n.Props becomes a new
		// normalized map (lists copied), which is the result's.
		if err := kepu.ValidateNode(&n); err != nil {
			return kepu.Result{}, err
		}
		if _, ok := b.nodeExists(n.ID); ok && c.Kind == kepu.CreateNode {
			return kepu.Result{}, kepu.Errorf(kepu.Conflict, "node %s already exists", n.ID)
		}
		p := fromMap(n.Props, b.in)
		b.nodes[n.ID] = &pendingNode{id: n.ID, label: n.Label, props: p}
		return kepu.Result{Node: kepu.Node{ID: n.ID, Label: n.Label, Props: n.Props}}, nil

	case kepu.UpdateNode:
		l := kepu.LabelOf(c.ID)
		if l == "" {
			return kepu.Result{}, kepu.Errorf(kepu.BadUserInput, "malformed node ID %q", kepu.Truncate(c.ID, 64))
		}
		set := c.Set.Clone()
		if err := kepu.ValidateNodeUpdate(l, set, c.Unset); err != nil {
			return kepu.Result{}, err
		}
		old, ok := b.nodeExists(c.ID)
		if !ok {
			return kepu.Result{}, kepu.Errorf(kepu.NotFound, "node %s not found", c.ID)
		}
		// The span rule holds on the record the update leaves (we hold
		// wmu: no other write comes between the read and the commit).
		m := merge(old, set, c.Unset)
		if err := kepu.CheckSpans(m, set); err != nil {
			return kepu.Result{}, err
		}
		p := fromMap(m, b.in)
		b.nodes[c.ID] = &pendingNode{id: c.ID, label: l, props: p}
		return kepu.Result{Node: kepu.Node{ID: c.ID, Label: l, Props: p.toMap()}}, nil

	case kepu.DeleteNode:
		if kepu.LabelOf(c.ID) == "" {
			return kepu.Result{}, kepu.Errorf(kepu.BadUserInput, "malformed node ID %q", kepu.Truncate(c.ID, 64))
		}
		if _, ok := b.nodeExists(c.ID); !ok {
			if c.IfExists {
				return kepu.Result{}, nil
			}
			return kepu.Result{}, kepu.Errorf(kepu.NotFound, "node %s not found", c.ID)
		}
		b.deleteNode(c.ID)
		return kepu.Result{}, nil

	case kepu.CreateEdge, kepu.PutEdge:
		e := c.Edge
		// As for nodes: e.Props becomes a new normalized map.
		if err := kepu.ValidateEdge(&e, kepu.LabelOf(e.From), kepu.LabelOf(e.To)); err != nil {
			return kepu.Result{}, err
		}
		for _, id := range []string{e.From, e.To} {
			if _, ok := b.nodeExists(id); !ok {
				return kepu.Result{}, kepu.Errorf(kepu.NotFound, "node %s not found", id)
			}
		}
		if c.Kind == kepu.CreateEdge {
			if _, ok := b.edge(e.Type, e.From, e.To); ok {
				return kepu.Result{}, kepu.Errorf(kepu.Conflict, "%s edge from %s to %s already exists", e.Type, e.From, e.To)
			}
		}
		if err := b.checkOne(e); err != nil {
			return kepu.Result{}, err
		}
		p := fromMap(e.Props, b.in)
		b.putEdge(e.Type, e.From, e.To, p)
		return kepu.Result{Edge: kepu.Edge{Type: e.Type, From: e.From, To: e.To, Props: e.Props}}, nil

	case kepu.UpdateEdge:
		e := c.Edge
		set := c.Set.Clone()
		if err := kepu.ValidateEdgeUpdate(e.Type, set, c.Unset); err != nil {
			return kepu.Result{}, err
		}
		old, ok := b.edge(e.Type, e.From, e.To)
		if !ok {
			return kepu.Result{}, kepu.Errorf(kepu.NotFound, "%s edge from %s to %s not found", e.Type, kepu.Truncate(e.From, 64), kepu.Truncate(e.To, 64))
		}
		m := merge(old, set, c.Unset)
		if err := kepu.CheckSpans(m, set); err != nil {
			return kepu.Result{}, err
		}
		p := fromMap(m, b.in)
		b.putEdge(e.Type, e.From, e.To, p)
		return kepu.Result{Edge: kepu.Edge{Type: e.Type, From: e.From, To: e.To, Props: p.toMap()}}, nil

	case kepu.DeleteEdge:
		e := c.Edge
		if kepu.LookupRel(e.Type) == nil {
			return kepu.Result{}, kepu.Errorf(kepu.BadUserInput, "unknown relationship type %q", kepu.Truncate(string(e.Type), 64))
		}
		if _, ok := b.edge(e.Type, e.From, e.To); !ok {
			if c.IfExists {
				return kepu.Result{}, nil
			}
			return kepu.Result{}, kepu.Errorf(kepu.NotFound, "%s edge from %s to %s not found", e.Type, kepu.Truncate(e.From, 64), kepu.Truncate(e.To, 64))
		}
		k := string(e.Type) + "|" + e.From + "|" + e.To
		b.edges[k] = &pendingEdge{typ: e.Type, from: e.From, to: e.To, gone: true}
		return kepu.Result{}, nil
	}
	return kepu.Result{}, kepu.Errorf(kepu.BadUserInput, "unknown change kind %q", kepu.Truncate(string(c.Kind), 64))
}

// merge returns old with set applied (nil values unset) and unset removed.
func merge(old props, set kepu.Props, unset []string) kepu.Props {
	m := make(kepu.Props, len(old)+len(set))
	for _, e := range old {
		m[e.k] = e.v
	}
	for k, v := range set {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	for _, k := range unset {
		delete(m, k)
	}
	return m
}

// commit writes the batch in one bbolt transaction.
func (s *Store) commit(b *batch) error {
	nnodes, nedges := len(s.st.nodes), s.st.nedges
	for id, p := range b.nodes {
		_, existed := s.st.nodes[id]
		switch {
		case p.gone && existed:
			nnodes--
		case !p.gone && !existed:
			nnodes++
		}
	}
	for _, p := range b.edges {
		// Looked up once: applyBatch uses it (only writers change s.st,
		// and the caller holds wmu until applyBatch is done).
		p.old = s.st.findEdge(p.typ, p.from, p.to)
		existed := p.old != nil
		switch {
		case p.gone && existed:
			nedges--
		case !p.gone && !existed:
			nedges++
		}
	}
	// Keys are written in order: bbolt's cursor then walks forward through
	// the same pages, and a load whose keys come in order appends.
	nodeKeys := slices.Sorted(maps.Keys(b.nodes))
	edgeKeys := slices.Sorted(maps.Keys(b.edges))
	for _, k := range edgeKeys {
		if p := b.edges[k]; !p.gone {
			p.rec = encodeRecord([]byte(k), p.props)
		}
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		nb, eb := tx.Bucket(bucketNodes), tx.Bucket(bucketEdges)
		if len(nodeKeys)+len(edgeKeys) >= bulkBatch {
			// A bulk write: split full pages at 90% instead of half, so
			// that keys written in order leave pages nearly full.
			nb.FillPercent, eb.FillPercent = bulkFill, bulkFill
		}
		for _, id := range nodeKeys {
			p := b.nodes[id]
			var err error
			if p.gone {
				err = nb.Delete([]byte(id))
			} else {
				err = nb.Put([]byte(id), encodeRecord([]byte(id), p.props))
			}
			if err != nil {
				return err
			}
		}
		for _, k := range edgeKeys {
			p := b.edges[k]
			var err error
			if p.gone {
				err = eb.Delete([]byte(k))
			} else {
				err = eb.Put([]byte(k), p.rec)
			}
			if err != nil {
				return err
			}
		}
		if err := putVersion(tx, s.version.Load()+1); err != nil {
			return err
		}
		if err := putStamp(tx, b); err != nil {
			return err
		}
		return putCounts(tx, nnodes, nedges)
	})
}

// bulkBatch is the number of records from which a write is taken for a
// bulk load (see bulkFill).
const bulkBatch = 256

// bulkFill is bbolt's fill percent for the writes of bulk loads.
const bulkFill = 0.9

// applyBatch updates the in-memory state after a commit: node upserts, edge
// deletions, edge upserts, then node deletions (a deleted node's edges are
// all in the batch as deletions). Edges whose stored records are equal
// share one props (see propsCache).
func (st *state) applyBatch(b *batch) {
	newIDs := map[kepu.Label][]string{}
	goneIDs := map[kepu.Label]map[string]bool{}
	for id, p := range b.nodes {
		if p.gone {
			continue
		}
		if n := st.nodes[id]; n != nil {
			st.idx.move(n, p.props, true, true) // sets n.props
			continue
		}
		n := &nodeRec{id: id, label: canonLabel(p.label), props: p.props}
		st.nodes[id] = n
		st.idx.move(n, p.props, false, true)
		newIDs[p.label] = append(newIDs[p.label], id)
	}
	for _, p := range b.edges {
		if !p.gone {
			continue
		}
		if e := p.old; e != nil {
			e.from.removeEdge(e, kepu.Out)
			e.to.removeEdge(e, kepu.In)
			st.nedges--
		}
	}
	for _, p := range b.edges {
		if p.gone {
			continue
		}
		fn, tn := st.nodes[p.from], st.nodes[p.to]
		var props *props
		if p.rec != nil && b.in != nil {
			props = b.in.edgeProps.share(p.rec[recordHeader:], p.props)
		} else {
			props = &p.props
		}
		if e := p.old; e != nil {
			e.props = props
			continue
		}
		e := &edgeRec{rel: relCodes[p.typ], from: fn, to: tn, props: props}
		fn.addEdge(e, kepu.Out)
		tn.addEdge(e, kepu.In)
		st.nedges++
	}
	for id, p := range b.nodes {
		n := st.nodes[id]
		if !p.gone || n == nil {
			continue
		}
		st.idx.move(n, nil, true, false)
		delete(st.nodes, id)
		if goneIDs[p.label] == nil {
			goneIDs[p.label] = map[string]bool{}
		}
		goneIDs[p.label][id] = true
	}
	for l, gone := range goneIDs {
		st.byLabel[l] = slices.DeleteFunc(st.byLabel[l], func(id string) bool { return gone[id] })
	}
	for l, ids := range newIDs {
		slices.Sort(ids)
		st.byLabel[l] = mergeSorted(st.byLabel[l], ids)
	}
}

// mergeSorted merges two sorted lists of distinct IDs.
func mergeSorted(a, b []string) []string {
	if len(a) == 0 {
		return b
	}
	if a[len(a)-1] < b[0] {
		return append(a, b...)
	}
	out := make([]string, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if strings.Compare(a[i], b[j]) < 0 {
			out = append(out, a[i])
			i++
		} else {
			out = append(out, b[j])
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}
