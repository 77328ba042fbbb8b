package dataset

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"github.com/kepugraph/kepugraph/kepu"
)

// The benchmark graph: the reference dataset plus a bulk of generated
// museums and schools, about five edges per bulk node, streamed without
// being held in memory. Every bulk record is derived from its index and the
// seed alone (a splitmix64 hash), so the graph is deterministic and any part
// of it can be produced on its own.
//
// The bulk museums carry the kinds of the real system, so the published
// figures do not hold in a scaled graph: it is for measuring speed only. Its
// edges are local like the reference dataset's: bulk museums are spread
// evenly over the counties, a bulk museum COVERS counties of its own
// province, and a bulk school's partners are museums of its prefecture-level
// unit (nine in ten, scaledLocalTenths) or else of its province.

// Bulk shape.
const (
	scaledMuseumShare = 10 // one bulk node in ten is a museum
	scaledCovers      = 5  // COVERS edges per bulk museum
	scaledPartners    = 4  // PARTNERS_WITH edges per bulk school
	// scaledLocalTenths is the probability, in tenths, that a bulk school's
	// partner is a museum of its prefecture-level unit.
	scaledLocalTenths = 9
)

// ScaledGraph is a Source of the benchmark graph.
type ScaledGraph struct {
	base     *Dataset
	seed     uint64
	museums  int
	schools  int
	partners int
	counties []countyRef // sorted by province, then prefecture-level unit
	src      string
}

// countyRef is a county with the index ranges [lo, hi) of the counties of
// its prefecture-level unit and of its province in ScaledGraph.counties.
type countyRef struct {
	id, name, nameZh string
	unit, province   [2]int
}

// Scaled returns the benchmark graph with the given total number of nodes
// (at least the reference dataset's size plus 10). At 1,000,000 nodes it
// has over 5,000,000 edges.
func Scaled(opts Options, nodes int) (*ScaledGraph, error) {
	base, err := Generate(opts)
	if err != nil {
		return nil, err
	}
	extra := nodes - len(base.Nodes)
	if extra < scaledMuseumShare {
		return nil, kepu.Errorf(kepu.BadUserInput, "scale must be at least %d nodes (the reference dataset has %d), got %d",
			len(base.Nodes)+scaledMuseumShare, len(base.Nodes), nodes)
	}
	if nodes >= 1<<pairSchoolBits {
		return nil, kepu.Errorf(kepu.BadUserInput, "scale must be below %d nodes, got %d", 1<<pairSchoolBits, nodes)
	}
	sg := &ScaledGraph{base: base, seed: opts.seed(), src: fmt.Sprintf("generated: benchmark graph of %d nodes (no published figure)", nodes)}
	sg.museums = extra / scaledMuseumShare
	sg.schools = extra - sg.museums
	sg.partners = min(scaledPartners, sg.museums)
	sg.counties = scaledCounties(base)
	return sg, nil
}

// scaledCounties lists the counties of the dataset grouped by province and
// prefecture-level unit (the prefecture; in a municipality the province; a
// county-level division directly under a province on its own), with the
// index ranges of each group.
func scaledCounties(base *Dataset) []countyRef {
	parent := map[string]string{}
	for _, e := range base.Edges {
		if e.Type == kepu.PartOf {
			parent[e.From] = e.To
		}
	}
	municipality := map[string]bool{}
	type keyed struct {
		c              countyRef
		province, unit string
	}
	var cs []keyed
	for _, n := range base.Nodes {
		switch n.Label {
		case kepu.Province:
			municipality[n.ID] = n.Props.String("kind") == "MUNICIPALITY"
		case kepu.County:
			k := keyed{c: countyRef{id: n.ID, name: n.Props.String("name"), nameZh: n.Props.String("nameZh")}}
			switch up := parent[n.ID]; kepu.LabelOf(up) {
			case kepu.Prefecture:
				k.province, k.unit = parent[up], up
			default:
				k.province, k.unit = up, n.ID
			}
			cs = append(cs, k)
		}
	}
	for i := range cs {
		if municipality[cs[i].province] {
			cs[i].unit = cs[i].province
		}
	}
	slices.SortFunc(cs, func(a, b keyed) int {
		return cmp.Or(cmp.Compare(a.province, b.province), cmp.Compare(a.unit, b.unit), cmp.Compare(a.c.id, b.c.id))
	})
	out := make([]countyRef, len(cs))
	for i := 0; i < len(cs); {
		j := i
		for j < len(cs) && cs[j].province == cs[i].province {
			j++
		}
		for u := i; u < j; {
			v := u
			for v < j && cs[v].unit == cs[u].unit {
				v++
			}
			for x := u; x < v; x++ {
				out[x] = cs[x].c
				out[x].unit, out[x].province = [2]int{u, v}, [2]int{i, j}
			}
			u = v
		}
		i = j
	}
	return out
}

// museumCounty is the county index of bulk museum i: the museums are spread
// evenly over the counties in their order.
func (sg *ScaledGraph) museumCounty(i int) int { return i * len(sg.counties) / sg.museums }

// museumsIn returns the bulk museums [lo, hi) in the counties [a, b).
func (sg *ScaledGraph) museumsIn(r [2]int) (lo, hi int) {
	first := func(c int) int { return (c*sg.museums + len(sg.counties) - 1) / len(sg.counties) }
	return first(r[0]), first(r[1])
}

// Nodes is the number of nodes.
func (sg *ScaledGraph) Nodes() int { return len(sg.base.Nodes) + sg.museums + sg.schools }

// Edges is the number of edges.
func (sg *ScaledGraph) Edges() int {
	return len(sg.base.Edges) + sg.museums*(1+scaledCovers) + sg.schools*(1+sg.partners)
}

// Len is the number of records.
func (sg *ScaledGraph) Len() int { return sg.Nodes() + sg.Edges() }

// splitmix64 is a stateless mixing function.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// rnd returns a pseudo-random number in [0, n) for a stream, an index and a
// draw.
func (sg *ScaledGraph) rnd(stream, i, draw uint64, n int) int {
	return int(splitmix64(sg.seed^splitmix64(stream<<56^i<<8^draw)) % uint64(n))
}

const (
	streamMuseumPlace = iota + 1
	streamMuseumProps
	streamSchoolPlace
	streamSchoolProps
	streamCovers
	streamPartners
)

var scaledKinds = []string{"STANDARD", "MOBILE", "CARAVAN", "RURAL_SCHOOL"}

// schoolCounty is the county of bulk school i.
func (sg *ScaledGraph) schoolCounty(i int) countyRef {
	return sg.counties[sg.rnd(streamSchoolPlace, uint64(i), 0, len(sg.counties))]
}

// A partnership draw packed in a uint64: the museum's index, the school's,
// the draw's (see Each).
const (
	pairDrawBits    = 4
	pairSchoolBits  = 30
	pairMuseumShift = pairDrawBits + pairSchoolBits
)

// The bulk nodes' IDs and names are written with join7 instead of
// fmt.Sprintf (every partnership names both its ends: about 8 million IDs
// at 1M); TestScaledNames compares them with the Sprintf forms.
var (
	museumIDPrefix = kepu.MakeID(kepu.Museum, "gen-bench-m-")
	schoolIDPrefix = kepu.MakeID(kepu.School, "gen-bench-s-")
)

func (sg *ScaledGraph) museumID(i int) string { return join7(museumIDPrefix, i+1, "", "", "") }

func (sg *ScaledGraph) schoolID(i int) string { return join7(schoolIDPrefix, i+1, "", "", "") }

// join7 is fmt.Sprintf("%s%07d%s%s%s", a, n, b, c, d) for n >= 0, in one
// allocation.
func join7(a string, n int, b, c, d string) string {
	var buf [160]byte
	out := append(buf[:0], a...)
	var digits [20]byte
	ds := strconv.AppendInt(digits[:0], int64(n), 10)
	for range 7 - len(ds) {
		out = append(out, '0')
	}
	out = append(out, ds...)
	out = append(append(append(out, b...), c...), d...)
	return string(out)
}

func (sg *ScaledGraph) props(p kepu.Props) kepu.Props {
	p[kepu.PropProvenance] = kepu.Generated
	p[kepu.PropSource] = sg.src
	return p
}

// Each yields the reference dataset's nodes, the bulk nodes, the reference
// edges and the bulk edges, the bulk records in key order (see below). It
// holds 8 bytes per bulk partnership while it runs.
func (sg *ScaledGraph) Each(node func(kepu.Node) error, edge func(kepu.Edge) error) error {
	for _, n := range sg.base.Nodes {
		if err := node(n); err != nil {
			return err
		}
	}
	for i := range sg.museums {
		c := sg.counties[sg.museumCounty(i)]
		kind := scaledKinds[i%len(scaledKinds)]
		p := kepu.Props{
			"name":          join7("Generated Benchmark Museum ", i+1, " (", c.name, ")"),
			"nameZh":        join7("生成的基准测试科技馆 ", i+1, "（", c.nameZh, "）"),
			"kind":          kind,
			"openedYear":    int64(2012 + sg.rnd(streamMuseumProps, uint64(i), 0, 13)),
			"offlineVisits": int64(1000 + sg.rnd(streamMuseumProps, uint64(i), 1, 2_000_000)),
		}
		if kind == "STANDARD" {
			p["level"] = "COUNTY"
			p["freeEntry"] = sg.rnd(streamMuseumProps, uint64(i), 2, 10) < 8
		}
		if err := node(kepu.Node{ID: sg.museumID(i), Label: kepu.Museum, Props: sg.props(p)}); err != nil {
			return err
		}
	}
	for i := range sg.schools {
		c := sg.schoolCounty(i)
		stage := kepu.SchoolStages[sg.rnd(streamSchoolProps, uint64(i), 0, 3)]
		p := kepu.Props{
			"name":   join7("Generated Benchmark "+stageNames[stage][0]+" ", i+1, " (", c.name, ")"),
			"nameZh": join7("生成的基准测试"+stageNames[stage][1]+" ", i+1, "（", c.nameZh, "）"),
			"stage":  stage,
			"rural":  sg.rnd(streamSchoolProps, uint64(i), 1, 10) < 4,
		}
		if err := node(kepu.Node{ID: sg.schoolID(i), Label: kepu.School, Props: sg.props(p)}); err != nil {
			return err
		}
	}
	for _, e := range sg.base.Edges {
		if err := edge(e); err != nil {
			return err
		}
	}
	var picked []int
	// distinct draws k different values for a record: draw d comes from
	// pick(d), which must have at least k values in all.
	distinct := func(k int, pick func(d uint64) int) []int {
		picked = picked[:0]
		for d := uint64(0); len(picked) < k; d++ {
			x := pick(d)
			if !slices.Contains(picked, x) {
				picked = append(picked, x)
			}
		}
		return picked
	}
	// The bulk edges come in key order (type, From, To: COVERS,
	// LOCATED_IN, PARTNERS_WITH; IDs are zero-padded), so that a store
	// that keeps its records sorted by key appends them.
	type draw struct{ ci, d int }
	var covers []draw
	for i := range sg.museums {
		id := sg.museumID(i)
		c := sg.counties[sg.museumCounty(i)]
		// Counties of the museum's own province (every mainland province
		// has more than scaledCovers).
		lo, n := c.province[0], c.province[1]-c.province[0]
		k := min(scaledCovers, n)
		covers = covers[:0]
		for d, ci := range distinct(k, func(d uint64) int { return lo + sg.rnd(streamCovers, uint64(i), d, n) }) {
			covers = append(covers, draw{ci, d})
		}
		slices.SortFunc(covers, func(a, b draw) int { return cmp.Compare(sg.counties[a.ci].id, sg.counties[b.ci].id) })
		for _, cv := range covers {
			tours := int64(1 + sg.rnd(streamCovers, uint64(i), uint64(100+cv.d), 6))
			if err := edge(kepu.Edge{Type: kepu.Covers, From: id, To: sg.counties[cv.ci].id, Props: sg.props(kepu.Props{
				"tours": tours, "visits": tours * int64(300+sg.rnd(streamCovers, uint64(i), uint64(200+cv.d), 3000))})}); err != nil {
				return err
			}
		}
	}
	for i := range sg.museums {
		c := sg.counties[sg.museumCounty(i)]
		if err := edge(kepu.Edge{Type: kepu.LocatedIn, From: sg.museumID(i), To: c.id, Props: sg.props(kepu.Props{})}); err != nil {
			return err
		}
	}
	for i := range sg.schools {
		if err := edge(kepu.Edge{Type: kepu.LocatedIn, From: sg.schoolID(i), To: sg.schoolCounty(i).id, Props: sg.props(kepu.Props{})}); err != nil {
			return err
		}
	}
	// A school's partners are drawn from the school's side; sorting the
	// draws (museum, school, draw), packed in one integer each, puts them
	// in key order: 8 bytes per partnership.
	pairs := make([]uint64, 0, sg.schools*sg.partners)
	for i := range sg.schools {
		c := sg.schoolCounty(i)
		// Partner museums: of the unit (nine draws in ten) or the province;
		// when the province has too few (only in tiny graphs), of anywhere.
		ulo, uhi := sg.museumsIn(c.unit)
		plo, phi := sg.museumsIn(c.province)
		if phi-plo < sg.partners {
			plo, phi = 0, sg.museums
		}
		pick := func(d uint64) int {
			if uhi > ulo && sg.rnd(streamPartners, uint64(i), 50+d, 10) < scaledLocalTenths {
				return ulo + sg.rnd(streamPartners, uint64(i), d, uhi-ulo)
			}
			return plo + sg.rnd(streamPartners, uint64(i), d, phi-plo)
		}
		for d, mi := range distinct(sg.partners, pick) {
			pairs = append(pairs, uint64(mi)<<pairMuseumShift|uint64(i)<<pairDrawBits|uint64(d))
		}
	}
	slices.Sort(pairs)
	for _, pr := range pairs {
		mi, i, d := int(pr>>pairMuseumShift), int(pr>>pairDrawBits&(1<<pairSchoolBits-1)), uint64(pr&(1<<pairDrawBits-1))
		if err := edge(kepu.Edge{Type: kepu.PartnersWith, From: sg.museumID(mi), To: sg.schoolID(i), Props: sg.props(kepu.Props{
			"since":      int64(2012 + sg.rnd(streamPartners, uint64(i), uint64(100+d), 13)),
			"activities": int64(1 + sg.rnd(streamPartners, uint64(i), uint64(200+d), 24))})}); err != nil {
			return err
		}
	}
	return nil
}
