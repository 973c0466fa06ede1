"""Table-driven tests for ``price`` facts (invented sentences, rule-only pipeline)."""
from __future__ import annotations

import pytest

PUB = "2026-03-11"  # a Wednesday


def _prices(ex, text: str) -> list[tuple]:
    rec = ex.extract(text, published=PUB)
    return sorted((f.asset, f.value, f.qualifier) for f in rec.facts if f.type == "price")


CASES = [
    # (sentence, expected [(asset, value, qualifier)])
    ("Bitcoin traded near $88,140 on Tuesday.", [("BTC", 88140.0, "near")]),
    ("Solana sank 4.2% to $131 during Asian hours.", [("SOL", 131.0, "at")]),
    ("Ether was changing hands at about $3,412 in early New York trading.", [("ETH", 3412.0, "near")]),
    ("XRP hit an all-time high of $3.84 in July.", [("XRP", 3.84, "record_high")]),
    ("Dogecoin plunged to $0.118 before buyers stepped in.", [("DOGE", 0.118, "low")]),
    ("Bitcoin nearly reached $99,500 overnight.", [("BTC", 99500.0, "high")]),
    ("Bitcoin had been climbing since bottoming just under $61,000 in March.", [("BTC", 61000.0, "low")]),
    ("Ether slid from $3,950 to $3,420 in two hours.", [("ETH", 3420.0, "low"), ("ETH", 3950.0, "high")]),
    ("Ether slipped below the $3,000 mark on Monday.", [("ETH", 3000.0, "below")]),
    ("Gold hit record highs near $3,100 per ounce.", [("gold", 3100.0, "record_high")]),
    ("At the time of writing, Cardano is sitting at $0.7215.", [("ADA", 0.7215, "at")]),
    ("Bitcoin Tumbles Below $60K as Traders Flee", [("BTC", 60000.0, "below")]),
    ("Bitcoin later recovered. By the afternoon it was trading around $65,900.", [("BTC", 65900.0, "near")]),
    # a move that ends at the figure, whatever the verb
    ("Polkadot lost 6.1% to $4.87 as sellers returned.", [("DOT", 4.87, "at")]),
    ("Litecoin added 3.3% on Thursday to $92.40.", [("LTC", 92.4, "at")]),
    # an asset after the figure but past a clause break is not the figure's asset
    ("Bitcoin slid all week.\nThe coin was changing hands at $86,300 on Friday, but ether fared worse.", [("BTC", 86300.0, "at")]),
    # negatives: levels, forecasts, cost bases, purchases, caps, amounts, strikes, read-more lines
    ("Halvard's Nasdaq-listed shares fell 6.2% to $18.40 after the report.", []),  # "Nasdaq-listed" is no index
    ("Analysts flagged $58,000 as the key support level for Bitcoin.", []),
    ("The average ETF cost basis for Bitcoin sits near $84,000.", []),
    ("The firm acquired 4,200 BTC at an average price of $91,300.", []),
    ("The total crypto market cap slipped to $2.2 trillion.", []),
    ("Bitcoin ETFs saw $412 million in net outflows on Tuesday.", []),
    ("Open interest in Bitcoin $110,000 call options jumped this week.", []),
    ("$9K ETH is coming this cycle, one trader posted.", []),
    ("Bitcoin could rally to $120,000 if inflows return.", []),
    ("The strategist expects Bitcoin to trade near $210,000 by December.", []),
    ("Related: Bitcoin set for $250K rally as rate cuts loom", []),
    ("The fund paid $4.50 per share in dividends.", []),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_prices(rules_only, text, expected):
    assert _prices(rules_only, text) == sorted(expected)


def test_price_evidence_when_and_source(rules_only):
    text = "On Monday, Bitcoin was trading at $66,310, according to CoinGecko."
    rec = rules_only.extract(text, published=PUB)
    (p,) = [f for f in rec.facts if f.type == "price"]
    assert rec.article.text[p.evidence.start : p.evidence.end] == p.evidence.text == "$66,310"
    assert (p.when, p.when_text, p.source) == ("2026-03-09", "Monday", "CoinGecko")
    assert p.rule.startswith("price_") and p.currency == "USD"


def test_same_value_can_be_price_and_level_from_different_mentions(rules_only):
    text = "Bitcoin traded at $70,000 on Monday. Bulls need to reclaim $70,000 to resume the uptrend."
    rec = rules_only.extract(text, published=PUB)
    assert [(f.type, f.value) for f in rec.facts if f.type in ("price", "price_level")] == [("price", 70000.0), ("price_level", 70000.0)]
