"""``market_metric`` beyond its spec rows (``tests/specs/market_metric.jsonl``): what other fact
types make of a metric's figures, the component alone on a blank pipeline, its config and its
data file (invented sentences)."""
from __future__ import annotations

import json
import shutil

import pytest
import spacy

from extractor.data import PACKAGE_DIR, activate
from extractor.errors import LexiconError
from extractor.facts import metrics  # noqa: F401  (registers the fin_metrics factory)


def test_metric_percents_are_not_moves(rules_only):
    rec = rules_only.extract("Bitcoin dominance rose 1.2% to 58% as the total market cap rose 2% to $3.1 trillion.")
    assert not [f for f in rec.facts if f.type == "percent_move"]
    rec = rules_only.extract("Ether's 1% market depth fell below $6 million.")
    assert not [f for f in rec.facts if f.type == "percent_move"]


def test_market_cap_money_is_not_a_price(rules_only):
    rec = rules_only.extract("The total crypto market cap climbed to $3.4 trillion.")
    assert not [f for f in rec.facts if f.type == "price"]


@pytest.mark.parametrize("text", [
    "Open interest in solana perpetuals fell 18.5% over the day.",
    "Ether logged a 14% decline in trade volume as traders stepped back.",
    "The nine-day options skew sits at -1.75%, and funding has fallen to 0.45% a week from 1.35% a fortnight ago.",
    "Germany's 10-year yield advanced 12 basis points to 2.61%.",
    "Stablecoin supply on Tron climbed 4% to $78 billion.",
])
def test_metric_readings_and_changes_are_not_moves_or_prices(rules_only, text):
    """A metric's percent (a change of a quantity, a rate's reading) is the metric's: moves and prices lose it."""
    rec = rules_only.extract(text)
    assert [f for f in rec.facts if f.type == "market_metric"]
    assert not [f for f in rec.facts if f.type in ("percent_move", "price")]


def test_a_metric_leaves_other_subjects_their_moves(rules_only):
    rec = rules_only.extract("Trading volume held at $50 billion, while bitcoin gained 3%.")
    assert [(f.subject, f.percent) for f in rec.facts if f.type == "percent_move"] == [("BTC", 3.0)]
    rec = rules_only.extract("The Cboe Volatility Index (VIX) fell 6% to 17.85.")
    assert [(f.metric, f.value) for f in rec.facts if f.type == "market_metric"] == [("vix", 17.85)]
    assert [f.percent for f in rec.facts if f.type == "percent_move"] == [-6.0]


def test_bond_subjects_name_country_and_tenor(rules_only):
    text = ("The yield on 10-year Treasuries slipped to 4.02%. Britain's 30-year yield rose to 5.2%, "
            "and Japanese 2-year JGB yields held at 0.9%.")
    rec = rules_only.extract(text)
    assert [(f.subject, f.value) for f in rec.facts if f.type == "market_metric"] == [
        ("U.S. 10-year", 4.02), ("Britain 30-year", 5.2), ("Japan 2-year", 0.9)]
    assert all(f.period is None for f in rec.facts if f.type == "market_metric")  # a tenor is not a period


def test_a_percent_inside_a_cue_blocks_moves(rules_only):
    """The blocker a cue's percent leaves for percent moves (the resolver applies it)."""
    doc = rules_only.nlp("Bitcoin's 2% market depth thinned to $40 million.")
    blocks = [(b.start, b.end, b.rule, sorted(b.types)) for b in doc._.fin_blockers if b.rule.startswith("metric.")]
    assert blocks == [(10, 12, "metric.name.percent", ["percent_move"])]


def _alone(**config):
    nlp = spacy.blank("en")
    nlp.add_pipe("fin_metrics", config={"strict": True, **config})
    return nlp


def test_alone_on_a_blank_pipeline():
    doc = _alone()("Liquidations topped $410 million on Friday. The altcoin season index sits at 41.")
    assert sorted((f.metric, f.value) for f in doc._.facts) == [("altcoin_index", 41.0), ("liquidations", 4.1e8)]


def test_config_reaches():
    text = "TVL reached $6 billion on Monday and $7 billion on Tuesday."
    assert [f.value for f in _alone()(text)._.facts] == [6e9, 7e9]
    assert [f.value for f in _alone(list_gap=5)(text)._.facts] == [6e9]  # the list is too far apart
    text = "Open interest rose to $20 billion. Analysts at the desk expect open interest to reach $30 billion."
    assert [f.value for f in _alone()(text)._.facts] == [2e10]
    assert [f.value for f in _alone(forecast_reach=5)(text)._.facts] == [2e10, 3e10]  # "expect" out of reach
    text = "Ether's share of the crypto market is 14%."
    assert [f.subject for f in _alone()(text)._.facts] == ["ETH"]
    assert [f.subject for f in _alone(subject_gap=2)(text)._.facts] == ["BTC"]  # too far: the default subject


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["metrics"][0].update(cue_pattern="(?:"), "metrics.0.cue_pattern"),
    (lambda d: d.update(change_negative=[]), "change_negative"),
    (lambda d: d["metrics"][1].update(percent_change=True), "percent_change needs a change metric name"),
    (lambda d: d["metrics"][0].update(units=["shares"]), "'units' goes with value 'quantity'"),
    (lambda d: d.update(colour="red"), "colour"),
])
def test_a_broken_data_file_fails_in_one_line(tmp_path, edit, message):
    folder = tmp_path / "data"
    shutil.copytree(PACKAGE_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__", "models"))
    path = folder / "metric_patterns.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        activate(folder)
    activate()
    assert "metric_patterns.json" in str(err.value) and message in str(err.value) and "\n" not in str(err.value)
