package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestFloatBeyondRangeOneError: a Float beyond the range of a 64-bit float
// (1e400) is one error, not two, that names the value, where it is (the
// argument and the input field or list index inside it, or the variable)
// and why: a literal or a variable's default is GRAPHQL_VALIDATION_FAILED,
// a variable's value BAD_USER_INPUT, as for an Int beyond 32 bits.
// Before, a variable's default gave its error and then one more for every
// use of the variable ("Float cannot represent non numeric value: $x",
// "Expected value of type "FloatFilter", found {gte:$x}."), and every
// message called 1e400 "non numeric". An Int default beyond 64 bits was
// doubled the same way. Nothing runs.
func TestFloatBeyondRangeOneError(t *testing.T) {
	wrap, calls := countCalls()
	m, _, err := runMainWith(t, func(m *Main) { m.WrapStore = wrap }, "--data-dir", t.TempDir(), "--no-seed")
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	const beyond = "Float cannot represent 1e400: it is beyond the range of a 64-bit float"
	for _, tc := range []coercionCase{
		{"literal in a filter", `{ museums(where: {distanceKm: {gte: 1e400}}) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED",
			`Float cannot represent 1e400 (argument "where", at "where.distanceKm.gte"): it is beyond the range of a 64-bit float`},
		{"negative literal", `{ museums(where: {distanceKm: {lt: -1e400}}) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED",
			`Float cannot represent -1e400 (argument "where", at "where.distanceKm.lt"): it is beyond`},
		{"literal in a list", `{ museums(where: {distanceKm: {in: [1, 1e400]}}) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED",
			`Float cannot represent 1e400 (argument "where", at "where.distanceKm.in[1]"): it is beyond`},
		{"literal in a create input", `mutation { createMuseum(input: {key: "f", name: "F", kind: MOBILE, provenance: REPORTED, source: "t", distanceKm: 1e400}) { id } }`, nil,
			"GRAPHQL_VALIDATION_FAILED", `Float cannot represent 1e400 (argument "input", at "input.distanceKm"): it is beyond`},
		{"variable default", `query($x: Float = 1e400) { museums(where: {distanceKm: {gte: $x}}) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED",
			`Float cannot represent 1e400 (the default of variable "$x"): it is beyond`},
		{"variable default used twice", `query($x: Float = 1e400) { a: museums(where: {distanceKm: {gte: $x}}) { totalCount } b: museums(where: {distanceKm: {lt: $x}}) { totalCount } }`, nil,
			"GRAPHQL_VALIDATION_FAILED", `Float cannot represent 1e400 (the default of variable "$x"): it is beyond`},
		{"list variable default", `query($x: [Float!] = [1, 1e400]) { museums(where: {distanceKm: {in: $x}}) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED",
			`Float cannot represent 1e400 (the default of variable "$x", at "x[1]"): it is beyond`},
		{"input object variable default", `query($w: MuseumWhere = {distanceKm: {gte: 1e400}}) { museums(where: $w) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED",
			`Float cannot represent 1e400 (the default of variable "$w", at "w.distanceKm.gte"): it is beyond`},
		{"variable", `query($x: Float) { museums(where: {distanceKm: {gte: $x}}) { totalCount } }`, map[string]any{"x": json.Number("1e400")}, "BAD_USER_INPUT",
			`Variable "$x" got invalid value 1e400; ` + beyond},
		{"int variable default beyond 64 bits", `query($f: Int = 99999999999999999999) { provinces(first: $f) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED",
			"Int cannot represent non 32-bit signed integer value: 99999999999999999999"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := calls.Load()
			res := post(t, m, tc.query, tc.vars)
			if len(res.Errors) != 1 {
				b, _ := json.Marshal(res.Errors)
				t.Fatalf("%d errors, want one: %s", len(res.Errors), b)
			}
			if e := res.Errors[0]; e.Code() != tc.code || !strings.Contains(e.Message, tc.want) {
				t.Errorf("error %q (%s), want %s containing %q", e.Message, e.Code(), tc.code, tc.want)
			}
			if n := calls.Load() - before; n != 0 {
				t.Errorf("%d store calls: a rejected request must not run", n)
			}
		})
	}
	// A Float within the range still works, at its largest too.
	var ok struct{ Museums struct{ TotalCount int } }
	query(t, m, `query($x: Float = 1.7976931348623157e308) { museums(where: {distanceKm: {lt: $x, gt: -1.7976931348623157e308}}) { totalCount } }`, nil, &ok)
}
