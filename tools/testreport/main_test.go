package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestReportShow: report prints a failed test's output, and a passing
// test's only when -show matches it; timings of top-level tests and
// packages are returned either way.
func TestReportShow(t *testing.T) {
	events := strings.Join([]string{
		`{"Action":"output","Package":"m/p","Test":"TestFail","Output":"boom\n"}`,
		`{"Action":"fail","Package":"m/p","Test":"TestFail","Elapsed":1.5}`,
		`{"Action":"output","Package":"m/p","Test":"TestSlow","Output":"server ready after 7m (NEO4J_START_TIMEOUT 6m)\n"}`,
		`{"Action":"pass","Package":"m/p","Test":"TestSlow","Elapsed":420}`,
		`{"Action":"output","Package":"m/p","Test":"TestQuiet","Output":"nothing to see\n"}`,
		`{"Action":"pass","Package":"m/p","Test":"TestQuiet","Elapsed":0.1}`,
		`{"Action":"output","Package":"m/p","Output":"FAIL\tm/p\t421s\n"}`,
		`{"Action":"fail","Package":"m/p","Elapsed":421}`,
	}, "\n") + "\n"
	for _, tc := range []struct {
		show       *regexp.Regexp
		want, omit []string
	}{
		{nil, []string{"boom"}, []string{"ready after", "nothing to see"}},
		{regexp.MustCompile(`NEO4J_START_TIMEOUT`), []string{"boom", "TestSlow passed; its output matches -show", "ready after 7m"}, []string{"nothing to see"}},
	} {
		var out strings.Builder
		tests, pkgs := report(strings.NewReader(events), &out, tc.show)
		for _, w := range tc.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("show %v: output lacks %q:\n%s", tc.show, w, out.String())
			}
		}
		for _, o := range tc.omit {
			if strings.Contains(out.String(), o) {
				t.Errorf("show %v: output has %q:\n%s", tc.show, o, out.String())
			}
		}
		if len(tests) != 3 || len(pkgs) != 1 || pkgs[0].elapsed != 421 {
			t.Errorf("show %v: timings %v %v, want 3 tests and the package's 421 s", tc.show, tests, pkgs)
		}
	}
}
