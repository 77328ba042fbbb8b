package neo4jstore

import (
	"context"
	"net/http"
	"sort"
	"sync"

	"github.com/kepugraph/kepugraph/kepu"
)

// A request scope lets the store calls of one API request share what they
// read: Locate reads the place nodes along with the places' IDs, and a
// Nodes call of the same request for those places is answered from them,
// without a statement (the GraphQL layer asks for a node's province or
// county with Locate, then Nodes). A write of the request empties the
// scope, so that a read after it sees the write. Without a scope (no
// RequestScope middleware) every call reads the server.
type requestScope struct {
	mu     sync.Mutex
	places map[string]kepu.Node
}

type scopeKey struct{}

// WithRequestScope returns ctx with a new, empty request scope.
func WithRequestScope(ctx context.Context) context.Context {
	return context.WithValue(ctx, scopeKey{}, &requestScope{})
}

// RequestScope gives every request a request scope (WithRequestScope) for
// the store calls it makes; the scope ends with the request.
func RequestScope(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(WithRequestScope(r.Context())))
	})
}

func scopeOf(ctx context.Context) *requestScope {
	sc, _ := ctx.Value(scopeKey{}).(*requestScope)
	return sc
}

// keep remembers place nodes read in the request.
func (sc *requestScope) keep(nodes []kepu.Node) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.places == nil {
		sc.places = make(map[string]kepu.Node, len(nodes))
	}
	for _, n := range nodes {
		sc.places[n.ID] = n
	}
}

// take returns copies of the remembered nodes among ids and the ids it
// does not hold.
func (sc *requestScope) take(ids []string) (map[string]kepu.Node, []string) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	out := make(map[string]kepu.Node, len(ids))
	var rest []string
	for _, id := range ids {
		if n, ok := sc.places[id]; ok {
			n.Props = n.Props.Clone()
			out[id] = n
		} else {
			rest = append(rest, id)
		}
	}
	return out, rest
}

// forget empties the scope (after a write).
func (sc *requestScope) forget() {
	if sc == nil {
		return
	}
	sc.mu.Lock()
	sc.places = nil
	sc.mu.Unlock()
}

// locateWithPlaces is Locate in a request scope: one statement returns
// every place node on the nodes' paths once, with the IDs of the asked
// nodes located in it; the place nodes are kept in the scope.
func (s *Store) locateWithPlaces(ctx context.Context, sc *requestScope, ids []string) (map[string]kepu.Location, error) {
	recs, err := s.read(ctx, stmt{cypherLocatePlaces, map[string]any{"ids": ids}})
	if err != nil {
		return nil, err
	}
	var items []any
	if len(recs) == 1 {
		items, _ = recs[0].Values[0].([]any)
	}
	placesOf := map[string][]string{}
	nodes := make([]kepu.Node, 0, len(items))
	for _, it := range items {
		v, _ := it.([]any)
		if len(v) != 2 {
			return nil, s.internalf("Locate: place item %v", it)
		}
		pl, err := decodeNode(v[0], placeProjection)
		if err != nil {
			return nil, s.internalf("%v", err)
		}
		nodes = append(nodes, pl)
		members, _ := v[1].([]any)
		for _, m := range members {
			if id, ok := m.(string); ok {
				placesOf[id] = append(placesOf[id], pl.ID)
			}
		}
	}
	sc.keep(nodes)
	out := map[string]kepu.Location{}
	for id, ps := range placesOf {
		if loc := location(ps); loc != (kepu.Location{}) {
			out[id] = loc
		}
	}
	return out, nil
}

// location picks, for each place level, the least place ID of that level
// among ps (a node on one path has one place per level).
func location(ps []string) kepu.Location {
	sort.Strings(ps)
	var loc kepu.Location
	for _, p := range ps {
		switch kepu.LabelOf(p) {
		case kepu.Province:
			if loc.Province == "" {
				loc.Province = p
			}
		case kepu.Prefecture:
			if loc.Prefecture == "" {
				loc.Prefecture = p
			}
		case kepu.County:
			if loc.County == "" {
				loc.County = p
			}
		}
	}
	return loc
}
