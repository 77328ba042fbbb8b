package kepu_test

import (
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// TestPartOfStrictlyUpward is the proof that the place hierarchy cannot
// hold a cycle: every pair PART_OF joins (over all labels, as the
// registry's Joins answers) goes from a level to a strictly higher one, so
// PlaceDepth strictly decreases along any chain of PART_OF edges and a
// chain can never return to a node it passed. It also pins the pairs the
// reference dataset needs (a county directly under a province: the
// municipalities' districts, province-administered counties).
func TestPartOfStrictlyUpward(t *testing.T) {
	d := kepu.LookupRel(kepu.PartOf)
	var allowed [][2]kepu.Label
	for _, from := range kepu.Labels {
		for _, to := range kepu.Labels {
			if !d.Joins(from, to) {
				continue
			}
			allowed = append(allowed, [2]kepu.Label{from, to})
			df, dt := kepu.PlaceDepth(from), kepu.PlaceDepth(to)
			if df < 0 || dt < 0 || df <= dt {
				t.Errorf("PART_OF joins %s (depth %d) to %s (depth %d): not strictly upward", from, df, to, dt)
			}
		}
	}
	want := [][2]kepu.Label{{kepu.Prefecture, kepu.Province}, {kepu.County, kepu.Province}, {kepu.County, kepu.Prefecture}}
	if len(allowed) != len(want) {
		t.Fatalf("PART_OF joins %v, want %v", allowed, want)
	}
	for _, p := range want {
		if !d.Joins(p[0], p[1]) {
			t.Errorf("PART_OF does not join %s to %s", p[0], p[1])
		}
	}
	// Every pair a relationship joins is one of its From × To labels.
	for _, rd := range kepu.RelDefs() {
		for _, p := range rd.Pairs {
			if !rd.Ends(p[0], p[1]) {
				t.Errorf("%s pair %v is outside its From and To labels", rd.Type, p)
			}
		}
	}
}

// TestPartOfNoCycleByWalk checks the claim of TestPartOfStrictlyUpward by
// brute force on labels: a walk over the label pairs PART_OF joins, of
// any length, never comes back to its starting label.
func TestPartOfNoCycleByWalk(t *testing.T) {
	d := kepu.LookupRel(kepu.PartOf)
	for _, start := range kepu.Labels {
		frontier := []kepu.Label{start}
		for step := 0; step <= len(kepu.Labels); step++ {
			var next []kepu.Label
			for _, from := range frontier {
				for _, to := range kepu.Labels {
					if d.Joins(from, to) {
						if to == start {
							t.Fatalf("PART_OF can lead from %s back to itself in %d steps", start, step+1)
						}
						next = append(next, to)
					}
				}
			}
			frontier = next
		}
		if len(frontier) != 0 {
			t.Errorf("PART_OF walks from %s last more than %d steps", start, len(kepu.Labels))
		}
	}
}

func TestOneRelationships(t *testing.T) {
	for _, rd := range kepu.RelDefs() {
		want := rd.Type == kepu.PartOf || rd.Type == kepu.LocatedIn
		if rd.One != want {
			t.Errorf("%s One = %v, want %v", rd.Type, rd.One, want)
		}
	}
}

func TestValidateEdgePairs(t *testing.T) {
	e := kepu.Edge{Type: kepu.PartOf, From: "Prefecture:p1", To: "Prefecture:p2", Props: kepu.Props{"provenance": "REPORTED", "source": "t"}}
	err := kepu.ValidateEdge(&e, kepu.Prefecture, kepu.Prefecture)
	if kepu.ErrorCode(err) != kepu.BadUserInput {
		t.Fatalf("PART_OF Prefecture → Prefecture: %v", err)
	}
	if msg := kepu.ErrorMessage(err); !strings.Contains(msg, "Prefecture to Prefecture") || !strings.Contains(msg, "County → Province") {
		t.Errorf("message %q does not name the pair and the allowed pairs", msg)
	}
	e = kepu.Edge{Type: kepu.PartOf, From: "County:c", To: "Province:AH", Props: kepu.Props{"provenance": "REPORTED", "source": "t"}}
	if err := kepu.ValidateEdge(&e, kepu.County, kepu.Province); err != nil {
		t.Errorf("PART_OF County → Province: %v", err)
	}
	for _, from := range []kepu.Label{kepu.Museum, kepu.School, kepu.NormalUniversity, kepu.Organization} {
		for _, to := range kepu.PlaceLabels {
			if !kepu.LookupRel(kepu.LocatedIn).Joins(from, to) {
				t.Errorf("LOCATED_IN does not join %s to %s", from, to)
			}
		}
	}
}

func TestOneIndex(t *testing.T) {
	var x kepu.OneIndex
	edge := func(rel kepu.RelType, from, to string) kepu.Edge { return kepu.Edge{Type: rel, From: from, To: to} }
	for _, e := range []kepu.Edge{
		edge(kepu.PartOf, "County:c", "Prefecture:p1"),
		edge(kepu.PartOf, "County:c", "Prefecture:p1"), // the same edge: not this rule's business
		edge(kepu.PartOf, "County:d", "Prefecture:p1"),
		edge(kepu.LocatedIn, "Museum:m", "County:c"),
		edge(kepu.Covers, "Museum:m", "County:c"),
		edge(kepu.Covers, "Museum:m", "County:d"), // COVERS has many
	} {
		if err := x.Add(e); err != nil {
			t.Fatalf("Add(%v): %v", e, err)
		}
	}
	err := x.Add(edge(kepu.PartOf, "County:c", "Province:AH"))
	if kepu.ErrorCode(err) != kepu.Conflict || !strings.Contains(kepu.ErrorMessage(err), "Prefecture:p1") {
		t.Fatalf("second parent: %v, want a Conflict naming Prefecture:p1", err)
	}
	err = x.Add(edge(kepu.LocatedIn, "Museum:m", "Province:YN"))
	if kepu.ErrorCode(err) != kepu.Conflict || !strings.Contains(kepu.ErrorMessage(err), "County:c") {
		t.Fatalf("second place: %v, want a Conflict naming County:c", err)
	}
}

func TestEmptyKey(t *testing.T) {
	for _, l := range kepu.Labels {
		n := kepu.Node{ID: kepu.MakeID(l, ""), Label: l, Props: kepu.Props{}}
		err := kepu.ValidateNode(&n)
		msg := kepu.ErrorMessage(err)
		if kepu.ErrorCode(err) != kepu.BadUserInput || !strings.Contains(msg, "1 to 200") || strings.Contains(msg, "does not start with") {
			t.Errorf("%s with an empty key: %v", l, err)
		}
	}
	if kepu.MaxKeyLen != 200 {
		t.Errorf("MaxKeyLen = %d: update the messages' documentation", kepu.MaxKeyLen)
	}
}

// TestOneConflictSaysWhatConflicted: the conflict of a second parent or
// place names the node, the relationship and the one it already has, and
// nothing of a caller's terms (the API names its own unlink mutation:
// graph's TestOneParent; before, every caller's message said "the mutation
// unlinkPartOf, or in the same batch of a store write or a dump", and
// earlier "in the same write", which a GraphQL client cannot do).
func TestOneConflictSaysWhatConflicted(t *testing.T) {
	for typ, what := range map[kepu.RelType]string{kepu.PartOf: "parent", kepu.LocatedIn: "place", kepu.Covers: "relationship"} {
		e := kepu.OneConflict(typ, "County:x", "Prefecture:p")
		if e.Code != kepu.Conflict || !strings.HasPrefix(e.Message, "County:x already has a "+string(typ)+" "+what) || !strings.Contains(e.Message, ": Prefecture:p;") {
			t.Errorf("%s: %s %q, want CONFLICT saying County:x already has a %s %s, Prefecture:p", typ, e.Code, e.Message, typ, what)
		}
		for _, jargon := range []string{"mutation", "unlink", "batch", "same write", "dump"} {
			if strings.Contains(e.Message, jargon) {
				t.Errorf("%s: %q speaks of %q, a caller's term", typ, e.Message, jargon)
			}
		}
	}
}
