"""Sinks for article records: the SQLite facts database and file exports (JSONL, Parquet).

Knows nothing of spaCy: it stores and reads ``records.ArticleRecord`` data.
"""
from __future__ import annotations

from extractor.store.exports import FORMATS, export, export_jsonl, export_parquet
from extractor.store.sqlite import SCHEMA_VERSION, FactStore, Stamp, content_digest

__all__ = ["FactStore", "Stamp", "SCHEMA_VERSION", "content_digest", "export", "export_jsonl", "export_parquet", "FORMATS"]
