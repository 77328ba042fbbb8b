package export

import (
	"bufio"
	"io"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/kepugraph/kepugraph/kepu"
)

// jsonWriter encodes the JSON formats by hand, in attribute order, into a
// buffered output: the values are of the few kepu property types, and this
// avoids a reflection pass and a map sort per element.
type jsonWriter struct {
	w                    *bufio.Writer
	buf                  []byte
	nodeAttrs, edgeAttrs []Attr
	count                int // elements written in the current array
}

func newJSONWriter(w io.Writer) jsonWriter {
	return jsonWriter{w: bufio.NewWriterSize(w, 64<<10), buf: make([]byte, 0, 1024)}
}

// flushBuf writes the element in buf.
func (j *jsonWriter) flushBuf() error {
	_, err := j.w.Write(j.buf)
	j.buf = j.buf[:0]
	return err
}

// appendString appends s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendValue appends a property value as JSON, and reports whether it was
// present (nothing is appended for an absent value).
func appendValue(b []byte, v any) ([]byte, bool) {
	switch x := v.(type) {
	case nil:
		return b, false
	case string:
		return appendString(b, x), true
	case int64:
		return strconv.AppendInt(b, x, 10), true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return b, false
		}
		return strconv.AppendFloat(b, x, 'g', -1, 64), true
	case bool:
		return strconv.AppendBool(b, x), true
	case []string:
		b = append(b, '[')
		for i, s := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, s)
		}
		return append(b, ']'), true
	}
	s, ok := text(v)
	if !ok {
		return b, false
	}
	return appendString(b, s), true
}

// appendField appends ,"name":value when the value is present.
func appendField(b []byte, name string, v any) []byte {
	mark := len(b)
	b = append(b, ',')
	b = appendString(b, name)
	b = append(b, ':')
	b, ok := appendValue(b, v)
	if !ok {
		return b[:mark]
	}
	return b
}

// appendStringField appends ,"name":"s" (appendField for a string, which
// it would box).
func appendStringField(b []byte, name, s string) []byte {
	b = append(b, ',')
	b = appendString(b, name)
	b = append(b, ':')
	return appendString(b, s)
}

// appendNodeAttrs appends the node's attributes as fields.
func (j *jsonWriter) appendNodeAttrs(b []byte, n *Node) []byte {
	for _, a := range j.nodeAttrs {
		b = appendField(b, a.Name, nodeValue(n, a.Name))
	}
	return b
}

// appendEdgeAttrs appends the edge's attributes as fields, the source
// property under sourceName.
func (j *jsonWriter) appendEdgeAttrs(b []byte, e *Edge, sourceName string) []byte {
	for _, a := range j.edgeAttrs {
		name := a.Name
		if name == kepu.PropSource {
			name = sourceName
		}
		b = appendField(b, name, edgeValue(e, a.Name))
	}
	return b
}

// sep appends the separator before an array element.
func (j *jsonWriter) sep() {
	if j.count > 0 {
		j.buf = append(j.buf, ",\n"...)
	} else {
		j.buf = append(j.buf, '\n')
	}
	j.count++
}

// cytoscape writes Cytoscape.js elements JSON, as Cytoscape desktop's
// .cyjs files hold it: {"elements": {"nodes": [{"data": {...}}], "edges":
// [...]}}. cy.json(file) or cytoscape({elements: file.elements}) loads it.
// It also reads as networkx's cytoscape_data (nx.cytoscape_graph): the top
// level says directed and multigraph, a node's data has value (its ID, the
// networkx node) and an edge's key (its ID, so that parallel relationships
// stay apart).
type cytoscape struct{ jsonWriter }

// NewCytoscape returns a Writer of Cytoscape.js elements JSON.
func NewCytoscape(w io.Writer) Writer { return &cytoscape{newJSONWriter(w)} }

func (c *cytoscape) Begin(nodeAttrs, edgeAttrs []Attr) error {
	c.nodeAttrs, c.edgeAttrs = nodeAttrs, edgeAttrs
	_, err := c.w.WriteString(`{"format_version":"1.0","generated_by":"kepugraph","target_cytoscapejs_version":"~3","data":{"name":"kepugraph"},"directed":true,"multigraph":true,"elements":{"nodes":[`)
	return err
}

func (c *cytoscape) Node(n *Node) error {
	c.sep()
	c.buf = append(c.buf, `{"data":{"id":`...)
	c.buf = appendString(c.buf, n.ID)
	c.buf = appendStringField(c.buf, "value", n.ID)
	c.buf = appendField(c.buf, AttrLabel, n.Props[kepu.PropName])
	c.buf = c.appendNodeAttrs(c.buf, n)
	c.buf = append(c.buf, "}}"...)
	return c.flushBuf()
}

func (c *cytoscape) BeginEdges() error {
	c.count = 0
	_, err := c.w.WriteString("\n],\"edges\":[")
	return err
}

func (c *cytoscape) Edge(e *Edge) error {
	c.sep()
	c.buf = append(c.buf, `{"data":{"id":`...)
	c.buf = appendString(c.buf, e.ID)
	c.buf = appendStringField(c.buf, "key", e.ID)
	c.buf = appendStringField(c.buf, "source", e.Source)
	c.buf = appendStringField(c.buf, "target", e.Target)
	c.buf = appendStringField(c.buf, AttrLabel, string(e.Type))
	c.buf = c.appendEdgeAttrs(c.buf, e, AttrSourceRef)
	c.buf = append(c.buf, "}}"...)
	return c.flushBuf()
}

func (c *cytoscape) End() error {
	if _, err := c.w.WriteString("\n]}}\n"); err != nil {
		return err
	}
	return c.w.Flush()
}

// graphology writes graphology's serialized graph
// (https://graphology.github.io/serialization.html): a directed multi graph
// whose nodes and edges have keys and attributes. graph.import(file) or
// Graph.from(file) loads it.
type graphology struct{ jsonWriter }

// NewGraphology returns a Writer of graphology's serialized JSON.
func NewGraphology(w io.Writer) Writer { return &graphology{newJSONWriter(w)} }

func (g *graphology) Begin(nodeAttrs, edgeAttrs []Attr) error {
	g.nodeAttrs, g.edgeAttrs = nodeAttrs, edgeAttrs
	_, err := g.w.WriteString(`{"attributes":{"name":"kepugraph"},"options":{"type":"directed","multi":true,"allowSelfLoops":true},"nodes":[`)
	return err
}

func (g *graphology) Node(n *Node) error {
	g.sep()
	g.buf = append(g.buf, `{"key":`...)
	g.buf = appendString(g.buf, n.ID)
	g.buf = append(g.buf, `,"attributes":{`...)
	mark := len(g.buf)
	g.buf = appendField(g.buf, AttrLabel, n.Props[kepu.PropName])
	g.buf = g.appendNodeAttrs(g.buf, n)
	g.buf = dropComma(g.buf, mark)
	g.buf = append(g.buf, "}}"...)
	return g.flushBuf()
}

// dropComma removes the comma appendField put at mark, the start of an
// object's fields.
func dropComma(b []byte, mark int) []byte {
	if len(b) > mark && b[mark] == ',' {
		return append(b[:mark], b[mark+1:]...)
	}
	return b
}

func (g *graphology) BeginEdges() error {
	g.count = 0
	_, err := g.w.WriteString("\n],\"edges\":[")
	return err
}

func (g *graphology) Edge(e *Edge) error {
	g.sep()
	g.buf = append(g.buf, `{"key":`...)
	g.buf = appendString(g.buf, e.ID)
	g.buf = appendStringField(g.buf, "source", e.Source)
	g.buf = appendStringField(g.buf, "target", e.Target)
	g.buf = append(g.buf, `,"attributes":{`...)
	mark := len(g.buf)
	g.buf = appendStringField(g.buf, AttrLabel, string(e.Type))
	g.buf = g.appendEdgeAttrs(g.buf, e, kepu.PropSource)
	g.buf = dropComma(g.buf, mark)
	g.buf = append(g.buf, "}}"...)
	return g.flushBuf()
}

func (g *graphology) End() error {
	if _, err := g.w.WriteString("\n]}\n"); err != nil {
		return err
	}
	return g.w.Flush()
}

// jsonl writes JSON Lines, one element per line, nodes first:
//
//	{"type":"node","id":"<global ID>","label":"Museum","provinceCode":"CN-BJ","properties":{...}}
//	{"type":"relationship","id":"<edge ID>","label":"PARTNERS_WITH","start":"<global ID>","end":"<global ID>","properties":{...}}
type jsonl struct{ jsonWriter }

// NewJSONL returns a Writer of JSON Lines.
func NewJSONL(w io.Writer) Writer { return &jsonl{newJSONWriter(w)} }

func (j *jsonl) Begin(nodeAttrs, edgeAttrs []Attr) error {
	j.nodeAttrs, j.edgeAttrs = nodeAttrs, edgeAttrs
	return nil
}

// appendProps appends the stored properties in attribute order.
func appendProps(b []byte, attrs []Attr, props kepu.Props, skip string) []byte {
	b = append(b, `,"properties":{`...)
	mark := len(b)
	for _, a := range attrs {
		if a.Name != skip && a.Name != AttrProvinceCode {
			b = appendField(b, a.Name, props[a.Name])
		}
	}
	b = dropComma(b, mark)
	return append(b, '}')
}

func (j *jsonl) Node(n *Node) error {
	j.buf = append(j.buf, `{"type":"node","id":`...)
	j.buf = appendString(j.buf, n.ID)
	j.buf = appendStringField(j.buf, "label", string(n.Label))
	j.buf = appendField(j.buf, AttrProvinceCode, nodeValue(n, AttrProvinceCode))
	j.buf = appendProps(j.buf, j.nodeAttrs, n.Props, AttrNodeLabel)
	j.buf = append(j.buf, "}\n"...)
	return j.flushBuf()
}

func (j *jsonl) BeginEdges() error { return nil }

func (j *jsonl) Edge(e *Edge) error {
	j.buf = append(j.buf, `{"type":"relationship","id":`...)
	j.buf = appendString(j.buf, e.ID)
	j.buf = appendStringField(j.buf, "label", string(e.Type))
	j.buf = appendStringField(j.buf, "start", e.Source)
	j.buf = appendStringField(j.buf, "end", e.Target)
	j.buf = appendProps(j.buf, j.edgeAttrs, e.Props, AttrRelationship)
	j.buf = append(j.buf, "}\n"...)
	return j.flushBuf()
}

func (j *jsonl) End() error { return j.w.Flush() }
