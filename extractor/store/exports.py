"""Files for downstream models, written from a facts database.

* JSONL: one record per article, byte-for-byte the shape ``extractor extract`` writes.
* Parquet: one row per fact, flat typed columns plus the article's fields.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path

from extractor.errors import StoreError
from extractor.records import ArticleRecord
from extractor.store.sqlite import FACT_COLUMNS, FactStore

log = logging.getLogger(__name__)

FORMATS = ("jsonl", "parquet")

#: Parquet columns, in order: (name, arrow type name, SQL expression over ``facts f JOIN articles a``).
PARQUET_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("article_id", "string", "f.article_id"),
    ("article_source", "string", "f.article_source"),
    ("url", "string", "a.url"),
    ("title", "string", "a.title"),
    ("published", "string", "a.published"),
    ("language", "string", "a.language"),
    ("extractor_version", "string", "a.extractor_version"),
    ("model_name", "string", "a.model_name"),
    ("model_version", "string", "a.model_version"),
    ("seq", "int32", "f.seq"),
    ("type", "string", "f.type"),
    *((c, "float64" if c in ("value", "percent", "amount") else "string", f"f.{c}") for c in FACT_COLUMNS),
    ("when", "string", "f.when_date"),
    ("when_text", "string", "f.when_text"),
    ("source", "string", "f.source"),
    ("rule", "string", "f.rule"),
    ("evidence_start", "int32", "f.evidence_start"),
    ("evidence_end", "int32", "f.evidence_end"),
    ("evidence_text", "string", "f.evidence_text"),
    ("fact_json", "string", "f.fact_json"),
)


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


def export_parquet(store: FactStore, out: str | Path, *, sources: Iterable[str] | None = None, chunk: int = 50_000) -> int:
    """Write one row per fact (typed columns + article fields) to a Parquet file; return the row count."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - pyarrow is a dependency
        raise StoreError(f"Parquet export needs pyarrow: {exc}") from None
    schema = pa.schema([(name, getattr(pa, typ)()) for name, typ, _ in PARQUET_COLUMNS])
    wanted = None if sources is None else set(sources)
    sql = (
        f"SELECT {', '.join(expr for _, _, expr in PARQUET_COLUMNS)} FROM facts f JOIN articles a ON a.source = f.article_source"
        " ORDER BY f.article_source, f.seq"
    )
    src_index = [name for name, _, _ in PARQUET_COLUMNS].index("article_source")
    n = 0
    tmp = Path(str(out) + ".part")
    cur = store.conn.execute(sql)
    with pq.ParquetWriter(str(tmp), schema) as writer:
        while True:
            rows = cur.fetchmany(chunk)
            if not rows:
                break
            if wanted is not None:
                rows = [r for r in rows if r[src_index] in wanted]
            if not rows:
                continue
            cols = list(zip(*rows))
            writer.write_table(pa.table({name: pa.array(list(cols[i]), type=schema.field(name).type) for i, name in enumerate(schema.names)}, schema=schema))
            n += len(rows)
    tmp.replace(out)
    return n


def export(store: FactStore, fmt: str, out: str | Path, *, sources: Iterable[str] | None = None) -> int:
    """``fmt`` is ``"jsonl"`` or ``"parquet"``; return what was written (records or fact rows)."""
    if fmt == "jsonl":
        return export_jsonl(store, out, sources=sources)
    if fmt == "parquet":
        return export_parquet(store, out, sources=sources)
    raise StoreError(f"unknown export format {fmt!r} (use one of: {', '.join(FORMATS)})")
