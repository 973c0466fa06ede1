"""Attribution shared by every fact type: which asset a figure belongs to, which day it refers to,
which data provider the text credits. One implementation of each; fact modules call these.

All look-ups read bounded windows through the Doc view's indexes (``doc.SpanIndex``).
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from extractor.data import alternation, compiled, lexicon, pattern_alternation, words
from extractor.facts.doc import FinDoc, Sentence
from extractor.facts.figures import written_scale
from extractor.facts.windows import MAX_WINDOW, clause_after, clause_before, clause_break, is_heading, is_list_item
from extractor.normalize.assets import AssetMention
from extractor.normalize.dates import as_date, previous_week_day
from extractor.normalize.numbers import NUMBER, SCALE

LOOKBACK_CHARS = 1500  # how far back in a sentence the asset of a figure is looked for
RUNNING_SENTS = 3  # earlier sentences a running subject carries over
SECTION_SENTS = 25  # sentences back to the section's heading


Skip = Callable[[AssetMention], bool]  # a mention a caller passes over (a passing mention of another asset)


def _fits(a: AssetMention, kinds: tuple[str, ...] | None, skip: Skip | None = None) -> bool:
    return (kinds is None or a.asset.kind in kinds) and (skip is None or not skip(a))


def _last_in(fd: FinDoc, lo: int, hi: int, kinds, skip: Skip | None = None) -> AssetMention | None:
    """The last asset mention inside ``lo:hi`` (of ``kinds``, not passed over by ``skip``)."""
    for a in reversed(fd.assets.within(lo, hi)):
        if _fits(a, kinds, skip):
            return a
    return None


OBJECT_REACH = 25  # characters before a name in which a preposition or comparison makes it an object


@compiled
def object_marker() -> re.Pattern:
    """A comparison or preposition (and a determiner) right before a name: the name is an object
    ("outpacing a gain *in* bitcoin", "*than* the Nasdaq"), not what the clause is about."""
    lx = lexicon("move_lexicon")
    return re.compile(rf"(?<![\w-])(?:{pattern_alternation(lx.object_marker_patterns)})\s+(?:(?:{alternation(lx.object_determiners)})\s+)?$",
                      re.IGNORECASE)


def _last_subject_in(fd: FinDoc, lo: int, hi: int, kinds, skip: Skip | None = None) -> AssetMention | None:
    """The last asset mention inside ``lo:hi`` that is not the object of a preposition or
    comparison, else the last one (``_last_in``). A currency named as the unit of an amount ("at 89,460
    yuan a ton", "closed at 2,987.5 yen") is neither: the figure is some other asset's price."""
    rx = object_marker()
    last = None
    for a in reversed(fd.assets.within(lo, hi)):
        if not _fits(a, kinds, skip) or (a.asset.kind == "fx" and _quantity_unit(fd, a)):
            continue
        if not rx.search(fd.text, max(0, a.start - OBJECT_REACH), a.start):
            return a
        last = last or a
    return last


@dataclass(frozen=True)
class AssetChoice:
    """The asset a figure belongs to and how it was found (for traces)."""

    mention: AssetMention
    how: str  # before | after | running | section

    @property
    def id(self) -> str:
        return self.mention.asset.id


def asset_for(fd: FinDoc, start: int, end: int | None = None, *, kinds: tuple[str, ...] | None = None,
              lookback_sents: int = RUNNING_SENTS, skip: Skip | None = None) -> AssetChoice | None:
    """The asset a figure at ``start:end`` belongs to.

    1. the nearest asset mention before it in the same sentence;
    2. else the first one after it in the same sentence and clause;
    3. else the latest one in up to ``lookback_sents`` earlier sentences of the same paragraph
       or in the heading just above it (running subject): a company first where the sentence
       refers to "the stock" or "its shares" (a share anaphor), and only a company where the
       sentence's coin merely says what a company deals in ("bitcoin miners' hashprice");
    4. else, for a share anaphor, the company the article names most (``stock_topic``).
    A coin or commodity right before a company noun ("bitcoin miners") is never the asset.
    ``kinds`` restricts to asset kinds (crypto, index, etf, commodity, stock); ``skip`` passes over
    mentions the caller rules out (a comparison with another asset).
    """
    end = start if end is None else end
    sent = fd.sentence_at(start)
    lo = max(sent.start_char, start - LOOKBACK_CHARS)
    caller_skip = skip

    def skip(a: AssetMention) -> bool:
        return _modifies_noun(fd, a) or (caller_skip is not None and caller_skip(a))

    found = _last_in(fd, lo, start, kinds, skip)
    if found:
        return AssetChoice(found, "before")
    hi = min(sent.end_char, end + MAX_WINDOW)
    after = next((a for a in fd.assets.within(end, hi) if _fits(a, kinds, skip)), None)
    if after is not None and not clause_break().search(fd.text[end : after.start]):
        return AssetChoice(after, "after")
    sents = fd.sentences
    if _opens_with_heading(fd, sent, start):
        return None  # a heading naming no asset is glued to the sentence: what came before it is another section
    anaphor = bool(lookback_sents) and (kinds is None or "stock" in kinds) and _share_anaphor().search(fd.text, lo, start) is not None
    if any(_modifies_noun(fd, a) for a in fd.assets.within(lo, start)) and (kinds is None or "stock" in kinds):
        kinds = ("stock",)  # "Bitcoin miners' hashprice hit $38": a company's figure, no coin's from before
    for back in range(1, lookback_sents + 1):
        if sent.i - back < 0:
            break
        prev = sents[sent.i - back]
        if back > 1 and is_heading(sents[sent.i - back + 1].text) and \
                fd.text[prev.start_char + len(prev.text.rstrip()) : sents[sent.i - back + 1].start_char].count("\n") >= 2:
            break  # the heading just above the paragraph names no asset: what came before it is another section
        window = (max(prev.start_char, prev.end_char - LOOKBACK_CHARS), prev.end_char)
        # "The stock closed at $12.40": a company named before, rather than the coin it mines
        found = (anaphor and _last_subject_in(fd, *window, ("stock",), skip)) or _last_subject_in(fd, *window, kinds, skip)
        if found:
            return AssetChoice(found, "running")
        gap = fd.text[prev.end_char : sents[sent.i - back + 1].start_char]
        if gap.count("\n") >= 2 and back > 1:
            break
    if anaphor:
        topic = stock_topic(fd)  # "The stock needs to clear resistance around $195": the company the article is about
        if topic is not None and (mention := _last_of(fd, topic, start)) is not None and _fits(mention, kinds, skip):
            return AssetChoice(mention, "anaphor")
    return None


@compiled
def _noun_after() -> re.Pattern:
    """A company noun right after a name ("bitcoin miners", "a gold miner", "ether treasury company";
    ``move_lexicon`` company_nouns): the name only says what the company deals in."""
    return re.compile(rf"[ ](?:{alternation(lexicon('move_lexicon').company_nouns)})(?![\w-])")


def _modifies_noun(fd: FinDoc, a: AssetMention) -> bool:
    """Whether the coin or commodity mention ``a`` modifies a company noun after it ("one of the largest
    listed bitcoin miners, were indicated 7.9% lower at $11.42"), or the index mention ``a`` names a
    listing's venue ("in their Nasdaq debut", "a NYSE-listed miner"): not the asset a figure is about."""
    if a.asset.kind == "index":
        return venue_after().match(fd.text, a.end) is not None
    return a.asset.kind in ("crypto", "commodity") and _noun_after().match(fd.text, a.end) is not None


@compiled
def venue_after() -> re.Pattern:
    """Right after an index or exchange name: a noun that makes it a listing's venue (``move_lexicon``
    venue_nouns: "Nasdaq *debut*"), or "-listed", "-traded"."""
    return re.compile(rf"(?:[ ](?:{alternation(lexicon('move_lexicon').venue_nouns)})(?![\w-])|-(?:listed|traded|quoted)\b)")


@compiled
def _share_anaphor() -> re.Pattern:
    """A share anaphor anywhere in a sentence ("the stock", "its shares", "the company's share price";
    ``entities.SHARE_ANAPHORS``, the vocabulary that also marks one opening a sentence), not "the
    stock market" or "the shares of X"."""
    from extractor.facts.entities import NOT_ANAPHOR_AFTER, SHARE_ANAPHORS  # (entities imports this module)

    phrases = sorted({a[0].lower() + a[1:] for a in SHARE_ANAPHORS} | set(SHARE_ANAPHORS), key=len, reverse=True)
    return re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, phrases))})(?![\w-])(?!{NOT_ANAPHOR_AFTER.pattern})")


def stock_topic(fd: FinDoc) -> str | None:
    """The listed company the article is about, for a share anaphor no nearer sentence resolves: the
    company named most often (at least twice, and more often than any other company)."""
    ranked = [n for n in _ranked_assets(fd) if n.first.asset.kind == "stock"]
    if not ranked or ranked[0].count < 2 or (len(ranked) > 1 and ranked[1].count == ranked[0].count):
        return None
    return ranked[0].first.asset.id


# --- the article's own price scale --------------------------------------------------------------
SCALE_LOOSE = 10.0  # a figure this many times off every price the article gives its asset may be another asset's
SCALE_TIGHT = 2.0  # ... and is, when the article prices one other asset within this factor of it
SCALE_NEVER = 100.0  # a figure this many times off every price of its asset is not that asset's at all
RARE_SCALE = 1000.0  # from here up few assets share a scale: a carried-over asset without prices yields to the one priced there


def price_like(fd: FinDoc, m) -> bool:
    """Whether money figure ``m`` reads as a price in dollars: no scale word, or thousands written
    with a K ("$67,250", "$71K"; not "$1.3 trillion", "$40 million", "€50")."""
    return m.currency == "USD" and m.value > 0 and (not m.scaled or written_scale(fd.text[m.start : m.end]) == 1e3)


_PER_SHARE_FIGURE = re.compile(r"\s+(?:a|per)\s+share\b")
_EARNINGS_BEFORE = re.compile(r"\b(?:earnings|earned|EPS|profit|loss|dividends?|income|revenue)\b", re.IGNORECASE)


def stated_prices(fd: FinDoc) -> dict[str, list[float]]:
    """Asset id -> the plain dollar figures the article ties to that asset in their own sentence
    (an asset named before the figure, or after it in its clause; ``price_like``: "$67,250", not
    "$1.3 trillion"), ascending. What the article itself says each asset costs, for checking a
    figure whose asset was only carried over from earlier sentences. Computed once per Doc."""
    def find() -> dict[str, list[float]]:
        out: dict[str, list[float]] = {}
        for m in fd.money:
            if not price_like(fd, m):
                continue
            if _PER_SHARE_FIGURE.match(fd.text, m.end) and _EARNINGS_BEFORE.search(fd.text, max(0, m.start - 40), m.start):
                continue  # "earnings of $0.41 a share": a company figure, not what its stock costs
            choice = asset_for(fd, m.start, m.end, lookback_sents=0)
            if choice is not None and not _quantity_unit(fd, choice.mention):  # "holds 9,500 BTC ... $22.10" states no BTC price
                out.setdefault(choice.id, []).append(m.value)
        return {asset: sorted(values) for asset, values in out.items()}

    return fd.cached("attribution.stated_prices", find)


def near_price(prices: list[float], value: float, factor: float) -> bool:
    """Whether one of ``prices`` (ascending, positive) lies within ``factor`` of ``value`` (a bisection).

    >>> near_price([3050.0, 66900.0], 71000.0, 2.0), near_price([3050.0], 71000.0, 10.0), near_price([3050.0], 71000.0, 100.0)
    (True, False, True)
    """
    i = bisect_left(prices, value / factor)
    return i < len(prices) and prices[i] <= value * factor


def _last_of(fd: FinDoc, asset_id: str, before: int) -> AssetMention | None:
    """The last mention of ``asset_id`` ending at or before offset ``before`` (a bisection in the
    Doc's mentions of that asset, grouped once per Doc)."""
    def group() -> dict[str, tuple[list[int], list[AssetMention]]]:
        out: dict[str, tuple[list[int], list[AssetMention]]] = {}
        for a in fd.assets.items:
            ends, mentions = out.setdefault(a.asset.id, ([], []))
            ends.append(a.end)
            mentions.append(a)
        return out

    ends, mentions = fd.cached("attribution.mentions_by_asset", group).get(asset_id, ([], []))
    i = bisect_right(ends, before)
    return mentions[i - 1] if i else None


_QUANTITY_BEFORE = re.compile(rf"(?<![\w.,$€£])(?:{NUMBER})(?:\s?{SCALE})?[ \t]+$")  # a number, maybe scaled, right before


def _quantity_unit(fd: FinDoc, mention: AssetMention) -> bool:
    """Whether ``mention`` names the unit of a quantity ("500 ETH", "12,000 bitcoin", "1.2 million
    SOL"): an amount of the asset held, sent or counted, not the asset whose price is discussed.

    >>> from types import SimpleNamespace as N
    >>> [_quantity_unit(N(text=t), N(start=t.index("ETH"))) for t in ("wallets holding 500 ETH", "ether (ETH)", "$3,000 ETH")]
    [True, False, False]
    """
    return _QUANTITY_BEFORE.search(fd.text, max(0, mention.start - 24), mention.start) is not None


def rescaled(fd: FinDoc, choice: AssetChoice, value: float, at: int) -> AssetChoice | None:
    """``choice`` checked against the article's own prices (``stated_prices``), for a figure whose
    asset was carried over from earlier sentences (``running``, ``section``) or is named only as the
    unit of a quantity ("Hyperion Mining, which holds 9,500 BTC, slid 6% to $22.10"):

    * it stands when the article gives that asset no price (altcoins share scales: another asset's
      price near the figure says nothing), unless the mention it was carried over from is the unit
      of a quantity ("wallets holding 500 ETH") or the asset the article is about (``dominant_asset``)
      has a price within ``SCALE_TIGHT`` of it, or, from ``RARE_SCALE`` up, one other asset alone does;
      or when ``value`` is within ``SCALE_LOOSE`` of one;
    * else (every price of its asset is an order of magnitude away) the figure goes to the one
      other asset the article prices within ``SCALE_TIGHT`` of it (a $71,000 level after a
      paragraph on ether, which the article prices at $3,050, when it prices bitcoin at $66,900);
    * else it stands when ``value`` is within ``SCALE_NEVER`` of a price of its asset (a price of
      years ago), and is dropped (``None``) when it is not.

    The figure stands at offset ``at``; the asset it moves to is given by its last mention before it.
    """
    quantity = _quantity_unit(fd, choice.mention)
    if choice.how not in ("running", "section") and not quantity:
        return choice  # (a mention in the figure's own sentence is checked only as the unit of a quantity)
    prices = stated_prices(fd)
    own = prices.get(choice.id)
    if not own and not quantity:
        # no price of its own: many assets share a scale, so another one's price says little, unless it is
        # the asset the article is about ("Bitcoin was flat and Dogecoin slipped, but the older coin found
        # buyers. It carved out a low of $110.92", in a Litecoin piece that prices Litecoin near $119)
        topic = dominant_asset(fd)
        if topic is not None and topic.asset.id != choice.id and near_price(prices.get(topic.asset.id, []), value, SCALE_TIGHT) \
                and (mention := _last_of(fd, topic.asset.id, at)) is not None:
            return AssetChoice(mention, "topic")
        if value >= RARE_SCALE:  # up there few assets share a scale: the one the article prices there ("$62,000" under a
            # section on the Hyperliquid venue, in a story that prices bitcoin at $63,420 and $65,800)
            fitting = sorted(a for a, ps in prices.items() if a != choice.id and near_price(ps, value, SCALE_TIGHT))
            if len(fitting) == 1 and (mention := _last_of(fd, fitting[0], at)) is not None:
                return AssetChoice(mention, "scale")
        return choice
    if own and near_price(own, value, SCALE_LOOSE):
        return choice
    fitting = sorted(a for a, ps in prices.items() if a != choice.id and near_price(ps, value, SCALE_TIGHT))
    if len(fitting) == 1 and (mention := _last_of(fd, fitting[0], at)) is not None:
        return AssetChoice(mention, "scale")
    if not own or near_price(own, value, SCALE_NEVER):
        return choice  # (a price from years ago can be 30 times lower)
    return None


# --- currency pairs -----------------------------------------------------------------------------

# the US dollar named without an adjective of another country ("the dollar", "the greenback"; not the
# "Australian dollar", an asset of its own, nor the "dollar index")
_DOLLAR = re.compile(r"(?<![\w-])(?:U\.?S\.?\s+)?(?:dollar|greenback)(?![\w-])(?!\s+index)", re.IGNORECASE)
_THE_DOLLAR = re.compile(rf"(?:the\s+)?{_DOLLAR.pattern}", re.IGNORECASE)


def is_dollar(name: str) -> bool:
    """Whether a subject's name is the US dollar itself.

    >>> [is_dollar(n) for n in ("the dollar", "Greenback", "U.S. dollar", "Australian dollar", "dollar index")]
    [True, True, True, False, False]
    """
    return _THE_DOLLAR.fullmatch(name) is not None


def fx_pair(fd: FinDoc, base: str | None, quote: str | None, start: int, end: int, per_dollar: bool = False) -> str | None:
    """The currency pair a figure at ``start:end`` quotes, "BASE/QUOTE" as markets write it: the
    currency the figure prices (``base``, an ISO code) in the currency it is written in (``quote``:
    "$1.1762" USD, "158.42 yen" JPY, "85.79 pence" GBP). When the figure is written in the priced
    currency's own units ("the dollar was last at 158.42 yen": the yen named is the unit), the priced
    currency is the dollar when the figure is "per dollar", else the first other one its clause
    names before the figure, not as the other side ("against the dollar"); else, for a currency
    markets quote per dollar (``per_dollar``: "the yuan traded at 7.3042"), the dollar. ``None`` when
    no pair is named.

    >>> from types import SimpleNamespace as N
    >>> fd = N(text="The dollar was last at 158.42 yen.", sentence_at=lambda i: N(start_char=0),
    ...        assets=N(overlapping=lambda a, b: [], within=lambda a, b: []))
    >>> fx_pair(fd, "EUR", "USD", 0, 0), fx_pair(fd, "JPY", "JPY", 23, 29), fx_pair(fd, "GBP", "GBX", 0, 0), fx_pair(fd, None, "USD", 0, 0)
    ('EUR/USD', 'USD/JPY', None, None)
    """
    if not base or not quote or not re.fullmatch(r"[A-Z]{3}", base):
        return None
    quote = "GBP" if quote == "GBX" else quote
    if base == "USD" and quote in quoted_in_dollars():
        return None  # "the dollar rose against the euro": markets quote EUR/USD, which fell; the dollar keeps its name
    if base == quote:  # the figure is written in the priced currency's units: the clause's subject currency is priced
        lo = _clause_start(fd, start)
        subject = "USD" if PER_DOLLAR.match(fd.text, end) else _subject_currency(fd, lo, start, quote)
        if subject is None and per_dollar and base != "USD":
            subject = "USD"
        if subject is None:
            return None
        base = subject
    return f"{base}/{quote}" if re.fullmatch(r"[A-Z]{3}", quote) else None


@compiled
def quoted_in_dollars() -> frozenset[str]:
    """Currencies markets quote in dollars (EUR/USD, GBP/USD): never the second of a pair with the dollar."""
    return frozenset(lexicon("price_cues").fx_quoted_in_dollars)


PER_DOLLAR = re.compile(r"\s*(?:per|a|to\s+the|against\s+the)\s+(?:U\.?S\.?\s+)?dollar\b", re.IGNORECASE)  # after a quote: "146.30 per dollar"
_CLAUSE_BREAK = re.compile(r";|,\s*(?:while|whereas|and|but)\b")  # another clause, with a subject of its own, starts after it
_COUNTER = re.compile(r"\b(?:against|versus|vs\.?|per|to)\s+(?:the\s+)?$", re.IGNORECASE)  # "against the dollar": the other side


def _clause_start(fd: FinDoc, start: int) -> int:
    """Where the clause holding ``start`` begins: after the last ``_CLAUSE_BREAK`` of its sentence before
    it (at most ``MAX_WINDOW`` back)."""
    lo = max(fd.sentence_at(start).start_char, start - MAX_WINDOW)
    for m in _CLAUSE_BREAK.finditer(fd.text, lo, start):
        lo = m.end()
    return lo


def counter_side(fd: FinDoc, a: AssetMention) -> bool:
    """Whether the currency mention ``a`` is the other side of a quote ("87.42 per US dollar",
    "against the dollar"): a ``Skip`` for the currency a later bare quote prices."""
    return a.asset.kind == "fx" and bool(_COUNTER.search(fd.text, max(0, a.start - 16), a.start))


def _subject_currency(fd: FinDoc, lo: int, hi: int, quote: str) -> str | None:
    """The first currency named in ``lo:hi`` other than ``quote`` and not as the other side of a quote
    ("Sterling rose against the dollar ... was steady against the euro at €1.1922": GBP)."""
    found = [(a.start, a.asset.key) for a in fd.assets.within(lo, hi) if a.asset.kind == "fx" and a.asset.key != quote]
    if quote != "USD":
        found += [(m.start(), "USD") for m in _DOLLAR.finditer(fd.text, lo, hi) if not fd.assets.overlapping(m.start(), m.end())]
    for at, code in sorted(found):
        if not _COUNTER.search(fd.text, max(lo, at - 16), at):
            return code
    return None


def clause_pair(fd: FinDoc, start: int) -> tuple[str, str] | None:
    """The pair and the currency of a bare quote at ``start`` whose own clause names both sides: a
    subject currency (or the dollar) and, after "against"/"versus", the other side ("..., and the
    dollar shed 0.7% against the yen to 147.05": USD/JPY in JPY; "the greenback slipped versus the
    euro to 1.1742": EUR/USD in USD, as markets quote it; "the Australian dollar rose against the yen
    to 98.20": AUD/JPY in JPY). ``None`` when the other side is the dollar (the subject's own dollar
    quote, read elsewhere), or the clause names no subject currency before it. Reads the clause only
    (bounded by ``MAX_WINDOW``)."""
    lo = _clause_start(fd, start)
    named = [a for a in fd.assets.within(lo, start) if a.asset.kind == "fx"]
    sides = [a for a in named if counter_side(fd, a)]
    if not sides:
        return None
    other = sides[-1]
    subjects = [a.asset.key for a in named if a.start < other.start and not counter_side(fd, a)]
    if not subjects and any(not fd.assets.overlapping(m.start(), m.end()) for m in _DOLLAR.finditer(fd.text, lo, other.start)):
        subjects = ["USD"]
    base, key = (subjects[0] if subjects else ""), other.asset.key or ""
    if len(set(subjects)) != 1 or key == "USD" or base == key or not re.fullmatch(r"[A-Z]{3}", key) \
            or not re.fullmatch(r"[A-Z]{3}", base or ""):
        return None
    if base == "USD" and key in quoted_in_dollars():
        return f"{key}/USD", "USD"  # "the dollar fell against the euro to 1.1745": EUR/USD
    return f"{base}/{key}", key


def section_asset(fd: FinDoc, start: int, *, max_sents: int = SECTION_SENTS, skip: Skip | None = None,
                  topic_sections: bool = False) -> AssetChoice | None:
    """The running subject of the section holding ``start``: the latest asset named in the
    sentences before it, back to (and including) the nearest heading line (not a list item).

    A fallback after ``asset_for`` for long sections (technical analysis walks through one
    asset per section: "Ether price prediction" ... "the pair may retest $3,000").
    """
    sent = fd.sentence_at(start)
    found = _last_in(fd, max(sent.start_char, start - LOOKBACK_CHARS), start, None, skip)
    if found:
        return AssetChoice(found, "section")
    sents = fd.sentences
    glued = _opens_with_heading(fd, sent, start)
    for back in range(0 if glued else 1, max_sents + 1):
        if sent.i - back < 0:
            break
        prev = sents[sent.i - back]
        found = _last_in(fd, max(prev.start_char, prev.end_char - LOOKBACK_CHARS), prev.end_char, None, skip) if back else None
        if found:
            return AssetChoice(found, "section")
        if back == 0 or (is_heading(prev.text) and not is_list_item(prev.text)):  # (a short list item does not open a section)
            # a heading that names no asset over a list ("LEVELS" / "- $3,267 ..."), or over any section when
            # ``topic_sections`` ("Retracement map"): the section is about the article's subject, a listed asset
            topic = dominant_asset(fd)
            if topic is None or not _fits(topic, None, skip) or not (topic_sections or _list_below(fd, prev)) \
                    or not _traded(fd, topic):
                return None
            return AssetChoice(topic, "topic")
    return None


def _opens_with_heading(fd: FinDoc, sent: Sentence, start: int) -> bool:
    """Whether ``sent`` opens with a heading line glued to it (no full stop after the heading, so the
    splitter kept both: "Retracement map\n\nMeasured from ...") before ``start``."""
    brk = fd.text.find("\n\n", sent.start_char, min(start, sent.start_char + HEADING_CHARS))  # (bounded: a heading is short)
    return brk >= 0 and is_heading(fd.text[sent.start_char : brk])


HEADING_CHARS = 200  # a heading glued to a sentence ends within this many characters of its start


def _traded(fd: FinDoc, topic: AssetMention) -> bool:
    """Whether ``topic`` is a traded asset: one the lexicon knows, or one the article writes as a ticker
    (not a name the registry learnt from its phrasing alone: "the Super Bowl")."""
    return topic.asset.key is not None or fd.cached(("attribution.traded", topic.asset.id), lambda: any(
        a.asset.id == topic.asset.id and 2 <= len(a.text) <= 6 and a.text.isupper() for a in fd.assets))


def _list_below(fd: FinDoc, heading) -> bool:
    """Whether a list item comes within the three lines after ``heading`` (a sub-heading may stand between)."""
    following = fd.text[heading.end_char : heading.end_char + 300].lstrip("\n").split("\n")[:3]
    return any(is_list_item(line) for line in following)


TOPIC_LEAD = 2  # how many times more often than any other asset the article's subject is named


def dominant_asset(fd: FinDoc) -> AssetMention | None:
    """The asset the article is about: named at least ``TOPIC_LEAD`` times as often as any other
    (its first mention), else ``None``. Computed once per Doc."""

    def find() -> AssetMention | None:
        ranked = _ranked_assets(fd)
        if not ranked or (len(ranked) > 1 and ranked[0].count < TOPIC_LEAD * ranked[1].count):
            return None
        return ranked[0].first

    return fd.cached("attribution.dominant_asset", find)


@dataclass(frozen=True)
class _Named:
    """How often the article names one asset, and its first mention."""

    count: int
    first: AssetMention


def _ranked_assets(fd: FinDoc) -> list[_Named]:
    """The article's assets, most often named first (in order of first mention at equal counts).
    Computed once per Doc; ``dominant_asset`` and ``stock_topic`` read it."""
    def rank() -> list[_Named]:
        counts: dict[str, list] = {}
        for a in fd.assets:
            counts.setdefault(a.asset.id, [0, a])[0] += 1
        return [_Named(n, a) for n, a in sorted(counts.values(), key=lambda v: -v[0])]

    return fd.cached("attribution.ranked_assets", rank)


# --- time -----------------------------------------------------------------------------------

@compiled
def _span_re() -> re.Pattern:
    """A stretch of time rather than a day ("earlier this week", "last month", "the prior week"):
    ``grammar.json`` span_markers and previous_week_markers."""
    g = lexicon("grammar")
    return re.compile(rf"(?<![\w-]){alternation(list(g.span_markers) + list(g.previous_week_markers), ignore_case=True)}(?![\w-])", re.I)


@compiled
def _present_re() -> re.Pattern:
    return re.compile(rf"(?<![\w-]){alternation(lexicon('grammar').present_markers, ignore_case=True)}(?![\w-])", re.I)


@compiled
def _previous_week_re() -> tuple[re.Pattern, re.Pattern]:
    """A previous-week marker opening a sentence ("Last week, ...", "During the prior week ..."),
    and one right beside a weekday ("on Tuesday last week", "last week on Tuesday", "Tuesday of
    the previous week")."""
    marker = alternation(lexicon("grammar").previous_week_markers, ignore_case=True)
    opening = re.compile(rf"^\W*(?:(?:in|during|over|for|throughout|earlier)\s+)?(?:{marker})(?![\w-])", re.I)
    gap = r"[^\w;:!?—–]{0,3}"  # not across a clause break ("on Tuesday; the week before, it had lost 9%")
    beside = re.compile(rf"^{gap}(?:of\s+|in\s+|during\s+)?(?:{marker})(?![\w-])|(?<![\w-])(?<!the\s)(?:{marker}){gap}(?:on\s+|,\s*)?$", re.I)
    return opening, beside


@compiled
def _from_figure_re() -> re.Pattern:
    """A 'from <figure>' between a figure and a calendar date: the date is when that earlier figure
    stood ("fell to $54 billion from about $60 billion on May 3"); a weekday or "yesterday" there
    names the day of the change itself ("dropped to $46 billion from $52 billion on Friday")."""
    approx = alternation(lexicon("grammar").approximators, ignore_case=True)
    scale = r"(?:\s?(?:%|[kmb]n?|thousand|million|billion|trillion)\b)?"
    return re.compile(rf"\bfrom\s+(?:(?:{approx})\s+)?(?:[$€£¥]\s?)?\d[\d,.]*{scale}\s*$", re.I)


def _dates_other_figure(fd: FinDoc, end: int, ref) -> bool:
    return (ref.start >= end and ref.weekday is None and any(c.isdigit() for c in ref.text)
            and bool(_from_figure_re().search(fd.text, max(end, ref.start - 80), ref.start)))


def reported_days(refs: list) -> list:
    """The day references that can date a figure: the start of a tally ("since Feb. 2") only when
    nothing else is named ("... as of Friday")."""
    return [d for d in refs if not d.period_start] or refs


def day_of(fd: FinDoc, ref, sent: Sentence | None = None) -> str | None:
    """A weekday in a sentence about the week before publication is that week's (not this week's)."""
    sent = sent or fd.sentence_at(ref.start)
    if not (ref.weekday and fd.published and ref.when) or ref.text.lower().startswith(("through", "until", "by", "since", "from")):
        return ref.when  # "in the last week through Thursday": a span ending this week
    opening, beside = _previous_week_re()
    near = beside.search(fd.text[ref.end : min(ref.end + 25, sent.end_char)]) or beside.search(fd.text[max(ref.start - 25, sent.start_char) : ref.start])
    if near or opening.search(fd.text[sent.start_char : ref.start]):
        return previous_week_day(ref.weekday, as_date(fd.published)).isoformat()
    return ref.when


def when_for(fd: FinDoc, start: int, end: int) -> tuple[str | None, str | None]:
    """``(when, when_text)`` from the day reference nearest to ``start:end`` in its sentence; with none,
    a statement about the time of writing (the headline, or "currently", "at press time" in its
    sentence) refers to the publication day (``when_text`` null).

    >>> import spacy
    >>> from extractor.facts.doc import view
    >>> doc = spacy.blank("en")("Ether hovers near $3,100\\n\\nIt traded at $3,050 on Monday. It is currently at $3,080.")
    >>> doc.user_data["published"] = "2026-03-11"
    >>> fd = view(doc)
    >>> [when_for(fd, s, s + 6) for s in (18, 51, 80)]
    [('2026-03-11', None), ('2026-03-09', 'on Monday'), ('2026-03-11', None)]
    """
    sent = fd.sentence_at(start)
    lo, hi = max(sent.start_char, start - MAX_WINDOW), min(sent.end_char, end + MAX_WINDOW)
    refs = fd.days.within(lo, hi)
    c_lo, c_hi = start - len(clause_before(fd, start)), end + len(clause_after(fd, end))
    refs = [d for d in refs if not _comparison_point(fd, d)]
    own = [d for d in refs if c_lo <= d.start and d.end <= c_hi]
    if not own and refs and _span_re().search(fd.text, c_lo, c_hi):
        refs = []  # "..., while XRP dropped 3% earlier this week": another clause's day is not this clause's
    if own or not (fd.published and _present_re().search(fd.text, c_lo, c_hi)):
        if own or refs:
            pool = reported_days([d for d in (own or refs) if not _dates_other_figure(fd, end, d)])
            if pool:
                best = min(pool, key=lambda d: min(abs(d.start - end), abs(start - d.end)))
                return day_of(fd, best, sent), best.text
        if fd.published and _in_headline(fd, start):
            return fd.published[:10], None
        return None, None
    return fd.published[:10], None  # "at press time", "currently" in the figure's own clause


# "for the first time since Nov. 14", "its lowest level since March 3": the day a record is measured
# against, never the day of the figure
@compiled
def _record_since_re() -> re.Pattern:
    """A first-time or superlative phrase right before "since": ``grammar.json`` record_words."""
    return re.compile(rf"(?<![\w-])(?:{alternation(lexicon('grammar').record_words, ignore_case=True)})(?:\s+[\w-]+){{0,2}}\s+$",
                      re.IGNORECASE)


def _comparison_point(fd: FinDoc, ref) -> bool:
    """A "since <day>" that a first-time or superlative phrase measures against (``_record_since_re``)."""
    return ref.text[:6].lower() == "since " and _record_since_re().search(fd.text, max(0, ref.start - 40), ref.start) is not None


def _in_headline(fd: FinDoc, pos: int) -> bool:
    """``pos`` lies in the article's first line and that line is a headline."""
    first_end = fd.text.find("\n")
    return 0 <= pos < first_end and is_heading(fd.text[:first_end])


# --- data providers -------------------------------------------------------------------------

@compiled
def _provider_res() -> tuple[re.Pattern, re.Pattern]:
    """The provider grammar: a strict form (a cue word right before a known provider) and a
    looser one (a few words of filler after the cue, or "<provider> said")."""
    names = alternation(words("providers"))
    strict = re.compile(
        rf"""
        (?:according\s+to|data\s+(?:from|by|compiled\s+by)|compiled\s+by|per|from|via|by|reported\s+by|cited\s+by)  # cue
        \s+(?:(?:the|data|on-chain\s+analytics\s+firm|analytics\s+firm|crypto\s+data\s+provider|data\s+provider|[a-z]+\s+firm)\s+)*   # filler
        (?P<name>{names})(?:['’]s)?\b                                 # a known provider
        | (?P<name2>{names})(?:['’]s)?\s+(?:data|figures|numbers)\b    # "SoSoValue data"
        """,
        re.VERBOSE,
    )
    loose = re.compile(
        rf"""
        (?:according\s+to|data\s+(?:from|by)|compiled\s+by|source:|per|via|reported\s+by|tracked\s+by)  # attribution cue
        (?:\s+[\w.’'-]+){{0,5}}?\s+                                     # a few words of filler ("European investment firm")
        (?P<name>{names})(?![\w])                                       # a known provider
        | (?P<name2>{names})['’]?s?\s+(?:said|says|reported|noted|wrote|showed|shows|data|figures)\b  # "CoinShares said"
        """,
        re.VERBOSE | re.IGNORECASE,
    )
    return strict, loose


def source_in(text: str, *, loose: bool = False) -> str | None:
    """The data provider a sentence attributes its figures to (``loose``: also after a few words
    of filler or before "said").

    >>> source_in("more than US$700 million was liquidated, according to CoinGlass.")
    'CoinGlass'
    >>> source_in("Data from SoSoValue shows outflows"), source_in("per figures compiled by Bloomberg")
    ('SoSoValue', 'Bloomberg')
    >>> source_in("Bitcoin fell 3%") is None
    True
    >>> source_in("outflows of $1.7 billion, CoinShares said in its weekly report", loose=True)
    'CoinShares'
    """
    strict, lax = _provider_res()
    m = strict.search(text)
    if m:
        return m.group("name") or m.group("name2")
    if loose:
        m = lax.search(text)
        if m:
            return m.group("name") or m.group("name2")
    return None


def source_for(fd: FinDoc, start: int) -> str | None:
    """The data provider named in the sentence of ``start`` (looked up once per sentence)."""
    sent = fd.sentence_at(start)
    found = fd.cached("sentence_sources", dict)
    if sent.i not in found:
        found[sent.i] = source_in(sent.text)
    return found[sent.i]


def grounding(fd: FinDoc, start: int, end: int, *, evidence_span: tuple[int, int] | None = None,
              when_span: tuple[int, int] | None = None) -> dict:
    """The fields every fact of a figure at ``start:end`` shares: ``evidence`` (the figure, or
    ``evidence_span``), ``when``/``when_text`` (nearest day to the figure, or to ``when_span``)
    and ``source`` (the provider named in the figure's sentence)."""
    from extractor.records import Evidence

    when, when_text = when_for(fd, *(when_span or (start, end)))
    s, e = evidence_span or (start, end)
    return {
        "evidence": Evidence(start=s, end=e, text=fd.text[s:e]),
        "when": when,
        "when_text": when_text,
        "source": source_for(fd, start),
    }


def sentence_window(fd: FinDoc, sent: Sentence, start: int, end: int, cap: int = MAX_WINDOW) -> tuple[int, int]:
    """``sent`` clipped to ``cap`` characters either side of ``start:end``."""
    return max(sent.start_char, start - cap), min(sent.end_char, end + cap)
