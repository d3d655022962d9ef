# Two commands matter: `make run` and `make test`. Both set everything up first.
SHELL := /bin/bash
# pyenv's 3.10 (its shim may exist without 3.10 being active, so look for the binary).
PYENV_ROOT ?= $(HOME)/.pyenv
PYTHON310 ?= $(or $(shell ls -d $(PYENV_ROOT)/versions/3.10.*/bin/python3.10 2>/dev/null | sort -V | tail -n 1),$(shell python3.10 -c 'import sys; print(sys.executable)' 2>/dev/null))
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: run shell test bench scale-out setup venv db model browser lint lock clean
REPLICAS ?= 2

run: setup ## set up, then start the assistant (demo page with the chat widget on localhost)
	$(PY) -m bot.run

shell: setup ## set up, then chat in this terminal
	$(PY) -m bot.run --shell

test: setup browser ## set up, then run every check
	$(BIN)/ruff check .
	$(PY) -m pytest

scale-out: setup ## several Rasa/action servers on PostgreSQL + Redis (needs RASA_TRACKER_URL)
	$(PY) -m bot.scale_out --replicas $(REPLICAS)

bench: setup browser ## measure and write docs/benchmarks.md
	$(PY) -m bench.run

setup: db model

db: venv ## migrate the library database; load demo data and FAQ into an empty one
	$(PY) -m bot.setup_library

.PHONY: demo-data
SCALE ?= 300000
demo-data: venv ## SCALE synthetic records (~3.33 copies each) into an empty LIBRARY_DATABASE_URL
	$(PY) -m bot.demo.generate --scale $(SCALE)

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	@test -n "$(PYTHON310)" || { echo "Python 3.10 is required (pyenv install 3.10)"; exit 1; }
	test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip check
	touch $@

BROWSER_PACKAGES := chromium fonts-noto-cjk
browser: ## Debian's headless Chromium and CJK fonts for the browser tests (installs as root)
	dpkg -s $(BROWSER_PACKAGES) >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq --no-install-recommends $(BROWSER_PACKAGES); }

model: venv ## train only if training data or config changed
	$(PY) -m bot.training

lint: venv
	$(BIN)/ruff check .

lock: venv ## after editing requirements.in
	$(BIN)/pip install --quiet -r requirements.in
	$(BIN)/pip freeze --exclude-editable > requirements.lock

clean:
	rm -rf models var .rasa results
