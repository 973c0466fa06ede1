"""extractor chart on the database `make run` builds (corpus/articles batched with the full model)."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.batch import run_batch
from extractor.cli import app
from extractor.consensus import canonical_subject
from extractor.review.chart import ChartError, chart_data, write_chart
from extractor.settings import Settings
from extractor.store import FactStore

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "articles"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def run_db(tmp_path_factory) -> Path:
    """What `make run` writes to out/facts.db."""
    db = tmp_path_factory.mktemp("run") / "facts.db"
    summary = run_batch(CORPUS, db, settings=Settings(), workers=1)
    assert not summary.errors
    return db


def _price_facts(db: Path, asset: str) -> tuple[int, int]:
    """(price facts of the asset, those without any date), counted from the records."""
    total = undated = 0
    with FactStore(db, create=False) as store:
        for rec in store.records():
            for f in rec["facts"]:
                if f["type"] == "price" and canonical_subject(f["asset"]) == canonical_subject(asset):
                    total += 1
                    undated += not (f.get("when") or rec["article"].get("published"))
    return total, undated


def _svg_points(path: Path) -> int:
    root = ET.parse(path).getroot()
    groups = [g for g in root.iter(f"{SVG}g") if g.get("id", "").startswith("prices-")]
    return sum(1 for g in groups for _ in g.iter(f"{SVG}use"))


def test_chart_png_and_svg_plot_every_price_fact(run_db, tmp_path):
    total, undated = _price_facts(run_db, "BTC")
    assert total > 20 and undated > 0  # the corpus has articles without a date: their prices are drawn too
    runner = CliRunner()
    png, svg = tmp_path / "btc.png", tmp_path / "btc.svg"
    res = runner.invoke(app, ["chart", "--db", str(run_db), "--asset", "BTC", "--out", str(png)])
    assert res.exit_code == 0, res.output
    assert f"BTC {total} prices ({undated} without a date)" in res.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    res = runner.invoke(app, ["chart", "--db", str(run_db), "--asset", "Bitcoin", "--out", str(svg)])  # any name of the asset
    assert res.exit_code == 0, res.output
    assert svg.stat().st_size > 10_000
    assert _svg_points(svg) == total
    root = ET.parse(svg).getroot()
    assert any(g.get("id") == "flows" for g in root.iter(f"{SVG}g"))  # the ETF flow bars


def test_chart_output_is_reproducible(run_db, tmp_path):
    for name in ("a.svg", "b.svg", "a.png", "b.png", "a.html"):
        res = CliRunner().invoke(app, ["chart", "--db", str(run_db), "--asset", "ETH", "--out", str(tmp_path / name)])
        assert res.exit_code == 0, res.output
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    page = (tmp_path / "a.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert 'href="http' not in page and "src=" not in page and "<script" not in page and "@import" not in page  # loads nothing


def test_chart_dates_filter_and_flows(run_db):
    from datetime import date

    with FactStore(run_db, create=False) as store:
        records = list(store.records())
    whole = chart_data(records, "btc")
    feb = chart_data(records, "BTC", start=date(2026, 2, 1), end=date(2026, 2, 28))
    assert 0 < len(feb.prices) < len(whole.prices) and whole.outside == 0
    assert len(feb.prices) + feb.outside == len(whole.prices)
    assert all(date(2026, 2, 1) <= p.day <= date(2026, 2, 28) for p in feb.prices)  # undated ones are left out of a range
    # whole-market daily flows only: 2026-02-12's "U.S. spot bitcoin ETFs took in $166.5 million", not one fund's figure
    assert whole.flows[date(2026, 2, 12)] == pytest.approx(166_500_000)
    assert min(whole.flows.values()) < 0 < max(whole.flows.values())


def test_chart_errors_are_one_line(run_db, tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["chart", "--db", str(run_db), "--asset", "BTC", "--out", str(tmp_path / "x.jpg")])
    assert res.exit_code == 1 and "unknown chart format" in res.stderr
    res = runner.invoke(app, ["chart", "--db", str(run_db), "--asset", "NoSuchCoin", "--out", str(tmp_path / "x.png")])
    assert res.exit_code == 1 and "nothing" not in res.stderr and "no prices, levels or ETF flows of NoSuchCoin" in res.stderr
    res = runner.invoke(app, ["chart", "--db", str(run_db), "--asset", "BTC", "--from", "March", "--out", str(tmp_path / "x.png")])
    assert res.exit_code == 1 and "--from 'March': not a date" in res.stderr
    with pytest.raises(ChartError):
        write_chart(chart_data([], "BTC"), tmp_path / "y.png")
