"""Models of the data files several fact types share."""
from __future__ import annotations

from pydantic import Field

from extractor.data.models.base import Lexicon, Pattern, Patterns, Phrases

class Grammar(Lexicon):
    """``grammar.json``: words of English that several fact types read the same way."""

    clause_break_words: Phrases = Field(description="words that open a new clause ('but', 'while'): windows stop there")
    subordinators: Phrases = Field(default_factory=list, description="words that open a side clause after a figure ('$212.40 *after* "
                                   "a payments firm said it would ...'): what the side clause forecasts is not the figure's scenario")
    approximators: Phrases = Field(description="words that hedge a figure ('about', 'nearly', 'more than'): they may stand between a cue and the figure")
    present_markers: Phrases = Field(description="words that tie a statement to the time of writing ('currently', 'at press time'): its day is the publication day")
    additive_words: Phrases = Field(description="words that mark an amount as added to another ('a further $5 billion', 'another 3%')")
    previous_week_markers: Phrases = Field(description="words that put a sentence in the calendar week before publication ('last week', 'the prior week'): a bare weekday in it is that week's")
    record_words: Phrases = Field(description="words that measure a figure against the past ('first time', 'lowest', 'highest'): "
                                          "the day of a 'since <day>' after them is not the figure's day")
    modal_verbs: Phrases = Field(description="modal verbs ('could', 'may', 'will'): the verb right after one is a possibility, "
                                         "not a past motion ('Could bitcoin *hit* $250,000?')")
    span_markers: Phrases = Field(description="words that place a statement in a stretch of time, not on one day ('earlier this week', "
                                          "'last month', 'over the weekend'; with previous_week_markers): a clause holding one takes no day "
                                          "from another clause")


class FigureContext(Lexicon):
    """``figure_context.json``: what the words around a dollar figure say it is (prices and levels)."""

    hypothetical_patterns: Patterns = Field(description="a forecast or scenario: 'if', 'expects', 'on track' (with grammar.json's modal_verbs)")
    past_motion_patterns: Patterns = Field(description="words of past motion that make a preceding hypothetical word a report ('after it rose')")
    not_a_price_left_patterns: Patterns = Field(description="words before a figure that make it something else: cost basis, strike, market cap")
    not_a_price_right_patterns: Patterns = Field(description="words right after a figure that make it something else: '$X strike', '$X in inflows'")
    traded_left_patterns: Patterns = Field(description="words right before a figure that mark it a traded price: 'the current', 'its peak of', 'a high was formed at'")
    traded_right_patterns: Patterns = Field(description="words right after a figure that mark it a traded high or low: '$X all-time high', '$X swing low'")
    revisit_patterns: Patterns = Field(description="verbs that make a high or low before a figure a level to reach again: 'may retest the record high at $X'")
    passing_cue_patterns: Patterns = Field(description="words before another asset's name that make it a passing comparison ('like bitcoin', 'unlike ether'), not the running subject")
