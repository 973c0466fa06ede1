"""The facts database: SQLite (stdlib), one row per article and one row per fact.

Knows nothing of spaCy: it stores ``records.ArticleRecord`` objects and reads them back.

Tables
------
``meta``      key/value: ``schema_version`` (of this database layout), ``extractor_version``
              (of the last writer), ``record_schema_version`` (of the JSON records).
``articles``  one row per source file (``source`` is unique); ``id`` is the article id of the
              record (sha256 of the cleaned text, 16 hex), ``text_hash`` the full sha256,
              ``file_hash`` the sha256 of the file bytes + sidecar (the resume key).
``facts``     one row per fact: ``article_id``/``article_source`` point to the article, ``seq``
              is the position in the record, typed key columns (``asset`` holds the asset or,
              for moves and metrics, the subject; ``when_date`` is the fact's ``when``;
              ``source`` the data provider), and ``fact_json`` the whole fact.
``errors``    the latest failure per source file (removed when the file later succeeds).

Every article is written in one transaction (its old row and facts replaced), so a killed
run never leaves half an article. WAL mode and a busy timeout let two writers share a file.
"""
from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from extractor.errors import StoreError, StoreVersionError
from extractor.records import SCHEMA_VERSION as RECORD_SCHEMA_VERSION
from extractor.records import ArticleRecord

log = logging.getLogger(__name__)

#: Version of the database layout. Bump the major part on any incompatible change.
SCHEMA_VERSION = "1.0"
BUSY_TIMEOUT_MS = 60_000

_DDL = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (
    source TEXT PRIMARY KEY,
    id TEXT NOT NULL,
    url TEXT,
    title TEXT,
    published TEXT,
    language TEXT,
    text_hash TEXT NOT NULL,
    file_hash TEXT,
    text TEXT NOT NULL,
    warnings_json TEXT NOT NULL DEFAULT '[]',
    n_facts INTEGER NOT NULL,
    processed_at TEXT NOT NULL,
    extractor_version TEXT NOT NULL,
    model_name TEXT,
    model_version TEXT
);
CREATE TABLE IF NOT EXISTS facts (
    article_source TEXT NOT NULL REFERENCES articles(source) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    article_id TEXT NOT NULL,
    type TEXT NOT NULL,
    asset TEXT,
    product TEXT,
    value REAL,
    percent REAL,
    currency TEXT,
    direction TEXT,
    amount REAL,
    speaker TEXT,
    kind TEXT,
    metric TEXT,
    unit TEXT,
    period TEXT,
    when_date TEXT,
    when_text TEXT,
    source TEXT,
    rule TEXT NOT NULL,
    evidence_start INTEGER NOT NULL,
    evidence_end INTEGER NOT NULL,
    evidence_text TEXT NOT NULL,
    fact_json TEXT NOT NULL,
    PRIMARY KEY (article_source, seq)
);
CREATE TABLE IF NOT EXISTS errors (
    source TEXT PRIMARY KEY,
    message TEXT NOT NULL,
    time TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS facts_type_asset ON facts(type, asset);
CREATE INDEX IF NOT EXISTS facts_when ON facts(when_date);
CREATE INDEX IF NOT EXISTS facts_speaker ON facts(speaker);
CREATE INDEX IF NOT EXISTS facts_article_id ON facts(article_id);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
CREATE INDEX IF NOT EXISTS articles_id ON articles(id);
"""

#: Columns that hold wall-clock times: left out of ``content_digest``.
TIMESTAMP_COLUMNS = {"articles": {"processed_at"}, "errors": {"time"}, "meta": set(), "facts": set()}

#: Typed fact columns filled from the fact's own fields (``asset`` falls back to ``subject``).
FACT_COLUMNS = ("asset", "product", "value", "percent", "currency", "direction", "amount", "speaker", "kind", "metric", "unit", "period")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _major(version: str) -> str:
    """``"1.3"`` -> ``"1"``.

    >>> _major("1.3"), _major("2")
    ('1', '2')
    """
    return str(version).split(".", 1)[0]


def fact_row(fact: dict) -> dict:
    """Flat typed columns of one fact (as a JSON-like dict).

    >>> r = fact_row({"type": "percent_move", "subject": "BTC", "percent": -3.5, "when": "2026-01-02",
    ...               "rule": "r", "evidence": {"start": 0, "end": 2, "text": "ab"}})
    >>> r["asset"], r["percent"], r["when_date"], r["value"]
    ('BTC', -3.5, '2026-01-02', None)
    """
    row = {c: fact.get(c) for c in FACT_COLUMNS}
    if row["asset"] is None:
        row["asset"] = fact.get("subject")
    ev = fact["evidence"]
    row.update(
        type=fact["type"],
        when_date=fact.get("when"),
        when_text=fact.get("when_text"),
        source=fact.get("source"),
        rule=fact["rule"],
        evidence_start=ev["start"],
        evidence_end=ev["end"],
        evidence_text=ev["text"],
    )
    return row


@dataclass(frozen=True)
class Stamp:
    """What produced a record: compared on resume (same stamp + same file hash = skip)."""

    extractor_version: str
    model_name: str | None = None
    model_version: str | None = None


class FactStore:
    """An open facts database. Use as a context manager, or call ``close()``.

    ``create=False`` refuses a missing file (for ``export`` and ``query``).
    """

    def __init__(self, path: str | Path, *, create: bool = True, extractor_version: str | None = None):
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise StoreError(f"{self.path}: no such database")
        if self.path.exists() and self.path.is_dir():
            raise StoreError(f"{self.path}: is a folder, not a database file")
        try:
            self.conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open database: {exc}") from None
        try:
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.conn.execute("PRAGMA foreign_keys = ON")
            if create:
                self._init_schema_when_free(extractor_version)
            else:
                self._check_version()
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise StoreError(f"{self.path}: not a facts database ({exc})") from None
        except StoreError:
            self.conn.close()
            raise

    # -- set-up -----------------------------------------------------------------------------
    def _init_schema_when_free(self, extractor_version: str | None) -> None:
        """``_init_schema``, retried while another process holds the lock. Switching a new file to
        WAL needs an exclusive lock and SQLite reports "database is locked" at once, without
        waiting for the busy timeout, when two batches open the same new database together."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        delay = 0.01
        while True:
            try:
                return self._init_schema(extractor_version)
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    def _init_schema(self, extractor_version: str | None) -> None:
        mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            log.warning("%s: journal mode is %s, not WAL (concurrent writers will wait longer)", self.path, mode)
        self.conn.execute("PRAGMA synchronous = NORMAL")
        with self.transaction():
            if not self._has_table("meta"):
                if self._user_tables():
                    raise StoreError(f"{self.path}: an SQLite database without a meta table is not a facts database")
                for statement in _DDL.split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                self.conn.executemany(
                    "INSERT INTO meta(key, value) VALUES (?, ?)",
                    [("schema_version", SCHEMA_VERSION), ("record_schema_version", RECORD_SCHEMA_VERSION), ("extractor_version", extractor_version or "")],
                )
            else:
                self._check_version()
                if extractor_version:
                    self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('extractor_version', ?)", (extractor_version,))

    def _has_table(self, name: str) -> bool:
        return self.conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone() is not None

    def _user_tables(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]

    def _check_version(self) -> None:
        if not self._has_table("meta"):
            raise StoreError(f"{self.path}: not a facts database (no meta table)")
        meta = self.meta()
        found = meta.get("schema_version")
        if found is None or _major(found) != _major(SCHEMA_VERSION):
            raise StoreVersionError(
                f"{self.path}: database schema version {found or 'unknown'} (written by extractor "
                f"{meta.get('extractor_version') or 'unknown'}) is incompatible with this extractor's {SCHEMA_VERSION}; "
                f"use a new --db file or re-create this one"
            )

    def meta(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM meta"))

    @contextmanager
    def transaction(self):
        """``BEGIN IMMEDIATE`` ... ``COMMIT`` (rolled back on any exception)."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: cannot start a write transaction: {exc}") from None
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "FactStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing ----------------------------------------------------------------------------
    def done_keys(self, stamp: Stamp) -> dict[str, str]:
        """``source -> file_hash`` of articles already written with ``stamp`` (what a resume skips)."""
        rows = self.conn.execute(
            "SELECT source, file_hash FROM articles WHERE extractor_version = ? AND model_name IS ? AND model_version IS ?",
            (stamp.extractor_version, stamp.model_name, stamp.model_version),
        )
        return {s: h for s, h in rows if h}

    def write(self, record: ArticleRecord | dict, stamp: Stamp, *, file_hash: str | None = None, processed_at: str | None = None) -> int:
        """Replace the article of ``record.article.source`` and its facts, in one transaction; return the fact count."""
        rec = record if isinstance(record, dict) else record.model_dump(mode="json")
        art = rec["article"]
        facts = rec.get("facts") or []
        text_hash = hashlib.sha256(art["text"].encode("utf-8")).hexdigest()
        with self.transaction() as c:
            c.execute("DELETE FROM facts WHERE article_source = ?", (art["source"],))
            c.execute("DELETE FROM articles WHERE source = ?", (art["source"],))
            c.execute("DELETE FROM errors WHERE source = ?", (art["source"],))
            c.execute(
                "INSERT INTO articles(source, id, url, title, published, language, text_hash, file_hash, text, warnings_json,"
                " n_facts, processed_at, extractor_version, model_name, model_version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    art["source"], art["id"], art.get("url"), art.get("title"), art.get("published"), art.get("language"),
                    text_hash, file_hash, art["text"], json.dumps(rec.get("warnings") or [], ensure_ascii=False), len(facts),
                    processed_at or _now(), stamp.extractor_version, stamp.model_name, stamp.model_version,
                ),
            )
            rows = []
            for seq, fact in enumerate(facts):
                row = fact_row(fact)
                rows.append(
                    (art["source"], seq, art["id"], row["type"], *(row[k] for k in FACT_COLUMNS), row["when_date"], row["when_text"],
                     row["source"], row["rule"], row["evidence_start"], row["evidence_end"], row["evidence_text"],
                     json.dumps(fact, ensure_ascii=False, sort_keys=True))
                )
            cols = ("article_source", "seq", "article_id", "type", *FACT_COLUMNS, "when_date", "when_text", "source", "rule",
                    "evidence_start", "evidence_end", "evidence_text", "fact_json")
            c.executemany(f"INSERT INTO facts({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)
        return len(facts)

    def record_error(self, source: str, message: str) -> None:
        """Keep the latest failure of ``source`` (one row per source)."""
        with self.transaction() as c:
            c.execute("INSERT OR REPLACE INTO errors(source, message, time) VALUES (?, ?, ?)", (source, message, _now()))

    # -- reading ----------------------------------------------------------------------------
    def count(self, table: str) -> int:
        if table not in TIMESTAMP_COLUMNS:
            raise StoreError(f"unknown table {table!r}")
        return self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def records(self, sources: Iterable[str] | None = None) -> Iterator[dict]:
        """Article records as dicts (the shape ``extract`` writes), ordered by source."""
        wanted = None if sources is None else set(sources)
        arts = self.conn.execute(  # streamed: the facts of each article are read as it comes
            "SELECT source, id, url, title, published, language, text, warnings_json FROM articles ORDER BY source"
        )
        for source, aid, url, title, published, language, text, warnings in arts:
            if wanted is not None and source not in wanted:
                continue
            facts = [json.loads(j) for (j,) in self.conn.execute("SELECT fact_json FROM facts WHERE article_source = ? ORDER BY seq", (source,))]
            yield {
                "schema_version": RECORD_SCHEMA_VERSION,
                "article": {"id": aid, "source": source, "url": url, "title": title, "published": published, "language": language, "text": text},
                "facts": facts,
                "warnings": json.loads(warnings),
            }

    def query(self, sql: str, params: tuple = ()) -> tuple[list[str], list[tuple]]:
        """Run one read-only statement; ``(column names, rows)``. Writes are refused."""
        try:
            self.conn.execute("PRAGMA query_only = ON")
            cur = self.conn.execute(sql, params)
            cols = [d[0] for d in cur.description or []]
            return cols, cur.fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"query failed: {exc}") from None
        finally:
            self.conn.execute("PRAGMA query_only = OFF")


def content_digest(path: str | Path) -> str:
    """sha256 over every row of every table, timestamps left out: equal digests = same database content."""
    with FactStore(path, create=False) as st:
        h = hashlib.sha256()
        for table in ("meta", "articles", "facts", "errors"):
            cols = [r[1] for r in st.conn.execute(f"PRAGMA table_info({table})") if r[1] not in TIMESTAMP_COLUMNS[table]]
            h.update(f"{table}:{','.join(cols)}\n".encode())
            for row in st.conn.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {', '.join(cols)}"):
                h.update(json.dumps(row, ensure_ascii=False).encode() + b"\n")
        return h.hexdigest()
