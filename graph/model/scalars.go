package model

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
)

// The scalars of the schema whose Go side is ours rather than gqlgen's:
// Int is a 32-bit signed integer, as the GraphQL specification requires
// (gqlgen's graphql.Int is 64-bit and reads strings); WholeNumber is the
// schema's own scalar for whole-number figures that may exceed 2^31 − 1;
// Float is written as a whole number when it is one (54653000, never
// 5.4653e+07).
//
// The unmarshalers are the last line of input coercion: graph's validation
// rule and variable check reject wrong values before execution with the
// GraphQL messages, so these only see values that already passed.

// MaxWholeNumber is the largest WholeNumber, 2^53 − 1: the largest integer
// a JSON number read as an IEEE double (JavaScript's Number) keeps exactly.
const MaxWholeNumber = 1<<53 - 1

// MarshalInt writes an Int. A value outside 32 bits is a field error (the
// specification's result coercion), never a silent overflow.
func MarshalInt(i int) graphql.ContextMarshaler {
	return graphql.ContextWriterFunc(func(_ context.Context, w io.Writer) error {
		if i > math.MaxInt32 || i < math.MinInt32 {
			return coercionErrorf("Int cannot represent non 32-bit signed integer value: %d", i)
		}
		_, err := io.WriteString(w, strconv.Itoa(i))
		return err
	})
}

// UnmarshalInt reads an Int: an integer (a literal, or a JSON number
// without a fractional part) within 32 bits. Strings are never Ints.
func UnmarshalInt(_ context.Context, v any) (int, error) {
	n, err := wholeNumber("Int", v, math.MinInt32, math.MaxInt32)
	return int(n), err
}

// MarshalWholeNumber writes a WholeNumber as a JSON integer.
func MarshalWholeNumber(i int) graphql.ContextMarshaler {
	return graphql.ContextWriterFunc(func(_ context.Context, w io.Writer) error {
		if i > MaxWholeNumber || i < -MaxWholeNumber {
			return coercionErrorf("WholeNumber cannot represent an integer beyond 2^53 - 1: %d", i)
		}
		_, err := io.WriteString(w, strconv.Itoa(i))
		return err
	})
}

// UnmarshalWholeNumber reads a WholeNumber: an integer within ±(2^53 − 1).
func UnmarshalWholeNumber(_ context.Context, v any) (int, error) {
	n, err := wholeNumber("WholeNumber", v, -MaxWholeNumber, MaxWholeNumber)
	return int(n), err
}

// MarshalFloat writes a Float as JavaScript's Number.prototype.toString
// does: positional notation from 1e-6 to 1e21 (54653000, 0.5), exponent
// notation outside it. NaN and infinities are field errors.
func MarshalFloat(f float64) graphql.ContextMarshaler {
	return graphql.ContextWriterFunc(func(_ context.Context, w io.Writer) error {
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return coercionErrorf("Float cannot represent a non-finite value")
		}
		_, err := io.WriteString(w, FormatFloat(f))
		return err
	})
}

// FormatFloat formats f as MarshalFloat writes it.
func FormatFloat(f float64) string {
	if a := math.Abs(f); a == 0 || (a >= 1e-6 && a < 1e21) {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// UnmarshalFloat reads a Float: any finite number (integers included).
// Strings are never Floats.
func UnmarshalFloat(_ context.Context, v any) (float64, error) {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case int64:
		f = float64(x)
	case int:
		f = float64(x)
	case json.Number:
		var err error
		if f, err = strconv.ParseFloat(string(x), 64); err != nil {
			return 0, coercionErrorf("Float cannot represent non numeric value: %s", x)
		}
	default:
		return 0, coercionErrorf("Float cannot represent non numeric value: %s", Show(v))
	}
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, coercionErrorf("Float cannot represent non numeric value: %s", Show(v))
	}
	return f, nil
}

// CoercionError is a value that a scalar cannot represent. Its message
// follows graphql-js's wording ("Int cannot represent …"), hence the
// capital letter.
type CoercionError string

func (e CoercionError) Error() string { return string(e) }

func coercionErrorf(format string, args ...any) error {
	return CoercionError(fmt.Sprintf(format, args...))
}

// wholeNumber reads an integer of the scalar typ between lo and hi.
func wholeNumber(typ string, v any, lo, hi int64) (int64, error) {
	var n int64
	switch x := v.(type) {
	case int64:
		n = x
	case int:
		n = int64(x)
	case int32:
		n = int64(x)
	case json.Number:
		f, ok := IntegerValue(string(x))
		if !ok {
			return 0, coercionErrorf("%s cannot represent non-integer value: %s", typ, x)
		}
		n = f
	case float64:
		if x != math.Trunc(x) || math.IsInf(x, 0) || math.Abs(x) > 1<<62 {
			return 0, coercionErrorf("%s cannot represent non-integer value: %s", typ, Show(v))
		}
		n = int64(x)
	default:
		return 0, coercionErrorf("%s cannot represent non-integer value: %s", typ, Show(v))
	}
	if n < lo || n > hi {
		if typ == "Int" {
			return 0, coercionErrorf("Int cannot represent non 32-bit signed integer value: %s", Show(v))
		}
		return 0, coercionErrorf("%s cannot represent an integer beyond 2^53 - 1: %s", typ, Show(v))
	}
	return n, nil
}

// IntegerValue parses a JSON number that is a whole number ("3", "3.0",
// "3e2"); ok is false for a fractional one or one beyond int64.
func IntegerValue(s string) (int64, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.IsInf(f, 0) {
		return 0, false
	}
	if math.Abs(f) >= 1<<63 {
		// Beyond int64: report it as out of range by a saturated value.
		if f < 0 {
			return math.MinInt64, true
		}
		return math.MaxInt64, true
	}
	return int64(f), true
}

// Show writes a value as the client sent it (JSON), for error messages.
func Show(v any) string {
	switch x := v.(type) {
	case json.Number:
		return string(x)
	case nil:
		return "null"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// MarshalJSON writes a JSON scalar (an object: a node's or a
// relationship's properties) as the rest of the response is written:
// compact, "&", "<" and ">" as they are, no newline after it (gqlgen's
// graphql.MarshalMap wrote "S\u0026T" and ended every object with a
// newline). A value JSON cannot hold (a non-finite float) is a field
// error, never a panic.
func MarshalJSON(m map[string]any) graphql.ContextMarshaler {
	return graphql.ContextWriterFunc(func(_ context.Context, w io.Writer) error {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(m); err != nil {
			return coercionErrorf("JSON cannot represent the value: %v", err)
		}
		_, err := w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
		return err
	})
}

// UnmarshalJSON reads a JSON scalar: an object.
func UnmarshalJSON(_ context.Context, v any) (map[string]any, error) {
	if m, ok := v.(map[string]any); ok {
		return m, nil
	}
	return nil, coercionErrorf("JSON must be an object, got %s", Show(v))
}
