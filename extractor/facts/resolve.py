"""The one resolver: candidates and blockers of all components -> facts, by a declared precedence.

Four rules, applied in this order:

1. a fact candidate whose figure lies in a ``Blocker`` span that names its type is vetoed (the
   candidate reports the blocker's rule id).
2. ``resolve.precedence``: when fact candidates of different types consume the same figure, the
   type that comes first in ``PRECEDENCE`` keeps it; the others are dropped. A fund flow is
   more specific than a level, a level (named as support, target...) than a metric, a metric
   than a bare traded price, and a price (a dollar figure) than a percent move; quotes consume
   quoted spans and never compete with figures.
3. ``resolve.claimed_asset``: a fact whose asset was only found near its figure (``weak_asset``)
   takes the asset another fact claims for that figure ("Shares of bitcoin treasury company X (XX)
   fell 5.6% to $212.40": the move's subject owns the price it ends at, not the bitcoin named
   before), unless the two name one asset; a candidate dropped only because nothing near its
   figure named an asset (``orphan``) becomes a fact of the claimed asset ("the Paris-listed
   leather goods house rose 6.3% to 412.50 euros"), resolved again with the others by rules 1-2.
4. ``resolve.restated_name``: a fact that restates an earlier one (same type, same asset of the
   lexicon, same value: the closing table's "Brent | $64.27 | -1.3%" after "Brent crude futures
   fell 1.3% to $64.27") takes the name the earlier one gave the asset: one asset, one name.

The resolver is a pure function: it does not change the candidates, it returns their outcomes.
``doc._.facts`` reads it, so any pipeline of fact components, one alone included, gives facts.
"""
from __future__ import annotations

from array import array
from dataclasses import dataclass, replace
from typing import Any

from spacy.tokens import Doc

from extractor.facts.candidates import Blocker, Candidate, Claim
from extractor.facts.rules import outcome
from extractor.normalize.assets import canonical_asset

PRECEDENCE: tuple[str, ...] = ("etf_flow", "price_level", "market_metric", "price", "percent_move", "quote")

RESTATED_RULE = outcome("resolve.restated_name", "a fact restating an earlier one (same type, asset and value) takes the name the "
                        "earlier one gave the asset ('Brent' in a closing table after 'Brent crude fell 1.3%')")
_NAME_FIELD = {"price": "asset", "percent_move": "subject", "price_level": "asset"}
_VALUE_FIELD = {"price": "value", "percent_move": "percent", "price_level": "value"}

PRECEDENCE_RULE = outcome("resolve.precedence", "a figure two fact types want goes to the type that comes first in the precedence table")
CLAIM_RULE = outcome("resolve.claimed_asset", "a fact whose asset was only found near its figure takes the asset another fact claims "
                     "for the figure (a move's subject owns the price it ends at: 'X fell 5.6% to $212.40')")


@dataclass(frozen=True)
class Outcome:
    """What became of one candidate after resolution."""

    candidate: Candidate
    status: str
    rule: str | None
    note: str = ""
    claimed: Any = None  # the fact with the asset a claim gave it

    @property
    def fact(self):
        if self.status != "fact":
            return None
        return self.claimed if self.claimed is not None else self.candidate.fact


class _Cover:
    """Which item owns each character (an array, so a check costs the span's length, not the
    number of items: linear time whatever the article holds)."""

    def __init__(self, length: int):
        self.owner = array("i", [-1]) * (length + 1)

    def mark(self, spans, index: int) -> None:
        for s, e in spans:
            self.owner[s:e] = array("i", [index]) * (e - s)

    def owners(self, spans) -> set[int]:
        return {o for s, e in spans for o in self.owner[s:e] if o >= 0}


def resolve(cands: list[Candidate], blocks: list[Blocker]) -> list[Outcome]:
    """Outcomes of ``cands`` in their order (see the module docstring)."""
    outcomes = _resolve(cands, blocks)
    orphans = _claimed_orphans(cands, outcomes)
    if orphans:
        outcomes = _promote(cands, blocks, orphans)
    _apply_restated_names(outcomes)
    return outcomes


def _apply_restated_names(outcomes: list[Outcome]) -> None:
    """Rule 4: a restated fact takes the name the first statement gave its asset (in text order)."""
    first: dict[tuple, str] = {}
    for i in sorted((i for i, o in enumerate(outcomes) if o.status == "fact" and o.candidate.type in _NAME_FIELD),
                    key=lambda i: (outcomes[i].candidate.start, i)):
        o = outcomes[i]
        fact, field = o.fact, _NAME_FIELD[o.candidate.type]
        name = getattr(fact, field)
        asset = canonical_asset(name)
        if asset is None:
            continue
        key = (o.candidate.type, asset, round(float(getattr(fact, _VALUE_FIELD[o.candidate.type])), 6))
        said = first.setdefault(key, name)
        if said != name and _instrument(said) == _instrument(name):  # (not "gold" for "gold futures": another contract)
            outcomes[i] = replace(o, rule=RESTATED_RULE.id, claimed=fact.model_copy(update={field: said}),
                                  note=(o.note + "; " if o.note else "") + f"{RESTATED_RULE.id}: {name} -> {said} "
                                       f"(the fact keeps its rule, {fact.rule})")


_INSTRUMENT_WORDS = frozenset({"futures", "future", "spot", "forward", "forwards", "contract", "contracts", "options"})


def _instrument(name: str) -> frozenset[str]:
    """The words of ``name`` that say which contract of an asset it is ("gold futures", "spot gold").

    >>> sorted(_instrument("U.S. gold futures")), sorted(_instrument("Brent crude"))
    (['futures'], [])
    """
    return _INSTRUMENT_WORDS.intersection(name.lower().split())


def _promote(cands: list[Candidate], blocks: list[Blocker], orphans: dict[int, Claim]) -> list[Outcome]:
    """Rules 1-3 again with the claimed orphans made facts of the claimed asset."""
    promoted = list(cands)
    for i, cl in orphans.items():
        c = cands[i]
        promoted[i] = replace(c, status="fact", rule=c.orphan.rule, fact=c.orphan.model_copy(update={"asset": cl.asset}),
                              consumes=((c.start, c.end),), weak_asset=False, orphan=None)
    outcomes = _resolve(promoted, blocks)
    for i, cl in orphans.items():
        o = outcomes[i]
        if o.status == "fact":
            outcomes[i] = replace(o, rule=CLAIM_RULE.id, note=f"{CLAIM_RULE.id}: no asset near the figure; {cl.asset}, "
                                                                 f"the subject of the move ending at it (the fact keeps its rule, {o.candidate.rule})")
    return outcomes


def _claimed_orphans(cands: list[Candidate], outcomes: list[Outcome]) -> dict[int, Claim]:
    """Candidates dropped by their component for want of an asset, whose figure a fact claims."""
    if not any(c.orphan is not None for c in cands):
        return {}
    claims = {(cl.start, cl.end): cl for c, o in zip(cands, outcomes) if c.claims and o.status == "fact" for cl in c.claims}
    return {i: claims[(c.start, c.end)] for i, (c, o) in enumerate(zip(cands, outcomes))
            if c.orphan is not None and o.status == "dropped" and o.rule == c.rule and (c.start, c.end) in claims}


def _resolve(cands: list[Candidate], blocks: list[Blocker]) -> list[Outcome]:
    """Rules 1 to 3 for weak assets (see ``resolve``)."""
    rank = {t: i for i, t in enumerate(PRECEDENCE)}
    length = max([e for c in cands for _, e in c.consumes] + [b.end for b in blocks] + [0])
    outcomes: dict[int, Outcome] = {}
    blocked = _Cover(length)
    for k, b in enumerate(blocks):
        blocked.mark(((b.start, b.end),), k)
    for i, c in enumerate(cands):
        hit = next((blocks[k] for k in sorted(blocked.owners(c.consumes or ((c.start, c.end),)))
                    if c.type in blocks[k].types and (c.status == "fact" or blocks[k].outranks_all)), None) if blocks else None
        if hit is not None:
            outcomes[i] = Outcome(c, "blocked", hit.rule, f"vetoed by {hit.rule} (a blocker of another component)")
        elif c.status != "fact":
            outcomes[i] = Outcome(c, c.status, c.rule)
    # precedence: accept in rank order; a figure taken by a higher type is not available below it
    taken = _Cover(length)
    order = sorted((i for i in range(len(cands)) if i not in outcomes), key=lambda i: (rank.get(cands[i].type, len(rank)), i))
    for i in order:
        c = cands[i]
        rivals = sorted(j for j in taken.owners(c.consumes) if cands[j].type != c.type)
        if rivals:
            w = cands[rivals[0]]
            outcomes[i] = Outcome(c, "dropped", PRECEDENCE_RULE.id, f"{PRECEDENCE_RULE.id}: taken by {w.type} ({w.rule})")
            continue
        outcomes[i] = Outcome(c, "fact", c.rule)
        taken.mark(c.consumes, i)
    _apply_claims(cands, outcomes)
    return [outcomes[i] for i in range(len(cands))]


def _apply_claims(cands: list[Candidate], outcomes: dict[int, Outcome]) -> None:
    """Rule 3: give a fact with a weak asset the asset a fact claims for its figure. Conservative
    where names overlap (``Claim.owns``: "eth" inside "ethfi" keeps the price's own asset)."""
    claims = {(cl.start, cl.end): cl for i, c in enumerate(cands) if c.claims and outcomes[i].status == "fact" for cl in c.claims}
    if not claims:
        return
    for i, c in enumerate(cands):
        o = outcomes[i]
        cl = claims.get((c.start, c.end))
        if cl is None or o.status != "fact" or not c.weak_asset or (cl.owns(c.fact.asset) and _instrument(cl.asset) in (frozenset(), _instrument(c.fact.asset))):
            continue  # (one asset: kept; but "gold futures" claims a price of "gold" or "spot gold" found only near)
        outcomes[i] = replace(o, rule=CLAIM_RULE.id, claimed=c.fact.model_copy(update={"asset": cl.asset}),
                              note=f"{CLAIM_RULE.id}: {c.fact.asset} -> {cl.asset} (the fact keeps its rule, {c.rule})")


def doc_outcomes(doc: Doc) -> list[Outcome]:
    return resolve(doc._.fin_candidates or [], doc._.fin_blockers or [])


def doc_facts(doc: Doc) -> list:
    """The facts of a processed Doc (the ``doc._.facts`` getter)."""
    return [o.fact for o in doc_outcomes(doc) if o.status == "fact"]


if not Doc.has_extension("facts"):
    Doc.set_extension("facts", getter=doc_facts)
