# Self-documenting: `make help` lists the targets.
PY ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: help demo test test-fast lint clean-data notebook

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP) ## create .venv/ and install the project with pinned versions

demo: $(STAMP) ## synthetic deliveries -> ingest -> key figures (the main job)
	$(VENV)/bin/opvangmonitor demo

notebook: $(STAMP) ## JupyterLab on notebooks/ with verkenning.ipynb (the demo warehouse by default)
	$(VENV)/bin/opvangmonitor notebook

test: $(STAMP) ## the whole test suite (what CI runs), on both cores
	$(VENV)/bin/python -m pytest -n 2

test-fast: $(STAMP) ## unit and integration tests without the slow ones (under a minute)
	$(VENV)/bin/python -m pytest -m "not slow and not e2e" -n 2

lint: $(STAMP) ## ruff
	$(VENV)/bin/ruff check .
