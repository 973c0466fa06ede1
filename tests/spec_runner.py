"""Spec rows: invented sentences and the facts the rules must make of them (``tests/specs/<type>.jsonl``).

One JSON object per line:

``text``        the article text (required);
``published``   its publication date (default ``2026-03-11``, a Wednesday);
``facts``       every fact of the file's type the text must yield, each with the fields that matter,
                ``evidence`` (the evidence text) and ``rule`` (the rule id) — no other fact of that
                type may appear (``[]``: a negative row);
``candidates``  optional: spans (``text``) whose candidate of the file's type (or of ``type``) must
                end with ``status`` (blocked / dropped / fact) by ``rule`` — how blockers and
                drop reasons are specified;
``ner``         optional: run the full pipeline with the statistical NER (speakers); default rules only;
``xfail``       optional: a known miss, with the reason (strict: the row must fail);
``note``        optional: a comment.

``check_row`` returns a list of problems (empty when the row holds).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

SPEC_DIR = Path(__file__).resolve().parent / "specs"
DEFAULT_PUBLISHED = "2026-03-11"
ROW_KEYS = {"text", "published", "facts", "candidates", "ner", "xfail", "note"}


@dataclass(frozen=True)
class Row:
    type: str
    line: int
    data: dict

    @property
    def id(self) -> str:
        return f"{self.type}:{self.line}:{self.data['text'][:40]}"


def load_rows(spec_dir: Path = SPEC_DIR) -> list[Row]:
    rows = []
    for path in sorted(spec_dir.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                rows.append(Row(path.stem, n, json.loads(line)))
    return rows


def row_rules(row: Row) -> set[str]:
    """Rule ids a row names (of its facts and its candidates)."""
    out = {f["rule"] for f in row.data.get("facts", [])}
    out |= {c["rule"] for c in row.data.get("candidates", []) if c.get("rule")}
    return out


def _same(want, got) -> bool:
    if isinstance(want, (int, float)) and not isinstance(want, bool) and isinstance(got, (int, float)):
        return math.isclose(float(want), float(got), rel_tol=1e-9, abs_tol=1e-9)
    return want == got


def _fits(want: dict, fact: dict) -> bool:
    for k, v in want.items():
        got = fact["evidence"]["text"] if k == "evidence" else fact.get(k)
        if not _same(v, got):
            return False
    return True


def check_row(ex, row: Row) -> list[str]:
    """Problems of ``row`` run through extractor ``ex`` (empty list: the row holds)."""
    d = row.data
    published = d.get("published", DEFAULT_PUBLISHED)
    rec = ex.extract(d["text"], published=published)
    got = [f.model_dump(mode="json") for f in rec.facts if f.type == row.type]
    problems = []
    used = [False] * len(got)
    for want in d["facts"]:
        hit = next((i for i, f in enumerate(got) if not used[i] and _fits(want, f)), None)
        if hit is None:
            problems.append(f"missing {json.dumps(want, ensure_ascii=False)}")
        else:
            used[hit] = True
    for i, f in enumerate(got):
        if not used[i]:
            shown = {k: v for k, v in f.items() if k not in ("type",) and v is not None}
            shown["evidence"] = f["evidence"]["text"]
            problems.append(f"unexpected {json.dumps(shown, ensure_ascii=False)}")
    if d.get("candidates"):
        report = ex.explain(d["text"], published=published)
        for want in d["candidates"]:
            typ = want.get("type", row.type)
            found = [c for c in report.candidates if c.type == typ and c.text == want["text"]]
            if not found:
                problems.append(f"no {typ} candidate for {want['text']!r}")
                continue
            c = found[0]
            if c.status != want["status"] or (want.get("rule") and c.rule != want["rule"]):
                problems.append(f"candidate {want['text']!r}: {c.status} by {c.rule}, want {want['status']} by {want.get('rule')}")
    return problems
