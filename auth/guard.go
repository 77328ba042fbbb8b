package auth

import (
	"context"
	"errors"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/kepugraph/kepugraph/httpx"
	"github.com/kepugraph/kepugraph/kepu"
)

func init() {
	// Without httpx.Track the rejection is still a 4xx (422/400), not 200.
	errcode.RegisterErrorType(CodeUnauthenticated, errcode.KindProtocol)
	errcode.RegisterErrorType(CodeForbidden, errcode.KindProtocol)
}

// Guard is a gqlgen handler extension that refuses mutation operations from
// principals without Role before any resolver runs: UNAUTHENTICATED (HTTP
// 401) without a key, FORBIDDEN (403) with a key of another role. Queries
// pass. The statuses need httpx.Track around the handler; without it
// gqlgen answers 422 (or 400 for application/graphql-response+json).
type Guard struct {
	Role string // default RoleEditor
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = Guard{}

// MutationGuard returns a Guard that requires role for mutations.
func MutationGuard(role string) Guard { return Guard{Role: role} }

// ExtensionName implements graphql.HandlerExtension.
func (Guard) ExtensionName() string { return "MutationGuard" }

// Validate implements graphql.HandlerExtension.
func (Guard) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext rejects a mutation without the role.
func (g Guard) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	op := opCtx.Operation
	if op == nil || op.Operation != ast.Mutation {
		return nil
	}
	role := g.Role
	if role == "" {
		role = RoleEditor
	}
	err := RequireRole(ctx, role)
	if err == nil {
		return nil
	}
	var kerr *kepu.Error
	errors.As(err, &kerr)
	httpx.SetOutcome(ctx, kerr.Code)
	return &gqlerror.Error{Message: kerr.Message, Extensions: map[string]any{"code": kerr.Code}}
}
