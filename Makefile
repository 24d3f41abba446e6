# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Exported: the local settings make SITE_URL (every link in mail) follow it.
export PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.local

.PHONY: run test install lint typecheck messages bench bench-privacy bench-campaign bench-export bench-api worker clean bench-retention vendor bench-load bench-faults

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py mail_requeue
	$(PY) manage.py jobs_ensure
	@echo ""
	@echo "  3VFejzo:      http://127.0.0.1:$(PORT)/"
	@echo "  Back office:  http://127.0.0.1:$(PORT)/zyra/"
	@echo "  Mail viewer:  http://127.0.0.1:$(PORT)/_dev/mail/"
	@echo ""
	@trap 'kill 0' INT TERM EXIT; \
	  $(PY) manage.py db_worker --no-reload & \
	  $(PY) manage.py runserver 127.0.0.1:$(PORT)

worker: install
	$(PY) manage.py db_worker

# In parallel (pytest-xdist): the browser tests and the Nu checker mostly wait, so even
# two cores gain; TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= 4
# The results, kept for `manage.py compliance_report` (one file per database in CI).
JUNIT_XML ?= var/junit/sqlite.xml
test: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest -q -n $(TEST_WORKERS) \
	  --junitxml=$(JUNIT_XML) $(PYTEST_ARGS)

# Style, and the import contracts between apps (pyproject.toml [tool.importlinter]).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo

typecheck: install
	$(VENV)/bin/mypy .

# Albanian is the source language; English is the translation. Needs GNU gettext.
messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=bench --ignore=e2e --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

bench: install
	$(PY) bench/load.py

# The locust scenario (64 users, 2 minutes: per step p50/p95/p99 and errors) on gunicorn
# and PostgreSQL, then orders/s per number of processes; BENCH_ARGS=--quick for a short run.
bench-load: install
	$(PY) bench/load_locust.py $(BENCH_ARGS)
	$(PY) bench/orders.py $(BENCH_ARGS)

# PostgreSQL restarted, SMTP down, a worker killed, the bucket away, under a load of orders
# and mail: lost and duplicated messages and orders (all 0). BENCH_ARGS=--quick: SMTP down 30 s.
bench-faults: install
	$(PY) bench/faults.py $(BENCH_ARGS)

# Encryption, access record and key rotation costs; BENCH_ARGS=--quick for a short run.
bench-privacy: install
	$(PY) bench/privacy.py $(BENCH_ARGS)

# Campaign send rate (1 and 2 workers) and worker memory; BENCH_ARGS=--quick for a short run.
bench-campaign: install
	$(PY) bench/campaign.py $(BENCH_ARGS)

# Building a customer's data download: wall time, queries (constant), memory; SQLite,
# BENCH_ARGS=--postgres for PostgreSQL.
bench-export: install
	$(PY) bench/export.py $(BENCH_ARGS)

# The contractor API's list of 50 jobs (10,000 in the history) beside the bare view, on
# PostgreSQL: req/s, share of bare (aim 40 %), queries, every read recorded.
bench-api: install
	$(PY) bench/contractor_api.py $(BENCH_ARGS)

# The checkers the browser tests inject (axe-core), pinned in package-lock.json and
# copied into the repository, so tests need no npm. Run after changing package.json.
vendor:
	npm ci --no-audit --no-fund
	mkdir -p e2e/vendor
	cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE e2e/vendor/
	node -p '"axe-core " + require("axe-core/package.json").version' > e2e/vendor/VERSION

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache

# apply_retention erasing 10,000 inactive accounts, in accounts/s; BENCH_ARGS="--accounts 1000" for a short run.
bench-retention: install
	$(PY) bench/retention.py $(BENCH_ARGS)
