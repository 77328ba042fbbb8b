package kepu

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
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
	b := make([]byte, 0, 64+len(sig)+len(c.ID)+16*len(c.Keys))
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
	b = append(b, '}')
	return base64.RawURLEncoding.EncodeToString(b)
}

// appendJSONString appends s as encoding/json writes it: plain printable
// ASCII without the characters it escapes as it is, anything else through
// encoding/json itself.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			raw, _ := json.Marshal(s)
			return append(b, raw...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
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
