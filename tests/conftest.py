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
