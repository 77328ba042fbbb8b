package textsearch

import (
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/mozillazg/go-pinyin"
)

// The spellings of a search text's Latin terms (Term.Variants,
// Term.Parts, Query.Joins): how a researcher may type a name that the
// dataset writes one way (乌鲁木齐 is Urumqi City and wulumuqi; 吕梁 is
// Lvliang City and lvliang; 西安 is Xi'an City and xian).

// rawTerm is a term of a folded search text before Parse reads its
// spellings: where it is in the text, and whether one apostrophe alone
// separates it from the Latin term before (xi'an).
type rawTerm struct {
	text       string
	start, end int // byte offsets in the folded text
	han        bool
	joinPrev   bool
	// Set by joinSyllables: the parts of a term that apostrophes join
	// (dong, e; text donge, textU its foldedU spelling), and the term
	// written together with a syllable of one letter after spaces (dong
	// e: donge).
	parts         []string
	textU, spaced string
}

// splitQuery is splitTerms for a search text, with each term's place and
// whether it follows the term before across one apostrophe (' or ’, which
// editors type for it), both Latin: xi'an, Xī’ān.
func splitQuery(s string) []rawTerm {
	var out []rawTerm
	start := -1 // start of the current term, -1: none
	curHan := false
	flush := func(end int) {
		if start >= 0 {
			t := rawTerm{text: s[start:end], start: start, end: end, han: curHan}
			if n := len(out); n > 0 && !t.han && !out[n-1].han {
				sep := s[out[n-1].end:start]
				t.joinPrev = sep == "'" || sep == "’"
			}
			out = append(out, t)
		}
		start = -1
	}
	for i, r := range s {
		switch {
		case isHan(r):
			if start >= 0 && !curHan {
				flush(i)
			}
			if start < 0 {
				start, curHan = i, true
			}
		case isWordRune(r):
			if start >= 0 && curHan {
				flush(i)
			}
			if start < 0 {
				start, curHan = i, false
			}
		default:
			flush(i)
		}
	}
	flush(len(s))
	return out
}

// queryTerms cuts a search text into terms as Parse reads them (before it
// drops short terms and stop words): the terms of splitTerms of the folded
// text (foldLatin), with the spellings of each Latin term (Term.Variants,
// Term.Parts); and the runs of Latin terms that apostrophes join
// (Query.Joins).
func queryTerms(text string) ([]Term, []Join) {
	folded := foldLatin(text)
	// The text with ü written u: the same length, its terms at the same
	// places (foldUnicode).
	foldedU := folded
	if !isASCII(text) && !isHanASCII(text) { // (ASCII and ideographs hold no ü)
		foldedU = foldUnicode(text, 'u')
		if len(foldedU) != len(folded) {
			foldedU = folded // not expected; no u spellings then
		}
	}
	raw := joinSyllables(splitQuery(folded), folded, foldedU)
	var out []Term
	var runs []Join
	for i, r := range raw {
		if r.han {
			// In simplified characters, as the stores key names (Fold).
			out = append(out, Term{Text: Fold(r.text), Han: true})
			continue
		}
		if r.parts != nil {
			// Syllables that an apostrophe joins, one of one letter
			// (dong'e): one term of parts.
			t := Term{Text: r.text, Parts: r.parts}
			t.addVariant(r.textU, umlautUWeight)
			if lv := umlautSpelling(t.Text); lv != t.Text {
				t.addVariant(lv, umlautWeight)
			}
			out = append(out, t)
			continue
		}
		// A run of terms that apostrophes join, every one a part.
		if i > 0 && r.joinPrev && isPart(r.text) && isPart(raw[i-1].text) {
			if n := len(runs); n > 0 && runs[n-1].end == i-1 {
				runs[n-1].Parts = append(runs[n-1].Parts, r.text)
				runs[n-1].end = i
			} else {
				runs = append(runs, Join{Parts: []string{raw[i-1].text, r.text}, end: i})
			}
		}
		t := Term{Text: r.text}
		textU := foldedU[r.start:r.end]
		if r.spaced != "" {
			// tian e: the syllable of one letter written after it
			// (tiane), which Parse drops, is a spelling of the term,
			// and the two a run (Query.Joins) that a document which
			// does not hold them as one (天津 Tianjin) has at
			// splitWeight.
			t.addVariant(r.spaced, 1)
			runs = append(runs, Join{Parts: []string{r.text, r.spaced[len(r.text):]}, end: -1})
		}
		if parts, ok := toneParts(r.text); ok && len(strings.Join(parts, "")) >= 2 {
			// Tone numbers: the term is the syllables without them, the
			// text as typed a variant.
			t.Text = strings.Join(parts, "")
			t.addVariant(r.text, 1)
			if up, ok := toneParts(textU); ok {
				textU = strings.Join(up, "")
			}
			if len(parts) > 1 && allParts(parts) {
				t.Parts = parts
			}
		}
		t.addVariant(textU, umlautUWeight)
		if lv := umlautSpelling(t.Text); lv != t.Text {
			t.addVariant(lv, umlautWeight)
		}
		for _, v := range oldSpellingVariants[t.Text] {
			t.addVariant(v, oldSpellingWeight)
		}
		out = append(out, t)
	}
	for i := range runs {
		runs[i].Text = strings.Join(runs[i].Parts, "")
	}
	return out, runs
}

// oneLetterSyllables are the pinyin syllables of one letter: those before
// which pinyin writes an apostrophe inside a word (东阿 Dong'e, 天峨
// Tian'e), and which Parse would otherwise drop as terms of one letter.
const oneLetterSyllables = "aoe"

// joinSyllables reads the syllables of one letter (oneLetterSyllables) of
// a search text's Latin terms (splitQuery's, of the text folded and
// foldedU). Terms that apostrophes join (joinPrev), each of letters, one of
// them of one letter, and together a run of pinyin syllables (dong'e,
// Tian’e) become one term of parts (dong, e: rawTerm.parts; the text
// donge). A term of letters followed, after spaces only, by a term of one
// such letter with which it is a run of pinyin syllables (dong e) gets
// the two written together as its spaced spelling (donge), and the letter
// stays a term of its own (which Parse drops).
func joinSyllables(raw []rawTerm, folded, foldedU string) []rawTerm {
	letters := func(r rawTerm) bool { return !r.han && isLetters(r.text) }
	oneLetter := func(r rawTerm) bool {
		return len(r.text) == 1 && strings.Contains(oneLetterSyllables, r.text)
	}
	var out []rawTerm
	for i := 0; i < len(raw); {
		j := i + 1
		for j < len(raw) && raw[j].joinPrev && letters(raw[j]) {
			j++
		}
		run := raw[i:j]
		if len(run) > 1 && letters(run[0]) && slices.ContainsFunc(run, oneLetter) {
			var text, textU strings.Builder
			parts := make([]string, len(run))
			for k, r := range run {
				parts[k] = r.text
				text.WriteString(r.text)
				textU.WriteString(foldedU[r.start:r.end])
			}
			if pinyinRun(text.String()) {
				out = append(out, rawTerm{text: text.String(), textU: textU.String(), parts: parts,
					start: run[0].start, end: run[len(run)-1].end, joinPrev: run[0].joinPrev})
				i = j
				continue
			}
		}
		out = append(out, raw[i])
		i++
	}
	for k := 1; k < len(out); k++ {
		prev, r := &out[k-1], out[k]
		if oneLetter(r) && !r.joinPrev && prev.parts == nil && letters(*prev) &&
			strings.Trim(folded[prev.end:r.start], " ") == "" && pinyinRun(prev.text+r.text) {
			prev.spaced = prev.text + r.text
		}
	}
	return out
}

// isLetters reports whether s is one or more letters a–z.
func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}

// Join is a run of Latin terms that apostrophes join in a search text
// (Query.Joins).
type Join struct {
	Parts []string // the terms, in order (xi, an)
	Text  string   // the parts written together (xian)
	end   int      // while queryTerms reads: the index of the last part's raw term
}

// holds reports whether d holds the run as one: its parts as words of name
// one after the other (Xi'an City), or a run of the pinyin with a syllable
// beginning at each part (西安 xi an; not 安溪 an xi, nor 咸安 xian an). It
// marks what it matches.
func (d *Doc) holds(r Join, wordHit, unitHit []bool) bool {
	return d.wordRun(r.Parts, wordHit) > 0 || d.pinyinMatch(r.Text, r.Parts, unitHit) > 0
}

// isPart reports whether a Latin term can be a part of a run that
// apostrophes join (Query.Joins) or of a term of tone numbers
// (Term.Parts): two or more letters (a–z) and not a stop word (o'brien and
// don't are no runs: Parse drops o and t).
func isPart(s string) bool {
	if len(s) < 2 || StopWords[s] {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

func allParts(parts []string) bool {
	for _, p := range parts {
		if !isPart(p) {
			return false
		}
	}
	return true
}

// addVariant adds a spelling of the term unless it is the term's text or
// a variant already, or not a term Parse keeps (one letter, a stop word).
func (t *Term) addVariant(text string, weight float64) {
	if text == t.Text || len(text) < 2 || StopWords[text] {
		return
	}
	for _, v := range t.Variants {
		if v.Text == text {
			return
		}
	}
	t.Variants = append(t.Variants, Variant{Text: text, Weight: weight})
}

// toneParts reads a term of pinyin with tone numbers (xi1an1, bei3jing1,
// lv4se4): runs of letters, each a run of pinyin syllables (pinyinRun)
// followed by a tone number 1–5 (5: the neutral tone), the last with or
// without one, and at least one number. It returns the runs (xi, an), and
// ok false for any other term (k12, h7n9, a1b2, 005872, xue005872: a digit
// after no syllable, a digit that is not a tone, two digits).
func toneParts(term string) (parts []string, ok bool) {
	if !strings.ContainsAny(term, "12345") {
		return nil, false // no tone number: most terms, without a look at the syllables
	}
	tone := false
	for i := 0; i < len(term); {
		j := i
		for j < len(term) && term[j] >= 'a' && term[j] <= 'z' {
			j++
		}
		if j == i || !pinyinRun(term[i:j]) {
			return nil, false
		}
		parts = append(parts, term[i:j])
		if j < len(term) {
			if term[j] < '1' || term[j] > '5' {
				return nil, false
			}
			tone = true
			j++
		}
		i = j
	}
	return parts, tone
}

// pinyinSyllables is the set of the toneless syllables (as Syllables
// writes them: ü as v) of every reading in go-pinyin's dictionary
// (pinyin.PinyinDict), made on first use.
var pinyinSyllables = sync.OnceValue(func() map[string]bool {
	set := map[string]bool{}
	for _, readings := range pinyin.PinyinDict {
		for _, r := range strings.Split(readings, ",") {
			s := foldLatin(r)
			ok := s != ""
			for i := 0; i < len(s); i++ {
				ok = ok && s[i] >= 'a' && s[i] <= 'z'
			}
			if ok {
				set[s] = true
			}
		}
	}
	return set
})

// maxSyllable is the length of the longest pinyin syllable (zhuang).
const maxSyllable = 6

// pinyinRun reports whether s (a–z) is one or more pinyin syllables one
// after the other (pinyinSyllables).
func pinyinRun(s string) bool {
	set := pinyinSyllables()
	// ends[i]: s[:i] is a run of syllables.
	ends := make([]bool, len(s)+1)
	ends[0] = true
	for i := 1; i <= len(s); i++ {
		for l := 1; l <= maxSyllable && l <= i; l++ {
			if ends[i-l] && set[s[i-l:i]] {
				ends[i] = true
				break
			}
		}
	}
	return ends[len(s)]
}

// umlautSpelling is a Latin term with lu and nu read as lü and nü, written
// lv and nv as Syllables writes them (luliang: lvliang, nuer: nver,
// lueyang: lveyang): each l or n followed by u that is not followed by a,
// i, o or n (lua, lun, nuan, nuo are syllables of their own; lü's are lü,
// lüe, nü, nüe). The term itself when it has none.
func umlautSpelling(term string) string {
	var b []byte
	for i := 0; i+1 < len(term); i++ {
		c := term[i]
		if (c != 'l' && c != 'n') || term[i+1] != 'u' {
			continue
		}
		if i+2 < len(term) && strings.IndexByte("aion", term[i+2]) >= 0 {
			continue
		}
		if b == nil {
			b = []byte(term)
		}
		b[i+1] = 'v'
	}
	if b == nil {
		return term
	}
	return string(b)
}

// latinMatch is the weight of a Latin spelling t on d (0: no match): the
// best of a word of name (wordMatch), a run of the pinyin or of the
// initials (pinyinMatch) and, for a term of parts (xi1an1), the words that
// are its parts one after the other (wordRun). A term that matches so and spells
// two or more words of name one after the other (xian: the xi and an of
// Xi'an City) matches those words too (wordsJoined), so that they count
// in the share of the name it covers. It marks what it matches.
func (d *Doc) latinMatch(t string, parts []string, wordHit, unitHit []bool) float64 {
	w := math.Max(d.wordMatch(t, wordHit), d.pinyinMatch(t, parts, unitHit))
	if len(parts) > 1 {
		w = math.Max(w, d.wordRun(parts, wordHit))
	}
	if w > 0 && len(d.words) > 1 {
		w = math.Max(w, d.wordsJoined(t, wordHit))
	}
	return w
}

// wordsJoined is 1 when two or more words of name one after the other
// are t written together (xi, an for xian), else 0. It marks the words of
// every such run.
func (d *Doc) wordsJoined(t string, wordHit []bool) float64 {
	best := 0.0
	for i, w := range d.words {
		if !strings.HasPrefix(t, w) || len(w) == len(t) {
			continue
		}
		n := len(w)
		j := i + 1
		for ; j < len(d.words) && n < len(t) && strings.HasPrefix(t[n:], d.words[j]); j++ {
			n += len(d.words[j])
		}
		if n == len(t) {
			best = 1
			for k := i; k < j; k++ {
				wordHit[k] = true
			}
		}
	}
	return best
}

// wordRun is the weight of parts as words of name one after the other
// (xi, an on Xi'an City): 1 when every one is a word, 0.8 when the last is
// only a prefix of one (as wordMatch), 0 when they are not there. It marks
// the words of every such run.
func (d *Doc) wordRun(parts []string, wordHit []bool) float64 {
	best := 0.0
	last := len(parts) - 1
	for i := 0; i+last < len(d.words); i++ {
		ok := true
		for k, p := range parts[:last] {
			if d.words[i+k] != p {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		v := 0.0
		switch w := d.words[i+last]; {
		case w == parts[last]:
			v = 1
		case strings.HasPrefix(w, parts[last]):
			v = 0.8
		}
		if v > 0 {
			for k := range parts {
				wordHit[i+k] = true
			}
		}
		best = math.Max(best, v)
	}
	return best
}

// partsAt reports whether the run of the joined pinyin that begins at
// offset off (unit k's start) has a unit beginning where each part but the
// first begins.
func (d *Doc) partsAt(k, off int, parts []string) bool {
	b := off
	j := k
	for _, p := range parts[:len(parts)-1] {
		b += len(p)
		for j < len(d.start) && d.start[j] < b {
			j++
		}
		if j == len(d.start) || d.start[j] != b {
			return false
		}
	}
	return true
}

// OldSpellings are English spellings of Chinese place and institution
// names from before pinyin that users still type, each with the name in
// Chinese and its pinyin spelling: the Chinese postal romanization of the
// Imperial Post Office (1906) and the conventional names it kept (Peking,
// Canton, Amoy, Tientsin, Urumchi; en.wikipedia.org/wiki/Chinese_postal_romanization),
// and the Wade–Giles spelling a university still uses in English (Tsinghua,
// 清华). A Latin term that is one of them (folded: Peking is peking) also
// matches as its pinyin spelling and as the pinyin of its Chinese name as
// this package reads it (Pinyin; the same since names are read by words,
// textsearch/reading: 厦门 xiamen, 重庆 chongqing; a variant still when they
// differ), each a variant (Term.Variants) of weight
// oldSpellingWeight, below the text as typed: peking finds 北京科学中心
// (Beijing Science Center), and Peking University first. Read once,
// when the package is initialized.
var OldSpellings = []struct{ Old, Zh, Pinyin string }{
	{"peking", "北京", "beijing"}, {"nanking", "南京", "nanjing"}, {"canton", "广州", "guangzhou"},
	{"amoy", "厦门", "xiamen"}, {"tientsin", "天津", "tianjin"}, {"tsingtao", "青岛", "qingdao"},
	{"chungking", "重庆", "chongqing"}, {"sian", "西安", "xian"}, {"urumchi", "乌鲁木齐", "wulumuqi"},
	{"tsinghua", "清华", "qinghua"}, {"soochow", "苏州", "suzhou"}, {"hangchow", "杭州", "hangzhou"},
	{"foochow", "福州", "fuzhou"}, {"kwangtung", "广东", "guangdong"}, {"szechwan", "四川", "sichuan"},
	{"mukden", "沈阳", "shenyang"}, {"kweilin", "桂林", "guilin"}, {"swatow", "汕头", "shantou"},
	{"kiangsu", "江苏", "jiangsu"}, {"chekiang", "浙江", "zhejiang"}, {"hupeh", "湖北", "hubei"},
	{"shantung", "山东", "shandong"}, {"kansu", "甘肃", "gansu"}, {"sinkiang", "新疆", "xinjiang"},
	{"tsinan", "济南", "jinan"}, {"hankow", "汉口", "hankou"}, {"chengtu", "成都", "chengdu"},
}

// oldSpellingWeight is the weight of a match by an old spelling's pinyin
// (OldSpellings): below the text as typed (Peking University before
// 北京科学中心 for peking).
const oldSpellingWeight = 0.9

// oldSpellingVariants are the variants of each old spelling: its pinyin
// spelling, and the pinyin of its Chinese name when that differs.
var oldSpellingVariants = func() map[string][]string {
	m := map[string][]string{}
	for _, o := range OldSpellings {
		m[o.Old] = append(m[o.Old], o.Pinyin)
		if p := Pinyin(o.Zh); p != o.Pinyin {
			m[o.Old] = append(m[o.Old], p)
		}
	}
	return m
}()
