# salesmeasure: `make reports` sets everything up and renders the default reports;
# `make test` sets everything up and runs the whole test suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# Kernels that papermill and nbval start must run the venv's interpreter.
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: lifetimes-venv venv reports test test-fast lint format sample-data validate lab bench clean messages

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

# --no-loadscope-reorder: files in the order tests/conftest.py gives (dearest first), not
# pytest-xdist's most-tests-first, which left the few-test, long files for the end.
# nbval runs every notebook as committed (lax: the notebooks are stored without outputs,
# so it checks that every cell runs); tests/test_speed_notebooks.py checks the same on the
# execution test_notebook_0X reads, and that no cell asks nbval to compare an output.
test: venv
	$(BIN)/pytest -n 2 --dist loadfile --no-loadscope-reorder --durations=25 --nbval-lax tests notebooks

test-fast: venv
	SALESMEASURE_TEST_PACK_HTML_ONLY=1 $(BIN)/pytest -n 2 --dist loadfile --no-loadscope-reorder -m "not slow" tests

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

# Report language catalogs: extract every _()/ngettext/N_/pgettext message (babel.cfg) to the
# template and merge it into each language's .po (new or changed English comes in untranslated
# or fuzzy; tests/test_i18n.py lists them). Translators then edit the .po; no compile step.
LOCALE   := lib/salesmeasure/locale
KEYWORDS := --no-default-keywords -k _ -k ngettext:1,2 -k N_ -k pgettext:1c,2
messages: venv
	@mkdir -p $(LOCALE)
	$(BIN)/pybabel extract -F babel.cfg $(KEYWORDS) --add-comments=TRANSLATORS: \
	  --add-location=file --sort-by-file --project=salesmeasure --no-wrap \
	  -o $(LOCALE)/salesmeasure.pot .
	@test -f $(LOCALE)/zh_CN/LC_MESSAGES/salesmeasure.po || \
	  $(BIN)/pybabel init -D salesmeasure -i $(LOCALE)/salesmeasure.pot -d $(LOCALE) -l zh_CN --no-wrap
	$(BIN)/pybabel update -D salesmeasure -i $(LOCALE)/salesmeasure.pot -d $(LOCALE) -l zh_CN --no-wrap

# Saving a notebook of notebooks/ in the lab strips its outputs (salesmeasure.lab), so
# the tracked notebooks stay output-free; export or save a copy elsewhere to keep results.
# `make lab REPORT_LANG=zh-CN` first (re)writes translated copies into lab/zh-CN/ (git-ignored;
# copies edited there are kept) and opens that folder, its notebooks saved stripped too.
REPORT_LANG ?=
LAB_DIR := $(if $(REPORT_LANG),lab/$(REPORT_LANG),notebooks)
lab: venv
	$(if $(REPORT_LANG),$(BIN)/salesmeasure notebooks --lang '$(REPORT_LANG)' --out $(LAB_DIR) --keep-edited)
	$(BIN)/jupyter lab --ContentsManager.pre_save_hook=salesmeasure.lab.strip_outputs $(LAB_DIR)/

bench: venv
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) reports/*/ reports/index.html .pytest_cache
