// Package t2s converts traditional Chinese characters to simplified ones,
// as OpenCC's t2s conversion does, so that search folds the two forms:
// 重慶科技館 -> 重庆科技馆, 北京師範大學 -> 北京师范大学. The tables are
// OpenCC's (TSPhrases.txt and TSCharacters.txt of OpenCC 1.4.2,
// Apache-2.0; tables_gen.go, made by ../internal/t2sgen from the pinned
// release).
//
// A text is read by forward maximum matching over the phrases (the
// longest phrase that begins at each character, as OpenCC's mmseg
// segmentation): a phrase becomes its simplified form (乾坤 stays 乾坤,
// 一目瞭然 becomes 一目了然); another character becomes its default
// simplified character (OpenCC's first value: 乾 干, 於 于, 後 后, 隻 只;
// characters whose first value is themselves, 著 覆 藉, and characters
// without a traditional form stay). Unlike OpenCC, a phrase's simplified
// form is also a phrase that stays as it is (乾县, the simplified form of
// 乾縣, stays 乾县, not 干县), a character maps to the end of a chain
// (薴 苧 苎: 苎), and the text is read again while a reading changes it
// (迴覆: 回覆, which is a phrase, then 回复), so that simplified text stays
// and converting twice changes nothing more.
//
// The conversion is character for character (a text keeps its number of
// runes, each changed rune a Han character for a Han character) and
// changes nothing but Han characters: Latin letters, digits,
// punctuation and invalid UTF-8 are kept byte for byte.
package t2s

import (
	"strings"
	"unicode/utf8"
)

//go:generate go run ../internal/t2sgen -out tables_gen.go

var (
	chars   map[rune]rune     // a character -> its simplified one (those that change)
	phrases map[string]string // a phrase -> its simplified form
	// longest[r] is the length in characters of the longest phrase that
	// begins with r (absent: none).
	longest map[rune]int
	// changes marks the characters of the Basic Multilingual Plane that
	// Convert may change: the keys of chars, and the characters of a
	// phrase where its simplified form differs. A text with none of them
	// (nor a character above U+FFFF that is a key of chars or begins a
	// phrase) is returned as it is.
	changes [0x10000 / 64]uint64
	// maxPhrase is the most characters of a phrase.
	maxPhrase int
)

func init() {
	chars = make(map[rune]rune, utf8.RuneCountInString(charData)/2)
	rs := []rune(strings.ReplaceAll(charData, "\n", ""))
	for i := 0; i+1 < len(rs); i += 2 {
		chars[rs[i]] = rs[i+1]
		mark(rs[i])
	}
	phrases = map[string]string{}
	longest = map[rune]int{}
	for _, l := range strings.Split(strings.TrimSuffix(phraseData, "\n"), "\n") {
		k, v, _ := strings.Cut(l, "\t")
		phrases[k] = v
		kr, vr := []rune(k), []rune(v)
		longest[kr[0]] = max(longest[kr[0]], len(kr))
		maxPhrase = max(maxPhrase, len(kr))
		for i := range kr {
			if kr[i] != vr[i] {
				mark(kr[i])
			}
		}
	}
	if maxPhrase > len(convertEnds{}) {
		panic("t2s: a phrase is longer than Convert reads")
	}
}

// convertEnds holds the ends of the characters Convert reads for a phrase.
type convertEnds [16]int

func mark(r rune) {
	if r < 0x10000 {
		changes[r/64] |= 1 << (r % 64)
	}
}

// mayChange reports whether Convert may change a text holding r.
func mayChange(r rune) bool {
	if r < 0x10000 {
		return changes[r/64]&(1<<(r%64)) != 0
	}
	_, c := chars[r]
	_, p := longest[r]
	return c || p
}

// mayChangeAny reports whether s holds a character that Convert may
// change. A character of three bytes (U+0800–U+FFFF: the CJK blocks of
// most names) is decoded here; others, and bytes that are not valid
// UTF-8, by utf8.DecodeRuneInString.
func mayChangeAny(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= 0xe0 && c < 0xf0 && i+2 < len(s) && s[i+1]&0xc0 == 0x80 && s[i+2]&0xc0 == 0x80 {
			r := rune(c&0x0f)<<12 | rune(s[i+1]&0x3f)<<6 | rune(s[i+2]&0x3f)
			if changes[r/64]&(1<<(r%64)) != 0 {
				return true
			}
			i += 3
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if mayChange(r) {
			return true
		}
		i += n
	}
	return false
}

// Convert returns s with its traditional characters simplified (see the
// package comment): the same number of runes, only Han characters
// changed. A text that has no character the tables change is returned
// as it is, without allocating.
func Convert(s string) string {
	// A pass can make a phrase of what it converted by character (迴覆
	// becomes 回覆, which is a phrase: 回复; 瀋默 沈默, then 沉默): the
	// passes go on until one changes nothing, so that converting the
	// result again changes nothing (TestConvertOnlyHan).
	for range maxPasses {
		if !mayChangeAny(s) {
			return s
		}
		next := convertPass(s)
		if next == s {
			return s
		}
		s = next
	}
	return s
}

// maxPasses bounds the passes of Convert (two or three suffice for any
// text the tests try).
const maxPasses = 8

// convertPass is one pass of forward maximum matching over s.
func convertPass(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	var ends convertEnds
	for p := 0; p < len(s); {
		r, n := utf8.DecodeRuneInString(s[p:])
		if m := longest[r]; m > 1 {
			// The ends of the next m characters (at most), then the
			// longest phrase among them.
			k, q := 0, p
			for k < m && k < len(ends) && q < len(s) {
				_, w := utf8.DecodeRuneInString(s[q:])
				q += w
				ends[k] = q
				k++
			}
			found := false
			for l := k; l >= 2; l-- {
				if v, ok := phrases[s[p:ends[l-1]]]; ok {
					b.WriteString(v)
					p = ends[l-1]
					found = true
					break
				}
			}
			if found {
				continue
			}
		}
		if c, ok := chars[r]; ok {
			b.WriteRune(c)
		} else {
			b.WriteString(s[p : p+n])
		}
		p += n
	}
	return b.String()
}
