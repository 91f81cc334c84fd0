# Two commands for a fresh machine: `make demo` and `make test`. Both create .venv and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench install docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq python3-venv && rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/sitewarden demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

test: $(STAMP)
	bash scripts/test-setup.sh
	$(MAKE) --no-print-directory lint
	$(BIN)/python -m pytest -q

docs: $(STAMP)
	$(BIN)/python -m sitewarden.config.reference > docs/config.md

bench: $(STAMP)
	$(BIN)/python bench/http_checks.py
	$(BIN)/python bench/dashboard.py
	$(BIN)/python bench/scale.py --checks 5000 --interval 30 --seconds 30 --warmup 10
	$(BIN)/python bench/scale_out.py --workers 2 --checks 2000 --interval 20 --seconds 10 --warmup 5 --lease 6 --skip-without-postgres

clean:
	rm -rf $(VENV) .demo build dist
