package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/kepu"
)

// smallBackends runs f on each backend, empty (no reference dataset): the
// embedded store on a new data directory, and Neo4j (wiped, held until the
// test ends) when NEO4J_URI is set.
func smallBackends(t *testing.T, f func(t *testing.T, m *Main)) {
	t.Run("embedded", func(t *testing.T) {
		m, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed")
		f(t, m)
	})
	t.Run("neo4j", func(t *testing.T) {
		if neo4jtest.URI() == "" {
			t.Skip("NEO4J_URI is not set")
		}
		neo4jtest.Fresh(t)
		m, _ := mustRunMain(t, append(neo4jFlags(), "--no-seed", "--timeout", "2m")...)
		f(t, m)
	})
}

// mustPost sends a request that must have no error.
func mustPost(t *testing.T, m *Main, q string) json.RawMessage {
	t.Helper()
	res := post(t, m, q, nil)
	if len(res.Errors) > 0 {
		t.Fatalf("%s: %+v", q, res.Errors)
	}
	return res.Data
}

// TestMissingNodeArgument: every field whose argument names a node answers
// an ID of no node the same way, on both backends: the field is null with
// one NOT_FOUND error whose message names the argument and the ID (a client
// tells "no such node" from "no neighbours" or "no path"). neighborhood
// answered an empty subgraph and shortestPath null without an error
// (newcomer report 2026-12-02, finding 9).
func TestMissingNodeArgument(t *testing.T) {
	smallBackends(t, func(t *testing.T, m *Main) {
		mustPost(t, m, `mutation {
			a: createMuseum(input: {key: "a", name: "A", kind: STANDARD, provenance: REPORTED, source: "t"}) { id }
			b: createMuseum(input: {key: "b", name: "B", kind: STANDARD, provenance: REPORTED, source: "t"}) { id }
		}`)
		a, b := kepu.GlobalID("Museum:a"), kepu.GlobalID("Museum:b")
		missing := kepu.GlobalID("Museum:nope")
		missingPlace, missingSchool := kepu.GlobalID("Province:CN-NO"), kepu.GlobalID("School:nope")
		// The existing answers: an isolated node is its own neighbourhood,
		// and two unconnected nodes have no path (null / empty, no error).
		if d := string(mustPost(t, m, `{ neighborhood(id: "`+a+`") { nodes { id } } }`)); !strings.Contains(d, a) {
			t.Errorf("neighborhood of an isolated node: %s, want the node", d)
		}
		if d := string(mustPost(t, m, `{ p: shortestPath(from: "`+a+`", to: "`+b+`") { length } ps: shortestPaths(from: "`+a+`", to: "`+b+`") { length } }`)); d != `{"p":null,"ps":[]}` {
			t.Errorf("no path between existing nodes: %s, want null and []", d)
		}

		for _, c := range []struct {
			name, query, arg, id string
		}{
			{"node", `{ node(id: "` + missing + `") { id } }`, "", missing},
			{"nodes", `{ nodes(ids: ["` + a + `", "` + missing + `"]) { id } }`, "", missing},
			{"neighborhood", `{ neighborhood(id: "` + missing + `") { nodes { id } truncated } }`, "id", missing},
			{"shortestPath to", `{ shortestPath(from: "` + a + `", to: "` + missing + `") { length } }`, "to", missing},
			{"shortestPath from", `{ shortestPath(from: "` + missing + `", to: "` + a + `") { length } }`, "from", missing},
			{"shortestPaths", `{ shortestPaths(from: "` + a + `", to: "` + missing + `") { length } }`, "to", missing},
			{"subgraph around", `{ subgraph(around: "` + missing + `") { nodes { id } } }`, "around", missing},
			{"subgraph to", `{ subgraph(from: "` + a + `", to: "` + missing + `") { nodes { id } } }`, "to", missing},
			{"coverage within", `{ coverage(level: COUNTY, within: "` + missingPlace + `") { covered { value } } }`, "", missingPlace},
			{"centrality within", `{ centrality(algorithm: DEGREE, within: "` + missingPlace + `") { score } }`, "", missingPlace},
			{"communities within", `{ communities(algorithm: LOUVAIN, within: "` + missingPlace + `") { count } }`, "", missingPlace},
			{"schoolsWithoutLocalPartner", `{ schoolsWithoutLocalPartner(province: "` + missingPlace + `") { totalCount } }`, "", missingPlace},
			{"updateMuseum", `mutation { updateMuseum(id: "` + missing + `", input: {name: "X"}) { id } }`, "id", missing},
			{"unlinkPartnersWith", `mutation { unlinkPartnersWith(from: "` + a + `", to: "` + missingSchool + `") }`, "to", missingSchool},
		} {
			t.Run(c.name, func(t *testing.T) {
				e := mustFail(t, m, c.query, nil, kepu.NotFound)
				if !strings.Contains(e.Message, c.id) || c.arg != "" && !strings.HasPrefix(e.Message, c.arg+":") {
					t.Errorf("message %q: want one naming the argument %q and the ID %s", e.Message, c.arg, c.id)
				}
			})
		}
		// The exports answer 404 NOT_FOUND for the same selections.
		for _, path := range []string{"/export/graphology?around=" + missing, "/export/graphml?from=" + a + "&to=" + missing} {
			resp, body := get(t, m.URL()+path)
			if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, `"NOT_FOUND"`) || !strings.Contains(body, missing) {
				t.Errorf("%s: %d %s, want 404 NOT_FOUND naming the ID", path, resp.StatusCode, body)
			}
		}
	})
}

// TestNeSkipsAbsent: ne, as every comparison but eq: null, leaves out a
// record that lacks the property (SQL's rule), while NOT {eq} keeps it; on
// both backends, and the schema says so (newcomer report 2026-12-02,
// finding 8: "ne" was documented as "Not equal to." only).
func TestNeSkipsAbsent(t *testing.T) {
	smallBackends(t, func(t *testing.T, m *Main) {
		mustPost(t, m, `mutation {
			a: createMuseum(input: {key: "bj", name: "A", kind: STANDARD, city: "Beijing", openedYear: 2009, provenance: REPORTED, source: "t"}) { id }
			b: createMuseum(input: {key: "sh", name: "B", kind: STANDARD, city: "Shanghai", openedYear: 2010, provenance: REPORTED, source: "t"}) { id }
			c: createMuseum(input: {key: "none", name: "C", kind: STANDARD, provenance: REPORTED, source: "t"}) { id }
		}`)
		got := string(mustPost(t, m, `{
			ne: museums(where: {city: {ne: "Beijing"}}) { totalCount }
			notEq: museums(where: {NOT: {city: {eq: "Beijing"}}}) { totalCount }
			absent: museums(where: {city: {eq: null}}) { totalCount }
			present: museums(where: {city: {ne: null}}) { totalCount }
			yearNe: museums(where: {openedYear: {ne: 2009}}) { totalCount }
			yearLt: museums(where: {openedYear: {lt: 2100}}) { totalCount }
			cityIn: museums(where: {city: {in: ["Shanghai", "Beijing"]}}) { totalCount }
		}`))
		want := `{"ne":{"totalCount":1},"notEq":{"totalCount":2},"absent":{"totalCount":1},"present":{"totalCount":2},` +
			`"yearNe":{"totalCount":1},"yearLt":{"totalCount":2},"cityIn":{"totalCount":2}}`
		if got != want {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	})
	m, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed")
	for _, ty := range []string{"StringFilter", "IntFilter", "FloatFilter", "WholeNumberFilter", "BooleanFilter", "MuseumKindFilter"} {
		for _, op := range []string{"ne", "gt", "in", "eq"} {
			d, ok := inputFieldDoc(t, m, ty, op)
			if !ok {
				continue
			}
			if !strings.Contains(d, "without the property") {
				t.Errorf("%s.%s: %q does not say what it does with a record without the property", ty, op, d)
			}
		}
	}
}

// inputFieldDoc returns the description of an input type's field.
func inputFieldDoc(t *testing.T, m *Main, ty, field string) (string, bool) {
	t.Helper()
	var out struct {
		Type struct {
			InputFields []struct{ Name, Description string }
		} `json:"__type"`
	}
	query(t, m, `query($n: String!) { __type(name: $n) { inputFields { name description } } }`, map[string]any{"n": ty}, &out)
	for _, f := range out.Type.InputFields {
		if f.Name == field {
			return f.Description, true
		}
	}
	return "", false
}

// TestNestedArgumentErrorOnce: an argument refused inside a list (a page
// size over the maximum, a bad cursor, under every parent) is one
// BAD_USER_INPUT error, with extensions.repeats saying how many more
// parents it failed under, not one identical error per parent (newcomer
// report 2026-12-02: 50 errors under museums(first: 50)).
func TestNestedArgumentErrorOnce(t *testing.T) {
	m, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed")
	mustPost(t, m, `mutation {
		a: createMuseum(input: {key: "a", name: "A", kind: STANDARD, provenance: REPORTED, source: "t"}) { id }
		b: createMuseum(input: {key: "b", name: "B", kind: STANDARD, provenance: REPORTED, source: "t"}) { id }
		c: createMuseum(input: {key: "c", name: "C", kind: STANDARD, provenance: REPORTED, source: "t"}) { id }
	}`)
	for _, arg := range []string{"first: 101", `after: "bogus"`} {
		res := post(t, m, `{ museums(first: 3) { nodes { name schoolPartners(`+arg+`) { nodes { name } } } } }`, nil)
		if len(res.Errors) != 1 || res.Errors[0].Code() != kepu.BadUserInput {
			t.Errorf("%s: errors %+v, want one BAD_USER_INPUT", arg, res.Errors)
			continue
		}
		if r, _ := res.Errors[0].Extensions["repeats"].(float64); r != 2 {
			t.Errorf("%s: extensions %v, want repeats 2 (three parents)", arg, res.Errors[0].Extensions)
		}
	}
	// Different errors stay apart: one NOT_FOUND per missing ID.
	res := post(t, m, `{ nodes(ids: ["`+kepu.GlobalID("Museum:x")+`", "`+kepu.GlobalID("Museum:y")+`"]) { id } }`, nil)
	if len(res.Errors) != 2 {
		t.Errorf("nodes of two missing IDs: %d errors, want 2", len(res.Errors))
	}
}
