package dataset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/kepugraph/kepugraph/kepu"
)

// The published figures (article 000, DOMAIN.md) that the generated records
// reproduce. Tests recompute every one of them from the graph.
const (
	FigStandard            = 446        // standards-compliant museums
	FigMobile              = 657        // mobile museums
	FigCaravan             = 1764       // popular-science caravans
	FigRuralSchool         = 1124       // rural middle-school museums
	FigCoveredPrefectures  = 219        // of 333: 65.8 %, the nearest whole number below the published 65.9 %
	FigCountyMuseums       = 228        // "more than 220" county-level museums
	FigFreeEntry           = 377        // free-entry museums
	FigMobileTours         = 5909       // mobile-museum tours
	FigMobileCounties      = 1888       // counties visited by mobile museums
	FigMobileProvinces     = 29         // provinces those counties lie in
	FigHelpedEstablish     = 23         // "more than 20" counties helped to set up a museum
	FigCaravanKm           = 54_653_000 // caravan distance
	FigRuralProvinces      = 29         // mainland provinces with rural museums (plus the XPCC)
	FigRuralTeachers       = 7384       // teachers trained by rural museums
	FigRuralPersonTime     = 13_440_000 // person-time served by rural museums
	FigOfflineVisits       = 1_036_000_000
	FigForumSessions       = 14
	EarthCircumferenceKm   = 40_000
	generatedSchools       = 1500 // schools spread over the mainland besides the hosts of rural museums and those that partnerships add
	xpccRuralMuseums       = 16   // rural museums in the XPCC
	mobileSplitProbability = 0.35 // share of toured counties visited by two mobile museums
)

// Sources of generated records: the figure each helps reproduce.
const (
	srcStandard     = "generated: 446 standards-compliant museums, 65.9 % prefecture-level coverage, 377 free-entry (seed:000)"
	srcCountyMuseum = "generated: more than 220 county-level sci-tech museums (seed:000)"
	srcMobile       = "generated: 657 mobile museums (seed:000)"
	srcMobileTours  = "generated: 5,909 mobile-museum tours over 1,888 counties in 29 provinces (seed:000)"
	srcHelped       = "generated: mobile museums helped more than 20 counties set up museums (seed:000)"
	srcCaravan      = "generated: 1,764 popular-science caravans, 54.653 million km (seed:000)"
	srcRural        = "generated: 1,124 rural middle-school museums, 7,384 teachers trained, 13.44 million person-time (seed:000)"
	srcRuralHost    = "generated: host schools of the 1,124 rural middle-school museums (seed:000)"
	srcSchool       = "generated: museum-school cooperation (seed:003)"
	srcTraining     = "generated: 'Science and Technology Museum + Local Normal University' teacher training (seed:001)"
	srcVisits       = "generated: over 1 billion offline visits since 2012 (seed:000)"
)

// Museum names carry the position of the museum ("Anhui", "Feixi County,
// Anhui") so that the generated records read plausibly; "Generated" (zh
// "生成的") marks them.

type genMuseum struct {
	id    string
	kind  string
	prov  *province
	place string
}

type generator struct {
	b *builder
	g *geo
	r *rand.Rand

	standard      []*genMuseum // every STANDARD museum, reference ones first
	countyLevel   []*genMuseum
	mobiles       []*genMuseum
	mobilesByProv map[*province][]*genMuseum
	caravans      []*genMuseum
	rural         []*genMuseum
	schoolsByProv map[*province][]string
	schoolsByUnit map[string][]string // by prefecture-level unit (unitOf), and by county
	schoolUnit    map[string]string   // school → its prefecture-level unit
	schoolSeq     int
}

// buildGenerated adds the generated museums, schools and edges.
func buildGenerated(b *builder, g *geo, ms []*refMuseum, us []*refUniversity, r *rand.Rand) error {
	gen := &generator{b: b, g: g, r: r, mobilesByProv: map[*province][]*genMuseum{}, schoolsByProv: map[*province][]string{},
		schoolsByUnit: map[string][]string{}, schoolUnit: map[string]string{}}
	for _, m := range ms {
		if m.Kind == "STANDARD" {
			gen.standard = append(gen.standard, &genMuseum{id: m.ID, kind: m.Kind, prov: m.Province, place: m.Place})
		}
	}
	steps := []func() error{
		gen.standardMuseums,
		gen.mobileMuseums,
		gen.mobileTours,
		gen.helpedEstablish,
		gen.caravanMuseums,
		gen.ruralMuseums,
		gen.schools,
		gen.partnerships,
		func() error { return gen.training(ms, us) },
		gen.offlineVisits,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
		if b.err != nil {
			return b.err
		}
	}
	return nil
}

func (gen *generator) pick(ds []*division) *division { return ds[gen.r.IntN(len(ds))] }

// weightedProvince picks a province with probability proportional to w.
func (gen *generator) weightedProvince(ps []*province, w func(*province) int) *province {
	total := 0
	for _, p := range ps {
		total += w(p)
	}
	n := gen.r.IntN(total)
	for _, p := range ps {
		if n -= w(p); n < 0 {
			return p
		}
	}
	return ps[len(ps)-1]
}

func countyWeight(p *province) int { return len(p.Counties) }

func ruralWeight(p *province) int { return len(nonDistrict(p.Counties)) }

// placeLabel is the text naming a place in a generated name, in English
// ("Hefei City, Anhui") and in Chinese as an address is written, the
// province first ("安徽省合肥市"), so that a search for the province finds
// the record in either language.
func (gen *generator) placeLabel(placeID string, p *province) (en, zh string) {
	if d := gen.divisionOf(placeID); d != nil {
		if strings.HasPrefix(d.NameZh, p.NameZh) {
			return d.NameEn + ", " + p.NameEn, d.NameZh
		}
		return d.NameEn + ", " + p.NameEn, p.NameZh + d.NameZh
	}
	return p.NameEn, p.NameZh
}

// prefectureOf returns the prefecture a place is or lies in, or nil.
func (gen *generator) prefectureOf(id string) *division {
	d := gen.divisionOf(id)
	if d != nil && kepu.LabelOf(id) == kepu.County {
		return d.Prefecture
	}
	return d
}

func (gen *generator) divisionOf(id string) *division {
	if l := kepu.LabelOf(id); l == kepu.Prefecture || l == kepu.County {
		return gen.g.divisions[kepu.KeyOf(id)]
	}
	return nil
}

func (gen *generator) museum(kind, key, nameEn, nameZh, src string, p *province, place string, props kepu.Props) *genMuseum {
	en, zh := gen.placeLabel(place, p)
	props["name"] = fmt.Sprintf("%s (%s)", nameEn, en)
	props["nameZh"] = fmt.Sprintf("%s（%s）", nameZh, zh)
	props["kind"] = kind
	m := &genMuseum{kind: kind, prov: p, place: place}
	m.id = gen.b.node(kepu.Museum, key, kepu.Generated, src, props)
	gen.b.edge(kepu.LocatedIn, m.id, place, kepu.Generated, src, nil)
	return m
}

// standardMuseums adds the generated STANDARD museums so that, with the
// reference ones, there are FigStandard of them in exactly
// FigCoveredPrefectures prefectures, FigCountyMuseums of them county-level.
func (gen *generator) standardMuseums() error {
	g, r := gen.g, gen.r
	covered := map[string]bool{}
	for _, m := range gen.standard {
		if pre := gen.prefectureOf(m.place); pre != nil {
			covered[pre.ID] = true
		}
	}
	needNew := FigCoveredPrefectures - len(covered)
	nGen := FigStandard - len(gen.standard)
	nPref := nGen - FigCountyMuseums
	var cands []*division
	for _, d := range g.prefs {
		if !covered[d.ID] {
			cands = append(cands, d)
		}
	}
	r.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	if needNew < 0 || nPref < 0 || needNew > len(cands) {
		return fmt.Errorf("dataset: cannot place %d standard museums in %d prefectures", nGen, FigCoveredPrefectures)
	}
	newPrefs := cands[:needNew]
	// Prefectures without counties can only be covered by a prefecture-level museum.
	slices.SortStableFunc(newPrefs, func(a, b *division) int { return min(len(a.Counties), 1) - min(len(b.Counties), 1) })
	for _, d := range newPrefs {
		covered[d.ID] = true
	}
	var coveredList []*division
	for _, d := range g.prefs {
		if covered[d.ID] {
			coveredList = append(coveredList, d)
		}
	}
	seq := 0
	next := func() string { seq++; return fmt.Sprintf("gen-standard-%04d", seq) }
	opened := func() int64 { return int64(2012 + r.IntN(13)) }
	for i := 0; i < nPref; i++ {
		pre := (*division)(nil)
		if i < len(newPrefs) {
			pre = newPrefs[i]
		} else {
			pre = coveredList[r.IntN(len(coveredList))]
		}
		place := pre.ID
		var districts []*division
		for _, c := range pre.Counties {
			if c.Type == "district" {
				districts = append(districts, c)
			}
		}
		if len(districts) > 0 && r.IntN(2) == 0 {
			place = gen.pick(districts).ID
		}
		m := gen.museum("STANDARD", next(), fmt.Sprintf("Generated S&T Museum %04d", seq), fmt.Sprintf("生成的科技馆 %04d", seq),
			srcStandard, pre.Province, place, kepu.Props{"level": "PREFECTURE", "city": pre.NameEn, "openedYear": opened()})
		gen.standard = append(gen.standard, m)
	}
	used := map[*division]bool{}
	var counties []*division
	for _, pre := range newPrefs[min(nPref, len(newPrefs)):] {
		if len(pre.Counties) == 0 {
			return fmt.Errorf("dataset: prefecture %s has no county for a museum", pre.ID)
		}
		c := gen.pick(nonDistrict(pre.Counties))
		used[c] = true
		counties = append(counties, c)
	}
	var pool []*division
	for _, c := range g.counties {
		if !used[c] && c.Type != "district" && c.Province.Mainland && (c.Prefecture == nil || covered[c.Prefecture.ID]) {
			pool = append(pool, c)
		}
	}
	r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	need := FigCountyMuseums - len(counties)
	if need < 0 || need > len(pool) {
		return fmt.Errorf("dataset: cannot place %d county-level museums", FigCountyMuseums)
	}
	counties = append(counties, pool[:need]...)
	for _, c := range counties {
		id := next()
		m := gen.museum("STANDARD", id, fmt.Sprintf("Generated County S&T Museum %04d", seq), fmt.Sprintf("生成的县级科技馆 %04d", seq),
			srcCountyMuseum, c.Province, c.ID, kepu.Props{"level": "COUNTY", "openedYear": opened()})
		gen.standard = append(gen.standard, m)
		gen.countyLevel = append(gen.countyLevel, m)
	}
	// Free entry: exactly FigFreeEntry of the generated ones. The reference
	// museums' status is not in the sources, so it stays absent there.
	genStd := gen.standard[len(gen.standard)-nGen:]
	order := r.Perm(len(genStd))
	if FigFreeEntry > len(genStd) {
		return fmt.Errorf("dataset: %d free-entry museums among %d generated", FigFreeEntry, len(genStd))
	}
	for rank, i := range order {
		gen.b.set(genStd[i].id, "freeEntry", rank < FigFreeEntry)
	}
	return nil
}

// tourProvinces are the mainland provinces that mobile museums visit and
// rural museums are in: all but Beijing and Shanghai.
func (gen *generator) tourProvinces() []*province {
	var out []*province
	for _, p := range gen.g.mainland {
		if p.Code != "CN-BJ" && p.Code != "CN-SH" {
			out = append(out, p)
		}
	}
	return out
}

func (gen *generator) mobileMuseums() error {
	provs := gen.tourProvinces()
	for i := 0; i < FigMobile; i++ {
		p := provs[i%len(provs)]
		if i >= len(provs) {
			p = gen.weightedProvince(provs, countyWeight)
		}
		place := p.ID
		if len(p.Prefectures) > 0 && gen.r.IntN(10) < 9 {
			place = p.Prefectures[gen.r.IntN(len(p.Prefectures))].ID
		}
		n := i + 1
		m := gen.museum("MOBILE", fmt.Sprintf("gen-mobile-%04d", n), fmt.Sprintf("Generated Mobile Museum %04d", n),
			fmt.Sprintf("生成的流动科技馆 %04d", n), srcMobile, p, place, kepu.Props{"openedYear": 2012 + gen.r.IntN(12)})
		gen.mobiles = append(gen.mobiles, m)
		gen.mobilesByProv[p] = append(gen.mobilesByProv[p], m)
	}
	return nil
}

// mobileTours adds COVERS edges from mobile museums to exactly
// FigMobileCounties counties in FigMobileProvinces provinces with
// FigMobileTours tours in all (3 or 4 a county).
func (gen *generator) mobileTours() error {
	r := gen.r
	provs := gen.tourProvinces()
	if len(provs) != FigMobileProvinces {
		return fmt.Errorf("dataset: %d tour provinces, want %d", len(provs), FigMobileProvinces)
	}
	chosen := map[*division]bool{}
	var counties, pool []*division
	for _, p := range provs {
		c := gen.pick(p.Counties)
		chosen[c] = true
		counties = append(counties, c)
	}
	for _, p := range provs {
		for _, c := range p.Counties {
			if !chosen[c] {
				pool = append(pool, c)
			}
		}
	}
	r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	counties = append(counties, pool[:FigMobileCounties-len(counties)]...)
	r.Shuffle(len(counties), func(i, j int) { counties[i], counties[j] = counties[j], counties[i] })
	extra := FigMobileTours - 3*FigMobileCounties
	if extra < 0 || extra > FigMobileCounties {
		return fmt.Errorf("dataset: cannot spread %d tours over %d counties", FigMobileTours, FigMobileCounties)
	}
	for i, c := range counties {
		tours := 3
		if i < extra {
			tours = 4
		}
		mobs := gen.mobilesByProv[c.Province]
		first := mobs[r.IntN(len(mobs))]
		parts := []int{tours}
		var second *genMuseum
		if len(mobs) >= 2 && r.Float64() < mobileSplitProbability {
			for second == nil || second == first {
				second = mobs[r.IntN(len(mobs))]
			}
			a := 1 + r.IntN(tours-1)
			parts = []int{a, tours - a}
		}
		for j, m := range []*genMuseum{first, second}[:len(parts)] {
			since := 2012 + r.IntN(12)
			gen.b.edge(kepu.Covers, m.id, c.ID, kepu.Generated, srcMobileTours, kepu.Props{
				"tours": parts[j], "visits": parts[j] * (600 + r.IntN(4400)), "since": since, "until": since + r.IntN(2025-since)})
		}
	}
	return nil
}

// helpedEstablish adds HELPED_ESTABLISH edges from mobile museums to
// FigHelpedEstablish distinct county-level museums, each from a mobile
// museum of the same province.
func (gen *generator) helpedEstablish() error {
	n := 0
	for _, i := range gen.r.Perm(len(gen.countyLevel)) {
		if n == FigHelpedEstablish {
			break
		}
		target := gen.countyLevel[i]
		mobs := gen.mobilesByProv[target.prov]
		if len(mobs) == 0 {
			continue
		}
		n++
		m := mobs[gen.r.IntN(len(mobs))]
		opened, _ := gen.b.get(target.id).Int("openedYear")
		gen.b.edge(kepu.HelpedEstablish, m.id, target.id, kepu.Generated, srcHelped, kepu.Props{"since": opened})
	}
	if n < FigHelpedEstablish {
		return fmt.Errorf("dataset: %d county museums in provinces with mobile museums, want %d", n, FigHelpedEstablish)
	}
	return nil
}

func (gen *generator) caravanMuseums() error {
	r := gen.r
	km := spread(FigCaravan, FigCaravanKm, func(int) float64 { return 0.5 + r.Float64() })
	for i := 0; i < FigCaravan; i++ {
		p := gen.weightedProvince(gen.g.mainland, countyWeight)
		local := nonDistrict(p.Counties)
		c := gen.pick(local)
		n := i + 1
		m := gen.museum("CARAVAN", fmt.Sprintf("gen-caravan-%04d", n), fmt.Sprintf("Generated Popular Science Caravan %04d", n),
			fmt.Sprintf("生成的科普大篷车 %04d", n), srcCaravan, p, c.ID,
			kepu.Props{"distanceKm": float64(km[i]), "openedYear": 2012 + r.IntN(12)})
		gen.caravans = append(gen.caravans, m)
		targets := []*division{c}
		for range r.IntN(3) {
			targets = append(targets, gen.pick(local))
		}
		for _, t := range targets {
			tours := 1 + r.IntN(10)
			gen.b.edge(kepu.Covers, m.id, t.ID, kepu.Generated, srcCaravan, kepu.Props{
				"tours": tours, "visits": tours * (200 + r.IntN(1300))})
		}
	}
	return nil
}

// ruralMuseums adds the rural middle-school museums and their host schools:
// FigRuralProvinces mainland provinces plus the XPCC.
func (gen *generator) ruralMuseums() error {
	r := gen.r
	provs := gen.tourProvinces()
	if len(provs) != FigRuralProvinces {
		return fmt.Errorf("dataset: %d rural provinces, want %d", len(provs), FigRuralProvinces)
	}
	teachers := spread(FigRuralSchool, FigRuralTeachers, func(int) float64 { return 0.3 + r.Float64() })
	served := spread(FigRuralSchool, FigRuralPersonTime, func(int) float64 { return 0.3 + r.Float64() })
	for i := 0; i < FigRuralSchool; i++ {
		var p *province
		var place string
		switch {
		case i < xpccRuralMuseums:
			p = gen.g.xpcc
			place = p.ID // the Corps has no county of its own in the lists
		case i < xpccRuralMuseums+len(provs):
			p = provs[i-xpccRuralMuseums]
		default:
			p = gen.weightedProvince(provs, ruralWeight)
		}
		if place == "" {
			place = gen.pick(nonDistrict(p.Counties)).ID
		}
		n := i + 1
		since := 2013 + r.IntN(11)
		m := gen.museum("RURAL_SCHOOL", fmt.Sprintf("gen-rural-%04d", n), fmt.Sprintf("Generated Rural Middle-School S&T Museum %04d", n),
			fmt.Sprintf("生成的农村中学科技馆 %04d", n), srcRural, p, place, kepu.Props{
				"teachersTrained": teachers[i], "personTimeServed": served[i], "openedYear": since})
		gen.rural = append(gen.rural, m)
		school := gen.school("JUNIOR_SECONDARY", true, p, place, srcRuralHost)
		gen.b.edge(kepu.PartnersWith, m.id, school, kepu.Generated, srcRuralHost, kepu.Props{"since": since, "activities": 4 + r.IntN(20)})
	}
	return nil
}

var stageNames = map[string][2]string{
	"PRIMARY":          {"Primary School", "小学"},
	"JUNIOR_SECONDARY": {"Junior Secondary School", "初级中学"},
	"SENIOR_SECONDARY": {"Senior Secondary School", "高级中学"},
}

func (gen *generator) school(stage string, rural bool, p *province, place, src string) string {
	gen.schoolSeq++
	n := gen.schoolSeq
	en, zh := gen.placeLabel(place, p)
	kind := "Urban"
	kindZh := "城市"
	if rural {
		kind, kindZh = "Rural", "农村"
	}
	id := gen.b.node(kepu.School, fmt.Sprintf("gen-%06d", n), kepu.Generated, src, kepu.Props{
		"name":   fmt.Sprintf("Generated %s %s %06d (%s)", kind, stageNames[stage][0], n, en),
		"nameZh": fmt.Sprintf("生成的%s%s %06d（%s）", kindZh, stageNames[stage][1], n, zh),
		"stage":  stage, "rural": rural})
	gen.b.edge(kepu.LocatedIn, id, place, kepu.Generated, src, nil)
	gen.schoolsByProv[p] = append(gen.schoolsByProv[p], id)
	unit := gen.unitOf(place)
	gen.schoolUnit[id] = unit
	gen.schoolsByUnit[unit] = append(gen.schoolsByUnit[unit], id)
	if kepu.LabelOf(place) == kepu.County && unit != place {
		gen.schoolsByUnit[place] = append(gen.schoolsByUnit[place], id) // a county's own pool, for county-level museums
	}
	return id
}

// schools adds urban and rural schools across the mainland counties.
func (gen *generator) schools() error {
	for range generatedSchools {
		stage, rural := gen.schoolKind()
		p := gen.weightedProvince(gen.g.mainland, countyWeight)
		cs := nonDistrict(p.Counties)
		if !rural {
			var districts []*division
			for _, c := range p.Counties {
				if c.Type == "district" {
					districts = append(districts, c)
				}
			}
			if len(districts) > 0 {
				cs = districts
			}
		}
		gen.school(stage, rural, p, gen.pick(cs).ID, srcSchool)
	}
	return nil
}

// Museum-school partnerships are local and their number per museum is
// heavy-tailed: national and provincial museums are hubs, prefecture-level
// museums have tens of partners, county-level museums a few, rural
// middle-school museums only their host school.
const (
	// localPartnerShare is the probability that a partner school of a
	// national, provincial or prefecture-level museum lies in the museum's
	// own prefecture-level unit (see unitOf); the others lie elsewhere in its
	// province. No partnership crosses a province: no source reports one.
	localPartnerShare = 0.9
	// poolSlack: a unit holds at least this many times the schools that one
	// museum there partners with, so that museums of a unit share schools
	// without every school partnering with every museum.
	poolSlack = 1.15
)

// partnerDegree is the Pareto law of the number of school partners of a
// STANDARD museum by level: xmin·u^(−1/alpha) for u uniform in (0, 1],
// rounded down and capped.
var partnerDegree = map[string]struct {
	xmin, alpha float64
	cap         int
}{
	"NATIONAL":   {xmin: 120, alpha: 2, cap: 200},
	"PROVINCIAL": {xmin: 30, alpha: 1.8, cap: 240},
	"PREFECTURE": {xmin: 6, alpha: 1.6, cap: 80},
	"COUNTY":     {xmin: 2, alpha: 2.5, cap: 6},
}

// unitOf returns the prefecture-level unit of a place: the prefecture it is
// or lies in; for the counties of a municipality (and a municipality or the
// XPCC itself) the province; for a county-level division directly under a
// province (such as Xiantao, Hubei) the county.
func (gen *generator) unitOf(place string) string {
	if pre := gen.prefectureOf(place); pre != nil {
		return pre.ID
	}
	if d := gen.divisionOf(place); d != nil && d.Province.Kind != "MUNICIPALITY" {
		return d.ID
	}
	return gen.g.provinceOf[place].ID
}

// unitPlaces returns where a new school of a unit can be: its urban
// districts (urban schools) or its other counties (rural schools), or the
// unit itself when it has no county-level divisions.
func (gen *generator) unitPlaces(unit string, rural bool) []string {
	var cs []*division
	switch kepu.LabelOf(unit) {
	case kepu.Prefecture:
		cs = gen.divisionOf(unit).Counties
	case kepu.Province:
		cs = gen.g.provinceOf[unit].Counties
	}
	if len(cs) == 0 {
		return []string{unit}
	}
	var out []string
	for _, c := range cs {
		if (c.Type == "district") != rural {
			out = append(out, c.ID)
		}
	}
	if len(out) == 0 {
		for _, c := range cs {
			out = append(out, c.ID)
		}
	}
	return out
}

// newSchool adds an urban or rural school of a random stage in the unit.
func (gen *generator) newSchool(unit string) string {
	stage, rural := gen.schoolKind()
	places := gen.unitPlaces(unit, rural)
	return gen.school(stage, rural, gen.g.provinceOf[unit], places[gen.r.IntN(len(places))], srcSchool)
}

// schoolKind draws the stage of a generated school (45 % primary, 30 %
// junior and 25 % senior secondary) and whether it is rural (40 %).
func (gen *generator) schoolKind() (stage string, rural bool) {
	stage = "PRIMARY"
	switch x := gen.r.IntN(100); {
	case x >= 75:
		stage = "SENIOR_SECONDARY"
	case x >= 45:
		stage = "JUNIOR_SECONDARY"
	}
	return stage, gen.r.IntN(10) < 4
}

// partnerCount draws the number of school partners of a museum of a level.
func (gen *generator) partnerCount(level string) int {
	d, ok := partnerDegree[level]
	if !ok {
		d = partnerDegree["PREFECTURE"]
	}
	u := 1 - gen.r.Float64() // (0, 1]
	return min(d.cap, int(d.xmin*math.Pow(u, -1/d.alpha)))
}

// partnerships adds museum-school PARTNERS_WITH edges for every STANDARD
// museum. A county-level museum partners with schools of its own county;
// the others with schools of their prefecture-level unit (each partner with
// probability localPartnerShare) and otherwise of another unit of their
// province. Units get new schools when they hold too few for a museum.
func (gen *generator) partnerships() error {
	r := gen.r
	for _, m := range gen.standard {
		level, _ := gen.b.get(m.id)["level"].(string)
		k := gen.partnerCount(level)
		unit := gen.unitOf(m.place)
		if level == "COUNTY" {
			unit = m.place
		}
		nLocal := k
		var others []string // schools of the province outside the unit
		if level != "COUNTY" {
			for _, s := range gen.schoolsByProv[m.prov] {
				if gen.schoolUnit[s] != unit {
					others = append(others, s)
				}
			}
			if len(others) > 0 {
				nLocal = 0
				for range k {
					if r.Float64() < localPartnerShare {
						nLocal++
					}
				}
			}
		}
		for float64(len(gen.schoolsByUnit[unit])) < poolSlack*float64(nLocal) {
			gen.newSchool(unit)
		}
		pool := gen.schoolsByUnit[unit]
		picked := make([]string, 0, k)
		for _, i := range r.Perm(len(pool))[:nLocal] {
			picked = append(picked, pool[i])
		}
		if n := k - nLocal; n > 0 {
			for _, i := range r.Perm(len(others))[:min(n, len(others))] {
				picked = append(picked, others[i])
			}
		}
		for _, s := range picked {
			since := 2012 + r.IntN(13)
			props := kepu.Props{"since": since, "activities": 1 + r.IntN(24)}
			if since < 2024 && r.IntN(5) == 0 {
				props["until"] = since + 1 + r.IntN(2024-since)
			}
			gen.b.edge(kepu.PartnersWith, m.id, s, kepu.Generated, srcSchool, props)
		}
	}
	return nil
}

// training adds the 2024 "museum + local normal university" cooperation:
// every national or provincial museum of the lists trains teachers with the
// normal universities of its province.
func (gen *generator) training(ms []*refMuseum, us []*refUniversity) error {
	r := gen.r
	joined := map[string]bool{}
	for _, m := range ms {
		if m.Level != "NATIONAL" && m.Level != "PROVINCIAL" {
			continue
		}
		for _, u := range us {
			if u.Province != m.Province {
				continue
			}
			gen.b.edge(kepu.TrainsTeachers, m.ID, u.ID, kepu.Generated, srcTraining, kepu.Props{
				"since": 2024, "until": 2024, "teachersTrained": 20 + r.IntN(131)})
			for _, id := range []string{m.ID, u.ID} {
				if !joined[id] {
					joined[id] = true
					gen.b.edge(kepu.ParticipatesIn, id, idTraining, kepu.Generated, srcTraining, kepu.Props{"role": "training partner", "since": 2024})
				}
			}
		}
	}
	return nil
}

// offlineVisits spreads FigOfflineVisits over the generated museums:
// STANDARD museums most (prefecture-level more than county-level), rural
// museums their person-time served.
func (gen *generator) offlineVisits() error {
	r := gen.r
	var rural int64
	for _, m := range gen.rural {
		v, _ := gen.b.get(m.id).Int("personTimeServed")
		gen.b.set(m.id, "offlineVisits", v)
		rural += v
	}
	mobile, caravan := int64(98_000_000), int64(84_560_000)
	standard := int64(FigOfflineVisits) - rural - mobile - caravan
	var genStd []*genMuseum
	for _, m := range gen.standard {
		if gen.b.get(m.id)[kepu.PropProvenance] == kepu.Generated {
			genStd = append(genStd, m)
		}
	}
	for _, part := range []struct {
		ms    []*genMuseum
		total int64
	}{{genStd, standard}, {gen.mobiles, mobile}, {gen.caravans, caravan}} {
		vs := spread(len(part.ms), part.total, func(i int) float64 {
			w := 0.2 + r.Float64()
			if lv, _ := gen.b.get(part.ms[i].id)["level"].(string); lv == "PREFECTURE" {
				w *= 3
			}
			return w
		})
		for i, m := range part.ms {
			gen.b.set(m.id, "offlineVisits", vs[i])
		}
	}
	return nil
}

// spread returns n positive integers that sum to total, each about
// proportional to its weight. It needs total >= n.
func spread(n int, total int64, weight func(i int) float64) []int64 {
	w := make([]float64, n)
	var sumW float64
	for i := range w {
		w[i] = weight(i)
		sumW += w[i]
	}
	out := make([]int64, n)
	var sum int64
	for i := range w {
		out[i] = max(1, int64(float64(total)*w[i]/sumW))
		sum += out[i]
	}
	for i := 0; sum != total; i = (i + 1) % n {
		if sum < total {
			out[i]++
			sum++
		} else if out[i] > 1 {
			out[i]--
			sum--
		}
	}
	return out
}
