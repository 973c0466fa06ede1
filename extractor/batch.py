"""Batch processing: a folder of articles -> the facts database (resumable, parallel, with progress).

The parent process walks the folder, skips what the database already holds (same source,
same file hash, same extractor and model versions), hands the rest in chunks to worker
processes (each builds its ``Extractor`` once and runs ``nlp.pipe`` over a chunk), and is
the only process that writes to the database: one transaction per article. A file that
fails is recorded in the ``errors`` table and the batch goes on.
"""
from __future__ import annotations

import hashlib
import logging
import os
import multiprocessing as mp
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from extractor.errors import ExtractorError, InputError
from extractor.settings import Settings
from extractor.sources import expand
from extractor.store import FactStore, Stamp, export_jsonl, export_parquet

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
    """sha256 of the file bytes and of its ``NAME.meta.json`` sidecar (metadata changes facts too)."""
    h = hashlib.sha256(path.read_bytes())
    side = path.with_name(path.stem + ".meta.json")
    if side.is_file():
        h.update(b"\0sidecar\0" + side.read_bytes())
    return h.hexdigest()


# -- work done in the workers (or in-process) ---------------------------------------------------
@dataclass
class Outcome:
    """One file's result: a record (as a JSON-ready dict) or an error message."""

    source: str
    file_hash: str
    record: dict | None = None
    error: str | None = None


def process_chunk(ex, chunk: list[tuple[str, str]]) -> list[Outcome]:
    """Load and extract ``(path, file_hash)`` pairs with ``ex.pipe``; failures become error outcomes."""
    from extractor.clean import load

    out: dict[str, Outcome] = {}
    loaded = []
    for path, fh in chunk:
        try:
            loaded.append((path, fh, load(path, settings=ex.settings)))
        except ExtractorError as exc:
            out[path] = Outcome(path, fh, error=str(exc))
        except Exception as exc:  # a parser bug on one file must not stop the batch
            log.debug("load failed: %s", path, exc_info=True)
            out[path] = Outcome(path, fh, error=f"{path}: {type(exc).__name__}: {exc}")
    try:
        records = list(ex.pipe(art for _, _, art in loaded))
        for (path, fh, _), rec in zip(loaded, records, strict=True):
            out[path] = Outcome(path, fh, record=rec.model_dump(mode="json"))
    except Exception:
        log.debug("batch extraction failed; retrying the chunk one article at a time", exc_info=True)
        for path, fh, art in loaded:
            try:
                out[path] = Outcome(path, fh, record=ex.extract_article(art).model_dump(mode="json"))
            except Exception as exc:
                log.debug("extraction failed: %s", path, exc_info=True)
                out[path] = Outcome(path, fh, error=f"{path}: extraction failed: {type(exc).__name__}: {exc}")
    return [out[path] for path, _ in chunk]


_WORKER = None


def _init_worker(settings_json: str) -> None:
    """Worker initializer: the extractor (and its model) is built once per process."""
    global _WORKER
    from extractor.pipeline import Extractor

    warm = _preloaded()
    if warm is not None and warm[0] == settings_json:  # forked from a server that built it already
        _WORKER = warm[1]
    else:
        _WORKER = Extractor(Settings.model_validate_json(settings_json))


def _preloaded():
    """The extractor the workers' server built before forking, as ``(settings JSON, Extractor)``."""
    import sys

    module = sys.modules.get("extractor.preload")
    return getattr(module, "WARM", None)


def _work(chunk: list[tuple[str, str]]) -> list[Outcome]:
    return process_chunk(_WORKER, chunk)


# -- progress -----------------------------------------------------------------------------------
class Progress:
    """Progress hooks (no-op). ``RichProgress`` draws a bar."""

    def start(self, total: int, skipped: int) -> None: ...

    def advance(self, files: int, articles: int) -> None: ...

    def stop(self) -> None: ...


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
    skipped: int = 0
    articles: int = 0
    facts: int = 0
    facts_by_type: dict[str, int] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)
    elapsed: float = 0.0
    exports: list[tuple[str, Path, int]] = field(default_factory=list)

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.elapsed if self.elapsed else 0.0

    def lines(self) -> list[str]:
        by_type = ", ".join(f"{t} {n}" for t, n in sorted(self.facts_by_type.items())) or "none"
        out = [
            f"files {self.files}: {self.articles} articles written, {self.skipped} already done (skipped), {len(self.errors)} errors",
            f"facts {self.facts}: {by_type}",
            f"elapsed {self.elapsed:.1f}s ({self.articles_per_second:.1f} articles/s)",
        ]
        out += [f"exported {n} {'fact rows' if fmt == 'parquet' else 'records'} to {path}" for fmt, path, n in self.exports]
        return out


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _start_method() -> str:
    return "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"


def _worker_context(settings: Settings):
    """The multiprocessing context of the workers. With forkserver, the server imports spaCy and
    the rules and builds a warmed-up extractor for ``settings`` once (``extractor.preload``), and
    every worker forks from it with the model loaded. A server already running keeps what it has."""
    ctx = mp.get_context(_start_method())
    if ctx.get_start_method() == "forkserver":
        from extractor.preload import ENV

        os.environ[ENV] = settings.model_dump_json()  # the server inherits the environment it starts with
        ctx.set_forkserver_preload(["extractor.preload"])
    return ctx


def _noop() -> None:
    return None


def start_worker_server(settings: Settings | None = None) -> None:
    """Start the server workers fork from and wait until its preloading is done (a no-op without
    forkserver). ``run_batch`` starts it on demand; calling this first moves the imports and the
    model load out of a timed run, as loading the model beforehand does for the in-process path."""
    ctx = _worker_context(settings or Settings())
    if ctx.get_start_method() == "forkserver":
        proc = ctx.Process(target=_noop)  # the server forks only once its preload is imported
        proc.start()
        proc.join()


def run_batch(
    folder: Path,
    db: Path,
    *,
    settings: Settings | None = None,
    workers: int = 1,
    pattern: str | None = None,
    force: bool = False,
    jsonl: Path | None = None,
    parquet: Path | None = None,
    progress: Progress | None = None,
) -> BatchSummary:
    """Extract every article file under ``folder`` into the database ``db``; see the module docstring."""
    settings = settings or Settings()
    progress = progress or Progress()
    if workers < 1:
        raise InputError(f"--workers must be at least 1, got {workers}")
    folder = Path(folder)
    t0 = time.monotonic()
    files = expand([folder], pattern)
    summary = BatchSummary(files=len(files))
    stamp = stamp_for(settings)
    sources = [str(f) for f in files]
    with FactStore(db, extractor_version=stamp.extractor_version) as store:
        done = {} if force else store.done_keys(stamp)
        pending: list[tuple[str, str]] = []
        for f in files:
            try:
                fh = file_hash(f)
            except OSError as exc:
                msg = f"{f}: cannot read: {exc.strerror or exc}"
                store.record_error(str(f), msg)
                summary.errors.append((str(f), msg))
                continue
            if done.get(str(f)) == fh:
                summary.skipped += 1
            else:
                pending.append((str(f), fh))
        by_type: Counter[str] = Counter()
        progress.start(len(files), summary.skipped + len(summary.errors))
        try:
            for outcomes in _results(pending, settings, workers):
                n_articles = 0
                for o in outcomes:
                    if o.error is not None:
                        store.record_error(o.source, o.error)
                        summary.errors.append((o.source, o.error))
                        continue
                    summary.facts += store.write(o.record, stamp, file_hash=o.file_hash)
                    by_type.update(f["type"] for f in o.record["facts"])
                    n_articles += 1
                summary.articles += n_articles
                progress.advance(len(outcomes), n_articles)
        finally:
            progress.stop()
        summary.facts_by_type = dict(by_type)
        if jsonl:
            summary.exports.append(("jsonl", jsonl, export_jsonl(store, jsonl, sources=sources)))
        if parquet:
            summary.exports.append(("parquet", parquet, export_parquet(store, parquet, sources=sources)))
    summary.elapsed = time.monotonic() - t0
    return summary


def _results(pending: list[tuple[str, str]], settings: Settings, workers: int) -> Iterator[list[Outcome]]:
    """Outcomes chunk by chunk, from one in-process extractor or a pool of ``workers`` processes."""
    if not pending:
        return
    if workers == 1 or len(pending) <= settings.batch_size:
        from extractor.pipeline import Extractor

        ex = Extractor(settings)
        for chunk in _chunks(pending, settings.batch_size):
            yield process_chunk(ex, chunk)
        return
    size = max(1, min(settings.batch_size, len(pending) // (workers * 4)))
    ctx = _worker_context(settings)
    pool = ctx.Pool(workers, initializer=_init_worker, initargs=(settings.model_dump_json(),))
    try:
        yield from pool.imap_unordered(_work, _chunks(pending, size))
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
