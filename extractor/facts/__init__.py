"""Fact extraction: one module per fact type, each a thin ``@Language.factory`` component around a
``propose(FinDoc, config) -> Proposal`` of candidates and blockers; ``resolve`` turns the
candidates of all components into facts (``doc._.facts``) by a declared precedence.
"""
from __future__ import annotations

FACT_COMPONENTS = ("fin_furniture", "fin_flows", "fin_levels", "fin_metrics", "fin_prices", "fin_moves", "fin_quotes")


def register() -> None:
    """Import every module so its factory is registered with spaCy, and build every rule table so
    the registry (``rules.REGISTRY``) lists every rule."""
    from extractor.facts import flows, furniture, levels, metrics, moves, persons, prices, quotes, resolve, sentences  # noqa: F401

    for module in (flows, furniture, levels, metrics, moves, prices, quotes):
        if hasattr(module, "tables"):
            module.tables()
