"""Model of ``furniture.json``: what page furniture looks like."""
from __future__ import annotations

from pydantic import Field

from extractor.data.models.base import Lexicon, Patterns


class Furniture(Lexicon):
    """``furniture.json`` (extractor/facts/furniture.py)."""

    teaser_heading_patterns: Patterns = Field(description="headings ('Related Articles', 'Editors' picks') that open a block of other stories")
    bio_heading_patterns: Patterns = Field(description="headings ('About the author', 'Disclosure') that open the author box")
    disclaimer_patterns: Patterns = Field(description="how a disclaimer or disclosure paragraph starts")
    bio_sentence_patterns: Patterns = Field(description="sentences about the author ('X writes about', 'X holds $N in')")
    promo_patterns: Patterns = Field(description="promo banner wording ('get 20% off', 'sign up ... bonus')")
