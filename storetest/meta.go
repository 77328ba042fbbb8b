package storetest

// Conformance tests of the store's metadata entries (kepu.Store.Meta and
// SetMeta): set, replaced, removed, apart from the graph.

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

func testMeta(t *testing.T, st kepu.Store) {
	// An empty store first: an entry must not make it hold anything.
	counts := func() map[kepu.Label]int {
		t.Helper()
		out := map[kepu.Label]int{}
		for _, l := range kepu.Labels {
			n, err := st.CountNodes(ctx, l, nil)
			if err != nil {
				t.Fatal(err)
			}
			walked := 0
			if err := st.WalkNodes(ctx, l, nil, func(*kepu.Node, kepu.Location) error { walked++; return nil }); err != nil {
				t.Fatal(err)
			}
			if walked != n {
				t.Fatalf("%s: CountNodes %d, WalkNodes %d", l, n, walked)
			}
			out[l] = n
		}
		return out
	}
	get := func(key string) string {
		t.Helper()
		v, err := st.Meta(ctx, key)
		if err != nil {
			t.Fatalf("Meta(%q): %v", key, err)
		}
		return v
	}
	set := func(key, value string) {
		t.Helper()
		if err := st.SetMeta(ctx, key, value); err != nil {
			t.Fatalf("SetMeta(%q, %q): %v", key, value, err)
		}
	}
	const key = kepu.MetaReferenceLoad
	if v := get(key); v != "" {
		t.Fatalf("Meta of a new store = %q, want \"\"", v)
	}
	v0, err := st.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	set(key, "incomplete")
	if v := get(key); v != "incomplete" {
		t.Fatalf("Meta after SetMeta = %q, want incomplete", v)
	}
	if c := counts(); anyNonZero(c) {
		t.Fatalf("an empty store with a metadata entry counts nodes: %v", c)
	}
	if v, err := st.Version(ctx); err != nil || v != v0 {
		t.Fatalf("Version after SetMeta = %d, %v; want %d (metadata are not the graph)", v, err, v0)
	}

	// On a graph: entries leave every read of it as it was.
	loadGraph(t, st)
	before, beforeCounts := takeGraph(t, st), counts()
	v1, err := st.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	other := "storetest.other_entry-2"
	set(other, "科普 🚀 'quoted' \"and\" \\ back")
	set(key, "qzxvwmeta words")
	long := strings.Repeat("é", kepu.MaxMetaValueBytes/2) // exactly the maximum
	set("long", long)
	if v := get(key); v != "qzxvwmeta words" {
		t.Fatalf("Meta after a second SetMeta = %q, want the new value", v)
	}
	if v := get(other); v != "科普 🚀 'quoted' \"and\" \\ back" {
		t.Fatalf("Meta(%q) = %q", other, v)
	}
	if v := get("long"); v != long {
		t.Fatalf("Meta of a value of %d bytes came back with %d", len(long), len(v))
	}
	if v := get("storetest.never-set"); v != "" {
		t.Fatalf("Meta of a key never set = %q", v)
	}
	if after := takeGraph(t, st); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("the graph after SetMeta:\n%v\nwant\n%v", after, before)
	}
	if c := counts(); fmt.Sprint(c) != fmt.Sprint(beforeCounts) {
		t.Fatalf("counts after SetMeta = %v, want %v", c, beforeCounts)
	}
	if p, err := st.Search(ctx, kepu.SearchQuery{Text: "qzxvwmeta", First: 10}); err != nil || len(p.Hits) != 0 {
		t.Fatalf("Search for a metadata value: %+v, %v; want no hit", p.Hits, err)
	}
	if v, err := st.Version(ctx); err != nil || v != v1 {
		t.Fatalf("Version after SetMeta = %d, %v; want %d", v, err, v1)
	}
	// A write of the graph leaves the entries as they were.
	mustWrite(t, st, putNodes(N("School:meta-write"))...)
	if v := get(key); v != "qzxvwmeta words" {
		t.Fatalf("Meta after a Write = %q", v)
	}

	// "" removes an entry, and removing a missing one is no error.
	set(key, "")
	if v := get(key); v != "" {
		t.Fatalf("Meta after SetMeta(\"\") = %q, want \"\"", v)
	}
	set(key, "")
	if v := get(other); v == "" {
		t.Fatal("removing one entry removed another")
	}

	// Refused keys and values.
	bad := []struct{ key, value string }{
		{"", "x"},
		{"has space", "x"},
		{"slash/key", "x"},
		{"é", "x"},
		{strings.Repeat("k", kepu.MaxMetaKeyBytes+1), "x"},
		{"ok", strings.Repeat("v", kepu.MaxMetaValueBytes+1)},
		{"ok", "\xff"},
	}
	for _, b := range bad {
		if err := st.SetMeta(ctx, b.key, b.value); kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("SetMeta(%q, %d bytes) = %v, want BAD_USER_INPUT", kepu.Truncate(b.key, 20), len(b.value), err)
		}
		if b.value == "x" {
			if _, err := st.Meta(ctx, b.key); kepu.ErrorCode(err) != kepu.BadUserInput {
				t.Errorf("Meta(%q) = %v, want BAD_USER_INPUT", kepu.Truncate(b.key, 20), err)
			}
		}
	}
	if v := get("ok"); v != "" {
		t.Fatalf("a refused SetMeta stored %d bytes", len(v))
	}
	if _, ok := getNode(t, st, "School:meta-write"); !ok {
		t.Fatal("the write between the metadata calls is lost")
	}
}

func anyNonZero(c map[kepu.Label]int) bool {
	for _, n := range c {
		if n != 0 {
			return true
		}
	}
	return false
}
