"""``etf_flow`` facts: net money into or out of exchange-traded funds and products (spec FACTS.md).

How a money amount becomes a flow, sentence by sentence:

1. **Product context.** The sentence, or one of the few before it, names a fund:
   a head noun ("ETFs", "exchange-traded products", "investment products", "Trust")
   with its modifiers ("US spot Bitcoin", "BlackRock's ETHA", "global crypto"), or a
   fund ticker (IBIT, FBTC...). Names, tickers, issuers and underlyings come from
   ``data/etf_products.json``; words from ``data/flow_lexicon.json``.
2. **Direction.** Each amount owns the stretch of the sentence between its
   neighbouring amounts. In that stretch the cue nearest to it decides: a direction
   cue ("net outflows", "withdrawn", "attracted", "in the red") makes it a flow; a
   block cue ("total assets", "volume", "holdings", "price") means it is something
   else. A cue right after the amount ("$X in net inflows", "$X in trading volume")
   is its head noun and wins. Commas and brackets count as distance.
3. **Inheritance.** An amount with no cue of its own continues a list ("$X on
   Tuesday, $Y on Wednesday") and takes the direction of the flow before it in the
   sentence; in a later sentence it does so only when it says it continues the
   tally ("This brings the weekly total to $Z").
4. **Attributes.** ``when`` is the day reference nearest to the amount in its own
   stretch; ``period`` the nearest span ("over the past three days" -> P3D);
   ``streak_days`` from "outflow streak to four days" / "five straight days";
   ``source`` from the sentence ("according to SoSoValue").

Amounts used here are claimed (``context.claim``) so later modules skip them.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from extractor.facts import context as ctx
from extractor.facts.context import doc_text, FactComponent
from extractor.normalize.assets import asset_kind, canonical_asset, find_assets
from extractor.normalize.numbers import Money
from extractor.normalize.periods import finditer_periods
from extractor.records import EtfFlowFact
from extractor.data import pattern_alternation, read_json, read_lines
from extractor.rx import Caseless

log = logging.getLogger(__name__)

OWNER = "etf_flow"
MIN_AMOUNT = 500_000.0  # fund flows are reported in millions; smaller amounts are prices ("$104K")
LOOKBACK_SENTS = 3  # how far back a named product keeps a paragraph "about ETF flows"
TALLY_LOOKBACK_SENTS = 3  # how far back a flow may be continued by "the total for the week..."
PUNCT_PENALTY = 25  # each comma/semicolon/bracket between an amount and a cue counts as this many characters
MAX_CUE_DISTANCE = 160


# --- data -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Lexicon:
    cues: Caseless  # named groups: block, inflow, outflow
    continuation: Caseless
    heads: re.Pattern  # named groups: strong, weak
    modifiers: frozenset
    multi_words: frozenset
    determiners: frozenset
    issuer_words: frozenset
    tickers: dict  # ticker -> asset (or None), unambiguous tickers
    ambiguous_tickers: dict
    ticker_re: re.Pattern
    periods: list  # (compiled, duration)
    number_words: dict
    providers: re.Pattern


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    lex = read_json("flow_lexicon.json")
    prods = read_json("etf_products.json")
    cues = Caseless(
        rf"(?<![\w-])(?:(?P<block>{pattern_alternation(lex['block'])})|(?P<inflow>{pattern_alternation(lex['inflow'])})|(?P<outflow>{pattern_alternation(lex['outflow'])})"
        rf"|(?P<inflow_weak>{pattern_alternation(lex['inflow_weak'])})|(?P<outflow_weak>{pattern_alternation(lex['outflow_weak'])}))(?![\w-])"
    )
    continuation = Caseless(rf"(?<![\w-])(?:{pattern_alternation(lex['continuation'])})(?![\w-])")
    heads = re.compile(
        rf"(?<![\w-])(?:(?P<strong>{pattern_alternation(lex['product_heads_strong'])})|(?P<weak>{pattern_alternation(lex['product_heads_weak'])}))(?![\w-])",
        re.IGNORECASE,
    )
    issuer_words = frozenset(w.lower() for name in prods["issuers"] for w in name.split())
    tickers, ambiguous = {}, {}
    for p in prods["products"]:
        (ambiguous if p.get("ambiguous") else tickers)[p["ticker"]] = p["asset"]
        issuer_words |= {w.lower() for w in p["issuer"].split()}
    ticker_re = re.compile(rf"(?<![\w$/-])(?:{pattern_alternation(map(re.escape, tickers))})(?![\w/-])")
    periods = [(Caseless(rf"\b(?:{pattern_alternation(frags)})\b"), dur) for dur, frags in lex["periods"].items()]
    names = read_lines("providers.txt")
    providers = re.compile(
        rf"""
        (?:according\s+to|data\s+(?:from|by)|compiled\s+by|source:|per|via|reported\s+by|tracked\s+by)  # attribution cue
        (?:\s+[\w.’'-]+){{0,5}}?\s+                                                 # a few words of filler ("European investment firm")
        (?P<name>{pattern_alternation(map(re.escape, names))})(?![\w])                            # a known provider
        | (?P<name2>{pattern_alternation(map(re.escape, names))})['’]?s?\s+(?:said|says|reported|noted|wrote|showed|shows|data|figures)\b  # "CoinShares said"
        """,
        re.VERBOSE | re.IGNORECASE,
    )
    return _Lexicon(
        cues=cues,
        continuation=continuation,
        heads=heads,
        modifiers=frozenset(lex["product_modifiers"]),
        multi_words=frozenset(lex["multi_asset_words"]),
        determiners=frozenset(lex["determiners"]),
        issuer_words=frozenset(issuer_words),
        tickers=tickers,
        ambiguous_tickers=ambiguous,
        ticker_re=ticker_re,
        periods=periods,
        number_words=lex["number_words"],
        providers=providers,
    )


# --- product mentions ---------------------------------------------------------------------

@dataclass(frozen=True)
class Product:
    """A fund named in the text: where, as written, its underlying, and how specific it is."""

    start: int
    end: int
    text: str
    asset: str | None  # underlying ticker, when the name says it
    multi: bool  # a multi-asset product ("crypto investment products"): asset stays null
    specific: bool  # has a name part beyond a bare head ("ETFs", "the funds")


_WORD_BEFORE = re.compile(
    r"""
    (?P<word>[A-Za-z0-9$+][\w.&+’'-]*?)   # a word (US-listed, U.S., BlackRock’s, 21Shares, +)
    (?P<poss>['’]s)?                      # possessive of an issuer ("BlackRock’s")
    [\s]+$                                 # then the space before what follows
    """,
    re.VERBOSE,
)
_PAREN_AFTER = re.compile(
    r"""
    \s*\(\s*                                # an opening bracket right after the head
    (?P<inner>ETFs?|ETPs?|ETNs?|[A-Z]{2,5}) # "(ETPs)" or a ticker "(IBIT)"
    \s*\)                                   # closing bracket
    """,
    re.VERBOSE,
)


def _word_kind(word: str, lex: _Lexicon) -> str | None:
    """What a word before a fund's head noun is: asset, multi, issuer, ticker, modifier; ``None`` ends the name."""
    low = word.lower()
    if word in lex.tickers or word in lex.ambiguous_tickers and word.isupper() and len(word) > 3:
        return "ticker"
    if low in lex.multi_words:
        return "multi"
    aid = canonical_asset(word)
    if aid and asset_kind(aid) == "crypto":
        return "asset"
    if low in lex.issuer_words:
        return "issuer"
    if low in lex.modifiers or low.rstrip(".") in lex.modifiers:
        return "modifier"
    if "-" in word:  # "Bitcoin-linked", "US-listed"
        kinds = [_word_kind(part, lex) for part in word.split("-") if part]
        if kinds and all(kinds):
            return next((k for k in kinds if k != "modifier"), "modifier")
    return None


def _product_from_words(doc_text: str, start: int, end: int, lex: _Lexicon, strong: bool, ticker_asset=None) -> Product | None:
    """Walk left from a head noun over name words; ``None`` if a weak head has no name."""
    pos = start
    kinds: list[str] = []
    words: list[str] = []
    while True:
        m = _WORD_BEFORE.search(doc_text, max(0, pos - 40), pos)
        if not m:
            break
        kind = _word_kind(m.group("word"), lex)
        if kind is None:
            break
        if m.group("poss") and kind not in ("issuer",):
            break
        kinds.append(kind)
        words.append(m.group("word"))
        pos = m.start()
        if m.group("poss"):
            break  # "BlackRock’s" starts the name
    if not strong and not any(k in ("asset", "issuer", "ticker", "multi") for k in kinds):
        return None
    paren = _PAREN_AFTER.match(doc_text, end)
    if paren:
        end = paren.end()
    text = doc_text[pos:end]
    asset = ticker_asset
    for w in words + ([paren.group("inner")] if paren else []):
        if asset is None and w in lex.tickers and lex.tickers[w]:
            asset = lex.tickers[w]
    if asset is None:
        for w in reversed(words):
            for part in w.split("-"):
                aid = canonical_asset(part)
                if aid and asset_kind(aid) == "crypto":
                    asset = aid
                    break
            if asset:
                break
    multi = asset is None and "multi" in kinds
    return Product(pos, end, text, asset, multi, specific=bool(kinds) or bool(paren and paren.group("inner") in lex.tickers))


def find_products(text: str, assets=None) -> list[Product]:
    """Fund mentions in ``text``, left to right (overlaps resolved to the longest).
    ``assets``: the asset mentions of ``text`` when already known (``context.assets``).

    >>> [(p.text, p.asset, p.specific) for p in find_products("US spot Bitcoin ETFs bled $1M; the ETFs and hedge funds rested")]
    [('US spot Bitcoin ETFs', 'BTC', True), ('ETFs', None, False)]
    >>> [(p.text, p.asset) for p in find_products("BlackRock’s ETHA fund and the iShares Bitcoin Trust (IBIT)")]
    [('BlackRock’s ETHA fund', 'ETH'), ('iShares Bitcoin Trust (IBIT)', 'BTC')]
    >>> [(p.text, p.asset, p.multi) for p in find_products("Cryptocurrency investment products and FBTC")]
    [('Cryptocurrency investment products', None, True), ('FBTC', 'BTC', False)]
    >>> [(p.text, p.asset, p.multi) for p in find_products("SPDR Gold Shares (GLD) and SPY")]
    [('SPDR Gold Shares (GLD)', None, True), ('SPY', None, True)]
    >>> find_products("the trust fell and products shipped")
    []
    """
    lex = _lexicon()
    found: list[Product] = []
    for m in lex.heads.finditer(text):
        p = _product_from_words(text, m.start(), m.end(), lex, strong=bool(m.group("strong")))
        if p:
            found.append(p)
    for m in lex.ticker_re.finditer(text):
        tick = m.group(0)
        p = _product_from_words(text, m.start(), m.end(), lex, strong=True, ticker_asset=lex.tickers[tick])
        if p:
            found.append(Product(p.start, p.end, p.text, p.asset, False, True))
    for a in find_assets(text) if assets is None else assets:  # other exchange-traded funds of the shared asset lexicon (GLD, SPY, QQQ)
        if a.asset.kind == "etf":
            paren = _PAREN_AFTER.match(text, a.end)
            end = paren.end() if paren else a.end
            found.append(Product(a.start, end, text[a.start : end], None, True, True))
    found.sort(key=lambda p: (p.start, -(p.end - p.start)))
    out: list[Product] = []
    for p in found:
        if out and p.start < out[-1].end:
            if p.end > out[-1].end:  # "ETHA" then "BlackRock’s ETHA fund": keep the longer
                out[-1] = p if p.start <= out[-1].start else out[-1]
            continue
        out.append(p)
    return out


# --- small parsers ------------------------------------------------------------------------

_STREAK_RE = Caseless(
    r"""
    (?:                                                                # one of the streak phrasings:
      (?:(?P<dir>inflow|outflow|buying|selling|winning|losing)s?[\s-]+)?  # optional direction of the streak
    streak\s+(?:to|of|at|reached|hit)\s+                                # "streak to four days"
    (?P<n>\d+|[a-z]+)\s+(?:straight\s+|consecutive\s+)?(?:trading\s+)?(?:days?|sessions?)\b
    | (?P<pre>for|over|in|of)?\s*                                      # "for five straight days" (also a period)
      (?P<n2>\d+|[a-z]+)[\s-]+(?:straight|consecutive|successive)\s+(?:trading\s+)?(?:days?|sessions?)\b
    | (?P<n3>\d+|[a-z]+)[\s-](?:trading[\s-])?(?:day|session)\s+         # "a four-day outflow streak", "a four-day run"
      (?:(?P<dir3>inflow|outflow|buying|selling|winning|losing)\s+)?(?:streak|run|stretch|string)\b
    | (?P<ord>[a-z]+|\d+(?:st|nd|rd|th))\s+(?:straight|consecutive|successive)\s+(?:trading\s+)?(?:day|session)\b  # "the fourth straight day"
    | (?P<ord2>[a-z]+|\d+(?:st|nd|rd|th)|\d+\s+(?:trading\s+)?(?:days|sessions))\s*   # "the fifth day ... in a row", "3 days in a row"
      (?:(?:trading\s+)?(?:day|session)\s+)?(?:of\s+(?:net\s+)?[a-z]+\s+)?in\s+a\s+row\b
    )
    (?:\s+of\s+(?:net\s+)?(?P<ofdir>[a-z]+))?                          # "... run of redemptions": the streak's direction
    """,
    re.VERBOSE,
)
# every streak phrasing above holds one of these words: a text without them has no streak (keep in step
# with _STREAK_RE; its automatic required-words gate also accepts "day", which nearly every text has)
_STREAK_WORDS = ("streak", "straight", "consecutive", "successive", "row", "run", "stretch", "string")


def _count(word: str | None) -> int | None:
    if not word:
        return None
    w = word.lower()
    if w[:1].isdigit():
        digits = re.match(r"\d+", w).group(0)
        return int(digits)
    return _lexicon().number_words.get(w)


def find_streaks(text: str) -> list[tuple[int, int, int, str | None, bool]]:
    """``(start, end, days, direction or None, also_a_period)`` for each streak phrase.

    >>> [s[2:] for s in find_streaks("ETFs extended their outflow streak to four days")]
    [(4, 'outflow', False)]
    >>> [s[2:] for s in find_streaks("inflows for five straight days")]
    [(5, None, True)]
    >>> [s[2:] for s in find_streaks("a 3-day inflow streak; the sixth consecutive session of outflows")]
    [(3, 'inflow', False), (6, 'outflow', False)]
    >>> [s[2:] for s in find_streaks("ending a four-day run of redemptions; the fifth day of withdrawals in a row")]
    [(4, 'outflow', False), (5, 'outflow', False)]
    >>> find_streaks("straight talk")
    []
    """
    out = []
    low = text.lower()
    if not any(w in low for w in _STREAK_WORDS):
        return out
    for m in _STREAK_RE.finditer(text):
        n = _count(m.group("n") or m.group("n2") or m.group("n3") or m.group("ord") or m.group("ord2"))
        if not n or n < 2:
            continue
        d = (m.group("dir") or m.group("dir3") or "").lower()
        direction = "inflow" if d in ("inflow", "buying", "winning") else "outflow" if d in ("outflow", "selling", "losing") else None
        inner = re.search(r"\bof\s+(?:net\s+)?([a-z]+)", m.group(0), re.IGNORECASE)
        word = m.group("ofdir") or (inner.group(1) if inner else None)
        if direction is None and word:
            cue = _lexicon().cues.fullmatch(word)
            if cue and not cue.group("block"):
                direction = direction_of(cue)[0]
        out.append((m.start(), m.end(), n, direction, bool(m.group("pre") and m.group("n2"))))
    return out


def find_periods(text: str, offset: int = 0) -> list[tuple[int, int, str | None]]:
    """Period phrases (``normalize.periods``) plus the week/day/month phrases of flow reports.

    >>> [p[2] for p in find_periods("over the past three days, and $5M for the week")]
    ['P3D', 'P7D']
    """
    out = list(finditer_periods(text, offset))
    for rx, dur in _lexicon().periods:
        for m in rx.finditer(text):
            s, e = m.start() + offset, m.end() + offset
            if not any(a < e and s < b for a, b, _ in out):
                out.append((s, e, dur))
    return sorted(out)


def direction_of(cue: re.Match) -> tuple[str, bool]:
    """``(block|inflow|outflow, weak)`` of a cue match; weak cues ("lost", "added") need a fund in the sentence."""
    for group in ("block", "inflow", "outflow"):
        if cue.group(group):
            return group, False
    return ("inflow" if cue.group("inflow_weak") else "outflow"), True


_GAP_AFTER = re.compile(
    r"""
    ^\s*\)?\s*,?\s*                   # a closing bracket may sit between ("($340 million) in ...")
    (?:(?:in|of|worth\s+of|in\s+the\s+form\s+of)\s+)?   # "$X in ...", "$X of ..."
    (?:[A-Za-z-]+\s+){0,2}$            # at most two words before the cue ("cumulative net")
    """,
    re.VERBOSE,
)


def _gap_cost(text: str) -> float:
    return len(text) + PUNCT_PENALTY * sum(text.count(c) for c in ",;:()")


def provider_in(text: str) -> str | None:
    """The data provider named in ``text`` (``context.source_in`` first, then a looser cue).

    >>> provider_in("according to data from European crypto investment firm CoinShares")
    'CoinShares'
    >>> provider_in("outflows of $1.7 billion, CoinShares said in its weekly report")
    'CoinShares'
    """
    src = ctx.source_in(text)
    if src:
        return src
    m = _lexicon().providers.search(text)
    return (m.group("name") or m.group("name2")) if m else None


# --- the extractor --------------------------------------------------------------------------

@dataclass
class _Flow:
    money: Money
    direction: str
    rule: str
    sent_idx: int
    fact: EtfFlowFact | None = None


def _segment(amounts: list[Money], i: int, s_start: int, s_end: int) -> tuple[int, int]:
    """The stretch of a sentence an amount owns: from the amount before it to the amount after it."""
    lo = amounts[i - 1].end if i > 0 else s_start
    hi = amounts[i + 1].start if i + 1 < len(amounts) else s_end
    return lo, hi


def _nearest(items, m: Money, lo: int, hi: int, text: str):
    """Items ``(start, end, ...)`` inside ``lo:hi``, nearest to amount ``m`` first (punctuation counts)."""
    scored = []
    for it in items:
        s, e = it[0], it[1]
        if s < lo or e > hi or (s < m.end and m.start < e):
            continue
        cost = _gap_cost(text[e : m.start]) if e <= m.start else _gap_cost(text[m.end : s])
        scored.append((cost, it))
    scored.sort(key=lambda x: x[0])
    return scored


_BREAKDOWN = re.compile(
    r"""
    \b(?:accounted\s+for|accounting\s+for|led|leading|contribut(?:ed|ing)|of\s+(?:the|that)\s+(?:total|sum|haul|tally)|of\s+which)\b  # a part of a flow
    """,
    re.VERBOSE | re.IGNORECASE,
)

_CUMULATIVE = re.compile(
    r"""
    \b(?:since|cumulative(?:ly)?|year[\s-]to[\s-]date|YTD|so\s+far|to\s+date|all[\s-]time|lifetime|total|overall|combined|aggregate)\b  # a running sum, not one day's flow
    """,
    re.VERBOSE | re.IGNORECASE,
)

_CONTRAST = re.compile(
    r"""
    \b(?:while|whereas|but|although|though|versus|vs\.?|compared\s+(?:with|to)|against|unlike)\b  # a new, contrasting clause
    """,
    re.VERBOSE | re.IGNORECASE,
)


def _own_cues(text: str, m: Money, cues, products: list[Product]):
    """Cues that can belong to amount ``m``: not across a contrast ("..., while X funds attracted"),
    and not after another fund named between the amount and the cue (that fund's own verb)."""
    out = []
    for c in cues:
        s, e = c[0], c[1]
        gap = (e, m.start) if e <= m.start else (m.end, s)
        if _CONTRAST.search(text, gap[0], gap[1]):
            continue
        if s >= m.end and any(gap[0] <= p.start and p.end <= gap[1] for p in products):
            continue
        out.append(c)
    return out


def _direction_for(text: str, m: Money, lo: int, hi: int, cues: list[tuple[int, int, str]]):
    """``(inflow|outflow|block|None, rule, cue span or None)`` for the amount from the cues in its stretch."""
    for s, e, kind in cues:  # a cue right after the amount is its head noun: "$X in net inflows", "$X in volume"
        if s >= m.end and lo <= s and e <= hi and _GAP_AFTER.match(text[m.end : s]):
            return kind, "flow_amount_noun", (s, e)
    scored = _nearest(cues, m, lo, hi, text)
    if scored and scored[0][0] <= MAX_CUE_DISTANCE:
        s, e, kind = scored[0][1]
        return kind, "flow_cue_nearest", (s, e)
    return None, "", None


def extract_flows(doc: Doc) -> list[EtfFlowFact]:
    """All ``etf_flow`` facts of ``doc``."""
    lex = _lexicon()
    text = doc_text(doc)
    sents = ctx.sentences(doc)
    all_money = ctx.money(doc)
    all_days = ctx.days(doc)
    products = find_products(text, ctx.assets(doc))
    cues_all = [(m.start(), m.end(), *direction_of(m)) for m in lex.cues.finditer(text)]
    facts: list[EtfFlowFact] = []
    flows: list[_Flow] = []
    last_specific: tuple[int, Product] | None = None  # (sentence index, product)
    last_any_product = -10

    for si, sent in enumerate(sents):
        s0, s1 = sent.start_char, sent.end_char
        sent_products = [p for p in products if s0 <= p.start and p.end <= s1]
        if sent_products:
            last_any_product = si
        amounts = [m for m in all_money if s0 <= m.start and m.end <= s1]
        in_context = bool(sent_products) or si - last_any_product <= LOOKBACK_SENTS
        if amounts and in_context:
            names_fund = bool(sent_products) or bool(lex.heads.search(sent.text))
            cues = [c[:3] for c in cues_all if s0 <= c[0] and c[1] <= s1 and (names_fund or not c[3])]
            streaks = find_streaks(sent.text)
            periods = find_periods(sent.text, s0)
            streak_spans = [(a + s0, b + s0) for a, b, *_ in streaks]
            periods = [p for p in periods if not any(a < p[1] and p[0] < b for a, b in streak_spans)]
            days = [(d.start, d.end, d) for d in all_days if s0 <= d.start and d.end <= s1 and not _in_range(text, d.start)]
            prev_dir: str | None = None
            running_product = None
            for i, m in enumerate(amounts):
                lo, hi = _segment(amounts, i, s0, s1)
                if m.value < MIN_AMOUNT:
                    prev_dir = None
                    continue
                if ctx.claimed_by(doc, m.start, m.end):
                    continue
                direction, rule, cue = _direction_for(text, m, lo, hi, _own_cues(text, m, cues, sent_products))
                if direction == "block":
                    prev_dir = None
                    continue
                if direction is None:
                    if prev_dir and not _CONTRAST.search(text, lo, m.start):  # "..., while their assets hit $Y" starts anew
                        direction, rule = prev_dir, "flow_list_continues"
                    elif flows and si - flows[-1].sent_idx <= TALLY_LOOKBACK_SENTS and lex.continuation.search(text, lo, hi) and not _has_other_money_noun(text, m, hi):
                        direction, rule = flows[-1].direction, "flow_tally_continues"
                    else:
                        continue
                prev_dir = direction
                product = _product_for(m, sent_products, last_specific, si)
                if product and product.specific:
                    running_product = (si, product)
                fact = _make_fact(doc, m, direction, rule, cue, product, last_specific, lo, hi, days, periods, streaks, sent.text)
                if rule == "flow_tally_continues" and _BREAKDOWN.search(text, lo, hi) and fact.when is None and fact.period is None:
                    parent = flows[-1].fact  # "X accounted for $Y of the total": the part shares the whole's day and span
                    fact = fact.model_copy(update={"when": parent.when, "when_text": parent.when_text, "period": parent.period, "source": fact.source or parent.source, "rule": "flow_breakdown"})
                elif flows and si - flows[-1].sent_idx <= 1 and fact.when is None and fact.period is None and not _CUMULATIVE.search(text, *_clause(text, m, lo, hi)):
                    parent = flows[-1].fact  # a fund's share of the day just reported: "IBIT took in $X, FBTC added $Y"
                    fact = fact.model_copy(update={"when": parent.when, "when_text": parent.when_text, "period": parent.period, "source": fact.source or parent.source})
                flows.append(_Flow(m, direction, rule, si, fact))
                facts.append(fact)
                ctx.claim(doc, m.start, m.end, OWNER)
                last_any_product = si  # a sentence with flows keeps the paragraph about fund flows
        if not amounts and flows and flows[-1].sent_idx == si - 1:
            _streak_from_next_sentence(facts, flows, si - 1, find_streaks(sent.text))
        specific = [p for p in sent_products if p.specific]
        if specific:
            last_specific = (si, specific[-1])
        elif amounts and in_context and running_product:
            last_specific = running_product  # the product a flow was read for stays the paragraph's subject
    return _merge_repeats(facts)


def _streak_from_next_sentence(facts: list[EtfFlowFact], flows: list[_Flow], sent_idx: int, streaks) -> None:
    """"... $287 million on Monday. It was the fifth straight day of withdrawals." -> streak 5 for that flow."""
    for a, b, n, sdir, _ in streaks:
        for k, fl in enumerate(flows):
            if fl.sent_idx != sent_idx or fl.fact.streak_days is not None or (sdir and sdir != fl.direction):
                continue
            updated = fl.fact.model_copy(update={"streak_days": n})
            facts[facts.index(fl.fact)] = updated
            flows[k] = _Flow(fl.money, fl.direction, fl.rule, fl.sent_idx, updated)
        return


_FILLABLE = ("when", "when_text", "period", "streak_days", "source", "asset", "product")


def _merge_repeats(facts: list[EtfFlowFact]) -> list[EtfFlowFact]:
    """A flow stated twice (summary bullet, then body) is one fact: the first, with gaps filled from the repeat."""
    out: list[EtfFlowFact] = []
    for f in facts:
        twin = next(
            (i for i, o in enumerate(out)
             if o.direction == f.direction and o.amount == f.amount
             and all(getattr(o, k) is None or getattr(f, k) is None or getattr(o, k) == getattr(f, k) for k in ("when", "asset"))),
            None,
        )
        if twin is None:
            out.append(f)
            continue
        o = out[twin]
        out[twin] = o.model_copy(update={k: getattr(f, k) for k in _FILLABLE if getattr(o, k) is None and getattr(f, k) is not None})
    return out


_NOT_THE_DAY = re.compile(
    r"""
    \bbetween\s+\S+(?:\s+\S+)?\s+and\s+$   # second end of "between Jan. 21 and Feb. 5"
    | \b(?:between|from)\s+$                  # first end of a range
    | \b(?:a|an|the|its|their|his|her)\s+$    # a date used as an attribute: "a May 12 update"
    | \b(?:said|says|reported|report|update|noted|wrote|published|released)\b[^,.;]{0,30}$  # when the report came out
    """,
    re.VERBOSE | re.IGNORECASE,
)


def _clause(text: str, m: Money, lo: int, hi: int) -> tuple[int, int]:
    """The clause around amount ``m`` inside its stretch: up to the nearest comma, semicolon or contrast word."""
    left = text[lo : m.start]
    cut = max([left.rfind(c) for c in ",;"] + [x.end() - 1 for x in _CONTRAST.finditer(left)] + [-1])
    start = lo + cut + 1
    right = text[m.end : hi]
    stops = [i for i in (right.find(","), right.find(";")) if i >= 0] + [x.start() for x in _CONTRAST.finditer(right)]
    end = m.end + min(stops) if stops else hi
    return start, end


def _in_range(text: str, start: int) -> bool:
    """A day that bounds a range or names a report ("a May 12 update") is not the flow's day.

    >>> t = "inflows between Jan. 21 and Feb. 5, noted in a May 12 update, on May 13, the firm said on Monday"
    >>> [_in_range(t, t.index(w)) for w in ("Jan.", "Feb.", "May 12", "on May 13", "on Monday")]
    [True, True, True, False, True]
    """
    before = text[max(0, start - 40) : start]
    return bool(_NOT_THE_DAY.search(before))


def _has_other_money_noun(text: str, m: Money, hi: int) -> bool:
    """An amount followed by another noun ("$5B in fees") is not a continued tally."""
    return bool(_OTHER_NOUN.match(text, m.end, hi))


_OTHER_NOUN = re.compile(
    r"""
    \s+(?:in|of)\s+                                                        # "$X in ..." / "$X of ..."
    (?!(?:the\s+|that\s+|this\s+)?(?:net|total|cumulative|combined|overall|week|day|month|haul|tally|sum)\b|(?:that|this|it|which|them)\b)  # not the tally itself
    [a-z]+                                                                 # some other noun: "$5B in fees"
    """,
    re.VERBOSE,
)


def _product_for(m: Money, sent_products: list[Product], last_specific, si: int) -> Product | None:
    specific = [p for p in sent_products if p.specific]
    before = [p for p in specific if p.end <= m.start]
    if before:
        return before[-1]
    after = [p for p in specific if p.start >= m.end]
    if after:
        return after[0]
    if last_specific and si - last_specific[0] <= LOOKBACK_SENTS:
        return last_specific[1]
    return sent_products[0] if sent_products else None


def _make_fact(doc, m, direction, rule, cue, product, last_specific, lo, hi, days, periods, streaks, sent_text) -> EtfFlowFact:
    text = doc_text(doc)
    # asset: the product's underlying; multi-asset products have none; unnamed ones borrow the running product's
    asset = product.asset if product else None
    if product is None or (asset is None and not product.multi):
        if last_specific and last_specific[1].asset and (product is None or not product.multi):
            asset = last_specific[1].asset
        else:
            found = ctx.asset_for(doc, m.start, m.end, kinds=("crypto",), lookback_sents=LOOKBACK_SENTS)
            asset = found.asset.id if found else None
    # day: the nearest day reference in the amount's own stretch
    near_days = _nearest(days, m, lo, hi, text)
    when, when_text, day_cost = None, None, None
    if near_days:
        day_cost, (_, _, d) = near_days[0]
        when, when_text = d.when, d.text
    # period: the nearest span in the stretch, unless a day reference is nearer (a daily figure)
    period = None
    near_periods = _nearest(periods, m, lo, hi, text)
    if near_periods and (day_cost is None or near_periods[0][0] < day_cost):
        period = near_periods[0][1][2]
    streak = None
    for a, b, n, sdir, is_period in streaks:
        if sdir is None or sdir == direction:
            streak = n
            if is_period and period is None and not near_days:
                period = f"P{n}D"
            break
    # evidence: the amount with its cue, and the product when it is named just before in the same stretch
    start, end = m.start, m.end
    if cue:
        start, end = min(start, cue[0]), max(end, cue[1])
    if product and lo <= product.start and product.end <= m.start:
        start = min(start, product.start)
    return EtfFlowFact(
        evidence=ctx.evidence(doc, start, end),
        rule=rule,
        when=when,
        when_text=when_text,
        source=provider_in(sent_text),
        asset=asset,
        product=product.text if product else None,
        direction=direction,
        amount=round(m.value, 4),
        currency=m.currency,
        period=period,
        streak_days=streak,
    )


@Language.factory("fin_flows")
def make_component(nlp: Language, name: str) -> FactComponent:
    return FactComponent(extract_flows)
