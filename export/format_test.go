package export

import (
	"math"
	"testing"
)

// TestTextBuf: textBuf.text gives text's answer for every property type,
// and the strings of one row stay intact while later cells are formatted
// (until reset).
func TestTextBuf(t *testing.T) {
	values := []any{nil, "", "a<b>&\"", "北京", int64(0), int64(-12345678901), int64(math.MaxInt64),
		3.25, 1e21, math.Copysign(0, -1), 1e-7, math.NaN(), math.Inf(1), true, false,
		[]string(nil), []string{}, []string{"a", "<b>&", "\u2028", "\x01"}}
	var tb textBuf
	for round := 0; round < 2; round++ {
		tb.reset()
		var got []string
		for _, v := range values {
			s, ok := tb.text(v)
			want, wantOK := text(v)
			if s != want || ok != wantOK {
				t.Fatalf("text(%#v) = %q, %v; want %q, %v", v, s, ok, want, wantOK)
			}
			got = append(got, s)
		}
		for i, v := range values {
			if want, _ := text(v); got[i] != want {
				t.Fatalf("round %d: the cell of %#v became %q after the row, want %q", round, v, got[i], want)
			}
		}
	}
}
