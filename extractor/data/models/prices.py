"""Models of the data files of fin_prices."""
from __future__ import annotations

from typing import Annotated, Literal

from annotated_types import Len
from pydantic import Field, StringConstraints

from extractor.data.models.base import Entry, Lexicon, Pattern, Patterns, Phrase

class Qualifier(Entry):
    """One price qualifier rule: the words right before a figure that name how it was traded."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")] = Field(description="rule name: price.qualifier.<id>")
    qualifier: Literal["at", "near", "above", "below", "low", "high", "record_high"]
    pattern: Pattern = Field(description="regex the text right before the figure ends with")
    doc: Phrase = Field(description="one line for the rule registry")


class PriceCues(Lexicon):
    """``price_cues.json``: what makes a dollar figure a traded price."""

    price_word_patterns: Patterns = Field(description="price verbs and nouns ('traded', 'slid', 'hit', 'record high') one of which the clause needs")
    qualifiers: Annotated[list[Qualifier], Len(min_length=1)] = Field(description="ordered: the first that fits the words right before the figure names its qualifier")
    after_qualifiers: Annotated[list[Qualifier], Len(min_length=1)] = Field(description="ordered, tried first: the words right after the figure name its qualifier ('$X all-time high'); pattern anchored at the figure's end")
    from_fall_pattern: Pattern = Field(description="verbs of a fall: 'from $X' is the high, 'from ... to $Y' the low")
    from_rise_pattern: Pattern = Field(description="verbs of a rise: 'from $X' is the low, 'from ... to $Y' the high")
    move_before_pattern: Pattern = Field(description="a move that ends at the figure ('lost 9.8% to $101.70') or stands right before it "
                                         "('up 3.1% at $3,145', 'flat at $2.31')")
    table_price_header_patterns: Patterns = Field(description="regex: a pipe-table column header that makes its dollar figures the "
                                                          "row asset's prices ('| Coin | Price |', 'Last')")
    table_not_price_header_patterns: Patterns = Field(description="regex: words that make such a header name something else "
                                                              "('Price change', '24h high', 'Market cap', 'Target price')")
    small_unit_currencies: list[Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]] = Field(
        default_factory=list, description="currencies whose unit is small, so a price is often written in millions ('bitcoin "
                                          "traded at 142.6 million won'): a price may carry 'million' in them, not 'billion'")
    fx_quoted_in_dollars: Annotated[list[Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]], Len(min_length=1)] = Field(
        description="ISO codes of currencies quoted in dollars ('the euro at 1.0840'); others are quoted per dollar ('146.52 yen per dollar')")
    move_after_pattern: Pattern = Field(description="a move right after the figure: '$97,000, up 2%'")
    bare_quote_verb_patterns: Patterns = Field(description="regex: verbs of trading before 'at'/'near'/'around' and a coin's bare "
                                                       "number ('sits at 69,840', 'changing hands near 2,052'): its price in dollars")
    bare_quote_unit_patterns: Patterns = Field(description="regex: words after such a number that make it a count, not a price "
                                                       "('5,000 BTC' is caught as capitals: 'sats', 'points', 'million')")
