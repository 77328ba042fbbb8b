package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/kepugraph/kepugraph/graph/model"
	"github.com/kepugraph/kepugraph/kepu"
)

// Input coercion as the GraphQL specification describes it (sections
// "Input Coercion" of each scalar and enum, "Coercing Variable Values",
// "Input Objects", "Lists"), where gqlparser and gqlgen are lax:
//
//   - Int is 32-bit: a literal or variable beyond it is an error
//     ("Int cannot represent non 32-bit signed integer value: 2147483648"),
//     never stored. gqlparser checks literals only for their syntax.
//   - A variable's value is coerced strictly: a string is never an Int,
//     Float or Boolean (gqlparser accepts "3" as an Int), an enum value
//     must be spelled exactly (gqlparser ignores case), and the error names
//     the value sent and where it sits in the variable (gqlparser says
//     "cannot use value 0 as Int" for 1.5).
//   - An enum value written as a string literal ("MOBILE") is told to drop
//     the quotes.
//   - A Float beyond the range of a 64-bit float (1e400) is one error that
//     names the value, its place and the range (gqlparser calls it "non
//     numeric" and, in a variable's default, reports it again at every use
//     of the variable; floatRange, reportedElsewhere).
//
// Literal errors are validation errors (GRAPHQL_VALIDATION_FAILED);
// variable errors are BAD_USER_INPUT, both before anything executes.

func init() {
	// A variable coercion error is a request error: 422 with
	// application/json, 400 with application/graphql-response+json (the
	// status a resolver's BAD_USER_INPUT never sees: execution answers 200).
	errcode.RegisterErrorType(kepu.BadUserInput, errcode.KindProtocol)
}

// validationRules returns gqlparser's default rules with ValuesOfCorrectType
// wrapped (the enum-as-string message) and the range checks of Int and
// WholeNumber literals added.
func validationRules(maxString int) *rules.Rules {
	r := rules.NewDefaultRules()
	inner := rules.ValuesOfCorrectTypeRule
	r.ReplaceRule(inner.Name, func(observers *core.Events, addError core.AddErrFunc) {
		// The value the rule is looking at (the observers of a value run
		// in the order they were added: this one first), and whether its
		// first error was dropped (reportedElsewhere).
		var cur *ast.Value
		dropped := false
		observers.OnValue(func(_ *core.Walker, v *ast.Value) { cur, dropped = v, false })
		inner.RuleFunc(observers, func(options ...core.ErrorOption) {
			if !dropped && reportedElsewhere(cur) {
				dropped = true
				return
			}
			addError(append(options, rewordEnumString)...)
		})
	})
	r.AddRule("ScalarRanges", scalarRanges)
	r.AddRule("FloatRange", floatRange)
	if maxString > 0 {
		r.AddRule("StringLength", func(observers *core.Events, addError core.AddErrFunc) {
			observers.OnValue(func(_ *core.Walker, value *ast.Value) {
				if (value.Kind == ast.StringValue || value.Kind == ast.BlockValue) && len(value.Raw) > maxString {
					addError(core.Message("%s", stringTooLong(len(value.Raw), maxString)), core.At(value.Position))
				}
			})
		})
	}
	return r
}

var enumString = regexp.MustCompile(`^Enum "([^"]+)" cannot represent non-enum value: "([^"]*)"\.`)

// rewordEnumString rewrites gqlparser's message for an enum value written
// as a string that names a value of the enum ("…non-enum value: "MOBILE".
// Did you mean the enum value "MOBILE"?") into advice to drop the quotes.
func rewordEnumString(err *gqlerror.Error) {
	m := enumString.FindStringSubmatch(err.Message)
	if m == nil {
		return
	}
	if strings.Contains(err.Message, `Did you mean the enum value "`+m[2]+`"?`) {
		err.Message = fmt.Sprintf(`Enum "%s" cannot represent the string "%s": enum values are written without quotes, as %s.`, m[1], m[2], m[2])
	}
}

// reportedElsewhere reports whether ValuesOfCorrectType's first error
// for the value v (the one it gives when v does not convert: v.Value
// fails) is a fault another rule reports once, where it is, so that one
// fault is one error: a Float literal beyond the range of a 64-bit float
// (floatRange names it and its place; gqlparser called 1e400 "non
// numeric"), and a value that holds a variable whose default does not
// convert (gqlparser reports the default, then every value that uses the
// variable again: "Float cannot represent non numeric value: $x",
// "Expected value of type "FloatFilter", found {gte:$x}."). The literals
// around a Float out of range are left to redundantValueErrors.
func reportedElsewhere(v *ast.Value) bool {
	if v == nil {
		return false
	}
	if _, err := v.Value(nil); err == nil {
		return false
	}
	if (v.Kind == ast.IntValue || v.Kind == ast.FloatValue) && v.Definition != nil && v.Definition.Name == "Float" {
		_, err := strconv.ParseFloat(v.Raw, 64)
		return errors.Is(err, strconv.ErrRange)
	}
	return convertsButVariables(v)
}

// convertsButVariables reports whether every literal of v converts as
// ast.Value.Value converts it (an Int within 64 bits, a Float within
// float64), its variables left aside: when v.Value fails nonetheless, a
// variable's default is what fails.
func convertsButVariables(v *ast.Value) bool {
	switch v.Kind {
	case ast.IntValue:
		_, err := strconv.ParseInt(v.Raw, 10, 64)
		return err == nil
	case ast.FloatValue:
		_, err := strconv.ParseFloat(v.Raw, 64)
		return err == nil
	case ast.BooleanValue:
		_, err := strconv.ParseBool(v.Raw)
		return err == nil
	case ast.ListValue, ast.ObjectValue:
		for _, c := range v.Children {
			if c.Value != nil && !convertsButVariables(c.Value) {
				return false
			}
		}
	}
	return true
}

// floatRangeMessage is the reason a Float value beyond the range of a
// 64-bit float (a literal such as 1e400, or a variable's JSON number) is
// refused, with its place in parentheses unless place is "".
func floatRangeMessage(raw, place string) string {
	if place != "" {
		place = " (" + place + ")"
	}
	return fmt.Sprintf("Float cannot represent %s%s: it is beyond the range of a 64-bit float (±%g)", raw, place, math.MaxFloat64)
}

// floatRange reports each Float literal beyond the range of a 64-bit float
// once, naming where it is: the argument (and the input field or list
// index inside it) or the variable whose default holds it: `Float cannot
// represent 1e400 (argument "where", at "where.distanceKm.gte"): it is
// beyond the range of a 64-bit float (±1.7976931348623157e+308)`, `Float
// cannot represent 1e400 (the default of variable "$x"): …`.
// (ValuesOfCorrectType's own message for it is dropped:
// reportedElsewhere.)
func floatRange(observers *core.Events, addError core.AddErrFunc) {
	args := func(kind string, list ast.ArgumentList) {
		for _, a := range list {
			floatRanges(a.Value, []string{a.Name}, func(v *ast.Value, at []string) {
				place := fmt.Sprintf(`%s "%s"%s`, kind, a.Name, strings.Replace(where(at), " at", ", at", 1))
				addError(core.Message("%s", floatRangeMessage(v.Raw, place)), core.At(v.Position))
			})
		}
	}
	observers.OnField(func(_ *core.Walker, f *ast.Field) { args("argument", f.Arguments) })
	observers.OnDirective(func(_ *core.Walker, d *ast.Directive) { args("directive argument", d.Arguments) })
	observers.OnOperation(func(_ *core.Walker, op *ast.OperationDefinition) {
		for _, vd := range op.VariableDefinitions {
			if vd.DefaultValue == nil {
				continue
			}
			floatRanges(vd.DefaultValue, []string{vd.Variable}, func(v *ast.Value, at []string) {
				place := fmt.Sprintf(`the default of variable "$%s"%s`, vd.Variable, strings.Replace(where(at), " at", ", at", 1))
				addError(core.Message("%s", floatRangeMessage(v.Raw, place)), core.At(v.Position))
			})
		}
	})
}

// floatRanges calls bad for each number of the literal v (at: its place)
// that is a Float beyond the range of a 64-bit float, in lists and input
// objects too (their children's types as the walk set them).
func floatRanges(v *ast.Value, at []string, bad func(v *ast.Value, at []string)) {
	if v == nil {
		return
	}
	switch v.Kind {
	case ast.IntValue, ast.FloatValue:
		if v.Definition != nil && v.Definition.Name == "Float" {
			if _, err := strconv.ParseFloat(v.Raw, 64); errors.Is(err, strconv.ErrRange) {
				bad(v, at)
			}
		}
	case ast.ListValue:
		for i, c := range v.Children {
			floatRanges(c.Value, appendIndex(at, i), bad)
		}
	case ast.ObjectValue:
		for _, c := range v.Children {
			floatRanges(c.Value, append(at[:len(at):len(at)], "."+c.Name), bad)
		}
	}
}

// scalarRanges reports Int literals beyond 32 bits and WholeNumber literals
// that are not integers within ±(2^53 − 1); gqlparser skips both.
func scalarRanges(observers *core.Events, addError core.AddErrFunc) {
	observers.OnValue(func(_ *core.Walker, value *ast.Value) {
		if value.Definition == nil || value.ExpectedType == nil || value.Kind == ast.Variable || value.Kind == ast.NullValue {
			return
		}
		switch value.Definition.Name {
		case "JSON":
			if value.ExpectedType.Elem != nil && value.Kind == ast.ListValue {
				return // its elements are checked on their own
			}
			if value.Kind != ast.ObjectValue {
				addError(core.Message("JSON must be an object, got %s", value.String()), core.At(value.Position))
				return
			}
			if bad := jsonLiteralNumber(value); bad != nil {
				addError(core.Message("JSON number out of range: %s", bad.Raw), core.At(bad.Position))
			}
		case "Int":
			if value.Kind != ast.IntValue {
				return // ValuesOfCorrectType reports it
			}
			if _, err := model.UnmarshalInt(context.Background(), json.Number(value.Raw)); err != nil {
				addError(core.Message("%s", err.Error()), core.At(value.Position))
			}
		case "WholeNumber":
			if value.Kind == ast.ListValue && value.ExpectedType.Elem != nil {
				return // its elements are checked on their own
			}
			if value.Kind != ast.IntValue {
				addError(core.Message("WholeNumber cannot represent non-integer value: %s", value.String()), core.At(value.Position))
				return
			}
			if _, err := model.UnmarshalWholeNumber(context.Background(), json.Number(value.Raw)); err != nil {
				addError(core.Message("%s", err.Error()), core.At(value.Position))
			}
		}
	})
}

// jsonLiteralNumber returns the first number in a JSON literal that a
// 64-bit integer (an integer literal) or a finite float64 (a float literal)
// cannot hold, or nil: gqlparser converts a literal's numbers so, and fails
// on those.
func jsonLiteralNumber(v *ast.Value) *ast.Value {
	switch v.Kind {
	case ast.IntValue:
		if _, err := strconv.ParseInt(v.Raw, 10, 64); err != nil {
			return v
		}
	case ast.FloatValue:
		if _, err := strconv.ParseFloat(v.Raw, 64); err != nil {
			return v
		}
	case ast.ListValue, ast.ObjectValue:
		for _, c := range v.Children {
			if bad := jsonLiteralNumber(c.Value); bad != nil {
				return bad
			}
		}
	}
	return nil
}

// variableCheck coerces the variables of an operation strictly before
// gqlparser does (see the top of this file). It is a gqlgen extension
// (OperationParameterMutator): it runs after the query limits and the
// persisted-query lookup, and reads the operation from the query cache when
// it is there (parsing it otherwise; a query that does not parse is left
// to gqlgen to report, and so is a variable's error in a document that
// does not validate: refuse).
type variableCheck struct {
	schema    *ast.Schema
	cache     graphql.Cache[*ast.QueryDocument]
	maxString int // longest String or ID value in bytes; <= 0: no limit
}

func stringTooLong(n, limit int) string {
	return fmt.Sprintf("String value of %d bytes is longer than the limit of %d bytes", n, limit)
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = variableCheck{}

func (variableCheck) ExtensionName() string                          { return "VariableCheck" }
func (variableCheck) Validate(schema graphql.ExecutableSchema) error { return nil }

func (c variableCheck) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if p.Query == "" || (len(p.Variables) == 0 && !strings.Contains(p.Query, "$")) {
		return nil // no variables to coerce: nothing to parse for
	}
	doc, cached := c.cache.Get(ctx, p.Query)
	if !cached {
		var err error
		if doc, err = parser.ParseQuery(&ast.Source{Input: p.Query}); err != nil {
			return nil
		}
	}
	op := doc.Operations.ForName(p.OperationName)
	if op == nil {
		return nil
	}
	cursors := cursorVariables(doc, op)
	for _, vd := range op.VariableDefinitions {
		vc := c
		if cursors[vd.Variable] {
			vc.maxString = 0 // a cursor the server issued: see cursorVariables
		}
		v, present := p.Variables[vd.Variable]
		if !present {
			if vd.Type.NonNull && vd.DefaultValue == nil {
				return c.refuse(doc, cached, variableError(vd, fmt.Sprintf(`Variable "$%s" of required type "%s" was not provided.`, vd.Variable, vd.Type)))
			}
			continue
		}
		cv, msg := vc.coerce(vd.Type, v, []string{vd.Variable})
		if msg != "" {
			return c.refuse(doc, cached, variableError(vd, fmt.Sprintf(`Variable "$%s" %s`, vd.Variable, msg)))
		}
		p.Variables[vd.Variable] = cv
	}
	return nil
}

// cursorVariables returns the variables of op given as a field's after or
// before argument, in op or in a fragment it spreads: the cursors of
// connections, which the server issued and clients send back as they got
// them. A node list's cursor holds the record's sort keys (texts of up to
// kepu.MaxTextBytes each, JSON-escaped, then base64), so it can be longer
// than --max-string-bytes (a 4,000-byte name of '&' gave a 32,074-byte
// cursor, and the next page was refused); the body limit
// (--max-body-bytes) bounds them instead, and a cursor the server did not
// issue is refused as invalid. (A cursor written into the query text
// stays under the String limit and --max-query-bytes.)
func cursorVariables(doc *ast.QueryDocument, op *ast.OperationDefinition) map[string]bool {
	out := map[string]bool{}
	seen := map[string]bool{}
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch x := sel.(type) {
			case *ast.Field:
				for _, a := range x.Arguments {
					if (a.Name == "after" || a.Name == "before") && a.Value != nil && a.Value.Kind == ast.Variable {
						out[a.Value.Raw] = true
					}
				}
				walk(x.SelectionSet)
			case *ast.InlineFragment:
				walk(x.SelectionSet)
			case *ast.FragmentSpread:
				if f := doc.Fragments.ForName(x.Name); f != nil && !seen[x.Name] {
					seen[x.Name] = true
					walk(f.SelectionSet)
				}
			}
		}
	}
	walk(op.SelectionSet)
	return out
}

// refuse returns err, a variable's coercion error, when doc is valid, and
// nil when it is not: a request is validated before its variables are
// coerced (GraphQL spec, "Executing Requests": only a valid document is
// executed, and coercing the variable values is part of execution, as
// graphql-js orders them), so gqlgen, which validates next, answers the
// document's validation errors instead (`query($x: Int) { nope }` with
// {"x": "a"} is GRAPHQL_VALIDATION_FAILED, not the variable's
// BAD_USER_INPUT). A document from the query cache has been validated;
// another one is validated here only on this error path.
func (c variableCheck) refuse(doc *ast.QueryDocument, cached bool, err *gqlerror.Error) *gqlerror.Error {
	if !cached && len(validator.ValidateWithRules(c.schema, doc, validationRules(c.maxString))) > 0 {
		return nil
	}
	return err
}

// variableError is a variable coercion error of the variable that vd
// defines. As the GraphQL spec's request errors (and graphql-js) have it:
// at the variable's definition in the document (locations), with no path
// (a path names a field of the response, and no field has run).
func variableError(vd *ast.VariableDefinition, msg string) *gqlerror.Error {
	e := &gqlerror.Error{Message: msg}
	if vd.Position != nil {
		e.Locations = []gqlerror.Location{{Line: vd.Position.Line, Column: vd.Position.Column}}
	}
	setCode(e, kepu.BadUserInput)
	return e
}

// coerce returns v coerced to typ (a whole number written 3.0 or 3e2
// becomes 3: gqlparser, which looks at the values next, would refuse it),
// or the reason it does not coerce: `got invalid value <v as sent> [at
// "name.field[1]"]; <why>`. at is the position of v in the variable,
// starting with the variable's name.
func (c variableCheck) coerce(typ *ast.Type, v any, at []string) (any, string) {
	bad := func(reason string) (any, string) {
		return nil, fmt.Sprintf("got invalid value %s%s; %s", model.Show(v), where(at), reason)
	}
	if v == nil {
		if typ.NonNull {
			return bad(fmt.Sprintf(`Expected non-nullable type "%s" not to be null.`, typ))
		}
		return nil, ""
	}
	if typ.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			// A single value stands for a list of one.
			return c.coerce(typ.Elem, v, at)
		}
		for i, e := range list {
			ce, msg := c.coerce(typ.Elem, e, appendIndex(at, i))
			if msg != "" {
				return nil, msg
			}
			list[i] = ce
		}
		return list, ""
	}
	def := c.schema.Types[typ.NamedType]
	if def == nil {
		return v, "" // an unknown type: validation reports it
	}
	switch def.Kind {
	case ast.Scalar:
		var err error
		switch def.Name {
		case "Int", "WholeNumber":
			var n int
			if def.Name == "Int" {
				n, err = model.UnmarshalInt(context.Background(), v)
			} else {
				n, err = model.UnmarshalWholeNumber(context.Background(), v)
			}
			if err == nil {
				v = json.Number(strconv.Itoa(n))
			}
		case "Float":
			if n, ok := v.(json.Number); ok {
				if _, perr := strconv.ParseFloat(string(n), 64); errors.Is(perr, strconv.ErrRange) {
					// A number, but not one a 64-bit float holds (1e400),
					// which UnmarshalFloat calls "non numeric".
					return bad(floatRangeMessage(string(n), ""))
				}
			}
			_, err = model.UnmarshalFloat(context.Background(), v)
		case "String":
			if s, ok := v.(string); !ok {
				err = model.CoercionError(fmt.Sprintf("String cannot represent a non string value: %s", model.Show(v)))
			} else if c.maxString > 0 && len(s) > c.maxString {
				return nil, fmt.Sprintf("got a string%s; %s", where(at), stringTooLong(len(s), c.maxString))
			}
		case "JSON":
			if _, ok := v.(map[string]any); !ok {
				err = model.CoercionError("JSON must be an object, got " + model.Show(v))
			}
		case "Boolean":
			if _, ok := v.(bool); !ok {
				err = model.CoercionError(fmt.Sprintf("Boolean cannot represent a non boolean value: %s", model.Show(v)))
			}
		case "ID":
			switch x := v.(type) {
			case string:
				if c.maxString > 0 && len(x) > c.maxString {
					return nil, fmt.Sprintf("got an ID%s; %s", where(at), stringTooLong(len(x), c.maxString))
				}
			case json.Number:
				if _, ok := model.IntegerValue(string(x)); !ok {
					err = model.CoercionError("ID cannot represent value: " + string(x))
				}
			default:
				err = model.CoercionError("ID cannot represent value: " + model.Show(v))
			}
		}
		if err != nil {
			return bad(err.Error())
		}
	case ast.Enum:
		s, ok := v.(string)
		if !ok {
			return bad(fmt.Sprintf(`Enum "%s" cannot represent non-string value: %s.`, def.Name, model.Show(v)))
		}
		if def.EnumValues.ForName(s) == nil {
			msg := fmt.Sprintf(`Value "%s" does not exist in "%s" enum.`, s, def.Name)
			for _, ev := range def.EnumValues {
				if strings.EqualFold(ev.Name, s) {
					msg += fmt.Sprintf(` Did you mean the enum value "%s"?`, ev.Name)
					break
				}
			}
			return bad(msg)
		}
	case ast.InputObject:
		m, ok := v.(map[string]any)
		if !ok {
			return bad(fmt.Sprintf(`Expected type "%s" to be an object.`, def.Name))
		}
		for k := range m {
			if def.Fields.ForName(k) == nil {
				return bad(fmt.Sprintf(`Field "%s" is not defined by type "%s".`, k, def.Name))
			}
		}
		for _, f := range def.Fields {
			fv, present := m[f.Name]
			if !present {
				if f.Type.NonNull && f.DefaultValue == nil {
					return bad(fmt.Sprintf(`Field "%s" of required type "%s" was not provided.`, f.Name, f.Type))
				}
				continue
			}
			cv, msg := c.coerce(f.Type, fv, append(at[:len(at):len(at)], "."+f.Name))
			if msg != "" {
				return nil, msg
			}
			m[f.Name] = cv
		}
	}
	return v, ""
}

func appendIndex(at []string, i int) []string {
	return append(at[:len(at):len(at)], fmt.Sprintf("[%d]", i))
}

// where formats the position of a value inside a variable, ` at
// "w.kind.eq"`; nothing for the variable itself.
func where(at []string) string {
	if len(at) <= 1 {
		return ""
	}
	return fmt.Sprintf(` at "%s"`, strings.Join(at, ""))
}
