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


class _Sink:
    """One export file being written: ``add`` each stored article, then ``close`` (returns the count)."""

    def __init__(self, out: str | Path):
        self.out = Path(out)
        self.tmp = Path(str(out) + ".part")
        self.n = 0

    def add(self, stored: StoredArticle) -> None: ...

    def close(self) -> int:
        self.tmp.replace(self.out)
        return self.n


class _Jsonl(_Sink):
    def __init__(self, out, validate: bool = True):
        super().__init__(out)
        self.validate = validate
        self.fh = self.tmp.open("w", encoding="utf-8")

    def add(self, stored: StoredArticle) -> None:
        rec = stored.record
        line = ArticleRecord.model_validate(rec).model_dump_json(exclude_none=False) if self.validate else json.dumps(rec, ensure_ascii=False)
        self.fh.write(line + "\n")
        self.n += 1

    def close(self) -> int:
        self.fh.close()
        return super().close()


class _Csv(_Sink):
    def __init__(self, out):
        super().__init__(out)
        self.fh = self.tmp.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.fh, lineterminator="\n")
        self.writer.writerow([c.name for c in FLAT_COLUMNS])

    def add(self, stored: StoredArticle) -> None:
        for row in flat_rows(stored):
            self.writer.writerow([_csv_cell(v) for v in row])
            self.n += 1

    def close(self) -> int:
        self.fh.close()
        return super().close()


class _Parquet(_Sink):
    def __init__(self, out, chunk: int = 50_000):
        super().__init__(out)
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError as exc:  # pragma: no cover - pyarrow is a dependency
            raise StoreError(f"Parquet export needs pyarrow: {exc}") from None
        types = {"string": pa.string(), "float": pa.float64(), "int": pa.int32(), "date": pa.date32(),
                 "timestamp": pa.timestamp("s", tz="UTC"), "strings": pa.list_(pa.string())}
        self.pa = pa
        self.schema = pa.schema([(c.name, types[c.kind]) for c in FLAT_COLUMNS])
        self.writer = pq.ParquetWriter(str(self.tmp), self.schema)
        self.chunk = chunk
        self.rows: list[tuple] = []

    def add(self, stored: StoredArticle) -> None:
        self.rows.extend(flat_rows(stored))
        if len(self.rows) >= self.chunk:
            self._flush()

    def _flush(self) -> None:
        columns = [list(c) for c in zip(*self.rows)] if self.rows else [[] for _ in FLAT_COLUMNS]
        self.writer.write_table(self.pa.table(columns, schema=self.schema))
        self.n += len(self.rows)
        self.rows = []

    def close(self) -> int:
        if self.rows or self.n == 0:
            self._flush()
        self.writer.close()
        return super().close()


SINKS = {"jsonl": _Jsonl, "parquet": _Parquet, "csv": _Csv}


def export_files(store: FactStore, outs: dict[str, str | Path], *, sources: Iterable[str] | None = None) -> dict[str, int]:
    """Write several formats (``{format: path}``) in one pass over the database; return what each
    got (records for JSONL, fact rows otherwise)."""
    unknown = [fmt for fmt in outs if fmt not in SINKS]
    if unknown:
        raise StoreError(f"unknown export format {unknown[0]!r} (use one of: {', '.join(FORMATS)})")
    sinks = {fmt: SINKS[fmt](out) for fmt, out in outs.items()}
    for stored in store.articles(sources):
        for sink in sinks.values():
            sink.add(stored)
    return {fmt: sink.close() for fmt, sink in sinks.items()}


def export_jsonl(store: FactStore, out: str | Path, *, sources: Iterable[str] | None = None) -> int:
    """Write one JSON record per article (ordered by source); return the number of records."""
    return export_files(store, {"jsonl": out}, sources=sources)["jsonl"]


def export_csv(store: FactStore, out: str | Path, *, sources: Iterable[str] | None = None) -> int:
    """Write one row per fact (a header, then ``FLAT_COLUMNS``) as CSV; return the row count.
    Empty cell = null; dates ``YYYY-MM-DD``; ``published_at`` ISO 8601 in UTC; ``article_sources`` a JSON list."""
    return export_files(store, {"csv": out}, sources=sources)["csv"]


def export_parquet(store: FactStore, out: str | Path, *, sources: Iterable[str] | None = None) -> int:
    """Write one row per fact (``FLAT_COLUMNS``, typed) to a Parquet file; return the row count."""
    return export_files(store, {"parquet": out}, sources=sources)["parquet"]


def export(store: FactStore, fmt: str, out: str | Path, *, sources: Iterable[str] | None = None) -> int:
    """``fmt`` is one of ``FORMATS``; return what was written (records for JSONL, fact rows otherwise)."""
    return export_files(store, {fmt: out}, sources=sources)[fmt]


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return repr(value) if isinstance(value, float) else str(value)
