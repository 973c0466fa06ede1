"""Financial news -> validated, source-grounded facts.

    >>> from extractor import extract                                   # doctest: +SKIP
    >>> extract("Ether changed hands near $3,140 on Tuesday.", published="2026-03-11")  # doctest: +SKIP
"""
from __future__ import annotations

from extractor.errors import DateError, ExtractorError, InputError, ModelError
from extractor.records import ArticleRecord
from extractor.settings import Settings

__version__ = "0.3.0"
__all__ = ["extract", "Extractor", "to_doc", "ArticleRecord", "Settings", "ExtractorError", "InputError", "DateError", "ModelError", "__version__"]


def __getattr__(name: str):
    """``Extractor`` and ``extract`` import spaCy (about 0.6 s): only when first used, so commands
    that need no extraction (a batch re-run with nothing new, ``export``, ``query``) start fast."""
    if name in ("Extractor", "extract"):
        from extractor import pipeline

        return getattr(pipeline, name)
    if name == "to_doc":  # a record as a spaCy Doc with doc.spans["facts"] (for displaCy)
        from extractor.review.spacy_doc import to_doc

        return to_doc
    raise AttributeError(f"module 'extractor' has no attribute {name!r}")
