"""Models of the data files of fin_flows."""
from __future__ import annotations

from typing import Annotated

from annotated_types import Len
from pydantic import Field, PositiveInt, StringConstraints

from extractor.data.models.base import Entry, Lexicon, Patterns, Phrase, Phrases

IsoDuration = Annotated[str, StringConstraints(pattern=r"^P\d+[DWMY]$")]
Word = Annotated[str, StringConstraints(pattern=r"^[a-z]+$")]


class FlowLexicon(Lexicon):
    """``flow_lexicon.json``: the words that make a money amount a fund flow (``extractor/facts/flows.py``).

    Cue patterns are matched case-insensitively as whole words; an amount takes the direction of
    the nearest cue in its own stretch of the sentence, and a block cue nearer than any direction
    cue means it is something else."""

    inflow_patterns: Patterns = Field(description="cues of money going into funds: 'net inflows', 'attracted', 'poured into'")
    outflow_patterns: Patterns = Field(description="cues of money leaving funds: 'net outflows', 'redemptions', 'withdrew', 'bled'")
    inflow_weak_patterns: Patterns = Field(description="inflow cues that count only when the sentence names a fund (or its pronoun subject stands for one: 'They took in $X'): 'added', 'took in', 'in the green'")
    outflow_weak_patterns: Patterns = Field(description="outflow cues that count only when the sentence names a fund: 'lost', 'sold', 'in the red'")
    block_patterns: Patterns = Field(description="cues that make an amount something else: assets under management, volume, holdings, a price, fees, exchange flows")
    net_flow_patterns: Patterns = Field(description="cues of a net flow that name no direction ('net flows of $X', 'led flows with $X'): the amount's sign decides, a minus sign is an outflow")
    continuation_patterns: Patterns = Field(description="words by which an amount with no cue continues an earlier flow's tally: 'brings the total to', 'another', 'accounted for'")
    topic_shift_patterns: Patterns = Field(description="sentence openers that turn to another subject ('Meanwhile, ...', 'Separately, ...'): an amount there does not continue the tally of the flows before")
    fund_pronouns: Phrases = Field(description="pronouns by which a sentence's subject is the fund named in the sentence before ('They took in $X'): weak cues count there")
    product_head_strong_patterns: Patterns = Field(description="head nouns that name a fund on their own: 'ETFs', 'exchange-traded products'")
    product_head_weak_patterns: Patterns = Field(description="head nouns that name a fund only with a name word before them: 'funds', 'trust', 'investment products'")
    product_modifiers: Phrases = Field(description="lower-case words that may stand in a fund's name before its head noun: 'spot', 'US-listed', 'leveraged'")
    multi_asset_words: Phrases = Field(description="lower-case name words of a product that holds many assets ('crypto investment products'): its asset stays null")
    asset_class_patterns: Patterns = Field(description="asset classes that name a group of funds before a fund's head noun: 'equity funds', 'money market funds', 'fixed income ETFs' (the group's asset stays null)")
    bare_asset_class_patterns: Patterns = Field(description="asset classes that name a group of funds on their own ('fixed income took in $X'), only where the text already reports fund flows")
    bracketed_heads: Phrases = Field(description="what may stand in brackets right after a fund's name besides a ticker: '(ETPs)'")
    period_patterns: Annotated[dict[IsoDuration, Patterns], Len(min_length=1)] = Field(
        description="phrases of flow reports that name a span, by ISO duration: 'for the week' -> P7D")
    table_period_headers: Annotated[dict[IsoDuration, Patterns], Len(min_length=1)] = Field(
        description="words of a table's column header (or caption) that name the span of its flows: 'Week to Mar 6' -> P7D, 'Daily' -> P1D, 'MTD' -> P1M")
    table_flow_headers: Patterns = Field(description="words of a table's caption, header or note that make its signed money figures fund flows: 'net flows', 'creations'")
    number_words: Annotated[dict[Word, PositiveInt], Len(min_length=1)] = Field(
        description="number and ordinal words a streak is counted in: 'five straight days', 'the fifth straight day'")
    streak_nouns: Phrases = Field(description="nouns of a run of days: 'a four-day outflow streak', 'a three-session run'")
    streak_adjectives: Phrases = Field(description="words of an unbroken run: 'five straight days', 'the sixth consecutive session'")
    streak_count_links: Phrases = Field(description="words between 'streak' and its length: 'streak to four days', 'streak of five sessions'")
    streak_inflow_words: Phrases = Field(description="words before 'streak' that make it a run of inflows: 'buying streak'")
    streak_outflow_words: Phrases = Field(description="words before 'streak' that make it a run of outflows: 'selling streak'")
    contrast_words: Phrases = Field(description="words that set one figure against another ('..., while X funds attracted', 'compared with', 'versus'): a cue or a list does not reach across them (wider than grammar.json's clause_break_words, which cut every type's windows)")
    cumulative_patterns: Patterns = Field(description="a running sum rather than one day's flow ('since launch', 'year-to-date'): such an amount does not take the day of the flow before it")
    breakdown_patterns: Patterns = Field(description="a part of a flow just reported ('accounted for $X of the total'): it shares that flow's day and span")
    tally_words: Phrases = Field(description="nouns after '$X in/of' that name the tally itself ('$X in net ...', '$X of the week'), not another thing")
    tally_pronouns: Phrases = Field(description="pronouns after '$X of' that point back to the tally ('$X of that')")
    amount_noun_links: Phrases = Field(description="words between an amount and its head noun: '$X in net inflows', '$X worth of outflows'")
    product_after_links: Phrases = Field(description="prepositions by which a fund named after an amount in its clause is the flow's fund: '$X into bond funds', '$X from Acme's fund'")
    bare_amount_followers: Phrases = Field(description="words that may follow an amount written without a currency ('took in 791 million in ...'); any other word after it ('2 million shares') makes it no amount of money")
    not_the_day_patterns: Patterns = Field(description="words right before a day that make it not the flow's day: a range ('between Jan. 3 and'), an attribute ('a May 2 filing'), a report ('said on Monday')")


class EtfProduct(Entry):
    """One exchange-traded product: its ticker, usual name, issuer and underlying."""

    ticker: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{2,6}$")]
    name: Phrase = Field(description="the fund's name as usually written")
    issuer: Phrase
    asset: str | None = Field(description="the underlying asset's id; null for a multi-asset or index fund")
    ambiguous: bool = Field(False, description="the ticker is also a word or a coin's ticker: read as a fund only right after a name word")


class EtfProducts(Lexicon):
    """``etf_products.json``: issuers and funds of exchange-traded crypto products."""

    issuers: Phrases = Field(description="issuers as written before a fund's name ('BlackRock', 'ARK 21Shares'); each word counts as a name word")
    products: Annotated[list[EtfProduct], Len(min_length=1)]
