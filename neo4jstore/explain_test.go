package neo4jstore_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/notifications"

	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
)

// TestCypherExplain sends every statement of the lint corpus (every
// statement the store can send) to the real server with EXPLAIN, which plans
// it without running it: no statement may fail, and none may raise a
// deprecation notification. The lookup by ID must seek the uniqueness
// constraint's index, never scan a label: those statements and the puts
// of a load, whose plans are checked, are sent with PROFILE instead of
// EXPLAIN (in a transaction rolled back). The schema statements, which
// cannot be explained, are run for real and checked the same way. It runs
// when NEO4J_URI names a server (the lint itself runs everywhere).
func TestCypherExplain(t *testing.T) {
	if neo4jtest.URI() == "" {
		t.Skip("NEO4J_URI is not set: no Neo4j server to EXPLAIN the corpus on (TestCypherLint checks it without one)")
	}
	st := neo4jtest.Fresh(t) // schema in place, so the plans use its indexes
	_ = st
	ctx := context.Background()
	drv, cfg := neo4jtest.Driver(t)
	sess := drv.NewSession(ctx, neo4j.SessionConfig{DatabaseName: cfg.Database})
	defer sess.Close(ctx)

	// check fails the test on a deprecation or warning notification of
	// the statement's summary.
	check := func(name, cypher string, sum neo4j.ResultSummary) {
		t.Helper()
		for _, n := range sum.Notifications() {
			line := fmt.Sprintf("%s: %s %s: %s\n    %s", name, n.SeverityLevel(), n.Code(), n.Description(), cypher)
			if strings.Contains(n.Code(), "Deprecat") || n.SeverityLevel() == notifications.Warning {
				t.Error(line)
			} else if !strings.HasSuffix(n.Code(), "IndexOrConstraintAlreadyExists") {
				t.Log(line)
			}
		}
	}
	run := func(name, cypher string, params map[string]any) {
		t.Helper()
		res, err := sess.Run(ctx, cypher, params)
		if err != nil {
			t.Errorf("%s: %v\n    %s", name, err, cypher)
			return
		}
		sum, err := res.Consume(ctx)
		if err != nil {
			t.Errorf("%s: %v\n    %s", name, err, cypher)
			return
		}
		check(name, cypher, sum)
	}

	// A database knows a relationship type or property key once something
	// had it, and warns about the others. Every name of the registry (and
	// the version node's) is made known first, so the test does not depend
	// on what other tests wrote: a warning left is a name the registry
	// lacks, a typo.
	var tok strings.Builder
	tok.WriteString("CREATE (a:ExplainTokens) SET a.`" + neo4jstore.VersionProp + "` = 0, a.changes = 0, a.`" + neo4jstore.MetaValueProp + "` = 0")
	for _, l := range kepu.Labels {
		for _, pd := range kepu.LookupLabel(l).Props {
			tok.WriteString(", a.`" + pd.Name + "` = 0")
		}
	}
	for _, d := range kepu.RelDefs() {
		tok.WriteString(" CREATE (a)-[:`" + string(d.Type) + "` {")
		for i, pd := range d.Props {
			if i > 0 {
				tok.WriteString(", ")
			}
			tok.WriteString("`" + pd.Name + "`: 0")
		}
		tok.WriteString("}]->(a)")
	}
	tok.WriteString(" WITH a DETACH DELETE a")
	if _, err := neo4j.ExecuteQuery(ctx, drv, tok.String(), nil, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(cfg.Database)); err != nil {
		t.Fatalf("making the registry's names known: %v", err)
	}

	stmts := neo4jstore.Corpus(t)
	explained, profiled, schema, byIDPlans := 0, 0, 0, 0
	seen := map[string]bool{}
	for _, s := range stmts {
		if seen[s.Cypher] {
			continue // the same text plans the same (3 of 644)
		}
		seen[s.Cypher] = true
		if strings.HasPrefix(s.Name, "schema") {
			run(s.Name, s.Cypher, s.Params)
			schema++
			continue
		}
		if !byID.MatchString(s.Cypher) && !isPut(s.Name) {
			run(s.Name, "EXPLAIN "+s.Cypher, s.Params)
			explained++
			continue
		}
		// A statement that names a node by ID starts from that node. The
		// plan is read from PROFILE (in a transaction rolled back: nothing is
		// written), because the driver's Plan.Children of EXPLAIN returns
		// the last child for every child (neo4j-go-driver v5.28.4 takes the
		// address of its range variable); ProfiledPlan.Children is right.
		// Its summary has the notifications of the plan as EXPLAIN's has
		// (a statement planned once, not twice).
		sum := profile(ctx, t, sess, s.Cypher, s.Params)
		check(s.Name, "PROFILE "+s.Cypher, sum)
		profiled++
		ops := operators(sum.Profile())
		// The puts of a load write each row as it comes: an Eager operator
		// would hold every row of the batch first (docs/neo4j.md, "Loading
		// data").
		if isPut(s.Name) && slices.Contains(strings.Split(ops, " < "), "Eager") {
			t.Errorf("%s: planned as %s, want no Eager\n    %s", s.Name, ops, s.Cypher)
		}
		if !byID.MatchString(s.Cypher) {
			continue
		}
		if !strings.Contains(ops, "IndexSeek") || strings.Contains(ops, "LabelScan") || strings.Contains(ops, "AllNodesScan") {
			t.Errorf("%s: planned as %s, want the constraint's index seek and no scan\n    %s", s.Name, ops, s.Cypher)
		}
		if s.Name == "nodes" {
			t.Logf("lookup by ID: %s", ops)
		}
		byIDPlans++
	}
	if byIDPlans < 20 {
		t.Errorf("only %d statements look nodes up by ID", byIDPlans)
	}
	t.Logf("%d statements explained, %d profiled (%d name a node by ID), %d schema statements run, on %s", explained, profiled, byIDPlans, schema, serverAgent(ctx, t, drv))
}

// isPut says whether a corpus statement is a batched put of a load.
func isPut(name string) bool {
	for _, p := range []string{"putNodes/", "bulkNodes/", "putEdges/", "bulkEdges/"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// byID matches a pattern that names a node by its ID.
var byID = regexp.MustCompile(`\{id: (\$\w+|\w+(\.\w+)?)\}`)

// profile runs a statement with PROFILE in a transaction that is rolled
// back and returns its summary (the plan, the notifications).
func profile(ctx context.Context, t *testing.T, sess neo4j.SessionWithContext, cypher string, params map[string]any) neo4j.ResultSummary {
	t.Helper()
	tx, err := sess.BeginTransaction(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	res, err := tx.Run(ctx, "PROFILE "+cypher, params)
	if err != nil {
		t.Fatalf("PROFILE: %v\n    %s", err, cypher)
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		t.Fatalf("PROFILE: %v\n    %s", err, cypher)
	}
	return sum
}

// operators lists the operators of a plan, root first.
func operators(p neo4j.ProfiledPlan) string {
	if p == nil {
		return ""
	}
	out := []string{strings.TrimSuffix(p.Operator(), "@neo4j")}
	for _, c := range p.Children() {
		out = append(out, operators(c))
	}
	return strings.Join(out, " < ")
}

func serverAgent(ctx context.Context, t *testing.T, drv neo4j.DriverWithContext) string {
	info, err := drv.GetServerInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return info.Agent()
}
