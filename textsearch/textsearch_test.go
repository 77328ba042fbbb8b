package textsearch

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

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

// TestFoldHanASCII: for texts of ASCII, ideographs and the punctuation
// isHanASCII accepts, foldLatin's terms (and length in characters, which
// NewDoc aligns) are those of foldUnicode.
func TestFoldHanASCII(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	alphabet := []rune("aZ09 _-.,北京科学中心馆（）、　。")
	texts := []string{"生成的基准测试科技馆 0000123（北京市朝阳区）", "绿色K12学校", "ABC科普、基地。"}
	for range 2000 {
		var b []rune
		for range rnd.IntN(12) {
			b = append(b, alphabet[rnd.IntN(len(alphabet))])
		}
		texts = append(texts, string(b))
	}
	for _, s := range texts {
		if !isHanASCII(s) {
			t.Fatalf("%q: not isHanASCII", s)
		}
		got, want := foldLatin(s), foldUnicode(s, 'v')
		if !reflect.DeepEqual(splitTerms(got), splitTerms(want)) || utf8.RuneCountInString(got) != utf8.RuneCountInString(want) {
			t.Errorf("%q: terms %v, foldUnicode's %v", s, splitTerms(got), splitTerms(want))
		}
	}
	if isHanASCII("ＡＢ北京") || isHanASCII("běijīng") {
		t.Error("isHanASCII accepts full-width letters or marks")
	}
}

// TestPrefixKeys: PinyinKeyQuery and InitialsKeyQuery on NewPrefixKeys find
// every name whose pinyin has a run starting at a unit, or whose initials
// have a run, that a term matches (the match of Score), and exactly those
// but for pinyin terms holding a digit; checked for every substring of the
// pinyin and the initials of a set of names (the benchmark graph's with
// their numbers among them) and random names, and for terms they do not
// have.
func TestPrefixKeys(t *testing.T) {
	for zh, want := range map[string]PrefixKeys{
		"北京科学中心": {Pinyin: "beijingkexuezhongxin jingkexuezhongxin kexuezhongxin xuezhongxin zhongxin xin", Initials: "bjkxzx jkxzx kxzx xzx zx x"},
		"生成的基准测试科技馆 0000123（东城区）": {
			Pinyin:   "shengchengdejizhunceshikejiguan chengdejizhunceshikejiguan dejizhunceshikejiguan jizhunceshikejiguan zhunceshikejiguan ceshikejiguan shikejiguan kejiguan jiguan guan 0000 dongchengqu chengqu qu",
			Initials: "scdjzcskjg0dcq cdjzcskjg0dcq djzcskjg0dcq jzcskjg0dcq zcskjg0dcq cskjg0dcq skjg0dcq kjg0dcq jg0dcq g0dcq 0dcq dcq cq q"},
		"绿色K12学校": {Pinyin: "lvsek sek k 12 xuexiao xiao", Initials: "lskxx skxx kxx xx x"},
		"H7N9病毒":  {Pinyin: "h 7 n 9 bingdu du", Initials: "hbd bd d"},
		"":        {},
		"（）":      {},
	} {
		if got := NewPrefixKeys(zh); got != want {
			t.Errorf("NewPrefixKeys(%q) = %+v, want %+v", zh, got, want)
		}
	}
	rnd := rand.New(rand.NewPCG(5, 6))
	alphabet := []rune("北京科学中心西安市第八中学厦门大学生成的基准测试馆aZk0129 （）、")
	names := []string{"北京科学中心", "中国科学技术馆", "绿色K12学校", "西安市第八中学", "安徽省合肥市青少年科技馆", "阿", "上海ABC科普基地",
		"ＡＢ北京", "厦门大学", "生成的基准测试科技馆 0000123（东城区）", "生成的基准测试初级中学 0001000（西城区）", "第12345届论坛", "5G体验馆", "馆1a2b3c4d5e"}
	for range 300 {
		var b []rune
		for range 1 + rnd.IntN(14) {
			b = append(b, alphabet[rnd.IntN(len(alphabet))])
		}
		names = append(names, string(b))
	}
	for _, zh := range names {
		k := NewPrefixKeys(zh)
		keys, ikeys := strings.Fields(k.Pinyin), strings.Fields(k.Initials)
		d := NewDoc("x", "", zh)
		if want := len(d.syl) + len(innerStarts(d)); len(keys) != want {
			t.Errorf("%s: %d pinyin keys, want %d (a unit or a change between letters and digits each)", zh, len(keys), want)
		}
		var terms []string
		for _, s := range []string{d.joined, d.inits, "zzzq", "xianzz", "kexuez", "bjkq", "00001", "000012", "12x", "1234"} {
			r := []rune(s)
			for i := range r {
				for j := i + 2; j <= len(r); j++ {
					terms = append(terms, string(r[i:j]))
				}
			}
		}
		for _, term := range terms {
			var unit []bool
			pinyin := d.pinyinMatch(term, nil, marks(&unit, len(d.syl))) >= 0.8
			q := PinyinKeyQuery(term)
			got := holdsAll(keys, q)
			// A term without digits finds only the names it matches, and
			// those with a key inside a word of letters and digits that
			// begins with it.
			exact := !strings.ContainsAny(term, "0123456789") && !slices.ContainsFunc(innerStarts(d), func(p int) bool {
				return strings.HasPrefix(d.joined[p:], term)
			})
			if (pinyin && !got) || (exact && got != pinyin) {
				t.Errorf("%s: pinyin %q: keys %q, query %+v finds %v, matches %v", zh, term, k.Pinyin, q, got, pinyin)
			}
			iq := InitialsKeyQuery(term)
			inits := strings.Contains(d.inits, term)
			if got := slices.ContainsFunc(ikeys, func(k string) bool { return k == iq.Key || iq.Prefix && strings.HasPrefix(k, iq.Key) }); got != inits {
				t.Errorf("%s: initials %q: keys %q find %v, contains %v", zh, term, k.Initials, got, inits)
			}
		}
	}
}

// holdsAll reports whether keys hold a key for every query of q.
func holdsAll(keys []string, q []KeyQuery) bool {
	for _, kq := range q {
		if !slices.ContainsFunc(keys, func(k string) bool { return k == kq.Key || kq.Prefix && strings.HasPrefix(k, kq.Key) }) {
			return false
		}
	}
	return len(q) > 0
}

// innerStarts returns the offsets in d.joined of the changes between
// letters and ASCII digits inside a unit.
func innerStarts(d *Doc) []int {
	var out []int
	for k, s := range d.syl {
		for i := 1; i < len(s); i++ {
			if isASCIIDigitByte(s[i]) != isASCIIDigitByte(s[i-1]) {
				out = append(out, d.start[k]+i)
			}
		}
	}
	return out
}

// TestHanGrams: the bigrams of each run of Han characters as written, a
// run of one as itself, nothing of other characters; a Chinese term's
// HanGrams are consecutive in those of every name that holds it.
func TestHanGrams(t *testing.T) {
	for in, want := range map[string]string{
		"北京科学中心":           "北京 京科 科学 学中 中心",
		"科技馆 0000123（东城区）": "科技 技馆 东城 城区",
		"馆·O'Brien":        "馆",
		"佐々木〇号鿖":           "佐々 々木 木〇 〇号 号鿖",
		"K12":              "",
		"":                 "",
		"北":                "北",
	} {
		if got := HanKeys(in); got != want {
			t.Errorf("HanKeys(%q) = %q, want %q", in, got, want)
		}
	}
	if got := WordKeys("O'Brien of the 12,000 Ｓｔａｒｓ x² Łódź"); got != "o brien 12 000 stars x2 łodz" {
		t.Errorf("WordKeys = %q", got)
	}
}
