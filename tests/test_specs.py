"""Runs every spec row of ``tests/specs/`` (see ``tests/spec_runner.py``) and checks that every
registered rule has at least one row."""
from __future__ import annotations

import pytest

from extractor.facts.rules import REGISTRY
from extractor.records import FACT_TYPES
from spec_runner import ROW_KEYS, load_rows, row_rules, check_row

ROWS = load_rows()


def _params():
    for row in ROWS:
        marks = [pytest.mark.xfail(reason=row.data["xfail"], strict=True)] if row.data.get("xfail") else []
        yield pytest.param(row, id=row.id, marks=marks)


@pytest.mark.parametrize("row", list(_params()))
def test_spec_row(row, rules_only, full):
    ex = full if row.data.get("ner") else rules_only
    problems = check_row(ex, row)
    assert not problems, "\n".join([row.data["text"]] + problems)


def test_rows_are_well_formed():
    for row in ROWS:
        assert row.type in FACT_TYPES, row.id
        assert set(row.data) <= ROW_KEYS, (row.id, set(row.data) - ROW_KEYS)
        assert isinstance(row.data["facts"], list), row.id
        for f in row.data["facts"]:
            assert "evidence" in f and "rule" in f, (row.id, f)
        for c in row.data.get("candidates", []):
            assert {"text", "status"} <= set(c) and c["status"] in ("fact", "blocked", "dropped"), (row.id, c)


# rules whose spec rows are strict xfails until the modules they need move to candidates
PENDING: set[str] = set()


def test_every_registered_rule_has_a_spec_row(rules_only):
    named = set().union(*(row_rules(r) for r in ROWS if not r.data.get("xfail")))
    missing = sorted(set(REGISTRY) - named - PENDING)
    assert not missing, f"{len(missing)} registered rules without a (passing) spec row: {missing}"


def test_spec_rows_name_only_registered_rules(rules_only):
    unknown = sorted(set().union(*(row_rules(r) for r in ROWS)) - set(REGISTRY))
    assert not unknown, unknown
