package metrics

import (
	"context"

	"github.com/kepugraph/kepugraph/kepu"
)

// InstrumentStore returns st with every method call counted (by method and
// result code: a call cut off because its client hung up is
// CLIENT_CLOSED_REQUEST, one cut off by the request's deadline TIMEOUT,
// whatever error the store made of it) and timed in m. It changes nothing else: results and errors
// pass through as they are.
func InstrumentStore(st kepu.Store, m *Metrics) kepu.Store {
	return kepu.Observe(st, kepu.Observer{
		End: func(ctx context.Context, c kepu.Call, err error) { m.observeCall(ctx, c.Method, c.Start, err) },
	})
}
