"""extractor chart on the database `make run` builds (corpus/articles batched with the full model),
in SQLite and in the private PostgreSQL: every price fact of the asset is one plotted point."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.consensus import canonical_subject
from extractor.review.chart import ChartError, chart_data, write_chart
from extractor.store import open_store

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "articles"
SVG = "{http://www.w3.org/2000/svg}"


def _batch(db: str) -> str:
    """What `make run` does: `extractor batch corpus/articles --db DB` with the full model."""
    res = CliRunner().invoke(app, ["batch", str(CORPUS), "--db", db, "--quiet"])
    assert res.exit_code == 0, res.output
    return db


@pytest.fixture(scope="module")
def run_db(tmp_path_factory) -> str:
    """What `make run` writes to out/facts.db."""
    return _batch(str(tmp_path_factory.mktemp("run") / "facts.db"))


@pytest.fixture(scope="module")
def pg_run_db(pg_cluster) -> str:
    """The same batch into PostgreSQL."""
    return _batch(pg_cluster.create_database("chart_corpus"))


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def any_db(request) -> str:
    return request.getfixturevalue({"sqlite": "run_db", "postgres": "pg_run_db"}[request.param])


def _price_facts(db: str, asset: str) -> tuple[int, int]:
    """(price facts of the asset, those without any date), counted in the database with SQL."""
    with open_store(db, readonly=True) as store:
        _, rows = store.query("SELECT f.asset, f.when_date, a.published FROM facts f JOIN articles a ON a.id = f.article_id WHERE f.type = 'price'")
    mine = [r for r in rows if canonical_subject(r[0]) == canonical_subject(asset)]
    return len(mine), sum(1 for _, when, published in mine if not (when or published))


def _svg_points(path: Path) -> int:
    """Markers drawn in the price groups: ``<use>`` of a marker defined once, or, where matplotlib
    judges that not worth it (a group of one point), a ``<path>`` per marker."""
    root = ET.parse(path).getroot()
    n = 0
    for g in root.iter(f"{SVG}g"):
        if g.get("id", "").startswith("prices-"):
            defined = {id(p) for d in g.iter(f"{SVG}defs") for p in d.iter(f"{SVG}path")}
            n += sum(1 for _ in g.iter(f"{SVG}use")) + sum(1 for p in g.iter(f"{SVG}path") if id(p) not in defined)
    return n


def test_chart_png_and_svg_plot_every_price_fact(any_db, tmp_path):
    total, undated = _price_facts(any_db, "BTC")
    assert total > 20 and undated > 0  # the corpus has articles without a date: their prices are drawn too
    runner = CliRunner()
    png, svg = tmp_path / "btc.png", tmp_path / "btc.svg"
    res = runner.invoke(app, ["chart", "--db", any_db, "--asset", "BTC", "--out", str(png)])
    assert res.exit_code == 0, res.output
    assert f"BTC {total} prices ({undated} without a date)" in res.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    res = runner.invoke(app, ["chart", "--db", any_db, "--asset", "Bitcoin", "--out", str(svg)])  # any name of the asset
    assert res.exit_code == 0, res.output
    assert svg.stat().st_size > 10_000
    assert _svg_points(svg) == total
    root = ET.parse(svg).getroot()
    assert any(g.get("id") == "flows" for g in root.iter(f"{SVG}g"))  # the ETF flow bars
    eth_total, _ = _price_facts(any_db, "ETH")
    res = runner.invoke(app, ["chart", "--db", any_db, "--asset", "ether", "--out", str(tmp_path / "eth.svg")])
    assert res.exit_code == 0, res.output
    assert _svg_points(tmp_path / "eth.svg") == eth_total > 0


def test_both_backends_draw_the_same_chart(run_db, pg_run_db, tmp_path):
    for name, db in (("sqlite", run_db), ("postgres", pg_run_db)):
        res = CliRunner().invoke(app, ["chart", "--db", db, "--asset", "BTC", "--out", str(tmp_path / f"{name}.svg")])
        assert res.exit_code == 0, res.output
    assert (tmp_path / "sqlite.svg").read_bytes() == (tmp_path / "postgres.svg").read_bytes()


def test_chart_output_is_reproducible(run_db, tmp_path):
    for name in ("a.svg", "b.svg", "a.png", "b.png", "a.html"):
        res = CliRunner().invoke(app, ["chart", "--db", run_db, "--asset", "ETH", "--out", str(tmp_path / name)])
        assert res.exit_code == 0, res.output
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    page = (tmp_path / "a.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert 'href="http' not in page and "src=" not in page and "<script" not in page and "@import" not in page  # loads nothing


def test_chart_dates_filter_and_flows(run_db):
    from datetime import date

    with open_store(run_db, readonly=True) as store:
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
    res = runner.invoke(app, ["chart", "--db", run_db, "--asset", "BTC", "--out", str(tmp_path / "x.jpg")])
    assert res.exit_code == 1 and "unknown chart format" in res.stderr
    res = runner.invoke(app, ["chart", "--db", run_db, "--asset", "NoSuchCoin", "--out", str(tmp_path / "x.png")])
    assert res.exit_code == 1 and "nothing" not in res.stderr and "no prices, levels or ETF flows of NoSuchCoin" in res.stderr
    res = runner.invoke(app, ["chart", "--db", run_db, "--asset", "BTC", "--from", "March", "--out", str(tmp_path / "x.png")])
    assert res.exit_code == 1 and "--from 'March': not a date" in res.stderr
    with pytest.raises(ChartError):
        write_chart(chart_data([], "BTC"), tmp_path / "y.png")
