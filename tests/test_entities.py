"""The article-local asset registry (extractor/facts/entities.py): invented sentences -> (mention, id, kind)."""
from __future__ import annotations

import pytest

from extractor.facts.entities import article_assets

CASES = [
    # Name (TICKER): a listed company keeps its name; later mentions of its ticker and first word resolve to it
    ("Shares of Quillon Foods (QLFD) doubled. Quillon later gave back half, and QLFD closed flat.",
     [("Quillon Foods", "Quillon Foods", "stock"), ("QLFD", "Quillon Foods", "stock"), ("Quillon", "Quillon Foods", "stock"),
      ("QLFD", "Quillon Foods", "stock")]),
    # an exchange prefix makes it a stock whatever else is near
    ("The token issuer Marrowbyte Labs Corp. (NASDAQ: MRWB) rose.", [("Marrowbyte Labs Corp.", "Marrowbyte Labs Corp.", "stock"), ("MRWB", "Marrowbyte Labs Corp.", "stock")]),
    # a token introduced with its ticker is named by the ticker
    ("The Pebblecoin (PBBL) token climbed, and PBBL is now the largest memecoin on the chain.",
     [("Pebblecoin", "PBBL", "crypto"), ("PBBL", "PBBL", "crypto"), ("PBBL", "PBBL", "crypto")]),
    # the shortest part of a long capitalised run that spells the ticker
    ("Free Weekly Report Halvorsen Motors (HVM) slid.", [("Halvorsen Motors", "Halvorsen Motors", "stock"), ("HVM", "Halvorsen Motors", "stock")]),
    # a registered fund name covers the coin inside it
    ("The Corbel Bitcoin Income ETF (CBIX) lost 3% while bitcoin rose.",
     [("Corbel Bitcoin Income ETF", "Corbel Bitcoin Income ETF", "etf"), ("CBIX", "Corbel Bitcoin Income ETF", "etf"), ("bitcoin", "BTC", "crypto")]),
    # cashtags
    ("Traders piled into $ZORB after the listing.", [("ZORB", "ZORB", "crypto")]),
    # pairs: against a stablecoin it is the base coin; two coins a cross pair; two currencies an FX pair
    ("XRP/USDT and ETH/BTC slid while EUR/USD rose.", [("XRP", "XRP", "crypto"), ("ETH/BTC", "ETH/BTC", "pair"), ("EUR/USD", "EUR/USD", "fx")]),
    # "shares of X", "X stock"
    ("Kettleby Semiconductor added 6.4%, and Kettleby stock is up 212% this year.",
     [("Kettleby Semiconductor", "Kettleby Semiconductor", "stock"), ("Kettleby", "Kettleby Semiconductor", "stock")]),
    # a name of two words or more right before a move verb and its percent; not a region or sector, a list, or a known asset
    ("Corvane Therapeutics jumped 31%. Corvane later gave back 4%, and Asian Markets fell 1%.",
     [("Corvane Therapeutics", "Corvane Therapeutics", "stock"), ("Corvane", "Corvane Therapeutics", "stock")]),
    ("Bittensor and Render have declined 10% while the European Stoxx 600 climbed 0.4%.",
     [("Bittensor", "TAO", "crypto"), ("Render", "RENDER", "crypto"), ("Stoxx 600", "Stoxx 600", "index")]),
    # ... also past a relative clause set off by commas
    ("Hyperion Mining, which holds 9,500 BTC on its balance sheet, slid 6%.",
     [("Hyperion Mining", "Hyperion Mining", "stock"), ("BTC", "BTC", "crypto")]),
    # one word inside a sentence, not one opening it
    ("In Frankfurt, Siemens climbed 2.4 per cent as European stocks rallied. Miners fell 3%.", [("Siemens", "Siemens", "stock")]),
    ("Halvorsen Marine Group has slid by 6.5 percent; Crypto Stocks rallied 5%, Orbis Digital 50, slid 3%.",
     [("Halvorsen Marine Group", "Halvorsen Marine Group", "stock")]),
    # "Shares of X" / "Shares in X" opening a sentence, as inside one
    ("Shares of Brambleway Foods surged. Later, shares in Tollgate Rail fell and Brambleway gave back half.",
     [("Brambleway Foods", "Brambleway Foods", "stock"), ("Tollgate Rail", "Tollgate Rail", "stock"), ("Brambleway", "Brambleway Foods", "stock")]),
    ("Shares of both listed miners fell.", []),
    # an index named by its head word
    ("The Brightwater Global Miners Index fell.", [("Brightwater Global Miners Index", "Brightwater Global Miners Index", "index")]),
    # the lexicon's non-crypto names keep the article's wording
    ("Brent crude rose while U.S. crude fell and spot gold held; the S&P 500 Index slipped.",
     [("Brent crude", "Brent crude", "commodity"), ("U.S. crude", "U.S. crude", "commodity"), ("spot gold", "spot gold", "commodity"),
      ("S&P 500 Index", "S&P 500", "index")]),
    # negatives: bodies, acronyms and English-word tickers are not assets
    ("The Securities and Exchange Commission (SEC) and the Office of Budget (OOB) met.", []),
    ("Artificial intelligence (AI) stocks rallied and IT spending rose.", []),
    ("Short-Term Holders (STH) sold into the rally.", []),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_registry(text, expected):
    got = [(m.text, m.asset.id, m.asset.kind) for m in article_assets(text)]
    assert got == expected


def _lexicon_texts() -> list[str]:
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted((root / "corpus" / "articles").iterdir()) if p.is_file()]
    return texts + [
        "| Coin | Price |\n|---|---|\n| TON   | $1.63 | -6.2% |\n|LINK| $14 |\n|  NEAR  | x |\n| ONE two | $1 |\n",
        "a ton of LINK here | TON text | (NEAR) and $ONE, LINK/USDT |\t TON\t|",
    ]


@pytest.mark.parametrize("i", range(len(_lexicon_texts())))
def test_the_fast_asset_scan_finds_what_the_pattern_finds(i):
    """``_matches`` (each branch scanned on its own, ticker branches only where "(", "$", "/USD" or a
    table's "|" allows them) yields the lexicon pattern's own matches, branch for branch."""
    from extractor.normalize.assets import _lexicon, _matches

    text = _lexicon_texts()[i]
    slow = [(next(g for g in ("ci", "exact", "amb", "pair", "cell") if m.group(g)), m.span()) for m in _lexicon()[4].finditer(text)]
    assert [(g, m.span()) for g, m in _matches(text)] == slow


def test_an_ambiguous_ticker_alone_in_a_table_cell_is_the_asset():
    from extractor.normalize.assets import find_assets

    text = "| Coin | Price |\n|---|---|\n| TON | $1.63 |\n| LINK | $14.02 |\nA ton of link and NEAR here. | ONE two |"
    assert [(m.text, m.asset.id) for m in find_assets(text)] == [("TON", "TON"), ("LINK", "LINK")]
