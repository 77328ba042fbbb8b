// Package model holds the Go types behind the GraphQL schema. The node,
// connection and link types are generated from the kepu registry
// (nodes_gen.go); the rest are written here.
package model

import (
	"context"

	"github.com/kepugraph/kepugraph/kepu"
)

// Node is any node of the graph (the GraphQL Node interface).
type Node interface {
	IsNode()
	// StoreID returns the node's store ID ("Label:key").
	StoreID() string
}

// Place is a province, prefecture or county (the GraphQL Place interface).
type Place interface {
	Node
	IsPlace()
}

// Places finds the places of the nodes of one request: the node at a level
// of the administrative hierarchy (kepu.Province, kepu.Prefecture or
// kepu.County) that the node id is located in or belongs to; found is false
// when there is none (a node is not its own place). Every node model that
// has place fields holds the Places of its request (graph.Loaders), given
// to its constructor. The place fields are plain methods (School.County...):
// gqlgen calls them in the goroutine of their parent, not in one of their
// own, because the lookahead prefetch normally loaded the answer already.
type Places interface {
	PlaceOf(id string, level kepu.Label) (n kepu.Node, found bool, err error)
}

// placeOf returns the model of the place at a level of the node id (nil
// when it has none), found through places.
func placeOf[T any](places Places, id string, level kepu.Label, build func(kepu.Node, Places) *T) (*T, error) {
	if places == nil {
		return nil, kepu.Errorf(kepu.Internal, "no places for the %s of %s", level, id)
	}
	n, found, err := places.PlaceOf(id, level)
	if err != nil || !found {
		return nil, err
	}
	return build(n, places), nil
}

// CountFunc counts the items of a whole list. Connections call it only when
// totalCount is selected.
type CountFunc func(ctx context.Context) (int, error)

// PageInfo describes a page of a connection.
type PageInfo struct {
	HasNextPage     bool
	HasPreviousPage bool
	StartCursor     *string
	EndCursor       *string
}

// OrderInput is one sort key of any connection: an order-field enum value and
// a direction (ASC or DESC).
type OrderInput struct {
	Field     string `json:"field"`
	Direction string `json:"direction"`
}

// CountGroup is one group of an aggregate.
type CountGroup struct {
	Key   string
	Label string
	Count int
}

// Ratio is a ratio with its parts.
type Ratio struct {
	Numerator   float64
	Denominator float64
	Value       float64
}

// NewRatio returns num/den (0 when den is 0).
func NewRatio(num, den float64) *Ratio {
	r := &Ratio{Numerator: num, Denominator: den}
	if den != 0 {
		r.Value = num / den
	}
	return r
}

// KindCount is the number of museums of one kind.
type KindCount struct {
	Kind  string
	Count int
}

// RuralReach says where the rural middle-school museums are.
type RuralReach struct {
	MainlandProvinces int
	IncludesXpcc      bool
}

// ProgramFigures are the figures reported on a program node.
type ProgramFigures struct {
	Name          string
	Organizations *int
	Activities    *int
	Audience      *int
}

// SystemStats are the published figures, computed from the graph.
type SystemStats struct {
	MuseumsByKind                        []*KindCount
	ProvincialCoverage                   *Ratio
	PrefectureCoverage                   *Ratio
	CountyLevelMuseums                   int
	FreeEntryMuseums                     int
	MobileTours                          int
	CountiesVisitedByMobile              int
	ProvincesVisitedByMobile             int
	ToursPerCounty                       *Ratio
	MuseumsHelpedByMobile                int
	CaravanDistanceKm                    float64
	CaravanEarthLaps                     int
	RuralMuseumProvinces                 *RuralReach
	RuralTeachersTrained                 int
	RuralPersonTime                      int // a WholeNumber
	OfflineVisits                        int // a WholeNumber
	ForumSessions                        int
	BeijingScienceCarnival               *ProgramFigures
	CommunicationWeek2023Representatives *int
}

// Property readers used by the generated constructors.

// stringIn, intIn, floatIn and boolIn read an optional property into dst
// and return dst, or nil when the property is absent (see the values
// structs of the generated models).
func stringIn(dst *string, p kepu.Props, k string) *string {
	if s, ok := p[k].(string); ok {
		*dst = s
		return dst
	}
	return nil
}

func intIn(dst *int, p kepu.Props, k string) *int {
	if v, ok := p.Int(k); ok {
		*dst = int(v)
		return dst
	}
	return nil
}

func floatIn(dst *float64, p kepu.Props, k string) *float64 {
	if v, ok := p.Float(k); ok {
		*dst = v
		return dst
	}
	return nil
}

func boolIn(dst *bool, p kepu.Props, k string) *bool {
	if v, ok := p.Bool(k); ok {
		*dst = v
		return dst
	}
	return nil
}

func stringPtr(p kepu.Props, k string) *string {
	if s, ok := p[k].(string); ok {
		return &s
	}
	return nil
}

func intPtr(p kepu.Props, k string) *int {
	if v, ok := p.Int(k); ok {
		n := int(v)
		return &n
	}
	return nil
}

//lint:ignore U1000 schemagen emits calls to it for required properties of this type; the registry has none today.
func intValue(p kepu.Props, k string) int { v, _ := p.Int(k); return int(v) }

//lint:ignore U1000 schemagen emits calls to it for optional edge properties of this type; the registry has none today.
func floatPtr(p kepu.Props, k string) *float64 {
	if v, ok := p.Float(k); ok {
		return &v
	}
	return nil
}

//lint:ignore U1000 schemagen emits calls to it for required properties of this type; the registry has none today.
func floatValue(p kepu.Props, k string) float64 { v, _ := p.Float(k); return v }

//lint:ignore U1000 schemagen emits calls to it for optional edge properties of this type; the registry has none today.
func boolPtr(p kepu.Props, k string) *bool {
	if v, ok := p.Bool(k); ok {
		return &v
	}
	return nil
}

//lint:ignore U1000 schemagen emits calls to it for required properties of this type; the registry has none today.
func boolValue(p kepu.Props, k string) bool { v, _ := p.Bool(k); return v }

func listValue(p kepu.Props, k string) []string {
	if l, ok := p[k].([]string); ok {
		return append([]string(nil), l...)
	}
	return nil
}
