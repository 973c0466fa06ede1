"""Shared fixtures: a rule-only pipeline (blank tokenizer, no statistical model) and a full one."""
from __future__ import annotations

import os
import re

import pytest

from extractor.pipeline import Extractor
from extractor.settings import Settings


@pytest.fixture(scope="session")
def rules_only() -> Extractor:
    """Blank tokenizer + rule components; person names are not available."""
    return Extractor(Settings(use_model=False, strict=True))


@pytest.fixture(scope="session")
def full() -> Extractor:
    """The full pipeline, statistical NER included (for quotes and speakers)."""
    return Extractor(Settings(strict=True))


@pytest.fixture(scope="session")
def corpus_records(full) -> dict:
    """Every corpus article through the full pipeline, keyed by file stem (the gold name)."""
    from pathlib import Path

    from extractor.clean import load
    from extractor.sources import expand

    files = expand([Path(__file__).resolve().parents[1] / "corpus" / "articles"])
    records = list(full.pipe(load(f, settings=full.settings) for f in files))
    return {Path(r.article.source).stem: r for r in records}


# --------------------------------------------------------------------------- PostgreSQL
_skipped_parts: dict[str, int] = {}


def _missing_part(message: str) -> None:
    """In CI (``CI=true``) a missing part fails; on a dev machine the tests that need it are skipped,
    and the run ends with one line saying so (``pytest_terminal_summary``)."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message + " (CI must have it: .ci/run installs it)", pytrace=False)
    _skipped_parts[message] = 1
    pytest.skip(message)


def pytest_terminal_summary(terminalreporter):
    for message in _skipped_parts:
        terminalreporter.write_line(f"{message}: the tests that need it were skipped")


@pytest.fixture(scope="session")
def pg_cluster():
    """A private PostgreSQL server for the whole session (tests/pgserver.py)."""
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError:
        _missing_part("psycopg is not installed (pip install -e '.[postgres]')")
    from pgserver import PgCluster, find_bindir

    bindir = find_bindir()
    if bindir is None:
        _missing_part("PostgreSQL server not installed (apt-get install postgresql)")
    cluster = PgCluster(bindir)
    try:
        cluster.start()
    except Exception as exc:
        cluster.stop()
        _missing_part(f"PostgreSQL server could not start: {str(exc).strip().splitlines()[0]}")
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster, request) -> str:
    """A new, empty database on the private server, for one test."""
    _pg_count[0] += 1
    return pg_cluster.create_database(f"t{_pg_count[0]}_" + re.sub(r"[^a-z0-9_]+", "_", request.node.name.lower())[:40])


_pg_count = [0]


# --------------------------------------------------------------------------- Ray
@pytest.fixture(scope="session")
def ray_cluster():
    """One private Ray cluster (2 CPUs) for the whole session (tests/rayserver.py); this process
    is connected to it as a driver, and ``.address`` is what the CLI's ``--address`` takes."""
    import logging

    from rayserver import RayCluster, use_private_token

    use_private_token()
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        _missing_part("Ray is not installed (pip install -e '.[ray]')")

    cluster = RayCluster()
    try:
        cluster.start()
        ray.init(address=cluster.address, logging_level=logging.ERROR, log_to_driver=False)
    except Exception as exc:
        cluster.stop()
        _missing_part(f"a Ray cluster could not start: {str(exc).strip().splitlines()[0]}")
    yield cluster
    ray.shutdown()
    cluster.stop()
