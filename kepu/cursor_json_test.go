package kepu

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

// encodeCursorJSON is EncodeCursor through encoding/json (the reference
// that the tests compare EncodeCursor with).
func encodeCursorJSON(sig string, c Cursor) string {
	w := cursorWire{O: sig, I: c.ID}
	var types strings.Builder
	for _, k := range c.Keys {
		switch k.(type) {
		case string:
			types.WriteByte('s')
		case int64:
			types.WriteByte('i')
		case float64:
			types.WriteByte('f')
		case bool:
			types.WriteByte('b')
		default:
			types.WriteByte('n')
			k = nil
		}
		raw, _ := json.Marshal(k)
		w.K = append(w.K, raw)
	}
	w.T = types.String()
	b, _ := json.Marshal(w)
	return base64.RawURLEncoding.EncodeToString(b)
}

// TestEncodeCursorIsJSON checks that EncodeCursor writes exactly what
// encoding/json writes, for keys of every type and strings that need
// escaping.
func TestEncodeCursorIsJSON(t *testing.T) {
	strs := []string{"", "Museum:cstm", "a\"b", "back\\slash", "<&>", "\u2028 line", "科普", "ctl\x01", "bad\xff utf8", "del\x7f",
		"浙江省科技馆 Zhejiang", "科普\u2029", "\ufffd", "科\xe7普", "é<"}
	keys := [][]any{nil, {}, {int64(-42)}, {3.5, 1e21, 1e-7}, {true, false}, {nil}, {"x", int64(7), 2.0, nil, true}}
	for _, s := range strs {
		keys = append(keys, []any{s})
	}
	for _, sig := range strs {
		for _, id := range strs {
			for _, k := range keys {
				c := Cursor{Keys: k, ID: id}
				if got, want := EncodeCursor(sig, c), encodeCursorJSON(sig, c); got != want {
					t.Fatalf("EncodeCursor(%q, %#v) = %s, encoding/json gives %s", sig, c, got, want)
				}
			}
		}
	}
}

// TestEncodeCursors checks that EncodeCursors gives EncodeCursor's strings.
func TestEncodeCursors(t *testing.T) {
	cs := []Cursor{{ID: "Museum:a"}, {Keys: []any{"科普馆", int64(3)}, ID: "Museum:b"}, {Keys: []any{"<x>", nil}, ID: "Museum:c\xff"}, {Keys: []any{2.5, true}, ID: ""}}
	for n := range len(cs) + 1 {
		got := EncodeCursors("sig", n, func(i int) Cursor { return cs[i] })
		if len(got) != n {
			t.Fatalf("%d cursors for %d", len(got), n)
		}
		for i := range n {
			if want := EncodeCursor("sig", cs[i]); got[i] != want {
				t.Fatalf("EncodeCursors[%d] = %s, EncodeCursor gives %s", i, got[i], want)
			}
		}
	}
}
