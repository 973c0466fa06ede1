"""``percent_move`` facts (see spec FACTS.md). Not implemented yet: returns no facts."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from extractor.facts.context import FactComponent
from extractor.records import PercentMoveFact


def extract_moves(doc: Doc) -> list[PercentMoveFact]:
    """All ``percent_move`` facts of ``doc``."""
    return []


@Language.factory("fin_moves")
def make_component(nlp: Language, name: str) -> FactComponent:
    return FactComponent(extract_moves)
