package textsearch

import "github.com/kepugraph/kepugraph/textsearch/t2s"

// Fold returns a Chinese text in simplified characters: OpenCC's t2s
// conversion (textsearch/t2s: OpenCC 1.4.2's tables, phrases first by
// forward maximum matching, then each character's default; 重慶科技館 ->
// 重庆科技馆, 乾縣 -> 乾县), character for character, changing nothing but
// Han characters; simplified text stays as it is (乾县, 干县). It is the
// one fold of traditional characters in search: Parse folds a text's
// Chinese terms with it, and the keys and documents of a nameZh (HanGrams,
// HanKeys, Syllables and so Pinyin and Initials, NewPrefixKeys, NewDoc)
// are those of its fold, so a text in either form finds a name in either
// form, and a name in traditional characters reads the pinyin of its
// simplified form (重慶 chongqing). A text without a character it changes
// is returned as it is, without allocating.
func Fold(s string) string { return t2s.Convert(s) }
