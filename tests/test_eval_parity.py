"""``extractor eval`` and the shared scorer (``../shared/eval/score.py``) agree, fact for fact."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from extractor.evaluate import score

ROOT = Path(__file__).resolve().parents[1]
SHARED_SCORER = ROOT.parent / "shared" / "eval" / "score.py"


def _shared():
    if not SHARED_SCORER.is_file():
        pytest.skip(f"{SHARED_SCORER} not present (the shared scorer lives beside the project)")
    spec = importlib.util.spec_from_file_location("shared_score", SHARED_SCORER)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _both(records: list[dict], gold: Path, tmp_path: Path) -> tuple[dict, dict]:
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    theirs = _shared().score(pred, gold, verbose=True)
    ours = score(records, gold)
    mine = ours.as_dict()
    mine["misses"] = ours.misses
    theirs["misses"] = [m.strip() for m in theirs["misses"]]
    return mine, theirs


def test_parity_on_the_corpus(corpus_records, tmp_path):
    records = [json.loads(r.model_dump_json()) for r in corpus_records.values()]
    # a twin with the very same value counts once; one a hair apart (within the tolerance) counts twice
    rec = records[0]
    twins = [f for f in rec["facts"] if f["type"] == "price"][:1]
    for f in twins:
        rec["facts"] += [dict(f), dict(f, value=f["value"] * 1.001)]
    mine, theirs = _both(records, ROOT / "corpus" / "gold", tmp_path)
    assert mine == theirs


def test_parity_with_metric_aliases(tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "a.json").write_text(json.dumps({"id": "a", "published": None, "facts": [
        {"type": "market_metric", "metric": "total_value_locked", "aliases": ["tvl"], "value": 5e9},
        {"type": "price_level", "asset": "BTC", "value": 96700},
        {"type": "price_level", "asset": "BTC", "value": 97000}]}))
    text = "x" * 10
    ev = {"start": 0, "end": 1, "text": "x"}
    facts = [{"type": "market_metric", "metric": "tvl", "value": 5e9, "unit": "USD", "rule": "r", "evidence": ev},
             {"type": "price_level", "asset": "BTC", "value": 96700, "rule": "r", "evidence": ev},
             {"type": "price_level", "asset": "BTC", "value": 97000, "rule": "r", "evidence": ev}]
    rec = {"article": {"id": "0", "source": "x/a.txt", "text": text}, "facts": facts}
    mine, theirs = _both([rec], gold, tmp_path)
    assert mine == theirs
    assert mine["types"]["market_metric"]["tp"] == 1 and mine["types"]["price_level"]["tp"] == 2
