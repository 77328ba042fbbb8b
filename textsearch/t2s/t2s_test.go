package t2s

import (
	"encoding/csv"
	"io/fs"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/kepugraph/kepugraph/seed/data"
)

// TestConvert: characters, phrases (forward maximum matching: the longest
// phrase at each character, else the character's default), text mixed
// with Latin letters, digits and punctuation, and simplified text, which
// stays.
func TestConvert(t *testing.T) {
	for in, want := range map[string]string{
		// Characters (TSCharacters.txt's first value).
		"重慶科技館":   "重庆科技馆",
		"北京師範大學":  "北京师范大学",
		"廣東":      "广东",
		"中國科學技術館": "中国科学技术馆",
		"香港科學館":   "香港科学馆",
		"臺灣":      "台湾",
		"以後":      "以后",
		"一隻":      "一只",
		"於是":      "于是",
		"乾燥":      "干燥",
		"薴麻":      "苎麻", // 薴 苧 苎: the end of the chain
		"苧麻":      "苎麻",
		// Phrases (TSPhrases.txt), and their simplified forms, which stay.
		"一目瞭然":            "一目了然",
		"乾坤":              "乾坤",
		"乾隆皇帝":            "乾隆皇帝",
		"乾縣":              "乾县",
		"乾县":              "乾县",
		"陝西乾縣科技館":         "陕西乾县科技馆",
		"瀋陽":              "沈阳",
		"著名":              "著名", // 著: its first value is itself
		"覆蓋":              "覆盖",
		"Hong Kong 香港科學館": "Hong Kong 香港科学馆",
		"科學館K12（東城區）":     "科学馆K12（东城区）",
		"廣東,Guǎngdōng 2號": "广东,Guǎngdōng 2号",
		"重慶 chongqing":    "重庆 chongqing",
		// Simplified text and text without Chinese stay.
		"重庆科技馆":                "重庆科技馆",
		"中国科学技术馆":              "中国科学技术馆",
		"干县":                   "干县",
		"China Science Museum": "China Science Museum",
		"":                     "",
		"\xff重慶\xfe":           "\xff重庆\xfe", // invalid UTF-8 kept byte for byte
	} {
		if got := Convert(in); got != want {
			t.Errorf("Convert(%q) = %q, want %q", in, got, want)
		}
	}
}

// referenceNames are the Chinese names of the reference data
// (seed/data: provinces, capitals, divisions, museums, universities).
func referenceNames(t testing.TB) []string {
	t.Helper()
	var out []string
	err := fs.WalkDir(data.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".csv") {
			return err
		}
		f, err := data.FS.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		rows, err := csv.NewReader(f).ReadAll()
		if err != nil {
			return err
		}
		for _, r := range rows[1:] {
			for i, c := range rows[0] {
				if strings.HasSuffix(c, "_zh") && r[i] != "" {
					out = append(out, r[i])
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 3000 {
		t.Fatalf("%d Chinese names in seed/data, want the reference data's (over 3,000)", len(out))
	}
	return out
}

// TestConvertKeepsSimplified: every Chinese name of the reference data
// (simplified) stays as it is, without allocating.
func TestConvertKeepsSimplified(t *testing.T) {
	names := referenceNames(t)
	for _, n := range names {
		if got := Convert(n); got != n {
			t.Errorf("Convert(%s) = %s: a simplified name changed", n, got)
		}
	}
	if a := testing.AllocsPerRun(10, func() {
		for _, n := range names[:100] {
			Convert(n)
		}
	}); a != 0 {
		t.Errorf("Convert of simplified names allocates %v times", a)
	}
}

// TestConvertTables: the tables are those of OpenCC 1.4.2 as t2sgen
// writes them: characters and phrases convert to their simplified forms,
// which stay as they are (converting twice changes nothing more), and no
// simplified form holds a character that the tables change alone.
func TestConvertTables(t *testing.T) {
	if len(chars) < 3000 || len(phrases) < 700 {
		t.Fatalf("%d characters, %d phrases: fewer than OpenCC 1.4.2's", len(chars), len(phrases))
	}
	for k, v := range chars {
		if got := Convert(string(k)); got != string(v) {
			t.Errorf("Convert(%c) = %s, want %c", k, got, v)
		}
		if _, ok := chars[v]; ok {
			t.Errorf("%c becomes %c, which becomes %c", k, v, chars[v])
		}
		if !unicode.Is(unicode.Han, k) || !unicode.Is(unicode.Han, v) {
			t.Errorf("%c -> %c: not Han characters", k, v)
		}
	}
	for k, v := range phrases {
		if got := Convert(k); got != v {
			t.Errorf("Convert(%s) = %s, want %s", k, got, v)
		}
		if got := Convert(v); got != v {
			t.Errorf("Convert(%s) = %s: a simplified form changed", v, got)
		}
	}
}

// TestConvertOnlyHan: on random text of the tables' characters, Latin
// letters, digits, punctuation and other scripts, Convert keeps the number
// of runes, changes only Han characters into Han characters, and is
// idempotent.
func TestConvertOnlyHan(t *testing.T) {
	var pool []rune
	for k, v := range chars {
		pool = append(pool, k, v)
	}
	for k := range phrases {
		pool = append(pool, []rune(k)...)
	}
	pool = append(pool, []rune("aZ09 ,.（）、。éüĀ·—αЖ\u3000\u0301")...)
	slices.Sort(pool)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		in := make([]rune, rng.IntN(12))
		for i := range in {
			in[i] = pool[rng.IntN(len(pool))]
		}
		s := string(in)
		got := Convert(s)
		out := []rune(got)
		if len(out) != len(in) {
			t.Fatalf("Convert(%q) = %q: %d runes, want %d", s, got, len(out), len(in))
		}
		for i := range in {
			if in[i] != out[i] && (!unicode.Is(unicode.Han, in[i]) || !unicode.Is(unicode.Han, out[i])) {
				t.Fatalf("Convert(%q) = %q: %q became %q", s, got, in[i], out[i])
			}
		}
		if again := Convert(got); again != got {
			t.Fatalf("Convert(%q) = %q, and again %q", s, got, again)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("Convert(%q) = %q: invalid UTF-8", s, got)
		}
	}
}

// BenchmarkConvert converts the Chinese names of the reference data, as
// they are (simplified: the scan alone) and in traditional characters
// (the names of traditionalNames: the conversion).
//
//	go test ./textsearch/t2s -run XXX -bench Convert
func BenchmarkConvert(b *testing.B) {
	names := referenceNames(b)
	b.Run("simplified", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			Convert(names[i%len(names)])
		}
	})
	trad := []string{"重慶科技館", "北京師範大學", "廣東省科學中心", "中國科學技術館", "香港科學館", "新疆維吾爾自治區", "乾縣科技館", "一目瞭然"}
	b.Run("traditional", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			Convert(trad[i%len(trad)])
		}
	})
}
