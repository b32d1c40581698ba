# Two commands do everything on a fresh machine:  make demo   and   make test
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/fundtrail: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $@

.PHONY: setup demo test lint
setup: $(BIN)/fundtrail

demo: setup  ## build the demo county in demo/ and run the checks on it
	rm -rf demo
	$(BIN)/fundtrail demo --dir demo
	$(BIN)/fundtrail check demo/main.beancount
	@echo "Browse: $(BIN)/fundtrail serve demo/main.beancount   (http://127.0.0.1:5000/)"

test: setup  ## run the test suite
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .

.PHONY: screenshots
screenshots: setup  ## the Fava pages in headless Chromium -> docs/screenshots/*.png
	FUNDTRAIL_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests/test_browser.py
