package kepu_test

import (
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// TestValueDomains: every Int and Float property of every label and
// relationship type refuses a negative value and one over MaxAmount, every
// String property text with control characters (checkTexts), every
// Year property a year
// outside MinYear–MaxYear, on create and on update (BadUserInput naming the
// property); a span (since/until, startYear/endYear) given with its first
// year after its last is refused, and CheckSpans, which the stores run on
// the record an update leaves, names the year the update set; filters keep
// accepting any number.
func TestValueDomains(t *testing.T) {
	type record struct {
		name  string
		props []kepu.PropDef
		check func(props kepu.Props) error // create
		upd   func(set kepu.Props) error   // update
	}
	var records []record
	for _, d := range kepu.LabelDefs() {
		l := d.Label
		base := kepu.Props{}
		for _, p := range d.Props {
			if p.Required {
				switch p.Type {
				case kepu.Enum:
					base[p.Name] = p.Values[0]
				case kepu.Int:
					base[p.Name] = int64(2000)
				default:
					base[p.Name] = "x"
				}
			}
		}
		records = append(records, record{string(l), d.Props,
			func(props kepu.Props) error {
				n := kepu.Node{ID: string(l) + ":k", Label: l, Props: kepu.Props{}}
				for k, v := range base {
					n.Props[k] = v
				}
				for k, v := range props {
					n.Props[k] = v
				}
				return kepu.ValidateNode(&n)
			},
			func(set kepu.Props) error { return kepu.ValidateNodeUpdate(l, set, nil) }})
	}
	for _, d := range kepu.RelDefs() {
		rt, from, to := d.Type, d.From[0], d.To[0]
		records = append(records, record{string(rt), d.Props,
			func(props kepu.Props) error {
				e := kepu.Edge{Type: rt, From: string(from) + ":a", To: string(to) + ":b", Props: kepu.Props{
					kepu.PropProvenance: kepu.Reported, kepu.PropSource: "s"}}
				for k, v := range props {
					e.Props[k] = v
				}
				return kepu.ValidateEdge(&e, from, to)
			},
			func(set kepu.Props) error { return kepu.ValidateEdgeUpdate(rt, set, nil) }})
	}
	numbers, years, spans := 0, 0, 0
	texts := 0
	for _, r := range records {
		for _, p := range r.props {
			if p.Type == kepu.String || p.Type == kepu.StringList {
				texts++
				checkTexts(t, r.name, p, r.check, r.upd)
				continue
			}
			if p.Type != kepu.Int && p.Type != kepu.Float {
				continue
			}
			numbers++
			var bad []any
			ok := []any{int64(0), int64(kepu.MaxAmount)}
			if p.Type == kepu.Float {
				bad, ok = []any{-0.5, kepu.MaxAmount * 1.5, 1e308}, []any{0.0, 2.5, float64(kepu.MaxAmount)}
			} else {
				bad = []any{int64(-1), int64(kepu.MaxAmount) + 1, int64(1<<53 - 1)}
			}
			if p.Year {
				years++
				bad, ok = []any{int64(-5), int64(kepu.MinYear - 1), int64(kepu.MaxYear + 1)}, []any{int64(kepu.MinYear), int64(kepu.MaxYear)}
			}
			for _, v := range bad {
				for what, err := range map[string]error{"create": r.check(kepu.Props{p.Name: v}), "update": r.upd(kepu.Props{p.Name: v})} {
					if kepu.ErrorCode(err) != kepu.BadUserInput || !fieldIs(err, p.Name) {
						t.Errorf("%s.%s = %v on %s: %v, want %s naming %s", r.name, p.Name, v, what, err, kepu.BadUserInput, p.Name)
					}
				}
			}
			for _, v := range ok {
				if err := r.check(kepu.Props{p.Name: v}); err != nil {
					t.Errorf("%s.%s = %v: %v", r.name, p.Name, v, err)
				}
			}
		}
		for _, sp := range kepu.YearSpans {
			if !hasProp(r.props, sp[0]) || !hasProp(r.props, sp[1]) {
				continue
			}
			spans++
			late := kepu.Props{sp[0]: int64(2030), sp[1]: int64(1900)}
			for what, err := range map[string]error{"create": r.check(late), "update": r.upd(kepu.Props{sp[0]: int64(2030), sp[1]: int64(1900)})} {
				if kepu.ErrorCode(err) != kepu.BadUserInput {
					t.Errorf("%s %s 2030, %s 1900 on %s: %v, want %s", r.name, sp[0], sp[1], what, err, kepu.BadUserInput)
				}
			}
			if err := r.check(kepu.Props{sp[0]: int64(2020), sp[1]: int64(2020)}); err != nil {
				t.Errorf("%s one-year span: %v", r.name, err)
			}
		}
	}
	for _, sp := range kepu.YearSpans {
		first, last := sp[0], sp[1]
		stored := kepu.Props{first: int64(2005), last: int64(2010)}
		for _, c := range []struct {
			set   kepu.Props
			field string // "" when the merged record is good
		}{
			{kepu.Props{last: int64(1990)}, last},
			{kepu.Props{first: int64(2015)}, first},
			{kepu.Props{first: int64(2030), last: int64(2020)}, last},
			{kepu.Props{last: int64(2005)}, ""},
			{kepu.Props{first: int64(2020), last: int64(2025)}, ""},
			{kepu.Props{last: nil}, ""},
		} {
			rec := kepu.Props{}
			for k, v := range stored {
				rec[k] = v
			}
			for k, v := range c.set {
				if v == nil {
					delete(rec, k)
				} else {
					rec[k] = v
				}
			}
			err := kepu.CheckSpans(rec, c.set)
			if c.field == "" && err != nil {
				t.Errorf("%v over %v: %v", c.set, stored, err)
			}
			if c.field != "" && (kepu.ErrorCode(err) != kepu.BadUserInput || !fieldIs(err, c.field) ||
				!strings.Contains(err.Error(), first) || !strings.Contains(err.Error(), last)) {
				t.Errorf("%v over %v: %v, want %s naming %s (and the message both years)", c.set, stored, err, kepu.BadUserInput, c.field)
			}
			if got := kepu.SetsSpanYear(c.set); got != (c.set[first] != nil || c.set[last] != nil) {
				t.Errorf("SetsSpanYear(%v) = %v", c.set, got)
			}
		}
		// A record checked whole (no update) names the first year.
		if err := kepu.CheckSpans(kepu.Props{first: int64(2011), last: int64(2010)}, nil); !fieldIs(err, first) {
			t.Errorf("whole record %s 2011, %s 2010: %v, want %s naming %s", first, last, err, kepu.BadUserInput, first)
		}
	}
	if kepu.SetsSpanYear(kepu.Props{"openedYear": int64(2000), "name": "x"}) {
		t.Error("SetsSpanYear of an update without a span year = true")
	}
	if numbers < 20 || years < 6 || spans < 7 || texts < 40 {
		t.Fatalf("checked %d numeric properties, %d years, %d spans, %d texts: the registry has more", numbers, years, spans, texts)
	}
	// A filter may ask for any number.
	f := kepu.C("openedYear", kepu.Lt, -5)
	if err := kepu.ValidateFilter(kepu.Museum, f); err != nil {
		t.Errorf("filter openedYear < -5: %v", err)
	}
}

func hasProp(defs []kepu.PropDef, name string) bool {
	for _, d := range defs {
		if d.Name == name {
			return true
		}
	}
	return false
}

func fieldIs(err error, name string) bool {
	e, ok := err.(*kepu.Error)
	return ok && e.Field == name
}

// checkTexts: the String or StringList property p of a record refuses
// text XML 1.0 cannot hold (a C0 control other than tab, line feed,
// carriage return; U+FFFE; U+FFFF) and text longer than MaxTextBytes on
// create and on update, naming the property, and keeps any other text; a
// filter still takes such text (it matches nothing).
func checkTexts(t *testing.T, record string, p kepu.PropDef, create, update func(kepu.Props) error) {
	t.Helper()
	wrap := func(s string) any {
		if p.Type == kepu.StringList {
			return []any{"ok", s}
		}
		return s
	}
	for _, s := range []string{"a\x00b", "\x01", "x\x1f", "\x0b", "\x0c", "a\uFFFEb", "\uFFFF"} {
		for what, err := range map[string]error{"create": create(kepu.Props{p.Name: wrap(s)}), "update": update(kepu.Props{p.Name: wrap(s)})} {
			if kepu.ErrorCode(err) != kepu.BadUserInput || !fieldIs(err, p.Name) {
				t.Errorf("%s.%s = %q on %s: %v, want %s naming it", record, p.Name, s, what, err, kepu.BadUserInput)
			}
		}
	}
	// MaxTextBytes bytes of UTF-8 are held; one byte more is refused
	// (Neo4j's range index refused 8,144 bytes with a database error).
	longest := strings.Repeat("科", kepu.MaxTextBytes/3) + strings.Repeat("a", kepu.MaxTextBytes%3)
	for what, err := range map[string]error{"create": create(kepu.Props{p.Name: wrap(longest + "a")}), "update": update(kepu.Props{p.Name: wrap(longest + "a")})} {
		if kepu.ErrorCode(err) != kepu.BadUserInput || !fieldIs(err, p.Name) {
			t.Errorf("%s.%s of %d bytes on %s: %v, want %s naming it", record, p.Name, len(longest)+1, what, err, kepu.BadUserInput)
		}
	}
	for _, s := range []string{"tab\there", "line\nfeed\r\n", "中国科技馆 😀 é\u0301", "\u007f\u0085\uFFFD", longest} {
		if err := create(kepu.Props{p.Name: wrap(s)}); err != nil {
			t.Errorf("%s.%s = %q: %v", record, p.Name, s, err)
		}
	}
	if p.Type == kepu.String {
		if _, err := kepu.Normalize(&p, "\x00"); err != nil {
			t.Errorf("%s.%s: a filter value with a control character: %v", record, p.Name, err)
		}
	}
}
