// Command schema measures how the schema of a loaded graph is best
// created (docs/neo4j.md, "Load at 1M (2026-12-02)"). On the Neo4j at
// NEO4J_URI (user neo4j, NEO4J_PASSWORD or kepugraph-test), holding a
// graph loaded by the seed command (bench/neo4j-scale/load.py --keep), it
// drops every index and constraint but the version node's and the edge
// log's, creates those of neo4jstore.SchemaStatements again in the way
// MODE names, waits until they are online (db.awaitIndexes) and prints the
// wall time and the Neo4j process's CPU (from /proc/PID/stat):
//
//	go run ./bench/neo4j-scale/schema PID MODE
//
// MODE: seq (one auto-commit transaction per statement, as EnsureSchema),
// onetx-idx (the constraints one by one, then the indexes in one
// transaction), onetx-all (everything in one transaction, as BulkSchema),
// only-ft, only-range, only-cons (one kind of index only), or scan (no
// schema change: the CPU of EnsureSchema's query for nodes without search
// keys, one page of 5,000).
//
// It changes the server's schema: never point it at a server in use.
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

func cpu(pid string) float64 {
	b, _ := os.ReadFile("/proc/" + pid + "/stat")
	s := string(b)
	f := strings.Fields(s[strings.LastIndex(s, ")")+2:])
	u, _ := strconv.Atoi(f[11])
	k, _ := strconv.Atoi(f[12])
	return float64(u+k) / 100
}

func run(ctx context.Context, d neo4j.DriverWithContext, q string) {
	s := d.NewSession(ctx, neo4j.SessionConfig{})
	defer s.Close(ctx)
	r, err := s.Run(ctx, q, nil)
	if err == nil {
		_, err = r.Consume(ctx)
	}
	if err != nil {
		fmt.Println("ERR", q, err)
	}
}

func main() {
	ctx := context.Background()
	d, err := neo4j.NewDriverWithContext(os.Getenv("NEO4J_URI"), neo4j.BasicAuth("neo4j", password(), ""))
	if err != nil || len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: schema PID MODE (NEO4J_URI set)", err)
		os.Exit(2)
	}
	pid := os.Args[1]
	mode := os.Args[2]
	if mode == "scan" {
		c0, t0 := cpu(pid), time.Now()
		run(ctx, d, "MATCH (n:KG) WHERE n.id > '' AND ((n.nameZh IS NOT NULL AND n.searchPinyinStarts IS NULL) OR any(k IN ['searchPinyin','searchInitials'] WHERE n[k] IS NOT NULL)) RETURN n.id AS id, n.nameZh AS nameZh ORDER BY n.id LIMIT 5000")
		fmt.Printf("scan %.1fs cpu %.1f\n", time.Since(t0).Seconds(), cpu(pid)-c0)
		return
	}
	// drop everything but the version/changelog constraints
	s := d.NewSession(ctx, neo4j.SessionConfig{})
	res, _ := s.Run(ctx, "SHOW INDEXES YIELD name, owningConstraint, type WHERE type <> 'LOOKUP' RETURN name, owningConstraint", nil)
	var drops []string
	for res.Next(ctx) {
		n := res.Record().Values[0].(string)
		oc := res.Record().Values[1]
		if n == "kg_version_id" || n == "kg_change_version" {
			continue
		}
		if oc != nil {
			drops = append(drops, "DROP CONSTRAINT "+oc.(string))
		} else {
			drops = append(drops, "DROP INDEX "+n)
		}
	}
	s.Close(ctx)
	for _, q := range drops {
		run(ctx, d, q)
	}
	fmt.Println("dropped", len(drops))
	time.Sleep(2 * time.Second)
	stmts := neo4jstore.SchemaStatements()
	var cons, idx []string
	for _, q := range stmts {
		if strings.HasPrefix(q, "CREATE CONSTRAINT") {
			cons = append(cons, q)
		} else {
			idx = append(idx, q)
		}
	}
	c0, t0 := cpu(pid), time.Now()
	switch mode {
	case "seq":
		for _, q := range stmts {
			run(ctx, d, q)
		}
	case "onetx-idx": // constraints sequential, then indexes in one tx
		for _, q := range cons {
			run(ctx, d, q)
		}
		runOneTx(ctx, d, idx)
	case "onetx-all":
		runOneTx(ctx, d, append(idx, cons...))
	case "only-ft", "only-range", "only-cons":
		for _, q := range stmts {
			ft := strings.Contains(q, "FULLTEXT")
			c := strings.HasPrefix(q, "CREATE CONSTRAINT")
			if (mode == "only-ft" && ft) || (mode == "only-cons" && c) || (mode == "only-range" && !ft && !c) {
				run(ctx, d, q)
			}
		}
	case "par-cons": // indexes first (async), constraints concurrently 2 at a time
		for _, q := range idx {
			run(ctx, d, q)
		}
		var wg sync.WaitGroup
		ch := make(chan string)
		for w := 0; w < 2; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for q := range ch {
					run(ctx, d, q)
				}
			}()
		}
		for _, q := range cons {
			ch <- q
		}
		close(ch)
		wg.Wait()
	}
	t1 := time.Now()
	c1 := cpu(pid)
	run(ctx, d, "CALL db.awaitIndexes(3600)")
	fmt.Printf("%s: statements %.1fs (cpu %.1f), online after %.1fs, Neo4j CPU %.1f\n", mode, t1.Sub(t0).Seconds(), c1-c0, time.Since(t0).Seconds(), cpu(pid)-c0)
}

func password() string {
	if p := os.Getenv("NEO4J_PASSWORD"); p != "" {
		return p
	}
	return "kepugraph-test"
}

// runOneTx runs the statements in one transaction, printing their errors.
func runOneTx(ctx context.Context, d neo4j.DriverWithContext, stmts []string) {
	s := d.NewSession(ctx, neo4j.SessionConfig{})
	defer s.Close(ctx)
	tx, err := s.BeginTransaction(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, q := range stmts {
		r, err := tx.Run(ctx, q, nil)
		if err == nil {
			_, err = r.Consume(ctx)
		}
		if err != nil {
			fmt.Println("ERR", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		fmt.Println("commit", err)
	}
}
