package graph

import (
	"strconv"
	"testing"
)

// TestSmallCache: values are found, replaced and kept across the switch
// from the list to the map.
func TestSmallCache(t *testing.T) {
	var c smallCache[int]
	if _, ok := c.get("a"); ok {
		t.Fatal("empty cache has a value")
	}
	for n := 0; n < 3*smallCacheMax; n++ {
		c.put(strconv.Itoa(n), n)
		c.put(strconv.Itoa(n/2), -n) // replaces an older entry
		for i := 0; i <= n; i++ {
			want := i
			if last := 2*i + 1; last <= n {
				want = -last
			} else if 2*i <= n && 2*i != i {
				want = -2 * i
			}
			if got, ok := c.get(strconv.Itoa(i)); !ok || got != want {
				t.Fatalf("after %d puts: get(%d) = %d, %v; want %d", n, i, got, ok, want)
			}
		}
		if _, ok := c.get(strconv.Itoa(n + 1)); ok {
			t.Fatalf("after %d puts: a value for an ID never put", n)
		}
	}
}
