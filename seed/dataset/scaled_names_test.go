package dataset

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// TestScaledNames: the bulk nodes' IDs and names (join7) are those of the
// fmt.Sprintf forms they replaced, for indexes of every width, and a
// graph's every bulk node carries them.
func TestScaledNames(t *testing.T) {
	for _, n := range []int{0, 1, 9, 10, 12345, 999999, 1000000, 9999999, 10000000, 123456789} {
		if got, want := join7("Museum:gen-bench-m-", n, "", "", ""), fmt.Sprintf("Museum:gen-bench-m-%07d", n); got != want {
			t.Errorf("join7(%d) = %q, want %q", n, got, want)
		}
		if got, want := join7("生成的基准测试科技馆 ", n, "（", "东城区", "）"), fmt.Sprintf("生成的基准测试科技馆 %07d（%s）", n, "东城区"); got != want {
			t.Errorf("join7(%d) = %q, want %q", n, got, want)
		}
	}
	sg, err := Scaled(Options{}, 20000)
	if err != nil {
		t.Fatal(err)
	}
	museums, schools := 0, 0
	err = sg.Each(func(n kepu.Node) error {
		key := kepu.KeyOf(n.ID)
		var num int
		switch {
		case strings.HasPrefix(key, "gen-bench-m-"):
			museums++
			num = museums
			if want := fmt.Sprintf("Museum:gen-bench-m-%07d", num); n.ID != want {
				t.Fatalf("museum %d: ID %q, want %q", num, n.ID, want)
			}
			if !strings.HasPrefix(n.Props.String(kepu.PropName), fmt.Sprintf("Generated Benchmark Museum %07d (", num)) ||
				!strings.HasPrefix(n.Props.String(kepu.PropNameZh), fmt.Sprintf("生成的基准测试科技馆 %07d（", num)) {
				t.Fatalf("museum %d: names %q, %q", num, n.Props.String(kepu.PropName), n.Props.String(kepu.PropNameZh))
			}
		case strings.HasPrefix(key, "gen-bench-s-"):
			schools++
			num = schools
			stage := n.Props.String("stage")
			if want := fmt.Sprintf("School:gen-bench-s-%07d", num); n.ID != want {
				t.Fatalf("school %d: ID %q, want %q", num, n.ID, want)
			}
			if !strings.HasPrefix(n.Props.String(kepu.PropName), fmt.Sprintf("Generated Benchmark %s %07d (", stageNames[stage][0], num)) ||
				!strings.HasPrefix(n.Props.String(kepu.PropNameZh), fmt.Sprintf("生成的基准测试%s %07d（", stageNames[stage][1], num)) {
				t.Fatalf("school %d: names %q, %q", num, n.Props.String(kepu.PropName), n.Props.String(kepu.PropNameZh))
			}
		}
		return nil
	}, func(kepu.Edge) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if museums == 0 || schools == 0 {
		t.Fatalf("%d museums, %d schools", museums, schools)
	}
}
