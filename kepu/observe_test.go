package kepu_test

import (
	"context"
	"errors"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// stubStore answers every call with errStub and records the context value it saw.
type stubStore struct {
	kepu.Store
	seen []any
}

var errStub = kepu.Errorf(kepu.NotFound, "stub")

type ctxKey struct{}

func (s *stubStore) Nodes(ctx context.Context, ids []string) (map[string]kepu.Node, error) {
	s.seen = append(s.seen, ctx.Value(ctxKey{}))
	return map[string]kepu.Node{"a": {ID: "a"}}, errStub
}

func (s *stubStore) FindNodes(ctx context.Context, q kepu.NodeQuery) (kepu.NodePage, error) {
	s.seen = append(s.seen, ctx.Value(ctxKey{}))
	return kepu.NodePage{HasNext: true}, nil
}

func TestObserve(t *testing.T) {
	inner := &stubStore{}
	var starts, ends []kepu.Call
	var endErrs []error
	st := kepu.Observe(inner, kepu.Observer{
		Start: func(ctx context.Context, c kepu.Call) context.Context {
			starts = append(starts, c)
			return context.WithValue(ctx, ctxKey{}, c.Method)
		},
		End: func(ctx context.Context, c kepu.Call, err error) {
			if ctx.Value(ctxKey{}) != c.Method {
				t.Errorf("End of %s got another context", c.Method)
			}
			ends = append(ends, c)
			endErrs = append(endErrs, err)
		},
	})
	res, err := st.Nodes(context.Background(), []string{"a", "b"})
	if !errors.Is(err, errStub) || len(res) != 1 {
		t.Errorf("Nodes: result %v, error %v: not passed through", res, err)
	}
	page, err := st.FindNodes(context.Background(), kepu.NodeQuery{Label: kepu.Museum})
	if err != nil || !page.HasNext {
		t.Errorf("FindNodes: %+v, %v: not passed through", page, err)
	}
	if len(starts) != 2 || starts[0].Method != "Nodes" || starts[0].IDs != 2 || starts[1].Method != "FindNodes" || starts[1].Label != kepu.Museum {
		t.Errorf("starts = %+v", starts)
	}
	if len(ends) != 2 || !errors.Is(endErrs[0], errStub) || endErrs[1] != nil || ends[0].Start.IsZero() {
		t.Errorf("ends = %+v, errors %v", ends, endErrs)
	}
	if len(inner.seen) != 2 || inner.seen[0] != "Nodes" || inner.seen[1] != "FindNodes" {
		t.Errorf("the store saw contexts %v, want the ones Start returned", inner.seen)
	}
	// A zero Observer changes nothing.
	if _, err := kepu.Observe(inner, kepu.Observer{}).Nodes(context.Background(), nil); !errors.Is(err, errStub) {
		t.Errorf("zero observer: %v", err)
	}
}
