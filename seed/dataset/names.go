package dataset

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kepugraph/kepugraph/textsearch/reading"
)

// Place names in divisions.csv are Chinese only. The English name of a
// prefecture or county is a machine romanization: the Hanyu Pinyin of the
// name without its administrative suffix, followed by the English word for
// the suffix ("朝阳区" → "Chaoyang District"). The pinyin is the search's
// (textsearch/reading): each character read as the word it is part of
// reads it (佛山 Foshan, 重庆 Chongqing; textsearch/reading gives the
// dictionaries and their sources), so that a name and its pinyin search
// keys agree. It is deterministic but not an official spelling (锡林郭勒盟
// is "Xilinguole League", not "Xilin Gol League"): such a node says so with
// nameRomanized (see places.go and seed/README.md).

// nameReadings gives the stems whose English name is not their pinyin:
// the conventional names of Ürümqi, Hohhot and Lhasa (English Wikipedia's
// article titles).
var nameReadings = map[string]string{
	"乌鲁木齐": "urumqi", "呼和浩特": "hohhot", "拉萨": "lhasa",
}

// suffixes maps an administrative suffix to its English word, longest first.
var suffixes = []struct{ zh, en string }{
	{"自治州", "Autonomous Prefecture"},
	{"自治县", "Autonomous County"},
	{"自治旗", "Autonomous Banner"},
	{"林区", "Forestry District"},
	{"特区", "Special District"},
	{"地区", "Prefecture"},
	{"新区", "New District"},
	{"区", "District"},
	{"市", "City"},
	{"县", "County"},
	{"旗", "Banner"},
	{"盟", "League"},
}

// romanize returns the pinyin of a Chinese text as one capitalized word,
// with an apostrophe before a syllable that starts with a, o or e (Xi'an).
func romanize(zh string) string { return romanizeStem(zh, zh) }

// romanizeStem is romanize of stem, the beginning of the name zh, read as
// part of zh: 民乐 as in 民乐县 (Minle), not alone (minyue).
func romanizeStem(zh, stem string) string {
	if r, ok := nameReadings[stem]; ok {
		return capitalize(r)
	}
	syls := reading.AppendHan(nil, zh)
	// One syllable per character (reading.AppendHan): the stem's are
	// the first ones.
	syls = syls[:min(len(syls), utf8.RuneCountInString(stem))]
	var b strings.Builder
	for _, syl := range syls {
		if b.Len() > 0 && strings.ContainsRune("aoe", rune(syl[0])) {
			b.WriteByte('\'')
		}
		b.WriteString(syl)
	}
	return capitalize(b.String())
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// placeName returns the English name of a prefecture or county from its
// Chinese name.
func placeName(zh string) string {
	for _, s := range suffixes {
		stem, ok := strings.CutSuffix(zh, s.zh)
		if ok && utf8.RuneCountInString(stem) >= 1 {
			return romanizeStem(zh, stem) + " " + s.en
		}
	}
	return romanize(zh)
}

// matchKey folds an English or romanized city name for matching: lower
// case, without apostrophes, spaces and hyphens ("Xi'an" gives "xian").
func matchKey(s string) string {
	s = strings.ToLower(s)
	return strings.Map(func(r rune) rune {
		if r == '\'' || r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s)
}

// slug turns an English name into a node key: lower case, runs of other
// characters replaced by one '-'.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}
