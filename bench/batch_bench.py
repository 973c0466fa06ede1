"""Batch bar: a folder into the facts database, re-run, copied folder, kill at ~50% and resume;
with PostgreSQL too: both backends export the same bytes, two concurrent batches do not duplicate.

    .venv/bin/python bench/batch_bench.py [--n 1000] [--workers 1] [--no-model] [--keep DIR]
                                          [--backend sqlite|postgres|both] [--pg-url URL]

Generates the folder in a temporary directory (``tests/synth_news.py``: invented market-news
articles, mixed with varied copies of ``corpus/articles`` when it has any), or uses ``--folder``
(e.g. ``corpus/articles``), then runs the real CLI (``extractor batch``) as subprocesses and
prints, for each backend:

1. run 1: all files processed, no errors, facts rows == sum of facts over the JSONL records;
2. run 2 (same command): rows added (must be 0) and its time as a share of run 1 (must be < 10%);
3. the folder copied to a second path and batched: sources added, no article or fact added;
4. a run SIGKILLed at ~50% then resumed: database content digest (timestamps excluded) equal
   to run 1's.

With ``--backend both`` (or postgres), PostgreSQL runs on ``--pg-url`` or on a private server
started like the tests' (tests/pgserver.py), and it also prints:

5. the JSONL, CSV and Parquet exports of run 1 from SQLite and PostgreSQL: byte-identical;
6. two concurrent batches (``--force``) into one new PostgreSQL database: no duplicate article
   or fact, content equal to run 1.

Exit status 0 when every bar holds.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from synth_news import write_folder  # noqa: E402

from extractor.store import content_digest, open_store  # noqa: E402

CLI = [sys.executable, "-m", "extractor.cli"]


def counts(db: str) -> dict[str, int]:
    with open_store(db, readonly=True) as st:
        return {t: st.count(t) for t in ("articles", "sources", "facts", "errors")}


def stored(db: str) -> int:
    """Sources written so far (0 while the database is being created)."""
    try:
        return counts(db)["sources"]
    except Exception:
        return 0


def timed(args: list[str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(args)}\n{proc.stderr}")
    return elapsed


def duplicates(db: str) -> int:
    with open_store(db, readonly=True) as st:
        arts = st.query("SELECT text_hash FROM articles GROUP BY text_hash HAVING count(*) > 1")[1]
        facts = st.query("SELECT article_id, fact_json FROM facts GROUP BY article_id, fact_json HAVING count(*) > 1")[1]
    return len(arts) + len(facts)


def mark(ok: bool) -> str:
    return "OK" if ok else "FAIL"


def bars(label: str, news: Path, n: int, a_db: str, b_db: str, work: Path, flags: list[str]) -> tuple[bool, float]:
    ok = True
    a_jsonl = work / f"{label}.jsonl"
    cmd_a = [*CLI, "batch", str(news), "--db", a_db, "--jsonl", str(a_jsonl), "--parquet", str(work / f"{label}.parquet"), *flags]
    t1 = timed(cmd_a)
    c1 = counts(a_db)
    lines = a_jsonl.read_text(encoding="utf-8").splitlines()
    jsonl_facts = sum(len(json.loads(line)["facts"]) for line in lines)
    bar1 = c1["sources"] == n and c1["errors"] == 0 and len(lines) == c1["articles"] and c1["facts"] == jsonl_facts
    ok &= bar1
    print(f"[{label}] run 1: {n} files -> {c1['sources']} sources, {c1['articles']} articles, {c1['errors']} errors, {c1['facts']} fact rows; "
          f"JSONL {len(lines)} records with {jsonl_facts} facts; {t1:.1f}s ({n / t1:.1f} files/s)  [{mark(bar1)}]")

    t2 = timed(cmd_a)
    c2 = counts(a_db)
    added = {k: c2[k] - c1[k] for k in c1}
    bar2 = all(v == 0 for v in added.values()) and t2 < 0.10 * t1
    ok &= bar2
    print(f"[{label}] run 2 (nothing new): rows added {added}; {t2:.2f}s = {100 * t2 / t1:.1f}% of run 1  [{mark(bar2)}]")

    copy = work / "copy" / "news"  # the same path for every backend: the exports compare
    shutil.rmtree(copy.parent, ignore_errors=True)
    shutil.copytree(news, copy)
    t3 = timed([*CLI, "batch", str(copy), "--db", a_db, *flags])
    c3 = counts(a_db)
    bar3 = (c3["articles"], c3["facts"], c3["sources"]) == (c1["articles"], c1["facts"], 2 * c1["sources"])
    ok &= bar3
    print(f"[{label}] copied folder: {c3['sources'] - c1['sources']} sources added, {c3['articles'] - c1['articles']} articles, "
          f"{c3['facts'] - c1['facts']} facts; {t3:.2f}s = {100 * t3 / t1:.1f}% of run 1  [{mark(bar3)}]")
    shutil.rmtree(copy.parent, ignore_errors=True)

    proc = subprocess.Popen([*CLI, "batch", str(news), "--db", b_db, *flags], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while proc.poll() is None and stored(b_db) < n // 2:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    at_kill = stored(b_db)
    t4 = timed([*CLI, "batch", str(news), "--db", b_db, *flags])
    reference = work / f"{label}_ref.db"  # run 1's content without the copied folder's sources
    for suffix in ("", "-wal", "-shm"):
        Path(str(reference) + suffix).unlink(missing_ok=True)
    timed([*CLI, "batch", str(news), "--db", str(reference), *flags])
    same = content_digest(b_db) == content_digest(reference)
    bar4 = proc.returncode == -signal.SIGKILL and 0 < at_kill < n and same
    ok &= bar4
    print(f"[{label}] kill: SIGKILL with {at_kill}/{n} sources stored (exit {proc.returncode}); resumed in {t4:.1f}s; "
          f"final {counts(b_db)}; content equal to an uninterrupted run: {same}  [{mark(bar4)}]")
    return ok, t1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--folder", type=Path, help="batch this folder instead of generated articles")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--no-model", action="store_true", help="rules only (no statistical NER)")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    ap.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="sqlite")
    ap.add_argument("--pg-url", help="an empty PostgreSQL server's URL (default: start a private one)")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="batch_bench_"))
    work.mkdir(parents=True, exist_ok=True)
    if args.folder:
        news = args.folder.resolve()
    else:
        news = work / "news"
        if not news.exists():
            write_folder(news, args.n, seed=1)
    from extractor.sources import expand

    n = len(expand([news]))
    flags = ["--workers", str(args.workers), "--quiet"] + (["--no-model"] if args.no_model else [])
    ok = True
    cluster = None
    if args.backend in ("postgres", "both"):
        if args.pg_url:
            from urllib.parse import urlsplit, urlunsplit

            import psycopg

            def create(name: str) -> str:
                with psycopg.connect(args.pg_url, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                    conn.execute(f'CREATE DATABASE "{name}"')
                return urlunsplit(urlsplit(args.pg_url)._replace(path="/" + name))
        else:
            from pgserver import PgCluster, find_bindir

            bindir = find_bindir()
            if bindir is None:
                sys.exit("no PostgreSQL server binaries (apt-get install postgresql) and no --pg-url")
            cluster = PgCluster(bindir).start()
            create = cluster.create_database
    try:
        for f in work.glob("*.db*"):
            f.unlink()
        dbs = {}
        if args.backend in ("sqlite", "both"):
            dbs["sqlite"] = (str(work / "sqlite_a.db"), str(work / "sqlite_b.db"))
        if args.backend in ("postgres", "both"):
            dbs["postgres"] = (create("bench_a"), create("bench_b"))
        for label, (a_db, b_db) in dbs.items():
            good, t1 = bars(label, news, n, a_db, b_db, work, flags)
            ok &= good
        if "postgres" in dbs:
            a_sqlite = dbs.get("sqlite", (None,))[0]
            if a_sqlite:
                same = []
                for fmt in ("jsonl", "csv", "parquet"):
                    outs = []
                    for label in ("sqlite", "postgres"):
                        out = work / f"export_{label}.{fmt}"
                        timed([*CLI, "export", "--db", dbs[label][0], "--format", fmt, "--out", str(out)])
                        outs.append(out.read_bytes())
                    same.append(f"{fmt} {'identical' if outs[0] == outs[1] else 'DIFFERENT'} ({len(outs[0]):,} bytes)")
                bar5 = all("identical" in s for s in same)
                ok &= bar5
                print(f"[both] exports of the same corpus from SQLite and PostgreSQL: {', '.join(same)}  [{mark(bar5)}]")
            c_db = create("bench_concurrent")
            cmd = [*CLI, "batch", str(news), "--db", c_db, *flags, "--force"]
            t0 = time.perf_counter()
            procs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(2)]
            codes = [p.wait() for p in procs]
            elapsed = time.perf_counter() - t0
            dup = duplicates(c_db)
            same = content_digest(c_db) == content_digest(str(work / "postgres_ref.db"))
            bar6 = codes == [0, 0] and dup == 0 and same
            ok &= bar6
            print(f"[postgres] two concurrent batches: exit {codes}, {counts(c_db)}, duplicate articles or facts: {dup}, "
                  f"content equal to an uninterrupted run: {same}; {elapsed:.1f}s  [{mark(bar6)}]")
    finally:
        if cluster is not None:
            cluster.stop()
    print(f"work folder: {work}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
