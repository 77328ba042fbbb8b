package kepu

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Cursor is the decoded form of a keyset cursor: the values of the order's
// keys at an item, then the item's ID (the tie-breaker; in a neighbor query,
// the other node's ID).
type Cursor struct {
	Keys []any // one per OrderKey: string, int64, float64, bool or nil (absent)
	ID   string
}

type cursorWire struct {
	O string            `json:"o"` // order signature
	K []json.RawMessage `json:"k,omitempty"`
	T string            `json:"t,omitempty"` // key types: s, i, f, b, n (nil)
	I string            `json:"i"`
}

// OrderSignature identifies an order (and the kind of list), so that a cursor
// made for one order is rejected by another.
func OrderSignature(scope string, order []OrderKey) string {
	var b strings.Builder
	b.WriteString(scope)
	for _, k := range order {
		b.WriteByte('|')
		switch {
		case k.Count != nil:
			fmt.Fprintf(&b, "#%s/%s", k.Count.Rel, k.Count.Dir)
		case k.Edge:
			b.WriteString("e." + k.Prop)
		default:
			b.WriteString(k.Prop)
		}
		if k.Desc {
			b.WriteString(" desc")
		}
	}
	h := fnv.New32a()
	h.Write([]byte(b.String()))
	return fmt.Sprintf("%08x", h.Sum32())
}

// EncodeCursor returns the opaque form of a cursor for an order signature:
// base64 (URL alphabet, no padding) of the JSON of cursorWire. It writes
// the JSON itself, byte for byte what encoding/json writes (which it falls
// back to for strings that need escaping and for floats): a page encodes a
// cursor per node, and reflection was most of a page's cost.
func EncodeCursor(sig string, c Cursor) string {
	b := appendCursorJSON(make([]byte, 0, 64+len(sig)+len(c.ID)+16*len(c.Keys)), sig, c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// EncodeCursors returns the cursors EncodeCursor gives for cursor(0), ...,
// cursor(n-1) with one signature: the same strings, made with a few
// allocations for the whole list instead of a few per cursor (a page
// encodes a cursor per node).
func EncodeCursors(sig string, n int, cursor func(i int) Cursor) []string {
	if n == 0 {
		return []string{}
	}
	var js, text []byte
	ends := make([]int, n)
	for i := range n {
		js = appendCursorJSON(js[:0], sig, cursor(i))
		if text == nil {
			text = make([]byte, 0, n*(base64.RawURLEncoding.EncodedLen(len(js))+8))
		}
		text = base64.RawURLEncoding.AppendEncode(text, js)
		ends[i] = len(text)
	}
	all := string(text)
	out := make([]string, n)
	start := 0
	for i, end := range ends {
		out[i] = all[start:end]
		start = end
	}
	return out
}

// appendCursorJSON appends the JSON of cursorWire for c and sig to b.
func appendCursorJSON(b []byte, sig string, c Cursor) []byte {
	b = append(b, `{"o":`...)
	b = appendJSONString(b, sig)
	if len(c.Keys) > 0 {
		b = append(b, `,"k":[`...)
		for i, k := range c.Keys {
			if i > 0 {
				b = append(b, ',')
			}
			switch v := k.(type) {
			case string:
				b = appendJSONString(b, v)
			case int64:
				b = strconv.AppendInt(b, v, 10)
			case float64:
				raw, _ := json.Marshal(v)
				b = append(b, raw...)
			case bool:
				b = strconv.AppendBool(b, v)
			default:
				b = append(b, "null"...)
			}
		}
		b = append(b, `],"t":"`...)
		for _, k := range c.Keys {
			switch k.(type) {
			case string:
				b = append(b, 's')
			case int64:
				b = append(b, 'i')
			case float64:
				b = append(b, 'f')
			case bool:
				b = append(b, 'b')
			default:
				b = append(b, 'n')
			}
		}
		b = append(b, '"')
	}
	b = append(b, `,"i":`...)
	b = appendJSONString(b, c.ID)
	return append(b, '}')
}

// appendJSONString appends s as encoding/json writes it: printable ASCII
// without the characters it escapes, and valid UTF-8 beyond ASCII other
// than U+2028 and U+2029 (which it escapes), as they are; anything else
// through encoding/json itself.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError && r != '\u2028' && r != '\u2029' {
				i += size
				continue
			}
		}
		raw, _ := json.Marshal(s)
		return append(b, raw...)
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// EmptyCursor is the error of a cursor argument given as "": no cursor
// is empty (the first page is asked by leaving the argument out or null),
// and an empty string taken as none would hide a client's bug (an
// endCursor read from the wrong place) behind a first page.
func EmptyCursor(arg string) error {
	return &Error{Code: BadUserInput, Message: fmt.Sprintf("%s: an empty cursor; leave %s out (or null) for the first page", arg, arg), Field: arg}
}

// InvalidCursor is the BadUserInput error of a text that is not a cursor of
// the list it was given to (its first 64 bytes quoted).
func InvalidCursor(s string) error {
	return Errorf(BadUserInput, "invalid cursor %q", Truncate(s, 64))
}

// DecodeCursor parses a cursor made by EncodeCursor with the same signature and
// number of keys. Any other text gives an error with code BadUserInput.
func DecodeCursor(sig string, nkeys int, s string) (Cursor, error) {
	bad := InvalidCursor(s)
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, bad
	}
	var w cursorWire
	if err := json.Unmarshal(raw, &w); err != nil {
		return Cursor{}, bad
	}
	if w.O != sig {
		return Cursor{}, Errorf(BadUserInput, "cursor %q belongs to another list or order", Truncate(s, 64))
	}
	if len(w.K) != nkeys || len(w.T) != nkeys || w.I == "" {
		return Cursor{}, bad
	}
	c := Cursor{ID: w.I, Keys: make([]any, nkeys)}
	for i, r := range w.K {
		var err error
		switch w.T[i] {
		case 's':
			var v string
			err = json.Unmarshal(r, &v)
			c.Keys[i] = v
		case 'i':
			var v int64
			err = json.Unmarshal(r, &v)
			c.Keys[i] = v
		case 'f':
			var v float64
			err = json.Unmarshal(r, &v)
			c.Keys[i] = v
		case 'b':
			var v bool
			err = json.Unmarshal(r, &v)
			c.Keys[i] = v
		case 'n':
			if string(r) != "null" {
				err = bad
			}
		default:
			err = bad
		}
		if err != nil {
			return Cursor{}, bad
		}
	}
	return c, nil
}
