"""What every fact component returns: candidates (one per figure, percent or quoted span it looked
at, whatever it decided) and blockers (spans other fact types may not use).

A component never reads another component's output. It records, for every span it considered,
a ``Candidate`` with its status:

- ``fact``: a rule made it a fact (``rule`` is that rule's id, ``fact`` the record);
- ``blocked``: a blocking rule vetoed it (``rule`` is the blocker's id);
- ``dropped``: no rule made it a fact (``rule`` names why, when a stage knows).

``consumes`` lists the figure spans a fact would take; when two fact types want one figure, the
resolver (``extractor.facts.resolve``) decides by its declared precedence. A ``Blocker`` is a
span one type marks as not usable by some other types ("the 1% in '1% market depth' is part of
a metric's name, not a move"). A ``Claim`` says whose figure another span is ("fell 5.6% to
$212.40": the move's subject owns the price it ends at); the resolver gives it to a fact whose own
asset was only found nearby (``weak_asset``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from spacy.tokens import Doc

from extractor.facts.rules import Trace

Status = Literal["fact", "blocked", "dropped"]

if not Doc.has_extension("fin_candidates"):
    Doc.set_extension("fin_candidates", default=None)
if not Doc.has_extension("fin_blockers"):
    Doc.set_extension("fin_blockers", default=None)


@dataclass(frozen=True)
class Claim:
    """The figure at ``start:end`` belongs to ``asset`` (known in the article by ``names``, lower case)."""

    start: int
    end: int
    asset: str
    names: frozenset[str]

    def owns(self, asset: str) -> bool:
        """``asset`` is one of the claimed asset's names, or a name holding one of them or held by one
        ("gold futures" / "gold")."""
        a = asset.lower()
        return any(a == n or n in a or a in n for n in self.names)


@dataclass
class Candidate:
    """One span a component looked at, and what became of it."""

    type: str
    start: int
    end: int
    status: Status = "dropped"
    rule: str | None = None
    fact: Any = None  # a records.*Fact when status == "fact"
    consumes: tuple[tuple[int, int], ...] = ()
    trace: Trace = field(default_factory=Trace)
    claims: tuple[Claim, ...] = ()  # figures this fact says are its subject's (a move's end price)
    weak_asset: bool = False  # the fact's asset was only found near it (a claim may replace it)
    orphan: Any = None  # dropped for want of an asset: the fact a claim on its figure completes (resolve.claimed_asset)

    def made(self, fact: Any, rule: str, consumes: tuple[tuple[int, int], ...] | None = None) -> "Candidate":
        """Mark this candidate a fact made by ``rule``."""
        self.status, self.fact, self.rule = "fact", fact, rule
        self.consumes = ((self.start, self.end),) if consumes is None else consumes
        return self

    def blocked(self, rule: str, note: str = "") -> "Candidate":
        """Mark this candidate vetoed by the blocking rule ``rule``."""
        self.status, self.rule, self.fact = "blocked", rule, None
        if note:
            self.trace.note(note, rule)
        return self

    def dropped(self, rule: str | None = None, note: str = "") -> "Candidate":
        """Mark this candidate not a fact (``rule``: the stage outcome that says why)."""
        self.status, self.rule, self.fact = "dropped", rule, None
        if note:
            self.trace.note(note, rule)
        return self


@dataclass(frozen=True)
class Blocker:
    """A span that fact types in ``types`` may not use, and the rule that says so. A blocker with
    ``outranks_all`` vetoes every candidate there, whatever its component decided (page furniture:
    the text is not the article's); otherwise it vetoes only what would have been a fact."""

    start: int
    end: int
    rule: str
    types: frozenset[str]
    outranks_all: bool = False


def candidates(doc: Doc) -> list[Candidate]:
    """The list components append their candidates to."""
    if doc._.fin_candidates is None:
        doc._.fin_candidates = []
    return doc._.fin_candidates


def blockers(doc: Doc) -> list[Blocker]:
    """The list components append their blockers to."""
    if doc._.fin_blockers is None:
        doc._.fin_blockers = []
    return doc._.fin_blockers
