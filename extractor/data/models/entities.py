"""Model of ``entities.json``: how articles introduce the assets they talk about."""
from __future__ import annotations

from pydantic import Field

from extractor.data.models.base import Lexicon, Phrases


class Entities(Lexicon):
    """``entities.json`` (extractor/facts/entities.py)."""

    exchanges: Phrases = Field(description="exchange prefixes inside a ticker's brackets: '(NASDAQ: XYZ)'")
    not_asset_heads: Phrases = Field(description="last words of names that are bodies, not assets: '... Commission (SEC)'")
    asset_column_headers: Phrases = Field(description="first header cells of a pipe table whose rows open with the asset "
                                                      "they are about ('| Company | Price |'), lower case: a name there is an asset")
    crypto_context: Phrases = Field(description="words near an introduction that make it a token")
    stock_context: Phrases = Field(description="words near an introduction (or in the name) that make it a listed company (case as written)")
    fund_heads: Phrases = Field(description="words that make a name a fund: ETF, Trust")
    index_heads: Phrases = Field(description="words that end an index's name: Index, Composite")
    token_nouns: Phrases = Field(description="'the Name token', 'Name memecoin'")
    share_nouns: Phrases = Field(description="'Name shares', 'Name stock'")
    name_openers: Phrases = Field(description="words dropped from the start of a name ('The Boeing Company')")
    descriptor_openers: Phrases = Field(default_factory=list, description="lower-case words that, capitalized before another capitalized word at the start of a name, describe the company and are no part of its name ('Rival Acme Pay'); the nouns of move_lexicon described_names count too ('Chipmaker Acme')")
    dollar_codes: Phrases = Field(description="quote currencies that make BASE/QUOTE the base asset's price")
    currency_codes: Phrases = Field(description="ISO currency codes: two of them make an FX pair")
    pair_words: dict[str, str] = Field(default_factory=dict, description="currency words (lower case) that name a pair's side "
                                       "beside the one-word currency names of assets.jsonl ('yen', 'sterling'), and the ISO code each "
                                       "stands for there: 'dollar-yen', 'Euro/sterling', 'Aussie/dollar' are FX pairs")
    not_entity_names: Phrases = Field(description="words that are never an asset's name: regions, demonyms, sectors, months, days, determiners")
    indicator_words: Phrases = Field(description="words of technical and sentiment indicators ('100-hour Simple Moving Average', 'Fear & Greed Index'): such a name is no index or asset")
    adjective_suffixes: Phrases = Field(description="'Name-listed', 'bitcoin-linked': the part after the hyphen makes an adjective, not a name")
    bare_ticker_verbs: Phrases = Field(default_factory=list, description="verbs after an all-capitals word that make it a ticker "
                                       "the article trades ('VUSD fell as low as $0.96'): with a second mention, an entity")
    not_bare_tickers: Phrases = Field(default_factory=list, description="all-capitals words that are no ticker however they are "
                                      "used (titles, agencies, economic data, company suffixes, page labels)")
    index_variants: Phrases = Field(default_factory=list, description="lower-case words before an index's name that make another "
                                    "index of it ('the *equal-weight* S&P 500'): the two together name an index of their own")
    commodity_modifiers: Phrases = Field(default_factory=list, description="capitalized words before a capitalized commodity that "
                                         "leave it the commodity ('Spot Gold', 'Comex Copper', 'The Copper'): any other makes it the "
                                         "last word of a company's name ('Anvil Copper')")
    venue_heads: Phrases = Field(default_factory=list, description="last words of a trading venue's name ('London Metal Exchange'): "
                                 "named after a place word ('on the', 'at the') it is where something trades, not what trades")
    venue_place_words: Phrases = Field(default_factory=list, description="the words before 'the' that make a venue's name a place "
                                       "('on', 'at'): 'copper on the London Metal Exchange (LME)'")
    ticker_words: Phrases = Field(description="tickers that are English words or common acronyms: they count only in ticker context ('$X', '(X)')")
