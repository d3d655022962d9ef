# Two commands matter: `make run` and `make test`. Both set everything up first.
SHELL := /bin/bash
# pyenv's 3.10 (its shim may exist without 3.10 being active, so look for the binary).
PYENV_ROOT ?= $(HOME)/.pyenv
PYTHON310 ?= $(or $(shell ls -d $(PYENV_ROOT)/versions/3.10.*/bin/python3.10 2>/dev/null | sort -V | tail -n 1),$(shell python3.10 -c 'import sys; print(sys.executable)' 2>/dev/null))
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: run shell test bench eval scale-out setup venv db model browser haproxy lint typecheck lock clean
REPLICAS ?= 2

# Demo mode: an empty database gets the demo staff accounts of README.md (bot/settings.py).
run bench: export LIBRARY_DEMO_MODE ?= 1
run: venv ## set up, then start the assistant (demo page with the chat widget on localhost)
	@$(PY) -m bot.run --check-ports
	@$(MAKE) --no-print-directory setup
	@echo "== 4/4 starting the assistant"
	@$(PY) -m bot.run

shell: setup ## set up, then chat in this terminal
	$(PY) -m bot.run --shell

test: setup browser faketime haproxy ## set up, then run every check
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(PY) -m pytest
	$(DATED_TESTS)

# The date-dependent tests (marker `dates`) again with the machine's clock moved by
# faketime (one advancing fake clock for every process started; monotonic clocks stay
# real). The tests still run on their pinned Wednesday (tests/conftest.py), so code that
# reads the machine's date instead of bot.clock answers for the fake date and fails:
# - all of them on PAST_THURSDAY, a Thursday (the main library's closing day) before the
#   real date;
# - those that need no Rasa server on FUTURE_THURSDAY, a Thursday after every dated row
#   of knowledge/library/special_days.yml. The Rasa server is left out there because
#   TensorFlow's timed waits (futex deadlines the kernel measures on the real clock) can
#   stall its model loading when faketime runs ahead of the real date.
PAST_THURSDAY ?= 2026-11-26 10:00:00
FUTURE_THURSDAY ?= 2027-10-07 10:00:00
FAKED = FAKETIME_DONT_RESET=1 FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f
DATED_TESTS = $(FAKED) '@$(PAST_THURSDAY)' $(PY) -m pytest -q -m dates && \
	$(FAKED) '@$(FUTURE_THURSDAY)' $(PY) -m pytest -q -m "dates and not assistant"
.PHONY: test-dates faketime
test-dates: setup faketime ## the date-dependent tests on faked dates (PAST_THURSDAY, FUTURE_THURSDAY)
	$(DATED_TESTS)

faketime: ## Debian's faketime for test-dates (installs as root)
	dpkg -s faketime >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq --no-install-recommends faketime; }

scale-out: setup haproxy ## several Rasa/action servers behind HAProxy on PostgreSQL + Redis (needs RASA_TRACKER_URL)
	$(PY) -m bot.scale_out --replicas $(REPLICAS)

bench: setup browser haproxy ## measure and write docs/benchmarks.md (about two hours)
	$(PY) -m bench.run
	$(PY) -m bench.training_curve --write
	$(PY) -m bench.catalogue_relevance --write
	$(PY) -m bench.statistics --write
	$(PY) -m bench.account --write
	$(PY) -m bench.load --write
	$(PY) -m bench.reader_eval --write

eval: setup ## the independent reader evaluation, graded on what readers get (docs/benchmarks.md)
	$(PY) -m bench.reader_eval --write

setup: assets db model

.PHONY: assets
assets: node_modules/.installed ## the console's browser assets (ECharts), as locked in package-lock.json

node_modules/.installed: package-lock.json
	@command -v npm >/dev/null || { echo "npm is required for the console's charts (apt-get install npm)"; exit 1; }
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: stats-report
stats-report: db ## consultation statistics: make stats-report FROM=2026-01-01 TO=2026-10-27 OUT=report.xlsx (or .csv, SHEET=summary|days|topics|unanswered)
	@$(PY) -m bot.statistics.export --from "$(FROM)" --to "$(TO)" --out "$(OUT)" $(if $(SHEET),--sheet "$(SHEET)")

db: venv ## migrate the library database; load demo data and FAQ into an empty one
	@echo "== 2/4 library database (migrations; demo library and FAQ when empty)"
	@$(PY) -m bot.setup_library

.PHONY: demo-data
SCALE ?= 300000
demo-data: venv ## SCALE synthetic records (~3.33 copies each) into an empty LIBRARY_DATABASE_URL
	$(PY) -m bot.demo.generate --scale $(SCALE)

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	@test -n "$(PYTHON310)" || { echo "Python 3.10 is required (pyenv install 3.10)"; exit 1; }
	@echo "== 1/4 installing the locked packages into $(VENV) (about 2 minutes the first time)"
	@test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	@$(BIN)/pip install -qq --disable-pip-version-check -r requirements.lock
	@$(BIN)/pip check
	@touch $@

BROWSER_PACKAGES := chromium fonts-noto-cjk
browser: ## Debian's headless Chromium and CJK fonts for the browser tests (installs as root)
	dpkg -s $(BROWSER_PACKAGES) >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq --no-install-recommends $(BROWSER_PACKAGES); }

haproxy: ## Debian's HAProxy, the scale-out front (installs as root; deploy/haproxy/)
	dpkg -s haproxy >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq --no-install-recommends haproxy; }

model: venv ## train only if training data or config changed
	@echo "== 3/4 model (trained only when the training data, config or packages changed)"
	@$(PY) -m bot.training >/dev/null

lint: venv
	$(BIN)/ruff check .

typecheck: venv ## every service implementation against its protocols (files: pyproject.toml)
	$(BIN)/mypy

lock: venv ## after editing requirements.in
	$(BIN)/pip install --quiet -r requirements.in
	$(BIN)/pip freeze --exclude-editable > requirements.lock

clean:
	rm -rf models var .rasa results
