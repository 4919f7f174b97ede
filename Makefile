# Two commands for users:  `make demo` (train on real chairs, write a picture)  and  `make test` (everything CI runs).
# Both create or update the git-ignored virtual environment .venv/ with pinned dependencies.
PYTHON ?= python3
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export PATH := $(BIN):$(PATH)
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: demo test install export check-export check-clean nbtest pytest book browser lab clean

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24,<27"
	# the CPU wheel of torch first: a bare `torch` requirement would pull a multi-GB CUDA build
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

export: $(STAMP)
	$(BIN)/nbdev_export

demo: export
	$(BIN)/gpointnet train --category chair --preset cpu --out runs/chair
	# the metric line: 40 samples against the 40 embedded test chairs, beside the training split and noise
	$(BIN)/gpointnet eval --ckpt runs/chair/model.pt --n-samples 40 --n-points 512 --baselines --json > runs/chair/eval.json
	$(BIN)/python -c "import json; r = json.load(open('runs/chair/eval.json')); print('; '.join(f\"{k}: 1-NNA-CD {100 * v['1-NNA-CD']:.1f} %, COV-CD {100 * v['COV-CD']:.1f} %, MMD-CD {v['MMD-CD']:.4f}\" for k, v in r.items() if k != 'protocol'))"

# nbdev_export must leave the committed package unchanged (notebooks are the source of truth)
check-export: export
	@if [ -n "$$(git status --porcelain -- gpointnet_nb)" ]; then \
	  echo "nbdev_export changed gpointnet_nb/: re-export and commit the notebooks and the package together"; \
	  git status --porcelain -- gpointnet_nb; git --no-pager diff -- gpointnet_nb; exit 1; fi
	@echo "export check: gpointnet_nb/ matches the notebooks"

# committed notebooks must already be clean (no outputs, tags kept)
check-clean: $(STAMP)
	$(BIN)/nbdev_clean
	@if [ -n "$$(git status --porcelain -- nbs)" ]; then \
	  echo "nbdev_clean changed nbs/: run nbdev_clean and commit"; git status --porcelain -- nbs; exit 1; fi

nbtest: export
	$(BIN)/nbdev_test --n_workers 1 --timing

# two pytest workers (pytest-xdist): each notebook kernel uses one thread (tests/conftest.py), so two share the two
# cores of a laptop or CI box; the prose-number check reads the executed notebooks, so it runs after them
JOBS ?= 2
pytest: export
	$(BIN)/python -m pytest tests -n $(JOBS) --ignore=tests/test_book_browser.py --ignore=tests/test_prose_numbers.py
	$(BIN)/python -m pytest tests/test_prose_numbers.py

# every built page in headless Chromium (skips if chromium is not installed; .ci/run installs it)
browser: book
	$(BIN)/python -m pytest tests/test_book_browser.py

book: $(STAMP)
	@test -d book/executed || { echo "book/executed/ is missing: run 'make pytest' first (it executes the notebooks)"; exit 1; }
	rm -rf book/_vendor/mathjax book/executed/images && mkdir -p book/_vendor && cp -r nbs/images book/executed/images
	cp -r "$$($(BIN)/python -c 'import jupyter_server_mathjax as m, pathlib; print(pathlib.Path(m.__file__).parent / "static")')" book/_vendor/mathjax
	mkdir -p book/_extra/snapshots
	$(BIN)/python book/prepare_pages.py  # TOC from nbs/, strip nbdev directives, Next links, generated pages
	$(BIN)/jupyter-book build book --warningiserror --nitpick --keep-going
	@echo "book: $(CURDIR)/book/_build/html/index.html"

# the course in JupyterLab, run by this .venv's Python (PATH above), with k3d views and ipywidgets sliders; Ctrl-C stops
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=nbs $$([ "$$(id -u)" = 0 ] && echo --allow-root)  # root: containers, CI boxes

# nbdev_test is not part of `test`: tests/test_notebooks.py executes every notebook with papermill (which, unlike
# nbdev_test, also runs `eval: false` cells), and running each notebook twice cost CI minutes; `make nbtest` still works
test: check-export check-clean pytest book browser

clean:
	rm -rf book/_build book/executed book/_vendor book/_extra _proc
