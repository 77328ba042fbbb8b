package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/admin"
	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/httpx"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/storetest"
)

// run runs a command with the environment vars (nothing else set) and
// returns its exit code, standard output and standard error.
func run(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	env := admin.Env{Getenv: func(k string) string { return vars[k] }, Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr}
	code := admin.Run(context.Background(), env, args)
	return code, stdout.String(), stderr.String()
}

// failureLine is the one line a failed command writes to standard error:
// the command, the code, the message.
var failureLine = regexp.MustCompile(`^kepugraph ([a-z]+): ([A-Z_]+): (.+)\n$`)

// wantFailure checks that a command failed with exit code 1 and the line
// naming code, and that the message holds each of words.
func wantFailure(t *testing.T, what string, code int, stderr, wantCode string, words ...string) {
	t.Helper()
	if code != 1 {
		t.Errorf("%s: exit %d, want 1 (stderr %q)", what, code, stderr)
		return
	}
	m := failureLine.FindStringSubmatch(stderr)
	if m == nil {
		t.Errorf("%s: stderr %q is not one line \"kepugraph COMMAND: CODE: message\"", what, stderr)
		return
	}
	if m[2] != wantCode {
		t.Errorf("%s: code %s, want %s (%q)", what, m[2], wantCode, stderr)
	}
	for _, w := range words {
		if !strings.Contains(m[3], w) {
			t.Errorf("%s: message %q does not say %q", what, m[3], w)
		}
	}
}

// dataDir returns a data directory holding two schools.
func dataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	st, err := embedded.Open(dir, embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Write(context.Background(), []kepu.Change{
		{Kind: kepu.PutNode, Node: storetest.N("School:a")}, {Kind: kepu.PutNode, Node: storetest.N("School:b")},
	}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// damaged returns a directory holding a copy of dir's data file with one
// byte of a node record changed (its checksum no longer matches).
func damaged(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, embedded.FileName))
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte("storetest"))
	if i < 0 {
		t.Fatal("no record holds the source storetest")
	}
	b[i] ^= 0x20
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, embedded.FileName), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return bad
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// lastLine is the last line of a command's standard output.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	return lines[len(lines)-1]
}

// TestCheckErrorCodes: check's failures name their code on standard error
// and, with --json, in the report's "code" field; a sound file has none;
// bad usage stays exit 2.
func TestCheckErrorCodes(t *testing.T) {
	good := dataDir(t)
	code, out, errOut := run(t, nil, "check", "--data-dir", good, "--json")
	var rep struct {
		OK       bool
		Code     *string
		Error    *string
		Problems []any
	}
	if code != 0 || errOut != "" || json.Unmarshal([]byte(out), &rep) != nil || !rep.OK || rep.Code != nil || rep.Error != nil {
		t.Fatalf("check --json of a sound file: %d %q %s", code, errOut, out)
	}

	bad := damaged(t, good)
	code, out, errOut = run(t, nil, "check", "--data-dir", bad)
	wantFailure(t, "check of a damaged file", code, errOut, admin.CodeDataDamaged, filepath.Join(bad, embedded.FileName), "1 problem (")
	if !strings.Contains(out, "PROBLEMS") {
		t.Errorf("check of a damaged file: no report on standard output: %s", out)
	}
	// The report's advice fits what was checked: a data directory's file
	// is restored over; a file given with --file (a backup) is not one to
	// restore (check --file printed "Restore the last good backup" too).
	if !strings.Contains(out, "Restore the last good backup: kepugraph restore --data-dir DIR --force BACKUP") {
		t.Errorf("check --data-dir of a damaged file: advice %q", lastLine(out))
	}
	code, out, errOut = run(t, nil, "check", "--file", filepath.Join(bad, embedded.FileName))
	wantFailure(t, "check --file of a damaged file", code, errOut, admin.CodeDataDamaged, "1 problem (")
	if !strings.HasPrefix(lastLine(out), "Do not restore this file: check another backup") {
		t.Errorf("check --file of a damaged file: advice %q", lastLine(out))
	}
	// A file refused before bbolt reads it (cut short) is reported with its
	// size (the report said 0 bytes of a 100,000-byte file).
	whole, err := os.ReadFile(filepath.Join(good, embedded.FileName))
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.db")
	const cutSize = 3 * 4096 // the meta pages and one more: fewer pages than the data has
	if err := os.WriteFile(cut, whole[:cutSize], 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = run(t, nil, "check", "--file", cut, "--json")
	var cutRep struct{ Bytes int }
	if err := json.Unmarshal([]byte(out), &cutRep); code != 1 || err != nil || cutRep.Bytes != cutSize {
		t.Errorf("check --json of a cut file: exit %d, bytes %d, want 1 and %d (%v; %q; %s)", code, cutRep.Bytes, cutSize, err, errOut, out)
	}
	code, out, errOut = run(t, nil, "check", "--file", filepath.Join(bad, embedded.FileName), "--json")
	wantFailure(t, "check --json of a damaged file", code, errOut, admin.CodeDataDamaged)
	rep.Code, rep.Error = nil, nil
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.OK || rep.Code == nil || *rep.Code != admin.CodeDataDamaged || len(rep.Problems) == 0 || rep.Error != nil {
		t.Errorf("check --json of a damaged file: %v %s", err, out)
	}

	missing := t.TempDir()
	code, out, errOut = run(t, nil, "check", "--data-dir", missing, "--json")
	wantFailure(t, "check --json of a missing file", code, errOut, kepu.NotFound, "does not exist")
	rep.Code, rep.Error, rep.Problems = nil, nil, nil
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.OK || rep.Code == nil || *rep.Code != kepu.NotFound || rep.Error == nil || rep.Problems != nil {
		t.Errorf("check --json of a missing file: %v %s", err, out)
	}

	// A file a running server holds.
	st, err := embedded.Open(good, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	code, _, errOut = run(t, nil, "check", "--data-dir", good)
	st.Close()
	wantFailure(t, "check of a file in use", code, errOut, kepu.Conflict, "in use")

	if code, _, errOut := run(t, nil, "check", "--bogus"); code != 2 || failureLine.MatchString(errOut) {
		t.Errorf("check --bogus: exit %d, stderr %q; want 2 and the usage", code, errOut)
	}
}

// TestRestoreErrorCodes: restore's refusals name their code.
func TestRestoreErrorCodes(t *testing.T) {
	src := dataDir(t)
	backup := filepath.Join(src, embedded.FileName)
	code, _, errOut := run(t, nil, "restore", "--data-dir", t.TempDir(), filepath.Join(t.TempDir(), "none.db"))
	wantFailure(t, "restore of a missing backup", code, errOut, kepu.NotFound, "none.db")

	bad := filepath.Join(damaged(t, src), embedded.FileName)
	code, out, errOut := run(t, nil, "restore", "--data-dir", t.TempDir(), bad)
	wantFailure(t, "restore of a damaged backup", code, errOut, admin.CodeDataDamaged, "not a sound backup")
	// Its report's advice is not check's "restore the last good backup"
	// (restore is what was being done).
	if !strings.HasPrefix(lastLine(out), "Nothing was restored: check another backup") {
		t.Errorf("restore of a damaged backup: advice %q", lastLine(out))
	}

	full := dataDir(t)
	code, _, errOut = run(t, nil, "restore", "--data-dir", full, backup)
	wantFailure(t, "restore into a directory that is not empty", code, errOut, kepu.Conflict, "--force")

	st, err := embedded.Open(full, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	code, _, errOut = run(t, nil, "restore", "--data-dir", full, "--force", backup)
	st.Close()
	wantFailure(t, "restore over a data file in use", code, errOut, kepu.Conflict, "in use")

	if code, _, errOut := run(t, nil, "restore", "--data-dir", full); code != 2 || failureLine.MatchString(errOut) {
		t.Errorf("restore without a file: exit %d, stderr %q; want 2 and the usage", code, errOut)
	}
	if code, out, errOut := run(t, nil, "restore", "--data-dir", filepath.Join(t.TempDir(), "new"), backup); code != 0 || errOut != "" || !strings.Contains(out, "restored") {
		t.Errorf("restore into a new directory: %d %q %q", code, out, errOut)
	}
}

// TestDumpLoadErrorCodes: dump's and load's failures name their code, on
// the embedded store and on a Neo4j that cannot be reached (dump only: it
// takes the store's connect timeout, 2 s, and load opens the store the
// same way).
func TestDumpLoadErrorCodes(t *testing.T) {
	src := dataDir(t)
	code, _, errOut := run(t, nil, "dump", "--data-dir", t.TempDir())
	wantFailure(t, "dump of a directory without a data file", code, errOut, kepu.NotFound, "no data file")

	code, _, errOut = run(t, nil, "dump", "--data-dir", damaged(t, src))
	wantFailure(t, "dump of a damaged data file", code, errOut, admin.CodeDataDamaged, "damaged")

	code, _, errOut = run(t, nil, "dump", "--data-dir", src, "--to", filepath.Join(t.TempDir(), "no", "such", "dir", "g.jsonl"))
	wantFailure(t, "dump into a missing directory", code, errOut, kepu.NotFound)

	st, err := embedded.Open(src, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	code, _, errOut = run(t, nil, "dump", "--data-dir", src)
	st.Close()
	wantFailure(t, "dump of a data directory in use", code, errOut, kepu.Conflict, "in use", "kepugraph backup", "kepugraph restore")

	unreachable := map[string]string{"NEO4J_URI": "bolt://" + closedPort(t), "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": "x"}
	code, _, errOut = run(t, unreachable, "dump")
	wantFailure(t, "dump of an unreachable Neo4j", code, errOut, kepu.Unavailable)

	dumpFile := filepath.Join(t.TempDir(), "g.jsonl")
	if code, _, errOut := run(t, nil, "dump", "--data-dir", src, "--to", dumpFile); code != 0 {
		t.Fatalf("dump: %d %s", code, errOut)
	}
	code, _, errOut = run(t, nil, "load", "--data-dir", t.TempDir(), filepath.Join(t.TempDir(), "none.jsonl"))
	wantFailure(t, "load of a missing dump", code, errOut, kepu.NotFound, "none.jsonl")

	b, _ := os.ReadFile(dumpFile)
	cut := filepath.Join(t.TempDir(), "cut.jsonl")
	os.WriteFile(cut, b[:len(b)-10], 0o600)
	code, _, errOut = run(t, nil, "load", "--data-dir", t.TempDir(), cut)
	wantFailure(t, "load of a cut dump", code, errOut, kepu.BadUserInput, "nothing loaded")

	code, _, errOut = run(t, nil, "load", "--data-dir", src, dumpFile)
	wantFailure(t, "load into a store that holds nodes", code, errOut, kepu.Conflict, "not empty")

	if code, _, errOut := run(t, nil, "load", "--data-dir", src); code != 2 || failureLine.MatchString(errOut) {
		t.Errorf("load without a file: exit %d, stderr %q; want 2 and the usage", code, errOut)
	}
	if code, _, errOut := run(t, nil, "dump", "--store", "nope"); code != 2 || failureLine.MatchString(errOut) {
		t.Errorf("dump --store nope: exit %d, stderr %q; want 2 and the usage", code, errOut)
	}
}

// TestBackupErrorCodes: backup's failures name their code: the server's
// own (401 UNAUTHENTICATED from the backup handler), the status's when the
// answer has no error body, SERVICE_UNAVAILABLE for a server that cannot
// be reached, DATA_DAMAGED for a download that fails its check.
func TestBackupErrorCodes(t *testing.T) {
	src := dataDir(t)
	st, err := embedded.Open(src, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	token := map[string]string{admin.AdminTokenEnv: "some-token"}
	to := func() string { return filepath.Join(t.TempDir(), "b.db") }

	// The backup handler without a key (no auth middleware: no role).
	noKey := httptest.NewServer(admin.BackupHandler(st, slog.New(slog.DiscardHandler)))
	defer noKey.Close()
	code, _, errOut := run(t, token, "backup", "--url", noKey.URL, "--to", to())
	wantFailure(t, "backup without the admin role", code, errOut, "UNAUTHENTICATED", "401")

	code, _, errOut = run(t, nil, "backup", "--url", noKey.URL, "--to", to())
	wantFailure(t, "backup without a token", code, errOut, "UNAUTHENTICATED", admin.AdminTokenEnv)

	exists := filepath.Join(t.TempDir(), "b.db")
	os.WriteFile(exists, nil, 0o600)
	code, _, errOut = run(t, token, "backup", "--url", noKey.URL, "--to", exists)
	wantFailure(t, "backup over an existing file", code, errOut, kepu.Conflict, "--force")

	notImpl := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.Rejection{Status: http.StatusNotImplemented, Code: "NOT_IMPLEMENTED", Message: "this store cannot stream a backup"}.Write(w, r)
	}))
	defer notImpl.Close()
	code, _, errOut = run(t, token, "backup", "--url", notImpl.URL, "--to", to())
	wantFailure(t, "backup of a Neo4j server", code, errOut, "NOT_IMPLEMENTED", "cannot stream")

	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream down", http.StatusBadGateway)
	}))
	defer bare.Close()
	code, _, errOut = run(t, token, "backup", "--url", bare.URL, "--to", to())
	wantFailure(t, "backup through a proxy answering 502", code, errOut, kepu.Unavailable, "502")

	code, _, errOut = run(t, token, "backup", "--url", "http://"+closedPort(t), "--to", to())
	wantFailure(t, "backup of a server that cannot be reached", code, errOut, kepu.Unavailable)

	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Repeat([]byte("not a bbolt file "), 1000))
	}))
	defer garbage.Close()
	dst := to()
	code, _, errOut = run(t, token, "backup", "--url", garbage.URL, "--to", dst)
	wantFailure(t, "backup whose download is not a data file", code, errOut, admin.CodeDataDamaged, "nothing kept")
	if _, err := os.Stat(dst); err == nil {
		t.Error("a download that fails its check was kept")
	}

	if code, _, errOut := run(t, token, "backup", "--url", noKey.URL); code != 2 || failureLine.MatchString(errOut) {
		t.Errorf("backup without --to: exit %d, stderr %q; want 2 and the usage", code, errOut)
	}
}

// TestErrorCode: the codes of errors that are not *kepu.Error.
func TestErrorCode(t *testing.T) {
	_, errNotExist := os.Open(filepath.Join(t.TempDir(), "none"))
	ctx, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	<-ctx.Done()
	for _, c := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{kepu.Errorf(kepu.Conflict, "x"), kepu.Conflict},
		{&embedded.DamageError{Path: "p", Problem: "x"}, admin.CodeDataDamaged},
		{errNotExist, kepu.NotFound},
		{os.ErrExist, kepu.Conflict},
		{ctx.Err(), admin.CodeTimeout},
		{os.ErrClosed, kepu.Internal},
	} {
		if got := admin.ErrorCode(c.err); got != c.want {
			t.Errorf("ErrorCode(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

// TestHelpOnStandardOutput: every command's -h and -help (one dash or
// two) print its usage on standard output and exit 0; a flag error and
// its usage go to standard error, exit 2.
func TestHelpOnStandardOutput(t *testing.T) {
	for _, cmd := range []string{"check", "backup", "restore", "dump", "load"} {
		for _, h := range []string{"-h", "--help", "-help"} {
			code, stdout, stderr := run(t, nil, cmd, h)
			if code != 0 || !strings.HasPrefix(stdout, "usage: kepugraph "+cmd+" ") || !strings.Contains(stdout, "\nflags:\n  -") || stderr != "" {
				t.Errorf("%s %s: exit %d, stdout %q, stderr %q; want 0 and the usage line, then the flags, on standard output alone", cmd, h, code, stdout, stderr)
			}
		}
		// The usage line names the command's arguments, which its flags
		// do not: load's and restore's FILE.
		if _, stdout, _ := run(t, nil, cmd, "-h"); (cmd == "load" || cmd == "restore") && !strings.Contains(stdout, "FILE") {
			t.Errorf("%s -h: %q does not name the FILE argument", cmd, stdout)
		}
		code, stdout, stderr := run(t, nil, cmd, "--no-such-flag")
		if code != 2 || stdout != "" || !strings.Contains(stderr, "no-such-flag") {
			t.Errorf("%s --no-such-flag: exit %d, stdout %q, stderr %q; want 2 and the error on standard error alone", cmd, code, stdout, stderr)
		}
	}
}

// TestInUseIsConflict: every command refuses a data file a running server
// holds with CONFLICT and says what to do instead: check, dump and load
// (which named SERVICE_UNAVAILABLE before, as the store does), and restore
// both onto the server's data directory and from its live data file
// (which answered SERVICE_UNAVAILABLE with check's advice, "check a backup
// of it"); the commands tell it by embedded.ErrInUse, not by the words of
// the store's message.
func TestInUseIsConflict(t *testing.T) {
	held := dataDir(t)
	live := filepath.Join(held, embedded.FileName)
	backup := filepath.Join(dataDir(t), embedded.FileName)
	dumpFile := filepath.Join(t.TempDir(), "g.jsonl")
	if code, _, errOut := run(t, nil, "dump", "--data-dir", dataDir(t), "--to", dumpFile); code != 0 {
		t.Fatalf("dump: %d %s", code, errOut)
	}
	st, err := embedded.Open(held, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, tc := range []struct {
		what  string
		args  []string
		words []string
	}{
		{"check of a file in use", []string{"check", "--data-dir", held}, []string{"in use", "check a backup of it instead", "kepugraph backup --url http://HOST:PORT --to FILE", "kepugraph check --file FILE"}},
		{"check --file of a file in use", []string{"check", "--file", live}, []string{"in use"}},
		{"dump of a data directory in use", []string{"dump", "--data-dir", held}, []string{"data directory " + held + " is in use", "stop the server, then dump again",
			"kepugraph backup --url http://HOST:PORT --to FILE", "kepugraph restore --data-dir NEW FILE", "kepugraph dump --data-dir NEW"}},
		{"load into a data directory in use", []string{"load", "--data-dir", held, "--force", dumpFile}, []string{"data directory " + held + " is in use", "stop the server, then load again", "mutations"}},
		{"restore onto a data directory in use", []string{"restore", "--data-dir", held, "--force", backup}, []string{"in use", "stop the server that holds it, then restore again"}},
		{"restore of a live data file", []string{"restore", "--data-dir", t.TempDir(), live}, []string{live + " is in use", "not a backup", "restore a backup of it", "kepugraph backup --url http://HOST:PORT --to FILE"}},
		{"restore of a live data file onto its own directory", []string{"restore", "--data-dir", held, "--force", live}, []string{"in use", "restore a backup of it"}},
	} {
		code, _, errOut := run(t, nil, tc.args...)
		wantFailure(t, tc.what, code, errOut, kepu.Conflict, tc.words...)
		// One piece of advice, the command's own: not load's advice in a
		// dump's refusal, nor check's ("check a backup of it", which
		// embedded.Check's message carries) in a restore's.
		for _, other := range []string{"check a backup", "restore that into a new directory and use that"} {
			if tc.args[0] != "check" && strings.Contains(errOut, other) {
				t.Errorf("%s: %q gives another command's advice, %q", tc.what, errOut, other)
			}
		}
	}
	code, out, errOut := run(t, nil, "check", "--data-dir", held, "--json")
	var rep struct{ Code, Error string }
	if json.Unmarshal([]byte(out), &rep) != nil || rep.Code != kepu.Conflict || !strings.Contains(rep.Error, "in use") {
		t.Errorf("check --json of a file in use: %d %q %s", code, errOut, out)
	}
	// The code comes from the sentinel, whatever the message says.
	if got := admin.ErrorCode(fmt.Errorf("open: %w", embedded.ErrInUse)); got != kepu.Conflict {
		t.Errorf("ErrorCode of an error wrapping embedded.ErrInUse = %s, want CONFLICT", got)
	}
	if got := admin.ErrorCode(kepu.Errorf(kepu.Unavailable, "the disk is in use")); got != kepu.Unavailable {
		t.Errorf("ErrorCode of an Unavailable error that says in use = %s, want SERVICE_UNAVAILABLE", got)
	}
}

// TestCheckMetaEntries: check verifies the checksums of the store's
// metadata entries (kepu.Store.SetMeta: the reference load's mark) and
// reports a damaged one as DATA_DAMAGED naming the entry; before, it
// passed the file, and the next server start failed reading the mark.
func TestCheckMetaEntries(t *testing.T) {
	dir := dataDir(t)
	st, err := embedded.Open(dir, embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	const value = "incomplete: a value to find in the file"
	if err := st.SetMeta(context.Background(), kepu.MetaReferenceLoad, value); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := run(t, nil, "check", "--data-dir", dir); code != 0 {
		t.Fatalf("check of a sound file with a metadata entry: %d %q %s", code, errOut, out)
	}
	path := filepath.Join(dir, embedded.FileName)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte(value))
	if i < 0 || bytes.Count(b, []byte(value)) != 1 {
		t.Fatalf("the entry's value is %d times in the file", bytes.Count(b, []byte(value)))
	}
	b[i+3] ^= 0x01 // still UTF-8, the checksum no longer matches
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, nil, "check", "--data-dir", dir, "--json")
	wantFailure(t, "check of a damaged metadata entry", code, errOut, admin.CodeDataDamaged, "1 problem (")
	var rep struct {
		Code     string
		Problems []struct{ Check, Record, Message string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Code != admin.CodeDataDamaged || len(rep.Problems) != 1 ||
		rep.Problems[0].Record != `the metadata entry "referenceLoad"` || !strings.Contains(rep.Problems[0].Message, "checksum") {
		t.Errorf("check --json of a damaged metadata entry: %v %s; want one problem naming the entry referenceLoad", err, out)
	}
}
