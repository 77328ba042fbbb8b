package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// The integrity of the place hierarchy and of locations (kepu/hierarchy.go):
// PART_OF goes strictly upward (so no cycle can form), a place has at most
// one parent and an institution at most one place, whichever way the edge
// is written (CreateEdge, PutEdge, in one write or two, concurrently).

// parentsOf returns the To ends of the node's edges of type rel, sorted.
func parentsOf(t *testing.T, st kepu.Store, id string, rel kepu.RelType) []string {
	t.Helper()
	m, err := st.Neighbors(ctx, []string{id}, kepu.NeighborQuery{Rel: rel, Dir: kepu.Out})
	if err != nil {
		t.Fatalf("Neighbors(%s, %s): %v", id, rel, err)
	}
	var out []string
	for _, it := range m[id].Items {
		out = append(out, it.Node.ID)
	}
	return sortedIDs(out)
}

// locationOf returns the node's Location (the zero one when it has none).
func locationOf(t *testing.T, st kepu.Store, id string) kepu.Location {
	t.Helper()
	m, err := st.Locate(ctx, []string{id})
	if err != nil {
		t.Fatalf("Locate(%s): %v", id, err)
	}
	return m[id]
}

func testHierarchy(t *testing.T, st kepu.Store) {
	loadGraph(t, st)
	const (
		fP1 = "Prefecture:p1"
		fP2 = "Prefecture:p2"
		cX  = "County:x"
		cY  = "County:y"
	)
	mustWrite(t, st, putNodes(
		N(fP1, "gbCode", "990100"), N(fP2, "gbCode", "990200"),
		N(cX, "gbCode", "990101"), N(cY, "gbCode", "990102"),
	)...)

	// Pairs: only strictly upward PART_OF, with both write kinds; so for
	// every pair of place levels at most one direction is allowed, and
	// no chain of allowed edges can come back to its start.
	ofLevel := map[kepu.Label][2]string{kepu.Province: {pAH, pBJ}, kepu.Prefecture: {fP1, fP2}, kepu.County: {cX, cY}}
	for _, from := range kepu.PlaceLabels {
		for _, to := range kepu.PlaceLabels {
			a, b := ofLevel[from][0], ofLevel[to][1]
			up := kepu.PlaceDepth(from) > kepu.PlaceDepth(to)
			for _, kind := range []kepu.ChangeKind{kepu.CreateEdge, kepu.PutEdge} {
				_, err := st.Write(ctx, []kepu.Change{{Kind: kind, Edge: E(kepu.PartOf, a, b)}})
				if up {
					if err != nil {
						t.Fatalf("%s PART_OF %s → %s: %v", kind, from, to, err)
					}
					mustWrite(t, st, kepu.Change{Kind: kepu.DeleteEdge, Edge: kepu.Edge{Type: kepu.PartOf, From: a, To: b}})
					continue
				}
				wantCode(t, err, kepu.BadUserInput)
			}
		}
	}
	for _, id := range []string{fP1, fP2, cX, cY} {
		wantIDs(t, "parents of "+id+" after the pair checks", parentsOf(t, st, id, kepu.PartOf))
	}
	// The cycle of the report: p1 → p2 → p1 cannot start.
	_, err := st.Write(ctx, []kepu.Change{{Kind: kepu.CreateEdge, Edge: E(kepu.PartOf, fP1, fP2)}})
	wantCode(t, err, kepu.BadUserInput)

	// One parent: a second one is a Conflict (create or put, to a
	// prefecture or a province), the first stays, Locate is unchanged.
	mustWrite(t, st, kepu.Change{Kind: kepu.CreateEdge, Edge: E(kepu.PartOf, cX, fP1)})
	for _, c := range []kepu.Change{
		{Kind: kepu.CreateEdge, Edge: E(kepu.PartOf, cX, pAH)},
		{Kind: kepu.CreateEdge, Edge: E(kepu.PartOf, cX, fP2)},
		{Kind: kepu.PutEdge, Edge: E(kepu.PartOf, cX, pBJ)},
		{Kind: kepu.PutEdge, Edge: E(kepu.PartOf, cX, fHefei)},
	} {
		_, err := st.Write(ctx, []kepu.Change{c})
		wantCode(t, err, kepu.Conflict)
	}
	wantIDs(t, "parents of x", parentsOf(t, st, cX, kepu.PartOf), fP1)
	// The same edge again: a put replaces it, a create is the old Conflict.
	mustWrite(t, st, kepu.Change{Kind: kepu.PutEdge, Edge: E(kepu.PartOf, cX, fP1)})
	_, err = st.Write(ctx, []kepu.Change{{Kind: kepu.CreateEdge, Edge: E(kepu.PartOf, cX, fP1)}})
	wantCode(t, err, kepu.Conflict)
	wantIDs(t, "parents of x after the same edge again", parentsOf(t, st, cX, kepu.PartOf), fP1)

	// Two parents in one write: all or nothing.
	_, err = st.Write(ctx, putEdges(E(kepu.PartOf, cY, fP1), E(kepu.PartOf, cY, fP2)))
	wantCode(t, err, kepu.Conflict)
	_, err = st.Write(ctx, []kepu.Change{
		{Kind: kepu.CreateEdge, Edge: E(kepu.PartOf, cY, fP1)},
		{Kind: kepu.CreateEdge, Edge: E(kepu.PartOf, cY, pAH)},
	})
	wantCode(t, err, kepu.Conflict)
	wantIDs(t, "parents of y after refused writes", parentsOf(t, st, cY, kepu.PartOf))

	// A move is an unlink then a link: in two writes, or in one.
	mustWrite(t, st, kepu.Change{Kind: kepu.DeleteEdge, Edge: kepu.Edge{Type: kepu.PartOf, From: cX, To: fP1}})
	mustWrite(t, st, kepu.Change{Kind: kepu.CreateEdge, Edge: E(kepu.PartOf, cX, fP2)})
	wantIDs(t, "parents of x after a move", parentsOf(t, st, cX, kepu.PartOf), fP2)
	mustWrite(t, st,
		kepu.Change{Kind: kepu.DeleteEdge, Edge: kepu.Edge{Type: kepu.PartOf, From: cX, To: fP2}},
		kepu.Change{Kind: kepu.PutEdge, Edge: E(kepu.PartOf, cX, fHefei)},
	)
	wantIDs(t, "parents of x after a move in one write", parentsOf(t, st, cX, kepu.PartOf), fHefei)
	if loc := locationOf(t, st, cX); loc != (kepu.Location{Province: pAH, Prefecture: fHefei, County: cX}) {
		t.Fatalf("Locate(x) after the moves = %+v", loc)
	}
	// Deleting the parent frees the place for another.
	mustWrite(t, st, kepu.Change{Kind: kepu.CreateEdge, Edge: E(kepu.PartOf, cY, fP1)})
	mustWrite(t, st, kepu.Change{Kind: kepu.DeleteNode, ID: fP1})
	mustWrite(t, st, kepu.Change{Kind: kepu.CreateEdge, Edge: E(kepu.PartOf, cY, fP2)})
	wantIDs(t, "parents of y after its parent was deleted", parentsOf(t, st, cY, kepu.PartOf), fP2)

	// One place per institution: the museum of the fixture is in Yaohai.
	for _, c := range []kepu.Change{
		{Kind: kepu.CreateEdge, Edge: E(kepu.LocatedIn, mAH, pBJ)},
		{Kind: kepu.PutEdge, Edge: E(kepu.LocatedIn, mAH, fHefei)},
		{Kind: kepu.CreateEdge, Edge: E(kepu.LocatedIn, mAH, cLuyang)},
	} {
		_, err := st.Write(ctx, []kepu.Change{c})
		wantCode(t, err, kepu.Conflict)
	}
	wantIDs(t, "places of the Anhui museum", parentsOf(t, st, mAH, kepu.LocatedIn), cYaohai)
	if loc := locationOf(t, st, mAH); loc != (kepu.Location{Province: pAH, Prefecture: fHefei, County: cYaohai}) {
		t.Fatalf("Locate(Anhui museum) = %+v", loc)
	}
	// Its province is found by the place filter, as before.
	wantIDs(t, "museums in Anhui", findIDs(t, st, kepu.Museum, kepu.InPlace(pAH)), mAH, mCaravan)
	// The mobile museum has no place: it may get one, then only that one.
	mustWrite(t, st, kepu.Change{Kind: kepu.CreateEdge, Edge: E(kepu.LocatedIn, mMobile, pBJ)})
	_, err = st.Write(ctx, []kepu.Change{{Kind: kepu.CreateEdge, Edge: E(kepu.LocatedIn, mMobile, pAH)}})
	wantCode(t, err, kepu.Conflict)
	wantIDs(t, "places of the mobile museum", parentsOf(t, st, mMobile, kepu.LocatedIn), pBJ)
	// Other relationships keep several targets (COVERS, PARTNERS_WITH).
	mustWrite(t, st, kepu.Change{Kind: kepu.CreateEdge, Edge: E(kepu.Covers, mMobile, pAH)})
}

// testHierarchyConcurrent links one county to a different parent from
// several writers at once (and puts the same): exactly one wins, every
// other write is a Conflict, and the county has exactly one parent.
func testHierarchyConcurrent(t *testing.T, st kepu.Store) {
	const writers = 8
	var nodes []kepu.Node
	for i := range writers {
		nodes = append(nodes, N(fmt.Sprintf("Prefecture:c%d", i), "gbCode", fmt.Sprintf("98%02d00", i)))
	}
	for _, kind := range []kepu.ChangeKind{kepu.CreateEdge, kepu.PutEdge} {
		county := "County:race" + string(kind)
		museum := "Museum:race" + string(kind)
		mustWrite(t, st, putNodes(append(nodes, N(county, "gbCode", "980001"), N(museum, "kind", "STANDARD"))...)...)
		for _, rel := range []kepu.RelType{kepu.PartOf, kepu.LocatedIn} {
			from := county
			if rel == kepu.LocatedIn {
				from = museum
			}
			var wg sync.WaitGroup
			errs := make([]error, writers)
			for i := range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = st.Write(ctx, []kepu.Change{{Kind: kind, Edge: E(rel, from, nodes[i].ID)}})
				}()
			}
			wg.Wait()
			won := 0
			for i, err := range errs {
				switch kepu.ErrorCode(err) {
				case "":
					won++
				case kepu.Conflict:
				default:
					t.Fatalf("%s %s writer %d: %v", kind, rel, i, err)
				}
			}
			if got := parentsOf(t, st, from, rel); won != 1 || len(got) != 1 {
				t.Fatalf("%s %s from %d concurrent writers: %d succeeded, %s has %v", kind, rel, writers, won, from, got)
			}
		}
	}
}
