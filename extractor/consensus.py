"""Consensus across articles: one row per fact reported by several articles, with a conflict flag.

Facts of one *type*, one canonical *subject* and one *day* from different articles are one group:

* subject: the asset or subject, canonical (``"Bitcoin"`` and ``"BTC"`` are ``BTC``), see
  :func:`canonical_subject`;
* detail: what else must match for two figures to be the same figure — a price's currency
  (``USD``), a move's period (``P1D``, or empty), a flow's fund and period (``IBIT``, ``all funds
  P7D``: a fund's ticker, or ``all funds`` for a whole market such as "spot bitcoin ETFs", see
  :func:`flow_scope`), a metric's name, unit and period (``open_interest (USD)``);
* day: the fact's ``when``, else its article's publication date (facts with neither are left out).

Quotes and price levels are not grouped: a quote has no figure, and levels are each analyst's own
view, so different levels are not a disagreement.

Syndicated copies of one story (near-identical texts at several outlets) count once. Two texts
are near-identical when the Jaccard similarity of their sets of word 5-shingles (lower-cased
``\\w+`` words, five in a row) is at least :data:`SYNDICATION_JACCARD` (0.5): a copy with a new
headline, byline, boilerplate or a few edited sentences stays far above it, while independent
articles on the same event share only stock phrases ("according to data from ...") and stay
near 0. Candidate pairs come from MinHash LSH (``datasketch``, 128 permutations, an LSH threshold
of 0.3 so that pairs near 0.5 are not missed) and every candidate is confirmed on the exact
shingle sets, so the decision does not depend on the hashing. Copies are joined transitively
into one *story*; its representative is the earliest published copy (then the smallest id).

Per group: each story's value is the median of its facts (an article that gives one figure twice
counts once), then across stories: ``articles`` (independent stories), ``outlets`` (distinct
outlets of those stories' representatives), ``copies`` (all articles, syndicated copies
included), ``facts``, ``median``, ``min_value``, ``max_value``, ``spread`` (max - min) and
``conflict`` by :data:`TOLERANCES`.

What SQL cannot do portably (canonical names, outlets, syndication clusters) is computed here
and written to two small tables, ``consensus_articles`` and ``consensus_names``; the views
``fact_consensus_reports`` (one row per group and story) and ``fact_consensus`` (one row per
group) are standard SQL (CTEs, window functions) and run on SQLite and PostgreSQL alike. They
read the ``facts`` table's columns ``article_id, type, asset, product, value, percent, currency,
direction, amount, metric, unit, period, when_date``.
"""
from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from extractor.data import lexicon
from extractor.errors import ExtractorError
from extractor.normalize.assets import canonical_asset
from extractor.outlets import outlet

log = logging.getLogger(__name__)

DIALECTS = ("sqlite", "postgresql")
SHINGLE_WORDS = 5
SYNDICATION_JACCARD = 0.5
LSH_THRESHOLD = 0.3
NUM_PERM = 128
CONSENSUS_TYPES = ("price", "percent_move", "etf_flow", "market_metric")


class ConsensusError(ExtractorError):
    """The consensus tables cannot be built or read (unknown dialect, bad filter, no facts table)."""


@dataclass(frozen=True)
class Tolerance:
    """When reports of one group disagree: ``spread > relative * |median|``, ``spread > absolute``,
    or (``sign``) one report above zero and one below."""

    relative: float | None = None
    absolute: float | None = None
    sign: bool = False
    doc: str = ""


#: Per fact type: how far apart reports may be before ``conflict`` is set.
TOLERANCES: dict[str, Tolerance] = {
    "price": Tolerance(relative=0.02, doc="prices more than 2% of the median apart"),
    "percent_move": Tolerance(absolute=1.0, sign=True, doc="moves more than 1 percentage point apart, or one up and one down"),
    "etf_flow": Tolerance(relative=0.10, sign=True, doc="net flows more than 10% of the median apart, or one inflow and one outflow"),
    "market_metric": Tolerance(relative=0.05, doc="values more than 5% of the median apart"),
}


# --------------------------------------------------------------------------- names

def canonical_subject(name: str | None) -> str | None:
    """The asset's canonical id when the lexicon knows the name, else the name as written.

    A short all-letter name is also tried as a ticker ("btc", "Eth").

    >>> canonical_subject("Bitcoin"), canonical_subject("btc"), canonical_subject(" Acme Corp "), canonical_subject(None)
    ('BTC', 'BTC', 'Acme Corp', None)
    """
    if name is None:
        return None
    name = name.strip()
    found = canonical_asset(name)
    if found is None and len(name) <= 6 and name.isalpha():
        found = canonical_asset(name.upper())
    return found or name


@lru_cache(maxsize=1)
def _funds() -> tuple[list[tuple[re.Pattern, str]], list[tuple[re.Pattern, str]]]:
    """Fund tickers (unambiguous ones) and fund names, with and without the issuer in front."""
    products = [p.model_dump() for p in lexicon("etf_products").products]
    tickers = [(re.compile(rf"(?<![A-Za-z]){re.escape(p['ticker'])}(?![A-Za-z])"), p["ticker"]) for p in products if not p.get("ambiguous")]
    names = []
    for p in products:
        name = p["name"].lower()
        names.append((name, p["ticker"]))
        issuer = (p.get("issuer") or "").lower()
        rest = name[len(issuer) + 1 :] if issuer and name.startswith(issuer + " ") else ""
        if len(rest.split()) >= 3:  # "Wise Origin Bitcoin Fund"; not a generic "Bitcoin ETF"
            names.append((rest, p["ticker"]))
    pats = [(re.compile(rf"(?<!\w){re.escape(n)}(?!\w)"), t) for n, t in sorted(names, key=lambda t: (-len(t[0]), t[0]))]
    return tickers, pats


_AGGREGATE = re.compile(r"\b(?:etfs|etps|etns|funds|products|vehicles|trusts|exchange-traded\s+funds)\b", re.IGNORECASE)


def flow_scope(product: str | None) -> str:
    """Which funds a flow covers: a fund's ticker, or ``""`` for a whole market.

    >>> [flow_scope(p) for p in ["the iShares Bitcoin Trust (IBIT) of BlackRock", "IBIT", "Grayscale's GBTC", "Wise Origin Bitcoin Fund"]]
    ['IBIT', 'IBIT', 'GBTC', 'FBTC']
    >>> [flow_scope(p) for p in ["U.S. spot bitcoin ETFs", "nine spot Ether ETFs", "Bitcoin products", None]]
    ['', '', '', '']
    >>> flow_scope("SPDR Gold Shares (GLD)"), flow_scope("the Acme Fund")
    ('GLD', 'the acme fund')
    """
    if not product or not product.strip():
        return ""
    p = product.strip()
    m = re.search(r"\(([A-Z][A-Z0-9]{1,5})\)", p)
    if m:
        return m.group(1)
    tickers, names = _funds()
    for rx, ticker in tickers:
        if rx.search(p):
            return ticker
    low = p.lower()
    for rx, ticker in names:
        if rx.search(low):
            return ticker
    if _AGGREGATE.search(p):
        return ""
    return re.sub(r"\s+", " ", low)


# --------------------------------------------------------------------------- syndication

@dataclass(frozen=True)
class ArticleInfo:
    """What consensus needs of an article (whatever store it comes from)."""

    id: str
    text: str
    source: str | None = None
    url: str | None = None
    published: str | None = None

    @property
    def outlet(self) -> str | None:
        return outlet(self.url, self.source)

    @property
    def day(self) -> str | None:
        return self.published[:10] if self.published and len(self.published) >= 10 else None


def articles_from_records(records: Iterable[dict]) -> list[ArticleInfo]:
    """``ArticleInfo`` of article records (dicts in the shape ``extract`` writes); one per article id,
    the first by source when one text was read from several files."""
    seen: dict[str, ArticleInfo] = {}
    for rec in sorted(records, key=lambda r: r["article"].get("source") or ""):
        a = rec["article"]
        if a["id"] not in seen:
            seen[a["id"]] = ArticleInfo(a["id"], a.get("text") or "", a.get("source"), a.get("url"), a.get("published"))
    return [seen[k] for k in sorted(seen)]


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[str]:
    """Word ``k``-shingles of lower-cased ``\\w+`` words (one shingle of all words when fewer).

    >>> sorted(shingles("Bitcoin fell 3% to $100,000 today", 5))
    ['3 to 100 000 today', 'bitcoin fell 3 to 100', 'fell 3 to 100 000']
    >>> shingles("Up 3%", 5), shingles("", 5)
    ({'up 3'}, set())
    """
    words = re.findall(r"\w+", text.lower())
    if not words:
        return set()
    if len(words) < k:
        return {" ".join(words)}
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def jaccard(a: set, b: set) -> float:
    """``|a & b| / |a | b|`` (0 for two empty sets).

    >>> jaccard({1, 2, 3}, {2, 3, 4}), jaccard(set(), set())
    (0.5, 0.0)
    """
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def syndication(articles: Sequence[ArticleInfo], threshold: float = SYNDICATION_JACCARD) -> dict[str, str]:
    """``article id -> story id``: near-identical texts (see the module doc) share one story, whose id
    is its representative's (earliest published, then smallest id)."""
    from datasketch import MinHash, MinHashLSH

    sets = {a.id: shingles(a.text) for a in articles}
    ids = [aid for aid in sorted(sets) if sets[aid]]
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    # crc32: a fast deterministic 32-bit hash is enough to find candidates (each is confirmed on the sets)
    signatures = MinHash.generator(([s.encode("utf-8") for s in sets[aid]] for aid in ids), num_perm=NUM_PERM, seed=1, hashfunc=zlib.crc32)
    hashes: dict[str, MinHash] = {}
    for aid, m in zip(ids, signatures):
        hashes[aid] = m
        lsh.insert(aid, m)
    parent = {a.id: a.id for a in articles}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for aid, m in hashes.items():
        for other in lsh.query(m):
            if other != aid and jaccard(sets[aid], sets[other]) >= threshold:
                ra, rb = find(aid), find(other)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    clusters: dict[str, list[ArticleInfo]] = {}
    for a in articles:
        clusters.setdefault(find(a.id), []).append(a)
    story: dict[str, str] = {}
    for members in clusters.values():
        rep = min(members, key=lambda a: (a.published is None, a.published or "", a.id))
        for a in members:
            story[a.id] = rep.id
    return story


# --------------------------------------------------------------------------- SQL

TABLES_SQL = (
    """CREATE TABLE IF NOT EXISTS consensus_articles (
    article_id TEXT PRIMARY KEY,
    story_id TEXT NOT NULL,
    outlet TEXT,
    story_outlet TEXT,
    published_day TEXT
)""",
    """CREATE TABLE IF NOT EXISTS consensus_names (
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    canonical TEXT NOT NULL,
    PRIMARY KEY (kind, name)
)""",
)

REPORTS_VIEW_SQL = """CREATE VIEW fact_consensus_reports AS
WITH reports AS (
    SELECT f.type AS type,
           COALESCE(cs.canonical, f.asset, '') AS subject,
           CASE f.type
               WHEN 'price' THEN COALESCE(f.currency, '')
               WHEN 'percent_move' THEN COALESCE(f.period, '')
               WHEN 'etf_flow' THEN COALESCE(NULLIF(cp.canonical, ''), 'all funds') || COALESCE(' ' || f.period, '')
               ELSE COALESCE(f.metric, '') || ' (' || COALESCE(f.unit, '') || ')' || COALESCE(' ' || f.period, '')
           END AS detail,
           COALESCE(SUBSTR(f.when_date, 1, 10), ca.published_day) AS day,
           ca.story_id AS story_id,
           ca.story_outlet AS outlet,
           f.article_id AS article_id,
           CASE f.type
               WHEN 'price' THEN f.value
               WHEN 'percent_move' THEN f.percent
               WHEN 'etf_flow' THEN CASE WHEN f.direction = 'outflow' THEN -f.amount ELSE f.amount END
               ELSE f.value
           END AS v
    FROM facts f
    JOIN consensus_articles ca ON ca.article_id = f.article_id
    LEFT JOIN consensus_names cs ON cs.kind = 'subject' AND cs.name = f.asset
    LEFT JOIN consensus_names cp ON cp.kind = 'product' AND cp.name = f.product
    WHERE f.type IN ('price', 'percent_move', 'etf_flow', 'market_metric')
),
ranked AS (
    SELECT type, subject, detail, day, story_id, outlet, article_id, v,
           ROW_NUMBER() OVER (PARTITION BY type, subject, detail, day, story_id ORDER BY v, article_id) AS rn,
           COUNT(*) OVER (PARTITION BY type, subject, detail, day, story_id) AS n
    FROM reports
    WHERE day IS NOT NULL AND v IS NOT NULL
)
SELECT type, subject, detail, day, story_id, outlet,
       AVG(CASE WHEN rn IN ((n + 1) / 2, (n + 2) / 2) THEN v END) AS value,
       COUNT(DISTINCT article_id) AS copies,
       COUNT(*) AS facts
FROM ranked
GROUP BY type, subject, detail, day, story_id, outlet"""


def _sql_number(x: float | None) -> str:
    return "NULL" if x is None else repr(float(x))


def consensus_view_sql() -> str:
    """The ``fact_consensus`` view; its tolerances are :data:`TOLERANCES`."""
    rows = ",\n        ".join(
        f"('{t}', {_sql_number(tol.relative)}, {_sql_number(tol.absolute)}, {int(tol.sign)})" for t, tol in sorted(TOLERANCES.items())
    )
    return f"""CREATE VIEW fact_consensus AS
WITH tolerance(type, rel_tol, abs_tol, sign_rule) AS (
    VALUES
        {rows}
),
ranked AS (
    SELECT type, subject, detail, day, story_id, outlet, value, copies, facts,
           ROW_NUMBER() OVER (PARTITION BY type, subject, detail, day ORDER BY value, story_id) AS rn,
           COUNT(*) OVER (PARTITION BY type, subject, detail, day) AS n
    FROM fact_consensus_reports
),
grouped AS (
    SELECT type, subject, detail, day,
           COUNT(*) AS articles,
           COUNT(DISTINCT outlet) AS outlets,
           SUM(copies) AS copies,
           SUM(facts) AS facts,
           AVG(CASE WHEN rn IN ((n + 1) / 2, (n + 2) / 2) THEN value END) AS median,
           MIN(value) AS min_value,
           MAX(value) AS max_value
    FROM ranked
    GROUP BY type, subject, detail, day
)
SELECT g.type, g.subject, g.detail, g.day, g.articles, g.outlets, g.copies, g.facts,
       g.median, g.min_value, g.max_value, g.max_value - g.min_value AS spread,
       CASE
           WHEN g.articles < 2 THEN 0
           WHEN t.sign_rule = 1 AND g.min_value < 0 AND g.max_value > 0 THEN 1
           WHEN t.rel_tol IS NOT NULL AND g.max_value - g.min_value > t.rel_tol * ABS(g.median) THEN 1
           WHEN t.abs_tol IS NOT NULL AND g.max_value - g.min_value > t.abs_tol THEN 1
           ELSE 0
       END AS conflict
FROM grouped g
JOIN tolerance t ON t.type = g.type"""


def _check(dialect: str) -> str:
    if dialect not in DIALECTS:
        raise ConsensusError(f"unknown SQL dialect {dialect!r} (use one of: {', '.join(DIALECTS)})")
    return "?" if dialect == "sqlite" else "%s"


@contextmanager
def _db_errors(what: str):
    """A database driver's error (sqlite3, psycopg) as one ``ConsensusError`` line."""
    try:
        yield
    except Exception as exc:
        if type(exc).__module__.split(".")[0] not in ("sqlite3", "psycopg"):
            raise
        raise ConsensusError(f"{what}: {exc}".strip()) from None


@contextmanager
def _transaction(conn, dialect: str):
    if dialect == "postgresql":
        with conn.transaction():
            yield conn.cursor()
        return
    if getattr(conn, "isolation_level", None) is None:  # autocommit connection (the FactStore's)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn.cursor()
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    else:
        with conn:
            yield conn.cursor()


def ensure_consensus_view(conn, dialect: str) -> None:
    """Create the helper tables (if missing) and (re)create the two views; the store calls this at
    schema set-up. ``conn`` is a DB-API connection (``sqlite3`` or ``psycopg``)."""
    _check(dialect)
    with _db_errors("cannot create the consensus view"), _transaction(conn, dialect) as cur:
        for ddl in TABLES_SQL:
            cur.execute(ddl)
        cur.execute("DROP VIEW IF EXISTS fact_consensus")
        cur.execute("DROP VIEW IF EXISTS fact_consensus_reports")
        cur.execute(REPORTS_VIEW_SQL)
        cur.execute(consensus_view_sql())


def refresh_consensus(conn, dialect: str, articles: Iterable[ArticleInfo]) -> int:
    """Recompute the helper tables from ``articles`` (every article of the database) and the
    ``facts`` table's names; return the number of stories."""
    ph = _check(dialect)
    articles = sorted({a.id: a for a in articles}.values(), key=lambda a: a.id)
    story = syndication(articles)
    by_id = {a.id: a for a in articles}
    rows = [(a.id, story[a.id], a.outlet, by_id[story[a.id]].outlet, a.day) for a in articles]
    with _db_errors("cannot read the facts table"):
        cur = conn.cursor()
        cur.execute("SELECT DISTINCT asset FROM facts WHERE asset IS NOT NULL")
        subjects = sorted(r[0] for r in cur.fetchall())
        cur.execute("SELECT DISTINCT product FROM facts WHERE product IS NOT NULL")
        products = sorted(r[0] for r in cur.fetchall())
    names = [("subject", s, canonical_subject(s)) for s in subjects] + [("product", p, flow_scope(p)) for p in products]
    with _db_errors("cannot write the consensus tables"), _transaction(conn, dialect) as cur:
        cur.execute("DELETE FROM consensus_articles")
        cur.execute("DELETE FROM consensus_names")
        cur.executemany(f"INSERT INTO consensus_articles(article_id, story_id, outlet, story_outlet, published_day) VALUES ({', '.join([ph] * 5)})", rows)
        cur.executemany(f"INSERT INTO consensus_names(kind, name, canonical) VALUES ({ph}, {ph}, {ph})", names)
    n_stories = len(set(story.values()))
    log.info("consensus: %d articles, %d stories, %d names", len(rows), n_stories, len(names))
    return n_stories


# --------------------------------------------------------------------------- reading

@dataclass(frozen=True)
class Report:
    """One story's figure in a group."""

    story_id: str
    outlet: str | None
    value: float
    copies: int
    facts: int


@dataclass(frozen=True)
class ConsensusRow:
    """One group of ``fact_consensus`` and the stories behind it."""

    type: str
    subject: str
    detail: str
    day: str
    articles: int
    outlets: int
    copies: int
    facts: int
    median: float
    min_value: float
    max_value: float
    spread: float
    conflict: bool
    reports: tuple[Report, ...] = field(default=())

    def as_dict(self) -> dict:
        return asdict(self)


ROW_COLUMNS = ("type", "subject", "detail", "day", "articles", "outlets", "copies", "facts", "median", "min_value", "max_value", "spread", "conflict")


def read_consensus(conn, dialect: str, *, asset: str | None = None, day: str | None = None, type_: str | None = None,
                   conflicts_only: bool = False) -> list[ConsensusRow]:
    """Rows of ``fact_consensus`` (sorted by day, type, subject, detail), each with its reports.
    ``asset`` is matched canonically ("Bitcoin" finds BTC)."""
    ph = _check(dialect)
    where, params = [], []
    if asset:
        where.append(f"subject = {ph}")
        params.append(canonical_subject(asset))
    if day:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
            raise ConsensusError(f"day {day!r}: use YYYY-MM-DD")
        where.append(f"day = {ph}")
        params.append(day)
    if type_:
        if type_ not in CONSENSUS_TYPES:
            raise ConsensusError(f"type {type_!r}: consensus covers {', '.join(CONSENSUS_TYPES)}")
        where.append(f"type = {ph}")
        params.append(type_)
    key = "type, subject, detail, day"
    with _db_errors("cannot read the consensus view"):
        cur = conn.cursor()
        cur.execute(f"SELECT {key}, story_id, outlet, value, copies, facts FROM fact_consensus_reports"
                    f"{' WHERE ' + ' AND '.join(where) if where else ''} ORDER BY {key}, value, story_id", params)
        reports: dict[tuple, list[Report]] = {}
        for r in cur.fetchall():
            reports.setdefault(tuple(r[:4]), []).append(Report(r[4], r[5], float(r[6]), int(r[7]), int(r[8])))
        if conflicts_only:
            where.append("conflict = 1")
        cur.execute(f"SELECT {', '.join(ROW_COLUMNS)} FROM fact_consensus{' WHERE ' + ' AND '.join(where) if where else ''}"
                    f" ORDER BY day, type, subject, detail", params)
        groups = cur.fetchall()
    out = []
    for g in groups:
        t, s, d, dy, arts, outs, copies, facts, med, lo, hi, spread, conflict = g
        out.append(ConsensusRow(t, s, d, dy, int(arts), int(outs), int(copies), int(facts), float(med), float(lo), float(hi),
                                float(spread), bool(conflict), tuple(reports.get((t, s, d, dy), ()))))
    return out


def update_store(store) -> None:
    """Create (if needed) and refresh the consensus tables of an SQLite ``FactStore``."""
    ensure_consensus_view(store.conn, "sqlite")
    refresh_consensus(store.conn, "sqlite", articles_from_records(store.records()))


def write_parquet(rows: Sequence[ConsensusRow], out: str | Path) -> int:
    """One Parquet row per group (the ``fact_consensus`` columns); return the row count."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"articles": pa.int32(), "outlets": pa.int32(), "copies": pa.int32(), "facts": pa.int32(), "conflict": pa.bool_(),
             **{c: pa.float64() for c in ("median", "min_value", "max_value", "spread")}}
    schema = pa.schema([(c, types.get(c, pa.string())) for c in ROW_COLUMNS])
    table = pa.table({c: pa.array([getattr(r, c) for r in rows], type=schema.field(c).type) for c in ROW_COLUMNS}, schema=schema)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(str(out) + ".part")
    pq.write_table(table, str(tmp))
    tmp.replace(out)
    return len(rows)


def iter_rows_as_dicts(rows: Iterable[ConsensusRow]) -> Iterator[dict]:
    for r in rows:
        d = r.as_dict()
        d["reports"] = [asdict(x) for x in r.reports]
        yield d
