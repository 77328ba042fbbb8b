package kepu

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxKeyLen bounds the key part of a node ID.
const MaxKeyLen = 200

var keyPattern = regexp.MustCompile(`^[A-Za-z0-9_.\-]+$`)

// isKey reports whether k matches keyPattern: one or more ASCII letters,
// digits, '_', '.' or '-' (a loop over the bytes, without the regexp
// engine: ValidateNode checks every node of a load; TestIsKey).
func isKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// Normalize converts v to the Go type of the property (int64 for Int, float64
// for Float, and so on), accepting the usual decoded forms (int, float64 with
// no fraction for Int, json.Number, []any of strings for StringList). nil
// stays nil. It returns an error with code BadUserInput when v does not fit.
func Normalize(def *PropDef, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	bad := func() (any, error) {
		return nil, &Error{Code: BadUserInput, Field: def.Name,
			Message: fmt.Sprintf("%s must be %s, got %s", def.Name, describe(def), shortValue(v))}
	}
	switch def.Type {
	case String, Enum, Date:
		s, ok := v.(string)
		if !ok {
			return bad()
		}
		if !utf8.ValidString(s) {
			return notUTF8(def)
		}
		if def.Type == Enum && !slices.Contains(def.Values, s) {
			return bad()
		}
		if def.Type == Date {
			if _, err := time.Parse(time.DateOnly, s); err != nil {
				return bad()
			}
		}
		// v itself: the same value, without boxing it again (an allocation).
		return v, nil
	case Int:
		switch n := v.(type) {
		case int64:
			return v, nil
		case int:
			return int64(n), nil
		case int32:
			return int64(n), nil
		case float64:
			if n != math.Trunc(n) || math.Abs(n) > 1<<53 {
				return bad()
			}
			return int64(n), nil
		case json.Number:
			i, err := n.Int64()
			if err != nil {
				return bad()
			}
			return i, nil
		}
		return bad()
	case Float:
		switch n := v.(type) {
		case float64:
			if math.IsNaN(n) || math.IsInf(n, 0) {
				return bad()
			}
			return v, nil
		case int64:
			return float64(n), nil
		case int:
			return float64(n), nil
		case json.Number:
			f, err := n.Float64()
			if err != nil {
				return bad()
			}
			return f, nil
		}
		return bad()
	case Bool:
		if _, ok := v.(bool); !ok {
			return bad()
		}
		return v, nil
	case StringList:
		switch l := v.(type) {
		case []string:
			for _, s := range l {
				if !utf8.ValidString(s) {
					return notUTF8(def)
				}
			}
			return slices.Clone(l), nil
		case []any:
			out := make([]string, len(l))
			for i, e := range l {
				s, ok := e.(string)
				if !ok {
					return bad()
				}
				if !utf8.ValidString(s) {
					return notUTF8(def)
				}
				out[i] = s
			}
			return out, nil
		}
		return bad()
	}
	return bad()
}

// notUTF8 is the error for a string that is not valid UTF-8: every string
// a store holds is valid UTF-8 on the way in (and the embedded store checks
// it again on the way out).
func notUTF8(def *PropDef) (any, error) {
	return nil, &Error{Code: BadUserInput, Field: def.Name, Message: fmt.Sprintf("%s must be valid UTF-8", def.Name)}
}

// checkText refuses text longer than MaxTextBytes, and text that XML 1.0
// cannot hold (a C0 control other than tab, line feed and carriage return;
// U+FFFE; U+FFFF) in a record, so that every string a store holds can be
// written to GraphML and GEXF unchanged and held by both stores. Filters
// are not checked (such a value matches nothing).
func checkText(def *PropDef, s string) error {
	if len(s) > MaxTextBytes {
		return &Error{Code: BadUserInput, Field: def.Name,
			Message: fmt.Sprintf("%s is %d bytes long, more than %d: a text property holds at most %d bytes of UTF-8", def.Name, len(s), MaxTextBytes, MaxTextBytes)}
	}
	// ASCII bytes one by one (most text), the rest rune by rune.
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return checkTextRunes(def, s, i)
		}
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return controlError(def, rune(c), i)
		}
	}
	return nil
}

// checkTextRunes is checkText of s from byte from on.
func checkTextRunes(def *PropDef, s string, from int) error {
	for i, r := range s[from:] {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xFFFE || r == 0xFFFF {
			return controlError(def, r, from+i)
		}
	}
	return nil
}

// controlError is the error of a character that XML 1.0 cannot hold (the
// GraphML and GEXF exports are XML) at byte at of a text: a control
// character other than tab, line feed and carriage return, or one of the
// noncharacters U+FFFE and U+FFFF.
func controlError(def *PropDef, r rune, at int) error {
	if r == 0xFFFE || r == 0xFFFF {
		return &Error{Code: BadUserInput, Field: def.Name,
			Message: fmt.Sprintf("%s holds the noncharacter U+%04X at byte %d: text may not hold U+FFFE or U+FFFF (XML cannot)", def.Name, r, at)}
	}
	return &Error{Code: BadUserInput, Field: def.Name,
		Message: fmt.Sprintf("%s holds the control character U+%04X at byte %d: text may hold tab, line feed and carriage return, no other control character", def.Name, r, at)}
}

func describe(def *PropDef) string {
	switch def.Type {
	case Enum:
		return "one of " + strings.Join(def.Values, ", ")
	case Date:
		return "a date YYYY-MM-DD"
	case Int:
		return "an integer"
	case Float:
		return "a number"
	case Bool:
		return "a boolean"
	case StringList:
		return "a list of strings"
	}
	return "a string"
}

func shortValue(v any) string {
	s := fmt.Sprintf("%v", v)
	return fmt.Sprintf("%T %q", v, Truncate(s, 40))
}

// ValidateNode checks a node against the registry: a known label matching its
// ID, a well-formed key, known properties of the right types (normalized in
// place), and the required properties present. Errors have code BadUserInput.
func ValidateNode(n *Node) error {
	def := LookupLabel(n.Label)
	if def == nil {
		return Errorf(BadUserInput, "unknown node label %q", Truncate(string(n.Label), 40))
	}
	if KeyOf(n.ID) == "" && n.ID == string(n.Label)+":" {
		return &Error{Code: BadUserInput, Field: "key", Message: fmt.Sprintf("node key must be 1 to %d letters, digits, '_', '.' or '-'; it is empty", MaxKeyLen)}
	}
	if LabelOf(n.ID) != n.Label {
		return Errorf(BadUserInput, "node ID %q does not start with %q", Truncate(n.ID, 64), string(n.Label)+":")
	}
	if k := KeyOf(n.ID); len(k) > MaxKeyLen || !isKey(k) {
		return Errorf(BadUserInput, "node key %q must be 1 to %d letters, digits, '_', '.' or '-'", Truncate(k, 64), MaxKeyLen)
	}
	props, err := normalizeProps(def.Props, n.Props, true, string(n.Label))
	if err != nil {
		return err
	}
	n.Props = props
	return nil
}

// ValidateNodeUpdate checks the Set and Unset of an update of a node with the
// label; it normalizes set in place. Required properties cannot be unset or
// set to null.
func ValidateNodeUpdate(l Label, set Props, unset []string) error {
	def := LookupLabel(l)
	if def == nil {
		return Errorf(BadUserInput, "unknown node label %q", l)
	}
	return validateUpdate(def.Props, set, unset, string(l))
}

// ValidateEdge checks an edge against the registry given the labels of its
// ends: a known type that joins those labels, known properties of the right
// types (normalized in place) and the required ones present.
func ValidateEdge(e *Edge, from, to Label) error {
	def := LookupRel(e.Type)
	if def == nil {
		return Errorf(BadUserInput, "unknown relationship type %q", Truncate(string(e.Type), 40))
	}
	if !def.Joins(from, to) {
		return JoinError(e.Type, from, to)
	}
	if e.From == e.To {
		return Errorf(BadUserInput, "%s cannot join a node to itself", e.Type)
	}
	props, err := normalizeProps(def.Props, e.Props, true, string(e.Type))
	if err != nil {
		return err
	}
	e.Props = props
	return nil
}

// ValidateEdgeUpdate checks the Set and Unset of an update of an edge.
func ValidateEdgeUpdate(t RelType, set Props, unset []string) error {
	def := LookupRel(t)
	if def == nil {
		return Errorf(BadUserInput, "unknown relationship type %q", t)
	}
	return validateUpdate(def.Props, set, unset, string(t))
}

// normalizeProps returns a new map of the normalized values of in (nil
// values left out), or the first error. The new map starts as a copy of in
// (maps.Clone copies a map's memory whole, cheaper than inserting each
// key: a load validates millions of records) and only the values that
// normalizing changes are set again; a list is always its own copy, as
// Normalize makes it.
func normalizeProps(defs []PropDef, in Props, checkRequired bool, what string) (Props, error) {
	out := maps.Clone(in)
	if out == nil {
		out = Props{}
	}
	years := 0 // years given (only a record with two can break a span)
	for k, v := range in {
		def := findProp(defs, k)
		if def == nil {
			return nil, &Error{Code: BadUserInput, Field: k, Message: fmt.Sprintf("%s has no property %q", what, Truncate(k, 40))}
		}
		nv, err := Normalize(def, v)
		if err != nil {
			return nil, err
		}
		if err := checkDomain(def, nv); err != nil {
			return nil, err
		}
		switch _, list := nv.([]string); {
		case nv == nil:
			delete(out, k)
		case list || nv != v:
			// (nv is a string, a number or a bool here: comparable; an
			// interface comparison of different types is false.)
			out[k] = nv
		}
		if def.Year && nv != nil {
			years++
		}
	}
	// Every property of YearSpans is a Year (TestYearSpansAreYears).
	if years >= 2 {
		if err := checkSpans(out); err != nil {
			return nil, err
		}
	}
	if checkRequired {
		for _, d := range defs {
			if d.Required {
				if _, ok := out[d.Name]; !ok {
					return nil, &Error{Code: BadUserInput, Field: d.Name, Message: fmt.Sprintf("%s needs %s", what, d.Name)}
				}
				if s, ok := out[d.Name].(string); ok && strings.TrimSpace(s) == "" {
					return nil, &Error{Code: BadUserInput, Field: d.Name, Message: fmt.Sprintf("%s needs a non-empty %s", what, d.Name)}
				}
			}
		}
	}
	return out, nil
}

// checkDomain checks a normalized property value against what the record
// can hold: no negative count or amount and none over MaxAmount, years from
// MinYear to MaxYear, text of at most MaxTextBytes without control
// characters (checkText).
// Filters are not checked (a condition outside the domain matches nothing).
func checkDomain(def *PropDef, v any) error {
	var x float64
	switch n := v.(type) {
	case int64:
		x = float64(n)
	case float64:
		x = n
	case string:
		return checkText(def, n)
	case []string:
		for _, s := range n {
			if err := checkText(def, s); err != nil {
				return err
			}
		}
		return nil
	default:
		return nil
	}
	if def.Year && (x < MinYear || x > MaxYear) {
		return &Error{Code: BadUserInput, Field: def.Name,
			Message: fmt.Sprintf("%s must be a year from %d to %d, got %v", def.Name, MinYear, MaxYear, v)}
	}
	if x < 0 {
		return &Error{Code: BadUserInput, Field: def.Name,
			Message: fmt.Sprintf("%s cannot be negative, got %v", def.Name, v)}
	}
	if x > MaxAmount {
		return &Error{Code: BadUserInput, Field: def.Name,
			Message: fmt.Sprintf("%s must be at most %g, got %v", def.Name, float64(MaxAmount), v)}
	}
	return nil
}

// checkSpans checks the YearSpans of which props gives both years.
func checkSpans(props Props) error { return CheckSpans(props, nil) }

// CheckSpans checks the YearSpans of a record: where record (normalized
// properties: years are int64) gives both years of a span, the first cannot
// come after the last (BadUserInput, the message naming both properties and
// their years). A year that is absent (never set, or cleared) bounds
// nothing. set, when not nil, is what an update set: the error's Field is
// the year of the pair that it set (the last year when it set both).
//
// ValidateNode and ValidateEdge check a whole new record and
// ValidateNodeUpdate and ValidateEdgeUpdate an update's own years, but only
// the store sees the record an update leaves: its stored years merged with
// the update's. Every backend's Write calls CheckSpans on that record,
// inside the write (all or nothing), so that an update that sets only
// until: 1990 on a record with since: 2005 is refused.
func CheckSpans(record, set Props) error {
	for _, sp := range YearSpans {
		first, ok1 := record[sp[0]].(int64)
		last, ok2 := record[sp[1]].(int64)
		if !ok1 || !ok2 || first <= last {
			continue
		}
		_, setFirst := set[sp[0]]
		_, setLast := set[sp[1]]
		if setFirst && !setLast {
			return &Error{Code: BadUserInput, Field: sp[0],
				Message: fmt.Sprintf("%s (%d) cannot come after %s (%d)", sp[0], first, sp[1], last)}
		}
		if set != nil {
			return &Error{Code: BadUserInput, Field: sp[1],
				Message: fmt.Sprintf("%s (%d) cannot come before %s (%d)", sp[1], last, sp[0], first)}
		}
		return &Error{Code: BadUserInput, Field: sp[0],
			Message: fmt.Sprintf("%s (%d) cannot come after %s (%d)", sp[0], first, sp[1], last)}
	}
	return nil
}

// SetsSpanYear reports whether an update's set gives a year of a span a
// value (not null): only such an update can leave a record whose span runs
// backwards (clearing a year never can).
func SetsSpanYear(set Props) bool {
	for _, sp := range YearSpans {
		for _, k := range sp {
			if v, ok := set[k]; ok && v != nil {
				return true
			}
		}
	}
	return false
}

func validateUpdate(defs []PropDef, set Props, unset []string, what string) error {
	for k, v := range set {
		def := findProp(defs, k)
		if def == nil {
			return &Error{Code: BadUserInput, Field: k, Message: fmt.Sprintf("%s has no property %q", what, Truncate(k, 40))}
		}
		nv, err := Normalize(def, v)
		if err != nil {
			return err
		}
		if err := checkDomain(def, nv); err != nil {
			return err
		}
		if nv == nil && def.Required {
			return &Error{Code: BadUserInput, Field: k, Message: fmt.Sprintf("%s needs %s", what, k)}
		}
		if s, ok := nv.(string); ok && def.Required && strings.TrimSpace(s) == "" {
			return &Error{Code: BadUserInput, Field: k, Message: fmt.Sprintf("%s needs a non-empty %s", what, k)}
		}
		set[k] = nv
	}
	if err := checkSpans(set); err != nil {
		return err
	}
	for _, k := range unset {
		def := findProp(defs, k)
		if def == nil {
			return &Error{Code: BadUserInput, Field: k, Message: fmt.Sprintf("%s has no property %q", what, Truncate(k, 40))}
		}
		if def.Required {
			return &Error{Code: BadUserInput, Field: k, Message: fmt.Sprintf("%s needs %s; it cannot be removed", what, k)}
		}
	}
	return nil
}

// ValidateFilter checks a node filter for a label and normalizes its values in
// place: known properties, operators that apply to their types, known
// relationships that the label can have in the given direction, place levels.
func ValidateFilter(l Label, f *Filter) error {
	def := LookupLabel(l)
	if def == nil {
		return Errorf(BadUserInput, "unknown node label %q", l)
	}
	return validateFilter(f, func(name string) (*PropDef, bool) {
		if name == PropID {
			return &PropDef{Name: PropID, Type: String}, true
		}
		return def.Prop(name), false
	}, l, 0)
}

// ValidateEdgeFilter checks an edge filter for a relationship type: only
// property conditions and their combinations.
func ValidateEdgeFilter(t RelType, f *Filter) error {
	def := LookupRel(t)
	if def == nil {
		return Errorf(BadUserInput, "unknown relationship type %q", t)
	}
	return validateFilter(f, func(name string) (*PropDef, bool) { return def.Prop(name), false }, "", 0)
}

// HasLabel returns a filter that holds for nodes with the label: their ID
// starts with "Label:" (every backend evaluates a condition on the ID).
func HasLabel(l Label) *Filter { return C(PropID, StartsWith, string(l)+":") }

// OfLabel returns a filter that holds for nodes with the label that match f
// (nil: any node with the label). Validated on a node that may have several
// labels (the far end of a relationship), f is checked against l's
// properties alone: a typed filter per label, where the merged properties
// would compare an enum such as kind as text.
func OfLabel(l Label, f *Filter) *Filter {
	if f == nil {
		return &Filter{And: []*Filter{HasLabel(l)}}
	}
	return &Filter{And: []*Filter{HasLabel(l), f}}
}

// Labelled recognizes a filter made by OfLabel: its label and the rest
// (conditions on that label's properties, which a backend resolves
// against that label alone, whatever label the node is queried under).
func Labelled(f *Filter) (Label, []*Filter, bool) {
	if len(f.And) == 0 || f.And[0] == nil || f.And[0].Cond == nil {
		return "", nil, false
	}
	c := f.And[0].Cond
	if c.Prop != PropID || c.Op != StartsWith || !isLabelPrefix(c.Value) {
		return "", nil, false
	}
	return Label(strings.TrimSuffix(c.Value.(string), ":")), f.And[1:], true
}

// isLabelPrefix reports whether v is "Label:" for a known label.
func isLabelPrefix(v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	l, found := strings.CutSuffix(s, ":")
	return found && LookupLabel(Label(l)) != nil
}

// MaxFilterDepth bounds the nesting of filters.
const MaxFilterDepth = 16

func validateFilter(f *Filter, prop func(string) (*PropDef, bool), l Label, depth int) error {
	if f == nil {
		return nil
	}
	if depth > MaxFilterDepth {
		return Errorf(BadUserInput, "filter nested more than %d levels", MaxFilterDepth)
	}
	parts := 0
	for _, set := range []bool{f.And != nil, f.Or != nil, f.Not != nil, f.Cond != nil, f.Rel != nil, f.Place != nil} {
		if set {
			parts++
		}
	}
	if parts > 1 {
		return Errorf(BadUserInput, "a filter node must have exactly one part")
	}
	if lf, rest, ok := Labelled(f); ok {
		// A condition on one label of a node that may have several (see
		// OfLabel): the rest is checked against that label alone.
		def := LookupLabel(lf)
		for _, g := range rest {
			if err := validateFilter(g, func(name string) (*PropDef, bool) {
				if name == PropID {
					return &PropDef{Name: PropID, Type: String}, true
				}
				return def.Prop(name), false
			}, lf, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	for _, g := range f.And {
		if err := validateFilter(g, prop, l, depth+1); err != nil {
			return err
		}
	}
	for _, g := range f.Or {
		if err := validateFilter(g, prop, l, depth+1); err != nil {
			return err
		}
	}
	if err := validateFilter(f.Not, prop, l, depth+1); err != nil {
		return err
	}
	if c := f.Cond; c != nil {
		def, isID := prop(c.Prop)
		if def == nil {
			return &Error{Code: BadUserInput, Field: c.Prop, Message: fmt.Sprintf("unknown property %q", Truncate(c.Prop, 40))}
		}
		if err := validateCond(def, isID, c); err != nil {
			return err
		}
	}
	if r := f.Rel; r != nil {
		if l == "" {
			return Errorf(BadUserInput, "relationship conditions apply to nodes only")
		}
		rd := LookupRel(r.Rel)
		if rd == nil {
			return Errorf(BadUserInput, "unknown relationship type %q", Truncate(string(r.Rel), 40))
		}
		near, far := rd.From, rd.To
		if r.Dir == In {
			near, far = rd.To, rd.From
		} else if r.Dir != Out {
			return Errorf(BadUserInput, "relationship direction must be OUT or IN")
		}
		if !slices.Contains(near, l) {
			return Errorf(BadUserInput, "%s has no %s relationship %s", l, r.Dir, r.Rel)
		}
		if r.Quant != Some && r.Quant != None {
			return Errorf(BadUserInput, "relationship quantifier must be some or none")
		}
		if err := ValidateEdgeFilter(r.Rel, r.Edge); err != nil {
			return err
		}
		if err := validateFilterForAny(far, r.Node, depth+1); err != nil {
			return err
		}
	}
	if p := f.Place; p != nil {
		if l == "" {
			return Errorf(BadUserInput, "place conditions apply to nodes only")
		}
		if !p.Level.IsPlace() {
			return Errorf(BadUserInput, "place level must be Province, Prefecture or County")
		}
		if err := ValidateFilter(p.Level, p.Filter); err != nil {
			return err
		}
	}
	return nil
}

// ValidateFilterAny checks a node filter on a node that may carry any of the
// labels (the other end of a relationship): each property must exist on at
// least one of them. It normalizes values in place like ValidateFilter.
func ValidateFilterAny(labels []Label, f *Filter) error {
	if len(labels) == 0 {
		return Errorf(BadUserInput, "no node label to filter on")
	}
	for _, l := range labels {
		if LookupLabel(l) == nil {
			return Errorf(BadUserInput, "unknown node label %q", l)
		}
	}
	return validateFilterForAny(labels, f, 0)
}

// validateFilterForAny validates a filter on the far end of a relationship
// whose far end may carry any of labels: each property must exist on at least
// one of them (the registry gives a property one type on every label).
// Nested relationship conditions are checked against the first label.
func validateFilterForAny(labels []Label, f *Filter, depth int) error {
	return validateFilter(f, func(name string) (*PropDef, bool) {
		if name == PropID {
			return &PropDef{Name: PropID, Type: String}, true
		}
		for _, l := range labels {
			if d := LookupLabel(l).Prop(name); d != nil {
				return d, false
			}
		}
		return nil, false
	}, labels[0], depth)
}

func validateCond(def *PropDef, isID bool, c *Cond) error {
	if !slices.Contains(Ops, c.Op) {
		return Errorf(BadUserInput, "unknown operator %q", Truncate(string(c.Op), 20))
	}
	if isID && c.Op != Eq && c.Op != Ne && c.Op != OneOf && !(c.Op == StartsWith && isLabelPrefix(c.Value)) {
		return Errorf(BadUserInput, "id supports eq, ne and in only")
	}
	switch c.Op {
	case Contains, StartsWith, ContainsInsensitive:
		if def.Type != String && def.Type != Enum && def.Type != Date && !(def.Type == StringList && c.Op == Contains) {
			return Errorf(BadUserInput, "%s does not apply to %s (%s)", c.Op, c.Prop, def.Type)
		}
		if c.Value == nil {
			return Errorf(BadUserInput, "%s of %s needs a value", c.Op, c.Prop)
		}
		s, ok := c.Value.(string)
		if !ok {
			return Errorf(BadUserInput, "%s of %s needs a string", c.Op, c.Prop)
		}
		c.Value = s
		return nil
	case Gt, Gte, Lt, Lte:
		if !def.Type.Ordered() {
			return Errorf(BadUserInput, "%s does not apply to %s (%s)", c.Op, c.Prop, def.Type)
		}
		if c.Value == nil {
			return Errorf(BadUserInput, "%s of %s needs a value", c.Op, c.Prop)
		}
	case OneOf:
		list, ok := c.Value.([]any)
		if !ok {
			return Errorf(BadUserInput, "in of %s needs a list", c.Prop)
		}
		if len(list) > 1000 {
			return Errorf(BadUserInput, "in of %s takes at most 1000 values", c.Prop)
		}
		out := make([]any, len(list))
		for i, v := range list {
			nv, err := normalizeScalar(def, v)
			if err != nil {
				return err
			}
			out[i] = nv
		}
		c.Value = out
		return nil
	}
	nv, err := normalizeScalar(def, c.Value)
	if err != nil {
		return err
	}
	c.Value = nv
	return nil
}

// normalizeScalar normalizes a comparison value: for a StringList property
// the value is one string element.
func normalizeScalar(def *PropDef, v any) (any, error) {
	if def.Type == StringList {
		if v == nil {
			return nil, nil
		}
		s, ok := v.(string)
		if !ok {
			return nil, Errorf(BadUserInput, "%s compares with a string", def.Name)
		}
		return s, nil
	}
	return Normalize(def, v)
}

// ValidateOrder checks sort keys for a node label (and, in a neighbor query,
// the relationship whose edge properties Edge keys name).
func ValidateOrder(l Label, rel RelType, order []OrderKey) error {
	if len(order) > 5 {
		return Errorf(BadUserInput, "at most 5 sort keys")
	}
	def := LookupLabel(l)
	for _, k := range order {
		switch {
		case k.Count != nil:
			rd := LookupRel(k.Count.Rel)
			if rd == nil {
				return Errorf(BadUserInput, "unknown relationship type %q", k.Count.Rel)
			}
			ends := rd.From
			if k.Count.Dir == In {
				ends = rd.To
			}
			if def == nil || !slices.Contains(ends, l) {
				return Errorf(BadUserInput, "%s has no %s relationship %s to count", l, k.Count.Dir, k.Count.Rel)
			}
		case k.Edge:
			rd := LookupRel(rel)
			if rd == nil || rd.Prop(k.Prop) == nil || !rd.Prop(k.Prop).Type.Ordered() {
				return Errorf(BadUserInput, "cannot order by edge property %q", Truncate(k.Prop, 40))
			}
		case k.Prop == PropID:
		default:
			if def == nil {
				return Errorf(BadUserInput, "unknown node label %q", l)
			}
			p := def.Prop(k.Prop)
			if p == nil || !p.Type.Ordered() {
				return Errorf(BadUserInput, "cannot order %s by %q", l, Truncate(k.Prop, 40))
			}
		}
	}
	return nil
}

// ValidatePage checks page arguments: sizes from 0 to max (max <= 0: no upper
// bound) and not both First and Last.
func ValidatePage(p Page, max int) error {
	if p.First != nil && p.Last != nil {
		return Errorf(BadUserInput, "pass first or last, not both")
	}
	for _, n := range []*int{p.First, p.Last} {
		if n == nil {
			continue
		}
		if *n < 0 {
			return Errorf(BadUserInput, "page size must not be negative, got %d", *n)
		}
		if max > 0 && *n > max {
			return Errorf(BadUserInput, "page size must be at most %d, got %d", max, *n)
		}
	}
	return nil
}

// NodeCursorScope is the scope of the order signature (OrderSignature) of
// the cursors of FindNodes and PlaceNodes for label l; NeighborCursorScope
// that of Neighbors for a relationship type and direction. Every backend
// signs its cursors with these scopes (the conformance suite checks that
// ValidateNodePage and ValidateNeighborPage accept the cursors it returns).
func NodeCursorScope(l Label) string { return "nodes:" + string(l) }

// NeighborCursorScope: see NodeCursorScope.
func NeighborCursorScope(rel RelType, dir Direction) string {
	return "neighbors:" + string(rel) + ":" + dir.String()
}

// ValidateNodePage checks the cursors (After, Before) of a page of the
// nodes of l in order, as FindNodes and PlaceNodes decode them, without a
// store call: BadUserInput for a cursor that is malformed or was made for
// another list or order, or whose keys are not of the order's types (a
// number where the order is by a text: no list makes one, and each store
// would misread it its own way). The API checks them before its first
// store call.
func ValidateNodePage(l Label, order []OrderKey, p Page) error {
	return validateCursors(OrderSignature(NodeCursorScope(l), order), order, p, func(k OrderKey) *PropDef {
		if def := LookupLabel(l); def != nil {
			return def.Prop(k.Prop)
		}
		return nil
	})
}

// ValidateNeighborPage is ValidateNodePage for the cursors of Neighbors.
func ValidateNeighborPage(rel RelType, dir Direction, order []OrderKey, p Page) error {
	rd := LookupRel(rel)
	return validateCursors(OrderSignature(NeighborCursorScope(rel, dir), order), order, p, func(k OrderKey) *PropDef {
		if rd == nil {
			return nil
		}
		if k.Edge {
			return rd.Prop(k.Prop)
		}
		far := rd.To
		if dir == In {
			far = rd.From
		}
		// The registry gives a property one type on every label (an
		// enum's values aside, which a cursor holds as text).
		for _, l := range far {
			if d := LookupLabel(l); d != nil && d.Prop(k.Prop) != nil {
				return d.Prop(k.Prop)
			}
		}
		return nil
	})
}

// validateCursors decodes the cursors of p for the signature of order and
// checks each key's type: a count or the ID is an integer or a text, never
// absent; a property's value is of its type (prop), or absent.
func validateCursors(sig string, order []OrderKey, p Page, prop func(OrderKey) *PropDef) error {
	for _, s := range []string{p.After, p.Before} {
		if s == "" {
			continue
		}
		c, err := DecodeCursor(sig, len(order), s)
		if err != nil {
			return err
		}
		for i, k := range order {
			if !cursorKeyFits(k, c.Keys[i], prop) {
				return InvalidCursor(s)
			}
		}
	}
	return nil
}

// cursorKeyFits reports whether v, a cursor's value of the sort key k, is
// of the key's type.
func cursorKeyFits(k OrderKey, v any, prop func(OrderKey) *PropDef) bool {
	switch {
	case k.Count != nil:
		_, ok := v.(int64)
		return ok
	case k.Prop == PropID && !k.Edge:
		_, ok := v.(string)
		return ok
	case v == nil:
		return true
	}
	def := prop(k)
	if def == nil {
		return true // an order the list refuses on its own
	}
	switch def.Type {
	case String, Enum, Date:
		_, ok := v.(string)
		return ok
	case Int:
		_, ok := v.(int64)
		return ok
	case Float:
		_, ok := v.(float64)
		return ok
	case Bool:
		_, ok := v.(bool)
		return ok
	}
	return false
}
