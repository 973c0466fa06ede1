"""fin_moves as a component: it runs alone on a blank pipeline, and its lexicons are validated when the pipeline is
built (a broken file fails ``Extractor()`` with one line). What it extracts is specified in ``tests/specs/percent_move.jsonl``."""
from __future__ import annotations

import json
import shutil

import pytest

from extractor.data import PACKAGE_DIR, activate
from extractor.errors import LexiconError
from extractor.pipeline import Extractor
from extractor.settings import Settings


def _broken(tmp_path, name: str, change) -> str:
    folder = tmp_path / "data"
    shutil.copytree(PACKAGE_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__", "models"))
    path = folder / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(folder)


@pytest.mark.parametrize("name,change,where", [
    ("move_lexicon.json", lambda d: d.update(negative_before=[]), "negative_before"),
    ("move_lexicon.json", lambda d: d.update(negativ_before=["fell"]), "negativ_before"),
    ("move_lexicon.json", lambda d: d["not_a_move_after"].update(odds=[]), "not_a_move_after.odds"),
    ("move_lexicon.json", lambda d: d.update(object_marker_patterns=["(unclosed"]), "object_marker_patterns"),
    ("move_subject_aliases.json", lambda d: d.update(aliases={}), "aliases"),
])
def test_a_broken_move_lexicon_fails_the_build_with_one_line(tmp_path, name, change, where):
    folder = _broken(tmp_path, name, change)
    try:
        with pytest.raises(LexiconError) as err:
            Extractor(Settings(use_model=False, data_dir=folder))
        msg = str(err.value)
        assert "\n" not in msg and name in msg and where in msg, msg
    finally:
        activate()  # the package's data again, for the other tests


def test_runs_alone_on_a_blank_pipeline():
    import spacy

    from extractor.facts import register

    activate()
    register()
    nlp = spacy.blank("en")
    nlp.add_pipe("fin_moves", config={"strict": True})
    doc = nlp("Ether slid to $3,000. It has lost 12% this week, while Solana rose 4% and 2% market depth thinned.")
    assert [(f.subject, f.percent, f.rule) for f in doc._.facts] == [("ETH", -12.0, "move.sign.cue_before"),
                                                                     ("SOL", 4.0, "move.sign.cue_before")]
    assert [(c.status, c.rule) for c in doc._.fin_candidates][-1] == ("blocked", "move.blocked.metric_name")
