# Every target installs what it needs into .venv first.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
REALWORLD ?= ../shared/realworld/dev.jsonl
GENERAL ?= ../shared/realworld/general

.PHONY: demo test lint browser screenshot model benchmark clean

# pip builds the compiled kernel too: reinstall when its source changes.
$(STAMP): pyproject.toml setup.py src/rebound_nlp/_kernel.pyx
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)  ## analyse the bundled sample mailbox and print the table
	$(VENV)/bin/rebound analyse data/samples/mailbox.mbox --no-progress

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks data/samples notebooks
	$(VENV)/bin/mypy

test: lint browser  ## ruff, mypy, then the whole test suite (notebooks included), on 2 processes
	$(VENV)/bin/pytest -n 2

# Chromium for the browser test of the report, from Debian's packages. Never fails:
# without Chromium that test is skipped and says why.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium for the browser test"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y -qq chromium >/dev/null; } \
	      || echo "note: could not install chromium; the browser test will be skipped"; \
	  else \
	    echo "note: chromium is not installed (installing it needs root); the browser test will be skipped"; \
	  fi; } || true

screenshot: $(STAMP) browser  ## refresh docs/report.png, the report screenshot in the README
	mkdir -p docs
	REBOUND_SCREENSHOT=docs/report.png $(VENV)/bin/pytest -q tests/test_browser.py

model: $(STAMP)  ## retrain the shipped model from data/ (under 5 minutes)
	$(VENV)/bin/rebound train data/emails.jsonl --out models/default \
		--eval realworld_dev=$(REALWORLD) --general $(GENERAL) --no-progress

benchmark: $(STAMP)
	$(PY) benchmarks/bench_advise.py
	$(PY) benchmarks/bench_mailbox.py
	$(PY) benchmarks/bench_report.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
