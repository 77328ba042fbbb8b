package export

import (
	"encoding/json"
	"io"
	"math"
	"slices"
	"strconv"

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

// nodeValue returns the value of a node attribute (nil when absent).
func nodeValue(n *Node, name string) any {
	switch name {
	case AttrNodeLabel:
		return string(n.Label)
	case AttrProvinceCode:
		if n.ProvinceCode == "" {
			return nil
		}
		return n.ProvinceCode
	}
	return n.Props[name]
}

// edgeValue returns the value of an edge attribute (nil when absent).
func edgeValue(e *Edge, name string) any {
	if name == AttrRelationship {
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
