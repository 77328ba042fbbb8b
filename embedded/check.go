package embedded

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/kepugraph/kepugraph/kepu"
)

// Report is the result of Check.
type Report struct {
	Path     string    `json:"path"`
	Format   int       `json:"format"`   // data format (see FormatVersion); 0 when unknown
	Bytes    int64     `json:"bytes"`    // the data's size as bbolt reads it (its pages in use), or the file's size when the file check refuses it
	Nodes    int       `json:"nodes"`    // node records read
	Edges    int       `json:"edges"`    // edge records read
	Checks   []string  `json:"checks"`   // the checks that ran, in order
	Problems []Problem `json:"problems"` // empty when the file is sound
	Duration string    `json:"duration"`
}

// Problem is one finding of Check.
type Problem struct {
	Check   string `json:"check"`            // the check that found it (see Check)
	Record  string `json:"record,omitempty"` // the record at fault, if one
	Message string `json:"message"`
}

// OK reports whether the check found nothing wrong.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// maxProblems bounds the problems one check reports.
const maxProblems = 200

func (r *Report) add(check, record, format string, args ...any) {
	n := 0
	for _, p := range r.Problems {
		if p.Check == check {
			n++
		}
	}
	switch {
	case n < maxProblems:
		r.Problems = append(r.Problems, Problem{Check: check, Record: record, Message: fmt.Sprintf(format, args...)})
	case n == maxProblems:
		r.Problems = append(r.Problems, Problem{Check: check, Message: "more problems of this check are not listed"})
	}
}

// CheckOptions configure Check.
type CheckOptions struct {
	// LockTimeout bounds the wait for the file lock (default 1s): a file
	// that a running server holds cannot be checked (check a backup of it).
	LockTimeout time.Duration
}

// Check examines the data file at path without changing it and reports
// every problem it finds. The checks, in order:
//
//   - "file": the file's length, both bbolt meta pages and the walk of
//     every page in use (see validateFile and walkPages: the structure of
//     the pages, the freelist, the key order), as Open makes them;
//   - "bbolt": bbolt's own consistency check (Tx.Check: every page reachable
//     once or free, no page freed twice, keys in order in every page);
//   - "format": the format record (FormatVersion; 1 before checksums);
//   - "records": every node and edge record: key order, CRC-32C, decoding,
//     UTF-8, the key a node ID or TYPE|from|to, the properties valid for the
//     schema (kepu.ValidateNode, ValidateEdge: PART_OF strictly upward);
//     the counts record; every metadata entry (kepu.Store.SetMeta): its
//     CRC-32C, its key and value valid (kepu.ValidateMeta), a problem
//     naming the entry ("the metadata entry referenceLoad");
//   - "edges": both endpoints of every edge exist;
//   - "indexes": the store's in-memory indexes, built as Open builds them,
//     agree with the full scan: the ID list of every label, the adjacency
//     lists of every node in both directions, and the answers of
//     CountNodes, FindNodes and CountNeighbors;
//   - "places": no node has two PART_OF parents or two LOCATED_IN places
//     (kepu.OneIndex; reported with the records), and the place hierarchy
//     (PART_OF) has no cycle (which the pair rule already excludes: the
//     walk checks a file written before it).
//
// A check that cannot run because an earlier one failed is left out of
// Checks. The error is not nil only when the file cannot be examined at
// all: missing, unreadable, or locked by a running server.
func Check(path string, opts CheckOptions) (*Report, error) {
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = time.Second
	}
	start := time.Now()
	r := &Report{Path: path, Problems: []Problem{}}
	defer func() { r.Duration = time.Since(start).Round(time.Millisecond).String() }()
	// Hold a shared lock throughout: a server writing the file holds the
	// exclusive one, and its file is "in use", not damaged.
	unlock, err := lockShared(path, opts.LockTimeout)
	if errors.Is(err, errLocked) {
		return nil, inUse("%s is in use by a running kepugraph: check a backup of it (kepugraph backup), or stop the server", path)
	}
	if err != nil {
		return nil, kepu.Errorf(kepu.Unavailable, "cannot read %s: %v", path, err)
	}
	defer unlock()
	if fi, err := os.Stat(path); err == nil {
		r.Bytes = fi.Size() // a file refused before bbolt reads it is still its size
	}
	r.Checks = append(r.Checks, "file")
	if err := validateFile(path); err != nil {
		var de *DamageError
		if !errors.As(err, &de) {
			return nil, kepu.Errorf(kepu.Unavailable, "cannot read %s: %v", path, err)
		}
		r.add("file", "", "%s", de.Problem)
		return r, nil
	}
	var db *bolt.DB
	err = guard(path, func() error {
		var err error
		db, err = bolt.Open(path, 0o400, &bolt.Options{ReadOnly: true, Timeout: opts.LockTimeout})
		if errors.Is(err, bolterrors.ErrTimeout) {
			return inUse("%s is in use by a running kepugraph: check a backup of it (kepugraph backup), or stop the server", path)
		}
		if err != nil {
			return kepu.Errorf(kepu.Unavailable, "cannot open %s: %v", path, err)
		}
		return db.View(func(tx *bolt.Tx) error {
			r.Bytes = tx.Size()
			check(tx, path, r)
			return nil
		})
	})
	if db != nil {
		db.Close()
	}
	var de *DamageError
	if errors.As(err, &de) {
		r.add("bbolt", "", "%s", de.Problem)
		return r, nil
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// check runs the checks after "file" in one read transaction.
func check(tx *bolt.Tx, path string, r *Report) {
	r.Checks = append(r.Checks, "bbolt")
	for err := range tx.Check() {
		r.add("bbolt", "", "%v", err)
	}
	if !r.OK() {
		return
	}
	r.Checks = append(r.Checks, "format")
	f, err := format(tx, path)
	if err != nil {
		r.add("format", "", "%s", problemText(err))
		return
	}
	r.Format = f
	if f == 0 {
		r.add("format", "", "the file holds no kepugraph buckets")
		return
	}
	r.Checks = append(r.Checks, "records")
	in := newInterner()
	body := func(k, v []byte) ([]byte, error) {
		if f == 1 {
			if len(v) == 0 || v[0] != 1 {
				return nil, errors.New("not a format 1 record")
			}
			return v[1:], nil
		}
		return openRecord(k, v)
	}
	labels := map[string]kepu.Label{}
	var prev []byte
	tx.Bucket(bucketNodes).ForEach(func(k, v []byte) error {
		r.Nodes++
		rec := "node " + quote(k)
		if prev != nil && string(k) <= string(prev) {
			r.add("records", rec, "the key does not sort after the previous key %s", quote(prev))
		}
		prev = append(prev[:0], k...)
		l := kepu.LabelOf(string(k))
		if l == "" || !utf8.Valid(k) {
			r.add("records", rec, "the key is not a node ID")
			return nil
		}
		b, err := body(k, v)
		var p props
		if err == nil {
			p, err = decodeProps(b, in, nil)
		}
		if err != nil {
			r.add("records", rec, "%v", err)
			return nil
		}
		n := kepu.Node{ID: string(k), Label: l, Props: p.toMap()}
		if err := kepu.ValidateNode(&n); err != nil {
			r.add("records", rec, "not valid for the schema: %s", kepu.ErrorMessage(err))
		}
		labels[string(k)] = l
		return nil
	})
	type edgeKey struct {
		typ      kepu.RelType
		from, to string
	}
	var edges []edgeKey
	var ones kepu.OneIndex // at most one PART_OF parent and LOCATED_IN place per node
	prev = nil
	tx.Bucket(bucketEdges).ForEach(func(k, v []byte) error {
		r.Edges++
		rec := "edge " + quote(k)
		if prev != nil && string(k) <= string(prev) {
			r.add("records", rec, "the key does not sort after the previous key %s", quote(prev))
		}
		prev = append(prev[:0], k...)
		typ, from, to, ok := splitEdgeKey(k)
		if !ok || !utf8.Valid(k) {
			r.add("records", rec, "the key is not TYPE|from|to")
			return nil
		}
		b, err := body(k, v)
		var p props
		if err == nil {
			p, err = decodeProps(b, in, nil)
		}
		if err != nil {
			r.add("records", rec, "%v", err)
			return nil
		}
		fl, fok := labels[string(from)]
		tl, tok := labels[string(to)]
		if !fok || !tok {
			r.add("edges", rec, "an endpoint does not exist (from %s: %t, to %s: %t)", quote(from), fok, quote(to), tok)
			return nil
		}
		e := kepu.Edge{Type: typ, From: string(from), To: string(to), Props: p.toMap()}
		if err := kepu.ValidateEdge(&e, fl, tl); err != nil {
			r.add("records", rec, "not valid for the schema: %s", kepu.ErrorMessage(err))
		} else if err := ones.Add(e); err != nil {
			r.add("places", rec, "%s", kepu.ErrorMessage(err))
		}
		edges = append(edges, edgeKey{typ, string(from), string(to)})
		return nil
	})
	if f == FormatVersion {
		nn, ne, err := readCounts(tx, path)
		if err != nil {
			r.add("records", "the counts record", "%s", problemText(err))
		} else if nn != uint64(r.Nodes) || ne != uint64(r.Edges) {
			r.add("records", "the counts record", "it says %d nodes and %d edges, the file holds %d and %d", nn, ne, r.Nodes, r.Edges)
		}
		checkMeta(tx, r)
	}
	r.Checks = append(r.Checks, "edges")
	if !r.OK() {
		return
	}
	if f != FormatVersion {
		r.add("format", "", "format %d: open the data directory once with this kepugraph to migrate it to format %d, then check again", f, FormatVersion)
		return
	}

	// The indexes: build the state as Open does and compare it with the scan.
	r.Checks = append(r.Checks, "indexes")
	st, err := loadState(tx, path, newInterner(), slog.New(slog.DiscardHandler))
	if err != nil {
		r.add("indexes", "", "%s", problemText(err))
		return
	}
	byLabel := map[kepu.Label][]string{}
	for id, l := range labels {
		byLabel[l] = append(byLabel[l], id)
	}
	out := map[string][]edgeKey{}
	in2 := map[string][]edgeKey{}
	for _, e := range edges {
		out[e.from] = append(out[e.from], e)
		in2[e.to] = append(in2[e.to], e)
	}
	cmpEdge := func(a, b edgeKey) int {
		if c := strings.Compare(string(a.typ), string(b.typ)); c != 0 {
			return c
		}
		if c := strings.Compare(a.from, b.from); c != 0 {
			return c
		}
		return strings.Compare(a.to, b.to)
	}
	if len(st.nodes) != len(labels) || st.nedges != len(edges) {
		r.add("indexes", "", "the store holds %d nodes and %d edges, the scan %d and %d", len(st.nodes), st.nedges, len(labels), len(edges))
	}
	s := &Store{st: st, log: slog.New(slog.DiscardHandler), intern: in}
	ctx := context.Background()
	for _, d := range kepu.LabelDefs() {
		want := byLabel[d.Label]
		slices.Sort(want)
		if !slices.Equal(st.byLabel[d.Label], want) {
			r.add("indexes", "", "the %s ID list holds %d IDs, the scan %d (or a different order)", d.Label, len(st.byLabel[d.Label]), len(want))
		}
		if n, err := s.CountNodes(ctx, d.Label, nil); err != nil || n != len(want) {
			r.add("indexes", "", "CountNodes(%s) = %d (%v), the scan finds %d", d.Label, n, err, len(want))
		}
		p, err := s.FindNodes(ctx, kepu.NodeQuery{Label: d.Label})
		if err != nil || !slices.Equal(nodeIDs(p.Nodes), want) {
			r.add("indexes", "", "FindNodes(%s) lists %d nodes (%v), the scan %d", d.Label, len(p.Nodes), err, len(want))
		}
	}
	for id, n := range st.nodes {
		var gotOut, gotIn []edgeKey
		for _, a := range n.out {
			for _, e := range a.edges {
				gotOut = append(gotOut, edgeKey{e.typ(), e.from.id, e.to.id})
			}
		}
		for _, a := range n.in {
			for _, e := range a.edges {
				gotIn = append(gotIn, edgeKey{e.typ(), e.from.id, e.to.id})
			}
		}
		for _, l := range [][]edgeKey{gotOut, gotIn, out[id], in2[id]} {
			slices.SortFunc(l, cmpEdge)
		}
		if !slices.Equal(gotOut, out[id]) || !slices.Equal(gotIn, in2[id]) {
			r.add("indexes", "node "+quote([]byte(id)), "its adjacency lists (%d out, %d in) differ from the scan (%d out, %d in)", len(gotOut), len(gotIn), len(out[id]), len(in2[id]))
		}
	}
	for _, rd := range kepu.RelDefs() {
		for _, dir := range []kepu.Direction{kepu.Out, kepu.In} {
			ends := rd.From
			if dir == kepu.In {
				ends = rd.To
			}
			var ids []string
			for _, l := range ends {
				ids = append(ids, byLabel[l]...)
			}
			counts, err := s.CountNeighbors(ctx, ids, kepu.NeighborQuery{Rel: rd.Type, Dir: dir})
			if err != nil {
				r.add("indexes", "", "CountNeighbors(%s, %s): %v", rd.Type, dir, err)
				continue
			}
			for _, id := range ids {
				want := 0
				l := out[id]
				if dir == kepu.In {
					l = in2[id]
				}
				for _, e := range l {
					if e.typ == rd.Type {
						want++
					}
				}
				if counts[id] != want {
					r.add("indexes", "node "+quote([]byte(id)), "CountNeighbors(%s, %s) = %d, the scan finds %d", rd.Type, dir, counts[id], want)
				}
			}
		}
	}

	// The place hierarchy: follow PART_OF from every place; a walk that
	// comes back to a place it passed is a cycle.
	r.Checks = append(r.Checks, "places")
	parents := map[string][]string{}
	for _, e := range edges {
		if e.typ == kepu.PartOf {
			parents[e.from] = append(parents[e.from], e.to)
		}
	}
	const (
		unseen = iota
		onPath
		done
	)
	state := map[string]int{}
	var visit func(id string, path []string) bool
	visit = func(id string, path []string) bool {
		switch state[id] {
		case onPath:
			r.add("places", "node "+quote([]byte(id)), "the place hierarchy has a cycle: %v", append(path, id))
			return false
		case done:
			return true
		}
		state[id] = onPath
		for _, p := range parents[id] {
			if !visit(p, append(path, id)) {
				return false
			}
		}
		state[id] = done
		return true
	}
	ids := make([]string, 0, len(parents))
	for id := range parents {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		visit(id, nil)
	}
}

func nodeIDs(ns []kepu.Node) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.ID
	}
	return out
}

// problemText is the problem of a DamageError, or the error's text.
func problemText(err error) string {
	var de *DamageError
	if errors.As(err, &de) {
		if de.Record != "" {
			return de.Record + ": " + de.Problem
		}
		return de.Problem
	}
	return err.Error()
}

// checkMeta checks the metadata entries (the keys of the meta bucket after
// metaPrefix, see meta.go): each is a sealed record (CRC-32C of its key and
// value) whose key and value kepu.ValidateMeta accepts, as Store.SetMeta
// wrote it. A damaged entry would make Store.Meta fail (a DamageError) the
// first time a server reads it (server.Seed reads kepu.MetaReferenceLoad at
// every start).
func checkMeta(tx *bolt.Tx, r *Report) {
	c := tx.Bucket(bucketMeta).Cursor()
	prefix := []byte(metaPrefix)
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		key := string(k[len(prefix):])
		rec := "the metadata entry " + quote([]byte(key))
		body, err := openRecord(k, v)
		if err != nil {
			r.add("records", rec, "%v", err)
			continue
		}
		if len(body) == 0 {
			r.add("records", rec, "the value is empty (SetMeta deletes an entry set to \"\")")
			continue
		}
		if err := kepu.ValidateMeta(key, string(body)); err != nil {
			r.add("records", rec, "%s", kepu.ErrorMessage(err))
		}
	}
}
