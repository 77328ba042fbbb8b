package embedded

import (
	"reflect"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

func TestEncodeRoundTrip(t *testing.T) {
	in := newInterner()
	for i, m := range []kepu.Props{
		{},
		{"name": "科普 🚀 'x' \"y\" \\", "n": int64(-5), "big": int64(1 << 62), "min": int64(-1 << 63), "year": int64(2019)},
		{"f": 1.25, "neg": -0.5, "t": true, "ff": false, "l": []string{"a", "", "中"}, "empty": []string{}, "s": ""},
	} {
		p := fromMap(m, in)
		for _, sl := range []*slab{nil, {}} {
			got, err := decodeProps(encodeProps(p), in, sl)
			if err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
			if !reflect.DeepEqual(got.toMap(), m) {
				t.Fatalf("case %d: round trip = %#v, want %#v", i, got.toMap(), m)
			}
		}
	}
	b := encodeProps(fromMap(kepu.Props{"name": "abc", "n": int64(300)}, in))
	for cut := range len(b) {
		if _, err := decodeProps(b[:cut], in, nil); err == nil {
			t.Fatalf("truncated record of %d bytes decoded", cut)
		}
	}
	if _, err := decodeProps(append([]byte{9}, b[1:]...), in, nil); err == nil {
		t.Fatal("unknown format version decoded")
	}
}

func TestSlabDoesNotShare(t *testing.T) {
	sl := &slab{}
	a := sl.props(2)
	b := sl.props(2)
	a = append(a, kv{"x", 1}, kv{"y", 2})
	b = append(b, kv{"z", 3})
	a = append(a, kv{"w", 4}) // beyond capacity: must not write into b
	if b[0].k != "z" || len(a) != 3 {
		t.Fatalf("slab slices overlap: a %v b %v", a, b)
	}
}
