package textsearch

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestPinyinKeyQueryDigits: over generated names (Chinese characters, ASCII
// and full-width digits, Latin letters, words mixing letters and digits,
// spaces and other separators) and terms (every run of their pinyin and
// initials, from any offset, and random runs of syllables and digits), the
// names the key queries find (PinyinKeyQuery on every key of
// PrefixKeys.Pinyin, or InitialsKeyQuery) hold every name whose pinyin or
// initials Rank matches (pinyinMatch), and a name found by the pinyin keys
// holds each segment of the term (its first DigitKeyLen digits): a term
// with digits is asked by all its segments, not only by its first.
func TestPinyinKeyQueryDigits(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 8))
	pieces := []string{"学", "小学", "科", "技", "馆", "中心", "生成的城市小学", "（东城区）", "薛", "雪", " ", "　", "、", "-",
		"0", "05", "005872", "0058", "1", "12", "123", "７", "００５", "K12", "H7N9", "xue", "XUE005872", "5G", "a1b2", "Ｘ０", "館", "〇", "𠀀", "阿"}
	names := []string{"生成的城市小学 005872（东城区）", "生成的城市小学 005873（东城区）", "学005872", "XUE005872", "小学5872", "学 1234"}
	for range 2000 {
		var b strings.Builder
		for range 1 + rnd.IntN(6) {
			b.WriteString(pieces[rnd.IntN(len(pieces))])
		}
		names = append(names, b.String())
	}
	syl := []string{"xue", "xiao", "ke", "x", "0", "5", "8", "7", "2", "00", "58", "005872", "dong"}
	var random []string
	for range 300 {
		var b strings.Builder
		for range 2 + rnd.IntN(4) {
			b.WriteString(syl[rnd.IntN(len(syl))])
		}
		random = append(random, b.String())
	}
	found, matched, narrowed := 0, 0, 0
	for _, zh := range names {
		k := NewPrefixKeys(zh)
		keys, ikeys := strings.Fields(k.Pinyin), strings.Fields(k.Initials)
		d := NewDoc("x", "", zh)
		for _, r := range foldLatin(zh) {
			if hk, ok := HanKeyQuery(Term{Text: string(r), Han: true}); isHan(r) && ok && !holdsAll(keys, []KeyQuery{hk}) {
				t.Fatalf("%s: the keys %q do not find its character %c (query %+v)", zh, k.Pinyin, r, hk)
			}
		}
		terms := append([]string(nil), random...)
		for _, s := range []string{d.joined, d.inits} {
			for i := range len(s) {
				for j := i + 2; j <= len(s) && j <= i+14; j++ {
					terms = append(terms, s[i:j])
				}
			}
		}
		for _, term := range terms {
			var unit []bool
			match := d.pinyinMatch(term, nil, marks(&unit, len(d.syl))) > 0
			q := PinyinKeyQuery(term)
			byPinyin := holdsAll(keys, q)
			byInitials := holdsAll(ikeys, []KeyQuery{InitialsKeyQuery(term)})
			if match && !byPinyin && !byInitials {
				t.Fatalf("%s: %q matches (pinyin %s, initials %s) but the keys %q, %q do not find it (query %+v)",
					zh, term, d.joined, d.inits, k.Pinyin, k.Initials, q)
			}
			if match {
				matched++
			}
			if !byPinyin {
				continue
			}
			found++
			segs := segments(term)
			for _, seg := range segs {
				if !strings.Contains(d.joined, seg) {
					t.Fatalf("%s: the query %+v of %q finds it, but its pinyin %s lacks %q", zh, q, term, d.joined, seg)
				}
			}
			if len(segs) > 1 {
				narrowed++
			}
		}
	}
	if matched == 0 || narrowed == 0 {
		t.Fatalf("no match (%d) or no term of several segments found (%d): the names do not exercise the keys", matched, narrowed)
	}
	t.Logf("%d names, %d matches, %d found by the pinyin keys (%d by a term of several segments)", len(names), matched, found, narrowed)
}

// segments cuts a term where it changes between letters and ASCII digits,
// keeping the first DigitKeyLen digits of a run of digits.
func segments(term string) []string {
	var out []string
	for i := 0; i < len(term); {
		j := i + 1
		for j < len(term) && isASCIIDigitByte(term[j]) == isASCIIDigitByte(term[i]) {
			j++
		}
		seg := term[i:j]
		if isASCIIDigitByte(seg[0]) && len(seg) > DigitKeyLen {
			seg = seg[:DigitKeyLen]
		}
		out = append(out, seg)
		i = j
	}
	return out
}
