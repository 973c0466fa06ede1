"""Consensus across articles on invented news: two outlets agree, one disagrees, one reprints a story.

Four articles about the same Tuesday (published Wednesday 2026-03-04):
  alpha  (alpha-ledger.test)   BTC $98,400, ETH $2,410, spot BTC ETFs +$250M, BTC +1.8%
  delta  (delta-daily.test)    a syndicated copy of alpha (new first and last lines, one sentence cut)
  beta   (beta-markets.test)   BTC $98,650, ETH $2,415, spot BTC ETFs +$240M       (agrees with alpha)
  gamma  (gamma-wire.test)     BTC $94,100,             spot BTC ETFs -$120M       (disagrees)

The views also run on a real PostgreSQL (started here from the server binaries; with CI=true a
missing server fails the test, elsewhere it is skipped).
"""
from __future__ import annotations

import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.batch import run_batch
from extractor.cli import app
from extractor.consensus import (
    SYNDICATION_JACCARD, ArticleInfo, articles_from_records, ensure_consensus_view, jaccard, read_consensus,
    refresh_consensus, shingles, syndication, update_store,
)
from extractor.settings import Settings
from extractor.store import FactStore

ROOT = Path(__file__).resolve().parents[1]

ALPHA = """Bitcoin climbs as buyers return after a quiet weekend

Bitcoin climbed 1.8% to $98,400 on Tuesday as buyers returned after a quiet weekend. Ether rose to $2,410 on Tuesday.

U.S. spot bitcoin ETFs took in $250 million on Tuesday, according to Farside Investors, the first day of new money in a week.

Desk traders in Singapore and London described the rebound as orderly. Open positions on the largest futures venues grew steadily through the afternoon, and funding stayed mildly positive, a sign that leveraged buyers were paying to keep their bets on. Several market makers said spreads had narrowed to their tightest level since the start of the month.

The move came ahead of a batch of options expiries later in the week, which some strategists expect to pin prices near round numbers until Friday.
"""
DELTA = (
    "This story was first published by Alpha Ledger and is republished here with permission.\n\n"
    + ALPHA.split("\n\n", 1)[1].replace(", a sign that leveraged buyers were paying to keep their bets on", "")
    + "\nMore markets coverage from Delta Daily is on our homepage.\n"
)
BETA = """Recovery extends into a second day

BTC changed hands at $98,650 on Tuesday afternoon, extending a two-day recovery from last week's lows. Ether traded at $2,415 on Tuesday.

Spot bitcoin exchange-traded funds in the U.S. attracted net inflows of $240 million on Tuesday, data from SoSoValue show.

Analysts at a regional brokerage said liquidity had improved since late February, with order books on the main exchanges deeper than at any point this year.
"""
GAMMA = """Bitcoin slips on a thin Tuesday

Bitcoin slipped to $94,100 on Tuesday, according to a price feed from a smaller exchange that the newsroom uses for its late edition.

U.S. spot bitcoin ETFs saw net outflows of $120 million on Tuesday, the newsroom's own tally shows.

Volumes were light across most venues, and several desks closed early ahead of a regional holiday.
"""
ARTICLES = {
    "alpha": (ALPHA, "https://www.alpha-ledger.test/markets/bitcoin-climbs-buyers-return", "2026-03-04T09:00:00Z"),
    "delta": (DELTA, "https://delta-daily.test/crypto/2026/03/04/bitcoin-climbs", "2026-03-04T15:00:00Z"),
    "beta": (BETA, "https://news.beta-markets.test/crypto/recovery-second-day", "2026-03-04T12:00:00Z"),
    "gamma": (GAMMA, "https://gamma-wire.test/late/bitcoin-slips-thin-tuesday", "2026-03-04"),
}
DAY = "2026-03-03"


@pytest.fixture(scope="module")
def news_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("news")
    for name, (text, url, published) in ARTICLES.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        (folder / f"{name}.meta.json").write_text(json.dumps({"url": url, "published": published}), encoding="utf-8")
    db = folder / "facts.db"
    assert not run_batch(folder, db, settings=Settings(use_model=False)).errors
    return db


def _groups(rows) -> dict:
    return {(r.type, r.subject, r.detail, r.day): r for r in rows}


def _check_groups(rows) -> None:
    g = _groups(rows)
    btc = g[("price", "BTC", "USD", DAY)]
    assert (btc.articles, btc.outlets, btc.copies, btc.facts) == (3, 3, 4, 4)  # alpha and its copy count once
    assert (btc.min_value, btc.median, btc.max_value, btc.spread) == (94100, 98400, 98650, 4550)
    assert btc.conflict  # gamma is 4.6% below the others
    assert sorted((r.outlet, r.value, r.copies) for r in btc.reports) == [
        ("alpha-ledger.test", 98400, 2), ("beta-markets.test", 98650, 1), ("gamma-wire.test", 94100, 1)]

    eth = g[("price", "ETH", "USD", DAY)]
    assert (eth.articles, eth.outlets, eth.copies, eth.median, eth.conflict) == (2, 2, 3, 2412.5, False)  # 0.2% apart

    flows = g[("etf_flow", "BTC", "all funds", DAY)]
    assert (flows.articles, flows.outlets, flows.copies) == (3, 3, 4)
    assert (flows.min_value, flows.max_value, flows.conflict) == (-120e6, 250e6, True)  # inflow vs outflow

    move = g[("percent_move", "BTC", "", DAY)]
    assert (move.articles, move.copies, move.conflict) == (1, 2, False)  # one story, two copies: no disagreement


def test_consensus_groups_counts_and_conflicts(news_db):
    res = CliRunner().invoke(app, ["consensus", "--db", str(news_db), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    from extractor.consensus import ConsensusRow, Report

    rows = [ConsensusRow(**{**d, "reports": tuple(Report(**r) for r in d["reports"])}) for d in data]
    _check_groups(rows)
    assert "groups, 2 in conflict" in res.stderr


def test_consensus_filters_and_formats(news_db, tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["consensus", "--db", str(news_db), "--asset", "Bitcoin", "--day", DAY, "--conflicts", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert sorted((d["type"], d["subject"]) for d in json.loads(res.stdout)) == [("etf_flow", "BTC"), ("price", "BTC")]
    res = runner.invoke(app, ["consensus", "--db", str(news_db), "--asset", "ether"])
    assert res.exit_code == 0 and "ETH" in res.stdout and "BTC" not in res.stdout
    out = tmp_path / "consensus.parquet"
    res = runner.invoke(app, ["consensus", "--db", str(news_db), "--format", "parquet", "--out", str(out)])
    assert res.exit_code == 0, res.output
    import pyarrow.parquet as pq

    table = pq.read_table(out)
    assert "conflict" in table.column_names and table.num_rows == len(json.loads(runner.invoke(app, ["consensus", "--db", str(news_db), "-f", "json"]).stdout))
    assert sum(table.column("conflict").to_pylist()) == 2
    res = runner.invoke(app, ["consensus", "--db", str(news_db), "--day", "March 3"])
    assert res.exit_code == 1 and "use YYYY-MM-DD" in res.stderr
    # the view is there for plain SQL too
    res = runner.invoke(app, ["query", "--db", str(news_db), "--json", "SELECT type, subject, conflict FROM fact_consensus WHERE conflict = 1 ORDER BY type"])
    assert json.loads(res.stdout) == [{"type": "etf_flow", "subject": "BTC", "conflict": 1}, {"type": "price", "subject": "BTC", "conflict": 1}]


def test_syndicated_copy_is_near_identical_and_independent_articles_are_not():
    s = {k: shingles(v[0]) for k, v in ARTICLES.items()}
    assert jaccard(s["alpha"], s["delta"]) >= SYNDICATION_JACCARD
    for a, b in (("alpha", "beta"), ("alpha", "gamma"), ("beta", "gamma"), ("delta", "beta")):
        assert jaccard(s[a], s[b]) < 0.1
    infos = [ArticleInfo(k, v[0], f"/news/{k}.txt", v[1], v[2]) for k, v in ARTICLES.items()]
    story = syndication(infos)
    assert story == {"alpha": "alpha", "delta": "alpha", "beta": "beta", "gamma": "gamma"}  # alpha was published first


def test_syndication_is_transitive_and_keeps_the_earliest():
    base = " ".join(f"word{i}" for i in range(200))
    a = ArticleInfo("a", base, published="2026-01-03")
    b = ArticleInfo("b", base.replace("word50 ", "changed ") + " tail one", published="2026-01-01")
    c = ArticleInfo("c", base.replace("word150 ", "changed ") + " tail two", published=None)
    d = ArticleInfo("d", "a different story about ether " * 5)
    assert syndication([a, b, c, d]) == {"a": "b", "b": "b", "c": "b", "d": "d"}


# --------------------------------------------------------------------------- PostgreSQL

FACT_COLUMNS = ("article_id", "type", "asset", "product", "value", "percent", "currency", "direction", "amount", "metric", "unit",
                "period", "when_date")


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@pytest.fixture(scope="module")
def postgres():
    """A throw-away PostgreSQL server on a Unix socket (run as the `postgres` user when we are root)."""
    bindir = _pg_bin()
    try:
        import psycopg
    except ImportError:
        psycopg = None
    if bindir is None or psycopg is None:
        message = "no PostgreSQL server binaries" if bindir is None else "psycopg is not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI must have them: .ci/run installs postgresql)")
        pytest.skip(message)
    as_user: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="extractor-pg-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(base, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, sock = base / "data", base
    subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
                   check=True, capture_output=True)
    with socket.socket() as s:  # a free port number: it only names the Unix socket (no TCP listener)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(base / "log"), "-o",
                    f"-k {sock} -p {port} -c listen_addresses=''", "start"], check=True, capture_output=True)
    try:
        conn = psycopg.connect(host=str(sock), port=port, user="postgres", dbname="postgres")
        yield conn
        conn.close()
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def test_views_give_the_same_rows_on_postgresql(news_db, postgres):
    with FactStore(news_db, create=False) as store:
        facts = store.conn.execute(f"SELECT {', '.join(FACT_COLUMNS)} FROM facts").fetchall()
        articles = articles_from_records(store.records())
        update_store(store)
        sqlite_rows = read_consensus(store.conn, "sqlite")
    pg = postgres
    with pg.transaction():
        pg.execute("CREATE TABLE facts (article_id TEXT NOT NULL, type TEXT NOT NULL, asset TEXT, product TEXT, value DOUBLE PRECISION,"
                   " percent DOUBLE PRECISION, currency TEXT, direction TEXT, amount DOUBLE PRECISION, metric TEXT, unit TEXT,"
                   " period TEXT, when_date TEXT)")
        with pg.cursor() as cur:
            cur.executemany(f"INSERT INTO facts VALUES ({', '.join(['%s'] * len(FACT_COLUMNS))})", facts)
    ensure_consensus_view(pg, "postgresql")
    ensure_consensus_view(pg, "postgresql")  # idempotent: the store may call it at every set-up
    assert refresh_consensus(pg, "postgresql", articles) == 3
    pg_rows = read_consensus(pg, "postgresql")
    _check_groups(pg_rows)
    assert pg_rows == sqlite_rows
    assert [r.subject for r in read_consensus(pg, "postgresql", asset="bitcoin", conflicts_only=True)] == ["BTC", "BTC"]


def test_consensus_errors_are_consensus_errors():
    import sqlite3

    from extractor.consensus import ConsensusError

    conn = sqlite3.connect(":memory:", isolation_level=None)
    with pytest.raises(ConsensusError, match="unknown SQL dialect 'oracle'"):
        ensure_consensus_view(conn, "oracle")
    with pytest.raises(ConsensusError, match="cannot read the consensus view"):
        read_consensus(conn, "sqlite")
    with pytest.raises(ConsensusError, match="cannot read the facts table"):
        refresh_consensus(conn, "sqlite", [])
    with pytest.raises(ConsensusError, match="consensus covers"):
        read_consensus(conn, "sqlite", type_="quote")
