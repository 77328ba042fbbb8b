package graph

// A fuzz target for filter input as clients send it: a where object (as JSON)
// converted by nodeFilter for any label, and a relationship field's
// {node, edge} input converted by splitMatch and relQuery. Hostile input
// gives a BAD_USER_INPUT error, never a panic. Its seed inputs run with every
// go test; to fuzz:
//
//	go test ./graph -run '^$' -fuzz FuzzWhereInput -fuzztime 3m

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/kepugraph/kepugraph/graph/internal/spec"
	"github.com/kepugraph/kepugraph/kepu"
)

func FuzzWhereInput(f *testing.F) {
	for _, s := range []string{
		`{}`,
		`{"name":{"contains":"科技"}}`,
		`{"AND":[{"kind":{"eq":"STANDARD"}},{"OR":[{"openedYear":{"gte":2000}},{"NOT":{"freeEntry":{"eq":true}}}]}]}`,
		`{"province":{"code":{"in":["CN-AH","CN-YN"]}},"schoolPartners_some":{"node":{"rural":{"eq":true}},"edge":{"since":{"gte":2018}}}}`,
		`{"schoolPartners_none":{}}`,
		`{"id":{"in":["TXVzZXVtOmNzdG0","bad id"]}}`,
		`{"OR":[]}`,
		`{"name":{"eq":null}}`,
		`{"monthlyThemes":{"contains":"Dream Space"}}`,
		`{"node":{"kind":{"eq":"MOBILE"}},"edge":{"tours":{"gt":2}}}`,
		`{"openedYear":{"gt":"x"}}`,
		`{"NOT":{"NOT":{"NOT":{"NOT":{"name":{"startsWith":"'\"` + "`" + `\\"}}}}}}`,
	} {
		f.Add(uint8(3), []byte(s))
	}
	labels := kepu.Labels
	f.Fuzz(func(t *testing.T, pick uint8, b []byte) {
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if dec.Decode(&m) != nil {
			return
		}
		m = gqlValues(m).(map[string]any)
		l := labels[int(pick)%len(labels)]
		if _, err := nodeFilter(l, m); err != nil && kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Fatalf("nodeFilter(%s): code %q (%v), want %s", l, kepu.ErrorCode(err), err, kepu.BadUserInput)
		}
		fields := spec.RelFields(l)
		if len(fields) == 0 {
			return
		}
		rf := fields[int(pick/16)%len(fields)]
		if _, err := relQuery(l, rf, connArgs{Where: m}, 100); err != nil && kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Fatalf("relQuery(%s.%s): code %q (%v), want %s", l, rf.Name, kepu.ErrorCode(err), err, kepu.BadUserInput)
		}
	})
}

// gqlValues turns decoded JSON into the values gqlgen hands to resolvers for
// a map input: int64 for integers, float64 for other numbers.
func gqlValues(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = gqlValues(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = gqlValues(e)
		}
		return x
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		fl, _ := x.Float64()
		return fl
	}
	return v
}
