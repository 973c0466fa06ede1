"""Models of the data files of fin_moves (``move_lexicon.json``, ``move_subject_aliases.json``)."""
from __future__ import annotations

from typing import Annotated

from annotated_types import Len
from pydantic import Field, StringConstraints

from extractor.data.models.base import Lexicon, Patterns, Phrase, Phrases

RuleName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]


class MoveLexicon(Lexicon):
    """``move_lexicon.json``: what makes a percent a signed move of a named asset."""

    negative_before: Phrases = Field(description="fall words shortly before a percent: 'slid 1.1%', 'down 6%', 'a drop of 3%'")
    positive_before: Phrases = Field(description="rise words shortly before a percent: 'gained 2%', 'up 4%', 'a rally of 9%'")
    negative_after: Phrases = Field(description="fall words right after a percent: '12% lower', 'a 14% drop'")
    positive_after: Phrases = Field(description="rise words right after a percent: '27% higher', 'a 9% gain'")
    period_adjectives: Phrases = Field(description="adjectives between a percent and its cue word: 'a 5% *weekly* gain', 'a 3% *sharp* drop'")
    fillers: Phrases = Field(description="articles, possessives and intensifiers that may stand between a cue word and the "
                                         "percent ('by', 'a whopping', 'its'); read with grammar.json's approximators")
    stop_after: Phrases = Field(description="words right after a percent that are not a modifier of a following cue word ('as', 'to', 'of')")
    forecast_words: Phrases = Field(description="modal and forecast words between a subject and its percent ('could fall 10%', "
                                                "'expected to rise 5%'): the move is hypothetical. Narrower than figure_context.json's "
                                                "hypothetical_patterns on purpose: 'once', 'until', 'likely', 'set to' there mark a "
                                                "forecast around a dollar figure but often stand in sentences that report a past move")
    not_a_move_after: Annotated[dict[RuleName, Phrases], Len(min_length=1)] = Field(description="words right after a percent that say what else it is, one rule "
                                                                 "each (move.blocked.<key>): a share, odds, a rate, a tax ...")
    metric_names: Phrases = Field(description="metric names a percent is part of when written right before them ('2% market depth', "
                                              "'58% dominance'): no move, and never grouped with the percents before it")
    of_own_value: Phrases = Field(description="'of ...' after a percent that still makes a move ('lost 40% of its value')")
    measure_words: Phrases = Field(description="words between the subject and the percent (or in the subject's name) that say the "
                                               "percent measures something other than the price: dominance, yield, open interest, fees ...")
    level_words: Phrases = Field(description="words right before a percent that make it a level, not a change ('climbed to 56%', 'up from 41%')")
    range_words: Phrases = Field(description="words before a range of percents ('between 20% and 35%'): not a level, one subject each")
    references: Annotated[dict[RuleName, Phrases], Len(min_length=1)] = Field(description="reference points a move is measured from ('30% below its record high' -> peak)")
    reference_prepositions: Phrases = Field(description="prepositions before a reference point: 'below', 'from', 'off', 'short of'")
    reference_determiners: Phrases = Field(description="determiners between a reference preposition and its point: 'its', 'the'")
    generic_subjects: Phrases = Field(description="pronouns and generic nouns before a percent that refer back to the running subject ('it', 'the token')")
    opening_determiners: Phrases = Field(description="capitalized determiners that open a sentence about the running subject ('The coin ...')")
    verb_fillers: Phrases = Field(description="auxiliaries and verbs between a capitalized name and the move cue ('Acme Index *has* plunged 70%')")
    share_nouns: Phrases = Field(description="nouns after a company name that keep it the subject ('Acme shares rose', \"Acme's stock fell\")")
    possessed_nouns: Phrases = Field(description="more nouns after a possessive name that keep it the subject (\"Acme's price rose\")")
    object_marker_patterns: Patterns = Field(description="regex: a comparison or preposition right before a name makes it an object, "
                                                         "not the subject ('outperformed bitcoin', 'holder of bitcoin')")
    object_determiners: Phrases = Field(description="determiners between an object marker and the name ('than *the* Nasdaq')")
    owner_prepositions: Phrases = Field(description="prepositions before the subject that make the figure a metric of it "
                                                    "('open interest *in* ether futures dropped 12%')")
    relative_pronouns: Phrases = Field(description="pronouns that open a relative clause holding the cue ('bitcoin, *which* rose 2%')")
    joiner_words: Phrases = Field(description="words (besides a comma or dash) that join percents into one group: '5% and 7%', '20% to 35%'")
    teaser_prefixes: Phrases = Field(description="line openers of a teaser link ('Related: ...', 'Read more - ...'): not body text")


class MoveSubjectAliases(Lexicon):
    """``move_subject_aliases.json``: descriptive phrases used instead of an asset's name."""

    aliases: Annotated[dict[Phrase, Phrase], Len(min_length=1)] = Field(
        description="phrase ('world's largest cryptocurrency') -> the subject it stands for ('BTC')")
