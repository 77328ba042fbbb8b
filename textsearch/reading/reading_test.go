package reading

import (
	"slices"
	"strings"
	"testing"
)

// TestAppendHan: a run of Chinese characters is read by its words, the
// longest word at each character first, and a character in no word by
// its default reading; one syllable a character, appended to dst.
func TestAppendHan(t *testing.T) {
	for run, want := range map[string]string{
		"重庆市":     "chong qing shi", // 重庆 is a word; 重 alone is zhong
		"重":       "zhong",
		"厦门科技馆":   "xia men ke ji guan",
		"民乐县":     "min le xian", // a place reading, whole with its suffix
		"民乐":      "min yue",     // the word alone: folk music
		"长沙长春":    "chang sha chang chun",
		"银行长":     "yin hang zhang",
		"塔什库尔干":   "ta shi ku er gan",
		"":        "",
		"北京科学技术馆": "bei jing ke xue ji shu guan",
	} {
		got := AppendHan([]string{"x"}, run)
		if got[0] != "x" || strings.Join(got[1:], " ") != want {
			t.Errorf("AppendHan(%q) = %q, want x then %q", run, got, want)
		}
	}
}

// TestWord: Word answers the table's words (copies), and no others.
func TestWord(t *testing.T) {
	syl, ok := Word("重庆")
	if !ok || !slices.Equal(syl, []string{"chong", "qing"}) {
		t.Fatalf("Word(重庆) = %q, %v", syl, ok)
	}
	syl[0] = "zhong"
	if again, _ := Word("重庆"); again[0] != "chong" {
		t.Errorf("Word returned the table's own slice: %q", again)
	}
	if _, ok := Word("北京"); ok {
		t.Errorf("北京 is read by its characters' defaults, not a word of the table")
	}
	if got := Syllable('绿'); got != "lv" {
		t.Errorf("Syllable(绿) = %q, want lv", got)
	}
	if got := Syllable('a'); got != "a" {
		t.Errorf("Syllable(a) = %q, want the character itself", got)
	}
}
