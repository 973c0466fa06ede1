"""The database layout of both backends, in one place: tables, indexes and views.

SQLite and PostgreSQL hold the same tables with the same columns in the same order; only the
types differ where PostgreSQL has a better one (``DATE`` for a fact's date, ``TIMESTAMPTZ`` for
wall-clock times, ``DOUBLE PRECISION``, and ``COLLATE "C"`` on paths so that both sort them by
code point, as Python does). A view is added to ``VIEWS`` (portable SQL, created by both) or,
when the dialects differ, to ``SQLITE_VIEWS`` / ``POSTGRES_VIEWS``.

Tables
------
``meta``      key/value: ``schema_version`` (of this layout), ``extractor_version`` (of the last
              writer), ``record_schema_version`` (of the JSON records).
``articles``  one row per cleaned text: ``id`` is the record's article id (sha256 of the cleaned
              text, 16 hex), ``text_hash`` the full sha256. The row holds the record of one of
              its sources, ``source`` (the first in path order), with that file's ``file_hash``.
``sources``   one row per path or URL an article was read from, with the sha256 of the file bytes
              and sidecar (``file_hash``: the resume key) and the stamp of the extractor that read
              it. A moved folder or a duplicate file adds rows here, not articles.
``facts``     one row per fact of an article: ``seq`` is its position in the record; typed columns
              for every fact field (``when_date`` is the fact's ``when``, ``source`` the data
              provider, ``quote_text`` a quote's text); ``fact_json`` the whole fact.
``errors``    the latest failure per source (``reason``: input, extraction, timeout, crash, read),
              removed when the source later succeeds.

Derived tables and views
------------------------
Derived tables hold what code outside the store computes from the content (``DERIVED_TABLES``):
they are left out of content digests and exports, and are rewritten as a whole by
``FactStore.refresh_derived`` when the content they were computed from changed (a fingerprint
kept in ``derived_state``). ``extractor batch`` refreshes them after it writes.

``consensus_articles``   per article: its syndication story (the story's first-published copy),
                         its own outlet, and ``copies`` (outlets that carried its text, at least 1)
``consensus_outlets``    per article: every outlet that carried its text (from its sources)
``consensus_names``      canonical asset/subject names and ETF fund scopes of the facts' names
``consensus_tolerances`` per fact type: when reports disagree (``conflict``)
``derived_state``        per derivation: the fingerprint of the content it was computed from

The views ``fact_consensus_facts`` (one row per fact that takes part in a consensus group),
``fact_consensus_reports`` (one row per group and story) and ``fact_consensus`` (one row per
group) are portable SQL over ``facts``, ``articles`` and those tables (``extractor.consensus``
documents the grouping and the counts).
"""
from __future__ import annotations

#: Version of the database layout. Bump the major part on any incompatible change.
#: 2.0: articles identified by content, a sources table, typed columns for every fact field,
#: an error reason.
SCHEMA_VERSION = "2.0"

#: Columns that hold wall-clock times (left out of content digests and exports).
TIMESTAMP_COLUMNS = {"meta": (), "articles": ("processed_at",), "sources": ("processed_at",), "facts": (), "errors": ("time",)}
TABLES = tuple(TIMESTAMP_COLUMNS)

#: Typed fact columns, in table order, filled from the fact's fields by ``base.fact_values``.
FACT_COLUMNS = (
    "asset", "subject", "product", "value", "percent", "amount", "currency", "direction", "qualifier", "kind",
    "metric", "unit", "period", "reference", "streak_days", "speaker", "speaker_role", "quote_text",
    "when_date", "when_text", "source", "rule", "evidence_start", "evidence_end", "evidence_text", "fact_json",
)


def _tables(text: str, real: str, int_: str, date: str, time: str, path: str) -> list[str]:
    return [
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        f"""CREATE TABLE IF NOT EXISTS articles (
            id {text} PRIMARY KEY,
            text_hash {text} NOT NULL UNIQUE,
            source {path} NOT NULL,
            file_hash {text},
            url {text},
            title {text},
            published {text},
            language {text} NOT NULL,
            text {text} NOT NULL,
            warnings_json {text} NOT NULL,
            n_facts {int_} NOT NULL,
            extractor_version {text} NOT NULL,
            model_name {text},
            model_version {text},
            processed_at {time} NOT NULL
        )""",
        f"""CREATE TABLE IF NOT EXISTS sources (
            source {path} PRIMARY KEY,
            article_id {text} NOT NULL REFERENCES articles(id),
            file_hash {text},
            extractor_version {text} NOT NULL,
            model_name {text},
            model_version {text},
            processed_at {time} NOT NULL
        )""",
        f"""CREATE TABLE IF NOT EXISTS facts (
            article_id {text} NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            seq {int_} NOT NULL,
            type {text} NOT NULL,
            asset {text}, subject {text}, product {text},
            value {real}, percent {real}, amount {real},
            currency {text}, direction {text}, qualifier {text}, kind {text}, metric {text}, unit {text},
            period {text}, reference {text}, streak_days {int_},
            speaker {text}, speaker_role {text}, quote_text {text},
            when_date {date}, when_text {text}, source {text},
            rule {text} NOT NULL,
            evidence_start {int_} NOT NULL, evidence_end {int_} NOT NULL, evidence_text {text} NOT NULL,
            fact_json {text} NOT NULL,
            PRIMARY KEY (article_id, seq)
        )""",
        f"""CREATE TABLE IF NOT EXISTS errors (
            source {path} PRIMARY KEY,
            reason {text} NOT NULL,
            message {text} NOT NULL,
            time {time} NOT NULL
        )""",
    ]


INDEXES = [
    "CREATE INDEX IF NOT EXISTS facts_type_asset ON facts(type, asset)",
    "CREATE INDEX IF NOT EXISTS facts_type_subject ON facts(type, subject)",
    "CREATE INDEX IF NOT EXISTS facts_when ON facts(when_date)",
    "CREATE INDEX IF NOT EXISTS facts_speaker ON facts(speaker)",
    "CREATE INDEX IF NOT EXISTS sources_article ON sources(article_id)",
    "CREATE INDEX IF NOT EXISTS sources_file_hash ON sources(file_hash)",
    "CREATE INDEX IF NOT EXISTS articles_published ON articles(published)",
    "CREATE INDEX IF NOT EXISTS articles_source ON articles(source)",
]

#: Derived tables: ``name -> columns`` (rows inserted in this order by ``FactStore.refresh_derived``).
DERIVED_TABLES: dict[str, tuple[str, ...]] = {
    "consensus_articles": ("article_id", "story_id", "outlet", "copies"),
    "consensus_outlets": ("article_id", "outlet"),
    "consensus_names": ("kind", "name", "canonical"),
    "consensus_tolerances": ("type", "rel_tol", "abs_tol", "sign_rule", "doc"),
}


def _derived(text: str, real: str, int_: str) -> list[str]:
    return [
        f"""CREATE TABLE IF NOT EXISTS consensus_articles (
            article_id {text} PRIMARY KEY,
            story_id {text} NOT NULL,
            outlet {text},
            copies {int_} NOT NULL
        )""",
        f"CREATE TABLE IF NOT EXISTS consensus_outlets (article_id {text} NOT NULL, outlet {text} NOT NULL, PRIMARY KEY (article_id, outlet))",
        f"CREATE TABLE IF NOT EXISTS consensus_names (kind {text} NOT NULL, name {text} NOT NULL, canonical {text} NOT NULL, PRIMARY KEY (kind, name))",
        f"""CREATE TABLE IF NOT EXISTS consensus_tolerances (
            type {text} PRIMARY KEY,
            rel_tol {real},
            abs_tol {real},
            sign_rule {int_} NOT NULL,
            doc {text} NOT NULL
        )""",
        f"CREATE TABLE IF NOT EXISTS derived_state (name {text} PRIMARY KEY, fingerprint {text} NOT NULL, refreshed_at {text} NOT NULL)",
    ]


# The consensus views (see ``extractor.consensus``). Keys: type, canonical subject, detail (what
# else must match for two figures to be the same figure) and day (the fact's date, else its
# article's publication day); a story's value is the median of its facts, a group's the median of
# its stories' values. Medians are the middle row(s) by ROW_NUMBER, which both dialects have.
_GROUP = "type, subject, detail, day"
CONSENSUS_FACTS = f"""WITH f AS (
    SELECT f.type AS type,
           COALESCE(cs.canonical, f.asset, f.subject, '') AS subject,
           CASE f.type
               WHEN 'price' THEN COALESCE(f.currency, '')
               WHEN 'percent_move' THEN COALESCE(f.period, '')
               WHEN 'etf_flow' THEN COALESCE(NULLIF(cp.canonical, ''), 'all funds') || COALESCE(' ' || f.period, '')
               ELSE COALESCE(f.metric, '') || ' (' || COALESCE(f.unit, '') || ')' || COALESCE(' ' || f.period, '')
           END AS detail,
           COALESCE(SUBSTR(CAST(f.when_date AS TEXT), 1, 10), SUBSTR(a.published, 1, 10)) AS day,
           ca.story_id AS story_id,
           f.article_id AS article_id,
           f.seq AS seq,
           CASE f.type
               WHEN 'price' THEN f.value
               WHEN 'percent_move' THEN f.percent
               WHEN 'etf_flow' THEN CASE WHEN f.direction = 'outflow' THEN -f.amount ELSE f.amount END
               ELSE f.value
           END AS v
    FROM facts f
    JOIN articles a ON a.id = f.article_id
    JOIN consensus_articles ca ON ca.article_id = f.article_id
    LEFT JOIN consensus_names cs ON cs.kind = 'subject' AND cs.name = COALESCE(f.asset, f.subject)
    LEFT JOIN consensus_names cp ON cp.kind = 'product' AND cp.name = f.product
    WHERE f.type IN ('price', 'percent_move', 'etf_flow', 'market_metric')
)
SELECT {_GROUP}, story_id, article_id, seq, v AS value FROM f WHERE day IS NOT NULL AND v IS NOT NULL"""

CONSENSUS_REPORTS = f"""WITH ranked AS (
    SELECT {_GROUP}, story_id, value,
           ROW_NUMBER() OVER (PARTITION BY {_GROUP}, story_id ORDER BY value, article_id, seq) AS rn,
           COUNT(*) OVER (PARTITION BY {_GROUP}, story_id) AS n
    FROM fact_consensus_facts
),
story_values AS (
    SELECT {_GROUP}, story_id, AVG(CASE WHEN rn IN ((n + 1) / 2, (n + 2) / 2) THEN value END) AS value, COUNT(*) AS facts
    FROM ranked
    GROUP BY {_GROUP}, story_id
),
texts AS (
    SELECT DISTINCT {_GROUP}, story_id, article_id FROM fact_consensus_facts
),
story_copies AS (
    SELECT t.type, t.subject, t.detail, t.day, t.story_id, CAST(SUM(ca.copies) AS INTEGER) AS copies
    FROM texts t JOIN consensus_articles ca ON ca.article_id = t.article_id
    GROUP BY t.type, t.subject, t.detail, t.day, t.story_id
),
story_outlets AS (
    SELECT t.type, t.subject, t.detail, t.day, t.story_id, COUNT(DISTINCT co.outlet) AS outlets
    FROM texts t JOIN consensus_outlets co ON co.article_id = t.article_id
    GROUP BY t.type, t.subject, t.detail, t.day, t.story_id
)
SELECT v.type, v.subject, v.detail, v.day, v.story_id, rep.outlet AS outlet, COALESCE(o.outlets, 0) AS outlets, v.value AS value,
       c.copies AS copies, v.facts AS facts
FROM story_values v
JOIN story_copies c ON c.type = v.type AND c.subject = v.subject AND c.detail = v.detail AND c.day = v.day AND c.story_id = v.story_id
LEFT JOIN story_outlets o ON o.type = v.type AND o.subject = v.subject AND o.detail = v.detail AND o.day = v.day AND o.story_id = v.story_id
JOIN consensus_articles rep ON rep.article_id = v.story_id"""

CONSENSUS = f"""WITH ranked AS (
    SELECT {_GROUP}, story_id, value, copies, facts,
           ROW_NUMBER() OVER (PARTITION BY {_GROUP} ORDER BY value, story_id) AS rn,
           COUNT(*) OVER (PARTITION BY {_GROUP}) AS n
    FROM fact_consensus_reports
),
grouped AS (
    SELECT {_GROUP},
           COUNT(*) AS articles,
           CAST(SUM(copies) AS INTEGER) AS copies,
           CAST(SUM(facts) AS INTEGER) AS facts,
           AVG(CASE WHEN rn IN ((n + 1) / 2, (n + 2) / 2) THEN value END) AS median,
           MIN(value) AS min_value,
           MAX(value) AS max_value
    FROM ranked
    GROUP BY {_GROUP}
),
texts AS (
    SELECT DISTINCT {_GROUP}, article_id FROM fact_consensus_facts
),
outlets AS (
    SELECT t.type, t.subject, t.detail, t.day, COUNT(DISTINCT co.outlet) AS outlets
    FROM texts t JOIN consensus_outlets co ON co.article_id = t.article_id
    GROUP BY t.type, t.subject, t.detail, t.day
)
SELECT g.type, g.subject, g.detail, g.day, g.articles, COALESCE(o.outlets, 0) AS outlets, g.copies, g.facts,
       g.median, g.min_value, g.max_value, g.max_value - g.min_value AS spread,
       CASE
           WHEN g.articles < 2 THEN 0
           WHEN t.sign_rule = 1 AND g.min_value < 0 AND g.max_value > 0 THEN 1
           WHEN t.rel_tol IS NOT NULL AND g.max_value - g.min_value > t.rel_tol * ABS(g.median) THEN 1
           WHEN t.abs_tol IS NOT NULL AND g.max_value - g.min_value > t.abs_tol THEN 1
           ELSE 0
       END AS conflict
FROM grouped g
JOIN consensus_tolerances t ON t.type = g.type
LEFT JOIN outlets o ON o.type = g.type AND o.subject = g.subject AND o.detail = g.detail AND o.day = g.day"""

#: Views created by both backends (portable SQL): ``name -> SELECT ...``, each after the views it reads.
VIEWS: dict[str, str] = {
    "fact_consensus_facts": CONSENSUS_FACTS,
    "fact_consensus_reports": CONSENSUS_REPORTS,
    "fact_consensus": CONSENSUS,
}
SQLITE_VIEWS: dict[str, str] = {}
POSTGRES_VIEWS: dict[str, str] = {}

SQLITE = _tables("TEXT", "REAL", "INTEGER", "TEXT", "TEXT", "TEXT") + INDEXES
POSTGRES = _tables("TEXT", "DOUBLE PRECISION", "INTEGER", "DATE", "TIMESTAMPTZ", 'TEXT COLLATE "C"') + INDEXES
SQLITE_DERIVED = _derived("TEXT", "REAL", "INTEGER")
POSTGRES_DERIVED = _derived('TEXT COLLATE "C"', "DOUBLE PRECISION", "INTEGER")


def view_items(dialect: str) -> list[tuple[str, str]]:
    """``(name, SELECT ...)`` of every view of ``dialect`` (``"sqlite"`` or ``"postgres"``), in creation order."""
    extra = SQLITE_VIEWS if dialect == "sqlite" else POSTGRES_VIEWS
    return list({**VIEWS, **extra}.items())


def views(dialect: str) -> list[str]:
    """``CREATE VIEW`` statements of ``dialect``."""
    create = "CREATE VIEW IF NOT EXISTS" if dialect == "sqlite" else "CREATE OR REPLACE VIEW"
    return [f"{create} {name} AS {sql}" for name, sql in view_items(dialect)]


def derived(dialect: str) -> list[str]:
    """``CREATE TABLE IF NOT EXISTS`` statements of the derived tables of ``dialect``."""
    return SQLITE_DERIVED if dialect == "sqlite" else POSTGRES_DERIVED


def statements(dialect: str) -> list[str]:
    """Every statement that creates the layout of ``dialect``: tables, derived tables, views."""
    return (SQLITE if dialect == "sqlite" else POSTGRES) + derived(dialect) + views(dialect)
