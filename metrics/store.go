package metrics

import (
	"context"

	"github.com/kepugraph/kepugraph/kepu"
)

// InstrumentStore returns st with every method call counted (by method and
// result code) and timed in m. It changes nothing else: results and errors
// pass through as they are.
func InstrumentStore(st kepu.Store, m *Metrics) kepu.Store {
	return kepu.Observe(st, kepu.Observer{
		End: func(_ context.Context, c kepu.Call, err error) { m.observeCall(c.Method, c.Start, err) },
	})
}
