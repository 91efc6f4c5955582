# quotebot: `make run` sets everything up and starts the bot (or the console chat without a token);
# `make test` sets up the dev environment and runs the whole suite.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The PyTorch CPU wheel index, for machines where PyPI's torch is the CUDA build; empty: PyPI only.
TORCH_INDEX_URL ?=
TORCH_INDEX := $(if $(TORCH_INDEX_URL),--extra-index-url $(TORCH_INDEX_URL),)
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: run test index lint-corpus lint bench container-test clean

run: $(VENV)/.installed
	$(BIN)/quotebot start

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q

index: $(VENV)/.installed
	$(BIN)/quotebot index build

lint-corpus: $(VENV)/.installed
	$(BIN)/quotebot corpus lint

# ruff, and the import contracts of pyproject.toml (the layers a question flows down).
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check bot tests bench
	$(BIN)/lint-imports --no-cache

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench

# Builds the image and runs it against a loopback fake Bot API (needs a container engine:
# docker, or the command in CONTAINER_CLI that takes docker's build/run arguments).
container-test: $(VENV)/.installed-dev
	$(BIN)/python tests/container/smoke.py

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# torch first and pinned, so that nothing pulls a CUDA build in through a looser requirement.
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) $(TORCH_INDEX) "torch==2.13.0"
	$(PIP) $(TORCH_INDEX) -e ".[torch]"
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(PIP) $(TORCH_INDEX) "torch==2.13.0"
	$(PIP) $(TORCH_INDEX) -e ".[torch,dev]"
	touch $@ $(VENV)/.installed

clean:
	rm -rf $(VENV) index/manifest.json index/gen-* index/.tmp-* .pytest_cache
