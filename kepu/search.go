package kepu

import (
	"slices"
	"strconv"
	"strings"
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

// searchSignature is the order signature of the cursors of a search: the
// text as given and the set of labels (order and repeats aside), so that a
// cursor of one search is refused by another (its scores rank other hits).
func searchSignature(q SearchQuery) string {
	labels := make([]string, 0, len(q.Labels))
	for _, l := range q.Labels {
		labels = append(labels, string(l))
	}
	slices.Sort(labels)
	labels = slices.Compact(labels)
	return OrderSignature("search\x00"+q.Text+"\x00"+strings.Join(labels, ","), []OrderKey{{Prop: "score", Desc: true}})
}

// SearchCursor is the opaque cursor of a hit of the search q: its score and
// node ID, with q's text and labels (searchSignature).
func SearchCursor(q SearchQuery, score float64, id string) string {
	return EncodeCursor(searchSignature(q), Cursor{Keys: []any{score}, ID: id})
}

// DecodeSearchCursor returns the score and node ID of q.After; BadUserInput
// when it is malformed or made by another list or another search (another
// text or other labels).
func DecodeSearchCursor(q SearchQuery) (float64, string, error) {
	c, err := DecodeCursor(searchSignature(q), 1, q.After)
	if err != nil {
		return 0, "", err
	}
	if len(c.Keys) != 1 {
		return 0, "", InvalidCursor(q.After)
	}
	f, ok := c.Keys[0].(float64)
	if !ok {
		return 0, "", InvalidCursor(q.After)
	}
	return f, c.ID, nil
}

// ValidateSearch checks the labels and the page of a search query (the
// text is checked by textsearch.Parse): BadUserInput for an unknown label,
// a negative page size or a malformed cursor.
func ValidateSearch(q SearchQuery) error {
	for _, l := range q.Labels {
		if LookupLabel(l) == nil {
			return Errorf(BadUserInput, "unknown label %q", Truncate(string(l), 40))
		}
	}
	if q.First < 0 {
		return Errorf(BadUserInput, "page size must not be negative, got %s", strconv.Itoa(q.First))
	}
	if q.After != "" {
		if _, _, err := DecodeSearchCursor(q); err != nil {
			return err
		}
	}
	return nil
}
