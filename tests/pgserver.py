"""A private PostgreSQL cluster for the tests: the real server, never a mock.

``PgCluster.start()`` runs ``initdb`` into a temporary folder and starts the server on a free
port, listening on a unix socket in that folder only (no TCP). The server refuses to run as
root: when the tests run as root, the folder belongs to the ``postgres`` user and the server
runs as that user. ``stop()`` stops it and removes the folder.

The server binaries are looked up in ``$EXTRACTOR_PG_BINDIR``, ``/usr/lib/postgresql/*/bin``
(Debian's ``postgresql`` package, which ``.ci/run`` installs) and ``PATH``.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def find_bindir() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl`` (the newest Debian version first), or None."""
    env = os.environ.get("EXTRACTOR_PG_BINDIR")
    if env and (Path(env) / "initdb").is_file():
        return Path(env)

    def version(path: str) -> tuple:
        part = Path(path).parts[-3]
        return tuple(int(x) for x in part.split(".") if x.isdigit())

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgCluster:
    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.base: Path | None = None
        self.port = 0
        self.user: dict = {}

    def _run(self, *args: str, timeout: float = 120) -> None:
        proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout, **self.user)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(map(str, args))} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")

    def start(self) -> "PgCluster":
        self.base = Path(tempfile.mkdtemp(prefix="extractor-pg-"))  # short: a socket path has ~100 bytes at most
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.base, pw.pw_uid, pw.pw_gid)
            self.user = {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": [], "cwd": str(self.base),
                         "env": {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "HOME": str(self.base)}}
        data = self.base / "data"
        self._run(self.bindir / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync")
        self.port = free_port()
        opts = f"-k {self.base} -p {self.port} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(self.bindir / "pg_ctl", "-D", data, "-l", self.base / "server.log", "-o", opts, "-w", "-t", "60", "start")
        return self

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@/{dbname}?host={self.base}&port={self.port}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self.base is None:
            return
        try:
            self._run(self.bindir / "pg_ctl", "-D", self.base / "data", "-m", "immediate", "-w", "stop", timeout=60)
        finally:
            shutil.rmtree(self.base, ignore_errors=True)
            self.base = None
