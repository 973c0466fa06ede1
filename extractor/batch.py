"""Batch processing: folders, globs and tables of raw articles -> the facts database (resumable,
parallel, never stalled).

``run_batch`` resolves what to read (``extractor.inputs``: article files and Parquet/JSON Lines
tables, on the local disk or any file system pyarrow opens), starts an engine
(``extractor.engines``: ``local`` worker processes or a ``ray`` actor pool) and stores every
outcome the engine streams back as it arrives, before waiting for the next (the documents that
arrived together in one transaction: ``_Writes``): this process is the only writer, whatever the
engine. Every engine skips what the database already holds (the same
source with the same raw-bytes hash, read by the same extractor and model), records a document
whose hash is that of a stored source at another path as one more source of that article without
reading it again, and gives each document ``settings.doc_timeout`` seconds: one that overruns
it, or kills its worker, is recorded in the ``errors`` table (reason ``timeout`` or ``crash``)
and the batch goes on. A killed batch resumes where it stopped: run the same command again.
"""
from __future__ import annotations

import importlib
import logging
import threading
import time
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from extractor.engines import Faults, RayOptions, Resume, make_engine
from extractor.engines.local import WorkerPool, start_worker_server  # noqa: F401  (re-exported: the benchmarks start the server early)
from extractor.errors import InputError, StoreError
from extractor.inputs import file_hash, resolve  # noqa: F401  (file_hash re-exported)
from extractor.settings import Settings
from extractor.store import Stamp, display_url, export_files, open_store

log = logging.getLogger(__name__)


# -- what produced a record ---------------------------------------------------------------------
def extractor_version() -> str:
    from extractor import __version__

    return __version__


def stamp_for(settings: Settings) -> Stamp:
    """Extractor version + model name and installed version (``None`` when the model is off)."""
    if not settings.use_model:
        return Stamp(extractor_version(), None, None)
    try:
        version = metadata.version(settings.model)
    except metadata.PackageNotFoundError:
        version = None
    return Stamp(extractor_version(), settings.model, version)


# -- progress -----------------------------------------------------------------------------------
class Progress:
    """Progress hooks (no-op). ``RichProgress`` draws a bar, ``LogProgress`` logs lines."""

    def start(self, total: int | None, skipped: int) -> None:
        """``total`` documents (None: not known before the tables are read)."""

    def advance(self, files: int, articles: int) -> None: ...

    def stop(self) -> None: ...


class LogProgress(Progress):
    """Progress as INFO log lines (``-v``), at most one every ``every`` seconds, and at the end."""

    def __init__(self, every: float = 2.0):
        self.every = every
        self.total = self.done = self.articles = 0
        self.t0 = self.last = time.monotonic()

    def start(self, total: int | None, skipped: int) -> None:
        self.total, self.done = total, skipped
        self.t0 = self.last = time.monotonic()
        log.info("batch: %s files", "?" if total is None else total)

    def advance(self, files: int, articles: int) -> None:
        self.done += files
        self.articles += articles
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            self._line(now)

    def _line(self, now: float) -> None:
        rate = self.articles / max(now - self.t0, 1e-9)
        log.info("batch: %d/%s files, %d articles extracted (%.1f articles/s)", self.done, "?" if self.total is None else self.total,
                 self.articles, rate)

    def stop(self) -> None:
        self._line(time.monotonic())


class RichProgress(Progress):
    """A rich bar on stderr: files done/total, articles per second, ETA."""

    def __init__(self):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self.bar = Bar(
            TextColumn("[bold]batch"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files"),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self.task = None
        self.articles = 0
        self.t0 = time.monotonic()

    def start(self, total: int | None, skipped: int) -> None:
        self.bar.start()
        self.task = self.bar.add_task("batch", total=total, completed=skipped, rate="")
        self.t0 = time.monotonic()

    def advance(self, files: int, articles: int) -> None:
        self.articles += articles
        rate = self.articles / max(time.monotonic() - self.t0, 1e-9)
        self.bar.update(self.task, advance=files, rate=f"{rate:,.1f} articles/s")

    def stop(self) -> None:
        self.bar.stop()


# -- the batch ----------------------------------------------------------------------------------
#: What the consensus refresh after a batch imports, imported on a thread while the engine
#: extracts, when this process mostly waits; the module's ``prepare`` then loads the data files it
#: reads (asset lexicon, fund scopes).
CONSENSUS_IMPORTS = ("extractor.consensus",)


class _WarmImports:
    """Imports ``names`` on a daemon thread, calling each one's ``prepare()`` if it has one (a
    failure is left for the caller to meet and report: the real call, after the batch, raises it).

    The thread starts when the engine first waits on its workers (``Engine.on_wait``), or at the
    first outcome of an engine that does not say so, not when the batch starts: until the workers
    have their first documents this process creates the database and hashes the inputs, and an
    import holding the interpreter lock meanwhile made each of those steps wait for the lock (the
    workers of a 500-file batch started 0.12 s later)."""

    def __init__(self, names: tuple[str, ...] = CONSENSUS_IMPORTS):
        self.thread = threading.Thread(target=self._work, args=(names,), name="warm-imports", daemon=True)

    @staticmethod
    def _work(names: tuple[str, ...]) -> None:
        for name in names:
            try:
                prepare = getattr(importlib.import_module(name), "prepare", None)
                if callable(prepare):
                    prepare()
            except Exception:  # noqa: BLE001 - the real call, after the batch, raises it with context
                log.debug("warm import of %s failed", name, exc_info=True)
                return

    def start(self) -> None:
        """Start the thread (once; later calls do nothing)."""
        if self.thread.ident is None:
            self.thread.start()

    def is_alive(self) -> bool:
        return self.thread.is_alive()

    def join(self, timeout: float | None = None) -> None:
        """Wait until the imports are done (started now if nothing started them)."""
        self.start()
        self.thread.join(timeout)


class _Sketching:
    """The stored texts, sketched for the consensus refresh after the batch (``consensus.Sketches``)
    once the warm-up thread has imported ``extractor.consensus``. Until then they wait: importing it
    from the main thread meanwhile would block on that thread's import lock, and a Ctrl-C arriving
    there is raised inside importlib (a batch interrupted so exited by SIGINT, not with code 130)."""

    def __init__(self, warm: _WarmImports):
        self.warm = warm
        self.waiting: list[str] = []
        self.sketches = None
        self.off = False  # the import failed: the refresh after the batch reports it

    def add(self, text: str) -> None:
        if self.off:
            return
        if self.sketches is None:
            if self.warm.is_alive():
                self.waiting.append(text)
                return
            try:
                from extractor.consensus import Sketches  # imported by the warm-up thread: no lock to wait on
            except ImportError:
                self.off, self.waiting = True, []
                return
            self.sketches = Sketches()
            for waiting in self.waiting:
                self.sketches.add(waiting)
            self.waiting = []
        self.sketches.add(text)


class _Writes:
    """The records received and not yet stored. They are written together, in one transaction
    (``FactStore.write_many``), when the engine is about to wait for its workers
    (``Engine.before_wait``), when ``MAX`` are held, and after the last one; for an engine that
    does not report its waits, after each one. So every document is committed before the batch
    waits for anything else, and no slow document holds back the ones that arrived before it.

    Why: a commit costs this process about 0.25 ms of CPU, on a core the workers need when there
    are as many of them as cores, and records often arrive while the last one is being written
    (the 500 records of a 500-file batch went into 199 transactions with 2 workers, 348 with one)."""

    MAX = 64  # records per transaction at most

    def __init__(self, store, stamp: Stamp, sketching: "_Sketching", summary: "BatchSummary"):
        self.store, self.stamp, self.sketching, self.summary = store, stamp, sketching, summary
        self.pending: list = []  # Outcomes with a record

    def add(self, outcome) -> None:
        self.pending.append(outcome)
        if len(self.pending) >= self.MAX:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        group, self.pending = self.pending, []
        results = self.store.write_many([(o.record, o.file_hash) for o in group], self.stamp)
        for o, result in zip(group, results):
            self.summary.new_articles += result.new_article
            self.sketching.add(o.record["article"]["text"])  # for the refresh after the last document

    def keep(self) -> None:
        """``flush`` while the batch fails for another reason (an interrupt, a failed engine): what
        arrived before the failure is stored, as it would have been one document at a time. A failure
        of this write is logged; the first one is what the batch reports."""
        held = len(self.pending)
        try:
            self.flush()
        except Exception:  # noqa: BLE001 - the batch is already failing with the error that matters
            log.warning("%d records received before the batch stopped were not stored", held, exc_info=True)


@dataclass
class BatchSummary:
    files: int = 0  # documents read: article files and table rows
    skipped: int = 0  # unchanged since read by this extractor: not read again
    linked: int = 0  # same bytes as a stored source at another path: added as a source, not read again
    articles: int = 0  # files extracted and stored
    new_articles: int = 0  # of which texts the database did not hold
    facts: int = 0  # facts in the extracted records
    facts_by_type: dict[str, int] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)
    timeouts: int = 0
    duplicates: int = 0  # a source given twice (two table rows): read once
    elapsed: float = 0.0
    startup: float | None = None  # until the first extracted document arrived (engine start, model load)
    extracting: float = 0.0  # from the first extracted document to the last
    engine: str = ""  # the engine and its workers, as the summary names them
    batched: bool = False  # the engine said when the first document began (its outcomes arrive in batches)
    exports: list[tuple[str, Path, int]] = field(default_factory=list)

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.elapsed if self.elapsed else 0.0

    @property
    def steady_rate(self) -> float:
        """Documents per second after start-up: those after the first, over the time after the first
        (every document over the time since the first one began, when the engine says when that was)."""
        done = self.articles + len(self.errors) - (not self.batched)
        return done / self.extracting if self.extracting > 0 and done > 0 else 0.0

    @property
    def nothing_new(self) -> bool:
        return self.articles == 0 and self.linked == 0 and not self.errors

    def lines(self) -> list[str]:
        if self.nothing_new:
            out = [f"nothing new: all {self.files} files are already in the database, unchanged (skipped)"]
        else:
            by_type = ", ".join(f"{t} {n}" for t, n in sorted(self.facts_by_type.items())) or "none"
            out = [
                f"files {self.files}: {self.articles} extracted ({self.new_articles} new articles), "
                f"{self.linked} added as sources of stored articles, {self.skipped} unchanged (skipped), "
                f"{len(self.errors)} errors" + (f" ({self.timeouts} timed out)" if self.timeouts else "")
                + (f", {self.duplicates} duplicate sources read once" if self.duplicates else ""),
                f"facts {self.facts}: {by_type}",
            ]
        line = f"elapsed {self.elapsed:.1f}s ({self.articles_per_second:.1f} articles/s)"
        if self.startup is not None and self.steady_rate:
            line += f"; start-up {self.startup:.1f}s, then {self.steady_rate:.1f} articles/s"
        out.append(line)
        if self.engine:
            out.append(self.engine)
        out += [f"exported {n} {'records' if fmt == 'jsonl' else 'fact rows'} to {path}" for fmt, path, n in self.exports]
        return out


def run_batch(
    src: str | Path | list[str | Path],
    db: str | Path,
    *,
    settings: Settings | None = None,
    workers: int = 1,
    engine: str = "local",
    ray: RayOptions | None = None,
    pattern: str | None = None,
    force: bool = False,
    jsonl: Path | None = None,
    parquet: Path | None = None,
    csv: Path | None = None,
    progress: Progress | None = None,
    faults: Faults | None = None,
) -> BatchSummary:
    """Extract every article of ``src`` (a folder, glob, article file or table, local or a URI; or
    a list of them) into the database ``db`` (an SQLite path or a ``postgresql://`` URL) with the
    engine ``engine`` (``local`` or ``ray``) and ``workers`` processes or actors; see the module
    docstring. ``faults`` are test hooks (``extractor.engines.Faults``)."""
    settings = settings or Settings()
    progress = progress or Progress()
    if workers < 1:
        raise InputError(f"--workers must be at least 1, got {workers}")
    t0, wall0 = time.monotonic(), time.time()
    inputs = resolve(src if isinstance(src, list) else [src], pattern)
    summary = BatchSummary()
    stamp = stamp_for(settings)
    seen: set[str] = set()
    first = last = None
    warm = _WarmImports()
    with make_engine(engine, settings, workers, ray=ray, faults=faults) as eng, \
            open_store(db, extractor_version=stamp.extractor_version) as store:  # (an engine that cannot start touches no database)
        summary.engine = eng.describe()
        eng.on_wait = warm.start
        keys = None if force else store.resume_keys(stamp)
        resume = Resume(keys, link=lambda source, article, fh: store.add_source(source, article, fh, stamp))
        log.info("%s, %s", inputs.describe(), summary.engine)
        by_type: Counter[str] = Counter()
        sketching = _Sketching(warm)
        writes = _Writes(store, stamp, sketching, summary)
        if eng.reports_waits:
            eng.before_wait = writes.flush
        progress.start(inputs.count(), 0)
        try:
            with closing(eng.run(inputs, resume)) as outcomes:
                for o in outcomes:
                    if o.source in seen:  # two rows of the tables with one source: the first one read stands
                        log.warning("%s: given more than once; read once", o.source)
                        summary.duplicates += 1
                        continue
                    seen.add(o.source)
                    kind = o.kind
                    if kind in ("skipped", "linked"):
                        setattr(summary, kind, getattr(summary, kind) + 1)
                        progress.advance(1, 0)
                        continue
                    warm.start()  # (no-op once started; here for an engine that did not say when it began to wait)
                    last = time.monotonic()
                    first = first or last
                    if kind == "error":
                        store.record_error(o.source, o.error, o.reason or "input")
                        summary.errors.append((o.source, o.error))
                        summary.timeouts += o.reason == "timeout"
                        progress.advance(1, 0)
                        continue
                    writes.add(o)
                    if not eng.reports_waits:
                        writes.flush()
                    summary.articles += 1
                    summary.facts += len(o.record["facts"])
                    by_type.update(f["type"] for f in o.record["facts"])
                    progress.advance(1, 1)
            writes.flush()
        except BaseException as exc:
            if not isinstance(exc, StoreError):  # (a failed write is not tried again)
                writes.keep()
            raise
        finally:
            progress.stop()
        summary.files = len(seen) + summary.duplicates
        summary.facts_by_type = dict(by_type)
        if first is not None:
            summary.startup, summary.extracting = first - t0, last - first
            if eng.began is not None:  # outcomes in batches: the start-up ends when the first document began
                began = min(max(eng.began - wall0, 0.0), first - t0)
                summary.startup, summary.extracting, summary.batched = began, last - t0 - began, True
        log.info("%d files: %d unchanged, %d added as sources of stored articles, %d extracted, %d errors",
                 summary.files, summary.skipped, summary.linked, summary.articles, len(summary.errors))
        warm.join()
        from extractor.consensus import refresh_consensus  # the fact_consensus view's helper tables follow the content

        refresh_consensus(store, sketching.sketches)
        outs = {fmt: out for fmt, out in (("jsonl", jsonl), ("parquet", parquet), ("csv", csv)) if out}
        if outs:
            written = export_files(store, outs, sources=sorted(seen))  # one read of the database for every format
            summary.exports += [(fmt, out, written[fmt]) for fmt, out in outs.items()]
            log.info("exported %s", ", ".join(f"{fmt} to {out}" for fmt, out in outs.items()))
    summary.elapsed = time.monotonic() - t0
    log.info("batch into %s done in %.1fs", display_url(str(db)), summary.elapsed)
    return summary
