package storetest

import (
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// testLongestText: every store holds a node of every label whose every
// String property is kepu.MaxTextBytes bytes long (Chinese text, with the
// longest key a node ID can have, as Neo4j's composite range index
// (property, id) keys hold both) and reads it back unchanged, and refuses
// one byte more with BAD_USER_INPUT on create and on update, writing
// nothing. Neo4j refused a 10,240-byte name (its index key limit is 8,167
// bytes) with a database error, an INTERNAL_SERVER_ERROR, while the
// embedded store kept it.
func testLongestText(t *testing.T, st kepu.Store) {
	longest := strings.Repeat("科", kepu.MaxTextBytes/3) + strings.Repeat("a", kepu.MaxTextBytes%3)
	key := strings.Repeat("k", 200)
	var changes []kepu.Change
	want := map[string]kepu.Props{}
	for _, d := range kepu.LabelDefs() {
		props := kepu.Props{}
		for _, p := range d.Props {
			switch {
			case p.Type == kepu.String:
				props[p.Name] = longest
			case p.Required && p.Type == kepu.Enum:
				props[p.Name] = p.Values[0]
			case p.Required && p.Type == kepu.Int:
				props[p.Name] = int64(2000)
			case p.Required:
				t.Fatalf("%s.%s: a required %v property this test cannot fill", d.Label, p.Name, p.Type)
			}
		}
		id := string(d.Label) + ":" + key
		changes = append(changes, kepu.Change{Kind: kepu.CreateNode, Node: kepu.Node{ID: id, Label: d.Label, Props: props}})
		want[id] = props
	}
	mustWrite(t, st, changes...)
	for id, props := range want {
		n, ok := getNode(t, st, id)
		if !ok {
			t.Fatalf("%s missing", id)
		}
		for k, v := range props {
			if n.Props[k] != v {
				got, _ := n.Props[k].(string)
				t.Errorf("%s.%s: read back %d bytes of text, want the %d written", id, k, len(got), len(v.(string)))
			}
		}
	}
	before, _ := st.CountNodes(ctx, kepu.Museum, nil)
	over := longest + "a"
	for _, c := range []kepu.Change{
		{Kind: kepu.CreateNode, Node: N(mAH, "kind", "STANDARD", "name", over)},
		{Kind: kepu.CreateNode, Node: N(mAH, "kind", "STANDARD", "city", over)},
		{Kind: kepu.UpdateNode, ID: "Museum:" + key, Set: kepu.Props{"nameZh": over}},
	} {
		if _, err := st.Write(ctx, []kepu.Change{c}); kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("%s of %d bytes: code %q (%v), want BAD_USER_INPUT", c.Kind, len(over), kepu.ErrorCode(err), err)
		}
	}
	if after, _ := st.CountNodes(ctx, kepu.Museum, nil); after != before {
		t.Errorf("refused writes left %d museums, want %d", after, before)
	}
	if n, _ := getNode(t, st, "Museum:"+key); n.Props["nameZh"] != longest {
		t.Errorf("a refused update changed nameZh")
	}
}
