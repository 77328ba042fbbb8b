package dataset_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

var (
	defaultOnce sync.Once
	defaultDS   *dataset.Dataset
	defaultErr  error
)

// reference returns the default dataset, generated once per test binary.
func reference(t testing.TB) *dataset.Dataset {
	t.Helper()
	defaultOnce.Do(func() { defaultDS, defaultErr = dataset.Generate(dataset.Options{}) })
	if defaultErr != nil {
		t.Fatal(defaultErr)
	}
	return defaultDS
}

// hashDataset returns a digest of every node and edge in order.
func hashDataset(t testing.TB, ds *dataset.Dataset) string {
	t.Helper()
	h := sha256.New()
	enc := json.NewEncoder(h) // maps are encoded with sorted keys
	for _, n := range ds.Nodes {
		if err := enc.Encode([]any{n.ID, n.Label, n.Props}); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range ds.Edges {
		if err := enc.Encode([]any{e.Type, e.From, e.To, e.Props}); err != nil {
			t.Fatal(err)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestGenerateDeterministic(t *testing.T) {
	a := hashDataset(t, reference(t))
	again, err := dataset.Generate(dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if b := hashDataset(t, again); a != b {
		t.Fatalf("two runs differ: %s vs %s", a, b)
	}
	other, err := dataset.Generate(dataset.Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if hashDataset(t, other) == a {
		t.Fatal("a different seed gave the same dataset")
	}
}

func TestDatasetSize(t *testing.T) {
	ds := reference(t)
	if n := len(ds.Nodes); n < 10_000 || n > 15_000 {
		t.Errorf("%d nodes, want 10k to 15k", n)
	}
	if n := len(ds.Edges); n < 20_000 || n > 40_000 {
		t.Errorf("%d edges, want 20k to 40k", n)
	}
}

func TestEveryRecordValid(t *testing.T) {
	checkValid(t, reference(t))
}

// checkValid checks that every node and edge validates, IDs and edge keys
// are unique and every edge joins existing nodes.
func checkValid(t *testing.T, ds *dataset.Dataset) {
	t.Helper()
	labels := map[string]kepu.Label{}
	for _, n := range ds.Nodes {
		if _, dup := labels[n.ID]; dup {
			t.Fatalf("duplicate node %s", n.ID)
		}
		labels[n.ID] = n.Label
		c := kepu.Node{ID: n.ID, Label: n.Label, Props: n.Props.Clone()}
		if err := kepu.ValidateNode(&c); err != nil {
			t.Fatalf("node %s: %v", n.ID, err)
		}
	}
	keys := map[string]bool{}
	for _, e := range ds.Edges {
		if keys[e.Key()] {
			t.Fatalf("duplicate edge %s", e.Key())
		}
		keys[e.Key()] = true
		from, ok1 := labels[e.From]
		to, ok2 := labels[e.To]
		if !ok1 || !ok2 {
			t.Fatalf("edge %s has a missing end", e.Key())
		}
		if !kepu.LookupRel(e.Type).Joins(from, to) {
			t.Fatalf("edge %s joins %s to %s", e.Key(), from, to)
		}
		c := kepu.Edge{Type: e.Type, From: e.From, To: e.To, Props: e.Props.Clone()}
		if err := kepu.ValidateEdge(&c, from, to); err != nil {
			t.Fatalf("edge %s: %v", e.Key(), err)
		}
	}
}

func TestProvenance(t *testing.T) {
	ds := reference(t)
	check := func(what string, p kepu.Props) {
		t.Helper()
		prov, src := p.String(kepu.PropProvenance), p.String(kepu.PropSource)
		switch prov {
		case kepu.Reported:
			if !strings.Contains(src, "seed:00") {
				t.Errorf("%s: REPORTED with source %q", what, src)
			}
		case kepu.Reference:
			if !strings.HasPrefix(src, "data/") || strings.Contains(src, "seed:") {
				t.Errorf("%s: REFERENCE with source %q", what, src)
			}
		case kepu.Generated:
			if !strings.HasPrefix(src, "generated: ") {
				t.Errorf("%s: GENERATED with source %q", what, src)
			}
		default:
			t.Errorf("%s: provenance %q", what, prov)
		}
	}
	for _, n := range ds.Nodes {
		check(n.ID, n.Props)
		if n.Props.String(kepu.PropProvenance) == kepu.Generated {
			if !strings.HasPrefix(n.Props.String("name"), "Generated") || !strings.HasPrefix(n.Props.String("nameZh"), "生成的") {
				t.Errorf("%s: generated but named %q / %q", n.ID, n.Props.String("name"), n.Props.String("nameZh"))
			}
			if !strings.Contains(kepu.KeyOf(n.ID), "gen-") && n.Label != kepu.Forum {
				t.Errorf("%s: generated key without gen-", n.ID)
			}
		} else if strings.HasPrefix(n.Props.String("name"), "Generated") {
			t.Errorf("%s: not generated but named %q", n.ID, n.Props.String("name"))
		}
	}
	for _, e := range ds.Edges {
		check(e.Key(), e.Props)
	}
}

// TestRomanizedNames: the English name of every prefecture and county is
// the loader's romanization of its Chinese name (divisions.csv has none),
// and the node says so with nameRomanized; a node whose name comes from a
// reference list or a source (a province, a museum) does not.
func TestRomanizedNames(t *testing.T) {
	ds := reference(t)
	romanized := 0
	for _, n := range ds.Nodes {
		r, has := n.Props[kepu.PropNameRomanized]
		switch n.Label {
		case kepu.Prefecture, kepu.County:
			if r != true {
				t.Errorf("%s (%s, %s): nameRomanized = %v, want true", n.ID, n.Props.String("name"), n.Props.String("nameZh"), r)
			}
			romanized++
		default:
			if has {
				t.Errorf("%s (%s): nameRomanized = %v on a name not made by the loader", n.ID, n.Props.String("name"), r)
			}
		}
	}
	if romanized != 3179 {
		t.Errorf("%d romanized places, want the 3,179 of divisions.csv", romanized)
	}
	for id, want := range map[string]string{
		"Prefecture:152500": "Xilinguole League", // 锡林郭勒盟 (勒 is le in place names)
		"County:652801":     "Ku'erle City",      // 库尔勒市
		"County:110105":     "Chaoyang District", // 朝阳区
		// A character read as its word reads it (textsearch/reading);
		// each is English Wikipedia's title for the place.
		"Prefecture:440600": "Foshan City",                   // 佛山市, not Fushan
		"County:310112":     "Minhang District",              // 闵行区, not Minxing
		"County:330382":     "Yueqing City",                  // 乐清市, not Leqing
		"County:120115":     "Baodi District",                // 宝坻区, not Baochi
		"County:410621":     "Xun County",                    // 浚县, not Jun
		"County:130981":     "Botou City",                    // 泊头市, not Potou
		"County:140924":     "Fanshi County",                 // 繁峙县, not Fanzhi
		"County:420116":     "Huangpi District",              // 黄陂区, not Huangbei
		"County:371524":     "Dong'e County",                 // 东阿县, not Dong'a
		"County:130726":     "Yu County",                     // 蔚县, not Wei
		"County:320116":     "Luhe District",                 // 六合区, not Liuhe
		"County:371722":     "Shan County",                   // 单县, not Dan
		"County:620722":     "Minle County",                  // 民乐县 (read with 县), not Minyue
		"County:450405":     "Changzhou District",            // 长洲区, not Zhangzhou
		"Prefecture:341500": "Lu'an City",                    // 六安市
		"County:522732":     "Sandushuizu Autonomous County", // 三都水族自治县, not Sandou
	} {
		found := false
		for _, n := range ds.Nodes {
			if n.ID == id {
				found = true
				if got := n.Props.String("name"); got != want {
					t.Errorf("%s (%s): name %q, want %q", id, n.Props.String("nameZh"), got, want)
				}
			}
		}
		if !found {
			t.Errorf("%s missing", id)
		}
	}
}

// TestGeneratedNamesNameProvince: a generated museum or school names its
// province in both languages ("… (Hefei City, Anhui)", "…（安徽省合肥市）"),
// so that a search for the province in Chinese finds what a search in
// pinyin or English finds (newcomer report of 2026-12-02, finding 7: 安徽
// found 5 records, anhui 531).
func TestGeneratedNamesNameProvince(t *testing.T) {
	ds := reference(t)
	zhOf := map[string]string{} // a province's English name -> its Chinese name
	for _, n := range ds.Nodes {
		if n.Label == kepu.Province {
			zhOf[n.Props.String("name")] = n.Props.String("nameZh")
		}
	}
	checked := 0
	for _, n := range ds.Nodes {
		name, zh := n.Props.String("name"), n.Props.String("nameZh")
		if (n.Label != kepu.Museum && n.Label != kepu.School) || !strings.HasPrefix(name, "Generated") {
			continue
		}
		i := strings.Index(name, " (") + 1 // the first: "Tibet (Xizang)" holds one
		if i == 0 || !strings.HasSuffix(name, ")") {
			t.Errorf("%s: name %q names no place", n.ID, name)
			continue
		}
		place := strings.Split(name[i+1:len(name)-1], ", ")
		prov, ok := zhOf[place[len(place)-1]]
		if !ok {
			t.Errorf("%s: name %q names no province", n.ID, name)
			continue
		}
		if !strings.Contains(zh, "（"+prov) {
			t.Errorf("%s: nameZh %q does not begin its place with %s (name %q)", n.ID, zh, prov, name)
		}
		checked++
	}
	if checked < 4000 {
		t.Errorf("checked %d generated museums and schools, want the dataset's thousands", checked)
	}
}
