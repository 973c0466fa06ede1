"""Shared fixtures: a rule-only pipeline (blank tokenizer, no statistical model) and a full one."""
from __future__ import annotations

import pytest

from extractor.pipeline import Extractor
from extractor.settings import Settings


@pytest.fixture(scope="session")
def rules_only() -> Extractor:
    """Blank tokenizer + rule components; person names are not available."""
    return Extractor(Settings(use_model=False, strict=True))


@pytest.fixture(scope="session")
def full() -> Extractor:
    """The full pipeline, statistical NER included (for quotes and speakers)."""
    return Extractor(Settings(strict=True))


@pytest.fixture(scope="session")
def corpus_records(full) -> dict:
    """Every corpus article through the full pipeline, keyed by file stem (the gold name)."""
    from pathlib import Path

    from extractor.clean import load
    from extractor.sources import expand

    files = expand([Path(__file__).resolve().parents[1] / "corpus" / "articles"])
    records = list(full.pipe(load(f, settings=full.settings) for f in files))
    return {Path(r.article.source).stem: r for r in records}
