// Package neo4jstore is the Neo4j backend of kepugraph: a kepu.Store on
// github.com/neo4j/neo4j-go-driver/v5.
//
// Every node carries the common label KG and its own label, and keeps its kepu
// ID in the property id (unique, indexed). Edges are relationships of the kepu
// type, unique per (type, from, to). Property values are stored as the Neo4j
// types of their Go values (string, integer, float, boolean, list of strings).
//
// Reads run as auto-commit read transactions (one round trip each; routed
// to readers in a cluster), falling back to managed read transactions after
// retryable errors; writes in managed write transactions (to the leader), with a bookmark
// manager shared by all sessions so that a read after a write sees it. Every
// Cypher statement is built in cypher.go from the kepu registry; client text
// only ever travels as a parameter.
package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
	"golang.org/x/sync/semaphore"
)

var _ kepu.Store = (*Store)(nil)

// Config configures a Store.
type Config struct {
	URI      string // bolt://, bolt+s://, neo4j:// or neo4j+s://
	User     string
	Password string
	Database string // default "neo4j"

	// TxTimeout bounds every transaction on the server (default 30s).
	TxTimeout time.Duration
	// ConnectTimeout bounds connecting and, together with RetryTime, how long
	// a call waits for an unreachable server before it fails with
	// SERVICE_UNAVAILABLE (default 2s).
	ConnectTimeout time.Duration
	// RetryTime bounds the driver's retries of transient errors in one
	// call (default: ConnectTimeout). A call that has not reached the
	// server within three quarters of ConnectTimeout gives up sooner (see
	// reach).
	RetryTime time.Duration
	// MaxConnections is how many calls (reads and writes) run at once
	// (default DefaultMaxConnections); the others wait for one to end,
	// for as long as their context allows. The driver's pool holds
	// MaxConnections plus spareConnections (schema, readiness probes).
	// Without the bound a burst of calls past the pool waited for a
	// connection inside the call's reach budget, failed as "unavailable"
	// though the server was up, and marked the store down.
	MaxConnections int
	// Logger receives errors and warnings; secrets are never logged
	// (default slog.Default()).
	Logger *slog.Logger
}

// ConfigFromEnv reads NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and
// NEO4J_DATABASE (default "neo4j").
func ConfigFromEnv() Config {
	cfg := Config{
		URI:      os.Getenv("NEO4J_URI"),
		User:     os.Getenv("NEO4J_USER"),
		Password: os.Getenv("NEO4J_PASSWORD"),
		Database: os.Getenv("NEO4J_DATABASE"),
	}
	if cfg.Database == "" {
		cfg.Database = "neo4j"
	}
	return cfg
}

func (c Config) withDefaults() Config {
	if c.Database == "" {
		c.Database = "neo4j"
	}
	if c.TxTimeout <= 0 {
		c.TxTimeout = 30 * time.Second
	}
	if c.ConnectTimeout <= 0 {
		c.ConnectTimeout = 2 * time.Second
	}
	if c.RetryTime <= 0 {
		c.RetryTime = c.ConnectTimeout
	}
	if c.MaxConnections <= 0 {
		c.MaxConnections = DefaultMaxConnections
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// DefaultMaxConnections is Config.MaxConnections' default: the Go driver's
// own default pool size.
const DefaultMaxConnections = 100

// spareConnections are the driver's connections beyond MaxConnections:
// for the sessions that are not calls (schema statements, AwaitIndexes,
// the readiness probe).
const spareConnections = 4

// Store is a kepu.Store backed by Neo4j.
type Store struct {
	cfg       Config
	calls     *semaphore.Weighted // MaxConnections calls at once (admit)
	driver    neo4j.DriverWithContext
	bookmarks neo4j.BookmarkManager
	log       *slog.Logger
	trips     atomic.Int64
	versionOK atomic.Bool                                // the server's version was checked
	record    func(cypher string, params map[string]any) // tests: sees every statement sent
	bulk      atomic.Bool                                // puts CREATE instead of MERGE (BulkCreate)
	ends      bulkEnds                                   // a bulk load's nodes' element IDs (bulk.go)

	// down is set when a call found the server unreachable, and cleared by
	// the next call that reaches it. While it is set, a call first checks
	// the connection once (at most every probeEvery, failing at once in
	// between) instead of spending the driver's whole retry time: a request
	// that makes several store calls fails within ConnectTimeout.
	down      atomic.Bool
	probeMu   sync.Mutex
	lastProbe time.Time

	// searchOnline is set once the search index was seen online
	// (SearchReady); searchWaited once it was seen not online, so that
	// the change is logged. watchSearchIndex's goroutine, when one runs,
	// is stopped by watchStop (Close) and closes watchDone.
	searchOnline atomic.Bool
	searchWaited atomic.Bool
	watchMu      sync.Mutex
	watchStop    context.CancelFunc
	watchDone    chan struct{}
	closed       bool
}

// probeEvery is how often, at most, a store that found the server down
// tries to connect again.
const probeEvery = 250 * time.Millisecond

// gate returns SERVICE_UNAVAILABLE at once while the server is known to be
// down and a new connection to it fails.
func (s *Store) gate(ctx context.Context) error { return s.gateEvery(ctx, probeEvery) }

// gateEvery is gate with probes at most every so often (Ready: 0, a probe
// each time, so that readiness follows the server at once).
func (s *Store) gateEvery(ctx context.Context, every time.Duration) error {
	if !s.down.Load() {
		return nil
	}
	s.probeMu.Lock()
	defer s.probeMu.Unlock()
	if !s.down.Load() {
		return nil
	}
	if time.Since(s.lastProbe) < every {
		return kepu.Errorf(kepu.Unavailable, "%s", msgUnavailable)
	}
	pctx, cancel := context.WithTimeout(ctx, s.cfg.ConnectTimeout)
	defer cancel()
	err := s.driver.VerifyConnectivity(pctx)
	s.lastProbe = time.Now()
	if err != nil {
		return s.translate(ctx, "probe", err)
	}
	s.down.Store(false)
	return nil
}

// admit waits until fewer than MaxConnections calls run, for as long as
// ctx allows, and takes a place (release it with s.calls.Release(1)). The
// wait is before the call's reach budget starts: a call waiting its turn
// on a busy server is not one that cannot reach it, and does not mark the
// store down. A context that ends first gives the call's timeout or
// cancellation error (SERVICE_UNAVAILABLE).
func (s *Store) admit(ctx context.Context) error {
	if err := s.calls.Acquire(ctx, 1); err != nil {
		return s.translate(ctx, "wait for a connection", err)
	}
	return nil
}

// reach bounds how long a call tries to reach the server: the driver
// retries a refused or broken connection with a backoff of 1 s, 2 s, ...
// for up to RetryTime, so that the first call to a server that went down
// took 2 s and more. A call gives up after three quarters of ConnectTimeout
// unless a statement of it is running (or committing) on a live connection
// then; when that statement fails after the budget, it gives up at once.
type reach struct {
	busy    atomic.Bool // a statement is running, or the work is done and committing
	expired atomic.Bool
	gaveUp  atomic.Bool
	cancel  context.CancelFunc
	timer   *time.Timer
}

func (s *Store) reach(ctx context.Context) (context.Context, *reach) {
	ctx, cancel := context.WithCancel(ctx)
	r := &reach{cancel: cancel}
	r.timer = time.AfterFunc(s.cfg.ConnectTimeout*3/4, func() {
		r.expired.Store(true)
		if !r.busy.Load() {
			r.gaveUp.Store(true)
			r.cancel()
		}
	})
	return ctx, r
}

// enter marks the start of an attempt's work (a connection is up).
func (r *reach) enter() { r.busy.Store(true) }

// exit marks the end of an attempt's work: on success it commits next
// (still busy); on an error the server sent (a transient error the driver
// retries, say) or one the work made of the server's answer (a *kepu.Error:
// NOT_FOUND for a batch with a missing end, say) the server is reachable,
// and the call is no longer bounded; on a connection failure the driver may
// back off and retry, within the budget.
func (r *reach) exit(err error) {
	var answer *kepu.Error
	if err == nil || neo4jError(err) != nil || errors.As(err, &answer) {
		return
	}
	r.busy.Store(false)
	if r.expired.Load() {
		r.gaveUp.Store(true)
		r.cancel()
	}
}

// done releases the timer and reports whether the call gave up.
func (r *reach) done() bool {
	r.timer.Stop()
	r.cancel()
	return r.gaveUp.Load()
}

// failed translates the error of a call that reach bounded.
func (s *Store) failed(ctx context.Context, op string, r *reach, err error) error {
	if r.done() && ctx.Err() == nil {
		s.log.Warn("neo4j: server unavailable", "op", op, "uri", RedactURI(s.cfg.URI),
			"detail", fmt.Sprintf("not reached within %s: %s", s.cfg.ConnectTimeout*3/4, scrub(err.Error(), s.cfg.Password)))
		err = kepu.Errorf(kepu.Unavailable, "%s", msgUnavailable)
	} else {
		err = s.translate(ctx, op, err)
	}
	s.observe(ctx, err)
	return err
}

// observe records whether a call reached the server.
func (s *Store) observe(ctx context.Context, err error) {
	switch {
	case err == nil || kepu.ErrorCode(err) != kepu.Unavailable:
		// Reached (an answer, or an error the server gave).
		if s.down.Load() {
			s.down.Store(false)
		}
	case ctx.Err() == nil:
		s.down.Store(true)
	}
}

// Open returns a store for the server at cfg.URI. The driver connects
// lazily: when the server cannot be reached, Open logs it and still returns
// the store (queries fail with SERVICE_UNAVAILABLE until the server is back;
// see Ready). When the server answers but refuses the credentials or does not
// have the database, Open returns that error.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	cfg = cfg.withDefaults()
	if cfg.URI == "" {
		return nil, kepu.Errorf(kepu.BadUserInput, "neo4j: no URI (set NEO4J_URI)")
	}
	auth := neo4j.NoAuth()
	if cfg.User != "" || cfg.Password != "" {
		auth = neo4j.BasicAuth(cfg.User, cfg.Password, "")
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, auth, func(c *config.Config) {
		c.SocketConnectTimeout = cfg.ConnectTimeout
		c.ConnectionAcquisitionTimeout = cfg.ConnectTimeout
		c.MaxTransactionRetryTime = cfg.RetryTime
		c.MaxConnectionPoolSize = cfg.MaxConnections + spareConnections
		c.UserAgent = "kepugraph"
	})
	if err != nil {
		// A malformed URI; the driver's message names the scheme, never the password.
		return nil, kepu.Errorf(kepu.BadUserInput, "neo4j: invalid URI: %s", scrub(err.Error(), cfg.Password))
	}
	s := &Store{
		cfg:       cfg,
		calls:     semaphore.NewWeighted(int64(cfg.MaxConnections)),
		driver:    driver,
		bookmarks: neo4j.NewBookmarkManager(neo4j.BookmarkManagerConfig{}),
		log:       cfg.Logger,
	}
	raw := s.ping(ctx)
	if raw == nil {
		if err := s.checkVersion(ctx); err != nil {
			_ = driver.Close(context.Background())
			return nil, err
		}
	}
	if raw != nil {
		err := s.translate(ctx, "open", raw)
		if kepu.ErrorCode(err) == kepu.Unavailable && !isAuthError(raw) && !isDatabaseError(raw) {
			s.log.Warn("neo4j: server not reachable; the store is open and its calls answer SERVICE_UNAVAILABLE until it is", "uri", RedactURI(cfg.URI), "error", kepu.ErrorMessage(err))
			return s, nil
		}
		_ = driver.Close(context.Background())
		return nil, err
	}
	return s, nil
}

// ping runs a trivial read and returns the driver's error untranslated.
func (s *Store) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.ConnectTimeout+time.Second)
	defer cancel()
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.Background())
	_, err := sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return s.collect(ctx, tx, stmt{Cypher: cypherPing})
	}, neo4j.WithTxTimeout(s.cfg.TxTimeout))
	return err
}

// Ready reports whether the server can be reached with the configured
// credentials and database, within ConnectTimeout. It returns nil or a
// *kepu.Error (SERVICE_UNAVAILABLE, with a message saying what is wrong).
//
// It is bounded as every call is (see gate and reach): while the server is
// known to be down it fails as soon as a new connection fails (it probes
// each time, not every probeEvery, so that it sees the server back at
// once), and otherwise within three quarters of ConnectTimeout, not after
// the driver's retries (a readiness probe of 1 s reads the 503 instead of
// timing out).
func (s *Store) Ready(ctx context.Context) error {
	if err := s.gateEvery(ctx, 0); err != nil {
		return err
	}
	if _, err := s.read(ctx, stmt{Cypher: cypherPing}); err != nil {
		return err
	}
	return s.checkVersion(ctx)
}

// checkVersion refuses a server older than Neo4j 5.23 (the first release
// with the CALL (x) { ... } subqueries the store sends) or of a major
// version it does not know: Neo4j 5 from 5.23 on, and the calendar-versioned
// releases that followed it (2025.01 and later). It asks the server once,
// the first time it answers; the error is SERVICE_UNAVAILABLE naming the
// version found.
func (s *Store) checkVersion(ctx context.Context) error {
	if s.versionOK.Load() {
		return nil
	}
	info, err := s.driver.GetServerInfo(ctx)
	if err != nil {
		return s.translate(ctx, "server version", err)
	}
	if err := supportedAgent(info.Agent()); err != nil {
		s.log.Error("neo4j: unsupported server", "uri", RedactURI(s.cfg.URI), "agent", info.Agent())
		return err
	}
	s.versionOK.Store(true)
	return nil
}

// supportedAgent checks a server agent such as "Neo4j/5.26.30".
func supportedAgent(agent string) error {
	v, ok := strings.CutPrefix(agent, "Neo4j/")
	var major, minor int
	if ok {
		_, err := fmt.Sscanf(v, "%d.%d", &major, &minor)
		ok = err == nil
	}
	switch {
	case !ok:
		return kepu.Errorf(kepu.Unavailable, "neo4j: unsupported server %q: kepugraph needs Neo4j 5.23 or later", trunc(agent))
	case major == 5 && minor >= 23, major >= 2025:
		return nil
	}
	return kepu.Errorf(kepu.Unavailable, "neo4j: server version %s is not supported: kepugraph needs Neo4j 5.23 or later (5.x or 2025.x and later)", trunc(v))
}

// Close releases the driver.
func (s *Store) Close() error {
	s.watchMu.Lock()
	s.closed = true
	stop, done := s.watchStop, s.watchDone
	s.watchMu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
	return s.driver.Close(context.Background())
}

// RoundTrips returns how many statements the store has sent so far.
func (s *Store) RoundTrips() int64 { return s.trips.Load() }

// EnsureSchema creates the uniqueness constraints and indexes (idempotent),
// drops the single-property indexes that the composite ones replaced
// (SupersededIndexStatements), and fills in the search keys of nodes that
// lack them and, once, the absent-value markers (fillAbsentMarkers). Run it before
// serving. Indexes created on a database that holds data are populated in
// the background; AwaitIndexes waits for them.
//
// The search keys are brought to SearchKeysFormat (upgradeSearchKeys): a
// database whose keys are of an earlier format (the suffix keys of before
// 2026-12-01 evening, textsearch.GramKeys until 2026-12-02) or that does
// not record one has every node's keys rewritten (logged; in batches of
// 5,000 nodes, with kg_search dropped first and created again after, so
// that Neo4j builds it once); a kg_search over other properties is
// dropped and created again. A database that records a newer format (a
// newer kepugraph wrote it) is refused with NewerFormatError, unchanged.
// When kg_search is not online at the end (populating), SearchReady says
// so until it is, and the store logs when it is (watchSearchIndex).
func (s *Store) EnsureSchema(ctx context.Context) error {
	// A newer kepugraph's keys: change nothing (before any index is
	// dropped or created).
	if err := s.checkSearchFormat(ctx); err != nil {
		return err
	}
	if _, err := s.upgradeSearchIndex(ctx); err != nil {
		return err
	}
	if err := s.runSchema(ctx, append(KeyConstraintStatements(), ChangeLogSchema()...)); err != nil {
		return err
	}
	n, err := s.upgradeSearchKeys(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		s.log.Info("neo4j: search keys written", "nodes", n)
	}
	filled, err := s.fillAbsentMarkers(ctx)
	if err != nil {
		return err
	}
	if filled > 0 {
		s.log.Info("neo4j: absent-value markers written", "nodes", filled)
	}
	if err := s.runSchema(ctx, SchemaStatements()); err != nil {
		return err
	}
	if err := s.runSchema(ctx, SupersededIndexStatements()); err != nil {
		return err
	}
	s.watchSearchIndex(ctx)
	return nil
}

// EnsureKeyConstraints creates only the uniqueness constraints of the node
// IDs (KeyConstraintStatements), which every write needs. A bulk load runs
// it first and EnsureSchema after the data is in: Neo4j then builds the
// other indexes (full-text ones above all) once, in bulk, instead of
// updating them in every write transaction (on the 2-core machine, loading
// nodes without the full-text indexes took 4.4 times less server CPU; see
// docs/neo4j.md).
func (s *Store) EnsureKeyConstraints(ctx context.Context) error {
	return s.runSchema(ctx, append(KeyConstraintStatements(), ChangeLogSchema()...))
}

// runSchema runs the schema statements stmts in order, but for the no-ops
// (schemaNoOp): a CREATE … IF NOT EXISTS of a constraint or an index whose
// name the database already has, a DROP … IF EXISTS of a name it does not
// have. Neo4j does nothing for these either, but each still costs the
// server a schema transaction: on a database with the schema in place,
// EnsureSchema sent about 270 statements that changed nothing (one
// neo4jstore test run opens a store over a hundred times).
func (s *Store) runSchema(ctx context.Context, stmts []string) error {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.Background())
	names, err := s.schemaNames(ctx, sess)
	if err != nil {
		return s.translate(ctx, "ensure schema", err)
	}
	for _, q := range stmts {
		if schemaNoOp(q, names) {
			continue
		}
		s.trips.Add(1)
		res, err := sess.Run(ctx, q, nil, neo4j.WithTxTimeout(s.cfg.TxTimeout))
		if err == nil {
			_, err = res.Consume(ctx)
		}
		if err != nil {
			return s.translate(ctx, "ensure schema", err)
		}
	}
	return nil
}

// schemaNames returns the names of the database's constraints ("CONSTRAINT
// name") and indexes ("INDEX name", those that back a constraint
// included).
func (s *Store) schemaNames(ctx context.Context, sess neo4j.SessionWithContext) (map[string]bool, error) {
	names := map[string]bool{}
	for _, q := range []struct{ kind, show string }{
		{"CONSTRAINT", "SHOW CONSTRAINTS YIELD name RETURN name"},
		{"INDEX", "SHOW INDEXES YIELD name RETURN name"},
	} {
		s.trips.Add(1)
		res, err := sess.Run(ctx, q.show, nil, neo4j.WithTxTimeout(s.cfg.TxTimeout))
		if err != nil {
			return nil, err
		}
		recs, err := res.Collect(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if name, ok := r.Values[0].(string); ok {
				names[q.kind+" "+name] = true
			}
		}
	}
	return names, nil
}

// schemaStatement matches a schema statement that names its constraint or
// index and is idempotent: CREATE CONSTRAINT|[FULLTEXT ]INDEX name IF NOT
// EXISTS …, DROP CONSTRAINT|INDEX name IF EXISTS.
var schemaStatement = regexp.MustCompile("^(CREATE|DROP) (CONSTRAINT|(?:[A-Z]+ )?INDEX) `?([A-Za-z0-9_]+)`? IF (NOT )?EXISTS\\b")

// schemaNoOp tells whether Neo4j would do nothing for the schema statement
// q on a database with the constraint and index names (schemaNames): a
// CREATE … IF NOT EXISTS of a name it has, a DROP … IF EXISTS of one it
// has not. Any other statement is no no-op.
func schemaNoOp(q string, names map[string]bool) bool {
	m := schemaStatement.FindStringSubmatch(q)
	if m == nil {
		return false
	}
	create := m[1] == "CREATE"
	if create != (m[4] == "NOT ") {
		return false
	}
	kind := "INDEX"
	if m[2] == "CONSTRAINT" {
		kind = "CONSTRAINT"
	}
	return names[kind+" "+m[3]] == create
}

// AwaitIndexes waits until every index of the database is online, at most
// timeout (whole seconds); after that, or when an index failed to populate,
// it returns the translated error (the driver's cause is logged).
func (s *Store) AwaitIndexes(ctx context.Context, timeout time.Duration) error {
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.Background())
	s.trips.Add(1)
	res, err := sess.Run(ctx, cypherAwaitIndexes, map[string]any{"t": int64(timeout.Seconds())},
		neo4j.WithTxTimeout(timeout+s.cfg.TxTimeout))
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		return s.translate(ctx, "await indexes", err)
	}
	return nil
}

// DeleteAll removes every node and relationship of the database, in batches.
// Tests and reloads use it.
func (s *Store) DeleteAll(ctx context.Context) error {
	for {
		n, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			recs, err := s.collect(ctx, tx, stmt{Cypher: cypherDeleteBatch, Params: map[string]any{"limit": int64(10000)}})
			if err != nil || len(recs) == 0 {
				return int64(0), err
			}
			c, _ := recs[0].Values[0].(int64)
			return c, nil
		})
		if err != nil {
			return err
		}
		if n.(int64) == 0 {
			return nil
		}
	}
}

func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	return s.driver.NewSession(ctx, neo4j.SessionConfig{
		AccessMode:      mode,
		DatabaseName:    s.cfg.Database,
		BookmarkManager: s.bookmarks,
	})
}

// read runs one statement in a read transaction and returns all its
// records: first as an auto-commit transaction (RUN and PULL in one round
// trip; a managed transaction adds a COMMIT round trip per statement), then,
// when that fails with an error the driver would retry (a transient server
// error, a broken pooled connection), in a managed read transaction, which
// the driver runs again after transient errors. Callers decode the records
// once a run has succeeded, so a retry never meets half-filled results.
// Both attempts share the reach budget: a server that cannot be reached
// still fails the call within ConnectTimeout.
func (s *Store) read(ctx context.Context, st stmt) ([]*neo4j.Record, error) {
	if err := s.gate(ctx); err != nil {
		return nil, err
	}
	if err := s.admit(ctx); err != nil {
		return nil, err
	}
	defer s.calls.Release(1)
	rctx, r := s.reach(ctx)
	recs, err := s.autoCommit(rctx, r, st, neo4j.AccessModeRead)
	if err != nil && neo4j.IsRetryable(err) && rctx.Err() == nil {
		recs, err = s.managedRead(rctx, r, st)
	}
	if err != nil {
		return nil, s.failed(ctx, "read", r, err)
	}
	r.done()
	s.observe(ctx, nil)
	return recs, nil
}

// writeAlone runs a write of one statement that may run twice (an update
// that sets values, with the version bump: a second run sets the same
// values and bumps the version again) as an auto-commit write
// transaction: BEGIN, RUN, PULL and the COMMIT (with its fsync) in one
// round trip, where a managed transaction (write) takes four (the driver
// sends BEGIN alone and waits for it, then each statement, then COMMIT).
// When it fails with an error the driver would retry (a transient error:
// nothing was committed; a broken connection: perhaps committed, and
// running it again changes nothing more), it runs it in a managed write
// transaction, which the driver retries.
func (s *Store) writeAlone(ctx context.Context, st stmt) ([]*neo4j.Record, error) {
	if err := s.gate(ctx); err != nil {
		return nil, err
	}
	if err := s.admit(ctx); err != nil {
		return nil, err
	}
	defer s.calls.Release(1)
	rctx, r := s.reach(ctx)
	recs, err := s.autoCommit(rctx, r, st, neo4j.AccessModeWrite)
	if err != nil && neo4j.IsRetryable(err) && rctx.Err() == nil {
		var v any
		v, err = s.managedWrite(rctx, r, func(tx neo4j.ManagedTransaction) (any, error) {
			return s.collect(rctx, tx, st)
		})
		if err == nil {
			recs = v.([]*neo4j.Record)
		}
	}
	if err != nil {
		return nil, s.failed(ctx, "write", r, err)
	}
	r.done()
	s.observe(ctx, nil)
	return recs, nil
}

// autoCommit runs st as an auto-commit transaction (read or write: mode). The call is busy
// (not bounded by reach) from the RUN on, as a managed transaction's work
// is: a statement that the server plans or runs slowly under load is not
// taken for an unreachable server. A connection that fails (a server that
// went down) fails the RUN at once, without the driver's retries; read then
// retries in a managed transaction, within the budget.
func (s *Store) autoCommit(ctx context.Context, r *reach, st stmt, mode neo4j.AccessMode) ([]*neo4j.Record, error) {
	sess := s.session(ctx, mode)
	defer sess.Close(context.Background())
	s.trips.Add(1)
	if s.record != nil {
		s.record(st.Cypher, st.Params)
	}
	r.enter()
	res, err := sess.Run(ctx, st.Cypher, st.Params, neo4j.WithTxTimeout(s.cfg.TxTimeout))
	if err == nil {
		var recs []*neo4j.Record
		recs, err = res.Collect(ctx)
		if err == nil {
			return recs, nil
		}
	}
	r.exit(err)
	return nil, err
}

// managedRead runs st in a managed read transaction.
func (s *Store) managedRead(ctx context.Context, r *reach, st stmt) ([]*neo4j.Record, error) {
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.Background())
	v, err := sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		r.enter()
		recs, err := s.collect(ctx, tx, st)
		r.exit(err)
		return recs, err
	}, neo4j.WithTxTimeout(s.cfg.TxTimeout))
	if err != nil {
		return nil, err
	}
	return v.([]*neo4j.Record), nil
}

// write runs work in a managed write transaction. work must be safe to run
// again: the driver retries it after transient errors.
func (s *Store) write(ctx context.Context, work neo4j.ManagedTransactionWork) (any, error) {
	if err := s.gate(ctx); err != nil {
		return nil, err
	}
	if err := s.admit(ctx); err != nil {
		return nil, err
	}
	defer s.calls.Release(1)
	rctx, r := s.reach(ctx)
	v, err := s.managedWrite(rctx, r, work)
	if err != nil {
		return nil, s.failed(ctx, "write", r, err)
	}
	r.done()
	s.observe(ctx, nil)
	return v, nil
}

// managedWrite runs work in a managed write transaction under r.
func (s *Store) managedWrite(ctx context.Context, r *reach, work neo4j.ManagedTransactionWork) (any, error) {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.Background())
	return sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		r.enter()
		v, err := work(tx)
		r.exit(err)
		return v, err
	}, neo4j.WithTxTimeout(s.cfg.TxTimeout))
}

// collect runs one statement in tx and returns all its records.
func (s *Store) collect(ctx context.Context, tx neo4j.ManagedTransaction, st stmt) ([]*neo4j.Record, error) {
	s.trips.Add(1)
	if s.record != nil {
		s.record(st.Cypher, st.Params)
	}
	res, err := tx.Run(ctx, st.Cypher, st.Params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// Version implements kepu.Store: the counter node that every write
// transaction of every process bumps (see cypherBumpLogged).
func (s *Store) Version(ctx context.Context) (uint64, error) {
	recs, err := s.read(ctx, stmt{cypherVersion, nil})
	if err != nil {
		return 0, err
	}
	if len(recs) == 0 {
		return 0, nil
	}
	v, _ := recs[0].Values[0].(int64)
	return uint64(max(v, 0)), nil
}

// Nodes implements kepu.Store.
func (s *Store) Nodes(ctx context.Context, ids []string) (map[string]kepu.Node, error) {
	out := map[string]kepu.Node{}
	ids = validIDs(ids)
	if len(ids) == 0 {
		return out, nil
	}
	if sc := scopeOf(ctx); sc != nil {
		// Places that Locate read in this request.
		out, ids = sc.take(ids)
		if len(ids) == 0 {
			return out, nil
		}
	}
	// One label (the usual call): its properties only (nodesOf).
	l := kepu.LabelOf(ids[0])
	for _, id := range ids[1:] {
		if kepu.LabelOf(id) != l {
			l = ""
			break
		}
	}
	recs, err := s.read(ctx, stmt{nodesOf(l), map[string]any{"ids": ids}})
	if err != nil {
		return nil, err
	}
	var proj *projection
	if l != "" {
		proj = projectionOf([]kepu.Label{l})
	}
	for _, r := range recs {
		n, err := decodeNode(r.Values[0], proj)
		if err != nil {
			return nil, s.internalf("%v", err)
		}
		out[n.ID] = n
	}
	return out, nil
}

// validIDs drops duplicates and IDs of unknown labels (they name no node).
func validIDs(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] && kepu.LabelOf(id) != "" {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// Locate implements kepu.Store. In a request scope (RequestScope) it also
// reads the place nodes, for the request's Nodes calls.
func (s *Store) Locate(ctx context.Context, ids []string) (map[string]kepu.Location, error) {
	out := map[string]kepu.Location{}
	ids = validIDs(ids)
	if len(ids) == 0 {
		return out, nil
	}
	if sc := scopeOf(ctx); sc != nil {
		return s.locateWithPlaces(ctx, sc, ids)
	}
	recs, err := s.read(ctx, stmt{cypherLocate, map[string]any{"ids": ids}})
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		id, _ := r.Values[0].(string)
		places, _ := r.Values[1].([]any)
		var ps []string
		for _, p := range places {
			if s, ok := p.(string); ok {
				ps = append(ps, s)
			}
		}
		if loc := location(ps); loc != (kepu.Location{}) {
			out[id] = loc
		}
	}
	return out, nil
}
