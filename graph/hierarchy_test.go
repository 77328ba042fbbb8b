package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// firstError returns the message of the first error with the code.
func firstError(r response, code string) string {
	for _, e := range r.Errors {
		if e.Extensions.Code == code {
			return e.Message
		}
	}
	return ""
}

// TestHierarchyIntegrity replays the reports of 2026-12-02 through the
// API: a PART_OF cycle between two prefectures, several parents of a
// county, several places of a museum (after which place fields read null).
func TestHierarchyIntegrity(t *testing.T) {
	_, url := fixture(t)
	for _, key := range []string{"p1", "p2"} {
		query(t, url, `mutation($k: String!) { createPrefecture(input: {key: $k, name: $k, gbCode: "990100", provenance: REPORTED, source: "t"}) { id } }`,
			map[string]any{"k": key}, nil)
	}
	link := `mutation($f: ID!, $t: ID!) { linkPartOf(from: $f, to: $t, input: {provenance: REPORTED, source: "t"}) { from { id } } }`
	p1, p2 := gid(kepu.Prefecture, "p1"), gid(kepu.Prefecture, "p2")
	for _, v := range []map[string]any{{"f": p1, "t": p2}, {"f": p2, "t": p1}} {
		r := wantError(t, url, link, v, kepu.BadUserInput)
		if msg := firstError(r, kepu.BadUserInput); !strings.Contains(msg, "PART_OF cannot join Prefecture to Prefecture") {
			t.Errorf("Prefecture → Prefecture: message %q does not name the pair", msg)
		}
	}

	// A second parent: CONFLICT naming the first; the county keeps it.
	c1, f := gid(kepu.County, "C1"), gid(kepu.Prefecture, "F")
	for _, to := range []string{gid(kepu.Province, "P"), p1} {
		r := wantError(t, url, link, map[string]any{"f": c1, "t": to}, kepu.Conflict)
		want := fmt.Sprintf(`%s already has a PART_OF parent (a place has one): %s; to move it, remove that PART_OF relationship first: unlinkPartOf(from: %q, to: %q), then linkPartOf again`, c1, f, c1, f)
		if msg := firstError(r, kepu.Conflict); msg != want {
			t.Errorf("second parent: message %q, want %q (what conflicted, and the move in the API's terms)", msg, want)
		}
	}
	// The same link again is the old conflict (the relationship exists).
	r := wantError(t, url, link, map[string]any{"f": c1, "t": f}, kepu.Conflict)
	if msg := firstError(r, kepu.Conflict); !strings.Contains(msg, "already exists") {
		t.Errorf("the same link again: %q", msg)
	}
	// A second place of a museum: CONFLICT; its place fields stay.
	locate := `mutation($f: ID!, $t: ID!) { linkLocatedIn(from: $f, to: $t, input: {provenance: REPORTED, source: "t"}) { from { id } } }`
	m1 := gid(kepu.Museum, "m1")
	r = wantError(t, url, locate, map[string]any{"f": m1, "t": gid(kepu.Province, "Q")}, kepu.Conflict)
	if msg := firstError(r, kepu.Conflict); !strings.Contains(msg, c1) || !strings.Contains(msg, fmt.Sprintf("unlinkLocatedIn(from: %q, to: %q)", m1, c1)) {
		t.Errorf("second place: message %q does not name the first (%s) and the unlink that moves it", msg, c1)
	}
	var got struct {
		Museum struct {
			Province, Prefecture, County *struct{ ID string }
		}
		County struct{ Province *struct{ ID string } }
	}
	query(t, url, `query($m: ID!, $c: ID!) { museum: node(id: $m) { ... on Museum { province { id } prefecture { id } county { id } } } county: node(id: $c) { ... on County { province { id } } } }`,
		map[string]any{"m": m1, "c": c1}, &got)
	if m := got.Museum; m.Province == nil || m.Province.ID != gid(kepu.Province, "P") || m.Prefecture == nil || m.County == nil || m.County.ID != c1 ||
		got.County.Province == nil || got.County.Province.ID != gid(kepu.Province, "P") {
		t.Errorf("place fields after the refused links: %+v", got)
	}
	// A move: unlink, then link.
	query(t, url, `mutation($f: ID!, $t: ID!) { unlinkPartOf(from: $f, to: $t) }`, map[string]any{"f": c1, "t": f}, nil)
	query(t, url, link, map[string]any{"f": c1, "t": gid(kepu.Province, "Q")}, nil)
	query(t, url, `query($c: ID!) { county: node(id: $c) { ... on County { province { id } } } }`, map[string]any{"c": c1}, &got)
	if got.County.Province == nil || got.County.Province.ID != gid(kepu.Province, "Q") {
		t.Errorf("county after the move: %+v", got.County)
	}
}

// TestEmptyKey: every create mutation refuses an empty key with the key's
// rule, not with a message about the ID's label.
func TestEmptyKey(t *testing.T) {
	_, url := fixture(t)
	for _, q := range []string{
		`mutation { createProvince(input: {key: "", name: "N", code: "CN-XX", provenance: REPORTED, source: "s"}) { id } }`,
		`mutation { createPrefecture(input: {key: "", name: "N", gbCode: "1", provenance: REPORTED, source: "s"}) { id } }`,
		`mutation { createCounty(input: {key: "", name: "N", gbCode: "1", provenance: REPORTED, source: "s"}) { id } }`,
		`mutation { createMuseum(input: {key: "", name: "N", kind: MOBILE, provenance: REPORTED, source: "s"}) { id } }`,
		`mutation { createSchool(input: {key: "", name: "N", provenance: REPORTED, source: "s"}) { id } }`,
		`mutation { createNormalUniversity(input: {key: "", name: "N", provenance: REPORTED, source: "s"}) { id } }`,
		`mutation { createOrganization(input: {key: "", name: "N", provenance: REPORTED, source: "s"}) { id } }`,
		`mutation { createForum(input: {key: "", name: "N", series: "S", provenance: REPORTED, source: "s"}) { id } }`,
		`mutation { createProgram(input: {key: "", name: "N", provenance: REPORTED, source: "s"}) { id } }`,
		`mutation { createPerson(input: {key: "", name: "N", provenance: REPORTED, source: "s"}) { id } }`,
		`mutation { createNationalStatistics(input: {key: "", name: "N", year: 2022, provenance: REPORTED, source: "s"}) { id } }`,
	} {
		r := wantError(t, url, q, nil, kepu.BadUserInput)
		if msg := firstError(r, kepu.BadUserInput); !strings.Contains(msg, "1 to 200") || strings.Contains(msg, "does not start with") {
			t.Errorf("%s: message %q", q, msg)
		}
	}
}
