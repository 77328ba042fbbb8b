package main

import "testing"

// TestToneless: a toned syllable of the data set loses its tone mark, ü
// becomes v (as go-pinyin's Normal style writes it), and anything but
// pinyin letters is an error.
func TestToneless(t *testing.T) {
	for in, want := range map[string]string{"chóng": "chong", "qìng": "qing", "lǜ": "lv", "nǚ": "nv", "lüè": "lve", "ér": "er", "ma": "ma", "ê̄": "e"} {
		if got, err := toneless(in); err != nil || got != want {
			t.Errorf("toneless(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "chong2", "Chóng", "ä", "qing qing"} {
		if got, err := toneless(in); err == nil {
			t.Errorf("toneless(%q) = %q, want an error", in, got)
		}
	}
}
