"""Fact extraction: one module per fact type, each a pure ``Doc -> list[Fact]`` function
plus a thin ``@Language.factory`` component (registered as spaCy entry points too).

Order matters: a module that claims a figure (flows, levels, metrics) runs before
the ones that would otherwise read it as something else (prices, moves).
"""
from __future__ import annotations

FACT_COMPONENTS = ("fin_flows", "fin_levels", "fin_metrics", "fin_prices", "fin_moves", "fin_quotes")


def register() -> None:
    """Import every module so its factory is registered with spaCy."""
    from extractor.facts import flows, levels, metrics, moves, persons, prices, quotes, sentences  # noqa: F401
