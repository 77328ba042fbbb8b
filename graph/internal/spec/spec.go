// Package spec derives the shape of the GraphQL API from the kepu registry:
// type, field and enum names. The schema generator and the resolvers both use
// it, so the names in schema.graphqls and the names the resolvers map back to
// registry terms can never drift apart.
package spec

import (
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/kepugraph/kepugraph/kepu"
)

// Plural returns the top-level connection field of a label.
func Plural(l kepu.Label) string {
	switch l {
	case kepu.Province:
		return "provinces"
	case kepu.Prefecture:
		return "prefectures"
	case kepu.County:
		return "counties"
	case kepu.Museum:
		return "museums"
	case kepu.School:
		return "schools"
	case kepu.NormalUniversity:
		return "normalUniversities"
	case kepu.Organization:
		return "organizations"
	case kepu.Forum:
		return "forums"
	case kepu.Program:
		return "programs"
	case kepu.Person:
		return "people"
	case kepu.NationalStatistics:
		return "nationalStatistics" // already plural
	}
	return LowerFirst(string(l)) + "s"
}

// LowerFirst lowers the first letter: "NormalUniversity" -> "normalUniversity".
func LowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

// UpperSnake turns a camelCase name into UPPER_SNAKE: "freeEntry" ->
// "FREE_ENTRY", "resourcesTB" -> "RESOURCES_TB".
func UpperSnake(s string) string {
	var b strings.Builder
	r := []rune(s)
	for i, c := range r {
		if i > 0 && unicode.IsUpper(c) && (unicode.IsLower(r[i-1]) || (i+1 < len(r) && unicode.IsLower(r[i+1]))) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(c))
	}
	return b.String()
}

// RelName is the PascalCase name of a relationship type: "PARTNERS_WITH" ->
// "PartnersWith".
func RelName(t kepu.RelType) string {
	var b strings.Builder
	for _, part := range strings.Split(strings.ToLower(string(t)), "_") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// DirName is "Out" or "In".
func DirName(d kepu.Direction) string {
	if d == kepu.In {
		return "In"
	}
	return "Out"
}

// EnumName returns the GraphQL enum type of an Enum property of a label ("" for
// a relationship property other than provenance).
func EnumName(l kepu.Label, p kepu.PropDef) string {
	switch {
	case p.Name == kepu.PropProvenance:
		return "Provenance"
	case l == kepu.Museum && p.Name == "level":
		return "AdminLevel"
	case l == kepu.School && p.Name == "stage":
		return "SchoolStage"
	}
	return string(l) + upperFirst(p.Name)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// RelField is a relationship field of a node type.
type RelField struct {
	Name string
	Def  kepu.RelDef
	Dir  kepu.Direction
}

// Far returns the labels at the other end.
func (f RelField) Far() []kepu.Label {
	if f.Dir == kepu.In {
		return f.Def.From
	}
	return f.Def.To
}

// Prefix is the type-name prefix of the relationship seen in this direction:
// "PartnersWithOut".
func (f RelField) Prefix() string { return RelName(f.Def.Type) + DirName(f.Dir) }

// RelFields lists the relationship fields of a label: outgoing, then incoming,
// each sorted by type.
func RelFields(l kepu.Label) []RelField {
	return slices.Clone(relFieldIndex()[l].list)
}

func relFieldsOf(l kepu.Label) []RelField {
	var out []RelField
	for _, d := range kepu.RelsOf(l, kepu.Out) {
		out = append(out, RelField{Name: d.OutField, Def: d, Dir: kepu.Out})
	}
	for _, d := range kepu.RelsOf(l, kepu.In) {
		out = append(out, RelField{Name: inField(l, d), Def: d, Dir: kepu.In})
	}
	return out
}

// CoveredDirectlyBy is the name of the incoming COVERS field on provinces
// and prefectures. Coverage edges sit mostly on counties (a mobile museum's
// tours reach counties), and a condition on a province's own edges does not
// roll up from the counties inside it: the name says so, where coveredBy
// would read as "visited" (29 provinces were visited through their
// counties, and provinces(where: {coveredBy_none: …}) would list all 35).
const CoveredDirectlyBy = "coveredDirectlyBy"

func inField(l kepu.Label, d kepu.RelDef) string {
	if d.Type == kepu.Covers && (l == kepu.Province || l == kepu.Prefecture) {
		return CoveredDirectlyBy
	}
	return d.InField
}

type relFieldSet struct {
	list   []RelField
	byName map[string]RelField
}

// relFieldIndex holds the relationship fields of every label, computed once
// from the registry (which never changes): resolvers look fields up on
// every request.
var relFieldIndex = sync.OnceValue(func() map[kepu.Label]relFieldSet {
	m := map[kepu.Label]relFieldSet{}
	for _, l := range kepu.Labels {
		set := relFieldSet{list: relFieldsOf(l), byName: map[string]RelField{}}
		for _, f := range set.list {
			set.byName[f.Name] = f
		}
		m[l] = set
	}
	return m
})

// LookupRelField finds a relationship field of a label by name.
func LookupRelField(l kepu.Label, name string) (RelField, bool) {
	f, ok := relFieldIndex()[l].byName[name]
	return f, ok
}

// Located reports whether nodes of the label sit in a place through
// LOCATED_IN.
func Located(l kepu.Label) bool {
	return slices.Contains(kepu.LookupRel(kepu.LocatedIn).From, l)
}

// PlaceLevels returns the place levels above or around a node of the label:
// all three for located nodes, the ancestors for places.
func PlaceLevels(l kepu.Label) []kepu.Label {
	switch {
	case Located(l):
		return kepu.PlaceLabels
	case l == kepu.Prefecture:
		return []kepu.Label{kepu.Province}
	case l == kepu.County:
		return []kepu.Label{kepu.Province, kepu.Prefecture}
	}
	return nil
}

// FarKind says how the node at the far end of a relationship is typed.
type FarKind int

// Far-end kinds.
const (
	FarSingle FarKind = iota // one label: its object type
	FarPlace                 // several place labels: the Place interface
	FarAny                   // several labels: the Node interface
)

// FarOf classifies far-end labels.
func FarOf(labels []kepu.Label) FarKind {
	if len(labels) == 1 {
		return FarSingle
	}
	for _, l := range labels {
		if !l.IsPlace() {
			return FarAny
		}
	}
	return FarPlace
}

// FarType returns the GraphQL type of the far end and the name of its where
// input.
func FarType(labels []kepu.Label) (typ, where string) {
	switch FarOf(labels) {
	case FarSingle:
		return string(labels[0]), string(labels[0]) + "Where"
	case FarPlace:
		return "Place", "PlaceWhere"
	}
	return "Node", "NodeWhere"
}

// MergedProps returns the properties of several labels, by name, in first-seen
// order. An Enum property whose values differ between the labels becomes a
// String property.
func MergedProps(labels []kepu.Label) []kepu.PropDef {
	var out []kepu.PropDef
	for _, l := range labels {
		for _, p := range kepu.LookupLabel(l).Props {
			i := slices.IndexFunc(out, func(q kepu.PropDef) bool { return q.Name == p.Name })
			if i < 0 {
				p.Required = false
				out = append(out, p)
				continue
			}
			if p.Wide {
				out[i].Wide = true
			}
			if out[i].Type == kepu.Enum && !slices.Equal(out[i].Values, p.Values) {
				out[i].Type = kepu.String
				out[i].Values = nil
			}
		}
	}
	return out
}

// MergedEnumName names the enum of a merged property (see MergedProps): the
// enum of the first label that has it.
func MergedEnumName(labels []kepu.Label, p kepu.PropDef) string {
	for _, l := range labels {
		if kepu.LookupLabel(l).Prop(p.Name) != nil {
			return EnumName(l, p)
		}
	}
	return ""
}

// OrderFields maps the values of a label's order enum to sort keys: ID, each
// ordered property, and <FIELD>_COUNT for each relationship field.
func OrderFields(l kepu.Label) ([]string, map[string]kepu.OrderKey) {
	names := []string{"ID"}
	m := map[string]kepu.OrderKey{"ID": {Prop: kepu.PropID}}
	for _, p := range kepu.LookupLabel(l).Props {
		if p.Type.Ordered() {
			n := UpperSnake(p.Name)
			names = append(names, n)
			m[n] = kepu.OrderKey{Prop: p.Name}
		}
	}
	for _, f := range RelFields(l) {
		n := UpperSnake(f.Name) + "_COUNT"
		names = append(names, n)
		m[n] = kepu.OrderKey{Count: &kepu.RelCount{Rel: f.Def.Type, Dir: f.Dir}}
	}
	return names, m
}

// RelOrderFields maps the values of a relationship connection's order enum to
// sort keys: the far node's ID and ordered properties (the common ones when
// the far end has several labels), then EDGE_<PROP> for ordered edge
// properties, then <FIELD>_COUNT for each relationship field of the far node
// (those that every far label has), which orders by the far node's number of
// such relationships.
func RelOrderFields(f RelField) ([]string, map[string]kepu.OrderKey) {
	names := []string{"ID"}
	m := map[string]kepu.OrderKey{"ID": {Prop: kepu.PropID}}
	far := f.Far()
	props := kepu.LookupLabel(far[0]).Props
	if len(far) > 1 {
		props = props[:0:0]
		for _, p := range kepu.LookupLabel(far[0]).Props {
			common := true
			for _, l := range far[1:] {
				if kepu.LookupLabel(l).Prop(p.Name) == nil {
					common = false
				}
			}
			if common {
				props = append(props, p)
			}
		}
	}
	for _, p := range props {
		if p.Type.Ordered() {
			n := UpperSnake(p.Name)
			names = append(names, n)
			m[n] = kepu.OrderKey{Prop: p.Name}
		}
	}
	for _, p := range f.Def.Props {
		if p.Type.Ordered() {
			n := "EDGE_" + UpperSnake(p.Name)
			names = append(names, n)
			m[n] = kepu.OrderKey{Prop: p.Name, Edge: true}
		}
	}
	for _, g := range RelFields(far[0]) {
		if !farHasRel(far[1:], g) {
			continue
		}
		n := UpperSnake(g.Name) + "_COUNT"
		names = append(names, n)
		m[n] = kepu.OrderKey{Count: &kepu.RelCount{Rel: g.Def.Type, Dir: g.Dir}}
	}
	return names, m
}

// farHasRel reports whether every label has the relationship field g (same
// name, type and direction), so that counting it is defined on every node at
// the far end of a relationship.
func farHasRel(labels []kepu.Label, g RelField) bool {
	for _, l := range labels {
		h, ok := LookupRelField(l, g.Name)
		if !ok || h.Def.Type != g.Def.Type || h.Dir != g.Dir {
			return false
		}
	}
	return true
}

// GroupByFields maps the values of a label's group-by enum to an
// AggregateQuery.GroupBy: each Enum or Bool property, then the place levels.
func GroupByFields(l kepu.Label) ([]string, map[string]string) {
	var names []string
	m := map[string]string{}
	for _, p := range kepu.LookupLabel(l).Props {
		if p.Type == kepu.Enum || p.Type == kepu.Bool {
			n := UpperSnake(p.Name)
			names = append(names, n)
			m[n] = p.Name
		}
	}
	for _, pl := range PlaceLevels(l) {
		n := UpperSnake(string(pl))
		names = append(names, n)
		m[n] = string(pl)
	}
	return names, m
}

// LabelEnum is the value of a label in the GraphQL NodeLabel enum:
// "NormalUniversity" -> "NORMAL_UNIVERSITY".
func LabelEnum(l kepu.Label) string { return UpperSnake(string(l)) }

// LabelOfEnum returns the label whose NodeLabel value is v.
func LabelOfEnum(v string) (kepu.Label, bool) {
	for _, l := range kepu.Labels {
		if LabelEnum(l) == v {
			return l, true
		}
	}
	return "", false
}

// RelOfEnum returns the relationship type whose RelationshipType value is v
// (the values are the registry's type names, e.g. "PARTNERS_WITH").
func RelOfEnum(v string) (kepu.RelType, bool) {
	t := kepu.RelType(v)
	return t, kepu.LookupRel(t) != nil
}

// OrderTable is the table of OrderFields(l), computed once per label: the
// resolvers map order inputs through it for every connection they resolve.
// The map is shared; callers must not modify it.
func OrderTable(l kepu.Label) map[string]kepu.OrderKey {
	if t, ok := orderTables.Load(l); ok {
		return t.(map[string]kepu.OrderKey)
	}
	_, t := OrderFields(l)
	orderTables.Store(l, t)
	return t
}

// RelOrderTable is the table of RelOrderFields(f), computed once per
// relationship type and direction (everything RelOrderFields reads). The
// map is shared; callers must not modify it.
func RelOrderTable(f RelField) map[string]kepu.OrderKey {
	k := relOrderKey{f.Def.Type, f.Dir}
	if t, ok := relOrderTables.Load(k); ok {
		return t.(map[string]kepu.OrderKey)
	}
	_, t := RelOrderFields(f)
	relOrderTables.Store(k, t)
	return t
}

type relOrderKey struct {
	rel kepu.RelType
	dir kepu.Direction
}

// orderTables and relOrderTables hold the tables of OrderTable and
// RelOrderTable (the registry does not change while a program runs).
var orderTables, relOrderTables sync.Map
