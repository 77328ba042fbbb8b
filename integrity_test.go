package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/admin"
	"github.com/kepugraph/kepugraph/auth"
	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
)

const testAdminToken = "test-admin-token"

// adminTokens are the --tokens of the servers of these tests: an editor
// and an admin.
var adminTokens = "tester:editor:" + auth.HashToken(testEditorToken) + ",ops:admin:" + auth.HashToken(testAdminToken)

func getWith(t *testing.T, url, token string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// TestBackupAccess: only an admin key gets a backup; the copy passes Check.
func TestBackupAccess(t *testing.T) {
	m, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed", "--tokens", adminTokens)
	url := m.URL() + admin.BackupPath
	for _, tc := range []struct {
		token  string
		status int
		code   string
	}{
		{"", 401, "UNAUTHENTICATED"},
		{testEditorToken, 403, "FORBIDDEN"},
		{"wrong", 401, "UNAUTHENTICATED"},
	} {
		res, b := getWith(t, url, tc.token)
		if res.StatusCode != tc.status || !strings.Contains(string(b), tc.code) {
			t.Errorf("token %q: %d %s, want %d %s", tc.token, res.StatusCode, b, tc.status, tc.code)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, url, nil)
	req.Header.Set("Authorization", "Bearer "+testAdminToken)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 405 {
		t.Errorf("POST: %v %v, want 405", res.StatusCode, err)
	}
	res, b := getWith(t, url, testAdminToken)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/octet-stream" || int64(len(b)) != res.ContentLength {
		t.Fatalf("admin: %d %s, %d bytes of %d", res.StatusCode, res.Header, len(b), res.ContentLength)
	}
	f := filepath.Join(t.TempDir(), "b.db")
	os.WriteFile(f, b, 0o600)
	if r, err := embedded.Check(f, embedded.CheckOptions{}); err != nil || !r.OK() {
		t.Fatalf("Check of the backup: %+v %v", r, err)
	}
}

// TestBackupUnderWrites takes a backup with kepugraph backup while writers
// create museums through the API, restores it into a new directory and
// checks that it holds every museum acknowledged before the backup
// started, that check passes, and that the server serves it.
func TestBackupUnderWrites(t *testing.T) {
	m, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed", "--tokens", adminTokens)
	var (
		mu    sync.Mutex
		acked = map[int]bool{}
		stop  atomic.Bool
		wg    sync.WaitGroup
		next  atomic.Int64
	)
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				n := int(next.Add(1))
				input, _ := crashProps(n)
				res := post(t, m, "mutation { createMuseum(input: {"+input+"}) { id } }", nil)
				if len(res.Errors) > 0 {
					t.Errorf("mutation %d: %+v", n, res.Errors)
					return
				}
				mu.Lock()
				acked[n] = true
				mu.Unlock()
			}
		}()
	}
	// Some writes acknowledged before the backup starts, however slowly
	// the writers run (a fixed 300 ms could pass before the first one).
	ackedCount := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(acked)
	}
	untilAcked := func(n int) {
		t.Helper()
		for deadline := time.Now().Add(time.Minute); ackedCount() < n; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) || t.Failed() {
				stop.Store(true)
				wg.Wait()
				t.Fatalf("%d writes acknowledged, waited for %d", ackedCount(), n)
			}
		}
	}
	untilAcked(10)
	mu.Lock()
	before := make([]int, 0, len(acked))
	for n := range acked {
		before = append(before, n)
	}
	mu.Unlock()
	file := filepath.Join(t.TempDir(), "backup.db")
	env := admin.Env{Getenv: func(k string) string {
		if k == admin.AdminTokenEnv {
			return testAdminToken
		}
		return ""
	}, Stdout: io.Discard, Stderr: io.Discard}
	var out bytes.Buffer
	env.Stdout = &out
	code := admin.Run(context.Background(), env, []string{"backup", "--url", m.URL(), "--to", file})
	untilAcked(ackedCount() + 3) // the writers go on after the backup
	stop.Store(true)
	wg.Wait()
	if code != 0 {
		t.Fatalf("kepugraph backup exited %d: %s", code, out.String())
	}
	t.Logf("%s (%d museums acknowledged before it started, %d in all)", strings.TrimSpace(out.String()), len(before), len(acked))
	if len(before) == 0 {
		t.Fatal("no write acknowledged before the backup")
	}

	dir := filepath.Join(t.TempDir(), "restored")
	if code := admin.Run(context.Background(), env, []string{"restore", "--data-dir", dir, file}); code != 0 {
		t.Fatalf("restore exited %d: %s", code, out.String())
	}
	if code := admin.Run(context.Background(), env, []string{"check", "--data-dir", dir}); code != 0 {
		t.Fatalf("check of the restored directory exited %d: %s", code, out.String())
	}
	st, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ids := make([]string, len(before))
	for i, n := range before {
		ids[i] = fmt.Sprintf("Museum:crash-%07d", n)
	}
	got, err := st.Nodes(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range before {
		node, ok := got[ids[i]]
		_, want := crashProps(n)
		if !ok {
			t.Fatalf("museum %d, acknowledged before the backup started, is not in it", n)
		}
		for k, v := range want {
			if node.Props[k] != v {
				t.Fatalf("museum %d: %s = %v, want %v", n, k, node.Props[k], v)
			}
		}
	}
	total, _ := st.CountNodes(context.Background(), kepu.Museum, nil)
	if total < len(before) || total > len(acked)+3 {
		t.Fatalf("the backup holds %d museums; %d were acknowledged before, %d in all", total, len(before), len(acked))
	}
}

// TestRestoreRefuses: a damaged backup is refused (nothing restored), a
// directory with data is refused without --force, and --force keeps the
// replaced file (and removes a killed first start's embedded.SeedMarker).
func TestRestoreRefuses(t *testing.T) {
	src := t.TempDir()
	st, err := embedded.Open(src, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := museumNode("a")
	if _, err := st.Write(context.Background(), []kepu.Change{{Kind: kepu.CreateNode, Node: n}}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	good := filepath.Join(src, embedded.FileName)
	b, _ := os.ReadFile(good)
	bad := filepath.Join(t.TempDir(), "bad.db")
	damaged := bytes.Clone(b)
	i := bytes.Index(damaged, []byte("Museum museum-a"))
	if i < 0 {
		t.Fatal("record not found in the file")
	}
	damaged[i+7] = 'X'
	os.WriteFile(bad, damaged, 0o600)

	var out bytes.Buffer
	dir := filepath.Join(t.TempDir(), "data")
	err = admin.Restore(&out, bad, dir, false)
	if err == nil || !strings.Contains(out.String(), "checksum") {
		t.Fatalf("restore of a damaged backup: %v\n%s", err, out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, embedded.FileName)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a damaged backup left a data file: %v", err)
	}
	if err := admin.Restore(&out, good, dir, false); err != nil {
		t.Fatal(err)
	}
	if err := admin.Restore(&out, good, dir, false); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("restore into a directory with data: %v", err)
	}
	// A running server holds the file: refused even with --force.
	m, _ := mustRunMain(t, "--data-dir", dir, "--no-seed")
	if err := admin.Restore(&out, good, dir, true); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("restore under a running server: %v", err)
	}
	// check refuses the file of a running server as in use (not damaged).
	if _, err := embedded.Check(filepath.Join(dir, embedded.FileName), embedded.CheckOptions{LockTimeout: 100 * time.Millisecond}); kepu.ErrorCode(err) != kepu.Unavailable || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("check under a running server: %v", err)
	}
	m.Close()
	// A first start killed in its reference load left its marker: the
	// restore, whole, removes it, so that no start loads over it.
	marker := filepath.Join(dir, embedded.SeedMarker)
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := admin.Restore(&out, good, dir, true); err != nil {
		t.Fatalf("restore --force: %v", err)
	}
	if _, err := os.Stat(marker); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the reference load's marker is left after a restore: %v", err)
	}
	kept, _ := filepath.Glob(filepath.Join(dir, embedded.FileName+admin.ReplacedSuffix+"*"))
	if len(kept) != 1 {
		t.Fatalf("replaced files kept: %v", kept)
	}
}

// usedBytes returns the bytes of a data file in use (the rest of the file
// is space bbolt allocated ahead): the high-water mark of the newer meta
// page times the page size.
func usedBytes(b []byte) int {
	le := binary.LittleEndian
	ps := int(le.Uint32(b[16+8:]))
	m0, m1 := b[16:], b[ps+16:]
	m := m0
	if le.Uint64(m1[48:]) > le.Uint64(m0[48:]) {
		m = m1
	}
	return int(le.Uint64(m[40:])) * ps
}

func museumNode(key string) kepu.Node {
	return kepu.Node{ID: "Museum:" + key, Label: kepu.Museum, Props: kepu.Props{"name": "Museum museum-" + key, "kind": "STANDARD",
		"provenance": kepu.Generated, "source": "integrity test"}}
}

// TestDamagedFileExit starts the real program on damaged data directories:
// it exits 1 with one message naming the file, the problem and the restore
// command; no stack trace; the file is unchanged. Only a missing file
// gives a new (seeded) store.
func TestDamagedFileExit(t *testing.T) {
	src := t.TempDir()
	st, err := embedded.Open(src, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Write(context.Background(), []kepu.Change{{Kind: kepu.CreateNode, Node: museumNode("a")}}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	orig, _ := os.ReadFile(filepath.Join(src, embedded.FileName))
	flip := bytes.Clone(orig)
	flip[bytes.Index(flip, []byte("Museum museum-a"))+3] ^= 0x20
	for name, content := range map[string][]byte{
		"empty":     {},
		"4KB":       orig[:4096],
		"half":      orig[:usedBytes(orig)/2],
		"flip":      flip,
		"not bbolt": bytes.Repeat([]byte("kepugraph"), 2000),
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, embedded.FileName)
			os.WriteFile(path, content, 0o600)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := child(ctx, "--data-dir", dir, "--addr", "127.0.0.1:0")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 1 {
				t.Fatalf("exit: %v, want code 1\n%s", err, stderr.String())
			}
			msg := stderr.String()
			for _, want := range []string{path, "damaged", "kepugraph restore --data-dir " + dir} {
				if !strings.Contains(msg, want) {
					t.Errorf("stderr lacks %q:\n%s", want, msg)
				}
			}
			if strings.Contains(msg, "goroutine ") || strings.Contains(msg, "panic") {
				t.Errorf("stderr has a stack trace:\n%s", msg)
			}
			if now, _ := os.ReadFile(path); !bytes.Equal(now, content) {
				t.Error("the damaged file was changed")
			}
			t.Logf("%s", strings.TrimSpace(msg[strings.LastIndex(msg, "kepugraph: "):]))
		})
	}
}

// TestCommands runs the commands through the real main: check exits 0 on a
// sound directory and 1 on a damaged one; bad usage exits 2; dump and load
// move a graph into a new directory.
func TestCommands(t *testing.T) {
	src := t.TempDir()
	st, err := embedded.Open(src, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Write(context.Background(), []kepu.Change{{Kind: kepu.CreateNode, Node: museumNode("a")}, {Kind: kepu.CreateNode, Node: museumNode("b")}}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	run := func(args ...string) (int, string, string) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := child(ctx, args...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, stdout.String(), stderr.String()
	}
	if code, out, errOut := run("check", "--data-dir", src); code != 0 || !strings.Contains(out, "OK") {
		t.Fatalf("check: %d %s %s", code, out, errOut)
	}
	if code, out, _ := run("check", "--data-dir", src, "--json"); code != 0 || !strings.Contains(out, `"ok": true`) {
		t.Fatalf("check --json: %d %s", code, out)
	}
	if code, _, _ := run("check", "--bogus"); code != 2 {
		t.Fatalf("check --bogus: exit %d, want 2", code)
	}
	dumpFile := filepath.Join(t.TempDir(), "g.jsonl")
	if code, _, errOut := run("dump", "--data-dir", src, "--to", dumpFile); code != 0 {
		t.Fatalf("dump: %d %s", code, errOut)
	}
	dst := filepath.Join(t.TempDir(), "dst")
	if code, _, errOut := run("load", "--data-dir", dst, dumpFile); code != 0 || !strings.Contains(errOut, "2 nodes") {
		t.Fatalf("load: %d %s", code, errOut)
	}
	if code, _, errOut := run("load", "--data-dir", dst, dumpFile); code != 1 || !strings.Contains(errOut, "not empty") {
		t.Fatalf("second load: %d %s, want 1 and not empty", code, errOut)
	}
	code, out, _ := run("dump", "--data-dir", dst)
	want, _ := os.ReadFile(dumpFile)
	if code != 0 || out != string(want) {
		t.Fatalf("dump of the loaded store: %d\n%s\nwant\n%s", code, out, want)
	}
	if code, _, errOut := run("dump", "--data-dir", filepath.Join(t.TempDir(), "none")); code != 1 || !strings.Contains(errOut, "no data file") {
		t.Fatalf("dump of a missing store: %d %s", code, errOut)
	}
	b, _ := os.ReadFile(filepath.Join(src, embedded.FileName))
	os.WriteFile(filepath.Join(src, embedded.FileName), b[:usedBytes(b)-4096], 0o600)
	if code, out, _ := run("check", "--data-dir", src); code != 1 || !strings.Contains(out, "truncated") {
		t.Fatalf("check of a truncated file: %d %s", code, out)
	}
}

// damagedStore fails museum lists with the error the embedded store gives
// for a damaged record.
type damagedStore struct{ kepu.Store }

func (s damagedStore) FindNodes(ctx context.Context, q kepu.NodeQuery) (kepu.NodePage, error) {
	if q.Label == kepu.Museum {
		return kepu.NodePage{}, &embedded.DamageError{Path: "/srv/secret-dir/kepugraph.db", Record: `node "Museum:x"`, Problem: "checksum mismatch"}
	}
	return s.Store.FindNodes(ctx, q)
}

// TestDamageErrorToClients: should a store read ever meet a damaged
// record, the client gets INTERNAL_SERVER_ERROR with a generic message and
// the request ID; the file and record are only in the log.
func TestDamageErrorToClients(t *testing.T) {
	m, logs, err := runMainWith(t, func(m *Main) {
		m.WrapStore = func(st kepu.Store) kepu.Store { return damagedStore{st} }
	}, "--data-dir", t.TempDir(), "--no-seed", "--log-format", "json")
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	res := do(t, m, request{method: "POST", body: gqlBody(`{ museums(first: 1) { nodes { name } } }`, nil),
		header: map[string]string{"X-Request-ID": "req-damage-1"}})
	if len(res.gql.Errors) == 0 {
		t.Fatalf("no error: %d %s", res.status, res.body)
	}
	if e := res.gql.Errors[0]; e.Code() != kepu.Internal || e.Message != "internal error" {
		t.Fatalf("error %+v, want INTERNAL_SERVER_ERROR with a generic message", e)
	}
	if strings.Contains(res.body, "secret-dir") || strings.Contains(res.body, "checksum") {
		t.Fatalf("the response shows the damage details: %s", res.body)
	}
	waitForLog(t, logs, func(rec map[string]any) bool {
		return strings.Contains(fmt.Sprint(rec), "secret-dir/kepugraph.db")
	})
}
