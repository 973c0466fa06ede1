# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
# The venv's interpreter: Debian's python3.11 where it is installed with its venv module, else python3.
# Debian's is one executable with the interpreter linked in (no shared libpython); pyenv's default
# build here is a shared libpython configured without --enable-optimizations. On the same venv contents
# the rule code ran about 17% faster on Debian's and the bare model about 9% (bench/README.md, stop 37).
DEBIAN_PY := /usr/bin/python3.11
PY ?= $(shell $(DEBIAN_PY) -c 'import ensurepip, venv' >/dev/null 2>&1 && echo $(DEBIAN_PY) || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench bench-clean install clean schema pictures bytecode

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev,postgres,ray]"
	touch $(STAMP)

# pip compiles every package it installs to bytecode, but an editable install leaves ours to the
# first import, and where PYTHONDONTWRITEBYTECODE is set every process compiles it again (about
# 0.15 s of each start). Only files changed since the last run are compiled again.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q extractor

install: $(STAMP)

# Main job: batch the sample corpus into the embedded facts database (out/facts.db, plus
# out/corpus.jsonl and out/facts.parquet for downstream models), then score it against corpus/gold.
run: bytecode
	mkdir -p out
	$(BIN)/extractor batch corpus/articles --db out/facts.db --jsonl out/corpus.jsonl --parquet out/facts.parquet --workers 2
	$(BIN)/extractor eval out/corpus.jsonl --gold corpus/gold

test: bytecode
	$(BIN)/python -m pytest

bench: bytecode
	$(BIN)/python bench/run.py

# Cleaning benchmark: the project against trafilatura, readability-lxml, newspaper4k and goose3 (bench/README.md).
bench-clean: $(STAMP)
	$(BIN)/pip install -q -e ".[bench]"
	$(BIN)/python bench/cleaning.py

schema: $(STAMP)
	$(BIN)/extractor schema --out schemas/article_record.schema.json

# The README's pictures, from `make run`'s database (needs /usr/bin/chromium).
pictures: $(STAMP)
	test -f out/facts.db || $(MAKE) run
	$(BIN)/python docs/pictures.py

clean:
	rm -rf $(VENV) out .pytest_cache
