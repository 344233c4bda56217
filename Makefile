# Every target installs what it needs into .venv first.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
REALWORLD ?= ../shared/realworld/dev.jsonl
GENERAL ?= ../shared/realworld/general

.PHONY: demo test lint model benchmark clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)  ## analyse the bundled sample mailbox and print the table
	$(VENV)/bin/rebound analyse data/samples/mailbox.mbox --no-progress

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks data/samples notebooks
	$(VENV)/bin/mypy

test: lint  ## ruff, mypy, then the whole test suite (notebooks included)
	$(VENV)/bin/pytest

model: $(STAMP)  ## retrain the shipped model from data/ (under 5 minutes)
	$(VENV)/bin/rebound train data/emails.jsonl --out models/default \
		--eval realworld_dev=$(REALWORLD) --general $(GENERAL) --no-progress

benchmark: $(STAMP)
	$(PY) benchmarks/bench_advise.py
	$(PY) benchmarks/bench_mailbox.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
