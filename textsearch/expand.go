package textsearch

import (
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// Abbreviations are the standard short forms of names in the field, each
// with the full forms it stands for. Chinese names are shortened by keeping
// some of their characters in order (科学技术馆 -> 科技馆, 师范大学 -> 师大,
// 第一中学 -> 一中), so every short form is a subsequence of each of its full
// forms. A term that holds a short form also matches the names that hold
// a full form in its place (see Term.Expansions). Read once, when the
// package is initialized.
var Abbreviations = map[string][]string{
	"科技馆": {"科学技术馆"},
	"科技":  {"科学技术"},
	"科协":  {"科学技术协会"},
	"科普":  {"科学普及"},
	"科大":  {"科技大学", "科学技术大学"},
	"中科院": {"中国科学院"},
	"社科院": {"社会科学院"},
	"师大":  {"师范大学"},
	"师院":  {"师范学院"},
	"师专":  {"师范专科学校"},
	"农大":  {"农业大学"},
	"工大":  {"工业大学"},
	"医大":  {"医科大学"},
	"附中":  {"附属中学"},
	"附小":  {"附属小学"},
	"一中":  {"第一中学"}, "二中": {"第二中学"}, "三中": {"第三中学"}, "四中": {"第四中学"}, "五中": {"第五中学"},
	"六中": {"第六中学"}, "七中": {"第七中学"}, "八中": {"第八中学"}, "九中": {"第九中学"}, "十中": {"第十中学"},
}

// Provinces are the names of China's province-level divisions (GB/T
// 2260). A name may be written with the short form (安徽, 内蒙古) or the
// full one (安徽省, 内蒙古自治区); a term is cut after either (see
// Term.Expansions), so that 安徽科技馆 matches 安徽省科技馆. Read once, when
// the package is initialized.
var Provinces = []string{
	"北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省",
	"上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省",
	"湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省",
	"西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
	"台湾省", "香港特别行政区", "澳门特别行政区",
}

// provinceSuffixes are the endings a province's short name drops, longest
// first.
var provinceSuffixes = []string{"维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市"}

// Limits of the expansions of a text.
const (
	// MaxExpansions bounds the expansions of one term.
	MaxExpansions = 4
	// MaxAlternatives bounds the queries a text is asked as
	// (Query.Alternatives, the text itself included): a store's index is
	// asked once for each.
	MaxAlternatives = 8
	// minPinyinKey is the shortest pinyin of a table entry looked for in a
	// Latin term (shorter runs of letters are too often part of other
	// words).
	minPinyinKey = 4
)

// entry is what a table key stands for: full forms of a short form, none
// for a province (a place to cut the term at), or a full form itself
// (literal: a part of the term not to look into, so that 第一中学 is not
// read as 第 一中 学).
type entry struct {
	full    []string
	literal bool
}

type table struct {
	keys   map[string]entry
	maxLen int // longest key, in characters
}

func (tb *table) add(key string, full []string) {
	tb.put(key, func(e *entry) {
		for _, f := range full {
			if !slices.Contains(e.full, f) {
				e.full = append(e.full, f)
			}
		}
	})
}

// addLiteral adds a full form (unless it is a key already).
func (tb *table) addLiteral(key string) {
	if _, ok := tb.keys[key]; !ok {
		tb.put(key, func(e *entry) { e.literal = true })
	}
}

func (tb *table) put(key string, f func(*entry)) {
	e := tb.keys[key]
	f(&e)
	tb.keys[key] = e
	tb.maxLen = max(tb.maxLen, utf8.RuneCountInString(key))
}

// hanTable and pinyinTable hold the abbreviations and provinces by their
// Chinese characters and by their pinyin (Pinyin of each: kejiguan ->
// kexuejishuguan, anhui).
var hanTable, pinyinTable = func() (*table, *table) {
	han, py := &table{keys: map[string]entry{}}, &table{keys: map[string]entry{}}
	addPy := func(key string, full []string) {
		k := Pinyin(key)
		if len(k) < minPinyinKey {
			return
		}
		var fp []string
		for _, f := range full {
			fp = append(fp, Pinyin(f))
		}
		py.add(k, fp)
	}
	// In a fixed order: the order of a key's full forms is the order of
	// its expansions, which MaxExpansions cuts.
	shorts := slices.Sorted(maps.Keys(Abbreviations))
	for _, short := range shorts {
		han.add(short, Abbreviations[short])
		addPy(short, Abbreviations[short])
	}
	for _, p := range Provinces {
		han.add(p, nil)
		addPy(p, nil)
		for _, s := range provinceSuffixes {
			if short, ok := strings.CutSuffix(p, s); ok {
				han.add(short, nil)
				addPy(short, nil)
				break
			}
		}
	}
	for _, short := range shorts {
		for _, f := range Abbreviations[short] {
			han.addLiteral(f)
			if k := Pinyin(f); len(k) >= minPinyinKey {
				py.addLiteral(k)
			}
		}
	}
	return han, py
}()

// expansions returns the expansions of a term (see Term.Expansions).
func expansions(t Term) [][]string {
	tb := pinyinTable
	if t.Han {
		tb = hanTable
	}
	text := t.Text
	// at[i]: the byte offset of the term's rune i (and its length last).
	var at []int
	for i := range text {
		at = append(at, i)
	}
	at = append(at, len(text))
	n := len(at) - 1
	// Cut the term into segments at the table's keys (not at literals),
	// the longest key at each position, left to right.
	type segment struct {
		text string
		full []string
	}
	var segs []segment
	plain := 0
	for i := 0; i < n; {
		l := min(tb.maxLen, n-i)
		for ; l >= 2; l-- {
			if _, ok := tb.keys[text[at[i]:at[i+l]]]; ok {
				break
			}
		}
		if l < 2 {
			i++
			continue
		}
		key := text[at[i]:at[i+l]]
		e := tb.keys[key]
		if e.literal {
			i += l
			continue
		}
		if plain < i {
			segs = append(segs, segment{text: text[at[plain]:at[i]]})
		}
		segs = append(segs, segment{text: key, full: e.full})
		i += l
		plain = i
	}
	if len(segs) == 0 {
		return nil
	}
	if plain < n {
		segs = append(segs, segment{text: text[at[plain]:]})
	}
	for _, s := range segs {
		// A Latin piece must be asked of the index as a term of its own.
		if !t.Han && (utf8.RuneCountInString(s.text) < 2 || StopWords[s.text]) {
			return nil
		}
	}
	// Every choice of a form for each segment (the short form first), but
	// the term itself (one segment kept as it is).
	var out [][]string
	choice := make([]int, len(segs))
	for len(out) < MaxExpansions {
		pieces := make([]string, len(segs))
		for i, s := range segs {
			pieces[i] = s.text
			if choice[i] > 0 {
				pieces[i] = s.full[choice[i]-1]
			}
		}
		if len(pieces) > 1 || pieces[0] != t.Text {
			out = append(out, pieces)
		}
		i := len(segs) - 1
		for ; i >= 0; i-- {
			if choice[i] < len(segs[i].full) {
				choice[i]++
				break
			}
			choice[i] = 0
		}
		if i < 0 {
			break
		}
	}
	return out
}

// expand sets the expansions of q's terms, keeping the number of
// alternatives at most MaxAlternatives (later terms lose theirs first).
func (q *Query) expand() {
	n := 1
	for i := range q.Terms {
		e := expansions(q.Terms[i])
		// Keep n times the term's choices within MaxAlternatives: its
		// expansions go first, then its parts, then its variants (last
		// first).
		t := &q.Terms[i]
		for len(e) > 0 && n*(t.spellings()+len(e)) > MaxAlternatives {
			e = e[:len(e)-1]
		}
		for n*t.spellings() > MaxAlternatives {
			if len(t.Parts) > 0 {
				t.Parts = nil
			} else {
				t.Variants = t.Variants[:len(t.Variants)-1]
			}
		}
		if len(e) > 0 {
			t.Expansions = e
		}
		n *= t.choices()
	}
}

// spellings is the number of the term's choices in Alternatives before its
// expansions: the term, each variant, and its parts (when it has them).
func (t Term) spellings() int {
	n := 1 + len(t.Variants)
	if len(t.Parts) > 0 {
		n++
	}
	return n
}

// choices is the number of the term's choices in Alternatives.
func (t Term) choices() int { return t.spellings() + len(t.Expansions) }

// choice returns the terms that stand for t in its choice c of
// Alternatives (0 < c < t.choices()): a variant, its parts, or an
// expansion's pieces (expansion true).
func (t Term) choice(c int) (terms []string, expansion bool) {
	if c--; c < len(t.Variants) {
		return []string{t.Variants[c].Text}, false
	}
	c -= len(t.Variants)
	if len(t.Parts) > 0 {
		if c == 0 {
			return t.Parts, false
		}
		c--
	}
	return t.Expansions[c], true
}

// Alternatives returns the queries whose candidates together are those of
// q: q's terms without expansions first, then every choice, for each term,
// of the term, one of its variants, its parts or one of its expansions
// (whose parts or pieces become terms of their own; a Latin expansion's
// pieces PinyinOnly). A store asks its index each of them (at most MaxAlternatives); a
// node that matches q matches one of them as an index sees it (its
// Chinese terms as substrings of nameZh, its Latin terms as words of name
// or runs of its pinyin or initials), so the union of the candidates holds
// every match.
func (q Query) Alternatives() []Query {
	base := Query{Terms: make([]Term, len(q.Terms))}
	for i, t := range q.Terms {
		base.Terms[i] = Term{Text: t.Text, Han: t.Han}
	}
	out := []Query{base}
	choice := make([]int, len(q.Terms))
	for {
		i := len(q.Terms) - 1
		for ; i >= 0; i-- {
			if choice[i] < q.Terms[i].choices()-1 {
				choice[i]++
				break
			}
			choice[i] = 0
		}
		if i < 0 {
			return out
		}
		var a Query
		add := func(t Term) {
			i := slices.IndexFunc(a.Terms, func(u Term) bool { return u.Text == t.Text && u.Han == t.Han })
			switch {
			case i < 0:
				a.Terms = append(a.Terms, t)
			case !t.PinyinOnly:
				a.Terms[i].PinyinOnly = false // asked as a whole term: the broader query
			}
		}
		for k, t := range q.Terms {
			if choice[k] == 0 {
				add(Term{Text: t.Text, Han: t.Han})
				continue
			}
			pieces, expansion := t.choice(choice[k])
			for _, p := range pieces {
				add(Term{Text: p, Han: t.Han, PinyinOnly: expansion && !t.Han})
			}
		}
		out = append(out, a)
	}
}

// hanPieces reports whether the pieces occur in nameZh in order, without
// overlapping, and whether the first one begins it; it marks the pinyin
// units they cover (the leftmost such occurrence, which begins nameZh when
// any does).
func (d *Doc) hanPieces(pieces []string, unitHit []bool) (ok, first bool) {
	type span struct{ from, to int }
	var spans []span
	pos := 0
	for _, p := range pieces {
		pr := []rune(p)
		at := -1
		for i := pos; i+len(pr) <= len(d.zh); i++ {
			if d.zh[i] == pr[0] && slices.Equal(d.zh[i:i+len(pr)], pr) {
				at = i
				break
			}
		}
		if at < 0 {
			return false, false
		}
		spans = append(spans, span{at, at + len(pr)})
		pos = at + len(pr)
	}
	if d.unitOf != nil {
		for _, s := range spans {
			for j := s.from; j < s.to; j++ {
				if u := d.unitOf[j]; u >= 0 {
					unitHit[u] = true
				}
			}
		}
	}
	return true, spans[0].from == 0
}

// pinyinPieces returns the weight of the pieces as runs of the pinyin of
// nameZh in order, each starting at a syllable and every one but the last
// ending at one (0 when they are not): 1 when the last one also ends at a
// syllable, else 0.8 (as pinyinMatch); and whether the first one begins
// the pinyin. It marks the units they cover (the leftmost such runs).
func (d *Doc) pinyinPieces(pieces []string, unitHit []bool) (w float64, first bool) {
	type span struct{ from, to int } // units
	var spans []span
	k := 0
	w = 1.0
	for pi, p := range pieces {
		last := pi == len(pieces)-1
		found := false
		for ; k < len(d.start) && !found; k++ {
			off := d.start[k]
			if off >= len(d.joined) || d.joined[off] != p[0] || !strings.HasPrefix(d.joined[off:], p) {
				continue
			}
			end := off + len(p)
			j := k
			for j+1 < len(d.start) && d.start[j+1] < end {
				j++
			}
			atEnd := d.start[j]+len(d.syl[j]) == end
			if !atEnd && !last {
				continue
			}
			if !atEnd {
				w = 0.8
			}
			spans = append(spans, span{k, j + 1})
			found = true
			k = j
		}
		if !found {
			return 0, false
		}
	}
	for _, s := range spans {
		for j := s.from; j < s.to; j++ {
			unitHit[j] = true
		}
	}
	return w, spans[0].from == 0
}

// The factor of the weight of a match by an expansion: below a match of
// the term itself, and lower when the expansion's first piece does not
// begin the name (a short form keeps the first character of a name:
// 北师大 is 北京师范大学 before 东北师范大学).
const (
	expansionWeight       = 0.9
	expansionInsideWeight = 0.85
)

// expansionMatch returns the weight of the best expansion of t that d
// matches (0 when none does), and marks the units of every one that does.
func (d *Doc) expansionMatch(t Term, unitHit []bool) float64 {
	best := 0.0
	for _, e := range t.Expansions {
		w, first := 0.0, false
		if t.Han {
			var ok bool
			if ok, first = d.hanPieces(e, unitHit); ok {
				w = 1
			}
		} else {
			w, first = d.pinyinPieces(e, unitHit)
		}
		if first {
			w *= expansionWeight
		} else {
			w *= expansionInsideWeight
		}
		best = max(best, w)
	}
	return best
}
