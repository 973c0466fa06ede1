"""The ``ray`` engine: extraction in a Ray Data actor pool, on a local Ray runtime or a cluster.

The documents flow as one Ray Data dataset: the list of article files (their names only: the
actors read them, through ``pyarrow.fs`` for a URI) and the rows of the tables (read by Ray Data's
Parquet and JSON readers, spread over the cluster). Each actor of the pool (``--workers``
actors, ``--cpus-per-actor`` CPUs reserved each) builds one ``Extractor`` when it starts, so the
model is loaded once per actor, and then, for each batch of documents: reads them, hashes their
raw bytes, decides skip / link / extract against the database's resume keys (a compact copy sent
once to every actor), and extracts the rest with ``extractor.engines.work`` (the local engine's
code: the same records). The records stream back to the driver, which writes each one to the
database in its own transaction as it arrives; Ray Data's streaming executor holds back the
actors when the driver (the database) is the slower side.

Faults. Ray restarts an actor that dies and runs its batch again, so nothing is lost; every write
is idempotent, so a batch that runs twice stores the same rows. A supervisor actor keeps the
time budget (``--doc-timeout``): an actor silent for longer is killed (``ray.kill``: a rule stuck
in C code ignores signals) and Ray restarts it. A batch whose previous attempt died runs again one
document at a time, each announced to the supervisor first; a document whose lone attempt killed
its actor (or overran the budget) is recorded in ``errors`` (reason ``crash`` or ``timeout``)
instead of being tried a third time. So a poisonous document costs a bounded number of retries.
"""
from __future__ import annotations

import hashlib
import logging
import math
import os
import pickle
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from extractor.engines import Engine, Faults, Outcome, RayOptions, Resume
from extractor.engines.work import Task, iter_chunk
from extractor.errors import EngineError, ExtractorError, InputError, ModelError
from extractor.inputs import Inputs, doc_from_row, fetch, is_uri, json_parse_options, normalize_table, split_uri
from extractor.settings import Settings

log = logging.getLogger(__name__)

READ_CPUS = 0.25  # reserved per reading task (Parquet/JSON readers): small, so that readers fit beside the actors
INPUT_COLUMNS = ("source", "file", "text", "html", "url", "published")
FATAL = "fatal"


def import_ray():
    """Ray, or one line saying how to install it (never a silent fall-back to processes)."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise EngineError("--engine ray needs Ray, which is not installed: pip install 'extractor[ray]'") from None
    return ray


def input_schema():
    import pyarrow as pa

    return pa.schema([(c, pa.string()) for c in INPUT_COLUMNS])


def output_schema():
    import pyarrow as pa

    return pa.schema([("source", pa.string()), ("file_hash", pa.string()), ("status", pa.string()), ("record", pa.binary()),
                      ("error", pa.string()), ("reason", pa.string()), ("row", pa.binary())])


def _with_file_column(batch):
    """A normalized table batch with the ``file`` column (null) of the input schema."""
    import pyarrow as pa

    table = normalize_table(batch)
    return pa.Table.from_arrays([*(table.column(c) for c in ("source",)), pa.nulls(table.num_rows, pa.string()),
                                 *(table.column(c) for c in ("text", "html", "url", "published"))], schema=input_schema())


# -- the supervisor: the time budget and bounded retries ------------------------------------------
@dataclass
class _Busy:
    """An actor at work, as the supervisor sees it."""

    handle: object  # the actor's handle (to kill it)
    pid: int  # its process: a restarted actor has another one
    batch: str  # the key of the batch it runs
    token: int  # this attempt of the batch (calls about an earlier attempt are ignored)
    alone: str | None  # the document it runs alone (a batch run one document at a time), if any
    deadline: float  # it must say something before this (time.monotonic())


class Supervisor:
    """Keeps the time budget of the extraction actors and remembers which documents killed one.

    Actors call ``begin`` at the start of each batch (its answer: run it one document at a time,
    because its previous attempt died, and a token naming this attempt), ``begin_doc`` before each
    document of such a batch (its answer: the reason to record instead of trying it again, or None),
    ``tick`` when they make progress and ``end`` when the batch is done. A watchdog thread kills an
    actor silent for longer than the budget; one that died meanwhile (its batch is being retried) is
    left alone.

    The supervisor is a threaded actor, so calls from one actor may run out of order (Ray keeps the
    order of calls from one caller only for actors that run one call at a time): every call after
    ``begin`` names its attempt by the token, and a call about another attempt changes nothing of
    the current one (a late ``end`` of the previous batch once removed the current one, so that a
    document that killed its actor alone was not remembered and killed it a third time)."""

    def __init__(self, budget: float):
        self.budget = budget
        self.lock = threading.Lock()
        self.batches: dict[str, str] = {}  # batch key -> running | done
        self.busy: dict[str, _Busy] = {}  # actor id -> what it runs
        self.alone: set[str] = set()  # documents whose lone attempt began and did not end
        self.verdict: dict[str, str] = {}  # such a document -> timeout, when the watchdog killed its actor
        self.tokens = 0
        self.kills = 0
        self.began: float | None = None  # time.time() of the first batch begun
        threading.Thread(target=self._watch, daemon=True).start()

    def begin(self, handle, aid: str, pid: int, key: str) -> tuple[bool, int]:
        with self.lock:
            self.began = self.began or time.time()
            careful = self.batches.get(key) == "running"
            self.batches[key] = "running"
            self.tokens += 1
            token = self.tokens
            self.busy[aid] = _Busy(handle, pid, key, token, None, time.monotonic() + self.budget)  # (replaces a stale entry: its attempt died)
        return careful, token

    def _current(self, aid: str, token: int) -> _Busy | None:
        """The entry of attempt ``token`` of actor ``aid``, or None when it is not the current one."""
        entry = self.busy.get(aid)
        return entry if entry is not None and entry.token == token else None

    def begin_doc(self, aid: str, token: int, source: str) -> str | None:
        with self.lock:
            entry = self._current(aid, token)
            if entry is not None:
                if entry.alone is not None:  # the previous document of this attempt ended
                    self.alone.discard(entry.alone)
                    entry.alone = None
                entry.deadline = time.monotonic() + self.budget
            if source in self.alone:  # its lone attempt began and never ended
                return self.verdict.get(source, "crash")
            if entry is None:  # not the current attempt (the watchdog took it for dead): no deadline to keep
                return None
            self.alone.add(source)
            entry.alone = source
        return None

    def tick(self, aid: str, token: int) -> None:
        with self.lock:
            entry = self._current(aid, token)
            if entry is not None:
                entry.deadline = time.monotonic() + self.budget

    def end(self, aid: str, token: int, key: str) -> None:
        with self.lock:
            self.batches[key] = "done"
            entry = self._current(aid, token)
            if entry is not None:
                del self.busy[aid]
                if entry.alone is not None:
                    self.alone.discard(entry.alone)

    def stats(self) -> dict:
        with self.lock:
            return {"kills": self.kills, "began": self.began}

    @staticmethod
    def _same_process(aid: str, pid: int) -> bool:
        """Is actor ``aid`` alive in process ``pid``? (No when it died and Ray is restarting it.)"""
        try:
            from ray._private import state

            info = state.actors(actor_id=aid)
        except Exception:  # the state API moved: assume it is (a needless kill costs one retry)
            log.debug("actor state unavailable", exc_info=True)
            return True
        return info.get("State") == "ALIVE" and info.get("Pid") == pid

    def _watch(self) -> None:
        import ray

        while True:
            time.sleep(min(0.1, self.budget / 10))
            now = time.monotonic()
            with self.lock:
                late = [(aid, e) for aid, e in self.busy.items() if now > e.deadline]
            for aid, e in late:
                alive = self._same_process(aid, e.pid)
                with self.lock:
                    if self.busy.get(aid) is not e or e.deadline >= time.monotonic():
                        continue  # it spoke meanwhile
                    del self.busy[aid]
                    if not alive:
                        continue  # it died by itself: its batch runs again (a crash, not a timeout)
                    if e.alone is not None:
                        self.verdict[e.alone] = "timeout"
                    self.kills += 1
                log.info("actor %s silent for %.1fs: killed (Ray restarts it)", aid[:8], self.budget)
                try:
                    ray.kill(e.handle, no_restart=False)
                except Exception:  # already dead
                    log.debug("kill failed", exc_info=True)


# -- the actors -------------------------------------------------------------------------------------
class ExtractActor:
    """One actor of the pool: one ``Extractor`` (the model loaded once), many batches."""

    def __init__(self, settings_json: str, stamp, resume_ref, supervisor, faults: Faults):
        import ray

        from extractor.batch import stamp_for
        from extractor.longrun import settle_process, warm_up
        from extractor.pipeline import Extractor

        self.settings = Settings.model_validate_json(settings_json)
        self.faults = faults
        self.fatal = None
        self.ex = None
        try:
            self.ex = Extractor(self.settings)
            warm_up(self.ex)
            settle_process()
        except ExtractorError as exc:
            self.fatal = str(exc)
        mine = stamp_for(self.settings)
        if self.fatal is None and mine != stamp:
            self.fatal = (f"the Ray workers run extractor {mine.extractor_version} with model {mine.model_name} {mine.model_version}, "
                          f"the driver extractor {stamp.extractor_version} with {stamp.model_name} {stamp.model_version}: "
                          "install the same versions on every node")
        ref = resume_ref[0] if resume_ref else None
        self.resume = ray.get(ref) if isinstance(ref, ray.ObjectRef) else ref
        self.sup = supervisor
        self.me = ray.get_runtime_context().current_actor
        self.aid = ray.get_runtime_context().get_actor_id()
        self.tick_every = max(0.05, self.settings.doc_timeout / 10)
        self.last_tick = 0.0
        self.token = 0  # the supervisor's name for the batch attempt under way

    def _tick(self) -> None:
        now = time.monotonic()
        if now - self.last_tick >= self.tick_every:
            self.last_tick = now
            self.sup.tick.remote(self.aid, self.token)

    def __call__(self, batch):
        import ray

        rows = batch.to_pylist()
        out: list[tuple[Outcome, dict | None]] = []
        if self.fatal is not None:
            return _table([(Outcome(r["source"] or "", error=self.fatal, status=FATAL), None) for r in rows[:1]])
        key = hashlib.sha256("\0".join(r["source"] or r["file"] or "" for r in rows).encode("utf-8", "surrogateescape")).hexdigest()
        careful, self.token = ray.get(self.sup.begin.remote(self.me, self.aid, os.getpid(), key))
        try:
            if not careful:
                self._process(rows, out)
            else:
                for row in rows:
                    doc = doc_from_row(row)
                    verdict = ray.get(self.sup.begin_doc.remote(self.aid, self.token, doc.source))
                    if verdict is None:
                        self._process([row], out)
                    elif verdict == "timeout":
                        why = f"timed out after {self.settings.doc_timeout:g}s (doc_timeout); its worker was replaced"
                        out.append((Outcome(doc.source, error=f"{doc.source}: {why}", reason="timeout"), None))
                    else:
                        why = "the Ray actor extracting it died, also when it was tried alone; it was replaced"
                        out.append((Outcome(doc.source, error=f"{doc.source}: {why}", reason="crash"), None))
        except ModelError as exc:
            out = [(Outcome(rows[0]["source"] or "", error=str(exc), status=FATAL), None)]
        self.sup.end.remote(self.aid, self.token, key)
        return _table(out)

    def _process(self, rows: list[dict], out: list) -> None:
        tasks = []
        for row in rows:
            doc = doc_from_row(row)
            if doc.error is not None:
                out.append((Outcome(doc.source, error=doc.error, reason="input"), None))
                continue
            try:
                raw = fetch(doc, self.settings.max_file_bytes)
            except InputError as exc:  # not a regular file, or too large: not read
                out.append((Outcome(doc.source, error=str(exc), reason="input"), None))
                continue
            except OSError as exc:
                out.append((Outcome(doc.source, error=f"{doc.source}: cannot read: {exc.strerror or exc}", reason="read"), None))
                continue
            fh = raw.digest()
            verdict = "extract" if self.resume is None else self.resume.decide(doc.source, fh)
            if verdict == "extract":
                tasks.append(Task(doc, fh, raw))
            else:
                out.append((Outcome(doc.source, fh, status="skipped" if verdict == "skip" else "link"), row if verdict == "link" else None))
        self._tick()
        for outcome in iter_chunk(self.ex, tasks, self.faults):
            out.append((outcome, None))
            self._tick()


def _table(items: list[tuple[Outcome, dict | None]]):
    import pyarrow as pa

    cols = {name: [] for name in output_schema().names}
    for o, row in items:
        cols["source"].append(o.source)
        cols["file_hash"].append(o.file_hash)
        cols["status"].append(o.kind)
        cols["record"].append(None if o.record is None else pickle.dumps(o.record, protocol=pickle.HIGHEST_PROTOCOL))
        cols["error"].append(o.error)
        cols["reason"].append(o.reason)
        cols["row"].append(None if row is None else pickle.dumps(row, protocol=pickle.HIGHEST_PROTOCOL))
    return pa.Table.from_pydict(cols, schema=output_schema())


# -- the engine ---------------------------------------------------------------------------------
class RayEngine(Engine):
    """A Ray Data actor pool (see the module docstring)."""

    name = "ray"

    def __init__(self, settings: Settings, workers: int, options: RayOptions, faults: Faults | None = None):
        super().__init__(settings, workers, faults)
        if options.cpus_per_actor is not None and options.cpus_per_actor <= 0:
            raise EngineError(f"--cpus-per-actor must be more than 0, got {options.cpus_per_actor:g}")
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no network at run time
        os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")  # Ray's C++ notes on stderr; the errors that matter reach us as exceptions
        ray = import_ray()
        self.ray = ray
        self.options = options
        self.owns_runtime = False
        if ray.is_initialized():
            self.where = "the Ray runtime of this process"
        else:
            self._connect()
        cpus = float(ray.cluster_resources().get("CPU", 0))
        if options.cpus_per_actor is not None:
            self.cpus_per_actor = options.cpus_per_actor
        else:  # the actors hold their CPUs for the whole run: leave the table readers theirs
            self.cpus_per_actor = max(0.01, math.floor(min(1.0, (cpus - READ_CPUS) / workers) * 100) / 100)
        need = workers * self.cpus_per_actor + READ_CPUS
        if need > cpus + 1e-9:
            raise EngineError(f"--workers {workers} x {self.cpus_per_actor:g} CPUs per actor (+ {READ_CPUS:g} for reading) needs {need:g} CPUs, "
                              f"but the Ray cluster has {cpus:g}: use fewer --workers or a smaller --cpus-per-actor")
        self._quiet_ray_data()

    def _connect(self) -> None:
        ray = self.ray
        kwargs = {"logging_level": logging.ERROR, "log_to_driver": False, "configure_logging": True}
        try:
            if self.options.address:
                _use_token_if_any()
                ray.init(address=self.options.address, **kwargs)
                self.where = f"the Ray cluster at {self.options.address}"
            else:
                ray.init(include_dashboard=False, **kwargs)
                self.where = "a local Ray runtime"
        except (ConnectionError, RuntimeError, ValueError, TimeoutError) as exc:
            target = self.options.address or "a local runtime"
            raise EngineError(f"cannot start Ray ({target}): {str(exc).strip().splitlines()[0]}") from None
        self.owns_runtime = True

    @staticmethod
    def _quiet_ray_data() -> None:
        from ray.data import DataContext

        for name in ("ray", "ray.data"):  # the summary and our own log lines say what happened
            logging.getLogger(name).setLevel(logging.ERROR)
        ctx = DataContext.get_current()
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False
        if hasattr(ctx, "use_datasource_v2"):  # its file-listing task asks for a whole CPU, which the actors hold: a deadlock
            ctx.use_datasource_v2 = False

    def describe(self) -> str:
        return f"engine ray: {self.workers} {'actor' if self.workers == 1 else 'actors'} ({self.cpus_per_actor:g} CPU each) on {self.where}"

    # -- the dataset ----------------------------------------------------------------------------
    def _files(self, files: list[str], batch: int):
        import pyarrow as pa

        table = pa.Table.from_pydict({"source": files, "file": files, **{c: [None] * len(files) for c in INPUT_COLUMNS[2:]}},
                                     schema=input_schema())
        blocks = [table.slice(i, batch) for i in range(0, table.num_rows, batch)]
        return self.ray.data.from_arrow(blocks)

    def _tables(self, tables: list[str]):
        ray = self.ray
        out = []
        for suffix in (".parquet", ".jsonl"):
            names = [t for t in tables if t.lower().endswith(suffix)]
            if not names:
                continue
            fs = None
            paths = names
            if is_uri(names[0]):
                fs = split_uri(names[0])[0]
                paths = [split_uri(n)[1] for n in names]
            if suffix == ".parquet":
                self._check_parquet(names)
                ds = ray.data.read_parquet(paths, filesystem=fs, num_cpus=READ_CPUS)
            else:
                ds = ray.data.read_json(paths, filesystem=fs, num_cpus=READ_CPUS, file_extensions=None,  # (Arrow's reader: JSON Lines)
                                        parse_options=json_parse_options())
            out.append(ds.map_batches(_with_file_column, batch_format="pyarrow", num_cpus=READ_CPUS))
        return out

    @staticmethod
    def _check_parquet(names: list[str]) -> None:
        """A table without the columns of articles is one error line before anything runs."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        for name in names:
            fs, path = (split_uri(name)[:2]) if is_uri(name) else (None, name)
            schema = pq.read_schema(path, filesystem=fs)
            normalize_table(pa.table({c: pa.nulls(0, schema.field(c).type) for c in schema.names}), name)

    def _dataset(self, inputs: Inputs, rows: list[dict] | None = None):
        batch = self.settings.batch_size
        if rows is not None:
            import pyarrow as pa

            parts = [self.ray.data.from_arrow(pa.Table.from_pylist(rows, schema=input_schema()))]
        else:
            parts = ([self._files(inputs.files, batch)] if inputs.files else []) + self._tables(inputs.tables)
        ds = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
        return ds

    def _extract(self, ds, resume_ref, supervisor, stamp):
        ray = self.ray
        return ds.map_batches(
            ExtractActor,
            fn_constructor_kwargs={"settings_json": self.settings.model_dump_json(), "stamp": stamp, "resume_ref": [resume_ref],
                                   "supervisor": supervisor, "faults": self.faults},
            batch_size=self.settings.batch_size,
            batch_format="pyarrow",
            zero_copy_batch=True,
            compute=ray.data.ActorPoolStrategy(size=self.workers),
            num_cpus=self.cpus_per_actor,
        )

    def run(self, inputs: Inputs, resume: Resume) -> Iterator[Outcome]:
        from extractor.batch import stamp_for

        ray = self.ray
        stamp = stamp_for(self.settings)
        supervisor = ray.remote(num_cpus=0, max_concurrency=16)(Supervisor).remote(self.settings.doc_timeout)
        portable = resume.portable()
        resume_ref = ray.put(portable) if portable is not None else None
        retry: list[dict] = []
        if self.on_wait is not None:  # the pipeline is set up; iterating it starts the actors and waits on them
            self.on_wait()
        try:
            yield from self._stream(self._extract(self._dataset(inputs), resume_ref, supervisor, stamp), resume, retry)
            if retry:  # linked sources the store refused (the article changed meanwhile): extract them after all
                log.info("%d documents to extract after all (their stored article changed)", len(retry))
                again = self._extract(self._dataset(inputs, rows=retry), None, supervisor, stamp)
                yield from self._stream(again, Resume(None), [])
            stats = ray.get(supervisor.stats.remote())
            self.began = stats["began"]
            if stats["kills"]:
                log.info("%d actors killed for overrunning the time budget", stats["kills"])
        finally:
            ray.kill(supervisor)

    def _stream(self, ds, resume: Resume, retry: list[dict]) -> Iterator[Outcome]:
        try:
            for batch in ds.iter_batches(batch_size=None, batch_format="pyarrow"):
                for r in batch.to_pylist():
                    if r["status"] == FATAL:
                        raise EngineError(r["error"])
                    if r["status"] == "link":
                        if resume.link(r["source"], r["file_hash"]):
                            yield Outcome(r["source"], r["file_hash"], status="linked")
                        else:
                            retry.append(pickle.loads(r["row"]))
                        continue
                    record = None if r["record"] is None else pickle.loads(r["record"])
                    yield Outcome(r["source"], r["file_hash"], record=record, error=r["error"], reason=r["reason"],
                                  status=r["status"] if r["status"] in ("skipped",) else "")
        except ExtractorError:
            raise
        except self.ray.exceptions.RayError as exc:
            raise EngineError(f"the Ray pipeline failed: {_first_line(exc)}") from None

    def close(self) -> None:
        if self.owns_runtime and self.ray.is_initialized():
            self.ray.shutdown()


def _use_token_if_any() -> None:
    """Connecting to a cluster that ``ray start --head`` made with token authentication (Ray's
    default) needs ``RAY_AUTH_MODE=token`` on this side too: set it when a token is at hand
    (``RAY_AUTH_TOKEN``, ``RAY_AUTH_TOKEN_PATH`` or ``~/.ray/auth_token``) and the mode is not set."""
    from pathlib import Path

    if "RAY_AUTH_MODE" in os.environ:
        return
    if os.environ.get("RAY_AUTH_TOKEN") or os.environ.get("RAY_AUTH_TOKEN_PATH") or (Path.home() / ".ray" / "auth_token").is_file():
        os.environ["RAY_AUTH_MODE"] = "token"


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    tail = [line for line in lines if ExtractorError.__name__ in line or "Error" in line]
    return (tail[-1] if tail else lines[0] if lines else type(exc).__name__)[:500]
