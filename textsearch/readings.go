package textsearch

import (
	"strings"
	"sync"
	"unicode/utf8"
)

//go:generate go run ./internal/phrasegen -out phrases_gen.go

// Readings of words. A character read alone takes go-pinyin's default
// reading (长 zhang, 重 zhong, 厦 sha, 都 dou, 藏 cang); in a word it takes
// the word's reading (长沙 changsha, 重庆 chongqing, 厦门 xiamen, 成都
// chengdu, 西藏 xizang, 银行 yinhang). The words are those of
// mozillazg/phrase-pinyin-data (its pinyin.txt and its cc_cedict.txt, the
// readings of CC-CEDICT: phrases_gen.go, made by internal/phrasegen from
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
var placeReadings = []struct{ Word, Reading, Source string }{
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
const maxWordRunes = 16

// wordTable is the words of phraseData and placeReadings: their syllables
// by word, and by first character the longest word's length in
// characters (0: no word begins with it).
type wordTable struct {
	words map[string][]string
	block [0x9fff - 0x4e00 + 1]uint8 // by first character in the CJK Unified Ideographs block
	other map[rune]uint8             // by first character elsewhere
}

var words = sync.OnceValue(func() *wordTable {
	t := &wordTable{words: map[string][]string{}, other: map[rune]uint8{}}
	add := func(w, reading string) {
		syl := strings.Fields(reading)
		n := utf8.RuneCountInString(w)
		if n != len(syl) || n < 2 || n > maxWordRunes {
			panic("textsearch: reading " + reading + " of " + w + " is not one syllable per character")
		}
		t.words[w] = syl
		r, _ := utf8.DecodeRuneInString(w)
		if r >= 0x4e00 && r <= 0x9fff {
			t.block[r-0x4e00] = max(t.block[r-0x4e00], uint8(n))
		} else {
			t.other[r] = max(t.other[r], uint8(n))
		}
	}
	for line := range strings.Lines(phraseData) {
		w, reading, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
		if !ok {
			panic("textsearch: phraseData line " + line)
		}
		add(w, reading)
	}
	for _, p := range placeReadings {
		add(p.Word, p.Reading)
		// The data set's longer words that hold it (色达县 sai da xian)
		// read it so too.
		syl := strings.Fields(p.Reading)
		for w, ws := range t.words {
			if w == p.Word {
				continue
			}
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
	}
	return t
})

// maxWord is the length in characters of the longest word that begins
// with r (0: none).
func (t *wordTable) maxWord(r rune) int {
	if r >= 0x4e00 && r <= 0x9fff {
		return int(t.block[r-0x4e00])
	}
	if len(t.other) == 0 {
		return 0
	}
	return int(t.other[r])
}

// appendHanRun appends the syllables of a run of Han characters: each
// word of the table (forward maximum matching) its reading, every other
// character its default reading (syllable).
func appendHanRun(dst []string, run string) []string {
	t := words()
	for i := 0; i < len(run); {
		r, size := utf8.DecodeRuneInString(run[i:])
		if n := t.maxWord(r); n >= 2 {
			// The byte ends of the next n characters.
			var ends [maxWordRunes]int
			k, j := 0, i
			for k < n && j < len(run) {
				_, s := utf8.DecodeRuneInString(run[j:])
				j += s
				ends[k] = j
				k++
			}
			found := false
			for ; k >= 2; k-- {
				if syl, ok := t.words[run[i:ends[k-1]]]; ok {
					dst = append(dst, syl...)
					i = ends[k-1]
					found = true
					break
				}
			}
			if found {
				continue
			}
		}
		dst = append(dst, syllable(r))
		i += size
	}
	return dst
}
