package neo4jtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/kepugraph/kepugraph/neo4jstore"
)

// Dump is a canonical dump of the graph in the configured database: every
// node (labels and properties) and every relationship (type, ends and
// properties), one line each, sorted, with counts. Two graphs are the same
// exactly when their dumps are equal.
type Dump struct {
	Nodes, Edges int
	Lines        []string
}

// Sum is a SHA-256 of the lines, for messages.
func (d Dump) Sum() string {
	h := sha256.New()
	for _, l := range d.Lines {
		h.Write([]byte(l))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Diff names the first lines that differ between two dumps (at most n).
func (d Dump) Diff(o Dump, n int) string {
	a, b := map[string]bool{}, map[string]bool{}
	for _, l := range d.Lines {
		a[l] = true
	}
	for _, l := range o.Lines {
		b[l] = true
	}
	var out []string
	for _, l := range d.Lines {
		if !b[l] && len(out) < n {
			out = append(out, "- "+l)
		}
	}
	for _, l := range o.Lines {
		if !a[l] && len(out) < 2*n {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}

// ReadDump reads the dump of the database of cfg with its own driver (the
// store under test is not involved).
func ReadDump(ctx context.Context, cfg neo4jstore.Config) (Dump, error) {
	if cfg.Database == "" {
		cfg.Database = "neo4j"
	}
	drv, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""))
	if err != nil {
		return Dump{}, err
	}
	defer drv.Close(ctx)
	var d Dump
	line := func(parts ...any) (string, error) {
		b, err := json.Marshal(parts)
		return string(b), err
	}
	nodes, err := neo4j.ExecuteQuery(ctx, drv,
		"MATCH (n:KG) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props",
		nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database))
	if err != nil {
		return Dump{}, fmt.Errorf("dump nodes: %w", err)
	}
	for _, r := range nodes.Records {
		labels := r.Values[1].([]any)
		ls := make([]string, len(labels))
		for i, l := range labels {
			ls[i] = l.(string)
		}
		slices.Sort(ls)
		l, err := line("node", r.Values[0], ls, r.Values[2])
		if err != nil {
			return Dump{}, err
		}
		d.Lines = append(d.Lines, l)
	}
	d.Nodes = len(nodes.Records)
	edges, err := neo4j.ExecuteQuery(ctx, drv,
		"MATCH (a)-[r]->(b) RETURN a.id AS from, type(r) AS type, b.id AS to, properties(r) AS props",
		nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database))
	if err != nil {
		return Dump{}, fmt.Errorf("dump edges: %w", err)
	}
	for _, r := range edges.Records {
		l, err := line("edge", r.Values[0], r.Values[1], r.Values[2], r.Values[3])
		if err != nil {
			return Dump{}, err
		}
		d.Lines = append(d.Lines, l)
	}
	d.Edges = len(edges.Records)
	slices.Sort(d.Lines)
	return d, nil
}

// CountNodes counts every node of the database of cfg with its own driver.
func CountNodes(ctx context.Context, cfg neo4jstore.Config) (int, error) {
	if cfg.Database == "" {
		cfg.Database = "neo4j"
	}
	drv, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""))
	if err != nil {
		return 0, err
	}
	defer drv.Close(ctx)
	res, err := neo4j.ExecuteQuery(ctx, drv, "MATCH (n) RETURN count(n) AS c", nil,
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database))
	if err != nil {
		return 0, err
	}
	c, _ := res.Records[0].Values[0].(int64)
	return int(c), nil
}
