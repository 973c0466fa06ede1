"""Table-driven tests for ``market_metric`` facts (invented sentences, rule-only pipeline)."""
from __future__ import annotations

import pytest

PUB = "2026-03-11"  # a Wednesday


def _metrics(ex, text: str, published: str | None = PUB) -> list[tuple]:
    rec = ex.extract(text, published=published)
    return [(f.metric, f.value, f.unit) for f in rec.facts if f.type == "market_metric"]


CASES = [
    ("The total crypto market cap slipped to $2.91 trillion.", [("market_cap", 2.91e12, "USD")]),
    ("The global crypto market capitalization has shed US$212.4 billion since Friday.", [("market_cap_change", -2.124e11, "USD")]),
    ("Digital assets added $95 billion in market value over the weekend.", [("market_cap_change", 9.5e10, "USD")]),
    (
        "The total crypto market cap is down 1.8% over the past 24 hours at $2.7 trillion.",
        [("market_cap_change", -1.8, "percent"), ("market_cap", 2.7e12, "USD")],
    ),
    ("Bitcoin dominance edged up to 59.4% on Monday.", [("dominance", 59.4, "percent")]),
    ("The Crypto Fear & Greed Index sank to 12, its lowest reading since 2022.", [("fear_greed_index", 12.0, "index")]),
    ("Sentiment improved, with the Fear and Greed Index at a score of 63 out of 100.", [("fear_greed_index", 63.0, "index")]),
    ("An altcoin season index reading of 27/100 shows bitcoin still leads.", [("altcoin_index", 27.0, "index")]),
    ("Roughly $1.2 billion in long positions were liquidated over the past day, per CoinGlass.", [("liquidations", 1.2e9, "USD")]),
    ("Liquidations topped $410 million as prices whipsawed.", [("liquidations", 4.1e8, "USD")]),
    ("Open interest in ether futures climbed to $18.3 billion.", [("open_interest", 1.83e10, "USD")]),
    ("Bitcoin's 2% market depth has thinned to about $40 million.", [("market_depth", 4.0e7, "USD")]),
    ("Spot trading volume reached $64 billion on Tuesday.", [("volume", 6.4e10, "USD")]),
    ("Holders are sitting on about $22 billion in unrealized losses.", [("unrealized_loss", 2.2e10, "USD")]),
    ("Inflows lifted the fund's assets under management to $48.5 billion.", [("aum", 4.85e10, "USD")]),
    ("Total net assets across the spot Ether ETFs in the U.S. stand at $9.2 billion.", [("aum", 9.2e9, "USD")]),  # a long subject
    ("Funding rates on major perpetuals flipped to -0.01%.", [("funding_rate", -0.01, "percent")]),
    ("The network hash rate hit a record 1,050 EH/s.", [("hash_rate", 1050.0, "EH/s")]),
    (
        "The value of all cryptocurrencies sank to $2.6 trillion, a loss of about $140 billion in a day.",
        [("market_cap", 2.6e12, "USD"), ("market_cap_change", -1.4e11, "USD")],
    ),
    ("Solana's share of the total crypto market rose to 3.9%.", [("dominance", 3.9, "percent")]),
    (
        "Some $900 million in bets were liquidated on Sunday. Longs accounted for $720 million, while shorts lost $180 million.",
        [("liquidations", 9.0e8, "USD"), ("liquidations", 7.2e8, "USD"), ("liquidations", 1.8e8, "USD")],
    ),
    # negatives
    ("Short sellers lost $180 million on the squeeze.", []),
    ("The liquidation heatmap shows a cluster near $91,000.", []),
    ("Ether traded at $2,450 on Tuesday.", []),
    ("Fear returned to markets as stocks slid.", []),
    ("Solana rose 6% on the week.", []),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_metrics(rules_only, text, expected):
    assert _metrics(rules_only, text) == expected


def test_metric_period_when_source_subject(rules_only):
    rec = rules_only.extract(
        "In the past 24 hours, about $530 million of leveraged positions were liquidated, according to CoinGlass.", published=PUB
    )
    (f,) = [f for f in rec.facts if f.type == "market_metric"]
    assert (f.metric, f.value, f.period, f.source) == ("liquidations", 5.3e8, "P1D", "CoinGlass")
    rec = rules_only.extract("On Tuesday, ETH dominance rose to 14.2%.", published=PUB)
    (f,) = [f for f in rec.facts if f.type == "market_metric"]
    assert (f.subject, f.when) == ("ETH", "2026-03-10")


def test_metric_percents_are_not_moves(rules_only):
    rec = rules_only.extract("Bitcoin dominance rose 1.2% to 58% as the total market cap rose 2% to $3.1 trillion.")
    assert not [f for f in rec.facts if f.type == "percent_move"]
    rec = rules_only.extract("Ether's 1% market depth fell below $6 million.")
    assert not [f for f in rec.facts if f.type == "percent_move"]


def test_market_cap_money_is_not_a_price(rules_only):
    rec = rules_only.extract("The total crypto market cap climbed to $3.4 trillion.")
    assert not [f for f in rec.facts if f.type == "price"]
