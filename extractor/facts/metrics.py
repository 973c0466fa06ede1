"""``market_metric`` facts (spec FACTS.md): market-wide figures (market cap, dominance, liquidations,
bond yields, open interest ...).

Every metric of ``data/metric_patterns.json`` is a rule ``metric.cue.<id>``: a cue ("market cap",
"Fear & Greed Index", "10-year Treasury yield") and the kind of value it reads (money, coins,
percent, index score, hash rate, a quantity such as shares). The cues are read in data order; for
each cue:

1. gate: a skip word around the cue ("liquidation heatmap") vetoes it (``metric.skip.<id>``);
2. name: a percent inside the cue ("2% market depth") is part of the metric's name: not a value,
   and a ``Blocker`` for percent moves (``metric.name.percent``);
3. percent change: the first percent after the cue is a change in percent when a change word
   stands before it ("is down 1.8%": ``metric.percent_change.fall`` / ``rise``), and so are
   the percents listed after it ("by 2.15%, 3.60% and 0.85%"); one past a new clause about another
   asset, or past a conjunction that opens a clause with a subject of its own ("as prices fell
   5%"), is that subject's (``metric.dropped.other_subject``); a percent with a change noun right
   after it ("posted a 6% decline", "..., extending March's 12% loss") is one too
   (``fall_noun_after`` / ``rise_noun_after``), and so is a percent before the cue with a change
   noun ("a 14% decline in trade volume": ``fall_noun`` / ``rise_noun``). A rate (a
   bond yield) changes in basis points ("advanced 33 basis points"): those are blocked for moves
   and make no fact (``metric.rate.change``; gold holds them as optional);
4. context: a cue that needs a context word and lacks it in its sentence and the one before
   ("longs" without "liquidated") reads nothing (``metric.no_context.<id>``);
5. values: the figures of the cue's kind in its sentence (not across another metric's cue, nor
   across another cue of its own metric when the metric takes a subject) that no earlier cue
   read; the value rules rule some out: money in another currency or without a scale word, an
   index number inside a date or above 100, a percent in basis points or right after a change
   word (a change, not a reading), a forecast or hypothetical ("could swell toward $4 trillion",
   "typically above 0.1%", "by 2030"), a quote box's cell ("Market Cap $29B Today's Change":
   ``metric.value.quote_box``), and a value without the cue's link word ("wiped"); an index
   reading's scale ("48 out of a possible 100") belongs to the reading and blocks other types
   (``metric.name.scale``); a coin-holdings cue that names the coin reads a bare "19.6 million"
   as that coin;
6. pick: an amount bound to the cue right before it ("$2 billion in trading volume"); the first
   value after the cue within its reach (an aside right after the cue, "the VIX, which tracks
   S&P 500 options, rose to 19", does not count), then those listed with it ("$1.9 billion in longs and
   $310 million in shorts"), those that are another reading of the same metric ("from a high of
   $3.12 trillion to a low of $2.74 trillion", "down from the peak of $390 million") and those
   behind a change word; with none of these, the nearest before the cue;
7. make: a change word right before or after an amount ("shed $212 billion", "a $96 billion drop")
   makes it the metric's change (``metric.change.fall`` / ``rise`` / ``fall_after`` /
   ``rise_after``, shared by every metric with a change), else it is the plain metric
   (``metric.cue.<id>``; negative for a loss such as a wipe-out).

The subject is the asset named right before the cue (for metrics that take one; else the one right
after it: "open interest in solana perpetuals"), or for a bond
yield the country and tenor ("Germany 10-year"); the period is the nearest period phrase of the
sentence (not a bond's tenor). A value read becomes a fact candidate that consumes it: flows and
levels that take the same figure win in the resolver, prices and moves lose to it.
"""
from __future__ import annotations

import logging
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from spacy.language import Language

from extractor.data import alternation, compiled, lexicon, pattern_alternation
from extractor.data.models.metrics import MetricCue
from extractor.facts.attribution import grounding
from extractor.facts.candidates import Candidate
from extractor.facts.component import FactComponent, Proposal
from extractor.facts.doc import FinDoc, Sentence, SpanIndex
from extractor.facts.figures import figure_context
from extractor.facts.lazy import lazy
from extractor.facts.rules import Fired, Rule, Table, outcome
from extractor.normalize.assets import asset_kind
from extractor.normalize.numbers import SCALE, finditer_amounts, finditer_spelled_money, parse_number, parse_scaled, scale_factor
from extractor.normalize.periods import PERIOD_RE, finditer_periods, period_from_match
from extractor.records import MarketMetricFact
from extractor.rx import Caseless, PrunedCaseless

log = logging.getLogger(__name__)

TYPE = "market_metric"


@dataclass(frozen=True)
class Config:
    list_gap: int = 40  # characters between two values of a list ("$1.9 billion in longs and $310 million")
    reference_gap: int = 80  # characters between a value and another reading of it ("from a high of $X ... to a low of $Y")
    change_reach: int = 40  # characters before a value where its change word may stand
    percent_change_reach: int = 120  # characters after a cue where its change in percent may start
    noun_change_reach: int = 40  # characters before a cue where a percent with a change noun may stand ("a 14% decline in volume")
    subject_gap: int = 12  # characters between the subject asset (or a bond's country) and the cue
    skip_reach: int = 20  # characters either side of a cue where a skip word vetoes it
    forecast_reach: int = 40  # characters before a cue (in its clause) where a forecast word makes its values forecasts
    max_score: float = 100.0  # an index reads 0-100


# --- the lexicon -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Spec:
    """One metric entry of the data file, compiled, with its rule tables."""

    entry: MetricCue
    cue: Caseless
    cased: re.Pattern | None  # an as-written cue: a match counts when it matches this case-sensitive pattern
    skip_words: Caseless | None  # words around the cue that veto it
    context_words: Caseless | None  # words the cue's sentence (or the one before) must hold
    link_words: Caseless | None  # words that must stand between a value and the cue
    skip: Table | None  # metric.skip.<id>
    context: Table | None  # metric.no_context.<id>
    link: Table | None  # metric.unlinked.<id>
    make: Table  # metric.cue.<id> (after the shared CHANGE rules when the metric has a change)

    @property
    def id(self) -> str:
        return self.entry.id

    @property
    def cue_rule(self) -> str:
        """The id of the rule that makes the plain metric."""
        return f"metric.cue.{self.entry.id}"


@dataclass(frozen=True)
class Cues:
    """The metric lexicon, compiled."""

    specs: tuple[Spec, ...]
    volume_kinds: dict[str, str]
    currencies: frozenset[str]
    change_fall: re.Pattern  # a fall word right before an amount: "has fallen by (about) $4 billion"
    change_rise: re.Pattern
    change_fall_after: re.Pattern  # a fall noun right after an amount: "a $96 billion drop"
    change_rise_after: re.Pattern
    percent_fall: re.Pattern  # a fall word between a cue and its percent: "is down 1.8%"
    percent_rise: re.Pattern
    noun_fall: re.Pattern  # between a percent and the cue after it: "(a 14%) decline in (trade volume)"
    noun_rise: re.Pattern
    listed: re.Pattern  # a gap that joins two values of a list
    listed_percent: re.Pattern  # a gap that joins two percents of a list ("2.15%, 3.60% and 0.85%")
    range_end: re.Pattern  # a gap that makes the next value the end of a range ("from $X to $Y")
    reference: re.Pattern  # a gap that makes the next value another reading of the metric ("down from the peak of")
    bound: re.Pattern  # the gap between an amount and the cue it is bound to ("$2 billion in trading volume")
    forecast: Caseless  # a forecast or hypothetical word ("could", "expects", "typically")
    horizon: re.Pattern  # a forecast horizon right after a value ("by 2030")
    gauge_description: re.Pattern  # a clause that says what a gauge measures (", which tracks expected swings,")
    clause: re.Pattern  # a clause break
    relative: re.Pattern  # the start of a relative clause ("which has")
    predicate: re.Pattern  # a bare predicate before a percent: "is down", "slid"
    subject_after: re.Pattern  # the words between a cue and the asset it is of ("open interest in (solana)")
    countries: re.Pattern  # a word of a bond phrase that names a country ("German", "Bund")
    country_names: dict[str, str]
    score: re.Pattern
    hashrate: re.Pattern
    unit_word: re.Pattern  # the unit word after a quantity
    quote_box: re.Pattern  # a quote box's next label right after a value: "$29B Today's Change"


def _score_re(ms) -> re.Pattern:
    """An index reading: "48/100", "48 out of 100", or a bare number 0-100 (not a percent, amount, span or ordinal)."""
    return re.compile(
        rf"""
        (?<![\w$€£.,/-])                  # not part of a larger number, price or fraction
        (?P<num>\d{{1,3}}(?:\.\d+)?)      # the reading
        (?!\d|,\d|\.\d)                   # whole number only
        (?P<den>\s?(?:/|out\s+of)\s?(?:an?\s+)?(?:(?:total|possible|maximum|max|top|perfect)\s+)*(?:score\s+)?(?:of\s+)?100\b)?   # "/100", "out of (a possible) 100"
        (?!\s?(?:{alternation(ms.score_not_before)}|{SCALE}|(?:{alternation(ms.score_not_suffixes)})\b
             |[-\s]?(?:{alternation(ms.score_not_units)})s?\b))   # not a percent, amount, ordinal or span
        """,
        re.VERBOSE,
    )


def _gate(name: str, prefix: str, gate, test) -> Table | None:
    """A one-rule gate table ``metric.<prefix>.<name>`` for an entry's gate (``None`` without one)."""
    if gate is None:
        return None
    return Table(f"metric.{prefix}.{name}", [Rule(f"metric.{prefix}.{name}", gate.doc, test)])


def _make_table(entry: MetricCue) -> Table:
    """The entry's own rule: the plain metric (after the shared change rules, for a metric with a change)."""
    return Table(f"metric.make.{entry.id}", [Rule(f"metric.cue.{entry.id}", entry.doc, lambda v: True)])


def _spec(entry: MetricCue) -> Spec:
    name = entry.id
    skip_re = Caseless(entry.skip.pattern) if entry.skip else None
    ctx_re = Caseless(entry.context.pattern) if entry.context else None
    link_re = Caseless(entry.link.pattern) if entry.link else None
    return Spec(
        entry, PrunedCaseless(entry.cue_pattern), re.compile(entry.cue_pattern) if entry.as_written else None, skip_re, ctx_re, link_re,
        skip=_gate(name, "skip", entry.skip, lambda c: bool(skip_re.search(c.around))),
        context=_gate(name, "no_context", entry.context, lambda c: not c.in_context(name, ctx_re)),
        link=_gate(name, "unlinked", entry.link, lambda v: not (link_re.search(v.between) or link_re.search(v.left))),
        make=_make_table(entry),
    )


@compiled
def cues() -> Cues:
    """The metric lexicon and its rule tables, compiled once."""
    ms, g = lexicon("metric_patterns"), lexicon("grammar")
    approx = alternation(list(g.approximators) + list(g.additive_words))

    def before_amount(words) -> re.Pattern:
        return re.compile(rf"(?<![\w-])(?:{alternation(words)})(?:\s+by)?\s+(?:{approx}\s+)*$", re.I)

    def before_percent(words) -> re.Pattern:
        return re.compile(rf"(?<![\w-])(?:{alternation(words)})(?:\s+by)?\s+(?:{approx}\s+)*$", re.I)

    def after_amount(words) -> re.Pattern:
        return re.compile(rf"\s*(?:{alternation(words)})\b", re.I)

    def noun(words) -> re.Pattern:
        return re.compile(rf"\s+(?:{alternation(words)})s?\s+(?:in|of|for)\s+(?:the\s+)?(?:[\w.'’-]+\s+){{0,3}}?$", re.I)

    countries = dict(ms.bond_countries)
    return Cues(
        specs=tuple(_spec(e) for e in ms.metrics),
        volume_kinds=dict(ms.volume_kinds),
        currencies=frozenset(ms.currencies),
        change_fall=before_amount(ms.change_negative),
        change_rise=before_amount(ms.change_positive),
        change_fall_after=after_amount(ms.change_negative_after),
        change_rise_after=after_amount(ms.change_positive_after),
        percent_fall=before_percent(ms.percent_change_negative),
        percent_rise=before_percent(ms.percent_change_positive),
        noun_fall=noun(ms.percent_change_nouns_negative),
        noun_rise=noun(ms.percent_change_nouns_positive),
        listed=re.compile(rf",|\b{alternation(ms.list_words)}\b"),
        listed_percent=re.compile(rf"\s*(?:,\s*(?:and\s+)?|and\s+)(?:{approx}\s+)*$", re.I),
        range_end=re.compile(rf"\b{alternation(ms.range_words)}\s+(?:{approx}\s+)*$"),
        reference=re.compile(rf"(?:{pattern_alternation(ms.reference_patterns)})(?:{approx}\s+)*$", re.I),
        bound=re.compile(rf"\s*(?:(?:{alternation(ms.bound_words)})\s+)?$", re.I),
        forecast=Caseless(rf"(?<![\w-])(?:{alternation(ms.forecast_words)})(?![\w-])"
                          rf"|(?<![\w-])(?<!ed\s)(?:{alternation(ms.forecast_direction_words)})(?![\w-])"),
        horizon=re.compile(rf"\s*,?\s*(?:{pattern_alternation(ms.forecast_after_patterns)})", re.I),
        gauge_description=re.compile(rf",\s*(?:{alternation(ms.gauge_description_openers)})\s[^,;]*,", re.I),
        clause=re.compile(rf"[;:—–]|,\s|\b(?:{alternation(ms.clause_words)})\b", re.I),
        predicate=re.compile(rf"\s*(?:(?:{alternation(ms.auxiliary_words)})\s+)?(?:{alternation(ms.percent_change_negative + ms.percent_change_positive)})"
                             rf"(?:\s+by)?\s+(?:{approx}\s+)*", re.I),
        subject_after=re.compile(rf"\s+(?:{alternation(ms.subject_link_words)})\s+(?:the\s+)?", re.I),
        relative=re.compile(rf"\s*(?:{alternation(ms.relative_words)})\b", re.I),
        countries=re.compile(rf"(?<![\w.])(?:{alternation(countries, any_space=False)})(?![\w])"),
        country_names=countries,
        score=_score_re(ms),
        hashrate=re.compile(rf"(?P<num>\d{{1,3}}(?:,\d{{3}})*(?:\.\d+)?)\s?(?:{pattern_alternation(ms.hashrate_unit_patterns)})", re.I),
        unit_word=re.compile(r"[^\W\d_][\w-]*"),
        quote_box=re.compile(rf"\s+(?:{alternation(ms.quote_box_labels)})\b", re.I),
    )


# --- what a rule sees --------------------------------------------------------------------------

@dataclass(frozen=True)
class CueSpan:
    """Where a cue of a metric stands (a value never belongs across another metric's cue)."""

    start: int
    end: int
    metric: str
    spec: str  # the id of the cue's entry
    tenor: bool  # a bond cue: its period phrase is the bond's tenor, not a period


@dataclass
class DocCues:
    """Every cue match of the doc (each cue pattern runs once per doc), by spec and by position."""

    matches: list[list[CueMatch]]
    index: SpanIndex[CueSpan]
    longest: int

    @classmethod
    def find(cls, fd: FinDoc) -> "DocCues":
        specs, scan = cues().specs, ScanText.of(fd)
        matches = [scan.matches(spec) for spec in specs]
        spans = [CueSpan(m.start, m.end, spec.entry.metric, spec.id, spec.entry.subject == "bond")
                 for spec, ms in zip(specs, matches) for m in ms]
        return cls(matches, SpanIndex(spans), max((s.end - s.start for s in spans), default=0))

    def next_other(self, spec: Spec, lo: int, hi: int, own_too: bool) -> int:
        """Where the first cue of another metric (or, with ``own_too``, another cue of the same
        entry) starts inside ``lo:hi`` (``hi`` if none)."""
        idx, metric = self.index, spec.entry.metric
        for c in idx.items[bisect_left(idx.starts, lo) : bisect_left(idx.starts, hi)]:
            if c.metric != metric or (own_too and c.spec == spec.id):
                return c.start
        return hi

    def last_other_end(self, metric: str, lo: int, hi: int) -> int:
        """The last end of a cue of another metric inside ``lo+1 .. hi`` (``lo`` if none)."""
        ends = [c.end for c in self.index.overlapping(lo, hi, self.longest) if c.metric != metric and lo < c.end <= hi]
        return max([lo] + ends)

    def in_tenor(self, start: int, end: int) -> bool:
        """``start:end`` lies inside a bond cue (the tenor of "10-year yield")."""
        return any(c.tenor and c.start <= start and end <= c.end for c in self.index.overlapping(start, end, self.longest))


_FIGURE_HINT = re.compile(r"\d|dollar", re.I)  # every value a cue reads has a digit, or is money spelled out ("a trillion dollars")
_PIECE_BREAK = "\n\x00\n"  # between two pieces of the scan text: no cue pattern matches across it


@dataclass(frozen=True)
class ScanText:
    """The sentences of a doc that hold a figure, joined (a cue reads values in its own sentence
    only, so the cue patterns scan these alone), and where each piece starts in the doc."""

    text: str
    starts: list[int]  # where each piece starts in ``text``
    offsets: list[int]  # where it starts in the doc

    @classmethod
    def of(cls, fd: FinDoc) -> "ScanText":
        pieces: list[tuple[int, int]] = []  # (start, end) in the doc; adjacent figure sentences make one piece
        for sent in fd.sentences:
            if _FIGURE_HINT.search(sent.text):
                if pieces and not fd.text[pieces[-1][1] : sent.start_char].strip():  # right after the last piece
                    pieces[-1] = (pieces[-1][0], sent.end_char)
                else:
                    pieces.append((sent.start_char, sent.end_char))
        parts, starts, pos = [], [], 0
        for a, b in pieces:
            starts.append(pos)
            parts.append(fd.text[a:b])
            pos += b - a + len(_PIECE_BREAK)
        return cls(_PIECE_BREAK.join(parts), starts, [a for a, _ in pieces])

    def matches(self, spec: Spec) -> list[CueMatch]:
        """The matches of ``spec``'s cue, at their doc positions."""
        out = []
        for m in spec.cue.finditer(self.text):
            if spec.cased is None or spec.cased.fullmatch(m.group()):
                k = bisect_right(self.starts, m.start()) - 1
                shift = self.offsets[k] - self.starts[k]
                out.append(CueMatch(m.start() + shift, m.end() + shift, m.group(), m.groupdict().get("kind")))
        return out


@dataclass(frozen=True)
class CueMatch:
    """One match of a cue pattern: where it stands in the doc, its text and, for a volume, its kind word."""

    start: int
    end: int
    text: str
    kind: str | None = None


@dataclass
class Cue:
    """A metric cue in the text and the windows around it (what the gate rules see)."""

    fd: FinDoc
    spec: Spec
    match: CueMatch
    config: Config

    @property
    def start(self) -> int:
        return self.match.start

    @property
    def end(self) -> int:
        return self.match.end

    @lazy
    def sent(self) -> Sentence:
        return self.fd.sentence_at(self.start)

    @lazy
    def around(self) -> str:
        """The text either side of the cue where a skip word vetoes it."""
        reach = self.config.skip_reach
        return self.fd.text[max(self.sent.start_char, self.start - reach) : self.end + reach]

    def in_context(self, name: str, pattern: Caseless) -> bool:
        """``pattern`` (the context of metric ``name``) is found in the cue's sentence or the one before it."""
        if _sentence_has(self.fd, self.sent, name, pattern):
            return True
        return self.sent.start_char != 0 and _sentence_has(self.fd, self.fd.sentence_at(self.sent.start_char - 1), name, pattern)

    @lazy
    def metric(self) -> str:
        """The metric name: a volume takes its kind from the word before it ("spot volume")."""
        name = self.spec.entry.metric
        if name != "volume":
            return name
        kind = self.match.kind
        if kind is None:
            return "volume"
        kinds = cues().volume_kinds
        return kinds.get(kind) or kinds.get(kind.lower()) or "volume"

    @lazy
    def change_metric(self) -> str | None:
        """The name of the metric's change (a volume's follows its kind: "spot_volume_change")."""
        change = self.spec.entry.change
        return f"{self.metric}_change" if change and self.spec.entry.metric == "volume" else change

    @lazy
    def subject(self) -> str | None:
        """The asset named right before the cue, or a bond's country and tenor (else the default)."""
        entry = self.spec.entry
        if entry.subject == "bond":
            return _bond_subject(self)
        if entry.subject != "asset_before":
            return entry.default_subject
        gap, lo = self.config.subject_gap, self.sent.start_char
        near = [a for a in self.fd.assets.overlapping(self.start - gap - 1, self.start)
                if lo <= a.start and a.end <= self.start and self.start - a.end <= gap]
        if near:
            return near[-1].asset.id
        of = cues().subject_after.match(self.fd.text, self.end)  # "open interest in solana perpetuals"
        after = self.fd.assets.first_after(of.end(), of.end() + gap) if of else None
        return after.asset.id if after is not None and after.start == of.end() else entry.default_subject


_TENOR_UNITS = {"Y": "year", "M": "month", "W": "week", "D": "day"}


def _bond_subject(cue: Cue) -> str | None:
    """A bond yield's country (a country word just before the cue or in it) and tenor ("Germany 10-year")."""
    lx, text = cues(), cue.fd.text
    before = text[max(cue.sent.start_char, cue.start - cue.config.subject_gap) : cue.start]
    named = list(lx.countries.finditer(before))
    found = named[-1] if named else lx.countries.search(cue.match.text)
    country = lx.country_names[found.group()] if found else None
    tenor = None
    m = PERIOD_RE.search(cue.match.text)
    duration = period_from_match(m) if m else None
    if duration and duration[-1] in _TENOR_UNITS and duration[1:-1].isdigit():
        tenor = f"{duration[1:-1]}-{_TENOR_UNITS[duration[-1]]}"
    return " ".join(p for p in (country, tenor) if p) or None


def _sentence_has(fd: FinDoc, sent: Sentence, name: str, pattern: Caseless) -> bool:
    """``pattern`` is found in ``sent`` (searched once per sentence and metric)."""
    found = fd.cached("metric_context", dict)
    key = (name, sent.i)
    if key not in found:
        found[key] = bool(pattern.search(sent.text))
    return found[key]


@dataclass
class Value:
    """A figure of a metric's kind near a cue (what the value and change rules see)."""

    cue: Cue
    start: int
    end: int
    number: float
    kind: str  # money | percent | score | hashrate | quantity
    currency: str | None = None
    scaled: bool = False
    unit: str | None = None  # a coin's id ("3.15 million ETH") or a quantity's unit word ("shares")
    scale_end: int = 0  # an index reading's scale after it ("48 out of 100"): where it ends (0: none)

    @property
    def text(self) -> str:
        return self.cue.fd.text[self.start : self.end]

    @property
    def before_cue(self) -> bool:
        return self.end <= self.cue.start

    @lazy
    def left(self) -> str:
        """The sentence text right before the value, where its change word stands."""
        fd, reach = self.cue.fd, self.cue.config.change_reach
        return fd.text[max(self.cue.sent.start_char, self.start - reach) : self.start]

    @lazy
    def right(self) -> str:
        """The sentence text right after the value, where a change noun stands ("a $96 billion drop")."""
        fd, reach = self.cue.fd, self.cue.config.change_reach
        return fd.text[self.end : min(self.cue.sent.end_char, self.end + reach)]

    @lazy
    def after_cue(self) -> str:
        """The text between the cue and the value."""
        return self.cue.fd.text[self.cue.end : self.start]

    @lazy
    def to_cue(self) -> str:
        """The text between the value and the cue after it."""
        return self.cue.fd.text[self.end : self.cue.start]

    @property
    def between(self) -> str:
        """The text between the value and its cue, on whichever side."""
        return self.to_cue if self.before_cue else self.after_cue

    @lazy
    def clause_before(self) -> str:
        """The clause text before the cue (or before the value, when it comes first)."""
        fd, cfg = self.cue.fd, self.cue.config
        at = min(self.start, self.cue.start)
        text = fd.text[max(self.cue.sent.start_char, at - cfg.forecast_reach) : at]
        breaks = list(cues().clause.finditer(text))
        return text[breaks[-1].end():] if breaks else text

    def inside(self, index: SpanIndex) -> bool:
        """The value starts inside an item of ``index`` (a date, a money figure)."""
        return any(x.start <= self.start < x.end for x in index.overlapping(self.start, self.start + 1))


def _is_bps(v: Value) -> bool:
    return not v.text.rstrip().endswith(("%", "percent", "cent", "pct", "pc"))


MONEY_VALUES = Table("metric.value.money", [
    Rule("metric.value.currency", "money in a currency other than dollars, euros or pounds, without a scale word (an amount in "
                                  "yen, won or Hong Kong dollars with one, '₩1.9 trillion', is read in its own currency)",
         lambda v: v.unit is None and v.currency not in cues().currencies and not v.scaled),
    Rule("metric.value.unscaled", "the metric is an amount written with a scale word ('$2.1 billion'): a bare '$91,000' is a price",
         lambda v: v.cue.spec.entry.scaled and not v.scaled and v.unit is None),
])
PERCENT_VALUES = Table("metric.value.percent", [
    Rule("metric.value.basis_points", "a figure in basis points is the change of a rate, not its reading", _is_bps),
    Rule("metric.value.change_percent", "a percent right after a change word ('rose 1.2%') is a change, not the reading of a percent metric",
         lambda v: bool(cues().percent_fall.search(v.left) or cues().percent_rise.search(v.left))),
])
SCORE_VALUES = Table("metric.value.score", [
    Rule("metric.value.in_date", "a number inside a date ('March 12') is not an index reading", lambda v: v.inside(v.cue.fd.days)),
    Rule("metric.value.in_money", "a number inside a money figure ('45 dollars') is not an index reading", lambda v: v.inside(v.cue.fd.money)),
    Rule("metric.value.over_max", "an index reads 0 to 100 (or to its entry's max_score): a larger number is something else",
         lambda v: v.number > (v.cue.spec.entry.max_score or v.cue.config.max_score)),
])
FORECAST = Table("metric.value.forecast", [
    Rule("metric.value.forecast", "a forecast or hypothetical word between the cue and the value or in the clause before them "
                                  "('could swell toward', 'expects ... to reach', 'typically above'): not a reading",
         lambda v: bool(cues().forecast.search(cues().gauge_description.sub(", ", v.between)) or cues().forecast.search(v.clause_before))),
    Rule("metric.value.forecast_horizon", "a forecast horizon right after the value ('$30 trillion by 2030'): not a reading",
         lambda v: bool(cues().horizon.match(v.right))),
    Rule("metric.value.hypothetical", "a hypothetical word of the figure context (the words that make a dollar figure a forecast: "
                                      "'sees', 'eyes', 'needs to') in the clause before the cue ('she sees the 10-year yield testing "
                                      "2.9%'): not a reading", lambda v: figure_context().is_hypothetical(v.clause_before)),
])
WIDGET = Table("metric.value.widget", [
    Rule("metric.value.quote_box", "a value followed right away by the next label of a quote box ('Market Cap $29B Today's Change ... "
                                   "Current Price'): a widget's cell, not a reading of the article",
         lambda v: bool(cues().quote_box.match(v.cue.fd.text, v.end))),
])
CHANGE = Table("metric.change", [
    Rule("metric.change.fall", "a fall word right before the amount ('shed', 'fell by', 'a drop of'): the metric's change, negative",
         lambda v: bool(cues().change_fall.search(v.left)) and -1),
    Rule("metric.change.rise", "a rise word right before the amount ('added', 'rose by', 'a gain of'): the metric's change, positive",
         lambda v: bool(cues().change_rise.search(v.left)) and 1),
    Rule("metric.change.fall_after", "a fall noun right after the amount ('a $96 billion drop'): the metric's change, negative",
         lambda v: bool(cues().change_fall_after.match(v.right)) and -1),
    Rule("metric.change.rise_after", "a rise noun right after the amount ('a $40 billion gain'): the metric's change, positive",
         lambda v: bool(cues().change_rise_after.match(v.right)) and 1),
])
_SIGNS = frozenset("+-\u2212\u2013")  # a percent's own sign: plus, hyphen-minus, minus, en dash
PERCENT_CHANGE = Table("metric.percent_change", [
    Rule("metric.percent_change.fall", "a fall word between the cue and the percent after it ('is down 1.8%'): the metric's change in percent, negative",
         lambda v: not v.before_cue and bool(cues().percent_fall.search(v.after_cue)) and -1),
    Rule("metric.percent_change.rise", "a rise word between the cue and the percent after it ('rose 0.7%'): the metric's change in percent, positive",
         lambda v: not v.before_cue and bool(cues().percent_rise.search(v.after_cue)) and 1),
    Rule("metric.percent_change.signed", "a percent written with its sign after the cue ('Total stablecoin market cap: $318.6bn, "
                                         "+1.2% over 7 days'): the metric's change in percent, with that sign",
         lambda v: not v.before_cue and v.text[:1] in _SIGNS and (-1 if v.text[:1] != "+" else 1)),
    Rule("metric.percent_change.fall_noun", "a percent before the cue with a fall noun ('a 14% decline in trade volume'): the change in percent, negative",
         lambda v: v.before_cue and bool(cues().noun_fall.match(v.to_cue)) and -1),
    Rule("metric.percent_change.rise_noun", "a percent before the cue with a rise noun ('a 12% jump in open interest'): the change in percent, positive",
         lambda v: v.before_cue and bool(cues().noun_rise.match(v.to_cue)) and 1),
])
PERCENT_CHANGE_NOUN = Table("metric.percent_change_noun", [
    Rule("metric.percent_change.fall_noun_after", "a fall noun right after a percent past the cue ('posted a 3% decline', '..., extending "
                                                  "the month's 20% loss'), not naming another subject ('a 5% drop in ether'): the change in percent, negative",
         lambda v: not v.before_cue and bool(cues().change_fall_after.match(v.right)) and not _names_subject(v) and -1),
    Rule("metric.percent_change.rise_noun_after", "a rise noun right after a percent past the cue ('notched a 4% gain'), not naming another "
                                                  "subject: the change in percent, positive",
         lambda v: not v.before_cue and bool(cues().change_rise_after.match(v.right)) and not _names_subject(v) and 1),
])


def _names_subject(v: Value) -> bool:
    """The change noun after ``v`` names what changed ("a 5% drop in ether", "a 3% gain for the index")."""
    return bool(_NOUN_OF.match(v.right))


_NOUN_OF = re.compile(r"\s*[\w-]+\s+(?:in|of|among|across)\b|\s*[\w-]+\s+for\s+(?!the\s+(?:day|week|month|quarter|year|session)\b)", re.I)
VALUES: dict[str, Table] = {"money": MONEY_VALUES, "percent": PERCENT_VALUES, "score": SCORE_VALUES}  # what rules a figure of each kind out

NAME_PERCENT = outcome("metric.name.percent", "a percent inside a metric's cue ('2% market depth') is part of its name: "
                                              "not a value, and not a percent move (a blocker for percent_move)")
SCORE_SCALE = outcome("metric.name.scale", "the scale after an index reading ('out of 100' in 'a score of 48 out of 100') is part of the "
                                     "reading: no price, level or move (a blocker for those)")
NOT_READ = outcome("metric.dropped.not_read", "a value in a cue's window that the cue does not read: not bound to it, not the first "
                                              "after it within its reach, not listed with it, another reading of it or behind a change "
                                              "word, not the nearest before it")
NO_CHANGE_WORD = outcome("metric.dropped.no_change_word", "the first percent after a cue that takes changes in percent has no change "
                                                          "word before it ('is down', 'rose'): not a change in percent")
RATE_CHANGE = outcome("metric.rate.change", "a figure in basis points after a rate's cue ('the 10-year yield advanced 12 basis points') "
                                           "is the rate's change: not a percent move (a blocker for percent_move) and no fact "
                                           "(gold holds such changes as optional)")
OTHER_SUBJECT = outcome("metric.dropped.other_subject", "the first percent after a cue stands past a new clause that names an asset "
                                                        "('volume rose, while bitcoin gained 3%'): that asset's move, not the metric's change")


def tables() -> tuple[Table, ...]:
    """Every table of the module: each metric's gates and makers, then the value rules."""
    out = []
    for spec in cues().specs:
        out += [t for t in (spec.skip, spec.context, spec.link) if t is not None] + [spec.make]
    return (*out, CHANGE, PERCENT_CHANGE, PERCENT_CHANGE_NOUN, MONEY_VALUES, PERCENT_VALUES, SCORE_VALUES, FORECAST, WIDGET)


# --- one doc's reading -------------------------------------------------------------------------

@dataclass
class Reading:
    """The candidates of one doc by span, and the spans cues have read (a value serves one cue)."""

    fd: FinDoc
    config: Config
    out: Proposal
    doc_cues: DocCues
    by_span: dict[tuple[int, int], Candidate] = field(default_factory=dict)
    named: set[tuple[int, int]] = field(default_factory=set)  # percents blocked as part of a cue
    read: bytearray | None = None

    def is_read(self, start: int, end: int) -> bool:
        return self.read is not None and self.read.find(1, start, end) != -1

    def mark_read(self, start: int, end: int) -> None:
        if self.read is None:
            self.read = bytearray(len(self.fd.text) + 1)
        self.read[start:end] = b"\x01" * (end - start)

    def candidate(self, start: int, end: int) -> Candidate:
        cand = self.by_span.get((start, end))
        if cand is None:
            cand = self.by_span[(start, end)] = self.out.candidate(TYPE, start, end)
        return cand

    def settle(self, cand: Candidate, status: str, rule: str, note: Callable[[], str]) -> None:
        """A candidate's first outcome stands (a later cue can still make it a fact); ``note`` is
        written to its trace when explaining."""
        note = note() if self.out.tracing else ""
        if cand.status == "fact" or cand.rule is not None:
            cand.trace.note(note, rule)
        elif status == "blocked":
            cand.blocked(rule, note)
        else:
            cand.dropped(rule, note)

    def drop(self, v: Value, why: str) -> None:
        self.settle(self.candidate(v.start, v.end), "dropped", NOT_READ.id, lambda: f"{_cue_note(v.cue)} {why}")


# the figures of each kind in a window (doc-wide finds are cached per doc)

def _may_spell_money(text: str) -> bool:
    """Whether ``text`` may hold money spelled out: every such amount ends in "dollars" ("a trillion
    dollars", matched with re.IGNORECASE, which also pairs "ſ" with "s" and nothing else with these
    letters)."""
    return "dollars" in text.lower() or "\u017f" in text


def _money(c: Cue, lo: int, hi: int) -> list[Value]:
    fd = c.fd
    spelled = fd.cached("metric_spelled_money", lambda: SpanIndex(list(finditer_spelled_money(fd.text)) if _may_spell_money(fd.text) else []))
    out = [Value(c, m.start, m.end, m.value, "money", m.currency, m.scaled) for m in (*fd.money.within(lo, hi), *spelled.within(lo, hi))]
    if c.spec.entry.coin_units:
        out += _coin_amounts(c, lo, hi)
    return sorted(out, key=lambda v: v.start)


@dataclass(frozen=True)
class UnitAmount:
    """An amount and the unit written after it ("3.15 million ETH", "16.5 billion shares")."""

    start: int
    end: int
    value: float
    unit: str
    unit_end: int


def _amounts(fd: FinDoc) -> SpanIndex[UnitAmount]:
    """Every plain amount of the doc with the coin (its span includes it) or the word after it, found once per doc."""
    def find() -> SpanIndex[UnitAmount]:
        out, word = [], cues().unit_word
        for a in finditer_amounts(fd.text):
            coin = fd.assets.first_after(a.unit_start)
            if coin is not None and coin.start == a.unit_start and asset_kind(coin.asset.id) == "crypto":
                out.append(UnitAmount(a.start, coin.end, a.value, coin.asset.id, coin.end))
            else:
                m = word.match(fd.text, a.unit_start)
                out.append(UnitAmount(a.start, a.end, a.value, m.group().lower(), m.end()))
        return SpanIndex(out)
    return fd.cached("metric_amounts", find)


def _coin_amounts(c: Cue, lo: int, hi: int) -> list[Value]:
    return [Value(c, a.start, a.end, a.value, "money", None, True, a.unit) for a in _amounts(c.fd).within(lo, hi) if a.end == a.unit_end]


_BARE_SCALED = re.compile(r"(?<![\w$€£.,])(?P<num>\d{1,3}(?:,\d{3})*(?:\.\d+)?)\s+(?P<scale>thousand|million|billion)\b(?!\s+(?:[A-Za-z$]|\d))")


def _bare_coin_amounts(c: Cue, lo: int, hi: int) -> list[Value]:
    """A scaled number with no unit after it ("reached a record 19.24 million") when the cue names the
    coin ("ETH held by long-term holders"): an amount of that coin."""
    coins = [m for m in c.fd.assets.within(c.start, c.end) if asset_kind(m.asset.id) == "crypto"]
    if not coins:
        return []
    unit = coins[-1].asset.id
    return [Value(c, m.start(), m.end(), parse_scaled(m.group("num"), scale_factor(m.group("scale"))), "money", None, True, unit)
            for m in _BARE_SCALED.finditer(c.fd.text, lo, hi)]


def _quantities(c: Cue, lo: int, hi: int) -> list[Value]:
    units = c.spec.entry.units or ()
    return [Value(c, a.start, a.unit_end, a.value, "quantity", unit=a.unit) for a in _amounts(c.fd).within(lo, hi)
            if a.end != a.unit_end and a.unit in units and a.unit_end <= hi]


def hash_unit(text: str) -> str:
    """The unit of a hash-rate figure as written ("1.21 zettahashes per second" is ZH/s).

    >>> hash_unit("1,050 EH/s"), hash_unit("1.21 zettahashes per second"), hash_unit("900 exahash")
    ('EH/s', 'ZH/s', 'EH/s')
    """
    m = re.search(r"([EPZT])H/s|(exa|zetta|peta|tera)hash", text, re.IGNORECASE)
    if m is None:
        return "EH/s"
    return (m.group(1) or m.group(2)[0]).upper() + "H/s"


_FIGURES: dict[str, Callable[[Cue, int, int], list[Value]]] = {
    "money": _money,
    "percent": lambda c, lo, hi: [Value(c, p.start, p.end, p.value, "percent") for p in c.fd.percents.within(lo, hi)],
    "score": lambda c, lo, hi: [Value(c, m.start("num"), m.end("num"), float(m.group("num")), "score", scale_end=m.end("den") if m.group("den") else 0)
                                for m in cues().score.finditer(c.fd.text, lo, hi)],
    "hashrate": lambda c, lo, hi: [Value(c, m.start(), m.end(), parse_number(m.group("num")), "hashrate", unit=hash_unit(m.group()))
                                   for m in cues().hashrate.finditer(c.fd.text, lo, hi)],
    "quantity": _quantities,
    "coins": lambda c, lo, hi: sorted(_coin_amounts(c, lo, hi) + _bare_coin_amounts(c, lo, hi), key=lambda v: v.start),
}

def _values(r: Reading, cue: Cue, lo: int, hi: int) -> list[Value]:
    """Figures of the cue's kind inside ``lo:hi`` that no earlier cue read, in text order."""
    return [v for v in _FIGURES[cue.spec.entry.value](cue, lo, hi) if not r.is_read(v.start, v.end)]


def _usable(r: Reading, values: list[Value]) -> list[Value]:
    """The values no value rule rules out (each one a candidate): the rules of their kind, the
    cue's link, the forecast rules."""
    out = []
    for v in values:
        cand = r.candidate(v.start, v.end)
        hit = None
        for table in (VALUES.get(v.kind), v.cue.spec.link, FORECAST, WIDGET):
            if table is not None and (hit := table.first(v, cand.trace)) is not None:
                break
        if hit is not None:
            r.settle(cand, "blocked", hit.id, lambda: f"{_cue_note(v.cue)}: {hit.rule.doc}")
            continue
        out.append(v)
    return out


def _cue_note(cue: Cue) -> str:
    """How a trace names a cue."""
    return f"cue {cue.match.text!r} ({cue.spec.id})"


def _after_window(r: Reading, cue: Cue) -> tuple[int, int]:
    """After the cue: in its sentence, not past another metric's cue (nor, for a metric with a
    subject, past another cue of its own)."""
    entry = cue.spec.entry
    return cue.end, r.doc_cues.next_other(cue.spec, cue.end, cue.sent.end_char, entry.subject is not None)


def _before_window(r: Reading, cue: Cue) -> tuple[int, int]:
    """Before the cue: in its sentence, within its reach, not before another metric's cue."""
    entry = cue.spec.entry
    lo = max(cue.sent.start_char, cue.start - entry.before)
    return r.doc_cues.last_other_end(entry.metric, lo, cue.start), cue.start


def _follows(r: Reading, cue: Cue, prev: Value, v: Value) -> bool:
    """``v`` is listed after ``prev`` ("$1.9 billion in longs and $310 million in shorts"), is another
    reading of the metric ("from a high of $3.12 trillion to a low of $2.74 trillion") or stands
    behind a change word within the cue's reach ("to $2.41 trillion, a drop of $96 billion")."""
    gap = r.fd.text[prev.end : v.start]
    lx = cues()
    if v.kind == "percent":  # a percent is listed only right after the one before ("58%, 12% and 9%")
        if lx.listed_percent.fullmatch(gap):
            return True
    elif len(gap) <= r.config.list_gap and lx.listed.search(gap) and not lx.range_end.search(gap):
        return True
    if len(gap) <= r.config.reference_gap and lx.reference.search(gap):
        return True
    return bool(cue.change_metric and cue.spec.entry.amount_change and v.start - cue.end <= cue.spec.entry.after
                and (lx.change_fall.search(v.left) or lx.change_rise.search(v.left)))


def _bound(r: Reading, cue: Cue) -> list[Value]:
    """The amount bound to the cue right before it ("$2 billion in trading volume", "$831 million
    assets under management"), if any."""
    if cue.spec.entry.value == "percent":
        return []
    lo = max(cue.sent.start_char, cue.start - r.config.list_gap)
    before = _values(r, cue, lo, cue.start)
    if not before or not cues().bound.fullmatch(r.fd.text, before[-1].end, cue.start):
        return []
    return _usable(r, before[-1:])


_ASIDE = re.compile(r"\s*,\s*(?:which|who|that|a|an|the|known\s+as|also\s+called)\b[^,;:.]*,", re.I)


def _reach(r: Reading, cue: Cue, v: Value) -> int:
    """How far ``v`` stands after the cue, not counting an aside right after the cue ("the VIX, which
    tracks S&P 500 options, rose to 19"): the aside defines the cue, the value is the predicate's."""
    m = _ASIDE.match(r.fd.text, cue.end, v.start)
    return v.start - (m.end() if m else cue.end)


def _pick(r: Reading, cue: Cue) -> list[Value]:
    """The values the cue reads (module docstring, stage 6); the others in its window are dropped."""
    entry = cue.spec.entry
    picked = _bound(r, cue)
    after = _usable(r, _values(r, cue, *_after_window(r, cue))) if entry.after else []
    if after and _reach(r, cue, after[0]) <= entry.after:
        chain = [after[0]]
        for v in after[1:]:
            if _follows(r, cue, chain[-1], v):
                chain.append(v)
            else:
                r.drop(v, f"reads {chain[0].text!r}")
        return picked + chain
    for v in after:
        r.drop(v, "reads nothing this far after it")
    if picked or not entry.before:
        return picked
    every = _FIGURES[entry.value](cue, *_before_window(r, cue))
    before = _usable(r, [v for v in every if not r.is_read(v.start, v.end)])  # (what ``_values`` keeps)
    if before and r.is_read(every[-1].start, every[-1].end):
        for v in before:  # "reached $61.2 billion, and $318 million of short positions were liquidated"
            r.drop(v, "the value nearest before it is another cue's")
        return picked
    for v in before[:-1]:
        r.drop(v, "reads the nearest before it")
    return before[-1:]


# --- facts -------------------------------------------------------------------------------------

def _period(r: Reading, sent: Sentence, start: int, end: int) -> str | None:
    """The duration of the period phrase of ``sent`` nearest to ``start:end`` (the earlier one on a
    tie); a bond's tenor ("10-year yield") is not a period."""
    fd = r.fd
    table = fd.cached("metric_periods", dict)
    if sent.i not in table:
        found = [p for p in finditer_periods(sent.text, sent.start_char) if not r.doc_cues.in_tenor(p[0], p[1])]
        table[sent.i] = ([s for s, _, _ in found], found)
    starts, found = table[sent.i]
    k = bisect_left(starts, end)  # periods are disjoint and sorted: the nearest is found[k - 1] or found[k]
    best = (start - found[k - 1][1], found[k - 1][2]) if k else None
    if k < len(found) and (best is None or found[k][0] - end < best[0]):
        best = (found[k][0] - end, found[k][2])
    return best[1] if best else None


def _make(r: Reading, cue: Cue, v: Value, metric: str, value: float, unit: str, rule: str) -> None:
    fd = r.fd
    end = max(v.end, v.scale_end)
    fact = MarketMetricFact(
        metric=metric,
        subject=cue.subject,
        value=value,
        unit=unit,
        period=_period(r, cue.sent, v.start, v.end),
        rule=rule,
        **grounding(fd, v.start, v.end, evidence_span=(min(cue.start, v.start), max(end, cue.end))),
    )
    cand = r.candidate(v.start, v.end)
    if r.out.tracing:
        cand.trace.note(f"{_cue_note(cue)} reads it" + (f"; subject {cue.subject}" if cue.subject else ""))
    cand.made(fact, rule)
    r.mark_read(v.start, end)
    if v.scale_end:  # "out of 100": the reading's scale, no figure of its own
        r.out.block(v.end, v.scale_end, SCORE_SCALE.id, {"price", "percent_move", "price_level", "etf_flow"})


def _read_values(r: Reading, cue: Cue) -> None:
    """Stages 5-7: the values the cue reads become facts of the metric or of its change."""
    entry = cue.spec.entry
    for v in _pick(r, cue):
        trace = r.candidate(v.start, v.end).trace
        unit = v.unit if v.unit is not None else ((v.currency or entry.unit) if v.kind == "money" else entry.unit)
        if cue.change_metric and entry.amount_change and (sign := CHANGE.first(v, trace)) is not None:  # its value is the sign
            _make(r, cue, v, cue.change_metric, abs(v.number) * sign.value, unit, sign.id)
        else:
            fired = cue.spec.make.first(v, trace)
            _make(r, cue, v, cue.metric, -abs(v.number) if entry.negative else v.number, unit, fired.id)


def _other_subject(r: Reading, cue: Cue, start: int) -> bool:
    """The percent at ``start`` is another subject's: an asset is named after the last clause break
    between the cue and it, or the cue stands in a parenthetical (opened by a comma before it) that
    a comma closes before the percent, and what follows that comma is a relative clause's close or
    a bare predicate ("Dogecoin, the largest memecoin by market cap, slid 6%"; "the fund, which has
    $1.5 billion in assets, is down 13%")."""
    text, lx = r.fd.text, cues()
    breaks = list(lx.clause.finditer(text, cue.end, start))
    if r.fd.assets.within(breaks[-1].end() if breaks else start, start):
        return True
    if breaks and breaks[-1].group()[:1].isalpha() and _new_subject(text[breaks[-1].end() : start]):  # "as prices fell 5%"
        return True
    closed = text.rfind(", ", cue.end, start)
    if closed < 0:
        return False
    lo = max(cue.sent.start_char, cue.start - r.config.forecast_reach)
    opened = max(text.rfind(", ", cue.sent.start_char, cue.start), text.rfind("(", lo, cue.start))
    if opened < 0:
        return False
    return bool(lx.relative.match(text, opened + 1, cue.start) or lx.predicate.fullmatch(text, closed + 1, start))


_SAME_SUBJECT_WORDS = frozenset("is was are were has have had been now also then further still already both each respectively "
                                 "it they its their which".split())


def _new_subject(clause: str) -> bool:
    """The clause before a percent opens with a subject of its own before its change word ("as prices
    fell 5%", "after miners' revenue dropped 20%"): the percent is that subject's, not the cue's."""
    lx = cues()
    m = lx.percent_fall.search(clause) or lx.percent_rise.search(clause)
    if m is None:
        return False
    words = re.findall(r"[\w'’-]+", clause[: m.start()].lower())
    return any(w not in _SAME_SUBJECT_WORDS and not w.endswith("ly") for w in words)


def _percent_change(r: Reading, cue: Cue) -> None:
    """Stage 3: the first unread percent after the cue with a change word before it and the
    percents listed after it; else a percent before the cue with a change noun."""
    fd = r.fd
    limit = r.doc_cues.next_other(cue.spec, cue.end, cue.sent.end_char, False)
    pcts, prev, sign = fd.percents, None, None
    for p in pcts.items[bisect_left(pcts.starts, cue.end) : bisect_left(pcts.starts, limit)]:
        v = Value(cue, p.start, p.end, p.value, "percent")
        if r.is_read(p.start, p.end):
            continue
        if prev is None and p.start > cue.end + r.config.percent_change_reach:
            break
        cand = r.candidate(p.start, p.end)
        if prev is not None:  # listed after the first: "by 2.15%, 3.60% and 0.85%"
            if not cues().listed_percent.fullmatch(fd.text, prev.end, p.start):
                if p.start - prev.end <= r.config.percent_change_reach and not _other_subject(r, cue, p.start) \
                        and (noun := PERCENT_CHANGE_NOUN.first(v, cand.trace)) is not None:  # "..., extending the month's 20% loss"
                    _make(r, cue, v, cue.change_metric, abs(p.value) * noun.value, "percent", noun.id)
                return
            _make(r, cue, v, cue.change_metric, abs(p.value) * sign.value, "percent", sign.id)
        elif _other_subject(r, cue, p.start):
            r.settle(cand, "dropped", OTHER_SUBJECT.id, lambda: f"{_cue_note(cue)}: another asset's clause")
            return
        elif (sign := PERCENT_CHANGE.first(v, cand.trace) or PERCENT_CHANGE_NOUN.first(v, cand.trace)) is None:
            r.settle(cand, "dropped", NO_CHANGE_WORD.id, lambda: f"{_cue_note(cue)}: no change word before it")
            return
        else:
            _make(r, cue, v, cue.change_metric, abs(p.value) * sign.value, "percent", sign.id)
        prev = v
    if prev is None:
        _percent_change_before(r, cue)


def _percent_change_before(r: Reading, cue: Cue) -> None:
    """The percent right before the cue with a change noun: "a 14% decline in trade volume"."""
    lo = max(cue.sent.start_char, cue.start - r.config.noun_change_reach)
    before = [p for p in r.fd.percents.within(lo, cue.start) if not r.is_read(p.start, p.end)]
    if not before:
        return
    p = before[-1]
    v = Value(cue, p.start, p.end, p.value, "percent")
    if cues().noun_fall.match(v.to_cue) or cues().noun_rise.match(v.to_cue):
        cand = r.candidate(p.start, p.end)
        sign = PERCENT_CHANGE.first(v, cand.trace)
        _make(r, cue, v, cue.change_metric, abs(p.value) * sign.value, "percent", sign.id)


def _block_rate_changes(r: Reading, cue: Cue) -> None:
    """Stage 3 for a rate: the figures in basis points after the cue (within its reach) are its
    changes ("advanced 12 basis points"): no move, and no fact."""
    entry = cue.spec.entry
    hi = r.doc_cues.next_other(cue.spec, cue.end, min(cue.sent.end_char, cue.end + entry.after), entry.subject is not None)
    for p in r.fd.percents.within(cue.end, hi):
        v = Value(cue, p.start, p.end, p.value, "percent")
        if r.is_read(p.start, p.end) or not _is_bps(v):
            continue
        r.out.block(p.start, p.end, RATE_CHANGE.id, {"percent_move"})
        r.settle(r.candidate(p.start, p.end), "dropped", RATE_CHANGE.id, lambda: f"{_cue_note(cue)}: its change in basis points")
        r.mark_read(p.start, p.end)


def _block_name_percents(r: Reading, cue: Cue) -> None:
    """Stage 2: a percent inside the cue is part of the metric's name (and no move)."""
    for p in r.fd.percents.within(cue.start, cue.end):
        if (p.start, p.end) not in r.named:
            r.named.add((p.start, p.end))
            r.out.block(p.start, p.end, NAME_PERCENT.id, {"percent_move"})
        r.settle(r.candidate(p.start, p.end), "dropped", NAME_PERCENT.id, lambda: f"inside {_cue_note(cue)}")
        r.mark_read(p.start, p.end)


def _veto(r: Reading, cue: Cue, fired: Fired) -> None:
    """A gate vetoed the cue: the values in its window are blocked by the gate's rule."""
    entry = cue.spec.entry
    values = _values(r, cue, *_after_window(r, cue)) if entry.after else []
    values = [v for v in values if v.start - cue.end <= entry.after]
    if not values and entry.before:
        values = _values(r, cue, *_before_window(r, cue))
    for v in values:
        r.settle(r.candidate(v.start, v.end), "blocked", fired.id, lambda: f"{_cue_note(cue)}: {fired.rule.doc}")


def _read_cue(r: Reading, cue: Cue) -> None:
    """The stages of one cue (module docstring)."""
    spec = cue.spec
    if spec.skip is not None and (hit := spec.skip.first(cue)) is not None:
        _veto(r, cue, hit)
        return
    if spec.entry.percent_change:
        _percent_change(r, cue)
    if spec.entry.rate:
        _block_rate_changes(r, cue)
    _block_name_percents(r, cue)
    if spec.context is not None and (hit := spec.context.first(cue)) is not None:
        _veto(r, cue, hit)
        return
    _read_values(r, cue)


def propose(fd: FinDoc, config: Config) -> Proposal:
    """A candidate for every value a metric cue looks at, and a blocker for every percent inside a cue."""
    out = Proposal(tracing=fd.tracing)
    doc_cues = DocCues.find(fd)
    r = Reading(fd, config, out, doc_cues)
    for spec, matches in zip(cues().specs, doc_cues.matches):
        for m in matches:
            _read_cue(r, Cue(fd, spec, m, config))
    return out


@Language.factory(
    "fin_metrics",
    assigns=["doc._.fin_candidates", "doc._.fin_blockers"],
    default_config={"strict": False, "list_gap": 40, "reference_gap": 80, "change_reach": 40, "percent_change_reach": 120,
                    "noun_change_reach": 40, "subject_gap": 12, "skip_reach": 20, "forecast_reach": 40, "max_score": 100.0},
)
def make_component(nlp: Language, name: str, strict: bool, list_gap: int, reference_gap: int, change_reach: int,
                   percent_change_reach: int, noun_change_reach: int, subject_gap: int, skip_reach: int, forecast_reach: int,
                   max_score: float) -> FactComponent:
    config = Config(list_gap=list_gap, reference_gap=reference_gap, change_reach=change_reach,
                    percent_change_reach=percent_change_reach, noun_change_reach=noun_change_reach, subject_gap=subject_gap,
                    skip_reach=skip_reach, forecast_reach=forecast_reach, max_score=max_score)
    return FactComponent(name, propose, config, strict=strict)
