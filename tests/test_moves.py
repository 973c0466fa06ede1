"""Table-driven tests for ``percent_move`` facts (invented sentences, rule-only pipeline)."""
from __future__ import annotations

import pytest

PUB = "2026-03-11"  # a Wednesday


def _moves(ex, text: str, published: str | None = PUB) -> list[tuple]:
    rec = ex.extract(text, published=published)
    return [(f.subject, f.percent) for f in rec.facts if f.type == "percent_move"]


def _move_facts(ex, text: str, published: str | None = PUB):
    return [f for f in ex.extract(text, published=published).facts if f.type == "percent_move"]


CASES = [
    # (sentence, expected [(subject, percent)])
    ("Solana sank 4.2% to $131 during Asian hours.", [("SOL", -4.2)]),
    ("Dogecoin rallied 12.5% after the listing news.", [("DOGE", 12.5)]),
    ("Cardano is up 3% while XRP is down 2.4%.", [("ADA", 3.0), ("XRP", -2.4)]),
    ("Litecoin gained 6%, Avalanche rose 4.1%, and Polkadot slid 1.8%.", [("LTC", 6.0), ("AVAX", 4.1), ("DOT", -1.8)]),
    ("Gold and copper ended roughly 9% and 21% below their cycle highs, respectively.", [("gold", -9.0), ("copper", -21.0)]),
    ("The Hang Seng lost about 300 basis points over two sessions.", [("Hang Seng", -3.0)]),
    ("Top performers were Zorblex (+31.4%) and Quantix Chain (+18%).", [("Zorblex", 31.4), ("Quantix Chain", 18.0)]),
    ("Leaders: KRTO +64.2%, Velmora -12%.", [("KRTO", 64.2), ("Velmora", -12.0)]),
    ("Microsoft was down 2.2%, Nvidia by 4.8%, and Alphabet by 1.9%.", [("Microsoft", -2.2), ("Nvidia", -4.8), ("Alphabet", -1.9)]),
    ("The Brightwater Global Miners Index has tumbled almost 35% this year.", [("Brightwater Global Miners Index", -35.0)]),
    ("Ether is now trading 61% below its all-time high.", [("ETH", -61.0)]),
    ("Bitcoin's 9% weekly gain outpaced the Nasdaq.", [("BTC", 9.0)]),
    ("Bitcoin slipped to $58,000. It has dropped 18% over the past month.", [("BTC", -18.0)]),
    ("The world's largest cryptocurrency posted a drop of about 6% on Monday.", [("BTC", -6.0)]),
    ("Coinbase shares rose 7.5% in early trading, while the S&P 500 opened 0.4% higher.", [("Coinbase", 7.5), ("S&P 500", 0.4)]),
    ("Brazil's Ibovespa climbed 1.6%, and Taiwan's Taiex gained 0.9%.", [("Ibovespa", 1.6), ("Taiex", 0.9)]),
    ("Cardano rallied 14%, leaving bitcoin, which rose 1.1%, far behind.", [("ADA", 14.0), ("BTC", 1.1)]),
    ("MARA Holdings, the biggest miner by hashrate and a large holder of bitcoin, sank 8.4%.", [("MARA", -8.4)]),
    ("Tech led the gains, with Microsoft up 2.6% after results.", [("Microsoft", 2.6)]),
    ("Chainlink outperformed ether, climbing 9%.", [("LINK", 9.0)]),
    ("The euro weakened 0.8% against the dollar.", [("euro", -0.8)]),
    ("Gold hit a record. The yellow metal has rallied 19% since January.", [("gold", 19.0)]),
    ("Ether is up 4% on the week and 10% for the month.", [("ETH", 4.0), ("ETH", 10.0)]),
    ("BTC/USDT slid 1.4% in the past hour.", [("BTC", -1.4)]),
    # negatives: shares, odds, rates, taxes, depth, levels, hypotheticals
    ("Open interest in Solana futures dropped 9% to $4 billion.", []),
    ("Analysts expect Ether to climb 25% by the end of the quarter.", []),
    ("Related: Tron Jumps 12% After Exchange Listing", []),
    ("Consumer inflation rose 2.8% in February.", []),
    ("Bitcoin dominance climbed to 61.3% this week.", []),
    ("The exchange said it would lay off 20% of its staff.", []),
    ("Traders now see a 38% chance that Bitcoin tops $100,000 by June.", []),
    ("Ether's 2% market depth shrank to $12 million.", []),
    ("A flat 15% levy applies to imports from the bloc.", []),
    ("The ten-year yield rose to 4.6% on Tuesday.", []),
    ("Funding rates on Solana perpetuals climbed 0.02% overnight.", []),
    ("Analysts say Ether could fall 15% if the support breaks.", []),
    ("Stablecoins account for 8% of the total crypto supply.", []),
    ("Odds of a rate cut rose from 12% to 31%.", []),
    ("Staking yields of about 3.5% attract long-term holders.", []),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_moves(rules_only, text, expected):
    assert sorted(_moves(rules_only, text)) == sorted(expected)


def test_period_reference_and_when(rules_only):
    (f,) = _move_facts(rules_only, "Bitcoin fell 8% on Tuesday, ending the session about 30% below its record high.")[:1]
    assert (f.subject, f.percent, f.when, f.when_text) == ("BTC", -8.0, "2026-03-10", "on Tuesday")
    facts = _move_facts(rules_only, "Bitcoin is about 30% below its record high after a seven-day slide.")
    assert [(x.percent, x.reference, x.period) for x in facts] == [(-30.0, "peak", "P7D")]
    facts = _move_facts(rules_only, "Over the past 24 hours, Ether rose 5.5%.")
    assert [(x.subject, x.period) for x in facts] == [("ETH", "P1D")]


def test_evidence_points_into_text(rules_only):
    text = "Tron climbed 2.5% and Sui dropped 7%."
    rec = rules_only.extract(text)
    for f in rec.facts:
        assert rec.article.text[f.evidence.start : f.evidence.end] == f.evidence.text
        assert f.rule.startswith("move.") or f.type != "percent_move"


@pytest.mark.xfail(reason="a subject named only after the verb in a fronted clause is not found", strict=True)
def test_fronted_move(rules_only):
    assert _moves(rules_only, "Down 11% on the week, the token behind Quantix is struggling.") == [("Quantix", -11.0)]
