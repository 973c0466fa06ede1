"""The thin pipeline component every fact type uses: run the type's ``propose`` over the Doc view
and append its candidates and blockers to the Doc. No logic of its own.

A crash in a rule costs only that component's facts on that article (a warning is recorded on
the record), unless the component was built with ``strict`` (``Settings(strict=True)``, which
the test suite uses): then it raises ``RuleCrash``.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc

from extractor.errors import RuleCrash
from extractor.facts.candidates import Blocker, Candidate, blockers, candidates
from extractor.facts.doc import FinDoc, view
from extractor.facts.rules import NO_TRACE, Trace

log = logging.getLogger(__name__)


@dataclass
class Proposal:
    """What one component proposes for a Doc."""

    tracing: bool = False  # keep each candidate's trace (only when explaining: it costs time)
    candidates: list[Candidate] = field(default_factory=list)
    blockers: list[Blocker] = field(default_factory=list)

    def candidate(self, type_: str, start: int, end: int) -> Candidate:
        """A new candidate (status ``dropped`` until a stage decides), added to the proposal."""
        c = Candidate(type_, start, end, trace=Trace() if self.tracing else NO_TRACE)
        self.candidates.append(c)
        return c

    def block(self, start: int, end: int, rule: str, types, *, outranks_all: bool = False) -> None:
        self.blockers.append(Blocker(start, end, rule, frozenset(types), outranks_all))


class FactComponent:
    """Pipeline component around ``propose(fd, config) -> Proposal``."""

    def __init__(self, name: str, propose: Callable[[FinDoc, Any], Proposal], config: Any, *, strict: bool = False):
        self.name = name
        self.propose = propose
        self.config = config
        self.strict = strict

    def __call__(self, doc: Doc) -> Doc:
        fd = view(doc)
        try:
            found = self.propose(fd, self.config)
        except Exception as exc:  # one rule's bug must not cost the article its other facts
            if self.strict:
                raise RuleCrash(f"{self.name} crashed: {type(exc).__name__}: {exc}") from exc
            log.exception("%s failed", self.name)
            fd.warnings.append(f"{self.name} failed ({type(exc).__name__}); its facts are missing")
            return doc
        candidates(doc).extend(found.candidates)
        blockers(doc).extend(found.blockers)
        return doc
