"""``fin_furniture``'s line gate: the promo, promo-sentence and bio-sentence patterns are tried only
on the lines holding a word every match needs; the gate must not change what is found.

Sentences are invented for these tests.
"""
from __future__ import annotations

import dataclasses

from hypothesis import given, settings, strategies as st

from extractor.facts import furniture

_PIECES = [
    "Sign up today and get a free bonus", "Get 20% off", "Save $50 cashback", "Our portfolio returned 45%",
    "Ann Lee holds more than $7,500 in BTC of", "She is a senior reporter", "Tom Berg writes about markets",
    "Download our free report on crypto", "Stocks set to double", "our top picks", "Bitcoin rose 2% to $70,000.",
    "Related Articles", "About the author", "ſign up", "İstanbul", "\n", "\n\n", ". ", "the", "GET", "Earn 5% APY",
]
texts = st.lists(st.sampled_from(_PIECES) | st.text(alphabet="abcGS $%.\n", max_size=6), max_size=30).map(" ".join)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(text=texts)
def test_the_line_gate_changes_nothing(text):
    gated = furniture.furniture_spans(text)
    ungated = dataclasses.replace(furniture.patterns(), promo_words=None, promo_sentence_words=None, bio_sentence_words=None)
    original = furniture.patterns
    furniture.patterns = lambda: ungated
    try:
        assert furniture.furniture_spans(text) == gated
    finally:
        furniture.patterns = original
