package graph

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"

	"github.com/kepugraph/kepugraph/export"
	"github.com/kepugraph/kepugraph/graph/model"
	"github.com/kepugraph/kepugraph/kepu"
)

// MaxSubgraphElements bounds the nodes and relationships of the subgraph
// field; /export/{format} streams larger selections as files.
const MaxSubgraphElements = 10000

// subgraph answers the subgraph field with the selection rules of the
// exports (export.ParseQuery reads the arguments as the query parameters of
// /export/{format}).
func subgraph(ctx context.Context, r *Resolver, labels, rels []string, where map[string]any, around *string, hops *int, from, to *string) (*model.GraphSelection, error) {
	if hops != nil {
		if err := checkArg("subgraph", "hops", *hops); err != nil {
			return nil, err
		}
	}
	if err := notEmpty("labels", labels, "every label"); err != nil {
		return nil, err
	}
	if err := notEmpty("relationships", rels, "every type"); err != nil {
		return nil, err
	}
	q := url.Values{}
	if len(labels) > 0 {
		q.Set("labels", strings.Join(labels, ","))
	}
	if len(rels) > 0 {
		q.Set("relationships", strings.Join(rels, ","))
	}
	if where != nil {
		b, err := json.Marshal(where)
		if err != nil {
			return nil, badInput("where: %v", err)
		}
		q.Set("where", string(b))
	}
	for k, v := range map[string]*string{"around": around, "from": from, "to": to} {
		if v != nil {
			q.Set(k, *v)
		}
	}
	if hops != nil {
		q.Set("hops", strconv.Itoa(*hops))
	}
	sel, err := export.ParseQuery(q, PlainWhere(r.maxString))
	if err != nil {
		return nil, err
	}
	x := &export.Exporter{Store: r.loaders(ctx).Store, MaxNodes: MaxSubgraphElements}
	plan, err := x.Prepare(ctx, sel)
	if err != nil {
		return nil, err
	}
	c := &export.Collector{Max: MaxSubgraphElements}
	if _, err := plan.Write(ctx, c); err != nil {
		return nil, err
	}
	out := &model.GraphSelection{
		Nodes:         make([]*model.GraphSelectionNode, len(c.Nodes)),
		Relationships: make([]*model.GraphSelectionRelationship, len(c.Edges)),
	}
	for i, n := range c.Nodes {
		sn := &model.GraphSelectionNode{ID: n.ID, Label: string(n.Label), Properties: props(n.Props)}
		if n.ProvinceCode != "" {
			sn.ProvinceCode = &n.ProvinceCode
		}
		out.Nodes[i] = sn
	}
	for i, e := range c.Edges {
		out.Relationships[i] = &model.GraphSelectionRelationship{ID: e.ID, Type: string(e.Type), From: e.Source, To: e.Target, Properties: props(e.Props)}
	}
	return out, nil
}

// props returns the properties as a JSON object (never null).
func props(p kepu.Props) map[string]any {
	if p == nil {
		return map[string]any{}
	}
	return p
}
