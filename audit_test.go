package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/internal/testenv"
)

// auditDir holds the graphql-http server audit (npm package graphql-http).
const auditDir = "tools/graphql-http-audit"

// TestGraphQLHTTPAudit runs the graphql-http server audit (GraphQL over
// HTTP conformance) against the real server with its default
// configuration. Any error-level result fails; warnings are logged and
// explained in docs/hardening.md. Without Node.js or the npm package it
// skips, unless CI is set (see internal/testenv).
func TestGraphQLHTTPAudit(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the audit needs Node.js")
	}
	node := testenv.Node(t)
	testenv.NPMPackage(t, auditDir, "graphql-http")
	// The audit sends about 60 requests at once: the default rate limit
	// (on here, as in production) must let them through.
	m, _, err := runMainWith(t, nil, "--data-dir", t.TempDir(), "--no-seed", "--rate-limit", "50")
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, node, filepath.Join(auditDir, "audit.mjs"), m.URL()+"/query").CombinedOutput()
	t.Logf("graphql-http audit:\n%s", regexp.MustCompile(`(?m)^ok .*\n`).ReplaceAll(out, nil))
	if err != nil {
		t.Fatalf("the audit found errors (or failed to run): %v", err)
	}
	if !regexp.MustCompile(`\d+ audits: \d+ ok, \d+ warnings, 0 errors`).Match(out) {
		t.Fatal("the audit did not print its summary")
	}
}
