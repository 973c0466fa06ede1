"""The work done per document, the same in every engine's workers: read, clean, extract.

``iter_chunk`` loads a chunk of documents and extracts them with one ``Extractor.pipe`` (the
spaCy components see the whole chunk at once), yielding each outcome as soon as it is made; a
document that fails becomes an error outcome and the others go on. The test hooks of ``Faults``
fire here, in the worker, just before the document is extracted.
"""
from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from extractor.engines import Faults, Outcome
from extractor.errors import ExtractorError, ModelError
from extractor.inputs import Doc, RawFile, RawRow, read_article

log = logging.getLogger(__name__)


@dataclass
class Task:
    """A document to extract: where it is, its raw-bytes hash, and its bytes when already read."""

    doc: Doc
    file_hash: str | None
    raw: RawFile | RawRow | None = None

    @property
    def source(self) -> str:
        return self.doc.source


def _stall() -> None:
    """Hang like a rule stuck in C code, deaf to every signal but SIGKILL."""
    signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
    while True:
        time.sleep(3600)


def _gate(folder: str) -> None:
    """Say where we are (``folder/pid``) and wait until ``folder/go`` exists (at most a minute)."""
    base = Path(folder)
    tmp = base / f"pid.{os.getpid()}"
    tmp.write_text(str(os.getpid()))
    tmp.replace(base / "pid")
    deadline = time.monotonic() + 60
    while not (base / "go").exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def _note(faults: Faults, hook: str, source: str) -> None:
    if faults.log is not None:
        with open(faults.log, "a", encoding="utf-8") as fh:  # one short append: whole lines, also from several processes
            fh.write(f"{hook} {source}\n")


def trip(faults: Faults, source: str) -> None:
    """Fire the test hooks of ``source``, if any."""
    if source in faults.stall:
        _note(faults, "stall", source)
        _stall()
    if source in faults.crash:
        _note(faults, "crash", source)
        os.kill(os.getpid(), signal.SIGKILL)
    if faults.gate is not None and source == faults.gate[0]:
        _note(faults, "gate", source)
        _gate(faults.gate[1])


def load_task(task: Task, settings):
    return task.raw.article(settings) if task.raw is not None else read_article(task.doc, settings)


def iter_chunk(ex, chunk: list[Task], faults: Faults = Faults()) -> Iterator[Outcome]:
    """Load and extract ``chunk`` with ``ex.pipe``, yielding each outcome as soon as it is made."""
    loaded = []
    for task in chunk:
        src, fh = task.source, task.file_hash
        try:
            loaded.append((task, load_task(task, ex.settings)))
        except ExtractorError as exc:
            yield Outcome(src, fh, error=str(exc), reason="input")
        except Exception as exc:  # a parser bug on one file must not stop the batch
            log.debug("load failed: %s", src, exc_info=True)
            yield Outcome(src, fh, error=f"{src}: {type(exc).__name__}: {exc}", reason="input")

    def articles():
        for task, art in loaded:
            trip(faults, task.source)
            yield art

    done = 0
    try:
        for (task, _), rec in zip(loaded, ex.pipe(articles())):
            yield Outcome(task.source, task.file_hash, record=rec.model_dump(mode="json"))
            done += 1
    except ModelError:  # no document can be extracted: the batch stops with this one line
        raise
    except Exception:
        log.debug("batch extraction failed; going on one article at a time", exc_info=True)
        for task, art in loaded[done:]:
            try:
                rec = ex.extract_article(art)
            except Exception as exc:
                log.debug("extraction failed: %s", task.source, exc_info=True)
                yield Outcome(task.source, task.file_hash, error=f"{task.source}: extraction failed: {type(exc).__name__}: {exc}",
                              reason="extraction")
            else:
                yield Outcome(task.source, task.file_hash, record=rec.model_dump(mode="json"))
