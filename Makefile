# mpnews: one target each for setup, demo, test, lint, bench.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup setup-browser setup-lake demo test test-lake lint format bench bench-workers bench-throughput clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Headless Chromium renders the HTML report in the tests (Debian package, installed once).
setup-browser:
	@command -v chromium >/dev/null 2>&1 || bash scripts/install-browser.sh

# PostgreSQL server binaries (Debian package): the shared-warehouse tests start their own
# throw-away server on 127.0.0.1 as the DuckLake catalog (installed once).
setup-lake:
	@sh scripts/install-postgres.sh

demo: setup
	$(BIN)/mpnews demo

# Everything, the shared-warehouse tests included (DuckLake on a real PostgreSQL, two Prefect
# workers filling one lake: a few minutes of the total).
test: setup setup-browser setup-lake
	$(BIN)/python -m pytest

# The shared warehouse alone: DuckLake on a real PostgreSQL, two Prefect workers, one lake.
test-lake: setup setup-lake
	$(BIN)/python -m pytest tests/lake

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

# One Prefect worker vs two on a many-site mirror into one DuckLake (docs/benchmarks.md).
bench-workers: setup setup-lake
	$(BIN)/python benchmarks/workers.py

# Crawl throughput over a local mirror served by nginx (Debian package, installed once).
# Full size by default (20k post pages; long); a quick check:
#   make bench-throughput BENCH_ARGS="--pages 2000 --sites 40 --polite-sites 50"
BENCH_ARGS ?=
bench-throughput: setup
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || bash scripts/install-nginx.sh
	$(BIN)/python benchmarks/throughput.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
