"""Seeing the facts: the review page, charts of an asset, and spaCy ``Doc`` export.

* :func:`write_page` — one self-contained HTML file with every fact highlighted in its article.
* :func:`extractor.review.chart.write_chart` — prices, levels and ETF flows of one asset (matplotlib).
* :func:`to_doc` — a record as a spaCy ``Doc`` with ``doc.spans["facts"]`` for displaCy.

Nothing here imports spaCy until :func:`to_doc` is called.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

from extractor.errors import InputError
from extractor.review.page import PageSummary, render_page, write_page
from extractor.settings import Settings
from extractor.store.base import StoredArticle

log = logging.getLogger(__name__)

__all__ = ["collect_records", "render_page", "write_page", "PageSummary", "to_doc"]


def collect_records(paths: list[Path] | None = None, db: str | Path | None = None, settings: Settings | None = None) -> Iterator[dict | StoredArticle]:
    """Article records from JSONL record files, from article files or folders (extracted on the
    fly) and the articles of a facts database (an SQLite path or a ``postgresql://`` URL, opened
    read-only; each with all its sources), in that order."""
    paths = list(paths or [])
    jsonl = [p for p in paths if p.suffix == ".jsonl" and p.is_file()]
    articles = [p for p in paths if p not in jsonl]
    for p in jsonl:
        with p.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{p}:{n}: not a JSON record ({exc.msg})") from None
    if articles:
        from extractor.run import records_for  # imports spaCy: only when there is something to extract

        yield from records_for(articles, settings or Settings())
    if db is not None:
        from extractor.store import open_store

        with open_store(db, readonly=True) as store:
            yield from store.articles()


def to_doc(record, nlp=None):
    """See :func:`extractor.review.spacy_doc.to_doc`."""
    from extractor.review.spacy_doc import to_doc as _to_doc

    return _to_doc(record, nlp)
