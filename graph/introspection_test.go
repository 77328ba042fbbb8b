package graph_test

import (
	"encoding/json"
	"testing"
)

// TestIntrospectionListsNull checks the five list fields of __Type on every
// type of the schema: null where the specification says the field does not
// apply to the type's kind (§4.2.1, "The __Type Type"), a list where it does;
// also through __type, ofType and a fragment spread on Query.
func TestIntrospectionListsNull(t *testing.T) {
	applies := map[string]map[string]bool{
		"fields":        {"OBJECT": true, "INTERFACE": true},
		"interfaces":    {"OBJECT": true, "INTERFACE": true},
		"possibleTypes": {"INTERFACE": true, "UNION": true},
		"enumValues":    {"ENUM": true},
		"inputFields":   {"INPUT_OBJECT": true},
	}
	const lists = `kind name fields(includeDeprecated: true) { name } interfaces { name } possibleTypes { name } enumValues(includeDeprecated: true) { name } inputFields { name }`
	check := func(where string, raw map[string]json.RawMessage) {
		t.Helper()
		var kind, name string
		json.Unmarshal(raw["kind"], &kind)
		json.Unmarshal(raw["name"], &name)
		for field, kinds := range applies {
			v, ok := raw[field]
			if !ok {
				t.Fatalf("%s %s: no %s in the answer", where, name, field)
			}
			isNull := string(v) == "null"
			if isNull == kinds[kind] {
				t.Errorf("%s %s (%s): %s = %s, want null only for kinds without it", where, name, kind, field, v)
			}
		}
	}
	var all struct {
		Schema struct{ Types []map[string]json.RawMessage } `json:"__schema"`
	}
	query(t, ref(t).url, `{ __schema { types { `+lists+` } } }`, nil, &all)
	kinds := map[string]int{}
	for _, ty := range all.Schema.Types {
		check("__schema.types", ty)
		var kind string
		json.Unmarshal(ty["kind"], &kind)
		kinds[kind]++
	}
	for _, k := range []string{"OBJECT", "INTERFACE", "UNION", "ENUM", "INPUT_OBJECT", "SCALAR"} {
		if kinds[k] == 0 {
			t.Errorf("the schema has no %s type: the check does not cover that kind", k)
		}
	}

	var one struct {
		A map[string]json.RawMessage `json:"a"`
		M map[string]json.RawMessage `json:"m"`
		F struct {
			Fields []struct {
				Type struct {
					OfType map[string]json.RawMessage `json:"ofType"`
				} `json:"type"`
			} `json:"fields"`
		} `json:"f"`
	}
	query(t, ref(t).url, `query { ...Q f: __type(name: "Museum") { fields { type { ofType { `+lists+` } } } } }
fragment Q on Query { a: __type(name: "AdminLevel") { `+lists+` } m: __type(name: "Museum") { `+lists+` } }`, nil, &one)
	check("__type", one.A)
	check("__type", one.M)
	for _, f := range one.F.Fields {
		if f.Type.OfType != nil {
			check("ofType", f.Type.OfType)
		}
	}
	if string(one.A["fields"]) != "null" || string(one.M["enumValues"]) != "null" {
		t.Errorf(`AdminLevel's fields %s and Museum's enumValues %s: want null`, one.A["fields"], one.M["enumValues"])
	}
}
