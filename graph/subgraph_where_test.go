package graph_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestSubgraphWhereBadInput: a subgraph's where that is not a JSON object,
// or holds a number beyond int64/float64, is refused before execution
// (GRAPHQL_VALIDATION_FAILED as a literal, BAD_USER_INPUT as a variable);
// one whose values its label's where input type would refuse is
// BAD_USER_INPUT naming what is wrong. They were INTERNAL_SERVER_ERROR, and
// a number beyond float64 a recovered panic.
func TestSubgraphWhereBadInput(t *testing.T) {
	url := ref(t).url
	const invalid, bad = "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"
	for _, c := range []struct{ where, code, want string }{
		{`"x"`, invalid, "object"},
		{`5`, invalid, "object"},
		{`true`, invalid, "object"},
		{`[1, 2]`, invalid, "object"},
		{`MUSEUM`, invalid, "object"},
		{`{openedYear: {eq: 1e400}}`, invalid, "1e400"},
		{`{openedYear: {eq: 99999999999999999999999}}`, invalid, "99999999999999999999999"},
		{`{openedYear: {in: [1, 1e999]}}`, invalid, "1e999"},
		{`{openedYear: {eq: 2147483648}}`, bad, "Int"},
		{`{openedYear: {eq: "1990"}}`, bad, "Int"},
		{`{openedYear: {eq: 1.5}}`, bad, "Int"},
		{`{kind: {eq: "NOT_A_KIND"}}`, bad, "MuseumKind"},
		{`{nope: {eq: 1}}`, bad, "nope"},
		{`{name: {eq: 1}}`, bad, "String"},
	} {
		r := wantError(t, url, `{ subgraph(labels: ["Museum"], where: `+c.where+`) { nodes { id } } }`, nil, c.code)
		if !strings.Contains(r.Errors[0].Message, c.want) {
			t.Errorf("where: %s: message %q does not name %q", c.where, r.Errors[0].Message, c.want)
		}
	}
	for _, v := range []any{"x", 5, true, []any{1, 2}, map[string]any{"openedYear": map[string]any{"eq": 2147483648}}, map[string]any{"openedYear": map[string]any{"eq": json.Number("1e400")}}} {
		r := wantError(t, url, `query($w: JSON) { subgraph(labels: ["Museum"], where: $w) { nodes { id } } }`, map[string]any{"w": v}, "BAD_USER_INPUT")
		if len(r.Errors) != 1 {
			t.Errorf("where %v: %+v", v, r.Errors)
		}
	}
}
