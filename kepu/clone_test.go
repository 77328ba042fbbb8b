package kepu_test

import (
	"reflect"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

func TestFilterClone(t *testing.T) {
	f := &kepu.Filter{And: []*kepu.Filter{
		kepu.C("kind", kepu.OneOf, []any{"MOBILE"}),
		{Or: []*kepu.Filter{}},
		{Not: &kepu.Filter{Rel: &kepu.RelCond{Rel: kepu.PartnersWith, Dir: kepu.Out, Quant: kepu.Some, Node: kepu.C("name", kepu.Eq, "x"), Edge: kepu.C("since", kepu.Gt, int64(1))}}},
		{Place: &kepu.PlaceCond{Level: kepu.Province, Filter: kepu.C("code", kepu.Eq, "CN-AH")}},
	}}
	g := f.Clone()
	if !reflect.DeepEqual(f, g) {
		t.Fatalf("clone differs: %+v", g)
	}
	g.And[0].Cond.Value.([]any)[0] = "CARAVAN"
	g.And[2].Not.Rel.Node.Cond.Value = "y"
	g.And[3].Place.Filter.Cond.Value = "CN-BJ"
	if f.And[0].Cond.Value.([]any)[0] != "MOBILE" || f.And[2].Not.Rel.Node.Cond.Value != "x" || f.And[3].Place.Filter.Cond.Value != "CN-AH" {
		t.Errorf("clone shares state with the original: %+v", f)
	}
	if g.And[1].Or == nil || len(g.And[1].Or) != 0 {
		t.Errorf("empty Or not kept: %+v", g.And[1])
	}
	if (*kepu.Filter)(nil).Clone() != nil {
		t.Error("nil clone")
	}
}
