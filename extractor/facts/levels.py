"""``price_level`` facts (see spec FACTS.md): support, resistance, targets, range bounds.

A dollar figure (or, for indices, a bare number) becomes a level when its
clause names it as one:

- a kind noun next to it ("the $2.50 resistance", "support at $168", "$60,000 as a key support level");
- a range ("between $55,000 and $75,000", "$1.50-$1.60 support zone", "$1,200-1,300 range");
- a moving-average value ("the 20-day EMA ($97,238)");
- a level verb in the present or infinitive ("needs to reclaim $73,000", "defend $644");
- a hypothetical clause ("could rally to $210", "if the price closes above 5,800") — figures
  of forecasts and technical scenarios are levels, never traded prices.

Every figure made a level is claimed (``context.claim``) so ``fin_prices`` skips it.
All cue words live in ``data/level_cues.json`` and ``data/price_context.json``.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from extractor.facts.context import (
    FactComponent,
    asset_for,
    claim,
    claimed_by,
    clause_after,
    clause_before,
    doc_text,
    figure_context,
    grounding,
    money,
    section_asset,
    sentence_at,
)
from extractor.facts.doc import view
from extractor.facts.speakers import person_near
from extractor.normalize.numbers import NUMBER, SCALE, parse_number, scale_factor
from extractor.records import PriceLevelFact
from extractor.data import pattern_alternation, read_json

log = logging.getLogger(__name__)

OWNER = "price_level"
MAX_SCALE = 1e3  # "$62K" may be a level; "$1.7 billion" never is


@dataclass(frozen=True)
class Cues:
    kind_left: dict[str, re.Pattern]
    kind_right: dict[str, re.Pattern]
    kind_anywhere: dict[str, re.Pattern]
    generic_left: re.Pattern
    generic_right: re.Pattern
    range_left: re.Pattern
    range_right: re.Pattern
    verbs: dict[str, re.Pattern]
    hyp_verbs: dict[str, re.Pattern]
    after_target: re.Pattern
    moving_average: re.Pattern
    described_as: re.Pattern


@lru_cache(maxsize=1)
def cues() -> Cues:
    """The level lexicon, compiled once."""
    lv = read_json("level_cues.json")
    fill = rf"(?:\s+|,\s*|\b(?:{pattern_alternation(lv['filler'])})\b|\(|\))*"
    flags = re.IGNORECASE
    kind_left, kind_right, kind_any = {}, {}, {}
    for kind, nouns in lv["kind_nouns"].items():
        n = pattern_alternation(nouns)
        # noun, then only filler words up to the figure: "support level at", "resistance near"
        # (whole words, also within hyphenated compounds: the "cap" of "large-cap" is no ceiling)
        kind_left[kind] = re.compile(rf"(?<![\w-])(?:{n})(?![\w-])(?:\s+\w+){{0,6}}?{fill}$", flags)
        # figure, then filler words, then the noun: "$2.50 resistance", "$60,000 as a key support level"
        kind_right[kind] = re.compile(rf"^{fill}(?<![\w-])(?:{n})(?![\w-])", flags)
        kind_any[kind] = re.compile(rf"(?<![\w-])(?:{n})(?![\w-])", flags)
    generic = pattern_alternation(lv["generic_nouns"])
    verbs = {k: re.compile(rf"\b(?:{pattern_alternation(v)}){fill}$", flags) for k, v in lv["verbs"].items()}
    return Cues(
        kind_left=kind_left,
        kind_right=kind_right,
        kind_anywhere=kind_any,
        generic_left=re.compile(rf"\b(?:{generic})\s+(?:of|at|near|around)\s+(?:the\s+)?$", flags),
        generic_right=re.compile(rf"^\s*(?:\w+\s+){{0,2}}(?:{generic})\b", flags),
        range_left=re.compile(rf"\b(?:{pattern_alternation(lv['range_openers'])})\s+(?:roughly\s+|about\s+|around\s+)?$", flags),
        range_right=re.compile(rf"^\s*(?:\w+\s+)?(?:trading\s+|price\s+)?(?:{pattern_alternation(lv['range_nouns'])})\b", flags),
        verbs=verbs,
        hyp_verbs={k: re.compile(rf"\b(?:{pattern_alternation(v)}){fill}$", flags) for k, v in lv["hyp_verbs"].items()},
        after_target=re.compile(rf"^\s*(?:\w+\s+)?(?:{pattern_alternation(lv['after_target'])})\b", flags),
        moving_average=re.compile(rf"{lv['moving_average']}(?:,?\s+\w+){{0,2}}\s*(?:\(|at|near|around|of)\s*$", flags),
        described_as=re.compile(
            rf"^,?\s*(?:which|that)\s+(?:is|was|has\s+been|are|were)\s+(?:\w+\s+){{0,2}}(?:{pattern_alternation(lv['described_as'])})\s+as\b", flags
        ),
    )


# --- candidates -------------------------------------------------------------------

@dataclass
class Figure:
    """A number that may be a level: ``start:end`` in the doc text, its value."""

    start: int
    end: int
    value: float
    bare: bool = False  # written without a currency sign


@dataclass
class Group:
    """Figures joined by connectors: a range ("$2 and $2.65") or a chain ("$0.10 or even $0.08")."""

    figures: list[Figure]
    is_range: bool = False
    kinds: list[str | None] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.figures[0].start

    @property
    def end(self) -> int:
        return self.figures[-1].end


_RANGE_TAIL = re.compile(
    rf"""
    \s?[-–]\s?              # a hyphen or en dash right after the first figure
    (?:US)?\$?              # the second figure may repeat the currency sign
    (?P<num>{NUMBER})       # 1,300 / 1.60
    (?:\s?(?P<scale>[kK])(?![A-Za-z]))?  # optional K
    """,
    re.VERBOSE,
)

_BARE = re.compile(
    rf"""
    (?<![\w$.,/£€-])                 # not part of a money figure, ticker or date
    (?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+\.\d+|\d{{3,}})  # 5,800 / 100.42 / 6147
    (?![\w%]|[.,]\d|-|\s?(?:%|percent|per\s?cent|points?|pts|bps|basis|x\b|times|days?|weeks?|months?|years?|hours?|BTC|ETH|coins?|tokens?|shares?|contracts?|million|billion|trillion))
    """,
    re.VERBOSE | re.IGNORECASE,
)

_CONNECTOR = re.compile(
    r"""
    ^\s*(?:,\s*)?
    (?P<conn>-|–|to|and|or|or\s+even|and\s+then(?:\s+(?:to|at))?|and\s+thereafter(?:\s+to)?|then(?:\s+(?:to|at))?|followed\s+by|from)
    \s*(?:the\s+)?(?:\d{1,3}-(?:day|week)\s+)?(?:(?:exponential|simple)\s+)?(?:moving\s+average|EMA|SMA|MA)?\s*\(?\s*$
    """,
    re.VERBOSE | re.IGNORECASE,
)


def _figures(doc: Doc) -> list[Figure]:
    """Dollar figures (K at most), their range tails, and bare numbers next to an index."""
    out: list[Figure] = []
    text = doc_text(doc)
    for m in money(doc):
        if m.currency != "USD" or (m.scaled and _scale_of(text[m.start : m.end]) > MAX_SCALE):
            continue  # "$1.7 billion" is an amount, not a level
        out.append(Figure(m.start, m.end, m.value))
        tail = _RANGE_TAIL.match(text, m.end)
        if tail and not text[tail.end() : tail.end() + 1].isalnum():
            try:
                val = parse_number(tail.group("num")) * scale_factor(tail.group("scale"))
            except ValueError:
                continue
            if tail.group("scale") is None and m.scaled:
                val *= _scale_of(text[m.start : m.end])
            if "$" not in tail.group(0):
                out.append(Figure(tail.start("num"), tail.end(), val))
    taken = [(f.start, f.end) for f in out]
    for b in _BARE.finditer(text):
        if any(s <= b.start() < e for s, e in taken):
            continue
        try:
            val = parse_number(b.group("num"))
        except ValueError:
            continue
        if "," not in b.group("num") and "." not in b.group("num") and 1900 <= val <= 2100:
            continue  # a year
        near = asset_for(doc, b.start(), b.end()) or section_asset(doc, b.start())
        if near is None or near.asset.kind != "index":
            continue
        out.append(Figure(b.start(), b.end(), val, bare=True))
    return sorted(out, key=lambda f: f.start)


def _scale_of(money_text: str) -> float:
    """The scale factor written in a money expression.

    >>> _scale_of("$62K"), _scale_of("$1.7 billion"), _scale_of("$0K"), _scale_of("$5")
    (1000.0, 1000000000.0, 1000.0, 1.0)
    """
    m = re.search(rf"\d\s?({SCALE})", money_text)
    return scale_factor(m.group(1)) if m else 1.0


def _groups(doc: Doc, figures: list[Figure]) -> list[Group]:
    groups: list[Group] = []
    for f in figures:
        if groups:
            prev = groups[-1]
            gap = doc_text(doc)[prev.end : f.start]
            m = _CONNECTOR.match(gap)
            if m and sentence_at(doc, prev.end - 1).start == sentence_at(doc, f.start).start:
                conn = m.group("conn").strip().lower()
                before = clause_before(doc, prev.start)
                if conn == "to" and re.search(r"\bfrom\s+(?:\w+\s+)?$", before, re.IGNORECASE):
                    groups.append(Group([f]))  # "from $X to $Y" is a move, not a range
                    continue
                prev.figures.append(f)
                if conn in ("-", "–") or (conn in ("to", "and") and len(prev.figures) == 2):
                    prev.is_range = prev.is_range or conn in ("-", "–") or _range_context(doc, prev)
                continue
        groups.append(Group([f]))
    return groups


def _range_context(doc: Doc, g: Group) -> bool:
    c = cues()
    before = clause_before(doc, g.start)
    after = clause_after(doc, g.figures[-1].end)
    return bool(c.range_left.search(before) or c.range_right.search(after) or re.search(r"\bbetween\s+(?:\w+\s+)?$", before, re.I)
                or any(p.search(after) for p in c.kind_right.values()) or c.generic_right.search(after))


# --- classification ---------------------------------------------------------------

def _kind_from_verbs(left: str, hypothetical: bool) -> tuple[bool, str | None]:
    """``(is_level, kind)`` from a level verb just before the figure."""
    c = cues()
    for kind in ("resistance", "support"):
        if c.verbs[kind].search(left) or (hypothetical and c.hyp_verbs[kind].search(left)):
            return True, kind
    if hypothetical and c.verbs["target"].search(left):
        return True, "target"
    return False, None


def _classify(doc: Doc, g: Group, floor: int) -> tuple[str, str | None] | None:
    """``(rule, kind)`` when the group is a level, else ``None``."""
    c = cues()
    text = doc_text(doc)
    left = clause_before(doc, g.start, floor)
    right = clause_after(doc, g.end)
    fc = figure_context()
    if fc.rules_out(left, right):
        return None
    sent = sentence_at(doc, g.start)
    if fc.related.search(text[sent.start_char : g.start]) or fc.related.search(_line_of(text, g.start)):
        return None
    whole = clause_before(doc, g.start)  # the clause without the floor: "will have to push above $660 to start a move toward $720"
    hyp = fc.is_hypothetical(whole) or bool(fc.hypothetical.search(right[:60]) and not fc.past_motion.search(right[:60]))

    named = _named_kind(left, right)
    if named:
        return f"level_noun_{named}", named
    if c.described_as.search(right):  # "$60,000, which is seen as a key level"
        kind = next((k for k in ("support", "resistance", "target") if c.kind_anywhere[k].search(right[:100])), None)
        return "level_described", kind
    if re.match(r"^,\s*(?:a|the|its)\s+", right, re.I):  # "$0.12, a zone that ... is a crucial support"
        for kind in ("support", "resistance", "target"):
            if c.kind_anywhere[kind].search(right[:120]):
                return f"level_appositive_{kind}", kind
    if c.moving_average.search(left):
        kind = "resistance" if c.kind_anywhere["resistance"].search(right[:80]) else "support"
        return "level_moving_average", kind
    if g.is_range:
        if hyp and c.verbs["target"].search(left):
            return "level_range_target", "target"
        if c.hyp_verbs["resistance"].search(left) or c.verbs["resistance"].search(left):
            return "level_range_reclaim", "resistance"
        return "level_range", "range"
    is_level, kind = _kind_from_verbs(left, hyp)
    if is_level:
        return f"level_verb_{kind}", kind
    if hyp:
        if re.search(r"\b(?:at|around|near|about|above|below|under|over|of)\s+(?:\w+\s+)?$", left, re.I) or c.generic_right.search(right):
            kind = "target" if re.search(r"\b(?:trade|be|sit|reach|hit)\s+(?:at\s+)?(?:around|near|about|above|below|at)?\s*$", left, re.I) else None
            return "level_hypothetical", kind
        if c.after_target.search(right):
            return "level_hypothetical", "target"
    if c.after_target.search(right) and not fc.past_motion.search(left):
        return "level_after_target", "target"
    if (c.generic_left.search(left) or c.generic_right.search(right)) and not fc.past_motion.search(left) and not re.search(
        r"\b(?:above|below|under|over|near|around)\s+(?:\w+\s+){0,2}$", left, re.I
    ):
        return "level_generic", None
    return None


def _named_kind(left: str, right: str) -> str | None:
    """The kind noun standing nearest the figure ("support at $X", "$X resistance"), if any."""
    c = cues()
    best: tuple[int, str] | None = None
    for kind in ("support", "resistance", "target"):
        m = c.kind_left[kind].search(left)
        if m:
            dist = len(left) - m.start()
            best = min(best, (dist, kind)) if best else (dist, kind)
        m = c.kind_right[kind].search(right)
        if m:
            dist = m.end()
            best = min(best, (dist, kind)) if best else (dist, kind)
    return best[1] if best else None


def _line_of(text: str, pos: int) -> str:
    lo = text.rfind("\n", 0, pos) + 1
    return text[lo:pos]


def extract_levels(doc: Doc) -> list[PriceLevelFact]:
    """All ``price_level`` facts of ``doc``."""
    out: list[PriceLevelFact] = []
    prev_end = 0
    for g in _groups(doc, _figures(doc)):
        if any(claimed_by(doc, f.start, f.end) for f in g.figures):
            prev_end = g.end
            continue
        verdict = _classify(doc, g, prev_end)
        prev_end = g.end
        if verdict is None:
            continue
        rule, kind = verdict
        asset = asset_for(doc, g.start, g.end) or section_asset(doc, g.start)
        if asset is None:
            log.debug("level without asset at %d: %r", g.start, doc_text(doc)[g.start : g.end])
            continue
        speaker = person_near(view(doc), g.start)
        for i, f in enumerate(g.figures):
            k = kind
            if kind == "range":
                k = "range_low" if i == 0 else "range_high" if i == len(g.figures) - 1 else None
                if len(g.figures) == 2 and g.figures[0].value > g.figures[1].value:
                    k = "range_high" if i == 0 else "range_low"
            claim(doc, f.start, f.end, OWNER)
            out.append(
                PriceLevelFact(
                    asset=asset.asset.id,
                    value=f.value,
                    kind=k,
                    speaker=speaker,
                    rule=rule,
                    **grounding(doc, f.start, f.end, when_span=(g.start, g.end)),
                )
            )
    return out


@Language.factory("fin_levels")
def make_component(nlp: Language, name: str) -> FactComponent:
    return FactComponent(extract_levels)
