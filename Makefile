# FieldOps360 — build, demo and test. `make demo` and `make test` are the
# README's contract with a new user on a fresh Debian machine with Go.
SHELL := /bin/bash
export GOTOOLCHAIN := go1.27.3
export CGO_ENABLED := 1
export GOFLAGS := -tags=no_default_driver
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
BIN := bin/fieldops
DEMO_DIR ?= ./pb_data
HTTP ?= 127.0.0.1:8090

.PHONY: all build demo test check-records test-go test-browser test-browser-chaos test-deps check-deploy check-appliance check-lighthouse test-chaos test-chaos-infra bench-replication openapi check-openapi check-generated check-format vet generate assets lint bench deps clean

MAILPIT_VERSION := v1.33.1
PEBBLE_VERSION := v2.10.3
VERSITYGW_VERSION := v1.8.0
TOOLS_BIN := $(CURDIR)/tools/bin
export PATH := $(TOOLS_BIN):$(PATH)

all: build

deps: ## system packages the build needs (gcc for cgo/SQLite)
	@scripts/ensure-deps.sh

build: deps
	go build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

demo: build ## serve a seeded demo tenant on http://demo.localhost:8090/
	$(BIN) demo --dir $(DEMO_DIR) --http $(HTTP)

generate: ## templ components → *_templ.go, typed records → domain/*_model.go (committed)
	go tool templ generate
	go run ./scripts/genrecords

assets: ## vendored front-end files (committed): Datastar from the Go module, npm packages from package-lock.json
	@test -d node_modules/leaflet || npm ci --no-audit --no-fund --ignore-scripts
	scripts/assets.sh

check-format:
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '_templ.go$$')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

check-generated: ## fails when a *_templ.go, a typed record (domain/*_model.go) or the OpenAPI description is stale
	@go tool templ generate >/dev/null 2>&1
	@if [ -n "$$(git status --porcelain -- '*_templ.go')" ]; then \
		echo "stale templ output, run make generate:"; git status --porcelain -- '*_templ.go'; exit 1; fi
	@go run ./scripts/genrecords -check
	@go run ./scripts/openapi -check

check-records: ## handlers and views read records only through domain's typed records and finders
	@scripts/lint/records.sh
	@n=$$(scripts/lint/records.sh scripts/lint/testdata | grep -c '^  ' || true); \
	if [ "$$n" != 5 ]; then echo "records lint: the fixture scripts/lint/testdata has 5 violations, the lint found $$n"; exit 1; fi

vet:
	go vet ./...

lint: check-format check-records check-generated vet

test-deps: deps ## test tools: mailpit (Go proxy), Chromium, LibreOffice Calc and HAProxy (Debian), npm packages (package-lock.json), Factur-X validators (Debian, npm)
	@test -x $(TOOLS_BIN)/mailpit || GOFLAGS= GOBIN=$(TOOLS_BIN) go install github.com/axllent/mailpit@$(MAILPIT_VERSION)
	@test -x $(TOOLS_BIN)/pebble || GOFLAGS= GOBIN=$(TOOLS_BIN) go install github.com/letsencrypt/pebble/v2/cmd/pebble@$(PEBBLE_VERSION) github.com/letsencrypt/pebble/v2/cmd/pebble-challtestsrv@$(PEBBLE_VERSION)
	@test -x $(TOOLS_BIN)/versitygw || GOFLAGS= GOBIN=$(TOOLS_BIN) go install github.com/versity/versitygw/cmd/versitygw@$(VERSITYGW_VERSION)
	@scripts/ensure-deps.sh chromium node poppler libreoffice haproxy
	@scripts/facturx/fetch-validators.sh
	@test -x node_modules/.bin/redocly -a -d node_modules/@axe-core/playwright -a -d node_modules/lighthouse || npm ci --no-audit --no-fund --ignore-scripts

# Every go test has an explicit -timeout of at least three times its idle
# duration (README, "Test targets"), so a busy machine slows the suite down
# without failing it, and a hung test still ends it.
TIMEOUT_RACE ?= 12m
TIMEOUT_GO ?= 20m
TIMEOUT_BROWSER ?= 20m
TIMEOUT_CHAOS ?= 15m

# The race detector covers the concurrent core (registry, supervisor, broker,
# domain, the photo worker); the HTTP layer and the document writers (PDF,
# Excel, Factur-X: single-goroutine formatting) run without it (6x slower
# under -race, same code paths exercised by the core tests) to keep a warm CI
# run well under 15 min.
# The demo seeds (a year of history, thousands of records: data volume, not
# concurrency) run without it too, after the race tier.
RACE_PKGS = ./domain ./domain/imaging ./tenants/...
DEMO_SEED_TESTS = ^(TestSeedDemo|TestSeedDemoHistory|TestSeedDemoResources|TestDemoAcceptance|TestDemoHistoryDurations|TestDemoInvoicing|TestDemoDispatchWeek)$$
test-go: test-deps
	FIELDOPS_STRICT=1 go test -race -count=1 -timeout $(TIMEOUT_RACE) -skip '$(DEMO_SEED_TESTS)' $(RACE_PKGS)
	FIELDOPS_STRICT=1 go test -count=1 -timeout $(TIMEOUT_GO) $$(go list ./... | grep -v -e '/domain$$' -e /domain/imaging -e '/tenants$$' -e /tenants/)
	FIELDOPS_STRICT=1 go test -count=1 -timeout $(TIMEOUT_GO) -run '$(DEMO_SEED_TESTS)' ./domain

test-browser: test-deps ## headless Chromium: role homes, Datastar under CSP, axe-core
	FIELDOPS_STRICT=1 go test -tags no_default_driver,browser -count=1 -timeout $(TIMEOUT_BROWSER) -run Browser ./handlers/

check-lighthouse: test-deps ## Lighthouse mobile budgets of the office pages and the crew app (~70 s); records scripts/lighthouse/verified
	LIGHTHOUSE=always FIELDOPS_STRICT=1 go test -tags no_default_driver,browser -count=1 -timeout $(TIMEOUT_BROWSER) -run TestBrowserLighthouse ./handlers/

check-appliance: build ## the Packer appliance's first boot, simulated (slow: debootstrap, Ansible, nspawn boot); records scripts/check-deploy/appliance.verified
	APPLIANCE=always scripts/check-deploy/check-deploy.sh --only appliance

check-deploy: build ## delivery checks (Dockerfile, Helm, Ansible, Packer, Terraform, workflows, monitoring); installs pinned tools when missing
	scripts/check-deploy/check-deploy.sh

# CHAOS_RUNS: kill -9 cycles of the replication child under sync load. 10 in every CI run (the
# warm-run budget); 20 before a release and when replication changes (make test-chaos CHAOS_RUNS=20).
CHAOS_RUNS ?= 10
test-chaos: test-deps ## kill -9 of the server and of the replication child under load, blue/green switch, runbooks (real binary)
	CHAOS_RUNS=$(CHAOS_RUNS) FIELDOPS_STRICT=1 go test -tags chaos,no_default_driver -count=1 -timeout $(TIMEOUT_CHAOS) -v ./scripts/chaos/

# Infrastructure chaos (docs/chaos.md): disk full, slow disk, clock skew, shard and replica unreachable.
# Root only (loop devices, mount, network namespaces, blkio cgroups); not in `make test` (CI budget):
# 3 min (179 s measured), plus ~7 min the first time for the skewable-clock build (cached afterwards).
test-chaos-infra: test-deps ## disk full, slow disk, clock skew, network cuts under the write load (root; prints the figures of docs/chaos.md)
	@command -v ip >/dev/null && command -v mkfs.ext4 >/dev/null && command -v losetup >/dev/null || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends iproute2 e2fsprogs util-linux mount >/dev/null; }
	FIELDOPS_STRICT=1 go test -tags chaos,chaosinfra,no_default_driver -count=1 -timeout $(TIMEOUT_CHAOS) -v -run '^TestInfra' ./scripts/chaos/

bench-replication: ## the product's write path (8 users: REST incident creates + 1-op sync batches), replication attached vs detached: writes/s, ratio, p99, worst stall, failures (BENCH_SECONDS, BENCH_ROUNDS, BENCH_DIR keeps the logs; run on an idle machine)
	go test -tags chaos,no_default_driver -count=1 -timeout 60m -v -run TestReplicationOverhead ./scripts/bench/

openapi: ## OpenAPI description served at /api/docs (assets/static/api/openapi.yaml): scripts/openapi/product.yaml + the records API generated from the tenant schema
	go run ./scripts/openapi

check-openapi: test-deps ## lint the OpenAPI description (Redocly CLI from npm; redocly.yaml)
	node_modules/.bin/redocly lint assets/static/api/openapi.yaml --format stylish

# The browser and chaos tiers mostly wait (Chromium rendering, write loads of fixed length, server
# restarts): they run side by side, each a CPU-light load for the other (~0.5 core each measured),
# which keeps a warm CI run under 15 min. Every test there tolerates a busy machine (no timing
# assertion; waits are deadlines three times their idle duration).
test-browser-chaos: test-deps
	$(MAKE) -j2 --output-sync=target test-browser test-chaos

test: deps lint check-openapi test-go test-browser-chaos check-deploy ## all tests

bench: deps ## benchmarks (figures recorded in docs/performance.md)
	scripts/bench/run.sh

clean:
	rm -rf bin

.PHONY: check-dast check-trivy check-secrets
check-dast: build ## DAST: wapiti (Debian) against the demo on loopback, signed in, ~5 min; findings triaged in scripts/dast/accepted.json (docs/security/dast-findings.md)
	@command -v wapiti >/dev/null || { S=; [ "$$(id -u)" = 0 ] || S=sudo; $$S apt-get update -qq && \
		$$S env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wapiti; }
	scripts/dast/run.sh $(BIN)

check-trivy: ## trivy config on the Dockerfile, the chart, terraform/ and deploy/gitops (slow: builds trivy, ~1,000 CPU-s cold); records scripts/check-deploy/trivy.verified
	TRIVY=always scripts/check-deploy/check-deploy.sh --only trivy

check-secrets: ## gitleaks over the git history (.gitleaks.toml) and its negative fixture, ~20 s
	scripts/check-deploy/check-deploy.sh --only supplychain
