package dump_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/dump"
	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

var ctx = context.Background()

func openEmbedded(t *testing.T) *embedded.Store {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// reference returns the dump of the reference dataset, loaded into an
// embedded store.
func reference(t *testing.T) []byte {
	t.Helper()
	st := openEmbedded(t)
	ds, err := dataset.Generate(dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dataset.Load(ctx, st, ds, dataset.LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	c, err := dump.Write(ctx, st, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if c.Nodes < 10000 || c.Edges < 20000 {
		t.Fatalf("dump of the reference dataset holds %+v", c)
	}
	return buf.Bytes()
}

// roundTrip loads d into st (empty) and dumps st again.
func roundTrip(t *testing.T, st kepu.Store, d []byte) []byte {
	t.Helper()
	g, err := dump.Read(bytes.NewReader(d))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dump.Load(ctx, st, g, dump.Options{}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := dump.Write(ctx, st, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func firstDiff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return "line " + la[i] + "\nvs   " + lb[i]
		}
	}
	return "lengths differ"
}

// TestRoundTripEmbedded: dump → load → dump is byte-identical.
func TestRoundTripEmbedded(t *testing.T) {
	d1 := reference(t)
	d2 := roundTrip(t, openEmbedded(t), d1)
	if !bytes.Equal(d1, d2) {
		t.Fatalf("dump after load differs (%d and %d bytes): %s", len(d1), len(d2), firstDiff(d1, d2))
	}
	// Every line carries the record's provenance.
	for i, l := range strings.Split(strings.TrimSpace(string(d1)), "\n")[1:] {
		if !strings.Contains(l, `"provenance":"`) || !strings.Contains(l, `"source":"`) {
			t.Fatalf("line %d has no provenance: %s", i+2, l)
		}
	}
}

// TestRoundTripNeo4j moves the embedded dump into Neo4j and dumps it from
// there: the bytes are the same. It WIPES the database at NEO4J_URI.
func TestRoundTripNeo4j(t *testing.T) {
	if os.Getenv("NEO4J_URI") == "" {
		t.Skip("NEO4J_URI is not set: no Neo4j server to run the round trip against (it WIPES the database it is given)")
	}
	st := neo4jtest.Fresh(t) // one test binary at a time on the server
	d1 := reference(t)
	d2 := roundTrip(t, st, d1)
	if !bytes.Equal(d1, d2) {
		t.Fatalf("dump from Neo4j differs from the embedded store's (%d and %d bytes): %s", len(d1), len(d2), firstDiff(d1, d2))
	}
}

const head = `{"kepugraph":"dump","version":1,"nodes":2,"edges":1}` + "\n"
const n1 = `{"node":"Province:p","label":"Province","props":{"code":"CN-P","name":"P","provenance":"REFERENCE","source":"t"}}` + "\n"
const n2 = `{"node":"Prefecture:f","label":"Prefecture","props":{"gbCode":"1","name":"F","provenance":"REFERENCE","source":"t"}}` + "\n"
const e1 = `{"edge":"PART_OF","from":"Prefecture:f","to":"Province:p","props":{"provenance":"REFERENCE","source":"t"}}` + "\n"

func TestReadAndLoad(t *testing.T) {
	st := openEmbedded(t)
	g, err := dump.Read(strings.NewReader(head + n1 + n2 + e1))
	if err != nil {
		t.Fatal(err)
	}
	if c, err := dump.Load(ctx, st, g, dump.Options{}); err != nil || c != (dump.Counts{Nodes: 2, Edges: 1}) {
		t.Fatalf("Load = %+v, %v", c, err)
	}
	// A store with nodes is refused without Force, taken with it.
	if _, err := dump.Load(ctx, st, g, dump.Options{}); kepu.ErrorCode(err) != kepu.Conflict {
		t.Fatalf("Load into a non-empty store: %v, want CONFLICT", err)
	}
	if _, err := dump.Load(ctx, st, g, dump.Options{Force: true}); err != nil {
		t.Fatalf("Load with Force: %v", err)
	}
}

// TestReadRejects: every kind of bad dump is refused with BAD_USER_INPUT
// naming the line, before anything is written.
func TestReadRejects(t *testing.T) {
	for name, in := range map[string]string{
		"empty":              "",
		"no header":          n1 + n2 + e1,
		"other version":      strings.Replace(head, `"version":1`, `"version":2`, 1) + n1 + n2 + e1,
		"not JSON":           head + n1 + "{node\n" + e1,
		"invalid UTF-8":      head + strings.Replace(n1, `"P"`, "\"P\xff\"", 1) + n2 + e1,
		"unknown field":      head + strings.Replace(n1, `"label"`, `"lable":"x","label"`, 1) + n2 + e1,
		"unknown property":   head + strings.Replace(n1, `"name"`, `"nmae"`, 1) + n2 + e1,
		"missing provenance": head + strings.Replace(n1, `"provenance":"REFERENCE",`, ``, 1) + n2 + e1,
		"wrong type":         head + strings.Replace(n1, `"name":"P"`, `"name":5`, 1) + n2 + e1,
		"missing endpoint":   head + n1 + strings.Replace(e1, `"to":"Province:p"`, `"to":"Province:q"`, 1) + n2,
		"edge before node":   strings.Replace(head, `"nodes":2`, `"nodes":2`, 1) + n1 + e1 + n2,
		"duplicate node":     strings.Replace(head, `"nodes":2`, `"nodes":3`, 1) + n1 + n1 + n2 + e1,
		"truncated":          head + n1 + n2,
		"neither":            head + n1 + n2 + `{"x":1}` + "\n",
		"two values":         head + strings.TrimSuffix(n1, "\n") + "{}\n" + n2 + e1,
	} {
		if _, err := dump.Read(strings.NewReader(in)); kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("%s: err = %v, want BAD_USER_INPUT", name, err)
		}
	}
}

// TestReadHierarchyRules: a dump that `kepugraph check` would refuse for
// its place hierarchy (a PART_OF between two prefectures, which is how a
// cycle starts; a second parent; a second place) is refused by Read,
// naming the line and the record, before anything is written.
func TestReadHierarchyRules(t *testing.T) {
	f2 := strings.ReplaceAll(n2, "Prefecture:f", "Prefecture:g")
	p2 := strings.ReplaceAll(n1, "Province:p", "Province:q")
	m := `{"node":"Museum:m","label":"Museum","props":{"kind":"STANDARD","name":"M","provenance":"REPORTED","source":"t"}}` + "\n"
	edge := func(typ, from, to string) string {
		return `{"edge":"` + typ + `","from":"` + from + `","to":"` + to + `","props":{"provenance":"REFERENCE","source":"t"}}` + "\n"
	}
	hdr := func(nodes, edges int) string {
		return fmt.Sprintf(`{"kepugraph":"dump","version":1,"nodes":%d,"edges":%d}`+"\n", nodes, edges)
	}
	for name, tc := range map[string]struct{ in, want string }{
		"same level": {hdr(3, 1) + n1 + n2 + f2 + edge("PART_OF", "Prefecture:f", "Prefecture:g"),
			"line 5: PART_OF edge from Prefecture:f to Prefecture:g: PART_OF cannot join Prefecture to Prefecture"},
		"second parent": {hdr(3, 2) + n1 + n2 + p2 + e1 + edge("PART_OF", "Prefecture:f", "Province:q"),
			"line 6: PART_OF edge from Prefecture:f to Province:q: Prefecture:f already has a PART_OF parent"},
		"second place": {hdr(4, 2) + n1 + n2 + p2 + m + edge("LOCATED_IN", "Museum:m", "Province:p") + edge("LOCATED_IN", "Museum:m", "Province:q"),
			"line 7: LOCATED_IN edge from Museum:m to Province:q: Museum:m already has a LOCATED_IN place"},
	} {
		_, err := dump.Read(strings.NewReader(tc.in))
		if kepu.ErrorCode(err) != kepu.BadUserInput || !strings.Contains(kepu.ErrorMessage(err), tc.want) {
			t.Errorf("%s: err = %v, want BAD_USER_INPUT %q", name, err, tc.want)
		}
	}
}
