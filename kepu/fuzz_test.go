package kepu_test

// Fuzz targets for two inputs that reach the store from clients: keyset
// cursors and filter trees. Hostile input gives a BAD_USER_INPUT error, never
// a panic. Their seed inputs run with every go test; to fuzz:
//
//	go test ./kepu -run '^$' -fuzz FuzzDecodeCursor -fuzztime 3m
//	go test ./kepu -run '^$' -fuzz FuzzValidateFilter -fuzztime 3m

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

func FuzzDecodeCursor(f *testing.F) {
	order := []kepu.OrderKey{{Prop: "name"}, {Prop: "openedYear", Desc: true}}
	sig := kepu.OrderSignature("Museum", order)
	f.Add(sig, 2, kepu.EncodeCursor(sig, kepu.Cursor{Keys: []any{"Beijing", int64(1988)}, ID: "Museum:cstm"}))
	f.Add(sig, 2, kepu.EncodeCursor(sig, kepu.Cursor{Keys: []any{nil, 1.5}, ID: "Museum:x"}))
	f.Add(sig, 1, kepu.EncodeCursor(sig, kepu.Cursor{Keys: []any{true}, ID: "School:1"}))
	f.Add("00000000", 0, "eyJvIjoiMDAwMDAwMDAiLCJpIjoiYSJ9")
	f.Add(sig, 2, "")
	f.Add(sig, 2, "!!!not base64")
	f.Add(sig, 3, "eyJvIjoiIiwiayI6W251bGwsMSwiYSJdLCJ0IjoibmlzIiwiaSI6IngifQ")
	f.Fuzz(func(t *testing.T, sig string, nkeys int, s string) {
		nkeys %= 8
		c, err := kepu.DecodeCursor(sig, nkeys, s)
		if err != nil {
			if code := kepu.ErrorCode(err); code != kepu.BadUserInput {
				t.Fatalf("error code %q, want %q", code, kepu.BadUserInput)
			}
			return
		}
		if len(c.Keys) != nkeys || c.ID == "" {
			t.Fatalf("decoded %+v for %d keys", c, nkeys)
		}
		// A decoded cursor encodes back to one that decodes the same.
		again, err := kepu.DecodeCursor(sig, nkeys, kepu.EncodeCursor(sig, c))
		if err != nil {
			t.Fatalf("re-encoded cursor does not decode: %v", err)
		}
		if again.ID != c.ID || len(again.Keys) != len(c.Keys) {
			t.Fatalf("round trip: %+v != %+v", again, c)
		}
	})
}

// filterGen builds a filter tree from fuzz bytes.
type filterGen struct {
	b []byte
	n int // nodes built, bounded
}

func (g *filterGen) byte() byte {
	if len(g.b) == 0 {
		return 0
	}
	c := g.b[0]
	g.b = g.b[1:]
	return c
}

var (
	fuzzProps = []string{"name", "nameZh", "kind", "openedYear", "distanceKm", "freeEntry", "monthlyThemes",
		"id", "date", "code", "since", "role", "", "nope", "provenance"}
	fuzzValues = []any{nil, "x", "", "STANDARD", "2024-01-02", "2024-13-45", int64(3), 3, 2.5, json.Number("7"),
		json.Number("1e400"), true, []any{"a", 1}, []any{}, []string{"a"}, map[string]any{}, -1.0}
	fuzzLabels = append(kepu.Labels[:len(kepu.Labels):len(kepu.Labels)], "", "Nope")
)

func pick[T any](g *filterGen, xs []T) T { return xs[int(g.byte())%len(xs)] }

func (g *filterGen) filter(depth int) *kepu.Filter {
	g.n++
	if g.n > 200 || depth > 30 {
		return nil
	}
	switch g.byte() % 8 {
	case 0:
		return nil
	case 1:
		f := &kepu.Filter{}
		for i := 0; i < int(g.byte()%4); i++ {
			f.And = append(f.And, g.filter(depth+1))
		}
		return f
	case 2:
		f := &kepu.Filter{Or: []*kepu.Filter{}}
		for i := 0; i < int(g.byte()%4); i++ {
			f.Or = append(f.Or, g.filter(depth+1))
		}
		return f
	case 3:
		return &kepu.Filter{Not: g.filter(depth + 1)}
	case 4:
		rels := kepu.RelDefs()
		r := &kepu.RelCond{Rel: rels[int(g.byte())%len(rels)].Type, Dir: kepu.Direction(g.byte() % 4),
			Quant: pick(g, []kepu.Quantifier{kepu.Some, kepu.None, "most"}), Node: g.filter(depth + 1), Edge: g.filter(depth + 1)}
		if g.byte()%5 == 0 {
			r.Rel = "BOGUS"
		}
		return &kepu.Filter{Rel: r}
	case 5:
		return &kepu.Filter{Place: &kepu.PlaceCond{Level: pick(g, fuzzLabels), Filter: g.filter(depth + 1)}}
	case 6:
		// Several parts at once: invalid.
		return &kepu.Filter{Not: g.filter(depth + 1), Cond: g.cond()}
	}
	return &kepu.Filter{Cond: g.cond()}
}

func (g *filterGen) cond() *kepu.Cond {
	ops := append(kepu.Ops[:len(kepu.Ops):len(kepu.Ops)], "like")
	c := &kepu.Cond{Prop: pick(g, fuzzProps), Op: pick(g, ops), Value: pick(g, fuzzValues)}
	if c.Op == kepu.OneOf && g.byte()%2 == 0 {
		c.Value = []any{pick(g, fuzzValues), pick(g, fuzzValues)}
	}
	return c
}

func FuzzValidateFilter(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{7, 0, 0, 0})
	f.Add([]byte{1, 3, 7, 3, 0, 7, 5, 1, 4, 2, 2, 3, 1})
	f.Add([]byte{4, 3, 0, 1, 7, 8, 4, 5, 0, 1, 2})
	f.Add([]byte{5, 0, 7, 12, 3, 1})
	f.Add([]byte(strings.Repeat("\x03", 40)))
	f.Add([]byte(strings.Repeat("\x01\x03", 30)))
	f.Fuzz(func(t *testing.T, b []byte) {
		g := &filterGen{b: b}
		label := pick(g, fuzzLabels)
		flt := g.filter(0)
		err := kepu.ValidateFilter(label, flt)
		if err != nil && kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Fatalf("error code %q (%v), want %q", kepu.ErrorCode(err), err, kepu.BadUserInput)
		}
		if label != "" {
			_ = kepu.ValidateFilterAny([]kepu.Label{label, kepu.School}, g.filter(0))
		}
		if rels := kepu.RelDefs(); len(b) > 0 {
			_ = kepu.ValidateEdgeFilter(rels[int(b[0])%len(rels)].Type, g.filter(0))
		}
	})
}
