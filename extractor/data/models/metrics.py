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
    value: Literal["money", "percent", "score", "hashrate"] = Field(description="the kind of figure the metric reads")
    unit: Phrase = Field(description="the unit facts carry (USD, percent, index, EH/s)")
    after: Reach = Field(description="characters after the cue (same sentence) where its value may stand")
    before: Reach = Field(description="characters before the cue where its value may stand when none follows it (0: never before)")
    scaled: bool = Field(False, description="money must be written with a scale word ('$2.1 billion'): an amount, not a price")
    change: Phrase | None = Field(None, description="the metric name when a change word stands right before the amount ('shed $90 billion')")
    percent_change: bool = Field(False, description="a percent after the cue with a change word before it is a change in percent ('is down 1.8%')")
    subject: Literal["asset_before"] | None = Field(None, description="'asset_before': the asset named right before the cue is the subject")
    default_subject: Phrase | None = Field(None, description="the subject when no asset stands before the cue")
    skip: Gate | None = Field(None, description="words around the cue that say it is not this metric (the cue is skipped)")
    context: Gate | None = Field(None, description="words the cue's sentence (or the one before) must hold for it to read a value")

    @model_validator(mode="after")
    def _change_needs_name(self) -> "MetricCue":
        if self.percent_change and not self.change:
            raise ValueError(f"metric {self.id}: percent_change needs a change metric name")
        return self


class MetricPatterns(Lexicon):
    """``metric_patterns.json``: market-wide metrics, their cues and values."""

    metrics: Annotated[list[MetricCue], Len(min_length=1)] = Field(description="ordered: earlier cues read their values first")
    volume_kinds: dict[str, Phrase] = Field(min_length=1, description="the word before 'volume' -> the metric name ('spot' -> spot_volume)")
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
