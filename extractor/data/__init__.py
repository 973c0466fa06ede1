"""Data files (lexicons, patterns, word lists) and the one way to read them."""
from __future__ import annotations

import json
import re
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


def pattern_alternation(fragments) -> str:
    r"""``a|b|c`` of regex fragments (word lists that hold regex syntax), longest first.

    >>> print(pattern_alternation(["inflows?", r"net\s+inflows?"]))
    net\s+inflows?|inflows?
    """
    return "|".join(sorted(fragments, key=len, reverse=True))


def alternation(words, *, ignore_case: bool = False, any_space: bool = True) -> str:
    """A regex matching any of the literal ``words`` (with ``any_space`` a space matches any run
    of whitespace), factored into a prefix trie.

    A flat ``a|b|c`` of a few hundred words makes the regex engine try every word at every
    position of the text; the trie tries one branch per distinct next character. Longer words
    are tried before their prefixes, like a longest-first alternation. With ``ignore_case`` the
    words are lower-cased (compile the result with ``re.IGNORECASE``).

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
