"""The database layout of both backends, in one place: tables, indexes and views.

SQLite and PostgreSQL hold the same tables with the same columns in the same order; only the
types differ where PostgreSQL has a better one (``DATE`` for a fact's date, ``TIMESTAMPTZ`` for
wall-clock times, ``DOUBLE PRECISION``, and ``COLLATE "C"`` on paths so that both sort them by
code point, as Python does). A view is added to ``VIEWS`` (portable SQL, created by both) or,
when the dialects differ, to ``SQLITE_VIEWS`` / ``POSTGRES_VIEWS``.

Tables
------
``meta``      key/value: ``schema_version`` (of this layout), ``extractor_version`` (of the last
              writer), ``record_schema_version`` (of the JSON records).
``articles``  one row per cleaned text: ``id`` is the record's article id (sha256 of the cleaned
              text, 16 hex), ``text_hash`` the full sha256. The row holds the record of one of
              its sources, ``source`` (the first in path order), with that file's ``file_hash``.
``sources``   one row per path or URL an article was read from, with the sha256 of the file bytes
              and sidecar (``file_hash``: the resume key) and the stamp of the extractor that read
              it. A moved folder or a duplicate file adds rows here, not articles.
``facts``     one row per fact of an article: ``seq`` is its position in the record; typed columns
              for every fact field (``when_date`` is the fact's ``when``, ``source`` the data
              provider, ``quote_text`` a quote's text); ``fact_json`` the whole fact.
``errors``    the latest failure per source (``reason``: input, extraction, timeout, crash, read),
              removed when the source later succeeds.
"""
from __future__ import annotations

#: Version of the database layout. Bump the major part on any incompatible change.
#: 2.0: articles identified by content, a sources table, typed columns for every fact field,
#: an error reason.
SCHEMA_VERSION = "2.0"

#: Columns that hold wall-clock times (left out of content digests and exports).
TIMESTAMP_COLUMNS = {"meta": (), "articles": ("processed_at",), "sources": ("processed_at",), "facts": (), "errors": ("time",)}
TABLES = tuple(TIMESTAMP_COLUMNS)

#: Typed fact columns, in table order, filled from the fact's fields by ``base.fact_row``.
FACT_COLUMNS = (
    "asset", "subject", "product", "value", "percent", "amount", "currency", "direction", "qualifier", "kind",
    "metric", "unit", "period", "reference", "streak_days", "speaker", "speaker_role", "quote_text",
    "when_date", "when_text", "source", "rule", "evidence_start", "evidence_end", "evidence_text", "fact_json",
)


def _tables(text: str, real: str, int_: str, date: str, time: str, path: str) -> list[str]:
    return [
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        f"""CREATE TABLE IF NOT EXISTS articles (
            id {text} PRIMARY KEY,
            text_hash {text} NOT NULL UNIQUE,
            source {path} NOT NULL,
            file_hash {text},
            url {text},
            title {text},
            published {text},
            language {text} NOT NULL,
            text {text} NOT NULL,
            warnings_json {text} NOT NULL,
            n_facts {int_} NOT NULL,
            extractor_version {text} NOT NULL,
            model_name {text},
            model_version {text},
            processed_at {time} NOT NULL
        )""",
        f"""CREATE TABLE IF NOT EXISTS sources (
            source {path} PRIMARY KEY,
            article_id {text} NOT NULL REFERENCES articles(id),
            file_hash {text},
            extractor_version {text} NOT NULL,
            model_name {text},
            model_version {text},
            processed_at {time} NOT NULL
        )""",
        f"""CREATE TABLE IF NOT EXISTS facts (
            article_id {text} NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            seq {int_} NOT NULL,
            type {text} NOT NULL,
            asset {text}, subject {text}, product {text},
            value {real}, percent {real}, amount {real},
            currency {text}, direction {text}, qualifier {text}, kind {text}, metric {text}, unit {text},
            period {text}, reference {text}, streak_days {int_},
            speaker {text}, speaker_role {text}, quote_text {text},
            when_date {date}, when_text {text}, source {text},
            rule {text} NOT NULL,
            evidence_start {int_} NOT NULL, evidence_end {int_} NOT NULL, evidence_text {text} NOT NULL,
            fact_json {text} NOT NULL,
            PRIMARY KEY (article_id, seq)
        )""",
        f"""CREATE TABLE IF NOT EXISTS errors (
            source {path} PRIMARY KEY,
            reason {text} NOT NULL,
            message {text} NOT NULL,
            time {time} NOT NULL
        )""",
    ]


INDEXES = [
    "CREATE INDEX IF NOT EXISTS facts_type_asset ON facts(type, asset)",
    "CREATE INDEX IF NOT EXISTS facts_type_subject ON facts(type, subject)",
    "CREATE INDEX IF NOT EXISTS facts_when ON facts(when_date)",
    "CREATE INDEX IF NOT EXISTS facts_speaker ON facts(speaker)",
    "CREATE INDEX IF NOT EXISTS sources_article ON sources(article_id)",
    "CREATE INDEX IF NOT EXISTS sources_file_hash ON sources(file_hash)",
    "CREATE INDEX IF NOT EXISTS articles_published ON articles(published)",
    "CREATE INDEX IF NOT EXISTS articles_source ON articles(source)",
]

#: Views created by both backends (portable SQL): ``name -> SELECT ...``.
VIEWS: dict[str, str] = {}
SQLITE_VIEWS: dict[str, str] = {}
POSTGRES_VIEWS: dict[str, str] = {}

SQLITE = _tables("TEXT", "REAL", "INTEGER", "TEXT", "TEXT", "TEXT") + INDEXES
POSTGRES = _tables("TEXT", "DOUBLE PRECISION", "INTEGER", "DATE", "TIMESTAMPTZ", 'TEXT COLLATE "C"') + INDEXES


def views(dialect: str) -> list[str]:
    """``CREATE VIEW`` statements of ``dialect`` (``"sqlite"`` or ``"postgres"``)."""
    extra = SQLITE_VIEWS if dialect == "sqlite" else POSTGRES_VIEWS
    create = "CREATE VIEW IF NOT EXISTS" if dialect == "sqlite" else "CREATE OR REPLACE VIEW"
    return [f"{create} {name} AS {sql}" for name, sql in {**VIEWS, **extra}.items()]


def statements(dialect: str) -> list[str]:
    """Every statement that creates the layout of ``dialect``, tables first."""
    return (SQLITE if dialect == "sqlite" else POSTGRES) + views(dialect)
