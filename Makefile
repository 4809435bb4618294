# Development, demo and tests on Debian 12. Every target installs what is missing first.
#
#   make demo      the demo city on SQLite at http://127.0.0.1:8000/ (ADDR=host:port to change)
#   make test      the whole suite on SQLite, then on PostgreSQL (PYTEST_ARGS="-x -k foo" to narrow)
#   make test-shifted  the suite on SQLite once more, the clock moved past the holiday calendar
#   make bench     every benchmarks/bench_*.py in turn
#   make lint      ruff, no missing migration, the catalogue compiles without duplicates
#   make messages  update locale/zh_Hans from the code (maintainers), then compile
#   make clean     caches, collected static files, the private test PostgreSQL cluster
#   make distclean clean, plus .venv and var/ (the demo database and media)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PY := .venv/bin/python
PYTEST := .venv/bin/pytest
ADDR ?= 127.0.0.1:8000
PYTEST_ARGS ?=
# Test processes (pytest-xdist) for each pass; 0 runs in this process only.
PYTEST_WORKERS ?= 2
# test-shifted: the process clock (libfaketime) this far ahead, well past the last year of the
# holiday calendar (fixtures: 2004-2026), so that no test leans on today's date or known holidays.
SHIFT ?= +800d
# Paths that are not the project's sources, for makemessages and compilemessages.
I18N_IGNORE := --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=var --ignore=benchmarks --ignore=tests

# pytest exits 5 when it collected no test: the suite must run tests, so that is an error too.
define run_pytest
	rc=0; $(1) $(PYTEST) -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make: pytest collected no tests" >&2; fi; \
	exit $$rc
endef

# Browser tests alone in this process; none selected (PYTEST_ARGS="-k …" narrowing them out) is fine.
define run_browser_tests
	rc=0; env -u DATABASE_URL -u TEST_DATABASE_URL $(PYTEST) -n 0 -m browser $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then rc=0; fi; \
	exit $$rc
endef

.PHONY: help install demo test test-sqlite test-postgres test-shifted bench lint messages clean distclean

help:
	@sed -n '3,11s/^# \{0,1\}//p' Makefile

install:
	@bash scripts/bootstrap.sh

demo: install
	@export DEBUG=1; \
	export TWO_FACTOR_REQUIRED=$${TWO_FACTOR_REQUIRED:-0}; \
	echo "==> Migrating the database"; \
	$(PY) manage.py migrate --noinput --verbosity 0; \
	echo "==> Loading the demo city"; \
	$(PY) manage.py seed_demo; \
	echo; \
	echo "==> The demo is at http://$(ADDR)/  (stop with Ctrl-C; background runner included)"; \
	if [ "$$TWO_FACTOR_REQUIRED" = 0 ]; then echo "    Two-factor login is off in the demo (on in production); make demo TWO_FACTOR_REQUIRED=1 to try it."; fi; \
	echo; \
	exec $(PY) manage.py demo_server $(ADDR)

# The browser tests (Chromium against a live server) run after the SQLite pass, on their own: beside
# another test worker on a 2-core machine their waits for the tablet app timed out now and then.
test: install
	@echo "==> Test pass 1/2: SQLite"
	@$(call run_pytest,env -u DATABASE_URL -u TEST_DATABASE_URL PYTEST_ADDOPTS='-m "not browser"')
	@echo "==> Browser tests (Chromium), SQLite, one process"
	@$(call run_browser_tests)
	@echo "==> Test pass 2/2: PostgreSQL"
	@$(call run_pytest,bash scripts/with-postgres.sh)

# One pass only, after `make install`.
test-sqlite:
	@$(call run_pytest,env -u DATABASE_URL -u TEST_DATABASE_URL PYTEST_ADDOPTS='-m "not browser"')
	@$(call run_browser_tests)
test-postgres:
	@$(call run_pytest,bash scripts/with-postgres.sh)

# No test may depend on the real date: the SQLite pass again, `faketime` moving the clock of the
# whole process SHIFT ahead. Browser tests are left out (Chromium has a clock of its own).
test-shifted: install
	@echo "==> Test pass with the clock moved $(SHIFT): $$(faketime -f '$(SHIFT)' date '+%Y-%m-%d %H:%M')"
	@$(call run_pytest,env -u DATABASE_URL -u TEST_DATABASE_URL PYTEST_ADDOPTS='-m "not browser"' faketime -f '$(SHIFT)')

bench: install
	@shopt -s nullglob; scripts=(benchmarks/bench_*.py); \
	if [ $${#scripts[@]} -eq 0 ]; then echo "==> No benchmarks/bench_*.py yet"; exit 0; fi; \
	failed=(); for script in "$${scripts[@]}"; do \
		echo "==> $$script"; \
		DEBUG=$${DEBUG:-1} TWO_FACTOR_REQUIRED=0 RATE_LIMIT_ENABLED=0 PYTHONPATH=$(CURDIR) DJANGO_SETTINGS_MODULE=supervision.settings \
			$(PY) "$$script" || failed+=("$$script"); \
	done; \
	if [ $${#failed[@]} -gt 0 ]; then echo "==> Failed: $${failed[*]}" >&2; exit 1; fi

lint: install
	@.venv/bin/ruff check .
	@DEBUG=1 $(PY) manage.py makemigrations --check --dry-run --verbosity 1
	@for po in locale/*/LC_MESSAGES/*.po; do msgfmt --check -o /dev/null "$$po"; done
	@echo "==> Lint: clean"

messages: install
	@mkdir -p locale
	@DEBUG=1 $(PY) manage.py makemessages -l zh_Hans $(I18N_IGNORE) --no-obsolete
	@DEBUG=1 $(PY) manage.py makemessages -l zh_Hans -d djangojs $(I18N_IGNORE) --no-obsolete
	@DEBUG=1 $(PY) manage.py compilemessages $(I18N_IGNORE)

clean:
	@if [ -x scripts/with-postgres.sh ] && ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 \
		&& [ -d "$${TMPDIR:-/tmp}/supervision-pg-$$(id -u)" ]; then \
		env -u DATABASE_URL -u TEST_DATABASE_URL bash scripts/with-postgres.sh --stop; fi
	rm -rf .pytest_cache .hypothesis staticfiles
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf .venv var
