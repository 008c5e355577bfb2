# Pressroom: `make run` serves the demo on SQLite; `make test` runs the suite on SQLite and PostgreSQL;
# `make mutate` mutation-tests the rules that matter (minutes: not in CI, not in `make test`).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TEST_POSTGRES_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test
JOBS ?= 2
PYTEST_ARGS ?=

RUN_STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test test-sqlite test-postgres mutate lint format migrate seed clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Pressroom needs Python 3.11 or newer (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(RUN_STAMP)

## Install, migrate the SQLite database, load the demo content and serve on HOST:PORT, with the worker.
## Without SECRET_KEY, `pressroom serve` keeps a random one in ./data/secret_key (development only).
run: $(RUN_STAMP)
	$(BIN)/pressroom serve --migrate --with-worker --seed-demo

## Install with dev extras and run the whole suite on SQLite, then on PostgreSQL if it answers.
test: $(DEV_STAMP)
	@echo "==> Test suite on SQLite"
	$(BIN)/python -m pytest -n $(JOBS) $(PYTEST_ARGS)
	@if $(BIN)/python -m tests.pg_ready "$(TEST_POSTGRES_URL)"; then \
		echo "==> Test suite on PostgreSQL ($(TEST_POSTGRES_URL))"; \
		TEST_DATABASE_URL="$(TEST_POSTGRES_URL)" $(BIN)/python -m pytest -n $(JOBS) $(PYTEST_ARGS); \
	else \
		echo ""; \
		echo "NOTICE: no PostgreSQL answered at $(TEST_POSTGRES_URL): the PostgreSQL run was SKIPPED."; \
		echo "        Set TEST_POSTGRES_URL to run it."; \
		if [ -n "$$REQUIRE_POSTGRES" ]; then echo "REQUIRE_POSTGRES is set: failing."; exit 1; fi; \
	fi

test-sqlite: $(DEV_STAMP)
	$(BIN)/python -m pytest -n $(JOBS) $(PYTEST_ARGS)

test-postgres: $(DEV_STAMP)
	TEST_DATABASE_URL="$(TEST_POSTGRES_URL)" $(BIN)/python -m pytest -n $(JOBS) $(PYTEST_ARGS)

## Mutation testing (mutmut, [tool.mutmut] in pyproject.toml) of app/workflow.py, the cache
## invalidation, auth and the editorial rules, each mutant against the tests that reach it; ends
## with the score per module. MUTANTS='app.workflow*' narrows it (and reruns those mutants);
## `$(BIN)/mutmut browse` shows the survivors. Results are kept in mutants/ between runs.
mutate: $(DEV_STAMP)
	$(BIN)/mutmut run $(MUTANTS)
	$(BIN)/python -m tests.mutation_score

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(DEV_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: $(RUN_STAMP)
	$(BIN)/pressroom migrate

seed: $(RUN_STAMP)
	$(BIN)/pressroom seed --demo

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
