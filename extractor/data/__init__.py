"""Data files (lexicons, patterns, word lists) and the one way to read them."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=None)
def read_text(name: str) -> str:
    """The text of data file ``name`` (read once per process)."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def read_json(name: str):
    """A JSON data file, parsed (a fresh object each call: callers may mutate it).

    >>> isinstance(read_json("metric_patterns.json"), (dict, list))
    True
    """
    return json.loads(read_text(name))


def read_lines(name: str) -> list[str]:
    """A word-list data file: stripped lines, blank lines and ``#`` comments dropped.

    >>> "CoinGlass" in read_lines("providers.txt")
    True
    """
    return [ln.strip() for ln in read_text(name).splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
