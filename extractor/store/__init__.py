"""Sinks for article records: the facts database (SQLite or PostgreSQL, one interface) and file
exports (JSONL, Parquet, CSV).

Knows nothing of spaCy: it stores and reads ``records.ArticleRecord`` data.
``open_store("facts.db")`` opens (or creates) an SQLite file; ``open_store("postgresql://...")``
a PostgreSQL database (the optional extra ``postgres``). The layout of both is in ``ddl.py``.
"""
from __future__ import annotations

from pathlib import Path

from extractor.store.base import ERROR_REASONS, FactStore, ResumeKeys, Stamp, StoredArticle, WriteResult
from extractor.store.ddl import SCHEMA_VERSION
from extractor.store.exports import FLAT_COLUMNS, FORMATS, export, export_csv, export_files, export_jsonl, export_parquet
from extractor.store.postgres import display_url, is_postgres_url

__all__ = [
    "open_store", "FactStore", "Stamp", "ResumeKeys", "StoredArticle", "WriteResult", "ERROR_REASONS", "SCHEMA_VERSION",
    "content_digest", "display_url", "is_postgres_url", "export", "export_files", "export_jsonl", "export_parquet", "export_csv",
    "FORMATS", "FLAT_COLUMNS",
]


def open_store(db: str | Path, *, create: bool = True, readonly: bool = False, extractor_version: str | None = None) -> FactStore:
    """The facts database ``db``: a ``postgresql://`` URL or an SQLite file path.

    Writers pass ``create=True`` (tables made on first use); readers ``readonly=True`` (the
    database must exist; nothing is written, so read access is enough).
    """
    if is_postgres_url(db):
        from extractor.store.postgres import PostgresStore

        return PostgresStore(str(db), create=create, readonly=readonly, extractor_version=extractor_version)
    from extractor.store.sqlite import SQLiteStore

    return SQLiteStore(db, create=create, readonly=readonly, extractor_version=extractor_version)


def content_digest(db: str | Path) -> str:
    """sha256 of the content of a database (timestamps left out): equal digests = same content."""
    with open_store(db, readonly=True) as store:
        return store.content_digest()
