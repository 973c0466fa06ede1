"""Batch engines: where the documents of a batch are read and extracted.

An engine turns the ``Inputs`` of a batch into a stream of ``Outcome``s, one per document: a
record to store, an error, or a document the database already holds (skipped: same source and
raw bytes; linked: the same bytes as a stored source, added as one more source of its article).
The batch driver (``extractor.batch``) is the only writer: it stores each outcome as it arrives,
in its own transaction, whatever the engine. Both engines run the same code per document
(``work.py``), so they give the same records, byte for byte, and the same time budget per
document (``Settings.doc_timeout``).

* ``local`` (``local.py``): killable worker processes on this machine, forked from a server that
  loaded the model once.
* ``ray`` (``ray.py``): a Ray Data actor pool, on a local Ray runtime or a cluster (the optional
  extra ``ray``).
"""
from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from extractor.errors import InputError
from extractor.inputs import Inputs
from extractor.settings import Settings
from extractor.store import ResumeKeys

ENGINES = ("local", "ray")


@dataclass
class Outcome:
    """What became of one document: a record (a JSON-ready dict), an error with its reason, or
    ``status`` skipped / linked (nothing to write but the source)."""

    source: str
    file_hash: str | None = None
    record: dict | None = None
    error: str | None = None
    reason: str | None = None  # input, extraction, timeout, crash, read
    status: str = ""  # skipped, linked; derived for records and errors

    @property
    def kind(self) -> str:
        if self.record is not None:
            return "record"
        if self.error is not None:
            return "error"
        return self.status


@dataclass(frozen=True)
class Faults:
    """Test hooks, by source. ``stall``: the document hangs its worker, deaf to every signal but
    SIGKILL (a rule stuck in C code). ``crash``: it kills its worker process (SIGKILL, as a
    segfault would). ``gate`` = (source, folder): the worker writes its pid to ``folder/pid`` and
    waits (up to a minute) until ``folder/go`` exists, so that a test can kill it mid-document.
    ``log``: a file each hook appends ``HOOK SOURCE`` to when it fires (how often a document was tried)."""

    stall: frozenset[str] = frozenset()
    crash: frozenset[str] = frozenset()
    gate: tuple[str, str] | None = None
    log: str | None = None


@dataclass(frozen=True)
class RayOptions:
    """The ``ray`` engine's options (``--address``, ``--cpus-per-actor``)."""

    address: str | None = None  # an existing cluster (host:port, ray://host:10001, auto); None: start a local runtime
    cpus_per_actor: float | None = None  # CPUs reserved per actor; None: the cluster's CPUs less READ_CPUS, shared, at most 1


def _pair_key(source: str, file_hash: str) -> bytes:
    return hashlib.blake2b(f"{source}\0{file_hash}".encode("utf-8", "surrogateescape"), digest_size=16).digest()


class ResumeFilter:
    """What a remote worker needs to decide skip / link / extract, compact (16 bytes per stored
    source and per stored file hash) so that every actor can hold it."""

    def __init__(self, keys: ResumeKeys):
        self.done = frozenset(_pair_key(s, h) for s, h in keys.by_source.items())
        self.known = frozenset(bytes.fromhex(h)[:16] for h in keys.by_hash)

    def decide(self, source: str, file_hash: str) -> str:
        if _pair_key(source, file_hash) in self.done:
            return "skip"
        if bytes.fromhex(file_hash)[:16] in self.known:
            return "link"
        return "extract"


class Resume:
    """Which documents the database already holds (its resume keys when the batch started; ``None``
    with ``--force``): ``decide`` says skip, link or extract; ``link`` adds a linked source (in the
    driver's store) and says False when it must be extracted after all."""

    def __init__(self, keys: ResumeKeys | None, link: Callable[[str, str, str], bool] | None = None):
        self.keys = keys
        self._link = link

    def decide(self, source: str, file_hash: str) -> str:
        if self.keys is None:
            return "extract"
        if self.keys.by_source.get(source) == file_hash:
            return "skip"
        if file_hash in self.keys.by_hash:
            return "link"
        return "extract"

    def link(self, source: str, file_hash: str) -> bool:
        article = self.keys.by_hash.get(file_hash) if self.keys else None
        return article is not None and self._link is not None and self._link(source, article, file_hash)

    def portable(self) -> ResumeFilter | None:
        return None if self.keys is None else ResumeFilter(self.keys)


class Engine(ABC):
    """Extracts the documents of a batch (see the module docstring). A context manager."""

    name = ""
    reports_waits = False  # calls ``before_wait`` before every wait on its workers

    def __init__(self, settings: Settings, workers: int, faults: Faults | None = None):
        if workers < 1:
            raise InputError(f"--workers must be at least 1, got {workers}")
        self.settings = settings
        self.workers = workers
        self.faults = faults or Faults()
        # when the first document began (time.time()), for engines whose outcomes arrive in batches
        # (the start-up is then until the workers began, not until the first batch came back)
        self.began: float | None = None
        # called once, when the workers have their first documents and the engine begins to wait
        # for them: the driver's first idle moment (``extractor.batch`` imports what it needs after
        # the batch then)
        self.on_wait: Callable[[], None] | None = None
        # called before every wait of the driver on the workers, by an engine whose ``reports_waits``
        # is true (``extractor.batch`` commits then, in one transaction, what arrived meanwhile)
        self.before_wait: Callable[[], None] | None = None

    @abstractmethod
    def describe(self) -> str:
        """One line for the summary: the engine and its workers."""

    @abstractmethod
    def run(self, inputs: Inputs, resume: Resume) -> Iterator[Outcome]:
        """One outcome per document of ``inputs``, in the order they are ready."""

    def close(self) -> None:
        return None

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def make_engine(name: str, settings: Settings, workers: int = 1, *, ray: RayOptions | None = None,
                faults: Faults | None = None) -> Engine:
    """The engine called ``name`` (``local`` or ``ray``), started."""
    if name == "local":
        if ray is not None and (ray.address or ray.cpus_per_actor):
            raise InputError("--address and --cpus-per-actor are options of --engine ray")
        from extractor.engines.local import LocalEngine

        return LocalEngine(settings, workers, faults)
    if name == "ray":
        from extractor.engines.ray import RayEngine

        return RayEngine(settings, workers, ray or RayOptions(), faults)
    raise InputError(f"unknown engine {name!r} (use one of: {', '.join(ENGINES)})")
