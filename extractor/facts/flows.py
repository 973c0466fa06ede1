"""``etf_flow`` facts (spec FACTS.md): net money into or out of exchange-traded funds and products.

Every money amount is a candidate. Sentence by sentence, four stages decide:

1. **Product context** (``GATES``). The sentence, or one of the few before it, names a fund: a
   head noun ("ETFs", "exchange-traded products", "investment products", "Trust") with its name
   words ("US spot Solana", "Acme's ACMX", "global crypto"), or a fund ticker; a fund group of an
   asset class ("U.S. equity funds", "money market funds", asset null) counts too, and once the
   text reports fund flows so does an asset class on its own ("fixed income took in ..."). Names,
   tickers, issuers and underlyings come from ``data/etf_products.json``, words from
   ``data/flow_lexicon.json``. Without one (``flow.dropped.no_fund``), or under half a million
   (``flow.dropped.small``), an amount is no flow. There, an amount written without a currency
   ("791 million") is money in the currency of its sentence's amounts (or of the flow just before).
2. **Direction** (``DIRECTION``). Each amount owns the stretch of its sentence between its
   neighbouring amounts. A cue right after the amount is its head noun and wins ("$X in net
   inflows", "$X in trading volume": ``flow.*.amount_noun``); else the cue nearest to it in its
   stretch decides (``flow.*.nearest_cue``); commas and brackets count as distance. A direction
   cue ("net outflows", "withdrawn", "attracted") makes it a flow, a block cue ("total assets",
   "volume", "holdings", "price") vetoes it (``flow.blocked.*``), and so does a trading verb with
   what was traded ("added $30 million of ether": ``flow.blocked.holding_trade``). A net cue
   ("net flows") names no direction: the sign does, and a minus sign ("-$45 million") makes any
   amount that reads as a flow an outflow (``flow.direction.signed``). Weak cues ("added", "took
   in") count where the sentence names a fund, or right after a pronoun subject that stands for
   the fund of the sentence before ("They took in $X").
3. **Inheritance** (the last rules of ``DIRECTION``). An amount with no cue of its own continues a
   list ("$X on Tuesday, $Y on Wednesday") and takes the direction of the flow before it in the
   sentence (``flow.inherit.list``); in a later sentence it does so only when it says it continues
   the tally ("That lifts the weekly total to $Z": ``flow.inherit.tally``), and as a part of the
   flow just reported ("Acme's fund accounted for $X of that") it takes that flow's day and span
   too (``flow.inherit.breakdown``); a sentence that turns to another subject ("Meanwhile, a miner
   disclosed another $X ...") continues no tally unless it names a fund. Lines under a heading
   that names flows ("Top outflows:") take its direction (``flow.inherit.heading``), and unsigned
   amounts beside signed ones are inflows (``flow.inherit.signed_list``).
4. **Attributes**. ``when`` is the day nearest to the amount in its stretch; ``period`` the nearest
   span ("over the past three days" -> P3D) unless a day is nearer; ``streak_days`` from "inflow
   streak to six sessions" / "five straight days" (or the next sentence: "It was the third straight
   day of withdrawals"); ``source`` from the sentence ("according to SoSoValue"). A flow with no day
   or span of its own right after another is a fund's share of that flow's day and takes it.

A flow stated twice (a summary bullet or a headline's rounded "$877M", then the body's "$877.2
million") is one fact: the figure written more precisely stands, the other fills its gaps and is
dropped (``flow.merged.repeat``); its figure stays out of every other type's reach.
Flow facts consume their amount; the resolver gives it to flows before any other type.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacy.language import Language

from extractor.data import alternation, compiled, lexicon, pattern_alternation
from extractor.facts.attribution import asset_for, day_of, dominant_asset, reported_days, source_in
from extractor.facts.candidates import Candidate
from extractor.facts.component import FactComponent, Proposal
from extractor.facts.doc import FinDoc, Sentence, SpanIndex
from extractor.facts.lazy import lazy
from extractor.facts.windows import PipeTable, pipe_tables
from extractor.facts.resolve import PRECEDENCE
from extractor.facts.rules import Rule, Table, outcome
from extractor.normalize.assets import AssetMention, asset_kind, canonical_asset, find_assets
from extractor.normalize.dates import DayRef, iso_day
from extractor.normalize.numbers import NUMBER, NUMBER_END, Money, MoneyUnit, money_unit, parse_number, parse_scaled, scale_factor, table_figure
from extractor.normalize.periods import finditer_periods
from extractor.records import EtfFlowFact, Evidence
from extractor.rx import Caseless, PrefixScan, PrunedCaseless, top_alternatives, bucketed, lowered_pattern


TYPE = "etf_flow"
BELOW = PRECEDENCE[PRECEDENCE.index(TYPE) + 1 :]  # the types a flow's figure is kept from


@dataclass(frozen=True)
class Config:
    min_amount: float = 500_000.0  # fund flows are reported in millions; smaller amounts are prices ("$104K")
    lookback_sents: int = 3  # how far back a named fund keeps a paragraph "about fund flows"
    tally_lookback_sents: int = 3  # how far back a flow may be continued by "the total for the week..."
    share_lookback_sents: int = 1  # how far back the flow is whose day a fund's share takes
    punct_penalty: int = 25  # each comma, semicolon, colon or bracket between an amount and a cue counts as this many characters
    max_cue_distance: int = 160  # a cue further from the amount than this (punctuation counted) is not its cue
    day_reach: int = 40  # characters before a day read to tell a range bound or a report date
    name_reach: int = 40  # characters a fund's name word (and the space after it) may take
    max_name_words: int = 12  # name words read before a fund's head noun at most
    heading_max_chars: int = 80  # a line without end punctuation up to this long is a heading ("Top outflows")
    repeat_rel_diff: float = 0.01  # a rounded restatement ("$877M" for "$877.2 million") differs by at most this share
    repeat_candidates: int = 16  # flows of the nearest amounts on each side compared with a new flow to find the one it repeats
    pronoun_cue_reach: int = 20  # characters between a pronoun subject ("They") and the weak cue it makes count ("took in")


# --- data -------------------------------------------------------------------------------

@dataclass(frozen=True)
class FlowLex:
    """``data/flow_lexicon.json`` and ``data/etf_products.json``, compiled once."""

    cues: Caseless  # named groups: block, inflow, outflow, inflow_weak, outflow_weak, net
    continuation: Caseless
    topic_shift: Caseless  # a sentence opener that turns to another subject
    pronoun_subject: Caseless  # "They ...", "On Tuesday, it ...": a pronoun as the sentence's subject
    heads: PrunedCaseless  # named groups: strong, weak
    modifiers: frozenset[str]
    multi_words: frozenset[str]
    asset_class: re.Pattern  # an asset class right before the end of the searched text ("equity ", "money market ")
    bare_class: PrunedCaseless  # an asset class that names a group of funds on its own
    issuer_words: frozenset[str]
    tickers: dict[str, str | None]  # ticker -> underlying, for unambiguous tickers
    ambiguous_tickers: dict[str, str | None]
    ticker_re: PrefixScan  # scanned from the first letters of the tickers
    paren_after: re.Pattern
    periods: tuple[tuple[Caseless, str], ...]  # (pattern, ISO duration)
    table_periods: tuple[tuple[re.Pattern, str], ...]  # (a column header's span word, ISO duration)
    table_flow: re.Pattern  # a table's caption, header or note that names fund flows
    number_words: dict[str, int]
    streak: Caseless
    streak_words: tuple[str, ...]  # one of these is in every streak phrase
    streak_inflow: frozenset[str]
    streak_outflow: frozenset[str]
    contrast: re.Pattern
    cumulative: re.Pattern
    breakdown: re.Pattern
    other_noun: re.Pattern
    gap_after: re.Pattern
    of_object: re.Pattern  # "$X (worth) of ether": what was traded, not the tally
    link_before_product: re.Pattern  # "$X into ", "$X on Monday from ": a fund named next is the flow's
    not_the_day: re.Pattern
    bare_amount: re.Pattern  # "791 million" written without a currency, followed by punctuation or a follower word


_NEXT_CLAUSE = re.compile(r"[,;]\s+(?:and|but|while|whereas)\s|;\s")  # a cue after the amount past these is the next clause's


def _word_re(words: Iterable[str]) -> str:
    return rf"\b(?:{alternation(words)})\b"


def _streak_re(lex) -> Caseless:
    """The streak grammar; its words come from the lexicon."""
    dirs = alternation(lex.streak_inflow_words + lex.streak_outflow_words)
    adjs, nouns, links = alternation(lex.streak_adjectives), alternation(lex.streak_nouns), alternation(lex.streak_count_links)
    units = r"(?:trading\s+)?(?:days?|sessions?)"
    return Caseless(
        rf"""
        (?:
          (?:(?P<dir>{dirs})s?[\s-]+)?streak\s+{links}\s+(?P<n>\d+|[a-z]+)\s+(?:{adjs}\s+)?{units}\b   # "inflow streak to eight days"
        | (?P<pre>for|over|in|of)?\s*(?P<n2>\d+|[a-z]+)[\s-]+{adjs}\s+{units}\b                        # "for five straight days" (also a period)
        | (?P<n3>\d+|[a-z]+)[\s-](?:trading[\s-])?(?:day|session)\s+(?:(?P<dir3>{dirs})\s+)?{nouns}\b  # "a four-day outflow streak"
        | (?P<ord>[a-z]+|\d+(?:st|nd|rd|th))\s+{adjs}\s+(?:trading\s+)?(?:day|session)\b               # "the fourth straight day"
        | (?P<ord2>[a-z]+|\d+(?:st|nd|rd|th)|\d+\s+(?:trading\s+)?(?:days|sessions))\s*               # "the fifth day ... in a row"
          (?:(?:trading\s+)?(?:day|session)\s+)?(?:of\s+(?:net\s+)?[a-z]+\s+)?in\s+a\s+row\b
        )
        (?:\s+of\s+(?:net\s+)?(?P<ofdir>[a-z]+))?                                                       # "... of redemptions": its direction
        """,
        re.VERBOSE,
    )


NOUN_READ = 60  # characters after an amount read for the noun it is of
_TALLY_MODIFIERS = r"(?:[\w$.,-]+\s+){0,3}?"  # words between a determiner and a tally word: "the *weekly* total", "the *$640 million weekly* haul"


@compiled
def flow_lex() -> FlowLex:
    """The flow lexicon, compiled once."""
    lex, prods = lexicon("flow_lexicon"), lexicon("etf_products")
    alt = pattern_alternation
    kinds = ("block", "inflow", "outflow", "inflow_weak", "outflow_weak", "net_flow")
    groups = "|".join(f"(?P<{g}>{alt(getattr(lex, g + '_patterns'))})" for g in kinds)
    # the same cues for the lower-cased scan, tried by first letter (about 150 fragments)
    by_letter = bucketed([a for g in kinds for a in top_alternatives(lowered_pattern(alt(getattr(lex, g + "_patterns"))))])
    issuer_words = {w.lower() for name in prods.issuers for w in name.split()}
    tickers: dict[str, str | None] = {}
    ambiguous: dict[str, str | None] = {}
    for p in prods.products:
        (ambiguous if p.ambiguous else tickers)[p.ticker] = p.asset
        issuer_words |= {w.lower() for w in p.issuer.split()}
    links = alternation(lex.amount_noun_links)
    tally, pronouns = alternation(lex.tally_words), alternation(lex.tally_pronouns)
    return FlowLex(
        cues=Caseless(rf"(?<![\w-])(?:{groups})(?![\w-])", fast=by_letter and rf"(?<![\w-]){by_letter}(?![\w-])"),
        continuation=Caseless(rf"(?<![\w-])(?:{alt(lex.continuation_patterns)})(?![\w-])"),
        topic_shift=Caseless(rf"^\W*(?:{alt(lex.topic_shift_patterns)})(?![\w-])"),
        pronoun_subject=Caseless(rf"^\W*(?:[^,.;:]{{1,40}},\s*)?(?:{alternation(lex.fund_pronouns, ignore_case=True)})(?![\w-])"),
        heads=PrunedCaseless(rf"(?<![\w-])(?:(?P<strong>{alt(lex.product_head_strong_patterns)})|(?P<weak>{alt(lex.product_head_weak_patterns)}))(?![\w-])"),
        modifiers=frozenset(lex.product_modifiers),
        multi_words=frozenset(lex.multi_asset_words),
        asset_class=re.compile(rf"(?<![\w-])(?:{alt(lex.asset_class_patterns)})\s+$", re.I),
        bare_class=PrunedCaseless(rf"(?<![\w-])(?:{alt(lex.bare_asset_class_patterns)})(?![\w-])"),
        issuer_words=frozenset(issuer_words),
        tickers=tickers,
        ambiguous_tickers=ambiguous,
        ticker_re=PrefixScan(re.compile(rf"(?<![\w$/-])(?:{alternation(tickers)})(?![\w/-])")),
        # "(ETPs)" or a ticker "(IBIT)" in brackets right after a fund's head noun
        paren_after=re.compile(rf"\s*\(\s*(?P<inner>{alternation(lex.bracketed_heads)}|[A-Z]{{2,5}})\s*\)"),
        periods=tuple((Caseless(rf"\b(?:{alt(frags)})\b"), dur) for dur, frags in lex.period_patterns.items()),
        table_periods=tuple((re.compile(rf"(?<![\w-])(?:{alt(frags)})(?![\w-])", re.I), dur) for dur, frags in lex.table_period_headers.items()),
        table_flow=re.compile(rf"(?<![\w-])(?:{alt(lex.table_flow_headers)})(?![\w-])", re.I),
        number_words=dict(lex.number_words),
        streak=_streak_re(lex),
        streak_words=tuple(lex.streak_nouns + lex.streak_adjectives + ["row"]),
        streak_inflow=frozenset(lex.streak_inflow_words),
        streak_outflow=frozenset(lex.streak_outflow_words),
        contrast=re.compile(_word_re(lex.contrast_words), re.I),
        cumulative=re.compile(rf"\b(?:{alt(lex.cumulative_patterns)})\b", re.I),
        breakdown=re.compile(rf"\b(?:{alt(lex.breakdown_patterns)})\b", re.I),
        # "$5B in fees": an amount followed by a noun other than the tally itself ("$X in net ...", "$X of that",
        # "$X of the weekly total", "$X of the $640 million weekly haul": a few modifiers before the tally word)
        other_noun=re.compile(rf"\s+(?:in|of)\s+(?!(?:(?:the|that|this)\s+{_TALLY_MODIFIERS})?{tally}\b|{pronouns}\b)[a-z]+", re.I),
        link_before_product=re.compile(rf"\s*(?:[\w'’-]+\s+){{0,3}}?(?:{alternation(lex.product_after_links)})\s+(?:the\s+|its\s+|their\s+)?", re.I),
        of_object=re.compile(rf"\s+(?:worth\s+)?of\s+(?!(?:(?:the|that|this)\s+{_TALLY_MODIFIERS})?{tally}\b|{pronouns}\b)[a-z]", re.I),
        # what may stand between an amount and its head noun: "$X in net inflows", "($X) of cumulative outflows"
        # ("$X, lifting its assets to $Y": after a comma only a link word, no other words before the noun)
        gap_after=re.compile(rf"\s*\)?\s*(?:,\s*(?:{links}\s+)?|(?:{links}\s+)?(?:[A-Za-z-]+\s+){{0,2}})"),
        not_the_day=re.compile(rf"\b(?:{alt(lex.not_the_day_patterns)})", re.I),
        bare_amount=re.compile(
            rf"(?<![\w$€£¥₹₩.,+/\-−–])(?P<num>{NUMBER}){NUMBER_END}(?:\s?(?P<scale>million|billion|trillion|mln|bln|mn|bn)|(?P<suffix>[MB]))(?![\w-])"
            rf"(?=\s*(?:[,.;:)]|$)|\s+(?:{alternation(lex.bare_amount_followers)})\b)"),
    )


# --- product mentions ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Product:
    """A fund named in the text: where, as written, its underlying, and how specific it is."""

    start: int
    end: int
    text: str
    asset: str | None  # underlying asset, when the name says it
    multi: bool  # a multi-asset product ("crypto investment products", "bond funds"): asset stays null
    specific: bool  # has a name part beyond a bare head ("ETFs", "the funds")
    bare: bool = False  # an asset class without a head noun ("fixed income"): a fund group only where the text reports fund flows


@dataclass(frozen=True)
class _Name:
    """The name words read leftwards from a head noun: where the name starts, each word and its kind."""

    start: int
    words: tuple[str, ...]
    kinds: tuple[str, ...]


_WORD_BEFORE = re.compile(
    r"""
    (?P<word>[A-Za-z0-9$+][\w.&+’'-]*?)   # a word (US-listed, U.S., Acme’s, 21Shares, +)
    (?P<poss>['’]s)?                      # possessive of an issuer ("Acme’s")
    \s+$                                  # then the space before what follows
    """,
    re.VERBOSE,
)
_NAMING = ("asset", "issuer", "ticker", "multi", "class")  # kinds of name word that make a weak head a fund


def _word_kind(word: str, lex: FlowLex) -> str | None:
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
    if "-" in word:  # "Solana-linked", "US-listed"
        kinds = [_word_kind(part, lex) for part in word.split("-") if part]
        if kinds and all(kinds):
            return next((k for k in kinds if k != "modifier"), "modifier")
    return None


def _name_before(text: str, start: int, lex: FlowLex, config: Config) -> _Name:
    """Walk left from a head noun over name words (at most ``max_name_words``); an issuer's
    possessive ("Acme’s") starts the name."""
    pos, words, kinds = start, [], []
    while len(words) < config.max_name_words:
        lo = max(0, pos - config.name_reach)
        if (c := lex.asset_class.search(text, lo, pos)) is not None:  # "equity", "money market": an asset class
            kinds.append("class")
            words.append(c.group(0).rstrip())
            pos = c.start()
            continue
        # a match holds no whitespace but the run it ends with: it starts after the last space
        # before that run (the same leftmost match, fewer starts tried; \s is str.isspace)
        end = pos
        while end > lo and text[end - 1].isspace():
            end -= 1
        m = _WORD_BEFORE.search(text, max(lo, text.rfind(" ", lo, end) + 1), pos)
        kind = _word_kind(m.group("word"), lex) if m else None
        if kind is None or m.group("poss") and kind != "issuer":
            break
        kinds.append(kind)
        words.append(m.group("word"))
        pos = m.start()
        if m.group("poss"):
            break
    return _Name(pos, tuple(words), tuple(kinds))


def _crypto_in(words: Sequence[str]) -> str | None:
    """The crypto asset the last name word that names one names ("Solana-linked" -> SOL)."""
    for w in reversed(words):
        for part in w.split("-"):
            aid = canonical_asset(part)
            if aid and asset_kind(aid) == "crypto":
                return aid
    return None


def _product_at(text: str, start: int, end: int, lex: FlowLex, config: Config, *, strong: bool,
                ticker_asset: str | None = None) -> Product | None:
    """The fund whose head noun (or ticker) is ``text[start:end]``; ``None`` if a weak head has no name."""
    name = _name_before(text, start, lex, config)
    if not strong and not any(k in _NAMING for k in name.kinds):
        return None
    paren = lex.paren_after.match(text, end)
    inner = paren.group("inner") if paren else None
    end = paren.end() if paren else end
    asset = ticker_asset
    for w in name.words + ((inner,) if inner else ()):
        if asset is None and lex.tickers.get(w):
            asset = lex.tickers[w]
    asset = asset or _crypto_in(name.words)
    multi = asset is None and ("multi" in name.kinds or "class" in name.kinds)
    return Product(name.start, end, text[name.start : end], asset, multi, specific=bool(name.kinds) or inner in lex.tickers)


def find_products(text: str, assets: Iterable[AssetMention] | None = None, config: Config = Config()) -> list[Product]:
    """Fund mentions in ``text``, left to right (of overlapping mentions, the one that starts first).
    ``assets``: the asset mentions of ``text`` when already known.

    >>> [(p.text, p.asset, p.specific) for p in find_products("US spot Solana ETFs shed $3M; the ETFs and pension funds waited")]
    [('US spot Solana ETFs', 'SOL', True), ('ETFs', None, False)]
    >>> [(p.text, p.asset) for p in find_products("Fidelity’s FETH fund and the Grayscale Bitcoin Trust (GBTC) both")]
    [('Fidelity’s FETH fund', 'ETH'), ('Grayscale Bitcoin Trust (GBTC)', 'BTC')]
    >>> [(p.text, p.asset, p.multi) for p in find_products("Digital asset investment products and ARKB")]
    [('Digital asset investment products', None, True), ('ARKB', 'BTC', False)]
    >>> [(p.text, p.asset, p.multi) for p in find_products("SPDR Gold Shares (GLD) and SPY")]
    [('SPDR Gold Shares (GLD)', None, True), ('SPY', None, True)]
    >>> find_products("the trust fell and products shipped")
    []
    """
    lex = flow_lex()
    found: list[Product] = []
    for m in lex.heads.finditer(text):
        p = _product_at(text, m.start(), m.end(), lex, config, strong=bool(m.group("strong")))
        if p:
            found.append(p)
    for m in lex.ticker_re.finditer(text):
        p = _product_at(text, m.start(), m.end(), lex, config, strong=True, ticker_asset=lex.tickers[m.group(0)])
        found.append(Product(p.start, p.end, p.text, p.asset, False, True))
    for a in find_assets(text) if assets is None else assets:  # other exchange-traded funds of the asset lexicon (GLD, SPY, QQQ)
        if a.asset.kind == "etf":
            paren = lex.paren_after.match(text, a.end)
            end = paren.end() if paren else a.end
            found.append(Product(a.start, end, text[a.start : end], None, True, True))
    found.extend(_bare_groups(text, lex, config))
    found.sort(key=lambda p: (p.start, -(p.end - p.start)))
    out: list[Product] = []
    for p in found:
        if not out or p.start >= out[-1].end:
            out.append(p)
    return out


def _bare_groups(text: str, lex: FlowLex, config: Config) -> Iterable[Product]:
    """Asset classes named without a fund head noun ("U.S. fixed income", "equities"), with the
    modifiers before them; they name a fund group only where the text reports fund flows."""
    for m in lex.bare_class.finditer(text):
        name = _name_before(text, m.start(), lex, config)
        start = name.start if all(k == "modifier" for k in name.kinds) else m.start()
        yield Product(start, m.end(), text[start : m.end()], None, True, True, bare=True)


# --- streaks, periods, cues -----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Streak:
    """A run of days named in the text: "selling streak to five sessions" -> 5 days of outflows."""

    start: int
    end: int
    days: int
    direction: str | None  # inflow | outflow, when the phrase says it
    is_period: bool  # "for five straight days" also names the flow's span


@dataclass(frozen=True, slots=True)
class Period:
    """A span named in the text, as an ISO duration (``None``: year-to-date, no fixed span)."""

    start: int
    end: int
    duration: str | None


@dataclass(frozen=True, slots=True)
class Cue:
    """A direction or block cue: ``kind`` inflow | outflow | net | block; ``weak`` cues need a fund in
    the sentence; a ``net`` cue ("net flows") names no direction: the amount's sign decides."""

    start: int
    end: int
    kind: str
    weak: bool


NET = "net"


def direction_of(cue: re.Match) -> tuple[str, bool]:
    """``(block|inflow|outflow|net, weak)`` of a cue match; weak cues ("lost", "added") need a fund in the sentence."""
    for group in ("block", "inflow", "outflow"):
        if cue.group(group):
            return group, False
    if cue.group("net_flow"):
        return NET, False
    return ("inflow" if cue.group("inflow_weak") else "outflow"), True


def _count(word: str | None) -> int | None:
    if not word:
        return None
    w = word.lower()
    if w[:1].isdigit():
        return int(re.match(r"\d+", w).group(0))
    return flow_lex().number_words.get(w)


def _streak_direction(m: re.Match, lex: FlowLex) -> str | None:
    """The direction a streak phrase names: a word before it ("selling streak") or the cue of
    "... of redemptions" after or inside it."""
    d = (m.group("dir") or m.group("dir3") or "").lower()
    if d in lex.streak_inflow:
        return "inflow"
    if d in lex.streak_outflow:
        return "outflow"
    inner = re.search(r"\bof\s+(?:net\s+)?([a-z]+)", m.group(0), re.IGNORECASE)
    word = m.group("ofdir") or (inner.group(1) if inner else None)
    cue = lex.cues.fullmatch(word) if word else None
    kind = direction_of(cue)[0] if cue else None
    return kind if kind in ("inflow", "outflow") else None


def find_streaks(text: str, offset: int = 0) -> list[Streak]:
    """The streak phrases of ``text`` (positions shifted by ``offset``).

    >>> [(s.days, s.direction, s.is_period) for s in find_streaks("the funds stretched their outflow streak to six days")]
    [(6, 'outflow', False)]
    >>> [(s.days, s.direction, s.is_period) for s in find_streaks("redemptions for four straight days")]
    [(4, None, True)]
    >>> [(s.days, s.direction) for s in find_streaks("a 5-day inflow streak; the seventh consecutive session of outflows")]
    [(5, 'inflow'), (7, 'outflow')]
    >>> [(s.days, s.direction) for s in find_streaks("ending a three-day run of withdrawals; the ninth day of redemptions in a row")]
    [(3, 'outflow'), (9, 'outflow')]
    >>> find_streaks("straight talk")
    []
    """
    lex = flow_lex()
    low = text.lower()
    if not any(w in low for w in lex.streak_words):  # cheaper than the pattern's own gate ("day" is in nearly every text)
        return []
    out = []
    for m in lex.streak.finditer(text):
        n = _count(m.group("n") or m.group("n2") or m.group("n3") or m.group("ord") or m.group("ord2"))
        if n and n >= 2:
            out.append(Streak(m.start() + offset, m.end() + offset, n, _streak_direction(m, lex), bool(m.group("pre") and m.group("n2"))))
    return out


class _Spans:
    """Non-overlapping spans, sorted, for overlap checks by bisection."""

    def __init__(self, spans: Iterable = ()):
        self.starts: list[int] = []
        self.ends: list[int] = []
        for s in spans:
            self.add(s.start, s.end)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self.ends, start + 1)  # the first span that ends after ``start``
        return i < len(self.starts) and self.starts[i] < end

    def add(self, start: int, end: int) -> None:
        insort(self.starts, start)
        insort(self.ends, end)


def find_periods(text: str, offset: int = 0) -> list[Period]:
    """Period phrases (``normalize.periods``) plus the week/day/month phrases of flow reports.

    >>> [p.duration for p in find_periods("over the past two days, and $8M for the week")]
    ['P2D', 'P7D']
    """
    out = [Period(s, e, d) for s, e, d in finditer_periods(text, offset)]
    taken = _Spans(out)
    for rx, dur in flow_lex().periods:
        for m in rx.finditer(text):
            s, e = m.start() + offset, m.end() + offset
            if not taken.overlaps(s, e):
                out.append(Period(s, e, dur))
                taken.add(s, e)
    return sorted(out, key=lambda p: (p.start, p.end))


def _doc_products(fd: FinDoc, config: Config) -> SpanIndex[Product]:
    return fd.cached("flow_products", lambda: SpanIndex(find_products(fd.text, fd.assets, config)))


def _doc_cues(fd: FinDoc) -> SpanIndex[Cue]:
    def find() -> SpanIndex[Cue]:
        return SpanIndex([Cue(m.start(), m.end(), *direction_of(m)) for m in flow_lex().cues.finditer(fd.text)])

    return fd.cached("flow_cues", find)


def _gap_cost(text: str, penalty: int) -> int:
    return len(text) + penalty * sum(text.count(c) for c in ",;:()")


def _nearest(items: Iterable, m: Money, text: str, penalty: int):
    """``(cost, item)`` of the item nearest to amount ``m`` (punctuation counts), ``None`` if none;
    items overlapping the amount do not count."""
    best = None
    for it in items:
        if it.start < m.end and m.start < it.end:
            continue
        cost = _gap_cost(text[it.end : m.start] if it.end <= m.start else text[m.end : it.start], penalty)
        if best is None or cost < best[0]:
            best = (cost, it)
    return best


# --- the state a sentence is read in ---------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Subject:
    """The fund a paragraph is about: the last one named specifically, or the one a flow was read for."""

    sent_i: int
    product: Product


@dataclass(frozen=True, slots=True)
class Timing:
    """A flow's day, span and streak as its own stretch names them."""

    when: str | None
    when_text: str | None
    period: str | None
    streak_days: int | None

    @property
    def named(self) -> bool:
        """The stretch names a day or a span."""
        return self.when is not None or self.period is not None


@dataclass
class Attrs:
    """What the attribute stage found for a flow (``streak_days`` may still come from the next sentence)."""

    evidence: tuple[int, int]
    asset: str | None
    product: Product | None
    source: str | None
    when: str | None
    when_text: str | None
    period: str | None
    streak_days: int | None

    def take_time(self, parent: "Attrs") -> None:
        """Take the day and span of the flow this one is part of (and its source, if it names none)."""
        self.when, self.when_text, self.period = parent.when, parent.when_text, parent.period
        self.source = self.source or parent.source


@dataclass
class Flow:
    """A flow read from an amount (its fact is made once the whole doc is read)."""

    cand: Candidate
    money: Money
    direction: str
    rule: str
    sent_i: int
    attrs: Attrs

    @property
    def amount(self) -> float:
        return round(self.money.value, 4)


@dataclass
class Heading:
    """A line that heads a list of flows ("Net flows by fund:", "Top outflows"): its cue's kind and the last line it reached."""

    kind: str  # inflow | outflow | net
    last_i: int


@dataclass
class Running:
    """What carries from sentence to sentence: the last sentence about funds, the paragraph's subject, the flows so far."""

    last_fund_sent: int | None = None  # the last sentence that named a fund or made a flow
    subject: Subject | None = None
    flows: list[Flow] = field(default_factory=list)
    heading: Heading | None = None  # the heading of the list being read
    by_amount: dict[tuple[str, float], Flow] = field(default_factory=dict)  # the latest flow of each (currency, amount)

    @property
    def last_flow(self) -> Flow | None:
        return self.flows[-1] if self.flows else None


@dataclass
class SentenceView:
    """One sentence and what the stages read of it, each part computed on first use."""

    fd: FinDoc
    sent: Sentence
    products: list[Product]  # funds named in the sentence
    in_context: bool  # the sentence or one of the few before it names a fund (or made a flow)
    config: Config
    after_fund: bool = False  # the sentence before named a fund or made a flow

    @lazy
    def specific(self) -> SpanIndex[Product]:
        return SpanIndex([p for p in self.products if p.specific and not p.bare])

    @lazy
    def groups(self) -> SpanIndex[Product]:
        """Asset classes named without a head noun ("fixed income"): fund groups here, as the text reports fund flows."""
        return SpanIndex([p for p in self.products if p.bare])

    @lazy
    def topic_shift(self) -> bool:
        """The sentence turns to another subject ("Meanwhile, ...", "Separately, ...")."""
        return flow_lex().topic_shift.search(self.sent.text) is not None

    @lazy
    def names_fund(self) -> bool:
        """A fund or a fund's head noun is named: weak cues ("lost", "added") count."""
        return bool(self.products) or bool(flow_lex().heads.search(self.sent.text))

    @lazy
    def pronoun_end(self) -> int | None:
        """Where a pronoun subject that stands for the fund of the sentence before ends ("They took
        in $X", "On Tuesday, it added $Y"); ``None`` without one."""
        if not self.after_fund:
            return None
        m = flow_lex().pronoun_subject.search(self.sent.text)
        return self.sent.start_char + m.end() if m else None

    def weak_cue_counts(self, cue: Cue) -> bool:
        """A weak cue counts where the sentence names a fund, or right after a pronoun that stands for one."""
        if self.names_fund:
            return True
        end = self.pronoun_end
        return end is not None and 0 <= cue.start - end <= self.config.pronoun_cue_reach

    @lazy
    def streaks(self) -> list[Streak]:
        return find_streaks(self.sent.text, self.sent.start_char)

    @lazy
    def periods(self) -> SpanIndex[Period]:
        """Spans of the sentence, except those inside a streak phrase ("for five straight days")."""
        streaks = _Spans(self.streaks)
        return SpanIndex([p for p in find_periods(self.sent.text, self.sent.start_char) if not streaks.overlaps(p.start, p.end)])

    @lazy
    def days(self) -> SpanIndex[DayRef]:
        """Days of the sentence that can be a flow's day (not a range bound, not a report's date)."""
        text, reach, not_the_day = self.fd.text, self.config.day_reach, flow_lex().not_the_day
        inside = self.fd.days.within(self.sent.start_char, self.sent.end_char)
        return SpanIndex([d for d in inside if not not_the_day.search(text[max(0, d.start - reach) : d.start])])

    @lazy
    def source(self) -> str | None:
        return source_in(self.sent.text, loose=True)

    def streak_for(self, direction: str) -> Streak | None:
        """The first streak of the sentence that names no direction or this one."""
        return next((s for s in self.streaks if s.direction in (None, direction)), None)


# --- what the rules see ----------------------------------------------------------------------

@dataclass
class Amount:
    """A money amount, the stretch of its sentence it owns and the flows read before it."""

    fd: FinDoc
    money: Money
    sv: SentenceView
    lo: int  # its stretch: from the amount before it in the sentence ...
    hi: int  # ... to the amount after it
    prev_dir: str | None  # direction of the flow before it in the sentence, if the list runs on
    last_flow: Flow | None  # the latest flow of the doc
    config: Config
    heading: Heading | None = None  # the heading of the list whose line the amount is on
    part: bool = False  # a part of a total named after it, the amount of ``last_flow`` ("$455 million of the $640 million")
    named_total: bool = False  # the total the amount before it is a part of, a flow reported before ("of the $640 million")

    def direction(self, cue: Cue | None) -> str | None:
        """The direction a cue gives the amount: its own, or for a net cue the amount's sign."""
        if cue is None or cue.kind == BLOCK:
            return None
        if cue.kind == NET:
            return OUTFLOW if self.money.negative else INFLOW
        return cue.kind

    @lazy
    def reads_as_flow(self) -> bool:
        """Its sign aside, the amount reads as a flow: its own cue is a direction cue, or it has no
        cue and continues a list, stands under a list heading or on a line that names a fund."""
        cue = self.cue
        if cue is not None:
            return cue.kind != BLOCK
        return self.prev_dir is not None or self.heading is not None or len(self.sv.specific) > 0

    @lazy
    def plus_sign(self) -> bool:
        """The amount is written with a plus sign ("+$32.3M")."""
        start = self.money.start
        return start > 0 and self.fd.text[start - 1] == "+"

    @lazy
    def names_traded(self) -> bool:
        """The amount is followed by what it bought or sold: "$30 million (worth) of ether"."""
        return flow_lex().of_object.match(self.fd.text, self.money.end, self.noun_end) is not None

    @lazy
    def in_signed_list(self) -> bool:
        """The flow before it (in the sentence's list, or on the line before) was read from its sign."""
        f = self.last_flow
        if f is None or f.rule not in SIGNED_RULES:
            return False
        same = f.sent_i == self.sv.sent.i and self.prev_dir is not None and not self.contrast_before
        return same or f.sent_i == self.sv.sent.i - 1

    @lazy
    def own_cues(self) -> list[Cue]:
        """Cues in the amount's stretch and within reach that can belong to it: weak ones only when
        the sentence names a fund or the line stands under a heading that names flows ("...before
        giving back $145M" under "ETF flows:"); none inside a fund's name ("money market funds"), none across a
        contrast ("..., while X funds attracted") and none after another fund named between the
        amount and the cue (that fund's own verb)."""
        m, text, reach = self.money, self.fd.text, self.config.max_cue_distance
        lex, funds = flow_lex(), _doc_products(self.fd, self.config)
        out = []
        for c in _doc_cues(self.fd).overlapping(max(self.lo, m.start - reach - 1), min(self.hi, m.end + reach + 1)):
            if c.start < self.lo or c.end > self.hi or (c.start < m.end and m.start < c.end) or (c.weak and self.heading is None and not self.sv.weak_cue_counts(c)):
                continue
            lo, hi = (c.end, m.start) if c.end <= m.start else (m.end, c.start)
            inside_name = any(f.start <= c.start and c.end <= f.end for f in funds.overlapping(c.start, c.end))
            if inside_name or lex.contrast.search(text, lo, hi):
                continue
            if c.start >= m.end and (funds.within(lo, hi) or _NEXT_CLAUSE.search(text, lo, hi)):
                continue  # another fund's verb, or a cue of the next clause ("$X, and total net assets stood at")
            out.append(c)
        return out

    @lazy
    def noun_cue(self) -> Cue | None:
        """A cue right after the amount is its head noun: "$X in net inflows", "$X in trading volume"."""
        m, gap = self.money, flow_lex().gap_after
        return next((c for c in self.own_cues if c.start >= m.end and gap.fullmatch(self.fd.text, m.end, c.start)), None)

    @lazy
    def nearest_cue(self) -> Cue | None:
        best = _nearest(self.own_cues, self.money, self.fd.text, self.config.punct_penalty)
        return best[1] if best and best[0] <= self.config.max_cue_distance else None

    @property
    def cue(self) -> Cue | None:
        return self.noun_cue or self.nearest_cue

    @lazy
    def contrast_before(self) -> bool:
        """A contrast between the amount before and this one: "..., while their assets hit $Y" starts anew."""
        return bool(flow_lex().contrast.search(self.fd.text, self.lo, self.money.start))

    @property
    def noun_end(self) -> int:
        """How far the words after the amount are read for the noun it is of ("$455 million of the $640 million
        weekly haul"): past the next amount, within the sentence and ``NOUN_READ`` characters."""
        return min(self.sv.sent.end_char, self.money.end + NOUN_READ)

    @lazy
    def continues_tally(self) -> bool:
        """A flow a few sentences back, a continuation word in the stretch ("brings the total to"), no
        other noun after the amount ("$5B in fees"), and no turn to another subject in between
        ("Meanwhile, a miner disclosed another $X ...")."""
        f, lex, text = self.last_flow, flow_lex(), self.fd.text
        if f is None:
            return False
        near = self.part or (  # a part of a total named after it: the flow of that total, however far back
            self.sv.sent.i - f.sent_i <= self.config.tally_lookback_sents
            and (f.sent_i == self.sv.sent.i or not self.sv.topic_shift or self.sv.names_fund))
        return (near
                and lex.continuation.search(text, self.lo, self.hi) is not None
                and lex.other_noun.match(text, self.money.end, self.noun_end) is None)

    @lazy
    def day(self) -> tuple[int, DayRef] | None:
        """``(cost, day)``: the day nearest to the amount in its stretch (the start of a tally,
        "since Feb. 2", only when the stretch names no other day)."""
        return _nearest(reported_days(self.sv.days.within(self.lo, self.hi)), self.money, self.fd.text, self.config.punct_penalty)

    @lazy
    def span(self) -> tuple[int, Period] | None:
        """``(cost, period)``: the span nearest to the amount in its stretch."""
        return _nearest(self.sv.periods.within(self.lo, self.hi), self.money, self.fd.text, self.config.punct_penalty)

    def timing(self, direction: str) -> Timing:
        """The day nearest in the stretch; the nearest span unless a day is nearer (a daily figure);
        the sentence's streak of this direction, which names the span too ("for five straight days")."""
        day, span, streak = self.day, self.span, self.sv.streak_for(direction)
        when, when_text = (day_of(self.fd, day[1]), day[1].text) if day else (None, None)
        period = span[1].duration if span and (day is None or span[0] < day[0]) else None
        if streak is not None and streak.is_period and period is None and day is None:
            period = f"P{streak.days}D"
        return Timing(when, when_text, period, streak.days if streak else None)

    @lazy
    def is_breakdown(self) -> bool:
        """A part of the flow just reported: a breakdown word in the stretch ("accounted for $X of
        that") and no day or span of its own."""
        f = self.last_flow
        return (f is not None and flow_lex().breakdown.search(self.fd.text, self.lo, self.hi) is not None
                and not self.timing(f.direction).named)

    def clause(self) -> tuple[int, int]:
        """The clause around the amount inside its stretch: up to the nearest comma, semicolon or contrast word."""
        text, m, contrast = self.fd.text, self.money, flow_lex().contrast
        left = text[self.lo : m.start]
        cut = max([left.rfind(","), left.rfind(";")] + [x.end() - 1 for x in contrast.finditer(left)])
        right = text[m.end : self.hi]
        stops = [i for i in (right.find(","), right.find(";")) if i >= 0] + [x.start() for x in contrast.finditer(right)]
        return self.lo + cut + 1, (m.end + min(stops) if stops else self.hi)


# --- the rule tables -------------------------------------------------------------------------

BLOCK = "block"
INFLOW, OUTFLOW = "inflow", "outflow"
SIGNED, PLUS, SIGNED_LIST = "flow.direction.signed", "flow.direction.plus_sign", "flow.inherit.signed_list"
SIGNED_RULES = (SIGNED, PLUS, SIGNED_LIST)

GATES = Table("flow.gate", [
    Rule("flow.dropped.no_fund", "neither the amount's sentence nor the three before it name a fund or hold a flow: not about fund flows",
         lambda a: not a.sv.in_context),
    Rule("flow.dropped.small", "an amount under half a million is a price, not a fund flow ('$104K')",
         lambda a: a.money.value < a.config.min_amount),
])

INHERIT_BREAKDOWN = "flow.inherit.breakdown"

DIRECTION = Table("flow.direction", [
    Rule("flow.blocked.named_total", "the total the amount before it is a part of, the amount of a flow reported before "
         "('ETHA accounted for $455 million of the $640 million weekly haul'): a restatement, not a new flow",
         lambda a: a.named_total and BLOCK),
    Rule("flow.blocked.amount_noun", "a block cue right after the amount is its head noun ('$4.2 billion in trading volume', '$9 billion in assets'): not a flow",
         lambda a: a.noun_cue is not None and a.noun_cue.kind == BLOCK and BLOCK),
    Rule(SIGNED, "an amount written with a minus sign that otherwise reads as a flow (a cue, a list, a fund's line) is an outflow ('IBIT: -$45 million', 'net flows of -$8 million')",
         lambda a: a.money.negative and a.reads_as_flow and OUTFLOW),
    Rule("flow.direction.amount_noun", "a direction cue right after the amount is its head noun ('$X in net inflows', '$X of redemptions'); a net cue takes the amount's sign ('$X in net flows')",
         lambda a: a.noun_cue is not None and a.direction(a.noun_cue)),
    Rule("flow.blocked.holding_trade", "the nearest cue is a trading verb that needs a fund ('added', 'sold') and the amount names what was traded ('added $30 million of ether'): a fund's trade, not a flow",
         lambda a: a.noun_cue is None and a.nearest_cue is not None and a.nearest_cue.weak and a.names_traded and BLOCK),
    Rule("flow.blocked.nearest_cue", "the cue nearest to the amount in its stretch is a block cue ('holdings worth $X', 'volume reached $X'): not a flow",
         lambda a: a.nearest_cue is not None and a.nearest_cue.kind == BLOCK and BLOCK),
    Rule("flow.direction.nearest_cue", "the direction cue nearest to the amount in its stretch ('saw outflows of $X', 'attracted $X'); a net cue takes the amount's sign ('led flows with $X')",
         lambda a: a.nearest_cue is not None and a.direction(a.nearest_cue)),
    Rule("flow.inherit.heading", "no cue of its own, on a line under a heading that names flows ('Top outflows:', 'Net flows by fund:'): the heading's direction (a net heading: the amount's sign)",
         lambda a: a.heading is not None and (OUTFLOW if a.heading.kind == NET and a.money.negative else INFLOW if a.heading.kind == NET else a.heading.kind)),
    Rule(PLUS, "an amount written with a plus sign that otherwise reads as a flow (a list, a fund's line) and has no cue of its own is an inflow ('Ether funds eked out +$32.3M', 'QETH: +$12 million')",
         lambda a: a.plus_sign and a.reads_as_flow and INFLOW),
    Rule(SIGNED_LIST, "no cue of its own, unsigned, next to flows read from their minus sign ('IBIT -$45 million, FBTC $12 million'): an inflow",
         lambda a: a.in_signed_list and INFLOW),
    Rule("flow.inherit.list", "no cue of its own: the amount continues a list and takes the direction of the flow before it in the sentence ('$X on Monday, $Y on Tuesday')",
         lambda a: a.prev_dir is not None and not a.contrast_before and a.prev_dir),
    Rule(INHERIT_BREAKDOWN, "no cue, day or span of its own: a part of the flow just reported ('Acme's fund accounted for $X of that') takes its direction, day and span",
         lambda a: a.continues_tally and a.is_breakdown and a.last_flow.direction),
    Rule("flow.inherit.tally", "no cue of its own: the amount continues the tally of a flow a few sentences back ('That lifted the weekly total to $Z')",
         lambda a: a.continues_tally and a.last_flow.direction),
])

NO_CUE = outcome("flow.dropped.no_cue", "no direction cue near the amount and it continues no list or tally: not a flow")
REPEAT = outcome("flow.merged.repeat", "a flow stated twice (a summary, then the body) is one fact: the repeat fills the first's gaps; no other type takes its figure")


def tables() -> tuple[Table, ...]:
    """Every table of the module, in the order they are evaluated."""
    return GATES, DIRECTION


# --- the stages ------------------------------------------------------------------------------

def propose(fd: FinDoc, config: Config) -> Proposal:
    """A candidate for every money amount of the doc, read sentence by sentence."""
    out = Proposal(tracing=fd.tracing)
    running = Running()
    products = _doc_products(fd, config)
    for sent in fd.sentences:
        sv = _view(fd, sent, products, running, config)
        amounts = _amounts(fd, sv, running)
        subject = _read_sentence(fd, sv, amounts, running, out) if amounts else None
        if not amounts:
            running.heading = _heading(fd, sv)
            if running.flows and running.flows[-1].sent_i == sent.i - 1:
                _streak_from_next_sentence(sv, running)
        specific = sv.specific if sv.products else ()  # (no index built for a sentence naming no fund)
        if len(specific):
            running.subject = Subject(sent.i, specific[-1])
        elif subject is not None and sv.in_context:
            running.subject = subject  # the fund a flow was read for stays the paragraph's subject
    _emit(fd, running.flows, out, config)
    _table_flows(fd, products, out)
    return out


TABLE_FLOW = outcome("flow.table.column", "a figure in a flow table's column headed by a flow, a day or a span ('| Fund | Fri, Mar 6 | "
                     "Week |' under a caption 'Flows by fund, US$ millions'): the row's fund took it in (+) or paid it out (- or brackets)")
TABLE_DATED = outcome("flow.table.dated_row", "a figure in a flow table whose rows are days and whose columns are funds or groups "
                      "('| Mon, Mar 23 | +188.4 | -24.7 |' under '| Date | Bitcoin ETFs | Ether ETFs |'): that day's flow of the column's funds")
_TOTAL_LABEL = re.compile(r"^\W*(?:total|net|all|sum)\b", re.IGNORECASE)
_AROUND = 300  # characters before and after a table searched for its caption and note


@dataclass(frozen=True)
class _Column:
    """A flow column of a table: its header, unit, span and day."""

    index: int
    header: str
    unit: MoneyUnit | None
    period: str | None
    when: str | None
    when_text: str | None


def _lines_around(text: str, start: int, end: int) -> str:
    """The caption (the two lines before a table) and the note (the line after it)."""
    lo = max(0, start - _AROUND)
    before = [ln for ln in text[lo:start].split("\n")[1 if lo else 0:] if ln.strip()][-2:]  # (a line cut by the window is left out)
    after = [ln for ln in text[end:end + _AROUND].split("\n") if ln.strip()][:1]
    return " ".join(before + after)


# "Figures in US$ millions unless stated", "All amounts in $m": the unit of an article's bare table figures
_UNIT_STATEMENT = re.compile(r"(?<![\w-])(?:all\s+)?(?:figures|amounts|numbers|values|flows|data)\s+(?:are\s+|shown\s+|given\s+)?in\s+"
                             r"(?:US\$|USD|\$|U\.S\.\s+dollars?)\s?(?:m|mn|mln|millions?|bn|billions?)(?![\w-])", re.IGNORECASE)


def document_unit(fd: FinDoc) -> MoneyUnit | None:
    """The money unit an article states for its figures ("Figures in US$ millions unless stated"), once per Doc.

    >>> import spacy
    >>> from extractor.facts.doc import view
    >>> document_unit(view(spacy.blank("en")("Data as of Friday. Figures in US$ millions unless stated.")))
    MoneyUnit(currency='USD', factor=1000000.0)
    """
    def find() -> MoneyUnit | None:
        m = _UNIT_STATEMENT.search(fd.text)
        return money_unit(m.group()) if m else None

    return fd.cached("flows.document_unit", find)


def _cell_day(fd: FinDoc, lo: int, hi: int) -> tuple[str | None, str] | None:
    """The day a table cell names ("Fri, Mar 6", "2026-03-06"): (its date, as written)."""
    refs = fd.days.within(lo, hi)
    if len(refs):
        return refs[0].when, refs[0].text
    day = iso_day(fd.text, lo, hi)
    return (day, day) if day else None


def _span_of(header: str, lex: FlowLex) -> str | None:
    return next((dur for rx, dur in lex.table_periods if rx.search(header)), None)


def _table_flows(fd: FinDoc, products: SpanIndex[Product], out: Proposal) -> None:
    """Flows written as pipe tables (see ``_table_of_flows``)."""
    if "|" not in fd.text:
        return
    for table in pipe_tables(fd):
        if len(table.rows) >= 2:
            _table_of_flows(fd, table, products, out)


def _table_of_flows(fd: FinDoc, table: PipeTable, products: SpanIndex[Product], out: Proposal) -> None:
    """A flow table: its caption (a first row with one cell, or the two lines before it), header or
    note names fund flows, or two of its rows name known funds; and the caption, note or a column's
    header states the money unit of its bare figures ("US$ millions", "($M)").

    Funds as rows ("| IBIT | BlackRock | +148.3 | +402.7 |" under "| Ticker | Issuer | Fri, Mar 6 |
    Week to Mar 6 |"): every column headed by a flow, a day or a span holds the row's flows (a
    day's column is that day's flow, a span's the span's; "Fee" or "AUM" columns are not flows).
    Days as rows ("| Mon, Mar 23 | +188.4 | -24.7 |" under "| Date | Bitcoin ETFs | Ether ETFs |"):
    every other column holds the flows of the funds its header names. A plus sign or none is an
    inflow, a minus sign or accounting brackets an outflow; a zero or a dash moved nothing. The
    row's asset is its fund's, else the table's (its rows so far), else the article's subject."""
    text, lex = fd.text, flow_lex()
    rows = list(table.rows)
    caption = ""
    first = [_cell(text, c) for c in rows[0]]
    if len(rows) > 2 and len(first) > 1 and sum(1 for c in first if c) == 1:  # a caption row across the table
        caption = next(c for c in first if c)
        rows = rows[1:]
    header_cells, body = rows[0], rows[1:]
    header = [_cell(text, c) for c in header_cells]
    around = _lines_around(text, table.start, table.end)
    context = " ".join([caption, *header, around])
    known = sum(1 for r in body if r and any(p.asset or p.specific for p in products.within(r[0][0], r[min(1, len(r) - 1)][1])))
    if lex.table_flow.search(context) is None and known < 2:
        return
    table_unit = money_unit(caption) or money_unit(around) or money_unit(" ".join(header)) or document_unit(fd)
    table_span = _span_of(caption or around, lex)  # a caption row, else the lines around ("Biggest weekly flows, week to April 8")
    dated = sum(1 for r in body if r and _cell_day(fd, *r[0]) is not None)
    if body and dated * 2 >= len(body) and dated >= 2:
        _dated_rows(fd, header_cells, header, body, table_unit, products, out)
        return
    columns = []
    for i, (h, (hs, he)) in enumerate(zip(header, header_cells)):
        if not h or _blocked_header(h, lex):
            continue
        day = _cell_day(fd, hs, he)
        span = _span_of(h, lex)
        running = lex.cumulative.search(h) is not None  # "YTD", "Since launch": a running sum, no span
        if not (lex.table_flow.search(h) or day or span or running):
            continue
        if span is None and day is None and not running:
            span = table_span
        when = day if span is None and day is not None else None
        columns.append(_Column(i, h, money_unit(h) or table_unit, span or ("P1D" if when else None),
                               when[0] if when else None, when[1] if when else None))
    if not columns:
        return
    table_asset: str | None = None
    labels_end = columns[0].index
    for row in body:
        if len(row) <= labels_end or [_cell(text, c) for c in row] == header:
            continue
        labels = [_cell(text, c).strip("*_ ") for c in row[:labels_end]]
        if not any(labels):
            continue
        lo, hi = row[0][0], row[labels_end - 1][1] if labels_end else row[0][1]
        name = _row_name(labels)
        asset = _table_asset(fd, products, lo, hi, table_asset)
        table_asset = table_asset or asset
        for col in columns:
            if col.index < len(row):
                _table_cell(fd, row[col.index], col, None if _TOTAL_LABEL.match(name) else name, asset, TABLE_FLOW.id,
                            f"column {col.header!r}; row {name!r}", out)


_TICKER_CELL = re.compile(r"[A-Z][A-Z0-9]{1,5}")


def _row_name(labels: list[str]) -> str:
    """A fund row's name: its first label, with a ticker from another label in brackets.

    >>> _row_name(["Harbor Bitcoin Trust", "HBTC"]), _row_name(["IBIT", "BlackRock"]), _row_name(["", "Total"])
    ('Harbor Bitcoin Trust (HBTC)', 'IBIT', 'Total')
    """
    given = [x for x in labels if x]
    tickers = [x for x in given[1:] if _TICKER_CELL.fullmatch(x)]
    return f"{given[0]} ({tickers[0]})" if tickers and not _TICKER_CELL.fullmatch(given[0]) else given[0]


def _cell(text: str, span: tuple[int, int]) -> str:
    return text[span[0] : span[1]].strip()


def _blocked_header(header: str, lex: FlowLex) -> bool:
    """A column header naming something that is no flow: 'Fee', 'AUM ($B)', 'Price' (the block cues)."""
    return any(m.group("block") for m in lex.cues.finditer(header))


def _dated_rows(fd: FinDoc, header_cells, header: list[str], body, table_unit: MoneyUnit | None,
                products: SpanIndex[Product], out: Proposal) -> None:
    """A flow table whose rows are days: each column after the first is a fund or a group of funds
    (its asset: the funds', else the article's subject)."""
    text, lex = fd.text, flow_lex()
    columns = []
    for i, (h, (hs, he)) in list(enumerate(zip(header, header_cells)))[1:]:
        if not h or _blocked_header(h, lex) or _cell_day(fd, hs, he) is not None:
            continue
        asset = _table_asset(fd, products, hs, he, None)
        columns.append((i, h, asset, money_unit(h) or table_unit))
    for row in body:
        day = _cell_day(fd, *row[0]) if row else None
        if day is None:
            continue
        for i, h, asset, unit in columns:
            if i < len(row):
                col = _Column(i, h, unit, "P1D", day[0], day[1])
                _table_cell(fd, row[i], col, None if _TOTAL_LABEL.match(h) else h, asset, TABLE_DATED.id,
                            f"row {text[row[0][0]:row[0][1]].strip()!r}; column {h!r}", out)


def _table_asset(fd: FinDoc, products: SpanIndex[Product], lo: int, hi: int, so_far: str | None) -> str | None:
    """The asset of a row's (or a column's) funds: a fund's underlying, a crypto asset named there,
    else the table's so far, else the article's subject."""
    named = [p for p in products.within(lo, hi) if p.asset]
    if named:
        return named[0].asset
    held = [x for x in fd.assets.within(lo, hi) if x.asset.kind == "crypto"]
    if held:
        return held[0].asset.id
    if so_far is not None:
        return so_far
    topic = dominant_asset(fd)
    return topic.asset.id if topic is not None else None


def _table_cell(fd: FinDoc, span: tuple[int, int], col: _Column, product: str | None, asset: str | None, rule: str,
                note: str, out: Proposal) -> None:
    """The flow of one cell, when it holds a figure in a known unit."""
    text = fd.text
    raw = text[span[0]:span[1]].strip()
    fig = table_figure(raw)
    if fig is None or fig.value == 0:
        return
    unit = col.unit
    factor = fig.factor or (unit.factor if unit else None)
    if factor is None or (fig.factor is None and unit is None):
        return
    s = span[0] + text[span[0]:span[1]].index(raw)
    e = s + len(raw)
    cand = out.candidate(TYPE, s, e)
    cand.trace.note(note)
    fact = EtfFlowFact(evidence=Evidence(start=s, end=e, text=text[s:e]), rule=rule, asset=asset, product=product,
                       direction="outflow" if fig.negative else "inflow", amount=parse_scaled(repr(fig.value), factor),
                       currency=unit.currency if unit else "USD", period=col.period, when=col.when, when_text=col.when_text)
    cand.made(fact, rule, consumes=((s, e),))


def _view(fd: FinDoc, sent: Sentence, products: SpanIndex[Product], running: Running, config: Config) -> SentenceView:
    """Stage 1, product context: the sentence names a fund, or one of the few before it did (or held a
    flow). An asset class without a fund head noun ("fixed income") is a fund group only in context."""
    named = products.within(sent.start_char, sent.end_char)
    funds = [p for p in named if not p.bare]
    after_fund = running.last_fund_sent == sent.i - 1
    if funds:
        running.last_fund_sent = sent.i
    last = running.last_fund_sent
    in_context = last is not None and sent.i - last <= config.lookback_sents
    return SentenceView(fd, sent, named if in_context else funds, in_context, config, after_fund)


def _amounts(fd: FinDoc, sv: SentenceView, running: Running) -> list[Money]:
    """The sentence's money amounts; where it reports fund flows, also the amounts written without a
    currency ("fixed income took in 791 million"), in the currency of the sentence's other amounts
    (or, with none, of the flow just before)."""
    sent = sv.sent
    amounts = fd.money.within(sent.start_char, sent.end_char)
    if not sv.in_context:
        return amounts
    found = list(flow_lex().bare_amount.finditer(sent.text))
    if not found:
        return amounts
    currencies = {m.currency for m in amounts}
    last = running.last_flow
    if len(currencies) == 1:
        currency = currencies.pop()
    elif not currencies and last is not None and sent.i - last.sent_i <= sv.config.tally_lookback_sents:
        currency = last.money.currency
    else:
        return amounts
    taken = _Spans(amounts)
    bare = []
    for m in found:
        start, end = sent.start_char + m.start(), sent.start_char + m.end()
        if taken.overlaps(start, end):
            continue
        try:
            value = parse_scaled(m.group("num"), scale_factor(m.group("scale") or m.group("suffix")))
        except ValueError:  # out of range: no market figure
            continue
        bare.append(Money(value=value, currency=currency, scaled=True, start=start, end=end))
    return sorted(amounts + bare, key=lambda m: m.start)


def _heading(fd: FinDoc, sv: SentenceView) -> Heading | None:
    """A line with no amount that heads a list of flows: it ends in a colon or is a short line
    without end punctuation, and its cues name flows and nothing else ("Top outflows", "Net flows:")."""
    text = sv.sent.text.strip()
    short_line = len(text) <= sv.config.heading_max_chars and sv.sent.text.endswith("\n") and text[-1:] not in (".", "!", "?")
    if not text or not (text.endswith(":") or short_line):
        return None
    cues = _doc_cues(fd).within(sv.sent.start_char, sv.sent.end_char)
    if any(c.kind == BLOCK for c in cues):
        return None
    kinds = {c.kind for c in cues if not c.weak}
    if not kinds:
        return None
    return Heading(kinds.pop() if len(kinds) == 1 else NET, sv.sent.i)


_ROW_START = re.compile(r"\s*(?:[-*•·|]|\d{1,2}[.)]\s)")


def _list_row(sv: SentenceView) -> bool:
    """A line of a list or table: it starts with a bullet, a bar or a number, or is a short line."""
    text = sv.sent.text
    return _ROW_START.match(text) is not None or len(text.strip()) <= sv.config.heading_max_chars


def _read_sentence(fd: FinDoc, sv: SentenceView, amounts: list[Money], running: Running, out: Proposal) -> Subject | None:
    """Every amount of a sentence, left to right; the subject of the flows read (if one was specific)."""
    prev_dir: str | None = None
    subject: Subject | None = None
    h = running.heading
    heading = h if h is not None and sv.sent.i - h.last_i == 1 and _list_row(sv) else None
    totals = _named_totals(fd, amounts, running)
    for i, m in enumerate(amounts):
        lo = amounts[i - 1].end if i else sv.sent.start_char
        hi = amounts[i + 1].start if i + 1 < len(amounts) else sv.sent.end_char
        cand = out.candidate(TYPE, m.start, m.end)
        parent = totals.get(i)  # "$455 million of the $640 million weekly haul": a part of the flow of $640 million
        a = Amount(fd, m, sv, lo, hi, prev_dir, parent or running.last_flow, sv.config, heading,
                   part=parent is not None, named_total=(i - 1) in totals)
        flow = _read_amount(a, cand, running)
        if flow is not None:
            prev_dir = flow.direction
            running.flows.append(flow)
            running.by_amount[(flow.money.currency, flow.money.value)] = flow
            running.last_fund_sent = sv.sent.i  # a sentence with flows keeps the paragraph about fund flows
            if flow.attrs.product is not None and flow.attrs.product.specific and not flow.attrs.product.bare:
                subject = Subject(sv.sent.i, flow.attrs.product)
        elif cand.rule != NO_CUE.id:  # a small or blocked amount ends the list
            prev_dir = None
    read = running.flows and running.flows[-1].sent_i == sv.sent.i
    if heading is not None and read:
        heading.last_i = sv.sent.i  # the list under the heading runs on
    else:
        running.heading = None
    return subject


_OF_THE = re.compile(r"\s+of\s+(?:the|that|this)\s+", re.IGNORECASE)


def _named_totals(fd: FinDoc, amounts: list[Money], running: Running) -> dict[int, Flow]:
    """The amounts of a sentence written as a part of a total that follows them ("ETHA accounted for
    $455 million *of the $640 million* weekly haul"), each with the flow reported before whose amount
    that total is: the part takes that flow's direction and span; the total is not a new flow."""
    out: dict[int, Flow] = {}
    for i in range(len(amounts) - 1):
        part, total = amounts[i], amounts[i + 1]
        if not _OF_THE.fullmatch(fd.text, part.end, total.start):
            continue
        if (f := running.by_amount.get((total.currency, total.value))) is not None:  # (a lookup: linear in the text)
            out[i] = f
    return out


def _read_amount(a: Amount, cand: Candidate, running: Running) -> Flow | None:
    """Stages 1-4 for one amount: the gates, its direction (or inheritance), its attributes."""
    if (gate := GATES.first(a, cand.trace)) is not None:
        cand.dropped(gate.id)
        return None
    hit = DIRECTION.first(a, cand.trace)
    if hit is None:
        cand.dropped(NO_CUE.id)
        return None
    if hit.value == BLOCK:
        cand.blocked(hit.id)
        return None
    attrs = _attributes(a, hit.value, running)
    parent = a.last_flow
    if hit.id == INHERIT_BREAKDOWN:
        attrs.take_time(parent.attrs)
    elif _shares_day(a, attrs):
        attrs.take_time(parent.attrs)
        cand.trace.note(f"no day or span of its own: takes those of the flow at {parent.money.start}")
    if a.fd.tracing:
        cand.trace.note(f"product {attrs.product.text if attrs.product else None!r}, asset {attrs.asset}, when {attrs.when}, "
                        f"period {attrs.period}, streak {attrs.streak_days}, source {attrs.source}")
    return Flow(cand, a.money, hit.value, hit.id, a.sv.sent.i, attrs)


def _shares_day(a: Amount, attrs: Attrs) -> bool:
    """A flow with no day or span of its own right after another is a fund's share of the same day
    ("ACMX took in $X, BCMX added $Y"), unless it is a running sum ("since launch", "year-to-date")."""
    p = a.last_flow
    return (p is not None and a.sv.sent.i - p.sent_i <= a.config.share_lookback_sents and attrs.when is None and attrs.period is None
            and not flow_lex().cumulative.search(a.fd.text, *a.clause()))


def _product_for(a: Amount, running: Running) -> Product | None:
    """The fund a flow is about: the one named in the amount's clause (nearest before it, else
    after it by a preposition: "poured $X into bond funds"; a fund beats an asset class named
    without a fund noun),
    else the specific one named nearest before it in the sentence, else after it short of a
    contrast, else the paragraph's subject, else any fund of the sentence."""
    sv, m, link = a.sv, a.money, flow_lex().link_before_product
    lo, hi = a.clause()
    for named in (sv.specific, sv.groups):
        if not len(named):
            continue
        p = named.last_before(m.start, lo)
        if p is None and (p := named.first_after(m.end, hi)) is not None and not link.fullmatch(a.fd.text, m.end, p.start):
            p = None
        if p is not None:
            return p
    p = sv.specific.last_before(m.start)
    if p is not None:
        return p
    p = sv.specific.first_after(m.end)
    if p is not None and not flow_lex().contrast.search(a.fd.text, m.end, p.start):
        return p
    subject = running.subject
    if subject is not None and sv.sent.i - subject.sent_i <= a.config.lookback_sents:
        return subject.product
    return sv.products[0] if sv.products else None


def _in_clause(a: Amount, p: Product) -> bool:
    lo, hi = a.clause()
    return lo <= p.start and p.end <= hi


def _asset(a: Amount, product: Product | None, running: Running) -> str | None:
    """The product's underlying; none for a multi-asset product, unless its clause names a coin as
    the flow's subject and not the product ("Bitcoin saw outflows of $X" under "crypto products");
    else the paragraph subject's, else the crypto asset named nearby."""
    if product is not None and product.multi and not _in_clause(a, product):
        lo, _ = a.clause()
        coin = next((x for x in reversed(a.fd.assets.within(lo, a.money.start)) if x.asset.kind == "crypto"), None)
        if coin is not None:
            return coin.asset.id
    if product is not None and (product.asset or product.multi):
        return product.asset
    if running.subject is not None and running.subject.product.asset:
        return running.subject.product.asset
    found = asset_for(a.fd, a.money.start, a.money.end, kinds=("crypto",), lookback_sents=a.config.lookback_sents)
    return found.id if found else None


def _attributes(a: Amount, direction: str, running: Running) -> Attrs:
    """Stage 4: asset, day, span, streak, source and the evidence span of a flow."""
    m = a.money
    product = _product_for(a, running)
    start, end = m.start, m.end
    if (cue := a.cue) is not None:  # evidence: the amount with its cue, and the fund named just before it in its stretch
        start, end = min(start, cue.start), max(end, cue.end)
    if product is not None and a.lo <= product.start and product.end <= m.start:
        start = min(start, product.start)
    t = a.timing(direction)
    return Attrs((start, end), _asset(a, product, running), product, a.sv.source, t.when, t.when_text, t.period, t.streak_days)


def _streak_from_next_sentence(sv: SentenceView, running: Running) -> None:
    """"... $287 million on Monday. It was the fifth straight day of withdrawals." -> streak 5 for the
    flows of the sentence before (the first streak named; one of another direction does not count)."""
    streaks = sv.streaks
    if not streaks:
        return
    s = streaks[0]
    for flow in reversed(running.flows):
        if flow.sent_i != sv.sent.i - 1:
            break
        if flow.attrs.streak_days is None and s.direction in (None, flow.direction):
            flow.attrs.streak_days = s.days
            flow.cand.trace.note(f"streak {s.days} days from the next sentence")


_FILLABLE = ("when", "when_text", "period", "streak_days", "source", "asset", "product")


_DIGITS = re.compile(r"\d[\d,]*(?:\.(\d+))?")


def _unit(fd: FinDoc, m: Money) -> float:
    """The value of the last digit written: "$877M" -> 1e6, "$877.2 million" -> 1e5."""
    num = _DIGITS.search(fd.text, m.start, m.end)
    written = parse_number(num.group(0)) if num else 0.0
    if not written:
        return 0.0
    return m.value / written * 10.0 ** -len(num.group(1) or "")


class _Kept:
    """The flows kept so far, by direction and sorted by amount, to find the one a flow repeats."""

    def __init__(self, fd: FinDoc, config: Config):
        self.fd, self.rel, self.reach = fd, config.repeat_rel_diff, config.repeat_candidates
        self.amounts: dict[str, list[float]] = {}
        self.flows: dict[str, list[Flow]] = {}
        self._units: dict[int, float] = {}

    def unit(self, flow: Flow) -> float:
        key = id(flow)
        if key not in self._units:
            self._units[key] = _unit(self.fd, flow.money)
        return self._units[key]

    def add(self, flow: Flow) -> None:
        amounts, flows = self.amounts.setdefault(flow.direction, []), self.flows.setdefault(flow.direction, [])
        i = bisect_right(amounts, flow.amount)
        amounts.insert(i, flow.amount)
        flows.insert(i, flow)

    def remove(self, flow: Flow) -> None:
        flows = self.flows[flow.direction]
        i = flows.index(flow)
        del flows[i], self.amounts[flow.direction][i]

    def twin(self, flow: Flow) -> Flow | None:
        """The earlier flow ``flow`` repeats: same direction, the same amount (or the same rounded:
        "$877M" and "$877.2 million"), and no other day or asset."""
        amounts, flows = self.amounts.get(flow.direction, []), self.flows.get(flow.direction, [])
        a = flow.amount
        i = bisect_left(amounts, a)  # the nearest few amounts within reach, nearest first
        lo = max(bisect_left(amounts, a * (1 - self.rel)), i - self.reach)
        hi = min(bisect_right(amounts, a / (1 - self.rel)), i + self.reach)
        near = sorted(range(lo, hi), key=lambda j: abs(amounts[j] - a))
        for k in (flows[i] for i in near):
            if k.amount != a and not self._rounded(k, flow):
                continue
            same_when = k.attrs.when is None or flow.attrs.when is None or k.attrs.when == flow.attrs.when
            same_asset = k.attrs.asset is None or flow.attrs.asset is None or k.attrs.asset == flow.attrs.asset
            if same_when and same_asset:
                return k
        return None

    def _rounded(self, k: Flow, flow: Flow) -> bool:
        """One amount is the other rounded to the digits it was written with."""
        if k.money.currency != flow.money.currency:
            return False
        diff = abs(k.money.value - flow.money.value)
        return diff <= max(self.unit(k), self.unit(flow)) / 2


def _emit(fd: FinDoc, flows: list[Flow], out: Proposal, config: Config) -> None:
    """Merge repeated flows (the one written more precisely is kept), then make each remaining
    flow's fact (consuming its amount)."""
    kept = _Kept(fd, config)
    made: list[Flow] = []
    for flow in flows:
        twin = kept.twin(flow)
        if twin is None:
            kept.add(flow)
            made.append(flow)
            continue
        if kept.unit(flow) < kept.unit(twin):  # the restatement is more precise: it stands for both
            kept.remove(twin)
            kept.add(flow)
            made[made.index(twin)] = flow
            twin, flow = flow, twin
        for k in _FILLABLE:
            if getattr(twin.attrs, k) is None and getattr(flow.attrs, k) is not None:
                setattr(twin.attrs, k, getattr(flow.attrs, k))
        flow.cand.dropped(REPEAT.id, f"repeats the flow at {twin.money.start}")
        out.block(flow.money.start, flow.money.end, REPEAT.id, BELOW)
    for flow in made:
        flow.cand.made(_fact(fd, flow), flow.rule, consumes=((flow.money.start, flow.money.end),))


def _fact(fd: FinDoc, flow: Flow) -> EtfFlowFact:
    at, (s, e) = flow.attrs, flow.attrs.evidence
    return EtfFlowFact(
        evidence=Evidence(start=s, end=e, text=fd.text[s:e]),
        rule=flow.rule,
        when=at.when,
        when_text=at.when_text,
        source=at.source,
        asset=at.asset,
        product=at.product.text if at.product else None,
        direction=flow.direction,
        amount=flow.amount,
        currency=flow.money.currency,
        period=at.period,
        streak_days=at.streak_days,
    )


@Language.factory(
    "fin_flows",
    assigns=["doc._.fin_candidates", "doc._.fin_blockers"],
    default_config={"strict": False, "min_amount": 500_000.0, "lookback_sents": 3, "tally_lookback_sents": 3,
                    "share_lookback_sents": 1, "punct_penalty": 25, "max_cue_distance": 160, "day_reach": 40,
                    "name_reach": 40, "max_name_words": 12, "heading_max_chars": 80, "repeat_rel_diff": 0.01,
                    "repeat_candidates": 16, "pronoun_cue_reach": 20},
)
def make_component(nlp: Language, name: str, strict: bool, min_amount: float, lookback_sents: int, tally_lookback_sents: int,
                   share_lookback_sents: int, punct_penalty: int, max_cue_distance: int, day_reach: int, name_reach: int,
                   max_name_words: int, heading_max_chars: int, repeat_rel_diff: float, repeat_candidates: int,
                   pronoun_cue_reach: int) -> FactComponent:
    config = Config(min_amount=min_amount, lookback_sents=lookback_sents, tally_lookback_sents=tally_lookback_sents,
                    share_lookback_sents=share_lookback_sents, punct_penalty=punct_penalty, max_cue_distance=max_cue_distance,
                    day_reach=day_reach, name_reach=name_reach, max_name_words=max_name_words,
                    heading_max_chars=heading_max_chars, repeat_rel_diff=repeat_rel_diff, repeat_candidates=repeat_candidates,
                    pronoun_cue_reach=pronoun_cue_reach)
    return FactComponent(name, propose, config, strict=strict)
