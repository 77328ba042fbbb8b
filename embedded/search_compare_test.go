package embedded

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/textsearch"
)

// compareTexts are the 64 texts of the comparison of two index formats:
// the search benchmark's and issue 11's texts, pinyin prefixes of 2 to 20
// letters, longer pinyin runs from inside a name, initials, English and
// mixed texts.
var compareTexts = []string{
	"北京科学中心", "北京科学", "beijing kexue zhongxin", "beijingkexuezhongxin", "bjkxzx",
	"beijing science center", "Beijing Scince Center", "北京 kexue", "science", "school", "科技馆",
	"科学技术馆", "museum anhui", "kexue", "zhongxin",
	"kex", "bei", "beij", "beiji", "beijin", "beijing", "beijingk", "beijingke", "beijingkex",
	"beijingkexu", "beijingkexue", "beijingkexuez", "beijingkexuezh", "beijingkexuezho",
	"beijingkexuezhon", "beijingkexuezhong", "beijingkexuezhongx", "beijingkexuezhongxi",
	"kexuezhongxin", "jingkexue", "kejiguan", "kexuejishuguan", "qingshaonian", "zhongxue",
	"xiaoxue", "xuexiao", "shanghaikeji", "guangdongsheng", "bowuguan", "tianwenguan", "zhongguo kexueyuan",
	"bj", "kxzx", "zgkxjsg", "sh", "bwg", "xx",
	"museum", "science museum", "school beijing", "planetarium", "center", "Shanghai",
	"北京 museum", "上海 keji", "科学 zhongxin", "zhejiang 学校", "中学", "anhui kejiguan",
}

// TestSearchCompareDump writes, for every text of compareTexts with and
// without a label, the number of candidates the index gives, the total and
// the first 20 hits (IDs, scores) of the data directory
// KEPUGRAPH_COMPARE_DIR as JSON lines to KEPUGRAPH_COMPARE_OUT: run by the
// test binaries of two index formats on copies of the same graph, the
// files are compared line by line. Skipped without them.
func TestSearchCompareDump(t *testing.T) {
	dir, out := os.Getenv("KEPUGRAPH_COMPARE_DIR"), os.Getenv("KEPUGRAPH_COMPARE_OUT")
	if dir == "" || out == "" {
		t.Skip("KEPUGRAPH_COMPARE_DIR and KEPUGRAPH_COMPARE_OUT not set")
	}
	if len(compareTexts) != 64 {
		t.Fatalf("%d texts", len(compareTexts))
	}
	st, err := Open(dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	ctx := context.Background()
	for _, text := range compareTexts {
		for _, labels := range [][]kepu.Label{nil, {kepu.Museum}} {
			q, err := textsearch.Parse(text)
			if err != nil {
				t.Fatal(err)
			}
			_, ids, err := st.candidateIDs(ctx, q, labels, textsearch.MaxCandidates+1)
			if err != nil {
				t.Fatal(err)
			}
			p, err := st.Search(ctx, kepu.SearchQuery{Text: text, Labels: labels, First: 20})
			if err != nil {
				t.Fatal(err)
			}
			type hit struct {
				ID    string
				Score float64
			}
			line := struct {
				Text       string
				Labels     []kepu.Label
				Candidates int
				Total      int
				Hits       []hit
			}{text, labels, len(ids), p.Total, nil}
			for _, h := range p.Hits {
				line.Hits = append(line.Hits, hit{h.Node.ID, h.Score})
			}
			if err := enc.Encode(line); err != nil {
				t.Fatal(err)
			}
		}
	}
}
