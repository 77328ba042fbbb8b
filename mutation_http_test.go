package main

import (
	"encoding/json"
	"testing"
)

// TestMutationsShowWhatTheyCommitted: the fields of a mutation run one
// after another; a failing field is null with its error and every field
// that committed shows its result, whichever the order (issue 9: a create,
// a failing update and a create answered data: null, hiding both creates).
func TestMutationsShowWhatTheyCommitted(t *testing.T) {
	m, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed")
	const missing = "U2Nob29sOm5vLXN1Y2gtc2Nob29s" // School:no-such-school
	for _, order := range []struct {
		name  string
		query string
	}{
		{"failure between", `mutation {
			a: createSchool(input: {key: "s1", name: "S1", provenance: REPORTED, source: "t"}) { id name }
			b: updateSchool(id: "` + missing + `", input: {name: "X"}) { id }
			c: createSchool(input: {key: "s2", name: "S2", provenance: REPORTED, source: "t"}) { id name }
		}`},
		{"failure first", `mutation {
			b: updateSchool(id: "` + missing + `", input: {name: "X"}) { id }
			a: createSchool(input: {key: "s3", name: "S3", provenance: REPORTED, source: "t"}) { id name }
			c: createSchool(input: {key: "s4", name: "S4", provenance: REPORTED, source: "t"}) { id name }
		}`},
		{"failure last", `mutation {
			a: createSchool(input: {key: "s5", name: "S5", provenance: REPORTED, source: "t"}) { id name }
			c: createSchool(input: {key: "s6", name: "S6", provenance: REPORTED, source: "t"}) { id name }
			b: deleteSchool(id: "` + missing + `")
		}`},
	} {
		t.Run(order.name, func(t *testing.T) {
			res := post(t, m, order.query, nil)
			var data map[string]json.RawMessage
			if err := json.Unmarshal(res.Data, &data); err != nil || data == nil {
				t.Fatalf("data %s (%v): the committed fields are hidden; errors %+v", res.Data, err, res.Errors)
			}
			for _, k := range []string{"a", "c"} {
				var v struct{ ID, Name string }
				if err := json.Unmarshal(data[k], &v); err != nil || v.ID == "" {
					t.Errorf("%s: %s, want the created school", k, data[k])
				}
			}
			if string(data["b"]) != "null" {
				t.Errorf("b: %s, want null", data["b"])
			}
			if len(res.Errors) != 1 || res.Errors[0].Code() != "NOT_FOUND" || len(res.Errors[0].Path) != 1 || res.Errors[0].Path[0] != "b" {
				t.Errorf("errors %+v, want one NOT_FOUND at b", res.Errors)
			}
		})
	}
	// Every create committed: six schools.
	var n struct{ Schools struct{ TotalCount int } }
	query(t, m, `{ schools { totalCount } }`, nil, &n)
	if n.Schools.TotalCount != 6 {
		t.Errorf("%d schools, want 6", n.Schools.TotalCount)
	}
}
