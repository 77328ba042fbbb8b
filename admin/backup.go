package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kepugraph/kepugraph/auth"
	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/httpx"
	"github.com/kepugraph/kepugraph/internal/fsync"
	"github.com/kepugraph/kepugraph/kepu"
)

// BackupPath is the route of the online backup.
const BackupPath = "/admin/backup"

// Backuper is a store that can stream a consistent copy of itself (the
// embedded store; see embedded.Store.Backup).
type Backuper interface {
	Backup(w io.Writer, size func(int64)) (int64, error)
}

// BackupHandler serves GET /admin/backup: a consistent copy of the data file
// (application/octet-stream, with Content-Length), for a key with the role
// admin. Without a key: 401 UNAUTHENTICATED; another role: 403 FORBIDDEN;
// a method other than GET or HEAD: 405; a store that cannot stream a copy
// (Neo4j): 501 NOT_IMPLEMENTED (use kepugraph dump, or Neo4j's own backup).
// The copy is taken in one read transaction: requests go on meanwhile.
// auth.Middleware must run before it. The server's write timeout does not
// apply to this response.
func BackupHandler(st kepu.Store, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			httpx.Rejection{Status: http.StatusMethodNotAllowed, Code: "METHOD_NOT_ALLOWED",
				Message: "use GET", Header: http.Header{"Allow": {"GET, HEAD"}}}.Write(w, r)
			return
		}
		if err := auth.RequireRole(r.Context(), auth.RoleAdmin); err != nil {
			status := http.StatusForbidden
			if kepu.ErrorCode(err) == auth.CodeUnauthenticated {
				status = http.StatusUnauthorized
			}
			httpx.Rejection{Status: status, Code: kepu.ErrorCode(err), Message: kepu.ErrorMessage(err)}.Write(w, r)
			return
		}
		b, ok := st.(Backuper)
		if !ok {
			httpx.Rejection{Status: http.StatusNotImplemented, Code: "NOT_IMPLEMENTED",
				Message: "this store cannot stream a backup: use kepugraph dump (or the database's own backup)"}.Write(w, r)
			return
		}
		// A large copy takes longer than the server's write timeout.
		_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
		start := time.Now()
		name := "kepugraph-" + start.UTC().Format("20060102T150405Z") + ".db"
		h := w.Header()
		if r.Method == http.MethodHead {
			h.Set("Content-Type", "application/octet-stream")
			w.WriteHeader(http.StatusOK)
			return
		}
		n, err := b.Backup(w, func(size int64) {
			h.Set("Content-Type", "application/octet-stream")
			h.Set("Content-Length", strconv.FormatInt(size, 10))
			h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
			h.Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusOK)
		})
		if err != nil {
			// Headers are sent: the client sees a short body (Content-Length).
			log.Error("backup failed", "error", err.Error(), "bytes", n, "request_id", httpx.RequestID(r.Context()))
			if n == 0 && httpx.RecordFrom(r.Context()).Info().Status == 0 {
				httpx.Rejection{Status: http.StatusServiceUnavailable, Code: kepu.Unavailable, Message: "backup failed"}.Write(w, r)
			}
			return
		}
		log.Info("backup sent", "bytes", n, "took", time.Since(start).Round(time.Millisecond).String(),
			"request_id", httpx.RequestID(r.Context()))
	})
}

// AdminTokenEnv names the variable that holds the admin token of
// kepugraph backup (a variable, not a flag, so it does not show in ps).
const AdminTokenEnv = "KEPUGRAPH_ADMIN_TOKEN"

func runBackup(ctx context.Context, env Env, args []string) error {
	fset := flags(env, "backup")
	url := fset.String("url", "http://127.0.0.1:8080", "base URL of the running server")
	to := fset.String("to", "", "file to write the backup to (required)")
	force := fset.Bool("force", false, "replace an existing file")
	timeout := fset.Duration("timeout", 30*time.Minute, "give up after this long")
	if err := parse(fset, args); err != nil {
		return err
	}
	if *to == "" || fset.NArg() > 0 {
		return fmt.Errorf("%w: --to FILE is required, and nothing else", ErrUsage)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	r, err := Backup(ctx, *url, env.Getenv(AdminTokenEnv), *to, *force)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "backup of %s written to %s: %d bytes, %d nodes, %d edges, checked\n", *url, *to, r.Bytes, r.Nodes, r.Edges)
	return nil
}

// Backup downloads GET base/admin/backup with the token into a temporary
// file next to dst, checks it (embedded.Check) and renames it to dst. A
// short or damaged download is removed and reported; dst is then left as
// it was. An existing dst is refused unless force.
func Backup(ctx context.Context, base, token, dst string, force bool) (*embedded.Report, error) {
	if _, err := os.Stat(dst); err == nil && !force {
		return nil, failf(kepu.Conflict, "%s exists: choose another name, or pass --force", dst)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if token == "" {
		return nil, failf(auth.CodeUnauthenticated, "set %s to the token of an API key with the role admin", AdminTokenEnv)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(base, "/")+BackupPath, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("GET %s: %w", req.URL, ctx.Err())
		}
		return nil, failf(kepu.Unavailable, "%v", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		var body struct {
			Errors []struct {
				Message    string         `json:"message"`
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<16))
		if json.Unmarshal(b, &body) == nil && len(body.Errors) > 0 {
			code, _ := body.Errors[0].Extensions["code"].(string)
			if code == "" {
				code = statusCode(res.StatusCode)
			}
			return nil, failf(code, "%s: %s: %s", req.URL, res.Status, body.Errors[0].Message)
		}
		return nil, failf(statusCode(res.StatusCode), "%s: %s", req.URL, res.Status)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), filepath.Base(dst)+".partial-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name()) // after the rename, a no-op
	n, err := io.Copy(tmp, res.Body)
	if err == nil && res.ContentLength >= 0 && n != res.ContentLength {
		err = fmt.Errorf("received %d of %d bytes", n, res.ContentLength)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("download %s: %w", req.URL, ctx.Err())
		}
		return nil, failf(kepu.Unavailable, "download %s: %v", req.URL, err)
	}
	rep, err := embedded.Check(tmp.Name(), embedded.CheckOptions{})
	if err != nil {
		return nil, err
	}
	if !rep.OK() {
		return rep, failf(CodeDataDamaged, "the downloaded backup fails its check (%s: %s); nothing kept", rep.Problems[0].Check, rep.Problems[0].Message)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return nil, err
	}
	if err := fsync.Dir(filepath.Dir(dst)); err != nil {
		return nil, err
	}
	rep.Path = dst
	return rep, nil
}

// statusCode is the code of a backup response's status without an error
// body of the server's: the API's code for the status.
func statusCode(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return auth.CodeUnauthenticated
	case http.StatusForbidden:
		return auth.CodeForbidden
	case http.StatusNotFound:
		return kepu.NotFound
	case http.StatusNotImplemented:
		return "NOT_IMPLEMENTED"
	case http.StatusRequestTimeout, http.StatusGatewayTimeout:
		return CodeTimeout
	}
	if status >= 500 {
		return kepu.Unavailable
	}
	return kepu.Internal
}
