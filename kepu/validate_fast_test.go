package kepu

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// TestIsKey: isKey answers as keyPattern for every ASCII byte alone and in
// keys, for bytes that are not ASCII or not UTF-8, and for random keys.
func TestIsKey(t *testing.T) {
	keys := []string{"", "a", "gen-bench-m-0000001", "A.b_c-9", "a b", "北京", "\xff", "a\x00", "a\n", "-", "..", "a/b"}
	for c := range 256 {
		keys = append(keys, string([]byte{byte(c)}), "ab"+string([]byte{byte(c)})+"z")
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("aZ09_.-/ :\x7f\x80\xe4")
	for range 5000 {
		b := make([]byte, rnd.IntN(12))
		for i := range b {
			b[i] = alphabet[rnd.IntN(len(alphabet))]
		}
		keys = append(keys, string(b))
	}
	for _, k := range keys {
		if got, want := isKey(k), keyPattern.MatchString(k); got != want {
			t.Errorf("isKey(%q) = %v, keyPattern %v", k, got, want)
		}
	}
}

// refCheckText is checkText as it was (a loop over the runes).
func refCheckText(def *PropDef, s string) error {
	for i, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xFFFE || r == 0xFFFF {
			return controlError(def, r, i)
		}
	}
	return nil
}

// TestCheckTextSame: checkText gives refCheckText's answer (nil, or the
// same error naming the same character and byte) for every ASCII byte and
// for generated text mixing ASCII, Chinese, U+FFFE, U+FFFF, controls and
// bytes that are not UTF-8.
func TestCheckTextSame(t *testing.T) {
	def := &PropDef{Name: "name", Type: String}
	texts := []string{"", "Beijing Science Center", "北京科学中心", "a\tb\nc\rd", "\uFFFE", "x\uFFFF", "\xef\xbf", "\xff\x01"}
	for c := range 256 {
		texts = append(texts, string([]byte{byte(c)}), "科"+string([]byte{byte(c)}), "ab"+string([]byte{byte(c)}))
	}
	rnd := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"a", "Z", " ", "\t", "\x00", "\x1f", "\x7f", "北", "（", "\uFFFE", "\uFFFF", "\uFFFD", "\xff", "\xef\xbf", "é", "\u0085"}
	for range 5000 {
		var b strings.Builder
		for range rnd.IntN(10) {
			b.WriteString(pieces[rnd.IntN(len(pieces))])
		}
		texts = append(texts, b.String())
	}
	for _, s := range texts {
		got, want := checkText(def, s), refCheckText(def, s)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("checkText(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestNormalizePropsCopy: the map ValidateNode and ValidateEdge leave is a
// new one (writing it leaves the caller's map as it was), with the
// normalized values (an int as int64, a json.Number, a float of an
// integer, a []any of strings as []string), nil values left out, and
// lists that are copies; a record without properties gets an empty map.
func TestNormalizePropsCopy(t *testing.T) {
	list := []string{"a", "b"}
	in := Props{PropName: "Beijing Science Center", PropNameZh: "北京科学中心", PropProvenance: Reported, PropSource: "seed:000",
		"openedYear": 1988, "offlineVisits": json.Number("12"), "kind": "STANDARD", "level": nil}
	n := Node{ID: "Museum:m1", Label: Museum, Props: in}
	before := fmt.Sprint(in)
	if err := ValidateNode(&n); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(in) != before {
		t.Fatalf("ValidateNode changed the caller's map: %v", in)
	}
	want := Props{PropName: "Beijing Science Center", PropNameZh: "北京科学中心", PropProvenance: Reported, PropSource: "seed:000",
		"openedYear": int64(1988), "offlineVisits": int64(12), "kind": "STANDARD"}
	if !reflect.DeepEqual(n.Props, want) {
		t.Fatalf("ValidateNode: %#v, want %#v", n.Props, want)
	}
	n.Props["name"] = "changed"
	if in[PropName] != "Beijing Science Center" {
		t.Fatal("the normalized map is the caller's")
	}
	// Lists: a []string is copied, a []any becomes a []string.
	for _, v := range []any{list, []any{"a", "b"}} {
		def := &PropDef{Name: "tags", Type: StringList}
		out, err := normalizeProps([]PropDef{*def}, Props{"tags": v}, false, "x")
		if err != nil {
			t.Fatal(err)
		}
		got, ok := out["tags"].([]string)
		if !ok || !reflect.DeepEqual(got, list) {
			t.Fatalf("normalizeProps(%#v) = %#v", v, out["tags"])
		}
		got[0] = "changed"
		if list[0] != "a" {
			t.Fatal("the normalized list is the caller's")
		}
	}
	// An edge's float of an integer, and a record without properties.
	e := Edge{Type: Covers, From: "Museum:m1", To: "County:c1", Props: Props{PropProvenance: Generated, PropSource: "s", "tours": 3.0, "visits": int64(900)}}
	if err := ValidateEdge(&e, Museum, County); err != nil {
		t.Fatal(err)
	}
	if v, ok := e.Props["tours"].(int64); !ok || v != 3 {
		t.Fatalf("tours = %#v, want int64 3", e.Props["tours"])
	}
	out, err := normalizeProps(nil, nil, false, "x")
	if err != nil || out == nil || len(out) != 0 {
		t.Fatalf("normalizeProps(nil) = %#v, %v; want an empty map", out, err)
	}
}

// BenchmarkValidateBulk validates records like the benchmark graph's: a
// bulk museum and a COVERS edge (ValidateNode, ValidateEdge; a load
// validates each record of the 1M graph once in the loader).
//
//	go test ./kepu -run XXX -bench ValidateBulk -benchmem
func BenchmarkValidateBulk(b *testing.B) {
	node := Props{PropName: "Generated Benchmark Museum 0000001 (Dongcheng District)", PropNameZh: "生成的基准测试科技馆 0000001（东城区）",
		"kind": "STANDARD", "openedYear": int64(2015), "offlineVisits": int64(123456), "level": "COUNTY", "freeEntry": true,
		PropProvenance: Generated, PropSource: "generated: benchmark graph of 1000000 nodes (seed 1, bench/scale)"}
	edge := Props{PropProvenance: Generated, PropSource: "generated: benchmark graph of 1000000 nodes (seed 1, bench/scale)",
		"tours": int64(3), "visits": int64(2400)}
	b.Run("node", func(b *testing.B) {
		for b.Loop() {
			n := Node{ID: "Museum:gen-bench-m-0000001", Label: Museum, Props: node}
			if err := ValidateNode(&n); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("edge", func(b *testing.B) {
		for b.Loop() {
			e := Edge{Type: Covers, From: "Museum:gen-bench-m-0000001", To: "County:110101", Props: edge}
			if err := ValidateEdge(&e, Museum, County); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestYearSpansAreYears: every property that YearSpans names is a Year on
// every label and relationship type that has it (normalizeProps checks the
// spans only of records with two years or more).
func TestYearSpansAreYears(t *testing.T) {
	span := map[string]bool{}
	for _, sp := range YearSpans {
		span[sp[0]], span[sp[1]] = true, true
	}
	var defs []PropDef
	for _, d := range LabelDefs() {
		defs = append(defs, d.Props...)
	}
	for _, d := range RelDefs() {
		defs = append(defs, d.Props...)
	}
	found := 0
	for _, d := range defs {
		if span[d.Name] {
			found++
			if !d.Year {
				t.Errorf("%s is in YearSpans but not a Year", d.Name)
			}
		}
	}
	if found == 0 {
		t.Fatal("no property of YearSpans in the registry")
	}
	// A backwards span is still refused.
	e := Edge{Type: PartnersWith, From: "Museum:m1", To: "School:s1", Props: Props{PropProvenance: Generated, PropSource: "s", "since": 2010, "until": 2005}}
	if err := ValidateEdge(&e, Museum, School); ErrorCode(err) != BadUserInput {
		t.Fatalf("since 2010, until 2005: %v, want BAD_USER_INPUT", err)
	}
}

// TestNoncharacterMessage: U+FFFE and U+FFFF are refused as the
// noncharacters they are, not as control characters; a C0 control as a
// control character. Each error names the field and the byte.
func TestNoncharacterMessage(t *testing.T) {
	def := &PropDef{Name: "name", Type: String}
	for s, want := range map[string]string{
		"ab\uFFFF": "name holds the noncharacter U+FFFF at byte 2",
		"\uFFFE":   "name holds the noncharacter U+FFFE at byte 0",
		"北\x01":    "name holds the control character U+0001 at byte 3",
		"a\x00":    "name holds the control character U+0000 at byte 1",
	} {
		err := checkText(def, s)
		if ErrorCode(err) != BadUserInput || err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("checkText(%q) = %v, want BAD_USER_INPUT %q…", s, err, want)
		}
	}
}
