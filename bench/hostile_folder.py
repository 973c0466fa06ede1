"""The hostile-folder bar of issue 12: a batch over odd files plus a figure-dense text just under
the input-size limit finishes, stores every good document, and extracts the dense one in full.

    .venv/bin/python bench/hostile_folder.py [--workers 1] [--chars 395000]

The folder: every file of ``tests/fuzz`` (binary, UTF-16, nested markup, control characters, ...),
three articles of ``corpus/articles``, one text of ``--chars`` characters (default just under
the default ``max_text_chars``) whose single "sentence" holds thousands of dollar figures and
percents (a scraped price table without full stops), a named pipe called ``pipe.txt`` (nobody
writes to it: reading it blocks) and an 8 GB sparse file called ``huge.txt`` (no disk used; read
whole it would fill the memory). Runs ``extractor batch`` as a user would
(a fresh process, start-up included) with the default ``--doc-timeout``, then prints the wall
time, what was stored, the errors by reason and the facts of the dense file. Reported, never
asserted.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from adversarial import dense_dollars  # noqa: E402  (the same generator as the scaling bench)

ROOT = Path(__file__).resolve().parent.parent


def dense_table(chars: int) -> str:
    """``adversarial.dense_dollars`` cut at a space to at most ``chars`` characters."""
    text = dense_dollars(chars)
    return text[: text.rfind(" ", 0, chars + 1)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--chars", type=int, default=395_000)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for p in sorted((ROOT / "tests" / "fuzz").iterdir()):
            if p.name != "EXPECTED.json":
                shutil.copy(p, folder / p.name)
        good = sorted(p for p in (ROOT / "corpus" / "articles").iterdir() if p.suffix in (".txt", ".md"))[:3]
        for p in good:
            shutil.copy(p, folder / p.name)
        (folder / "dense_table.txt").write_text(dense_table(a.chars), encoding="utf-8")
        os.mkfifo(folder / "pipe.txt")
        with open(folder / "huge.txt", "wb") as fh:
            fh.truncate(8 << 30)
        db = Path(tmp) / "facts.db"
        exe = Path(sys.executable).parent / "extractor"
        t0 = time.perf_counter()
        try:
            proc = subprocess.run([str(exe), "batch", str(folder), "--db", str(db), "--workers", str(a.workers), "--quiet"],
                                  capture_output=True, text=True, timeout=600)
        except subprocess.TimeoutExpired:
            sys.exit("the batch did not finish in 600 s")
        wall = time.perf_counter() - t0
        con = sqlite3.connect(db)
        stored = {Path(s).name for (s,) in con.execute("SELECT source FROM sources")}
        errors = con.execute("SELECT reason, count(*) FROM errors GROUP BY reason ORDER BY reason").fetchall()
        dense = con.execute(
            "SELECT count(*) FROM facts f JOIN sources s ON s.article_id = f.article_id WHERE s.source LIKE '%dense_table.txt'"
        ).fetchone()[0]
        print(f"files {len(list(folder.iterdir()))}, exit {proc.returncode}, wall {wall:.1f} s (start-up included, --workers {a.workers})")
        print(f"good articles stored: {sum(p.name in stored for p in good)} of {len(good)}; dense file stored: {'dense_table.txt' in stored} with {dense} facts")
        print(f"errors by reason: {errors}")


if __name__ == "__main__":
    main()
