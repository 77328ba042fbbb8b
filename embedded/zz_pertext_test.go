package embedded_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/kepu"
)

func BenchmarkPerText(b *testing.B) {
	st := openReference(b)
	ctx := context.Background()
	for _, g := range []string{"named", "broad", "digits"} {
		for _, t := range searchTexts[g] {
			st.Search(ctx, kepu.SearchQuery{Text: t, First: 10})
			c0 := cpuTime()
			t0 := time.Now()
			var p kepu.SearchPage
			for range 5 {
				p, _ = st.Search(ctx, kepu.SearchQuery{Text: t, First: 10})
			}
			fmt.Printf("%-8s %-30q total %6d  wall %8.2f ms cpu %8.2f ms\n", g, t, p.Total, float64(time.Since(t0).Microseconds())/5000, float64(cpuTime()-c0)/5e6)
		}
	}
}
