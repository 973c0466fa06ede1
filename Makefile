# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench install clean schema

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Main job: extract the sample corpus into a JSONL file and print a summary.
run: $(STAMP)
	$(BIN)/extractor extract corpus/articles --out out/corpus.jsonl
	$(BIN)/extractor eval out/corpus.jsonl --gold corpus/gold

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py

schema: $(STAMP)
	$(BIN)/extractor schema --out schemas/article_record.schema.json

clean:
	rm -rf $(VENV) out .pytest_cache
