# Two commands set everything up: `make run` (the whole system) and `make test` (the suite).
SHELL := /bin/bash
.DEFAULT_GOAL := help

export UV_PYTHON_DOWNLOADS := never
PYTHON ?= $(shell command -v python3.13 >/dev/null 2>&1 && python3.13 -c 'import sys; print(sys.executable)' 2>/dev/null || command -v python3)
UV ?= $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
VAR_DIR := $(abspath $(or $(RISK_MONITOR_VAR_DIR),var))

# The test suite runs in stack mode on the local PostgreSQL and Redis (DESIGN §10).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/riskmonitor
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) DJANGO_DEBUG=false \
	SECRET_KEY=test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG \
	SECURE_SSL_REDIRECT=false

# Development credentials for the simulators; a variable already set in the environment wins.
DEV_ENV_LINES := $(shell grep -E '^[A-Z0-9_]+=' config/dev.env)
$(foreach line,$(DEV_ENV_LINES),$(eval $(subst =, ?= ,$(line))))
export $(foreach line,$(DEV_ENV_LINES),$(firstword $(subst =, ,$(line))))

.PHONY: help venv run test test-fast lint format bench check-deploy clean protos

help:
	@echo "make run    - start the whole system (embedded; stack mode when DATABASE_URL and REDIS_URL are set)"
	@echo "make test   - run the test suite (needs PostgreSQL and Redis on 127.0.0.1)"
	@echo "make lint   - ruff, mypy and the import-linter layer contracts"
	@echo "make bench  - run the benchmarks in bench/"

$(BIN)/python: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen --python $(PYTHON)
	@touch $(BIN)/python

venv: $(BIN)/python

run: venv
	@if [ -n "$$DATABASE_URL" ] && [ -n "$$REDIS_URL" ]; then \
		$(MAKE) --no-print-directory run-stack; \
	else \
		$(MAKE) --no-print-directory run-embedded; \
	fi

run-embedded:
	@DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(MANAGE) check_config
	@DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(MANAGE) migrate --no-input -v 0
	@DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(MANAGE) bootstrap
	@DJANGO_DEBUG=$${DJANGO_DEBUG:-true} exec $(MANAGE) run_embedded

run-stack:
	@$(MANAGE) check_config
	@$(MANAGE) migrate --no-input -v 0
	@$(MANAGE) bootstrap
	@rm -rf $(VAR_DIR)/prometheus && mkdir -p $(VAR_DIR)/prometheus
	@PROMETHEUS_MULTIPROC_DIR=$(VAR_DIR)/prometheus exec $(BIN)/honcho start -f Procfile

# Unit tests first, in one process (they share the test database and Redis database 1); then the
# end-to-end tests, each module with its own database, Redis database and ports, two at a time.
# Exit status 5 is "nothing selected", e.g. PYTEST_ARGS naming unit tests only.
E2E_WORKERS ?= 2
test: venv
	$(TEST_ENV) $(BIN)/python -m pytest -m "not e2e" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(TEST_ENV) $(BIN)/python -m pytest -m e2e -n $(E2E_WORKERS) --dist loadfile $(PYTEST_ARGS) || [ $$? -eq 5 ]

test-fast: venv
	$(TEST_ENV) $(BIN)/python -m pytest -m "not e2e" $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/mypy .
	$(BIN)/lint-imports

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: venv
	@for script in $(filter-out bench/risk.py bench/djangobench.py bench/grpccalls.py bench/wsfanout.py,$(wildcard bench/*.py)); do echo "== $$script"; $(TEST_ENV) $(BIN)/python $$script || exit 1; done

check-deploy: venv
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) DJANGO_DEBUG=false \
	SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=risk.example.com \
	$(MANAGE) check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var/*.sqlite3 var/prometheus .pytest_cache .mypy_cache .ruff_cache

# The gRPC code generated from protos/ is checked in (riskmonitor/v1/); a test regenerates it into
# a temporary directory and fails when the two differ. PROTO_OUT lets that test write elsewhere.
PROTO_OUT ?= .
protos:
	$(BIN)/python -m grpc_tools.protoc -I protos --python_out=$(PROTO_OUT) --pyi_out=$(PROTO_OUT) \
		--grpc_python_out=$(PROTO_OUT) $(sort $(wildcard protos/riskmonitor/v1/*.proto))
