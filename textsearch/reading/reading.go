// Package reading gives the toneless Hanyu Pinyin of Chinese text, one
// syllable per character, each character read as the word it is part of
// reads it. textsearch keys and ranks names by it, and the seed romanizes
// place names with it, so that a place's English name and its pinyin
// search keys agree.
package reading

import (
	"iter"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
)

//go:generate go run ../internal/phrasegen -out phrases_gen.go

// Readings of words. A character read alone takes go-pinyin's default
// reading (长 zhang, 重 zhong, 厦 sha, 都 dou, 藏 cang); in a word it takes
// the word's reading (长沙 changsha, 重庆 chongqing, 厦门 xiamen, 成都
// chengdu, 西藏 xizang, 银行 yinhang). The words are those of
// mozillazg/phrase-pinyin-data (its pinyin.txt and its cc_cedict.txt, the
// readings of CC-CEDICT: phrases_gen.go, made by ../internal/phrasegen from
// pinned releases) whose reading differs from their characters' defaults,
// and placeReadings, place names of the reference data that the data set
// reads otherwise or lacks. A run of Chinese characters is cut into words
// by forward maximum matching over these words (the longest word that
// begins at each character, as pypinyin's mmseg does over its phrases);
// characters in no word keep their default reading. A name's pinyin is
// one syllable per character either way: only which syllable changes.
// The character-by-character reading of a word (zhongqing for 重庆) is no
// longer a pinyin of the name, so it does not find it.

// placeReadings are place names of the reference data
// (seed/data/divisions.csv) that the data set reads otherwise or lacks,
// each with the Hanyu Pinyin that the source gives (toneless, one syllable
// per character). A name whose stem is also a common word (民乐 is also
// minyue, folk music) is given whole, with its suffix. An entry also
// sets its reading inside the data set's longer words that hold it
// (色达县, which CC-CEDICT reads shai da xian).
var placeReadings = []Place{
	{"襄都", "xiang du", "en.wikipedia.org/wiki/Xiangdu_District (Xiāngdū Qū)"},
	{"信都", "xin du", "en.wikipedia.org/wiki/Xindu_District,_Xingtai (Xìndū Qū)"},
	{"万柏林", "wan bai lin", "en.wikipedia.org/wiki/Wanbailin_District (Wànbǎilín Qū)"},
	{"长子县", "zhang zi xian", "en.wikipedia.org/wiki/Zhangzi_County (Zhǎngzǐ Xiàn)"},
	{"康巴什", "kang ba shi", "en.wikipedia.org/wiki/Kangbashi_District (Kāngbāshí Qū)"},
	{"扎鲁特", "zha lu te", "en.wikipedia.org/wiki/Jarud_Banner (Zhālǔtè Qí)"},
	{"栖霞", "qi xia", "en.wikipedia.org/wiki/Qixia_District and en.wikipedia.org/wiki/Qixia,_Shandong (Qīxiá)"},
	{"石鼓", "shi gu", "en.wikipedia.org/wiki/Shigu_District (Shígǔ Qū)"},
	{"郫都", "pi du", "en.wikipedia.org/wiki/Pidu,_Chengdu (Pídū)"},
	{"色达", "se da", "en.wikipedia.org/wiki/Sêrtar_County (Sèdá Xiàn)"},
	{"六枝", "liu zhi", "en.wikipedia.org/wiki/Liuzhi_Special_District (Liùzhī Tèqū)"},
	{"扎囊", "zha nang", "en.wikipedia.org/wiki/Chanang_County (Zhānáng Xiàn)"},
	{"浪卡子", "lang ka zi", "en.wikipedia.org/wiki/Nagarzê_County (Làngkǎzǐ Xiàn)"},
	{"民乐县", "min le xian", "en.wikipedia.org/wiki/Minle_County (Mínlè Xiàn)"},
	{"麦盖提", "mai gai ti", "en.wikipedia.org/wiki/Makit_County (Màigàití Xiàn)"},
	{"塔什库尔干", "ta shi ku er gan", "en.wikipedia.org/wiki/Taxkorgan_Tajik_Autonomous_County (Tǎshíkù'ěrgān)"},
	{"称多", "cheng duo", "en.wikipedia.org/wiki/Chindu_County (Chēngduō Xiàn)"},
}

// maxWordRunes bounds the length of a word in characters (the data set's
// longest is 12).
const maxWordRunes = 15

// wordTable is the words of phraseData and placeReadings: their syllables
// by word, and by first two characters the lengths in characters of the
// words that begin with them (bit n: a word of n characters), with a
// bitset to skip most bigrams that begin no word at the cost of an index
// (most characters of a name begin no word that the next character
// continues).
type wordTable struct {
	words  map[string][]string
	starts map[uint64]uint16 // by first two characters (bigram)
	// maybe has the bit bigramBit of every key of starts set: a bigram
	// whose bit is clear begins no word (2^18 bits, 32 KB; about 5,000
	// keys set about 2% of the bits, so about 2% of the bigrams that
	// begin no word are looked up in starts all the same).
	maybe [1 << 18 / 64]uint64
}

// bigram is the key of starts.
func bigram(r, r2 rune) uint64 { return uint64(r)<<32 | uint64(r2) }

// bigramBit is the bit of a bigram in wordTable.maybe.
func bigramBit(b uint64) uint32 { return uint32((b*0x9e3779b97f4a7c15)>>46) & (1<<18 - 1) }

// words is the table, built on first use (textsearch's initialization
// uses it: Provinces' and Abbreviations' pinyin).
var words = sync.OnceValue(buildWords)

// buildWords reads phraseData and placeReadings.
func buildWords() *wordTable {
	t := &wordTable{words: map[string][]string{}, starts: map[uint64]uint16{}}
	add := func(w, reading string) {
		syl := strings.Fields(reading)
		n := utf8.RuneCountInString(w)
		if n != len(syl) || n < 2 || n > maxWordRunes {
			panic("reading: reading " + reading + " of " + w + " is not one syllable per character")
		}
		t.words[w] = syl
		r, size := utf8.DecodeRuneInString(w)
		r2, _ := utf8.DecodeRuneInString(w[size:])
		b := bigram(r, r2)
		t.starts[b] |= 1 << n
		bit := bigramBit(b)
		t.maybe[bit/64] |= 1 << (bit % 64)
	}
	var data []string // the data set's words
	for line := range strings.Lines(phraseData) {
		w, reading, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
		if !ok {
			panic("reading: phraseData line " + line)
		}
		add(w, reading)
		data = append(data, w)
	}
	for _, p := range placeReadings {
		// The data set's words that hold it (色达县 sai da xian) read it
		// so too.
		syl := strings.Fields(p.Reading)
		for _, w := range data {
			if !strings.Contains(w, p.Word) {
				continue
			}
			ws := t.words[w]
			for i := 0; i < len(w); {
				j := strings.Index(w[i:], p.Word)
				if j < 0 {
					break
				}
				at := utf8.RuneCountInString(w[:i+j])
				copy(ws[at:], syl)
				i += j + len(p.Word)
			}
		}
		add(p.Word, p.Reading)
	}
	return t
}

// longest returns the reading of the longest word of the table that
// begins s and whose length in characters is one of lens (bit n: n
// characters), and its length in bytes; nil, 0 for none.
func (t *wordTable) longest(s string, lens uint16) ([]string, int) {
	// The byte ends of the next characters, up to the longest length.
	n := bits.Len16(lens) - 1
	var ends [maxWordRunes + 1]int
	k, j := 0, 0
	for k < n && j < len(s) {
		_, size := utf8.DecodeRuneInString(s[j:])
		j += size
		k++
		ends[k] = j
	}
	for ; k >= 2; k-- {
		if lens&(1<<k) == 0 {
			continue
		}
		if syl, ok := t.words[s[:ends[k]]]; ok {
			return syl, ends[k]
		}
	}
	return nil, 0
}

// AppendHan appends to dst the syllables of run, a run of Han characters:
// one a character, each word of the table (forward maximum matching) read
// as the word, every other character its default reading (Syllable).
// 重庆市 gives chong qing shi.
func AppendHan(dst []string, run string) []string {
	t := words()
	r, size := utf8.DecodeRuneInString(run)
	for i := 0; i < len(run); {
		j := i + size
		var r2 rune
		size2 := 0
		if j < len(run) {
			r2, size2 = utf8.DecodeRuneInString(run[j:])
			b := bigram(r, r2)
			if bit := bigramBit(b); t.maybe[bit/64]&(1<<(bit%64)) != 0 {
				if lens := t.starts[b]; lens != 0 {
					if syl, n := t.longest(run[i:], lens); n > 0 {
						dst = append(dst, syl...)
						i += n
						if i < len(run) {
							r, size = utf8.DecodeRuneInString(run[i:])
						}
						continue
					}
				}
			}
		}
		dst = append(dst, Syllable(r))
		i = j
		r, size = r2, size2
	}
	return dst
}

var pinyinArgs = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Style = pinyin.Normal
	a.Fallback = func(rune, pinyin.Args) []string { return nil }
	return a
}()

// The syllable of each character seen, cached (go-pinyin allocates on
// every call; names use a few thousand characters): those of the CJK
// Unified Ideographs block in a table (a lookup without a lock or an
// allocation), the others in a map.
var (
	blockSyllables [0x9fff - 0x4e00 + 1]atomic.Pointer[string]
	syllables      sync.Map // rune -> string, outside the block
)

// Syllable is the default reading of the character r: go-pinyin's first
// toneless reading (长 zhang, 重 zhong, ü as v: 绿 lv), or r itself as a
// string for a character without one (a Latin letter, a mark).
func Syllable(r rune) string {
	if r >= 0x4e00 && r <= 0x9fff {
		p := &blockSyllables[r-0x4e00]
		if s := p.Load(); s != nil {
			return *s
		}
		s := Default(r)
		p.Store(&s)
		return s
	}
	if v, ok := syllables.Load(r); ok {
		return v.(string)
	}
	s := Default(r)
	syllables.Store(r, s)
	return s
}

// Default is Syllable without its cache: go-pinyin's first toneless
// reading of r, or r itself.
func Default(r rune) string {
	p := pinyin.SinglePinyin(r, pinyinArgs)
	if len(p) > 0 && p[0] != "" {
		return p[0]
	}
	return string(r)
}

// Word returns the reading of a word of the table (phrases_gen.go's and
// placeReadings), one syllable a character, and whether it is one.
func Word(w string) ([]string, bool) {
	syl, ok := words().words[w]
	return slices.Clone(syl), ok
}

// Place is a place name's reading and its source: Reading is the toneless
// syllables separated by spaces, one a character of Word.
type Place struct{ Word, Reading, Source string }

// PlaceReadings returns the place names read otherwise than the data set
// reads them, or that it lacks (placeReadings), each with its source.
func PlaceReadings() []Place { return slices.Clone(placeReadings) }

// Phrases yields the words of the data set (phrases_gen.go) in the order
// written there (sorted), each with its reading as written: the toneless
// syllables separated by spaces. A line that is not a word, a tab and a
// reading is yielded as the word with an empty reading.
func Phrases() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for line := range strings.Lines(phraseData) {
			w, r, _ := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
			if !yield(w, r) {
				return
			}
		}
	}
}
