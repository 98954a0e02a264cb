# salesmeasure: `make reports` sets everything up and renders the default reports;
# `make test` sets everything up and runs the whole test suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# Kernels that papermill and nbval start must run the venv's interpreter.
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: lifetimes-venv venv reports test test-fast lint format sample-data validate lab bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# lifetimes 0.11.3 in a separate venv, for the CLV agreement tests and benchmarks/bench_clv.py.
lifetimes-venv: .venv-lifetimes/.installed-stamp

.venv-lifetimes/.installed-stamp:
	@test -x .venv-lifetimes/bin/python || $(PYTHON) -m venv .venv-lifetimes
	.venv-lifetimes/bin/python -m pip install --quiet "pandas==2.3.3" "numpy<2.4" "setuptools<81" "lifetimes==0.11.3"
	@touch $@

# The latest complete quarter of the data, e.g. 2026Q3.
PERIOD ?= $(shell $(BIN)/python -c "from salesmeasure.report import default_data_dir as d; from salesmeasure.data import load; from salesmeasure.periods import latest_complete; print(latest_complete(load(d()).as_of))" 2>/dev/null)

reports: venv
	$(BIN)/salesmeasure render --period $(or $(PERIOD),latest) --out reports

test: venv
	$(BIN)/pytest -n 2 --dist loadfile --nbval-lax tests notebooks

test-fast: venv
	$(BIN)/pytest -n 2 -m "not slow" tests

lint: venv
	$(BIN)/ruff check lib tests notebooks benchmarks
	$(BIN)/ruff format --check lib tests notebooks benchmarks

format: venv
	$(BIN)/ruff check --fix lib tests notebooks benchmarks
	$(BIN)/ruff format lib tests notebooks benchmarks

sample-data: venv
	$(BIN)/salesmeasure sample-data --out data/sample

validate: venv
	$(BIN)/salesmeasure validate data/sample

lab: venv
	$(BIN)/jupyter lab notebooks/

bench: venv
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) reports/*/ reports/index.html .pytest_cache
