"""The facts database and its exports, on hand-made records (independent of what the rules extract)."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

from extractor.errors import StoreError, StoreVersionError
from extractor.records import ArticleRecord
from extractor.store import FactStore, Stamp, content_digest, export_jsonl, export_parquet

STAMP = Stamp("9.9.9", "some_model", "1.2.3")
TEXT = "Bitcoin rose 4.2% to $61,500 on Tuesday. ETFs took in $120 million. \"Buy the dip,\" said Ana Beltran."


def _ev(sub: str) -> dict:
    start = TEXT.index(sub)
    return {"start": start, "end": start + len(sub), "text": sub}


def make_record(source: str = "/news/a.txt", text: str = TEXT) -> ArticleRecord:
    facts = [
        {"type": "percent_move", "subject": "BTC", "percent": 4.2, "rule": "move.to", "evidence": _ev("rose 4.2%"), "when": "2026-02-03", "when_text": "Tuesday"},
        {"type": "price", "asset": "BTC", "value": 61500.0, "rule": "price.to", "evidence": _ev("$61,500"), "when": "2026-02-03", "source": "CoinGecko"},
        {"type": "etf_flow", "asset": "BTC", "direction": "inflow", "amount": 120e6, "rule": "flow.took_in", "evidence": _ev("took in $120 million")},
        {"type": "quote", "speaker": "Ana Beltran", "text": "Buy the dip,", "kind": "direct", "rule": "quote.said", "evidence": _ev('"Buy the dip," said Ana Beltran')},
    ]
    return ArticleRecord.model_validate(
        {"article": {"id": "0123456789abcdef", "source": source, "url": "https://x.example/a", "title": "T", "published": "2026-02-04", "text": text},
         "facts": facts, "warnings": ["w1"]}
    )


@pytest.fixture
def db(tmp_path):
    return tmp_path / "facts.db"


def test_write_stores_one_row_per_fact_with_typed_columns(db):
    with FactStore(db, extractor_version="9.9.9") as st:
        assert st.write(make_record(), STAMP, file_hash="h1") == 4
        assert (st.count("articles"), st.count("facts"), st.count("errors")) == (1, 4, 0)
        rows = st.conn.execute("SELECT type, asset, value, percent, direction, amount, speaker, kind, when_date, source FROM facts ORDER BY seq").fetchall()
    assert rows == [
        ("percent_move", "BTC", None, 4.2, None, None, None, None, "2026-02-03", None),
        ("price", "BTC", 61500.0, None, None, None, None, None, "2026-02-03", "CoinGecko"),
        ("etf_flow", "BTC", None, None, "inflow", 120e6, None, None, None, None),
        ("quote", None, None, None, None, None, "Ana Beltran", "direct", None, None),
    ]


def test_database_has_wal_meta_and_indexes(db):
    FactStore(db, extractor_version="9.9.9").close()
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    meta = dict(con.execute("SELECT key, value FROM meta"))
    assert meta["schema_version"] == "1.0" and meta["extractor_version"] == "9.9.9"
    indexes = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"facts_type_asset", "facts_when", "facts_speaker"} <= indexes


def test_rewrite_replaces_article_and_facts_without_duplicates(db):
    with FactStore(db) as st:
        st.write(make_record(), STAMP, file_hash="h1")
        st.record_error("/news/a.txt", "old failure")
        st.write(make_record(), STAMP, file_hash="h2")
        assert (st.count("articles"), st.count("facts"), st.count("errors")) == (1, 4, 0)
        assert st.done_keys(STAMP) == {"/news/a.txt": "h2"}
        assert st.done_keys(Stamp("other", "some_model", "1.2.3")) == {}


def test_failed_write_leaves_nothing_half_written(db):
    rec = make_record().model_dump(mode="json")
    rec["facts"][2]["evidence"] = None  # breaks fact_row after the article row was inserted
    with FactStore(db) as st:
        with pytest.raises(TypeError):
            st.write(rec, STAMP)
        assert (st.count("articles"), st.count("facts")) == (0, 0)


def test_records_round_trip_to_the_extract_shape(db, tmp_path):
    rec = make_record()
    with FactStore(db) as st:
        st.write(rec, STAMP)
        st.write(make_record("/news/b.txt"), STAMP)
        assert export_jsonl(st, tmp_path / "o.jsonl") == 2
        assert export_jsonl(st, tmp_path / "one.jsonl", sources=["/news/a.txt"]) == 1
    lines = (tmp_path / "o.jsonl").read_text().splitlines()
    assert lines[0] == rec.model_dump_json(exclude_none=False)
    assert (tmp_path / "one.jsonl").read_text().splitlines() == [lines[0]]


def test_parquet_one_row_per_fact_with_article_fields(db, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    with FactStore(db) as st:
        st.write(make_record(), STAMP)
        st.write(make_record("/news/b.txt"), STAMP)
        assert export_parquet(st, tmp_path / "f.parquet") == 8
    table = pq.read_table(tmp_path / "f.parquet")
    assert table.num_rows == 8
    row = table.slice(1, 1).to_pylist()[0]
    assert (row["type"], row["asset"], row["value"], row["when"], row["published"], row["url"], row["model_version"]) == (
        "price", "BTC", 61500.0, "2026-02-03", "2026-02-04", "https://x.example/a", "1.2.3")
    assert str(table.schema.field("percent").type) == "double"
    assert json.loads(row["fact_json"])["rule"] == "price.to"


def test_incompatible_schema_version_is_a_clear_error(db):
    FactStore(db).close()
    con = sqlite3.connect(db)
    con.execute("UPDATE meta SET value = '2.0' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with pytest.raises(StoreVersionError, match="schema version 2.0 .* incompatible"):
        FactStore(db)
    with pytest.raises(StoreVersionError):
        FactStore(db, create=False)
    proc = subprocess.run([sys.executable, "-m", "extractor.cli", "query", "--db", str(db), "SELECT 1"], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: ") and "incompatible" in proc.stderr


@pytest.mark.parametrize("content", [b"this is not sqlite at all" * 100, None])
def test_not_a_facts_database(tmp_path, content):
    path = tmp_path / "x.db"
    if content is None:  # an SQLite database of something else
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE t(x)")
        con.commit()
        con.close()
    else:
        path.write_bytes(content)
    with pytest.raises(StoreError):
        FactStore(path)


def test_missing_database_is_not_created_for_reading(tmp_path):
    with pytest.raises(StoreError, match="no such database"):
        FactStore(tmp_path / "none.db", create=False)
    assert not (tmp_path / "none.db").exists()


def test_query_is_read_only(db):
    with FactStore(db) as st:
        st.write(make_record(), STAMP)
        cols, rows = st.query("SELECT type, count(*) AS n FROM facts GROUP BY type ORDER BY type")
        assert cols == ["type", "n"] and rows[0] == ("etf_flow", 1)
        with pytest.raises(StoreError, match="readonly"):
            st.query("DELETE FROM facts")
        assert st.count("facts") == 4
        st.write(make_record("/news/c.txt"), STAMP)  # writing still works afterwards


def test_content_digest_ignores_timestamps_only(tmp_path):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    with FactStore(a) as st:
        st.write(make_record(), STAMP, processed_at="2020-01-01T00:00:00")
    with FactStore(b) as st:
        st.write(make_record(), STAMP, processed_at="2030-01-01T00:00:00")
    assert content_digest(a) == content_digest(b)
    with FactStore(b) as st:
        st.record_error("/news/z.txt", "boom")
    assert content_digest(a) != content_digest(b)
