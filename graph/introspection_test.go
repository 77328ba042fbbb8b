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

// TestIntrospectionPossibleTypesObjects: __Type.possibleTypes lists object
// types only (§4.2.1, "The __Type Type": "the list of Object types that
// implement this interface"). gqlparser counted the interface Place among
// the possible types of Node, because Place implements Node.
func TestIntrospectionPossibleTypesObjects(t *testing.T) {
	var all struct {
		Schema struct {
			Types []struct {
				Kind, Name    string
				PossibleTypes []struct{ Kind, Name string }
			}
		} `json:"__schema"`
	}
	query(t, ref(t).url, `{ __schema { types { kind name possibleTypes { kind name } } } }`, nil, &all)
	checked := 0
	for _, ty := range all.Schema.Types {
		if ty.Kind != "INTERFACE" && ty.Kind != "UNION" {
			continue
		}
		if len(ty.PossibleTypes) == 0 {
			t.Errorf("%s %s: no possible types", ty.Kind, ty.Name)
		}
		for _, p := range ty.PossibleTypes {
			if p.Kind != "OBJECT" {
				t.Errorf("%s %s: possible type %s is an %s, want object types only", ty.Kind, ty.Name, p.Name, p.Kind)
			}
		}
		checked++
	}
	var node struct {
		T struct{ PossibleTypes []struct{ Name string } } `json:"__type"`
	}
	query(t, ref(t).url, `{ __type(name: "Node") { possibleTypes { name } } }`, nil, &node)
	names := map[string]bool{}
	for _, p := range node.T.PossibleTypes {
		names[p.Name] = true
	}
	if !names["Province"] || !names["Museum"] || names["Place"] {
		t.Errorf("Node's possible types %v: want the object types (Province, Museum, …), not Place", node.T.PossibleTypes)
	}
	if checked < 2 {
		t.Errorf("only %d interfaces and unions checked", checked)
	}
}
