# `make run` starts the portal on embedded defaults; `make test` runs the whole suite against
# real PostgreSQL and Redis. Both install what they need on a fresh machine.
VENV ?= .venv
PYTHON ?= python3
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint bench install

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

run: $(STAMP)
	bin/run

test: $(STAMP)
	bin/test $(ARGS)

bench: $(STAMP)
	bin/bench $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
