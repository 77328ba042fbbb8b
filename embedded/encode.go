package embedded

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/kepugraph/kepugraph/kepu"
)

// kv is one property of a stored node or edge.
type kv struct {
	k string
	v any
}

// props is the compact in-memory form of kepu.Props: sorted by key, with
// shared (interned) names and string values. It is never modified in place:
// a change builds a new slice, so readers may hold it without copying.
type props []kv

func (p props) get(k string) any {
	for i := range p {
		if p[i].k == k {
			return p[i].v
		}
	}
	return nil
}

// toMap returns a fresh kepu.Props (lists are copied).
func (p props) toMap() kepu.Props {
	out := make(kepu.Props, len(p))
	for _, e := range p {
		v := e.v
		if l, ok := v.([]string); ok {
			v = slices.Clone(l)
		}
		out[e.k] = v
	}
	return out
}

// fromMap builds props from normalized kepu.Props (nil values are dropped).
func fromMap(m kepu.Props, in *interner) props {
	out := make(props, 0, len(m))
	for k, v := range m {
		if v == nil {
			continue
		}
		if l, ok := v.([]string); ok {
			v = slices.Clone(l)
		}
		out = append(out, kv{in.name(k), in.keyValue(k, v)})
	}
	slices.SortFunc(out, func(a, b kv) int { return strings.Compare(a.k, b.k) })
	return out
}

// interner shares property names and short string values between records,
// which keeps large graphs small in memory (provenance and source values
// repeat on almost every record).
type interner struct {
	names  map[string]string
	values map[string]any
	// edgeProps shares the props of edges whose records are equal.
	edgeProps propsCache
}

func newInterner() *interner {
	in := &interner{names: map[string]string{}, values: map[string]any{}}
	for _, d := range kepu.LabelDefs() {
		for _, p := range d.Props {
			in.names[p.Name] = p.Name
		}
	}
	for _, d := range kepu.RelDefs() {
		for _, p := range d.Props {
			in.names[p.Name] = p.Name
		}
	}
	return in
}

func (in *interner) name(k string) string {
	if s, ok := in.names[k]; ok {
		return s
	}
	return k
}

func (in *interner) nameBytes(b []byte) string {
	if s, ok := in.names[string(b)]; ok {
		return s
	}
	return string(b)
}

// Boxed small integers, shared so that loading a graph full of years and
// counts does not allocate one interface value per property.
const (
	smallIntMin = -1024
	smallIntMax = 4096
)

var smallInts = func() []any {
	out := make([]any, smallIntMax-smallIntMin+1)
	for i := range out {
		out[i] = int64(i + smallIntMin)
	}
	return out
}()

func boxInt(x int64) any {
	if x >= smallIntMin && x <= smallIntMax {
		return smallInts[x-smallIntMin]
	}
	return x
}

// value returns a shared boxed copy of short strings and small integers;
// other values as they are.
func (in *interner) value(v any) any {
	if x, ok := v.(int64); ok {
		return boxInt(x)
	}
	s, ok := v.(string)
	if !ok || len(s) > 48 {
		return v
	}
	if iv, ok := in.values[s]; ok {
		return iv
	}
	if len(in.values) < 1<<16 {
		in.values[s] = v
	}
	return v
}

// valueBytes is value for a string read from a record; a new string's
// bytes are carved from sl when it is not nil.
func (in *interner) valueBytes(b []byte, sl *slab) any {
	if len(b) > 48 {
		return any(sl.string(b))
	}
	if iv, ok := in.values[string(b)]; ok {
		return iv
	}
	// As value, without its second lookup of what was just missed (most
	// strings of a large graph, names, are not shared).
	s := sl.string(b)
	var v any = s
	if len(in.values) < 1<<16 {
		in.values[s] = v
	}
	return v
}

// keyValue is value for the property k: a source (a citation, repeated on
// every record of a load whatever its length) is shared at any length.
func (in *interner) keyValue(k string, v any) any {
	if s, ok := v.(string); ok && k == kepu.PropSource {
		return in.longString(s)
	}
	return in.value(v)
}

// longString returns the shared copy of s at any length.
func (in *interner) longString(s string) any {
	if iv, ok := in.values[s]; ok {
		return iv
	}
	var v any = s
	if len(in.values) < 1<<16 {
		in.values[s] = v
	}
	return v
}

// Stored record format. A value is a record (see integrity.go: a version
// byte, a CRC-32C, then the body); the body of a node or edge is the number
// of properties, then per property its name, a type tag and the value:
// 's' string, 'i' zig-zag varint, 'f' IEEE 754 bits, 'b' one byte,
// 'l' a count and that many strings. Strings are a uvarint length and bytes.
// Format 1 stored the same body after a version byte 1 and no checksum.

// encodeRecord returns the stored value of the record with the key and props.
func encodeRecord(key []byte, p props) []byte {
	b := newRecord(16 + len(p)*24)
	b = binary.AppendUvarint(b, uint64(len(p)))
	for _, e := range p {
		b = appendString(b, e.k)
		switch v := e.v.(type) {
		case string:
			b = append(b, 's')
			b = appendString(b, v)
		case int64:
			b = append(b, 'i')
			b = binary.AppendVarint(b, v)
		case float64:
			b = append(b, 'f')
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		case bool:
			b = append(b, 'b')
			if v {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		case []string:
			b = append(b, 'l')
			b = binary.AppendUvarint(b, uint64(len(v)))
			for _, s := range v {
				b = appendString(b, s)
			}
		}
	}
	return seal(key, b)
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

var errCorrupt = errors.New("malformed record")

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes() []byte {
	if d.err != nil {
		return nil
	}
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) {
		d.err = errCorrupt
		return nil
	}
	s := d.b[:n]
	d.b = d.b[n:]
	return s
}

// text is bytes that must be valid UTF-8.
func (d *decoder) text() []byte {
	s := d.bytes()
	if verifyRecords && d.err == nil && !utf8.Valid(s) {
		d.err = errNotUTF8
	}
	return s
}

var errNotUTF8 = errors.New("a string is not valid UTF-8")

func (d *decoder) byte1() byte {
	if len(d.b) == 0 {
		d.err = errCorrupt
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

// slab hands out small slices carved from large chunks, so that loading
// millions of records does not make millions of small allocations. The
// slices it returns have their capacity cut to their length, and props are
// never modified in place, so records never write into each other.
type slab struct {
	kvs   []kv
	bytes []byte // the strings' bytes
	// names holds the property names of the last record decoded with the
	// slab, by position: records of one label mostly have the same, and
	// comparing with them is cheaper than a lookup in the interner.
	names []string
}

func (s *slab) props(n int) props {
	if n > 64 {
		return make(props, 0, n)
	}
	if cap(s.kvs)-len(s.kvs) < n {
		s.kvs = make([]kv, 0, 16384)
	}
	start := len(s.kvs)
	s.kvs = s.kvs[:start+n]
	return s.kvs[start : start : start+n]
}

// string returns a copy of b. With a slab its bytes are carved from a
// large chunk (strings are never changed; a chunk lives as long as one of
// its strings): one allocation per chunk instead of one per string, and no
// rounding up to an allocation size class.
func (s *slab) string(b []byte) string {
	if s == nil || len(b) == 0 || len(b) > 256 {
		return string(b)
	}
	if cap(s.bytes)-len(s.bytes) < len(b) {
		s.bytes = make([]byte, 0, 64<<10)
	}
	start := len(s.bytes)
	s.bytes = append(s.bytes, b...)
	return unsafe.String(&s.bytes[start], len(b))
}

// decodeProps decodes the body of a record (see openRecord); it copies
// everything out of b (which may be memory owned by bbolt). sl may be nil.
// Every string must be valid UTF-8 and nothing may follow the last property.
func decodeProps(b []byte, in *interner, sl *slab) (props, error) {
	d := &decoder{b: b}
	n := d.uvarint()
	if d.err != nil || n > uint64(len(b)) {
		return nil, errCorrupt
	}
	var out props
	if sl != nil {
		out = sl.props(int(n))
	} else {
		out = make(props, 0, n)
	}
	for i := uint64(0); i < n && d.err == nil; i++ {
		var k string
		if t := d.text(); sl != nil && i < uint64(len(sl.names)) && sl.names[i] == string(t) {
			k = sl.names[i]
		} else {
			k = in.nameBytes(t)
			if sl != nil && i < 64 {
				for uint64(len(sl.names)) <= i {
					sl.names = append(sl.names, "")
				}
				sl.names[i] = k
			}
		}
		var v any
		switch d.byte1() {
		case 's':
			if t := d.text(); k == kepu.PropSource {
				if iv, ok := in.values[string(t)]; ok {
					v = iv
				} else {
					v = in.longString(string(t))
				}
			} else {
				v = in.valueBytes(t, sl)
			}
		case 'i':
			x, m := binary.Varint(d.b)
			if m <= 0 {
				return nil, errCorrupt
			}
			d.b = d.b[m:]
			v = boxInt(x)
		case 'f':
			if len(d.b) < 8 {
				return nil, errCorrupt
			}
			v = math.Float64frombits(binary.LittleEndian.Uint64(d.b))
			d.b = d.b[8:]
		case 'b':
			v = d.byte1() == 1
		case 'l':
			m := d.uvarint()
			if d.err != nil || m > uint64(len(d.b)) {
				return nil, errCorrupt
			}
			l := make([]string, m)
			for j := range l {
				l[j] = sl.string(d.text())
			}
			v = l
		default:
			return nil, errCorrupt
		}
		out = append(out, kv{k, v})
	}
	if d.err != nil {
		return nil, d.err
	}
	if len(d.b) != 0 {
		return nil, errCorrupt
	}
	return out, nil
}
