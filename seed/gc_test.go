package main

import (
	"runtime/debug"
	"testing"
)

// TestLoadGCPercent: a load into Neo4j (or the embedded store) sets the
// collector's target to LoadGCPercent unless GOGC is set; a Neo4j load sets
// no memory limit (its heap is a few batches).
func TestLoadGCPercent(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	for _, tc := range []struct {
		store, gogc string
		want        int
	}{
		{"neo4j", "", LoadGCPercent},
		{"neo4j", "150", 100},
		{"embedded", "", LoadGCPercent},
		{"embedded", "150", 100},
	} {
		debug.SetGCPercent(100)
		limit := debug.SetMemoryLimit(-1)
		setMemoryLimit(Config{Store: tc.store, MemoryLimit: DefaultMemoryLimit}, func(k string) string {
			if k == "GOGC" {
				return tc.gogc
			}
			return ""
		})
		if got := debug.SetGCPercent(100); got != tc.want {
			t.Errorf("%s, GOGC %q: GC percent %d, want %d", tc.store, tc.gogc, got, tc.want)
		}
		gotLimit := debug.SetMemoryLimit(limit)
		if tc.store == "neo4j" && gotLimit != limit {
			t.Errorf("neo4j: memory limit %d set, want none (%d)", gotLimit, limit)
		}
		if tc.store == "embedded" && gotLimit != int64(DefaultMemoryLimit)<<20 {
			t.Errorf("embedded: memory limit %d, want %d", gotLimit, int64(DefaultMemoryLimit)<<20)
		}
	}
}
