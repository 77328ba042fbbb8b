package neo4jstore

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/kepugraph/kepugraph/kepu"
)

// escapedLiteral is what textLiteral writes: ASCII letters, digits,
// spaces and \uXXXX escapes between single quotes, nothing else.
var escapedLiteral = regexp.MustCompile(`^'(?:[A-Za-z0-9 ]|\\u[0-9a-f]{4})*'$`)

// TestOrderValueLiteral: a text compared by order that holds a character
// from U+E000 on goes into the Cypher as an escaped literal (orderValue;
// the conformance suite's FindNodes/TextOrder runs such statements), which
// no text can leave, and which decodes to the text; the others stay
// parameters.
func TestOrderValueLiteral(t *testing.T) {
	for _, h := range []string{
		"（' OR 1=1 --", "😀' }) DETACH DELETE n //", "北京（东城）", "\uffff\\u0027", "\U00020000`x`", "\u0000\uE000", "a'b\uFF21\n",
	} {
		c := newCompiler()
		lit := c.orderValue(h)
		if !escapedLiteral.MatchString(lit) || len(c.p) != 0 {
			t.Fatalf("orderValue(%q) = %s (%d parameters), want an escaped literal", h, lit, len(c.p))
		}
		if got := unescapeLiteral(t, lit); got != h {
			t.Fatalf("orderValue(%q) = %s, which reads as %q", h, lit, got)
		}
		f := kepu.C(kepu.PropName, kepu.Gt, h)
		cur := &kepu.Cursor{Keys: []any{h}, ID: "Museum:x"}
		st, err := buildFindNodes(kepu.Museum, f, listPlan{order: []kepu.OrderKey{{Prop: kepu.PropName}}, after: cur, limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(st.Cypher, h) || strings.Count(st.Cypher, lit) < 2 {
			t.Fatalf("text %q: want its literal (for the condition and the cursor) and never the text in %s", h, st.Cypher)
		}
	}
	for _, s := range []string{"plain", "北京科学中心", "\ud7ff"} {
		c := newCompiler()
		if p := c.orderValue(s); p != "$p0" || c.p["p0"] != s {
			t.Fatalf("orderValue(%q) = %s, want the parameter $p0", s, p)
		}
	}
	if c := newCompiler(); c.orderValue(int64(5)) != "$p0" {
		t.Fatal("a number is a parameter")
	}
}

// unescapeLiteral reads a literal that escapedLiteral matches.
func unescapeLiteral(t *testing.T, lit string) string {
	var units []uint16
	s := lit[1 : len(lit)-1]
	for len(s) > 0 {
		if strings.HasPrefix(s, `\u`) {
			n, err := strconv.ParseUint(s[2:6], 16, 16)
			if err != nil {
				t.Fatal(err)
			}
			units = append(units, uint16(n))
			s = s[6:]
			continue
		}
		units = append(units, uint16(s[0]))
		s = s[1:]
	}
	return string(utf16.Decode(units))
}
