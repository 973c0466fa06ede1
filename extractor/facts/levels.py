"""``price_level`` facts (see spec FACTS.md). Not implemented yet: returns no facts."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from extractor.facts.context import FactComponent
from extractor.records import PriceLevelFact


def extract_levels(doc: Doc) -> list[PriceLevelFact]:
    """All ``price_level`` facts of ``doc``."""
    return []


@Language.factory("fin_levels")
def make_component(nlp: Language, name: str) -> FactComponent:
    return FactComponent(extract_levels)
