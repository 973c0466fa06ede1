"""Table-driven tests for ``price_level`` facts (invented sentences, rule-only pipeline)."""
from __future__ import annotations

import pytest

PUB = "2026-03-11"  # a Wednesday


def _levels(ex, text: str) -> list[tuple]:
    rec = ex.extract(text, published=PUB)
    return sorted((f.asset, f.value, f.kind) for f in rec.facts if f.type == "price_level")


def _prices(ex, text: str) -> list[tuple]:
    rec = ex.extract(text, published=PUB)
    return sorted((f.asset, f.value) for f in rec.facts if f.type == "price")


CASES = [
    # (sentence, expected [(asset, value, kind)])
    # the "cap" of "large-cap" is no ceiling: a price in an appositive is not a level
    ("Polkadot jumped 9% to $5.12, its best day in a month, as traders bought large-cap altcoins.", []),
    # a hypothetical move that would expose a figure makes it a target
    ("Ether held up all week. Losing that would expose $2,880.", [("ETH", 2880.0, "target")]),
    # kind nouns, before or after the figure
    ("Analysts flagged $58,000 as the key support level for Bitcoin.", [("BTC", 58000.0, "support")]),
    ("Solana keeps bumping into the $245 resistance.", [("SOL", 245.0, "resistance")]),
    ("For Cardano, the immediate support on the downside sits at $0.61.", [("ADA", 0.61, "support")]),
    ("Avalanche faces stiff overhead resistance near $41.", [("AVAX", 41.0, "resistance")]),
    ("Chainlink (LINK) bulls eye a price target of $32.", [("LINK", 32.0, "target")]),
    # ranges
    ("Options traders expect Ether to chop in a range between $3,100 and $3,900.", [("ETH", 3100.0, "range_low"), ("ETH", 3900.0, "range_high")]),
    ("XRP could slide into the $0.48-$0.52 support zone.", [("XRP", 0.48, "support"), ("XRP", 0.52, "support")]),
    ("For Litecoin, the $80-85 range is the next demand zone.", [("LTC", 80.0, "range_low"), ("LTC", 85.0, "range_high")]),
    # moving averages named as levels
    ("Dogecoin bounced off the 50-day SMA ($0.152) on Monday.", [("DOGE", 0.152, "support")]),
    ("Ether is stuck under the 200-day EMA ($3,480), which acts as resistance.", [("ETH", 3480.0, "resistance")]),
    # level verbs and hypothetical clauses
    ("Bitcoin needs to reclaim $71,500 to end the downtrend.", [("BTC", 71500.0, "resistance")]),
    ("If sellers drag the price below $138, Solana may slump to $121.", [("SOL", 121.0, "target"), ("SOL", 138.0, "support")]),
    ("A close above $2.90 opens the doors for a rally to $3.40 and then to $3.75 for Sui.",
     [("SUI", 2.9, "resistance"), ("SUI", 3.4, "target"), ("SUI", 3.75, "target")]),
    ("Bulls are expected to defend the $19 level on Polkadot.", [("DOT", 19.0, "support")]),
    ("$9K ETH is coming this cycle, one trader posted.", [("ETH", 9000.0, "target")]),
    ("The strategist predicted Bitcoin would trade near $210,000 by December.", [("BTC", 210000.0, "target")]),
    # indices: bare numbers next to an index name
    ("The S&P 500 could extend its rally toward 6,450 if it clears resistance at 6,300.",
     [("S&P 500", 6300.0, "resistance"), ("S&P 500", 6450.0, "target")]),
    # negatives: traded prices, cost bases, purchases, amounts
    ("Bitcoin traded near $88,140 on Tuesday.", []),
    ("The average ETF cost basis sits near $84,000.", []),
    ("The firm acquired 4,200 BTC at an average price of $91,300.", []),
    ("The total crypto market cap slipped to $2.9 trillion.", []),
    ("Spot Bitcoin ETFs saw $412 million in net outflows.", []),
    ("Ether slipped below the $3,000 mark on Monday.", []),
    ("Bitcoin briefly reclaimed $70,000 during the rebound.", []),
    ("Related: Bitcoin set for $250K rally as rate cuts loom", []),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_levels(rules_only, text, expected):
    assert _levels(rules_only, text) == sorted(expected)


def test_a_level_is_not_also_a_price(rules_only):
    text = "Bitcoin traded at $64,200 on Monday. Analysts see $60,000 as key support and a target of $72,000."
    assert _levels(rules_only, text) == [("BTC", 60000.0, "support"), ("BTC", 72000.0, "target")]
    assert _prices(rules_only, text) == [("BTC", 64200.0)]


def test_section_subject_carries_over_headings(rules_only):
    text = (
        "Avalanche price prediction\n\nAvalanche (AVAX) stalled below the $44 resistance.\n\nAVAX/USDT daily chart. Source: TradingView\n\n"
        "Buyers tried to push higher. The bears are active. The pair could later fall to $36."
    )
    assert ("AVAX", 36.0, "target") in _levels(rules_only, text)


def test_level_evidence_and_when(rules_only):
    text = "On Tuesday, Ether bulls tried to hold the $3,250 support."
    rec = rules_only.extract(text, published=PUB)
    (lvl,) = [f for f in rec.facts if f.type == "price_level"]
    assert rec.article.text[lvl.evidence.start : lvl.evidence.end] == lvl.evidence.text == "$3,250"
    assert lvl.when == "2026-03-10" and lvl.rule.startswith("level_")


def test_speaker_from_person_entity(full):
    text = "Jonathan Krinsky said Bitcoin could fall to $52,000 before the summer."
    rec = full.extract(text, published=PUB)
    (lvl,) = [f for f in rec.facts if f.type == "price_level"]
    assert lvl.speaker == "Jonathan Krinsky" and lvl.kind == "target"
