// Command phrasegen writes textsearch/reading/phrases_gen.go: the readings of the
// words whose pinyin is not the default reading of each of their
// characters (重庆 chongqing, not zhongqing), from two pinned releases on
// PyPI of mozillazg's phrase-pinyin-data (github.com/mozillazg/phrase-pinyin-data):
//
//   - pypinyin 0.55.0: pypinyin/phrases_dict.json, the data set's
//     pinyin.txt (47,111 words);
//   - pypinyin-dict 0.9.0: pypinyin_dict/phrase_pinyin_data/cc_cedict*.py,
//     the data set's cc_cedict.txt, the readings of CC-CEDICT
//     (cc-cedict.org, CC BY-SA 4.0), which holds most place names
//     (长治 changzhi, 单县 shanxian, 洪洞 hongtong).
//
// Each wheel is checked against its SHA-256 below. The default reading of
// a character is go-pinyin's (github.com/mozillazg/go-pinyin, the module's
// pinned version), as textsearch reads it. For each word of either file
// (readings as many as its characters), a character's reading is its
// default when one of the word's readings of that character in either
// file is the default, else the first of them (pinyin.txt's before
// CC-CEDICT's); a word is written when its reading so chosen differs from
// its characters' defaults (5,308 of 132,097 words with pypinyin 0.55.0,
// pypinyin-dict 0.9.0 and go-pinyin v0.21.0).
//
// Run by go generate in textsearch/reading (see reading.go): it downloads the two
// wheels with pip (pip download --no-deps), or reads them from -wheels.
// The output depends only on the wheels and go-pinyin's version.
package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"io"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
	"golang.org/x/text/unicode/norm"

	"github.com/kepugraph/kepugraph/textsearch/internal/pypi"
)

// wheel is a pinned release on PyPI.
type wheel struct {
	req, file, sha256 string
}

var (
	pypinyinWheel = wheel{"pypinyin==0.55.0", "pypinyin-0.55.0-py2.py3-none-any.whl",
		"d53b1e8ad2cdb815fb2cb604ed3123372f5a28c6f447571244aca36fc62a286f"}
	pypinyinDictWheel = wheel{"pypinyin-dict==0.9.0", "pypinyin_dict-0.9.0-py2.py3-none-any.whl",
		"10cfbe40af87d704b867533177be8cd72837da9e224755dd275798e88097067a"}
)

func main() {
	out := flag.String("out", "phrases_gen.go", "the Go file to write")
	dir := flag.String("wheels", "", "a directory holding the two wheels (default: pip download them into a temporary directory)")
	flag.Parse()
	log.SetFlags(0)
	if *dir == "" {
		tmp, cleanup, err := pypi.Download("--only-binary=:all:", pypinyinWheel.req, pypinyinDictWheel.req)
		if err != nil {
			log.Fatal(err)
		}
		defer cleanup()
		*dir = tmp
	}
	src, err := generate(*dir)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
}

// readings are a word's readings: for each character, its toneless
// readings, first the preferred.
type readings [][]string

func generate(dir string) ([]byte, error) {
	pz, err := openWheel(dir, pypinyinWheel)
	if err != nil {
		return nil, err
	}
	dz, err := openWheel(dir, pypinyinDictWheel)
	if err != nil {
		return nil, err
	}
	words := map[string]readings{}
	var order []string // first seen first, for nothing but determinism checks
	add := func(word string, r [][]string) error {
		if utf8.RuneCountInString(word) != len(r) || len(r) < 2 {
			return nil // a word whose readings are not one per character
		}
		cur, ok := words[word]
		if !ok {
			cur = make(readings, len(r))
			order = append(order, word)
		}
		for i, alts := range r {
			for _, a := range alts {
				t, err := toneless(a)
				if err != nil {
					return fmt.Errorf("%s: %v", word, err)
				}
				if !slices.Contains(cur[i], t) {
					cur[i] = append(cur[i], t)
				}
			}
		}
		words[word] = cur
		return nil
	}

	// pinyin.txt, as pypinyin's JSON.
	b, err := readZip(pz, "pypinyin/phrases_dict.json")
	if err != nil {
		return nil, err
	}
	var pd map[string][][]string
	if err := json.Unmarshal(b, &pd); err != nil {
		return nil, fmt.Errorf("phrases_dict.json: %v", err)
	}
	keys := make([]string, 0, len(pd))
	for k := range pd {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := add(k, pd[k]); err != nil {
			return nil, err
		}
	}
	nPinyin := len(pd)

	// cc_cedict.txt, as pypinyin-dict's Python dict literals, one entry a
	// line: '重庆': [['chóng'], ['qìng']],
	line := regexp.MustCompile(`^    '([^']+)': (\[.*\]),$`)
	nCedict := 0
	for _, f := range dz.File {
		if !strings.HasPrefix(f.Name, "pypinyin_dict/phrase_pinyin_data/cc_cedict_") {
			continue
		}
		b, err := readZip(dz, f.Name)
		if err != nil {
			return nil, err
		}
		for i, l := range strings.Split(string(b), "\n") {
			m := line.FindStringSubmatch(l)
			if m == nil {
				if strings.HasPrefix(l, "    '") {
					return nil, fmt.Errorf("%s:%d: unparsed entry %q", f.Name, i+1, l)
				}
				continue
			}
			var r [][]string
			if err := json.Unmarshal([]byte(strings.ReplaceAll(m[2], "'", `"`)), &r); err != nil {
				return nil, fmt.Errorf("%s:%d: %v", f.Name, i+1, err)
			}
			if err := add(m[1], r); err != nil {
				return nil, err
			}
			nCedict++
		}
	}
	if nPinyin < 40000 || nCedict < 100000 {
		return nil, fmt.Errorf("read %d words of pinyin.txt and %d of cc_cedict.txt: fewer than the releases hold", nPinyin, nCedict)
	}

	args := pinyin.NewArgs()
	args.Style = pinyin.Normal
	args.Fallback = func(rune, pinyin.Args) []string { return nil }
	def := func(r rune) string {
		if p := pinyin.SinglePinyin(r, args); len(p) > 0 && p[0] != "" {
			return p[0]
		}
		return string(r)
	}
	var lines []string
	for _, w := range order {
		rs := words[w]
		var syl []string
		differs := false
		i := 0
		for _, c := range w {
			d := def(c)
			pick := rs[i][0]
			if slices.Contains(rs[i], d) {
				pick = d
			} else {
				differs = true
			}
			syl = append(syl, pick)
			i++
		}
		if differs {
			lines = append(lines, w+"\t"+strings.Join(syl, " "))
		}
	}
	slices.Sort(lines)

	var buf bytes.Buffer
	fmt.Fprintf(&buf, `// Code generated by go run ../internal/phrasegen; DO NOT EDIT.

package reading

// phraseData holds the words whose reading is not the default reading of
// each of their characters, one a line: the word, a tab, its toneless
// syllables separated by spaces. %d of the %d words of
// mozillazg/phrase-pinyin-data's pinyin.txt (pypinyin %s, %d words) and
// cc_cedict.txt (pypinyin-dict %s, %d entries); defaults of go-pinyin
// (textsearch/internal/phrasegen says how a reading is chosen).
// Licences: phrase-pinyin-data is MIT-licensed (Copyright mozillazg); the
// readings of its cc_cedict.txt come from CC-CEDICT (cc-cedict.org,
// Creative Commons Attribution-ShareAlike 4.0), whose terms hold for
// this data as for its source.
// Wheels: %s sha256 %s, %s sha256 %s.
const phraseData = `, len(lines), len(words), strings.TrimPrefix(pypinyinWheel.req, "pypinyin=="), nPinyin,
		strings.TrimPrefix(pypinyinDictWheel.req, "pypinyin-dict=="), nCedict,
		pypinyinWheel.file, pypinyinWheel.sha256, pypinyinDictWheel.file, pypinyinDictWheel.sha256)
	buf.WriteString("`" + strings.Join(lines, "\n") + "\n`\n")
	return format.Source(buf.Bytes())
}

// toneless writes a toned syllable without its tone mark, ü as v (lǜ: lv),
// as go-pinyin's Normal style does.
func toneless(s string) (string, error) {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case r == '\u0308':
			str := b.String()
			if !strings.HasSuffix(str, "u") {
				return "", fmt.Errorf("reading %q: a diaeresis not on u", s)
			}
			b.Reset()
			b.WriteString(str[:len(str)-1] + "v")
		case unicode.Is(unicode.Mn, r):
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		default:
			return "", fmt.Errorf("reading %q: not pinyin", s)
		}
	}
	if b.Len() == 0 {
		return "", fmt.Errorf("empty reading")
	}
	return b.String(), nil
}

func openWheel(dir string, w wheel) (*zip.Reader, error) {
	b, err := os.ReadFile(filepath.Join(dir, w.file))
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != w.sha256 {
		return nil, fmt.Errorf("%s: sha256 %s, want %s", w.file, got, w.sha256)
	}
	return zip.NewReader(bytes.NewReader(b), int64(len(b)))
}

func readZip(z *zip.Reader, name string) ([]byte, error) {
	f, err := z.Open(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	defer f.Close()
	return io.ReadAll(f)
}
