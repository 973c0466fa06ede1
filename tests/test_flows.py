"""Tests of ``etf_flow`` parts the spec rows (``tests/specs/etf_flow.jsonl``) do not cover: the fund-name
and streak parsers, and that no other type uses a flow's amount. Every sentence is invented."""
from __future__ import annotations

import pytest

from extractor.facts.flows import find_products, find_streaks


def test_flow_amounts_are_no_other_types(rules_only):
    """The other fact types must not read a flow amount as something else (a metric, a price)."""
    record = rules_only.extract("Spot ether ETFs booked $318 million in net inflows over Tuesday, lifting AUM.", published="2026-03-11")
    flow = [f for f in record.facts if f.type == "etf_flow"]
    assert len(flow) == 1
    others = [f for f in record.facts if f.type != "etf_flow" and f.evidence.start <= flow[0].evidence.end and flow[0].evidence.start < f.evidence.end]
    assert others == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("US-listed Ether exchange-traded funds", [("US-listed Ether exchange-traded funds", "ETH", False)]),
        ("the Franklin Bitcoin ETF (EZBC)", [("Franklin Bitcoin ETF (EZBC)", "BTC", False)]),
        ("Canadian crypto exchange-traded notes (ETNs)", [("Canadian crypto exchange-traded notes (ETNs)", None, True)]),
        ("Fidelity’s FETH and VanEck’s HODL", [("Fidelity’s FETH", "ETH", False), ("VanEck’s HODL", "BTC", False)]),
        ("XRP-linked funds", [("XRP-linked funds", "XRP", False)]),
        ("pension funds and hedge funds", []),
        ("pension funds and money market funds", [("money market funds", None, True)]),
        ("Global equity funds and private equity funds", [("Global equity funds", None, True)]),
        ("Fidelity's fixed income ETFs", [("Fidelity's fixed income ETFs", None, True)]),
        ("the HODL crowd says hodl", [("HODL", "BTC", False)]),
    ],
)
def test_find_products(text, expected):
    assert [(p.text, p.asset, p.multi) for p in find_products(text)] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("pushed the outflow streak to nine days", [(9, "outflow", False)]),
        ("for eight consecutive trading days", [(8, None, True)]),
        ("a 4-day inflow streak", [(4, "inflow", False)]),
        ("their twelfth straight session", [(12, None, False)]),
        ("a selling streak of three sessions", [(3, "outflow", False)]),
        ("a straight line", []),
        ("one straight day", []),
    ],
)
def test_find_streaks(text, expected):
    assert [(s.days, s.direction, s.is_period) for s in find_streaks(text)] == expected


def test_streak_offsets():
    text = "Funds saw a 6-day outflow streak."
    (s,) = find_streaks(text, offset=100)
    assert text[s.start - 100 : s.end - 100] == "6-day outflow streak"


def test_asset_classes_without_a_fund_noun_are_bare_groups():
    """"U.S. fixed income" names a fund group only where the text reports fund flows: it is marked bare."""
    found = [(p.text, p.bare) for p in find_products("U.S. fixed income drew $2 billion and bond ETFs $1 billion")]
    assert found == [("U.S. fixed income", True), ("bond ETFs", False)]
