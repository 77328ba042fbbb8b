// Package dump writes a graph as JSON Lines and loads it back, through the
// kepu.Store contract only, so it works on every backend (the embedded store
// and Neo4j) and moves a graph between them.
//
// A dump is UTF-8 text, one JSON object per line:
//
//	{"kepugraph":"dump","version":1,"nodes":11412,"edges":23480}
//	{"node":"County:110101","label":"County","props":{"name":"Dongcheng","provenance":"REFERENCE",...}}
//	...
//	{"edge":"LOCATED_IN","from":"Museum:cstm","to":"County:110105","props":{"provenance":"REPORTED",...}}
//
// The header comes first, then every node ordered by label and then ID, then
// every edge ordered by type, From and To. Props hold every property of the
// record, its provenance and source included, with object keys sorted; Int
// values are JSON integers, Float values JSON numbers in their shortest
// form. The same graph therefore always gives the same bytes: dump, load
// into an empty store, dump again, and the two dumps are identical.
package dump

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

// Format and Version are the header's "kepugraph" and "version" values.
const (
	Format  = "dump"
	Version = 1
)

// pageSize is how many nodes Write asks the store for at once, and
// batchSize how many changes Load writes in one Store.Write.
const (
	pageSize  = 1000
	batchSize = 1000
)

// MaxLineBytes is the longest line Read accepts.
const MaxLineBytes = 16 << 20

type header struct {
	Kepugraph string `json:"kepugraph"`
	Version   int    `json:"version"`
	Nodes     int    `json:"nodes"`
	Edges     int    `json:"edges"`
}

type nodeLine struct {
	Node  string     `json:"node"`
	Label kepu.Label `json:"label"`
	Props kepu.Props `json:"props"`
}

type edgeLine struct {
	Edge  kepu.RelType `json:"edge"`
	From  string       `json:"from"`
	To    string       `json:"to"`
	Props kepu.Props   `json:"props"`
}

// Counts is what a dump holds, or what Load wrote.
type Counts struct {
	Nodes int `json:"nodes"`
	Edges int `json:"edges"`
}

// Graph is a whole graph in dump order.
type Graph struct {
	Nodes []kepu.Node
	Edges []kepu.Edge
}

// Len is the number of nodes plus edges (g is a dataset.Source).
func (g *Graph) Len() int { return len(g.Nodes) + len(g.Edges) }

// Each calls node for every node, then edge for every edge, and stops at
// the first error.
func (g *Graph) Each(node func(kepu.Node) error, edge func(kepu.Edge) error) error {
	for _, n := range g.Nodes {
		if err := node(n); err != nil {
			return err
		}
	}
	for _, e := range g.Edges {
		if err := edge(e); err != nil {
			return err
		}
	}
	return nil
}

// Collect reads the whole graph of st in dump order. The nodes are read a
// label at a time and then the edges: a store written to meanwhile (Neo4j
// with other clients) may give an edge whose To node was not read (made or
// deleted between the reads). Collect refuses that with Conflict, "the
// graph changed while it was read", rather than write a dump that Read
// would refuse: dump again, or from a store nobody writes to.
func Collect(ctx context.Context, st kepu.Store) (*Graph, error) {
	g := &Graph{}
	labels := kepu.LabelDefs()
	slices.SortFunc(labels, func(a, b kepu.LabelDef) int { return strings.Compare(string(a.Label), string(b.Label)) })
	byLabel := map[kepu.Label][]string{}
	for _, d := range labels {
		after := ""
		for {
			first := pageSize
			p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: d.Label, Page: kepu.Page{First: &first, After: after}})
			if err != nil {
				return nil, fmt.Errorf("list %s nodes: %w", d.Label, err)
			}
			for _, n := range p.Nodes {
				g.Nodes = append(g.Nodes, n)
				byLabel[d.Label] = append(byLabel[d.Label], n.ID)
			}
			if !p.HasNext || len(p.Nodes) == 0 {
				break
			}
			after = p.Cursors[len(p.Cursors)-1]
		}
		slices.Sort(byLabel[d.Label])
	}
	rels := kepu.RelDefs()
	slices.SortFunc(rels, func(a, b kepu.RelDef) int { return strings.Compare(string(a.Type), string(b.Type)) })
	for _, rd := range rels {
		var from []string
		for _, l := range rd.From {
			from = append(from, byLabel[l]...)
		}
		slices.Sort(from)
		for len(from) > 0 {
			ids := from[:min(pageSize, len(from))]
			from = from[len(ids):]
			m, err := st.Neighbors(ctx, ids, kepu.NeighborQuery{Rel: rd.Type, Dir: kepu.Out})
			if err != nil {
				return nil, fmt.Errorf("list %s edges: %w", rd.Type, err)
			}
			for _, id := range ids {
				items := m[id].Items
				start := len(g.Edges)
				for _, it := range items {
					g.Edges = append(g.Edges, it.Edge)
				}
				slices.SortFunc(g.Edges[start:], func(a, b kepu.Edge) int { return strings.Compare(a.To, b.To) })
			}
		}
	}
	for _, e := range g.Edges {
		if _, ok := slices.BinarySearch(byLabel[kepu.LabelOf(e.To)], e.To); !ok {
			return nil, kepu.Errorf(kepu.Conflict, "the graph changed while it was read: the %s edge from %s goes to %s, which was not among the nodes read; "+
				"dump again, or from a store nobody writes to (a restored backup)", e.Type, e.From, e.To)
		}
	}
	return g, nil
}

// Write writes the whole graph of st to w as a dump and returns what it
// wrote. The graph is read in pages: a store written to meanwhile may give
// a dump that is not one consistent state (take it from a store nobody
// writes to, or from a restored backup); one whose edges do not fit its
// nodes is refused before anything is written (see Collect).
func Write(ctx context.Context, st kepu.Store, w io.Writer) (Counts, error) {
	g, err := Collect(ctx, st)
	if err != nil {
		return Counts{}, err
	}
	return g.Encode(w)
}

// Encode writes g as a dump.
func (g *Graph) Encode(w io.Writer) (Counts, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(header{Kepugraph: Format, Version: Version, Nodes: len(g.Nodes), Edges: len(g.Edges)}); err != nil {
		return Counts{}, err
	}
	for _, n := range g.Nodes {
		if err := enc.Encode(nodeLine{Node: n.ID, Label: n.Label, Props: n.Props}); err != nil {
			return Counts{}, fmt.Errorf("node %s: %w", n.ID, err)
		}
	}
	for _, e := range g.Edges {
		if err := enc.Encode(edgeLine{Edge: e.Type, From: e.From, To: e.To, Props: e.Props}); err != nil {
			return Counts{}, fmt.Errorf("edge %s %s %s: %w", e.Type, e.From, e.To, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return Counts{}, err
	}
	return Counts{Nodes: len(g.Nodes), Edges: len(g.Edges)}, nil
}

// Read parses and validates a whole dump: the header, then node and edge
// lines, every record checked against the schema (kepu.ValidateNode and
// ValidateEdge: PART_OF strictly upward), every edge's endpoints among the
// dump's nodes, no record twice, no node with two PART_OF parents or two
// LOCATED_IN places (kepu.OneIndex), and the header's counts equal to the
// lines: what the check command asks of a data file. Errors
// (BadUserInput) name the line and the record.
func Read(r io.Reader) (*Graph, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), MaxLineBytes)
	g := &Graph{}
	var h header
	line := 0
	seenNodes := map[string]kepu.Label{}
	seenEdges := map[string]bool{}
	var ones kepu.OneIndex // at most one PART_OF parent and LOCATED_IN place per node
	bad := func(format string, args ...any) error {
		return kepu.Errorf(kepu.BadUserInput, "line %d: %s", line, fmt.Sprintf(format, args...))
	}
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte("\ufeff")) // a byte-order mark an editor added
			if _, err := keys(b); err != nil {
				return nil, bad("header: %v", err)
			}
			if err := strict(b, &h); err != nil || h.Kepugraph != Format {
				return nil, bad("not a kepugraph dump header (want {\"kepugraph\":\"dump\",\"version\":%d,...})", Version)
			}
			if h.Version != Version {
				return nil, bad("dump version %d; this kepugraph reads version %d", h.Version, Version)
			}
			continue
		}
		if len(bytes.TrimSpace(b)) == 0 {
			return nil, bad("empty line (a dump has one JSON object on every line)")
		}
		top, err := keys(b)
		if err != nil {
			return nil, bad("%v", err)
		}
		switch {
		case slices.Contains(top, "node"):
			var nl nodeLine
			if err := strict(b, &nl); err != nil {
				return nil, bad("%v", err)
			}
			if len(g.Edges) > 0 {
				return nil, bad("node %s after the first edge", nl.Node)
			}
			n := kepu.Node{ID: nl.Node, Label: nl.Label, Props: nl.Props}
			if err := kepu.ValidateNode(&n); err != nil {
				return nil, bad("node %s: %s", nl.Node, kepu.ErrorMessage(err))
			}
			if _, ok := seenNodes[n.ID]; ok {
				return nil, bad("node %s appears twice", n.ID)
			}
			seenNodes[n.ID] = n.Label
			g.Nodes = append(g.Nodes, n)
		case slices.Contains(top, "edge"):
			var el edgeLine
			if err := strict(b, &el); err != nil {
				return nil, bad("%v", err)
			}
			e := kepu.Edge{Type: el.Edge, From: el.From, To: el.To, Props: el.Props}
			fl, fok := seenNodes[e.From]
			tl, tok := seenNodes[e.To]
			if !fok || !tok {
				return nil, bad("%s edge from %s to %s: an endpoint is not among the dump's nodes", e.Type, e.From, e.To)
			}
			if err := kepu.ValidateEdge(&e, fl, tl); err != nil {
				return nil, bad("%s edge from %s to %s: %s", e.Type, e.From, e.To, kepu.ErrorMessage(err))
			}
			k := string(e.Type) + "|" + e.From + "|" + e.To
			if seenEdges[k] {
				return nil, bad("%s edge from %s to %s appears twice", e.Type, e.From, e.To)
			}
			if err := ones.Add(e); err != nil {
				return nil, bad("%s edge from %s to %s: %s", e.Type, e.From, e.To, kepu.ErrorMessage(err))
			}
			seenEdges[k] = true
			g.Edges = append(g.Edges, e)
		default:
			return nil, bad("neither a node nor an edge")
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, kepu.Errorf(kepu.BadUserInput, "line %d: longer than %d bytes", line+1, MaxLineBytes)
		}
		return nil, err
	}
	if line == 0 {
		return nil, kepu.Errorf(kepu.BadUserInput, "empty dump: no header line")
	}
	if h.Nodes != len(g.Nodes) || h.Edges != len(g.Edges) {
		return nil, kepu.Errorf(kepu.BadUserInput, "the header announces %d nodes and %d edges, the dump holds %d and %d (truncated?)",
			h.Nodes, h.Edges, len(g.Nodes), len(g.Edges))
	}
	return g, nil
}

// keys checks that b is one JSON object in which no object names a key
// twice (encoding/json would keep the last value silently), and returns
// the keys of its top level. Errors say what is wrong, for a message
// naming the line.
//
// It scans the bytes once after json.Valid (json.Decoder.Token, which
// allocates per token, made a whole Read 1.5 times as long): keys are
// compared as written, and unquoted only when they hold an escape.
func keys(b []byte) ([]string, error) {
	if !json.Valid(b) {
		var v any
		return nil, syntaxError(json.Unmarshal(b, &v))
	}
	type object struct {
		keys      []string
		expectKey bool
	}
	var stack []*object // nil entries: arrays
	var top []string
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '{':
			stack = append(stack, &object{expectKey: true})
		case '[':
			if len(stack) == 0 {
				return nil, errors.New("not a JSON object")
			}
			stack = append(stack, nil)
		case '}', ']':
			if o := stack[len(stack)-1]; o != nil && len(stack) == 1 {
				top = o.keys
			}
			stack = stack[:len(stack)-1]
		case ',':
			if o := stack[len(stack)-1]; o != nil {
				o.expectKey = true
			}
		case '"':
			j := i + 1
			escaped := false
			for ; b[j] != '"'; j++ {
				if b[j] == '\\' {
					escaped = true
					j++
				}
			}
			if len(stack) == 0 {
				return nil, errors.New("not a JSON object")
			}
			if o := stack[len(stack)-1]; o != nil && o.expectKey {
				k := string(b[i+1 : j])
				if escaped {
					if err := json.Unmarshal(b[i:j+1], &k); err != nil {
						return nil, syntaxError(err)
					}
				}
				if slices.Contains(o.keys, k) {
					return nil, fmt.Errorf("key %q given twice in one object", kepu.Truncate(k, 64))
				}
				o.keys = append(o.keys, k)
				o.expectKey = false
			}
			i = j
		default:
			if len(stack) == 0 && c != ' ' && c != '\t' && c != '\r' && c != '\n' {
				return nil, errors.New("not a JSON object")
			}
		}
	}
	return top, nil
}

// syntaxError describes a line that is not valid JSON; one that ends
// inside a value is what a cut-off file leaves last.
func syntaxError(err error) error {
	var se *json.SyntaxError
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &se) && strings.Contains(se.Error(), "unexpected end of JSON input") {
		return errors.New("not a JSON object: the line ends inside it (a cut-off file?)")
	}
	return fmt.Errorf("not a JSON object: %v", err)
}

// strict decodes one JSON object that keys has checked: numbers stay
// json.Number (the schema decides between Int and Float), unknown fields,
// trailing data and invalid UTF-8 are errors.
func strict(b []byte, v any) error {
	if !utf8.Valid(b) {
		return errors.New("not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one JSON value on the line")
	}
	return nil
}

// Options of Load.
type Options struct {
	// Force loads into a store that already holds nodes: records of the
	// dump replace those with the same ID, others stay.
	Force bool
	// Progress, when set, is called after each write with the records
	// written so far and the total.
	Progress func(done, total int)
}

// Load writes g into st: every node (PutNode), then every edge (PutEdge), in
// writes of batchSize changes. It refuses a store that holds nodes unless
// opts.Force. With opts.Force it first checks g against the store: an edge
// of a type a node has at most one of (PART_OF, LOCATED_IN) whose From node
// has one in the store to another node is refused with Conflict, naming
// both, before anything is written (the store would refuse it halfway
// through the load, after the nodes). Read has validated g, so a write
// then fails only when the store does (unreachable, killed): the writes
// before it stay, and loading the same dump again with opts.Force
// completes the graph (puts are idempotent).
func Load(ctx context.Context, st kepu.Store, g *Graph, opts Options) (Counts, error) {
	if !opts.Force {
		for _, d := range kepu.LabelDefs() {
			n, err := st.CountNodes(ctx, d.Label, nil)
			if err != nil {
				return Counts{}, err
			}
			if n > 0 {
				return Counts{}, kepu.Errorf(kepu.Conflict, "the store is not empty (%d %s nodes): load into an empty store, or pass --force to merge "+
					"(also to complete a load of the same dump that was cut off)", n, d.Label)
			}
		}
	} else if err := dataset.CheckOnes(ctx, st, g); err != nil {
		return Counts{}, err
	}
	total := len(g.Nodes) + len(g.Edges)
	done := 0
	var batch []kepu.Change
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if _, err := st.Write(ctx, batch); err != nil {
			return err
		}
		done += len(batch)
		batch = batch[:0]
		if opts.Progress != nil {
			opts.Progress(done, total)
		}
		return nil
	}
	for _, n := range g.Nodes {
		batch = append(batch, kepu.Change{Kind: kepu.PutNode, Node: n})
		if len(batch) == batchSize {
			if err := flush(); err != nil {
				return Counts{Nodes: done}, err
			}
		}
	}
	if err := flush(); err != nil {
		return Counts{Nodes: done}, err
	}
	for _, e := range g.Edges {
		batch = append(batch, kepu.Change{Kind: kepu.PutEdge, Edge: e})
		if len(batch) == batchSize {
			if err := flush(); err != nil {
				return Counts{Nodes: len(g.Nodes), Edges: done - len(g.Nodes)}, err
			}
		}
	}
	if err := flush(); err != nil {
		return Counts{Nodes: len(g.Nodes), Edges: done - len(g.Nodes)}, err
	}
	return Counts{Nodes: len(g.Nodes), Edges: len(g.Edges)}, nil
}
