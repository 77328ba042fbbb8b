package graph

import "testing"

// TestAnalyticsOptions checks that the bounds of the network measures reach
// the analyzer (the server's --analytics-* flags set them).
func TestAnalyticsOptions(t *testing.T) {
	a := newResolver(nil, Options{AnalyticsSlots: 3, AnalyticsCacheEntries: 5, AnalyticsCacheBytes: 7 << 20}).analyzer
	if a.Slots != 3 || a.CacheEntries != 5 || a.CacheBytes != 7<<20 {
		t.Errorf("analyzer slots %d, entries %d, bytes %d; want 3, 5, %d", a.Slots, a.CacheEntries, a.CacheBytes, 7<<20)
	}
}
