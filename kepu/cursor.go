package kepu

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
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

// EncodeCursor returns the opaque form of a cursor for an order signature.
func EncodeCursor(sig string, c Cursor) string {
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

// DecodeCursor parses a cursor made by EncodeCursor with the same signature and
// number of keys. Any other text gives an error with code BadUserInput.
func DecodeCursor(sig string, nkeys int, s string) (Cursor, error) {
	bad := Errorf(BadUserInput, "invalid cursor %q", truncate(s, 64))
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, bad
	}
	var w cursorWire
	if err := json.Unmarshal(raw, &w); err != nil {
		return Cursor{}, bad
	}
	if w.O != sig {
		return Cursor{}, Errorf(BadUserInput, "cursor %q belongs to another list or order", truncate(s, 64))
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
