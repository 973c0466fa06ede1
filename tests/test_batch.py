"""Batch processing: resume, idempotence, kill safety, concurrency, errors and exit codes.

Rules only (no statistical model) and small synthetic folders keep this fast.
"""
from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractor.batch import run_batch
from extractor.run import extract_files
from extractor.settings import Settings
from extractor.sources import expand
from extractor.store import FactStore, content_digest
from synth_news import write_folder

RULES = Settings(use_model=False, batch_size=8)
CLI = [sys.executable, "-m", "extractor.cli"]


def cli(*args: str, check: int | None = 0) -> subprocess.CompletedProcess:
    proc = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300)
    if check is not None:
        assert proc.returncode == check, proc.stderr
    return proc


def counts(db: Path) -> tuple[int, int, int]:
    with FactStore(db, create=False) as st:
        return st.count("articles"), st.count("facts"), st.count("errors")


def assert_consistent(db: Path) -> None:
    """No corruption, and no half-written article: each article has exactly its ``n_facts`` facts."""
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        bad = con.execute(
            "SELECT a.source FROM articles a LEFT JOIN facts f ON f.article_source = a.source"
            " GROUP BY a.source HAVING count(f.seq) != a.n_facts"
        ).fetchall()
        orphans = con.execute("SELECT count(*) FROM facts WHERE article_source NOT IN (SELECT source FROM articles)").fetchone()[0]
    assert bad == [] and orphans == 0


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("news")
    write_folder(path, 40, seed=3)
    return path


@pytest.fixture(scope="module")
def reference(folder, tmp_path_factory) -> tuple[Path, str]:
    """An uninterrupted in-process run: the database every other way of running must equal."""
    db = tmp_path_factory.mktemp("ref") / "ref.db"
    summary = run_batch(folder, db, settings=RULES)
    assert (summary.files, summary.articles, summary.skipped, summary.errors) == (40, 40, 0, [])
    return db, content_digest(db)


def test_rerun_adds_nothing_and_force_reextracts(folder, reference, tmp_path):
    db, digest = reference
    before = counts(db)
    again = run_batch(folder, db, settings=RULES)
    assert (again.articles, again.skipped, again.facts) == (0, 40, 0)
    assert counts(db) == before and content_digest(db) == digest
    forced = run_batch(folder, db, settings=RULES, force=True)
    assert (forced.articles, forced.skipped) == (40, 0)
    assert counts(db) == before and content_digest(db) == digest


def test_changed_file_is_reextracted(folder, tmp_path):
    import shutil

    work = tmp_path / "news"
    shutil.copytree(folder, work)
    db = tmp_path / "f.db"
    run_batch(work, db, settings=RULES)
    victim = sorted(work.rglob("*.txt"))[0]
    victim.write_text(victim.read_text(encoding="utf-8") + "\nA new closing line.\n", encoding="utf-8")
    again = run_batch(work, db, settings=RULES)
    assert (again.articles, again.skipped) == (1, 39)


def test_batch_jsonl_equals_extract_output_and_counts_agree(folder, reference, tmp_path):
    db, _ = reference
    out, pq = tmp_path / "b.jsonl", tmp_path / "b.parquet"
    summary = run_batch(folder, db, settings=RULES, jsonl=out, parquet=pq)
    sink = io.StringIO()
    from extractor.pipeline import Extractor

    assert extract_files(Extractor(RULES), expand([folder]), sink) == []
    import json

    want = sorted(sink.getvalue().splitlines(), key=lambda line: json.loads(line)["article"]["source"])
    got = out.read_text(encoding="utf-8").splitlines()
    assert len(got) == 40 and got == want  # the very lines `extract` writes, ordered by source

    facts_in_jsonl = sum(len(json.loads(line)["facts"]) for line in got)
    assert counts(db)[1] == facts_in_jsonl
    assert [e[2] for e in summary.exports] == [40, facts_in_jsonl]


def test_workers_give_the_same_database(folder, reference, tmp_path):
    db = tmp_path / "w.db"
    summary = run_batch(folder, db, settings=RULES, workers=2)
    assert (summary.articles, summary.errors) == (40, [])
    assert content_digest(db) == reference[1]


def test_glob_selects_files(folder, tmp_path):
    summary = run_batch(folder, tmp_path / "g.db", settings=RULES, pattern="*.md")
    assert summary.files == summary.articles == len(list(folder.rglob("*.md"))) > 0


def test_bad_files_are_recorded_and_set_the_exit_code(tmp_path):
    news = tmp_path / "news"
    write_folder(news, 6, seed=5, use_corpus=False)
    (news / "empty.txt").write_text("   \n", encoding="utf-8")
    (news / "huge.txt").write_text("Bitcoin rose 3%. " * 30_000, encoding="utf-8")
    (news / "bad.meta.json").write_text("{not json", encoding="utf-8")
    (news / "bad.txt").write_text("Ether fell 2% on Monday.\n", encoding="utf-8")
    db = tmp_path / "e.db"
    args = ["batch", str(news), "--db", str(db), "--no-model", "--quiet"]
    proc = cli(*args, check=1)
    assert proc.stderr.count("error: ") == 3 and "max_text_chars" in proc.stderr and "sidecar" in proc.stderr
    assert counts(db) == (6, counts(db)[1], 3)
    with FactStore(db, create=False) as st:
        _, rows = st.query("SELECT source, message FROM errors ORDER BY source")
    assert [Path(s).name for s, _ in rows] == ["bad.txt", "empty.txt", "huge.txt"]
    assert all(msg.startswith(src) for src, msg in rows)  # each message names its file
    cli(*args, "--allow-errors", check=0)
    # fixing the files clears their errors on the next run
    (news / "bad.meta.json").unlink()
    (news / "empty.txt").write_text("Solana gained 5% on Friday.\n", encoding="utf-8")
    (news / "huge.txt").unlink()
    cli(*args, check=0)
    assert counts(db)[0] == 8 and counts(db)[2] == 1  # huge.txt's error stays: the file is gone, its record is history


def test_huge_file_limit_is_a_per_file_error(tmp_path):
    news = tmp_path / "n"
    write_folder(news, 3, seed=9, use_corpus=False)
    summary = run_batch(news, tmp_path / "h.db", settings=RULES.model_copy(update={"max_file_bytes": 200}))
    assert summary.articles + len(summary.errors) == 3 and summary.errors
    assert all("max_file_bytes" in msg for _, msg in summary.errors)


def test_killed_batch_resumes_to_the_same_database(tmp_path):
    news = tmp_path / "news"
    write_folder(news, 150, seed=11)
    db = tmp_path / "killed.db"
    proc = subprocess.Popen([*CLI, "batch", str(news), "--db", str(db), "--no-model", "--quiet", "--batch-size", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=5) as con:
                    done = con.execute("SELECT count(*) FROM articles").fetchone()[0]
            except sqlite3.OperationalError:
                done = 0  # tables not created yet
        if done >= 40:
            break
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the batch finished before it could be killed"
    partial = counts(db)
    assert 0 < partial[0] < 150
    assert_consistent(db)
    cli("batch", str(news), "--db", str(db), "--no-model", "--quiet")
    ref = tmp_path / "ref.db"  # the uninterrupted run, made right after (the code cannot change in between)
    run_batch(news, ref, settings=RULES)
    assert content_digest(db) == content_digest(ref), "same content as one uninterrupted run (fails if the rules changed mid-test)"


def test_two_concurrent_batches_do_not_corrupt_the_database(tmp_path):
    news = tmp_path / "news"
    write_folder(news, 60, seed=13)
    db = tmp_path / "shared.db"
    args = [*CLI, "batch", str(news), "--db", str(db), "--no-model", "--quiet", "--batch-size", "1", "--force"]
    procs = [subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    assert_consistent(db)
    assert counts(db)[0] == 60
    ref = tmp_path / "ref.db"
    run_batch(news, ref, settings=RULES)
    assert content_digest(db) == content_digest(ref), "same content as one uninterrupted run (fails if the rules changed mid-test)"


def test_cli_export_and_query(reference, tmp_path):
    db, _ = reference
    cli("export", "--db", str(db), "--format", "jsonl", "--out", str(tmp_path / "x.jsonl"))
    assert len((tmp_path / "x.jsonl").read_text(encoding="utf-8").splitlines()) == 40
    cli("export", "--db", str(db), "--format", "parquet", "--out", str(tmp_path / "x.parquet"))
    assert (tmp_path / "x.parquet").stat().st_size > 0
    bad = cli("export", "--db", str(db), "--format", "csv", "--out", str(tmp_path / "x.csv"), check=1)
    assert bad.stderr.startswith("error: unknown format")
    import json

    out = cli("query", "--db", str(db), "SELECT count(*) AS n FROM articles", "--json").stdout
    assert json.loads(out) == [{"n": 40}]
    table = cli("query", "--db", str(db), "SELECT id, published FROM articles ORDER BY source LIMIT 2").stdout
    assert "published" in table and table.count("\n") >= 5
    err = cli("query", "--db", str(db), "SELEC nonsense", check=1).stderr
    assert err.startswith("error: query failed") and err.count("\n") == 1
    missing = cli("query", "--db", str(tmp_path / "nope.db"), "SELECT 1", check=1).stderr
    assert "no such database" in missing
