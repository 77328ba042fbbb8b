# kepugraph: the two commands are `make run` and `make test`.
# `make check` is what CI adds: formatting, vet, staticcheck, generated code,
# and the race detector on the store and GraphQL packages.

GO  ?= go
NPM ?= npm

# Pinned tool versions.
STATICCHECK_VERSION ?= v0.8.2
STATICCHECK = $(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

# Directories with a package-lock.json whose npm packages the tests need
# (each gets `npm ci` when its node_modules is missing). web/ is always
# installed for the explorer bundle; by default every tools/* directory with
# a lockfile (every tools/* directory with a package-lock.json).
TEST_NPM_DIRS ?= $(patsubst %/package-lock.json,%,$(wildcard tools/*/package-lock.json))

# Generated files checked by `make check`: the schema and gqlgen configuration
# (written by graph/internal/schemagen) and gqlgen's output.
GENERATED ?= graph schema.graphqls gqlgen.yml

# Tests build without profile-guided optimization: default.pgo speeds up the
# server binary (go build, go run .), and compiling every dependency again
# with it would only make the test builds slower.
# -timeout: with NEO4J_URI set, the root package runs the differential and
# fault tests on Neo4j too, which can pass go test's 10-minute default on a
# busy 2-core machine.
TESTFLAGS ?= -pgo=off -timeout 20m

# The go test command of the test targets; CI runs it through
# tools/testreport (the slowest tests and packages after each run).
GOTEST ?= $(GO) test

# Arguments passed to the server by `make run`, e.g. make run ARGS='--addr :9090'.
ARGS ?=

# The binary `make run` builds and starts (ignored by git).
RUN_BIN ?= bin/kepugraph

.PHONY: run test check web web-rebuild test-tools fmt-check tidy-check vet staticcheck generate-check race release-build release-check build bench bench-scale pgo clean help neo4j neo4j-stop test-neo4j

help:
	@echo "make run      build the explorer if missing, build the server into bin/, then run it"
	@echo "make test     install what the tests need, then go test ./..."
	@echo "make check    gofmt, go vet, staticcheck, generated-code check, go test -race, the release build"
	@echo "make web      build the GraphiQL explorer and the graph view into web/dist (if missing)"
	@echo "make build    build the kepugraph binary"
	@echo "make bench    run the load benchmarks (bench/load.sh)"
	@echo "make bench-scale  build the 1M-node graph once (.bench-scale/), then time pages, counts and mutations on it (bench/scale)"
	@echo "make pgo      refresh default.pgo, the profile for profile-guided optimization (bench/pgo.sh)"
	@echo "make neo4j    start Neo4j Community in the background (tools/neo4j, Java 17 + Maven; state in .neo4j/)"
	@echo "make neo4j-stop  stop it"
	@echo "make test-neo4j  make test with NEO4J_URI set: every test, plus the Neo4j runs (starts Neo4j if needed; WIPES its database)"

# run builds the server, saying so (the first build on a new machine
# downloads and compiles every module: minutes on 2 cores), and starts it. On a terminal the server runs as its own job
# (bash -m), so Ctrl-C reaches the server alone: it stops cleanly, logs
# "stopped", and make exits 0 instead of reporting an error.
run: web
	@echo "make run: downloading Go modules if missing (go mod download)"
	@$(GO) mod download
	@echo "make run: compiling kepugraph into $(RUN_BIN) (the first build on a new machine takes minutes: 17 s to download and 1.5-6 min to compile on 2 cores; later builds take seconds)"
	@$(GO) build -o $(RUN_BIN) .
	@echo "make run: starting $(RUN_BIN) $(ARGS) (Ctrl-C stops it)"
	@if [ -t 0 ] && [ -t 1 ]; then bash -m -c '$(RUN_BIN) $(ARGS); exit $$?'; else exec $(RUN_BIN) $(ARGS); fi

test: web test-tools
	$(GOTEST) $(TESTFLAGS) ./...

# test-tools installs the npm packages of TEST_NPM_DIRS.
test-tools:
	@for d in $(TEST_NPM_DIRS); do \
		if [ ! -d "$$d/node_modules" ]; then echo "npm ci in $$d"; (cd "$$d" && $(NPM) ci --no-audit --no-fund) || exit 1; fi; \
	done

# web builds the explorer bundle when web/dist/index.html is missing.
web: web/dist/index.html

web/node_modules: web/package-lock.json
	cd web && $(NPM) ci --no-audit --no-fund
	@touch web/node_modules

web/dist/index.html: web/node_modules web/build.mjs web/src/index.jsx $(wildcard web/src/graph/*) web/package-lock.json
	cd web && $(NPM) run build

web-rebuild:
	rm -f web/dist/index.html
	$(MAKE) web

build: web
	$(GO) build -o kepugraph .

check: fmt-check tidy-check vet staticcheck generate-check race release-build

# release-build compiles the server as `go run .` does, with default.pgo.
release-build:
	$(GO) build -o /dev/null .

# release-check is CI's cheaper stand-in for release-build: the server
# linked as the tests compile (-pgo=off: their compiles are in the cache),
# and default.pgo read by the compiler's own profile reader (go tool
# preprofile, which the release build runs first). The profile changes
# only the compiler's optimisation choices, never whether a package
# compiles. After vet's compiles: release-build 142 CPU-s (11.7 minutes at
# load 30), release-check 23 (docs/neo4j.md, "CI's ci-checks stream").
release-check:
	$(GO) build -pgo=off -o /dev/null .
	$(GO) tool preprofile -i default.pgo -o /dev/null

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go') $$(git ls-files --others --exclude-standard '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

# tidy-check fails when `go mod tidy` would change go.mod or go.sum
# (go mod tidy -diff prints the change and exits 1, changing nothing).
tidy-check:
	@$(GO) mod tidy -diff || { echo "go.mod/go.sum are not tidy: run go mod tidy and commit"; exit 1; }

# vet compiles the dependencies it type-checks against as the tests do
# (-pgo=off): with default.pgo (go vet's default, -pgo=auto) it compiled
# every dependency of the server again, twice (for the package and for its
# tests: 1,243 PGO compiles on a cold cache, none shared with the tests;
# with -pgo=off 654, of them 645 the tests' own).
vet:
	$(GO) vet -pgo=off ./...

staticcheck:
	$(STATICCHECK) ./...

# generate-check regenerates the gqlgen code and fails when it differs from
# what is committed (changed or new files).
generate-check:
	$(GO) generate ./graph
	@git diff --exit-code -- $(GENERATED) || { echo "generated code is out of date: run go generate ./graph and commit"; exit 1; }
	@untracked=$$(git ls-files --others --exclude-standard -- $(GENERATED)); \
	if [ -n "$$untracked" ]; then echo "untracked generated files:"; echo "$$untracked"; exit 1; fi

# race runs under the race detector the tests that run code concurrently
# (see RACE_EMBEDDED): embedded's RACE_EMBEDDED and CI_PLAIN_EMBEDDED,
# every test of graph (gqlgen resolves fields in goroutines, the analyzer
# loads and folds its adjacency in the background) and the root package's
# RACE_ROOT (the API under concurrent requests, backups under writes).
race:
	$(GOTEST) $(TESTFLAGS) -race -run '$(RACE_EMBEDDED)|$(CI_PLAIN_EMBEDDED)' ./embedded/...
	$(GOTEST) $(TESTFLAGS) -race ./graph/...
	$(GOTEST) $(TESTFLAGS) -race -run '$(RACE_ROOT)' .

# The race detector reports a race only in code that ran, on two
# goroutines, in the run: a test that runs the same store code as another
# under it, one goroutine at a time, finds nothing more there (and costs
# 3-6 times its CPU). RACE_EMBEDDED are embedded's tests that run code
# concurrently: with goroutines of their own (TestConcurrent,
# TestIndexesUnderConcurrency, TestSearchIndexConcurrentRebuilds), through
# the store's (the open's record readers and edge resolvers, with their
# error paths: TestLoadState*, TestTruncated; scorch's background merges
# under writes and searches: TestSearchAcrossCompaction), and the
# conformance suite (every store behaviour, with scorch's goroutines
# behind every write); the index build in parts, TestSearchIndexParts, is
# in CI_PLAIN_EMBEDDED (under -race on every fourth node). Every
# other test of embedded runs without -race, once (make test; CI's
# ci-rest); a test that starts goroutines, or new concurrent code in the
# store, belongs here. docs/neo4j.md, "CI's ci-rest stream (2026-12-02,
# evening)", has the coverage that backs the list.
RACE_EMBEDDED ?= ^(TestConformance|TestConcurrent|TestIndexesUnderConcurrency|TestSearchIndexConcurrentRebuilds|TestSearchAcrossCompaction|TestLoadStateLists|TestLoadStateFirstProblem|TestTruncated|TestDiskFull)$$
RACE_ROOT ?= ^(TestAPIConcurrency|TestHardening_.*|TestBackupUnderWrites)$$

# CI (.ci/run) runs what `make test` (with NEO4J_URI set) and `make check`
# run, in two streams at once, because the Neo4j tests wait on the one server
# (internal/neo4jtest's lock) while the rest can use the other core:
#   ci-neo4j  the tests that use the server at NEO4J_URI: the packages
#             CI_NEO4J_PKGS (graph's Neo4j run only: KEPUGRAPH_TEST_BACKEND),
#             one at a time (-p 1: no test binary waits for the lock, whose
#             wait counted against -timeout), but for CI_NEO4J_CPU, then the
#             root package's CI_NEO4J_ROOT tests (the differential test
#             and every root test that takes the shared server: in
#             ci-rest each waited for the lock while a whole Neo4j
#             package held it, with ci-rest's root test binary, and so
#             the race runs after it, blocked meanwhile);
#   ci-rest   every other package and test of the root package, then
#             the race detector;
#   ci-vet, ci-lint, ci-checks (below) vet; the CI_NEO4J_CPU tests;
#             staticcheck and release-check.
# Tests that `make test` and `make check` both run (embedded's
# RACE_EMBEDDED, graph's on the embedded store) run once, under -race;
# embedded's other tests run once, without it; embedded's
# CI_PLAIN_EMBEDDED, which do less under -race (raceEnabled), run both
# ways. fmt-check, tidy-check and generate-check run before both
# (generate-check rewrites graph/, which no compile may read meanwhile).
# A test named in neither list still runs: ci-rest runs every package and
# test not named for ci-neo4j, with NEO4J_URI set (a test there that takes
# the server waits for it). CI_NEO4J_ROOT's and CI_NEO4J_CPU's names are
# skipped by name in every package of a go test: they must stay unique.
CI_NEO4J_PKGS ?= ./neo4jstore ./graph ./dump ./seed
CI_NEO4J_ROOT ?= ^(TestClientClosedRequest|TestDifferential|TestNeo4jStartLog|TestMissingNodeArgument|TestNeSkipsAbsent)$$
CI_PLAIN_EMBEDDED ?= ^(TestByteFlips|TestSearchIndexParts)$$
# Tests of CI_NEO4J_PKGS that do not take the shared server: ci-lint runs
# them beside ci-neo4j, whose chain they only lengthened: the Cypher
# linter (Node.js: over 20 minutes at load average 35), seed's killed load
# (servers of its own, two JVM starts), seed's unreachable server (a
# 10-second connect timeout waited out) and dump's embedded round trip.
CI_NEO4J_CPU ?= ^(TestCypherLint|TestKilledMidLoadNeo4j|TestMainNeo4jUnreachable|TestRoundTripEmbedded)$$
CI_NEO4J_CPU_PKGS ?= ./neo4jstore ./seed ./dump
MODULE = $(shell $(GO) list -m)
CI_REST_PKGS = $$($(GO) list ./... | grep -v -x -F -e '$(MODULE)' -e '$(MODULE)/embedded' \
	$(foreach p,$(CI_NEO4J_PKGS),-e '$(MODULE)/$(patsubst ./%,%,$(p))'))

# ci-vet, ci-lint and ci-checks need no server and no test of the two
# streams: .ci/run starts ci-vet as soon as generate-check has passed
# (while Neo4j starts), ci-neo4j and ci-rest when it has ended (vet has
# then compiled the packages their tests import, once: the streams no
# longer compile the same packages at the same time), ci-checks beside
# them, and ci-lint when ci-checks ends; all but ci-neo4j, the critical
# path, niced (nice -n 5: they take what ci-neo4j and its server leave):
#   ci-vet     go vet (-pgo=off, as the tests compile);
#   ci-lint    the CI_NEO4J_CPU tests (of CI_NEO4J_CPU_PKGS);
#   ci-checks  staticcheck and release-check (the release build without
#              its PGO compiles; make check runs release-build).
# CI_STAMP prints the time before each step (the CI log's step times).
CI_STAMP = @date -u '+--- %T'
# CI_TESTFLAGS: -timeout is go test's hang guard for one test binary, and
# CI's largest binaries came within 2x of TESTFLAGS' 20 minutes on its
# loaded 2-core machine (the root package 594 s in ci-rest, neo4jstore
# 466-515 s in ci-neo4j, 471 s in ci-lint for TestCypherLint alone: a
# single test, which no split shortens). A binary that hits it fails the
# whole run; 40 minutes only lets a slow binary finish (a hang still fails,
# later). docs/hardening.md, "Tests decided by the scheduler".
CI_TESTFLAGS ?= $(TESTFLAGS) -timeout 40m
.PHONY: ci-neo4j ci-rest ci-lint ci-vet ci-checks
ci-neo4j:
	$(CI_STAMP)
	KEPUGRAPH_TEST_BACKEND=neo4j $(GOTEST) $(CI_TESTFLAGS) -p 1 -skip '$(CI_NEO4J_CPU)' $(CI_NEO4J_PKGS)
	$(CI_STAMP)
	$(GOTEST) $(CI_TESTFLAGS) -run '$(CI_NEO4J_ROOT)' .
	$(CI_STAMP)

ci-rest:
	$(CI_STAMP)
	$(GOTEST) $(CI_TESTFLAGS) -skip '$(CI_NEO4J_ROOT)' . $(CI_REST_PKGS)
	$(CI_STAMP)
	$(GOTEST) $(CI_TESTFLAGS) -skip '$(RACE_EMBEDDED)' ./embedded
	$(CI_STAMP)
	KEPUGRAPH_TEST_BACKEND=embedded $(MAKE) race TESTFLAGS='$(CI_TESTFLAGS)'
	$(CI_STAMP)

ci-lint:
	$(CI_STAMP)
	$(GOTEST) $(CI_TESTFLAGS) -run '$(CI_NEO4J_CPU)' $(CI_NEO4J_CPU_PKGS)
	$(CI_STAMP)

ci-vet:
	$(CI_STAMP)
	$(MAKE) vet
	$(CI_STAMP)

ci-checks:
	$(CI_STAMP)
	$(MAKE) staticcheck
	$(CI_STAMP)
	$(MAKE) release-check
	$(CI_STAMP)

# The Neo4j server of the tests (tools/neo4j): Neo4j Community in-process,
# Bolt on 127.0.0.1 (a free port), authentication on. Its state (data, log,
# PID file, URI) is in NEO4J_STATE_DIR.
NEO4J_STATE_DIR ?= $(CURDIR)/.neo4j
NEO4J_USER ?= neo4j
NEO4J_PASSWORD ?= kepugraph-test
# NEO4J_PLANS=keep: a query plan cache of 20,000 plans and no replanning
# (tools/neo4j/README.md), for the tests; default: Neo4j's.
NEO4J_PLANS ?= keep
NEO4J_SH = NEO4J_STATE_DIR='$(NEO4J_STATE_DIR)' NEO4J_PASSWORD='$(NEO4J_PASSWORD)' KEPUGRAPH_NEO4J_PLANS='$(NEO4J_PLANS)' bash tools/neo4j/neo4j.sh

neo4j:
	@$(NEO4J_SH) start

neo4j-stop:
	@$(NEO4J_SH) stop

test-neo4j: web test-tools neo4j
	NEO4J_URI=$$($(NEO4J_SH) uri) NEO4J_USER=$(NEO4J_USER) NEO4J_PASSWORD=$(NEO4J_PASSWORD) \
		$(GO) test $(TESTFLAGS) ./...

bench: build
	bash bench/load.sh

# kepugraph on Neo4j and embedded against @neo4j/graphql 7 on the same Neo4j
# (bench/peers/neo4j-graphql/README.md; about 6 minutes; not part of CI).
.PHONY: bench-neo4j-peer
bench-neo4j-peer:
	bash bench/peers/neo4j-graphql/run.sh

pgo:
	bash bench/pgo.sh

# bench-scale builds the 1M-node benchmark graph once into BENCH_SCALE_DIR
# (reused while complete) and prints the table of issue 13 (bench/scale);
# BENCH_SCALE_ARGS='-store neo4j' runs it on Neo4j (NEO4J_URI).
BENCH_SCALE_DIR ?= .bench-scale
BENCH_SCALE_ARGS ?=
bench-scale:
	$(GO) build -o bin/bench-scale ./bench/scale
	bin/bench-scale -dir $(BENCH_SCALE_DIR) $(BENCH_SCALE_ARGS)

clean:
	rm -f kepugraph $(RUN_BIN)
	rm -rf web/dist/app.* web/dist/index.html web/dist/assets
