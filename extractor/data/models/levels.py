"""Models of the data files of fin_levels."""
from __future__ import annotations

from pydantic import Field

from extractor.data.models.base import Entry, Lexicon, Pattern, Patterns, Phrases


class KindNounPatterns(Entry):
    """Nouns that name a level's kind; each key names the rule ``level.noun.<kind>``."""

    support: Patterns = Field(description="'support', 'floor', 'demand zone'")
    resistance: Patterns = Field(description="'resistance', 'ceiling', 'hurdle'")
    target: Patterns = Field(description="'target', 'objective', 'projection'")


class VerbPatterns(Entry):
    """Verbs right before a figure that make it a bound whatever the clause's mood."""

    resistance: Patterns = Field(description="'rejected at', 'capped at', 'a close above'")
    support: Patterns = Field(description="'defend', 'retest', 'stay above', 'a close below'")


class ScenarioVerbPatterns(Entry):
    """Verbs right before a figure that make it a level inside a forecast or scenario clause."""

    resistance: Patterns = Field(description="'break above', 'reclaim', 'clear'")
    support: Patterns = Field(description="'break below', 'hold', 'bounce off'")
    target: Patterns = Field(description="'to', 'toward', 'reach', 'as high as', 'expose'")


class TableLabelPatterns(Entry):
    """Row labels of a table of levels that name a kind by an abbreviation or name a level of no kind."""

    support: Patterns = Field(description="'S1', 'Sup 2'")
    resistance: Patterns = Field(description="'R1', 'Res. 2'")
    target: Patterns = Field(description="'T1', 'TP'")
    unnamed: Patterns = Field(description="'Pivot', 'PP'")


class LevelCues(Lexicon):
    """``level_cues.json``: what makes a figure a price level and which kind."""

    kind_noun_patterns: KindNounPatterns = Field(description="kind nouns next to the figure ('support at $X', '$X resistance')")
    generic_noun_patterns: Patterns = Field(description="nouns of a level whose kind is not named ('level', 'mark', 'zone')")
    range_nouns: Phrases = Field(description="nouns of a range after two figures ('the $X to $Y band')")
    range_noun_modifiers: Phrases = Field(description="words that may stand before a range noun ('trading range')")
    range_opener_patterns: Patterns = Field(description="words before two figures that make them a range ('between', 'range of')")
    approximators: Phrases = Field(description="words between a range opener and its first figure ('between roughly $X and $Y')")
    table_label_patterns: TableLabelPatterns = Field(description="labels of the rows of a table of levels that name a kind by abbreviation ('R1', 'S2') or a level of no kind ('Pivot'); a kind noun ('Support 1') names its kind too")
    copulas: Phrases = Field(default_factory=list, description="verbs that tie a figure to a kind noun after a determiner ('$X *is* the nearest support', '$X *remains* a key ceiling')")
    value_verbs: Phrases = Field(default_factory=list, description="verbs that give the value of the kind noun they follow, however "
                                                         "far in its clause, before a link word ('the median price target among 24 analysts "
                                                         "*stands* at $X')")
    table_value_header_patterns: Patterns = Field(default_factory=list, description="column headers of a table of one asset's levels whose header names no asset ('| Level | Price (USD) | Basis |'): the column holds the levels")
    stated_price_prepositions: Phrases = Field(default_factory=list, description="prepositions before a bare number in a sentence naming one coin, stock or commodity that make it that asset's stated price ('ETH slipped to 2,041'): the scale bare levels are checked against")
    filler_patterns: Patterns = Field(description="words that may stand between a cue and its figure ('the key', 'level at')")
    link_words: Phrases = Field(description="prepositions that tie a figure to a noun before it ('the level of $X', 'the 50-day MA near $X')")
    verb_patterns: VerbPatterns = Field(description="level verbs right before the figure")
    scenario_verb_patterns: ScenarioVerbPatterns = Field(description="verbs that make the figure a level in a scenario clause")
    scenario_position_words: Phrases = Field(description="prepositions before a figure that make it a level in a scenario clause ('could find buyers around $X')")
    scenario_target_verbs: Phrases = Field(description="verbs that, with one of scenario_position_words, make a scenario figure a target ('would trade near $X', 'could be at $X')")
    beside_words: Phrases = Field(description="prepositions that make a figure before a generic noun a price crossing a mark, not a level ('slipped below the $X mark')")
    target_after_patterns: Patterns = Field(description="words right after a figure that make it a target ('is next', 'in sight', 'by year-end')")
    described_as: Phrases = Field(description="participles of '$X, which is widely regarded as a floor'")
    describing_verbs: Phrases = Field(default_factory=lambda: ["regard"], description="the same verbs in the active voice, before the "
                                      "figure: 'traders regard 160 yen per dollar as the line in the sand'")
    naming_verbs: Phrases = Field(default_factory=list, description="verbs that name a figure by a kind noun with no 'as' between: "
                                  "'calling $90,000 \"the floor that matters\"', 'dubbed 2,000 the line in the sand'")
    holding_after_patterns: Patterns = Field(default_factory=list, description="words right after a figure that make it the subject "
                                             "of holding, a support: 'I want to see $95,000 hold', 'as long as 1.08 holds'")
    target_setter_verbs: Phrases = Field(default_factory=list, description="verbs by which a firm or person sets its own target ('Acme Securities *raised* its price target on Orbis to $X'): the one who sets it is the level's speaker, not its asset")
    moving_average_pattern: Pattern = Field(description="a moving average named before its value ('the 50-day SMA ($X)')")
    connector_patterns: Patterns = Field(description="words that join figures into one group ('$X and $Y', '$X or even $Y', '$X-$Y')")
    trading_verb_patterns: Patterns = Field(description="verbs of a traded price ('trades near $X'): outside a scenario the figure is a price, even beside a kind noun")
    key_adjective_patterns: Patterns = Field(description="adjectives that make a figure with a generic level noun a level even beside the price: 'the key $X level'")
    bare_unit_patterns: Patterns = Field(description="units after a bare number that make it something other than an index level ('points', 'BTC', '%')")
