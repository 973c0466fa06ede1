"""Every data file is validated when the pipeline is built: a broken copy of any one of them makes
``Extractor()`` fail with one ``LexiconError`` line naming the file, never a per-article warning;
and ``explain`` names the same rule as the record for every fact of the sample corpus."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from extractor import Extractor, Settings
from extractor.data import PACKAGE_DIR, activate
from extractor.data.models import MODELS, ROW_MODELS, WORD_LISTS
from extractor.errors import LexiconError

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "articles"


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(PACKAGE_DIR, folder, ignore=shutil.ignore_patterns("*.py", "models", "__pycache__"))
    return folder


def _first_list_key(obj: dict, want_pattern: bool) -> str | None:
    for k, v in obj.items():
        if isinstance(v, list) and v and k.endswith(("_patterns", "_pattern")) == want_pattern:
            return k
    return None


def _breakages():
    """(file, how, breaker) for every JSON data file: an unknown key, an empty list and, where the
    file holds regexes, a pattern that does not compile."""
    out = []
    for name in MODELS:
        raw = json.loads((PACKAGE_DIR / f"{name}.json").read_text(encoding="utf-8"))
        out.append((name, "unknown key", lambda d: {**d, "no_such_key_x": ["a"]}))
        if _first_list_key(raw, False) or _first_list_key(raw, True):
            out.append((name, "empty list", lambda d: {**d, (_first_list_key(d, False) or _first_list_key(d, True)): []}))
        if _first_list_key(raw, True):
            out.append((name, "bad regex", lambda d: {**d, _first_list_key(d, True): ["(unclosed"]}))
    return out


@pytest.fixture(autouse=True)
def _package_data_after():
    yield
    activate()  # whatever a test activated, later tests compile from the package's files


@pytest.mark.parametrize("name,how,breaker", _breakages(), ids=lambda x: x if isinstance(x, str) else "")
def test_a_broken_json_data_file_fails_at_build_with_one_line(tmp_path, name, how, breaker):
    folder = _copy(tmp_path)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(breaker(json.loads(path.read_text(encoding="utf-8")))), encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        Extractor(Settings(use_model=False, data_dir=str(folder)))
    message = str(err.value)
    assert name in message and "\n" not in message.strip(), (how, message)


@pytest.mark.parametrize("name", sorted(ROW_MODELS))
def test_a_broken_row_file_fails_at_build(tmp_path, name):
    folder = _copy(tmp_path)
    path = folder / f"{name}.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[0])
    row["no_such_key_x"] = 1
    path.write_text("\n".join([json.dumps(row)] + lines[1:]) + "\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=name):
        Extractor(Settings(use_model=False, data_dir=str(folder)))


@pytest.mark.parametrize("name", WORD_LISTS)
def test_an_empty_word_list_fails_at_build(tmp_path, name):
    folder = _copy(tmp_path)
    (folder / f"{name}.txt").write_text("# nothing left\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=name):
        Extractor(Settings(use_model=False, data_dir=str(folder)))


def test_a_failed_build_leaves_the_package_data_active(tmp_path):
    folder = _copy(tmp_path)
    (folder / "grammar.json").write_text("{", encoding="utf-8")
    with pytest.raises(LexiconError):
        Extractor(Settings(use_model=False, data_dir=str(folder)))
    rec = Extractor(Settings(use_model=False)).extract("Bitcoin rose 3% to $70,000 on Monday.", published="2026-01-05")
    assert {f.type for f in rec.facts} >= {"price", "percent_move"}


@pytest.fixture(scope="module")
def model_extractor():
    return Extractor()


@pytest.mark.parametrize("path", sorted(p for p in CORPUS.iterdir() if not p.name.endswith(".meta.json")), ids=lambda p: p.name)
def test_explain_names_every_fact_with_its_rule(model_extractor, path):
    rec = model_extractor.extract_path(path)
    report = model_extractor.explain_path(path)
    explained = sorted(
        (c.type, c.fact.evidence.start, c.fact.evidence.end, c.rule) for c in report.candidates if c.status == "fact"
    )
    facts = sorted((f.type, f.evidence.start, f.evidence.end, f.rule) for f in rec.facts)
    assert explained == facts
