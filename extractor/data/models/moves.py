"""Models of the data files of fin_moves (``move_lexicon.json``, ``move_subject_aliases.json``)."""
from __future__ import annotations

from typing import Annotated

from annotated_types import Len
from pydantic import Field, StringConstraints, model_validator

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
    list_headers: dict[RuleName, Phrases] = Field(description="'gainers' and 'losers': header words before a list of names with percents "
                                                          "in parentheses that give their sign ('Top gainers: SUI (12%), SEI (9%)')")
    discount_words: Phrases = Field(description="words right after a percent that are a move when a peak follows ('a 30% *discount* to "
                                                "its all-time high'), a rate otherwise ('a 10% discount to NAV')")
    of_own_value: Phrases = Field(description="'of ...' after a percent that still makes a move ('lost 40% of its value')")
    measure_words: Phrases = Field(description="words between the subject and the percent (or in the subject's name) that say the "
                                               "percent measures something other than the price: dominance, yield, open interest, fees ...")
    level_words: Phrases = Field(description="words right before a percent that make it a level, not a change ('climbed to 56%', 'up from 41%')")
    level_nouns: Phrases = Field(description="nouns of a stated value a level word may introduce before the percent, with 'of': "
                                              "'down from a prior range of 5%', 'cut to an estimate of 3%' (a level, not a change)")
    level_noun_modifiers: Phrases = Field(description="words before such a noun: 'prior', 'previous', 'revised', 'consensus'")
    range_words: Phrases = Field(description="words before a range of percents ('between 20% and 35%'): not a level, one subject each")
    references: Annotated[dict[RuleName, Phrases], Len(min_length=1)] = Field(description="reference points a move is measured from ('30% below its record high' -> peak)")
    reference_prepositions: Phrases = Field(description="prepositions before a reference point: 'below', 'from', 'off', 'short of'")
    reference_determiners: Phrases = Field(description="determiners between a reference preposition and its point: 'its', 'the'")
    opening_determiners: Phrases = Field(description="capitalized determiners that open a sentence about the running subject ('The coin ...')")
    verb_fillers: Phrases = Field(description="auxiliaries and verbs between a capitalized name and the move cue ('Acme Index *has* plunged 70%')")
    share_nouns: Phrases = Field(description="nouns after a company name that keep it the subject ('Acme shares rose', \"Acme's stock fell\")")
    possessed_nouns: Phrases = Field(description="more nouns after a possessive name that keep it the subject (\"Acme's price rose\")")
    ly_nouns: Phrases = Field(description="words ending in -ly that are not adverbs ('supply', 'rally', 'assembly'): never skipped as "
                                          "an adverb between a subject and its verb ('Ether's *supply* shrank 2%')")
    object_marker_patterns: Patterns = Field(description="regex: a comparison or preposition right before a name makes it an object, "
                                                         "not the subject ('outperformed bitcoin', 'holder of bitcoin')")
    object_determiners: Phrases = Field(description="determiners between an object marker and the name ('than *the* Nasdaq')")
    owner_prepositions: Phrases = Field(description="prepositions before the subject that make the figure a metric of it "
                                                    "('open interest *in* ether futures dropped 12%')")
    relative_pronouns: Phrases = Field(description="pronouns that open a relative clause holding the cue ('bitcoin, *which* rose 2%')")
    joiner_words: Phrases = Field(description="words (besides a comma or dash) that join percents into one group: '5% and 7%', '20% to 35%'")
    anaphors: Annotated[dict[RuleName, Phrases], Len(min_length=1)] = Field(
        description="pronouns and generic noun phrases that refer back to an asset named before, by the kind of asset they "
                    "refer to ('the stock' -> stock, 'the token' -> crypto, 'it' -> any)")
    modifiable_anaphors: Phrases = Field(description="bare anaphor nouns that a word before them turns into a thing of its own "
                                                     "('*import* prices', '*energy* futures'): then no anaphor of the running asset")
    compiler_participles: Phrases = Field(default_factory=list, description="participles before 'by' that make an anaphor noun a "
                                          "description of its own ('the index of small-cap tokens *tracked* by Osterbrook')")
    gauge_participles: Phrases = Field(default_factory=list, description="participles after a comma and before 'by' that name the "
                                       "gauge of a market ('the market, as *measured* by the Acme 20 Index, rose 2%')")
    company_nouns: Phrases = Field(default_factory=list, description="nouns an asset word modifies to describe a company before "
                                   "its name ('bitcoin *miner* Cinderford Mining', 'crypto *exchange* Kestrel'): the name, not the "
                                   "asset word, owns the shares")
    described_names: dict[str, Phrases] = Field(
        default_factory=dict,
        description="a lower-case noun that describes a company ('the exchange's shares', 'the miner's stock') -> the last "
                    "words of the names it describes ('Exchange', 'Mining'): the possessive refers back to the latest such name")
    anaphor_kinds: Annotated[dict[RuleName, Phrases], Len(min_length=1)] = Field(
        description="for each anaphor kind, the kinds of mention it may refer to (asset kinds of data/assets.jsonl, 'pair', "
                    "and 'name' for a capitalized name the article made a subject)")
    clause_openers: Phrases = Field(description="words that open a clause ('while', 'and', 'with'): the subject of a move stands "
                                                "between the last of them and the move's verb")
    named_heads: Phrases = Field(description="head nouns that, with words before them, name an asset ('the dollar *index*', "
                                             "'the Acme bond *fund*'); alone they refer back ('the index')")
    index_descriptors: Phrases = Field(description="lower-case words between a known index and its head that do not change which index it "
                                                   "is ('Nikkei *share* average', 'Kospi *benchmark* index'; not 'equal-weight')")
    group_heads: Phrases = Field(description="head nouns that, with any words before them, name a group of assets that moves ('the "
                                             "gaming *sector*', 'the memecoin *segment*'); alone they name nothing")
    venue_nouns: Phrases = Field(default_factory=lambda: ["debut"], description="nouns after an index or exchange name that make it "
                                 "the venue of a listing, not what moved or is priced ('their *Nasdaq debut*', 'a *NYSE listing*'); "
                                 "'-listed' and '-traded' after the name too")
    sector_names: Phrases = Field(default_factory=lambda: ["utilities"], description="lower-case names of market sectors that, as the "
                                  "subject of a move, name the group that moved ('*utilities* fell 1.3%', '*real estate* lost 0.9%', "
                                  "'*autos* fell 1.4%'), alone or before 'stocks', 'shares', 'sector', 'index' or 'names'")
    change_nouns: Phrases = Field(description="cue words that are nouns of change ('a 5% *drop*', 'a *decline of* 5%'): the move's subject "
                                              "is the noun's owner ('in X', 'for X', \"X's\") or the subject of its verb ('X logged a 5% drop')")
    fibonacci_words: Phrases = Field(description="words of a Fibonacci retracement or extension ('38.2% Fib retracement')")
    plural_counts: dict[Phrase, int] = Field(default_factory=dict, description="words of a plural subject that say how many names it "
                                             "stands for besides the number words ('both' 2, 'trio' 3): 'Both benchmarks have shed 6%' is a "
                                             "move of each of the two names before")
    plural_anaphor_patterns: Patterns = Field(description="regex: a plural subject that refers back to the names a list before moved "
                                                          "('Bitcoin, ether and solana rose ... *They* are up 5%, 6% and 7% on the week')")
    episode_subject_patterns: Patterns = Field(description="regex: a subject that names an episode of the running asset's price ('the "
                                                           "first saw a decline of 59%', 'the latest pullback registered a 58% drop'): the "
                                                           "move is the running asset's")
    change_label_patterns: Patterns = Field(description="regex: a label that names the figure after it as a change over a period ('Gold: "
                                                        "*weekly change* -2.1%', '*24h change*: +7.4%', '*Weekly gain*: 1.5%'): no subject of "
                                                        "its own; the move is the name's the label hangs from (before a colon or dash), "
                                                        "else the running asset's; a quantity there owns it")
    subordinate_openers: Phrases = Field(description="words that open a side clause ('Litecoin held up *where* Bitcoin and Cardano "
                                                     "slipped; it rose 2%'): a name there is a passing mention, and 'it' after a "
                                                     "semicolon refers to the sentence's own subject")
    yield_patterns: Patterns = Field(description="regex: a bond, yield or spread written before a change in basis points ('the "
                                                 "10-year *yield* fell 6 bps', '*UST 2y* 3.55% (-2.7bp)'): the change of a yield or spread, "
                                                 "never a move")
    swing_verb_patterns: Patterns = Field(description="regex: a verb before 'between' whose two percents are the ends of a "
                                                      "swing within a session ('*swung* between a 4% loss and a 3% gain'), no moves")
    fibonacci_ratios: Phrases = Field(description="the standard Fibonacci ratios in percent, as written ('38.2', '61.8')")

    @model_validator(mode="after")
    def _kinds_cover_anaphors(self):
        missing = sorted(set(self.anaphors) - set(self.anaphor_kinds))
        if missing:
            raise ValueError(f"anaphor_kinds: no entry for the anaphor kinds {missing}")
        unknown = sorted(set(self.modifiable_anaphors) - {p for ps in self.anaphors.values() for p in ps})
        if unknown:
            raise ValueError(f"modifiable_anaphors: {unknown} are not anaphors")
        return self


class MoveSubjectAliases(Lexicon):
    """``move_subject_aliases.json``: descriptive phrases used instead of an asset's name."""

    aliases: Annotated[dict[Phrase, Phrase], Len(min_length=1)] = Field(
        description="phrase ('world's largest cryptocurrency') -> the subject it stands for ('BTC')")
