package bolttest

import (
	"encoding/binary"
	"fmt"
	"math"
	"sort"
)

// Struct is a PackStream structure: a tag byte and its fields. Bolt messages
// and graph values (Node, Relationship, Date, ...) are structures.
type Struct struct {
	Tag    byte
	Fields []any
}

// Node returns a Bolt 5 node: id, labels, properties, element id.
func Node(id int64, labels []string, props map[string]any) Struct {
	ls := make([]any, len(labels))
	for i, l := range labels {
		ls[i] = l
	}
	return Struct{Tag: 'N', Fields: []any{id, ls, props, fmt.Sprint(id)}}
}

// Relationship returns a Bolt 5 relationship: id, start id, end id, type,
// properties, element ids.
func Relationship(id, start, end int64, typ string, props map[string]any) Struct {
	return Struct{Tag: 'R', Fields: []any{id, start, end, typ, props, fmt.Sprint(id), fmt.Sprint(start), fmt.Sprint(end)}}
}

// Date returns a Bolt date: days since 1970-01-01.
func Date(days int64) Struct { return Struct{Tag: 'D', Fields: []any{days}} }

// DateTime returns a Bolt 5 UTC date-time with an offset: seconds since the
// epoch (UTC), nanoseconds, offset in seconds.
func DateTime(seconds, nanos, offset int64) Struct {
	return Struct{Tag: 'I', Fields: []any{seconds, nanos, offset}}
}

// pack appends the PackStream encoding of v.
func pack(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, 0xC0)
	case bool:
		if x {
			return append(b, 0xC3)
		}
		return append(b, 0xC2)
	case int:
		return packInt(b, int64(x))
	case int64:
		return packInt(b, x)
	case float64:
		b = append(b, 0xC1)
		return binary.BigEndian.AppendUint64(b, math.Float64bits(x))
	case string:
		b = packHeader(b, len(x), 0x80, 0xD0)
		return append(b, x...)
	case []string:
		b = packHeader(b, len(x), 0x90, 0xD4)
		for _, e := range x {
			b = pack(b, e)
		}
		return b
	case []any:
		b = packHeader(b, len(x), 0x90, 0xD4)
		for _, e := range x {
			b = pack(b, e)
		}
		return b
	case map[string]any:
		b = packHeader(b, len(x), 0xA0, 0xD8)
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			b = pack(b, k)
			b = pack(b, x[k])
		}
		return b
	case Struct:
		b = append(b, 0xB0|byte(len(x.Fields)), x.Tag)
		for _, f := range x.Fields {
			b = pack(b, f)
		}
		return b
	}
	// A type scripts should not use: sent as its text, so a test sees it.
	return pack(b, fmt.Sprintf("bolttest: unsupported %T", v))
}

func packInt(b []byte, n int64) []byte {
	switch {
	case n >= -16 && n <= 127:
		return append(b, byte(int8(n)))
	case n >= math.MinInt8 && n <= math.MaxInt8:
		return append(b, 0xC8, byte(int8(n)))
	case n >= math.MinInt16 && n <= math.MaxInt16:
		return binary.BigEndian.AppendUint16(append(b, 0xC9), uint16(int16(n)))
	case n >= math.MinInt32 && n <= math.MaxInt32:
		return binary.BigEndian.AppendUint32(append(b, 0xCA), uint32(int32(n)))
	}
	return binary.BigEndian.AppendUint64(append(b, 0xCB), uint64(n))
}

// packHeader writes the marker of a string, list or map of size n: tiny
// marker tiny|n below 16, else the 8, 16 or 32 bit form starting at big.
func packHeader(b []byte, n int, tiny, big byte) []byte {
	switch {
	case n < 16:
		return append(b, tiny|byte(n))
	case n <= math.MaxUint8:
		return append(b, big, byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(b, big+1), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(b, big+2), uint32(n))
}

// unpacker decodes PackStream.
type unpacker struct {
	b   []byte
	err error
}

func (u *unpacker) take(n int) []byte {
	if u.err != nil || len(u.b) < n {
		u.err = fmt.Errorf("bolttest: short PackStream data")
		return make([]byte, n)
	}
	out := u.b[:n]
	u.b = u.b[n:]
	return out
}

func (u *unpacker) size(m byte, base byte) int {
	switch m - base {
	case 0:
		return int(u.take(1)[0])
	case 1:
		return int(binary.BigEndian.Uint16(u.take(2)))
	}
	return int(binary.BigEndian.Uint32(u.take(4)))
}

func (u *unpacker) value() any {
	if u.err != nil {
		return nil
	}
	m := u.take(1)[0]
	switch {
	case m < 0x80 || m >= 0xF0:
		return int64(int8(m))
	case m >= 0x80 && m < 0x90:
		return string(u.take(int(m & 0x0F)))
	case m >= 0x90 && m < 0xA0:
		return u.list(int(m & 0x0F))
	case m >= 0xA0 && m < 0xB0:
		return u.dict(int(m & 0x0F))
	case m >= 0xB0 && m < 0xC0:
		n := int(m & 0x0F)
		s := Struct{Tag: u.take(1)[0], Fields: make([]any, n)}
		for i := range s.Fields {
			s.Fields[i] = u.value()
		}
		return s
	}
	switch m {
	case 0xC0:
		return nil
	case 0xC2:
		return false
	case 0xC3:
		return true
	case 0xC1:
		return math.Float64frombits(binary.BigEndian.Uint64(u.take(8)))
	case 0xC8:
		return int64(int8(u.take(1)[0]))
	case 0xC9:
		return int64(int16(binary.BigEndian.Uint16(u.take(2))))
	case 0xCA:
		return int64(int32(binary.BigEndian.Uint32(u.take(4))))
	case 0xCB:
		return int64(binary.BigEndian.Uint64(u.take(8)))
	case 0xCC, 0xCD, 0xCE:
		return append([]byte(nil), u.take(u.size(m, 0xCC))...)
	case 0xD0, 0xD1, 0xD2:
		return string(u.take(u.size(m, 0xD0)))
	case 0xD4, 0xD5, 0xD6:
		return u.list(u.size(m, 0xD4))
	case 0xD8, 0xD9, 0xDA:
		return u.dict(u.size(m, 0xD8))
	}
	u.err = fmt.Errorf("bolttest: unknown PackStream marker %#x", m)
	return nil
}

func (u *unpacker) list(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = u.value()
	}
	return out
}

func (u *unpacker) dict(n int) map[string]any {
	out := make(map[string]any, n)
	for i := 0; i < n; i++ {
		k, _ := u.value().(string)
		out[k] = u.value()
	}
	return out
}
