// Package auth checks API keys: reads are public, mutations need a bearer
// token whose key has the role editor.
//
// Keys come from configuration as SHA-256 hashes of the tokens (the server
// never stores a token): an environment variable such as
//
//	KEPUGRAPH_TOKENS="alice:editor:<sha256 hex>,ci:reader:<sha256 hex>"
//
// or a file with one key per line, "name role sha256-hex" (blank lines and
// lines starting with # are skipped). HashToken prints the hash of a token.
// Comparisons run in constant time over every key; tokens are never logged.
package auth

import (
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/kepugraph/kepugraph/httpx"
	"github.com/kepugraph/kepugraph/kepu"
)

// Roles.
const (
	RoleEditor = "editor" // may run mutations
	RoleReader = "reader" // an identified reader (for rate limits and logs)
	RoleAdmin  = "admin"  // may take backups (GET /admin/backup); not mutations
)

// Error codes (extensions.code).
const (
	CodeUnauthenticated = "UNAUTHENTICATED" // 401: no, malformed or unknown token
	CodeForbidden       = "FORBIDDEN"       // 403: the key lacks the role
)

// MaxTokenLen bounds the token in an Authorization header.
const MaxTokenLen = 512

// Roles lists every role a key may have; any other is a configuration
// error (a typo such as "edtior" would otherwise give a key that can only
// read).
var Roles = []string{RoleEditor, RoleReader, RoleAdmin}

var (
	namePattern  = regexp.MustCompile(`^[A-Za-z0-9_.@-]{1,64}$`)
	tokenPattern = regexp.MustCompile(`^[A-Za-z0-9\-._~+/]+=*$`) // RFC 6750 b64token
)

// Principal is an authenticated client.
type Principal struct {
	Name string
	Role string
}

// Key is a configured API key: the hash of its token.
type Key struct {
	Name string
	Role string
	Hash [sha256.Size]byte
}

// Keyring holds the configured keys. The zero value has none (every request
// is anonymous, every mutation is refused).
type Keyring struct {
	keys []Key
}

// HashToken returns the hex SHA-256 of a token, the form the configuration
// stores.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewKeyring returns a keyring with the keys; names must be unique and
// each role one of Roles.
func NewKeyring(keys ...Key) (*Keyring, error) {
	seen := map[string]bool{}
	for _, k := range keys {
		if !namePattern.MatchString(k.Name) {
			return nil, fmt.Errorf("auth: key name %q must be 1 to 64 letters, digits, '_', '.', '@' or '-'", k.Name)
		}
		if !slices.Contains(Roles, k.Role) {
			return nil, fmt.Errorf("auth: key %s: unknown role %q (the roles are %s)", k.Name, k.Role, strings.Join(Roles, ", "))
		}
		if seen[k.Name] {
			return nil, fmt.Errorf("auth: duplicate key name %q", k.Name)
		}
		seen[k.Name] = true
	}
	return &Keyring{keys: append([]Key(nil), keys...)}, nil
}

func parseKey(name, role, hexHash string) (Key, error) {
	k := Key{Name: name, Role: role}
	b, err := hex.DecodeString(hexHash)
	if err != nil || len(b) != sha256.Size {
		return k, fmt.Errorf("auth: key %s: the hash must be 64 hex digits (SHA-256 of the token)", name)
	}
	copy(k.Hash[:], b)
	return k, nil
}

// ParseKeys parses "name:role:sha256hex" entries separated by commas (or
// whitespace), the format of KEPUGRAPH_TOKENS. An empty text gives an empty
// keyring.
func ParseKeys(s string) (*Keyring, error) {
	var keys []Key
	for _, entry := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' }) {
		parts := strings.Split(entry, ":")
		if len(parts) != 3 {
			return nil, fmt.Errorf("auth: key entry %d must be name:role:sha256hex", len(keys)+1)
		}
		k, err := parseKey(parts[0], parts[1], parts[2])
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return NewKeyring(keys...)
}

// ReadKeys parses a key file: one "name role sha256hex" per line; blank
// lines and lines starting with # are skipped.
func ReadKeys(r io.Reader) (*Keyring, error) {
	var keys []Key
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Fields(text)
		if len(f) != 3 {
			return nil, fmt.Errorf("auth: key file line %d must be: name role sha256hex", line)
		}
		k, err := parseKey(f[0], f[1], f[2])
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		keys = append(keys, k)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("auth: reading keys: %w", err)
	}
	return NewKeyring(keys...)
}

// LoadKeyFile reads a key file (see ReadKeys).
func LoadKeyFile(path string) (*Keyring, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	defer f.Close()
	return ReadKeys(f)
}

// Len returns the number of keys.
func (kr *Keyring) Len() int {
	if kr == nil {
		return 0
	}
	return len(kr.keys)
}

// Authenticate returns the principal whose key hashes to token's hash. It
// compares the hash with every key in constant time, so the time taken does
// not depend on which key (if any) matches.
func (kr *Keyring) Authenticate(token string) (Principal, bool) {
	if kr == nil {
		return Principal{}, false
	}
	sum := sha256.Sum256([]byte(token))
	found := -1
	for i := range kr.keys {
		if subtle.ConstantTimeCompare(sum[:], kr.keys[i].Hash[:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return Principal{}, false
	}
	return Principal{Name: kr.keys[found].Name, Role: kr.keys[found].Role}, true
}

type principalKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the authenticated principal of the request.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// BearerToken extracts the token of an "Authorization: Bearer <token>"
// header. It returns ok=false for any other form (wrong scheme, missing or
// malformed token).
func BearerToken(header string) (string, bool) {
	scheme, token, found := strings.Cut(strings.TrimSpace(header), " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	if token == "" || len(token) > MaxTokenLen || !tokenPattern.MatchString(token) {
		return "", false
	}
	return token, true
}

// Middleware authenticates requests that carry an Authorization header and
// puts the principal in the context (and its name in the httpx record).
// Requests without the header pass as anonymous (reads are public). A
// malformed header or an unknown token gets 401 UNAUTHENTICATED with a
// WWW-Authenticate challenge.
func Middleware(kr *Keyring) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := r.Header.Get("Authorization")
			if h == "" {
				next.ServeHTTP(w, r)
				return
			}
			token, ok := BearerToken(h)
			if !ok {
				httpx.Rejection{Status: http.StatusUnauthorized, Code: CodeUnauthenticated,
					Message: `malformed Authorization header; use "Authorization: Bearer <token>"`,
					Header:  http.Header{"Www-Authenticate": {`Bearer realm="kepugraph", error="invalid_request"`}}}.Write(w, r)
				return
			}
			p, ok := kr.Authenticate(token)
			if !ok {
				httpx.Rejection{Status: http.StatusUnauthorized, Code: CodeUnauthenticated,
					Message: "invalid token",
					Header:  http.Header{"Www-Authenticate": {`Bearer realm="kepugraph", error="invalid_token"`}}}.Write(w, r)
				return
			}
			httpx.SetPrincipal(r.Context(), p.Name)
			next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
		})
	}
}

// RequireRole returns nil when the request's principal has the role, else a
// *kepu.Error with code UNAUTHENTICATED (no principal) or FORBIDDEN. It also
// asks httpx.Track's writer for the matching status (401 or 403), so a
// resolver or extension that calls it gets the right HTTP status.
func RequireRole(ctx context.Context, role string) error {
	p, ok := FromContext(ctx)
	if !ok {
		httpx.SetStatus(ctx, http.StatusUnauthorized)
		return &kepu.Error{Code: CodeUnauthenticated, Message: "this operation needs an API key: send Authorization: Bearer <token>"}
	}
	if p.Role != role {
		httpx.SetStatus(ctx, http.StatusForbidden)
		return &kepu.Error{Code: CodeForbidden, Message: fmt.Sprintf("this operation needs the role %s; key %s has the role %s", role, p.Name, p.Role)}
	}
	return nil
}

// Keys returns a copy of the configured keys (to merge keyrings).
func (kr *Keyring) Keys() []Key {
	if kr == nil {
		return nil
	}
	return append([]Key(nil), kr.keys...)
}
