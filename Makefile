# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench install clean schema

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev,postgres]"
	touch $(STAMP)

install: $(STAMP)

# Main job: batch the sample corpus into the embedded facts database (out/facts.db, plus
# out/corpus.jsonl and out/facts.parquet for downstream models), then score it against corpus/gold.
run: $(STAMP)
	mkdir -p out
	$(BIN)/extractor batch corpus/articles --db out/facts.db --jsonl out/corpus.jsonl --parquet out/facts.parquet --workers 2
	$(BIN)/extractor eval out/corpus.jsonl --gold corpus/gold

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py

schema: $(STAMP)
	$(BIN)/extractor schema --out schemas/article_record.schema.json

clean:
	rm -rf $(VENV) out .pytest_cache
