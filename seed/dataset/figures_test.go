package dataset_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

// index is a small in-memory view of a dataset for computing the figures
// the way the GraphQL layer does: from nodes, edges and kepu.Location.
type index struct {
	nodes   map[string]kepu.Node
	byLabel map[kepu.Label][]kepu.Node
	edges   map[kepu.RelType][]kepu.Edge
	located map[string][]string // LOCATED_IN targets by node
	parent  map[string]string   // PART_OF target by place
}

func newIndex(ds *dataset.Dataset) *index {
	ix := &index{nodes: map[string]kepu.Node{}, byLabel: map[kepu.Label][]kepu.Node{},
		edges: map[kepu.RelType][]kepu.Edge{}, located: map[string][]string{}, parent: map[string]string{}}
	for _, n := range ds.Nodes {
		ix.nodes[n.ID] = n
		ix.byLabel[n.Label] = append(ix.byLabel[n.Label], n)
	}
	for _, e := range ds.Edges {
		ix.edges[e.Type] = append(ix.edges[e.Type], e)
		switch e.Type {
		case kepu.LocatedIn:
			ix.located[e.From] = append(ix.located[e.From], e.To)
		case kepu.PartOf:
			ix.parent[e.From] = e.To
		}
	}
	return ix
}

// location follows kepu.Location: a place and its ancestors, or the place a
// node is LOCATED_IN and its ancestors.
func (ix *index) location(id string) kepu.Location {
	var loc kepu.Location
	cur := id
	if !kepu.LabelOf(id).IsPlace() {
		ps := ix.located[id]
		if len(ps) == 0 {
			return loc
		}
		cur = ps[0]
	}
	for cur != "" {
		switch kepu.LabelOf(cur) {
		case kepu.Province:
			loc.Province = cur
		case kepu.Prefecture:
			loc.Prefecture = cur
		case kepu.County:
			loc.County = cur
		}
		cur = ix.parent[cur]
	}
	return loc
}

func (ix *index) museums(kind string) []kepu.Node {
	var out []kepu.Node
	for _, n := range ix.byLabel[kepu.Museum] {
		if n.Props.String("kind") == kind {
			out = append(out, n)
		}
	}
	return out
}

func (ix *index) mainland(provinceID string) bool {
	b, _ := ix.nodes[provinceID].Props.Bool("mainland")
	return b
}

func intProp(p kepu.Props, k string) int64 { v, _ := p.Int(k); return v }

func TestReferenceLists(t *testing.T) {
	ix := newIndex(reference(t))
	for l, want := range map[kepu.Label]int{kepu.Province: 35, kepu.Prefecture: 333, kepu.County: 2846, kepu.NormalUniversity: 42} {
		if got := len(ix.byLabel[l]); got != want {
			t.Errorf("%s: %d nodes, want %d", l, got, want)
		}
	}
	mainland := 0
	for _, p := range ix.byLabel[kepu.Province] {
		if ix.mainland(p.ID) {
			mainland++
		}
	}
	if mainland != 31 {
		t.Errorf("%d mainland provinces, want 31", mainland)
	}
	x := ix.nodes["Province:XPCC"]
	if x.Props.String("kind") != "SPECIAL" || ix.mainland(x.ID) {
		t.Errorf("XPCC: %v", x.Props)
	}
	// Every county and prefecture reaches a mainland province.
	for _, l := range []kepu.Label{kepu.Prefecture, kepu.County} {
		for _, n := range ix.byLabel[l] {
			if p := ix.location(n.ID).Province; !ix.mainland(p) {
				t.Fatalf("%s is in %q", n.ID, p)
			}
		}
	}
	if got := ix.location("County:340102"); got != (kepu.Location{Province: "Province:CN-AH", Prefecture: "Prefecture:340100", County: "County:340102"}) {
		t.Errorf("County:340102 location %+v", got)
	}
	if n := ix.nodes["County:110107"]; n.Props.String("nameZh") != "石景山区" || n.Props.String("name") != "Shijingshan District" {
		t.Errorf("County:110107 = %v", n.Props)
	}
	// Every normal university sits in its city's prefecture, or its
	// municipality.
	for _, u := range ix.byLabel[kepu.NormalUniversity] {
		ps := ix.located[u.ID]
		if len(ps) != 1 {
			t.Fatalf("%s has %d places", u.ID, len(ps))
		}
		kind := ix.nodes[ix.location(u.ID).Province].Props.String("kind")
		if l := kepu.LabelOf(ps[0]); l != kepu.Prefecture && !(l == kepu.Province && kind == "MUNICIPALITY") {
			t.Errorf("%s LOCATED_IN %s", u.ID, ps[0])
		}
	}
	if got := ix.located["NormalUniversity:qufu-normal-university"]; len(got) != 1 || ix.nodes[got[0]].Props.String("nameZh") != "济宁市" {
		t.Errorf("Qufu Normal University in %v", got)
	}
}

func TestReferenceMuseums(t *testing.T) {
	ix := newIndex(reference(t))
	levels := map[string]string{}
	reported := 0
	for _, m := range ix.byLabel[kepu.Museum] {
		if strings.Contains(m.Props.String(kepu.PropSource), "data/museums.csv") {
			levels[m.ID] = m.Props.String("level")
			if m.Props.String(kepu.PropProvenance) == kepu.Reported {
				reported++
			}
		}
	}
	if len(levels) != 38 || reported != 4 {
		t.Fatalf("%d museums from the list (%d reported), want 38 (4)", len(levels), reported)
	}
	for id, want := range map[string]string{
		"Museum:cstm": "NATIONAL", "Museum:beijing-science-center": "PROVINCIAL",
		"Museum:shenyang-science-palace": "PREFECTURE", "Museum:mianyang-science-and-technology-museum": "PREFECTURE",
		"Museum:anhui-science-and-technology-museum": "PROVINCIAL", "Museum:hong-kong-science-museum": "",
	} {
		if levels[id] != want {
			t.Errorf("%s level %q, want %q", id, levels[id], want)
		}
	}
	if k := ix.nodes["Museum:macao-science-center"].Props.String("kind"); k != "OTHER" {
		t.Errorf("Macao Science Center kind %q", k)
	}
	if got := ix.located["Museum:mianyang-science-and-technology-museum"]; len(got) != 1 || got[0] != "Prefecture:510700" {
		t.Errorf("Mianyang museum in %v", got)
	}
	// Museums whose notes name their district sit in it (museum_districts.csv);
	// the others in their city.
	for id, want := range map[string]string{
		"Museum:cstm": "County:110105", // Chaoyang District
		"Museum:tianjin-science-and-technology-museum":  "County:120103",  // Hexi District
		"Museum:shanghai-science-and-technology-museum": "County:310115",  // Pudong New Area
		"Museum:shenyang-science-palace":                "County:210103",  // Shenhe District
		"Museum:shandong-science-and-technology-museum": "County:370104",  // Huaiyin District (the new building)
		"Museum:tibet-museum-of-natural-science":        "County:540102",  // Chengguan District, Lhasa
		"Museum:beijing-science-center":                 "Province:CN-BJ", // the notes name no district
		"Museum:guangdong-science-center":               "Prefecture:440100",
	} {
		if got := ix.located[id]; len(got) != 1 || got[0] != want {
			t.Errorf("%s in %v, want %s", id, got, want)
		}
	}
	if loc := ix.location("Museum:cstm"); loc.County != "County:110105" || loc.Province != "Province:CN-BJ" {
		t.Errorf("CSTM location %+v", loc)
	}
	if n := ix.nodes["County:110105"].Props; n.String("nameZh") != "朝阳区" || n.String("name") != "Chaoyang District" {
		t.Errorf("County:110105 = %v", n)
	}
	inCounty := 0
	for id := range levels {
		if kepu.LabelOf(ix.located[id][0]) == kepu.County {
			inCounty++
		}
	}
	if inCounty != 14 {
		t.Errorf("%d reference museums in a county-level district, want the 14 of museum_districts.csv", inCounty)
	}
	if src := ix.nodes["Museum:cstm"].Props.String(kepu.PropSource); src != "data/museums.csv; seed:001; seed:003" {
		t.Errorf("CSTM source %q", src)
	}
}

// Figure 1: museums by kind.
func TestFigureMuseumsByKind(t *testing.T) {
	ix := newIndex(reference(t))
	for kind, want := range map[string]int{"STANDARD": 446, "MOBILE": 657, "CARAVAN": 1764, "RURAL_SCHOOL": 1124, "DIGITAL": 1, "OTHER": 2} {
		if got := len(ix.museums(kind)); got != want {
			t.Errorf("%s museums: %d, want %d", kind, got, want)
		}
	}
	d := ix.nodes["Museum:china-digital-st-museum"]
	if tb, _ := d.Props.Float("resourcesTB"); tb != 18.25 || d.Props.String("kind") != "DIGITAL" {
		t.Errorf("digital museum %v", d.Props)
	}
}

// Figures 2 and 3: provincial and prefecture-level coverage.
func TestFigureCoverage(t *testing.T) {
	ix := newIndex(reference(t))
	provs, prefs := map[string]bool{}, map[string]bool{}
	for _, m := range ix.museums("STANDARD") {
		loc := ix.location(m.ID)
		if ix.mainland(loc.Province) {
			provs[loc.Province] = true
		}
		if loc.Prefecture != "" {
			prefs[loc.Prefecture] = true
		}
	}
	if len(provs) != 31 {
		t.Errorf("standard museums in %d mainland provinces, want all 31", len(provs))
	}
	total := len(ix.byLabel[kepu.Prefecture])
	if len(prefs) != 219 || total != 333 {
		t.Errorf("prefecture coverage %d/%d, want 219/333", len(prefs), total)
	}
	if pct := math.Round(1000*float64(len(prefs))/float64(total)) / 10; pct != 65.8 {
		t.Errorf("prefecture coverage %.1f %%", pct)
	}
}

// Figure 4: county-level museums; other generated ones sit in a prefecture.
func TestFigureCountyMuseums(t *testing.T) {
	ix := newIndex(reference(t))
	county := 0
	for _, m := range ix.museums("STANDARD") {
		loc := ix.location(m.ID)
		place := ix.located[m.ID][0]
		switch m.Props.String("level") {
		case "COUNTY":
			if kepu.LabelOf(place) != kepu.County {
				t.Errorf("%s: county-level in %s", m.ID, place)
			}
			county++
		case "PREFECTURE":
			if m.Props.String(kepu.PropProvenance) == kepu.Generated && (loc.Prefecture == "" || (place != loc.Prefecture && ix.nodes[place].Props.String("divisionType") != "district")) {
				t.Errorf("%s: prefecture-level in %s", m.ID, place)
			}
		}
	}
	if county <= 220 || county != dataset.FigCountyMuseums {
		t.Errorf("%d county-level museums, want more than 220 (%d)", county, dataset.FigCountyMuseums)
	}
}

// Figure 5: free entry.
func TestFigureFreeEntry(t *testing.T) {
	ix := newIndex(reference(t))
	free := 0
	for _, m := range ix.museums("STANDARD") {
		if b, _ := m.Props.Bool("freeEntry"); b {
			free++
		}
	}
	if free != 377 {
		t.Errorf("%d free-entry standard museums, want 377", free)
	}
}

// Figure 6: mobile-museum tours.
func TestFigureMobileTours(t *testing.T) {
	ix := newIndex(reference(t))
	var tours int64
	counties, provs := map[string]bool{}, map[string]bool{}
	for _, e := range ix.edges[kepu.Covers] {
		if ix.nodes[e.From].Props.String("kind") != "MOBILE" {
			continue
		}
		if kepu.LabelOf(e.To) != kepu.County {
			t.Fatalf("mobile museum covers %s", e.To)
		}
		tours += intProp(e.Props, "tours")
		if intProp(e.Props, "visits") <= 0 {
			t.Errorf("%s: no visits", e.Key())
		}
		counties[e.To] = true
		provs[ix.location(e.To).Province] = true
	}
	if tours != 5909 || len(counties) != 1888 {
		t.Errorf("%d tours over %d counties, want 5909 over 1888", tours, len(counties))
	}
	mainland := 0
	for p := range provs {
		if ix.mainland(p) {
			mainland++
		}
	}
	if len(provs) != 29 || mainland != 29 {
		t.Errorf("toured counties in %d provinces (%d mainland), want 29", len(provs), mainland)
	}
	if avg := float64(tours) / float64(len(counties)); avg < 2.5 || avg > 3.5 {
		t.Errorf("%.2f tours per county, want about 3", avg)
	}
}

// Figure 7: mobile museums helped set up county-level museums.
func TestFigureHelpedEstablish(t *testing.T) {
	ix := newIndex(reference(t))
	targets := map[string]bool{}
	for _, e := range ix.edges[kepu.HelpedEstablish] {
		from, to := ix.nodes[e.From], ix.nodes[e.To]
		if from.Props.String("kind") != "MOBILE" || to.Props.String("kind") != "STANDARD" || to.Props.String("level") != "COUNTY" {
			t.Errorf("%s joins %v to %v", e.Key(), from.Props["kind"], to.Props["level"])
		}
		targets[e.To] = true
	}
	if len(targets) <= 20 {
		t.Errorf("mobile museums helped %d museums, want more than 20", len(targets))
	}
}

// Figure 8: caravan distance.
func TestFigureCaravanDistance(t *testing.T) {
	ix := newIndex(reference(t))
	var km float64
	caravans := ix.museums("CARAVAN")
	for _, m := range caravans {
		d, ok := m.Props.Float("distanceKm")
		if !ok || d <= 0 || d != math.Trunc(d) {
			t.Fatalf("%s distance %v", m.ID, m.Props["distanceKm"])
		}
		km += d
	}
	if km != 54_653_000 {
		t.Errorf("caravans travelled %.0f km, want 54653000", km)
	}
	if laps := math.Round(km / 40_000); laps != 1366 {
		t.Errorf("%.0f laps of the Earth, want 1366", laps)
	}
	covering := map[string]bool{}
	for _, e := range ix.edges[kepu.Covers] {
		if ix.nodes[e.From].Props.String("kind") == "CARAVAN" {
			covering[e.From] = true
		}
	}
	if len(covering) != len(caravans) {
		t.Errorf("%d of %d caravans cover a county", len(covering), len(caravans))
	}
}

// Figure 9: rural middle-school museums.
func TestFigureRuralMuseums(t *testing.T) {
	ix := newIndex(reference(t))
	var teachers, served int64
	provs := map[string]bool{}
	hosted := map[string]string{} // museum → host school
	for _, e := range ix.edges[kepu.PartnersWith] {
		s := ix.nodes[e.To]
		if ix.nodes[e.From].Props.String("kind") == "RURAL_SCHOOL" && s.Props.String("stage") == "JUNIOR_SECONDARY" {
			if r, _ := s.Props.Bool("rural"); r {
				hosted[e.From] = e.To
			}
		}
	}
	for _, m := range ix.museums("RURAL_SCHOOL") {
		teachers += intProp(m.Props, "teachersTrained")
		served += intProp(m.Props, "personTimeServed")
		loc := ix.location(m.ID)
		provs[loc.Province] = true
		place := ix.located[m.ID][0]
		if loc.Province == "Province:XPCC" {
			if place != "Province:XPCC" {
				t.Errorf("%s: XPCC museum in %s", m.ID, place)
			}
		} else if kepu.LabelOf(place) != kepu.County {
			t.Errorf("%s in %s", m.ID, place)
		}
		school, ok := hosted[m.ID]
		if !ok {
			t.Fatalf("%s has no rural junior secondary host school", m.ID)
		}
		if sp := ix.located[school]; len(sp) != 1 || sp[0] != place {
			t.Errorf("%s in %s, its school in %v", m.ID, place, sp)
		}
	}
	mainland := 0
	for p := range provs {
		if ix.mainland(p) {
			mainland++
		}
	}
	if mainland != 29 || !provs["Province:XPCC"] || len(provs) != 30 {
		t.Errorf("rural museums in %d mainland provinces (+XPCC %v, %d in all), want 29 + XPCC", mainland, provs["Province:XPCC"], len(provs))
	}
	if teachers != 7384 || served != 13_440_000 {
		t.Errorf("rural museums trained %d teachers and served %d, want 7384 and 13440000", teachers, served)
	}
}

// Figure 10: offline visits.
func TestFigureOfflineVisits(t *testing.T) {
	ix := newIndex(reference(t))
	byKind := map[string]int64{}
	var total int64
	for _, m := range ix.byLabel[kepu.Museum] {
		v := intProp(m.Props, "offlineVisits")
		byKind[m.Props.String("kind")] += v
		total += v
	}
	if total <= 1_000_000_000 || total >= 1_100_000_000 {
		t.Errorf("%d offline visits, want just over 1 billion", total)
	}
	for k, v := range byKind {
		if k != "STANDARD" && v >= byKind["STANDARD"] {
			t.Errorf("%s museums have %d visits, more than STANDARD's %d", k, v, byKind["STANDARD"])
		}
	}
}

// Figure 11: forum sessions.
func TestFigureForumSessions(t *testing.T) {
	ix := newIndex(reference(t))
	var editions []int64
	for _, f := range ix.byLabel[kepu.Forum] {
		if f.Props.String("series") == dataset.ForumSeries {
			editions = append(editions, intProp(f.Props, "edition"))
		}
	}
	slices.Sort(editions)
	if len(editions) != 14 || editions[0] != 1 || editions[13] != 14 {
		t.Fatalf("forum editions %v", editions)
	}
	f := ix.nodes["Forum:museum-school-forum-14"]
	if f.Props.String(kepu.PropProvenance) != kepu.Reported || f.Props.String("date") != "2022-07-23" ||
		f.Props.String("mode") != "HYBRID" || intProp(f.Props, "audience") != 10000 {
		t.Errorf("14th forum %v", f.Props)
	}
	for _, f := range ix.byLabel[kepu.Forum] {
		if f.Props.String(kepu.PropProvenance) == kepu.Generated && (f.Props["date"] != nil || f.Props["venue"] != nil) {
			t.Errorf("%s: generated session with a date or venue", f.ID)
		}
	}
}

// Figure 12: every museum has exactly one LOCATED_IN edge (the digital one
// none); mobile museums sit in a prefecture or province.
func TestFigureMuseumPlaces(t *testing.T) {
	ix := newIndex(reference(t))
	for _, m := range ix.byLabel[kepu.Museum] {
		ps := ix.located[m.ID]
		kind := m.Props.String("kind")
		if kind == "DIGITAL" {
			if len(ps) != 0 {
				t.Errorf("%s located in %v", m.ID, ps)
			}
			continue
		}
		if len(ps) != 1 {
			t.Fatalf("%s has %d LOCATED_IN edges", m.ID, len(ps))
		}
		if l := kepu.LabelOf(ps[0]); kind == "MOBILE" && l != kepu.Prefecture && l != kepu.Province {
			t.Errorf("%s based in %s", m.ID, ps[0])
		}
	}
}

func TestReportedRecords(t *testing.T) {
	ix := newIndex(reference(t))
	has := func(rt kepu.RelType, from, to, prop, want string) {
		t.Helper()
		for _, e := range ix.edges[rt] {
			if e.From == from && e.To == to {
				if prop != "" && e.Props.String(prop) != want {
					t.Errorf("%s: %s = %q, want %q", e.Key(), prop, e.Props.String(prop), want)
				}
				return
			}
		}
		t.Errorf("no %s edge %s -> %s", rt, from, to)
	}
	joint := "Program:joint-action-2024"
	has(kepu.Organizes, "Museum:cstm", joint, "role", "co-launcher")
	has(kepu.Organizes, "Organization:natural-st-museum-committee", joint, "role", "co-launcher")
	has(kepu.HeldAt, joint, "Museum:anhui-science-and-technology-museum", "", "")
	has(kepu.HeldAt, joint, "Museum:yunnan-science-and-technology-museum", "", "")
	if got, _ := ix.nodes[joint].Props["monthlyThemes"].([]string); len(got) != 10 || got[0] != "Cherish Resources" || got[9] != "Science Center of the People" {
		t.Errorf("monthly themes %v", got)
	}
	has(kepu.Organizes, "Organization:crisp", "Forum:museum-school-forum-14", "role", "host")
	has(kepu.HeldAt, "Forum:museum-school-forum-14", "Museum:beijing-science-center", "date", "2022-07-23")
	has(kepu.HeldAt, "Program:beijing-intl-science-communication-week-2023", "County:110107", "", "")
	for _, p := range []string{"pang-xiaodong", "qian-yan", "wang-jingchun", "chen-weicheng"} {
		has(kepu.SpokeAt, "Person:"+p, "Forum:museum-school-forum-14", "", "")
	}
	has(kepu.AffiliatedWith, "Person:chen-weicheng", "Organization:bast", "title", "Vice President")
	c := ix.nodes["Program:beijing-science-carnival"].Props
	if intProp(c, "organizations") != 1200 || intProp(c, "activities") != 2000 || intProp(c, "audience") != 22_600_000 {
		t.Errorf("carnival %v", c)
	}
	if w := ix.nodes["Program:beijing-intl-science-communication-week-2023"].Props; intProp(w, "representatives") != 600 {
		t.Errorf("2023 week %v", w)
	}
	if len(ix.byLabel[kepu.Organization]) != 6 || len(ix.byLabel[kepu.Person]) != 4 {
		t.Errorf("%d organizations, %d people", len(ix.byLabel[kepu.Organization]), len(ix.byLabel[kepu.Person]))
	}
}

// The 2022 national statistics of the Ministry of Science and Technology
// (article 002, DOMAIN.md: 1,683 museums, 1.9967 million communicators):
// one REPORTED node holding every figure the article gives.
func TestFigureNationalStatistics2022(t *testing.T) {
	ix := newIndex(reference(t))
	if n := len(ix.byLabel[kepu.NationalStatistics]); n != 1 {
		t.Fatalf("%d NationalStatistics nodes, want 1", n)
	}
	p := ix.nodes["NationalStatistics:most-2022"].Props
	if p.String(kepu.PropProvenance) != kepu.Reported || p.String(kepu.PropSource) != "seed:002" {
		t.Errorf("provenance %q, source %q", p.String(kepu.PropProvenance), p.String(kepu.PropSource))
	}
	for k, want := range map[string]int64{"year": 2022, "scienceMuseums": 1683, "scienceCommunicators": 1_996_700,
		"websites": 2000, "wechatAccounts": 8000, "bookTitles": 11_500, "bookCopies": 104_000_000,
		"fundingYuan": 19_100_000_000, "participants": 2_800_000_000} {
		if got, ok := p.Int(k); !ok || got != want {
			t.Errorf("%s = %v, want %d", k, p[k], want)
		}
	}
	if c, _ := p.Int("scienceCommunicators"); math.Round(float64(c)/1e2)/1e4 != 1.9967 {
		t.Errorf("%d communicators is not 1.9967 million", c)
	}
}

// The cooperation edges: every STANDARD museum has school partners, mostly
// in its own province; provincial museums train teachers with normal
// universities of their province.
func TestCooperation(t *testing.T) {
	ix := newIndex(reference(t))
	partners := map[string]int{}
	same, all := 0, 0
	for _, e := range ix.edges[kepu.PartnersWith] {
		if ix.nodes[e.From].Props.String("kind") != "STANDARD" {
			continue
		}
		partners[e.From]++
		all++
		if ix.location(e.From).Province == ix.location(e.To).Province {
			same++
		}
	}
	maxP := 0
	for _, n := range partners {
		maxP = max(maxP, n)
	}
	if len(partners) != 446 || maxP < 20 {
		t.Errorf("%d standard museums with school partners (most %d), want 446, skewed", len(partners), maxP)
	}
	if float64(same) < 0.75*float64(all) {
		t.Errorf("%d of %d partnerships within a province", same, all)
	}
	trains := ix.edges[kepu.TrainsTeachers]
	if len(trains) < 31 {
		t.Errorf("%d TRAINS_TEACHERS edges", len(trains))
	}
	for _, e := range trains {
		if ix.location(e.From).Province != ix.location(e.To).Province || intProp(e.Props, "since") != 2024 {
			t.Errorf("%s %v", e.Key(), e.Props)
		}
	}
	schools := len(ix.byLabel[kepu.School])
	if schools < 2000 || schools > 8000 {
		t.Errorf("%d schools", schools)
	}
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		if _, err := dataset.Generate(dataset.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
