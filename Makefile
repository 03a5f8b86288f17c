# Two commands set everything up on a fresh machine:
#   make site   build the site into _site/
#   make test   run the whole test suite (what CI runs)
# and one for the edit-test loop:
#   make check  ruff, mypy and the tests not marked slow
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
NODE_STAMP := node_modules/.installed
PORT ?= 8000

.PHONY: compile site test check node-deps serve lint locales locales-extract locales-update clean

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(TEST_STAMP): requirements-test.txt requirements.txt $(STAMP)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	@touch $@

# The engine is byte-compiled as an install would leave it (even where
# PYTHONDONTWRITEBYTECODE is set): every later run starts without compiling it.
compile: $(STAMP)
	@$(BIN)/python -m compileall -q duet explainer

site: compile
	@$(BIN)/python build.py

# The Nu HTML Checker (vnu.jar, pinned in package.json) for tests/site/test_html_validity.py.
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --ignore-scripts --no-audit --no-fund --no-update-notifier --loglevel=error && touch $@; \
	fi  # without npm, .ci/test-deps has said so

# .ci/test-deps installs Chromium, the CJK fonts, Java and npm where it can (root
# with apt-get), or says in one line which tests it skips and what to install.
# The browser tests of the reader's pages and the PDF then run twice: over their
# fixture (with everything else), then over the real explainer in content/ (about
# 4 minutes more; the other browser tests take no content); without Chromium the
# first run reports them skipped and the second is left out.
test: $(TEST_STAMP)
	@.ci/test-deps
	@$(MAKE) --no-print-directory node-deps
	@$(MAKE) --no-print-directory lint
	@$(BIN)/python -m pytest -q
	@if [ -f /usr/bin/chromium ] && [ -x /usr/bin/chromium ]; then \
	  DUET_BROWSER_CONTENT=content $(BIN)/python -m pytest -q \
	    tests/browser/test_reader.py tests/browser/test_pdf.py; fi

node-deps: $(NODE_STAMP)

# The edit-test loop: lint, types and the tests not marked slow.
check: lint
	@$(BIN)/python -m pytest -q -m "not slow"

serve: compile
	@$(BIN)/python build.py serve --port $(PORT)

# ruff over everything, mypy --strict over the engine (pyproject.toml says which).
lint: $(TEST_STAMP)
	@$(BIN)/python -m ruff check .
	@$(BIN)/python -m mypy

# UI strings: extract them from the theme and the code, bring every catalog up to
# date and compile it (`duet locales`; the old names still work).
locales locales-extract locales-update: $(STAMP)
	@$(BIN)/python build.py locales

clean:
	rm -rf _site .duet-cache
