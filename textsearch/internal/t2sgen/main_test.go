package main

import (
	"strings"
	"testing"
)

// TestParse: an OpenCC dictionary's first values, comments skipped; a
// line that is not Han characters, a value of another length and a key
// listed twice are errors.
func TestParse(t *testing.T) {
	got, err := parse("x", []byte("# comment\n乾\t干 乾\n後\t后\n\n乾縣\t乾县\n"))
	if err != nil || len(got) != 3 || got[0] != (entry{"乾", "干"}) || got[2] != (entry{"乾縣", "乾县"}) {
		t.Fatalf("parse = %v, %v", got, err)
	}
	for _, bad := range []string{"a\tb\n", "乾 干\n", "乾縣\t干\n", "乾\t干\n乾\t乾\n", "乾\t\n"} {
		if _, err := parse("x", []byte(bad)); err == nil {
			t.Errorf("parse(%q): no error", bad)
		}
	}
}

// TestGenerate: chains of characters end at their last character, a
// phrase's simplified form is kept as a phrase of itself, and a release
// with fewer entries than OpenCC 1.4.2's is refused.
func TestGenerate(t *testing.T) {
	var chars, phrases strings.Builder
	for r := rune(0x4e00); r < 0x4e00+4000; r++ {
		chars.WriteString(string(r) + "\t" + string(r) + "\n")
	}
	chars.WriteString("薴\t苧\n苧\t苎\n")
	for r := rune(0x4e00); r < 0x4e00+400; r++ {
		phrases.WriteString(string(r) + "縣\t" + string(r) + "县\n")
	}
	src, err := generate([]byte(chars.String()), []byte(phrases.String()))
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	for _, want := range []string{"苧苎薴苎", "一縣\t一县\n", "一县\t一县\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("the generated file lacks %q", want)
		}
	}
	if _, err := generate([]byte("乾\t干\n"), []byte(phrases.String())); err == nil {
		t.Error("a release of one character: no error")
	}
}
