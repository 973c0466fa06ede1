"""``price`` facts (see spec FACTS.md). Not implemented yet: returns no facts."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from extractor.facts.context import FactComponent
from extractor.records import PriceFact


def extract_prices(doc: Doc) -> list[PriceFact]:
    """All ``price`` facts of ``doc``."""
    return []


@Language.factory("fin_prices")
def make_component(nlp: Language, name: str) -> FactComponent:
    return FactComponent(extract_prices)
