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
from collections.abc import Iterable, Iterator
from functools import cached_property

from extractor import recache

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


_LAST_LOWERED: list = [None, None]  # (text, its lowered form): many patterns scan the same doc text in a row


def lower_exactly(text: str) -> str | None:
    """``text.lower()`` when it keeps every offset and every re.IGNORECASE pairing, else ``None``."""
    if _LAST_LOWERED[0] is text:
        return _LAST_LOWERED[1]
    low = text.lower()
    if len(low) != len(text) or (not text.isascii() and _SPECIAL.search(text)):
        low = None
    _LAST_LOWERED[:] = [text, low]
    return low


_WORD_OR_HYPHEN = re.compile(r"[\w-]")


class WordStarts:
    r"""``(?<![\w-])P`` (``P`` never matches the empty string): its match spans, found as ``[^\w-]P``
    (re skips ahead to the characters of that class in its C loop instead of trying the
    lookbehind at every position). A match at ``q > 0`` is one at ``q - 1`` of the scan; where
    the lookbehind holds at the place the scan goes on from (the text's start, or the end of a
    match ending in a character other than a word character or hyphen), ``P`` is tried there first.

    >>> [(s, e) for s, e in WordStarts(r"(?:said|says)(?![\w-])").spans("said he; unsaid, says")]
    [(0, 4), (17, 21)]
    >>> list(WordStarts(r"s,").spans("s,s,xs,"))
    [(0, 2), (2, 4)]
    """

    def __init__(self, body: str, flags: int = 0):
        self.led = re.compile(rf"(?<![\w-])(?:{body})", flags)
        self.scan = re.compile(rf"[^\w-](?:{body})", flags)

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        pos = 0
        while True:
            if pos == 0 or not _WORD_OR_HYPHEN.match(text, pos - 1):
                if (m := self.led.match(text, pos)) is not None:
                    yield m.span()
                    pos = m.end()
                    continue
            if (m := self.scan.search(text, pos)) is None:
                return
            yield m.start() + 1, m.end()
            pos = m.end()


_FOLD = str.maketrans({"ı": "i", "İ": "i", "ſ": "s", "\u212a": "k"})


def fold(word: str) -> str:
    """``word`` lower-cased for a lookup in a table of lower-case words after a ``re.IGNORECASE``
    match: that flag also pairs "ı" and "İ" with "i", "ſ" with "s" and the Kelvin sign with "k"
    (the only non-ASCII letters it pairs with ASCII ones), which ``str.lower`` keeps apart.

    >>> fold("Daıly"), fold("ſeven"), fold("\u212aM"), fold("İntraday"), fold("Week")
    ('daily', 'seven', 'km', 'intraday', 'week')
    """
    return word.translate(_FOLD).lower() if not word.isascii() else word.lower()


# A ``Caseless`` scan of more than PREFIX_SCAN_CHARS characters looks for ``[F](?<=(?=P).)`` first (as
# ``PrunedCaseless`` does) when the characters ``F`` a match can start with are at most
# SELECTIVE_FIRST_CHARS: re then skips to few letters in its C loop instead of trying the pattern at
# every position. Where more letters can start a match, the scan stops at most words and costs more
# than the pattern alone (over 150 bench texts, the whole-text cue scans with 3-12 first characters
# took 0.45-0.65 of their time; those with 19 and 21, 1.6-1.9 times theirs).
PREFIX_SCAN_CHARS = 400
SELECTIVE_FIRST_CHARS = 12


class Caseless:
    """A compiled ``re.IGNORECASE`` pattern with a faster scan (see the module docstring).

    >>> cue = Caseless(r"(?<![\\w-])net\\s+(?:inflows?|outflows?)")
    >>> [m.group() for m in cue.finditer("Net Inflows rose; net outflows fell; magnet inflows")]
    ['Net Inflows', 'net outflows']
    >>> cue.search("NET OUTFLOWS").span(), cue.search("none") is None
    ((0, 12), True)
    >>> cue.fullmatch("Net Inflow").group(), cue.match("net inflows of $5M").end()
    ('Net Inflow', 11)
    """

    def __init__(self, pattern: str, flags: int = 0, fast: str | None = None, required: Iterable[str] | None = None):
        """``fast``: a case-sensitive pattern for the lower-cased text that matches exactly what
        ``pattern`` lower-cased does, written to be scanned faster (see ``bucketed``).
        ``required``: lower-case words one of which every match holds, for a pattern whose words
        ``required_words`` cannot work out (a text without any of them is not scanned)."""
        self._slow_flags = flags | re.IGNORECASE
        low = lowered_pattern(pattern)
        if low is None:
            self.fast = None
        else:
            self.fast = re.compile(fast, flags & ~re.IGNORECASE) if fast is not None else gated(low, flags & ~re.IGNORECASE)
        if low is None:
            self.required = None
        elif required is not None:
            self.required = frozenset(required)
        else:
            self.required = required_words(low, flags & ~re.IGNORECASE)
        self.pattern = pattern
        if self.fast is None:
            self.slow  # noqa: B018 - compiled now: every scan needs it (and a bad pattern fails when built)

    @cached_property
    def slow(self) -> re.Pattern:
        """The ``re.IGNORECASE`` pattern, compiled on first use: where the lowered pattern scans, it
        serves only ``match``, ``fullmatch`` and the rare text ``lower_exactly`` refuses (80 of the
        package's 151 were never compiled in a run over the bench articles)."""
        return re.compile(self.pattern, self._slow_flags)

    @cached_property
    def prefix(self) -> re.Pattern | None:
        """The prefix scan of a long text (``finditer``), where the pattern has few first characters;
        found on the first long scan (``PrunedCaseless`` and patterns only ever asked about short
        windows never need it)."""
        if self.fast is not None and 0 < _first_count(self.fast.pattern, self.fast.flags & ~re.UNICODE) <= SELECTIVE_FIRST_CHARS:
            return _prefix_scan(self.fast, self.fast.flags & ~re.UNICODE)
        return None

    @property
    def flags(self) -> int:
        return self.slow.flags

    def _lowered(self, text: str) -> str | None:
        return None if self.fast is None else lower_exactly(text)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match]:
        endpos = len(text) if endpos is None else endpos
        low = self._lowered(text)
        if low is None:
            yield from self.slow.finditer(text, pos, endpos)
            return
        if self.required is not None and not any(word in low for word in self.required):
            return  # a word every match needs is missing
        if endpos - pos > PREFIX_SCAN_CHARS and self.prefix is not None:
            spans = _prefix_matches(self.prefix, self.fast, low, pos, endpos)
        else:
            spans = self.fast.finditer(low, pos, endpos)
        yield from self._confirmed(text, spans, endpos)

    def _confirmed(self, text: str, spans: Iterator[re.Match], endpos: int | None) -> Iterator[re.Match]:
        """The matches on ``text`` of ``spans`` (found on its lower-cased form), each re-matched with
        the case-insensitive pattern: identical semantics, the re-match always reproduces the span."""
        for m in spans:
            real = self.slow.match(text, m.start(), endpos)
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


def bucketed(alternatives: list[str]) -> str | None:
    r"""``A1|A2|...`` (case-sensitive regexes, tried in this order) rewritten as one group per
    first character, ``c(?:rest|rest)|d(?:...)``, each group keeping the order of its
    alternatives: the same matches, but re tries only the alternatives that can start with the
    character at hand instead of all of them. A leading group is spread over its alternatives
    (``(?:a|b)?x`` -> ``ax``, ``bx``, ``x``); a leading lookbehind is checked after the first
    character. ``None`` when an alternative does not open with a plain letter or digit that way.

    >>> bucketed([r"net\s+inflows?", r"(?:its|the)\s+assets", r"(?:net\s+)?intakes?", r"(?<!net\s)purchases?"])
    '(?:i(?:ts\\s+assets|ntakes?)|n(?:et\\s+inflows?|et\\s+intakes?)|p(?:(?<!net\\s.)urchases?)|t(?:he\\s+assets))'
    >>> bucketed(["a?b"]) is None, bucketed([r"\d+ days"]) is None
    (True, True)
    """
    buckets: dict[str, list[str]] = {}
    try:
        for alt in alternatives:
            for first, rest in _spread(alt, 0):
                buckets.setdefault(first, []).append(rest)
    except _Any:
        return None
    return "(?:" + "|".join(f"{c}(?:{'|'.join(rests)})" for c, rests in sorted(buckets.items())) + ")"


_LEADING_LOOKBEHIND = re.compile(r"\(\?<([!=])((?:[^()\\]|\\.)*)\)")


def _spread(alt: str, depth: int) -> list[tuple[str, str]]:
    """``(first character, rest)`` for each way ``alt`` can open, in the order re tries them."""
    if depth > 4:
        raise _Any
    if alt.startswith("(?:"):
        end = _group_end(alt)
        inner, tail = alt[3 : end - 1], alt[end:]
        if tail[:1] in ("*", "+", "{") or tail[:2] == "??":
            raise _Any
        optional = tail[:1] == "?"
        tail = tail[1:] if optional else tail
        out = [pair for a in top_alternatives(inner) for pair in _spread(a + tail, depth + 1)]
        return out + _spread(tail, depth + 1) if optional else out
    if (m := _LEADING_LOOKBEHIND.match(alt)) is not None:  # (?<!X)c... -> c(?<!X.)...
        return [(c, f"(?<{m.group(1)}{m.group(2)}.){rest}") for c, rest in _spread(alt[m.end() :], depth + 1)]
    if not alt[:1].isascii() or not alt[:1].isalnum() or alt[1:2] in ("?", "*", "+", "{"):
        raise _Any
    return [(alt[0], alt[1:])]


def _syntax(pattern: str) -> Iterator[tuple[int, str, int]]:
    r"""``(index, character, depth)`` of each ``(``, ``)`` and ``|`` of ``pattern`` outside escapes
    and character classes; ``depth`` counts the groups open around it (for ``)``: after it closes).

    >>> [(i, ch, d) for i, ch, d in _syntax(r"a(b|[(|]\)c)|d")]
    [(1, '(', 0), (3, '|', 1), (11, ')', 0), (12, '|', 0)]
    """
    depth, i, in_class = 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            i += 1 + (pattern[i + 1 : i + 2] == "^")
            i += pattern[i : i + 1] == "]"  # a "]" right after "[" or "[^" is a literal
            continue
        elif ch == "(":
            yield i, ch, depth
            depth += 1
        elif ch == ")":
            depth -= 1
            yield i, ch, depth
        elif ch == "|":
            yield i, ch, depth
        i += 1


def _group_end(pattern: str) -> int:
    """Where the group opening at ``pattern[0]`` ends (after its ``)``)."""
    for i, ch, depth in _syntax(pattern):
        if ch == ")" and depth == 0:
            return i + 1
    raise _Any


class PrunedCaseless(Caseless):
    r"""A ``Caseless`` for a long alternation scanned once per text: the same matches, found faster.

    Two exact shortcuts on the lower-cased text: (1) a top-level alternative that needs a word the
    text lacks (``required_words``) cannot match anywhere in it, so it is left out of the scan (the
    leftmost-first order of the others is kept; the pattern of each set of alternatives is
    compiled once); (2) where re has no literal or character-set prefix to skip ahead with (the
    pattern opens with ``\b``, a lookbehind or an optional part), the scan looks for
    ``[F](?<=(?=P).)``: a character a match can start with, at which the pattern matches. re
    skips to the characters of ``F`` in its C loop instead of running the pattern at every
    position; each hit is then matched once more to get the match's end.

    >>> cue = PrunedCaseless(r"\bnet\s+inflows?\b|\btotal\s+value\s+locked\b|\btvl\b")
    >>> [m.group() for m in cue.finditer("Net Inflows rose; TVL fell")], list(cue.finditer("no such words"))
    (['Net Inflows', 'TVL'], [])
    """

    _MAX_VARIANTS = 64  # compiled scans kept per pattern, one per set of alternatives a text leaves (the metric cues have at most 32)

    def __init__(self, pattern: str, flags: int = 0):
        super().__init__(pattern, flags)
        self._flags = flags & ~re.IGNORECASE
        low = lowered_pattern(pattern)
        prunable = (low is not None and not flags & re.VERBOSE and not re.match(r"\(\?[aiLmsux]", low)
                    and not re.search(r"\(\?P=|\(\?\(|\\[1-9]", low))
        self._alts = top_alternatives(low) if prunable else None
        if self._alts is not None and len(self._alts) > 1:
            self._alt_required = [required_words(a, self._flags) for a in self._alts]
        else:
            self._alts = None
        self._variants: dict[tuple[int, ...], tuple[re.Pattern, re.Pattern | None]] = {}
        self._whole = (self.fast, _prefix_scan(self.fast, self._flags)) if self.fast is not None else None
        self._words = frozenset().union(self.required or (), *(r for r in (self._alt_required if self._alts else ()) if r))

    def _scan(self, present: set[str]) -> tuple[re.Pattern, re.Pattern | None] | None:
        """The (pattern, prefix scan) for the alternatives a text holding the required words
        ``present`` may match; ``None`` if none may."""
        if self._alts is None:
            return self._whole
        keep = tuple(i for i, req in enumerate(self._alt_required) if req is None or not req.isdisjoint(present))
        if len(keep) == len(self._alts):
            return self._whole
        if not keep:
            return None
        found = self._variants.get(keep)
        if found is None:
            if len(self._variants) >= self._MAX_VARIANTS:
                return self._whole  # the whole pattern: the same matches, no compiling per text
            pattern = gated("|".join(self._alts[i] for i in keep), self._flags)
            found = self._variants[keep] = (pattern, _prefix_scan(pattern, self._flags))
        return found

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match]:
        low = self._lowered(text)
        if low is None:
            yield from super().finditer(text, pos, endpos)
            return
        endpos = len(text) if endpos is None else endpos
        present = _present_words(low, self._words)
        if self.required is not None and self.required.isdisjoint(present):
            return
        scan = self._scan(present)
        if scan is None:
            return
        pattern, prefix = scan
        spans = pattern.finditer(low, pos, endpos) if prefix is None else _prefix_matches(prefix, pattern, low, pos, endpos)
        yield from self._confirmed(text, spans, endpos)


_LAST_PRESENT: list = [None, set(), set()]  # (lowered text, the words looked for in it, those it holds)


def _present_words(low: str, words: frozenset[str]) -> set[str]:
    """The words looked for in ``low`` so far (``words`` among them) that it holds: the patterns that
    scan one text ask for many of the same words, each is looked for once."""
    if _LAST_PRESENT[0] is not low:
        _LAST_PRESENT[:] = [low, set(), set()]
    _, asked, found = _LAST_PRESENT
    new = words - asked
    if new:
        found.update(w for w in new if w in low)
        asked |= new
    return found


class PrefixScan:
    r"""A compiled pattern's ``finditer`` found with its first-character prefix scan (see
    ``PrunedCaseless``): the same ``re.Match`` objects, for a pattern re runs at every position
    (one opening with a lookbehind, say) although its matches start with a few characters only.

    >>> scan = PrefixScan(re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?!\w)"))
    >>> [m.group() for m in scan.finditer("up 12.5 from 3x, 7")], scan.prefix is not None
    (['12.5', '7'], True)
    """

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern
        self.prefix = _prefix_scan(pattern, pattern.flags & ~re.UNICODE)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match]:
        endpos = len(text) if endpos is None else endpos
        if self.prefix is None:
            return self.pattern.finditer(text, pos, endpos)
        return _prefix_matches(self.prefix, self.pattern, text, pos, endpos)


def _prefix_matches(prefix: re.Pattern, pattern: re.Pattern, low: str, pos: int, endpos: int) -> Iterator[re.Match]:
    """``pattern.finditer(low, pos, endpos)``, found with its prefix scan (``pattern`` never matches
    the empty string, so each search goes on where the last match ended, as ``finditer`` does)."""
    while (hit := prefix.search(low, pos, endpos)) is not None:
        m = pattern.match(low, hit.start(), endpos)
        if m is None:  # pragma: no cover - the prefix scan found a start the pattern does not match at
            yield from pattern.finditer(low, hit.start(), endpos)
            return
        yield m
        pos = m.end()


def top_alternatives(pattern: str) -> list[str]:
    """``pattern`` split at its top-level ``|`` (outside groups and character classes).

    >>> top_alternatives(r"a(b|c)|[|]d|e")
    ['a(b|c)', '[|]d', 'e']
    """
    out, start = [], 0
    for i, ch, depth in _syntax(pattern):
        if ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
    out.append(pattern[start:])
    return out


def find_all(text: str, needles: Iterable[str]) -> list[int]:
    """Every position where one of ``needles`` is written (overlapping ones too), in order: the
    starts a cheap ``str.find`` gives for ``matches_at``.

    >>> find_all("a (b) $c ((", "($")
    [2, 6, 9, 10]
    """
    out = []
    for needle in needles:
        i = text.find(needle)
        while i >= 0:
            out.append(i)
            i = text.find(needle, i + 1)
    return sorted(out)


def matches_at(pattern: re.Pattern, text: str, starts: Iterable[int]) -> Iterator[re.Match]:
    r"""``pattern.finditer(text)`` when every match begins at one of ``starts`` (ascending): the
    pattern is tried only there, and the matches do not overlap, as finditer's.

    >>> [m.group() for m in matches_at(re.compile(r"\$\d+"), "$5 and $60", [0, 1, 7])]
    ['$5', '$60']
    """
    last = 0
    for p in starts:
        if p >= last:
            m = pattern.match(text, p)
            if m is not None:
                yield m
                last = m.end()


def _has_prefix(items) -> bool:
    """Whether re finds a literal or character-set prefix for the parsed pattern (and skips ahead with it)."""
    while items and items[0][0] is _c.SUBPATTERN and not (items[0][1][1] or items[0][1][2]):
        items = items[0][1][3]
    if not items:
        return False
    op, av = items[0]
    if op in (_c.LITERAL, _c.IN):
        return True
    return op is _c.BRANCH and all(seq and seq[0][0] is _c.LITERAL for seq in av[1])


def _prefix_scan(pattern: re.Pattern, flags: int) -> re.Pattern | None:
    """``[F](?<=(?=P).)`` for pattern ``P`` whose matches start with a character of ``F``: a scan
    re skips ahead with; ``None`` where it would not pay (``P`` has a prefix of its own, ``F``
    holds every word character or space, or ``P`` can match the empty string)."""
    source = _prefix_scan_source(pattern.pattern, flags)
    return None if source is None else re.compile(source, flags)


@recache.analysis
def _prefix_scan_source(pattern: str, flags: int) -> str | None:
    """The pattern ``_prefix_scan`` compiles for ``pattern``, or ``None``."""
    try:
        items = _p.parse(pattern, flags).data
        first, nullable = _first(items)
    except (_Any, re.error):
        return None
    if nullable or not first or first & {r"\w", r"\s"} or _has_prefix(items):
        return None
    end = "\n" if flags & re.VERBOSE else ""  # a verbose pattern may end in a comment
    pairs = _two_chars(items) if not flags & re.IGNORECASE else None
    if pairs is not None:  # "(?:t[o]|m[a]|...)(?<=(?=P)..)": re skips to the first characters, then checks the second
        return ("(?:" + "|".join(f"{a}[{''.join(sorted(b))}]" for a, b in sorted(pairs.items())) + ")"
                "(?<=(?=(?:" + pattern + end + ")).." + ")")
    return "[" + "".join(sorted(first)) + "](?<=(?=(?:" + pattern + end + ")).)"


_MAX_PREFIXES = 400  # two-character prefixes a pattern may have before the scan falls back to the first character


def _two_chars(items) -> dict[str, set[str]] | None:
    """The first two characters every match of the parsed pattern starts with, as {first literal
    character: classes of the second}; ``None`` when a match may be shorter than two characters,
    a first character is not a literal, or there are too many."""
    try:
        found = _prefixes(items, 2)
    except _Any:
        return None
    out: dict[str, set[str]] = {}
    for p in found:
        if len(p) < 2 or not p[0][1]:
            return None
        out.setdefault(p[0][0], set()).add(p[1][0])
    return out


def _prefixes(items, k: int) -> set[tuple]:
    """The sequences of at most ``k`` character classes a match of the parsed sequence starts with
    (shorter ones: the whole match); each class as ``(class text, is a single literal)``."""
    partial, done = {()}, set()
    for op, av in items:
        grown = set()
        for p in partial:
            for q in _item_prefixes(op, av, k - len(p)):
                (done if len(p) + len(q) == k else grown).add(p + q)
        partial = grown
        if len(partial) + len(done) > _MAX_PREFIXES:
            raise _Any
        if not partial:
            break
    return done | partial


def _item_prefixes(op, av, k: int) -> set[tuple]:
    if op is _c.LITERAL:
        return {((re.escape(chr(av)), True),)}
    if op is _c.IN:  # a class: one literal character ("[a]") or a class text for "[...]"
        first, _ = _first_item(op, av)
        single = len(first) == 1 and all(iop is _c.LITERAL for iop, _ in av)
        return {((next(iter(first)), True),)} if single else {(("".join(sorted(first)), False),)}
    if op is _c.BRANCH:
        return set().union(*(_prefixes(seq, k) for seq in av[1]))
    if op is _c.SUBPATTERN:
        if av[1] or av[2]:
            raise _Any
        return _prefixes(av[3], k)
    if op is _c.ATOMIC_GROUP:
        return _prefixes(av, k)
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return {()}
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        lo, hi, sub = av
        if _first(sub)[1]:  # copies that may match nothing: the prefixes are not bounded by k copies
            raise _Any
        out = {()} if lo == 0 else set()
        for n in range(max(lo, 1), min(hi, k) + 1):
            out |= _prefixes(list(sub) * n, k)
        if lo > k:  # more copies follow the first k: no match ends within them
            out = {p for p in _prefixes(list(sub) * k, k) if len(p) == k}
        return out
    raise _Any



# --- first-character gates ------------------------------------------------------------------------
#
# A pattern that opens with optional words ("(?:on\s+)?(?:last\s+)?(?:Monday|...)") gives re no
# literal prefix to skip ahead with, so every position of the text runs the whole pattern. A
# lookahead on the characters a match can start with ("(?=[oMT...])") fails fast instead.

from re import _constants as _c  # noqa: E402  (re's parse tree, stable since Python 3.11)
from re import _parser as _p  # noqa: E402

_CATEGORY_CLASS = {_c.CATEGORY_DIGIT: r"\d", _c.CATEGORY_SPACE: r"\s", _c.CATEGORY_WORD: r"\w"}


class _Any(Exception):
    """The pattern can start with (nearly) any character: no gate."""


def _first(items) -> tuple[set[str], bool]:
    """Class items a match of the parsed sequence can start with, and whether it can be empty."""
    out: set[str] = set()
    for op, av in items:
        first, nullable = _first_item(op, av)
        out |= first
        if not nullable:
            return out, False
    return out, True


@recache.analysis
def _first_count(pattern: str, flags: int) -> int:
    r"""How many characters or classes a match of ``pattern`` can start with (0: unknown or any).

    >>> _first_count(r"(?<![\w-])(?:said|says|told)", 0), _first_count(r"\w+ said", 0)
    (2, 1)
    """
    try:
        first, nullable = _first(_p.parse(pattern, flags).data)
    except (_Any, re.error):
        return 0
    return 0 if nullable else len(first)


def _first_item(op, av) -> tuple[set[str], bool]:
    if op is _c.LITERAL:
        return {re.escape(chr(av))}, False
    if op is _c.IN:
        out = set()
        for iop, iav in av:
            if iop is _c.LITERAL:
                out.add(re.escape(chr(iav)))
            elif iop is _c.RANGE:
                out.add(f"{re.escape(chr(iav[0]))}-{re.escape(chr(iav[1]))}")
            elif iop is _c.CATEGORY and iav in _CATEGORY_CLASS:
                out.add(_CATEGORY_CLASS[iav])
            else:  # NEGATE, \D, \W, \S ...
                raise _Any
        return out, False
    if op is _c.BRANCH:
        out, nullable = set(), False
        for seq in av[1]:
            first, empty = _first(seq)
            out |= first
            nullable |= empty
        return out, nullable
    if op is _c.SUBPATTERN:
        if av[1] or av[2]:  # scoped flags change what a character means
            raise _Any
        return _first(av[3])
    if op is _c.ATOMIC_GROUP:
        return _first(av)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        first, empty = _first(av[2])
        return first, empty or av[0] == 0
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):  # zero-width: anchors and lookarounds
        return set(), True
    raise _Any  # ANY, NOT_LITERAL, group references, ...


def _opens_optional(items) -> bool:
    """Whether the parsed sequence opens (after anchors and lookarounds) with an optional part."""
    for op, av in items:
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            return av[0] == 0
        if op is _c.SUBPATTERN:
            return _opens_optional(av[3])
        if op is _c.BRANCH:
            return any(_opens_optional(seq) for seq in av[1])
        return False
    return False


@recache.analysis
def first_char_gate(pattern: str, flags: int = 0) -> str:
    r"""A lookahead on the characters a match of ``pattern`` can start with, to put in front of
    it, or ``""`` where it would not pay: re already skips ahead by itself unless the pattern
    opens with an optional part, and a gate that lets every word or space through saves nothing.
    Also ``""`` for case-insensitive patterns and when any character can start a match.

    >>> first_char_gate(r"(?:on\s+)?(?P<wd>Monday|Tuesday)|\d+\s+days")
    '(?=[MT\\do])'
    >>> first_char_gate(r"(?<![\w-])(?:net\s+)?inflows?")
    '(?=[in])'
    >>> first_char_gate(r"\bdominance\b"), first_char_gate(r"(?:\w+\s+)?volume"), first_char_gate("(?:a)?")
    ('', '', '')
    >>> first_char_gate(r"\W*x"), first_char_gate(r"(?:the\s+)?abc", re.IGNORECASE)
    ('', '')
    """
    if flags & re.IGNORECASE or re.match(r"\s*\(\?[aiLmsux]+\)", pattern):
        return ""
    try:
        items = _p.parse(pattern, flags).data
        first, nullable = _first(items)
    except _Any:
        return ""
    if nullable or not first or not _opens_optional(items) or first & {r"\w", r"\s"}:
        return ""
    return "(?=[" + "".join(sorted(first)) + "])"


def gated(pattern: str, flags: int = 0) -> re.Pattern:
    """``re.compile(pattern, flags)`` behind its first-character gate (same matches, found faster)."""
    return re.compile(first_char_gate(pattern, flags) + pattern, flags)


# --- required words ------------------------------------------------------------------------------
#
# Most cue patterns cannot match unless some word occurs in the text ("liquidat" or "wiped" for
# liquidations). Checking those words with ``str.__contains__`` (a fast C search) lets a scan be
# skipped for the many articles that never mention them.

def _required(items) -> set[str] | None:
    """Strings one of which every match of the parsed sequence contains (``None``: unknown)."""
    best: set[str] | None = None
    run: list[str] = []

    def consider(cand: set[str] | None) -> None:
        nonlocal best
        if cand and (best is None or min(map(len, cand)) > min(map(len, best))):
            best = cand

    for op, av in items:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        consider({"".join(run)} if run else None)
        run = []
        if op is _c.SUBPATTERN and not (av[1] or av[2]):
            consider(_required(av[3]))
        elif op is _c.ATOMIC_GROUP:
            consider(_required(av))
        elif op is _c.BRANCH:
            alts = [_required(seq) for seq in av[1]]
            consider(None if any(a is None for a in alts) else set().union(*alts))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and av[0] >= 1:
            consider(_required(av[2]))
    consider({"".join(run)} if run else None)
    return best


@recache.analysis
def required_words(pattern: str, flags: int = 0) -> frozenset[str] | None:
    r"""Strings one of which every match of ``pattern`` contains, for a case-sensitive pattern;
    ``None`` when there is no such set worth checking (a string shorter than 3 characters).

    >>> sorted(required_words(r"\bliquidat(?:ed|ions?)\b|\bwiped\s+out"))
    ['liquidat', 'wiped']
    >>> sorted(required_words(r"(?:total\s+)?market\s+cap(?:italization)?s?"))
    ['market']
    >>> required_words(r"\d+\s*%"), required_words("(?:a|bc)d"), required_words("abc", re.IGNORECASE)
    (None, None, None)
    """
    if flags & re.IGNORECASE:
        return None
    try:
        found = _required(_p.parse(pattern, flags).data)
    except re.error:
        return None
    if not found or min(map(len, found)) < 3:
        return None
    return frozenset(found)
