package kepu_test

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

func TestNormalize(t *testing.T) {
	def := func(typ kepu.PropType, values ...string) *kepu.PropDef {
		return &kepu.PropDef{Name: "p", Type: typ, Values: values}
	}
	ok := []struct {
		def  *kepu.PropDef
		in   any
		want any
	}{
		{def(kepu.String), "x", "x"},
		{def(kepu.String), "", ""},
		{def(kepu.String), nil, nil},
		{def(kepu.Int), 3, int64(3)},
		{def(kepu.Int), int32(-3), int64(-3)},
		{def(kepu.Int), int64(1 << 60), int64(1 << 60)},
		{def(kepu.Int), 2010.0, int64(2010)},
		{def(kepu.Int), json.Number("42"), int64(42)},
		{def(kepu.Float), 1.5, 1.5},
		{def(kepu.Float), 2, 2.0},
		{def(kepu.Float), int64(7), 7.0},
		{def(kepu.Float), json.Number("2.25"), 2.25},
		{def(kepu.Bool), true, true},
		{def(kepu.Enum, "A", "B"), "B", "B"},
		{def(kepu.Date), "2024-02-29", "2024-02-29"},
		{def(kepu.StringList), []string{"a", "b"}, []string{"a", "b"}},
		{def(kepu.StringList), []any{"a"}, []string{"a"}},
		{def(kepu.StringList), []any{}, []string{}},
	}
	for i, tc := range ok {
		got, err := kepu.Normalize(tc.def, tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("case %d: Normalize(%s, %#v) = %#v, %v; want %#v", i, tc.def.Type, tc.in, got, err, tc.want)
		}
	}
	bad := []struct {
		def *kepu.PropDef
		in  any
	}{
		{def(kepu.String), 1},
		{def(kepu.String), []string{"a"}},
		{def(kepu.Int), "1"},
		{def(kepu.Int), 1.5},
		{def(kepu.Int), 1e300},
		{def(kepu.Int), json.Number("1.5")},
		{def(kepu.Int), true},
		{def(kepu.Float), "1.5"},
		{def(kepu.Float), math.NaN()},
		{def(kepu.Float), math.Inf(1)},
		{def(kepu.Bool), "true"},
		{def(kepu.Bool), 1},
		{def(kepu.Enum, "A", "B"), "a"},
		{def(kepu.Enum, "A", "B"), "C"},
		{def(kepu.Date), "2023-02-29"},
		{def(kepu.Date), "2023-1-1"},
		{def(kepu.Date), "yesterday"},
		{def(kepu.StringList), "a"},
		{def(kepu.StringList), []any{"a", 1}},
		{def(kepu.StringList), []int{1}},
	}
	for i, tc := range bad {
		got, err := kepu.Normalize(tc.def, tc.in)
		if kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("bad case %d: Normalize(%s, %#v) = %#v, %v; want BAD_USER_INPUT", i, tc.def.Type, tc.in, got, err)
		}
	}
	// The input list is copied.
	in := []string{"a"}
	got, _ := kepu.Normalize(def(kepu.StringList), in)
	in[0] = "b"
	if got.([]string)[0] != "a" {
		t.Error("Normalize shares the input list")
	}
}

func museum(id string, kv ...any) kepu.Node {
	p := kepu.Props{"name": "n", "provenance": kepu.Reported, "source": "s", "kind": "STANDARD"}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(p, kv[i].(string))
		} else {
			p[kv[i].(string)] = kv[i+1]
		}
	}
	return kepu.Node{ID: id, Label: kepu.LabelOf(id), Props: p}
}

func TestValidateNode(t *testing.T) {
	n := museum("Museum:a-b_c.1", "openedYear", 2001.0, "distanceKm", 3)
	if err := kepu.ValidateNode(&n); err != nil {
		t.Fatal(err)
	}
	if n.Props["openedYear"] != int64(2001) || n.Props["distanceKm"] != 3.0 {
		t.Fatalf("not normalized: %#v", n.Props)
	}
	bad := map[string]kepu.Node{
		"unknown label":     {ID: "Planet:x", Label: "Planet", Props: museum("Museum:x").Props},
		"label mismatch":    {ID: "School:x", Label: kepu.Museum, Props: museum("Museum:x").Props},
		"no label":          {ID: "x", Label: kepu.Museum, Props: museum("Museum:x").Props},
		"empty key":         {ID: "Museum:", Label: kepu.Museum, Props: museum("Museum:x").Props},
		"bad key":           museum("Museum:a/b"),
		"space in key":      museum("Museum:a b"),
		"long key":          museum("Museum:" + strings.Repeat("k", kepu.MaxKeyLen+1)),
		"unknown prop":      museum("Museum:x", "color", "red"),
		"wrong type":        museum("Museum:x", "freeEntry", "yes"),
		"bad enum":          museum("Museum:x", "kind", "BIG"),
		"missing name":      museum("Museum:x", "name", nil),
		"blank name":        museum("Museum:x", "name", " "),
		"missing kind":      museum("Museum:x", "kind", nil),
		"missing source":    museum("Museum:x", "source", nil),
		"bad provenance":    museum("Museum:x", "provenance", "RUMOR"),
		"prop of other one": museum("Museum:x", "stage", "PRIMARY"),
	}
	for name, n := range bad {
		if err := kepu.ValidateNode(&n); kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("%s: %v, want BAD_USER_INPUT", name, err)
		}
	}
	long := museum("Museum:" + strings.Repeat("k", kepu.MaxKeyLen))
	if err := kepu.ValidateNode(&long); err != nil {
		t.Errorf("key of MaxKeyLen: %v", err)
	}
}

func TestValidateNodeUpdate(t *testing.T) {
	set := kepu.Props{"openedYear": 2001.0, "city": nil}
	if err := kepu.ValidateNodeUpdate(kepu.Museum, set, []string{"level"}); err != nil {
		t.Fatal(err)
	}
	if set["openedYear"] != int64(2001) {
		t.Fatalf("set not normalized: %#v", set)
	}
	for i, tc := range []struct {
		l     kepu.Label
		set   kepu.Props
		unset []string
	}{
		{"Planet", nil, nil},
		{kepu.Museum, kepu.Props{"nope": 1}, nil},
		{kepu.Museum, kepu.Props{"name": nil}, nil},
		{kepu.Museum, kepu.Props{"name": ""}, nil},
		{kepu.Museum, kepu.Props{"kind": "BIG"}, nil},
		{kepu.Museum, nil, []string{"kind"}},
		{kepu.Museum, nil, []string{"nope"}},
	} {
		if err := kepu.ValidateNodeUpdate(tc.l, tc.set, tc.unset); kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("case %d: %v, want BAD_USER_INPUT", i, err)
		}
	}
}

func TestValidateEdge(t *testing.T) {
	edge := func(typ kepu.RelType, kv ...any) kepu.Edge {
		p := kepu.Props{"provenance": kepu.Reference, "source": "s"}
		for i := 0; i+1 < len(kv); i += 2 {
			p[kv[i].(string)] = kv[i+1]
		}
		return kepu.Edge{Type: typ, From: "Museum:a", To: "School:b", Props: p}
	}
	e := edge(kepu.PartnersWith, "since", 2019.0)
	if err := kepu.ValidateEdge(&e, kepu.Museum, kepu.School); err != nil || e.Props["since"] != int64(2019) {
		t.Fatalf("valid edge: %v %#v", err, e.Props)
	}
	self := edge(kepu.HelpedEstablish)
	self.To = self.From
	for name, tc := range map[string]struct {
		e        kepu.Edge
		from, to kepu.Label
	}{
		"unknown type":  {edge("LIKES"), kepu.Museum, kepu.School},
		"wrong labels":  {edge(kepu.PartnersWith), kepu.School, kepu.Museum},
		"wrong to":      {edge(kepu.PartnersWith), kepu.Museum, kepu.Museum},
		"self":          {self, kepu.Museum, kepu.Museum},
		"unknown prop":  {edge(kepu.PartnersWith, "tours", 1), kepu.Museum, kepu.School},
		"wrong type":    {edge(kepu.PartnersWith, "since", "2019"), kepu.Museum, kepu.School},
		"no provenance": {kepu.Edge{Type: kepu.PartnersWith, Props: kepu.Props{"source": "s"}}, kepu.Museum, kepu.School},
	} {
		if err := kepu.ValidateEdge(&tc.e, tc.from, tc.to); kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("%s: %v, want BAD_USER_INPUT", name, err)
		}
	}
	if err := kepu.ValidateEdgeUpdate(kepu.Covers, kepu.Props{"tours": 3}, []string{"visits"}); err != nil {
		t.Error(err)
	}
	if err := kepu.ValidateEdgeUpdate(kepu.Covers, nil, []string{"source"}); kepu.ErrorCode(err) != kepu.BadUserInput {
		t.Errorf("unset required: %v", err)
	}
	if err := kepu.ValidateEdgeUpdate("LIKES", nil, nil); kepu.ErrorCode(err) != kepu.BadUserInput {
		t.Errorf("unknown type: %v", err)
	}
}

func TestValidateFilter(t *testing.T) {
	C := kepu.C
	f := kepu.And(C("openedYear", kepu.OneOf, []any{2001.0, 3}), C("distanceKm", kepu.Gt, 2))
	if err := kepu.ValidateFilter(kepu.Museum, f); err != nil {
		t.Fatal(err)
	}
	if got := f.And[0].Cond.Value.([]any); got[0] != int64(2001) || got[1] != int64(3) || f.And[1].Cond.Value != 2.0 {
		t.Fatalf("values not normalized: %#v %#v", got, f.And[1].Cond.Value)
	}
	deep := C("city", kepu.Eq, "x")
	for range kepu.MaxFilterDepth + 2 {
		deep = &kepu.Filter{Not: deep}
	}
	good := []struct {
		l kepu.Label
		f *kepu.Filter
	}{
		{kepu.Museum, nil},
		{kepu.Museum, C(kepu.PropID, kepu.OneOf, []any{"Museum:a"})},
		{kepu.Museum, C("city", kepu.Eq, nil)},
		{kepu.Museum, C("kind", kepu.StartsWith, "ST")},
		{kepu.Program, C("monthlyThemes", kepu.Contains, "space")},
		{kepu.Program, C("monthlyThemes", kepu.Eq, nil)},
		{kepu.Forum, C("date", kepu.Gte, "2020-01-01")},
		{kepu.School, &kepu.Filter{Rel: &kepu.RelCond{Rel: kepu.PartnersWith, Dir: kepu.In, Quant: kepu.Some,
			Node: C("kind", kepu.Eq, "MOBILE"), Edge: C("since", kepu.Lt, 2000)}}},
		{kepu.Province, &kepu.Filter{Rel: &kepu.RelCond{Rel: kepu.PartOf, Dir: kepu.In, Quant: kepu.None, Node: C("gbCode", kepu.Eq, "1")}}},
		{kepu.Museum, &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.Province, Filter: C("code", kepu.Eq, "CN-AH")}}},
	}
	for i, tc := range good {
		if err := kepu.ValidateFilter(tc.l, tc.f); err != nil {
			t.Errorf("good case %d: %v", i, err)
		}
	}
	bad := []struct {
		l kepu.Label
		f *kepu.Filter
	}{
		{"Planet", nil},
		{kepu.Museum, C("nope", kepu.Eq, 1)},
		{kepu.Museum, C("city", "like", "x")},
		{kepu.Museum, C("city", kepu.Eq, 1)},
		{kepu.Museum, C("openedYear", kepu.Contains, "1")},
		{kepu.Museum, C("openedYear", kepu.OneOf, "1")},
		{kepu.Museum, C("openedYear", kepu.OneOf, []any{"1"})},
		{kepu.Museum, C("openedYear", kepu.Lt, nil)},
		{kepu.Museum, C("city", kepu.Contains, nil)},
		{kepu.Museum, C(kepu.PropID, kepu.Gt, "x")},
		{kepu.Program, C("monthlyThemes", kepu.Gt, "x")},
		{kepu.Program, C("monthlyThemes", kepu.StartsWith, "x")},
		{kepu.Program, C("monthlyThemes", kepu.Contains, 1)},
		{kepu.Museum, &kepu.Filter{Cond: &kepu.Cond{Prop: "city", Op: kepu.Eq, Value: "x"}, And: []*kepu.Filter{nil}}},
		{kepu.Museum, deep},
		{kepu.Museum, &kepu.Filter{Rel: &kepu.RelCond{Rel: kepu.PartnersWith, Dir: kepu.In, Quant: kepu.Some}}},
		{kepu.Museum, &kepu.Filter{Rel: &kepu.RelCond{Rel: kepu.PartnersWith, Quant: kepu.Some}}},
		{kepu.Museum, &kepu.Filter{Rel: &kepu.RelCond{Rel: kepu.PartnersWith, Dir: kepu.Out, Quant: "most"}}},
		{kepu.Museum, &kepu.Filter{Rel: &kepu.RelCond{Rel: kepu.PartnersWith, Dir: kepu.Out, Quant: kepu.Some, Edge: C("tours", kepu.Eq, 1)}}},
		{kepu.Museum, &kepu.Filter{Rel: &kepu.RelCond{Rel: kepu.PartnersWith, Dir: kepu.Out, Quant: kepu.Some, Node: C("kind", kepu.Eq, "MOBILE")}}},
		{kepu.Museum, &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.Museum}}},
		{kepu.Museum, &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.County, Filter: C("code", kepu.Eq, "x")}}},
	}
	for i, tc := range bad {
		if err := kepu.ValidateFilter(tc.l, tc.f); kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("bad case %d: %v, want BAD_USER_INPUT", i, err)
		}
	}
	// Edge filters take conditions only.
	if err := kepu.ValidateEdgeFilter(kepu.Covers, &kepu.Filter{Or: []*kepu.Filter{C("tours", kepu.Gt, 1), {Not: C("visits", kepu.Eq, nil)}}}); err != nil {
		t.Error(err)
	}
	if err := kepu.ValidateEdgeFilter(kepu.Covers, &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.Province}}); kepu.ErrorCode(err) != kepu.BadUserInput {
		t.Errorf("place in edge filter: %v", err)
	}
	// A filter on several labels accepts a property of any of them.
	or := &kepu.Filter{Or: []*kepu.Filter{C("gbCode", kepu.Eq, "1"), C("code", kepu.Eq, "CN-AH")}}
	if err := kepu.ValidateFilterAny([]kepu.Label{kepu.Province, kepu.County}, or); err != nil {
		t.Error(err)
	}
	if err := kepu.ValidateFilter(kepu.County, or); kepu.ErrorCode(err) != kepu.BadUserInput {
		t.Errorf("code on County: %v", err)
	}
	if err := kepu.ValidateFilterAny(nil, nil); kepu.ErrorCode(err) != kepu.BadUserInput {
		t.Errorf("no labels: %v", err)
	}
}

func TestValidateOrder(t *testing.T) {
	good := [][]kepu.OrderKey{
		nil,
		{{Prop: "openedYear", Desc: true}, {Prop: kepu.PropID}},
		{{Count: &kepu.RelCount{Rel: kepu.PartnersWith, Dir: kepu.Out}}},
		{{Count: &kepu.RelCount{Rel: kepu.HelpedEstablish, Dir: kepu.In}}},
	}
	for i, o := range good {
		if err := kepu.ValidateOrder(kepu.Museum, "", o); err != nil {
			t.Errorf("good case %d: %v", i, err)
		}
	}
	if err := kepu.ValidateOrder(kepu.School, kepu.PartnersWith, []kepu.OrderKey{{Prop: "since", Edge: true}}); err != nil {
		t.Error(err)
	}
	bad := []struct {
		l   kepu.Label
		rel kepu.RelType
		o   []kepu.OrderKey
	}{
		{kepu.Museum, "", []kepu.OrderKey{{Prop: "nope"}}},
		{kepu.Program, "", []kepu.OrderKey{{Prop: "monthlyThemes"}}},
		{kepu.Museum, "", []kepu.OrderKey{{Count: &kepu.RelCount{Rel: kepu.PartnersWith, Dir: kepu.In}}}},
		{kepu.Museum, "", []kepu.OrderKey{{Count: &kepu.RelCount{Rel: "LIKES", Dir: kepu.In}}}},
		{kepu.Museum, "", []kepu.OrderKey{{Prop: "since", Edge: true}}},
		{kepu.School, kepu.PartnersWith, []kepu.OrderKey{{Prop: "tours", Edge: true}}},
		{"Planet", "", []kepu.OrderKey{{Prop: "name"}}},
		{kepu.Museum, "", make([]kepu.OrderKey, 6)},
	}
	for i, tc := range bad {
		if err := kepu.ValidateOrder(tc.l, tc.rel, tc.o); kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("bad case %d: %v, want BAD_USER_INPUT", i, err)
		}
	}
}

func TestValidatePage(t *testing.T) {
	n := func(i int) *int { return &i }
	for i, tc := range []struct {
		p   kepu.Page
		max int
		ok  bool
	}{
		{kepu.Page{}, 0, true},
		{kepu.Page{First: n(0)}, 0, true},
		{kepu.Page{First: n(1000000)}, 0, true},
		{kepu.Page{Last: n(100)}, 100, true},
		{kepu.Page{Last: n(101)}, 100, false},
		{kepu.Page{First: n(-1)}, 0, false},
		{kepu.Page{Last: n(-1)}, 0, false},
		{kepu.Page{First: n(1), Last: n(1)}, 0, false},
	} {
		err := kepu.ValidatePage(tc.p, tc.max)
		if tc.ok != (err == nil) || (err != nil && kepu.ErrorCode(err) != kepu.BadUserInput) {
			t.Errorf("case %d: %v", i, err)
		}
	}
}

func TestCursor(t *testing.T) {
	order := []kepu.OrderKey{{Prop: "name"}, {Prop: "openedYear", Desc: true}, {Prop: "distanceKm"}, {Prop: "freeEntry"}, {Prop: "city"}}
	sig := kepu.OrderSignature("nodes:Museum", order)
	c := kepu.Cursor{Keys: []any{"科普 'x' \"y\"", int64(1 << 60), 1.25, true, nil}, ID: "Museum:a"}
	s := kepu.EncodeCursor(sig, c)
	got, err := kepu.DecodeCursor(sig, len(order), s)
	if err != nil || !reflect.DeepEqual(got, c) {
		t.Fatalf("round trip = %#v, %v; want %#v", got, err, c)
	}
	// Signatures differ by scope, key, direction and kind of key.
	sigs := map[string]string{}
	for name, s := range map[string]string{
		"base":    sig,
		"scope":   kepu.OrderSignature("nodes:School", order),
		"desc":    kepu.OrderSignature("nodes:Museum", []kepu.OrderKey{{Prop: "name", Desc: true}}),
		"asc":     kepu.OrderSignature("nodes:Museum", []kepu.OrderKey{{Prop: "name"}}),
		"edge":    kepu.OrderSignature("nodes:Museum", []kepu.OrderKey{{Prop: "name", Edge: true}}),
		"count":   kepu.OrderSignature("nodes:Museum", []kepu.OrderKey{{Count: &kepu.RelCount{Rel: kepu.Covers, Dir: kepu.Out}}}),
		"countIn": kepu.OrderSignature("nodes:Museum", []kepu.OrderKey{{Count: &kepu.RelCount{Rel: kepu.Covers, Dir: kepu.In}}}),
		"none":    kepu.OrderSignature("nodes:Museum", nil),
	} {
		if other, dup := sigs[s]; dup {
			t.Errorf("signatures %s and %s are equal", name, other)
		}
		sigs[s] = name
	}
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	bad := map[string]string{
		"empty":         "",
		"not base64":    "!!!",
		"not json":      base64.RawURLEncoding.EncodeToString([]byte("nope")),
		"other order":   kepu.EncodeCursor(kepu.OrderSignature("nodes:School", order), c),
		"truncated":     s[:len(s)-4],
		"key count":     kepu.EncodeCursor(sig, kepu.Cursor{Keys: []any{"a"}, ID: "Museum:a"}),
		"no id":         kepu.EncodeCursor(sig, kepu.Cursor{Keys: c.Keys}),
		"bad type tag":  enc(map[string]any{"o": sig, "k": []any{"a", 1, 1.5, true, nil}, "t": "sifbx", "i": "Museum:a"}),
		"type mismatch": enc(map[string]any{"o": sig, "k": []any{1, 1, 1.5, true, nil}, "t": "sifbn", "i": "Museum:a"}),
		"null not null": enc(map[string]any{"o": sig, "k": []any{"a", 1, 1.5, true, 3}, "t": "sifbn", "i": "Museum:a"}),
		"short types":   enc(map[string]any{"o": sig, "k": []any{"a", 1, 1.5, true, nil}, "t": "sif", "i": "Museum:a"}),
		"float for int": enc(map[string]any{"o": sig, "k": []any{"a", 1.5, 1.5, true, nil}, "t": "sifbn", "i": "Museum:a"}),
		"padded base64": base64.URLEncoding.EncodeToString([]byte(`{"o":"` + sig + `"}`)),
		"std alphabet":  strings.NewReplacer("-", "+", "_", "/").Replace(s) + "+/",
	}
	for name, s := range bad {
		if _, err := kepu.DecodeCursor(sig, len(order), s); kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("%s: %v, want BAD_USER_INPUT", name, err)
		}
	}
}

func TestCompareValues(t *testing.T) {
	for i, tc := range []struct {
		a, b any
		want int
	}{
		{nil, nil, 0},
		{nil, "a", 1},
		{"a", nil, -1},
		{int64(0), nil, -1},
		{"a", "b", -1},
		{"b", "a", 1},
		{"Z", "a", -1},
		{"中", "a", 1},
		{int64(2), int64(10), -1},
		{int64(-1), int64(-1), 0},
		{1.5, int64(1), 1},
		{int64(2), 2.0, 0},
		{2.5, 2.25, 1},
		{false, true, -1},
		{true, true, 0},
		{true, false, 1},
		{[]string{"a"}, []string{"a", "b"}, -1},
		{[]string{"b"}, []string{"a", "b"}, 1},
	} {
		if got := kepu.CompareValues(tc.a, tc.b); got != tc.want {
			t.Errorf("case %d: CompareValues(%#v, %#v) = %d, want %d", i, tc.a, tc.b, got, tc.want)
		}
	}
	for i, tc := range []struct {
		a, b any
		want bool
	}{
		{nil, nil, true},
		{nil, "", false},
		{"a", "a", true},
		{int64(2), 2.0, true},
		{int64(2), "2", false},
		{true, int64(1), false},
		{[]string{"a"}, []string{"a"}, true},
		{"a", []string{"a"}, false},
	} {
		if got := kepu.ValueEqual(tc.a, tc.b); got != tc.want {
			t.Errorf("case %d: ValueEqual(%#v, %#v) = %v", i, tc.a, tc.b, got)
		}
	}
}

func TestIDs(t *testing.T) {
	for _, tc := range []struct {
		id    string
		label kepu.Label
		key   string
	}{
		{"Museum:cstm", kepu.Museum, "cstm"},
		{"County:110105", kepu.County, "110105"},
		{"Museum:a:b", kepu.Museum, "a:b"},
		{"Planet:x", "", "x"},
		{"Museum:", "", ""},
		{":x", "", "x"},
		{"nocolon", "", "nocolon"},
	} {
		if l := kepu.LabelOf(tc.id); l != tc.label {
			t.Errorf("LabelOf(%q) = %q, want %q", tc.id, l, tc.label)
		}
		if k := kepu.KeyOf(tc.id); k != tc.key {
			t.Errorf("KeyOf(%q) = %q, want %q", tc.id, k, tc.key)
		}
	}
	if id := kepu.MakeID(kepu.School, "s1"); id != "School:s1" {
		t.Errorf("MakeID = %q", id)
	}
	for _, id := range []string{"Museum:cstm", "Person:zhang-san", "County:110105"} {
		gid := kepu.GlobalID(id)
		if strings.ContainsAny(gid, "+/=:") {
			t.Errorf("GlobalID(%q) = %q is not URL-safe", id, gid)
		}
		back, err := kepu.ParseGlobalID(gid)
		if err != nil || back != id {
			t.Errorf("ParseGlobalID(GlobalID(%q)) = %q, %v", id, back, err)
		}
	}
	for _, gid := range []string{"", "%%%", "Museum:cstm", kepu.GlobalID("Planet:x"), kepu.GlobalID("nocolon"), kepu.GlobalID("Museum:"),
		kepu.GlobalID("Museum:a b"), kepu.GlobalID("Museum:科技馆"), kepu.GlobalID("Museum:x/y"), kepu.GlobalID("Museum:" + strings.Repeat("k", kepu.MaxKeyLen+1))} {
		if _, err := kepu.ParseGlobalID(gid); kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("ParseGlobalID(%q): %v, want BAD_USER_INPUT", gid, err)
		}
	}
}

func TestErrorCode(t *testing.T) {
	if kepu.ErrorCode(nil) != "" {
		t.Error("nil")
	}
	e := kepu.Errorf(kepu.NotFound, "node %s not found", "x")
	if kepu.ErrorCode(e) != kepu.NotFound || kepu.ErrorMessage(e) != "node x not found" {
		t.Errorf("got %q %q", kepu.ErrorCode(e), kepu.ErrorMessage(e))
	}
	wrapped := &wrapErr{e}
	if kepu.ErrorCode(wrapped) != kepu.NotFound {
		t.Error("wrapped code")
	}
	if kepu.ErrorCode(errPlain("boom")) != kepu.Internal || kepu.ErrorMessage(errPlain("boom")) == "boom" {
		t.Error("plain errors are internal and hidden")
	}
}

type wrapErr struct{ err error }

func (w *wrapErr) Error() string { return "wrapped: " + w.err.Error() }
func (w *wrapErr) Unwrap() error { return w.err }

type errPlain string

func (e errPlain) Error() string { return string(e) }

func TestRegistry(t *testing.T) {
	for _, l := range kepu.Labels {
		d := kepu.LookupLabel(l)
		if d == nil {
			t.Fatalf("no definition for %s", l)
		}
		for _, p := range []string{kepu.PropName, kepu.PropProvenance, kepu.PropSource} {
			if d.Prop(p) == nil || !d.Prop(p).Required {
				t.Errorf("%s.%s missing or optional", l, p)
			}
		}
	}
	for _, d := range kepu.RelDefs() {
		if kepu.LookupRel(d.Type) == nil || d.Prop(kepu.PropSource) == nil || len(d.From) == 0 || len(d.To) == 0 {
			t.Errorf("bad relationship definition %s", d.Type)
		}
	}
	// RelsOf is sorted and agrees with Joins.
	rels := kepu.RelsOf(kepu.Museum, kepu.Out)
	for i := 1; i < len(rels); i++ {
		if rels[i-1].Type >= rels[i].Type {
			t.Errorf("RelsOf not sorted: %s before %s", rels[i-1].Type, rels[i].Type)
		}
	}
	if !kepu.LookupRel(kepu.PartOf).Joins(kepu.County, kepu.Province) || kepu.LookupRel(kepu.PartOf).Joins(kepu.Province, kepu.County) {
		t.Error("PART_OF joins")
	}
}
