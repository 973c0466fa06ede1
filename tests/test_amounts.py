"""Amounts written with a scale word come out as the number written, not with the binary error of
a float product (4.1 * 1e9 is 4099999999.9999995): invented sentences through the rules."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("text, fact_type, value", [
    ("Open interest in solana perpetuals fell to $4.1 billion.", "market_metric", 4_100_000_000.0),
    ("Exchange balances of ether dwindled to 8.2 million ETH.", "market_metric", 8_200_000.0),
    ("Spot ether ETFs took in $4.1 million of net inflows on Friday.", "etf_flow", 4_100_000.0),
    ("Total crypto market capitalization rose to $4.1 trillion.", "market_metric", 4_100_000_000_000.0),
])
def test_scaled_amounts_are_exact(rules_only, text, fact_type, value):
    facts = [f for f in rules_only.extract(text).facts if f.type == fact_type]
    assert facts, text
    got = facts[0].amount if fact_type == "etf_flow" else facts[0].value
    assert got == value  # exact: no rel_tol here on purpose
