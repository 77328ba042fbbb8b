package dataset_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// The structure of the cooperation network (issue 11, part 0): the
// statistics that seed/README.md publishes, computed from the generated
// dataset, and the thresholds the issue sets for them.

// unit returns the prefecture-level unit of a node's location: its
// prefecture; in a municipality (or the XPCC) the province; for a
// county-level division directly under a province, the county.
func (ix *index) unit(id string) string {
	loc := ix.location(id)
	switch {
	case loc.Prefecture != "":
		return loc.Prefecture
	case loc.County != "" && ix.nodes[loc.Province].Props.String("kind") != "MUNICIPALITY":
		return loc.County
	}
	return loc.Province
}

// quantile returns the q-quantile of sorted xs (nearest rank).
func quantile(xs []int, q float64) int {
	if len(xs) == 0 {
		return 0
	}
	i := int(q*float64(len(xs))+0.999999) - 1
	return xs[max(0, min(len(xs)-1, i))]
}

// structure holds the statistics of the cooperation network.
type structure struct {
	partnerships            int // PARTNERS_WITH edges from STANDARD museums
	inUnit, inProvince      int // of them, within the museum's prefecture-level unit / province
	strictPref, withPref    int // of those from museums in a prefecture: within that prefecture
	allPartners, allInProv  int // every PARTNERS_WITH edge, and those within a province
	degrees                 map[string][]int
	top10Share              float64 // share of STANDARD partnerships held by the 10 % best-connected museums
	ruralOwnSchool, ruralN  int
	training, trainingLocal int
	covers                  map[string][2]int // kind → edges, within the museum's province
	helped, helpedLocal     int
}

// levelOf is the row of the degree table a museum belongs to.
func levelOf(m kepu.Node) string {
	if k := m.Props.String("kind"); k != "STANDARD" {
		return k
	}
	return "STANDARD " + m.Props.String("level")
}

var degreeRows = []string{"STANDARD NATIONAL", "STANDARD PROVINCIAL", "STANDARD PREFECTURE", "STANDARD COUNTY", "RURAL_SCHOOL"}

func computeStructure(ix *index) structure {
	s := structure{degrees: map[string][]int{}, covers: map[string][2]int{}}
	deg := map[string]int{}
	for _, e := range ix.edges[kepu.PartnersWith] {
		deg[e.From]++
		from, to := ix.location(e.From), ix.location(e.To)
		s.allPartners++
		if from.Province == to.Province {
			s.allInProv++
		}
		m := ix.nodes[e.From]
		switch m.Props.String("kind") {
		case "STANDARD":
			s.partnerships++
			if from.Province == to.Province {
				s.inProvince++
			}
			if ix.unit(e.From) == ix.unit(e.To) {
				s.inUnit++
			}
			if from.Prefecture != "" {
				s.withPref++
				if from.Prefecture == to.Prefecture {
					s.strictPref++
				}
			}
		case "RURAL_SCHOOL":
			s.ruralN++
			if ix.located[e.From][0] == ix.located[e.To][0] {
				if r, _ := ix.nodes[e.To].Props.Bool("rural"); r {
					s.ruralOwnSchool++
				}
			}
		}
	}
	var std []int
	for _, m := range ix.byLabel[kepu.Museum] {
		row := levelOf(m)
		if slices.Contains(degreeRows, row) {
			s.degrees[row] = append(s.degrees[row], deg[m.ID])
		}
		if m.Props.String("kind") == "STANDARD" {
			std = append(std, deg[m.ID])
		}
	}
	for _, d := range s.degrees {
		slices.Sort(d)
	}
	slices.SortFunc(std, func(a, b int) int { return b - a })
	top, all := 0, 0
	for i, d := range std {
		if i < (len(std)+9)/10 {
			top += d
		}
		all += d
	}
	s.top10Share = float64(top) / float64(max(all, 1))
	for _, e := range ix.edges[kepu.TrainsTeachers] {
		s.training++
		if ix.location(e.From).Province == ix.location(e.To).Province {
			s.trainingLocal++
		}
	}
	for _, e := range ix.edges[kepu.Covers] {
		kind := ix.nodes[e.From].Props.String("kind")
		if kind != "MOBILE" && kind != "CARAVAN" {
			continue
		}
		c := s.covers[kind]
		c[0]++
		if ix.location(e.From).Province == ix.location(e.To).Province {
			c[1]++
		}
		s.covers[kind] = c
	}
	for _, e := range ix.edges[kepu.HelpedEstablish] {
		s.helped++
		if ix.location(e.From).Province == ix.location(e.To).Province {
			s.helpedLocal++
		}
	}
	return s
}

func pct(n, d int) string { return fmt.Sprintf("%.1f %%", 100*float64(n)/float64(max(d, 1))) }

// markdown renders the statistics as the tables of seed/README.md.
func (s structure) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "| edges | count | within the prefecture-level unit | within the province |\n|---|---|---|---|\n")
	fmt.Fprintf(&b, "| PARTNERS_WITH from STANDARD museums | %d | %s | %s |\n", s.partnerships, pct(s.inUnit, s.partnerships), pct(s.inProvince, s.partnerships))
	fmt.Fprintf(&b, "| … of them from museums in a prefecture (strictly the same prefecture) | %d | %s | |\n", s.withPref, pct(s.strictPref, s.withPref))
	fmt.Fprintf(&b, "| PARTNERS_WITH, all | %d | | %s |\n", s.allPartners, pct(s.allInProv, s.allPartners))
	fmt.Fprintf(&b, "| TRAINS_TEACHERS | %d | | %s |\n", s.training, pct(s.trainingLocal, s.training))
	for _, k := range []string{"MOBILE", "CARAVAN"} {
		fmt.Fprintf(&b, "| COVERS from %s museums | %d | | %s |\n", k, s.covers[k][0], pct(s.covers[k][1], s.covers[k][0]))
	}
	fmt.Fprintf(&b, "| HELPED_ESTABLISH | %d | | %s |\n", s.helped, pct(s.helpedLocal, s.helped))
	fmt.Fprintf(&b, "\n| museums | n | school partners: min | median | 90th percentile | max |\n|---|---|---|---|---|---|\n")
	for _, row := range degreeRows {
		d := s.degrees[row]
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d |\n", row, len(d), quantile(d, 0), quantile(d, 0.5), quantile(d, 0.9), quantile(d, 1))
	}
	fmt.Fprintf(&b, "\nThe best-connected 10 %% of the STANDARD museums hold %.1f %% of their partnerships. "+
		"Each rural middle-school museum partners with its host school only (%d of %d in the same place, rural).\n",
		100*s.top10Share, s.ruralOwnSchool, s.ruralN)
	return b.String()
}

// TestStructure checks the thresholds of issue 11, part 0, and that
// seed/README.md publishes the statistics of the current generator.
func TestStructure(t *testing.T) {
	ix := newIndex(reference(t))
	s := computeStructure(ix)
	// Partnerships are local: at least 80 % within the museum's prefecture
	// (its prefecture-level unit), the rest within its province, none across.
	if float64(s.inUnit) < 0.8*float64(s.partnerships) {
		t.Errorf("%d of %d STANDARD partnerships within the prefecture-level unit, want at least 80 %%", s.inUnit, s.partnerships)
	}
	if float64(s.strictPref) < 0.8*float64(s.withPref) {
		t.Errorf("%d of %d partnerships of museums in a prefecture within that prefecture, want at least 80 %%", s.strictPref, s.withPref)
	}
	if s.allInProv != s.allPartners || s.inProvince != s.partnerships {
		t.Errorf("%d of %d partnerships within a province; no source reports one across provinces", s.allInProv, s.allPartners)
	}
	// Heavy tail: hubs at the top, a few partners for county museums, one
	// (the host school) for rural school museums.
	med := func(row string) int { return quantile(s.degrees[row], 0.5) }
	if len(s.degrees["STANDARD NATIONAL"]) != 1 || len(s.degrees["STANDARD PROVINCIAL"]) < 31 || len(s.degrees["STANDARD COUNTY"]) != 228 {
		t.Fatalf("museums by level: %v", s.degrees)
	}
	if !(med("STANDARD NATIONAL") >= med("STANDARD PROVINCIAL") && med("STANDARD PROVINCIAL") >= 3*med("STANDARD PREFECTURE") &&
		med("STANDARD PREFECTURE") >= 2*med("STANDARD COUNTY")) {
		t.Errorf("median partners national %d, provincial %d, prefecture %d, county %d: want hubs at the top",
			med("STANDARD NATIONAL"), med("STANDARD PROVINCIAL"), med("STANDARD PREFECTURE"), med("STANDARD COUNTY"))
	}
	if c := s.degrees["STANDARD COUNTY"]; c[0] < 1 || c[len(c)-1] > 6 {
		t.Errorf("county museums have %d to %d partners, want a few (1 to 6)", c[0], c[len(c)-1])
	}
	if p := s.degrees["STANDARD PREFECTURE"]; quantile(p, 1) < 4*quantile(p, 0.5) {
		t.Errorf("prefecture museums: median %d, max %d; want a heavy tail (max at least 4 × median)", quantile(p, 0.5), quantile(p, 1))
	}
	if s.top10Share < 0.4 {
		t.Errorf("top 10 %% of STANDARD museums hold %.2f of the partnerships, want at least 0.4", s.top10Share)
	}
	if r := s.degrees["RURAL_SCHOOL"]; r[0] != 1 || r[len(r)-1] != 1 || s.ruralOwnSchool != s.ruralN || s.ruralN != 1124 {
		t.Errorf("rural museums: %d to %d partners, %d of %d with their own school", r[0], r[len(r)-1], s.ruralOwnSchool, s.ruralN)
	}
	// Teacher training, tours, caravans and help stay in the province.
	if s.training < 31 || s.trainingLocal != s.training {
		t.Errorf("%d of %d TRAINS_TEACHERS edges within a province", s.trainingLocal, s.training)
	}
	for _, k := range []string{"MOBILE", "CARAVAN"} {
		if c := s.covers[k]; c[0] == 0 || c[1] != c[0] {
			t.Errorf("%s COVERS: %d of %d within the museum's province", k, c[1], c[0])
		}
	}
	if s.helped != 23 || s.helpedLocal != s.helped {
		t.Errorf("%d of %d HELPED_ESTABLISH within a province", s.helpedLocal, s.helped)
	}
	// seed/README.md publishes these very numbers.
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if md := s.markdown(); !strings.Contains(strings.ReplaceAll(string(readme), "\r", ""), md) {
		t.Errorf("seed/README.md does not hold the current structure statistics; put this in its \"Structure of the cooperation network\" section:\n%s", md)
	}
}
