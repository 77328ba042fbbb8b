package kepu

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestTruncate: a quoted text is cut to at most n bytes at a rune boundary,
// so a message never holds half of a Chinese character.
func TestTruncate(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 3, "abc"},
		{"abcd", 3, "abc…"},
		{"", 0, ""},
		{"科技馆", 9, "科技馆"},
		{"科技馆", 8, "科技…"},
		{"科技馆", 7, "科技…"},
		{"科技馆", 6, "科技…"},
		{"科技馆", 2, "…"},
		{"a科", 2, "a…"},
	} {
		got := Truncate(c.in, c.n)
		if got != c.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("Truncate(%q, %d) = %q is not valid UTF-8", c.in, c.n, got)
		}
	}
	long := strings.Repeat("馆", 100)
	if got := InvalidCursor(long).Error(); !utf8.ValidString(got) || len(got) > 64+40 {
		t.Errorf("InvalidCursor of 300 bytes of Chinese: %q", got)
	}
}
