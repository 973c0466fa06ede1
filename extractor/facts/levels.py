"""``price_level`` facts (spec FACTS.md): support, resistance, targets, range bounds.

A dollar figure (or a bare number next to an index) becomes a level when its clause names it as
one. Four stages:

1. **Figures** (``_figures``): every money figure, the bare second half of a range written
   "$80-85", and every bare number ("6,300"). ``FIGURE_BLOCKERS`` vetoes other currencies,
   amounts ("$4.2 billion"), years and bare numbers with no index named near them.
2. **Groups** (``_groups``): figures joined by a connector in one sentence ("$2.10 and $2.40",
   "$0.30 or even $0.25") are decided together; a group is a range when a dash joins it or range
   words surround it ("between $X and $Y", "the $X to $Y band"). "from $X to $Y" is a move.
3. **Clause** (``CLAUSE_BLOCKERS``, then ``kinds()``): words that make the figures something else
   (a cost basis, a strike, a "Related:" line) veto the group; else the first rule of ``kinds()``
   that fires makes every figure of the group a level and names its kind: a kind noun next to it,
   a described or appositive level, a moving average, a range, a level verb, a scenario clause
   ("could slide to $X"), a target word after it ("$X is next"), a generic level noun.
4. **Facts**: the asset (``attribution.asset_for``, else the section's subject; none: dropped; a
   dollar figure whose asset is only carried over is checked against the prices the article gives,
   ``attribution.rescaled``) and the speaker (``speakers.person_near``); a range's figures are its
   low and high bound.

Every figure consumes itself: the resolver gives a figure a level takes to the level over metrics
and prices (flows over levels). Cue words live in ``data/level_cues.json`` (model
``data/models/levels.py``) and ``data/figure_context.json`` (shared with prices).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import asdict, dataclass
from statistics import median

from spacy.language import Language

from extractor.data import alternation, compiled, lexicon, pattern_alternation
from extractor.facts.attribution import (PER_DOLLAR, SCALE_TIGHT, AssetChoice, asset_for, dominant_asset, grounding, stock_topic, near_price, price_like,
                                         quoted_in_dollars, rescaled, section_asset)
from extractor.facts.candidates import Candidate
from extractor.facts.component import FactComponent, Proposal
from extractor.facts.doc import FinDoc, Sentence
from extractor.facts.entities import words as entity_words
from extractor.facts.figures import asset_named_for, closes_relative_clause, figure_context, magnitude_outliers, passing_over, respectively_asset, written_scale
from extractor.facts.lazy import lazy
from extractor.facts.rules import NO_TRACE, Fired, Rule, Table, Trace, outcome
from extractor.facts.speakers import person_near
from extractor.facts.windows import LABEL_NAME, MAX_WINDOW, clause_after, clause_before, is_heading, pipe_tables
from extractor.normalize.assets import Asset, AssetMention
from extractor.normalize.numbers import NUMBER, Money, parse_number, parse_scaled, scale_factor, table_figure
from extractor.records import PriceLevelFact
from extractor.rx import Caseless, PrefixScan, find_all

TYPE = "price_level"
KINDS = ("support", "resistance", "target")  # the kinds a noun, a verb or a scenario names, in order of preference
UNNAMED = "unnamed"  # the outcome of a rule that makes a level without naming its kind (kind null)
RANGE = "range"  # the outcome of a range rule: the figures are its low and high bound
DASHES = ("-", "–")


@dataclass(frozen=True)
class Config:
    max_scale: float = 1e3  # "$45K" may be a level; "$4.2 billion" never is
    scenario_reach: int = 60  # characters after a figure where a hypothetical word makes its clause a scenario
    moving_average_reach: int = 80  # characters after a moving average's value where "resistance" names its kind
    described_reach: int = 100  # characters after "$X, which is regarded as" where a kind noun names its kind
    appositive_reach: int = 120  # characters of an appositive ("$X, an area buyers ...") where a kind noun names its kind
    connector_reach: int = 80  # characters between two figures a connector may span (", and then to the 200-day EMA (")


@dataclass(frozen=True)
class Cues:
    noun_before: dict[str, Caseless]  # "floor sits near ": a kind noun, then filler up to the figure
    noun_after: dict[str, Caseless]  # " as a strong floor": filler after the figure, then a kind noun
    noun_anywhere: dict[str, Caseless]
    generic_before: Caseless  # "the level of "
    generic_after: re.Pattern  # " mark", " price point"
    range_before: Caseless  # "between ", "a range of "
    range_after: re.Pattern  # " trading range"
    verbs: dict[str, Caseless]  # resistance, support
    scenario_verbs: dict[str, Caseless]  # resistance, support, target
    scenario_position: re.Pattern  # "around the "
    scenario_target_verb: Caseless  # "trade near "
    beside: re.Pattern  # "dropped under the "
    target_after: re.Pattern  # " is next"
    moving_average: Caseless  # "the 100-day EMA ("
    described_as: re.Pattern  # ", which is regarded as"
    describing: re.Pattern  # "regard " before the figure (then "as" after it)
    naming: re.Pattern  # "calling " before the figure (then a kind noun after it, no "as")
    holding_after: re.Pattern  # " hold", " to hold", " holds": the figure is what holds
    connector: re.Pattern  # " and ", "-", " or even "
    bare_number: PrefixScan  # 6,300 not followed by a unit (scanned from digit to digit)
    trading: re.Pattern  # "trades near ", "changing hands at ": a traded price follows
    key_before: Caseless  # "the key ", "the psychologically important ": a level adjective right before the figure
    key_after: re.Pattern  # " psychological level", " key mark": a level adjective and a generic noun after it
    k_number: PrefixScan  # 88k, 3.85k-4.65k, 73-78k: thousands written without a currency sign
    stated_before: re.Pattern  # "slipped to ", "at about ": before a bare number that states an asset's price
    table_labels: dict[str, re.Pattern]  # kind (or "unnamed") -> a table row label that names it ("R2", "S1", "Pivot")
    table_value_header: re.Pattern  # "Price (USD)", "Level": the header of the column of one asset's levels
    kind_right_before: re.Pattern  # "support at ", "range ": a kind noun right before a number (``Number.kind_noun_next``)
    kind_right_after: re.Pattern  # " support,", " floor into": a kind noun right after it, ending there or going on with a link


# the clause cues scan a lower-cased copy of their window, and not at all when it lacks a word
# every match needs (most windows hold no kind noun, level verb or generic noun); those measured
# no faster that way (anchored at the window's start, tried at one position, or seldom asked)
# stay plain re.IGNORECASE patterns
_ci = Caseless

VALUE_VERB_WORDS = 12  # words between a kind noun and a verb that gives its value ("stands at")


@compiled
def cues() -> Cues:
    """The level lexicon, compiled once."""
    lv = lexicon("level_cues")
    alt, lit, flags = pattern_alternation, alternation, re.IGNORECASE
    # one whitespace character, comma, bracket or filler word at a time: a run of filler has one
    # parse, so a failed match costs its length, not 2**length ("support the the the ... x $5")
    fill = rf"(?:\s|,|\b(?:{alt(lv.filler_patterns)})\b|\(|\))*"
    # whole words, also within hyphenated compounds: the "cap" of "large-cap" is no ceiling
    noun = {k: rf"(?<![\w-])(?:{alt(v)})(?![\w-])" for k, v in lv.kind_noun_patterns.model_dump().items()}
    generic, links, ma = alt(lv.generic_noun_patterns), lit(lv.link_words), lv.moving_average_pattern
    any_kind = "|".join([*(f"(?:{n})" for n in noun.values()), rf"(?<![\w-])(?:{lit(lv.range_nouns)})(?![\w-])"])

    def verbs(table) -> dict[str, Caseless]:
        return {k: _ci(rf"\b(?:{alt(v)}){fill}$") for k, v in table.model_dump().items()}

    return Cues(
        # "support sits near ", "the target is ": a few free words, then filler; or the noun as the subject of a verb
        # that gives its value, however far in the clause ("the median target among 24 analysts now stands at ")
        noun_before={k: _ci(rf"{n}(?:\s+\w+){{0,6}}?{fill}$|{n}(?:\s+[^\s,;:.!?]+){{0,{VALUE_VERB_WORDS}}}?\s+(?:(?:now|still|currently)\s+)?"
                            rf"(?:{lit(lv.value_verbs)})\s+(?:{links})\s+(?:the\s+)?$") for k, n in noun.items()},
        # "$X as support" (filler only), "$X as the token's last meaningful support" (three free words after a determiner),
        # "$X, Wednesday's close, as first support" (an appositive before the "as")
        # "$X is the nearest meaningful support" (a copula, a determiner and up to two free words)
        noun_after={k: _ci(rf"^(?:{fill}|(?:,[^,.;:\n$]{{1,40}},)?{fill}\bas\s+(?:(?:a|an|the|its|their)\s+(?:[\w'’-]+\s+){{0,3}}?|{fill})"
                           rf"|\s+{lit(lv.copulas)}\s+(?:(?:now|still|also)\s+)?(?:a|an|the|its|their)\s+(?:[\w-]+\s+){{0,2}}?){n}")
                    for k, n in noun.items()},
        noun_anywhere={k: _ci(n) for k, n in noun.items()},
        # "the level of $X", "the zone sits at $X"; a level noun as the subject of "is": "the key level is $X", "the
        # level to watch is $X", "the line that matters most is $X" (not "the price level is $X")
        generic_before=_ci(rf"\b(?:{generic})\s+(?:(?:sits?|lies|stands?|is|comes\s+in)\s+)?{links}\s+(?:the\s+)?$"
                           rf"|(?<!price\s)\b(?:{generic})(?:\s+(?:to\s+[a-z]+|(?:that|which)\s+[a-z]+(?:\s+most)?|for\s+\S+))?"
                           rf"\s+{lit(lv.copulas)}\s+(?:{lit(lv.approximators)}\s+)?$"),
        generic_after=re.compile(rf"^\s*(?:\w+\s+){{0,2}}(?:{generic})\b", flags),
        range_before=_ci(rf"\b(?:{alt(lv.range_opener_patterns)})\s+(?:{lit(lv.approximators)}\s+)?$"),
        range_after=re.compile(rf"^\s*(?:\w+\s+)?(?:{lit(lv.range_noun_modifiers)}\s+)?{lit(lv.range_nouns)}\b", flags),
        verbs=verbs(lv.verb_patterns),
        scenario_verbs=verbs(lv.scenario_verb_patterns),
        scenario_position=re.compile(rf"\b{lit(lv.scenario_position_words)}\s+(?:\w+\s+)?$", flags),
        scenario_target_verb=_ci(
            rf"\b{lit(lv.scenario_target_verbs)}\s+(?:at\s+)?{lit(lv.scenario_position_words)}?\s*$"),
        beside=re.compile(rf"\b{lit(lv.beside_words)}\s+(?:\w+\s+){{0,2}}$", flags),
        target_after=re.compile(rf"^\s*(?:\w+\s+)?(?:{alt(lv.target_after_patterns)})\b", flags),
        # "the 50-day MA (", "the 200-day moving average, near ", "the 100-day EMA, which he puts at about "
        moving_average=_ci(rf"{ma}(?:,?\s+\w+){{0,4}}?,?\s*(?:\(\s*[~≈]?|{links}(?:\s+{lit(lv.approximators)})?)\s*$"),
        described_as=re.compile(
            rf"^,?\s*(?:which|that)\s+(?:(?:is|was|has\s+been|are|were|could|would|may|might|will|can|should)\s+)?"
            rf"(?:\w+\s+){{0,2}}{lit(lv.described_as)}\s+as\b", flags),
        describing=re.compile(rf"\b{lit(lv.describing_verbs)}\s+(?:(?:the|a|an)\s+)?$", flags),
        naming=re.compile(rf"\b{lit(lv.naming_verbs)}\s+(?:(?:the|a|an)\s+)?$", flags),
        holding_after=re.compile(rf"^\s*(?:{alt(lv.holding_after_patterns)})", flags),
        connector=re.compile(
            rf"^\s*(?:,\s*)?(?P<conn>{alt(lv.connector_patterns)})\s*(?:the\s+)?(?:{ma})?\s*\(?\s*$", flags),
        # a number not inside a money figure, ticker or date (5,800 / 100.42 / 6147), not followed by a unit
        # "88k", "3.85k-4.65k", "73-78k": a number (or a dashed pair) with a K suffix, not a unit after it
        k_number=PrefixScan(re.compile(rf"(?<![\w$.,/£€-])(?P<a>\d{{1,3}}(?:\.\d{{1,3}})?)(?:\s?(?P<ak>[kK]))?"
                            rf"(?:\s?[-–]\s?(?P<b>\d{{1,3}}(?:\.\d{{1,3}})?))?\s?[kK]"
                            rf"(?![\w]|[.,]\d|\s?(?:{alt(lv.bare_unit_patterns)}))", flags)),
        trading=re.compile(rf"\b(?:{alt(lv.trading_verb_patterns)})\s+(?:(?:just|right)\s+)?(?:at|near|around|about)\s+(?:(?:roughly|about|around)\s+)?$", flags),
        table_labels={k: re.compile(rf"(?:{alt(v)})", flags) for k, v in lv.table_label_patterns.model_dump().items()},
        table_value_header=re.compile(rf"(?<![\w-])(?:{alt(lv.table_value_header_patterns)})(?![\w-])", flags),
        kind_right_before=re.compile(rf"(?:{any_kind})(?:\s+(?:{links}|is|sits\s+at))?\s*\Z", flags),
        kind_right_after=re.compile(rf"\s+(?:{any_kind})(?:\s*(?:[,.;:)]|\Z)|\s+(?:(?:{generic})\b|(?:for|on|at|and|or|is|holds?|held|if|with|"
                                    rf"into|from|before|after|above|below)\b))", flags),
        stated_before=re.compile(rf"\b{lit(lv.stated_price_prepositions)}\s+(?:{lit(lv.approximators)}\s+)?$", flags),
        key_before=_ci(rf"\b(?:{alt(lv.key_adjective_patterns)})\s+$"),
        key_after=re.compile(rf"^\s*(?:{alt(lv.key_adjective_patterns)})\s+(?:{generic})\b", flags),
        bare_number=PrefixScan(re.compile(rf"(?<![\w$.,/£€-])(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+\.\d+|\d{{3,}})"
                               rf"(?![\w%]|[.,]\d|-|\s?(?:{alt(lv.bare_unit_patterns)})"
                               # nor by a second number with a unit ("0.6 or 0.7 times book", "5,000 to 6,000 BTC")
                               rf"|\s*(?:[–]|or|to|and)\s*\d[\d.,]*\s?(?:{alt(lv.bare_unit_patterns)}))", flags)),
    )


@compiled
def _subordinator() -> re.Pattern:
    return re.compile(rf"(?<![\w-])(?:{alternation(lexicon('grammar').subordinators)})(?![\w-])", re.IGNORECASE)


# --- stage 1: figures -------------------------------------------------------------------------

@dataclass
class Number:
    """A money figure or a bare number the module looks at (what ``FIGURE_BLOCKERS`` sees)."""

    fd: FinDoc
    start: int
    end: int
    money: Money | None  # None: a number written without a currency sign
    config: Config
    k_scaled: bool = False  # written with a K suffix and no sign ("88k"): thousands of the asset's currency

    @lazy
    def written_scale(self) -> float:
        return written_scale(self.fd.text[self.start : self.end])

    @property
    def bare(self) -> bool:
        return self.money is None

    @lazy
    def is_year(self) -> bool:
        return _is_year(self.fd.text[self.start : self.end])

    @lazy
    def near_priced_asset(self) -> bool:
        near = asset_for(self.fd, self.start, self.end, lookback_sents=0)
        return near is not None and near.mention.asset.kind in ("crypto", "index", "stock", "commodity", "etf", "fx")

    @lazy
    def kind_noun_next(self) -> bool:
        """A level's kind noun right next to the number ("hold 0.3850 support", "support at 21.80",
        "target 2,400", both ends of "range 82 - 96"): with a priced asset named in the sentence, a
        level without a scale."""
        text, c = self.fd.text, cues()
        lo = max(0, self.start - KIND_NEXT_CHARS)
        return bool(c.kind_right_before.search(text, lo, self.start) or _RANGE_SECOND.search(text, lo, self.start)
                    or c.kind_right_after.match(text, self.end, min(len(text), self.end + KIND_NEXT_CHARS)))

    @lazy
    def near_index(self) -> bool:
        """Next to an index: the one named near it or running in its section, else (no asset near
        at all) the one the article is about, when the number is on the scale of that index's figures
        (``index_levels``: "The first line of defence is 5,900" in a note where "The S&P 500 closed at
        5,968.40"; not "support sits at 2,650" for a company the lexicon does not know)."""
        near = asset_for(self.fd, self.start, self.end) or section_asset(self.fd, self.start)
        if near is None:
            value = parse_number(self.fd.text[self.start : self.end])
            levels = index_levels(self.fd)
            return any(m is not None and m.asset.kind == "index" and near_price(levels.get(m.asset.id, []), value, SCALE_TIGHT)
                       for m in (dominant_asset(self.fd), last_index(self.fd, self.start)))
        return near.mention.asset.kind == "index"

    @lazy
    def in_level_table(self) -> bool:
        """The first figure of a cell in a table of levels (``level_cells``)."""
        return level_cell(self.fd, self.start) is not None

    @lazy
    def on_asset_scale(self) -> bool:
        """Next to a coin, stock, fund or commodity the article gives figures on its scale: the asset
        named near it, running in its section or the article's topic, has figures in ``asset_scale``
        (its dollar prices, and bare numbers written as its price), not all in the number's own
        sentence, and their median is within ``SCALE_BARE`` of the number ("line in the sand at
        64,850" under a "Bitcoin" heading, in a note where "BTC changed hands at 69,420")."""
        near = asset_for(self.fd, self.start, self.end) or section_asset(self.fd, self.start)
        mention = near.mention if near is not None else dominant_asset(self.fd)
        if mention is None or mention.asset.kind not in PRICED_KINDS:
            return False
        digits = self.fd.text[self.start : self.end].rstrip("kK ")
        value = parse_scaled(digits, 1e3) if self.k_scaled else parse_number(digits)
        scale = scale_medians(self.fd).get(scale_key(mention.asset))
        if scale is None or scale.sents == {self.fd.sentence_at(self.start).i}:
            return False  # no figure of the asset, or only those of the number's own sentence: no scale of its own
        return near_price([scale.median], value, SCALE_BARE)


INDEX_READ = 1500  # characters before a bare number read for the index the text is still about


def last_index(fd: FinDoc, pos: int) -> AssetMention | None:
    """The index named last in the ``INDEX_READ`` characters before ``pos``, when no other asset is
    named after it ("The S&P 500 finished at 6,688.35 ... the level that matters is 6,590")."""
    last = fd.assets.last_before(pos, max(0, pos - INDEX_READ))
    return last if last is not None and last.asset.kind == "index" else None


_RANGE_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+"
# both ends of a range written with a dash right before a range noun ("a 1.3350-1.3500 range"): the bare-number scan
# leaves a number before a dash alone
_DASH_RANGE = re.compile(rf"(?<![\w$.,/£€-])(?P<a>{_RANGE_NUMBER})\s?[-–]\s?(?P<b>{_RANGE_NUMBER})\s+(?:[a-z-]+\s+)?\Z")
DASH_RANGE_READ = 60  # characters before a range noun read for the dashed pair


def _dash_ranges(text: str) -> list[re.Match]:
    """The dashed pairs of numbers written right before a range noun ("a 1.3350-1.3500 range"),
    looked for only before the nouns (rare), in text order.

    >>> [(m.group("a"), m.group("b")) for m in _dash_ranges("a 1.3350-1.3500 range and 6,550 – 6,850 trading band; 5-7 range")]
    [('1.3350', '1.3500'), ('6,550', '6,850')]
    """
    nouns = lexicon("level_cues").range_nouns
    out = []
    for q in find_all(text, nouns):
        if q and text[q - 1].isspace() and _range_noun_at().match(text, q):
            m = _DASH_RANGE.search(text, max(0, q - DASH_RANGE_READ), q)
            if m is not None:
                out.append(m)
    return out


@compiled
def _range_noun_at() -> re.Pattern:
    """A range noun (``level_cues.json`` range_nouns) as a whole word."""
    return re.compile(rf"(?:{alternation(lexicon('level_cues').range_nouns)})(?![^\W_])")
_TWO_DIGITS = re.compile(r"(?<![\w$.,/£€%+-])\d{2}(?![\w%]|[.,:]\d|\s?(?:-|–)\s?(?:day|week|month|year|hour)\b)")  # "82", not "50-day"
_RANGE_SECOND = re.compile(r"(?i:range|band|channel|between):?\s+[\d,.]+\s?(?:[-–]|to|and)\s?\Z")  # the 96 of "range 82 - 96"
KIND_NEXT_CHARS = 32  # characters either side of a bare number read for a kind noun right next to it
SCALE_BARE = 1.5  # a bare number is on an asset's scale within this factor of the median of its figures in the article
PRICED_KINDS = ("crypto", "stock", "etf", "commodity", "fx")  # assets whose bare-number levels the scale check admits


def _is_year(digits: str) -> bool:
    """A bare number from 1900 to 2100 without separators is a year."""
    return digits.isdigit() and 1900 <= int(digits) <= 2100


@dataclass(frozen=True)
class Written:
    """A bare number in a sentence that names one asset and no other: what the article writes about it."""

    value: float
    sent: int  # the index of its sentence
    priced: bool  # written as the asset's price: "changed hands at 69,420", "slipped to 2,041", a row "BTC  69,420"


def _written_as_price(fd: FinDoc, sent: Sentence, at: int) -> bool:
    """Whether the number at ``at`` is written as a price: a trading verb or 'at'/'to' right before it
    ("changed hands at 69,420", "slipped to 2,041")."""
    left = max(sent.start_char, at - MAX_WINDOW)
    return bool(cues().trading.search(fd.text, left, at) or cues().stated_before.search(fd.text, left, at))


# between an asset's name and its price in a row: "BTC  69,420", "ETH: 2,012.6", "| SOL | 85.10 |"
_ROW_GAP = re.compile(r"[ \t]*[:|]?[ \t]+(?:(?:US)?\$)?")


def single_asset_figures(fd: FinDoc) -> dict[str, list[Written]]:
    """Asset id -> the bare numbers (not years, not the digits of its name) written in the sentences
    that name that asset and no other ("The S&P 500 closed at 5,968.40", "BTC changed hands at
    69,420"), in text order. Computed once per Doc."""

    def find() -> dict[str, list[Written]]:
        out: dict[str, list[Written]] = {}
        for sent in fd.sentences:
            held = fd.assets.within(sent.start_char, sent.end_char)
            if not held or len({a.asset.id for a in held}) != 1:
                continue
            for b in cues().bare_number.finditer(fd.text, sent.start_char, sent.end_char):
                if fd.assets.overlapping(b.start(), b.end()):
                    continue  # the digits of its name
                digits = b.group("num")
                if _is_year(digits):
                    continue
                try:
                    value = parse_number(digits)
                except ValueError:
                    continue
                named = fd.assets.last_before(b.start(), sent.start_char)  # "BTC  69,420": the name right before it
                priced = _written_as_price(fd, sent, b.start()) or (named is not None and _ROW_GAP.fullmatch(fd.text, named.end, b.start()) is not None)
                out.setdefault(held[0].asset.id, []).append(Written(value, sent.i, priced))
        return out

    return fd.cached("levels.single_asset_figures", find)


def scale_key(a: Asset) -> str:
    """An asset's name for its levels and their scale: a currency's is its pair against the dollar, as
    markets quote it ("the yen": USD/JPY; "the euro": EUR/USD; a pair written "EUR/JPY" keeps it).

    >>> from extractor.normalize.assets import Asset
    >>> scale_key(Asset("yen", "fx", "JPY")), scale_key(Asset("euro", "fx", "EUR")), scale_key(Asset("EUR/JPY", "fx", "EUR/JPY"))
    ('USD/JPY', 'EUR/USD', 'EUR/JPY')
    >>> scale_key(Asset("greenback", "fx", "USD")), scale_key(Asset("Gold", "commodity", "gold"))
    ('greenback', 'Gold')
    """
    if a.kind != "fx":
        return a.id
    if "/" in (a.canonical or ""):
        return a.canonical
    if not a.key or not re.fullmatch(r"[A-Z]{3}", a.key) or a.key == "USD":
        return a.id
    return f"{a.key}/USD" if a.key in quoted_in_dollars() else f"USD/{a.key}"


def asset_scale(fd: FinDoc) -> dict[str, list[Written]]:
    """Asset id -> the figures the article gives a coin, stock, fund or commodity as its price, in text
    order: its dollar prices (``price_like``: "$118.40", not "$2.4bn"), the asset named in their
    sentence or running in their section; and the bare numbers written as its price ("changed hands
    at 69,420", "slipped to 0.1687", a row "ETH  2,012.6") in a sentence that names it alone, or no
    asset when it runs in the section. The scale its bare-number levels are checked against.
    Computed once per Doc."""

    def find() -> dict[str, list[Written]]:
        out: dict[str, list[Written]] = {}
        for m in fd.money:
            if price_like(fd, m) and (choice := asset_for(fd, m.start, m.end) or section_asset(fd, m.start)) is not None \
                    and choice.mention.asset.kind in PRICED_KINDS:
                out.setdefault(scale_key(choice.mention.asset), []).append(Written(m.value, fd.sentence_at(m.start).i, True))
        named = {a.asset.id: a.asset for a in fd.assets.items}
        for asset, written in single_asset_figures(fd).items():
            out.setdefault(scale_key(named[asset]), []).extend(w for w in written if w.priced)
        for sent in fd.sentences:
            if fd.assets.within(sent.start_char, sent.end_char):
                continue
            for b in cues().bare_number.finditer(fd.text, sent.start_char, sent.end_char):
                if _is_year(b.group("num")) or not _written_as_price(fd, sent, b.start()):
                    continue
                choice = asset_for(fd, b.start(), b.end()) or section_asset(fd, b.start())
                if choice is not None and choice.mention.asset.kind in PRICED_KINDS:
                    try:
                        out.setdefault(scale_key(choice.mention.asset), []).append(Written(parse_number(b.group("num")), sent.i, True))
                    except ValueError:
                        continue
        return out

    return fd.cached("levels.asset_scale", find)


@dataclass(frozen=True)
class Scale:
    """The median of the figures ``asset_scale`` holds for an asset, and the sentences they stand in."""

    median: float
    sents: frozenset[int]


def scale_medians(fd: FinDoc) -> dict[str, Scale]:
    """Asset id -> its ``Scale`` (computed once per Doc: a number looks its asset up in constant time)."""
    return fd.cached("levels.scale_medians", lambda: {
        asset: Scale(median([w.value for w in written]), frozenset(w.sent for w in written))
        for asset, written in asset_scale(fd).items() if written})


def index_levels(fd: FinDoc) -> dict[str, list[float]]:
    """Index id -> the bare numbers written in the sentences that name that index and no other asset
    ("The S&P 500 closed at 5,968.40"), ascending: the scale of its levels in this article."""

    def find() -> dict[str, list[float]]:
        kinds = {a.asset.id: a.asset.kind for a in fd.assets.items}
        return {k: sorted(w.value for w in v) for k, v in single_asset_figures(fd).items() if kinds[k] == "index"}

    return fd.cached("levels.index_levels", find)


@dataclass(frozen=True)
class LevelCell:
    """A cell of a table of levels: the kind its row (or column) names and the asset of its column (or row)."""

    start: int
    end: int
    kind: str | None  # None: a pivot or another level the label names without a kind
    asset: AssetMention


def _label_kind(text: str) -> tuple[bool, str | None]:
    """Whether a table label names a level, and its kind ("Resistance 2", "S1": a support; "Pivot": a
    level of no kind); a label naming a price ("Last close") names none.

    >>> [_label_kind(t) for t in ("Resistance 2", "S1", "Pivot", "Last close", "200-day MA")]
    [(True, 'resistance'), (True, 'support'), (True, None), (False, None), (False, None)]
    """
    t = text.strip()
    for kind in KINDS:
        if cues().noun_anywhere[kind].search(t) or cues().table_labels[kind].fullmatch(t):
            return True, kind
    return bool(cues().table_labels[UNNAMED].fullmatch(t)), None


def level_cells(fd: FinDoc) -> dict[int, LevelCell]:
    """Cell start -> the level cell, for every table of levels: rows labelled by a kind ("| Support 1 |
    5,900 | 20,900 |") under a header naming one asset per column ("| Level | S&P 500 | Nasdaq 100 |"),
    or, when the header names no asset, under a price or level header for the asset of the section or
    article ("| Level | Price (USD) | Basis |"); or columns headed by a kind ("| | Support | Resistance |")
    with one asset named per row. Computed once per Doc."""

    def one_asset(start: int, end: int) -> AssetMention | None:
        held = fd.assets.within(start, end)
        return held[0] if held and len({a.asset.id for a in held}) == 1 else None

    def build() -> dict[int, LevelCell]:
        out: dict[int, LevelCell] = {}
        for table in pipe_tables(fd):
            if len(table.rows) < 2 or len(table.rows[0]) < 2:
                continue
            header = table.rows[0]
            columns = [_label_kind(fd.text[a:b]) for a, b in header[1:]]
            by_column = [one_asset(a, b) for a, b in header[1:]]
            if not any(by_column):  # one asset's levels ("| Level | Price (USD) | Basis |"): the asset of the section or article
                running = section_asset(fd, table.start)
                topic = running.mention if running is not None else dominant_asset(fd)
                by_column = [topic if cues().table_value_header.search(fd.text, a, b) else None for a, b in header[1:]]
            if cues().table_value_header.search(fd.text, *header[0]) and not any(c[0] for c in columns):
                _figure_first_rows(fd, table, out)  # "| Level | Type | Why |" over "| 19,520 | Support | 50-day MA |"
            for row in table.rows[1:]:
                if len(row) != len(header):
                    continue
                is_level, kind = _label_kind(fd.text[row[0][0] : row[0][1]])
                row_asset = one_asset(*row[0])
                for i, (a, b) in enumerate(row[1:]):
                    a += len(fd.text[a:b]) - len(fd.text[a:b].lstrip())  # the cell's first character
                    if is_level and by_column[i] is not None:
                        cell_kind, cell_asset = kind, by_column[i]
                    elif columns[i][0] and row_asset is not None:
                        cell_kind, cell_asset = columns[i][1], row_asset
                    else:
                        continue
                    # the cell's first figure, and each one after a separator ("68,900 / 65,000": two supports)
                    for start in [a] + [m.end() for m in _CELL_SEPARATOR.finditer(fd.text, a, b)]:
                        out[start] = LevelCell(start, b, cell_kind, cell_asset)
        return out

    return fd.cached("levels.level_cells", build)


# between two levels of one cell: a slash, semicolon or "or", or a comma and a space (not a thousands separator),
# before a figure ("68,900 / 65,000", "1.52; 1.60", "$73,000 or $75,400")
_CELL_SEPARATOR = re.compile(r"(?:[ \t]*[/;][ \t]*|,[ \t]+|[ \t]+or[ \t]+)(?=\$?\d)")


def _figure_first_rows(fd: FinDoc, table, out: dict[int, LevelCell]) -> None:
    """A table of one asset's levels with the levels first ("| Level | Type | Why it matters |" over "|
    19,520 | Support | 50-day moving average |"): a row whose first cell is a figure and another cell
    names a kind ("Support", "Pivot") is that kind of level of the section's or article's asset."""
    running = section_asset(fd, table.start)
    topic = running.mention if running is not None else dominant_asset(fd)
    if topic is None:
        return
    for row in table.rows[1:]:
        if len(row) < 2 or table_figure(fd.text[row[0][0] : row[0][1]]) is None:
            continue
        labels = [_label_kind(fd.text[a:b]) for a, b in row[1:]]
        named = next((kind for is_level, kind in labels if is_level), "none")
        if named == "none":
            continue
        a, b = row[0]
        a += len(fd.text[a:b]) - len(fd.text[a:b].lstrip())
        out[a] = LevelCell(a, b, named, topic)


def level_cell(fd: FinDoc, start: int) -> LevelCell | None:
    """The level cell whose figure starts at ``start`` (the cell's first figure, and each one after a
    separator: "68,900 / 65,000"; not a note's: "5,822 (50-DMA)"), if any."""
    cells = level_cells(fd)
    return cells.get(start) if cells else None


FIGURE_BLOCKERS = Table("level.figure", [
    Rule("level.blocked.amount", "an amount written with million/billion ('$4.2 billion'): never a level",
         lambda n: not n.bare and n.money.scaled and n.written_scale > n.config.max_scale),
    Rule("level.blocked.year", "a bare number from 1900 to 2100 without separators is a year", lambda n: n.bare and n.is_year),
    Rule("level.blocked.no_scale", "a number without a currency sign is a level only in a table of levels, next to an index ('the S&P 500 ... 6,300'), "
         "right next to a kind noun in a sentence naming a coin, stock, fund or commodity ('AVAX: support at 21.80', 'hold 0.3850 support', "
         "'range 82 - 96'; two-digit numbers are read only there), "
         "or with no asset near it in an article about an index, on the scale of the figures the article gives that index; "
         "or next to a coin, stock or commodity the article gives figures on its scale "
         "('BTC changed hands at 69,420' ... 'the line in the sand at 64,850')",
         lambda n: n.bare and not n.k_scaled and not n.in_level_table and not n.near_index and not n.on_asset_scale
         and not (n.kind_noun_next and n.near_priced_asset)),
    Rule("level.blocked.k_no_asset", "a K-suffixed number without a sign ('88k') is a level only in a sentence that names a "
         "coin, stock, index or commodity, or next to one the article gives figures on its scale",
         lambda n: n.k_scaled and not n.near_priced_asset and not n.on_asset_scale),
])


@dataclass
class Figure:
    """A number that passed ``FIGURE_BLOCKERS``: its span, value and candidate."""

    start: int
    end: int
    value: float
    cand: Candidate
    money: Money | None = None  # the money expression it was read from (none: a bare number or a range's tail)


_PERCENT_AFTER = re.compile(r"\s?(?:%|percent\b|per\s?cent\b)")
_RANGE_TAIL = re.compile(
    rf"""
    \s?[-–]\s?              # a hyphen or en dash right after the first figure
    (?:US)?\$?              # the second figure may repeat the currency sign
    (?P<num>{NUMBER})       # 1,300 / 1.60
    (?:\s?(?P<scale>[kK])(?![A-Za-z]))?  # optional K
    """,
    re.VERBOSE,
)


def _range_tail(fd: FinDoc, m: Money, out: Proposal) -> Figure | None:
    """The bare second figure of a range written "$80-85" or "$1.2-1.4K", with its candidate (a
    second figure with its own "$" is a money figure of its own)."""
    tail = _RANGE_TAIL.match(fd.text, m.end)
    if not tail or fd.text[tail.end() : tail.end() + 1].isalnum() or fd.text.startswith("/", tail.end()) \
            or "$" in tail.group(0) or _PERCENT_AFTER.match(fd.text, tail.end()):  # ("$5.61-1/2 a bushel": a fraction)
        return None  # ("$3,267 - 78.6% retracement": a percent after the dash is the figure's note, not a range's end)
    try:
        # "$1.2-1.4K": a tail without a scale word takes the first figure's
        factor = written_scale(fd.text[m.start : m.end]) if tail.group("scale") is None and m.scaled else scale_factor(tail.group("scale"))
        value = parse_scaled(tail.group("num"), factor)
    except ValueError:
        return None
    cand = out.candidate(TYPE, tail.start("num"), tail.end())
    if fd.tracing:
        cand.trace.note(f"the second figure of a range written with a dash after {fd.text[m.start : m.end]!r}")
    return Figure(cand.start, cand.end, value, cand)


def _figures(fd: FinDoc, config: Config, out: Proposal) -> list[Figure]:
    """A candidate for every money figure, range tail and bare number; the figures that pass
    ``FIGURE_BLOCKERS``, in text order."""
    figures: list[Figure] = []
    for m in fd.money:
        if (fig := _vetted(out, Number(fd, m.start, m.end, m, config), m.value)) is None:
            continue
        figures.append(fig)
        if (tail := _range_tail(fd, m, out)) is not None:
            figures.append(tail)
    taken = list(figures)  # money figures and their tails, in text order
    starts = [f.start for f in taken]
    for b in cues().bare_number.finditer(fd.text):
        i = bisect_right(starts, b.start()) - 1
        if i >= 0 and b.start() < taken[i].end:
            continue  # the digits of a money figure or of a range tail
        if any(a.start <= b.start() and b.end() <= a.end for a in fd.assets.overlapping(b.start(), b.end())):
            continue  # the digits of an asset's name ("S&P 500", "Nasdaq 100")
        try:
            value = parse_number(b.group("num"))
        except ValueError:
            continue
        if (fig := _vetted(out, Number(fd, b.start(), b.end(), None, config), value)) is not None:
            figures.append(fig)
    for r in _dash_ranges(fd.text):  # "a 1.3350-1.3500 range", "the 6,550–6,850 band": a range written with a dash
        for part in ("a", "b"):
            n = Number(fd, r.start(part), r.end(part), None, config)
            try:
                value = parse_number(r.group(part))
            except ValueError:
                continue
            if (fig := _vetted(out, n, value)) is not None:
                figures.append(fig)
    for b in _TWO_DIGITS.finditer(fd.text):  # "support at 82", "range 82 - 96": only right next to a kind noun
        n = Number(fd, b.start(), b.end(), None, config)
        if not n.kind_noun_next or not n.near_priced_asset:
            continue
        if (fig := _vetted(out, n, float(b.group()))) is not None:
            figures.append(fig)
    for k in cues().k_number.finditer(fd.text):
        i = bisect_right(starts, k.start()) - 1
        if i >= 0 and k.start() < taken[i].end:
            continue
        parts = [("a", k.end() if k.group("b") is None else (k.end("ak") if k.group("ak") else k.end("a")))]
        if k.group("b") is not None:
            parts.append(("b", k.end()))
        for name, end in parts:
            try:
                value = parse_scaled(k.group(name), 1e3)
            except ValueError:
                continue
            if (fig := _vetted(out, Number(fd, k.start(name), end, None, config, k_scaled=True), value)) is not None:
                figures.append(fig)
    return sorted(figures, key=lambda f: f.start)


def _vetted(out: Proposal, n: Number, value: float) -> Figure | None:
    """The candidate of ``n``, blocked when a rule of ``FIGURE_BLOCKERS`` fires, else its figure."""
    cand = out.candidate(TYPE, n.start, n.end)
    if (hit := FIGURE_BLOCKERS.first(n, cand.trace)) is not None:
        cand.blocked(hit.id)
        return None
    return Figure(n.start, n.end, value, cand, n.money)


# --- stage 2: groups --------------------------------------------------------------------------

@dataclass
class Group:
    """Figures joined by connectors: a range ("$2.10 and $2.40") or a chain ("$0.30 or even $0.25")."""

    figures: list[Figure]
    is_range: bool = False

    @property
    def start(self) -> int:
        return self.figures[0].start

    @property
    def end(self) -> int:
        return self.figures[-1].end


_FROM_BEFORE = re.compile(r"\bfrom\s+(?:\w+\s+)?$", re.IGNORECASE)
_BETWEEN_BEFORE = re.compile(r"\bbetween\s+(?:\w+\s+)?$", re.IGNORECASE)


_COMMA = re.compile(r"\s*,\s*$")


def _serial(fd: FinDoc, prev: Group, f: Figure, after: Figure | None, config: Config) -> bool:
    """``f`` is an inner item of a serial list ("$4.10, *$5.25* and $0.98"): a comma alone joins it
    to the figure before, and "and"/"or" joins the next figure to it."""
    if after is None or after.start - f.end > config.connector_reach or not _COMMA.match(fd.text, prev.end, f.start):
        return False
    if fd.sentence_at(prev.end - 1).i != fd.sentence_at(f.start).i:
        return False
    return _connector(fd, Group([f]), after) in ("and", "or")


def _groups(fd: FinDoc, figures: list[Figure], config: Config) -> list[Group]:
    groups: list[Group] = []
    for i, f in enumerate(figures):
        prev = groups[-1] if groups else None
        conn = _connector(fd, prev, f) if prev is not None and f.start - prev.end <= config.connector_reach else None
        if conn is None and prev is not None and f.start - prev.end <= config.connector_reach \
                and _serial(fd, prev, f, figures[i + 1] if i + 1 < len(figures) else None, config):
            conn = ","
        if conn is None:
            groups.append(Group([f]))
            continue
        prev.figures.append(f)
        if conn in DASHES or (conn in ("to", "and") and len(prev.figures) == 2):
            prev.is_range = prev.is_range or conn in DASHES or _range_words(fd, prev)
    return groups


def _connector(fd: FinDoc, prev: Group, f: Figure) -> str | None:
    """The connector that joins ``f`` to the group before it in the same sentence, if any."""
    if fd.sentence_at(prev.end - 1).i != fd.sentence_at(f.start).i:
        return None
    m = cues().connector.match(fd.text[prev.end : f.start])
    if not m:
        return None
    conn = m.group("conn").strip().lower()
    if conn == "to" and _FROM_BEFORE.search(clause_before(fd, prev.start)):
        return None  # "from $X to $Y" is a move, not a range
    return conn


def _range_words(fd: FinDoc, g: Group) -> bool:
    """Range words around two figures: "between $X and $Y", "$X to $Y range", "$X and $Y support"."""
    c = cues()
    before, after = clause_before(fd, g.start), clause_after(fd, g.end)
    return bool(c.range_before.search(before) or _BETWEEN_BEFORE.search(before) or c.range_after.search(after)
                or any(p.search(after) for p in c.noun_after.values()) or c.generic_after.search(after))


# --- stage 3: the clause ----------------------------------------------------------------------

_FOUND_SUPPORT = re.compile(r"(?:\bfound|before\s+finding|after\s+finding)\s+(?:some\s+)?(?:support|buyers|a\s+floor)\s+"
                            r"(?:at|around|near|just\s+(?:above|below|under))\s+$", re.IGNORECASE)
_APART = re.compile(r",|\b(?:above|below|under|over|near|around|just|from|to|toward|towards|and|or)\b", re.IGNORECASE)
_LIST_ITEM = re.compile(r"\s*(?:(?:[-*•–]|\d{1,2}[.)])\s+)?(?:(?:at|near|around)\s+)?")  # before the figure opening an item
_ITEM_LINE = re.compile(r"\s*(?:(?:[-*•–]|\d{1,2}[.)])\s+)?(?:US)?\$?\d")  # a line that opens with a figure
_ITEM_REST = re.compile(r"\s*(?:[–—:-]|\(|$)")  # after the item's figures: a dash, colon, bracket or the line's end
_GENERIC_WORD = re.compile(r"\b(?:levels?|zones?|areas?|prices? to watch)\b", re.IGNORECASE)
_APPOSITIVE = re.compile(r"^,\s*(?:a|the|its)\s+", re.IGNORECASE)
# a label of one to four words and a colon opening a line (after a bullet), a sentence or a part of a line ("- Support:
# $X, then $Y", "... | Resistance: $Y"); the text after the colon runs to the figure without ending a sentence or part
_LABEL = re.compile(r"(?:^[ \t]*(?:(?:[-*•–]|\d{1,2}[.)])[ \t]+)?|[|·;][ \t]*|[.!?][ \t]+)"
                    r"(?P<label>(?:[A-Za-z][\w’'&/-]*[ \t]+){0,3}[A-Za-z][\w’'&/-]*)[ \t]*:[ \t]+(?P<body>[^\n;|·]*)$", re.MULTILINE)
_BODY_END = re.compile(r"[.!?](?:\s|$)")  # a sentence ends inside the label's body: the label no longer governs
_BODY_START = re.compile(r"(?:(?:at|near|around|about|roughly)\s+)?(?:(?:US)?[$\d]|$)", re.IGNORECASE)  # the body opens with a figure


@dataclass
class Clause:
    """A group and the windows around it (what ``CLAUSE_BLOCKERS`` and ``kinds()`` see)."""

    fd: FinDoc
    group: Group
    floor: int  # end of the group before: the left window does not reach past it
    config: Config

    @lazy
    def left(self) -> str:
        return clause_before(self.fd, self.group.start, self.floor)

    @lazy
    def right(self) -> str:
        return clause_after(self.fd, self.group.end)

    @lazy
    def scenario(self) -> bool:
        """A forecast or scenario: the whole clause before it ("must first clear $X to open a run
        toward $Y") or the words right after it ("a run to $X could follow")."""
        fc, near = figure_context(), self.right[: self.config.scenario_reach]
        if (side := _subordinator().search(near)) is not None:
            near = near[: side.start()]  # "$212.40 after a payments firm said it would ...": the side clause's forecast
        if closes_relative_clause(self.fd.text, self.group.start, self.group.end, self.fd.sentence_at(self.group.start).start_char):
            near = ""  # "the token, which last changed hands at $3,140, could retest ...": the main clause's forecast
        whole = clause_before(self.fd, self.group.start)
        return fc.is_hypothetical(whole) or bool(fc.hypothetical.search(near) and not fc.past_motion.search(near)
                                                     and not fc.past_motion.search(whole))

    @lazy
    def table_cell(self) -> LevelCell | None:
        return level_cell(self.fd, self.group.start)

    @lazy
    def past_motion(self) -> bool:
        return bool(figure_context().past_motion.search(self.left))

    @lazy
    def nearest_noun(self) -> str | None:
        """The kind noun standing nearest the figures ("support at $X", "$X resistance"), if any."""
        c, found = cues(), []  # (distance to the figures, kind)
        for kind in KINDS:
            if m := c.noun_before[kind].search(self.left):
                found.append((len(self.left) - m.start(), kind))
            if (m := c.noun_after[kind].search(self.right)) and not _own_figure().match(self.right, m.end()):
                found.append((m.end(), kind))
        _, kind = min(found, default=(0, None))
        return kind

    def names(self, kind: str, reach: int) -> bool:
        """A ``kind`` noun in the first ``reach`` characters after the figures."""
        return bool(cues().noun_anywhere[kind].search(self.right[:reach]))

    def named_kind(self, reach: int) -> str | None:
        return next((k for k in KINDS if self.names(k, reach)), None)

    def verb(self, kind: str) -> bool:
        return bool(cues().verbs[kind].search(self.left))

    def scenario_verb(self, kind: str) -> bool:
        return bool(cues().scenario_verbs[kind].search(self.left))

    @lazy
    def scenario_position(self) -> bool:
        """A preposition before the figure or a generic level noun after it ("around $X", "$X area")."""
        c = cues()
        return bool(c.scenario_position.search(self.left) or c.generic_after.search(self.right))

    @lazy
    def list_heading(self) -> str | None:
        """The kind (or ``UNNAMED``) the heading of a list names when the figures open a list item
        ("Upside objectives:" / "- $1.28 – top of the range" / "- $1.32 – monthly open"): the
        nearest line above the item run that is not itself an item."""
        text, start = self.fd.text, self.group.start
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", self.group.end)
        rest = text[self.group.end : line_end if line_end >= 0 else len(text)]
        if not _LIST_ITEM.fullmatch(text[line_start:start]) or not _ITEM_REST.match(rest):
            return None
        lo, end = max(0, start - MAX_WINDOW), line_start - 1
        while end > lo:
            begin = text.rfind("\n", lo, end) + 1
            line = text[begin:end].strip()
            if line and not _ITEM_LINE.match(line):
                if not (line.endswith(":") or is_heading(line)):
                    return None
                kind = next((k for k in KINDS if cues().noun_anywhere[k].search(line)), None)
                return kind or (UNNAMED if _GENERIC_WORD.search(line) else None)
            end = begin - 1
        return None

    @lazy
    def label(self) -> str | None:
        """The kind a label line names when the figures follow its colon ("- Support: $88,400, then
        $86,900", "Upside targets: $1.32 and $1.40"): a label naming one kind only, its body opening
        with a figure (not "Price prediction: can it reclaim $X?")."""
        text, start = self.fd.text, self.group.start
        line_start = max(text.rfind("\n", 0, start) + 1, start - MAX_WINDOW)
        m = _LABEL.search(text, line_start, start)
        if m is None or not _BODY_START.match(m.group("body")) or _BODY_END.search(m.group("body")):
            return None
        named = [k for k in KINDS if cues().noun_anywhere[k].search(m.group("label"))]
        return named[0] if len(named) == 1 else None

    @lazy
    def target_after(self) -> bool:
        """A target word after the figure ("$X by year-end", "$X in 2027"); a year before the
        article's own ("$9,500 in 2019") dates a past price, not a target."""
        m = cues().target_after.search(self.right)
        if m is None:
            return False
        year = re.search(r"\b(?:19|20)\d\d\b", m.group(0))
        published = self.fd.published
        return not (year and published and int(year.group(0)) < int(published[:4]))


@compiled
def _own_figure() -> re.Pattern:
    """After a kind noun, a link and a figure: the noun names a figure of its own ("$91.46, and the
    next hurdles sit at $93.80"), not the one before it (level_cues.json link_words, approximators)."""
    lv = lexicon("level_cues")
    links, approx = alternation(lv.link_words), alternation(lv.approximators)
    return re.compile(rf"\s*(?:[\w’'-]+\s+){{0,2}}?(?:{links}|is|are|sits?|lies|lie|stands?|comes\s+in)\s+(?:(?:{approx})\s+)?(?:US)?\$?\d",
                      re.IGNORECASE)


def _traded(c: Clause) -> bool:
    """The words right around the group mark it a traded price (the current price, a high or low
    reached) and no kind noun or level verb stands before it: "the current $X level", "from its $X
    all-time high", "is currently trading at $X, just above support" are prices, not levels."""
    if len(c.group.figures) > 1:
        return False
    if not (figure_context().traded(c.left, c.right) or (cues().trading.search(c.left) and not c.scenario)):
        return False
    if cues().moving_average.search(c.left):
        return False  # "the 200-day EMA, currently at $X": the average's value, a level
    if _FOUND_SUPPORT.search(c.left):
        return True  # "slid 40% before finding support around $X": the low the fall reached
    if any(p.search(c.left) for p in cues().noun_before.values()) or c.verb("support") or c.verb("resistance"):
        return False
    # a kind noun right after the figure names it ("trading near the $2,900 resistance"); one after a
    # preposition or a comma is another level ("at $39.85, just above support")
    after = [m.group(0) for p in cues().noun_after.values() if (m := p.search(c.right))]
    return not any(not _APART.search(a) for a in after)


KIND_BEFORE_REACH = 32  # characters before a moving average in which a kind noun names its kind
_CLAUSE_JOIN = re.compile(r"[\s\S]*(?:;|,\s*(?:and|but|while|whereas)\b)")  # up to the last clause joined on


def _kind_before(left: str, at: int) -> str | None:
    """The kind the last kind noun within ``KIND_BEFORE_REACH`` characters before offset ``at`` of
    ``left`` names ("resistance at the " before "50-day moving average"), else ``None``."""
    window = left[max(0, at - KIND_BEFORE_REACH) : at]
    if (joined := _CLAUSE_JOIN.match(window)) is not None:
        window = window[joined.end() :]  # (another clause's noun names another level: "defended resistance, and the 20-day ...")
    found = [(m.end(), kind) for kind in KINDS if (m := _last_match(cues().noun_anywhere[kind], window))]
    return max(found)[1] if found else None


def _last_match(rx, text: str):
    last = None
    for last in rx.finditer(text):
        pass
    return last


CLAUSE_BLOCKERS = Table("level.blocked", [
    Rule("level.blocked.not_a_level", "words around the figure make it a cost basis, strike, market cap, fee ... (figure_context.json)",
         lambda c: figure_context().rules_out(c.left, c.right)),
    Rule("level.blocked.traded", "the words right around the figure mark it a traded price ('the current $X level', "
         "'its $X all-time high', 'a high was formed at $X') and no kind noun or level verb precedes it", _traded),
])


_AS_AFTER = re.compile(r"\s*(?:per\s+\w+\s+)?as\s+(?:a|an|the|their|its)\s+(?!(?:[\w-]+\s+)?(?:range|band|channel|corridor)\b)")


def _described_active(c) -> bool:
    """'regard $X as the line in the sand': a describing verb right before the figure and "as a/the" after it."""
    return bool(cues().describing.search(c.left)) and _AS_AFTER.match(c.right) is not None


def _noun_rule(kind: str) -> Rule:
    return Rule(f"level.noun.{kind}", f"a {kind} noun is the kind noun nearest the figure ('{kind} near $X', 'the $X {kind}')",
                lambda c: c.nearest_noun == kind and kind)


def _appositive_rule(kind: str) -> Rule:
    return Rule(f"level.appositive.{kind}", f"an appositive after the figure names a {kind} noun ('$X, a zone buyers ...')",
                lambda c: bool(_APPOSITIVE.match(c.right)) and c.names(kind, c.config.appositive_reach) and kind)


@compiled
def kinds() -> Table:
    """The rules that make a group of figures a level, in order; each returns the level's kind."""
    return Table("level.kind", [
        Rule("level.table.cell", "a cell of a table of levels: the kind its row label names ('| Support 1 | 5,900 | 20,900 |', "
             "'| S2 |', '| Pivot |': no kind) or its column header names, for the asset of its column or row",
             lambda c: c.table_cell is not None and (c.table_cell.kind or UNNAMED)),
        Rule("level.label", "the figure follows the colon of a label naming one kind ('- Support: $X, then $Y', "
             "'Upside targets: $X and $Y'), whatever its appositives name", lambda c: c.label),
        *(_noun_rule(k) for k in lexicon("level_cues").kind_noun_patterns.model_dump()),
        Rule("level.described.seen_as", "'$X, which is widely regarded as a floor', 'traders regard 160 yen per dollar as the line "
             "in the sand': the kind a noun after it names, if any",
             lambda c: (bool(cues().described_as.search(c.right)) or _described_active(c)) and (c.named_kind(c.config.described_reach) or UNNAMED)),
        Rule("level.described.named", "a naming verb before the figure and a kind noun after it, with no 'as' ('calling $90,000 "
             "\"the floor that matters\"', 'dubbed 1.08 the line in the sand'): the kind it names",
             lambda c: bool(cues().naming.search(c.left)) and c.named_kind(c.config.described_reach)),
        Rule("level.holding.support", "the figure is what holds ('I'd want to see $95,000 hold', 'as long as 1.08 holds', 'needs "
             "$2,000 to hold')", lambda c: bool(cues().holding_after.match(c.right)) and "support"),
        *(_appositive_rule(k) for k in KINDS),
        Rule("level.moving_average.resistance", "a moving average's value with 'resistance' after it ('under the 200-day EMA ($X), which acts as resistance')",
             lambda c: bool(cues().moving_average.search(c.left)) and c.names("resistance", c.config.moving_average_reach) and "resistance"),
        Rule("level.moving_average.kind_before", "a moving average's value with a kind noun right before the average ('ran into "
             "resistance at the 50-day moving average around $X'): the kind that noun names",
             lambda c: bool(m := cues().moving_average.search(c.left)) and _kind_before(c.left, m.start())),
        Rule("level.moving_average.support", "a moving average's value ('found buyers at the 100-day moving average near $X'): support",
             lambda c: bool(cues().moving_average.search(c.left)) and "support"),
        Rule("level.range.target", "a range after a target verb in a scenario ('could slide to the $X-$Y area')",
             lambda c: c.group.is_range and c.scenario and c.scenario_verb("target") and "target"),
        Rule("level.range.resistance", "a range after a resistance verb ('a break above the $X-$Y zone')",
             lambda c: c.group.is_range and (c.scenario_verb("resistance") or c.verb("resistance")) and "resistance"),
        Rule("level.range.bounds", "a range ('between $X and $Y', '$X-$Y'): its low and high bound", lambda c: c.group.is_range and RANGE),
        Rule("level.list.heading", "a list item that opens with the figure under a heading naming the kind ('Upside targets:' / '- $X – prior high')",
             lambda c: c.list_heading),
        Rule("level.verb.resistance", "a resistance verb right before the figure ('rejected at $X', 'capped at $X')",
             lambda c: c.verb("resistance") and "resistance"),
        Rule("level.scenario_verb.resistance", "a scenario clause with a resistance verb ('if the token clears $X', 'must reclaim $X')",
             lambda c: c.scenario and c.scenario_verb("resistance") and "resistance"),
        Rule("level.verb.support", "a support verb right before the figure ('defend $X', 'retest $X')", lambda c: c.verb("support") and "support"),
        Rule("level.scenario_verb.support", "a scenario clause with a support verb ('if it slips below $X', 'could hold $X')",
             lambda c: c.scenario and c.scenario_verb("support") and "support"),
        Rule("level.scenario_verb.target", "a scenario clause with a target verb ('could rally to $X', 'may reach $X')",
             lambda c: c.scenario and c.scenario_verb("target") and "target"),
        Rule("level.hypothetical.target", "a scenario figure after 'trade/be/sit near' ('would trade near $X'): a target",
             lambda c: c.scenario and c.scenario_position and bool(cues().scenario_target_verb.search(c.left)) and "target"),
        Rule("level.hypothetical.unnamed", "a scenario figure after a preposition or before a level noun ('could find buyers around $X')",
             lambda c: c.scenario and c.scenario_position and UNNAMED),
        Rule("level.hypothetical.next", "a scenario figure with a target word after it ('$X could be next')",
             lambda c: c.scenario and c.target_after and "target"),
        Rule("level.next.target", "a target word after the figure ('$X is in sight', '$X by year-end') with no past motion before it",
             lambda c: c.target_after and not c.past_motion and "target"),
        Rule("level.generic.key", "a level adjective and a level noun around the figure ('below the key $X level', 'the $X psychological "
             "mark'): a level even where the price is beside it, unless the price just crossed it ('fell below the key $X mark')",
             lambda c: ((bool(cues().key_before.search(c.left)) and bool(cues().generic_after.search(c.right)))
                        or bool(cues().key_after.search(c.right))) and not c.past_motion and UNNAMED),
        Rule("level.generic.noun", "a level noun next to the figure ('the $X mark', 'the level of $X'), not a price crossing it",
             lambda c: (bool(cues().generic_before.search(c.left) or cues().generic_after.search(c.right))
                        and not c.past_motion and (not cues().beside.search(c.left) or bool(cues().generic_before.search(c.left)))
                        and UNNAMED)),
    ])


NO_CUE = outcome("level.dropped.no_cue", "no rule names the figure a level: a traded price or another number")
MAGNITUDE = outcome("level.dropped.magnitude", "a level orders of magnitude away from the median of its asset's levels in the "
                    "article (at least three): a figure of another asset named in passing")
SCALE = outcome("level.dropped.scale", "its asset is only carried over from earlier sentences or named as the unit of a "
                "quantity, and the dollar figure is two orders of magnitude from every price the article gives that asset "
                "(no other asset priced near it)")
NO_ASSET = outcome("level.dropped.no_asset", "no asset named in the figure's sentence, the sentences before it or its section")
CURRENCY = outcome("level.dropped.currency", "a token's level in a currency other than the dollar ('support near €58,000'): a "
                   "level has no currency, and a token's levels are read in dollars (a stock's or commodity's are in the "
                   "currency it trades in: '1,450p', '¥3,650')")


def tables() -> tuple[Table, ...]:
    """Every table of the module, in the order they are evaluated."""
    return FIGURE_BLOCKERS, CLAUSE_BLOCKERS, kinds()


# --- stage 4: facts ---------------------------------------------------------------------------

def _range_kind(g: Group, i: int) -> str | None:
    """The bound figure ``i`` of a range group gives: the first the low, the last the high (a
    descending pair "$3.40 and $3.10" reversed); figures in between are levels of no kind."""
    if len(g.figures) == 2 and g.figures[0].value > g.figures[1].value:
        return "range_high" if i == 0 else "range_low"
    return "range_low" if i == 0 else "range_high" if i == len(g.figures) - 1 else None


def _in_dollars(fd: FinDoc, f: Figure) -> bool:
    """Whether figure ``f`` is written as a dollar amount ("$71,000", not "102.08" index points)."""
    return f.money is not None and price_like(fd, f.money)


@compiled
def _setter() -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    """'<Name> raised its (price) target (on <asset>) to', '<Name>, who lifted her <asset> objective to'
    (the first pattern, ending at the figure), and '<Name> set a' + figure + '12-month target on
    <asset>' (the second, ending at the figure, and the third, from the figure's end): the name sets
    the target (any target noun of level_cues.json); the asset, when written, follows 'on'/'for' or
    stands before the noun. The fourth is the first anywhere (another broker's target earlier in
    the sentence)."""
    lv = lexicon("level_cues")
    verbs = alternation(lv.target_setter_verbs)
    nouns = pattern_alternation(lv.kind_noun_patterns.target)  # "target", "price target", "objective", ...
    who = (rf"(?P<who>{LABEL_NAME})(?:[ \t]+on[ \t]+[A-Z][a-z]+|,[ \t]+who)?"
           rf"(?:[ \t]+(?P<first>[^,;.$]{{1,80}}?)[ \t]+and)?"  # "upgraded Acme to buy and raised its target"
           rf"[ \t]+(?:(?:has|have|also)[ \t]+)?")
    named = rf"(?P<mods>(?:[\w-]+[ \t]+){{0,2}}?)(?:{nouns})(?:[ \t]+(?:on|for)[ \t]+(?P<obj>[^,;.$]{{1,60}}?))?"
    # "raised its target to $X"; "went to a Street-high $X" (the noun right before the figure)
    sets = rf"{who}(?:{verbs})[ \t]+(?:to[ \t]+)?(?:its|their|his|her|our|a|an)[ \t]+{named}[ \t]+(?:(?:to|at|of)[ \t]+)?"
    return (re.compile(rf"{sets}(?:(?:about|around|roughly)[ \t]+)?$"),
            re.compile(rf"{who}(?:{verbs}|has|have|holds?|keeps)[ \t]+(?:a|an)[ \t]+$"),
            re.compile(rf"[ \t]+{named}(?=[ \t]*(?:[,;.)]|$)|[ \t]+(?:and|implying|which|after|following|as)\b)"),
            re.compile(sets))


@dataclass(frozen=True)
class _Setter:
    """Who set a target, and the asset it is for (None when the text does not tell)."""

    who: str
    asset: AssetChoice | None
    ids: frozenset[str]  # the assets named in the setter's own name: never the target's asset
    at: int  # where ``who`` starts


def _set_target(fd: FinDoc, g: Group) -> _Setter | None:
    """A target someone sets ("Morgan Stanley raised its target to $115", "Brant & Mercer cut its price
    target on Coinbase to $240", "Acme on Friday reiterated its end-2026 gold target of $3,300", "Vale
    upgraded Acme to buy and lifted its objective to $40"): its asset is the one after 'on'/'for' or
    before 'target', else one the setter's first verb names, else the article's subject, else the asset
    named last before the setter (in its sentence or the one before), never the setter (a broker is
    no asset of its own target); the setter is the level's speaker when no person is named."""
    sent = fd.sentence_at(g.start)
    before, around, after, other = _setter()
    lo = max(sent.start_char, g.start - MAX_WINDOW)
    m = before.search(fd.text, lo, g.start)
    parts = [m] if m is not None else []
    if m is None and (m := around.search(fd.text, lo, g.start)) is not None:
        if (n := after.match(fd.text, g.end, min(sent.end_char, g.end + MAX_WINDOW))) is None:
            return None
        parts = [n, m]  # "Tessaly set a $72 12-month target on Acme": the words after the figure name the asset
    if m is None:
        return None
    ids = frozenset(a.asset.id for a in fd.assets.within(m.start("who"), m.end("who")))
    for part in ("obj", "mods", "first"):  # "its price target on Coinbase", "its end-2026 gold target", "upgraded Acme ... and raised"
        for p in parts:
            if p.groupdict().get(part):
                held = [a for a in fd.assets.within(p.start(part), p.end(part)) if a.asset.id not in ids]
                if held:
                    return _Setter(m.group("who"), AssetChoice(held[0], "target of"), ids, m.start("who"))
    if any(p.groupdict().get("obj") for p in parts):
        return _Setter(m.group("who"), None, ids, m.start("who"))
    # another broker setting its own target earlier in the sentence is no asset either ("Morgan Stanley
    # raised its price target to $215, while Jefferies lifted its target to $205")
    ids |= {a.asset.id for b in other.finditer(fd.text, max(sent.start_char, m.start("who") - MAX_WINDOW), m.start("who"))
            for a in fd.assets.within(b.start("who"), b.end("who"))}
    own = [a for a in fd.assets.within(sent.start_char, m.start("who")) if a.asset.id not in ids]
    if own:  # "Pemberton Foods fell 2.9% ...; Garrick Walsh cut its target price to 1,050p": the asset its sentence names
        return _Setter(m.group("who"), AssetChoice(own[-1], "before"), ids, m.start("who"))
    if sent.i > 0 and "\n" not in fd.text[(prev := fd.sentences[sent.i - 1]).end_char : sent.start_char]:
        named = {a.asset.id: a for a in fd.assets.within(max(prev.start_char, prev.end_char - MAX_WINDOW), prev.end_char)
                 if a.asset.id not in ids}
        if len(named) == 1:  # "Ether's rebound revived talk of a rally. ... Mei Tanabe has set a year-end target of $3,400"
            return _Setter(m.group("who"), AssetChoice(next(iter(named.values())), "before"), ids, m.start("who"))
    topic = dominant_asset(fd) or _stock_topic_mention(fd)  # (a broker's target is most often on the company the piece is about)
    if topic is not None and topic.asset.id not in ids:
        return _Setter(m.group("who"), AssetChoice(topic, "topic"), ids, m.start("who"))
    lo = fd.sentence_at(max(0, sent.start_char - 1)).start_char  # the asset named last before the setter, in its sentence or the one before
    before = [a for a in fd.assets.within(lo, m.start("who")) if a.asset.id not in ids]
    return _Setter(m.group("who"), AssetChoice(before[-1], "before") if before else None, ids, m.start("who"))


def _stock_topic_mention(fd: FinDoc):
    """The first mention of the company the article names most often (``attribution.stock_topic``), if any."""
    tid = stock_topic(fd)
    return next((a for a in fd.assets if a.asset.id == tid), None) if tid is not None else None


def _setter_name(fd: FinDoc, setter: _Setter) -> str | None:
    """Who set a target, by name: a pronoun ("She lifted her target on the stock") is the person named
    last in the sentence before (none: no speaker)."""
    if setter.who.lower() not in lexicon("quote_lexicon").pronouns:
        return setter.who
    sent = fd.sentence_at(setter.at)
    return person_near(fd, sent.start_char - 1) if sent.start_char > 0 else None


def _running_index(fd: FinDoc, g: Group) -> AssetChoice | None:
    """For bare numbers, the index the text is still about (``last_index``) when they are on the scale
    of its figures ("The S&P 500 finished at 6,688.35 ... As long as the index holds 6,590")."""
    first = g.figures[0]
    if first.money is not None:
        return None
    index = last_index(fd, g.start)
    if index is None or not near_price(index_levels(fd).get(index.asset.id, []), first.value, SCALE_TIGHT):
        return None
    return AssetChoice(index, "running index")


def _per_dollar_pair(fd: FinDoc, g: Group) -> str | None:
    """"USD/JPY" for levels written in a currency markets quote per dollar and followed by "per dollar"
    ("160 yen per dollar"), else ``None``."""
    money = g.figures[0].money
    if money is None or money.currency in ("USD", "GBX") or money.currency in quoted_in_dollars() or not re.fullmatch(r"[A-Z]{3}", money.currency):
        return None
    return f"USD/{money.currency}" if PER_DOLLAR.match(fd.text, g.figures[-1].end) else None


def _make_facts(fd: FinDoc, g: Group, fired: Fired) -> None:
    skip = passing_over(fd, g.start)
    named = asset_named_for(fd, g.end)
    setter = _set_target(fd, g) if fired.value == "target" and not named else None
    cell = level_cell(fd, g.start) if fired.id == "level.table.cell" else None
    if (pair := _per_dollar_pair(fd, g)) is not None:  # "160 yen per dollar": a level of USD/JPY
        _level_facts(fd, g, fired, None, person_near(fd, g.start), pair)
        return
    asset = (AssetChoice(cell.asset, "table") if cell else None) or (AssetChoice(named, "for") if named else None) or (setter.asset if setter else None) \
        or asset_for(fd, g.start, g.end, skip=skip) or section_asset(fd, g.start, skip=skip, topic_sections=True) \
        or _running_index(fd, g)
    if setter is not None and asset is not None and asset.id in setter.ids:
        asset = None  # only the broker is named: the target's asset is not known
    if asset is None:
        for f in g.figures:
            f.cand.dropped(NO_ASSET.id)
        return
    if asset.mention.asset.kind == "crypto" and any(f.money is not None and f.money.currency != "USD" for f in g.figures):
        for f in g.figures:
            f.cand.dropped(CURRENCY.id)
        return
    weak = asset
    if _in_dollars(fd, g.figures[0]):  # (index points and other bare numbers have no dollar scale)
        asset = rescaled(fd, asset, g.figures[0].value, g.start)
    if asset is None:
        for f in g.figures:
            f.cand.dropped(SCALE.id, f"{f.value} is far from every price the article gives {weak.id} ({weak.how}: {weak.mention.text!r})")
        return
    _level_facts(fd, g, fired, asset, person_near(fd, g.start) or (_setter_name(fd, setter) if setter else None))


def _level_asset_name(asset: AssetChoice) -> str:
    """The name a level gives its asset: ``scale_key``; but a commodity the figure's sentence does not name
    ("... said the metal could find support at $3,950" after "Spot gold rose") is the commodity itself, not
    the venue or instrument a modifier named before ("Spot", "Comex": ``entities.json`` commodity_modifiers)."""
    a = asset.mention.asset
    first = asset.mention.text.split(" ", 1)[0]
    if a.kind == "commodity" and asset.how not in ("before", "after", "respectively") and a.canonical \
            and " " in asset.mention.text and first[:1].isupper() and first in entity_words().commodity_modifiers:
        return a.canonical
    return scale_key(a)


def _level_facts(fd: FinDoc, g: Group, fired: Fired, asset: AssetChoice | None, speaker: str | None, pair: str | None = None) -> None:
    """A level fact for each figure of ``g``, of ``asset`` (or of the currency ``pair`` its figures are
    quoted in: "160 yen per dollar")."""
    for i, f in enumerate(g.figures):
        kind = _range_kind(g, i) if fired.value == RANGE else None if fired.value == UNNAMED else fired.value
        if pair is None:
            if fired.value != RANGE and (own := respectively_asset(fd, f.start, f.end)) is not None:
                asset = AssetChoice(own, "respectively")  # "bitcoin and ether ... $150,000 and $6,000, respectively"
            if fd.tracing:
                f.cand.trace.note(f"asset {asset.id} ({asset.how}: {asset.mention.text!r})" + (f"; speaker {speaker}" if speaker else ""))
        fact = PriceLevelFact(asset=pair or _level_asset_name(asset), value=f.value, kind=kind, speaker=speaker, rule=fired.id,
                              **grounding(fd, f.start, f.end, when_span=(g.start, g.end)))
        f.cand.made(fact, fired.id)


def _decide(fd: FinDoc, g: Group, floor: int, config: Config) -> None:
    """Run the clause tables on one group and give every figure of it its outcome."""
    c = Clause(fd, g, floor, config)
    trace = Trace() if fd.tracing else NO_TRACE
    blocked = CLAUSE_BLOCKERS.first(c, trace)
    fired = kinds().first(c, trace) if blocked is None else None
    if fd.tracing:
        for f in g.figures:
            if len(g.figures) > 1:
                f.cand.trace.note(f"decided with the group {fd.text[g.start : g.end]!r}" + (" (a range)" if g.is_range else ""))
            f.cand.trace.extend(trace)
    if blocked is not None:
        for f in g.figures:
            f.cand.blocked(blocked.id)
    elif fired is None:
        for f in g.figures:
            f.cand.dropped(NO_CUE.id)
    else:
        _make_facts(fd, g, fired)


def propose(fd: FinDoc, config: Config) -> Proposal:
    """A candidate for every money figure and bare number of the doc."""
    out = Proposal(tracing=fd.tracing)
    floor = 0
    for g in _groups(fd, _figures(fd, config, out), config):
        _decide(fd, g, floor, config)
        floor = g.end
    for cand in magnitude_outliers([c for c in out.candidates if c.status == "fact"]):
        cand.dropped(MAGNITUDE.id, f"{cand.fact.value} is orders of magnitude away from the article's other {cand.fact.asset} levels")
    return out


@Language.factory("fin_levels", assigns=["doc._.fin_candidates"], requires=["doc.ents"],
                  default_config={"strict": False, **asdict(Config())})
def make_component(nlp: Language, name: str, strict: bool, max_scale: float, scenario_reach: int, moving_average_reach: int,
                   described_reach: int, appositive_reach: int, connector_reach: int) -> FactComponent:
    config = Config(max_scale=max_scale, scenario_reach=scenario_reach, moving_average_reach=moving_average_reach,
                    described_reach=described_reach, appositive_reach=appositive_reach, connector_reach=connector_reach)
    return FactComponent(name, propose, config, strict=strict)
