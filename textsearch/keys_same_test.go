package textsearch

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/seed/dataset"
	"github.com/kepugraph/kepugraph/textsearch/reading"
)

// The definitions that WordKeys, HanKeys and NewPrefixKeys had before they
// were written to allocate less (2026-12-03), kept here as the reference
// their output must equal: splitTerms with unicode's tables, the keys
// joined from lists.

func refIsHan(r rune) bool { return unicode.Is(unicode.Han, r) }

func refIsWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func refSplitTerms(s string) []Term {
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
		case refIsHan(r):
			if !curHan {
				flush()
			}
			curHan = true
			cur = append(cur, r)
		case refIsWordRune(r):
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

func refWordKeys(name string) string {
	var out []string
	for _, t := range refSplitTerms(foldLatin(name)) {
		if !t.Han && !StopWords[t.Text] {
			out = append(out, t.Text)
		}
	}
	return strings.Join(out, " ")
}

// refHanKeys and refSyllables read a nameZh in simplified characters
// (Fold, whose own tests are textsearch/t2s's).
func refHanKeys(nameZh string) string {
	nameZh = Fold(nameZh)
	var out []string
	prev, run := -1, 0
	for i, r := range nameZh {
		if !refIsHan(r) {
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
	return strings.Join(out, " ")
}

func refSyllables(nameZh string) []string {
	var out []string
	for _, t := range refSplitTerms(foldLatin(Fold(nameZh))) {
		if !t.Han {
			out = append(out, t.Text)
			continue
		}
		// Forward maximum matching, the plain way: the longest word of
		// the table at each character, else the character's default.
		rs := []rune(t.Text)
		for i := 0; i < len(rs); {
			n := 1
			for k := len(rs) - i; k >= 2; k-- {
				if syl, ok := reading.Word(string(rs[i : i+k])); ok {
					out = append(out, syl...)
					n = k
					break
				}
			}
			if n == 1 {
				out = append(out, reading.Default(rs[i]))
			}
			i += n
		}
	}
	return out
}

func refNewPrefixKeys(nameZh string) PrefixKeys {
	syl := refSyllables(nameZh)
	if len(syl) == 0 {
		return PrefixKeys{}
	}
	joined := strings.Join(syl, "")
	var py strings.Builder
	key := func(p int) {
		if py.Len() > 0 {
			py.WriteByte(' ')
		}
		rest := joined[p:]
		end := strings.IndexFunc(rest, isASCIIDigit)
		switch {
		case end == 0:
			end = min(digitRun(rest), DigitKeyLen)
		case end < 0:
			end = len(rest)
		}
		py.WriteString(rest[:end])
	}
	off := 0
	for _, s := range syl {
		key(off)
		for i := 1; i < len(s); i++ {
			if isASCIIDigitByte(s[i]) != isASCIIDigitByte(s[i-1]) {
				key(off + i)
			}
		}
		off += len(s)
	}
	one := make([]string, len(syl))
	for i, s := range syl {
		r, _ := utf8.DecodeRuneInString(s)
		one[i] = string(r)
	}
	var ini []string
	for i := range one {
		ini = append(ini, strings.Join(one[i:], ""))
	}
	return PrefixKeys{Pinyin: py.String(), Initials: strings.Join(ini, " ")}
}

// checkKeysSame compares the keys of one text, as a name and as a nameZh,
// with the reference definitions.
func checkKeysSame(t *testing.T, s string) {
	t.Helper()
	if got, want := WordKeys(s), refWordKeys(s); got != want {
		t.Errorf("WordKeys(%q) = %q, want %q", s, got, want)
	}
	if got, want := strings.Join(Words(s), "|"), strings.ReplaceAll(refWordKeys(s), " ", "|"); got != want {
		t.Errorf("Words(%q) = %q, want %q", s, got, want)
	}
	if got, want := HanKeys(s), refHanKeys(s); got != want {
		t.Errorf("HanKeys(%q) = %q, want %q", s, got, want)
	}
	if got, want := NewPrefixKeys(s), refNewPrefixKeys(s); got != want {
		t.Errorf("NewPrefixKeys(%q) = %+v, want %+v", s, got, want)
	}
	if got, want := Syllables(s), refSyllables(s); strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
		t.Errorf("Syllables(%q) = %q, want %q", s, got, want)
	}
}

// TestKeysSame: WordKeys, Words, HanKeys, NewPrefixKeys and Syllables give what
// their reference definitions give for every name and nameZh of the
// reference dataset, of a benchmark graph of 20,000 nodes, and of
// generated texts (Chinese characters in and out of the common block,
// ASCII with upper case, stop words and every punctuation mark, digits
// full-width and not, marks, kana, hangul, Greek, control characters and
// bytes that are not UTF-8).
func TestKeysSame(t *testing.T) {
	texts := map[string]bool{}
	add := func(n kepu.Node) error {
		for _, p := range []string{kepu.PropName, kepu.PropNameZh} {
			if s, ok := n.Props[p].(string); ok {
				texts[s] = true
			}
		}
		return nil
	}
	ds, err := dataset.Generate(dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ds.Nodes {
		add(n)
	}
	sg, err := dataset.Scaled(dataset.Options{}, 20000)
	if err != nil {
		t.Fatal(err)
	}
	if err := sg.Each(add, func(kepu.Edge) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if len(texts) < 20000 {
		t.Fatalf("%d names: the datasets gave fewer than expected", len(texts))
	}
	rnd := rand.New(rand.NewPCG(11, 12))
	pieces := []string{"北京", "科学", "中心", "馆", "〇", "々", "𠀀", "鿿", "⺀", "㐀", "豈", "重慶", "乾縣", "瞭然", "ABC", "The", "of", "and", "a", "Museum", "No.", " ",
		"　", "、", "。", "（", "）", "(", ")", "-", "'", "\t", "\n", "\x00", "\x1f", "\x7f", "K12", "H7N9", "0", "12345", "０１２", "ＡＢｃ", "é", "Łódź",
		"u\u0308", "x²", "ß", "İ", "Ω", "ありがとう", "한국", "\xff", "\xe4\xb8", "\xc3", "\ufffd", "\ufeff", "·", "_", "12,000", "3.5", "ǚ", "Ǖ"}
	for range 20000 {
		var b strings.Builder
		for range 1 + rnd.IntN(8) {
			b.WriteString(pieces[rnd.IntN(len(pieces))])
		}
		texts[b.String()] = true
	}
	for c := range 128 {
		texts[string(rune(c))] = true
		texts["Ab"+string(rune(c))+"Z学"+string(rune(c))+"9"] = true
	}
	texts[""] = true
	texts[strings.Repeat("北京科学技术馆第12中学", 20)] = true // past the stack buffers
	texts[strings.Repeat("Science ", 40)] = true
	for s := range texts {
		checkKeysSame(t, s)
	}
}

// TestIsHanShortcut: isHan and isWordRune answer as unicode's tables for
// every code point.
func TestIsHanShortcut(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if isHan(r) != refIsHan(r) {
			t.Fatalf("isHan(%U) = %v", r, isHan(r))
		}
		if isWordRune(r) != refIsWordRune(r) {
			t.Fatalf("isWordRune(%U) = %v", r, isWordRune(r))
		}
	}
}

// FuzzKeysSame: the keys of any text equal the reference definitions'.
//
//	go test ./textsearch -run XXX -fuzz FuzzKeysSame -fuzztime 30s
func FuzzKeysSame(f *testing.F) {
	for _, s := range []string{"北京科学中心", "Beijing Science Center", "绿色K12学校", "H7N9病毒", "生成的基准测试科技馆 0000123（东城区）", "O'Brien of the 12,000 Ｓｔａｒｓ x² Łódź", "\xff北\xe4", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkKeysSame(t, s) })
}

// BenchmarkNodeKeys is what a bulk load computes per node for its search
// keys (neo4jstore's bulk rows, the embedded store's search documents):
// WordKeys of the name, HanKeys and NewPrefixKeys of the nameZh, for the
// names of a benchmark graph.
//
//	go test ./textsearch -run XXX -bench NodeKeys -benchmem
func BenchmarkNodeKeys(b *testing.B) {
	sg, err := dataset.Scaled(dataset.Options{}, 20000)
	if err != nil {
		b.Fatal(err)
	}
	var names [][2]string
	sg.Each(func(n kepu.Node) error {
		names = append(names, [2]string{n.Props.String(kepu.PropName), n.Props.String(kepu.PropNameZh)})
		return nil
	}, func(kepu.Edge) error { return nil })
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		n := names[i%len(names)]
		WordKeys(n[0])
		HanKeys(n[1])
		NewPrefixKeys(n[1])
	}
}
