# netviz — `make run` serves the demo, `make test` runs everything. Both set themselves up.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup system-deps run serve-prod loadtest test test-postgres lint format bench bench-page bench-draft screenshots golden vendor clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	touch $@

setup: $(VENV)/.installed

# Debian packages the browser tests need (Chromium); installed only when missing.
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py loaddemo --base-url http://$(HOST):$(PORT)
	@# The task worker analyses large uploads next to the server, and stops with it. --insecure:
	@# runserver serves static files although DEBUG is off (make serve-prod uses WhiteNoise).
	$(PY) manage.py db_worker --interval 0.25 -v 0 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver --insecure $(HOST):$(PORT)

# Production: gunicorn + WhiteNoise (gunicorn.conf.py), settings from the environment, e.g.
# SECRET_KEY=... ALLOWED_HOSTS=netviz.example.org DATABASE_URL=postgres://... make serve-prod
# (NETVIZ_HTTPS=0 for plain HTTP on loopback; see the README's "Production" section).
serve-prod: setup
	NETVIZ_PRODUCTION=1 $(PY) manage.py check --deploy
	NETVIZ_PRODUCTION=1 $(PY) manage.py migrate --noinput
	NETVIZ_PRODUCTION=1 $(PY) manage.py collectstatic --noinput -v 0
	NETVIZ_PRODUCTION=1 $(PY) manage.py db_worker --interval 0.25 -v 0 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  NETVIZ_PRODUCTION=1 NETVIZ_BIND=$${NETVIZ_BIND:-$(HOST):$(PORT)} $(VENV)/bin/gunicorn netviz.wsgi:application

test: setup system-deps
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

# The database-backed tests again on a throwaway PostgreSQL (Debian postgresql, installed if missing).
test-postgres: setup
	bash .ci/with-postgres $(PY) -m pytest tests/web tests/diff tests/hostile tests/security tests/background

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Rewrite tests/golden/*/expected.* (analyze/explain) and tests/findings/golden/*/expected.*
# (lint) from the current output; review the diff.
golden: setup
	NETVIZ_REGEN_GOLDEN=1 $(PY) -m pytest -q tests/golden tests/findings/test_golden.py tests/generate/test_demo.py

# Refresh vendored front-end libraries (static/vendor/) from the npm registry.
vendor:
	bash scripts/vendor.sh

# Benchmark figures, not tests: seeded synthetic clusters, parse/evaluate/output time and peak RSS.
# make bench SIZES="S M"   ·   make bench BENCH_ARGS="--json bench-out/bench.json"
SIZES ?= S M L XL
bench: setup
	$(PY) bench/run.py --sizes "$(SIZES)" $(BENCH_ARGS)

# 20 clients uploading and browsing for 60 s against a gunicorn it starts on loopback; not a test.
# make loadtest LOADTEST_ARGS="--clients 5 --seconds 10"
loadtest: setup
	$(PY) scripts/loadtest.py $(LOADTEST_ARGS)

# Big reviews through the web app and in headless Chromium: upload → stored, first-load bytes,
# matrix drawn cold/warm, opening a namespace, read back against the analysis (MISS if wrong).
# make bench-page SIZES="S M"   ·   make bench-page BENCH_PAGE_ARGS="--runs 5"
bench-page: setup system-deps
	$(PY) bench/page_load.py --sizes "$(SIZES)" $(BENCH_PAGE_ARGS)

# A policy retyped in the page's editor of a 1,000-workload review: last keystroke → draft
# evaluated and drawn (budget 1 s), read back against draft.json (MISS if wrong).
# make bench-draft DRAFT_SIZES="S M"   ·   make bench-draft BENCH_DRAFT_ARGS="--runs 8"
DRAFT_SIZES ?= M
bench-draft: setup system-deps
	$(PY) bench/draft_eval.py --sizes "$(DRAFT_SIZES)" $(BENCH_DRAFT_ARGS)

# docs/screenshots/*.png of the review page's views and of what-if drafts (demo review and a
# 1,000-workload one).
screenshots: setup system-deps
	$(PY) scripts/screenshots.py
	$(PY) scripts/screenshots_whatif.py
