package textsearch

import (
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/seed/data"
	"github.com/kepugraph/kepugraph/textsearch/reading"
)

// readCSV reads one of the reference lists (seed/data, copies of
// shared/data) as rows of named columns.
func readCSV(t *testing.T, name string) []map[string]string {
	t.Helper()
	f, err := data.FS.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, c := range rows[0] {
			m[c] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// foldEnglish is an English place name as pinyin is written in the keys:
// lower case, letters only (Xi'an: xian).
func foldEnglish(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r
		}
		return -1
	}, strings.ToLower(s))
}

// notPinyin are the English names of provinces.csv that are not the Hanyu
// Pinyin of the Chinese name, each with that pinyin as its source gives it
// (toneless). The test checks that each is indeed not the pinyin of its
// name, so the list holds no name that the plain comparison would pass.
var notPinyin = map[string]struct{ pinyin, source string }{
	"Inner Mongolia": {"neimenggu", "en.wikipedia.org/wiki/Inner_Mongolia: Nèi Měnggǔ (English translation)"},
	"Shaanxi":        {"shanxi", "en.wikipedia.org/wiki/Shaanxi: Shǎnxī, spelled with aa (after Gwoyeu Romatzyh's tone spelling) to tell it from Shānxī 山西"},
	"Hong Kong":      {"xianggang", "en.wikipedia.org/wiki/Hong_Kong: Xiānggǎng (Hong Kong is the Cantonese name)"},
	"Macau":          {"aomen", "en.wikipedia.org/wiki/Macau: Àomén (Macau is the Portuguese name)"},
	"Xinjiang Production and Construction Corps": {"xinjiangshengchanjianshebingtuan",
		"en.wikipedia.org/wiki/Xinjiang_Production_and_Construction_Corps: Xīnjiāng Shēngchǎn Jiànshè Bīngtuán (English translation)"},
	"Hohhot": {"huhehaote", "en.wikipedia.org/wiki/Hohhot: Hūhéhàotè (Hohhot is the Mongolian name)"},
	"Harbin": {"haerbin", "en.wikipedia.org/wiki/Harbin: Hā'ěrbīn (Harbin is the conventional name)"},
	"Lhasa":  {"lasa", "en.wikipedia.org/wiki/Lhasa: Lāsà (Lhasa is the Tibetan name)"},
	"Urumqi": {"wulumuqi", "en.wikipedia.org/wiki/Ürümqi: Wūlǔmùqí (Urumqi is the Uyghur name)"},
}

// TestProvinceReadings: the pinyin of every province of provinces.csv
// (name_zh without the suffix Provinces' short forms drop: 省, 市,
// 自治区, …) and of its capital (capital_zh without 市) is its English
// name folded (name_en, capital_en: Chongqing, Xi'an), or, for an English
// name that is a pinyin name written after it in parentheses ("Tibet
// (Xizang)"), that name; English names that are not pinyin (notPinyin)
// are compared with the pinyin their source gives. Before names were read
// by words it failed for 重庆 (zhongqing), 西藏 (xicang), 长春, 长沙 and 成都.
func TestProvinceReadings(t *testing.T) {
	used := map[string]bool{}
	check := func(zh, en string) {
		t.Helper()
		if zh == "" && en == "" {
			return // Taiwan's capital: left blank in the list
		}
		want := foldEnglish(en)
		if open := strings.Index(en, " ("); open > 0 && strings.HasSuffix(en, ")") {
			want = foldEnglish(en[open+2 : len(en)-1])
		}
		if np, ok := notPinyin[en]; ok {
			used[en] = true
			if want == np.pinyin {
				t.Errorf("%s: listed as not pinyin, but it is the pinyin %q", en, np.pinyin)
			}
			want = np.pinyin
		}
		if got := Pinyin(zh); got != want {
			t.Errorf("Pinyin(%s) = %q, want %q (%s)", zh, got, want, en)
		}
	}
	rows := readCSV(t, "provinces.csv")
	if len(rows) != 35 {
		t.Fatalf("provinces.csv: %d rows, want 35", len(rows))
	}
	for _, r := range rows {
		short := r["name_zh"]
		for _, s := range provinceSuffixes {
			if v, ok := strings.CutSuffix(short, s); ok {
				short = v
				break
			}
		}
		check(short, r["name_en"])
		check(strings.TrimSuffix(r["capital_zh"], "市"), r["capital_en"])
	}
	for en := range notPinyin {
		if !used[en] {
			t.Errorf("notPinyin lists %s, which provinces.csv does not hold", en)
		}
	}
}

// placeReadingCases are names of divisions.csv whose characters have more
// than one reading, with the pinyin of the whole name (toneless) as the
// source gives it: the English Wikipedia article of the place (Hanyu
// Pinyin in its infobox), or the pinyin that seed/data/SOURCES.md and
// CC-CEDICT agree on. Before names were read by words, go-pinyin's
// default readings gave another for every one but 乐山市, 大理市 and
// 济南市 (kept: a word must not change a default that was right).
var placeReadingCases = []struct{ name, pinyin, source string }{
	{"厦门市", "xiamenshi", "en.wikipedia.org/wiki/Xiamen: Xiàmén"},
	{"成都市", "chengdushi", "en.wikipedia.org/wiki/Chengdu: Chéngdū"},
	{"长沙市", "changshashi", "en.wikipedia.org/wiki/Changsha: Chángshā"},
	{"长春市", "changchunshi", "en.wikipedia.org/wiki/Changchun: Chángchūn"},
	{"长治市", "changzhishi", "en.wikipedia.org/wiki/Changzhi: Chángzhì"},
	{"蚌埠市", "bengbushi", "en.wikipedia.org/wiki/Bengbu: Bèngbù"},
	{"六安市", "luanshi", "en.wikipedia.org/wiki/Lu'an: Lù'ān"},
	{"乐清市", "yueqingshi", "en.wikipedia.org/wiki/Yueqing: Yuèqīng"},
	{"乐山市", "leshanshi", "en.wikipedia.org/wiki/Leshan: Lèshān"},
	{"乐亭县", "laotingxian", "en.wikipedia.org/wiki/Laoting_County: Làotíng"},
	{"朝阳市", "chaoyangshi", "en.wikipedia.org/wiki/Chaoyang,_Liaoning: Cháoyáng"},
	{"番禺区", "panyuqu", "en.wikipedia.org/wiki/Panyu_District: Pānyú"},
	{"单县", "shanxian", "en.wikipedia.org/wiki/Shan_County: Shàn Xiàn"},
	{"闵行区", "minhangqu", "en.wikipedia.org/wiki/Minhang_District: Mǐnháng"},
	{"洪洞县", "hongtongxian", "en.wikipedia.org/wiki/Hongtong_County: Hóngtóng"},
	{"浚县", "xunxian", "en.wikipedia.org/wiki/Xun_County: Xùn Xiàn"},
	{"什邡市", "shifangshi", "en.wikipedia.org/wiki/Shifang: Shífāng"},
	{"涡阳县", "guoyangxian", "en.wikipedia.org/wiki/Guoyang_County: Guōyáng"},
	{"铅山县", "yanshanxian", "en.wikipedia.org/wiki/Yanshan_County,_Jiangxi: Yánshān"},
	{"蔚县", "yuxian", "en.wikipedia.org/wiki/Yu_County,_Hebei: Yù Xiàn"},
	{"长子县", "zhangzixian", "en.wikipedia.org/wiki/Zhangzi_County: Zhǎngzǐ"},
	{"长安区", "changanqu", "en.wikipedia.org/wiki/Chang'an_District: Cháng'ān"},
	{"长宁区", "changningqu", "en.wikipedia.org/wiki/Changning_District: Chángníng"},
	{"长洲区", "changzhouqu", "en.wikipedia.org/wiki/Changzhou_District: Chángzhōu"},
	{"花都区", "huaduqu", "en.wikipedia.org/wiki/Huadu_District: Huādū"},
	{"都匀市", "duyunshi", "en.wikipedia.org/wiki/Duyun: Dūyún"},
	{"郫都区", "piduqu", "en.wikipedia.org/wiki/Pidu,_Chengdu: Pídū"},
	{"三都水族自治县", "sandushuizuzizhixian", "en.wikipedia.org/wiki/Sandu_Shui_Autonomous_County: Sāndū"},
	{"民乐县", "minlexian", "en.wikipedia.org/wiki/Minle_County: Mínlè"},
	{"色达县", "sedaxian", "en.wikipedia.org/wiki/Sêrtar_County: Sèdá Xiàn"},
	{"称多县", "chengduoxian", "en.wikipedia.org/wiki/Chindu_County: Chēngduō Xiàn"},
	{"栖霞区", "qixiaqu", "en.wikipedia.org/wiki/Qixia_District: Qīxiá"},
	{"六枝特区", "liuzhitequ", "en.wikipedia.org/wiki/Liuzhi_Special_District: Liùzhī Tèqū"},
	{"大埔县", "dabuxian", "en.wikipedia.org/wiki/Dabu_County: Dàbù"},
	{"犍为县", "qianweixian", "en.wikipedia.org/wiki/Qianwei_County: Qiánwéi"},
	{"牟平区", "mupingqu", "en.wikipedia.org/wiki/Muping_District: Mùpíng"},
	{"中牟县", "zhongmuxian", "en.wikipedia.org/wiki/Zhongmu_County: Zhōngmù"},
	{"枞阳县", "zongyangxian", "en.wikipedia.org/wiki/Zongyang_County: Zōngyáng"},
	{"黄陂区", "huangpiqu", "en.wikipedia.org/wiki/Huangpi_District: Huángpí"},
	{"珲春市", "hunchunshi", "en.wikipedia.org/wiki/Hunchun: Húnchūn"},
	{"锡林郭勒盟", "xilinguolemeng", "en.wikipedia.org/wiki/Xilingol_League: Xīlínguōlè Méng"},
	{"吐鲁番市", "tulufanshi", "en.wikipedia.org/wiki/Turpan: Tǔlǔfān"},
	{"塔什库尔干塔吉克自治县", "tashikuergantajikezizhixian", "en.wikipedia.org/wiki/Taxkorgan_Tajik_Autonomous_County: Tǎshíkù'ěrgān Tǎjíkè Zìzhìxiàn"},
	{"大理市", "dalishi", "en.wikipedia.org/wiki/Dali_City: Dàlǐ"},
	{"济南市", "jinanshi", "en.wikipedia.org/wiki/Jinan: Jǐnán"},
}

// TestPlaceReadings: every name of placeReadingCases is a division of
// divisions.csv and reads as its source says; every entry of
// placeReadings has a source and gives the reading of a division that
// holds it.
func TestPlaceReadings(t *testing.T) {
	divisions := map[string]bool{}
	for _, r := range readCSV(t, "divisions.csv") {
		divisions[r["name_zh"]] = true
	}
	if len(divisions) < 3000 {
		t.Fatalf("divisions.csv: %d names", len(divisions))
	}
	for _, c := range placeReadingCases {
		if !divisions[c.name] {
			t.Errorf("%s is not a name of divisions.csv", c.name)
		}
		if c.source == "" {
			t.Errorf("%s has no source", c.name)
		}
		if got := Pinyin(c.name); got != c.pinyin {
			t.Errorf("Pinyin(%s) = %q, want %q (%s)", c.name, got, c.pinyin, c.source)
		}
	}
	for _, p := range reading.PlaceReadings() {
		if p.Source == "" {
			t.Errorf("placeReadings: %s has no source", p.Word)
		}
		joined := strings.ReplaceAll(p.Reading, " ", "")
		found := false
		for name := range divisions {
			if strings.Contains(name, p.Word) && strings.Contains(Pinyin(name), joined) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("placeReadings: no division holds %s read %s", p.Word, p.Reading)
		}
	}
}

// TestPhraseData: the data set's words (reading.Phrases, generated) are
// sorted, each read one pinyin syllable per character, otherwise than
// its characters' defaults; the place readings (reading.PlaceReadings)
// add words or change the data set's reading.
func TestPhraseData(t *testing.T) {
	var prev string
	n := 0
	data := map[string]string{}
	for w, r := range reading.Phrases() {
		if r == "" || w <= prev {
			t.Fatalf("word %q (%q) after %q: not a word and its reading in order", w, r, prev)
		}
		prev = w
		n++
		data[w] = r
		syl := strings.Fields(r)
		var def []string
		for _, c := range w {
			def = append(def, reading.Default(c))
		}
		if slices.Equal(syl, def) {
			t.Errorf("%s: read %q, its characters' defaults", w, r)
		}
		for _, s := range syl {
			if !pinyinSyllables()[s] {
				t.Errorf("%s: %q is not a pinyin syllable", w, s)
			}
		}
	}
	if n < 5000 {
		t.Errorf("the data set holds %d words", n)
	}
	for _, p := range reading.PlaceReadings() {
		if syl, ok := reading.Word(p.Word); !ok || strings.Join(syl, " ") != p.Reading {
			t.Errorf("placeReadings: %s read %v, want %s", p.Word, syl, p.Reading)
		}
		if data[p.Word] == p.Reading {
			t.Errorf("placeReadings: %s is read so by the data set already", p.Word)
		}
	}
}

// TestReadingsInSearch: a Chinese name is found by the pinyin of its
// words (chongqing, xiamen, chengdu, changsha, xizang; their initials,
// cq) and no longer by the characters' default readings (zhongqing,
// shamen, chengdou, zhangsha, xicang: the reading of a word replaces
// them, it is not a second pinyin). The old spellings' pinyin
// (OldSpellings, from their source) is the pinyin of their Chinese names.
func TestReadingsInSearch(t *testing.T) {
	for _, c := range []struct{ zh, right, wrong, initials string }{
		{"重庆市科技馆", "chongqing", "zhongqing", "cqskjg"},
		{"厦门科技馆", "xiamen", "shamen", "xmkjg"},
		{"成都市科学技术馆", "chengdu", "chengdou", "cdskxjsg"},
		{"长沙市科学技术馆", "changsha", "zhangsha", "csskxjsg"},
		{"西藏自治区科学技术馆", "xizang", "xicang", "xzzzqkxjsg"},
	} {
		d := NewDoc("Museum:x", "", c.zh)
		for text, want := range map[string]bool{c.right: true, c.right + " kejiguan": true, c.initials: true, c.wrong: false} {
			q, err := Parse(text)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := q.Score(d); ok != want {
				t.Errorf("%q matches %s: %v, want %v", text, c.zh, ok, want)
			}
		}
	}
	for _, o := range OldSpellings {
		if p := Pinyin(o.Zh); p != o.Pinyin {
			t.Errorf("Pinyin(%s) = %q, its source's pinyin is %q", o.Zh, p, o.Pinyin)
		}
	}
}
