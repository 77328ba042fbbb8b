package export

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"slices"
	"strconv"
	"unsafe"

	"github.com/kepugraph/kepugraph/kepu"
)

// Attribute names beyond the stored properties. Every node also has its
// properties (name, nameZh, provenance, source, ...) under their own names,
// and every edge its properties (provenance, source, since, ...).
//
// Where a format has a display label (GEXF's label, Gephi's Label column,
// Cytoscape's and graphology's label data), a node's is its name and an
// edge's is its relationship type; GraphML gets a "label" key with the same
// values, which Gephi reads as the label.
//
// Cytoscape.js edge data and Gephi's edge table reserve "source" for the
// edge's start, so there an edge's source property is named "sourceRef".
const (
	AttrNodeLabel    = "nodeLabel"    // the node's label: Museum, School, ...
	AttrProvinceCode = "provinceCode" // ISO 3166-2:CN code of the node's province ("" when it has none)
	AttrRelationship = "relationship" // the edge's type: PARTNERS_WITH, ...
	AttrLabel        = "label"        // display label: a node's name, an edge's type
	AttrSourceRef    = "sourceRef"    // an edge's source property where "source" is reserved
)

// Attr is one attribute of the nodes or of the edges of an export, with the
// type of its values.
//
// Types map to GraphML's attr.type and GEXF's attribute types: Int is long,
// Float double, Bool boolean; String, Enum and Date are string, and a
// StringList is written as the text of a JSON array of strings (JSON formats
// keep the array).
type Attr struct {
	Name string
	Type kepu.PropType
}

// xmlType is the attribute's GraphML and GEXF type.
func (a Attr) xmlType() string {
	switch a.Type {
	case kepu.Int:
		return "long"
	case kepu.Float:
		return "double"
	case kepu.Bool:
		return "boolean"
	}
	return "string"
}

// text returns a value in the text form of XML and CSV files, and whether
// it is present.
func text(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case int64:
		return strconv.FormatInt(x, 10), true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", false
		}
		return strconv.FormatFloat(x, 'g', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	case []string:
		b, _ := json.Marshal(x)
		return string(b), true
	}
	b, err := json.Marshal(v)
	return string(b), err == nil
}

// textBuf formats values in the text form of text into a buffer reused
// from one element to the next, so that numbers and lists cost no
// allocation. The strings it returns share the buffer: they are valid
// until reset.
type textBuf struct {
	b    []byte
	list bytes.Buffer
	enc  *json.Encoder // json.Marshal's encoding, into list
}

func (t *textBuf) reset() { t.b = t.b[:0] }

// text returns text(v), formatted into the buffer.
func (t *textBuf) text(v any) (string, bool) {
	start := len(t.b)
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true // constants
	case int64:
		t.b = strconv.AppendInt(t.b, x, 10)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", false
		}
		t.b = strconv.AppendFloat(t.b, x, 'g', -1, 64)
	case []string:
		if t.enc == nil {
			t.enc = json.NewEncoder(&t.list)
		}
		t.list.Reset()
		if err := t.enc.Encode(v); err != nil {
			return "", false
		}
		t.b = append(t.b, bytes.TrimSuffix(t.list.Bytes(), []byte("\n"))...)
	default:
		return text(v)
	}
	if len(t.b) == start {
		return "", true
	}
	return unsafe.String(&t.b[start], len(t.b)-start), true
}

// labelValues and relValues hold the labels and relationship types as
// values of type any, made once: making an interface value of a string
// allocates, and the node label and relationship attributes are read for
// every element.
var labelValues, relValues = func() (map[kepu.Label]any, map[kepu.RelType]any) {
	ls, rs := map[kepu.Label]any{}, map[kepu.RelType]any{}
	for _, d := range kepu.LabelDefs() {
		ls[d.Label] = string(d.Label)
	}
	for _, d := range kepu.RelDefs() {
		rs[d.Type] = string(d.Type)
	}
	return ls, rs
}()

// nodeValue returns the value of a node attribute (nil when absent).
func nodeValue(n *Node, name string) any {
	switch name {
	case AttrNodeLabel:
		if v, ok := labelValues[n.Label]; ok {
			return v
		}
		return string(n.Label)
	case AttrProvinceCode:
		switch {
		case n.ProvinceCode == "":
			return nil
		case n.provinceValue != nil:
			return n.provinceValue
		}
		return n.ProvinceCode
	}
	return n.Props[name]
}

// edgeValue returns the value of an edge attribute (nil when absent).
func edgeValue(e *Edge, name string) any {
	if name == AttrRelationship {
		if v, ok := relValues[e.Type]; ok {
			return v
		}
		return string(e.Type)
	}
	return e.Props[name]
}

// Format describes one file format.
type Format struct {
	Name        string // the {format} of /export/{format}
	ContentType string
	Ext         string // file name extension, with its dot
	New         func(w io.Writer) Writer
}

// Formats lists the supported formats.
var Formats = []Format{
	{Name: "graphml", ContentType: "application/graphml+xml; charset=utf-8", Ext: ".graphml", New: NewGraphML},
	{Name: "gexf", ContentType: "application/gexf+xml; charset=utf-8", Ext: ".gexf", New: NewGEXF},
	{Name: "cytoscape", ContentType: "application/json; charset=utf-8", Ext: ".cyjs", New: NewCytoscape},
	{Name: "graphology", ContentType: "application/json; charset=utf-8", Ext: ".json", New: NewGraphology},
	{Name: "csv", ContentType: "application/zip", Ext: ".zip", New: NewCSV},
	{Name: "jsonl", ContentType: "application/x-ndjson; charset=utf-8", Ext: ".jsonl", New: NewJSONL},
}

// LookupFormat returns the format with the name, or nil.
func LookupFormat(name string) *Format {
	i := slices.IndexFunc(Formats, func(f Format) bool { return f.Name == name })
	if i < 0 {
		return nil
	}
	return &Formats[i]
}
