package export

import (
	"bufio"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kepugraph/kepugraph/kepu"
)

// xmlWriter holds what the GraphML and GEXF writers share: a buffered
// output and the escaping of text and attribute values (encoding/xml's,
// which also replaces characters XML cannot hold).
type xmlWriter struct {
	w                    *bufio.Writer
	nodeAttrs, edgeAttrs []Attr
	// nodeOpen and edgeOpen are the opening tags of the attributes'
	// values, by attribute, made once in Begin.
	nodeOpen, edgeOpen []string
	t                  textBuf
	err                error
}

func (x *xmlWriter) str(s string) {
	if x.err == nil {
		_, x.err = x.w.WriteString(s)
	}
}

// esc writes s escaped for text or a quoted attribute value: encoding/xml's
// escaping (which also replaces characters XML cannot hold by U+FFFD), and
// U+0085 and U+2028 as character references.
func (x *xmlWriter) esc(s string) {
	if x.err != nil {
		return
	}
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '&' || c == '<' || c == '>' || c == '"' || c == '\'' || c >= 0x80 {
			plain = false
			break
		}
	}
	if plain {
		_, x.err = x.w.WriteString(s)
		return
	}
	// U+0085 and U+2028 are line ends to an XML 1.1 reader, and to
	// readers that normalize line ends so before parsing (xmldom, under
	// graphology-graphml and graphology-gexf, made them line feeds): as
	// character references they are read as themselves by every reader.
	for x.err == nil {
		i := strings.IndexAny(s, "\u0085\u2028")
		if i < 0 {
			x.err = xml.EscapeText(x.w, bytesOf(s)) // reads s only
			return
		}
		if x.err = xml.EscapeText(x.w, bytesOf(s[:i])); x.err != nil {
			return
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		_, x.err = x.w.WriteString("&#x" + strconv.FormatInt(int64(r), 16) + ";")
		s = s[i+size:]
	}
}

func (x *xmlWriter) end() error {
	if x.err != nil {
		return x.err
	}
	return x.w.Flush()
}

const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// graphML writes GraphML (http://graphml.graphdrawing.org): one <key> per
// attribute with its attr.type, a directed <graph>, <data> for every
// present value.
// value writes open, v as escaped text and end, or nothing when v is
// absent (see textBuf.text).
func (x *xmlWriter) value(open string, v any, end string) {
	x.t.reset()
	s, ok := x.t.text(v)
	if !ok {
		return
	}
	x.str(open)
	x.esc(s)
	x.str(end)
}

type graphML struct{ xmlWriter }

// NewGraphML returns a Writer of GraphML.
func NewGraphML(w io.Writer) Writer { return &graphML{xmlWriter{w: bufio.NewWriterSize(w, 64<<10)}} }

func (g *graphML) Begin(nodeAttrs, edgeAttrs []Attr) error {
	g.nodeAttrs = append([]Attr{{Name: AttrLabel, Type: 0}}, nodeAttrs...)
	g.edgeAttrs = append([]Attr{{Name: AttrLabel, Type: 0}}, edgeAttrs...)
	g.str(xmlHeader)
	g.str(`<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">` + "\n")
	for _, side := range []struct {
		prefix, domain string
		attrs          []Attr
	}{{"n", "node", g.nodeAttrs}, {"e", "edge", g.edgeAttrs}} {
		for i, a := range side.attrs {
			g.str(`<key id="` + side.prefix + strconv.Itoa(i) + `" for="` + side.domain + `" attr.name="`)
			g.esc(a.Name)
			g.str(`" attr.type="` + a.xmlType() + `"/>` + "\n")
		}
	}
	g.str(`<graph id="kepugraph" edgedefault="directed">` + "\n")
	g.nodeOpen, g.edgeOpen = nil, nil
	for i := range g.nodeAttrs {
		g.nodeOpen = append(g.nodeOpen, `<data key="n`+strconv.Itoa(i)+`">`)
	}
	for i := range g.edgeAttrs {
		g.edgeOpen = append(g.edgeOpen, `<data key="e`+strconv.Itoa(i)+`">`)
	}
	return g.err
}

// data writes a <data> element opened by open when v is present.
func (g *graphML) data(open string, v any) { g.value(open, v, `</data>`) }

func (g *graphML) Node(n *Node) error {
	g.str(`<node id="`)
	g.esc(n.ID)
	g.str(`">`)
	g.data(g.nodeOpen[0], n.Props[kepu.PropName])
	for i, a := range g.nodeAttrs[1:] {
		g.data(g.nodeOpen[i+1], nodeValue(n, a.Name))
	}
	g.str("</node>\n")
	return g.err
}

func (g *graphML) BeginEdges() error { return g.err }

func (g *graphML) Edge(e *Edge) error {
	g.str(`<edge id="`)
	g.esc(e.ID)
	g.str(`" source="`)
	g.esc(e.Source)
	g.str(`" target="`)
	g.esc(e.Target)
	g.str(`">`)
	g.data(g.edgeOpen[0], edgeValue(e, AttrRelationship))
	for i, a := range g.edgeAttrs[1:] {
		g.data(g.edgeOpen[i+1], edgeValue(e, a.Name))
	}
	g.str("</edge>\n")
	return g.err
}

func (g *graphML) End() error {
	g.str("</graph>\n</graphml>\n")
	return g.end()
}

// gexf writes GEXF 1.3 (https://gexf.net): the attributes declared with
// their types, nodes labelled with their names, edges with their types.
type gexf struct{ xmlWriter }

// NewGEXF returns a Writer of GEXF 1.3.
func NewGEXF(w io.Writer) Writer { return &gexf{xmlWriter{w: bufio.NewWriterSize(w, 64<<10)}} }

func (g *gexf) Begin(nodeAttrs, edgeAttrs []Attr) error {
	g.nodeAttrs, g.edgeAttrs = nodeAttrs, edgeAttrs
	g.nodeOpen, g.edgeOpen = nil, nil
	for i := range nodeAttrs {
		g.nodeOpen = append(g.nodeOpen, `<attvalue for="`+strconv.Itoa(i)+`" value="`)
	}
	for i := range edgeAttrs {
		g.edgeOpen = append(g.edgeOpen, `<attvalue for="`+strconv.Itoa(i)+`" value="`)
	}
	g.str(xmlHeader)
	g.str(`<gexf xmlns="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">` + "\n")
	g.str("<meta><creator>kepugraph</creator><description>science-popularization network of China</description></meta>\n")
	g.str(`<graph defaultedgetype="directed" mode="static">` + "\n")
	for _, side := range []struct {
		class string
		attrs []Attr
	}{{"node", nodeAttrs}, {"edge", edgeAttrs}} {
		g.str(`<attributes class="` + side.class + `" mode="static">` + "\n")
		for i, a := range side.attrs {
			g.str(`<attribute id="` + strconv.Itoa(i) + `" title="`)
			g.esc(a.Name)
			g.str(`" type="` + a.xmlType() + `"/>` + "\n")
		}
		g.str("</attributes>\n")
	}
	g.str("<nodes>\n")
	return g.err
}

// attvalue writes an <attvalue> opened by open when v is present.
func (g *gexf) attvalue(open string, v any) { g.value(open, v, `"/>`) }

func (g *gexf) Node(n *Node) error {
	g.str(`<node id="`)
	g.esc(n.ID)
	g.str(`" label="`)
	g.esc(n.Props.String(kepu.PropName))
	g.str(`">`)
	g.str("<attvalues>")
	for i, a := range g.nodeAttrs {
		g.attvalue(g.nodeOpen[i], nodeValue(n, a.Name))
	}
	g.str("</attvalues></node>\n")
	return g.err
}

func (g *gexf) BeginEdges() error {
	g.str("</nodes>\n<edges>\n")
	return g.err
}

func (g *gexf) Edge(e *Edge) error {
	g.str(`<edge id="`)
	g.esc(e.ID)
	g.str(`" source="`)
	g.esc(e.Source)
	g.str(`" target="`)
	g.esc(e.Target)
	g.str(`" label="`)
	g.esc(string(e.Type))
	g.str(`">`)
	g.str("<attvalues>")
	for i, a := range g.edgeAttrs {
		g.attvalue(g.edgeOpen[i], edgeValue(e, a.Name))
	}
	g.str("</attvalues></edge>\n")
	return g.err
}

func (g *gexf) End() error {
	g.str("</edges>\n</graph>\n</gexf>\n")
	return g.end()
}
