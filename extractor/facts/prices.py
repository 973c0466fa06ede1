"""``price`` facts (see spec FACTS.md): traded prices of a named asset.

A dollar figure is a price when
- no other fact type claimed it (levels, flows and metrics run first and claim theirs);
- it is not an amount (written with million/billion: flows and metrics) nor a cost basis,
  average purchase price, strike, market cap... (``not_a_price_*`` in ``data/price_context.json``);
- its clause is not hypothetical (forecasts and scenarios are levels, never prices);
- its clause has a price word ("traded", "slid", "hit", "record high"...) and the words right
  before it fit a price phrase, whose pattern names the qualifier
  ("near $62,692" -> near, "an all-time high of $109,000" -> record_high), or a move follows
  it ("$97,000, up 2%");
- an asset can be attributed to it (``context.asset_for``, then the section's subject).

Cue words live in ``data/price_cues.json`` and ``data/price_context.json``.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
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
from extractor.normalize.numbers import SCALE, scale_factor
from extractor.records import PriceFact
from extractor.data import pattern_alternation, read_json

log = logging.getLogger(__name__)

OWNER = "price"
MAX_SCALE = 1e3  # "$62K" can be a price; "$113.8M" is an amount
WORDS_BACK = 14  # how far back in the clause a price word may stand


@dataclass(frozen=True)
class Cues:
    price_words: re.Pattern
    qualifiers: tuple[tuple[str, re.Pattern], ...]
    from_fall: re.Pattern
    from_rise: re.Pattern
    move_after: re.Pattern
    move_before: re.Pattern


@lru_cache(maxsize=1)
def cues() -> Cues:
    """The price lexicon, compiled once."""
    pc = read_json("price_cues.json")
    flags = re.IGNORECASE
    return Cues(
        price_words=re.compile(rf"\b(?:{pattern_alternation(pc['price_words'])})\b", flags),
        qualifiers=tuple((q, re.compile(rf"(?:^|\b|(?<=\s)){pat}", flags)) for q, pat in pc["qualifiers"]),
        from_fall=re.compile(rf"\b(?:{pc['from_fall_verbs']})\b", flags),
        from_rise=re.compile(rf"\b(?:{pc['from_rise_verbs']})\b", flags),
        move_after=re.compile(pc["move_after"], flags),
        move_before=re.compile(pc["move_before"], flags),
    )


def _last_words(text: str, n: int) -> str:
    return " ".join(text.split()[-n:]) + (" " if text[-1:].isspace() else "")


def _scale_of(money_text: str) -> float:
    """The scale factor written in a money expression.

    >>> _scale_of("$125K"), _scale_of("$113.8M"), _scale_of("$0k"), _scale_of("$97,128")
    (1000.0, 1000000.0, 1000.0, 1.0)
    """
    m = re.search(rf"\d\s?({SCALE})", money_text)
    return scale_factor(m.group(1)) if m else 1.0


def _qualifier(doc: Doc, left_near: str, clause: str) -> tuple[str, str] | None:
    """``(rule, qualifier)`` from the words right before the figure."""
    c = cues()
    for q, pat in c.qualifiers:
        if pat.search(left_near):
            if q == "at" and re.search(r"\bfrom\s*$", left_near, re.I):
                if c.from_fall.search(clause):
                    return "price_from_to", "high"
                if c.from_rise.search(clause):
                    return "price_from_to", "low"
            if q == "at" and re.search(r"\bfrom\s+(?:near\s+|around\s+|about\s+)?\S+\s+to\s*$", clause, re.I):
                if c.from_fall.search(clause):
                    return "price_from_to", "low"
                if c.from_rise.search(clause):
                    return "price_from_to", "high"
            return f"price_{q}", q
    return None


def extract_prices(doc: Doc) -> list[PriceFact]:
    """All ``price`` facts of ``doc``."""
    c, fc = cues(), figure_context()
    text = doc_text(doc)
    out: list[PriceFact] = []
    mentions = money(doc)
    for i, m in enumerate(mentions):
        prev_end = mentions[i - 1].end if i else None
        next_start = mentions[i + 1].start if i + 1 < len(mentions) else None
        if m.currency != "USD" or (m.scaled and _scale_of(text[m.start : m.end]) > MAX_SCALE):
            continue
        if claimed_by(doc, m.start, m.end):
            continue
        sent = sentence_at(doc, m.start)
        line_start = text.rfind("\n", 0, m.start) + 1
        if fc.related.search(text[max(sent.start_char, line_start) : m.start]):
            continue
        clause = clause_before(doc, m.start)
        near = clause_before(doc, m.start, prev_end)
        right = clause_after(doc, m.end, next_start)
        if fc.rules_out(near, right) or fc.is_hypothetical(clause):
            continue
        verdict = None
        if c.price_words.search(_last_words(clause, WORDS_BACK)):
            verdict = _qualifier(doc, near, clause)
        if verdict is None and c.move_after.search(right):
            verdict = ("price_then_move", "at")
        if verdict is None and c.move_before.search(near):  # "lost 9.8% to $101.70": where the move ended
            verdict = ("price_after_move", "at")
        if verdict is None:
            continue
        rule, qualifier = verdict
        asset = asset_for(doc, m.start, m.end) or section_asset(doc, m.start)
        if asset is None:
            log.debug("price without asset at %d: %r", m.start, text[m.start : m.end])
            continue
        claim(doc, m.start, m.end, OWNER)
        out.append(
            PriceFact(
                asset=asset.asset.id,
                value=m.value,
                qualifier=qualifier,
                rule=rule,
                **grounding(doc, m.start, m.end),
            )
        )
    return out


@Language.factory("fin_prices")
def make_component(nlp: Language, name: str) -> FactComponent:
    return FactComponent(extract_prices)
