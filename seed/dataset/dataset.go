// Package dataset builds the kepugraph reference dataset: the real places,
// museums and normal universities of the reference lists in seed/data, the
// organizations, people, programs and forums that the source articles in
// seed/sources report, and generated records that make the graph reproduce
// the published figures of the modern sci-tech museum system exactly.
//
// Every node and edge carries provenance (REPORTED, REFERENCE or GENERATED)
// and source. Generated names start with "Generated" (zh "生成的") so that a
// generated school is never mistaken for a real one.
//
// Generate is deterministic: the same Options give the same Dataset. Load
// writes a dataset (or the much larger benchmark graph of Scaled) to a
// kepu.Store in batches, idempotently.
package dataset

import (
	"fmt"
	"io/fs"
	"math/rand/v2"

	"github.com/kepugraph/kepugraph/kepu"
)

// DefaultSeed is the seed used when Options.Seed is 0.
const DefaultSeed uint64 = 2012

// Options configure Generate.
type Options struct {
	// Seed of the pseudo-random generator (a PCG); 0 means DefaultSeed.
	Seed uint64
	// Data holds the reference lists (provinces.csv, divisions.csv,
	// museums.csv, normal_universities.csv); nil means the copies embedded
	// from seed/data.
	Data fs.FS
}

func (o Options) seed() uint64 {
	if o.Seed == 0 {
		return DefaultSeed
	}
	return o.Seed
}

func newRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream^0x9e3779b97f4a7c15))
}

// Dataset is a whole graph in memory. Nodes come in a fixed order and every
// edge's ends are among them.
type Dataset struct {
	Nodes []kepu.Node
	Edges []kepu.Edge
}

// Sources of reference records.
const (
	srcProvinces    = "data/provinces.csv"
	srcDivisions    = "data/divisions.csv"
	srcMuseums      = "data/museums.csv"
	srcUniversities = "data/normal_universities.csv"
)

// builder accumulates a dataset and refuses duplicates.
type builder struct {
	ds    *Dataset
	nodes map[string]int // ID → index in ds.Nodes
	edges map[string]bool
	err   error
}

func newBuilder() *builder {
	return &builder{ds: &Dataset{}, nodes: map[string]int{}, edges: map[string]bool{}}
}

// node adds a node; props must not hold provenance or source.
func (b *builder) node(l kepu.Label, key, provenance, source string, props kepu.Props) string {
	id := kepu.MakeID(l, key)
	if b.err != nil {
		return id
	}
	if _, dup := b.nodes[id]; dup {
		b.err = fmt.Errorf("dataset: duplicate node %s", id)
		return id
	}
	p := props.Clone()
	if p == nil {
		p = kepu.Props{}
	}
	p[kepu.PropProvenance] = provenance
	p[kepu.PropSource] = source
	b.nodes[id] = len(b.ds.Nodes)
	b.ds.Nodes = append(b.ds.Nodes, kepu.Node{ID: id, Label: l, Props: p})
	return id
}

// edge adds an edge between existing nodes. It reports false, adding
// nothing, when an edge of the type already joins the two nodes.
func (b *builder) edge(t kepu.RelType, from, to, provenance, source string, props kepu.Props) bool {
	if b.err != nil {
		return false
	}
	if _, ok := b.nodes[from]; !ok {
		b.err = fmt.Errorf("dataset: %s edge from missing node %s", t, from)
		return false
	}
	if _, ok := b.nodes[to]; !ok {
		b.err = fmt.Errorf("dataset: %s edge to missing node %s", t, to)
		return false
	}
	e := kepu.Edge{Type: t, From: from, To: to}
	if b.edges[e.Key()] {
		return false
	}
	p := props.Clone()
	if p == nil {
		p = kepu.Props{}
	}
	p[kepu.PropProvenance] = provenance
	p[kepu.PropSource] = source
	e.Props = p
	b.edges[e.Key()] = true
	b.ds.Edges = append(b.ds.Edges, e)
	return true
}

// Generate builds the reference dataset.
func Generate(opts Options) (*Dataset, error) {
	l, err := readLists(opts.Data)
	if err != nil {
		return nil, err
	}
	b := newBuilder()
	g, err := buildPlaces(b, l)
	if err != nil {
		return nil, err
	}
	ms, us, err := buildReference(b, g, l)
	if err != nil {
		return nil, err
	}
	buildReported(b)
	if err := buildGenerated(b, g, ms, us, newRand(opts.seed(), 1)); err != nil {
		return nil, err
	}
	if b.err != nil {
		return nil, b.err
	}
	for i := range b.ds.Nodes {
		if err := kepu.ValidateNode(&b.ds.Nodes[i]); err != nil {
			return nil, fmt.Errorf("dataset: node %s: %w", b.ds.Nodes[i].ID, err)
		}
	}
	for i := range b.ds.Edges {
		e := &b.ds.Edges[i]
		if err := kepu.ValidateEdge(e, kepu.LabelOf(e.From), kepu.LabelOf(e.To)); err != nil {
			return nil, fmt.Errorf("dataset: edge %s: %w", e.Key(), err)
		}
	}
	return b.ds, nil
}

// get returns the props of a node added earlier.
func (b *builder) get(id string) kepu.Props { return b.ds.Nodes[b.nodes[id]].Props }

// set sets a property of a node added earlier.
func (b *builder) set(id, key string, v any) { b.ds.Nodes[b.nodes[id]].Props[key] = v }
