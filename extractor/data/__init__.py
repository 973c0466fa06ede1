"""Data files (lexicons, patterns, word lists): validated when the pipeline is built, read one way.

Every JSON data file has a pydantic model in ``extractor.data.models`` (unknown keys and empty
lists are refused; every regex must compile). The file itself says what an entry is: keys that
end in ``_patterns`` (or ``_pattern``) hold regular-expression fragments, every other list holds
literal phrases, which the code escapes. ``.txt`` files are literal word lists, one per line.

``lexicon(name)`` returns the validated model of ``NAME.json``; ``words(name)`` the entries of
``NAME.txt``. ``activate(folder)`` validates every data file of a folder (the package's by
default) and makes it the one the rules compile from: ``Extractor()`` calls it, so a broken data
file fails there with one line (``LexiconError``), never per article. Code that compiles
patterns from lexicons decorates its builder with ``compiled`` so the result is built once and
rebuilt only when another data folder is activated.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

from extractor import recache
from extractor.errors import LexiconError

PACKAGE_DIR = Path(str(resources.files(__name__)))
_ACTIVE: list[Path] = [PACKAGE_DIR]
_CACHES: list = []

F = TypeVar("F", bound=Callable)


def compiled(fn: F) -> F:
    """``lru_cache`` for a builder of compiled patterns, cleared when the data folder changes."""
    cached = lru_cache(maxsize=None)(fn)
    _CACHES.append(cached)
    return cached  # type: ignore[return-value]


def data_dir() -> Path:
    """The data folder the rules compile from."""
    return _ACTIVE[0]


def activate(folder: str | Path | None = None) -> None:
    """Validate every data file of ``folder`` (default: the package's) and compile from it."""
    folder = Path(folder) if folder is not None else PACKAGE_DIR
    if not folder.is_dir():
        raise LexiconError(f"{folder}: data folder not found")
    from extractor.data.models import MODELS, ROW_MODELS, WORD_LISTS

    changed = folder.resolve() != _ACTIVE[0].resolve()
    if changed:
        _ACTIVE[0] = folder
        for cache in _CACHES:
            cache.cache_clear()
    try:
        for name in MODELS:
            lexicon(name)
        for name in ROW_MODELS:
            rows(name)
        for name in WORD_LISTS:
            words(name)
    except LexiconError:
        if changed:  # leave the previous folder active
            _ACTIVE[0] = PACKAGE_DIR
            for cache in _CACHES:
                cache.cache_clear()
        raise


def _read(name: str) -> str:
    path = data_dir() / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LexiconError(f"data file {name}: cannot read: {exc.strerror or exc}") from None


@compiled
def lexicon(name: str):
    """The validated model of data file ``NAME.json``."""
    from pydantic import ValidationError

    from extractor.data.models import MODELS

    model = MODELS.get(name)
    if model is None:
        raise LexiconError(f"no model for data file {name}.json (add one to extractor/data/models.py)")
    try:
        raw = json.loads(_read(f"{name}.json"))
    except json.JSONDecodeError as exc:
        raise LexiconError(f"data file {name}.json: not JSON: {exc.msg} at line {exc.lineno}") from None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "(top)"
        raise LexiconError(f"data file {name}.json: {where}: {err['msg']}") from None


@compiled
def rows(name: str) -> tuple:
    """The validated rows of JSON Lines data file ``NAME.jsonl`` (one model per line)."""
    from pydantic import ValidationError

    from extractor.data.models import ROW_MODELS

    model = ROW_MODELS[name]
    out = []
    for n, line in enumerate(_read(f"{name}.jsonl").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(model.model_validate_json(line))
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "(row)"
            raise LexiconError(f"data file {name}.jsonl line {n}: {where}: {err['msg']}") from None
    if not out:
        raise LexiconError(f"data file {name}.jsonl: no rows")
    return tuple(out)


@compiled
def words(name: str) -> tuple[str, ...]:
    """A literal word list ``NAME.txt``: stripped lines, blank lines and ``#`` comments dropped.

    >>> "CoinGlass" in words("providers")
    True
    """
    out = tuple(ln.strip() for ln in _read(f"{name}.txt").splitlines() if ln.strip() and not ln.lstrip().startswith("#"))
    if not out:
        raise LexiconError(f"data file {name}.txt: empty word list")
    return out


# --- the shims the modules not yet moved to validated lexicons read through ------------------

def read_text(name: str) -> str:
    """The text of data file ``name``."""
    return _read(name)


def read_json(name: str):
    """A JSON data file, parsed (a fresh object each call: callers may mutate it).

    >>> isinstance(read_json("metric_patterns.json"), (dict, list))
    True
    """
    return json.loads(_read(name))


def read_lines(name: str) -> list[str]:
    """A word-list data file: stripped lines, blank lines and ``#`` comments dropped.

    >>> "CoinGlass" in read_lines("providers.txt")
    True
    """
    return [ln.strip() for ln in _read(name).splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def pattern_alternation(fragments) -> str:
    r"""``a|b|c`` of regex fragments, longest first; an empty list is an error (it would match
    everywhere).

    >>> print(pattern_alternation(["inflows?", r"net\s+inflows?"]))
    net\s+inflows?|inflows?
    >>> pattern_alternation([])
    Traceback (most recent call last):
    ...
    extractor.errors.LexiconError: an empty list of patterns would match everywhere
    """
    items = sorted(fragments, key=len, reverse=True)
    if not items:
        raise LexiconError("an empty list of patterns would match everywhere")
    return "|".join(items)


@recache.analysis
def alternation(words, *, ignore_case: bool = False, any_space: bool = True) -> str:
    """A regex matching any of the literal ``words`` (with ``any_space`` a space matches any run
    of whitespace), factored into a prefix trie.

    A flat ``a|b|c`` of a few hundred words makes the regex engine try every word at every
    position of the text; the trie tries one branch per distinct next character. Longer words
    are tried before their prefixes, like a longest-first alternation. With ``ignore_case`` the
    words are lower-cased (compile the result with ``re.IGNORECASE``). An empty list is an error.

    >>> alternation(["bitcoin", "bitcoin cash", "bit", "ether"])
    '(?:bit(?:coin(?:\\\\s+cash)?)?|ether)'
    >>> import re
    >>> [m.group() for m in re.finditer(alternation(["ETF", "ETFs", "S&P 500"]), "ETFs and ETF and S&P  500")]
    ['ETFs', 'ETF', 'S&P  500']
    """
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word.lower() if ignore_case else word:
            node = node.setdefault(ch, {})
        node[""] = {}
    if not trie:
        raise LexiconError("an empty word list would match everywhere")

    def emit(node: dict) -> str:
        branches = [(r"\s+" if ch == " " and any_space else re.escape(ch)) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:  # a word ends here: the longer ones are tried first
            return (body if len(branches) == 1 and len(body) == 1 else f"(?:{body})") + "?"
        return body

    top = [(r"\s+" if ch == " " and any_space else re.escape(ch)) + emit(child) for ch, child in sorted(trie.items()) if ch]
    return "(?:" + "|".join(top) + ")"


def led_alternation(words, *lookbehinds: str, ignore_case: bool = False, any_space: bool = True) -> str:
    r"""``alternation(words)`` behind the negative ``lookbehinds`` (each of fixed width), written so
    the pattern opens with the words' first characters: ``(?<!X)`` at a word's start is checked as
    ``(?<!Xc)`` right after its first character ``c``. Same matches; a pattern that opens with
    literal characters lets ``re`` skip ahead to them instead of trying every position.

    >>> print(led_alternation(["BTC", "B", "ETH"], r"[\w$]"))
    (?:B(?<![\w$]B)(?:(?:TC))?|E(?<![\w$]E)(?:(?:TH)))
    >>> import re
    >>> [m.group() for m in re.finditer(led_alternation(["BTC", "B", "ETH"], r"[\w$]"), "BTC xBTC $ETH B ETH")]
    ['BTC', 'B', 'ETH']
    """
    by_first: dict[str, list[str]] = {}
    for word in words:
        word = word.lower() if ignore_case else word
        by_first.setdefault(word[0], []).append(word[1:])
    if not by_first:
        raise LexiconError("an empty word list would match everywhere")
    out = []
    for first, rests in sorted(by_first.items()):
        c = re.escape(first)
        body = c + "".join(f"(?<!{lb}{c})" for lb in lookbehinds)
        tails = sorted({r for r in rests if r})
        if tails:
            body += f"(?:{alternation(tails, any_space=any_space)})" + ("?" if "" in rests else "")
        out.append(body)
    return "(?:" + "|".join(out) + ")"
