package graph_test

import (
	"strings"
	"testing"
)

// TestEmptyMuseumKinds: a museumKinds list given empty is BAD_USER_INPUT
// naming the argument, as a literal and as a variable; left out, it means
// every kind. Before, an empty list answered as if it had been left out.
func TestEmptyMuseumKinds(t *testing.T) {
	url := ref(t).url
	for _, q := range []string{
		`{ coverage(level: PROVINCE, museumKinds: []) { covered { value } } }`,
		`query($k: [MuseumKind!]) { coverage(level: PROVINCE, museumKinds: $k) { covered { value } } }`,
		`{ museumsWithoutSchoolPartner(museumKinds: []) { totalCount } }`,
		`query($k: [MuseumKind!]) { museumsWithoutSchoolPartner(museumKinds: $k) { totalCount } }`,
	} {
		r := wantError(t, url, q, map[string]any{"k": []string{}}, "BAD_USER_INPUT")
		if msg := r.Errors[0].Message; !strings.Contains(msg, "museumKinds") {
			t.Errorf("%s: message %q does not name museumKinds", q, msg)
		}
	}
	var all, standard struct{ MuseumsWithoutSchoolPartner struct{ TotalCount int } }
	query(t, url, `{ museumsWithoutSchoolPartner { totalCount } }`, nil, &all)
	query(t, url, `{ museumsWithoutSchoolPartner(museumKinds: [STANDARD]) { totalCount } }`, nil, &standard)
	if n, s := all.MuseumsWithoutSchoolPartner.TotalCount, standard.MuseumsWithoutSchoolPartner.TotalCount; n <= s {
		t.Errorf("every kind %d, STANDARD %d: want more of every kind than of one", n, s)
	}
}
