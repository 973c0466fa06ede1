"""Case-insensitive regexes that scan a lower-cased copy of the text.

CPython's ``re`` is three to four times slower with ``re.IGNORECASE`` on long
alternations of words: every literal is compared through a case-folding table
and the literal-prefix shortcuts are switched off. ``Caseless`` keeps the
``re.IGNORECASE`` results exactly but finds the match *positions* with a
case-sensitive pattern over ``text.lower()``, then re-matches each hit on the
original text, so callers get ordinary ``re.Match`` objects with the original
characters in their groups.

The fast pattern is the original with its letters lower-cased (outside escapes
such as ``\\S`` and group names). It is used only when it cannot change the
results: not for patterns with a scoped case-sensitive group ``(?-i:...)``, and
not for texts whose length lower-casing changes (a few characters, such as "İ",
lower-case to two) or that hold a character ``re.IGNORECASE`` pairs with another
beyond ``lower()`` ("ſ", "ı", some Greek and Cyrillic variants). Then the
``re.IGNORECASE`` pattern is used.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

try:  # characters re.IGNORECASE pairs beyond lower() ("ſ" with "s", "ı" with "i", Greek variants)
    from re._casefix import _EXTRA_CASES as _EXTRA
except ImportError:  # pragma: no cover - older or other Pythons: the pairs as of CPython 3.11
    _EXTRA = {0x131: (), 0x17F: (), 0xB5: (), 0x345: (), 0x390: (), 0x3B0: (), 0x3C2: (), 0x3D0: (), 0x3D1: (), 0x3D5: (),
              0x3D6: (), 0x3F0: (), 0x3F1: (), 0x3F5: (), 0x1C80: (), 0x1C81: (), 0x1C82: (), 0x1C83: (), 0x1C84: (),
              0x1C85: (), 0x1C86: (), 0x1C87: (), 0x1C88: (), 0x1E61: (), 0x1E9B: (), 0x1FBE: (), 0x1FD3: (), 0x1FE3: (),
              0xA64B: (), 0xFB05: (), 0xFB06: (), 0x3B9: (), 0x3C3: (), 0x3B2: (), 0x3B5: (), 0x3B8: (), 0x3BA: (),
              0x3BC: (), 0x3C0: (), 0x3C1: (), 0x3C6: (), 0x432: (), 0x434: (), 0x43E: (), 0x441: (), 0x442: (),
              0x44A: (), 0x463: ()}
_SPECIAL = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(set(_EXTRA) | {v for vs in _EXTRA.values() for v in vs}) if c > 0x7F) + "]")

# pieces of a pattern that lower-casing must keep: escapes (\S, \W, \.) and group names
_KEEP = re.compile(r"\\.|\(\?P[<=][^>)]*[>)]", re.DOTALL)


def lowered_pattern(pattern: str) -> str | None:
    r"""``pattern`` with its letters lower-cased outside escapes and group names, i.e. a pattern that
    matches lower-cased text exactly as ``pattern`` with ``re.IGNORECASE`` matches the original;
    ``None`` when it has a scoped case-sensitive group ``(?-i:...)``.

    >>> print(lowered_pattern(r"(?P<kind>ETF|AUM)\s+\S*[A-Z]"))
    (?P<kind>etf|aum)\s+\S*[a-z]
    >>> lowered_pattern("(?-i:BTC)|bitcoin") is None
    True
    """
    if "(?-i" in pattern:
        return None
    out, pos = [], 0
    for m in _KEEP.finditer(pattern):
        out.append(pattern[pos : m.start()].lower())
        out.append(m.group())
        pos = m.end()
    out.append(pattern[pos:].lower())
    return "".join(out)


class Caseless:
    """A compiled ``re.IGNORECASE`` pattern with a faster scan (see the module docstring).

    >>> cue = Caseless(r"(?<![\\w-])net\\s+(?:inflows?|outflows?)")
    >>> [m.group() for m in cue.finditer("Net Inflows rose; net outflows fell; magnet inflows")]
    ['Net Inflows', 'net outflows']
    >>> cue.search("NET OUTFLOWS").span(), cue.search("none") is None
    ((0, 12), True)
    """

    def __init__(self, pattern: str, flags: int = 0):
        self.slow = re.compile(pattern, flags | re.IGNORECASE)
        low = lowered_pattern(pattern)
        self.fast = re.compile(low, flags & ~re.IGNORECASE) if low is not None else None
        self.pattern = pattern
        self.flags = self.slow.flags

    def _lowered(self, text: str) -> str | None:
        if self.fast is None:
            return None
        low = text.lower()
        if len(low) != len(text) or (not text.isascii() and _SPECIAL.search(text)):
            return None
        return low

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match]:
        endpos = len(text) if endpos is None else endpos
        low = self._lowered(text)
        if low is None:
            yield from self.slow.finditer(text, pos, endpos)
            return
        for m in self.fast.finditer(low, pos, endpos):
            real = self.slow.match(text, m.start(), endpos)
            # identical semantics: the re-match always reproduces the span; keep the check cheap and honest
            if real is not None and real.end() == m.end():
                yield real
            else:  # pragma: no cover - would mean the fast path is not exact for this pattern
                yield from self.slow.finditer(text, m.start(), endpos)
                return

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match | None:
        return next(self.finditer(text, pos, endpos), None)

    def match(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match | None:
        return self.slow.match(text, pos, len(text) if endpos is None else endpos)

    def fullmatch(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match | None:
        return self.slow.fullmatch(text, pos, len(text) if endpos is None else endpos)

    def findall(self, text: str) -> list:
        return [m.group() if not self.slow.groups else (m.groups() if self.slow.groups > 1 else m.group(1)) for m in self.finditer(text)]
