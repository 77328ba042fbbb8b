package kepu

import (
	"strconv"
)

// SearchQuery asks for the nodes whose names match a text, ranked by
// relevance (see Store.Search and package textsearch for the rules).
type SearchQuery struct {
	Text   string  // the search text: Chinese, English, pinyin or its initials, mixed
	Labels []Label // only nodes with one of these labels; empty: every label
	First  int     // page size, >= 0 (0: no hits, only Total and HasNext)
	After  string  // cursor of the last hit of the previous page, or ""
}

// SearchHit is one ranked match.
type SearchHit struct {
	Node   Node
	Score  float64 // relevance in (0, 1.5], higher first (textsearch.Query.Score)
	Cursor string
}

// SearchPage is one page of hits, best first, ties by node ID.
type SearchPage struct {
	Hits    []SearchHit
	HasNext bool // hits follow this page
	HasPrev bool // After was given
	Total   int  // matching nodes in all
}

// searchSignature is the order signature of search cursors.
var searchSignature = OrderSignature("search", []OrderKey{{Prop: "score", Desc: true}})

// SearchCursor is the opaque cursor of a hit: its score and node ID.
func SearchCursor(score float64, id string) string {
	return EncodeCursor(searchSignature, Cursor{Keys: []any{score}, ID: id})
}

// DecodeSearchCursor returns the score and node ID of a search cursor;
// BadUserInput when it is malformed or made by another list.
func DecodeSearchCursor(s string) (float64, string, error) {
	c, err := DecodeCursor(searchSignature, 1, s)
	if err != nil {
		return 0, "", err
	}
	if len(c.Keys) != 1 {
		return 0, "", Errorf(BadUserInput, "invalid cursor")
	}
	f, ok := c.Keys[0].(float64)
	if !ok {
		return 0, "", Errorf(BadUserInput, "invalid cursor")
	}
	return f, c.ID, nil
}

// ValidateSearch checks the labels and the page of a search query (the
// text is checked by textsearch.Parse): BadUserInput for an unknown label,
// a negative page size or a malformed cursor.
func ValidateSearch(q SearchQuery) error {
	for _, l := range q.Labels {
		if LookupLabel(l) == nil {
			return Errorf(BadUserInput, "unknown label %q", truncate(string(l), 40))
		}
	}
	if q.First < 0 {
		return Errorf(BadUserInput, "page size must not be negative, got %s", strconv.Itoa(q.First))
	}
	if q.After != "" {
		if _, _, err := DecodeSearchCursor(q.After); err != nil {
			return err
		}
	}
	return nil
}
