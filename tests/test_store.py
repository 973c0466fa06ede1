"""The facts database and its exports, on hand-made records (independent of what the rules extract).

Every test taking ``db`` runs against both backends: an SQLite file and a database on the private
PostgreSQL server the ``pg_url`` fixture starts (tests/pgserver.py).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import subprocess
import sys
import typing

import pytest

from extractor.errors import StoreError, StoreVersionError
from extractor.records import ArticleRecord, Fact
from extractor.store import FLAT_COLUMNS, Stamp, content_digest, export_csv, export_jsonl, export_parquet, open_store
from extractor.store.exports import RENAMED

STAMP = Stamp("9.9.9", "some_model", "1.2.3")
TEXT = "Bitcoin rose 4.2% to $61,500 on Tuesday. ETFs took in $120 million. \"Buy the dip,\" said Ana Beltran."
OTHER = "Ether fell 3% to $2,400 on Monday."


def _ev(sub: str, text: str = TEXT) -> dict:
    start = text.index(sub)
    return {"start": start, "end": start + len(sub), "text": sub}


def _id(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def make_record(source: str = "/news/a.txt", text: str = TEXT, published: str = "2026-02-04") -> ArticleRecord:
    if text == TEXT:
        facts = [
            {"type": "percent_move", "subject": "BTC", "percent": 4.2, "rule": "move.to", "evidence": _ev("rose 4.2%"), "when": "2026-02-03", "when_text": "Tuesday"},
            {"type": "price", "asset": "BTC", "value": 61500.0, "rule": "price.to", "evidence": _ev("$61,500"), "when": "2026-02-03", "source": "CoinGecko", "qualifier": "at"},
            {"type": "etf_flow", "asset": "BTC", "direction": "inflow", "amount": 120e6, "rule": "flow.took_in", "evidence": _ev("took in $120 million"), "streak_days": 3},
            {"type": "quote", "speaker": "Ana Beltran", "speaker_role": "analyst", "text": "Buy the dip,", "kind": "direct", "rule": "quote.said", "evidence": _ev('"Buy the dip," said Ana Beltran')},
        ]
    else:
        facts = [{"type": "percent_move", "subject": "ETH", "percent": -3.0, "reference": "Monday's open", "rule": "move.to", "evidence": _ev("fell 3%", text)}]
    return ArticleRecord.model_validate(
        {"article": {"id": _id(text), "source": source, "url": "https://x.example/a", "title": "T", "published": published, "text": text},
         "facts": facts, "warnings": ["w1"]}
    )


@pytest.fixture(params=["sqlite", "postgres"])
def db(request, tmp_path) -> str:
    """An empty facts database location of each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "facts.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def db2(request, db, tmp_path) -> str:
    """A second empty database of the same backend as ``db``."""
    if db.startswith("postgresql://"):
        return request.getfixturevalue("pg_cluster").create_database(f"second_{abs(hash(db)) % 10**8}")
    return str(tmp_path / "second.db")


def test_write_stores_one_row_per_fact_with_typed_columns(db):
    with open_store(db, extractor_version="9.9.9") as st:
        res = st.write(make_record(), STAMP, file_hash="h1")
        assert (res.new_article, res.facts_written) == (True, 4)
        assert (st.count("articles"), st.count("sources"), st.count("facts"), st.count("errors")) == (1, 1, 4, 0)
        _, rows = st.query(
            "SELECT type, asset, subject, value, percent, direction, amount, streak_days, qualifier, speaker, speaker_role, quote_text,"
            " kind, CAST(when_date AS TEXT), source FROM facts ORDER BY seq")
    assert rows == [
        ("percent_move", None, "BTC", None, 4.2, None, None, None, None, None, None, None, None, "2026-02-03", None),
        ("price", "BTC", None, 61500.0, None, None, None, None, "at", None, None, None, None, "2026-02-03", "CoinGecko"),
        ("etf_flow", "BTC", None, None, None, "inflow", 120e6, 3, None, None, None, None, None, None, None),
        ("quote", None, None, None, None, None, None, None, None, "Ana Beltran", "analyst", "Buy the dip,", "direct", None, None),
    ]


def test_sqlite_database_has_wal_meta_and_indexes(tmp_path):
    db = tmp_path / "facts.db"
    open_store(db, extractor_version="9.9.9").close()
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    meta = dict(con.execute("SELECT key, value FROM meta"))
    assert meta["schema_version"] == "2.0" and meta["extractor_version"] == "9.9.9"
    indexes = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"facts_type_asset", "facts_type_subject", "facts_when", "facts_speaker", "sources_article"} <= indexes


def test_postgres_columns_are_typed(pg_url):
    with open_store(pg_url) as st:
        st.write(make_record(), STAMP)
        _, rows = st.query("SELECT when_date, processed_at FROM facts JOIN articles ON articles.id = facts.article_id WHERE seq = 0")
    when, processed = rows[0]
    assert when == dt.date(2026, 2, 3) and isinstance(processed, dt.datetime)


def test_rewrite_replaces_article_and_facts_without_duplicates(db):
    with open_store(db) as st:
        st.write(make_record(), STAMP, file_hash="h1")
        st.record_error("/news/a.txt", "old failure")
        st.write(make_record(), STAMP, file_hash="h2")
        assert (st.count("articles"), st.count("sources"), st.count("facts"), st.count("errors")) == (1, 1, 4, 0)
        assert st.done_keys(STAMP) == {"/news/a.txt": "h2"}
        assert st.done_keys(Stamp("other", "some_model", "1.2.3")) == {}


def test_same_text_at_two_paths_is_one_article_with_two_sources(db, tmp_path):
    with open_store(db) as st:
        first = st.write(make_record("/news/b.txt"), STAMP, file_hash="h1")
        second = st.write(make_record("/copy/a.txt"), STAMP, file_hash="h1")
        assert (first.new_article, second.new_article) == (True, False)
        assert (st.count("articles"), st.count("sources"), st.count("facts")) == (1, 2, 4)
        _, rows = st.query("SELECT source FROM articles")
        assert rows == [("/copy/a.txt",)]  # the article holds the record of its first source in path order
        assert export_jsonl(st, tmp_path / "all.jsonl") == 1
        assert export_jsonl(st, tmp_path / "b.jsonl", sources=["/news/b.txt"]) == 1
        stored = list(st.articles())
    assert [s.sources for s in stored] == [["/copy/a.txt", "/news/b.txt"]]
    assert json.loads((tmp_path / "all.jsonl").read_text())["article"]["source"] == "/copy/a.txt"
    assert json.loads((tmp_path / "b.jsonl").read_text())["article"]["source"] == "/news/b.txt"


def test_order_of_writes_does_not_change_the_content(db, db2):
    """Whichever source is written first, the stored record is that of the first source in path order."""
    for target, order in ((db, ["/z/a.txt", "/a/a.txt", "/m/a.txt"]), (db2, ["/m/a.txt", "/a/a.txt", "/z/a.txt"])):
        with open_store(target) as st:
            for i, source in enumerate(order):
                st.write(make_record(source, published=f"2026-02-0{i + 4}"), STAMP, file_hash=f"h{source}")
    assert content_digest(db) != ""
    with open_store(db, readonly=True) as a, open_store(db2, readonly=True) as b:
        assert [s.record for s in a.articles()] == [s.record for s in b.articles()]


def test_add_source_links_a_known_file_without_extraction(db):
    with open_store(db) as st:
        st.write(make_record("/news/b.txt"), STAMP, file_hash="h1")
        keys = st.resume_keys(STAMP)
        assert keys.by_hash == {"h1": _id(TEXT)}
        assert st.add_source("/moved/b.txt", _id(TEXT), "h1", STAMP)
        assert st.add_source("/a/b.txt", _id(TEXT), "h1", STAMP)  # sorts first, same bytes: it stands for the article
        assert not st.add_source("/0/b.txt", _id(TEXT), "other-hash", STAMP)  # sorts first, other bytes: must be read
        assert not st.add_source("/x/b.txt", _id(TEXT), "h1", Stamp("1.0"))  # stored by another extractor
        assert (st.count("articles"), st.count("sources"), st.count("facts")) == (1, 3, 4)
        assert [s.record["article"]["source"] for s in st.articles()] == ["/a/b.txt"]


def test_changed_text_moves_the_source_and_drops_the_orphan(db):
    with open_store(db) as st:
        st.write(make_record("/news/a.txt"), STAMP, file_hash="h1")
        st.write(make_record("/news/b.txt"), STAMP, file_hash="h1")
        st.write(make_record("/news/a.txt", text=OTHER), STAMP, file_hash="h2")  # a.txt was edited
        _, rows = st.query("SELECT id, source FROM articles ORDER BY id")
        assert sorted(rows) == sorted([(_id(TEXT), "/news/b.txt"), (_id(OTHER), "/news/a.txt")])
        st.write(make_record("/news/b.txt", text=OTHER), STAMP, file_hash="h2")  # and b.txt too: the old text has no source left
        assert (st.count("articles"), st.count("sources"), st.count("facts")) == (1, 2, 1)


def test_failed_write_leaves_nothing_half_written(db):
    rec = make_record().model_dump(mode="json")
    rec["facts"][2]["rule"] = None  # the facts table refuses it after the article and two facts were inserted
    with open_store(db) as st:
        with pytest.raises(StoreError, match="(?i)null"):
            st.write(rec, STAMP)
        assert (st.count("articles"), st.count("sources"), st.count("facts")) == (0, 0, 0)


def test_write_many_stores_what_one_write_each_would(db, db2):
    """Several records in one transaction: the same content as one write each, in the same order
    (each sees the ones before it: a second source of one text, a source written twice, a moved source)."""
    items = [
        (make_record("/news/b.txt"), "h1"),
        (make_record("/copy/a.txt"), "h1"),  # the same text: one article, its record that of /copy/a.txt
        (make_record("/news/c.txt", text=OTHER), "h2"),
        (make_record("/news/b.txt", text=OTHER), "h3"),  # b.txt again, now with the other text
    ]
    with open_store(db) as st:
        results = st.write_many(items, STAMP, processed_at="2026-03-01T00:00:00+00:00")
        assert [r.new_article for r in results] == [True, False, True, False]
        assert st.write_many([], STAMP) == []
    with open_store(db2) as st:
        one_by_one = [st.write(rec, STAMP, file_hash=fh, processed_at="2026-03-01T00:00:00+00:00") for rec, fh in items]
    assert results == one_by_one
    assert content_digest(db) == content_digest(db2) != ""


def test_write_many_stores_all_or_nothing(db):
    bad = make_record("/news/z.txt").model_dump(mode="json")
    bad["facts"][2]["rule"] = None  # refused by the facts table, after the first record was written in the transaction
    with open_store(db) as st:
        with pytest.raises(StoreError, match="(?i)null"):
            st.write_many([(make_record("/news/a.txt", text=OTHER), "h1"), (bad, "h2")], STAMP)
        assert (st.count("articles"), st.count("sources"), st.count("facts")) == (0, 0, 0)


def test_records_round_trip_to_the_extract_shape(db, tmp_path):
    rec = make_record()
    with open_store(db) as st:
        st.write(rec, STAMP)
        st.write(make_record("/news/b.txt", text=OTHER), STAMP)
        assert export_jsonl(st, tmp_path / "o.jsonl") == 2
        assert export_jsonl(st, tmp_path / "one.jsonl", sources=["/news/a.txt"]) == 1
    lines = (tmp_path / "o.jsonl").read_text().splitlines()
    assert lines[0] == rec.model_dump_json(exclude_none=False)
    assert (tmp_path / "one.jsonl").read_text().splitlines() == [lines[0]]


def test_parquet_one_row_per_fact_with_article_fields(db, tmp_path):
    import pyarrow.parquet as pq

    with open_store(db) as st:
        st.write(make_record(published="2026-02-04T18:20:00+02:00"), STAMP)
        st.write(make_record("/news/b.txt"), STAMP)  # same text: one more source of the same article
        st.write(make_record("/news/c.txt", text=OTHER), STAMP)
        assert export_parquet(st, tmp_path / "f.parquet") == 5
    table = pq.read_table(tmp_path / "f.parquet")
    assert table.num_rows == 5
    row = table.slice(1, 1).to_pylist()[0]
    assert (row["type"], row["asset"], row["subject"], row["value"], row["qualifier"], row["when"], row["published"], row["url"], row["model_version"]) == (
        "price", "BTC", None, 61500.0, "at", dt.date(2026, 2, 3), dt.date(2026, 2, 4), "https://x.example/a", "1.2.3")
    assert row["published_at"] == dt.datetime(2026, 2, 4, 16, 20, tzinfo=dt.timezone.utc)
    assert row["article_sources"] == ["/news/a.txt", "/news/b.txt"] and row["article_source"] == "/news/a.txt"
    move = table.slice(0, 1).to_pylist()[0]
    assert (move["type"], move["asset"], move["subject"], move["percent"]) == ("percent_move", None, "BTC", 4.2)
    flow, quote = table.slice(2, 2).to_pylist()
    assert (flow["streak_days"], flow["amount"], flow["direction"]) == (3, 120e6, "inflow")
    assert (quote["speaker"], quote["speaker_role"], quote["quote_text"], quote["kind"]) == ("Ana Beltran", "analyst", "Buy the dip,", "direct")
    other = table.slice(4, 1).to_pylist()[0]
    assert (other["article_source"], other["reference"], other["published_at"]) == ("/news/c.txt", "Monday's open", None)
    types = {f.name: str(f.type) for f in table.schema}
    assert types["percent"] == "double" and types["when"] == "date32[day]" and types["published"] == "date32[day]"
    assert types["streak_days"] == "int32" and types["article_sources"] == "list<element: string>"
    assert not {"processed_at", "id", "fact_json"} & set(types)  # no database-assigned ids or timestamps


def test_csv_has_the_flat_columns(db, tmp_path):
    import csv

    with open_store(db) as st:
        st.write(make_record(), STAMP)
        assert export_csv(st, tmp_path / "f.csv") == 4
    rows = list(csv.DictReader((tmp_path / "f.csv").open(encoding="utf-8", newline="")))
    assert list(rows[0]) == [c.name for c in FLAT_COLUMNS]
    assert (rows[0]["subject"], rows[0]["asset"], rows[0]["when"], rows[0]["published"], rows[0]["percent"]) == ("BTC", "", "2026-02-03", "2026-02-04", "4.2")
    assert json.loads(rows[0]["article_sources"]) == ["/news/a.txt"]
    assert (rows[3]["quote_text"], rows[3]["speaker_role"]) == ("Buy the dip,", "analyst")


def test_every_fact_field_has_a_flat_column():
    """A field added to a fact type must get its column (or the flat exports would drop it)."""
    columns = {c.name for c in FLAT_COLUMNS}
    for model in typing.get_args(typing.get_args(Fact)[0]):
        for name in model.model_fields:
            if name != "evidence":
                assert RENAMED.get(name, name) in columns, (model.__name__, name)


def test_both_backends_store_the_same_content(tmp_path, pg_url):
    sqlite_db = str(tmp_path / "facts.db")
    for target in (sqlite_db, pg_url):
        with open_store(target, extractor_version="9.9.9") as st:
            st.write(make_record("/news/b.txt"), STAMP, file_hash="h1")
            st.write(make_record("/news/a.txt"), STAMP, file_hash="h1")
            st.write(make_record("/news/é.txt", text=OTHER), STAMP, file_hash="h2")
            st.add_source("/news/Z.txt", _id(TEXT), "h1", STAMP)
            st.record_error("/news/bad.txt", "/news/bad.txt: empty", "input")
    assert content_digest(sqlite_db) == content_digest(pg_url)
    for target, name in ((sqlite_db, "s"), (pg_url, "p")):
        with open_store(target, readonly=True) as st:
            export_jsonl(st, tmp_path / f"{name}.jsonl")
            export_csv(st, tmp_path / f"{name}.csv")
    assert (tmp_path / "s.jsonl").read_bytes() == (tmp_path / "p.jsonl").read_bytes()
    assert (tmp_path / "s.csv").read_bytes() == (tmp_path / "p.csv").read_bytes()


def test_incompatible_schema_version_is_a_clear_error(tmp_path):
    db = tmp_path / "facts.db"
    open_store(db).close()
    con = sqlite3.connect(db)
    con.execute("UPDATE meta SET value = '3.0' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with pytest.raises(StoreVersionError, match="schema version 3.0 .* incompatible"):
        open_store(db)
    with pytest.raises(StoreVersionError):
        open_store(db, readonly=True)
    proc = subprocess.run([sys.executable, "-m", "extractor.cli", "query", "--db", str(db), "SELECT 1"], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: ") and "incompatible" in proc.stderr


def test_database_of_the_old_layout_says_recreate(tmp_path):
    """A database written before articles were identified by content (schema 1.0)."""
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        con.execute("INSERT INTO meta VALUES ('schema_version', '1.0'), ('extractor_version', '0.2.0')")
        con.execute("CREATE TABLE articles (source TEXT PRIMARY KEY, id TEXT)")
    for args in (["query", "--db", str(db), "SELECT 1"], ["export", "--db", str(db), "--format", "jsonl", "--out", str(tmp_path / "x.jsonl")]):
        proc = subprocess.run([sys.executable, "-m", "extractor.cli", *args], capture_output=True, text=True)
        assert proc.returncode == 1 and proc.stderr.count("\n") == 1, proc.stderr
        assert "schema version 1.0" in proc.stderr and "re-create" in proc.stderr


def test_postgres_schema_version_mismatch_is_one_line(pg_url):
    import psycopg

    open_store(pg_url).close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE meta SET value = '1.0' WHERE key = 'schema_version'")
    proc = subprocess.run([sys.executable, "-m", "extractor.cli", "query", "--db", pg_url, "SELECT 1"], capture_output=True, text=True)
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith("error: ") and "schema version 1.0" in proc.stderr and "re-create" in proc.stderr


def test_unreachable_postgres_server_is_one_line(tmp_path, pg_cluster):
    url = f"postgresql://ana:s3cret@/facts?host={tmp_path}&port=1"  # no server listens there
    with pytest.raises(StoreError, match="cannot connect to PostgreSQL"):
        open_store(url)
    proc = subprocess.run([sys.executable, "-m", "extractor.cli", "query", "--db", url, "SELECT 1"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1, proc.stderr
    assert "cannot connect to PostgreSQL" in proc.stderr and "s3cret" not in proc.stderr and "Traceback" not in proc.stderr


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
        open_store(path)


def test_postgres_database_of_something_else(pg_url):
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (x int)")
    with pytest.raises(StoreError, match="not a facts database"):
        open_store(pg_url)
    with pytest.raises(StoreError, match="not a facts database"):
        open_store(pg_url, readonly=True)


def test_missing_database_is_not_created_for_reading(tmp_path):
    with pytest.raises(StoreError, match="no such database"):
        open_store(tmp_path / "none.db", readonly=True)
    assert not (tmp_path / "none.db").exists()


def test_query_is_read_only(db):
    with open_store(db) as st:
        st.write(make_record(), STAMP)
        cols, rows = st.query("SELECT type, count(*) AS n FROM facts WHERE type LIKE '%flow' GROUP BY type ORDER BY type")
        assert cols == ["type", "n"] and rows[0] == ("etf_flow", 1)
        for sql in ("DELETE FROM facts", "DROP TABLE sources"):
            with pytest.raises(StoreError, match="(?i)read-?only"):
                st.query(sql)
        assert st.count("facts") == 4
        st.write(make_record("/news/c.txt", text=OTHER), STAMP)  # writing still works afterwards
    with open_store(db, readonly=True) as ro:
        with pytest.raises(StoreError, match="(?i)read-?only"):
            ro.query("DELETE FROM facts")
        with pytest.raises(StoreError):
            ro.write(make_record(), STAMP)
        assert ro.count("facts") == 5


def test_content_digest_ignores_timestamps_only(db, db2):
    with open_store(db) as st:
        st.write(make_record(), STAMP, processed_at="2020-01-01T00:00:00+00:00")
    with open_store(db2) as st:
        st.write(make_record(), STAMP, processed_at="2030-01-01T00:00:00+00:00")
    assert content_digest(db) == content_digest(db2)
    with open_store(db2) as st:
        st.record_error("/news/z.txt", "boom")
    assert content_digest(db) != content_digest(db2)
