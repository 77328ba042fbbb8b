package analysis_test

import (
	"context"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/kepugraph/kepugraph/analysis"
	"github.com/kepugraph/kepugraph/kepu"
)

// callStore counts the store calls coverage and the gap lists read the
// graph with, and answers Version with its own counter.
type callStore struct {
	kepu.Store
	calls   atomic.Int64
	version atomic.Uint64
}

func (s *callStore) Version(context.Context) (uint64, error) { return s.version.Load(), nil }
func (s *callStore) FindNodes(ctx context.Context, q kepu.NodeQuery) (kepu.NodePage, error) {
	s.calls.Add(1)
	return s.Store.FindNodes(ctx, q)
}
func (s *callStore) Neighbors(ctx context.Context, ids []string, q kepu.NeighborQuery) (map[string]kepu.NeighborPage, error) {
	s.calls.Add(1)
	return s.Store.Neighbors(ctx, ids, q)
}
func (s *callStore) Locate(ctx context.Context, ids []string) (map[string]kepu.Location, error) {
	s.calls.Add(1)
	return s.Store.Locate(ctx, ids)
}
func (s *callStore) CountPlaceNodes(ctx context.Context, places []string, l kepu.Label, f *kepu.Filter) (map[string]int, error) {
	s.calls.Add(1)
	return s.Store.CountPlaceNodes(ctx, places, l, f)
}

// TestCoverageCached: the analyzer's coverage and gap lists equal the
// functions' on the store, the second ask of the same question at the same
// graph version reads nothing from the store (kinds in another order and
// repeated are the same question), and a new version computes again.
func TestCoverageCached(t *testing.T) {
	st := &callStore{Store: ref.store}
	a := &analysis.Analyzer{Store: st}
	q := analysis.CoverageQuery{Level: kepu.Prefecture, MuseumKinds: []string{"STANDARD", "MOBILE"}}
	want, err := analysis.Coverage(ctx, ref.store, q)
	if err != nil {
		t.Fatal(err)
	}
	wantSchools, err := analysis.SchoolsWithoutLocalPartner(ctx, ref.store, "Province:CN-AH")
	if err != nil {
		t.Fatal(err)
	}
	wantMuseums, err := analysis.MuseumsWithoutSchoolPartner(ctx, ref.store, "", []string{"STANDARD"})
	if err != nil {
		t.Fatal(err)
	}
	ask := func() {
		t.Helper()
		got, err := a.Coverage(ctx, q)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("Analyzer.Coverage differs from Coverage (error %v)", err)
		}
		s, err := a.SchoolsWithoutLocalPartner(ctx, "Province:CN-AH")
		if err != nil || !reflect.DeepEqual(s, wantSchools) {
			t.Fatalf("Analyzer.SchoolsWithoutLocalPartner differs (error %v)", err)
		}
		m, err := a.MuseumsWithoutSchoolPartner(ctx, "", []string{"STANDARD", "STANDARD"})
		if err != nil || !reflect.DeepEqual(m, wantMuseums) {
			t.Fatalf("Analyzer.MuseumsWithoutSchoolPartner differs (error %v)", err)
		}
	}
	ask()
	first := st.calls.Load()
	if first == 0 {
		t.Fatal("the first ask read nothing from the store")
	}
	q.MuseumKinds = []string{"MOBILE", "STANDARD", "MOBILE"}
	ask()
	if n := st.calls.Load(); n != first {
		t.Fatalf("the second ask at the same version made %d store calls, want 0", n-first)
	}
	st.version.Add(1)
	ask()
	if n := st.calls.Load(); n != 2*first {
		t.Fatalf("after a new version: %d store calls, want %d (computed again)", n-first, first)
	}
}
