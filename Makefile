# Doorstep: `make run` runs it on the embedded default; `make test` runs the tests.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-12)

.PHONY: setup run test lint format bench clean

$(STAMP): pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

.venv-rasa/.ready: nlu/requirements.txt scripts/setup_rasa_venv.sh
	bash scripts/setup_rasa_venv.sh

setup: $(STAMP) .venv-rasa/.ready  ## Install the app (Python 3.11) and Rasa (Python 3.10).

run: setup  ## Migrate, load demo data, train and start Rasa, serve Doorstep.
	$(VENV)/bin/doorstep run

test: setup  ## Lint, train the NLU model if its data changed, run the whole suite.
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/doorstep nlu train
	$(VENV)/bin/pytest -n 2

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf var nlu/models nlu/results .pytest_cache
