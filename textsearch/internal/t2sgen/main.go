// Command t2sgen writes textsearch/t2s/tables_gen.go: OpenCC's conversion
// of traditional Chinese characters to simplified ones (its t2s
// configuration: TSPhrases.txt, then TSCharacters.txt), from the pinned
// source release of OpenCC 1.4.2 on PyPI (opencc-1.4.2.tar.gz, the
// project's data/dictionary; the wheels ship the dictionaries compiled,
// .ocd2). OpenCC (github.com/BYVoid/OpenCC) is Apache-2.0-licensed.
//
// The archive is checked against its SHA-256 below. From each file, a
// key's first value is taken (OpenCC's default: 乾 干, 於 于, 覆 覆).
// Characters: the keys whose first value is another character, each
// mapped to the end of the chain of such values (薴 苧 苎: 薴 to 苎, so
// that converting twice changes nothing more than once). Phrases: every
// entry of TSPhrases (乾坤 乾坤, 一目瞭然 一目了然, 乾縣 乾县), and each
// phrase's value that is not itself a key, mapped to itself (乾县 乾县), so
// that text already simplified stays as it is. Every key and value is of
// Han characters, and a value has as many characters as its key (the
// generator fails otherwise): the conversion is character for character.
//
// Run by go generate in textsearch/t2s (see t2s.go): it downloads the
// archive with pip (pip download --no-deps --no-binary :all:), or reads it
// from -sdist. The output depends only on the archive.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kepugraph/kepugraph/textsearch/internal/pypi"
)

// sdist is the pinned release on PyPI.
var sdist = struct{ req, file, sha256, dir string }{
	"OpenCC==1.4.2", "opencc-1.4.2.tar.gz",
	"47977905f131d7d9cfcec29fba5d841154907e1da73103105a4a68744e0f4f1a", "opencc-1.4.2/data/dictionary/",
}

func main() {
	out := flag.String("out", "tables_gen.go", "the Go file to write")
	file := flag.String("sdist", "", "the source archive "+sdist.file+" (default: pip download it into a temporary directory)")
	flag.Parse()
	log.SetFlags(0)
	if *file == "" {
		tmp, cleanup, err := pypi.Download("--no-binary=:all:", sdist.req)
		if err != nil {
			log.Fatal(err)
		}
		defer cleanup()
		*file = filepath.Join(tmp, sdist.file)
	}
	b, err := os.ReadFile(*file)
	if err != nil {
		log.Fatal(err)
	}
	files, err := readSdist(b, "TSCharacters.txt", "TSPhrases.txt")
	if err != nil {
		log.Fatal(err)
	}
	src, err := generate(files["TSCharacters.txt"], files["TSPhrases.txt"])
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
}

// readSdist checks the archive's SHA-256 and returns the named files of
// its data/dictionary.
func readSdist(b []byte, names ...string) (map[string][]byte, error) {
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != sdist.sha256 {
		return nil, fmt.Errorf("%s: sha256 %s, want %s", sdist.file, got, sdist.sha256)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	out := map[string][]byte{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		name, ok := strings.CutPrefix(h.Name, sdist.dir)
		if !ok || !slices.Contains(names, name) {
			continue
		}
		if out[name], err = io.ReadAll(tr); err != nil {
			return nil, err
		}
	}
	for _, n := range names {
		if out[n] == nil {
			return nil, fmt.Errorf("%s: no %s%s", sdist.file, sdist.dir, n)
		}
	}
	return out, nil
}

// entry is a line of an OpenCC dictionary: a key and its first value.
type entry struct{ key, value string }

// parse reads an OpenCC dictionary (key, a tab, values separated by
// spaces; lines beginning with # are comments): each key's first value,
// checked to be of Han characters, as many as the key's.
func parse(name string, b []byte) ([]entry, error) {
	var out []entry
	seen := map[string]bool{}
	for i, l := range strings.Split(string(b), "\n") {
		l = strings.TrimRight(l, "\r")
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		k, vs, ok := strings.Cut(l, "\t")
		v, _, _ := strings.Cut(vs, " ")
		if !ok || !han(k) || !han(v) {
			return nil, fmt.Errorf("%s:%d: %q is not a key of Han characters, a tab and values of Han characters", name, i+1, l)
		}
		if utf8.RuneCountInString(k) != utf8.RuneCountInString(v) {
			return nil, fmt.Errorf("%s:%d: %s becomes %s: not character for character", name, i+1, k, v)
		}
		if seen[k] {
			return nil, fmt.Errorf("%s:%d: %s listed twice", name, i+1, k)
		}
		seen[k] = true
		out = append(out, entry{k, v})
	}
	return out, nil
}

func han(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

func generate(charsTxt, phrasesTxt []byte) ([]byte, error) {
	ce, err := parse("TSCharacters.txt", charsTxt)
	if err != nil {
		return nil, err
	}
	pe, err := parse("TSPhrases.txt", phrasesTxt)
	if err != nil {
		return nil, err
	}
	if len(ce) < 4000 || len(pe) < 400 {
		return nil, fmt.Errorf("read %d characters and %d phrases: fewer than the release holds", len(ce), len(pe))
	}
	first := map[rune]rune{}
	for _, e := range ce {
		k, _ := utf8.DecodeRuneInString(e.key)
		if utf8.RuneLen(k) != len(e.key) {
			return nil, fmt.Errorf("TSCharacters.txt: key %q is not one character", e.key)
		}
		v, _ := utf8.DecodeRuneInString(e.value)
		if v != k {
			first[k] = v
		}
	}
	chars := map[rune]rune{}
	for k, v := range first {
		for n := 0; ; n++ {
			next, ok := first[v]
			if !ok {
				break
			}
			if n > 8 {
				return nil, fmt.Errorf("TSCharacters.txt: %c maps round a cycle", k)
			}
			v = next
		}
		chars[k] = v
	}
	phrases := map[string]string{}
	for _, e := range pe {
		if utf8.RuneCountInString(e.key) < 2 {
			return nil, fmt.Errorf("TSPhrases.txt: %q is not a phrase", e.key)
		}
		phrases[e.key] = e.value
	}
	kept := 0
	for _, e := range pe {
		if _, ok := phrases[e.value]; !ok {
			phrases[e.value] = e.value
			kept++
		}
	}

	keys := make([]rune, 0, len(chars))
	for k := range chars {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var cb strings.Builder
	for i, k := range keys {
		if i > 0 && i%32 == 0 {
			cb.WriteByte('\n')
		}
		cb.WriteRune(k)
		cb.WriteRune(chars[k])
	}
	var lines []string
	for k, v := range phrases {
		lines = append(lines, k+"\t"+v)
	}
	slices.Sort(lines)

	var buf bytes.Buffer
	fmt.Fprintf(&buf, `// Code generated by go run ../internal/t2sgen; DO NOT EDIT.

package t2s

// charData holds the characters that the conversion changes, each
// followed by its simplified character, sorted (line breaks are not
// data): %d of the %d characters of OpenCC's TSCharacters.txt (the others'
// first value is themselves). phraseData holds the phrases, one a line:
// the phrase, a tab, its simplified form: the %d of TSPhrases.txt and %d
// of their simplified forms, each mapped to itself
// (textsearch/internal/t2sgen says how they are chosen).
// Source: OpenCC 1.4.2 (github.com/BYVoid/OpenCC), data/dictionary of
// %s, sha256 %s, from PyPI.
// Licence: OpenCC is licensed under the Apache License 2.0.
const charData = `+"`", len(chars), len(ce), len(pe), kept, sdist.file, sdist.sha256)
	buf.WriteString(cb.String() + "\n`\n\nconst phraseData = `" + strings.Join(lines, "\n") + "\n`\n")
	return format.Source(buf.Bytes())
}
