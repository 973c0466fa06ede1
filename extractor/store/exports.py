"""Files for downstream models, written from a facts database (either backend).

* JSONL: one record per article, the shape ``extractor extract`` writes (``article.source`` is
  the article's first source; the others are in the database's ``sources`` table and in the
  flat exports).
* Parquet and CSV: one row per fact, flat and typed: the article's fields (``article_sources``
  lists every path or URL it was read from), then one column per fact field (``asset`` of
  prices, flows and levels; ``subject`` of moves and metrics; ``quote_text``, ``speaker_role``,
  ``qualifier``, ``reference``, ``period``, ``streak_days``, ...), dates as dates.

Rows are built from the stored records, never from database-assigned ids or timestamps, so the
same facts export to the same bytes from SQLite and from PostgreSQL.
"""
from __future__ import annotations

import csv
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime, timezone
from pathlib import Path

from extractor.errors import StoreError
from extractor.records import ArticleRecord
from extractor.store.base import FactStore, StoredArticle

log = logging.getLogger(__name__)

FORMATS = ("jsonl", "parquet", "csv")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # string, float, int, date, timestamp, strings


#: The flat columns, in order. Every field of every fact type has one (tests/test_store.py checks).
FLAT_COLUMNS: tuple[Column, ...] = (
    Column("article_id", "string"),
    Column("article_source", "string"),
    Column("article_sources", "strings"),
    Column("url", "string"),
    Column("title", "string"),
    Column("published", "date"),
    Column("published_at", "timestamp"),
    Column("language", "string"),
    Column("extractor_version", "string"),
    Column("model_name", "string"),
    Column("model_version", "string"),
    Column("seq", "int"),
    Column("type", "string"),
    Column("asset", "string"),
    Column("subject", "string"),
    Column("product", "string"),
    Column("value", "float"),
    Column("percent", "float"),
    Column("amount", "float"),
    Column("currency", "string"),
    Column("direction", "string"),
    Column("qualifier", "string"),
    Column("kind", "string"),
    Column("metric", "string"),
    Column("unit", "string"),
    Column("period", "string"),
    Column("reference", "string"),
    Column("streak_days", "int"),
    Column("speaker", "string"),
    Column("speaker_role", "string"),
    Column("quote_text", "string"),
    Column("when", "date"),
    Column("when_text", "string"),
    Column("source", "string"),
    Column("rule", "string"),
    Column("evidence_start", "int"),
    Column("evidence_end", "int"),
    Column("evidence_text", "string"),
)
#: Fact fields stored under another column name (the rest keep their name; ``evidence`` is split).
RENAMED = {"text": "quote_text"}


@lru_cache(maxsize=4096)
def as_date(value: str | None) -> date | None:
    """The calendar date of an ISO date or datetime, as written (no time-zone shift).

    >>> as_date("2026-02-10T18:20:00+00:00"), as_date("2026-02-04"), as_date(None)
    (datetime.date(2026, 2, 10), datetime.date(2026, 2, 4), None)
    """
    return date.fromisoformat(value[:10]) if value else None


def as_timestamp(value: str | None) -> datetime | None:
    """An ISO datetime as UTC; ``None`` for a bare date (no time was given).

    >>> as_timestamp("2026-02-10T20:20:00+02:00"), as_timestamp("2026-02-04")
    (datetime.datetime(2026, 2, 10, 18, 20, tzinfo=datetime.timezone.utc), None)
    """
    if not value or len(value) <= 10:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


_FACT_KEYS = tuple(c.name for c in FLAT_COLUMNS[FLAT_COLUMNS.index(Column("type", "string")):])


def flat_rows(stored: StoredArticle) -> Iterator[tuple]:
    """One flat row per fact of a stored article: a tuple in ``FLAT_COLUMNS`` order."""
    art = stored.record["article"]
    published = art.get("published")
    head = (
        art["id"], art["source"], list(stored.sources), art.get("url"), art.get("title"), as_date(published), as_timestamp(published),
        art.get("language"), stored.stamp.extractor_version, stored.stamp.model_name, stored.stamp.model_version,
    )
    for seq, fact in enumerate(stored.record["facts"]):
        f = dict(fact)
        ev = f.pop("evidence")
        f["evidence_start"], f["evidence_end"], f["evidence_text"] = ev["start"], ev["end"], ev["text"]
        f["when"] = as_date(f.get("when"))
        for old, new in RENAMED.items():
            if old in f:
                f[new] = f.pop(old)
        yield (*head, seq, *map(f.get, _FACT_KEYS))


def _rows(store: FactStore, sources: Iterable[str] | None) -> Iterator[tuple]:
    for stored in store.articles(sources):
        yield from flat_rows(stored)


def export_jsonl(store: FactStore, out: str | Path, *, sources: Iterable[str] | None = None, validate: bool = True) -> int:
    """Write one JSON record per article (ordered by source); return the number of records."""
    n = 0
    tmp = Path(str(out) + ".part")
    with tmp.open("w", encoding="utf-8") as fh:
        for rec in store.records(sources):
            line = ArticleRecord.model_validate(rec).model_dump_json(exclude_none=False) if validate else json.dumps(rec, ensure_ascii=False)
            fh.write(line + "\n")
            n += 1
    tmp.replace(out)
    return n


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return repr(value) if isinstance(value, float) else str(value)


def export_csv(store: FactStore, out: str | Path, *, sources: Iterable[str] | None = None) -> int:
    """Write one row per fact (a header, then ``FLAT_COLUMNS``) as CSV; return the row count.
    Empty cell = null; dates ``YYYY-MM-DD``; ``published_at`` ISO 8601 in UTC; ``article_sources`` a JSON list."""
    n = 0
    tmp = Path(str(out) + ".part")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([c.name for c in FLAT_COLUMNS])
        for row in _rows(store, sources):
            writer.writerow([_csv_cell(v) for v in row])
            n += 1
    tmp.replace(out)
    return n


def export_parquet(store: FactStore, out: str | Path, *, sources: Iterable[str] | None = None, chunk: int = 50_000) -> int:
    """Write one row per fact (``FLAT_COLUMNS``, typed) to a Parquet file; return the row count."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - pyarrow is a dependency
        raise StoreError(f"Parquet export needs pyarrow: {exc}") from None
    types = {"string": pa.string(), "float": pa.float64(), "int": pa.int32(), "date": pa.date32(),
             "timestamp": pa.timestamp("s", tz="UTC"), "strings": pa.list_(pa.string())}
    schema = pa.schema([(c.name, types[c.kind]) for c in FLAT_COLUMNS])
    n = 0
    tmp = Path(str(out) + ".part")
    with pq.ParquetWriter(str(tmp), schema) as writer:
        columns: list[list] = [[] for _ in FLAT_COLUMNS]
        pending = 0
        for row in _rows(store, sources):
            for column, value in zip(columns, row):
                column.append(value)
            pending += 1
            if pending >= chunk:
                writer.write_table(pa.table(columns, schema=schema))
                n, pending, columns = n + pending, 0, [[] for _ in FLAT_COLUMNS]
        if pending or n == 0:
            writer.write_table(pa.table(columns, schema=schema))
            n += pending
    tmp.replace(out)
    return n


def export(store: FactStore, fmt: str, out: str | Path, *, sources: Iterable[str] | None = None) -> int:
    """``fmt`` is one of ``FORMATS``; return what was written (records for JSONL, fact rows otherwise)."""
    writers = {"jsonl": export_jsonl, "parquet": export_parquet, "csv": export_csv}
    if fmt not in writers:
        raise StoreError(f"unknown export format {fmt!r} (use one of: {', '.join(FORMATS)})")
    return writers[fmt](store, out, sources=sources)
