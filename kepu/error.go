package kepu

import (
	"errors"
	"fmt"
)

// Error codes. They are the values of a GraphQL error's extensions.code.
const (
	BadUserInput = "BAD_USER_INPUT"
	NotFound     = "NOT_FOUND"
	Conflict     = "CONFLICT"
	Unavailable  = "SERVICE_UNAVAILABLE"
	Internal     = "INTERNAL_SERVER_ERROR"
)

// Error is a domain error: a machine-readable code and a message safe to show
// to clients. Backends translate their own errors into it; anything that is
// not an *Error is Internal and its text is never shown to clients.
type Error struct {
	Code    string
	Message string
	// Field optionally names the argument or property at fault.
	Field string
	// Public marks the message of a SERVICE_UNAVAILABLE error as meant for
	// clients: it names no file, host or database (the search index is
	// being built, N %). Without it, clients read a generic message and
	// the store's own words go to the log.
	Public bool
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err: the Code of the first *Error in its
// chain, "" for nil, and Internal for any other error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// ErrorMessage returns the client-safe message of err: the Message of an
// *Error, and a generic text for any other error.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
