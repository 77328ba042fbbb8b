package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/kepugraph/kepugraph/httpx"
	"github.com/kepugraph/kepugraph/kepu"
)

// CodePersistedQueryHashMismatch is the code of a request whose automatic
// persisted query hash is not the SHA-256 of the query text sent with it
// (400, Apollo Router's code and Apollo Server's message "provided sha does
// not match query"): the query is neither run nor cached.
const CodePersistedQueryHashMismatch = "PERSISTED_QUERY_HASH_MISMATCH"

// persistedQueries is gqlgen's extension.AutomaticPersistedQuery (the cache
// of query texts by hash, PERSISTED_QUERY_NOT_FOUND with status 200 for a
// hash it lacks, as Apollo's persisted-query link expects) with the
// request errors of Apollo Server and Router, which gqlgen leaves without a
// code (BAD_USER_INPUT, status 200, after the error presenter): a hash that
// does not match the query sent with it is 400
// PERSISTED_QUERY_HASH_MISMATCH; an extensions.persistedQuery that is not
// {"version": 1, "sha256Hash": "<64 hex digits>"} is 400 BAD_REQUEST
// naming what is wrong. Both are checked here, before gqlgen's extension
// reads or fills the cache.
type persistedQueries struct {
	extension.AutomaticPersistedQuery
}

func (p persistedQueries) MutateOperationParameters(ctx context.Context, raw *graphql.RawParams) *gqlerror.Error {
	ext, ok := raw.Extensions["persistedQuery"]
	if !ok || ext == nil {
		return nil
	}
	m, ok := ext.(map[string]any)
	if !ok {
		return requestError(httpx.CodeBadRequest, "extensions.persistedQuery must be an object with version 1 and sha256Hash")
	}
	if !isOne(m["version"]) {
		return requestError(httpx.CodeBadRequest, fmt.Sprintf("extensions.persistedQuery.version must be 1 (the only version of automatic persisted queries), got %s", jsonText(m["version"])))
	}
	hash, ok := m["sha256Hash"].(string)
	if !ok || len(hash) != sha256.Size*2 {
		return requestError(httpx.CodeBadRequest, "extensions.persistedQuery.sha256Hash must be the SHA-256 of the query, 64 hexadecimal digits")
	}
	if raw.Query != "" {
		sum := sha256.Sum256([]byte(raw.Query))
		if hex.EncodeToString(sum[:]) != hash {
			return requestError(CodePersistedQueryHashMismatch, "provided sha does not match query")
		}
	}
	return p.AutomaticPersistedQuery.MutateOperationParameters(ctx, raw)
}

// requestError is an error of the request itself (before execution) with a
// code; badRequestCodes says which of them are 400.
func requestError(code, msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": code}}
}

// isOne reports whether a decoded JSON value is the number 1 (the
// transports decode numbers as json.Number).
func isOne(v any) bool {
	switch v := v.(type) {
	case json.Number:
		n, err := v.Float64()
		return err == nil && n == 1
	case float64:
		return v == 1
	case int:
		return v == 1
	case int64:
		return v == 1
	}
	return false
}

// jsonText shows a decoded JSON value in a message ("null" when absent).
func jsonText(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("%q", kepu.Truncate(v, 64))
	case json.Number, float64, int, int64, bool:
		return fmt.Sprint(v)
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return "a value of another type"
}
