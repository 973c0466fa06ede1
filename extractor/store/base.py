"""The store interface: what a batch, ``export`` and ``query`` need from a facts database.

``FactStore`` holds everything both backends share (the write algorithm, resume keys, reading
records back, content digests) over a small transaction object; ``sqlite.SQLiteStore`` and
``postgres.PostgresStore`` supply connections, transactions and their SQL dialect. The layout
is in ``ddl.py``.

Articles are identified by content. Writing the record of a source (a path or URL):

* the source's row points to the article of the record's cleaned text (created if new);
* the article row holds the record of its first source in path order: a record replaces the
  stored one when its source sorts first (or is the same), or when the stored one was made by
  another extractor/model (``Stamp``); otherwise only the source row is written. So the
  content of the database does not depend on the order (or the number of processes) in which
  the sources were written;
* a source whose text changed leaves its old article, which is deleted with its facts when
  no source points to it any more.

Each write is one transaction: a killed run never leaves half an article (``write_many`` writes
several records in one, as a batch does with the documents that arrived together).

Derived tables (``ddl.DERIVED_TABLES``: what code outside the store computes from the content,
such as the consensus view's syndication clusters and outlets) are rewritten by
``refresh_derived(derivation)``: only when a fingerprint of the content they are computed from
changed, computed outside any write lock, and written in one transaction that first checks that
the content did not change meanwhile (else computed again). Concurrent refreshes are serialized,
so the last one leaves the tables consistent with everything committed before it.
"""
from __future__ import annotations

import hashlib
import json
import logging
import time
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone

from extractor.errors import StoreError, StoreVersionError
from extractor.records import SCHEMA_VERSION as RECORD_SCHEMA_VERSION
from extractor.records import ArticleRecord
from extractor.store.ddl import DERIVED_TABLES, FACT_COLUMNS, SCHEMA_VERSION, TABLES, TIMESTAMP_COLUMNS

log = logging.getLogger(__name__)

ARTICLE_COLUMNS = (
    "id", "text_hash", "source", "file_hash", "url", "title", "published", "language", "text", "warnings_json",
    "n_facts", "extractor_version", "model_name", "model_version", "processed_at",
)
SOURCE_COLUMNS = ("source", "article_id", "file_hash", "extractor_version", "model_name", "model_version", "processed_at")
FACT_TABLE_COLUMNS = ("article_id", "seq", "type", *FACT_COLUMNS)
ERROR_REASONS = ("input", "extraction", "timeout", "crash", "read")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def major(version: str) -> str:
    """``"1.3"`` -> ``"1"``.

    >>> major("1.3"), major("2")
    ('1', '2')
    """
    return str(version).split(".", 1)[0]


_FACT_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode  # json.dumps(..., ensure_ascii=False, sort_keys=True), one encoder
#: The last columns of ``ddl.FACT_COLUMNS``, in order: what ``fact_values`` works out; the ones before
#: them are the fact's fields of the same names.
_WORKED_OUT = ("quote_text", "when_date", "when_text", "source", "rule", "evidence_start", "evidence_end", "evidence_text", "fact_json")
_FIELD_COLUMNS = FACT_COLUMNS[: -len(_WORKED_OUT)]


def fact_values(fact: dict) -> tuple:
    """The typed columns of one fact (a JSON-like dict), in the order of ``ddl.FACT_COLUMNS``.

    >>> _FIELD_COLUMNS + _WORKED_OUT == FACT_COLUMNS
    True
    >>> r = dict(zip(FACT_COLUMNS, fact_values({"type": "percent_move", "subject": "BTC", "percent": -3.5,
    ...     "when": "2026-01-02", "rule": "r", "evidence": {"start": 0, "end": 2, "text": "ab"}})))
    >>> r["subject"], r["asset"], r["percent"], r["when_date"], r["value"], r["quote_text"], r["evidence_end"]
    ('BTC', None, -3.5, '2026-01-02', None, None, 2)
    >>> r["fact_json"][:40]
    '{"evidence": {"end": 2, "start": 0, "tex'
    >>> dict(zip(FACT_COLUMNS, fact_values({"type": "quote", "text": "Up.", "evidence": {"start": 1, "end": 4, "text": "Up."}})))["quote_text"]
    'Up.'
    """
    get = fact.get
    ev = fact["evidence"]
    return (
        *map(get, _FIELD_COLUMNS),
        get("text") if fact["type"] == "quote" else None,
        get("when"), get("when_text"), get("source"), get("rule"),
        ev["start"], ev["end"], ev["text"],
        _FACT_JSON(fact),
    )


@dataclass(frozen=True)
class Stamp:
    """What produced a record: compared on resume (same stamp + same file hash = skip)."""

    extractor_version: str
    model_name: str | None = None
    model_version: str | None = None


@dataclass
class ResumeKeys:
    """What a batch can skip: sources already read by this stamp, and the articles of known file hashes."""

    by_source: dict[str, str]  # source -> file_hash
    by_hash: dict[str, str]  # file_hash -> article id


@dataclass(frozen=True)
class WriteResult:
    article_id: str
    new_article: bool  # no article held this text before
    facts_written: int  # fact rows (re)written; 0 when the article keeps the record of an earlier source


@dataclass
class StoredArticle:
    """An article read back: its record (the shape ``extract`` writes), every source, its stamp."""

    record: dict
    sources: list[str]
    stamp: Stamp


@dataclass(frozen=True)
class Derivation:
    """How to compute derived tables (``ddl.DERIVED_TABLES``) from the stored content.

    ``reads`` are SELECTs over the content, read in one snapshot; those named in ``fingerprint``
    (cheap ones: ids, paths, names, no article texts) are hashed with ``version`` (of the code that
    computes) to decide whether the tables are out of date. ``compute`` gets every read's rows and
    returns the new rows of each derived table it owns (columns in ``ddl.DERIVED_TABLES`` order).
    """

    name: str
    version: str
    reads: dict[str, str]
    fingerprint: tuple[str, ...]
    compute: Callable[[dict[str, list[tuple]]], dict[str, list[tuple]]]


class Tx(ABC):
    """One transaction's cursor, with ``?`` placeholders whatever the backend."""

    @abstractmethod
    def run(self, sql: str, params: tuple = ()) -> int:
        """Execute; the number of rows changed."""

    @abstractmethod
    def many(self, sql: str, rows: list[tuple]) -> None: ...

    @abstractmethod
    def all(self, sql: str, params: tuple = ()) -> list[tuple]: ...

    def one(self, sql: str, params: tuple = ()) -> tuple | None:
        rows = self.all(sql, params)
        return rows[0] if rows else None

    @abstractmethod
    def columns(self, table: str) -> list[str]: ...


def _plain(value):
    """A column value as JSON (dates as ISO text), so digests agree across backends."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


class FactStore(ABC):
    """An open facts database. Use as a context manager, or call ``close()``."""

    dialect = ""
    LOCK = ""  # appended to a SELECT that must lock the rows it reads until the transaction ends
    SAME = "IS"  # null-safe equality
    location = ""  # shown in messages (no password)
    readonly = False
    RETRIES = 8
    READ_BATCH = 200  # articles read per query when exporting
    DERIVED_LOCK = ""  # run first in a refresh of derived tables: excludes other refreshes (SQLite's BEGIN IMMEDIATE does)
    DERIVED_ATTEMPTS = 3  # refreshes computed outside the write lock before one is computed inside it

    # -- what a backend supplies ----------------------------------------------------------------
    @abstractmethod
    def _tx(self):
        """Context manager: a write transaction (``Tx``), committed on success."""

    @abstractmethod
    def _read(self):
        """Context manager: a read-only transaction (``Tx``) with one consistent snapshot."""

    def _retryable(self, exc: BaseException) -> bool:
        """A transaction that may succeed when run again (a deadlock between writers)."""
        return False

    def _db_error(self, exc: BaseException) -> bool:
        """An error of the database driver (shown as one line), as opposed to a bug."""
        return False

    @abstractmethod
    def query(self, sql: str, params: tuple = ()) -> tuple[list[str], list[tuple]]:
        """Run one read-only statement (``?`` placeholders for ``params``); ``(column names, rows)``.
        Writes are refused."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> "FactStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- schema ---------------------------------------------------------------------------------
    def _check_meta(self, meta: dict[str, str]) -> None:
        found = meta.get("schema_version")
        if found is None or major(found) != major(SCHEMA_VERSION):
            older = found is not None and found.replace(".", "").isdigit() and major(found) < major(SCHEMA_VERSION)
            hint = (
                "it was built by an older extractor: re-create it (delete it or use a new --db) and run the batch again"
                if older else "use a new --db or re-create this one"
            )
            raise StoreVersionError(
                f"{self.location}: database schema version {found or 'unknown'} (written by extractor "
                f"{meta.get('extractor_version') or 'unknown'}) is incompatible with this extractor's {SCHEMA_VERSION}; {hint}"
            )

    def _initial_meta(self, extractor_version: str | None) -> list[tuple[str, str]]:
        return [("schema_version", SCHEMA_VERSION), ("record_schema_version", RECORD_SCHEMA_VERSION), ("extractor_version", extractor_version or "")]

    def meta(self) -> dict[str, str]:
        with self._read() as tx:
            return dict(tx.all("SELECT key, value FROM meta"))

    # -- writing --------------------------------------------------------------------------------
    def _retrying(self, fn):
        """``fn(tx)`` in a write transaction, run again (a few times) after a deadlock."""
        for attempt in range(self.RETRIES):
            try:
                with self._tx() as tx:
                    return fn(tx)
            except Exception as exc:
                if self._retryable(exc) and attempt + 1 < self.RETRIES:
                    log.debug("%s: transaction retried after %s", self.location, exc)
                    time.sleep(0.01 * 2**attempt)
                    continue
                if self._db_error(exc):
                    raise StoreError(f"{self.location}: write failed: {str(exc).strip().splitlines()[0]}") from None
                raise

    def resume_keys(self, stamp: Stamp) -> ResumeKeys:
        """Sources read with ``stamp`` (source -> file hash) and the article of each of their file hashes."""
        with self._read() as tx:
            rows = tx.all(
                f"SELECT source, file_hash, article_id FROM sources WHERE extractor_version = ?"
                f" AND model_name {self.SAME} ? AND model_version {self.SAME} ?",
                (stamp.extractor_version, stamp.model_name, stamp.model_version),
            )
        by_source = {s: h for s, h, _ in rows if h}
        by_hash = {h: a for _, h, a in sorted(rows) if h}
        return ResumeKeys(by_source, by_hash)

    def done_keys(self, stamp: Stamp) -> dict[str, str]:
        """``source -> file_hash`` of sources already read with ``stamp`` (what a resume skips)."""
        return self.resume_keys(stamp).by_source

    def write(self, record: ArticleRecord | dict, stamp: Stamp, *, file_hash: str | None = None, processed_at: str | None = None) -> WriteResult:
        """Store the record of one source in one transaction (see the module docstring)."""
        return self.write_many([(record, file_hash)], stamp, processed_at=processed_at)[0]

    def write_many(self, items: Sequence[tuple[ArticleRecord | dict, str | None]], stamp: Stamp, *,
                   processed_at: str | None = None) -> list[WriteResult]:
        """Store the records of several sources, ``(record, file hash)`` each, in one transaction: the
        same rows as a ``write`` of each in turn (each sees the ones before it), one commit. A batch
        writes so the documents that arrived together; a failure stores none of them."""
        when = processed_at or now_iso()
        prepared = [self._rows(record, stamp, file_hash, when) for record, file_hash in items]
        if not prepared:
            return []
        return self._retrying(lambda tx: [self._write(tx, *rows, stamp) for rows in prepared])

    @staticmethod
    def _rows(record: ArticleRecord | dict, stamp: Stamp, file_hash: str | None, when: str) -> tuple[tuple, list[tuple], tuple]:
        """The article row, fact rows and source row of one record."""
        rec = record if isinstance(record, dict) else record.model_dump(mode="json")
        art = rec["article"]
        facts = rec.get("facts") or []
        aid, source = art["id"], art["source"]
        article = (
            aid, hashlib.sha256(art["text"].encode("utf-8")).hexdigest(), source, file_hash, art.get("url"), art.get("title"),
            art.get("published"), art.get("language") or "en", art["text"], json.dumps(rec.get("warnings") or [], ensure_ascii=False),
            len(facts), stamp.extractor_version, stamp.model_name, stamp.model_version, when,
        )
        rows = [(aid, seq, fact["type"], *fact_values(fact)) for seq, fact in enumerate(facts)]
        src = (source, aid, file_hash, stamp.extractor_version, stamp.model_name, stamp.model_version, when)
        return article, rows, src

    def _write(self, tx: Tx, article: tuple, facts: list[tuple], src: tuple, stamp: Stamp) -> WriteResult:
        aid, source = article[0], src[0]
        old = tx.one(f"SELECT article_id FROM sources WHERE source = ?{self.LOCK}", (source,))
        cols = ", ".join(ARTICLE_COLUMNS)
        # No conflict target: on PostgreSQL, two writers inserting one text at once may trip the
        # text_hash index before the id index, and a targeted ON CONFLICT (id) would raise there.
        new = tx.run(f"INSERT INTO articles({cols}) VALUES ({', '.join('?' * len(ARTICLE_COLUMNS))}) ON CONFLICT DO NOTHING", article) == 1
        written = 0
        if new:
            written = self._insert_facts(tx, facts)
        else:
            cur = tx.one(f"SELECT source, extractor_version, model_name, model_version FROM articles WHERE id = ?{self.LOCK}", (aid,))
            if Stamp(*cur[1:]) != stamp or source <= cur[0]:
                sets = ", ".join(f"{c} = ?" for c in ARTICLE_COLUMNS[2:])
                tx.run(f"UPDATE articles SET {sets} WHERE id = ?", (*article[2:], aid))
                tx.run("DELETE FROM facts WHERE article_id = ?", (aid,))
                written = self._insert_facts(tx, facts)
        self._upsert_source(tx, src)
        if old is not None and old[0] != aid:
            self._leave(tx, old[0], source)
        return WriteResult(aid, new, written)

    def _insert_facts(self, tx: Tx, rows: list[tuple]) -> int:
        if rows:
            tx.many(f"INSERT INTO facts({', '.join(FACT_TABLE_COLUMNS)}) VALUES ({', '.join('?' * len(FACT_TABLE_COLUMNS))})", rows)
        return len(rows)

    def _upsert_source(self, tx: Tx, src: tuple) -> None:
        sets = ", ".join(f"{c} = excluded.{c}" for c in SOURCE_COLUMNS[1:])
        tx.run(
            f"INSERT INTO sources({', '.join(SOURCE_COLUMNS)}) VALUES ({', '.join('?' * len(SOURCE_COLUMNS))})"
            f" ON CONFLICT (source) DO UPDATE SET {sets}",
            src,
        )
        tx.run("DELETE FROM errors WHERE source = ?", (src[0],))

    def _leave(self, tx: Tx, article_id: str, source: str) -> None:
        """``source`` no longer reads as ``article_id``: drop the article if it has no source left, else
        let its first remaining source stand for it."""
        row = tx.one(f"SELECT source, file_hash FROM articles WHERE id = ?{self.LOCK}", (article_id,))
        if row is None:
            return
        rest = tx.one("SELECT source, file_hash FROM sources WHERE article_id = ? ORDER BY source LIMIT 1", (article_id,))
        if rest is None:
            tx.run("DELETE FROM facts WHERE article_id = ?", (article_id,))
            tx.run("DELETE FROM articles WHERE id = ?", (article_id,))
        elif row[0] == source:
            exact = rest[1] is not None and rest[1] == row[1]  # same bytes and sidecar: the same record
            tx.run("UPDATE articles SET source = ?, file_hash = ? WHERE id = ?", (rest[0], rest[1] if exact else None, article_id))
            if not exact:  # its metadata may differ: read it again on the next run
                tx.run("UPDATE sources SET file_hash = NULL WHERE source = ?", (rest[0],))

    def add_source(self, source: str, article_id: str, file_hash: str, stamp: Stamp) -> bool:
        """Record ``source`` as one more source of a stored article without extracting it again (its file
        hash equals that of a source of the article). False when it must be extracted after all: the
        article is gone, was made by another stamp, or would take this source's record."""

        def add(tx: Tx) -> bool:
            old = tx.one(f"SELECT article_id FROM sources WHERE source = ?{self.LOCK}", (source,))
            cur = tx.one(f"SELECT source, file_hash, extractor_version, model_name, model_version FROM articles WHERE id = ?{self.LOCK}", (article_id,))
            if cur is None or Stamp(*cur[2:]) != stamp:
                return False
            if source < cur[0]:
                if cur[1] != file_hash:
                    return False
                tx.run("UPDATE articles SET source = ? WHERE id = ?", (source, article_id))
            self._upsert_source(tx, (source, article_id, file_hash, stamp.extractor_version, stamp.model_name, stamp.model_version, now_iso()))
            if old is not None and old[0] != article_id:
                self._leave(tx, old[0], source)
            return True

        return self._retrying(add)

    def record_error(self, source: str, message: str, reason: str = "input") -> None:
        """Keep the latest failure of ``source`` (one row per source); ``reason`` is one of ``ERROR_REASONS``."""
        if reason not in ERROR_REASONS:
            raise ValueError(f"unknown error reason {reason!r}")
        self._retrying(lambda tx: tx.run(
            "INSERT INTO errors(source, reason, message, time) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (source) DO UPDATE SET reason = excluded.reason, message = excluded.message, time = excluded.time",
            (source, reason, message, now_iso()),
        ))

    # -- derived tables -------------------------------------------------------------------------
    def _fingerprint(self, tx: Tx, d: Derivation) -> tuple[str, dict[str, list[tuple]]]:
        h = hashlib.sha256(f"{d.name}\0{d.version}\n".encode())
        rows = {}
        for key in d.fingerprint:
            rows[key] = got = tx.all(d.reads[key])
            h.update(f"{key}\n".encode())
            for line in sorted(json.dumps([_plain(v) for v in r], ensure_ascii=False) for r in got):
                h.update(line.encode() + b"\n")
        return h.hexdigest(), rows

    @staticmethod
    def _stored_fingerprint(tx: Tx, name: str) -> str | None:
        row = tx.one("SELECT fingerprint FROM derived_state WHERE name = ?", (name,))
        return row[0] if row else None

    def derived_fresh(self, d: Derivation) -> bool:
        """The derived tables of ``d`` were computed from the content the database holds now."""
        with self._read() as tx:
            fp, _ = self._fingerprint(tx, d)
            return self._stored_fingerprint(tx, d.name) == fp

    def refresh_derived(self, d: Derivation) -> bool:
        """Recompute the derived tables of ``d`` when the content changed since they were computed
        (see the module docstring); True when they were rewritten."""
        if self.readonly:
            raise StoreError(f"{self.location}: opened read-only: cannot refresh {d.name}")
        for attempt in range(self.DERIVED_ATTEMPTS + 1):
            fp, tables = None, None
            if attempt < self.DERIVED_ATTEMPTS:  # compute outside the write lock
                with self._read() as tx:
                    fp, rows = self._fingerprint(tx, d)
                    if self._stored_fingerprint(tx, d.name) == fp:
                        return False
                    rows.update({k: tx.all(sql) for k, sql in d.reads.items() if k not in rows})
                tables = d.compute(rows)
            done = self._retrying(lambda tx: self._put_derived(tx, d, fp, tables))
            if done is not None:
                return done
            log.debug("%s: content changed while %s was computed; computing it again", self.location, d.name)
        raise AssertionError("unreachable: the last attempt computes under the lock")

    def _put_derived(self, tx: Tx, d: Derivation, fp: str | None, tables: dict | None) -> bool | None:
        """Write ``tables`` computed for fingerprint ``fp``; None when the content changed since
        (``tables`` None: read and compute here, under the lock)."""
        if self.DERIVED_LOCK:
            tx.all(self.DERIVED_LOCK)
        now, rows = self._fingerprint(tx, d)
        if self._stored_fingerprint(tx, d.name) == now:
            return False  # another refresh did it
        if tables is None:
            rows.update({k: tx.all(sql) for k, sql in d.reads.items() if k not in rows})
            tables = d.compute(rows)
        elif now != fp:
            return None
        for table, new_rows in tables.items():
            if table not in DERIVED_TABLES:
                raise StoreError(f"{d.name}: {table!r} is not a derived table")
            cols = DERIVED_TABLES[table]
            tx.run(f"DELETE FROM {table}")
            if new_rows:
                tx.many(f"INSERT INTO {table}({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", list(new_rows))
        tx.run(
            "INSERT INTO derived_state(name, fingerprint, refreshed_at) VALUES (?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET fingerprint = excluded.fingerprint, refreshed_at = excluded.refreshed_at",
            (d.name, now, now_iso()),
        )
        return True

    # -- reading --------------------------------------------------------------------------------
    def count(self, table: str) -> int:
        if table not in TABLES:
            raise StoreError(f"unknown table {table!r}")
        with self._read() as tx:
            return tx.one(f"SELECT count(*) FROM {table}")[0]

    def articles(self, sources: Iterable[str] | None = None) -> Iterator[StoredArticle]:
        """Stored articles ordered by source, each with all its sources. With ``sources``, only the
        articles read from one of them, each shown under the first of them."""
        wanted = None if sources is None else set(sources)
        with self._read() as tx:
            by_article: dict[str, list[str]] = defaultdict(list)
            for source, aid in tx.all("SELECT source, article_id FROM sources"):
                by_article[aid].append(source)
            order = []
            for aid, srcs in by_article.items():
                srcs.sort()
                shown = srcs if wanted is None else [s for s in srcs if s in wanted]
                if shown:
                    order.append((shown[0], aid, srcs))
            order.sort()
            for i in range(0, len(order), self.READ_BATCH):  # a few queries per batch of articles, not two per article
                part = order[i : i + self.READ_BATCH]
                marks = ", ".join("?" * len(part))
                ids = tuple(aid for _, aid, _ in part)
                rows = {r[0]: r[1:] for r in tx.all(
                    "SELECT id, url, title, published, language, text, warnings_json, extractor_version, model_name, model_version"
                    f" FROM articles WHERE id IN ({marks})", ids)}
                facts: dict[str, list] = defaultdict(list)
                for aid, fact in tx.all(f"SELECT article_id, fact_json FROM facts WHERE article_id IN ({marks}) ORDER BY article_id, seq", ids):
                    facts[aid].append(fact)
                for shown, aid, srcs in part:
                    if aid not in rows:
                        continue
                    url, title, published, language, text, warnings, *stamp = rows[aid]
                    record = {
                        "schema_version": RECORD_SCHEMA_VERSION,
                        "article": {"id": aid, "source": shown, "url": url, "title": title, "published": published, "language": language, "text": text},
                        "facts": [json.loads(j) for j in facts.get(aid, ())],
                        "warnings": json.loads(warnings),
                    }
                    yield StoredArticle(record, srcs, Stamp(*stamp))

    def records(self, sources: Iterable[str] | None = None) -> Iterator[dict]:
        """Article records as dicts (the shape ``extract`` writes), ordered by source."""
        for stored in self.articles(sources):
            yield stored.record

    def content_digest(self) -> str:
        """sha256 over every row of every table, timestamps left out: equal digests = same content
        (also across backends: values are compared as JSON, rows in sorted order)."""
        h = hashlib.sha256()
        with self._read() as tx:
            for table in TABLES:
                cols = [c for c in tx.columns(table) if c not in TIMESTAMP_COLUMNS[table]]
                h.update(f"{table}:{','.join(cols)}\n".encode())
                lines = sorted(json.dumps([_plain(v) for v in row], ensure_ascii=False) for row in tx.all(f"SELECT {', '.join(cols)} FROM {table}"))
                for line in lines:
                    h.update(line.encode() + b"\n")
        return h.hexdigest()

