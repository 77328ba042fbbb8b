// Package dumptest holds a graph for the tests of the packages that carry
// records out of the store (dump, export): every property of every label
// and relationship type, at the edges of what the schema allows.
package dumptest

import (
	"github.com/kepugraph/kepugraph/dump"
	"github.com/kepugraph/kepugraph/kepu"
)

// Nasty is text every format must carry as it is: XML's and JSON's
// special characters, the white space XML keeps only when escaped, the
// line ends of XML 1.1 (U+0085, U+2028) and the separators JavaScript once
// refused, Chinese, an emoji beyond the BMP, a spreadsheet formula and a
// leading space.
const Nasty = " Quote \" amp & lt < gt > apos ' back\\slash tab\t nl\n cr\r crlf\r\n \u0085\u2028\u2029 科普中国 😀 =1+1 "

// EveryProperty returns a graph of two nodes of every label and one edge
// of every relationship type, each record with every property of its
// label or type set, at the edges of what the schema allows: text Nasty,
// years at MaxYear, counts at MaxAmount, a float whose every digit counts,
// false, a list of four strings. The second node of a label has only its
// required properties (a year at MinYear, a count 0, the smallest float,
// an empty list where one is required) and an empty nameZh. Node keys use
// every kind of character a key may hold; edges join the first node of
// their From label to the second of their To label.
func EveryProperty() *dump.Graph {
	value := func(p kepu.PropDef, i int) any {
		switch p.Type {
		case kepu.String:
			if i == 0 {
				return Nasty
			}
			return Nasty[1:6]
		case kepu.Enum:
			return p.Values[len(p.Values)-1]
		case kepu.Date:
			return "2024-02-29"
		case kepu.Int:
			switch {
			case p.Year && i == 0:
				return int64(kepu.MaxYear)
			case p.Year:
				return int64(kepu.MinYear)
			case i == 0:
				return int64(kepu.MaxAmount)
			}
			return int64(0)
		case kepu.Float:
			if i == 0 {
				return 0.1 + 0.2 // 0.30000000000000004: every digit counts
			}
			return 5e-324
		case kepu.Bool:
			return false
		case kepu.StringList:
			if i == 0 {
				return []string{"", Nasty, "a,b", "[\"x\"]"}
			}
			return []string{}
		}
		panic(p.Type)
	}
	g := &dump.Graph{}
	for _, d := range kepu.LabelDefs() {
		for i := range 2 {
			n := kepu.Node{ID: string(d.Label) + ":k-" + string(rune('a'+i)) + ".1_Z", Label: d.Label, Props: kepu.Props{}}
			for _, p := range d.Props {
				if i == 0 || p.Required {
					n.Props[p.Name] = value(p, i)
				}
			}
			if i == 1 {
				n.Props[kepu.PropNameZh] = "" // present and empty, not absent
			}
			g.Nodes = append(g.Nodes, n)
		}
	}
	for _, d := range kepu.RelDefs() {
		from, to := d.From[0], d.To[0]
		if d.Pairs != nil {
			from, to = d.Pairs[0][0], d.Pairs[0][1]
		}
		e := kepu.Edge{Type: d.Type, From: string(from) + ":k-a.1_Z", To: string(to) + ":k-b.1_Z", Props: kepu.Props{}}
		for _, p := range d.Props {
			e.Props[p.Name] = value(p, 0)
		}
		g.Edges = append(g.Edges, e)
	}
	return g
}
