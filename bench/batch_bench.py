"""Batch bar: 1,000 articles into the facts database, re-run, kill at ~50% and resume.

    .venv/bin/python bench/batch_bench.py [--n 1000] [--workers 1] [--no-model] [--keep DIR]

Generates the folder in a temporary directory (``tests/synth_news.py``: invented market-news
articles, mixed with varied copies of ``corpus/articles`` when it has any), then runs the real
CLI (``extractor batch``) as subprocesses and prints:

1. run 1: all files processed, no errors, facts rows == sum of facts over the JSONL records;
2. run 2 (same command): rows added (must be 0) and its time as a share of run 1 (must be < 10%);
3. a run SIGKILLed at ~50% then resumed: database content digest (timestamps excluded) equal
   to run 1's.

Exit status 0 when every bar holds.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from synth_news import write_folder  # noqa: E402

from extractor.store import content_digest  # noqa: E402

CLI = [sys.executable, "-m", "extractor.cli"]


def counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "facts", "errors")}


def timed(args: list[str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(args)}\n{proc.stderr}")
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--no-model", action="store_true", help="rules only (no statistical NER)")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="batch_bench_"))
    work.mkdir(parents=True, exist_ok=True)
    news = work / "news"
    if not news.exists():
        write_folder(news, args.n, seed=1)
    flags = ["--workers", str(args.workers), "--quiet"] + (["--no-model"] if args.no_model else [])
    ok = True

    a_db, a_jsonl = work / "a.db", work / "a.jsonl"
    for p in (a_db, work / "b.db"):
        for suffix in ("", "-wal", "-shm"):
            Path(str(p) + suffix).unlink(missing_ok=True)
    cmd_a = [*CLI, "batch", str(news), "--db", str(a_db), "--jsonl", str(a_jsonl), "--parquet", str(work / "a.parquet"), *flags]
    t1 = timed(cmd_a)
    c1 = counts(a_db)
    jsonl_facts = sum(len(json.loads(line)["facts"]) for line in a_jsonl.read_text(encoding="utf-8").splitlines())
    n_records = len(a_jsonl.read_text(encoding="utf-8").splitlines())
    bar1 = c1["articles"] == args.n and c1["errors"] == 0 and n_records == args.n and c1["facts"] == jsonl_facts
    ok &= bar1
    print(f"run 1: {args.n} files -> {c1['articles']} articles, {c1['errors']} errors, {c1['facts']} fact rows; "
          f"JSONL {n_records} records with {jsonl_facts} facts; {t1:.1f}s ({args.n / t1:.1f} articles/s)  [{'OK' if bar1 else 'FAIL'}]")

    t2 = timed(cmd_a)
    c2 = counts(a_db)
    added = {k: c2[k] - c1[k] for k in c1}
    bar2 = all(v == 0 for v in added.values()) and t2 < 0.10 * t1
    ok &= bar2
    print(f"run 2: rows added {added}; {t2:.2f}s = {100 * t2 / t1:.1f}% of run 1  [{'OK' if bar2 else 'FAIL'}]")

    b_db = work / "b.db"
    proc = subprocess.Popen([*CLI, "batch", str(news), "--db", str(b_db), *flags], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done = 0
    while proc.poll() is None:
        try:
            done = counts(b_db)["articles"] if b_db.exists() else 0
        except sqlite3.OperationalError:
            done = 0
        if done >= args.n // 2:
            break
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    at_kill = counts(b_db)
    t3 = timed([*CLI, "batch", str(news), "--db", str(b_db), *flags])
    same = content_digest(b_db) == content_digest(a_db)
    bar3 = proc.returncode == -signal.SIGKILL and 0 < at_kill["articles"] < args.n and same
    ok &= bar3
    print(f"kill: SIGKILL with {at_kill['articles']}/{args.n} articles stored (exit {proc.returncode}); resumed in {t3:.1f}s; "
          f"final {counts(b_db)}; content equal to run 1: {same}  [{'OK' if bar3 else 'FAIL'}]")
    print(f"work folder: {work}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
