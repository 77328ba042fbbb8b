package embedded

import (
	"errors"
	"reflect"
	"slices"
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
			key := []byte("Museum:m")
			body, err := openRecord(key, encodeRecord(key, p))
			if err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
			got, err := decodeProps(body, in, sl)
			if err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
			if !reflect.DeepEqual(got.toMap(), m) {
				t.Fatalf("case %d: round trip = %#v, want %#v", i, got.toMap(), m)
			}
		}
	}
	key := []byte("Museum:m")
	rec := encodeRecord(key, fromMap(kepu.Props{"name": "abc", "n": int64(300)}, in))
	b := rec[recordHeader:]
	for cut := range len(b) {
		if _, err := decodeProps(b[:cut], in, nil); err == nil {
			t.Fatalf("truncated record of %d bytes decoded", cut)
		}
	}
	if _, err := decodeProps(append(slices.Clone(b), 0), in, nil); err == nil {
		t.Fatal("record with a trailing byte decoded")
	}
	if _, err := openRecord(key, append([]byte{9}, rec[1:]...)); err == nil {
		t.Fatal("unknown record version opened")
	}
	for cut := range len(rec) {
		if _, err := openRecord(key, rec[:cut]); err == nil {
			t.Fatalf("record cut to %d bytes opened", cut)
		}
	}
}

// TestChecksumDetectsFlips flips every bit of a record and of its key: each
// flip must fail the checksum (CRC-32C detects every error of up to 32
// consecutive bits).
func TestChecksumDetectsFlips(t *testing.T) {
	in := newInterner()
	key := []byte("County:cn-ah-0001")
	rec := encodeRecord(key, fromMap(kepu.Props{"name": "Feixi", "nameZh": "肥西县", "population": int64(859000), "areaKm2": 2053.0,
		"provenance": "REFERENCE", "source": "divisions"}, in))
	for i := range len(rec) * 8 {
		bad := slices.Clone(rec)
		bad[i/8] ^= 1 << (i % 8)
		if _, err := openRecord(key, bad); err == nil {
			t.Fatalf("flip of bit %d of the value not detected", i)
		}
	}
	for i := range len(key) * 8 {
		bad := slices.Clone(key)
		bad[i/8] ^= 1 << (i % 8)
		if _, err := openRecord(bad, rec); err == nil {
			t.Fatalf("flip of bit %d of the key not detected", i)
		}
	}
}

// TestDecodeRejectsInvalidUTF8: a record whose checksum is right but whose
// string is not UTF-8 (written by something else than this package) is
// refused.
func TestDecodeRejectsInvalidUTF8(t *testing.T) {
	in := newInterner()
	for _, p := range []props{{{"name", "a\xffb"}}, {{"n\xc3", "x"}}, {{"l", []string{"ok", "\xed\xa0\x80"}}}} {
		key := []byte("Museum:m")
		body, err := openRecord(key, encodeRecord(key, p))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := decodeProps(body, in, nil); !errors.Is(err, errNotUTF8) {
			t.Fatalf("%v: err = %v, want %v", p, err, errNotUTF8)
		}
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

// BenchmarkRecord decodes a typical county record with its checks (the
// CRC-32C of key and value, UTF-8 of every string) and without them.
func BenchmarkRecord(b *testing.B) {
	in := newInterner()
	key := []byte("County:cn-ah-340123")
	rec := encodeRecord(key, fromMap(kepu.Props{"name": "Feixi County", "nameZh": "肥西县", "gbCode": "340123",
		"population": int64(859000), "areaKm2": 2053.0, "provenance": "REFERENCE", "source": "data/divisions.csv"}, in))
	for _, verify := range []bool{true, false} {
		name := "checks=on"
		if !verify {
			name = "checks=off"
		}
		b.Run(name, func(b *testing.B) {
			old := verifyRecords
			verifyRecords = verify
			defer func() { verifyRecords = old }()
			b.SetBytes(int64(len(key) + len(rec)))
			for b.Loop() {
				body, err := recordBody(key, rec)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := decodeProps(body, in, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
