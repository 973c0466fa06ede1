"""Batch processing: a folder of articles -> the facts database (resumable, parallel, never stalled).

The parent process walks the folder and hashes every file (bytes, sidecar and suffix: what its
record depends on besides the path). It skips what the database already holds (the same source
with the same hash, read by the same extractor and model), and records a file whose hash is that
of a stored source at another path (a moved or copied folder, a duplicate) as one more source of
that article, without reading it again. The rest goes to worker processes in small chunks: each
worker loads, cleans and extracts its chunk (``nlp.pipe``) and sends every record back as soon
as it is made; the parent, the only process that writes to the database, commits each one in
its own transaction as it arrives.

Extraction always runs in a child process, also with ``workers=1`` (one child forked from a
server that loaded the model once), so that the parent can kill it: a document gets
``settings.doc_timeout`` seconds. A worker silent for longer is killed (a stuck C routine ignores
signals) and replaced; the unfinished documents of its chunk are retried one per chunk, and a
document that alone overruns the budget is recorded in the ``errors`` table with reason
``timeout``. A file that fails otherwise is recorded there too, and the batch goes on.
"""
from __future__ import annotations

import hashlib
import logging
import math
import multiprocessing as mp
import os
import signal
import threading
import time
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from importlib import metadata
from multiprocessing.connection import wait as wait_any
from pathlib import Path

from extractor.errors import ExtractorError, InputError, ModelError
from extractor.settings import Settings
from extractor.sources import expand
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


def file_hash(path: Path) -> str:
    """sha256 of what a file's record depends on besides its path: its bytes, its ``NAME.meta.json``
    sidecar and its suffix (which decides HTML or text cleaning)."""
    h = hashlib.sha256(path.read_bytes())
    side = path.with_name(path.stem + ".meta.json")
    if side.is_file():
        h.update(b"\0sidecar\0" + side.read_bytes())
    h.update(b"\0suffix\0" + path.suffix.lower().encode("utf-8", "surrogateescape"))
    return h.hexdigest()


# -- work done in the workers -------------------------------------------------------------------
@dataclass
class Outcome:
    """One file's result: a record (as a JSON-ready dict) or an error message with its reason."""

    source: str
    file_hash: str
    record: dict | None = None
    error: str | None = None
    reason: str | None = None  # input, extraction, timeout, crash, read


def _stall() -> None:
    """Testing hook (see ``run_batch(stall=...)``): hang like a rule stuck in C code, deaf to every signal but SIGKILL."""
    signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
    while True:
        time.sleep(3600)


def iter_chunk(ex, chunk: list[tuple[str, str]], stall: frozenset[str] = frozenset()) -> Iterator[Outcome]:
    """Load and extract ``(path, file_hash)`` pairs with ``ex.pipe``, yielding each outcome as soon as
    it is made; a file that fails becomes an error outcome, the others go on."""
    from extractor.clean import load

    loaded = []
    for path, fh in chunk:
        try:
            loaded.append((path, fh, load(path, settings=ex.settings)))
        except ExtractorError as exc:
            yield Outcome(path, fh, error=str(exc), reason="input")
        except Exception as exc:  # a parser bug on one file must not stop the batch
            log.debug("load failed: %s", path, exc_info=True)
            yield Outcome(path, fh, error=f"{path}: {type(exc).__name__}: {exc}", reason="input")

    def articles():
        for path, _, art in loaded:
            if path in stall:
                _stall()
            yield art

    done = 0
    try:
        for (path, fh, _), rec in zip(loaded, ex.pipe(articles())):
            yield Outcome(path, fh, record=rec.model_dump(mode="json"))
            done += 1
    except ModelError:  # no document can be extracted: the batch stops with this one line
        raise
    except Exception:
        log.debug("batch extraction failed; going on one article at a time", exc_info=True)
        for path, fh, art in loaded[done:]:
            try:
                rec = ex.extract_article(art)
            except Exception as exc:
                log.debug("extraction failed: %s", path, exc_info=True)
                yield Outcome(path, fh, error=f"{path}: extraction failed: {type(exc).__name__}: {exc}", reason="extraction")
            else:
                yield Outcome(path, fh, record=rec.model_dump(mode="json"))


def _extractor_for(settings_json: str):
    """The worker's extractor: the one its server built before forking when the settings match."""
    import sys

    from extractor.pipeline import Extractor

    warm = getattr(sys.modules.get("extractor.preload"), "WARM", None)
    wanted = Settings.model_validate_json(settings_json)
    if warm is not None and Settings.model_validate_json(warm[0]).model_copy(update={"doc_timeout": wanted.doc_timeout}) == wanted:
        return warm[1]  # (the time budget is the parent's business, not the extractor's)
    return Extractor(wanted)


def _worker_main(conn, settings_json: str, stall: frozenset[str]) -> None:
    """A worker: receive ``(chunk id, chunk)``, send one ``Outcome`` per document as it is made, then
    ``("done", chunk id)``; ``None`` ends it. Ctrl-C is the parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ex = _extractor_for(settings_json)
    except ExtractorError as exc:
        conn.send(("fatal", str(exc)))
        return
    conn.send(("ready",))  # the time budget starts now, not while the model loads
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        chunk_id, chunk = msg
        try:
            for outcome in iter_chunk(ex, chunk, stall):
                conn.send(outcome)
        except ModelError as exc:
            conn.send(("fatal", str(exc)))
            return
        conn.send(("done", chunk_id))


# -- the worker pool ------------------------------------------------------------------------------
def _start_method() -> str:
    return "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"


def _worker_context(settings: Settings):
    """The multiprocessing context of the workers. With forkserver, the server imports spaCy and
    the rules and builds a warmed-up extractor for ``settings`` once (``extractor.preload``), and
    every worker forks from it with the model loaded. A server already running keeps what it has.
    The server starts with Ctrl-C ignored (the parent handles it), and so do the workers."""
    ctx = mp.get_context(_start_method())
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        from extractor.preload import ENV

        os.environ[ENV] = settings.model_dump_json()  # the server inherits the environment it starts with
        ctx.set_forkserver_preload(["extractor.preload"])
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # inherited by the server: no traceback from it
            try:
                forkserver.ensure_running()
            finally:
                signal.signal(signal.SIGINT, previous)
    return ctx


def _noop() -> None:
    return None


def start_worker_server(settings: Settings | None = None) -> None:
    """Start the server workers fork from and wait until its preloading is done (a no-op without
    forkserver). ``run_batch`` starts it on demand; calling this first moves the imports and the
    model load out of a timed run."""
    ctx = _worker_context(settings or Settings())
    if ctx.get_start_method() == "forkserver":
        proc = ctx.Process(target=_noop)  # the server forks only once its preload is imported
        proc.start()
        proc.join()


@dataclass
class _Chunk:
    id: int
    tasks: dict[str, tuple[str, str]]  # source -> (source, file hash), the unfinished ones
    single: bool  # a retry of one document: its timeout is the document's


class _Worker:
    START_S = 300  # to build its extractor (load the model) when it did not fork from a server that had one

    def __init__(self, ctx, settings_json: str, stall: frozenset[str]):
        self.ready = False
        self.started = time.monotonic()
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, settings_json, stall), daemon=True)
        self.proc.start()
        child.close()
        self.chunks: deque[_Chunk] = deque()  # sent, in the order the worker takes them
        self.deadline: float | None = None

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join()
        self.conn.close()


class WorkerPool:
    """``workers`` extraction processes with a time budget per document (see the module docstring)."""

    PREFETCH = 2  # chunks in flight per worker, so that it never waits for the parent

    def __init__(self, settings: Settings, workers: int, *, stall: frozenset[str] = frozenset()):
        self.settings = settings
        self.workers = workers
        self.stall = stall
        self.budget = settings.doc_timeout
        self.replaced = 0

    def run(self, pending: list[tuple[str, str]]) -> Iterator[Outcome]:
        """Outcomes in the order they finish, each exactly once."""
        if not pending:
            return
        ctx = _worker_context(self.settings)
        size = max(1, min(self.settings.batch_size, math.ceil(len(pending) / (self.workers * 4))))
        queue: deque[_Chunk] = deque(
            _Chunk(i, {s: (s, h) for s, h in pending[j : j + size]}, size == 1) for i, j in enumerate(range(0, len(pending), size))
        )
        self._next_id = len(queue)
        settings_json = self.settings.model_dump_json()
        pool = [_Worker(ctx, settings_json, self.stall) for _ in range(min(self.workers, len(queue)))]
        try:
            while queue or any(w.chunks for w in pool):
                for i, w in enumerate(pool):
                    while queue and len(w.chunks) < self.PREFETCH:
                        chunk = queue.popleft()
                        try:
                            w.conn.send((chunk.id, list(chunk.tasks.values())))
                        except OSError:  # it died while idle
                            queue.appendleft(chunk)
                            w.kill()
                            pool[i] = w = _Worker(ctx, settings_json, self.stall)
                            continue
                        w.chunks.append(chunk)
                        if w.deadline is None and w.ready:
                            w.deadline = time.monotonic() + self.budget
                busy = [w for w in pool if w.chunks]
                timeout = max(0.0, min(w.deadline if w.ready else w.started + w.START_S for w in busy) - time.monotonic())
                wait_any([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout)
                for i, w in enumerate(pool):
                    if not w.chunks:
                        continue
                    died = False
                    try:  # read whatever it sent (also while the parent was busy writing) before judging it
                        while w.chunks and w.conn.poll():
                            yield from self._message(w, w.conn.recv())
                    except (EOFError, OSError):
                        died = True
                    if not w.chunks:
                        continue
                    if not w.ready and not died and time.monotonic() > w.started + w.START_S:
                        raise ExtractorError(f"a batch worker could not build its extractor in {w.START_S}s")
                    if died or not w.proc.is_alive():
                        yield from self._lost(w, queue, "crash")
                    elif w.ready and time.monotonic() >= w.deadline:
                        yield from self._lost(w, queue, "timeout")
                    else:
                        continue
                    pool[i] = _Worker(ctx, settings_json, self.stall)
            for w in pool:
                try:
                    w.conn.send(None)
                except OSError:
                    pass
            for w in pool:
                w.proc.join(timeout=5)
        finally:
            for w in pool:
                w.kill()

    def _message(self, w: _Worker, msg) -> Iterator[Outcome]:
        w.deadline = time.monotonic() + self.budget  # the worker made progress
        if isinstance(msg, Outcome):
            w.chunks[0].tasks.pop(msg.source, None)
            yield msg
        elif msg[0] == "ready":
            w.ready = True
        elif msg[0] == "fatal":  # it could not build its extractor (a missing model): no worker can
            raise ExtractorError(msg[1])
        else:  # ("done", chunk id)
            w.chunks.popleft()
            if not w.chunks:
                w.deadline = None

    def _lost(self, w: _Worker, queue: deque[_Chunk], reason: str) -> Iterator[Outcome]:
        """A worker hung (``reason`` timeout) or died (crash): kill it; the document of a one-document
        chunk failed, the other unfinished documents go back to the front of the queue (the current
        chunk's one by one)."""
        w.kill()
        self.replaced += 1
        if reason == "timeout":
            why = f"timed out after {self.budget:g}s (doc_timeout); its worker was replaced"
        else:
            why = f"the worker extracting it died (exit code {w.proc.exitcode}); it was replaced"
        current, *later = w.chunks
        w.chunks.clear()
        for chunk in reversed(later):
            if chunk.tasks:
                queue.appendleft(chunk)
        if current.single:
            for source, fh in current.tasks.values():
                log.info("%s: %s", source, why)
                yield Outcome(source, fh, error=f"{source}: {why}", reason=reason)
            return
        log.info("a worker %s; retrying the %d unfinished documents of its chunk one by one",
                 "hung" if reason == "timeout" else "died", len(current.tasks))
        for task in reversed(list(current.tasks.values())):
            queue.appendleft(_Chunk(self._new_id(), {task[0]: task}, True))

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id


# -- progress -----------------------------------------------------------------------------------
class Progress:
    """Progress hooks (no-op). ``RichProgress`` draws a bar, ``LogProgress`` logs lines."""

    def start(self, total: int, skipped: int) -> None: ...

    def advance(self, files: int, articles: int) -> None: ...

    def stop(self) -> None: ...


class LogProgress(Progress):
    """Progress as INFO log lines (``-v``), at most one every ``every`` seconds, and at the end."""

    def __init__(self, every: float = 2.0):
        self.every = every
        self.total = self.done = self.articles = 0
        self.t0 = self.last = time.monotonic()

    def start(self, total: int, skipped: int) -> None:
        self.total, self.done = total, skipped
        self.t0 = self.last = time.monotonic()
        log.info("batch: %d files, %d already done", total, skipped)

    def advance(self, files: int, articles: int) -> None:
        self.done += files
        self.articles += articles
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            self._line(now)

    def _line(self, now: float) -> None:
        rate = self.articles / max(now - self.t0, 1e-9)
        log.info("batch: %d/%d files, %d articles extracted (%.1f articles/s)", self.done, self.total, self.articles, rate)

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

    def start(self, total: int, skipped: int) -> None:
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
@dataclass
class BatchSummary:
    files: int = 0
    skipped: int = 0  # unchanged since read by this extractor: not read again
    linked: int = 0  # same bytes as a stored source at another path: added as a source, not read again
    articles: int = 0  # files extracted and stored
    new_articles: int = 0  # of which texts the database did not hold
    facts: int = 0  # facts in the extracted records
    facts_by_type: dict[str, int] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)
    timeouts: int = 0
    elapsed: float = 0.0
    exports: list[tuple[str, Path, int]] = field(default_factory=list)

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.elapsed if self.elapsed else 0.0

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
                f"{len(self.errors)} errors" + (f" ({self.timeouts} timed out)" if self.timeouts else ""),
                f"facts {self.facts}: {by_type}",
            ]
        out.append(f"elapsed {self.elapsed:.1f}s ({self.articles_per_second:.1f} articles/s)")
        out += [f"exported {n} {'records' if fmt == 'jsonl' else 'fact rows'} to {path}" for fmt, path, n in self.exports]
        return out


def run_batch(
    folder: Path,
    db: str | Path,
    *,
    settings: Settings | None = None,
    workers: int = 1,
    pattern: str | None = None,
    force: bool = False,
    jsonl: Path | None = None,
    parquet: Path | None = None,
    csv: Path | None = None,
    progress: Progress | None = None,
    stall: frozenset[str] = frozenset(),
) -> BatchSummary:
    """Extract every article file under ``folder`` into the database ``db`` (an SQLite path or a
    ``postgresql://`` URL); see the module docstring. ``stall`` is for tests: sources whose
    extraction hangs in the worker, deaf to signals, to exercise ``settings.doc_timeout``."""
    settings = settings or Settings()
    progress = progress or Progress()
    if workers < 1:
        raise InputError(f"--workers must be at least 1, got {workers}")
    folder = Path(folder)
    t0 = time.monotonic()
    files = expand([folder], pattern)
    if not files:
        raise InputError(f"{folder}: no article files found (looked for .txt .md .html .htm)")
    summary = BatchSummary(files=len(files))
    stamp = stamp_for(settings)
    sources = [str(f) for f in files]
    with open_store(db, extractor_version=stamp.extractor_version) as store:
        keys = store.resume_keys(stamp)
        pending: list[tuple[str, str]] = []
        for f in files:
            src = str(f)
            try:
                fh = file_hash(f)
            except OSError as exc:
                msg = f"{f}: cannot read: {exc.strerror or exc}"
                store.record_error(src, msg, "read")
                summary.errors.append((src, msg))
                continue
            if force:
                pending.append((src, fh))
            elif keys.by_source.get(src) == fh:
                summary.skipped += 1
            elif fh in keys.by_hash and store.add_source(src, keys.by_hash[fh], fh, stamp):
                summary.linked += 1
            else:
                pending.append((src, fh))
        log.info("%d files: %d unchanged, %d added as sources of stored articles, %d to extract",
                 len(files), summary.skipped, summary.linked, len(pending))
        by_type: Counter[str] = Counter()
        progress.start(len(files), len(files) - len(pending))
        pool = WorkerPool(settings, workers, stall=stall)
        try:
            with closing(pool.run(pending)) as outcomes:
                for o in outcomes:
                    if o.error is not None:
                        store.record_error(o.source, o.error, o.reason or "input")
                        summary.errors.append((o.source, o.error))
                        summary.timeouts += o.reason == "timeout"
                        progress.advance(1, 0)
                        continue
                    result = store.write(o.record, stamp, file_hash=o.file_hash)
                    summary.articles += 1
                    summary.new_articles += result.new_article
                    summary.facts += len(o.record["facts"])
                    by_type.update(f["type"] for f in o.record["facts"])
                    progress.advance(1, 1)
        finally:
            progress.stop()
        summary.facts_by_type = dict(by_type)
        from extractor.consensus import refresh_consensus  # the fact_consensus view's helper tables follow the content

        refresh_consensus(store)
        outs = {fmt: out for fmt, out in (("jsonl", jsonl), ("parquet", parquet), ("csv", csv)) if out}
        if outs:
            written = export_files(store, outs, sources=sources)  # one read of the database for every format
            summary.exports += [(fmt, out, written[fmt]) for fmt, out in outs.items()]
            log.info("exported %s", ", ".join(f"{fmt} to {out}" for fmt, out in outs.items()))
    summary.elapsed = time.monotonic() - t0
    log.info("batch into %s done in %.1fs", display_url(str(db)), summary.elapsed)
    return summary
