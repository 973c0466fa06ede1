"""One pydantic model per data file (``extractor.data.models.<area>``), and the index of them.

``MODELS`` maps each JSON data file (name without ``.json``) to its model; ``WORD_LISTS`` names
the literal ``.txt`` word lists. See ``base`` for the conventions (``_patterns`` keys hold
regexes, every other list literal phrases; no unknown keys, no empty lists).
"""
from __future__ import annotations

from extractor.data.models.base import Entry, Lexicon, Pattern, Patterns, Phrase, Phrases
from extractor.data.models.levels import LevelCues
from extractor.data.models.prices import PriceCues
from extractor.data.models.shared import FigureContext, Grammar

MODELS: dict[str, type[Lexicon]] = {
    "grammar": Grammar,
    "figure_context": FigureContext,
    "price_cues": PriceCues,
    "level_cues": LevelCues,
}

WORD_LISTS: tuple[str, ...] = ("providers", "reporting_verbs", "move_not_subjects")

__all__ = ["MODELS", "WORD_LISTS", "Entry", "Lexicon", "Pattern", "Patterns", "Phrase", "Phrases"]
