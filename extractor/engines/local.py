"""The ``local`` engine: killable worker processes on this machine.

The parent process reads every document once to hash its raw bytes (what resuming compares),
skips what the database already holds (the same source with the same hash, read by the same
extractor and model), and records a document whose hash is that of a stored source at another
path (a moved or copied folder, a duplicate) as one more source of that article, without reading
it again. The rest goes to worker processes in small chunks: each worker loads, cleans and
extracts its chunk (``nlp.pipe``) and sends every record back as soon as it is made.

Extraction always runs in a child process, also with ``workers=1`` (one child forked from a
server that loaded the model once), so that the parent can kill it: a document gets
``settings.doc_timeout`` seconds. A worker silent for longer is killed (a stuck C routine ignores
signals) and replaced; the unfinished documents of its chunk are retried one per chunk, and a
document that alone overruns the budget is an error with reason ``timeout`` (one that alone
kills its worker, reason ``crash``).
"""
from __future__ import annotations

import logging
import math
import multiprocessing as mp
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait as wait_any

from extractor.engines import Engine, Faults, Outcome, Resume
from extractor.engines.work import Task, iter_chunk
from extractor.errors import ExtractorError, InputError, ModelError
from extractor.inputs import Inputs, fetch
from extractor.settings import Settings

log = logging.getLogger(__name__)


def _extractor_for(settings_json: str):
    """The worker's extractor: the one its server built before forking when the settings match."""
    import sys

    from extractor.pipeline import Extractor

    warm = getattr(sys.modules.get("extractor.preload"), "WARM", None)
    wanted = Settings.model_validate_json(settings_json)
    if warm is not None and Settings.model_validate_json(warm[0]).model_copy(update={"doc_timeout": wanted.doc_timeout}) == wanted:
        return warm[1]  # (the time budget is the parent's business, not the extractor's)
    return Extractor(wanted)


def _worker_main(conn, settings_json: str, faults: Faults) -> None:
    """A worker: receive ``(chunk id, chunk)``, send one ``Outcome`` per document as it is made, then
    ``("done", chunk id)``; ``None`` ends it. Ctrl-C is the parent's to handle. A worker whose
    parent is gone (interrupted, killed) ends without a word: nobody is left to tell."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _serve(conn, settings_json, faults)
    except (ConnectionError, EOFError):  # the parent closed its end of the pipe
        return


def _serve(conn, settings_json: str, faults: Faults) -> None:
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
            for outcome in iter_chunk(ex, chunk, faults):
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
    The server starts with Ctrl-C blocked (the parent handles it), and so do the workers."""
    ctx = mp.get_context(_start_method())
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver, resource_tracker

        from extractor.preload import ENV

        os.environ[ENV] = settings.model_dump_json()  # the server inherits the environment it starts with
        ctx.set_forkserver_preload(["extractor.preload"])
        # SIGINT blocked, not ignored, while the server starts: the server inherits the mask (no
        # traceback from it while it preloads), and a Ctrl-C that arrives meanwhile stays pending
        # for this process instead of being dropped (it is raised here once the mask is restored).
        # The forkserver first starts multiprocessing's resource tracker when it is not running,
        # and that start unblocks SIGINT in this thread when it is done (CPython 3.11's
        # resource_tracker.ensure_running): started here first, it leaves the block in place.
        resource_tracker.ensure_running()
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            forkserver.ensure_running()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
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
    tasks: dict[str, Task]  # source -> task, the unfinished ones
    single: bool  # a retry of one document: its timeout is the document's


class _Worker:
    START_S = 300  # to build its extractor (load the model) when it did not fork from a server that had one

    def __init__(self, ctx, settings_json: str, faults: Faults):
        self.ready = False
        self.started = time.monotonic()
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, settings_json, faults), daemon=True)
        self.proc.start()
        child.close()
        self.chunks: deque[_Chunk] = deque()  # sent, in the order the worker takes them
        self.deadline: float | None = None

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join()
        self.conn.close()


def chunk_sizes(n: int, workers: int, batch_size: int) -> list[int]:
    """The sizes of the chunks ``n`` documents are sent in: a quarter of each worker's share, at most
    ``batch_size`` (one ``nlp.pipe`` batch), then smaller as the queue empties (a quarter of each
    worker's share of what is left, at least 4 or the first size if smaller), so that the workers
    run out of work at nearly the same time instead of one waiting on the other's last big chunk.

    >>> chunk_sizes(500, 2, 32)[:14], chunk_sizes(500, 2, 32)[-9:], sum(chunk_sizes(500, 2, 32))
    ([32, 32, 32, 32, 32, 32, 32, 32, 31, 27, 24, 21, 18, 16], [5, 4, 4, 4, 4, 4, 4, 4, 2], 500)
    >>> chunk_sizes(4, 1, 32), chunk_sizes(10, 2, 32), chunk_sizes(3, 1, 1)
    ([1, 1, 1, 1], [2, 2, 2, 2, 2], [1, 1, 1])
    """
    first = max(1, min(batch_size, math.ceil(n / (workers * 4))))
    floor, out, left = min(4, first), [], n
    while left > 0:
        size = min(left, max(floor, min(first, math.ceil(left / (workers * 4)))))
        out.append(size)
        left -= size
    return out


class WorkerPool:
    """``workers`` extraction processes with a time budget per document (see the module docstring)."""

    PREFETCH = 2  # chunks in flight per worker, so that it never waits for the parent

    def __init__(self, settings: Settings, workers: int, *, faults: Faults | None = None, on_wait: Callable[[], None] | None = None,
                 before_wait: Callable[[], None] | None = None):
        self.settings = settings
        self.workers = workers
        self.faults = faults or Faults()
        self.budget = settings.doc_timeout
        self.replaced = 0
        self.on_wait = on_wait  # called once, before the first wait on the workers (``Engine.on_wait``)
        self.before_wait = before_wait  # called before every wait (``Engine.before_wait``)

    def run(self, pending: list[Task]) -> Iterator[Outcome]:
        """Outcomes in the order they finish, each exactly once."""
        if not pending:
            return
        ctx = _worker_context(self.settings)
        queue: deque[_Chunk] = deque()
        j = 0
        for i, size in enumerate(chunk_sizes(len(pending), self.workers, self.settings.batch_size)):
            queue.append(_Chunk(i, {t.source: t for t in pending[j : j + size]}, size == 1))
            j += size
        self._next_id = len(queue)
        settings_json = self.settings.model_dump_json()
        pool = [_Worker(ctx, settings_json, self.faults) for _ in range(min(self.workers, len(queue)))]
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
                            pool[i] = w = _Worker(ctx, settings_json, self.faults)
                            continue
                        w.chunks.append(chunk)
                        if w.deadline is None and w.ready:
                            w.deadline = time.monotonic() + self.budget
                if self.on_wait is not None:
                    self.on_wait()
                    self.on_wait = None
                if self.before_wait is not None:
                    self.before_wait()
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
                    pool[i] = _Worker(ctx, settings_json, self.faults)
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
            for task in current.tasks.values():
                log.info("%s: %s", task.source, why)
                yield Outcome(task.source, task.file_hash, error=f"{task.source}: {why}", reason=reason)
            return
        log.info("a worker %s; retrying the %d unfinished documents of its chunk one by one",
                 "hung" if reason == "timeout" else "died", len(current.tasks))
        for task in reversed(list(current.tasks.values())):
            queue.appendleft(_Chunk(self._new_id(), {task.source: task}, True))

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id


class LocalEngine(Engine):
    """Worker processes on this machine (see the module docstring)."""

    name = "local"
    reports_waits = True

    def describe(self) -> str:
        return f"engine local: {self.workers} worker {'process' if self.workers == 1 else 'processes'}"

    def run(self, inputs: Inputs, resume: Resume) -> Iterator[Outcome]:
        pending: list[Task] = []
        counts = {"skipped": 0, "linked": 0}
        for doc in inputs.docs():
            if doc.error is not None:
                yield Outcome(doc.source, error=doc.error, reason="input")
                continue
            try:
                fh = fetch(doc, self.settings.max_file_bytes).digest()
            except InputError as exc:  # not a regular file, or too large: not read
                yield Outcome(doc.source, error=str(exc), reason="input")
                continue
            except OSError as exc:
                yield Outcome(doc.source, error=f"{doc.source}: cannot read: {exc.strerror or exc}", reason="read")
                continue
            verdict = resume.decide(doc.source, fh)
            if verdict == "skip" or (verdict == "link" and resume.link(doc.source, fh)):
                status = "skipped" if verdict == "skip" else "linked"
                counts[status] += 1
                yield Outcome(doc.source, fh, status=status)
            else:
                pending.append(Task(doc, fh))
        log.info("%d unchanged, %d added as sources of stored articles, %d to extract", counts["skipped"], counts["linked"], len(pending))
        yield from WorkerPool(self.settings, self.workers, faults=self.faults, on_wait=self.on_wait, before_wait=self.before_wait).run(pending)
