"""Models of the data files of fin_metrics."""
from __future__ import annotations

from typing import Annotated, Literal

from annotated_types import Ge, Len
from pydantic import Field, StringConstraints, model_validator

from extractor.data.models.base import Entry, Lexicon, Pattern, Patterns, Phrase, Phrases

RuleName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
Reach = Annotated[int, Ge(0)]


class Gate(Entry):
    """A pattern that decides whether a metric's cue counts, and the line that says why."""

    pattern: Pattern = Field(description="regex (case-insensitive)")
    doc: Phrase = Field(description="one line for the rule registry")


class MetricCue(Entry):
    """One metric: the cue that names it and where its value stands (one rule per entry: metric.cue.<id>)."""

    id: RuleName = Field(description="rule name: metric.cue.<id> (and metric.change.<id>_fall ... when it has a change)")
    metric: Phrase = Field(description="the metric name facts carry ('market_cap'); 'volume' takes its kind from volume_kinds")
    doc: Phrase = Field(description="one line for the rule registry")
    cue_pattern: Pattern = Field(description="regex (case-insensitive) of the words that name the metric; a group 'kind' names a volume kind")
    as_written: bool = Field(False, description="the cue counts only in the case it is written in ('TOTAL2', a chart ticker, not 'total')")
    value: Literal["money", "percent", "score", "hashrate", "quantity", "coins"] = Field(
        description="the kind of figure the metric reads ('quantity': a number with one of 'units' after it; 'coins': an amount of a coin, "
                    "'61,900 BTC', its unit the coin's id)")
    units: Phrases | None = Field(None, description="for 'quantity': the unit words a figure must carry ('shares'); facts carry the word")
    coin_units: bool = Field(False, description="a money metric also reads amounts in coins ('3.15 million ETH'): the unit is the coin's id")
    unit: Phrase = Field(description="the unit facts carry (USD, percent, index, EH/s)")
    max_score: float | None = Field(None, gt=0, description="for 'score': the highest reading of this index (a gauge that reads past 100, "
                                                           "the MOVE index); else the component's max_score")
    after: Reach = Field(description="characters after the cue (same sentence) where its value may stand")
    before: Reach = Field(description="characters before the cue where its value may stand when none follows it (0: never before)")
    scaled: bool = Field(False, description="money must be written with a scale word ('$2.1 billion'): an amount, not a price")
    negative: bool = Field(False, description="the metric is a loss ('$410 billion knocked off the market'): its value is negative")
    rate: bool = Field(False, description="the metric is a rate in percent: a figure in basis points after the cue is its change (no move, "
                                          "and no fact: an optional change in gold), never its reading")
    change: Phrase | None = Field(None, description="the metric name when a change word stands right before the amount ('shed $90 billion')")
    amount_change: bool = Field(True, description="a change word right before or after an amount makes it the change ('shed $90 billion'); "
                                                   "false where such a word is part of the reading ('lost $23 million in an exploit')")
    percent_change: bool = Field(False, description="a percent after the cue with a change word before it is a change in percent ('is down 1.8%')")
    subject: Literal["asset_before", "bond"] | None = Field(
        None, description="'asset_before': the asset named right before the cue; 'bond': the country and tenor of a bond yield ('Germany 10-year')")
    default_subject: Phrase | None = Field(None, description="the subject when no asset stands before the cue")
    skip: Gate | None = Field(None, description="words around the cue that say it is not this metric (the cue is skipped)")
    context: Gate | None = Field(None, description="words the cue's sentence (or the one before) must hold for it to read a value")
    link: Gate | None = Field(None, description="words that must stand between a value and the cue, or right before the value ('wiped' in '$5 billion wiped off the market')")

    @model_validator(mode="after")
    def _change_needs_name(self) -> "MetricCue":
        if self.percent_change and not self.change:
            raise ValueError(f"metric {self.id}: percent_change needs a change metric name")
        if (self.value == "quantity") != bool(self.units):
            raise ValueError(f"metric {self.id}: 'units' goes with value 'quantity' (and it needs them)")
        if self.rate and self.value != "percent":
            raise ValueError(f"metric {self.id}: a rate reads percents")
        if self.max_score is not None and self.value != "score":
            raise ValueError(f"metric {self.id}: max_score goes with value 'score'")
        if self.coin_units and self.value != "money":
            raise ValueError(f"metric {self.id}: coin_units goes with value 'money'")
        return self


class MetricPatterns(Lexicon):
    """``metric_patterns.json``: market-wide metrics, their cues and values."""

    metrics: Annotated[list[MetricCue], Len(min_length=1)] = Field(description="ordered: earlier cues read their values first")
    volume_kinds: dict[str, Phrase] = Field(min_length=1, description="the word before 'volume' -> the metric name: market-wide kinds stay 'volume' as FACTS.md names it ('spot', 'DEX', 'futures'); a company's or a network's kinds get their own ('payment' -> payment_volume)")
    currencies: Phrases = Field(description="currency codes a money metric may be written in")
    change_negative: Phrases = Field(description="words right before an amount that make it a fall ('shed', 'a drop of')")
    change_positive: Phrases = Field(description="words right before an amount that make it a rise ('added', 'a gain of')")
    percent_change_negative: Phrases = Field(description="words between a cue and its percent that make it a fall ('is down')")
    percent_change_positive: Phrases = Field(description="words between a cue and its percent that make it a rise ('rose')")
    list_words: Phrases = Field(description="words that join listed values ('$1.9 billion in longs and $310 million in shorts'); a comma does too")
    range_words: Phrases = Field(description="words that make the next value the end of a range, not a list item ('from $2.4 trillion to ...')")
    score_not_before: Phrases = Field(description="text right after a number that makes it a percent ('%', 'bps'), not an index score (scale words come from normalize.numbers)")
    score_not_suffixes: Phrases = Field(description="whole-word suffixes that make a number an ordinal or a multiple ('3rd', '10x')")
    score_not_units: Phrases = Field(description="time units that make a number a span ('14-day', '30 days'), not an index score")
    hashrate_unit_patterns: Patterns = Field(description="regex (case-insensitive) of the units of a hash rate ('EH/s')")
    change_negative_after: Phrases = Field(description="words right after an amount that make it a fall ('a $96 billion drop in market cap')")
    change_positive_after: Phrases = Field(description="words right after an amount that make it a rise ('a $40 billion gain in market value')")
    percent_change_nouns_negative: Phrases = Field(description="nouns after a percent before a cue that make it a fall ('a 14% decline in trade volume')")
    percent_change_nouns_positive: Phrases = Field(description="nouns after a percent before a cue that make it a rise ('a 12% jump in open interest')")
    bound_words: Phrases = Field(description="words between an amount and the cue right after it that bind them ('$2 billion in trading volume')")
    reference_patterns: Patterns = Field(description="regex (case-insensitive) of the end of a gap that makes the next value another reading of "
                                                      "the same metric ('from a high of $3.12 trillion to a low of $2.74 trillion', 'down from the peak of')")
    forecast_words: Phrases = Field(description="words that make a value a forecast or a hypothetical, not a reading ('could', 'expects', 'typically')")
    forecast_direction_words: Phrases = Field(default_factory=list, description="words of direction that make a value a forecast "
                                              "('could swell *toward* $5 trillion') unless a past-tense verb stands right before "
                                              "them ('edged toward $55.6 billion' is a reading)")
    gauge_description_openers: Phrases = Field(default_factory=list, description="the opening words of a phrase set off by commas that "
                                               "says what a gauge measures (', which tracks expected swings in the S&P 500,', ', a gauge of "
                                               "expected volatility,'): its words are no forecast")
    forecast_after_patterns: Patterns = Field(description="regex (case-insensitive) of a forecast horizon right after a value ('by 2030')")
    clause_words: Phrases = Field(description="words that open a new clause: a percent past one belongs to the asset named after it, and a "
                                               "forecast word before one does not reach the cue")
    relative_words: Phrases = Field(description="words that open a relative clause ('which has $1.5 billion in assets, is down 13%'): a "
                                                 "percent past the clause's closing comma is the main subject's")
    auxiliary_words: Phrases = Field(description="auxiliaries before a change verb ('is down', 'has fallen'): ', is down 13%' after a "
                                                  "parenthetical that holds the cue is the main subject's predicate")
    subject_link_words: Phrases = Field(description="words between a cue and the asset right after it that it is of ('open interest in solana perpetuals')")
    quote_box_labels: Phrases = Field(description="labels of a quote box's data rows ('Market Cap $29B Today's Change ... Current Price $0.20'): "
                                                   "a value followed right away by one is a widget's cell, not a reading of the article")
    bond_countries: dict[Phrase, Phrase] = Field(min_length=1, description="a word of a bond-yield phrase (as written) -> the country it names ('Bund' -> 'Germany')")
