package export

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"encoding/csv"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kepugraph/kepugraph/kepu"
)

// csvZip writes a zip of nodes.csv and edges.csv in the shape of Gephi's
// spreadsheet import: nodes.csv starts with Id and Label (the name), then
// the node attributes; edges.csv with Source, Target, Type (Directed), Id
// and Label (the relationship type), then the edge attributes, the source
// property as sourceRef. Absent values are empty cells.
//
// Text cells are escaped against formula injection (OWASP's CSV
// injection): one that starts with = + - @ a tab, a carriage return or a
// single quote gets a single quote in front (see EscapeCSVCell), so that a
// spreadsheet shows it as text instead of running it. Numbers and booleans
// are written as they are.
type csvZip struct {
	out                  *bufio.Writer
	zw                   *zip.Writer
	cw                   *csv.Writer
	nodeAttrs, edgeAttrs []Attr
	row                  []string
	t                    textBuf // the row's cells (see cell)
}

// NewCSV returns a Writer of a zip of Gephi spreadsheet CSVs.
func NewCSV(w io.Writer) Writer {
	out := bufio.NewWriterSize(w, 64<<10)
	zw := zip.NewWriter(out)
	// The fastest deflate level: the CSVs compress about 20 times at it,
	// and the default level costs several times the CPU of the export.
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	return &csvZip{out: out, zw: zw}
}

// zipEpoch is the zip format's earliest time (MS-DOS dates start in 1980).
var zipEpoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

func (c *csvZip) file(name string, header []string) error {
	if c.cw != nil {
		c.cw.Flush()
		if err := c.cw.Error(); err != nil {
			return err
		}
	}
	// No modification time (the zip format's earliest, 1980-01-01, as
	// reproducible builds write): two exports of the same selection of the
	// same graph are the same bytes, as the other formats are.
	f, err := c.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: zipEpoch})
	if err != nil {
		return err
	}
	c.cw = csv.NewWriter(f)
	return c.cw.Write(header)
}

func (c *csvZip) Begin(nodeAttrs, edgeAttrs []Attr) error {
	c.nodeAttrs, c.edgeAttrs = nodeAttrs, edgeAttrs
	header := []string{"Id", "Label"}
	for _, a := range nodeAttrs {
		header = append(header, a.Name)
	}
	return c.file("nodes.csv", header)
}

// cell returns v as a CSV cell, formatted into c.t; a text cell escaped
// (see EscapeCSVCell).
func (c *csvZip) cell(v any) string {
	s, _ := c.t.text(v)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if _, isText := v.(string); isText && csvTrigger(s) {
		start := len(c.t.b)
		c.t.b = append(append(c.t.b, '\''), s...)
		return string(c.t.b[start:])
	}
	return s
}

// csvTrigger reports whether a spreadsheet may read s as a formula (or
// whether s starts with the escaping quote).
func csvTrigger(s string) bool {
	return s != "" && strings.IndexByte("=+-@\t\r'", s[0]) >= 0
}

// EscapeCSVCell is what the CSV export writes for the text s: s with a
// single quote in front when it starts with = + - @ a tab, a carriage
// return (the characters that make a spreadsheet read a cell as a formula,
// OWASP's CSV injection) or a single quote (so that the escaping can be
// undone), else s.
func EscapeCSVCell(s string) string {
	if csvTrigger(s) {
		return "'" + s
	}
	return s
}

// UnescapeCSVCell undoes EscapeCSVCell: a cell that starts with a single
// quote loses it. Numbers and booleans never start with one.
func UnescapeCSVCell(s string) string {
	return strings.TrimPrefix(s, "'")
}

func (c *csvZip) Node(n *Node) error {
	c.t.reset()
	c.row = append(c.row[:0], EscapeCSVCell(n.ID), c.cell(n.Props[kepu.PropName]))
	for _, a := range c.nodeAttrs {
		c.row = append(c.row, c.cell(nodeValue(n, a.Name)))
	}
	return c.cw.Write(c.row)
}

func (c *csvZip) BeginEdges() error {
	header := []string{"Source", "Target", "Type", "Id", "Label"}
	for _, a := range c.edgeAttrs {
		name := a.Name
		if name == kepu.PropSource {
			name = AttrSourceRef
		}
		header = append(header, name)
	}
	return c.file("edges.csv", header)
}

func (c *csvZip) Edge(e *Edge) error {
	c.t.reset()
	c.row = append(c.row[:0], EscapeCSVCell(e.Source), EscapeCSVCell(e.Target), "Directed", EscapeCSVCell(e.ID), string(e.Type))
	for _, a := range c.edgeAttrs {
		c.row = append(c.row, c.cell(edgeValue(e, a.Name)))
	}
	return c.cw.Write(c.row)
}

func (c *csvZip) End() error {
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return err
	}
	if err := c.zw.Close(); err != nil {
		return err
	}
	return c.out.Flush()
}
