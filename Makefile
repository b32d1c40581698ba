# Two commands do everything on a fresh machine:  make demo   and   make test
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/fundtrail: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $@

.PHONY: setup demo test lint fonts
setup: $(BIN)/fundtrail fonts

# The reports need a CJK font (embedded in every PDF), poppler-utils (the tests read PDFs back)
# and HarfBuzz's subsetter (without it weasyprint subsets the CJK font with fontTools: ~10 s a PDF).
fonts:
	@if fc-list :lang=zh 2>/dev/null | grep -q . && command -v pdftotext >/dev/null \
	    && ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  echo "Installing fonts-noto-cjk, poppler-utils, libharfbuzz-subset0 (apt-get)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    fonts-noto-cjk poppler-utils libharfbuzz-subset0 >/dev/null \
	  || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends fonts-noto-cjk poppler-utils libharfbuzz-subset0 >/dev/null; }; \
	else \
	  echo "!! 报表需要中文字体 The reports need a CJK font, poppler-utils and libharfbuzz-subset0:"; \
	  echo "!!   sudo apt-get install fonts-noto-cjk poppler-utils libharfbuzz-subset0"; \
	  echo "!!   (macOS: brew install font-noto-serif-cjk-sc poppler harfbuzz)"; \
	fi

demo: setup  ## build the demo county in demo/ and run the checks on it
	rm -rf demo
	$(BIN)/fundtrail demo --dir demo
	$(BIN)/fundtrail check demo/main.beancount
	$(BIN)/fundtrail report village demo/main.beancount --quarter 2024Q3 --all --out demo/reports
	$(BIN)/fundtrail report county demo/main.beancount --year 2024 --out demo/reports
	$(BIN)/fundtrail report audit demo/main.beancount --period 2024 --out demo/reports
	$(BIN)/fundtrail export xlsx demo/main.beancount --year 2024 --out demo/reports/fundtrail-2024.xlsx
	$(BIN)/fundtrail export ofdp demo/main.beancount --year 2024 --out demo/reports/ofdp-2024
	@echo "Reports: demo/reports/"
	@echo "fundtrail is installed in $(BIN)/: put it on PATH for this shell with"
	@echo "    . $(BIN)/activate"
	@echo "then browse the books: fundtrail serve demo/main.beancount   (http://127.0.0.1:5000/)"

test: setup  ## run the test suite
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .

.PHONY: screenshots
screenshots: setup  ## the Fava pages in headless Chromium -> docs/screenshots/*.png
	FUNDTRAIL_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests/test_browser.py
