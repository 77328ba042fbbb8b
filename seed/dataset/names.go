package dataset

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
)

// Place names in divisions.csv are Chinese only. The English name of a
// prefecture or county is a machine romanization: the Hanyu Pinyin of the
// name without its administrative suffix, followed by the English word for
// the suffix ("朝阳区" → "Chaoyang District"). The romanization reads one
// character at a time (go-pinyin has no phrase dictionary), so the common
// readings of characters that are polyphonic in place names are fixed below,
// and a few whole names are given outright. It is deterministic but not an
// official spelling (锡林郭勒盟 is "Xilinguole League", not "Xilin Gol
// League"): such a node says so with nameRomanized (see places.go and
// seed/README.md).

// charReadings overrides go-pinyin's first reading of characters whose usual
// reading in place names differs.
var charReadings = map[rune]string{
	'长': "chang", '重': "chong", '厦': "xia", '都': "du", '藏': "zang",
	'蚌': "beng", '单': "shan", '乐': "le", '会': "hui", '行': "xing",
	'阿': "a", '曲': "qu", '柏': "bai", '沈': "shen", '泌': "bi",
	'涡': "guo", '莘': "shen", '什': "shi", '朝': "chao", '大': "da",
	'广': "guang", '兴': "xing", '宁': "ning", '台': "tai", '便': "bian",
	'降': "jiang", '栎': "li", '郫': "pi", '沙': "sha", '调': "diao",
	'济': "ji", '洪': "hong", '华': "hua", '合': "he", '觉': "jue",
	'家': "jia", '盛': "sheng", '传': "chuan", '参': "can", '畜': "xu",
	'干': "gan", '弹': "dan", '查': "cha", '车': "che", '尾': "wei",
	'番': "fan", '解': "jie", '石': "shi", '宿': "su", '涌': "yong",
	'勒': "le",
}

// nameReadings gives whole stems whose reading is not the sum of the usual
// character readings.
var nameReadings = map[string]string{
	"六安": "lu'an", "六合": "luhe", "番禺": "panyu", "丽水": "lishui", "丽江": "lijiang",
	"铅山": "yanshan", "尉氏": "yushi", "乐亭": "laoting", "洪洞": "hongtong",
	"吐鲁番": "tulufan", "蔚": "yu", "长子": "zhangzi", "涪陵": "fuling",
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

var pinyinArgs = pinyin.NewArgs()

// romanize returns the pinyin of a Chinese text as one capitalized word,
// with an apostrophe before a syllable that starts with a, o or e (Xi'an).
func romanize(zh string) string {
	if r, ok := nameReadings[zh]; ok {
		return capitalize(r)
	}
	var b strings.Builder
	for _, ch := range zh {
		var syl string
		if r, ok := charReadings[ch]; ok {
			syl = r
		} else if ps := pinyin.SinglePinyin(ch, pinyinArgs); len(ps) > 0 {
			syl = ps[0]
		} else if ch < utf8.RuneSelf {
			syl = string(ch)
		} else {
			continue
		}
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
			return romanize(stem) + " " + s.en
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
