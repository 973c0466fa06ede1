"""Asset names -> canonical ids (tickers for crypto, plain names otherwise), from ``data/assets.jsonl``.

Three kinds of alias, compiled once into one regex:
- ``names`` match in any case ("bitcoin", "Bitcoin");
- ``cased_names`` and ``tickers`` match only as written ("Sui", "BTC");
- ``ambiguous_tickers`` are ordinary words ("LINK", "NEAR") and match only as
  ``(LINK)``, ``$LINK``, ``LINK/USDT`` or alone in a table cell (``| LINK |``).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from collections.abc import Iterator

from extractor.data import alternation, compiled, led_alternation, lexicon, rows
from extractor.rx import find_all, lower_exactly, lowered_pattern


@dataclass(frozen=True)
class Asset:
    """An asset as a fact names it: ``id`` is what the record carries (a token's ticker; the name
    as the article writes it for everything else), ``key`` the lexicon entry it belongs to."""

    id: str
    kind: str  # crypto | index | etf | commodity | stock | fx | pair
    key: str | None = None

    @property
    def canonical(self) -> str:
        return self.key or self.id


@dataclass(frozen=True)
class AssetMention:
    start: int
    end: int
    text: str
    asset: Asset


def _not_an_adjective() -> str:
    """Not the first part of an adjective: "Nasdaq-listed shares", "bitcoin-linked stocks", "the
    Australian-born miner" name no asset (``entities.json`` adjective_suffixes)."""
    return rf"(?!-(?:{alternation(lexicon('entities').adjective_suffixes, any_space=False)})\b)"


@compiled
def _lexicon():
    assets: dict[str, Asset] = {}
    as_written: set[str] = set()  # ids whose mentions keep the article's own wording
    ci: dict[str, str] = {}  # lower-cased alias -> id
    exact: dict[str, str] = {}  # alias as written -> id
    ambiguous: dict[str, str] = {}
    for row in rows("assets"):
        assets[row.id] = Asset(row.id, row.kind, row.id)
        if (row.display or ("id" if row.kind == "crypto" else "as_written")) == "as_written":
            as_written.add(row.id)
        for n in row.names:
            ci.setdefault(n.lower(), row.id)
        for n in row.cased_names + row.tickers:
            exact.setdefault(n, row.id)
        for n in row.ambiguous_tickers:
            ambiguous.setdefault(n, row.id)

    def alt(words, ignore_case=False):
        return alternation(words, ignore_case=ignore_case, any_space=False)

    pattern = re.compile(
        rf"""
        (?<![\w$&])(?P<ci>{alt(ci, True)})(?![\w&]){_not_an_adjective()}      # case-insensitive names
        | (?<![\w$&/])(?<![A-Z]\.)(?-i:(?P<exact>{alt(exact)}))(?![\w&]){_not_an_adjective()}  # tickers and cased names, as written (not the S of U.S.)
        | (?:(?<=\()|(?<=\$))(?-i:(?P<amb>{alt(ambiguous)}))(?=\)|\b)  # (LINK) or $LINK
        | (?<![\w$&])(?-i:(?P<pair>{alt(ambiguous)}))(?=/USDT?\b|/USD\b|/BTC\b)  # LINK/USDT
        | (?:(?<=\|)|(?<=\|[ \t])|(?<=\|[ \t]{{2}}))(?-i:(?P<cell>{alt(ambiguous)}))(?=[ \t]*\|)  # | TON |: a table cell of its own
        """,
        re.VERBOSE | re.IGNORECASE,
    )
    return assets, ci, exact, ambiguous, pattern, frozenset(as_written)


@compiled
def _named_as() -> dict[str, str]:
    """A written name (lower case) -> the name a fact gives its asset (``named_as`` of ``assets.jsonl``)."""
    return {written.lower(): name for row in rows("assets") for written, name in row.named_as.items()}


@compiled
def word_names() -> frozenset[str]:
    """The tokens' names that are capitalised English words, matched only as written ("Quant",
    "Maker", "Stellar"): right after another capitalised word, such a name ends a company's name
    ("Cobalt Quant").

    >>> "Quant" in word_names(), "Bitcoin" in word_names(), "QNT" in word_names()
    (True, False, False)
    """
    return frozenset(n for row in rows("assets") if row.kind == "crypto" for n in row.cased_names if n.isalpha() and n.istitle())


def canonical_asset(name: str) -> str | None:
    """Canonical id of an asset name or ticker, or ``None`` if it is not in the lexicon.

    >>> canonical_asset("Ethereum"), canonical_asset("ether"), canonical_asset("BTC"), canonical_asset("S&P 500 Index")
    ('ETH', 'ETH', 'BTC', 'S&P 500')
    >>> canonical_asset("LINK"), canonical_asset("Solana"), canonical_asset("Acme Corp") is None
    ('LINK', 'SOL', True)
    """
    assets, ci, exact, ambiguous, _, _ = _lexicon()
    s = name.strip()
    return exact.get(s) or ci.get(s.lower()) or ambiguous.get(s) or (s if s in assets else None)


def asset_kind(asset_id: str) -> str | None:
    """``crypto``, ``index``, ``etf``, ``commodity`` or ``stock``.

    >>> asset_kind("BTC"), asset_kind("gold")
    ('crypto', 'commodity')
    """
    a = _lexicon()[0].get(asset_id)
    return a.kind if a else None


@dataclass(frozen=True)
class _Scans:
    """The four branches of ``_lexicon``'s pattern as separate, faster scans (see ``find_assets``)."""

    ci_fast: re.Pattern  # case-insensitive names, over the lower-cased text
    ci: re.Pattern  # the same, re.IGNORECASE over the text (confirms each fast hit)
    exact: re.Pattern
    amb: re.Pattern  # matched right after "(" or "$"
    pair: re.Pattern  # matched right before "/USD", "/USDT" or "/BTC"
    pair_lengths: tuple[int, ...]
    cell: re.Pattern  # a pipe-table cell that holds the ticker alone, matched after its "|" and up to 2 spaces


@compiled
def _scans() -> _Scans:
    _, ci, exact, ambiguous, _, _ = _lexicon()
    # names in any case: most letters can start one, so the lookbehind goes first (fails faster)
    ci_body = rf"(?<![\w$&])(?P<ci>{alternation(ci, ignore_case=True, any_space=False)})(?![\w&]){_not_an_adjective()}"
    exact_names = led_alternation(sorted(exact), r"[\w$&/]", r"(?i:[A-Z])\.", any_space=False)  # not the S of U.S.
    return _Scans(
        ci_fast=re.compile(lowered_pattern(ci_body)),
        ci=re.compile(ci_body, re.IGNORECASE),
        exact=re.compile(rf"(?P<exact>{exact_names})"
                         rf"(?![\w&])(?i:{_not_an_adjective()})"),
        amb=re.compile(rf"(?P<amb>{alternation(ambiguous, any_space=False)})(?=\)|\b)"),
        pair=re.compile(rf"(?P<pair>{alternation(ambiguous, any_space=False)})(?i:(?=/USDT?\b|/USD\b|/BTC\b))"),
        pair_lengths=tuple(sorted({len(a) for a in ambiguous})),
        cell=re.compile(rf"(?P<cell>{alternation(ambiguous, any_space=False)})(?=[ \t]*\|)"),
    )


_PAIR_QUOTE = re.compile(r"/(?:USD|BTC)", re.IGNORECASE)


def _matches(text: str) -> Iterator[tuple[str, re.Match]]:
    """``_lexicon``'s pattern's ``finditer`` over ``text``, the same matches found faster, each
    with the name of the group that matched (``ci``, ``exact``, ``amb``, ``pair`` or ``cell``).

    The pattern is an alternation of five branches; at each position the first branch that
    matches wins and the scan goes on after the match. Each branch is scanned on its own here
    (names over the lower-cased text, case-sensitively; the ticker branches only where a "(",
    "$", "/USD" or a table's "|" makes them possible) and the branch matches are merged by the same rule.
    Texts whose lower-casing is not exact (see ``rx``) take the pattern itself."""
    low = lower_exactly(text)
    if low is None:
        for m in _lexicon()[4].finditer(text):
            yield next(g for g in ("ci", "exact", "amb", "pair", "cell") if m.group(g)), m
        return
    s = _scans()
    exact = s.exact
    # the ticker branches: every hit at every possible start, in order
    fixed: list[tuple[int, int, str, re.Match]] = []  # (start, branch, group, match)
    starts = {i + 1 for i in find_all(text, "($")}
    for p in sorted(starts):
        m = s.amb.match(text, p)
        if m is not None:
            fixed.append((p, 2, "amb", m))
    pairs = set()
    for q in (m.start() for m in _PAIR_QUOTE.finditer(text)):
        pairs.update(q - n for n in s.pair_lengths if q - n >= 0)
    for p in sorted(pairs):
        m = s.pair.match(text, p)
        if m is not None and (p == 0 or not _NOT_PAIR_LEFT.match(text, p - 1)):
            fixed.append((p, 3, "pair", m))
    for bar in find_all(text, "|"):
        p = bar + 1
        while p < len(text) and p - bar <= 2 and text[p] in " \t":
            p += 1
        m = s.cell.match(text, p)
        if m is not None:
            fixed.append((p, 4, "cell", m))
    fixed.sort(key=lambda x: (x[0], x[1]))
    fi = 0
    pos = 0
    ci_next = _search_ci(s, text, low, 0)
    ex_next = exact.search(text, 0)
    while True:
        if ci_next is not None and ci_next.start() < pos:
            ci_next = _search_ci(s, text, low, pos)
        if ex_next is not None and ex_next.start() < pos:
            ex_next = exact.search(text, pos)
        while fi < len(fixed) and fixed[fi][0] < pos:
            fi += 1
        best, group = ci_next, "ci"
        if ex_next is not None and (best is None or ex_next.start() < best.start()):
            best, group = ex_next, "exact"
        if fi < len(fixed) and (best is None or fixed[fi][0] < best.start()):
            group, best = fixed[fi][2:]
        if best is None:
            return
        yield group, best
        pos = best.end()


_NOT_PAIR_LEFT = re.compile(r"[\w$&]")


def _search_ci(s: _Scans, text: str, low: str, pos: int) -> re.Match | None:
    """The first case-insensitive name match at or after ``pos`` (as a match on ``text``)."""
    m = s.ci_fast.search(low, pos)
    if m is None:
        return None
    real = s.ci.match(text, m.start())
    if real is None or real.end() != m.end():  # pragma: no cover - lower-casing kept every offset
        raise AssertionError("case-insensitive asset scan out of step")
    return real


def _ci_id(ci: dict[str, str], written: str) -> str:
    """The asset id of a name matched in any case. ``re.IGNORECASE`` pairs a few characters that
    ``lower()`` does not map onto each other ("İ" matches "i" but lower-cases to two characters),
    so such a match is looked up by matching each name of its length the same way.

    >>> _ci_id({"ibovespa": "IBOV"}, "İBOVESPA"), _ci_id({"ibovespa": "IBOV"}, "Ibovespa")
    ('IBOV', 'IBOV')
    """
    aid = ci.get(written.lower())
    if aid is not None:
        return aid
    for name, found in ci.items():
        if len(name) == len(written) and re.fullmatch(re.escape(name), written, re.IGNORECASE):
            return found
    raise LookupError(f"asset name {written!r} matched but is not in the lexicon")  # pragma: no cover - the pattern is built from these names


def find_assets(text: str, offset: int = 0) -> list[AssetMention]:
    """Every asset mention in ``text``, left to right, longest alias first.

    >>> [(m.text, m.asset.id) for m in find_assets("Bitcoin (BTC) and ether fell; LINK rose; (LINK) and DOGE/USDT")]
    [('Bitcoin', 'BTC'), ('BTC', 'BTC'), ('ether', 'ETH'), ('LINK', 'LINK'), ('LINK', 'LINK'), ('DOGE', 'DOGE')]
    >>> [m.text for m in find_assets("Click the LINK below; one TON of ore")]  # not named otherwise: the words
    []
    >>> [(m.asset.id, m.asset.canonical) for m in find_assets("The Invesco QQQ Trust and the S&P 500 Index; Brent crude")]
    [('Invesco QQQ Trust', 'QQQ'), ('S&P 500', 'S&P 500'), ('Brent crude', 'Brent')]
    >>> [m.text for m in find_assets("Meridian's Nasdaq-listed shares and bitcoin-linked stocks fell; the Nasdaq-100 rose")]
    ['Nasdaq-100']
    >>> [m.text for m in find_assets("in early U.S. trading")]
    []
    >>> [m.text for m in find_assets("about C$124,600, or A$3.10; shares of C rose")]  # a currency sign's letters are no ticker
    ['C']
    """
    assets, ci, exact, ambiguous, pattern, as_written = _lexicon()
    out = []
    for group, m in _matches(text):
        if text.startswith("$", m.end()) and text[m.end() + 1 : m.end() + 2].isdigit():
            continue  # the letters of a currency sign ("C$124,600", "A$3.10", "HK$47 million"), not a ticker
        if group == "ci":
            aid = _ci_id(ci, m.group("ci"))
        elif group == "exact":
            aid = exact[m.group("exact")]
        else:
            aid = ambiguous[m.group(group)]
        asset = assets[aid]
        if aid in as_written:  # the record keeps the article's wording of a stock, index, commodity or currency
            written = " ".join(m.group(0).split())
            asset = Asset(_named_as().get(written.lower(), written), asset.kind, aid)
        out.append(AssetMention(m.start() + offset, m.end() + offset, m.group(0), asset))
    confirmed = {t: aid for t, aid in ambiguous.items() if any(a.asset.canonical == aid for a in out)}
    if confirmed:
        out = sorted(out + _confirmed_tickers(text, offset, confirmed, assets, out), key=lambda a: a.start)
    return out


_CAPS_READ = 60  # characters either side of a bare ticker read to tell prose from a line in capitals


def _confirmed_tickers(text: str, offset: int, confirmed: dict[str, str], assets: dict, found: list[AssetMention]) -> list[AssetMention]:
    """An ambiguous ticker written bare in capitals ("LINK was steady at $16.90") where the text also
    names that asset unambiguously ("Chainlink", "(LINK)", "$LINK", "LINK/USDT"): the text uses the
    ticker, not the word. Not inside a line written in capitals (a headline's "LINK" or "TON" may be
    the word), nor where another mention already stands.

    >>> [m.text for m in find_assets("Chainlink (LINK) led. LINK rose 4% while TON fell.")]
    ['Chainlink', 'LINK', 'LINK']
    """
    taken = sorted((a.start - offset, a.end - offset) for a in found)
    out = []
    for tick, aid in confirmed.items():
        n, i = len(tick), text.find(tick)
        while i >= 0:
            j = i + n
            if not (i and (text[i - 1].isalnum() or text[i - 1] in "$&/.-_")) and not (j < len(text) and (text[j].isalnum() or text[j] in "/-_")):
                k = bisect_right(taken, (i, float("inf"))) - 1
                overlaps = k >= 0 and taken[k][1] > i or k + 1 < len(taken) and taken[k + 1][0] < j
                around = text[max(0, i - _CAPS_READ) : j + _CAPS_READ]
                if not overlaps and any(c.islower() for c in around):
                    out.append(AssetMention(i + offset, j + offset, tick, assets[aid]))
            i = text.find(tick, i + 1)
    return out
