"""Model of ``furniture.json``: what page furniture looks like."""
from __future__ import annotations

from pydantic import Field

from extractor.data.models.base import Lexicon, Patterns


class Furniture(Lexicon):
    """``furniture.json`` (extractor/facts/furniture.py)."""

    teaser_label_patterns: Patterns = Field(description="labels that, beside the teaser headings, open a line (or a sentence) of other stories "
                                            "before a colon, bar or dash ('Read: ...', 'ICYMI: ...'; with a heading: 'Read more: ...', 'Related - "
                                            "...'): the rest of the line is no fact of the article")
    teaser_heading_patterns: Patterns = Field(description="headings ('Related Articles', 'Editors' picks') that open a block of other stories")
    bio_heading_patterns: Patterns = Field(description="headings ('About the author', 'Disclosure') that open the author box")
    disclaimer_patterns: Patterns = Field(description="how a disclaimer or disclosure paragraph starts")
    bio_sentence_patterns: Patterns = Field(description="sentences about the author ('X writes about', 'X holds $N in')")
    promo_patterns: Patterns = Field(description="promo banner wording ('get 20% off', 'sign up ... bonus')")
    mentioned_heading_patterns: Patterns = Field(description="headings of the quote chips of the assets a page mentions ('In this article', "
                                                 "'Stocks mentioned'): the chips after them are no facts")
    widget_label_patterns: Patterns = Field(description="data labels of a quote widget ('Market Cap', 'Today's Change', 'Current Price'); two "
                                            "or more label-value pairs in a row are a widget")
    promo_sentence_patterns: Patterns = Field(description="promo wording inside a longer paragraph ('our elite picks', 'stocks set to "
                                              "double', 'download our free report'): that sentence is no fact")
