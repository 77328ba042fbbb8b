package auth_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/auth"
	"github.com/kepugraph/kepugraph/httpx"
	"github.com/kepugraph/kepugraph/httpx/httpxtest"
	"github.com/kepugraph/kepugraph/kepu"
)

const (
	editorToken = "ed-7f3c9a1b2d4e5f60718293a4b5c6d7e8"
	readerToken = "rd-0a1b2c3d4e5f60718293a4b5c6d7e8f9"
)

func keyring(t *testing.T) *auth.Keyring {
	t.Helper()
	kr, err := auth.ParseKeys("alice:editor:" + auth.HashToken(editorToken) + ", bob:reader:" + auth.HashToken(readerToken))
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

func TestParseKeys(t *testing.T) {
	kr := keyring(t)
	if kr.Len() != 2 {
		t.Fatalf("%d keys", kr.Len())
	}
	if p, ok := kr.Authenticate(editorToken); !ok || p != (auth.Principal{Name: "alice", Role: "editor"}) {
		t.Fatalf("editor: %+v %v", p, ok)
	}
	if p, ok := kr.Authenticate(readerToken); !ok || p.Name != "bob" || p.Role != "reader" {
		t.Fatalf("reader: %+v %v", p, ok)
	}
	for _, bad := range []string{"", editorToken + "x", strings.ToUpper(editorToken), auth.HashToken(editorToken)} {
		if _, ok := kr.Authenticate(bad); ok {
			t.Errorf("authenticated %q", bad)
		}
	}
	if empty, err := auth.ParseKeys(""); err != nil || empty.Len() != 0 {
		t.Fatalf("empty: %v", err)
	}
	h := auth.HashToken("x")
	for _, bad := range []string{
		"alice:editor", "alice:editor:abc", "alice:editor:" + h + ":x", ":editor:" + h, "al ice:editor:" + h,
		"alice:Editor!:" + h, "alice:editor:" + h + ",alice:reader:" + h, "alice:editor:" + strings.Repeat("g", 64),
	} {
		if _, err := auth.ParseKeys(bad); err == nil {
			t.Errorf("ParseKeys(%q) accepted", bad)
		} else if strings.Contains(err.Error(), h) {
			t.Errorf("error shows the hash: %v", err)
		}
	}
}

func TestReadKeys(t *testing.T) {
	kr, err := auth.ReadKeys(strings.NewReader("# keys\n\nalice editor " + auth.HashToken(editorToken) + "\n  bob   reader   " + auth.HashToken(readerToken) + "  \n"))
	if err != nil || kr.Len() != 2 {
		t.Fatalf("%v %d", err, kr.Len())
	}
	if _, err := auth.ReadKeys(strings.NewReader("alice editor\n")); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("short line: %v", err)
	}
	// A role outside auth.Roles is refused, in both formats: a typo would
	// otherwise give a key that can only read.
	h := auth.HashToken(editorToken)
	for _, typo := range []string{"edtior", "editors", "writer", "root"} {
		if _, err := auth.ReadKeys(strings.NewReader("alice " + typo + " " + h + "\n")); err == nil || !strings.Contains(err.Error(), `unknown role "`+typo+`" (the roles are editor, reader, admin)`) {
			t.Errorf("key file with role %q: %v", typo, err)
		}
		if _, err := auth.ParseKeys("alice:" + typo + ":" + h); err == nil || !strings.Contains(err.Error(), "unknown role") {
			t.Errorf("ParseKeys with role %q: %v", typo, err)
		}
	}
	for _, role := range auth.Roles {
		if _, err := auth.ParseKeys("alice:" + role + ":" + h); err != nil {
			t.Errorf("role %q refused: %v", role, err)
		}
	}
	path := t.TempDir() + "/keys"
	if _, err := auth.LoadKeyFile(path); err == nil {
		t.Fatal("missing file accepted")
	}
}

func TestBearerToken(t *testing.T) {
	for h, want := range map[string]string{
		"Bearer abc":       "abc",
		"bearer abc.def==": "abc.def==",
		"BEARER  a-b_c~+/": "a-b_c~+/",
	} {
		if got, ok := auth.BearerToken(h); !ok || got != want {
			t.Errorf("BearerToken(%q) = %q %v", h, got, ok)
		}
	}
	for _, h := range []string{"", "Bearer", "Bearer ", "Basic YWxhZGRpbjpvcGVuc2VzYW1l", "Bearer a b", "Bearer é", "Token abc", "Bearer " + strings.Repeat("a", 600)} {
		if _, ok := auth.BearerToken(h); ok {
			t.Errorf("BearerToken(%q) accepted", h)
		}
	}
}

func TestRequireRole(t *testing.T) {
	ctx := context.Background()
	if err := auth.RequireRole(ctx, auth.RoleEditor); kepu.ErrorCode(err) != auth.CodeUnauthenticated {
		t.Fatalf("anonymous: %v", err)
	}
	ctx = auth.WithPrincipal(ctx, auth.Principal{Name: "bob", Role: auth.RoleReader})
	if err := auth.RequireRole(ctx, auth.RoleEditor); kepu.ErrorCode(err) != auth.CodeForbidden {
		t.Fatalf("reader: %v", err)
	}
	if err := auth.RequireRole(ctx, auth.RoleReader); err != nil {
		t.Fatalf("reader for reader: %v", err)
	}
}

// TestEndToEnd sends requests through httpx.Track, auth.Middleware and a
// gqlgen server with the Guard and checks the HTTP statuses and codes.
func TestEndToEnd(t *testing.T) {
	srv := httpxtest.New(auth.MutationGuard(auth.RoleEditor), httpx.Recorder{})
	h := httpx.Chain(srv, httpx.Track, auth.Middleware(keyring(t)))
	const mutation = `{"query":"mutation { setName(name: \"x\") }"}`
	const query = `{"query":"{ name }"}`
	tests := []struct {
		name, body, authz, accept string
		status                    int
		code                      string
		executed                  bool
	}{
		{"query anonymous", query, "", "", 200, "", true},
		{"query reader", query, "Bearer " + readerToken, "", 200, "", true},
		{"mutation anonymous", mutation, "", "", 401, auth.CodeUnauthenticated, false},
		{"mutation anonymous graphql-response", mutation, "", httpx.MediaTypeGraphQLResponse, 401, auth.CodeUnauthenticated, false},
		{"mutation reader", mutation, "Bearer " + readerToken, "", 403, auth.CodeForbidden, false},
		{"mutation editor", mutation, "Bearer " + editorToken, "", 200, "", true},
		{"malformed header", query, "Bearer", "", 401, auth.CodeUnauthenticated, false},
		{"basic auth", mutation, "Basic YWxhZGRpbjpvcGVuc2VzYW1l", "", 401, auth.CodeUnauthenticated, false},
		{"unknown token", query, "Bearer nope-not-a-key", "", 401, auth.CodeUnauthenticated, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := srv.Executed.Load()
			req := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/json")
			if tc.authz != "" {
				req.Header.Set("Authorization", tc.authz)
			}
			if tc.accept != "" {
				req.Header.Set("Accept", tc.accept)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var body struct {
				Errors []struct {
					Message    string         `json:"message"`
					Extensions map[string]any `json:"extensions"`
				} `json:"errors"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("%v: %s", err, rec.Body.String())
			}
			code := ""
			if len(body.Errors) > 0 {
				code, _ = body.Errors[0].Extensions["code"].(string)
			}
			if rec.Code != tc.status || code != tc.code {
				t.Fatalf("got %d %q, want %d %q: %s", rec.Code, code, tc.status, tc.code, rec.Body.String())
			}
			if ran := srv.Executed.Load() > before; ran != tc.executed {
				t.Errorf("executed = %v, want %v", ran, tc.executed)
			}
			if tc.status == 401 && tc.authz != "" && !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("no WWW-Authenticate challenge")
			}
			if strings.Contains(rec.Body.String(), editorToken) || strings.Contains(rec.Body.String(), readerToken) {
				t.Error("the response shows a token")
			}
		})
	}
}

func BenchmarkAuthenticate(b *testing.B) {
	var entries []string
	for i := 0; i < 50; i++ {
		entries = append(entries, "k"+string(rune('a'+i%26))+string(rune('a'+i/26))+":reader:"+auth.HashToken(strings.Repeat("t", i+1)))
	}
	kr, err := auth.ParseKeys(strings.Join(entries, ","))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		kr.Authenticate("some-token-value")
	}
}
