"""Where a batch's CPU goes: the parent (receiving, writing, sketching) against everything else.

    .venv/bin/python bench/batch_parent.py [--n 500] [--workers 2] [--rounds 3]

The ``make bench`` corpus (``run.build_corpus``) is written as files; each round starts the
workers' server (model loaded before the timer, as ``make bench`` does) and runs ``run_batch``
over the folder into a fresh SQLite database. It prints, per round, the wall time, the parent's
CPU per article (``getrusage`` of this process: hashing the inputs, receiving the records,
writing them, sketching them for the consensus refresh) and the CPU per article of the rest of
the machine meanwhile (``/proc/stat`` busy time minus the parent's: the workers, almost all of
it), then the medians. With as many workers as cores, the parent's share is CPU the workers do
not get. Timings are reported, never asserted.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import build_corpus, write_folder  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def busy_seconds() -> float:
    """CPU seconds the whole machine spent busy (not idle, not waiting for I/O) since boot."""
    with open("/proc/stat") as fh:
        fields = [int(x) for x in fh.readline().split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / TICKS


def own_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def one_round(folder: Path, workers: int) -> dict:
    from extractor.batch import run_batch
    from extractor.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        time.sleep(0.3)  # the server's preload is over; nothing else of ours runs
        t, parent, machine = time.perf_counter(), own_cpu(), busy_seconds()
        summary = run_batch(folder, Path(tmp) / "f.db", settings=Settings(), workers=workers)
        wall, parent, machine = time.perf_counter() - t, own_cpu() - parent, busy_seconds() - machine
    n = summary.articles
    return {"wall": wall, "parent_ms": parent / n * 1000, "others_ms": (machine - parent) / n * 1000, "articles": n}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    from extractor.batch import start_worker_server
    from extractor.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        write_folder(build_corpus(args.n), folder)
        start_worker_server(Settings())
        rows = []
        for r in range(1, args.rounds + 1):
            row = one_round(folder, args.workers)
            rows.append(row)
            print(f"round {r}: {row['articles']} articles, {args.workers} workers, wall {row['wall']:.2f} s, "
                  f"parent {row['parent_ms']:.2f} CPU ms/article, the rest {row['others_ms']:.2f} CPU ms/article")
        med = {k: statistics.median(row[k] for row in rows) for k in ("wall", "parent_ms", "others_ms")}
        print(f"median of {args.rounds}: wall {med['wall']:.2f} s, parent {med['parent_ms']:.2f} CPU ms/article, "
              f"the rest {med['others_ms']:.2f} CPU ms/article")


if __name__ == "__main__":
    main()
