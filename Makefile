# Two entry points: `make demo` (validate the bundled corpus) and `make test` (all checks).
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: demo test lint screenshot clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

demo: $(BIN)/.installed
	$(BIN)/massage-evidence validate data/claims.yaml
	mkdir -p out
	$(BIN)/massage-evidence report data/claims.yaml -o out/report.html
	$(BIN)/massage-evidence report data/claims.yaml --format md -o out/report.md
	$(BIN)/massage-evidence annotate data/claims.yaml -o out
	@echo "open out/report.html"

screenshot: demo
	$(BIN)/python scripts/screenshot.py

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) build dist .mypy_cache .pytest_cache .ruff_cache
