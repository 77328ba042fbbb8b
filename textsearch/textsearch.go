// Package textsearch is the text analysis and ranking behind the search
// field, shared by every store so that they rank alike: the pinyin of a
// Chinese name (github.com/mozillazg/go-pinyin's readings of characters,
// and the readings of words of mozillazg/phrase-pinyin-data: textsearch/reading),
// the terms of a search text,
// whether a node matches them and its score.
//
// A store's full-text index only finds candidates: every node that could
// match (a superset). Rank then keeps the candidates that match and orders
// them by Score, ties by ID, so two stores whose indexes return the same
// superset give the same answer whatever their engines' own scores.
//
// Matching. The text is cut into terms: runs of Chinese characters (Han
// script) and runs of letters and digits. Latin text is compared in lower
// case after NFKC (full-width letters become ASCII) with accents and tone
// marks removed (běijīng is beijing, Xī'ān is xi'an, é is e; ü is v as in
// pinyin input, and u too: Ürümqi is vrvmqi and urumqi). Every term must
// match (Chinese compared in simplified characters: Fold, OpenCC's t2s):
//   - a Chinese term is a substring of nameZh;
//   - a Latin term is a word of name, a prefix of one, or (terms of four or
//     more letters) within one edit (Levenshtein distance 1) of one; or a
//     run of the pinyin of nameZh that starts at a syllable (beijing, kexue,
//     beijingkexuezhongxin); or a run of its initials (bjkxzx, kxzx).
//
// Spellings (Term.Variants, Term.Parts, Query.Joins). A Latin term also
// matches, each spelling its own weight, as ü written u, as lu and nu read
// lü and nü (luliang also finds 吕梁 lvliang, below 陆良), and without tone
// numbers (xi1an1 and bei3jing1 are xian and beijing, a syllable beginning
// at each number's end: digits 1–5 after pinyin syllables; k12 and h7n9
// keep theirs). Terms that an apostrophe joins (xi'an) are matched each
// on its own, and rank lower on a name that does not hold them as one
// (安溪 an xi, 咸安 xian an below 西安 xi an). Pinyin writes an apostrophe
// before the syllables a, o and e (东阿 Dong'e, 天峨 Tian'e), which as
// terms of one letter would be dropped: terms that apostrophes join, one
// of them of one letter and together a run of pinyin syllables, are one
// term of parts (dong'e and Dong’e are donge, whose parts dong and e
// must be words of name one after the other or begin syllables of the
// pinyin: Dong'e County, 东阿县); such a letter after a space (tian e) is
// still dropped, but the term before it written together with it (tiane)
// is a spelling of that term, and the two a run as if an apostrophe
// joined them (天津 Tianjin, which holds no e, below 天峨 Tian'e).
//
// Short forms. Chinese names are shortened by keeping some of their
// characters in order (科学技术馆 -> 科技馆, 北京师范大学 -> 北师大, 安徽省 ->
// 安徽). A term that does not match as above also matches, ranked below, by
// one of its expansions (Term.Expansions): the term cut at every standard
// short form of Abbreviations and every province name of Provinces it
// holds, each short form kept or written out; the pieces must occur in
// nameZh in that order (Chinese), or be runs of its pinyin in that order,
// each starting and, but the last, ending at a syllable (Latin). So
// 中国科技馆 and zhongguokejiguan match 中国科学技术馆, 安徽科技馆 and
// anhuikejiguan match 安徽省科学技术馆, 北师大 matches 北京师范大学 (and, lower,
// 东北师范大学). Every such match is a subsequence of nameZh (or of its
// syllables), but not every subsequence is a match: the gaps must be those
// of the tables (中国科学技术馆 is not found by 中科馆, nor by initials such
// as zgkjg). Stores find the candidates of a text by asking their index
// each of Query.Alternatives (at most MaxAlternatives) and ranking the
// union.
//
// Latin terms of one letter and English stop words (StopWords: the stop
// set of Lucene's CJK analyzer) are ignored; Chinese terms of one character are kept but do not drive the
// index, so a text needs at least one term of two or more characters or
// letters.
package textsearch

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/textsearch/reading"
	"golang.org/x/text/unicode/norm"
)

// Limits of a search text.
const (
	MaxTextRunes = 200 // characters of the text
	MaxTerms     = 16  // terms after analysis
	// MaxCandidates bounds the candidates of one search: the nodes its
	// index queries match (Query.Alternatives, their union; a superset of
	// the matches). A store ranks every candidate (Run), so that the total
	// is the number of matches and the page the top of the ranking of
	// every match, whatever the index's order; a text with more candidates
	// is refused (ErrTooBroad, BAD_USER_INPUT) rather than answered
	// from some of them. The reference dataset has about 13,500 nodes: no
	// text reaches the bound there. Ranking costs about 1–3 µs of CPU a
	// candidate once its names are analyzed (docs/benchmarks.md, "Search
	// beyond the candidate cap").
	MaxCandidates = 100_000
)

// ErrTooBroad is the error of Run (BAD_USER_INPUT) for a text whose index
// queries match more than MaxCandidates nodes, and of a store's candidates
// function (see Run) whose index query matches more than its limit.
var ErrTooBroad = &kepu.Error{Code: kepu.BadUserInput, Field: "text",
	Message: fmt.Sprintf("search text is too broad: its index query matches more than %d nodes; add a word or labels", MaxCandidates)}

// ErrNoTerm is returned by Parse for a text without a usable term.
var ErrNoTerm = errors.New("search text needs a word of two or more letters, or two or more Chinese characters")

// StopWords are ignored Latin terms: the English stop set of Lucene's
// CJKAnalyzer (which Neo4j's index applied until 2026-12-02 evening);
// Words leaves them out, so neither index holds them as words of a name.
var StopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields("a and are as at be but by for if in into is it no not of on or s such t that the their then there these they this to was will with www") {
		StopWords[w] = true
	}
}

// Term is one term of a search text.
type Term struct {
	Text string // lower case, toneless (Latin) or in simplified characters (Chinese: Fold)
	Han  bool   // a run of Chinese characters
	// Expansions are the other forms of the term, set by Parse: each a
	// list of pieces that must occur in order, found from Abbreviations and
	// Provinces (in Chinese characters, or their pinyin for a Latin term).
	// The term cut at every short form and province name it holds, each
	// short form kept or replaced by one of its full forms: 中国科技馆 ->
	// [中国 科技馆], [中国 科学技术馆]; zhongguokejiguan -> [zhongguo kejiguan],
	// [zhongguo kexuejishuguan]. At most MaxExpansions.
	Expansions [][]string
	// Variants are other spellings of a Latin term, set by Parse: each is
	// matched as the term is (a word of name, a run of the pinyin or of
	// the initials), its match's weight times Weight, and asked of the
	// index as a term of its own (Alternatives). A ü is written v in the
	// term (as go-pinyin writes it: 绿 lv) and u in a variant (Ürümqi:
	// vrvmqi and urumqi, weight umlautUWeight); lu and nu, which may be
	// lü and nü typed without the dots, are also lv and nv (luliang:
	// lvliang, umlautWeight); a term of pinyin with tone numbers (xi1an1)
	// is the term without them (xian), and the text as typed its variant
	// (weight 1).
	Variants []Variant
	// Parts are the syllables of a Latin term that tone numbers mark: the
	// runs of letters before them (xi1an1: xi, an), each of two or more
	// letters; Text is them joined (xian). A term with parts also matches
	// the words of name that are its parts, one after the other (Xi'an
	// City), and matches a run of the pinyin only where a syllable begins
	// at each part (西安 xi an; not 县 xian, nor 现代 xiandai), and never
	// the initials. Nil for a term of one part. Terms that apostrophes
	// join, one of them a syllable of one letter (a, o, e), are one term
	// of parts too, each of one or more letters (dong'e: donge, parts
	// dong and e: Dong'e County, 东阿县).
	Parts []string
	// PinyinOnly marks a piece of an expansion of a Latin term in one of
	// Query.Alternatives: such a piece matches only as a run of the pinyin
	// that begins at a unit (Doc.pinyinPieces), so the stores ask it of
	// the pinyin keys alone (PinyinKeyQuery), not as a word of name or a
	// run of the initials (kejiguan00 asks the piece 00 so, not as a
	// prefix of every number word of the names).
	PinyinOnly bool
}

// Variant is another spelling of a Latin term (Term.Variants).
type Variant struct {
	Text   string  // folded, as Term.Text
	Weight float64 // in (0, 1]: the factor of a match by this spelling
}

// Weights of the spellings of a Latin term.
const (
	// umlautWeight is the weight of lu and nu read as lü and nü (lv, nv):
	// below the text as typed (luliang: 陆良 before 吕梁).
	umlautWeight = 0.9
	// umlautUWeight is the weight of a ü typed written u (Ürümqi:
	// urumqi): below v, which is how pinyin writes it (lüliang: 吕梁
	// lvliang before 陆良 luliang).
	umlautUWeight = 0.95
	// splitWeight is the factor of the weights of the terms of a run
	// (Query.Joins) that a document does not hold as one: xi'an on 安溪县
	// Anxi County (an xi) or 咸安区 Xian'an District (xian an), below 西安.
	splitWeight = 0.75
)

// Indexed reports whether the term is asked of the full-text index: Latin
// terms always (Parse drops the rest), Chinese terms of two or more
// characters (the CJK analyzers index character bigrams).
func (t Term) Indexed() bool { return !t.Han || utf8.RuneCountInString(t.Text) >= 2 }

// Fuzzy reports whether a Latin term also matches words one edit away.
func (t Term) Fuzzy() bool { return !t.Han && utf8.RuneCountInString(t.Text) >= 4 }

// Query is a parsed search text.
type Query struct {
	Terms []Term
	// Joins are the runs of Latin terms that apostrophes join in the text
	// (xi'an, Xī’ān: xi and an; each part of two or more letters and not
	// a stop word, so a term of Terms), and the runs of a term and a
	// syllable of one letter after spaces (tian e: tian and e; the letter
	// is no term). Every term is matched on its own
	// (and asked of the index so); a document that does not hold a run as
	// one (its parts as words one after the other, or a run of the pinyin
	// with a syllable beginning at each part: Xi'an City, 西安, not 安溪
	// Anxi) has the weights of the run's terms times splitWeight.
	Joins []Join
}

// Parse cuts a search text into terms. Errors: the text is longer than
// MaxTextRunes, has more than MaxTerms terms, or has no indexed term
// (ErrNoTerm); their messages are meant for the client.
func Parse(text string) (Query, error) {
	if n := utf8.RuneCountInString(text); n > MaxTextRunes {
		return Query{}, fmt.Errorf("search text has %d characters, more than %d", n, MaxTextRunes)
	}
	var q Query
	type key struct {
		text string
		han  bool
	}
	seen := map[key]bool{}
	indexed := false
	terms, runs := queryTerms(text)
	q.Joins = runs
	for _, t := range terms {
		if !t.Han && (utf8.RuneCountInString(t.Text) < 2 || StopWords[t.Text]) {
			continue
		}
		if seen[key{t.Text, t.Han}] {
			continue
		}
		seen[key{t.Text, t.Han}] = true
		indexed = indexed || t.Indexed()
		q.Terms = append(q.Terms, t)
	}
	if len(q.Terms) > MaxTerms {
		return Query{}, fmt.Errorf("search text has %d terms, more than %d", len(q.Terms), MaxTerms)
	}
	if !indexed {
		return Query{}, ErrNoTerm
	}
	q.expand()
	return q, nil
}

// foldLatin applies NFKC, lowers the case and removes tone marks (ü and its
// toned forms become v).
func foldLatin(s string) string {
	if isASCII(s) {
		// NFKC and NFD leave ASCII as it is, and it has no marks.
		return strings.ToLower(s)
	}
	if isHanASCII(s) {
		// NFKC, NFD and lower case leave these ideographs as they are; the
		// text's terms (splitTerms) are those of foldUnicode's result.
		return strings.ToLower(s)
	}
	return foldUnicode(s, 'v')
}

// isHanASCII reports whether s holds only ASCII and CJK Unified
// Ideographs (U+4E00–U+9FFF), or the full-width parentheses, ideographic
// comma, space and full stop, which are neither letters nor digits before
// or after NFKC (foldUnicode makes ASCII parentheses of the first two): the
// Chinese names of most nodes.
func isHanASCII(s string) bool {
	for _, r := range s {
		if r >= utf8.RuneSelf && (r < 0x4e00 || r > 0x9fff) && r != '（' && r != '）' && r != '、' && r != '　' && r != '。' {
			return false
		}
	}
	return true
}

// foldUnicode is foldLatin for any text, with ü (and its toned forms)
// written umlaut (v, as foldLatin, or u). Both spellings have the same
// length, so the terms of the two folds of a text are at the same places.
func foldUnicode(s string, umlaut byte) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		if unicode.Is(unicode.Mn, r) {
			if r == '\u0308' && umlaut != 'u' { // diaeresis: ü -> v (the u was written already)
				str := b.String()
				if strings.HasSuffix(str, "u") {
					b.Reset()
					b.WriteString(str[:len(str)-1])
					b.WriteByte(umlaut)
				}
			}
			continue
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// isHan reports whether r is of the Han script (unicode.Han). The CJK
// Unified Ideographs block (U+4E00–U+9FFF), which holds most Chinese
// names' characters, is all Han and nothing below U+2E80 is
// (TestIsHanShortcut); the rest is looked up in the table.
func isHan(r rune) bool {
	if r < 0x2e80 {
		return false
	}
	if r >= 0x4e00 && r <= 0x9fff {
		return true
	}
	return unicode.Is(unicode.Han, r)
}

// isWordRune reports whether r is a letter or a digit (unicode.IsLetter,
// unicode.IsDigit); for ASCII, A–Z, a–z and 0–9.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIIAlnum(byte(r))
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// isASCIIAlnum reports whether b is an ASCII letter or digit.
func isASCIIAlnum(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// splitTerms cuts folded text into runs of Han characters and runs of other
// letters and digits.
func splitTerms(s string) []Term {
	var out []Term
	var cur []rune
	curHan := false
	flush := func() {
		if len(cur) > 0 {
			out = append(out, Term{Text: string(cur), Han: curHan})
		}
		cur = cur[:0]
	}
	for _, r := range s {
		switch {
		case isHan(r):
			if !curHan {
				flush()
			}
			curHan = true
			cur = append(cur, r)
		case isWordRune(r):
			if curHan {
				flush()
			}
			curHan = false
			cur = append(cur, r)
		default:
			flush()
		}
	}
	flush()
	return out
}

// Words returns the words of an English name as the index sees them: folded
// runs of letters and digits, without stop words. An ASCII name is cut in
// one pass over its lower-case form, whose substrings the words are (a
// Neo4j search analyzes every candidate's name: docs/benchmarks.md,
// "Search beyond the candidate cap"; TestKeysSame compares the two).
func Words(name string) []string {
	if isASCII(name) {
		return asciiWords(name)
	}
	var out []string
	for _, t := range splitTerms(foldLatin(name)) {
		if !t.Han && !StopWords[t.Text] {
			out = append(out, t.Text)
		}
	}
	return out
}

// The full-text indexes of both stores hold the names' words and Chinese
// characters as this package cuts them, not as their engines' analyzers
// would (bleve's and Lucene's Unicode word rules keep 12,000, o'brien, 3.5,
// u.s, data_lab as one token, and leave běijīng unfolded; their CJK bigrams
// split kana and hangul words, and bleve's drops the Han characters its
// tables do not know): WordKeys and HanKeys are the text they index, cut at
// spaces (a whitespace analyzer), so that a term Rank accepts is one the
// index finds, and the other way round.

// asciiWords is Words of ASCII text: foldLatin lowers its case, and
// splitTerms cuts it at every byte that is not a letter or a digit.
func asciiWords(s string) []string {
	lower := strings.ToLower(s)
	n := 0
	for i := 0; i < len(lower); i++ {
		if isASCIIAlnum(lower[i]) && (i == 0 || !isASCIIAlnum(lower[i-1])) {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]string, 0, n)
	for i := 0; i < len(lower); {
		if !isASCIIAlnum(lower[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(lower) && isASCIIAlnum(lower[j]) {
			j++
		}
		if w := lower[i:j]; !StopWords[w] {
			out = append(out, w)
		}
		i = j
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// WordKeys is the text a full-text index holds for an English name: its
// Words, space-separated ("" for a name without words).
func WordKeys(name string) string {
	if isASCII(name) {
		return asciiWordKeys(name)
	}
	return strings.Join(Words(name), " ")
}

// asciiWordKeys is WordKeys of ASCII text (foldLatin lowers its case and
// splitTerms cuts it at every byte that is not a letter or a digit),
// written in one pass with one allocation, the result (a bulk load asks
// it of every node: docs/neo4j.md, "The 1M load on Neo4j (2026-12-03,
// n4load11)"). TestKeysSame compares it with Words.
func asciiWordKeys(s string) string {
	var buf [128]byte
	out := buf[:0]
	for i := 0; i < len(s); {
		if !isASCIIAlnum(s[i]) {
			i++
			continue
		}
		start := len(out)
		if start > 0 {
			out = append(out, ' ')
		}
		w := len(out)
		for ; i < len(s) && isASCIIAlnum(s[i]); i++ {
			c := s[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			out = append(out, c)
		}
		if StopWords[string(out[w:])] {
			out = out[:start]
		}
	}
	return string(out)
}

// HanGrams returns the Chinese characters of a nameZh as a full-text index
// holds them: for each run of Han characters (unicode.Han, as Parse cuts
// Chinese terms; the name in simplified characters, Fold, as Rank compares
// it), the bigrams of its characters, or the character alone for a run of
// one, in order (a CJK analyzer's bigrams, for every Han character). A
// Chinese term found in a nameZh has its own HanGrams there, one after
// the other.
func HanGrams(nameZh string) []string {
	nameZh = Fold(nameZh)
	var out []string
	prev := -1 // start of the previous Han character of the run, -1: none
	run := 0
	for i, r := range nameZh {
		if !isHan(r) {
			if run == 1 {
				out = append(out, nameZh[prev:i])
			}
			prev, run = -1, 0
			continue
		}
		if run > 0 {
			out = append(out, nameZh[prev:i+utf8.RuneLen(r)])
		}
		prev, run = i, run+1
	}
	if run == 1 {
		out = append(out, nameZh[prev:])
	}
	return out
}

// HanKeys is HanGrams space-separated: the text a full-text index holds
// for the Chinese characters of a nameZh.
// It cuts the grams as HanGrams does, written into one string (one
// allocation; TestKeysSame compares the two).
func HanKeys(nameZh string) string {
	nameZh = Fold(nameZh)
	var b strings.Builder
	gram := func(g string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		} else {
			// A run of n characters of 3 bytes gives n-1 bigrams of 6
			// bytes and their spaces: about twice the text.
			b.Grow(2 * len(nameZh))
		}
		b.WriteString(g)
	}
	prev := -1 // start of the previous Han character of the run, -1: none
	run := 0
	for i, r := range nameZh {
		if !isHan(r) {
			if run == 1 {
				gram(nameZh[prev:i])
			}
			prev, run = -1, 0
			continue
		}
		if run > 0 {
			gram(nameZh[prev : i+utf8.RuneLen(r)])
		}
		prev, run = i, run+1
	}
	if run == 1 {
		gram(nameZh[prev:])
	}
	return b.String()
}

// Syllables returns the pinyin of a Chinese name, one unit per character:
// the toneless syllable of each Chinese character (its reading in the word
// it is part of, else its default reading: textsearch/reading; 重庆 chong qing),
// and each run of other letters or digits, folded, as one unit. Other
// characters give none. A name is read in simplified characters (Fold:
// 重慶 is read as 重庆, chong qing).
func Syllables(nameZh string) []string { return syllablesFolded(foldLatin(Fold(nameZh))) }

// syllablesFolded is Syllables of a name already folded (foldLatin).
func syllablesFolded(folded string) []string { return appendSyllables(nil, folded) }

// appendSyllables appends the units of Syllables of a folded name to dst:
// the terms of splitTerms, a Han run as the syllables of its characters
// (reading.AppendHan), a run of other letters and digits as itself (a
// substring of folded:
// splitTerms's runes of a run are the run's bytes, since a byte that is
// not valid UTF-8 is neither a letter nor a digit).
func appendSyllables(dst []string, folded string) []string {
	word := -1 // start of the run of letters and digits, -1: none
	han := -1  // start of the run of Han characters, -1: none
	for i, r := range folded {
		if han >= 0 && !isHan(r) {
			dst = reading.AppendHan(dst, folded[han:i])
			han = -1
		}
		switch {
		case isHan(r):
			if word >= 0 {
				dst = append(dst, folded[word:i])
				word = -1
			}
			if han < 0 {
				han = i
			}
		case isWordRune(r):
			if word < 0 {
				word = i
			}
		default:
			if word >= 0 {
				dst = append(dst, folded[word:i])
				word = -1
			}
		}
	}
	if han >= 0 {
		dst = reading.AppendHan(dst, folded[han:])
	}
	if word >= 0 {
		dst = append(dst, folded[word:])
	}
	return dst
}

// Pinyin is the full pinyin of a Chinese name without spaces:
// 北京科学中心 -> beijingkexuezhongxin.
func Pinyin(nameZh string) string { return strings.Join(Syllables(nameZh), "") }

// Initials are the first letters of the syllables: 北京科学中心 -> bjkxzx.
func Initials(nameZh string) string { return initials(Syllables(nameZh)) }

func initials(syl []string) string {
	var b strings.Builder
	for _, s := range syl {
		r, _ := utf8.DecodeRuneInString(s)
		b.WriteRune(r)
	}
	return b.String()
}

// PinyinKeys returns PinyinKeys of the document's nameZh.
func (d *Doc) PinyinKeys() string { return suffixes(d.syl) }

// InitialsKeys returns InitialsKeys of the document's nameZh.
func (d *Doc) InitialsKeys() string { return initialsKeys(d.syl) }

// PinyinKeys is the text a full-text index holds for the pinyin of a
// Chinese name: the joined pinyin from each syllable on, space-separated
// (beijingkexuezhongxin jingkexuezhongxin kexuezhongxin ... xin), so that a
// prefix query finds a run starting at any syllable. "" for a name without
// pinyin.
func PinyinKeys(nameZh string) string { return suffixes(Syllables(nameZh)) }

// InitialsKeys is the same for the initials (bjkxzx jkxzx kxzx xzx zx x):
// a prefix query finds any run of them.
func InitialsKeys(nameZh string) string { return initialsKeys(Syllables(nameZh)) }

func initialsKeys(syl []string) string {
	one := make([]string, len(syl))
	for i, s := range syl {
		r, _ := utf8.DecodeRuneInString(s)
		one[i] = string(r)
	}
	return suffixes(one)
}

func suffixes(parts []string) string {
	var keys []string
	for i := range parts {
		keys = append(keys, strings.Join(parts[i:], ""))
	}
	return strings.Join(keys, " ")
}

// Doc is what a node contributes to search, analyzed once.
type Doc struct {
	ID     string
	words  []string // English name words
	zh     []rune   // nameZh
	unitOf []int    // unitOf[i]: the pinyin unit of zh[i] (-1: none)
	syl    []string // pinyin units
	start  []int    // start[k]: offset of unit k in joined
	joined string   // pinyin without spaces
	inits  string   // initials
	// name and nameZh as analyzed (DocCache compares them).
	name, nameZh string
}

// NewDoc analyzes a node's names (nameZh in simplified characters: Fold).
func NewDoc(id, name, nameZh string) *Doc {
	zh := Fold(nameZh)
	d := &Doc{ID: id, words: Words(name), zh: []rune(zh), name: name, nameZh: nameZh}
	// Units aligned to the runes of nameZh (as Syllables makes them).
	d.unitOf = make([]int, len(d.zh))
	foldedZh := foldLatin(zh)
	folded := []rune(foldedZh)
	sameLen := len(folded) == len(d.zh)
	k := -1
	prevWord := false
	for i, r := range d.zh {
		d.unitOf[i] = -1
		if sameLen {
			r = folded[i]
		}
		switch {
		case isHan(r):
			k++
			d.unitOf[i] = k
			prevWord = false
		case isWordRune(r):
			if !prevWord {
				k++
			}
			d.unitOf[i] = k
			prevWord = true
		default:
			prevWord = false
		}
	}
	d.syl = syllablesFolded(foldedZh)
	if !sameLen || k+1 != len(d.syl) {
		d.unitOf = nil // alignment unknown (NFKC changed the length): no coverage from Chinese terms
	}
	off := 0
	for _, s := range d.syl {
		d.start = append(d.start, off)
		off += len(s)
	}
	d.joined = strings.Join(d.syl, "")
	d.inits = initials(d.syl)
	return d
}

// DocCache is a bounded cache of analyzed names (Doc) for a store whose
// index returns the names of its candidates (Neo4j's): Doc gives the
// cached Doc of the node when it was analyzed from the same names, else
// analyzes them (and caches the result), so an entry is never stale. When
// it holds max entries it is emptied. Safe for concurrent use.
type DocCache struct {
	mu   sync.Mutex
	max  int
	docs map[string]*Doc
}

// NewDocCache returns a cache of at most max entries.
func NewDocCache(max int) *DocCache { return &DocCache{max: max, docs: map[string]*Doc{}} }

// Doc returns NewDoc(id, name, nameZh), from the cache when it holds the
// node's Doc of the same names.
func (c *DocCache) Doc(id, name, nameZh string) *Doc {
	c.mu.Lock()
	d := c.docs[id]
	c.mu.Unlock()
	if d != nil && d.name == name && d.nameZh == nameZh {
		return d
	}
	d = NewDoc(id, name, nameZh)
	c.mu.Lock()
	if len(c.docs) >= c.max {
		clear(c.docs)
	}
	c.docs[id] = d
	c.mu.Unlock()
	return d
}

// Score tells whether the document matches every term of q and how well:
// the mean of the terms' weights (exact word, whole syllables or a Chinese
// substring 1, a word or syllable prefix 0.8, initials 0.6, one edit 0.5;
// an expansion 0.9 times its pieces' weight, 0.85 times when its first
// piece does not begin the name; a variant spelling its Weight times its
// match's)
// plus half the share of the name the terms cover (of its English words, or
// of the units of its pinyin, whichever is more; a Latin term covers the
// units of its best run of the pinyin, the words it spells written
// together: xian covers the xi and an of Xi'an City), so that an exact
// name ranks first and shorter names before longer ones. The score is in
// (0, 1.5].
func (q Query) Score(d *Doc) (float64, bool) {
	var sc scratch
	return q.score(d, &sc)
}

// scratch holds the per-document marks of score, reused from one
// candidate to the next, and the runes of the query's terms.
type scratch struct {
	words, units []bool
	runes        [][]rune // by term index, made on first use
}

func (sc *scratch) runesOf(k int, text string) []rune {
	for len(sc.runes) <= k {
		sc.runes = append(sc.runes, nil)
	}
	if sc.runes[k] == nil {
		sc.runes[k] = []rune(text)
	}
	return sc.runes[k]
}

func marks(buf *[]bool, n int) []bool {
	if cap(*buf) < n {
		*buf = make([]bool, n)
	}
	m := (*buf)[:n]
	clear(m)
	return m
}

func (q Query) score(d *Doc, sc *scratch) (float64, bool) {
	if len(q.Terms) == 0 {
		return 0, false
	}
	wordHit := marks(&sc.words, len(d.words))
	unitHit := marks(&sc.units, len(d.syl))
	// The parts of the runs the document does not hold as one.
	var split []string
	for _, r := range q.Joins {
		if !d.holds(r, wordHit, unitHit) {
			split = append(split, r.Parts...)
		}
	}
	total := 0.0
	for k, t := range q.Terms {
		w := 0.0
		if t.Han {
			w = d.hanMatch(sc.runesOf(k, t.Text), unitHit)
		} else {
			w = d.latinMatch(t.Text, t.Parts, wordHit, unitHit)
			for _, v := range t.Variants {
				w = math.Max(w, v.Weight*d.latinMatch(v.Text, nil, wordHit, unitHit))
			}
		}
		if w == 0 && len(t.Expansions) > 0 {
			w = d.expansionMatch(t, unitHit)
		}
		if w == 0 {
			return 0, false
		}
		if !t.Han && len(split) > 0 && slices.Contains(split, t.Text) {
			w *= splitWeight
		}
		total += w
	}
	cover := math.Max(share(wordHit), share(unitHit))
	s := total/float64(len(q.Terms)) + 0.5*cover
	return math.Round(s*1e9) / 1e9, true
}

func share(hit []bool) float64 {
	if len(hit) == 0 {
		return 0
	}
	n := 0
	for _, h := range hit {
		if h {
			n++
		}
	}
	return float64(n) / float64(len(hit))
}

func (d *Doc) hanMatch(tr []rune, unitHit []bool) float64 {
	found := false
	for i := 0; i+len(tr) <= len(d.zh); i++ {
		if d.zh[i] != tr[0] || !slices.Equal(d.zh[i:i+len(tr)], tr) {
			continue
		}
		found = true
		if d.unitOf != nil {
			for j := i; j < i+len(tr); j++ {
				if u := d.unitOf[j]; u >= 0 {
					unitHit[u] = true
				}
			}
		}
	}
	if found {
		return 1
	}
	return 0
}

func (d *Doc) wordMatch(t string, wordHit []bool) float64 {
	best := 0.0
	for i, w := range d.words {
		v := 0.0
		switch {
		case w == t:
			v = 1
		case strings.HasPrefix(w, t):
			v = 0.8
		case utf8.RuneCountInString(t) >= 4 && withinOneEdit(t, w):
			v = 0.5
		}
		if v > 0 {
			wordHit[i] = true
		}
		best = math.Max(best, v)
	}
	return best
}

// pinyinMatch is the weight of t as a run of the pinyin that begins at a
// unit (and, when t has parts (Term.Parts), where each part begins): 1
// when it ends at one, else 0.8 (a prefix of the unit it ends in); or,
// when there is none, 0.6 for a run of the initials. It marks the units of the best run (the first of the best
// weight; a term stands for one place in the name, so that xian covers
// one unit of 献县 xianxian, not two) or of every run of the initials.
func (d *Doc) pinyinMatch(t string, parts []string, unitHit []bool) float64 {
	best, bestK := 0.0, -1
	for k, off := range d.start {
		if off >= len(d.joined) || d.joined[off] != t[0] || !strings.HasPrefix(d.joined[off:], t) {
			continue
		}
		end := off + len(t)
		v := 0.8
		for j := k; j < len(d.start) && d.start[j] < end; j++ {
			if d.start[j]+len(d.syl[j]) == end {
				v = 1
			}
		}
		if len(parts) > 1 && !d.partsAt(k, off, parts) {
			continue
		}
		if v > best {
			best, bestK = v, k
		}
	}
	if bestK >= 0 {
		end := d.start[bestK] + len(t)
		for j := bestK; j < len(d.start) && d.start[j] < end; j++ {
			unitHit[j] = true
		}
	}
	if best == 0 && len(parts) <= 1 {
		if i := strings.Index(d.inits, t); i >= 0 && len(d.inits) == len(d.syl) {
			best = 0.6
			for ; i >= 0; i = indexFrom(d.inits, t, i+1) {
				for j := i; j < i+len(t); j++ {
					unitHit[j] = true
				}
			}
		}
	}
	return best
}

func indexFrom(s, sub string, from int) int {
	if from > len(s) {
		return -1
	}
	if i := strings.Index(s[from:], sub); i >= 0 {
		return from + i
	}
	return -1
}

// Hit is a ranked match.
type Hit struct {
	ID    string
	Score float64
}

// Rank scores the candidates and returns the matches, best first, ties by
// ID (ascending). Candidates listed twice count once.
func Rank(q Query, cands []*Doc) []Hit {
	_, _, hits := rankAfter(q, cands, nil, len(cands))
	return hits
}

// rankAfter scores the candidates and returns the number of distinct
// candidates, the number of matches and the k best of those that come
// after the hit after (all when it is nil), in the order of Rank. It keeps
// k hits at a time (a bounded heap), not every match.
func rankAfter(q Query, cands []*Doc, after *Hit, k int) (distinct, total int, top []Hit) {
	seen := make(map[string]bool, len(cands))
	var sc scratch
	heapTop := make(hitHeap, 0, min(k, len(cands)))
	for _, d := range cands {
		if seen[d.ID] {
			continue
		}
		seen[d.ID] = true
		score, ok := q.score(d, &sc)
		if !ok {
			continue
		}
		total++
		h := Hit{ID: d.ID, Score: score}
		if k == 0 || (after != nil && !Before(*after, h)) {
			continue
		}
		if len(heapTop) < k {
			heap.Push(&heapTop, h)
		} else if Before(h, heapTop[0]) {
			heapTop[0] = h
			heap.Fix(&heapTop, 0)
		}
	}
	slices.SortFunc(heapTop, func(a, b Hit) int {
		if Before(a, b) {
			return -1
		}
		return 1
	})
	return len(seen), total, heapTop
}

// hitHeap is a heap of hits whose root is the last in the order of Before.
type hitHeap []Hit

func (h hitHeap) Len() int           { return len(h) }
func (h hitHeap) Less(i, j int) bool { return Before(h[j], h[i]) }
func (h hitHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *hitHeap) Push(x any)        { *h = append(*h, x.(Hit)) }
func (h *hitHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Before is the order of hits: higher score first, then lower ID.
func Before(a, b Hit) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return a.ID < b.ID
}

// Run answers a search for a store: it checks q, parses the text, takes the
// candidates of the store's index for each of the text's alternatives
// (candidates is called once for each, at most MaxAlternatives times, with
// limit MaxCandidates, and returns every node the alternative's index
// query matches, or ErrTooBroad when there are more than limit: a store
// asks its index for limit+1 and analyzes none of them then), ranks their
// union, cuts the page after q.After and loads its nodes. Every candidate
// is ranked, so the total is the number of matches and the page the top
// of the ranking of all of them; a union of more than MaxCandidates
// candidates is ErrTooBroad too (BAD_USER_INPUT). A node that nodes does
// not return (deleted meanwhile) is left out of the page.
func Run(ctx context.Context, q kepu.SearchQuery,
	candidates func(ctx context.Context, q Query, labels []kepu.Label, limit int) ([]*Doc, error),
	nodes func(ctx context.Context, ids []string) (map[string]kepu.Node, error),
) (kepu.SearchPage, error) {
	if err := kepu.ValidateSearch(q); err != nil {
		return kepu.SearchPage{}, err
	}
	pq, err := Parse(q.Text)
	if err != nil {
		return kepu.SearchPage{}, kepu.Errorf(kepu.BadUserInput, "%v", err)
	}
	var cands []*Doc
	for _, alt := range pq.Alternatives() {
		c, err := candidates(ctx, alt, q.Labels, MaxCandidates)
		if err != nil {
			return kepu.SearchPage{}, err
		}
		if len(c) > MaxCandidates {
			return kepu.SearchPage{}, ErrTooBroad
		}
		if cands == nil {
			cands = c
		} else {
			cands = append(cands, c...)
		}
	}
	var after *Hit
	if q.After != "" {
		score, id, _ := kepu.DecodeSearchCursor(q)
		after = &Hit{ID: id, Score: score}
	}
	distinct, total, hits := rankAfter(pq, cands, after, q.First+1)
	if distinct > MaxCandidates {
		return kepu.SearchPage{}, ErrTooBroad
	}
	page := kepu.SearchPage{Total: total, HasPrev: q.After != ""}
	page.HasNext = len(hits) > q.First
	hits = hits[:min(q.First, len(hits))]
	if len(hits) == 0 {
		return page, nil
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	found, err := nodes(ctx, ids)
	if err != nil {
		return kepu.SearchPage{}, err
	}
	for _, h := range hits {
		n, ok := found[h.ID]
		if !ok {
			continue
		}
		page.Hits = append(page.Hits, kepu.SearchHit{Node: n, Score: h.Score, Cursor: kepu.SearchCursor(q, h.Score, h.ID)})
	}
	return page, nil
}

// withinOneEdit reports whether the Levenshtein distance between a and b
// (over runes) is at most 1, in one pass: the ranking calls it for every
// word of every candidate, where a full distance matrix was most of the
// time of a broad search.
func withinOneEdit(a, b string) bool {
	if len(a)-len(b) > utf8.UTFMax || len(b)-len(a) > utf8.UTFMax {
		return false // one edit changes the length by at most one rune
	}
	if isASCII(a) && isASCII(b) {
		return oneEdit([]byte(a), []byte(b))
	}
	return oneEdit([]rune(a), []rune(b))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func oneEdit[T byte | rune](ra, rb []T) bool {
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	if len(ra)-len(rb) > 1 {
		return false
	}
	i := 0
	for i < len(rb) && ra[i] == rb[i] {
		i++
	}
	if i == len(rb) {
		return true // equal, or one rune appended
	}
	if len(ra) == len(rb) {
		return slices.Equal(ra[i+1:], rb[i+1:]) // one substitution
	}
	return slices.Equal(ra[i+1:], rb[i:]) // one deletion from ra
}

// Keys of a whole run of the pinyin and of the initials (the embedded
// store's index since its format 4, and the Neo4j store's): keys of the
// pinyin from each unit and from each change between letters and ASCII
// digits, keys of the initials from each unit, and an index answers a term
// with a conjunction of prefix (or term) queries over its term dictionary
// (PinyinKeyQuery, InitialsKeyQuery): the documents it finds are those
// whose pinyin or initials Rank matches, or a few more (see
// PinyinKeyQuery).

// DigitKeyLen is the most digits a key of PrefixKeys.Pinyin that begins
// with a digit holds (a name's long numbers would make one distinct key
// per name).
const DigitKeyLen = 4

// PrefixKeys are the keys of a Chinese name's pinyin and initials,
// space-separated.
type PrefixKeys struct {
	// Pinyin: the keys that begin at each unit's start and at each
	// change between letters and ASCII digits inside a unit (a word of
	// letters and digits: K12, H7N9), in the order of the joined pinyin:
	// from a letter, the joined pinyin up to the next ASCII digit (or the
	// end); from a digit, its first digits, at most DigitKeyLen
	// (北京科学中心: beijingkexuezhongxin jingkexuezhongxin kexuezhongxin
	// xuezhongxin zhongxin xin; 科技馆 0000123（东城区）: kejiguan jiguan guan
	// 0000 dongchengqu chengqu qu; 绿色K12学校: lvsek sek k 12 xuexiao xiao).
	Pinyin string
	// Initials: the initials from each unit on (bjkxzx jkxzx kxzx xzx zx
	// x), as InitialsKeys.
	Initials string
}

// NewPrefixKeys returns the PrefixKeys of a Chinese name ("" fields for a
// name without pinyin). Both fields share one allocation; the syllables,
// the joined pinyin and the initials are built on the stack for names of
// up to 48 units (a bulk load asks it of every node; TestKeysSame
// compares it with the definition above, refNewPrefixKeys).
func NewPrefixKeys(nameZh string) PrefixKeys {
	var sylBuf [48]string
	syl := appendSyllables(sylBuf[:0], foldLatin(Fold(nameZh)))
	if len(syl) == 0 {
		return PrefixKeys{}
	}
	var joinedBuf [256]byte
	joined := joinedBuf[:0]
	for _, s := range syl {
		joined = append(joined, s...)
	}
	var outBuf [1024]byte
	out := outBuf[:0]
	off := 0
	for _, s := range syl {
		out = appendPinyinKey(out, joined, off)
		// Digits are ASCII: a change between a digit and another
		// character is at a rune's start.
		for i := 1; i < len(s); i++ {
			if isASCIIDigitByte(s[i]) != isASCIIDigitByte(s[i-1]) {
				out = appendPinyinKey(out, joined, off+i)
			}
		}
		off += len(s)
	}
	pinyinLen := len(out)
	// The initials (the first character of each unit) and where each
	// unit's begins; the keys are the initials from each unit on.
	var initsBuf [64]byte
	var atBuf [48]int
	inits, at := initsBuf[:0], atBuf[:0]
	for _, s := range syl {
		at = append(at, len(inits))
		r, _ := utf8.DecodeRuneInString(s)
		inits = utf8.AppendRune(inits, r)
	}
	for i, a := range at {
		if i > 0 {
			out = append(out, ' ')
		}
		out = append(out, inits[a:]...)
	}
	keys := string(out)
	return PrefixKeys{Pinyin: keys[:pinyinLen], Initials: keys[pinyinLen:]}
}

// appendPinyinKey appends the key of PrefixKeys.Pinyin that begins at
// offset p of the joined pinyin, after a space unless it is the first:
// from a letter, the joined pinyin up to the next ASCII digit (or the
// end); from a digit, its first digits, at most DigitKeyLen. (ASCII
// digits are never bytes of a longer UTF-8 sequence.)
func appendPinyinKey(out, joined []byte, p int) []byte {
	if len(out) > 0 {
		out = append(out, ' ')
	}
	rest := joined[p:]
	end := len(rest)
	for i, c := range rest {
		if isASCIIDigitByte(c) {
			end = i
			break
		}
	}
	if end == 0 {
		end = 0
		for end < len(rest) && end < DigitKeyLen && isASCIIDigitByte(rest[end]) {
			end++
		}
	}
	return append(out, rest[:end]...)
}

func isASCIIDigit(r rune) bool { return r >= '0' && r <= '9' }

func isASCIIDigitByte(b byte) bool { return b >= '0' && b <= '9' }

// digitRun is the number of ASCII digits s begins with.
func digitRun(s string) int {
	n := 0
	for n < len(s) && isASCIIDigitByte(s[n]) {
		n++
	}
	return n
}

// KeyQuery is a query on one key field: a document matches when the field
// holds the key Key (Prefix false) or a key that begins with Key (Prefix
// true).
type KeyQuery struct {
	Key    string
	Prefix bool
}

// PinyinKeyQuery is the query on PrefixKeys.Pinyin of a Latin term
// (folded, as Parse makes it): a document matches when it matches every
// KeyQuery of the result (one or more). The term is cut into segments
// where it changes between letters and ASCII digits (xue005872kexue: xue,
// 005872, kexue). A run of the joined pinyin that the term begins starts
// at a unit, and each other segment starts at a change between letters
// and digits in the pinyin: a key begins at each segment, so the query
// asks, for each segment, the key there: a segment of letters, that key
// exactly (it ends at the next digit), or, the last, a key that begins
// with it; a segment of digits, its first DigitKeyLen digits exactly, or,
// fewer and followed by a letter, the segment exactly, or, fewer and the
// last, a key that begins with it. It finds every name whose pinyin Rank
// matches, and for a term without digits only those and names whose keys
// inside a word of letters and digits begin with the term (1a2b: the key
// "b" is not at a unit), for a term with digits more: Rank checks the
// rest (the digits after the first DigitKeyLen, and a key of letters that
// begins a unit or is inside one).
func PinyinKeyQuery(term string) []KeyQuery {
	var out []KeyQuery
	for i := 0; i < len(term); {
		digits := isASCIIDigitByte(term[i])
		j := i + 1
		for j < len(term) && isASCIIDigitByte(term[j]) == digits {
			j++
		}
		seg, last := term[i:j], j == len(term)
		switch {
		case !digits:
			out = append(out, KeyQuery{Key: seg, Prefix: last})
		case len(seg) >= DigitKeyLen:
			out = append(out, KeyQuery{Key: seg[:DigitKeyLen]})
		default:
			out = append(out, KeyQuery{Key: seg, Prefix: last})
		}
		i = j
	}
	return out
}

// HanKeyQuery is the query on PrefixKeys.Pinyin of a Chinese term of one
// character, which the full-text indexes cannot ask (they index
// bigrams: Term.Indexed): a key that begins with the character's syllable
// (馆: guan), which every name holding the character has, at its unit. It
// finds a superset (names with another character of that syllable), so
// that the other terms of a text are not left alone to choose the
// candidates. ok is false for a term of more characters, or a character
// without pinyin.
func HanKeyQuery(t Term) (k KeyQuery, ok bool) {
	r, n := utf8.DecodeRuneInString(t.Text)
	if !t.Han || n == 0 || n != len(t.Text) {
		return KeyQuery{}, false
	}
	s := reading.Syllable(r)
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return KeyQuery{}, false
		}
	}
	return KeyQuery{Key: s, Prefix: true}, true
}

// InitialsKeyQuery is the query on PrefixKeys.Initials of a Latin term
// (folded): it finds exactly the names whose initials hold the term (a key
// that begins with it).
func InitialsKeyQuery(term string) KeyQuery { return KeyQuery{Key: term, Prefix: true} }
