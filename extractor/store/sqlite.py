"""The embedded backend: SQLite (stdlib), a file on disk. The layout is in ``ddl.py``.

WAL mode and a busy timeout let several writers share a file (``BEGIN IMMEDIATE`` serializes
their transactions). Readers (``export``, ``query``) open the file read-only: a user who may read
the file but not write its folder can use them, WAL mode included.
"""
from __future__ import annotations

import logging
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from extractor.errors import StoreError
from extractor.store import ddl
from extractor.store.base import FactStore, Tx

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 60_000


class SQLiteTx(Tx):
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def run(self, sql: str, params: tuple = ()) -> int:
        return self.conn.execute(sql, params).rowcount

    def many(self, sql: str, rows: list[tuple]) -> None:
        self.conn.executemany(sql, rows)

    def all(self, sql: str, params: tuple = ()) -> list[tuple]:
        return self.conn.execute(sql, params).fetchall()

    def columns(self, table: str) -> list[str]:
        return [d[0] for d in self.conn.execute(f"SELECT * FROM {table} LIMIT 0").description]


class SQLiteStore(FactStore):
    """A facts database in an SQLite file.

    ``create=False`` refuses a missing file; ``readonly=True`` (implies ``create=False``) never
    writes, not even the WAL index, so the folder may be read-only.
    """

    dialect = "sqlite"

    def __init__(self, path: str | Path, *, create: bool = True, readonly: bool = False, extractor_version: str | None = None):
        self.path = Path(path)
        self.location = str(self.path)
        self.readonly = readonly
        if (readonly or not create) and not self.path.is_file():
            raise StoreError(f"{self.path}: no such database")
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a folder, not a database file")
        try:
            self.conn = self._open_readonly() if readonly else self._connect(str(self.path), uri=False)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open database: {exc}") from None
        try:
            if readonly:
                self._check_version()
            else:
                self.conn.execute("PRAGMA foreign_keys = ON")
                self._init_schema_when_free(extractor_version)
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise StoreError(f"{self.path}: not a facts database ({exc})") from None
        except StoreError:
            self.conn.close()
            raise

    # -- connections ----------------------------------------------------------------------------
    @staticmethod
    def _connect(target: str, *, uri: bool) -> sqlite3.Connection:
        conn = sqlite3.connect(target, uri=uri, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return conn

    def _open_readonly(self) -> sqlite3.Connection:
        """``mode=ro``; when SQLite cannot set up the WAL index of a WAL database because the folder is
        not writable, and no write-ahead log holds data that the file does not, ``immutable=1``."""
        base = "file:" + quote(str(self.path.resolve()))
        conn = self._connect(base + "?mode=ro", uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.execute("PRAGMA query_only = ON")
            return conn
        except sqlite3.OperationalError as exc:
            conn.close()
            wal = Path(str(self.path) + "-wal")
            if wal.exists() and wal.stat().st_size > 0:
                raise StoreError(
                    f"{self.path}: cannot open read-only ({exc}): its write-ahead log {wal.name} holds recent writes; "
                    "open it once with write access (any batch or query by its owner) to merge them"
                ) from None
            log.debug("%s: %s; opening as immutable (no write-ahead log to read)", self.path, exc)
        conn = self._connect(base + "?immutable=1", uri=True)
        conn.execute("PRAGMA query_only = ON")
        return conn

    # -- set-up ---------------------------------------------------------------------------------
    def _init_schema_when_free(self, extractor_version: str | None) -> None:
        """``_init_schema``, retried while another process holds the lock. Switching a new file to
        WAL needs an exclusive lock and SQLite reports "database is locked" at once, without
        waiting for the busy timeout, when two batches open the same new database together."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        delay = 0.01
        while True:
            try:
                return self._init_schema(extractor_version)
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    def _init_schema(self, extractor_version: str | None) -> None:
        mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            log.warning("%s: journal mode is %s, not WAL (concurrent writers will wait longer)", self.path, mode)
        self.conn.execute("PRAGMA synchronous = NORMAL")
        with self._tx() as tx:
            if not self._has_table("meta"):
                if self._user_tables():
                    raise StoreError(f"{self.path}: an SQLite database without a meta table is not a facts database")
                for statement in ddl.statements(self.dialect):
                    tx.run(statement)
                tx.many("INSERT INTO meta(key, value) VALUES (?, ?)", self._initial_meta(extractor_version))
            else:
                self._check_meta(dict(tx.all("SELECT key, value FROM meta")))
                for statement in ddl.derived(self.dialect) + ddl.views(self.dialect):  # a database made before they existed
                    tx.run(statement)
                if extractor_version:
                    tx.run("INSERT OR REPLACE INTO meta(key, value) VALUES ('extractor_version', ?)", (extractor_version,))

    def _has_table(self, name: str) -> bool:
        return self.conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone() is not None

    def _user_tables(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]

    def _check_version(self) -> None:
        if not self._has_table("meta"):
            raise StoreError(f"{self.path}: not a facts database (no meta table)")
        self._check_meta(dict(self.conn.execute("SELECT key, value FROM meta")))

    # -- transactions ---------------------------------------------------------------------------
    @contextmanager
    def _tx(self):
        """``BEGIN IMMEDIATE`` ... ``COMMIT`` (rolled back on any exception)."""
        if self.readonly:
            raise StoreError(f"{self.path}: opened read-only")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: cannot start a write transaction: {exc}") from None
        try:
            yield SQLiteTx(self.conn)
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    @contextmanager
    def _read(self):
        """A deferred transaction: one snapshot for every statement inside (WAL)."""
        self.conn.execute("BEGIN")
        try:
            yield SQLiteTx(self.conn)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: read failed: {exc}") from None
        finally:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")

    def _db_error(self, exc: BaseException) -> bool:
        return isinstance(exc, sqlite3.Error)

    def query(self, sql: str, params: tuple = ()) -> tuple[list[str], list[tuple]]:
        try:
            self.conn.execute("PRAGMA query_only = ON")
            cur = self.conn.execute(sql, params)
            cols = [d[0] for d in cur.description or []]
            return cols, cur.fetchall()
        except (sqlite3.Error, sqlite3.Warning) as exc:
            raise StoreError(f"query failed: {exc}") from None
        finally:
            if not self.readonly:
                self.conn.execute("PRAGMA query_only = OFF")

    def close(self) -> None:
        self.conn.close()

