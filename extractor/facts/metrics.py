"""``market_metric`` facts (see spec FACTS.md). Not implemented yet: returns no facts."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from extractor.facts.context import FactComponent
from extractor.records import MarketMetricFact


def extract_metrics(doc: Doc) -> list[MarketMetricFact]:
    """All ``market_metric`` facts of ``doc``."""
    return []


@Language.factory("fin_metrics")
def make_component(nlp: Language, name: str) -> FactComponent:
    return FactComponent(extract_metrics)
