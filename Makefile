# Two commands do all the set-up on a fresh machine with Python 3.10+:
#   make demo   -> creates .venv, installs procex, runs the main job end to end
#   make test   -> creates .venv, installs procex with test extras, runs the test suite
#   make lint   -> ruff (lint and format check) and mypy, as CI runs them
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: demo test test-fast lint install bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e '.[test,postgres,png]'
	touch $@

install: $(VENV)/.installed

DEMO_DIR ?= demo-output

demo: install
	$(BIN)/procex demo --dir $(DEMO_DIR)

test: install
	$(BIN)/python -m pytest -n 2 -q

# mypy finds the modules by their installed names (procex.bpmn, ...) through .typecheck/procex, a
# link to this folder: the repository is the procex package (setup.cfg: package_dir procex = .).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	mkdir -p .typecheck && ln -sfn .. .typecheck/procex
	$(BIN)/mypy

# The suite without the slow, PostgreSQL and browser tiers (tests/conftest.py): for while you work.
test-fast: install
	$(BIN)/python -m pytest -n 2 -q -m "not slow and not postgres and not browser"

docs: install
	$(BIN)/python docs/generate.py

bench: install
	for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache .typecheck
