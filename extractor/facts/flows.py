"""``etf_flow`` facts (see spec FACTS.md). Not implemented yet: returns no facts."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from extractor.facts.context import FactComponent
from extractor.records import EtfFlowFact


def extract_flows(doc: Doc) -> list[EtfFlowFact]:
    """All ``etf_flow`` facts of ``doc``."""
    return []


@Language.factory("fin_flows")
def make_component(nlp: Language, name: str) -> FactComponent:
    return FactComponent(extract_flows)
