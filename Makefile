# Two commands do everything: `make test` and `make demo`. Both set up what is missing first.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
PYTEST_ARGS ?=
# The venv first on PATH: ape-foundry finds anvil with `which`.
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: setup setup-models test lint demo bench bench-zoo clean help

help:
	@echo "make test   - set up (venv, node_modules, offline solc + anvil), lint, run the whole suite"
	@echo "make demo   - set up, then run the end-to-end demo on a local anvil chain"
	@echo "make bench  - run the benchmarks in bench/ and rewrite their result tables"
	@echo "make bench-zoo - install the models extra (torch CPU, matplotlib), run bench/bench_zoo.py"
	@echo "make lint   - ruff (lint + format check) and mypy --strict on oracle_node/"

$(BIN)/.installed: pyproject.toml constraints.txt
	@PYTHON=$(PYTHON) scripts/toolchain/check_env.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	@PYTHON=$(PYTHON) scripts/toolchain/check_env.sh
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(BIN)/.installed node_modules/.installed
	@$(BIN)/python scripts/toolchain/setup_toolchain.py

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The whole suite on Ape's default local network, then the contract suite again on a real
# anvil node that ape-foundry starts on a free port of 127.0.0.1. Each pass ends with its slowest
# tests, to keep the suite inside its 40 minutes (long runs belong in bench/).
test: lint
	@scripts/toolchain/ensure_chromium.sh
	$(BIN)/python -m pytest --durations=25 $(PYTEST_ARGS)
	$(BIN)/python -m pytest tests/contracts --network ethereum:local:foundry --durations=10 $(PYTEST_ARGS)

demo: setup
	$(BIN)/python -m oracle_node.cli demo $(DEMO_ARGS)

bench: setup
	$(BIN)/python -m bench.bench_circuits
	$(BIN)/python -m bench.bench_gas
	$(BIN)/python -m bench.bench_node
	$(BIN)/python -m bench.bench_batch
	$(BIN)/python -m bench.bench_batch_fulfil
	$(BIN)/python -m bench.bench_optimistic
	$(BIN)/python -m bench.bench_gpu
	$(BIN)/python -m bench.bench_ray

# Model authoring and cost charts only: torch (CPU wheel, pinned) and matplotlib. Never needed
# by the node or by `make test`.
setup-models: setup
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,models]'

bench-zoo: setup-models
	$(BIN)/python -m bench.bench_zoo

clean:
	rm -rf .build .toolchain .mypy_cache .ruff_cache
