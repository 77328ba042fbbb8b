package export

import (
	"cmp"
	"context"
	"slices"
	"sort"
	"strings"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"

	"github.com/kepugraph/kepugraph/kepu"
)

// Node is one exported node.
type Node struct {
	ID           string // global ID
	Label        kepu.Label
	ProvinceCode string // code of its province (see kepu.Location), "" when it has none
	Props        kepu.Props

	provinceValue any // ProvinceCode as a value made once per province (see nodeValue), or nil
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
// *Node and *Edge it is given, their ID strings and their Props (the
// store's own values) are valid only until the call returns and must not
// be modified: a Writer that keeps one keeps a deep copy (see Collector).
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
	// ReadAhead is the number of pages of edges a second goroutine reads
	// from the store ahead of the one that writes them, for a selection
	// with a where filter [DefaultReadAhead], so that reading and encoding
	// run on two cores; the export then holds that many pages more, plus
	// the one being read. Negative: no second goroutine, reads and writes
	// take turns. (Other selections read with the store's walks, which
	// copy nothing and cost little next to the encoding.)
	ReadAhead int
}

// provinceCode is a province's code, also as a value of type any (see
// nodeValue).
type provinceCode struct {
	code  string
	value any
}

// Stats counts what an export wrote.
type Stats struct{ Nodes, Edges int }

// Plan is a prepared export: the selection checked against the store and,
// for a neighborhood or path, the nodes and edges already found.
type Plan struct {
	x         *Exporter
	sel       Selection
	provinces map[string]provinceCode // by province node ID
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
	p := &Plan{x: x, sel: sel, labels: sel.labels(), rels: sel.rels(), provinces: map[string]provinceCode{}}
	provs, err := x.Store.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Province})
	if err != nil {
		return nil, err
	}
	for _, n := range provs.Nodes {
		code := n.Props.String("code")
		p.provinces[n.ID] = provinceCode{code, code}
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
//
// The whole selection (no around or from/to) is read with the store's
// walks (kepu.Store.WalkNodes, WalkEdges), which hand out the stored
// properties without copying them, and the global IDs are built in reused
// buffers (see idBuf): an element costs no allocation on the embedded
// store, so a whole-graph export makes next to no garbage and the process's
// memory stays where it was, whatever the collector's settings.
func (p *Plan) Write(ctx context.Context, w Writer) (Stats, error) {
	var st Stats
	nodeAttrs, edgeAttrs := p.attributes()
	if err := w.Begin(nodeAttrs, edgeAttrs); err != nil {
		return st, err
	}
	// One Node and one Edge, reused for every element, their IDs in
	// buffers reused too.
	n, edge := new(Node), new(Edge)
	var nodeID, edgeID, sourceID, targetID idBuf
	var key []byte
	emitNode := func(kn *kepu.Node, loc kepu.Location) error {
		code := p.provinces[loc.Province]
		*n = Node{ID: nodeID.globalID(kn.ID), Label: kn.Label, Props: kn.Props, ProvinceCode: code.code, provinceValue: code.value}
		if err := w.Node(n); err != nil {
			return err
		}
		st.Nodes++
		return nil
	}
	lastFrom := ""
	emitEdge := func(e *kepu.Edge) error {
		// Edges come grouped by their From node: encode its ID once.
		if e.From != lastFrom {
			lastFrom = e.From
			edge.Source = sourceID.globalID(e.From)
		}
		key = append(append(append(append(append(key[:0], e.Type...), '|'), e.From...), '|'), e.To...)
		edge.ID = edgeID.encode(key)
		edge.Type, edge.Target, edge.Props = e.Type, targetID.globalID(e.To), e.Props
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
			locs, err := p.x.Store.Locate(ctx, ids(chunk))
			if err != nil {
				return st, err
			}
			for i := range chunk {
				if err := emitNode(&chunk[i], locs[chunk[i].ID]); err != nil {
					return st, err
				}
			}
		}
		if err := w.BeginEdges(); err != nil {
			return st, err
		}
		for i := range p.edges {
			if err := emitEdge(&p.edges[i]); err != nil {
				return st, err
			}
		}
		return st, w.End()
	}
	// The whole selection: the nodes of each label, then the edges of
	// each type.
	for _, l := range p.labels {
		if err := p.x.Store.WalkNodes(ctx, l, p.filterOf(l), emitNode); err != nil {
			return st, err
		}
	}
	if err := w.BeginEdges(); err != nil {
		return st, err
	}
	if err := p.streamEdges(ctx, emitEdge); err != nil {
		return st, err
	}
	return st, w.End()
}

// attributes returns the attributes of the plan's nodes and edges: the
// selection's (Selection.Attributes) and, for a neighborhood or a path,
// those of the labels of its end nodes, which are exported whatever labels
// says (without them a center of an unselected label lost every property
// but the common ones).
func (p *Plan) attributes() (nodes, edges []Attr) {
	sel := p.sel
	if p.bounded && len(sel.Labels) > 0 {
		sel.Labels = slices.Clone(sel.Labels)
		for _, n := range p.nodes {
			if !slices.Contains(sel.Labels, n.Label) {
				sel.Labels = append(sel.Labels, n.Label)
			}
		}
	}
	return sel.Attributes()
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
// selected. Without a where filter it walks every edge of each selected
// type (Store.WalkEdges) and keeps those whose ends have selected labels
// (the label is in the ID); with one, it walks the selected nodes and their
// outgoing edges, page by page (see streamEdgesOf), so that a small
// filtered set costs its own edges, not the type's: the pages are read by
// a second goroutine ahead of the writer (see Exporter.ReadAhead).
func (p *Plan) streamEdges(ctx context.Context, emit func(*kepu.Edge) error) error {
	if p.sel.Where != nil {
		return pipeline(ctx, p.x.readAhead(), p.streamEdgesOf, func(edges []kepu.Edge) error {
			for i := range edges {
				if err := emit(&edges[i]); err != nil {
					return err
				}
			}
			return nil
		})
	}
	selected := func(l kepu.Label) bool { return slices.Contains(p.labels, l) }
	for _, r := range p.rels {
		d := kepu.LookupRel(r)
		if !slices.ContainsFunc(d.From, selected) || !slices.ContainsFunc(d.To, selected) {
			continue
		}
		err := p.x.Store.WalkEdges(ctx, r, func(e *kepu.Edge) error {
			if !selected(kepu.LabelOf(e.From)) || !selected(kepu.LabelOf(e.To)) {
				return nil
			}
			return emit(e)
		})
		if err != nil {
			return err
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
	dir  kepu.Direction // Out when the node is the edge's From end
}

// cmpStep orders the steps from one node as analysis orders the hops of
// its paths: by the far node's ID, then the type, then the direction.
func cmpStep(a, b step) int {
	return cmp.Or(strings.Compare(a.far.ID, b.far.ID), cmp.Compare(a.edge.Type, b.edge.Type), cmp.Compare(a.dir, b.dir))
}

// expand returns, for every node in frontier, its relationships of the
// selected types in both directions whose other end has a selected label,
// in the order of cmpStep. Its Neighbors calls (one per page of the
// frontier, type and direction: each a statement on Neo4j) run up to
// expandParallel at a time: one worker always, and up to
// expandParallel-1 more while the process-wide expandExtra slots have
// room.
func (p *Plan) expand(ctx context.Context, frontier []string) (map[string][]step, error) {
	type call struct {
		rel kepu.RelType
		dir kepu.Direction
		ask []string
		res map[string]kepu.NeighborPage
	}
	var calls []*call
	for chunk := range slices.Chunk(frontier, p.x.pageSize()) {
		for _, r := range p.rels {
			d := kepu.LookupRel(r)
			for _, dir := range []kepu.Direction{kepu.Out, kepu.In} {
				// Only the nodes whose label the relationship can start
				// (Out) or end (In) at, and only when a selected label can
				// be at the other end: a Neighbors call per type and
				// direction is a statement on Neo4j, and most of them
				// would answer nothing.
				ends, far := d.From, d.To
				if dir == kepu.In {
					ends, far = d.To, d.From
				}
				if !slices.ContainsFunc(far, func(l kepu.Label) bool { return slices.Contains(p.labels, l) }) {
					continue // every node at the other end would be left out
				}
				var ask []string
				for _, id := range chunk {
					if slices.Contains(ends, kepu.LabelOf(id)) {
						ask = append(ask, id)
					}
				}
				if len(ask) > 0 {
					calls = append(calls, &call{rel: r, dir: dir, ask: ask})
				}
			}
		}
	}
	// Workers take the calls in turn; the first error cancels the others.
	g, gctx := errgroup.WithContext(ctx)
	var next atomic.Int64
	work := func() error {
		for {
			if err := gctx.Err(); err != nil {
				return err
			}
			i := next.Add(1) - 1
			if i >= int64(len(calls)) {
				return nil
			}
			c := calls[i]
			res, err := p.x.Store.Neighbors(gctx, c.ask, kepu.NeighborQuery{Rel: c.rel, Dir: c.dir})
			if err != nil {
				return err
			}
			c.res = res
		}
	}
	g.Go(work)
	for range min(expandParallel, len(calls)) - 1 {
		if !expandExtra.TryAcquire(1) {
			break // other exports hold the slots: this one goes on alone
		}
		g.Go(func() error {
			defer expandExtra.Release(1)
			return work()
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	out := make(map[string][]step, len(frontier))
	for _, c := range calls {
		for _, id := range c.ask {
			for _, it := range c.res[id].Items {
				if slices.Contains(p.labels, it.Node.Label) {
					out[id] = append(out[id], step{edge: it.Edge, far: it.Node, dir: c.dir})
				}
			}
		}
	}
	for _, steps := range out {
		slices.SortFunc(steps, cmpStep)
	}
	return out, nil
}

// expandParallel is how many Neighbors calls of one hop run at a time:
// on Neo4j each is a round trip and a statement (a hop of the reference
// dataset's 2-hop neighborhood of CSTM was about 20 of them, one after
// the other); a few at a time let the server's threads work on several.
const expandParallel = 4

// ExpandExtraSlots bounds, over the whole process, the Neighbors calls
// that run beside each export's own one (see expand): with it, N exports
// at once make at most N+ExpandExtraSlots calls at once, as many as
// without parallel hops plus a few. Without it every export made 4: 120
// concurrent 3-hop exports around Beijing on Neo4j (load average 25-35)
// ran 480 statements at once against the driver's pool of 100
// connections, and 55 to 78 % of them answered 503 SERVICE_UNAVAILABLE
// (calls "not reached within 1.5s"), where one call per export, and this
// bound, answered all 120 (docs/breaker-2026-12-04.md).
const ExpandExtraSlots = 8

var expandExtra = semaphore.NewWeighted(ExpandExtraSlots)

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
// nodes and edges; none found leaves the plan empty. It is the first of
// the shortest paths in the order of analysis.ShortestPaths (the GraphQL
// shortestPath's): by the sequence of node IDs, then relationship types,
// then directions. Each node's steps come in that order (expand) and the
// next frontier in the order its nodes were found, so the nodes of a level
// are in the order of their first paths, and the first step to reach a
// node is the one on its first path.
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
