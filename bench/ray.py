"""The Ray engine against the local engine: the same articles through ``--workers N`` (local
processes) and ``--engine ray --workers N`` (a Ray Data actor pool on a local Ray runtime), into
SQLite and into PostgreSQL; and the database alone (records written by 1 and by 2 writers).

    .venv/bin/python bench/ray.py [--n 1000] [--workers 2] [--no-model] [--pg-url URL] [--keep DIR]

The articles are ``corpus/articles`` repeated with different numbers: copy ``k`` of an article
has every figure moved by ``k`` (prices, percentages, amounts; years left alone) and a sidecar
when the original has one, so all ``n`` are distinct texts that read like the corpus. Each run is
the real CLI (``extractor batch``) as a subprocess; its summary gives the start-up (until the
first record is stored: imports, model load, the Ray runtime and its actors) and the rate after
it. Peak RSS is sampled every 0.2 s from ``/proc``: each local worker process, each Ray actor
(``ray::MapWorker(...ExtractActor)``), and the driver. The JSONL exports of every run are
compared byte for byte. PostgreSQL is ``--pg-url`` or a private server started like the tests'.

Then the writers alone: the records of the first run written again into a fresh database by one
process, and by two processes at once (half each; PostgreSQL only: SQLite has one writer at a
time), in records/s, which is the ceiling the database puts on any number of actors.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

CLI = [sys.executable, "-m", "extractor.cli"]
NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w])")


def vary(text: str, k: int) -> str:
    """Every figure of ``text`` moved by ``k`` (in its last digit places); 4-digit years kept."""
    def move(m: re.Match) -> str:
        whole, frac = m.group(1), m.group(2) or ""
        if not frac and re.fullmatch(r"(19|20)\d\d", whole):
            return m.group(0)
        if frac:
            value = float(whole.replace(",", "") + frac) + k / 10 ** (len(frac) - 1)
            out = f"{value:,.{len(frac) - 1}f}" if "," in whole else f"{value:.{len(frac) - 1}f}"
            return out
        value = int(whole.replace(",", "")) + k
        return f"{value:,}" if "," in whole else str(value)

    return NUMBER.sub(move, text)


def write_articles(folder: Path, n: int) -> None:
    """``n`` distinct articles from ``corpus/articles`` (see the module docstring)."""
    from extractor.sources import walk

    originals = list(walk(ROOT / "corpus" / "articles"))
    texts: set[str] = set()
    for i in range(n):
        src = originals[i % len(originals)]
        k = i // len(originals) + 1
        sub = folder / f"batch{k:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        text = vary(src.read_text(encoding="utf-8"), k)
        if text in texts:  # an article without figures: one line tells the copies apart
            text += f"\n\nRevision {k}.\n"
        texts.add(text)
        (sub / src.name).write_text(text, encoding="utf-8")
        side = src.with_name(src.stem + ".meta.json")
        if side.is_file():
            (sub / side.name).write_bytes(side.read_bytes())


# -- peak memory ------------------------------------------------------------------------------------
def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _parent(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return int(fh.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def _children(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/task/{p}/children") as fh:
                kids = [int(x) for x in fh.read().split()]
        except OSError:
            kids = []
        out += kids
        todo += kids
    return out


class PeakRSS(threading.Thread):
    """Peak RSS (MiB) of the driver, of each worker process and of each Ray actor, while running."""

    def __init__(self, driver: int):
        super().__init__(daemon=True)
        self.driver = driver
        self.peaks: dict[tuple[str, int], int] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            seen = {("driver", self.driver)}
            for pid in _children(self.driver):  # the local engine's: its fork server, and the workers forked from it
                if "forkserver" in _cmdline(pid):
                    seen.add(("server" if _parent(pid) == self.driver else "worker", pid))
            for entry in os.listdir("/proc"):
                if entry.isdigit() and "ExtractActor" in _cmdline(int(entry)):
                    seen.add(("actor", int(entry)))
            for key in seen:
                self.peaks[key] = max(self.peaks.get(key, 0), _rss_kib(key[1]))
            self.done.wait(0.2)

    def summary(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for (kind, _), kib in sorted(self.peaks.items()):
            if kib:
                out.setdefault(kind, []).append(round(kib / 1024))
        return out


# -- one run -----------------------------------------------------------------------------------------
SUMMARY = re.compile(r"elapsed ([\d.]+)s \(([\d.]+) articles/s\)(?:; start-up ([\d.]+)s, then ([\d.]+) articles/s)?")


def run(label: str, args: list[str]) -> dict:
    proc = subprocess.Popen([*CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    rss = PeakRSS(proc.pid)
    rss.start()
    out, err = proc.communicate()
    rss.done.set()
    rss.join()
    if proc.returncode != 0:
        sys.exit(f"[{label}] failed ({proc.returncode}): {' '.join(args)}\n{err}")
    m = SUMMARY.search(err)
    engine = next((line for line in err.splitlines() if line.startswith("engine ")), "")
    res = {"label": label, "elapsed": float(m.group(1)), "rate": float(m.group(2)), "startup": float(m.group(3) or 0),
           "steady": float(m.group(4) or 0), "rss": rss.summary(), "engine": engine}
    mem = ", ".join(f"{kind} {'/'.join(map(str, v))}" for kind, v in res["rss"].items())
    print(f"[{label}] {res['elapsed']:.1f}s = start-up {res['startup']:.1f}s + {res['steady']:.1f} articles/s after it "
          f"({res['rate']:.1f} overall); peak RSS MiB: {mem}; {engine}", flush=True)
    return res


# -- the writers alone -------------------------------------------------------------------------------
WRITER = """
import json, sys, time
from extractor.batch import stamp_for
from extractor.settings import Settings
from extractor.store import open_store
db, path, part, parts = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
recs = [json.loads(line) for i, line in enumerate(open(path, encoding="utf-8")) if i % parts == part]
stamp = stamp_for(Settings())
with open_store(db, extractor_version=stamp.extractor_version) as st:
    t0 = time.perf_counter()
    for i, r in enumerate(recs):
        st.write(r, stamp, file_hash=f"{part}-{i}")
    print(len(recs), time.perf_counter() - t0)
"""


def writers(db: str, jsonl: Path, parts: int) -> float:
    """Records/s of ``parts`` processes writing the records of ``jsonl`` at once (each its share)."""
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, db, str(jsonl), str(p), str(parts)], stdout=subprocess.PIPE, text=True)
             for p in range(parts)]
    t0 = time.perf_counter()
    outs = [p.communicate()[0] for p in procs]
    wall = time.perf_counter() - t0
    if any(p.returncode for p in procs):
        sys.exit("a writer failed")
    n = sum(int(o.split()[0]) for o in outs)
    busy = max(float(o.split()[1]) for o in outs)  # writing time, imports and connection excluded
    print(f"[writers] {parts} into {'PostgreSQL' if db.startswith('postgresql') else 'SQLite'}: {n} records in {busy:.2f}s "
          f"= {n / busy:.0f} records/s (wall with start-up {wall:.1f}s)", flush=True)
    return n / busy


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-model", action="store_true")
    ap.add_argument("--pg-url", help="an empty PostgreSQL database's URL (default: a private server)")
    ap.add_argument("--keep", type=Path, help="keep the articles and databases in this folder")
    args = ap.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-ray-"))
    work.mkdir(parents=True, exist_ok=True)
    news = work / "news"
    if not news.is_dir():
        write_articles(news, args.n)
    cluster = None
    if args.pg_url:
        base_url = args.pg_url
        new_db = None
    else:
        from pgserver import PgCluster, find_bindir

        bindir = find_bindir()
        if bindir is None:
            sys.exit("no PostgreSQL server binaries (apt-get install postgresql) and no --pg-url")
        cluster = PgCluster(bindir).start()
        new_db = cluster.create_database
    count = [0]

    def pg() -> str:
        count[0] += 1
        return new_db(f"bench_ray_{count[0]}") if new_db else base_url

    flags = ["--workers", str(args.workers), "--allow-errors"] + (["--no-model"] if args.no_model else [])
    print(f"{args.n} articles in {news}; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f} at the start", flush=True)
    results = {}
    try:
        for backend in ("sqlite", "postgres"):
            for engine in ("local", "ray"):
                label = f"{engine}/{backend}"
                db = str(work / f"{engine}.db") if backend == "sqlite" else pg()
                if backend == "sqlite":
                    for suffix in ("", "-wal", "-shm"):
                        Path(db + suffix).unlink(missing_ok=True)
                extra = ["--engine", "ray"] if engine == "ray" else []
                results[label] = run(label, ["batch", str(news), "--db", db, "--jsonl", str(work / f"{engine}-{backend}.jsonl"), *flags, *extra])
        first = (work / "local-sqlite.jsonl").read_bytes()
        same = all((work / f"{e}-{b}.jsonl").read_bytes() == first for e in ("local", "ray") for b in ("sqlite", "postgres"))
        print(f"JSONL exports of the 4 runs byte-identical: {same}")
        for backend in ("sqlite", "postgres"):
            r, lo = results[f"ray/{backend}"], results[f"local/{backend}"]
            print(f"ray/local on {backend}: {r['steady'] / lo['steady']:.2f}x the rate after start-up, "
                  f"{r['elapsed'] / lo['elapsed']:.2f}x the elapsed time, start-up {r['startup']:.1f}s vs {lo['startup']:.1f}s")
        for engine in ("local", "ray"):
            p, s = results[f"{engine}/postgres"], results[f"{engine}/sqlite"]
            print(f"postgres/sqlite with {engine}: {p['steady'] / s['steady']:.2f}x the rate after start-up")
        jsonl = work / "local-sqlite.jsonl"
        sq = str(work / "writers.db")
        for suffix in ("", "-wal", "-shm"):
            Path(sq + suffix).unlink(missing_ok=True)
        writers(sq, jsonl, 1)
        one = writers(pg(), jsonl, 1)
        two = writers(pg(), jsonl, 2)
        print(f"PostgreSQL, 2 writers / 1 writer: {two / one:.2f}x")
    finally:
        if cluster is not None:
            cluster.stop()
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
