package neo4jstore

import "testing"

// TestSchemaNoOp: runSchema leaves out exactly the statements Neo4j would
// do nothing for: a CREATE … IF NOT EXISTS of a name the database has (of
// the same kind), a DROP … IF EXISTS of a name it has not; everything else
// is sent.
func TestSchemaNoOp(t *testing.T) {
	names := map[string]bool{"CONSTRAINT kg_id": true, "INDEX kg_id": true, "INDEX museum_name_id": true, "INDEX kg_search": true}
	for _, tc := range []struct {
		q    string
		noOp bool
	}{
		{"CREATE CONSTRAINT kg_id IF NOT EXISTS FOR (n:KG) REQUIRE n.id IS UNIQUE", true},
		{"CREATE CONSTRAINT museum_id IF NOT EXISTS FOR (n:Museum) REQUIRE n.id IS UNIQUE", false},
		{"CREATE INDEX museum_name_id IF NOT EXISTS FOR (n:Museum) ON (n.name, n.id)", true},
		{"CREATE INDEX museum_city_id IF NOT EXISTS FOR (n:Museum) ON (n.city, n.id)", false},
		{"CREATE FULLTEXT INDEX kg_search IF NOT EXISTS FOR (n:Museum) ON EACH [n.searchKeys]", true},
		{"CREATE FULLTEXT INDEX kg_other IF NOT EXISTS FOR (n:Museum) ON EACH [n.searchKeys]", false},
		// An index of that name is no constraint of that name.
		{"CREATE CONSTRAINT museum_name_id IF NOT EXISTS FOR (n:Museum) REQUIRE n.id IS UNIQUE", false},
		{"DROP INDEX museum_name IF EXISTS", true},
		{"DROP INDEX kg_names IF EXISTS", true},
		{"DROP INDEX kg_search IF EXISTS", false},
		{"DROP INDEX `kg_search` IF EXISTS", false},
		{"DROP INDEX `kg_names` IF EXISTS", true},
		{"DROP CONSTRAINT kg_id IF EXISTS", false},
		// Not idempotent as written, or not a named schema statement: sent.
		{"CREATE INDEX museum_name_id FOR (n:Museum) ON (n.name, n.id)", false},
		{"DROP INDEX kg_names", false},
		{"CREATE INDEX IF NOT EXISTS FOR (n:Museum) ON (n.name)", false},
		{"CREATE INDEX museum_name_id IF EXISTS FOR (n:Museum) ON (n.name, n.id)", false},
		{"DROP INDEX museum_name IF NOT EXISTS", false},
		{"MATCH (n) RETURN count(n)", false},
	} {
		if got := schemaNoOp(tc.q, names); got != tc.noOp {
			t.Errorf("schemaNoOp(%q) = %v, want %v", tc.q, got, tc.noOp)
		}
	}
	// Every statement of EnsureSchema is one that runSchema can leave out
	// (else a database with the schema in place would be sent it each
	// time): on a database with none of the names, every CREATE is sent
	// and every DROP left out.
	stmts := append(append(KeyConstraintStatements(), ChangeLogSchema()...), SchemaStatements()...)
	for _, q := range append(stmts, SupersededIndexStatements()...) {
		m := schemaStatement.FindStringSubmatch(q)
		if m == nil {
			t.Errorf("not a named idempotent schema statement: %s", q)
			continue
		}
		if schemaNoOp(q, map[string]bool{}) != (m[1] == "DROP") {
			t.Errorf("on an empty schema: %s", q)
		}
	}
}
