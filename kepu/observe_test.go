package kepu_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

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

func (s *stubStore) PlaceNodes(ctx context.Context, places []string, q kepu.NodeQuery) (map[string]kepu.NodePage, error) {
	s.seen = append(s.seen, ctx.Value(ctxKey{}))
	return map[string]kepu.NodePage{places[0]: {HasPrev: true}}, nil
}

func (s *stubStore) CountPlaceNodes(ctx context.Context, places []string, l kepu.Label, f *kepu.Filter) (map[string]int, error) {
	s.seen = append(s.seen, ctx.Value(ctxKey{}))
	return map[string]int{places[0]: 3}, errStub
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
	places := []string{"Province:AH", "County:1", "Prefecture:2"}
	pages, err := st.PlaceNodes(context.Background(), places, kepu.NodeQuery{Label: kepu.School})
	if err != nil || !pages["Province:AH"].HasPrev {
		t.Errorf("PlaceNodes: %+v, %v: not passed through", pages, err)
	}
	counts, err := st.CountPlaceNodes(context.Background(), places[:2], kepu.Museum, nil)
	if !errors.Is(err, errStub) || counts["Province:AH"] != 3 {
		t.Errorf("CountPlaceNodes: %v, %v: not passed through", counts, err)
	}
	want := []kepu.Call{
		{Method: "Nodes", IDs: 2},
		{Method: "FindNodes", Label: kepu.Museum},
		{Method: "PlaceNodes", Label: kepu.School, IDs: 3},
		{Method: "CountPlaceNodes", Label: kepu.Museum, IDs: 2},
	}
	if len(starts) != len(want) {
		t.Fatalf("starts = %+v", starts)
	}
	for i, w := range want {
		got := starts[i]
		got.Start = time.Time{}
		if got != w {
			t.Errorf("start %d = %+v, want %+v", i, got, w)
		}
	}
	if len(ends) != len(want) || !errors.Is(endErrs[0], errStub) || endErrs[1] != nil || endErrs[2] != nil || !errors.Is(endErrs[3], errStub) || ends[0].Start.IsZero() {
		t.Errorf("ends = %+v, errors %v", ends, endErrs)
	}
	if fmt.Sprint(inner.seen) != "[Nodes FindNodes PlaceNodes CountPlaceNodes]" {
		t.Errorf("the store saw contexts %v, want the ones Start returned", inner.seen)
	}
	// A zero Observer changes nothing.
	if _, err := kepu.Observe(inner, kepu.Observer{}).Nodes(context.Background(), nil); !errors.Is(err, errStub) {
		t.Errorf("zero observer: %v", err)
	}
}
