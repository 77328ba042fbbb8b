package kepu

import (
	"cmp"
	"slices"
	"strings"
)

// CompareValues orders two property values of one type: -1, 0 or +1. nil
// (absent) is greater than every present value, as in Neo4j's ascending
// order. false < true. Lists compare element by element.
func CompareValues(a, b any) int {
	if a == nil || b == nil {
		switch {
		case a == nil && b == nil:
			return 0
		case a == nil:
			return 1
		}
		return -1
	}
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y)
		}
	case int64:
		switch y := b.(type) {
		case int64:
			return cmp.Compare(x, y)
		case float64:
			return cmp.Compare(float64(x), y)
		}
	case float64:
		switch y := b.(type) {
		case float64:
			return cmp.Compare(x, y)
		case int64:
			return cmp.Compare(x, float64(y))
		}
	case bool:
		if y, ok := b.(bool); ok {
			switch {
			case x == y:
				return 0
			case !x:
				return -1
			}
			return 1
		}
	case []string:
		if y, ok := b.([]string); ok {
			return slices.Compare(x, y)
		}
	}
	return 0
}

// ValueEqual reports whether two normalized property values are equal.
func ValueEqual(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return CompareValues(a, b) == 0 && sameKind(a, b)
}

func sameKind(a, b any) bool {
	switch a.(type) {
	case string:
		_, ok := b.(string)
		return ok
	case bool:
		_, ok := b.(bool)
		return ok
	case []string:
		_, ok := b.([]string)
		return ok
	}
	switch b.(type) {
	case int64, float64:
		return true
	}
	return false
}
