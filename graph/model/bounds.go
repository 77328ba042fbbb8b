package model

import (
	"fmt"

	"github.com/kepugraph/kepugraph/kepu"
)

// Bound is the inclusive range of values an Int argument accepts.
type Bound struct{ Min, Max int }

// BoundError is the error of an Int argument outside its Bound:
// BAD_USER_INPUT (it unwraps to a *kepu.Error with that code), with the
// message "<argument> must be between <min> and <max>, got <value>", the
// same for a value below and above the range. The error presenter adds
// extensions argument, min, max and value.
type BoundError struct {
	Argument string
	Value    int
	Bound
}

func (e *BoundError) Error() string {
	return fmt.Sprintf("%s must be between %d and %d, got %d", e.Argument, e.Min, e.Max, e.Value)
}

// Unwrap returns the error as a *kepu.Error (code BAD_USER_INPUT).
func (e *BoundError) Unwrap() error {
	return &kepu.Error{Code: kepu.BadUserInput, Message: e.Error(), Field: e.Argument}
}

// Check returns a *BoundError when v is outside b, naming the argument.
func (b Bound) Check(argument string, v int) error {
	if v < b.Min || v > b.Max {
		return &BoundError{Argument: argument, Value: v, Bound: b}
	}
	return nil
}

// PageBound is the bound of every page size (first and last): 0 (only
// totalCount and pageInfo, as Relay allows) to the maximum page size.
func PageBound(maxPage int) Bound { return Bound{Min: 0, Max: maxPage} }

// CheckPage checks the page sizes first and last (nil: not given) against
// PageBound(maxPage); a maxPage of 0 or less leaves the upper end open.
func CheckPage(first, last *int, maxPage int) error {
	b := PageBound(maxPage)
	if maxPage <= 0 {
		b.Max = int(^uint32(0) >> 1)
	}
	if first != nil {
		if err := b.Check("first", *first); err != nil {
			return err
		}
	}
	if last != nil {
		if err := b.Check("last", *last); err != nil {
			return err
		}
	}
	return nil
}
