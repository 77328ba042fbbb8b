package textsearch

import (
	"testing"

	"github.com/agnivade/levenshtein"
)

func TestBeijingScienceCenter(t *testing.T) {
	d := NewDoc("Museum:bsc", "Beijing Science Center", "北京科学中心")
	other := NewDoc("Museum:x", "Shanghai Science and Technology Museum", "上海科技馆")
	for _, text := range []string{
		"北京科学中心", "北京科学", "科学中心", "京科", "学中",
		"beijing kexue zhongxin", "beijingkexuezhongxin", "běijīng kēxué zhōngxīn", "BeiJing KeXue",
		"bjkxzx", "kxzx", "beijing science center", "BEIJING SCIENCE CENTER", "Beijing Scince Center",
		"北京 kexue", "北京 science", "ＢＥＩＪＩＮＧ",
	} {
		q, err := Parse(text)
		if err != nil {
			t.Errorf("Parse(%q): %v", text, err)
			continue
		}
		if _, ok := q.Score(d); !ok {
			t.Errorf("%q does not find Beijing Science Center (terms %v)", text, q.Terms)
		}
		if _, ok := q.Score(other); ok && text != "科学中心" {
			t.Errorf("%q finds %s", text, other.ID)
		}
	}
	for _, text := range []string{"上海", "beijing museum", "zzz", "bjkxzy", "Bejing Scnce"} {
		q, err := Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := q.Score(d); ok {
			t.Errorf("%q finds Beijing Science Center", text)
		}
	}
}

func TestScoreOrder(t *testing.T) {
	exact := NewDoc("a", "Beijing Science Center", "北京科学中心")
	longer := NewDoc("b", "Beijing Science Center Annex Building", "北京科学中心附属楼")
	q, _ := Parse("beijing science center")
	hits := Rank(q, []*Doc{longer, exact, longer})
	if len(hits) != 2 || hits[0].ID != "a" || hits[1].ID != "b" || !(hits[0].Score > hits[1].Score) {
		t.Fatalf("got %+v", hits)
	}
	q, _ = Parse("北京科学中心")
	if hits := Rank(q, []*Doc{longer, exact}); len(hits) != 2 || hits[0].ID != "a" {
		t.Fatalf("got %+v", hits)
	}
}

func TestParseErrors(t *testing.T) {
	for _, text := range []string{"", "  ", "a", "科", "the of", "科 a"} {
		if _, err := Parse(text); err != ErrNoTerm {
			t.Errorf("Parse(%q) = %v, want ErrNoTerm", text, err)
		}
	}
	long := make([]rune, MaxTextRunes+1)
	for i := range long {
		long[i] = 'x'
	}
	if _, err := Parse(string(long)); err == nil {
		t.Error("a text over the limit parses")
	}
	many := ""
	for i := 0; i <= MaxTerms; i++ {
		many += string(rune('a'+i%26)) + string(rune('a'+i/26)) + "x "
	}
	if _, err := Parse(many); err == nil {
		t.Error("too many terms parse")
	}
}

func TestKeys(t *testing.T) {
	if got := Pinyin("北京科学中心"); got != "beijingkexuezhongxin" {
		t.Errorf("Pinyin = %q", got)
	}
	if got := Initials("北京科学中心"); got != "bjkxzx" {
		t.Errorf("Initials = %q", got)
	}
	if got := PinyinKeys("北京"); got != "beijing jing" {
		t.Errorf("PinyinKeys = %q", got)
	}
	if got := InitialsKeys("北京科"); got != "bjk jk k" {
		t.Errorf("InitialsKeys = %q", got)
	}
	if got := Pinyin("绿色K12学校"); got != "lvsek12xuexiao" {
		t.Errorf("Pinyin = %q", got)
	}
}

// TestWithinOneEdit compares withinOneEdit with the Levenshtein distance of
// agnivade/levenshtein on every pair of a set of words.
func TestWithinOneEdit(t *testing.T) {
	words := []string{"", "a", "ab", "ba", "abc", "acb", "science", "scince", "sciense", "sciences", "xscience", "center", "centre", "centers", "北京", "北方", "北京市", "school", "schools", "schoo", "chool"}
	for _, a := range words {
		for _, b := range words {
			if got, want := withinOneEdit(a, b), levenshtein.ComputeDistance(a, b) <= 1; got != want {
				t.Errorf("withinOneEdit(%q, %q) = %v, want %v", a, b, got, want)
			}
		}
	}
}
