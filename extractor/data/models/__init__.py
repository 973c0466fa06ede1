"""One pydantic model per data file (``extractor.data.models.<area>``), and the index of them.

``MODELS`` maps each JSON data file (name without ``.json``) to its model; ``WORD_LISTS`` names
the literal ``.txt`` word lists. See ``base`` for the conventions (``_patterns`` keys hold
regexes, every other list literal phrases; no unknown keys, no empty lists).
"""
from __future__ import annotations

from extractor.data.models.base import Entry, Lexicon, Pattern, Patterns, Phrase, Phrases
from extractor.data.models.assets import AssetRow
from extractor.data.models.entities import Entities
from extractor.data.models.flows import EtfProducts, FlowLexicon
from extractor.data.models.furniture import Furniture
from extractor.data.models.lang import Stopwords
from extractor.data.models.levels import LevelCues
from extractor.data.models.metrics import MetricPatterns
from extractor.data.models.moves import MoveLexicon, MoveSubjectAliases
from extractor.data.models.prices import PriceCues
from extractor.data.models.quotes import QuoteLexicon
from extractor.data.models.shared import FigureContext, Grammar

MODELS: dict[str, type[Lexicon]] = {
    "grammar": Grammar,
    "figure_context": FigureContext,
    "price_cues": PriceCues,
    "entities": Entities,
    "furniture": Furniture,
    "quote_lexicon": QuoteLexicon,
    "metric_patterns": MetricPatterns,
    "move_lexicon": MoveLexicon,
    "move_subject_aliases": MoveSubjectAliases,
    "flow_lexicon": FlowLexicon,
    "etf_products": EtfProducts,
    "level_cues": LevelCues,
    "stopwords": Stopwords,
}

#: JSON Lines data files: one validated row per line
ROW_MODELS: dict[str, type[Entry]] = {
    "assets": AssetRow,
}

WORD_LISTS: tuple[str, ...] = ("providers", "reporting_verbs", "move_not_subjects")

__all__ = ["MODELS", "ROW_MODELS", "WORD_LISTS", "Entry", "Lexicon", "Pattern", "Patterns", "Phrase", "Phrases"]
