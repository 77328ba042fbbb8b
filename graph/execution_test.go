package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/kepugraph/kepugraph/graph"
)

// TestDeferAnswered checks that a query with @defer is answered as one
// JSON response (the POST transport sends the initial payload), whatever
// the @defer groups of the generated code do (see graph/internal/lists).
func TestDeferAnswered(t *testing.T) {
	body := `{"query":"{ node(id: \"TXVzZXVtOmNzdG0\") { ... on Museum { name ... @defer { nameZh } } } }"}`
	resp, err := http.Post(ref(t).url, "application/json", bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	t.Logf("%d %s", resp.StatusCode, b)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), `"nameZh":`) {
		t.Errorf("%d %s", resp.StatusCode, b)
	}
}

// fieldCounter is field middleware that counts the fields it sees by name.
type fieldCounter struct {
	mu   sync.Mutex
	seen map[string]int
}

func (*fieldCounter) ExtensionName() string                   { return "fieldCounter" }
func (*fieldCounter) Validate(graphql.ExecutableSchema) error { return nil }
func (c *fieldCounter) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	c.mu.Lock()
	c.seen[graphql.GetFieldContext(ctx).Field.Name]++
	c.mu.Unlock()
	return next(ctx)
}

// TestFieldMiddlewareSeesPlainFields checks that field middleware among
// the handler's extensions still sees every field, those that read a
// struct field included (lists.PlainFields is off then), and that the
// answer is the one of the handler without it.
func TestFieldMiddlewareSeesPlainFields(t *testing.T) {
	c := &fieldCounter{seen: map[string]int{}}
	srv := httptest.NewServer(graph.New(ref(t).store, graph.Options{Extensions: []graphql.HandlerExtension{c}}))
	defer srv.Close()
	const q = `{ museums(first: 3) { nodes { id name schoolPartners(first: 2) { nodes { name } } } } }`
	var with, without json.RawMessage
	query(t, srv.URL, q, nil, &with)
	query(t, ref(t).url, q, nil, &without)
	if string(with) != string(without) {
		t.Errorf("with field middleware:\n%s\nwithout:\n%s", with, without)
	}
	if c.seen["id"] != 3 || c.seen["name"] < 3 {
		t.Errorf("field middleware saw %v", c.seen)
	}
}

// TestCountOnlyConnection checks that a relationship connection asked for
// its totalCount alone reads no page (one CountNeighbors call per level,
// no Neighbors call), with the prefetch and without, and that a cursor is
// still checked: a malformed one is an error whatever is selected.
//
// Without the prefetch the five counts share one call when their
// resolvers ask within the loaders' batching window (Options.BatchWait, 1
// ms by default): at load 30 they did not always (3 store calls). The
// server without the prefetch here waits a second, which only a stall of
// the whole process longer than that could split.
func TestCountOnlyConnection(t *testing.T) {
	srv := httptest.NewServer(graph.New(ref(t).store, graph.Options{NoPrefetch: true, BatchWait: time.Second}))
	t.Cleanup(srv.Close)
	plain := srv.URL
	const q = `{ museums(first: 5) { nodes { schoolPartners { totalCount } } } }`
	for _, url := range []string{ref(t).url, plain} {
		r := query(t, url, q, nil, nil)
		// FindNodes; CountNeighbors (batched without the prefetch).
		if r.Extensions.StoreCalls != 2 {
			t.Errorf("%s: %d store calls, want 2", url, r.Extensions.StoreCalls)
		}
		bad := post(t, url, `{ museums(first: 2) { nodes { schoolPartners(after: "not a cursor") { totalCount } } } }`, nil)
		if len(bad.Errors) == 0 {
			t.Errorf("%s: a malformed cursor gave no error: %s", url, bad.Data)
		}
	}
}
