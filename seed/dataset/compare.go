package dataset

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/kepugraph/kepugraph/kepu"
)

// Reader is the part of kepu.Store that CheckOnes and Compare read: a
// kepu.Store, or a store opened read-only (embedded.Options.ReadOnly).
type Reader interface {
	Nodes(ctx context.Context, ids []string) (map[string]kepu.Node, error)
	Neighbors(ctx context.Context, ids []string, q kepu.NeighborQuery) (map[string]kepu.NeighborPage, error)
	CountNodes(ctx context.Context, l kepu.Label, f *kepu.Filter) (int, error)
	AggregateEdges(ctx context.Context, q kepu.EdgeAggregateQuery) (kepu.EdgeAggregate, error)
	WalkNodes(ctx context.Context, l kepu.Label, f *kepu.Filter, fn func(n *kepu.Node, loc kepu.Location) error) error
	WalkEdges(ctx context.Context, rel kepu.RelType, fn func(e *kepu.Edge) error) error
}

// Counts are the records of one label or relationship type, by what a load
// of the dataset would do with them.
type Counts struct {
	Create    int `json:"create"`    // in the dataset, not in the store: written
	Change    int `json:"change"`    // in both, with other properties: replaced by the dataset's
	Unchanged int `json:"unchanged"` // in both, equal: written again as they are
	StoreOnly int `json:"storeOnly"` // in the store only (created through the API): left as they are
}

// Total is the number of records counted.
func (c Counts) Total() int { return c.Create + c.Change + c.Unchanged + c.StoreOnly }

func (c *Counts) add(o Counts) {
	c.Create += o.Create
	c.Change += o.Change
	c.Unchanged += o.Unchanged
	c.StoreOnly += o.StoreOnly
}

// Record names a node (ID) or an edge (Type, From, To).
type Record struct {
	ID   string       `json:"id,omitempty"`
	Type kepu.RelType `json:"type,omitempty"`
	From string       `json:"from,omitempty"`
	To   string       `json:"to,omitempty"`
}

// IsEdge reports whether r names an edge.
func (r Record) IsEdge() bool { return r.ID == "" }

func (r Record) String() string {
	if r.IsEdge() {
		return fmt.Sprintf("edge %s %s → %s", r.Type, r.From, r.To)
	}
	return "node " + r.ID
}

// compareRecords orders nodes (by ID) before edges (by type, From, To).
func compareRecords(a, b Record) int {
	if a.IsEdge() != b.IsEdge() {
		if a.IsEdge() {
			return 1
		}
		return -1
	}
	return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Type, b.Type), cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
}

// PropChange is one property of a record that a load would change: the
// store's value and the dataset's, each nil when the property is absent
// (a load replaces all the properties of a record: one the store has and
// the dataset has not is removed). Values are of the Go types of kepu.Props.
type PropChange struct {
	Name    string `json:"name"`
	Store   any    `json:"store"`
	Dataset any    `json:"dataset"`
}

// Change is a record of the dataset that the store holds with other
// properties, and those properties, by name.
type Change struct {
	Record
	Props []PropChange `json:"props"`
}

// Conflict is a One edge of the dataset (PART_OF, LOCATED_IN) whose From
// node has its edge of that type to another node in the store (StoreTo):
// the node was moved, and a load refuses to write anything (CheckOnes).
// Code is kepu.Conflict and Message the error CheckOnes gives for it.
type Conflict struct {
	Type    kepu.RelType `json:"type"`
	From    string       `json:"from"`
	To      string       `json:"to"`      // the dataset's
	StoreTo string       `json:"storeTo"` // the store's
	Code    string       `json:"code"`
	Message string       `json:"message"`
}

// Plan is what a load of a dataset would do to a store (Compare). The
// counts are whole; the lists hold at most CompareOptions.Limit records
// each, the first in the order of compareRecords (nodes by ID, then edges
// by type, From and To), conflicts by type (kepu.RelDefs order), then From.
type Plan struct {
	Nodes map[kepu.Label]Counts
	Edges map[kepu.RelType]Counts
	// Creates are records of the dataset the store does not hold.
	Creates []Record
	// Changes are records the store holds with other properties.
	Changes []Change
	// StoreOnly are records of the store the dataset does not have; a
	// load leaves them.
	StoreOnly []Record
	// Conflicts are the moved nodes for which a load refuses to write
	// anything; ConflictCount counts them all.
	Conflicts     []Conflict
	ConflictCount int
}

// NodeTotals and EdgeTotals sum the counts of all labels and types.
func (p *Plan) NodeTotals() Counts { return sum(p.Nodes) }

// EdgeTotals sums the counts of all relationship types.
func (p *Plan) EdgeTotals() Counts { return sum(p.Edges) }

func sum[K comparable](m map[K]Counts) Counts {
	var t Counts
	for _, c := range m {
		t.add(c)
	}
	return t
}

// Writes reports whether a load would change the store: a record to create
// or change. A load with conflicts writes nothing; Writes tells what it
// would write once they are resolved.
func (p *Plan) Writes() bool {
	n, e := p.NodeTotals(), p.EdgeTotals()
	return n.Create+n.Change+e.Create+e.Change > 0
}

// CompareOptions configure Compare.
type CompareOptions struct {
	// Limit is the most records kept in each of Plan's lists; 0 keeps all.
	Limit int
	// Progress, when set, is called after every batch of the dataset's
	// records compared, with the records compared so far and the total.
	Progress func(done, total int)
}

// Compare reads st and says what a load of src (Load, LoadSource) would do
// to it, writing nothing: which records it would create (absent), replace
// with other properties (each property's values in the store and in the
// dataset), write again unchanged, and which records of st src does not
// have (a load leaves them), by label and relationship type; and the One
// edges whose node was moved, for which a load writes nothing (CheckOnes,
// with the same conflicts and errors). Properties are compared with
// kepu.ValueEqual.
//
// It reads the dataset's nodes a thousand (DefaultBatch) per Nodes call
// and its edges a thousand per type through lookupEdges (Neighbors of
// their From nodes, as CheckOnes), then counts each label's nodes
// (CountNodes) and each type's edges (AggregateEdges): a label or type
// with more records in st than src matched is walked (WalkNodes,
// WalkEdges) to find them, against the IDs (edge keys) of src's records of
// that label (type), read again from src. Memory: one batch of records,
// the kept lists, and the IDs of the labels and types walked.
func Compare(ctx context.Context, st Reader, src Source, opts CompareOptions) (*Plan, error) {
	c := &comparer{
		ctx: ctx, st: st, opts: opts, total: src.Len(),
		nodes:     map[kepu.Label]*Counts{},
		edges:     map[kepu.RelType]*Counts{},
		creates:   newKept(opts.Limit, compareRecords),
		changes:   newKept(opts.Limit, func(a, b Change) int { return compareRecords(a.Record, b.Record) }),
		storeOnly: newKept(opts.Limit, compareRecords),
		byType:    map[kepu.RelType][]kepu.Edge{},
	}
	var nodes []kepu.Node
	err := src.Each(func(n kepu.Node) error {
		nodes = append(nodes, n)
		if len(nodes) < DefaultBatch {
			return nil
		}
		err := c.compareNodes(nodes)
		nodes = nodes[:0]
		return err
	}, func(e kepu.Edge) error {
		if len(nodes) > 0 {
			if err := c.compareNodes(nodes); err != nil {
				return err
			}
			nodes = nodes[:0]
		}
		es := append(c.byType[e.Type], e)
		if len(es) < DefaultBatch {
			c.byType[e.Type] = es
			return nil
		}
		c.byType[e.Type] = es[:0]
		return c.compareEdges(e.Type, es)
	})
	if err == nil && len(nodes) > 0 {
		err = c.compareNodes(nodes)
	}
	for _, d := range kepu.RelDefs() {
		if err == nil {
			err = c.compareEdges(d.Type, c.byType[d.Type])
		}
	}
	if err == nil {
		err = c.findStoreOnly(src)
	}
	if err != nil {
		return nil, err
	}
	p := &Plan{
		Nodes: map[kepu.Label]Counts{}, Edges: map[kepu.RelType]Counts{},
		Creates: c.creates.sorted(), Changes: c.changes.sorted(), StoreOnly: c.storeOnly.sorted(),
		ConflictCount: len(c.conflicts),
	}
	for l, n := range c.nodes {
		p.Nodes[l] = *n
	}
	for t, n := range c.edges {
		p.Edges[t] = *n
	}
	// CheckOnes' order: types in RelDefs order, then From.
	order := map[kepu.RelType]int{}
	for i, d := range kepu.RelDefs() {
		order[d.Type] = i
	}
	slices.SortFunc(c.conflicts, func(a, b Conflict) int {
		return cmp.Or(cmp.Compare(order[a.Type], order[b.Type]), cmp.Compare(a.From, b.From))
	})
	p.Conflicts = c.conflicts
	if opts.Limit > 0 && len(p.Conflicts) > opts.Limit {
		p.Conflicts = p.Conflicts[:opts.Limit]
	}
	return p, nil
}

type comparer struct {
	ctx       context.Context
	st        Reader
	opts      CompareOptions
	total     int
	done      int
	nodes     map[kepu.Label]*Counts
	edges     map[kepu.RelType]*Counts
	creates   *kept[Record]
	changes   *kept[Change]
	storeOnly *kept[Record]
	conflicts []Conflict
	byType    map[kepu.RelType][]kepu.Edge // edges waiting for their type's batch
}

func (c *comparer) progress(n int) {
	c.done += n
	if c.opts.Progress != nil {
		c.opts.Progress(c.done, c.total)
	}
}

func (c *comparer) nodeCounts(l kepu.Label) *Counts {
	n := c.nodes[l]
	if n == nil {
		n = &Counts{}
		c.nodes[l] = n
	}
	return n
}

func (c *comparer) edgeCounts(t kepu.RelType) *Counts {
	n := c.edges[t]
	if n == nil {
		n = &Counts{}
		c.edges[t] = n
	}
	return n
}

// compareNodes compares a batch of the dataset's nodes with the store's.
func (c *comparer) compareNodes(ns []kepu.Node) error {
	ids := make([]string, len(ns))
	for i, n := range ns {
		ids[i] = n.ID
	}
	have, err := c.st.Nodes(c.ctx, ids)
	if err != nil {
		return fmt.Errorf("read the nodes of the store: %w", err)
	}
	for _, n := range ns {
		cs := c.nodeCounts(n.Label)
		h, ok := have[n.ID]
		switch d := propChanges(h.Props, n.Props); {
		case !ok:
			cs.Create++
			c.creates.add(Record{ID: n.ID})
		case len(d) > 0:
			cs.Change++
			c.changes.add(Change{Record: Record{ID: n.ID}, Props: d})
		default:
			cs.Unchanged++
		}
	}
	c.progress(len(ns))
	return nil
}

// compareEdges compares a batch of the dataset's edges of type t with the
// store's, and notes the conflicts of a One type.
func (c *comparer) compareEdges(t kepu.RelType, es []kepu.Edge) error {
	cs := c.edgeCounts(t)
	err := lookupEdges(c.ctx, c.st, t, es, func(e, have *kepu.Edge, moved string) error {
		r := Record{Type: e.Type, From: e.From, To: e.To}
		if moved != "" {
			err := oneConflict(e, moved)
			c.conflicts = append(c.conflicts, Conflict{Type: e.Type, From: e.From, To: e.To, StoreTo: moved, Code: err.Code, Message: err.Message})
		}
		if have == nil {
			cs.Create++
			c.creates.add(r)
		} else if d := propChanges(have.Props, e.Props); len(d) > 0 {
			cs.Change++
			c.changes.add(Change{Record: r, Props: d})
		} else {
			cs.Unchanged++
		}
		return nil
	})
	if err != nil {
		return err
	}
	c.progress(len(es))
	return nil
}

// propChanges returns the properties whose values differ between the
// store's and the dataset's props, by name.
func propChanges(store, ds kepu.Props) []PropChange {
	var out []PropChange
	for _, k := range slices.Sorted(maps.Keys(ds)) {
		if !kepu.ValueEqual(store[k], ds[k]) {
			out = append(out, PropChange{Name: k, Store: store[k], Dataset: ds[k]})
		}
	}
	for k, v := range store {
		if _, ok := ds[k]; !ok && v != nil {
			out = append(out, PropChange{Name: k, Store: v})
		}
	}
	slices.SortFunc(out, func(a, b PropChange) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// errEnough stops a Source's Each early.
var errEnough = errors.New("enough")

// findStoreOnly counts the store's nodes of every label and edges of every
// type; where there are more than the dataset's records the store holds
// (matched), it walks the label or type for those the dataset has not.
func (c *comparer) findStoreOnly(src Source) error {
	var labels []kepu.Label
	for _, d := range kepu.LabelDefs() {
		n, err := c.st.CountNodes(c.ctx, d.Label, nil)
		if err != nil {
			return fmt.Errorf("count the %s nodes of the store: %w", d.Label, err)
		}
		cs := c.nodeCounts(d.Label)
		if cs.StoreOnly = n - cs.Change - cs.Unchanged; cs.StoreOnly < 0 {
			return fmt.Errorf("the store counts %d %s nodes, fewer than the %d of the dataset it holds", n, d.Label, cs.Change+cs.Unchanged)
		}
		if cs.StoreOnly > 0 {
			labels = append(labels, d.Label)
		}
	}
	var types []kepu.RelType
	for _, d := range kepu.RelDefs() {
		agg, err := c.st.AggregateEdges(c.ctx, kepu.EdgeAggregateQuery{Rel: d.Type})
		if err != nil {
			return fmt.Errorf("count the %s edges of the store: %w", d.Type, err)
		}
		cs := c.edgeCounts(d.Type)
		if cs.StoreOnly = agg.Count - cs.Change - cs.Unchanged; cs.StoreOnly < 0 {
			return fmt.Errorf("the store counts %d %s edges, fewer than the %d of the dataset it holds", agg.Count, d.Type, cs.Change+cs.Unchanged)
		}
		if cs.StoreOnly > 0 {
			types = append(types, d.Type)
		}
	}
	// Remove the counts of labels and types that neither side has.
	for l, cs := range c.nodes {
		if cs.Total() == 0 {
			delete(c.nodes, l)
		}
	}
	for t, cs := range c.edges {
		if cs.Total() == 0 {
			delete(c.edges, t)
		}
	}
	if len(labels) == 0 && len(types) == 0 {
		return nil
	}
	// The keys of the dataset's records of those labels and types.
	keys := map[string]bool{}
	err := src.Each(func(n kepu.Node) error {
		if slices.Contains(labels, n.Label) {
			keys[n.ID] = true
		}
		return nil
	}, func(e kepu.Edge) error {
		if len(types) == 0 {
			return errEnough
		}
		if slices.Contains(types, e.Type) {
			keys[e.Key()] = true
		}
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return err
	}
	for _, l := range labels {
		err := c.st.WalkNodes(c.ctx, l, nil, func(n *kepu.Node, _ kepu.Location) error {
			if !keys[n.ID] {
				c.storeOnly.add(Record{ID: n.ID})
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("read the %s nodes of the store: %w", l, err)
		}
	}
	for _, t := range types {
		err := c.st.WalkEdges(c.ctx, t, func(e *kepu.Edge) error {
			if !keys[e.Key()] {
				c.storeOnly.add(Record{Type: e.Type, From: e.From, To: e.To})
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("read the %s edges of the store: %w", t, err)
		}
	}
	return nil
}

// kept keeps the first limit items in the order of cmp (all with limit 0),
// sorting and cutting when it holds twice as many.
type kept[T any] struct {
	limit int
	cmp   func(a, b T) int
	items []T
}

func newKept[T any](limit int, cmp func(a, b T) int) *kept[T] {
	return &kept[T]{limit: limit, cmp: cmp}
}

func (k *kept[T]) add(v T) {
	k.items = append(k.items, v)
	if k.limit > 0 && len(k.items) >= 2*k.limit {
		slices.SortFunc(k.items, k.cmp)
		clear(k.items[k.limit:])
		k.items = k.items[:k.limit]
	}
}

func (k *kept[T]) sorted() []T {
	slices.SortFunc(k.items, k.cmp)
	if k.limit > 0 && len(k.items) > k.limit {
		k.items = k.items[:k.limit]
	}
	if k.items == nil {
		return []T{}
	}
	return k.items
}
