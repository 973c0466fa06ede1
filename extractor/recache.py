"""Compiled regular expressions kept on disk from one run to the next (start-up time).

The rules compile about 2,000 regular expressions (word lists as alternations, cue patterns, the
tokenizer's affixes). CPython's ``re`` parses and assembles each one in Python, which took 0.5-0.8 s
of every process's start-up here, a quarter to a third of it: ``extractor extract one.html`` paid
it for one article, and every batch's workers' server paid it again.

``install()`` puts a table in front of ``re``'s compiler: a pattern compiled before, with the same
flags, is rebuilt from its stored program (``_sre.compile``, the call ``re`` itself ends with)
instead of being parsed again; a new one is compiled as ``re`` does and its program kept, and the
new programs are written when the process ends (``save``). Nothing else changes: a rebuilt pattern
equals the one ``re`` compiles (``Pattern.__eq__`` compares pattern, flags and program); a program
is stored only after that check, ``_sre.compile`` validates every program it is given, and the
table's file is named after the exact interpreter build (another Python, another file). A file that
cannot be read or written is ignored (one DEBUG line): the patterns are then compiled as usual.

The same table keeps the results of the package's pure analyses of patterns and word lists
(``analysis``: the first characters a pattern can match, the words every match needs, a word list's
prefix trie), which parse the pattern in Python too and took another 0.2 s of every start-up. Such
a result is keyed by the function, the source of its module (an edited module computes afresh)
and its arguments.

The table lives in ``$EXTRACTOR_CACHE_DIR`` (default ``$XDG_CACHE_HOME/extractor``, else
``~/.cache/extractor``); ``EXTRACTOR_CACHE_DIR=""`` turns it off. The command line and the batch
workers' server install it; a program using the library may call ``install()`` itself.
"""
from __future__ import annotations

import atexit
import functools
import hashlib
import logging
import marshal
import os
import re
import sys
import tempfile
from array import array
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)

try:  # re's internals (stable since Python 3.11); without them the cache stays off
    import _sre
    from re import _compiler, _parser
except ImportError:  # pragma: no cover - another implementation of Python
    _sre = _compiler = _parser = None

ENV = "EXTRACTOR_CACHE_DIR"
_CODE = "I" if array("I").itemsize == getattr(_sre, "CODESIZE", 4) else "L"  # one item per program word
MAX_ENTRIES = 20_000  # beyond this the file starts again from the patterns of one run
MAX_PATTERN = 200_000  # characters: longer patterns are compiled every time (none of ours is)


def default_dir() -> Path | None:
    """Where the table is kept: ``$EXTRACTOR_CACHE_DIR`` (empty: nowhere), else the user's cache
    directory."""
    if ENV in os.environ:
        return Path(os.environ[ENV]) if os.environ[ENV] else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "extractor"


def table_name() -> str:
    """The table's file name: one per interpreter build and ``re`` program format."""
    tag = f"{sys.version}|{sys.implementation.cache_tag}|{getattr(_sre, 'MAGIC', '')}|{getattr(_sre, 'CODESIZE', '')}"
    return f"re-{hashlib.sha1(tag.encode()).hexdigest()[:16]}.marshal"


class PatternTable:
    """The stored programs, ``(pattern, flags) -> (flags, code, groups, groupindex, indexgroup)``:
    the arguments ``re``'s compiler hands to ``_sre.compile``, the program as the bytes of an array."""

    def __init__(self, path: Path | None):
        self.path = path
        self.known: dict[tuple[str, int], tuple] = {}
        self.new: dict[tuple[str, int], re.Pattern] = {}  # compiled by re this run; their programs are worked out by ``save``
        self.new_results: dict[tuple, object] = {}  # analyses computed this run (``result``)
        self.hits = 0
        if path is not None:
            self.known = self._read(path)

    @staticmethod
    def _read(path: Path) -> dict:
        try:
            with open(path, "rb") as fh:
                table = marshal.load(fh)
        except FileNotFoundError:
            return {}
        except (OSError, EOFError, ValueError, TypeError) as exc:
            log.debug("regex cache %s not read (%s): compiling as usual", path, exc)
            return {}
        return table if isinstance(table, dict) else {}

    def compile(self, pattern, flags: int = 0) -> re.Pattern:
        """What ``re._compiler.compile(pattern, flags)`` returns, from the table when it can."""
        if not isinstance(pattern, str) or flags & re.DEBUG or len(pattern) > MAX_PATTERN:
            return _ORIGINAL(pattern, flags)
        if type(pattern) is not str:  # a str subclass (lxml hands its XPath strings to re): keyed, kept and compiled as the str
            pattern = str(pattern)
        key = (pattern, int(flags))
        entry = self.known.get(key)
        if entry is not None:
            try:
                compiled = _sre.compile(pattern, *_args(entry))
            except (RuntimeError, TypeError, ValueError):  # a program this _sre refuses: compile it anew
                self.known.pop(key, None)
            else:
                self.hits += 1
                return compiled
        compiled = self.new.get(key)
        if compiled is None:
            compiled = _ORIGINAL(pattern, flags)
            if len(self.new) < MAX_ENTRIES:  # (a long run that builds patterns from its texts keeps a bounded number)
                self.new[key] = compiled
        return compiled

    def result(self, key: tuple, compute: Callable[[], object]) -> object:
        """The stored result of the analysis ``key`` names, else ``compute()`` (kept for ``save``)."""
        if key in self.known:
            self.hits += 1
            return self.known[key]
        if key not in self.new_results:
            value = compute()
            if len(self.new_results) >= MAX_ENTRIES or not _storable(value):
                return value
            self.new_results[key] = value
        return self.new_results[key]

    def _entries(self) -> dict[tuple[str, int], tuple]:
        """The stored form of this run's new patterns: each one's program, worked out now (a process
        that never saves, such as a batch worker, never pays for it), kept only when the pattern
        rebuilt from it equals the one re compiled."""
        out = {}
        for (pattern, flags), compiled in self.new.items():
            entry = _program(pattern, flags)
            if entry is None:
                continue
            try:
                same = _sre.compile(pattern, *_args(entry)) == compiled
            except (RuntimeError, TypeError, ValueError):
                same = False
            if same:
                out[(pattern, flags)] = entry
        return out

    def save(self) -> bool:
        """Write the table with this run's new programs (atomically; a process that cannot write
        it leaves it as it was). Whether a file was written."""
        if self.path is None or not (self.new or self.new_results):
            return False
        new = {**self._entries(), **self.new_results}
        table = dict(self.known) if len(self.known) + len(new) <= MAX_ENTRIES else {}
        table.update(new)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as fh:
                    marshal.dump(table, fh)
                os.replace(tmp, self.path)
            except BaseException:
                os.unlink(tmp)
                raise
        except (OSError, ValueError) as exc:
            log.debug("regex cache %s not written (%s)", self.path, exc)
            return False
        self.known, self.new, self.new_results = table, {}, {}
        return True


def _storable(value: object) -> bool:
    """Whether marshal writes ``value`` and reads back an equal value (str, int, bool, None,
    frozenset and tuple of these)."""
    if value is None or isinstance(value, (str, int)):
        return True
    return isinstance(value, (tuple, frozenset)) and all(_storable(v) for v in value)


@functools.lru_cache(maxsize=None)
def _source_tag(module: str) -> str:
    """A digest of ``module``'s source file (empty when it cannot be read: then nothing is kept)."""
    try:
        return hashlib.sha1(Path(sys.modules[module].__file__).read_bytes()).hexdigest()[:16]
    except (KeyError, AttributeError, TypeError, OSError):
        return ""


def _key_arg(value: object) -> object:
    """An argument as part of a key: a list (or another iterable that is not a string) as a tuple."""
    if value is None or type(value) is bool:
        return value
    if isinstance(value, int):
        return int(value)  # (a re.RegexFlag as the plain int marshal stores)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (set, frozenset)):  # (in an order that does not change from one process to the next)
        return tuple(sorted(_key_arg(v) for v in value))
    return tuple(_key_arg(v) for v in value)


def analysis(fn: Callable) -> Callable:
    """Keep ``fn``'s results in the installed table: ``fn`` must be a pure function of its
    arguments (strings, numbers, lists or tuples of strings) and the code of its own module,
    returning what marshal stores (``_storable``). Without a table, or for a module whose source
    cannot be read, ``fn`` is just called. An iterable argument is passed on as a tuple (a set as a
    sorted one).

    >>> calls = []
    >>> @analysis
    ... def longest(words):
    ...     calls.append(1)
    ...     return max(words, key=len)
    >>> longest(w for w in ["ab", "abc"]), len(calls)
    ('abc', 1)
    """
    name = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        args = tuple(_key_arg(a) for a in args)
        kwargs = {k: _key_arg(v) for k, v in kwargs.items()}
        tag = _source_tag(fn.__module__) if _TABLE is not None else ""
        if not tag:
            return fn(*args, **kwargs)
        key = ("analysis", name, tag, args, tuple(sorted(kwargs.items())))
        return _TABLE.result(key, lambda: fn(*args, **kwargs))

    return wrapper


def _program(pattern: str, flags: int) -> tuple | None:
    """The arguments ``re._compiler.compile`` passes to ``_sre.compile`` for ``pattern``."""
    try:
        parsed = _parser.parse(pattern, flags)
        code = _compiler._code(parsed, flags)
    except Exception:  # noqa: BLE001 - a pattern re refuses was refused by the compile before
        return None
    state = parsed.state
    indexgroup = [None] * state.groups
    for name, i in state.groupdict.items():
        indexgroup[i] = name
    return (int(flags | state.flags), array(_CODE, code).tobytes(), state.groups - 1, dict(state.groupdict), tuple(indexgroup))


def _args(entry: tuple) -> tuple:
    """``_sre.compile``'s arguments after the pattern, from a stored entry (its program as bytes:
    marshal reads one bytes object far faster than a list of 700,000 ints)."""
    flags, code, groups, groupindex, indexgroup = entry
    return flags, array(_CODE, code).tolist(), groups, groupindex, indexgroup


_ORIGINAL = _compiler.compile if _compiler is not None else None
_TABLE: PatternTable | None = None
_OWNER = 0  # the process that installed the table (only it writes the file)


def install(directory: Path | None | str = "default") -> PatternTable | None:
    """Put the table of ``directory`` (default: ``default_dir()``) in front of ``re``'s compiler
    for this process, once; the new programs are saved when it exits. ``None`` when turned off."""
    global _TABLE, _OWNER
    if _TABLE is not None:
        return _TABLE
    if _compiler is None or not hasattr(_sre, "compile"):
        return None
    where = default_dir() if directory == "default" else (Path(directory) if directory else None)
    if where is None:
        return None
    _TABLE, _OWNER = PatternTable(where / table_name()), os.getpid()
    _compiler.compile = _TABLE.compile
    atexit.register(save)
    return _TABLE


def save() -> bool:
    """Write the installed table's new programs now (in the process that installed it only)."""
    return _TABLE is not None and os.getpid() == _OWNER and _TABLE.save()


def uninstall() -> None:
    """``re``'s compiler as it was (the table is not saved)."""
    global _TABLE
    if _compiler is not None and _ORIGINAL is not None:
        _compiler.compile = _ORIGINAL
    _TABLE = None
