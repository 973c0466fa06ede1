"""``market_metric`` facts (spec FACTS.md): market-wide figures (market cap, dominance, liquidations ...).

Every metric of ``data/metric_patterns.json`` is a rule ``metric.cue.<id>``: a cue ("market cap",
"Fear & Greed Index", "liquidated") and the kind of value it reads (money, percent, index score,
hash rate). The cues are read in data order; for each cue:

1. gate: a skip word around the cue ("liquidation heatmap") vetoes it (``metric.skip.<id>``);
2. name: a percent inside the cue ("2% market depth") is part of the metric's name: not a value,
   and a ``Blocker`` for percent moves (``metric.name.percent``);
3. percent change (market cap): the first percent after the cue is a change in percent when a
   change word stands before it ("is down 1.8%": ``metric.percent_change.<id>_fall`` / ``_rise``);
4. context: a cue that needs a context word and lacks it in its sentence and the one before
   ("longs" without "liquidated") reads nothing (``metric.no_context.<id>``);
5. values: the figures of the cue's kind in its window (same sentence, not across another
   metric's cue) that no earlier cue read; ``MONEY_VALUES`` rules out money in another currency
   or without a scale word, ``SCORE_VALUES`` a number inside a date or a money figure and an
   index above 100;
6. pick: the first value after the cue, then those listed with it ("$1.9 billion in longs and $310
   million in shorts") or behind a change word; with none after it, the nearest before it;
7. make: a change word right before an amount ("shed $212 billion") makes it the metric's change
   (``metric.change.<id>_fall`` / ``_rise``), else it is the plain metric (``metric.cue.<id>``).

The subject is the asset named right before the cue (for metrics that take one), the period the
nearest period phrase of the sentence. A value read becomes a fact candidate that consumes it:
flows and levels that take the same figure win in the resolver, prices and moves lose to it.
"""
from __future__ import annotations

import logging
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from spacy.language import Language

from extractor.data import alternation, compiled, lexicon, pattern_alternation
from extractor.data.models.metrics import MetricCue
from extractor.facts.attribution import grounding
from extractor.facts.candidates import Candidate
from extractor.facts.component import FactComponent, Proposal
from extractor.facts.doc import FinDoc, Sentence, SpanIndex
from extractor.facts.rules import Fired, Rule, Table, outcome
from extractor.normalize.numbers import SCALE, parse_number
from extractor.normalize.periods import finditer_periods
from extractor.records import MarketMetricFact
from extractor.rx import Caseless

log = logging.getLogger(__name__)

TYPE = "market_metric"


@dataclass(frozen=True)
class Config:
    list_gap: int = 40  # characters between two values of a list ("$1.9 billion in longs and $310 million")
    change_reach: int = 40  # characters before a value where its change word may stand
    percent_change_reach: int = 90  # characters after a cue where its change in percent may start
    subject_gap: int = 12  # characters between the subject asset and the cue
    skip_reach: int = 20  # characters either side of a cue where a skip word vetoes it
    max_score: float = 100.0  # an index reads 0-100


# --- the lexicon -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Spec:
    """One metric entry of the data file, compiled, with its rule tables."""

    entry: MetricCue
    cue: Caseless
    skip_words: Caseless | None  # words around the cue that veto it
    context_words: Caseless | None  # words the cue's sentence (or the one before) must hold
    skip: Table | None  # metric.skip.<id>
    context: Table | None  # metric.no_context.<id>
    percent_change: Table | None  # metric.percent_change.<id>_fall / _rise
    make: Table  # metric.change.<id>_fall / _rise, then metric.cue.<id>

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
    percent_fall: re.Pattern  # a fall word between a cue and its percent: "is down 1.8%"
    percent_rise: re.Pattern
    listed: re.Pattern  # a gap that joins two values of a list
    range_end: re.Pattern  # a gap that makes the next value the end of a range ("from $X to $Y")
    score: re.Pattern
    hashrate: re.Pattern


def _score_re(ms) -> re.Pattern:
    """An index reading: "48/100", "48 out of 100", or a bare number 0-100 (not a percent, amount, span or ordinal)."""
    return re.compile(
        rf"""
        (?<![\w$€£.,/-])                  # not part of a larger number, price or fraction
        (?P<num>\d{{1,3}}(?:\.\d+)?)      # the reading
        (?!\d|,\d|\.\d)                   # whole number only
        (?P<den>\s?(?:/|out\s+of)\s?(?:a\s+(?:total\s+)?(?:possible\s+)?(?:of\s+)?)?100\b)?   # "/100", "out of 100"
        (?!\s?(?:{alternation(ms.score_not_before)}|{SCALE}|(?:{alternation(ms.score_not_suffixes)})\b
             |[-\s]?(?:{alternation(ms.score_not_units)})s?\b))   # not a percent, amount, ordinal or span
        """,
        re.VERBOSE,
    )


def _spec(entry: MetricCue) -> Spec:
    name, change = entry.id, entry.change
    skip_re = Caseless(entry.skip.pattern) if entry.skip else None
    ctx_re = Caseless(entry.context.pattern) if entry.context else None
    skip = context = pct = None
    if entry.skip:
        skip = Table(f"metric.skip.{name}", [Rule(f"metric.skip.{name}", entry.skip.doc, lambda c: bool(skip_re.search(c.around)))])
    if entry.context:
        context = Table(f"metric.no_context.{name}", [
            Rule(f"metric.no_context.{name}", entry.context.doc, lambda c: not c.in_context(name, ctx_re))])
    if entry.percent_change:
        pct = Table(f"metric.percent_change.{name}", [
            Rule(f"metric.percent_change.{name}_fall", f"a fall word between the cue and the percent after it ('is down 1.8%'): {change} in percent, negative",
                 lambda v: bool(cues().percent_fall.search(v.after_cue)) and -1),
            Rule(f"metric.percent_change.{name}_rise", f"a rise word between the cue and the percent after it ('rose 0.7%'): {change} in percent, positive",
                 lambda v: bool(cues().percent_rise.search(v.after_cue)) and 1),
        ])
    make = []
    if change:
        make += [
            Rule(f"metric.change.{name}_fall", f"a fall word right before the amount ('shed', 'fell by', 'a drop of'): {change}, negative",
                 lambda v: bool(cues().change_fall.search(v.left)) and -1),
            Rule(f"metric.change.{name}_rise", f"a rise word right before the amount ('added', 'rose by', 'a gain of'): {change}, positive",
                 lambda v: bool(cues().change_rise.search(v.left)) and 1),
        ]
    make.append(Rule(f"metric.cue.{name}", entry.doc, lambda v: True))
    return Spec(entry, Caseless(entry.cue_pattern), skip_re, ctx_re, skip, context, pct, Table(f"metric.make.{name}", make))


@compiled
def cues() -> Cues:
    """The metric lexicon and its rule tables, compiled once."""
    ms, g = lexicon("metric_patterns"), lexicon("grammar")
    approx = alternation(list(g.approximators) + list(g.additive_words))

    def before_amount(words) -> re.Pattern:
        return re.compile(rf"(?<![\w-])(?:{alternation(words)})\s+(?:{approx}\s+)*$", re.I)

    def before_percent(words) -> re.Pattern:
        return re.compile(rf"(?<![\w-])(?:{alternation(words)})(?:\s+by)?\s+(?:{approx}\s+)*$", re.I)

    return Cues(
        specs=tuple(_spec(e) for e in ms.metrics),
        volume_kinds=dict(ms.volume_kinds),
        currencies=frozenset(ms.currencies),
        change_fall=before_amount(ms.change_negative),
        change_rise=before_amount(ms.change_positive),
        percent_fall=before_percent(ms.percent_change_negative),
        percent_rise=before_percent(ms.percent_change_positive),
        listed=re.compile(rf",|\b{alternation(ms.list_words)}\b"),
        range_end=re.compile(rf"\b{alternation(ms.range_words)}\s+(?:{approx}\s+)*$"),
        score=_score_re(ms),
        hashrate=re.compile(rf"(?P<num>\d{{1,3}}(?:,\d{{3}})*(?:\.\d+)?)\s?(?:{pattern_alternation(ms.hashrate_unit_patterns)})", re.I),
    )


# --- what a rule sees --------------------------------------------------------------------------

@dataclass(frozen=True)
class CueSpan:
    """Where a cue of a metric stands (a value never belongs across another metric's cue)."""

    start: int
    end: int
    metric: str


@dataclass
class DocCues:
    """Every cue match of the doc (each cue pattern runs once per doc), by spec and by position."""

    matches: list[list[re.Match]]
    index: SpanIndex[CueSpan]
    longest: int

    @classmethod
    def find(cls, fd: FinDoc) -> "DocCues":
        matches = [list(spec.cue.finditer(fd.text)) for spec in cues().specs]
        spans = [CueSpan(m.start(), m.end(), spec.entry.metric) for spec, ms in zip(cues().specs, matches) for m in ms]
        return cls(matches, SpanIndex(spans), max((s.end - s.start for s in spans), default=0))

    def next_other(self, metric: str, lo: int, hi: int) -> int:
        """Where the first cue of another metric starts inside ``lo:hi`` (``hi`` if none)."""
        idx = self.index
        for c in idx.items[bisect_left(idx.starts, lo) : bisect_left(idx.starts, hi)]:
            if c.metric != metric:
                return c.start
        return hi

    def last_other_end(self, metric: str, lo: int, hi: int) -> int:
        """The last end of a cue of another metric inside ``lo+1 .. hi`` (``lo`` if none)."""
        ends = [c.end for c in self.index.overlapping(lo, hi, self.longest) if c.metric != metric and lo < c.end <= hi]
        return max([lo] + ends)


@dataclass
class Cue:
    """A metric cue in the text and the windows around it (what the gate rules see)."""

    fd: FinDoc
    spec: Spec
    match: re.Match
    config: Config

    @property
    def start(self) -> int:
        return self.match.start()

    @property
    def end(self) -> int:
        return self.match.end()

    @cached_property
    def sent(self) -> Sentence:
        return self.fd.sentence_at(self.start)

    @cached_property
    def around(self) -> str:
        """The text either side of the cue where a skip word vetoes it."""
        reach = self.config.skip_reach
        return self.fd.text[max(self.sent.start_char, self.start - reach) : self.end + reach]

    def in_context(self, name: str, pattern: Caseless) -> bool:
        """``pattern`` (the context of metric ``name``) is found in the cue's sentence or the one before it."""
        if _sentence_has(self.fd, self.sent, name, pattern):
            return True
        return self.sent.start_char != 0 and _sentence_has(self.fd, self.fd.sentence_at(self.sent.start_char - 1), name, pattern)

    @cached_property
    def metric(self) -> str:
        """The metric name: a volume takes its kind from the word before it ("spot volume")."""
        name = self.spec.entry.metric
        if name != "volume":
            return name
        kind = self.match.groupdict().get("kind")
        if kind is None:
            return "volume"
        kinds = cues().volume_kinds
        return kinds.get(kind) or kinds.get(kind.lower()) or "volume"

    @cached_property
    def subject(self) -> str | None:
        """The asset named right before the cue, for metrics that take one (else their default)."""
        entry = self.spec.entry
        if entry.subject != "asset_before":
            return None
        gap, lo = self.config.subject_gap, self.sent.start_char
        near = [a for a in self.fd.assets.overlapping(self.start - gap - 1, self.start)
                if lo <= a.start and a.end <= self.start and self.start - a.end <= gap]
        return near[-1].asset.id if near else entry.default_subject


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
    kind: str  # money | percent | score | hashrate
    currency: str | None = None
    scaled: bool = False

    @property
    def text(self) -> str:
        return self.cue.fd.text[self.start : self.end]

    @cached_property
    def left(self) -> str:
        """The sentence text right before the value, where its change word stands."""
        fd, reach = self.cue.fd, self.cue.config.change_reach
        return fd.text[max(self.cue.sent.start_char, self.start - reach) : self.start]

    @cached_property
    def after_cue(self) -> str:
        """The text between the cue and the value."""
        return self.cue.fd.text[self.cue.end : self.start]

    def inside(self, index: SpanIndex) -> bool:
        """The value starts inside an item of ``index`` (a date, a money figure)."""
        return any(x.start <= self.start < x.end for x in index.overlapping(self.start, self.start + 1))


MONEY_VALUES = Table("metric.value.money", [
    Rule("metric.value.currency", "money in a currency other than dollars, euros or pounds",
         lambda v: v.currency not in cues().currencies),
    Rule("metric.value.unscaled", "the metric is an amount written with a scale word ('$2.1 billion'): a bare '$91,000' is a price",
         lambda v: v.cue.spec.entry.scaled and not v.scaled),
])
SCORE_VALUES = Table("metric.value.score", [
    Rule("metric.value.in_date", "a number inside a date ('March 12') is not an index reading", lambda v: v.inside(v.cue.fd.days)),
    Rule("metric.value.in_money", "a number inside a money figure ('45 dollars') is not an index reading", lambda v: v.inside(v.cue.fd.money)),
    Rule("metric.value.over_max", "an index reads 0 to 100: a larger number is something else",
         lambda v: v.number > v.cue.config.max_score),
])
VALUES: dict[str, Table] = {"money": MONEY_VALUES, "score": SCORE_VALUES}  # what rules a figure of each kind out

NAME_PERCENT = outcome("metric.name.percent", "a percent inside a metric's cue ('2% market depth') is part of its name: "
                                              "not a value, and not a percent move (a blocker for percent_move)")
NOT_READ = outcome("metric.dropped.not_read", "a value in a cue's window that the cue does not read: not the first after it, "
                                              "not listed with it or behind a change word, not the nearest before it")
NO_CHANGE_WORD = outcome("metric.dropped.no_change_word", "the first percent after a market-cap cue has no change word before it "
                                                          "('is down', 'rose'): not a change in percent")


def tables() -> tuple[Table, ...]:
    """Every table of the module: each metric's gates and makers, then the value rules."""
    out = []
    for spec in cues().specs:
        out += [t for t in (spec.skip, spec.percent_change, spec.context) if t is not None] + [spec.make]
    return (*out, MONEY_VALUES, SCORE_VALUES)


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


_FIGURES: dict[str, Callable[[Cue, int, int], list[Value]]] = {
    "money": lambda c, lo, hi: [Value(c, m.start, m.end, m.value, "money", m.currency, m.scaled) for m in c.fd.money.within(lo, hi)],
    "percent": lambda c, lo, hi: [Value(c, p.start, p.end, p.value, "percent") for p in c.fd.percents.within(lo, hi)],
    "score": lambda c, lo, hi: [Value(c, m.start(), m.end(), float(m.group("num")), "score")
                                for m in cues().score.finditer(c.fd.text, lo, hi)],
    "hashrate": lambda c, lo, hi: [Value(c, m.start(), m.end(), parse_number(m.group("num")), "hashrate")
                                   for m in cues().hashrate.finditer(c.fd.text, lo, hi)],
}


def _values(r: Reading, cue: Cue, lo: int, hi: int) -> list[Value]:
    """Figures of the cue's kind inside ``lo:hi`` that no earlier cue read, in text order."""
    return [v for v in _FIGURES[cue.spec.entry.value](cue, lo, hi) if not r.is_read(v.start, v.end)]


def _usable(r: Reading, values: list[Value]) -> list[Value]:
    """The values no ``VALUES`` rule of their kind rules out (each one a candidate)."""
    out = []
    for v in values:
        cand = r.candidate(v.start, v.end)
        table = VALUES.get(v.kind)
        hit = table.first(v, cand.trace) if table is not None else None
        if hit is not None:
            r.settle(cand, "blocked", hit.id, lambda: f"{_cue_note(v.cue)}: {hit.rule.doc}")
            continue
        out.append(v)
    return out


def _cue_note(cue: Cue) -> str:
    """How a trace names a cue."""
    return f"cue {cue.match.group()!r} ({cue.spec.id})"


def _after_window(r: Reading, cue: Cue) -> tuple[int, int]:
    """After the cue: in its sentence, within its reach, not past another metric's cue."""
    entry = cue.spec.entry
    hi = min(cue.sent.end_char, cue.end + entry.after)
    return cue.end, r.doc_cues.next_other(entry.metric, cue.end, hi)


def _before_window(r: Reading, cue: Cue) -> tuple[int, int]:
    """Before the cue: in its sentence, within its reach, not before another metric's cue."""
    entry = cue.spec.entry
    lo = max(cue.sent.start_char, cue.start - entry.before)
    return r.doc_cues.last_other_end(entry.metric, lo, cue.start), cue.start


def _follows(r: Reading, cue: Cue, prev: Value, v: Value) -> bool:
    """``v`` is listed after ``prev`` ("$1.9 billion in longs and $310 million in shorts") or stands
    behind a change word ("to $2.41 trillion, a drop of $96 billion")."""
    gap = r.fd.text[prev.end : v.start]
    lx = cues()
    if len(gap) <= r.config.list_gap and lx.listed.search(gap) and not lx.range_end.search(gap):
        return True
    return bool(cue.spec.entry.change and (lx.change_fall.search(v.left) or lx.change_rise.search(v.left)))


def _pick(r: Reading, cue: Cue) -> list[Value]:
    """The values the cue reads: the first after it and those that follow it in a list or behind a
    change word; with none after it, the nearest before it. The others are dropped."""
    after = _usable(r, _values(r, cue, *_after_window(r, cue)))
    if after:
        picked = [after[0]]
        for v in after[1:]:
            if _follows(r, cue, picked[-1], v):
                picked.append(v)
            else:
                r.settle(r.candidate(v.start, v.end), "dropped", NOT_READ.id, lambda: f"{_cue_note(cue)} reads {picked[0].text!r}")
        return picked
    if not cue.spec.entry.before:
        return []
    before = _usable(r, _values(r, cue, *_before_window(r, cue)))
    for v in before[:-1]:
        r.settle(r.candidate(v.start, v.end), "dropped", NOT_READ.id, lambda: f"{_cue_note(cue)} reads the nearest before it")
    return before[-1:]


# --- facts -------------------------------------------------------------------------------------

def _period(fd: FinDoc, sent: Sentence, start: int, end: int) -> str | None:
    """The duration of the period phrase of ``sent`` nearest to ``start:end`` (the earlier one on a tie)."""
    table = fd.cached("metric_periods", dict)
    if sent.i not in table:
        found = list(finditer_periods(sent.text, sent.start_char))
        table[sent.i] = ([s for s, _, _ in found], found)
    starts, found = table[sent.i]
    k = bisect_left(starts, end)  # periods are disjoint and sorted: the nearest is found[k - 1] or found[k]
    best = (start - found[k - 1][1], found[k - 1][2]) if k else None
    if k < len(found) and (best is None or found[k][0] - end < best[0]):
        best = (found[k][0] - end, found[k][2])
    return best[1] if best else None


def _make(r: Reading, cue: Cue, v: Value, metric: str, value: float, unit: str, rule: str) -> None:
    fd = r.fd
    fact = MarketMetricFact(
        metric=metric,
        subject=cue.subject,
        value=value,
        unit=unit,
        period=_period(fd, cue.sent, v.start, v.end),
        rule=rule,
        **grounding(fd, v.start, v.end, evidence_span=(min(cue.start, v.start), max(v.end, cue.end))),
    )
    cand = r.candidate(v.start, v.end)
    if r.out.tracing:
        cand.trace.note(f"{_cue_note(cue)} reads it" + (f"; subject {cue.subject}" if cue.subject else ""))
    cand.made(fact, rule)
    r.mark_read(v.start, v.end)


def _read_values(r: Reading, cue: Cue) -> None:
    """Stages 5-7: the values the cue reads become facts of the metric or of its change."""
    for v in _pick(r, cue):
        fired = cue.spec.make.first(v, r.candidate(v.start, v.end).trace)
        if fired.id == cue.spec.cue_rule:
            _make(r, cue, v, cue.metric, v.number, cue.spec.entry.unit, fired.id)
        else:  # a change rule: its value is the sign
            _make(r, cue, v, cue.spec.entry.change, abs(v.number) * fired.value, cue.spec.entry.unit, fired.id)


def _percent_change(r: Reading, cue: Cue) -> None:
    """Stage 3: the first unread percent after the cue, with a change word before it."""
    fd = r.fd
    limit = min(cue.sent.end_char, cue.end + r.config.percent_change_reach)
    pcts = fd.percents
    for p in pcts.items[bisect_left(pcts.starts, cue.end) : bisect_left(pcts.starts, limit + 1)]:
        if r.is_read(p.start, p.end):
            continue
        v = Value(cue, p.start, p.end, p.value, "percent")
        cand = r.candidate(p.start, p.end)
        fired = cue.spec.percent_change.first(v, cand.trace)
        if fired is None:
            r.settle(cand, "dropped", NO_CHANGE_WORD.id, lambda: f"{_cue_note(cue)}: no change word before it")
        else:
            _make(r, cue, v, cue.spec.entry.change, abs(p.value) * fired.value, "percent", fired.id)
        return


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
    values = _values(r, cue, *_after_window(r, cue))
    if not values and cue.spec.entry.before:
        values = _values(r, cue, *_before_window(r, cue))
    for v in values:
        r.settle(r.candidate(v.start, v.end), "blocked", fired.id, lambda: f"{_cue_note(cue)}: {fired.rule.doc}")


def _read_cue(r: Reading, cue: Cue) -> None:
    """The stages of one cue (module docstring)."""
    spec = cue.spec
    if spec.skip is not None and (hit := spec.skip.first(cue)) is not None:
        _veto(r, cue, hit)
        return
    if spec.percent_change is not None:
        _percent_change(r, cue)
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
    default_config={"strict": False, "list_gap": 40, "change_reach": 40, "percent_change_reach": 90, "subject_gap": 12,
                    "skip_reach": 20, "max_score": 100.0},
)
def make_component(nlp: Language, name: str, strict: bool, list_gap: int, change_reach: int, percent_change_reach: int,
                   subject_gap: int, skip_reach: int, max_score: float) -> FactComponent:
    config = Config(list_gap=list_gap, change_reach=change_reach, percent_change_reach=percent_change_reach,
                    subject_gap=subject_gap, skip_reach=skip_reach, max_score=max_score)
    return FactComponent(name, propose, config, strict=strict)
