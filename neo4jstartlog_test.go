package main

import (
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/internal/neo4jtest"
)

// TestNeo4jStartLog: a start on Neo4j says what it does before each slow
// step, at INFO, before "store open": connecting, then ensuring the
// schema, then the schema ready (newcomer report 2026-12-02, finding 6:
// the first start logged nothing for 51 s). The seeding that follows on an
// empty database logs its progress ("loading reference dataset", every
// tenth; see neo4jSeededMain).
func TestNeo4jStartLog(t *testing.T) {
	if neo4jtest.URI() == "" {
		t.Skip("NEO4J_URI is not set")
	}
	neo4jtest.Fresh(t)
	_, logs := mustRunMain(t, append(neo4jFlags(), "--no-seed")...)
	out := logs.String()
	at := -1
	for _, msg := range []string{`msg="neo4j: connecting"`, `msg="neo4j: ensuring the schema`, `msg="neo4j: schema ready"`, `msg="store open"`} {
		i := strings.Index(out, msg)
		if i < 0 {
			t.Fatalf("the log lacks %s:\n%s", msg, out)
		}
		if i < at {
			t.Errorf("%s comes before the step it follows:\n%s", msg, out)
		}
		at = i
		line := out[strings.LastIndex(out[:i], "\n")+1 : i]
		if !strings.Contains(line, "level=INFO") {
			t.Errorf("%s is not at INFO: %s", msg, line)
		}
	}
}
