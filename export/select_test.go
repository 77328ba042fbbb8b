package export

import (
	"net/url"
	"reflect"
	"testing"
)

// TestParseQueryEmptyLists: in a URL an empty labels= or relationships= is
// the parameter left out (every label or type), as the README says; the
// other parameters given empty are refused (TestBadRequests).
func TestParseQueryEmptyLists(t *testing.T) {
	none, err := ParseQuery(url.Values{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []url.Values{{"labels": {""}}, {"relationships": {""}}, {"labels": {""}, "relationships": {""}}} {
		sel, err := ParseQuery(q, nil)
		if err != nil {
			t.Fatalf("%v: %v", q, err)
		}
		if !reflect.DeepEqual(sel, none) {
			t.Errorf("%v: %+v; want the selection of no parameter, %+v", q, sel, none)
		}
	}
}
