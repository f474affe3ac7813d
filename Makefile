# mpnews: one target each for setup, demo, test, lint, bench.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup setup-browser demo test lint format bench bench-throughput clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Headless Chromium renders the HTML report in the tests (Debian package, installed once).
setup-browser:
	@command -v chromium >/dev/null 2>&1 || bash scripts/install-browser.sh

demo: setup
	$(BIN)/mpnews demo

test: setup setup-browser
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python benchmarks/quality.py
	$(BIN)/python benchmarks/mentions.py

# Crawl throughput over a local mirror served by nginx (Debian package, installed once).
# Full size by default (20k post pages; long); a quick check:
#   make bench-throughput BENCH_ARGS="--pages 2000 --sites 40 --polite-sites 50"
BENCH_ARGS ?=
bench-throughput: setup
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || bash scripts/install-nginx.sh
	$(BIN)/python benchmarks/throughput.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
