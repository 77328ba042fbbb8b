package textsearch

import "testing"

// BenchmarkNewDoc analyzes typical names (English and Chinese): what a
// store pays per candidate whose analyzed names are not cached.
//
//	go test ./textsearch -run XXX -bench NewDoc
func BenchmarkNewDoc(b *testing.B) {
	names := [][2]string{
		{"Beijing Science Center", "北京科学中心"},
		{"Hefei No. 8 Middle School", "合肥市第八中学"},
		{"China Science and Technology Museum", "中国科学技术馆"},
		{"Anqing County Youth Science Museum", "安庆县青少年科技馆"},
	}
	for i := 0; b.Loop(); i++ {
		n := names[i%len(names)]
		NewDoc("School:x", n[0], n[1])
	}
}

// TestFoldASCII: foldLatin's shortcut for ASCII text gives what the full
// folding gives, for every ASCII character alone and in names.
func TestFoldASCII(t *testing.T) {
	var texts []string
	for c := range 128 {
		texts = append(texts, string(rune(c)), "Ab"+string(rune(c))+"Z")
	}
	texts = append(texts, "Beijing Science Center", "HEFEI No. 8 Middle-School (east)", "")
	for _, s := range texts {
		if got, want := foldLatin(s), foldUnicode(s, 'v'); got != want {
			t.Errorf("foldLatin(%q) = %q, want %q", s, got, want)
		}
	}
}
