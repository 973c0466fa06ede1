"""``market_metric`` facts (see spec FACTS.md): market-wide figures.

Each metric in ``data/metric_patterns.json`` has a cue ("market cap",
"dominance", "Fear & Greed Index", "liquidated" ...) and a kind of value
(money, percent, index score, hash rate). For every cue the nearest unclaimed
value of that kind in the same sentence, within the metric's window after (or
else before) the cue, is read and *claimed*, so that prices and percent moves
(which run later) do not read it again. A change verb just before the amount
("has fallen by US$467.6 billion", "erased $500 billion") turns a market cap
into a signed ``market_cap_change``; a cue like "up 0.65%" after a market cap
gives a change in percent.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from extractor.facts.context import doc_text
from spacy.tokens import Doc

from extractor.facts import context as C
from extractor.normalize.numbers import parse_number
from extractor.normalize.periods import finditer_periods
from extractor.records import MarketMetricFact
from extractor.data import alternation, read_json
from extractor.rx import Caseless

log = logging.getLogger(__name__)

OWNER = "market_metric"

APPROX = r"(?:about|around|roughly|nearly|almost|approximately|some|over|more\s+than|less\s+than|as\s+much\s+as|at\s+least|close\s+to|just\s+over|just\s+under|upwards\s+of|north\s+of|in\s+excess\s+of|a\s+further|another|an\s+additional)"

# An index reading: "48/100", "48 out of 100", or a bare number 0-100.
_SCORE_RE = re.compile(
    r"""
    (?<![\w$€£.,/-])                  # not part of a larger number, price or fraction
    (?P<num>\d{1,3}(?:\.\d+)?)        # the reading
    (?!\d|,\d|\.\d)                    # whole number only
    (?P<den>\s?(?:/|out\s+of)\s?(?:a\s+(?:total\s+)?(?:possible\s+)?(?:of\s+)?)?100\b)?   # "/100", "out of 100"
    (?!\s?(?:%|percent|pct|bps|basis|[-\s]?days?\b|[-\s]?weeks?\b|[-\s]?months?\b|[-\s]?years?\b|[-\s]?hours?\b|th\b|st\b|nd\b|rd\b|x\b|[kKmMbB]\b|million|billion|trillion))  # not a percent, span or ordinal
    """,
    re.VERBOSE,
)

# A hash rate: "1,000 EH/s", "850 exahashes per second".
_HASHRATE_RE = re.compile(
    r"""
    (?P<num>\d{1,3}(?:,\d{3})*(?:\.\d+)?)   # the number
    \s?(?P<unit>[EPZT]H/s|exahash(?:es)?(?:\s+per\s+second)?)  # its unit
    """,
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True)
class _Spec:
    metric: str
    cue: re.Pattern
    value: str
    unit: str
    after: int
    before: int
    scaled: bool
    change: str | None
    percent_change: bool
    subject: str | None
    default_subject: str | None
    skip_if: Caseless | None
    context: Caseless | None


@dataclass(frozen=True)
class _Lex:
    specs: tuple[_Spec, ...]
    volume_kinds: dict
    change_neg: re.Pattern
    change_pos: re.Pattern
    pct_neg: re.Pattern
    pct_pos: re.Pattern


@lru_cache(maxsize=1)
def _lex() -> _Lex:
    data = read_json("metric_patterns.json")
    specs = tuple(
        _Spec(
            metric=m["metric"],
            cue=Caseless(m["cue"]),
            value=m["value"],
            unit=m["unit"],
            after=m.get("after", 60),
            before=m.get("before", 40),
            scaled=m.get("scaled", False),
            change=m.get("change"),
            percent_change=m.get("percent_change", False),
            subject=m.get("subject"),
            default_subject=m.get("default_subject"),
            skip_if=Caseless(m["skip_if"]) if m.get("skip_if") else None,
            context=Caseless(m["context"]) if m.get("context") else None,
        )
        for m in data["metrics"]
    )
    # a change verb right before the amount: "has fallen by (about) US$467.6 billion"
    def before_amount(words):
        return re.compile(rf"(?<![\w-])(?:{alternation(words)})\s+(?:{APPROX}\s+)*$", re.I)

    def before_pct(words):
        return re.compile(rf"(?<![\w-])(?:{alternation(words)})(?:\s+by)?\s+(?:{APPROX}\s+)*$", re.I)

    return _Lex(
        specs=specs,
        volume_kinds=data["volume_kinds"],
        change_neg=before_amount(data["change_negative"]),
        change_pos=before_amount(data["change_positive"]),
        pct_neg=before_pct(data["percent_change_negative"]),
        pct_pos=before_pct(data["percent_change_positive"]),
    )


@dataclass
class _Value:
    start: int
    end: int
    value: float
    unit: str | None = None


def _day_spans(doc: Doc) -> list[tuple[int, int]]:
    return [(d.start, d.end) for d in C.days(doc)]


def _candidates(doc: Doc, spec: _Spec, lo: int, hi: int) -> list[_Value]:
    """Unclaimed values of ``spec``'s kind inside ``lo:hi``."""
    out: list[_Value] = []
    if spec.value == "money":
        for m in C.money(doc):
            if lo <= m.start and m.end <= hi and m.currency in ("USD", "EUR", "GBP") and (m.scaled or not spec.scaled):
                out.append(_Value(m.start, m.end, m.value))
    elif spec.value == "percent":
        out = [_Value(s, e, v) for s, e, v in C.percents(doc) if lo <= s and e <= hi]
    elif spec.value == "score":
        days = _day_spans(doc)
        money = [(m.start, m.end) for m in C.money(doc)]
        for m in _SCORE_RE.finditer(doc_text(doc), lo, hi):
            s, e = m.start(), m.end()
            if any(a <= s < b for a, b in days + money):
                continue
            value = float(m.group("num"))
            if value > 100:
                continue
            out.append(_Value(s, e, value, "out_of" if m.group("den") else None))
    elif spec.value == "hashrate":
        for m in _HASHRATE_RE.finditer(doc_text(doc), lo, hi):
            out.append(_Value(m.start(), m.end(), parse_number(m.group("num"))))
    return [v for v in out if not C.claimed_by(doc, v.start, v.end)]


def _cue_matches(doc: Doc) -> list[list[re.Match]]:
    """Each spec's cue matches in the doc, in spec order (every cue regex runs once per doc)."""
    return C._cached(doc, "fin_metric_cue_matches", lambda: [list(spec.cue.finditer(doc_text(doc))) for spec in _lex().specs])


def _all_cues(doc: Doc) -> list[tuple[int, int, str]]:
    """``(start, end, metric)`` of every metric cue in the doc (a value never belongs across another metric's cue)."""

    def compute():
        return sorted((m.start(), m.end(), spec.metric) for spec, ms in zip(_lex().specs, _cue_matches(doc)) for m in ms)

    return C._cached(doc, "fin_metric_cues", compute)


def _pick(doc: Doc, spec: _Spec, sent: C.Sentence, cue: re.Match) -> list[_Value]:
    """The values a cue refers to: those after it (not past another metric's cue), else the nearest before.

    The first one after the cue, plus any that follow it in a list ("$1.9 billion in longs and $310 million
    in shorts") or behind a change word ("to $2.41 trillion, a drop of $96 billion").
    """
    lx = _lex()
    cues = _all_cues(doc)
    hi = min(sent.end_char, cue.end() + spec.after)
    hi = min([hi] + [s for s, e, m in cues if m != spec.metric and cue.end() <= s < hi])
    after = _candidates(doc, spec, cue.end(), hi)
    if after:
        out = [after[0]]
        for v in after[1:]:
            gap = doc_text(doc)[out[-1].end : v.start]
            left = doc_text(doc)[max(sent.start_char, v.start - 40) : v.start]
            listed = len(gap) <= 40 and re.search(r"(?:,|\band\b|\bwhile\b)", gap) and not re.search(r"\b(?:from|to)\s+(?:" + APPROX + r"\s+)*$", gap)
            if listed or (spec.change and (lx.change_neg.search(left) or lx.change_pos.search(left))):
                out.append(v)
        return out
    if spec.before:
        lo = max(sent.start_char, cue.start() - spec.before)
        lo = max([lo] + [e for s, e, m in cues if m != spec.metric and lo < e <= cue.start()])
        before = _candidates(doc, spec, lo, cue.start())
        if before:
            return [before[-1]]
    return []


def _subject(doc: Doc, spec: _Spec, sent: C.Sentence, cue: re.Match) -> str | None:
    if spec.subject != "asset_before":
        return None
    near = [a for a in C.assets(doc) if sent.start_char <= a.start and a.end <= cue.start() and cue.start() - a.end <= 12]
    if near:
        return near[-1].asset.id
    return spec.default_subject


def _period(sent: C.Sentence, start: int, end: int) -> str | None:
    best = None
    for s, e, dur in finditer_periods(sent.text, sent.start_char):
        dist = s - end if s >= end else start - e
        if best is None or dist < best[0]:
            best = (dist, dur)
    return best[1] if best else None


def _fact(doc: Doc, sent: C.Sentence, metric: str, subject, value: float, unit: str, cue: re.Match, v: _Value, rule: str) -> MarketMetricFact:
    C.claim(doc, v.start, v.end, OWNER)
    return MarketMetricFact(
        metric=metric,
        subject=subject,
        value=value,
        unit=unit,
        period=_period(sent, v.start, v.end),
        rule=rule,
        **C.grounding(doc, v.start, v.end, evidence_span=(min(cue.start(), v.start), max(v.end, cue.end()))),
    )


def _metric_name(spec: _Spec, cue: re.Match, lx: _Lex) -> str | None:
    if spec.metric != "volume":
        return spec.metric
    kind = cue.groupdict().get("kind")
    if kind is None:
        return "volume"
    return lx.volume_kinds.get(kind) or lx.volume_kinds.get(kind.lower()) or "volume"


def _percent_change(doc: Doc, sent: C.Sentence, cue: re.Match, spec: _Spec, subject) -> MarketMetricFact | None:
    """"market cap is up 0.65% over the last 24 hours": a change in percent."""
    lx = _lex()
    for s, e, v in C.percents(doc):
        if not (cue.end() <= s <= min(sent.end_char, cue.end() + 90)) or C.claimed_by(doc, s, e):
            continue
        left = doc_text(doc)[cue.end() : s]
        sign = -1 if lx.pct_neg.search(left) else (1 if lx.pct_pos.search(left) else None)
        if sign is None:
            return None
        return _fact(doc, sent, spec.change, subject, abs(v) * sign, "percent", cue, _Value(s, e, v), f"metric.{spec.change}.percent")
    return None


def _in_context(doc: Doc, spec: _Spec, sent: C.Sentence) -> bool:
    """The spec's context word appears in this sentence or the one before it ("... were liquidated. Longs lost $1.9 billion")."""
    if spec.context.search(sent.text):
        return True
    if sent.start_char == 0:
        return False
    prev = C.sentence_at(doc, sent.start_char - 1)
    return bool(spec.context.search(prev.text))


def extract_metrics(doc: Doc) -> list[MarketMetricFact]:
    """All ``market_metric`` facts of ``doc``."""
    lx = _lex()
    out: list[MarketMetricFact] = []
    for spec, matches in zip(lx.specs, _cue_matches(doc)):
        for cue in matches:
            sent = C.sentence_at(doc, cue.start())
            if spec.skip_if and spec.skip_if.search(doc_text(doc)[max(sent.start_char, cue.start() - 20) : cue.end() + 20]):
                continue
            metric = _metric_name(spec, cue, lx)
            subject = _subject(doc, spec, sent, cue)
            if spec.percent_change and spec.change:
                pc = _percent_change(doc, sent, cue, spec, subject)
                if pc:
                    out.append(pc)
            # a percent inside the cue ("1% market depth") is part of the name, not a move
            for s, e, _ in C.percents(doc):
                if cue.start() <= s and e <= cue.end():
                    C.claim(doc, s, e, OWNER)
            if spec.context and not _in_context(doc, spec, sent):
                continue
            for v in _pick(doc, spec, sent, cue):
                value, name, rule = v.value, metric, f"metric.{metric}"
                if spec.change:
                    left = doc_text(doc)[max(sent.start_char, v.start - 40) : v.start]
                    if lx.change_neg.search(left):
                        value, name, rule = -abs(value), spec.change, f"metric.{spec.change}"
                    elif lx.change_pos.search(left):
                        value, name, rule = abs(value), spec.change, f"metric.{spec.change}"
                out.append(_fact(doc, sent, name, subject, value, spec.unit, cue, v, rule))
    return out


@Language.factory("fin_metrics")
def make_component(nlp: Language, name: str) -> C.FactComponent:
    return C.FactComponent(extract_metrics)
