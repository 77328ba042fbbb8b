package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Messages of translated errors. They are safe to show to clients.
const (
	msgUnavailable = "the graph database is unavailable; try again later"
	msgTimeout     = "the graph database did not answer in time"
	msgCancelled   = "the call was cancelled by its caller"
	msgAuth        = "neo4j: authentication failed (check NEO4J_USER and NEO4J_PASSWORD)"
	msgConflict    = "the node or relationship already exists"
	msgGone        = "a node or relationship this request uses was deleted by another write while it ran; try again"
	msgInternal    = "internal error"
)

// chain returns err and the errors behind it, including the causes that the
// driver keeps in fields without Unwrap (ConnectivityError.Inner, the attempts
// of a TransactionExecutionLimit, last first).
func chain(err error) []error {
	var out []error
	var walk func(error, int)
	walk = func(e error, depth int) {
		for e != nil && depth < 16 {
			out = append(out, e)
			switch x := e.(type) {
			case *neo4j.ConnectivityError:
				walk(x.Inner, depth+1)
			case *neo4j.TransactionExecutionLimit:
				for i := len(x.Errors) - 1; i >= 0; i-- {
					walk(x.Errors[i], depth+1)
				}
			case interface{ Unwrap() []error }:
				for _, u := range x.Unwrap() {
					walk(u, depth+1)
				}
				return
			}
			e = errors.Unwrap(e)
			depth++
		}
	}
	walk(err, 0)
	return out
}

func neo4jError(err error) *neo4j.Neo4jError {
	for _, e := range chain(err) {
		if n, ok := e.(*neo4j.Neo4jError); ok {
			return n
		}
	}
	return nil
}

func isAuthError(err error) bool {
	n := neo4jError(err)
	return n != nil && strings.HasPrefix(n.Code, "Neo.ClientError.Security.")
}

func isDatabaseError(err error) bool {
	n := neo4jError(err)
	return n != nil && n.Code == "Neo.ClientError.Database.DatabaseNotFound"
}

// translate turns a driver error into a *kepu.Error and logs the details
// (never the password). Errors that already are *kepu.Error pass unchanged.
func (s *Store) translate(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	for _, e := range chain(err) {
		if ke, ok := e.(*kepu.Error); ok {
			return ke
		}
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		// The caller gave up (a client that hung up): not the server's
		// fault, and the caller reports it (as CLIENT_CLOSED_REQUEST).
		s.log.Debug("neo4j: call cancelled by its caller", "op", op)
		return kepu.Errorf(kepu.Unavailable, "%s", msgCancelled)
	}
	detail := scrub(err.Error(), s.cfg.Password)
	if n := neo4jError(err); n != nil {
		switch {
		case strings.HasPrefix(n.Code, "Neo.ClientError.Security."):
			s.log.Error("neo4j: authentication failed", "op", op, "code", n.Code, "uri", RedactURI(s.cfg.URI), "user", s.cfg.User)
			return kepu.Errorf(kepu.Unavailable, "%s", msgAuth)
		case n.Code == "Neo.ClientError.Database.DatabaseNotFound":
			s.log.Error("neo4j: database not found", "op", op, "database", s.cfg.Database)
			return kepu.Errorf(kepu.Unavailable, "neo4j: database %q not found", s.cfg.Database)
		case n.Code == "Neo.ClientError.Schema.ConstraintValidationFailed":
			s.log.Info("neo4j: constraint violation", "op", op, "detail", detail)
			return kepu.Errorf(kepu.Conflict, "%s", msgConflict)
		case n.Code == "Neo.ClientError.Statement.EntityNotFound":
			// A statement used a node it had matched and that another
			// transaction deleted meanwhile ("Unable to load NODE …": a
			// link to a museum deleted while the link waited for its
			// lock): what the request names is gone, as if it had been
			// deleted before (NOT_FOUND), not a fault of the store.
			s.log.Info("neo4j: a record was deleted meanwhile", "op", op, "detail", detail)
			return kepu.Errorf(kepu.NotFound, "%s", msgGone)
		case strings.HasPrefix(n.Code, "Neo.ClientError.Transaction.TransactionTimedOut"),
			n.Code == "Neo.TransientError.Transaction.LockClientStopped":
			s.log.Warn("neo4j: transaction timed out", "op", op, "code", n.Code)
			return kepu.Errorf(kepu.Unavailable, "%s", msgTimeout)
		case n.Classification() == "TransientError":
			s.log.Warn("neo4j: transient error after retries", "op", op, "code", n.Code, "detail", detail)
			return kepu.Errorf(kepu.Unavailable, "%s", msgUnavailable)
		}
		s.log.Error("neo4j: query failed", "op", op, "code", n.Code, "detail", detail)
		return kepu.Errorf(kepu.Internal, "%s", msgInternal)
	}
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		s.log.Warn("neo4j: call timed out or was cancelled", "op", op, "detail", detail)
		return kepu.Errorf(kepu.Unavailable, "%s", msgTimeout)
	}
	var usage *neo4j.UsageError
	if errors.As(err, &usage) {
		s.log.Error("neo4j: driver usage error", "op", op, "detail", detail)
		return kepu.Errorf(kepu.Internal, "%s", msgInternal)
	}
	// Everything else the driver returns is about reaching the server:
	// refused or broken connections, pool timeouts, routing failures.
	s.log.Warn("neo4j: server unavailable", "op", op, "uri", RedactURI(s.cfg.URI), "detail", detail)
	return kepu.Errorf(kepu.Unavailable, "%s", msgUnavailable)
}

// scrub returns text, or a placeholder when text contains secret (the
// password): masking each occurrence instead would show where a short
// password occurs in ordinary words ("dial *** 127.0.0.1" for "tcp"), that
// is, reveal it.
func scrub(text, secret string) string {
	if secret == "" || !strings.Contains(text, secret) {
		return text
	}
	return msgWithheld
}

// msgWithheld replaces an error's text that contains the password.
const msgWithheld = "(the detail is withheld: it contains the Neo4j password)"

// RedactURI drops any user information (a password) from a URI, for logs.
func RedactURI(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return "(unparsable URI)"
	}
	u.User = nil
	return u.String()
}

// internalf returns an Internal error for a result the store cannot decode,
// after logging the detail.
func (s *Store) internalf(format string, args ...any) error {
	s.log.Error("neo4j: " + fmt.Sprintf(format, args...))
	return kepu.Errorf(kepu.Internal, "%s", msgInternal)
}
