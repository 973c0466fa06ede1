"""The PostgreSQL backend against a real server (the ``pg_url`` fixture starts a private cluster):
the same corpus exports the same bytes from both backends, concurrent batches do not duplicate,
a copied folder adds sources, a SIGKILLed batch resumes to the content of an uninterrupted run.

Rules only (no statistical model) keeps it fast; what the rules find does not matter here, only
that both backends and every way of running store the same thing.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from extractor.batch import run_batch
from extractor.engines import Faults
from extractor.store import content_digest, open_store
from synth_news import write_folder
from test_batch import CLI, RULES, assert_consistent, cli

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "articles"


def counts(db: str) -> tuple[int, int, int]:
    with open_store(db, readonly=True) as st:
        return st.count("articles"), st.count("sources"), st.count("facts")


def test_same_corpus_exports_the_same_bytes_from_both_backends(pg_url, tmp_path):
    sqlite_db = str(tmp_path / "facts.db")
    for db in (sqlite_db, pg_url):
        summary = run_batch(CORPUS, db, settings=RULES, workers=2)
        assert summary.errors == [] and summary.articles == summary.files > 20
    assert content_digest(sqlite_db) == content_digest(pg_url)
    for fmt in ("jsonl", "csv", "parquet"):
        for db, name in ((sqlite_db, "sqlite"), (pg_url, "pg")):
            cli("export", "--db", db, "--format", fmt, "--out", str(tmp_path / f"{name}.{fmt}"))
        assert (tmp_path / f"sqlite.{fmt}").read_bytes() == (tmp_path / f"pg.{fmt}").read_bytes(), fmt
    lines = (tmp_path / "pg.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == counts(pg_url)[0] and all(json.loads(line)["facts"] is not None for line in lines)


def test_two_concurrent_batches_give_no_duplicates(pg_url, tmp_path):
    news = tmp_path / "news"
    write_folder(news, 60, seed=13)
    dup = sorted(news.rglob("*.txt"))[0]
    (news / "zz_duplicate.txt").write_bytes(dup.read_bytes())  # one text at two paths
    args = [*CLI, "batch", str(news), "--db", pg_url, "--no-model", "--quiet", "--batch-size", "1", "--force"]
    procs = [subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    assert_consistent(pg_url)
    assert counts(pg_url)[:2] == (60, 61)
    ref = tmp_path / "ref.db"
    run_batch(news, ref, settings=RULES)
    assert content_digest(pg_url) == content_digest(ref), "same content as one uninterrupted run"


def test_copied_folder_adds_sources_only(pg_url, tmp_path):
    news = tmp_path / "a" / "news"
    write_folder(news, 20, seed=17, use_corpus=False)
    first = run_batch(news, pg_url, settings=RULES)
    before = counts(pg_url)
    copy = tmp_path / "b" / "news"
    shutil.copytree(news, copy)
    again = run_batch(copy, pg_url, settings=RULES)
    assert (first.articles, again.articles, again.linked) == (20, 0, 20)
    assert counts(pg_url) == (before[0], 40, before[2])
    moved = tmp_path / "0" / "news"  # a path that sorts first: the article is shown under it, no fact changes
    shutil.copytree(news, moved)
    run_batch(moved, pg_url, settings=RULES)
    assert counts(pg_url) == (before[0], 60, before[2])
    with open_store(pg_url, readonly=True) as st:
        assert all(s.record["article"]["source"].startswith(str(moved)) for s in st.articles())
    assert_consistent(pg_url)


def _pg_articles(url: str) -> int:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM sources").fetchone()[0]
    except psycopg.Error:
        return 0  # tables not created yet


def test_sigkill_during_a_postgres_batch_then_rerun_equals_an_uninterrupted_run(pg_url, tmp_path):
    news = tmp_path / "news"
    write_folder(news, 150, seed=11)
    proc = subprocess.Popen([*CLI, "batch", str(news), "--db", pg_url, "--no-model", "--quiet", "--batch-size", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and _pg_articles(pg_url) < 40:
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the batch finished before it could be killed"
    assert 0 < counts(pg_url)[1] < 150
    assert_consistent(pg_url)
    cli("batch", str(news), "--db", pg_url, "--no-model", "--quiet")
    ref = tmp_path / "ref.db"
    run_batch(news, ref, settings=RULES)
    assert content_digest(pg_url) == content_digest(ref), "same content as one uninterrupted run"


def test_query_and_export_are_read_only_sessions(pg_url, tmp_path):
    news = tmp_path / "news"
    write_folder(news, 3, seed=2, use_corpus=False)
    run_batch(news, pg_url, settings=RULES)
    out = cli("query", "--db", pg_url, "SELECT count(*) AS n, min(when_date) AS first FROM facts", "--json").stdout
    assert json.loads(out)[0]["n"] == counts(pg_url)[2]
    err = cli("query", "--db", pg_url, "DELETE FROM facts", check=1).stderr
    assert err.startswith("error: query failed") and "read-only" in err and err.count("\n") == 1
    assert counts(pg_url)[2] > 0
    missing = cli("export", "--db", pg_url.replace("/t", "/nosuchdb_t", 1), "--format", "jsonl", "--out", str(tmp_path / "x.jsonl"), check=1)
    assert "cannot connect to PostgreSQL" in missing.stderr and missing.stderr.count("\n") == 1


@pytest.mark.parametrize("workers", [1, 2])
def test_timeout_is_recorded_in_postgres_too(pg_url, tmp_path, workers):
    news = tmp_path / "news"
    write_folder(news, 8, seed=3, use_corpus=False)
    victim = str(sorted(news.rglob("*.txt"))[0])
    summary = run_batch(news, pg_url, settings=RULES.model_copy(update={"doc_timeout": 1.0}), workers=workers, faults=Faults(stall=frozenset([victim])))
    assert (summary.articles, summary.timeouts) == (7, 1)
    with open_store(pg_url, readonly=True) as st:
        assert st.query("SELECT source, reason FROM errors")[1] == [(victim, "timeout")]
        assert st.count("sources") == 7
