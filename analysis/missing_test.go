package analysis_test

import (
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/analysis"
	"github.com/kepugraph/kepugraph/kepu"
)

// TestMissingPlaces: every measure restricted to a place (or to programs)
// answers NOT_FOUND when the ID names no node, instead of the empty answer
// of an empty place (0 of 0 places covered, no community, no school),
// and BAD_USER_INPUT when it names a node of the wrong label.
func TestMissingPlaces(t *testing.T) {
	a := &analysis.Analyzer{Store: ref.store}
	const missing = "Province:CN-XX" // a well-formed province ID no node has
	if got, _ := ref.store.Nodes(ctx, []string{missing, "Province:CN-AH"}); len(got) != 1 {
		t.Fatalf("the fixture expects %s missing and Province:CN-AH (Anhui) present, got %d nodes", missing, len(got))
	}
	calls := map[string]func(id string) error{
		"centrality within": func(id string) error {
			_, err := a.Centrality(ctx, analysis.NetSpec{Within: id}, analysis.Degree)
			return err
		},
		"centrality projection, within": func(id string) error {
			_, err := a.Centrality(ctx, analysis.NetSpec{Projection: analysis.MuseumMuseum, Within: id}, analysis.PageRank)
			return err
		},
		"communities within": func(id string) error {
			_, err := a.Communities(ctx, analysis.NetSpec{Within: id}, analysis.Louvain)
			return err
		},
		"coverage within": func(id string) error {
			_, err := analysis.Coverage(ctx, ref.store, analysis.CoverageQuery{Level: kepu.County, Within: id})
			return err
		},
		"schoolsWithoutLocalPartner province": func(id string) error {
			_, err := analysis.SchoolsWithoutLocalPartner(ctx, ref.store, id)
			return err
		},
		"museumsWithoutSchoolPartner province": func(id string) error {
			_, err := analysis.MuseumsWithoutSchoolPartner(ctx, ref.store, id, nil)
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			if err := call("Province:CN-AH"); err != nil {
				t.Fatalf("an existing province: %v", err)
			}
			if err := call(missing); kepu.ErrorCode(err) != kepu.NotFound {
				t.Fatalf("a missing province: %v, want %s", err, kepu.NotFound)
			}
			err := call("Museum:none")
			if kepu.ErrorCode(err) != kepu.BadUserInput {
				t.Fatalf("a museum's ID: %v, want %s", err, kepu.BadUserInput)
			}
			checkWrongLabelMessage(t, err, strings.Fields(name)[len(strings.Fields(name))-1], "Museum:none")
		})
	}
	t.Run("coverage programs", func(t *testing.T) {
		_, err := analysis.Coverage(ctx, ref.store, analysis.CoverageQuery{Level: kepu.County, Programs: []string{"Program:none"}})
		if kepu.ErrorCode(err) != kepu.NotFound {
			t.Fatalf("a missing program: %v, want %s", err, kepu.NotFound)
		}
		_, err = analysis.Coverage(ctx, ref.store, analysis.CoverageQuery{Level: kepu.County, Programs: []string{"Museum:none"}})
		if kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Fatalf("a museum's ID: %v, want %s", err, kepu.BadUserInput)
		}
		checkWrongLabelMessage(t, err, "programs", "Museum:none")
	})
}

// checkWrongLabelMessage checks the message of an ID of the wrong label:
// it names the argument and the ID as the client sent it (the global ID,
// as the NOT_FOUND messages do), never the store's "Label:key" form,
// which a client never sees elsewhere.
func checkWrongLabelMessage(t *testing.T, err error, arg, id string) {
	t.Helper()
	msg := kepu.ErrorMessage(err)
	if !strings.HasPrefix(msg, arg+": ") || !strings.Contains(msg, kepu.GlobalID(id)) || strings.Contains(msg, id) {
		t.Errorf("message %q: want it to start with %q and name the ID as %q, not as %q", msg, arg+": ", kepu.GlobalID(id), id)
	}
}
