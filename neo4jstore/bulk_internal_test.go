package neo4jstore

import "testing"

// TestBulkEnds checks that element IDs are remembered as their number
// after one common prefix, and that others are not remembered.
func TestBulkEnds(t *testing.T) {
	var b bulkEnds
	b.remember([]bulkEnd{
		{"Museum:a", "4:0f8c-db:17"},
		{"School:b", "4:0f8c-db:123456789012"},
		{"School:c", "4:other-db:5"}, // another prefix
		{"School:d", "4:0f8c-db:x"},  // not a number
		{"School:e", "no-colon"},     // no prefix
	})
	a, s, ok := b.lookup("Museum:a", "School:b")
	if !ok || a != 17 || s != 123456789012 || b.elementPrefix() != "4:0f8c-db:" {
		t.Fatalf("lookup: %d, %d, %v, prefix %q", a, s, ok, b.elementPrefix())
	}
	for _, id := range []string{"School:c", "School:d", "School:e", "School:zz"} {
		if _, _, ok := b.lookup("Museum:a", id); ok {
			t.Errorf("%s: remembered, want not", id)
		}
		if _, _, ok := b.lookup(id, "Museum:a"); ok {
			t.Errorf("%s as from: remembered, want not", id)
		}
	}
	b.reset()
	if _, _, ok := b.lookup("Museum:a", "School:b"); ok {
		t.Error("remembered after reset")
	}
}
