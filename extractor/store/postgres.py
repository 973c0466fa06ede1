"""The shared backend: PostgreSQL through psycopg 3 and a connection pool (extra ``postgres``).

``--db postgresql://user@host:port/dbname`` selects it (any libpq URL, e.g. a unix socket as
``postgresql://user@/dbname?host=/run/postgresql``). The layout is in ``ddl.py``; every write is
one transaction that locks the rows it reads (``SELECT ... FOR UPDATE``), with ``INSERT ... ON
CONFLICT`` upserts, so several batches may write one database at once without duplicates; the
rare deadlock between two of them is retried. Schema set-up holds an advisory lock. Readers
(``export``, ``query``) run read-only transactions.
"""
from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from functools import lru_cache

from extractor.errors import StoreError
from extractor.store import ddl
from extractor.store.base import FactStore, Tx

log = logging.getLogger(__name__)

URL_PREFIXES = ("postgresql://", "postgres://")
SETUP_LOCK = 0x65787472  # advisory lock key held while the schema is created or checked
DERIVED_LOCK = 0x65787473  # advisory lock key held while derived tables are rewritten
CONNECT_TIMEOUT_S = 10
POOL_TIMEOUT_S = 120


def is_postgres_url(db) -> bool:
    """``--db`` names a PostgreSQL database.

    >>> is_postgres_url("postgresql://me@db:5432/facts"), is_postgres_url("facts.db")
    (True, False)
    """
    return str(db).startswith(URL_PREFIXES)


def display_url(url: str) -> str:
    """The URL without its password (for messages).

    >>> display_url("postgresql://ana:s3cret@db.example:5432/facts")
    'postgresql://ana:***@db.example:5432/facts'
    """
    return re.sub(r"(://[^:/@?]*):[^@/?]*@", r"\1:***@", url)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@lru_cache(maxsize=64)
def _ph(sql: str) -> str:
    """``?`` placeholders (the interface's) as psycopg's ``%s``."""
    return sql.replace("?", "%s")


class PgTx(Tx):
    def __init__(self, cur):
        self.cur = cur

    def run(self, sql: str, params: tuple = ()) -> int:
        self.cur.execute(_ph(sql), params)
        return self.cur.rowcount

    def many(self, sql: str, rows: list[tuple]) -> None:
        self.cur.executemany(_ph(sql), rows)

    def all(self, sql: str, params: tuple = ()) -> list[tuple]:
        self.cur.execute(_ph(sql), params)
        return self.cur.fetchall()

    def columns(self, table: str) -> list[str]:
        self.cur.execute(f"SELECT * FROM {table} LIMIT 0")
        return [d.name for d in self.cur.description]


class PostgresStore(FactStore):
    """A facts database in PostgreSQL. ``create=False`` refuses a database without the tables;
    ``readonly=True`` opens read-only sessions only."""

    dialect = "postgres"
    LOCK = " FOR UPDATE"
    SAME = "IS NOT DISTINCT FROM"
    DERIVED_LOCK = f"SELECT pg_advisory_xact_lock({DERIVED_LOCK})"

    def __init__(self, url: str, *, create: bool = True, readonly: bool = False, extractor_version: str | None = None, pool_size: int = 4):
        try:
            import psycopg
            import psycopg_pool
        except ImportError:
            raise StoreError("a postgresql:// database needs the optional 'postgres' extra: pip install 'extractor[postgres]'") from None
        self._psycopg = psycopg
        self._pool_timeout = psycopg_pool.PoolTimeout
        self.location = display_url(url)
        self.readonly = readonly
        kwargs = {"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_S, "application_name": "extractor"}
        if readonly:
            kwargs["options"] = "-c default_transaction_read_only=on"
        try:
            with psycopg.connect(url, **kwargs) as conn:
                self._set_up(conn, create and not readonly, extractor_version)
        except psycopg.OperationalError as exc:
            raise StoreError(f"{self.location}: cannot connect to PostgreSQL: {_first_line(exc)}") from None
        except psycopg.Error as exc:
            raise StoreError(f"{self.location}: {_first_line(exc)}") from None
        self.pool = psycopg_pool.ConnectionPool(
            url, min_size=1, max_size=pool_size, kwargs=kwargs, open=True, name="extractor", timeout=POOL_TIMEOUT_S,
        )

    def _set_up(self, conn, create: bool, extractor_version: str | None) -> None:
        with conn.transaction():
            if create:
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (SETUP_LOCK,))
            has_meta = conn.execute("SELECT to_regclass('meta') IS NOT NULL").fetchone()[0]
            if not has_meta:
                if not create:
                    raise StoreError(f"{self.location}: not a facts database (no meta table; run a batch into it first)")
                tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")]
                if tables:
                    raise StoreError(f"{self.location}: holds tables ({', '.join(tables[:5])}) but no meta table: not a facts database")
                for statement in ddl.statements(self.dialect):
                    conn.execute(statement)
                with conn.cursor() as cur:
                    cur.executemany("INSERT INTO meta(key, value) VALUES (%s, %s)", self._initial_meta(extractor_version))
            else:
                self._check_meta(dict(conn.execute("SELECT key, value FROM meta").fetchall()))
                if create:  # a database made before the derived tables and views existed
                    for statement in ddl.derived(self.dialect):
                        conn.execute(statement)
                    for name, sql in ddl.view_items(self.dialect):
                        if conn.execute("SELECT to_regclass(%s) IS NULL", (name,)).fetchone()[0]:
                            conn.execute(f"CREATE VIEW {name} AS {sql}")
                if create and extractor_version:
                    conn.execute(
                        "INSERT INTO meta(key, value) VALUES ('extractor_version', %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        (extractor_version,),
                    )

    @contextmanager
    def _tx(self):
        with self.pool.connection() as conn:
            with conn.transaction():
                with conn.cursor() as cur:
                    yield PgTx(cur)

    @contextmanager
    def _read(self):
        try:
            with self.pool.connection() as conn:
                with conn.transaction():
                    with conn.cursor() as cur:
                        cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                        yield PgTx(cur)
        except (self._psycopg.Error, self._pool_timeout) as exc:
            raise StoreError(f"{self.location}: read failed: {_first_line(exc)}") from None

    def _retryable(self, exc: BaseException) -> bool:
        errors = self._psycopg.errors
        return isinstance(exc, (errors.DeadlockDetected, errors.SerializationFailure))

    def _db_error(self, exc: BaseException) -> bool:
        return isinstance(exc, (self._psycopg.Error, self._pool_timeout))

    def query(self, sql: str, params: tuple = ()) -> tuple[list[str], list[tuple]]:
        try:
            with self.pool.connection() as conn:
                with conn.transaction():
                    conn.execute("SET TRANSACTION READ ONLY")
                    cur = conn.execute(_ph(sql), params) if params else conn.execute(sql)
                    if cur.description is None:
                        return [], []
                    return [d.name for d in cur.description], cur.fetchall()
        except self._psycopg.Error as exc:
            raise StoreError(f"query failed: {_first_line(exc)}") from None

    def close(self) -> None:
        self.pool.close()
