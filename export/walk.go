package export

import (
	"context"
	"encoding/base64"
	"slices"
	"sort"
	"strings"

	"github.com/kepugraph/kepugraph/kepu"
)

// Node is one exported node.
type Node struct {
	ID           string // global ID
	Label        kepu.Label
	ProvinceCode string // code of its province (see kepu.Location), "" when it has none
	Props        kepu.Props
}

// Edge is one exported edge.
type Edge struct {
	ID             string // global ID of "TYPE|from|to"
	Type           kepu.RelType
	Source, Target string // global IDs of the From and To nodes
	Props          kepu.Props
}

// Writer writes one file format. The exporter calls Begin once, Node for
// every node, BeginEdges once, Edge for every edge and End once; the first
// error stops it. A Writer buffers its output and flushes it in End. The
// *Node and *Edge it is given are reused after the call returns: a Writer
// that keeps one keeps a copy.
type Writer interface {
	Begin(nodeAttrs, edgeAttrs []Attr) error
	Node(n *Node) error
	BeginEdges() error
	Edge(e *Edge) error
	End() error
}

// Exporter reads selections from a store.
type Exporter struct {
	Store kepu.Store
	// PageSize is the number of nodes read per store call [DefaultPageSize].
	PageSize int
	// MaxNodes bounds the nodes a neighborhood or path search visits
	// [DefaultMaxNodes]; past it Prepare fails with BadUserInput.
	MaxNodes int
	// ReadAhead is the number of pages a second goroutine reads from the
	// store ahead of the one that writes them [DefaultReadAhead], so that
	// reading and encoding run on two cores; the export then holds that
	// many pages more, plus the one being read. Negative: no second goroutine, reads and writes take
	// turns.
	ReadAhead int
}

// Stats counts what an export wrote.
type Stats struct{ Nodes, Edges int }

// Plan is a prepared export: the selection checked against the store and,
// for a neighborhood or path, the nodes and edges already found.
type Plan struct {
	x         *Exporter
	sel       Selection
	provinces map[string]string // province node ID -> code
	labels    []kepu.Label
	rels      []kepu.RelType
	bounded   bool                 // around or from/to: nodes and edges below
	nodes     map[string]kepu.Node // by node ID
	edges     []kepu.Edge
}

func (x *Exporter) pageSize() int {
	if x.PageSize > 0 {
		return x.PageSize
	}
	return DefaultPageSize
}

func (x *Exporter) readAhead() int {
	switch {
	case x.ReadAhead < 0:
		return -1
	case x.ReadAhead == 0:
		return DefaultReadAhead
	}
	return x.ReadAhead
}

// pipeline calls consume with every value produce sends, in order. With
// ahead >= 0, produce runs in a goroutine of its own and may send up to
// ahead values before consume takes them; the first error of either
// stops both (produce's context is then canceled). With ahead < 0 the two
// take turns in the caller's goroutine.
func pipeline[T any](ctx context.Context, ahead int, produce func(ctx context.Context, send func(T) error) error, consume func(T) error) error {
	if ahead < 0 {
		return produce(ctx, consume)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan T, ahead)
	done := make(chan error, 1)
	go func() {
		defer close(ch)
		done <- produce(ctx, func(v T) error {
			select {
			case ch <- v:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	for v := range ch {
		if err := consume(v); err != nil {
			cancel()
			for range ch {
				// let the producer see the cancellation and stop
			}
			<-done
			return err
		}
	}
	return <-done
}

func (x *Exporter) maxNodes() int {
	if x.MaxNodes > 0 {
		return x.MaxNodes
	}
	return DefaultMaxNodes
}

// Prepare checks sel, and for a neighborhood or a path runs the search. Its
// errors come before anything is written: BadUserInput for an invalid
// selection or a search past MaxNodes, NotFound when around, from or to
// names no node, and the store's errors.
func (x *Exporter) Prepare(ctx context.Context, sel Selection) (*Plan, error) {
	if err := sel.Validate(); err != nil {
		return nil, err
	}
	p := &Plan{x: x, sel: sel, labels: sel.labels(), rels: sel.rels(), provinces: map[string]string{}}
	provs, err := x.Store.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Province})
	if err != nil {
		return nil, err
	}
	for _, n := range provs.Nodes {
		p.provinces[n.ID] = n.Props.String("code")
	}
	switch {
	case sel.Around != "":
		p.bounded = true
		err = p.around(ctx)
	case sel.From != "":
		p.bounded = true
		err = p.path(ctx)
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Write streams the plan's nodes and edges to w.
func (p *Plan) Write(ctx context.Context, w Writer) (Stats, error) {
	var st Stats
	nodeAttrs, edgeAttrs := p.sel.Attributes()
	if err := w.Begin(nodeAttrs, edgeAttrs); err != nil {
		return st, err
	}
	// One Node and one Edge, reused for every element.
	n, edge := new(Node), new(Edge)
	// readNodes reads where the nodes are (their provinces).
	readNodes := func(ctx context.Context, nodes []kepu.Node) (nodePage, error) {
		locs, err := p.x.Store.Locate(ctx, ids(nodes))
		return nodePage{nodes, locs}, err
	}
	writeNodes := func(pg nodePage) error {
		nodes, locs := pg.nodes, pg.locs
		for i := range nodes {
			*n = Node{ID: kepu.GlobalID(nodes[i].ID), Label: nodes[i].Label, Props: nodes[i].Props}
			if loc, ok := locs[nodes[i].ID]; ok {
				n.ProvinceCode = p.provinces[loc.Province]
			}
			if err := w.Node(n); err != nil {
				return err
			}
			st.Nodes++
		}
		return nil
	}
	var key []byte
	var lastFrom, lastSource string
	emitEdge := func(e kepu.Edge) error {
		// Edges come grouped by their From node: encode its ID once.
		if e.From != lastFrom {
			lastFrom, lastSource = e.From, kepu.GlobalID(e.From)
		}
		key = append(append(append(append(append(key[:0], e.Type...), '|'), e.From...), '|'), e.To...)
		*edge = Edge{ID: base64.RawURLEncoding.EncodeToString(key), Type: e.Type,
			Source: lastSource, Target: kepu.GlobalID(e.To), Props: e.Props}
		if err := w.Edge(edge); err != nil {
			return err
		}
		st.Edges++
		return nil
	}
	if p.bounded {
		nodes := make([]kepu.Node, 0, len(p.nodes))
		for _, n := range p.nodes {
			nodes = append(nodes, n)
		}
		slices.SortFunc(nodes, func(a, b kepu.Node) int { return strings.Compare(a.ID, b.ID) })
		for chunk := range slices.Chunk(nodes, p.x.pageSize()) {
			pg, err := readNodes(ctx, chunk)
			if err == nil {
				err = writeNodes(pg)
			}
			if err != nil {
				return st, err
			}
		}
		if err := w.BeginEdges(); err != nil {
			return st, err
		}
		for _, e := range p.edges {
			if err := emitEdge(e); err != nil {
				return st, err
			}
		}
		return st, w.End()
	}
	// The whole selection: pages of nodes, then of edges, read by one
	// goroutine while the other writes (see ReadAhead).
	err := pipeline(ctx, p.x.readAhead(), func(ctx context.Context, send func(nodePage) error) error {
		for _, l := range p.labels {
			err := p.pages(ctx, l, func(nodes []kepu.Node) error {
				pg, err := readNodes(ctx, nodes)
				if err != nil {
					return err
				}
				return send(pg)
			})
			if err != nil {
				return err
			}
		}
		return nil
	}, writeNodes)
	if err != nil {
		return st, err
	}
	if err := w.BeginEdges(); err != nil {
		return st, err
	}
	err = pipeline(ctx, p.x.readAhead(), p.streamEdges, func(edges []kepu.Edge) error {
		for _, e := range edges {
			if err := emitEdge(e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return st, err
	}
	return st, w.End()
}

// nodePage is a page of nodes with their locations.
type nodePage struct {
	nodes []kepu.Node
	locs  map[string]kepu.Location
}

func ids(nodes []kepu.Node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.ID
	}
	return out
}

// filterOf returns the selection's filter for label l.
func (p *Plan) filterOf(l kepu.Label) *kepu.Filter {
	if p.sel.Where != nil && l == p.sel.WhereLabel {
		return p.sel.Where
	}
	return nil
}

// pages calls fn with every page of the selected nodes of l, in ID order.
func (p *Plan) pages(ctx context.Context, l kepu.Label, fn func([]kepu.Node) error) error {
	first := p.x.pageSize()
	after := ""
	for {
		page, err := p.x.Store.FindNodes(ctx, kepu.NodeQuery{Label: l, Filter: p.filterOf(l), Page: kepu.Page{First: &first, After: after}})
		if err != nil {
			return err
		}
		if len(page.Nodes) > 0 {
			if err := fn(page.Nodes); err != nil {
				return err
			}
		}
		if !page.HasNext || len(page.Nodes) == 0 {
			return nil
		}
		after = page.Cursors[len(page.Cursors)-1]
	}
}

// streamEdges calls emit with every selected edge whose two ends are
// selected, a page at a time. Without a where filter it pages through every edge of each
// selected type (Store.Edges) and keeps those whose ends have selected
// labels (the label is in the ID); with one, it walks the selected nodes
// and their outgoing edges (see streamEdgesOf), so that a small filtered
// set costs its own edges, not the type's.
func (p *Plan) streamEdges(ctx context.Context, emit func([]kepu.Edge) error) error {
	if p.sel.Where != nil {
		return p.streamEdgesOf(ctx, emit)
	}
	for _, r := range p.rels {
		d := kepu.LookupRel(r)
		selected := func(l kepu.Label) bool { return slices.Contains(p.labels, l) }
		if !slices.ContainsFunc(d.From, selected) || !slices.ContainsFunc(d.To, selected) {
			continue
		}
		after := ""
		for {
			page, err := p.x.Store.Edges(ctx, kepu.EdgeQuery{Rel: r, First: p.x.pageSize(), After: after})
			if err != nil {
				return err
			}
			edges := page.Edges[:0] // the page is the export's copy
			for _, e := range page.Edges {
				if selected(kepu.LabelOf(e.From)) && selected(kepu.LabelOf(e.To)) {
					edges = append(edges, e)
				}
			}
			if len(edges) > 0 {
				if err := emit(edges); err != nil {
					return err
				}
			}
			if !page.HasNext {
				break
			}
			after = page.EndCursor
		}
	}
	return nil
}

// streamEdgesOf calls emit with every selected edge whose two ends are
// selected, a page at a time: for each selected label, page by page, the outgoing edges of
// the selected types, the ends of the where label checked against the
// filter.
func (p *Plan) streamEdgesOf(ctx context.Context, emit func([]kepu.Edge) error) error {
	for _, l := range p.labels {
		var out []kepu.RelType
		for _, d := range kepu.RelsOf(l, kepu.Out) {
			if slices.Contains(p.rels, d.Type) && slices.ContainsFunc(d.To, func(t kepu.Label) bool { return slices.Contains(p.labels, t) }) {
				out = append(out, d.Type)
			}
		}
		if len(out) == 0 {
			continue
		}
		err := p.pages(ctx, l, func(nodes []kepu.Node) error {
			ids := ids(nodes)
			for _, r := range out {
				res, err := p.x.Store.Neighbors(ctx, ids, kepu.NeighborQuery{Rel: r, Dir: kepu.Out})
				if err != nil {
					return err
				}
				var edges []kepu.Edge
				var check []any // far ends that must match the where filter
				for _, id := range ids {
					for _, it := range res[id].Items {
						if !slices.Contains(p.labels, it.Node.Label) {
							continue
						}
						if p.filterOf(it.Node.Label) != nil {
							check = append(check, it.Node.ID)
						}
						edges = append(edges, it.Edge)
					}
				}
				var ok map[string]bool
				if len(check) > 0 {
					if ok, err = p.matching(ctx, check); err != nil {
						return err
					}
				}
				keep := edges[:0]
				for _, e := range edges {
					if ok != nil && kepu.LabelOf(e.To) == p.sel.WhereLabel && !ok[e.To] {
						continue
					}
					keep = append(keep, e)
				}
				if len(keep) > 0 {
					if err := emit(keep); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// matching returns which of the node IDs (of the where label) match the
// where filter.
func (p *Plan) matching(ctx context.Context, idList []any) (map[string]bool, error) {
	l := p.sel.WhereLabel
	page, err := p.x.Store.FindNodes(ctx, kepu.NodeQuery{Label: l,
		Filter: kepu.And(kepu.C(kepu.PropID, kepu.OneOf, idList), p.sel.Where.Clone())})
	if err != nil {
		return nil, err
	}
	ok := make(map[string]bool, len(page.Nodes))
	for _, n := range page.Nodes {
		ok[n.ID] = true
	}
	return ok, nil
}

// step is one relationship found from a node during a search.
type step struct {
	edge kepu.Edge
	far  kepu.Node
}

// expand returns, for every node in frontier, its relationships of the
// selected types in both directions whose other end has a selected label.
func (p *Plan) expand(ctx context.Context, frontier []string) (map[string][]step, error) {
	out := make(map[string][]step, len(frontier))
	for chunk := range slices.Chunk(frontier, p.x.pageSize()) {
		for _, r := range p.rels {
			for _, dir := range []kepu.Direction{kepu.Out, kepu.In} {
				res, err := p.x.Store.Neighbors(ctx, chunk, kepu.NeighborQuery{Rel: r, Dir: dir})
				if err != nil {
					return nil, err
				}
				for _, id := range chunk {
					for _, it := range res[id].Items {
						if slices.Contains(p.labels, it.Node.Label) {
							out[id] = append(out[id], step{edge: it.Edge, far: it.Node})
						}
					}
				}
			}
		}
	}
	return out, nil
}

// start loads a node named by the selection, NotFound when it is missing.
func (p *Plan) start(ctx context.Context, param, id string) (kepu.Node, error) {
	got, err := p.x.Store.Nodes(ctx, []string{id})
	if err != nil {
		return kepu.Node{}, err
	}
	n, ok := got[id]
	if !ok {
		return kepu.Node{}, kepu.Errorf(kepu.NotFound, "%s: no node with ID %q", param, kepu.GlobalID(id))
	}
	return n, nil
}

func (p *Plan) tooLarge() error {
	return badInput("the selection reaches more than %d nodes; name fewer labels or relationships, or fewer hops", p.x.maxNodes())
}

// around finds the nodes within Hops of the center and every selected edge
// between them.
func (p *Plan) around(ctx context.Context) error {
	center, err := p.start(ctx, "around", p.sel.Around)
	if err != nil {
		return err
	}
	p.nodes = map[string]kepu.Node{center.ID: center}
	seen := map[string]bool{}
	frontier := []string{center.ID}
	for level := 0; level <= p.sel.Hops && len(frontier) > 0; level++ {
		steps, err := p.expand(ctx, frontier)
		if err != nil {
			return err
		}
		var next []string
		for _, id := range frontier {
			for _, s := range steps[id] {
				if _, in := p.nodes[s.far.ID]; !in {
					if level == p.sel.Hops {
						continue // beyond the last hop
					}
					if len(p.nodes) >= p.x.maxNodes() {
						return p.tooLarge()
					}
					p.nodes[s.far.ID] = s.far
					next = append(next, s.far.ID)
				}
				if k := s.edge.Key(); !seen[k] {
					seen[k] = true
					p.edges = append(p.edges, s.edge)
				}
			}
		}
		frontier = next
	}
	sort.Slice(p.edges, func(i, j int) bool { return p.edges[i].Key() < p.edges[j].Key() })
	return nil
}

// path finds a shortest path from From to To, breadth first, and keeps its
// nodes and edges; none found leaves the plan empty.
func (p *Plan) path(ctx context.Context) error {
	from, err := p.start(ctx, "from", p.sel.From)
	if err != nil {
		return err
	}
	to, err := p.start(ctx, "to", p.sel.To)
	if err != nil {
		return err
	}
	p.nodes = map[string]kepu.Node{}
	type via struct {
		node kepu.Node
		prev string
		edge kepu.Edge
	}
	visited := map[string]via{from.ID: {node: from}}
	frontier := []string{from.ID}
	found := from.ID == to.ID
	for !found && len(frontier) > 0 {
		steps, err := p.expand(ctx, frontier)
		if err != nil {
			return err
		}
		var next []string
		for _, id := range frontier {
			for _, s := range steps[id] {
				if _, ok := visited[s.far.ID]; ok {
					continue
				}
				if len(visited) >= p.x.maxNodes() {
					return p.tooLarge()
				}
				visited[s.far.ID] = via{node: s.far, prev: id, edge: s.edge}
				next = append(next, s.far.ID)
				if s.far.ID == to.ID {
					found = true
					break
				}
			}
			if found {
				break
			}
		}
		frontier = next
	}
	if !found {
		return nil
	}
	for id := to.ID; ; {
		v := visited[id]
		p.nodes[id] = v.node
		if id == from.ID {
			break
		}
		p.edges = append(p.edges, v.edge)
		id = v.prev
	}
	slices.Reverse(p.edges)
	return nil
}
