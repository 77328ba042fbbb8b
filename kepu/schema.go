// Package kepu is the domain of kepugraph. 科普 (kepu) means science popularization.
//
// It holds the graph of China's
// science-popularization network, its node and edge types, the store contract
// that every backend implements, and the errors they return.
//
// The graph is property-typed but generic: a Node has a Label and properties, an
// Edge has a relationship type, two endpoints and properties. The registry in
// this file is the one fixed set of labels, relationship types and property
// keys. Backends and the GraphQL layer take names only from it, never from
// client text (the Neo4j backend relies on that for Cypher safety).
package kepu

import (
	"slices"
	"sort"
)

// Label is a node type.
type Label string

// The node labels.
const (
	Province         Label = "Province"
	Prefecture       Label = "Prefecture"
	County           Label = "County"
	Museum           Label = "Museum"
	School           Label = "School"
	NormalUniversity Label = "NormalUniversity"
	Organization     Label = "Organization"
	Forum            Label = "Forum"
	Program          Label = "Program"
	Person           Label = "Person"
	// NationalStatistics is one year of a ministry's national statistics of
	// science popularization, as reported (MOST's 2022 figures, article 002).
	NationalStatistics Label = "NationalStatistics"
)

// Labels lists every label in a fixed order.
var Labels = []Label{Province, Prefecture, County, Museum, School, NormalUniversity, Organization, Forum, Program, Person, NationalStatistics}

// PlaceLabels are the labels of the administrative hierarchy, top down.
var PlaceLabels = []Label{Province, Prefecture, County}

// IsPlace reports whether l is a level of the administrative hierarchy.
func (l Label) IsPlace() bool { return l == Province || l == Prefecture || l == County }

// RelType is a relationship (edge) type.
type RelType string

// The relationship types. Cooperation edges first, then coverage edges.
const (
	PartnersWith    RelType = "PARTNERS_WITH"    // Museum → School: museum–school partnership
	TrainsTeachers  RelType = "TRAINS_TEACHERS"  // Museum → NormalUniversity: teacher-training cooperation
	Organizes       RelType = "ORGANIZES"        // Organization|Museum → Forum|Program: organizes, hosts, co-launches (role)
	ParticipatesIn  RelType = "PARTICIPATES_IN"  // Organization|Museum|School|NormalUniversity|Person → Forum|Program (role)
	HeldAt          RelType = "HELD_AT"          // Forum|Program → Museum|Province|Prefecture|County: venue
	SpokeAt         RelType = "SPOKE_AT"         // Person → Forum
	AffiliatedWith  RelType = "AFFILIATED_WITH"  // Person → Organization|Museum (title)
	HelpedEstablish RelType = "HELPED_ESTABLISH" // Museum → Museum: a mobile museum helped set up a county museum
	LocatedIn       RelType = "LOCATED_IN"       // Museum|School|NormalUniversity|Organization → County|Prefecture|Province; at most one per node
	PartOf          RelType = "PART_OF"          // County → Prefecture|Province; Prefecture → Province (strictly upward); at most one per place
	Covers          RelType = "COVERS"           // Museum|Program → Province|Prefecture|County: reach (tours, visits)
)

// Family groups relationship types.
type Family string

// The two edge families.
const (
	Cooperation Family = "COOPERATION"
	Coverage    Family = "COVERAGE"
)

// PropType is the type of a property value. Values in a Node or Edge are
// always of the Go type named here (see Normalize).
type PropType int

// Property types.
const (
	String     PropType = iota + 1 // string
	Int                            // int64
	Float                          // float64
	Bool                           // bool
	Enum                           // string, one of PropDef.Values
	Date                           // string, YYYY-MM-DD
	StringList                     // []string
)

func (t PropType) String() string {
	switch t {
	case String:
		return "String"
	case Int:
		return "Int"
	case Float:
		return "Float"
	case Bool:
		return "Boolean"
	case Enum:
		return "Enum"
	case Date:
		return "Date"
	case StringList:
		return "[String]"
	}
	return "unknown"
}

// Ordered reports whether values of the type can be compared with gt/gte/lt/lte
// and used as sort keys.
func (t PropType) Ordered() bool { return t != StringList }

// PropDef describes one property.
type PropDef struct {
	Name     string
	Type     PropType
	Values   []string // allowed values of an Enum
	Required bool     // must be present on create
	// Wide marks an Int property whose values may exceed 2^31 − 1 (a
	// count of visits or person-time): the GraphQL API gives it the
	// WholeNumber scalar instead of the 32-bit Int. Stores keep every Int
	// as int64 either way.
	Wide bool
	// Year marks an Int property that is a calendar year, MinYear to
	// MaxYear. Every Int and Float property of the registry is a count, an
	// amount or a year: none can be negative (ValidateNode, ValidateEdge).
	Year bool
	Doc  string
}

// The years a Year property can hold.
const (
	MinYear = 1800
	MaxYear = 2100
)

// MaxAmount is the largest count or amount a record can hold (10^15: a
// thousand times any published national figure, and below 2^53, so that
// every stored count is exact in a JSON number). It keeps a sum over
// records finite; a sum beyond its field's type is VALUE_OUT_OF_RANGE.
const MaxAmount = 1e15

// MaxTextBytes is the longest text a record's String property (or one
// item of a StringList) can hold, in bytes of UTF-8: 4,096. Neo4j keeps
// every String property of a node in a range index (property, id) whose
// keys hold at most 8,167 bytes (Neo4j's native index key size limit,
// neo4j.com/developer/kb/index-limitations-and-workaround), and refuses a
// longer value with a database error; this bound leaves room for the
// longest ID and holds on both stores alike, so a write answers the same
// BAD_USER_INPUT on each (a 10 KB name was stored by the embedded store
// and an INTERNAL_SERVER_ERROR on Neo4j).
const MaxTextBytes = 4096

// YearSpans are the pairs of Year properties that bound a span (first year,
// last year): in a record that gives both, the first cannot come after the
// last; an update is checked on the record it leaves (CheckSpans).
var YearSpans = [][2]string{{"since", "until"}, {"startYear", "endYear"}}

// Provenance kinds, the values of the provenance property that every node and
// every edge carries.
const (
	Reported  = "REPORTED"  // stated in a source article; source names it (e.g. "seed:000")
	Reference = "REFERENCE" // taken from a public reference list; source names it (e.g. "data/divisions.csv")
	Generated = "GENERATED" // generated to match a published total; source names the figure
)

// Property keys present on every node and every edge.
const (
	PropProvenance = "provenance"
	PropSource     = "source"
	PropName       = "name"
	PropNameZh     = "nameZh"
	// PropNameRomanized marks a place whose English name the loader made
	// from its Chinese one (Prefecture and County).
	PropNameRomanized = "nameRomanized"
)

// Common properties of every node.
var nodeCommon = []PropDef{
	{Name: PropName, Type: String, Required: true, Doc: "name in English"},
	{Name: PropNameZh, Type: String, Doc: "name in Chinese"},
	{Name: PropProvenance, Type: Enum, Values: []string{Reported, Reference, Generated}, Required: true, Doc: "where the record comes from"},
	{Name: PropSource, Type: String, Required: true, Doc: "the source article, reference list or published figure behind the record"},
}

// Common properties of every edge.
var edgeCommon = []PropDef{
	{Name: PropProvenance, Type: Enum, Values: []string{Reported, Reference, Generated}, Required: true, Doc: "where the record comes from"},
	{Name: PropSource, Type: String, Required: true, Doc: "the source article, reference list or published figure behind the record"},
}

// Enum values.
var (
	ProvinceKinds   = []string{"PROVINCE", "MUNICIPALITY", "AUTONOMOUS_REGION", "SAR", "SPECIAL"}
	MuseumKinds     = []string{"STANDARD", "MOBILE", "CARAVAN", "RURAL_SCHOOL", "DIGITAL", "OTHER"} // OTHER: outside the modern museum system (Hong Kong, Macau)
	AdminLevels     = []string{"NATIONAL", "PROVINCIAL", "PREFECTURE", "COUNTY"}
	SchoolStages    = []string{"PRIMARY", "JUNIOR_SECONDARY", "SENIOR_SECONDARY", "COMPLETE_SECONDARY"}
	OrgKinds        = []string{"GOVERNMENT", "ASSOCIATION", "MUSEUM", "RESEARCH_INSTITUTE", "COMMITTEE", "OTHER"}
	ForumModes      = []string{"ONLINE", "ONSITE", "HYBRID"}
	ProgramKinds    = []string{"SYSTEM", "CAMPAIGN", "EVENT", "TRAINING", "COMPETITION", "BASE_NETWORK"}
	UniversityTypes = []string{"MINISTRY", "PROVINCIAL"}
)

// LabelDef describes a node label.
type LabelDef struct {
	Label Label
	Props []PropDef // including the common ones
	Doc   string
}

// RelDef describes a relationship type: which labels it joins, its properties,
// and the GraphQL field names on each side.
type RelDef struct {
	Type   RelType
	Family Family
	From   []Label
	To     []Label
	Props  []PropDef // including the common ones
	// Pairs lists the (from label, to label) pairs the relationship
	// joins; nil means every pair of From × To. Joins and ValidateEdge
	// refuse any other pair.
	Pairs [][2]Label
	// One marks a relationship of which a From node has at most one: a
	// place's parent (PART_OF), an institution's place (LOCATED_IN). A
	// second one, to another node, is a Conflict (OneConflict); moving a
	// node is an unlink then a link (hierarchy.go).
	One bool
	// OutField is the field on a From node listing its To nodes; InField the
	// field on a To node listing its From nodes.
	OutField, InField string
	Doc               string
}

func withCommon(common []PropDef, own ...PropDef) []PropDef {
	return append(slices.Clone(common), own...)
}

var yearProps = []PropDef{
	{Name: "since", Type: Int, Year: true, Doc: "first year"},
	{Name: "until", Type: Int, Year: true, Doc: "last year"},
}

var labelDefs = []LabelDef{
	{Label: Province, Doc: "a provincial-level division, or the Xinjiang Production and Construction Corps", Props: withCommon(nodeCommon,
		PropDef{Name: "code", Type: String, Required: true, Doc: "ISO 3166-2:CN code (XPCC for the Corps)"},
		PropDef{Name: "gbCode", Type: String, Doc: "GB/T 2260 code"},
		PropDef{Name: "kind", Type: Enum, Values: ProvinceKinds},
		PropDef{Name: "region", Type: String, Doc: "NBS region: East, Central, West, Northeast, SAR, Taiwan"},
		PropDef{Name: "capital", Type: String},
		PropDef{Name: "mainland", Type: Bool, Doc: "one of the 31 mainland provincial-level divisions"},
	)},
	{Label: Prefecture, Doc: "a prefecture-level division", Props: withCommon(nodeCommon,
		PropDef{Name: "gbCode", Type: String, Required: true},
		PropDef{Name: "divisionType", Type: String, Doc: "prefecture_city, autonomous_prefecture, prefecture, league"},
		PropDef{Name: PropNameRomanized, Type: Bool, Doc: "true when name is a machine romanization of nameZh (the Hanyu Pinyin of the name without its administrative suffix, then the English word for the suffix), made by the loader and not taken from a reference list: the reference list of divisions gives Chinese names only"},
	)},
	{Label: County, Doc: "a county-level division", Props: withCommon(nodeCommon,
		PropDef{Name: "gbCode", Type: String, Required: true},
		PropDef{Name: "divisionType", Type: String, Doc: "district, county_city, county, autonomous_county, banner, ..."},
		PropDef{Name: PropNameRomanized, Type: Bool, Doc: "true when name is a machine romanization of nameZh (the Hanyu Pinyin of the name without its administrative suffix, then the English word for the suffix), made by the loader and not taken from a reference list: the reference list of divisions gives Chinese names only"},
	)},
	{Label: Museum, Doc: "a science and technology museum of the modern museum system", Props: withCommon(nodeCommon,
		PropDef{Name: "kind", Type: Enum, Values: MuseumKinds, Required: true},
		PropDef{Name: "level", Type: Enum, Values: AdminLevels, Doc: "administrative level"},
		PropDef{Name: "freeEntry", Type: Bool, Doc: "free entry supported by central subsidies"},
		PropDef{Name: "openedYear", Type: Int, Year: true},
		PropDef{Name: "city", Type: String},
		PropDef{Name: "distanceKm", Type: Float, Doc: "distance travelled (caravans)"},
		PropDef{Name: "teachersTrained", Type: Int, Doc: "science teachers trained (rural middle-school museums)"},
		PropDef{Name: "personTimeServed", Type: Int, Wide: true, Doc: "person-time served (rural middle-school museums)"},
		PropDef{Name: "offlineVisits", Type: Int, Wide: true, Doc: "offline visits since 2012"},
		PropDef{Name: "resourcesTB", Type: Float, Doc: "online resources in terabytes (digital museum)"},
	)},
	{Label: School, Doc: "a primary or secondary school", Props: withCommon(nodeCommon,
		PropDef{Name: "stage", Type: Enum, Values: SchoolStages},
		PropDef{Name: "rural", Type: Bool},
	)},
	{Label: NormalUniversity, Doc: "a teacher-training university", Props: withCommon(nodeCommon,
		PropDef{Name: "ministryDirect", Type: Bool, Doc: "directly under the Ministry of Education"},
		PropDef{Name: "city", Type: String},
		PropDef{Name: "moeCode", Type: String},
	)},
	{Label: Organization, Doc: "an association, ministry, institute or committee", Props: withCommon(nodeCommon,
		PropDef{Name: "kind", Type: Enum, Values: OrgKinds},
		PropDef{Name: "abbreviation", Type: String},
	)},
	{Label: Forum, Doc: "one session of a forum series", Props: withCommon(nodeCommon,
		PropDef{Name: "series", Type: String, Required: true},
		PropDef{Name: "edition", Type: Int},
		PropDef{Name: "date", Type: Date},
		PropDef{Name: "venue", Type: String},
		PropDef{Name: "mode", Type: Enum, Values: ForumModes},
		PropDef{Name: "audience", Type: Int, Wide: true},
		PropDef{Name: "theme", Type: String},
	)},
	{Label: Program, Doc: "a program, campaign, recurring event or training scheme", Props: withCommon(nodeCommon,
		PropDef{Name: "kind", Type: Enum, Values: ProgramKinds},
		PropDef{Name: "startYear", Type: Int, Year: true},
		PropDef{Name: "endYear", Type: Int, Year: true},
		PropDef{Name: "monthlyThemes", Type: StringList, Doc: "themes by month, where the source gives them"},
		PropDef{Name: "organizations", Type: Int, Doc: "participating organizations, as reported"},
		PropDef{Name: "activities", Type: Int, Doc: "activities held, as reported"},
		PropDef{Name: "audience", Type: Int, Wide: true, Doc: "audience, as reported"},
		PropDef{Name: "representatives", Type: Int, Doc: "representatives attending, as reported"},
	)},
	{Label: Person, Doc: "a person named in a source", Props: withCommon(nodeCommon,
		PropDef{Name: "title", Type: String},
	)},
	// Whole numbers that exceed 2^31 − 1 (yuan, participants) are Wide
	// Ints: WholeNumber in the GraphQL API, int64 in the stores.
	{Label: NationalStatistics, Doc: "one year of the national statistics of science popularization, as a ministry reported them", Props: withCommon(nodeCommon,
		PropDef{Name: "year", Type: Int, Year: true, Required: true, Doc: "the year the figures describe"},
		PropDef{Name: "fundingYuan", Type: Int, Wide: true, Doc: "nationwide funding for science popularization in yuan"},
		PropDef{Name: "scienceCommunicators", Type: Int, Doc: "full- and part-time science communicators"},
		PropDef{Name: "scienceMuseums", Type: Int, Doc: "science museums and technology-related museums"},
		PropDef{Name: "websites", Type: Int, Doc: "science-popularization websites, as reported (article 002: nearly 2,000)"},
		PropDef{Name: "wechatAccounts", Type: Int, Doc: "science-related WeChat public accounts, as reported (article 002: over 8,000)"},
		PropDef{Name: "bookTitles", Type: Int, Doc: "kinds (titles) of science-popularization books published"},
		PropDef{Name: "bookCopies", Type: Int, Doc: "copies of those books printed"},
		PropDef{Name: "participants", Type: Int, Wide: true, Doc: "participants (person-time) in science-popularization activities, as reported (article 002: over 2.8 billion)"},
	)},
}

var relDefs = []RelDef{
	{Type: PartnersWith, Family: Cooperation, From: []Label{Museum}, To: []Label{School},
		OutField: "schoolPartners", InField: "museumPartners", Doc: "museum–school partnership",
		Props: withCommon(edgeCommon, append(slices.Clone(yearProps), PropDef{Name: "activities", Type: Int, Doc: "joint activities per year"})...)},
	{Type: TrainsTeachers, Family: Cooperation, From: []Label{Museum}, To: []Label{NormalUniversity},
		OutField: "universityPartners", InField: "museumPartners", Doc: "museum–normal-university teacher training",
		Props: withCommon(edgeCommon, append(slices.Clone(yearProps), PropDef{Name: "teachersTrained", Type: Int})...)},
	{Type: Organizes, Family: Cooperation, From: []Label{Organization, Museum}, To: []Label{Forum, Program},
		OutField: "organizes", InField: "organizers", Doc: "organizes, hosts or co-launches",
		Props: withCommon(edgeCommon, append(slices.Clone(yearProps), PropDef{Name: "role", Type: String})...)},
	{Type: ParticipatesIn, Family: Cooperation, From: []Label{Organization, Museum, School, NormalUniversity, Person}, To: []Label{Forum, Program},
		OutField: "participatesIn", InField: "participants", Doc: "takes part in, with a role",
		Props: withCommon(edgeCommon, append(slices.Clone(yearProps), PropDef{Name: "role", Type: String})...)},
	{Type: HeldAt, Family: Cooperation, From: []Label{Forum, Program}, To: []Label{Museum, Province, Prefecture, County},
		OutField: "heldAt", InField: "hosted", Doc: "venue of an event",
		Props: withCommon(edgeCommon, PropDef{Name: "date", Type: Date})},
	{Type: SpokeAt, Family: Cooperation, From: []Label{Person}, To: []Label{Forum},
		OutField: "spokeAt", InField: "speakers", Doc: "spoke at a forum",
		Props: withCommon(edgeCommon, PropDef{Name: "role", Type: String})},
	{Type: AffiliatedWith, Family: Cooperation, From: []Label{Person}, To: []Label{Organization, Museum},
		OutField: "affiliations", InField: "people", Doc: "works for",
		Props: withCommon(edgeCommon, append(slices.Clone(yearProps), PropDef{Name: "title", Type: String})...)},
	{Type: HelpedEstablish, Family: Cooperation, From: []Label{Museum}, To: []Label{Museum},
		OutField: "helpedEstablish", InField: "establishedWithHelpOf", Doc: "a mobile museum helped set up a museum",
		Props: withCommon(edgeCommon, yearProps...)},
	// Every institution at any level: the reference dataset locates
	// museums, schools and normal universities in counties, prefectures
	// (a city without county records) and provinces (a provincial-level
	// institution); organizations are not located there but may be
	// through the API. One place per institution (Location is one place).
	{Type: LocatedIn, Family: Coverage, From: []Label{Museum, School, NormalUniversity, Organization}, To: []Label{County, Prefecture, Province},
		One: true, OutField: "locatedIn", InField: "residents", Doc: "where an institution is",
		Props: withCommon(edgeCommon)},
	// Strictly upward (PlaceDepth decreases along every edge), so the
	// hierarchy cannot hold a cycle. County → Province is a county-level
	// division directly under a province: the districts and counties of
	// the municipalities (直辖市) and the province-administered county-level
	// divisions (省直辖县级行政单位), 118 in the reference dataset. One
	// parent per place.
	{Type: PartOf, Family: Coverage, From: []Label{County, Prefecture}, To: []Label{Prefecture, Province},
		Pairs: [][2]Label{{County, Prefecture}, {County, Province}, {Prefecture, Province}},
		One:   true, OutField: "parent", InField: "children", Doc: "administrative hierarchy",
		Props: withCommon(edgeCommon)},
	{Type: Covers, Family: Coverage, From: []Label{Museum, Program}, To: []Label{Province, Prefecture, County},
		OutField: "covers", InField: "coveredBy", Doc: "places a museum, caravan or program reaches",
		Props: withCommon(edgeCommon, append(slices.Clone(yearProps),
			PropDef{Name: "tours", Type: Int, Doc: "tours that reached the place"},
			PropDef{Name: "visits", Type: Int, Wide: true, Doc: "visits (person-time) at the place"})...)},
}

var (
	labelIndex = map[Label]*LabelDef{}
	relIndex   = map[RelType]*RelDef{}
)

func init() {
	for i := range labelDefs {
		labelIndex[labelDefs[i].Label] = &labelDefs[i]
	}
	for i := range relDefs {
		relIndex[relDefs[i].Type] = &relDefs[i]
	}
}

// LabelDefs returns every label definition, in the order of Labels.
func LabelDefs() []LabelDef { return slices.Clone(labelDefs) }

// RelDefs returns every relationship definition in a fixed order.
func RelDefs() []RelDef { return slices.Clone(relDefs) }

// LookupLabel returns the definition of a label, or nil if there is none.
func LookupLabel(l Label) *LabelDef { return labelIndex[l] }

// LookupRel returns the definition of a relationship type, or nil.
func LookupRel(t RelType) *RelDef { return relIndex[t] }

// Prop returns the definition of a property of the label, or nil.
func (d *LabelDef) Prop(name string) *PropDef { return findProp(d.Props, name) }

// Prop returns the definition of a property of the relationship, or nil.
func (d *RelDef) Prop(name string) *PropDef { return findProp(d.Props, name) }

// Joins reports whether the relationship may go from a node labelled from to a
// node labelled to.
func (d *RelDef) Joins(from, to Label) bool {
	if d.Pairs != nil {
		return slices.Contains(d.Pairs, [2]Label{from, to})
	}
	return d.Ends(from, to)
}

// Ends reports whether from is one of the relationship's From labels and
// to one of its To labels: a pair that Joins may still refuse (see
// Pairs). An edge written before the pair rules had such ends.
func (d *RelDef) Ends(from, to Label) bool {
	return slices.Contains(d.From, from) && slices.Contains(d.To, to)
}

// RelsOf returns the relationships that a node with the label can have in the
// given direction (Out: the label is a From label; In: a To label), sorted by
// type.
func RelsOf(l Label, dir Direction) []RelDef {
	var out []RelDef
	for _, d := range relDefs {
		ends := d.From
		if dir == In {
			ends = d.To
		}
		if slices.Contains(ends, l) {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type < out[j].Type })
	return out
}

func findProp(props []PropDef, name string) *PropDef {
	for i := range props {
		if props[i].Name == name {
			return &props[i]
		}
	}
	return nil
}
