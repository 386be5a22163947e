# Ordo: the two commands of the quick start are `make up` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NPM_STAMP := node_modules/.package-lock.json

.PHONY: help install build typecheck lint format up down test test-unit test-int token kafka-start kafka-stop clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(NPM_STAMP): package.json package-lock.json
	@# `npm ci` refuses this lock file: the registry here serves only some of the optional
	@# platform builds of @swc/core and friends, so they are missing from it. `npm install`
	@# follows the lock for everything else.
	npm install --no-audit --no-fund
	@touch $(NPM_STAMP)

install: $(NPM_STAMP) ## install npm packages (Kafka jars come on first start)

build: install ## compile apps, libs and tools to dist/
	@node scripts/build.mjs

typecheck: install ## type-check everything
	npx tsc -p tsconfig.json --noEmit

lint: install ## ESLint (typescript-eslint) and Prettier's check of the layout
	npx eslint --max-warnings 0 .
	npx prettier --check --log-level warn .

format: install ## rewrite the layout as Prettier wants it
	npx prettier --write --log-level warn .

up: build ## start Kafka, PostgreSQL, migrations and the four services; Ctrl-C stops them. BROKERS=3 INSTANCES=2: cluster mode
	@$(if $(BROKERS),ORDO_BROKERS=$(BROKERS)) $(if $(INSTANCES),ORDO_INSTANCES=$(INSTANCES)) \
	  node --enable-source-maps $${ORDO_BUILD_DIR:-dist}/tools/dev-up.js

down: ## stop what `make up` started (from another terminal): services, HAProxy, brokers
	@if [ -f .local/run/dev-up.pid ] && kill -0 $$(cat .local/run/dev-up.pid) 2>/dev/null; then \
	  pid=$$(cat .local/run/dev-up.pid); kill -TERM $$pid; \
	  while kill -0 $$pid 2>/dev/null; do sleep 0.3; done; echo "stopped"; \
	else bash deploy/local/kafka.sh stop; fi
	@bash deploy/local/stop-leftovers.sh

test: install ## install what the tests need and run every test (unit, medium, integration, end to end)
	@bash scripts/test-prerequisites.sh
	@node scripts/build.mjs
	npx tsc -p tsconfig.json --noEmit
	npx eslint --max-warnings 0 .
	npx prettier --check --log-level warn .
	npx jest --selectProjects unit
	npx jest --selectProjects medium
	npx jest --selectProjects integration --runInBand --forceExit

test-unit: install ## unit tests only (no Kafka, no database)
	npx jest --selectProjects unit

token: ## print a development token: make -s token ROLE=prescriber RPPS=10000000009 [FINESS=…]
	@[ -f dist/tools/mint-token.js ] || node scripts/build.mjs >/dev/null
	@node dist/tools/mint-token.js

clean: ## remove build output and local data (Kafka logs, caches)
	rm -rf dist .local
