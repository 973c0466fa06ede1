"""Consensus across articles on invented news, batched into SQLite and into a private PostgreSQL.

Four stories about the same Tuesday (published Wednesday 2026-03-04), one folder per outlet:
  alpha  (alpha-ledger.test)   BTC $98,400, ETH $2,410, spot BTC ETFs +$250M, BTC +1.8%
  delta  (delta-daily.test)    a syndicated copy of alpha (new first and last lines, one clause cut)
  beta   (beta-markets.test)   BTC $98,650, ETH $2,415, spot BTC ETFs +$240M       (agrees with alpha)
         (epsilon-post.test)   beta's text, word for word, with epsilon's URL: one article, two outlets
         (mirror/...)          a copy of beta's file and sidecar at another path: a source, not an outlet
  gamma  (gamma-wire.test)     BTC $94,100,             spot BTC ETFs -$120M       (disagrees)

Everything is read through `extractor consensus` and plain SQL on the view right after
`extractor batch`; both backends must give the same rows.
"""
from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.consensus import (
    SYNDICATION_JACCARD, ArticleInfo, ConsensusError, ConsensusRow, Report, Sketches, consensus_fresh, jaccard, read_consensus,
    refresh_consensus, shingles, syndication,
)
from extractor.store import Stamp, open_store

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
ARTICLES = {  # name: (text, outlet folder, url, published)
    "alpha": (ALPHA, "alpha-ledger.test", "https://www.alpha-ledger.test/markets/bitcoin-climbs-buyers-return", "2026-03-04T09:00:00Z"),
    "delta": (DELTA, "delta-daily.test", "https://delta-daily.test/crypto/2026/03/04/bitcoin-climbs", "2026-03-04T15:00:00Z"),
    "beta": (BETA, "beta-markets.test", "https://news.beta-markets.test/crypto/recovery-second-day", "2026-03-04T12:00:00Z"),
    "gamma": (GAMMA, "gamma-wire.test", "https://gamma-wire.test/late/bitcoin-slips-thin-tuesday", "2026-03-04"),
}
DAY = "2026-03-03"


def write_news(folder: Path) -> Path:
    for name, (text, where, url, published) in ARTICLES.items():
        (folder / where).mkdir(parents=True, exist_ok=True)
        (folder / where / f"{name}.txt").write_text(text, encoding="utf-8")
        (folder / where / f"{name}.meta.json").write_text(json.dumps({"url": url, "published": published}), encoding="utf-8")
    reprint = folder / "epsilon-post.test"
    reprint.mkdir()
    (reprint / "beta.txt").write_text(BETA, encoding="utf-8")
    (reprint / "beta.meta.json").write_text(json.dumps({"url": "https://epsilon-post.test/wire/recovery", "published": "2026-03-04T13:00:00Z"}))
    shutil.copytree(folder / "beta-markets.test", folder / "mirror" / "beta-markets.test")
    return folder


def batch(folder: Path, db: str, *extra: str) -> None:
    res = CliRunner().invoke(app, ["batch", str(folder), "--db", db, "--no-model", "--quiet", *extra])
    assert res.exit_code == 0, res.output


@pytest.fixture(scope="module")
def news(tmp_path_factory) -> Path:
    return write_news(tmp_path_factory.mktemp("news"))


@pytest.fixture(scope="module")
def sqlite_db(news, tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("sqlite") / "facts.db")
    batch(news, db)
    return db


@pytest.fixture(scope="module")
def pg_db(news, pg_cluster) -> str:
    db = pg_cluster.create_database("consensus_news")
    batch(news, db)
    return db


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def news_db(request) -> str:
    return request.getfixturevalue({"sqlite": "sqlite_db", "postgres": "pg_db"}[request.param])


def consensus(db: str, *args: str) -> list[ConsensusRow]:
    res = CliRunner().invoke(app, ["consensus", "--db", db, "--format", "json", *args])
    assert res.exit_code == 0, res.output
    return [ConsensusRow(**{**d, "reports": tuple(Report(**r) for r in d["reports"])}) for d in json.loads(res.stdout)]


def _groups(rows) -> dict:
    return {(r.type, r.subject, r.detail, r.day): r for r in rows}


def _check_groups(rows) -> None:
    g = _groups(rows)
    btc = g[("price", "BTC", "USD", DAY)]
    # stories: alpha (+ its syndicated copy at delta), beta (one text at beta and epsilon), gamma
    assert (btc.articles, btc.outlets, btc.copies, btc.facts) == (3, 5, 5, 4)
    assert (btc.min_value, btc.median, btc.max_value, btc.spread) == (94100, 98400, 98650, 4550)
    assert btc.conflict  # gamma is 4.6% below the others
    assert [(r.outlet, r.outlets, r.value, r.copies, r.facts) for r in btc.reports] == [
        ("gamma-wire.test", 1, 94100, 1, 1), ("alpha-ledger.test", 2, 98400, 2, 2), ("beta-markets.test", 2, 98650, 2, 1)]

    eth = g[("price", "ETH", "USD", DAY)]
    assert (eth.articles, eth.outlets, eth.copies, eth.median, eth.conflict) == (2, 4, 4, 2412.5, False)  # 0.2% apart

    flows = g[("etf_flow", "BTC", "all funds", DAY)]
    assert (flows.articles, flows.outlets, flows.copies) == (3, 5, 5)
    assert (flows.min_value, flows.max_value, flows.conflict) == (-120e6, 250e6, True)  # inflow vs outflow

    move = g[("percent_move", "BTC", "", DAY)]
    assert (move.articles, move.outlets, move.copies, move.conflict) == (1, 2, 2, False)  # one story, two copies: no disagreement


def test_store_holds_one_article_per_text(news_db):
    with open_store(news_db, readonly=True) as st:
        assert (st.count("articles"), st.count("sources")) == (4, 6)  # beta's text: three sources


def test_consensus_groups_counts_and_conflicts(news_db, caplog):
    res = CliRunner().invoke(app, ["consensus", "--db", news_db, "--format", "json"])
    assert res.exit_code == 0, res.output
    assert "groups, 2 in conflict" in res.stderr and "older than" not in caplog.text  # the batch refreshed the view
    _check_groups(consensus(news_db))


def test_plain_sql_on_the_view_right_after_a_batch(news_db):
    res = CliRunner().invoke(app, ["query", "--db", news_db, "--json",
                                   "SELECT type, subject, articles, outlets, copies, conflict FROM fact_consensus WHERE conflict = 1 ORDER BY type"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == [
        {"type": "etf_flow", "subject": "BTC", "articles": 3, "outlets": 5, "copies": 5, "conflict": 1},
        {"type": "price", "subject": "BTC", "articles": 3, "outlets": 5, "copies": 5, "conflict": 1},
    ]


def test_both_backends_give_the_same_rows(sqlite_db, pg_db):
    outs = [CliRunner().invoke(app, ["consensus", "--db", db, "--format", "json"]).stdout for db in (sqlite_db, pg_db)]
    assert outs[0] == outs[1] and len(json.loads(outs[0])) == 4
    with open_store(sqlite_db, readonly=True) as a, open_store(pg_db, readonly=True) as b:
        assert read_consensus(a, asset="bitcoin", conflicts_only=True) == read_consensus(b, asset="bitcoin", conflicts_only=True)


def test_consensus_filters_and_formats(news_db, tmp_path):
    runner = CliRunner()
    rows = consensus(news_db, "--asset", "Bitcoin", "--day", DAY, "--conflicts")
    assert sorted((r.type, r.subject) for r in rows) == [("etf_flow", "BTC"), ("price", "BTC")]
    res = runner.invoke(app, ["consensus", "--db", news_db, "--asset", "ether"])
    assert res.exit_code == 0 and "ETH" in res.stdout and "BTC" not in res.stdout
    out = tmp_path / "consensus.parquet"
    res = runner.invoke(app, ["consensus", "--db", news_db, "--format", "parquet", "--out", str(out)])
    assert res.exit_code == 0, res.output
    import pyarrow.parquet as pq

    table = pq.read_table(out)
    assert "conflict" in table.column_names and table.num_rows == len(consensus(news_db))
    assert sum(table.column("conflict").to_pylist()) == 2
    res = runner.invoke(app, ["consensus", "--db", news_db, "--day", "March 3"])
    assert res.exit_code == 1 and "use YYYY-MM-DD" in res.stderr
    res = runner.invoke(app, ["consensus", "--db", news_db, "--type", "quote"])
    assert res.exit_code == 1 and "consensus covers" in res.stderr


def _backend_db(backend: str, tmp_path: Path, request) -> str:
    return str(tmp_path / "facts.db") if backend == "sqlite" else request.getfixturevalue("pg_url")


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_view_follows_every_batch(backend, tmp_path, request, caplog):
    """A second batch that adds a story, and writes made outside `extractor batch` (stale, then --refresh)."""
    db = _backend_db(backend, tmp_path, request)
    news = write_news(tmp_path / "news")
    batch(news, db)
    zeta = news / "zeta-journal.test"
    zeta.mkdir()
    (zeta / "zeta.txt").write_text(
        "Zeta Journal markets desk\n\nBitcoin was quoted at $98,500 on Tuesday by dealers in Zurich, who reported two-way flows.\n",
        encoding="utf-8")
    (zeta / "zeta.meta.json").write_text(json.dumps({"url": "https://zeta-journal.test/btc", "published": "2026-03-04"}))
    batch(news, db)
    btc = _groups(consensus(db))[("price", "BTC", "USD", DAY)]
    assert (btc.articles, btc.outlets, btc.copies, btc.median) == (4, 6, 6, 98450)

    with open_store(db) as st:  # a write made without a batch: the helper tables are stale until a refresh
        record = {"article": {"id": "e" * 16, "source": "/elsewhere/omega.test/omega.txt", "url": None, "title": None,
                              "published": "2026-03-04", "language": "en", "text": "BTC at $98,300."},
                  "facts": [{"type": "price", "asset": "BTC", "value": 98300.0, "currency": "USD", "qualifier": None, "when": DAY,
                             "when_text": None, "source": None, "rule": "test", "evidence": {"start": 7, "end": 14, "text": "$98,300"}}],
                  "warnings": []}
        st.write(record, Stamp("test"))
        assert not consensus_fresh(st)
    caplog.clear()
    res = CliRunner().invoke(app, ["consensus", "--db", db, "--format", "json", "--asset", "BTC"])
    assert res.exit_code == 0 and "older than the database's content" in caplog.text and "--refresh" in caplog.text
    caplog.clear()
    res = CliRunner().invoke(app, ["consensus", "--db", db, "--format", "json", "--asset", "BTC", "--refresh"])
    assert res.exit_code == 0 and "older than" not in caplog.text
    btc = _groups(consensus(db))[("price", "BTC", "USD", DAY)]
    assert (btc.articles, btc.outlets) == (5, 7)
    with open_store(db) as st:
        assert consensus_fresh(st) and refresh_consensus(st) is False  # nothing to do


def test_concurrent_writers_and_refreshes_leave_the_view_up_to_date(sqlite_db, pg_url):
    """Two sessions write the same sources into one PostgreSQL database at once, each refreshing the
    helper tables after every write: the refreshes are serialized and the last one sees everything."""
    with open_store(sqlite_db, readonly=True) as st:
        stored = list(st.articles())
    writes = []
    for art in stored:
        for source in art.sources:
            rec = json.loads(json.dumps(art.record))
            rec["article"]["source"] = source
            writes.append((rec, art.stamp))
    assert len(writes) == 6

    errors = []

    def writer(part):
        try:
            with open_store(pg_url) as st:
                for rec, stamp in part:
                    st.write(rec, stamp)
                    refresh_consensus(st)
        except Exception as exc:  # a thread's exception must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(writes[k::2],)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert errors == []
    with open_store(pg_url, readonly=True) as st:
        assert (st.count("articles"), st.count("sources")) == (4, 6)
        assert consensus_fresh(st)
        _check_groups(read_consensus(st))


def test_a_database_made_before_the_view_gets_it_from_the_next_batch(news, tmp_path):
    db = tmp_path / "old.db"
    batch(news, str(db))
    con = sqlite3.connect(db, isolation_level=None)  # what a 2.0 database made before the view looks like
    for view in ("fact_consensus", "fact_consensus_reports", "fact_consensus_facts"):
        con.execute(f"DROP VIEW {view}")
    for table in ("consensus_articles", "consensus_outlets", "consensus_names", "consensus_tolerances", "derived_state"):
        con.execute(f"DROP TABLE {table}")
    con.close()
    res = CliRunner().invoke(app, ["consensus", "--db", str(db)])
    assert res.exit_code == 1 and "no consensus view" in res.stderr and "extractor batch" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    batch(news, str(db))  # nothing new to extract, but the writer adds the view and fills it
    _check_groups(consensus(str(db)))


def test_syndicated_copy_is_near_identical_and_independent_articles_are_not():
    s = {k: shingles(v[0]) for k, v in ARTICLES.items()}
    assert jaccard(s["alpha"], s["delta"]) >= SYNDICATION_JACCARD
    for a, b in (("alpha", "beta"), ("alpha", "gamma"), ("beta", "gamma"), ("delta", "beta")):
        assert jaccard(s[a], s[b]) < 0.1
    infos = [ArticleInfo(k, v[0], f"/news/{v[1]}/{k}.txt", v[2], v[3]) for k, v in ARTICLES.items()]
    story = syndication(infos)
    assert story == {"alpha": "alpha", "delta": "alpha", "beta": "beta", "gamma": "gamma"}  # alpha was published first


def test_syndication_is_transitive_and_keeps_the_earliest():
    base = " ".join(f"word{i}" for i in range(200))
    a = ArticleInfo("a", base, published="2026-01-03")
    b = ArticleInfo("b", base.replace("word50 ", "changed ") + " tail one", published="2026-01-01")
    c = ArticleInfo("c", base.replace("word150 ", "changed ") + " tail two", published=None)
    d = ArticleInfo("d", "a different story about ether " * 5)
    assert syndication([a, b, c, d]) == {"a": "b", "b": "b", "c": "b", "d": "d"}


def test_sketches_made_ahead_give_the_same_stories_without_shingling_again(sqlite_db, tmp_path, monkeypatch):
    """``extractor batch`` sketches each text as it stores it; the refresh after the last document
    then shingles none of them again, and its tables are the ones a refresh from scratch writes."""
    import extractor.consensus as consensus

    db = tmp_path / "copy.db"
    shutil.copy(sqlite_db, db)
    derived = "SELECT * FROM consensus_articles ORDER BY article_id"
    with sqlite3.connect(sqlite_db) as conn:
        expected = conn.execute(derived).fetchall()
        texts = [t for (t,) in conn.execute("SELECT text FROM articles")]
    sketches = Sketches()
    for text in texts:
        sketches.add(text)
    made = []
    monkeypatch.setattr(consensus, "fingerprints", lambda text, k=5: made.append(text) or pytest.fail("shingled again"))
    with open_store(db) as st:
        st.conn.execute("DELETE FROM derived_state")
        st.conn.execute("DELETE FROM consensus_articles")
        st.conn.commit()
        assert refresh_consensus(st, sketches) is True
    assert made == []
    with sqlite3.connect(db) as conn:
        assert conn.execute(derived).fetchall() == expected and len(expected) == len(texts) == 4


def test_syndication_reads_sketches_or_makes_them():
    infos = [ArticleInfo(k, v[0], f"/news/{v[1]}/{k}.txt", v[2], v[3]) for k, v in ARTICLES.items()]
    some = Sketches()
    some.add(ALPHA)
    some.add(BETA)
    none_kept = Sketches(max_bytes=0)
    none_kept.add(ALPHA)
    assert len(some) == 2 and len(none_kept) == 0
    assert syndication(infos, sketches=some) == syndication(infos, sketches=none_kept) == syndication(infos) == {
        "alpha": "alpha", "delta": "alpha", "beta": "beta", "gamma": "gamma"}


def test_consensus_errors_are_consensus_errors(sqlite_db):
    with open_store(sqlite_db, readonly=True) as st:
        with pytest.raises(ConsensusError, match="consensus covers"):
            read_consensus(st, type_="quote")
        with pytest.raises(ConsensusError, match="use YYYY-MM-DD"):
            read_consensus(st, day="2026-3-3")


def test_fingerprints_count_and_compare_like_the_shingle_strings():
    """The 64-bit fingerprints stand for ``shingles``: same sizes and same Jaccard similarities on
    texts with repeated, reordered and edited words (a word replaced, dropped or re-cased)."""
    import random

    from extractor.consensus import _overlap, fingerprints

    rnd = random.Random(7)
    vocab = [f"w{i}" for i in range(60)] + ["Bitcoin", "BTC", "3%", "$100,000", "émission", "naïve", "ETF", "ETFs"]
    for _ in range(200):
        words = [rnd.choice(vocab) for _ in range(rnd.randint(0, 80))]
        edited = list(words)
        for _ in range(rnd.randint(0, 10)):
            if edited:
                i = rnd.randrange(len(edited))
                edited[i : i + 1] = rnd.choice([[], [rnd.choice(vocab)], [edited[i].upper()]])
        a, b = " ".join(words), " ".join(edited)
        fa, fb = fingerprints(a), fingerprints(b)
        assert len(fa) == len(shingles(a)) and len(fb) == len(shingles(b))
        assert _overlap(fa, fb) == pytest.approx(jaccard(shingles(a), shingles(b)), abs=1e-12)


def test_lsh_finds_near_copies_and_few_unrelated_pairs():
    """Banded MinHash (37 bands of 3 rows for 0.3): a pair at Jaccard 0.7 is a candidate with
    probability 1 - 2e-7, a pair of unrelated texts (Jaccard near 0) about 0.1% of the time."""
    import random

    from extractor.consensus import candidate_pairs, fingerprints, lsh_bands, minhash

    assert lsh_bands() == (37, 3)
    rnd = random.Random(11)
    texts, copies = {}, set()
    for n in range(150):
        words = [f"t{n}w{rnd.randrange(400)}" for _ in range(120)]
        texts[f"a{n}"] = " ".join(words)
        edited = list(words)
        for i in rnd.sample(range(120), 4):  # 4 words of 120 replaced: Jaccard 0.6 or more
            edited[i] = f"edit{rnd.randrange(10**6)}"
        texts[f"b{n}"] = " ".join(edited)
        copies.add((f"a{n}", f"b{n}"))
    sets = {k: fingerprints(t) for k, t in texts.items()}
    assert all(_overlap_ok(sets[a], sets[b]) for a, b in copies)
    pairs = candidate_pairs({k: minhash(v) for k, v in sets.items()})
    assert copies <= pairs
    assert len(pairs - copies) <= 10  # of 44,700 unrelated pairs


def _overlap_ok(a, b):
    from extractor.consensus import _overlap

    return _overlap(a, b) >= 0.6
