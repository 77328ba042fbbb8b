package textsearch

import (
	"slices"
	"testing"
)

// traditionalPlaces are the names of provinces.csv (provinces and their
// capitals) in traditional characters, as the Chinese Wikipedia's
// traditional variants (zh-tw, zh-hk) title their articles; a name whose
// characters have no traditional form is written as it is (北京市).
var traditionalPlaces = map[string]string{
	"北京市": "北京市", "天津市": "天津市", "河北省": "河北省", "石家庄市": "石家莊市",
	"山西省": "山西省", "太原市": "太原市", "内蒙古自治区": "內蒙古自治區", "呼和浩特市": "呼和浩特市",
	"辽宁省": "遼寧省", "沈阳市": "瀋陽市", "吉林省": "吉林省", "长春市": "長春市",
	"黑龙江省": "黑龍江省", "哈尔滨市": "哈爾濱市", "上海市": "上海市", "江苏省": "江蘇省",
	"南京市": "南京市", "浙江省": "浙江省", "杭州市": "杭州市", "安徽省": "安徽省",
	"合肥市": "合肥市", "福建省": "福建省", "福州市": "福州市", "江西省": "江西省",
	"南昌市": "南昌市", "山东省": "山東省", "济南市": "濟南市", "河南省": "河南省",
	"郑州市": "鄭州市", "湖北省": "湖北省", "武汉市": "武漢市", "湖南省": "湖南省",
	"长沙市": "長沙市", "广东省": "廣東省", "广州市": "廣州市", "广西壮族自治区": "廣西壯族自治區",
	"南宁市": "南寧市", "海南省": "海南省", "海口市": "海口市", "重庆市": "重慶市",
	"四川省": "四川省", "成都市": "成都市", "贵州省": "貴州省", "贵阳市": "貴陽市",
	"云南省": "雲南省", "昆明市": "昆明市", "西藏自治区": "西藏自治區", "拉萨市": "拉薩市",
	"陕西省": "陝西省", "西安市": "西安市", "甘肃省": "甘肅省", "兰州市": "蘭州市",
	"青海省": "青海省", "西宁市": "西寧市", "宁夏回族自治区": "寧夏回族自治區", "银川市": "銀川市",
	"新疆维吾尔自治区": "新疆維吾爾自治區", "乌鲁木齐市": "烏魯木齊市", "台湾省": "臺灣省",
	"香港特别行政区": "香港特別行政區", "香港": "香港", "澳门特别行政区": "澳門特別行政區", "澳门": "澳門",
	"新疆生产建设兵团": "新疆生產建設兵團",
}

// TestTraditionalPlaceReadings: every province and capital of
// provinces.csv written in traditional characters folds to its name
// (Fold) and has the name's keys and pinyin: read by the same words (重慶
// chongqing, 長春 changchun, 長沙 changsha, 西藏自治區 xizang, not by
// character: zhongqing, zhangchun).
func TestTraditionalPlaceReadings(t *testing.T) {
	used := map[string]bool{}
	changed := 0
	check := func(zh string) {
		t.Helper()
		if zh == "" {
			return // Taiwan's capital: left blank in the list
		}
		tr, ok := traditionalPlaces[zh]
		if !ok {
			t.Errorf("%s: no traditional form listed", zh)
			return
		}
		used[zh] = true
		if tr != zh {
			changed++
		}
		if got := Fold(tr); got != zh {
			t.Errorf("Fold(%s) = %s, want %s", tr, got, zh)
		}
		if got, want := Pinyin(tr), Pinyin(zh); got != want {
			t.Errorf("Pinyin(%s) = %q, want %q (%s's)", tr, got, want, zh)
		}
		if got, want := Initials(tr), Initials(zh); got != want {
			t.Errorf("Initials(%s) = %q, want %q", tr, got, want)
		}
		if got, want := NewPrefixKeys(tr), NewPrefixKeys(zh); got != want {
			t.Errorf("NewPrefixKeys(%s) = %v, want %v", tr, got, want)
		}
		if got, want := HanKeys(tr), HanKeys(zh); got != want {
			t.Errorf("HanKeys(%s) = %q, want %q", tr, got, want)
		}
	}
	for _, r := range readCSV(t, "provinces.csv") {
		check(r["name_zh"])
		check(r["capital_zh"])
	}
	for zh := range traditionalPlaces {
		if !used[zh] {
			t.Errorf("traditionalPlaces lists %s, which provinces.csv does not hold", zh)
		}
	}
	if changed < 30 {
		t.Errorf("%d names differ in traditional characters, want the 30 or more listed", changed)
	}
	for tr, want := range map[string]string{"重慶市": "chongqingshi", "長春市": "changchunshi", "長沙市": "changshashi", "西藏自治區": "xizangzizhiqu"} {
		if got := Pinyin(tr); got != want {
			t.Errorf("Pinyin(%s) = %q, want %q", tr, got, want)
		}
	}
}

// TestTraditionalSearch: a name in traditional characters is found by its
// simplified form, by its traditional form, by a mix of both, and by the
// pinyin and initials of its words; a simplified name by its traditional
// form; the same names in the same order either way.
func TestTraditionalSearch(t *testing.T) {
	docs := []*Doc{
		NewDoc("t1", "", "重慶科技館"),
		NewDoc("t2", "", "香港科學館"),
		NewDoc("s1", "", "重庆市科学技术馆"),
		NewDoc("s2", "", "北京师范大学"),
		NewDoc("s3", "", "中青科技馆"),
	}
	ids := func(text string) []string {
		t.Helper()
		q, err := Parse(text)
		if err != nil {
			t.Fatalf("Parse(%q): %v", text, err)
		}
		var out []string
		for _, h := range Rank(q, docs) {
			out = append(out, h.ID)
		}
		return out
	}
	for text, want := range map[string][]string{
		"重庆科技馆":               {"t1", "s1"}, // s1 by the short form 科技馆
		"重慶科技館":               {"t1", "s1"},
		"重庆科技館":               {"t1", "s1"},
		"chongqing kejiguan":  {"t1", "s1"},
		"cqkjg":               {"t1"},
		"zhongqing":           {"s3"}, // 中青, not 重慶
		"香港科学馆":               {"t2"},
		"xianggang kexueguan": {"t2"},
		"北京師範大學":              {"s2"},
		"師範":                  {"s2"},
		"重慶市":                 {"s1"},
		"中青":                  {"s3"},
	} {
		if got := ids(text); !slices.Equal(got, want) {
			t.Errorf("%s finds %v, want %v", text, got, want)
		}
	}
	for _, p := range [][2]string{{"重慶", "重庆"}, {"科學", "科学"}, {"chongqing", "重慶"}} {
		if a, b := ids(p[0]), ids(p[1]); len(a) < 2 || !slices.Equal(a, b) {
			t.Errorf("%s finds %v, %s %v: want the same two or more", p[0], a, p[1], b)
		}
	}
}
