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
    ("move_lexicon.json", lambda d: d["anaphor_kinds"].pop("stock"), "anaphor_kinds"),
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


# --- the parser reads only the sentences the rules cannot decide, batched across Docs ----------

PLAIN = "Quarrytech Systems (QTS) jumped 14% on Monday."  # the rules decide: a plain clause
UNDECIDED = "The Northfield Miners ETF (NBMX) - a fund that holds bitcoin miners - has lost 13% since April."


class _CountingParser:
    """The real parser, counting the ``pipe`` calls and the sentences it reads."""

    def __init__(self, parser):
        self.parser, self.calls, self.texts = parser, 0, []

    def pipe(self, texts, batch_size=256):
        self.calls += 1
        texts = list(texts)
        self.texts += texts
        return self.parser.pipe(texts, batch_size=batch_size)


def _moves(ex):
    return next(proc for name, proc in ex.nlp.pipeline if name == "fin_moves")


def test_the_parser_reads_only_undecided_sentences_once_per_batch(full):
    from extractor.clean import clean

    component = _moves(full)
    list(component.pipe([]))  # loads the parser (a generator: it runs when read)
    spy = _CountingParser(component._parser)
    component._parser = spy
    try:
        texts = [PLAIN, UNDECIDED, PLAIN + " " + UNDECIDED]
        records = list(full.pipe(clean(t, source=f"doc{i}") for i, t in enumerate(texts)))
    finally:
        component._parser = spy.parser
    assert spy.calls == 1  # one parser pass for the whole batch
    assert spy.texts == [UNDECIDED, UNDECIDED]  # the plain sentences were never parsed
    moves = [[(f.subject, f.percent) for f in r.facts if f.type == "percent_move"] for r in records]
    assert moves == [[("Quarrytech Systems", 14.0)], [("Northfield Miners ETF", -13.0)],
                     [("Quarrytech Systems", 14.0), ("Northfield Miners ETF", -13.0)]]


def test_without_the_model_the_rules_decide_alone(rules_only):
    from extractor.clean import clean
    from extractor.facts import grammar
    from extractor.facts.doc import view

    component = _moves(rules_only)
    assert component.model == ""
    (_, doc), = rules_only.docs([clean(PLAIN + " " + UNDECIDED, source="doc")])
    fd = view(doc)
    assert all(grammar.parsed(fd, s) is None for s in fd.sentences) and component._parser is None
    assert [(f.subject, f.percent) for f in doc._.facts if f.type == "percent_move"][0] == ("Quarrytech Systems", 14.0)


def _decisions(candidates):
    return [(c.start, c.end, c.status, c.rule, c.fact) for c in candidates if c.type == "percent_move"]


def test_the_run_after_the_parses_decides_again_only_what_they_can_change(full, monkeypatch):
    """The second run of ``propose`` (once the parses are in) takes over the first run's decisions of a
    sentence whose parse and readable ``Run`` are unchanged, and decides as a run from scratch would."""
    from extractor.clean import clean
    from extractor.facts import moves
    from extractor.facts.candidates import candidates
    from extractor.facts.doc import view

    decided = []
    group = moves._propose_group
    monkeypatch.setattr(moves, "_propose_group", lambda g, *a: decided.append(g.sent.text) or group(g, *a))
    plain = "Gold rose 1% on Monday."  # the rules decide
    parsed = "Brightpath Capital, a holder of ether, saw its stock tumble 9%."  # the parse decides
    later = "The shares rose 2% on Tuesday."  # refers back to what the parse named in the sentence before
    (_, doc), = full.docs([clean(f"{plain} {parsed} {later}", source="doc")])
    assert decided == [plain, parsed, later, parsed, later]  # the plain sentence was decided once
    decided.clear()
    fd = view(doc)
    config = _moves(full).config
    fd._cache.pop(("moves_decided", config))  # forget the kept decisions: decide every sentence again
    fresh = moves.propose(fd, config)
    assert decided == [plain, parsed, later]
    assert _decisions(fresh.candidates) == _decisions(candidates(doc))
    assert [(f.subject, f.percent) for f in doc._.facts if f.type == "percent_move"] == [
        ("Gold", 1.0), ("Brightpath Capital", -9.0), ("Brightpath Capital", 2.0)]


@pytest.mark.parametrize("text", [
    "The Yellow Metal and the yellow  metal rose; the Euro slid, the euros did not, and Sterling held.",
    "The WORLD’S LARGEST CRYPTOCURRENCY and the world's biggest cryptocurrency, the No. 2 cryptocurrency, euro-zone.",
    "The ſecond-largest cryptocurrency and the offshore yuan, the İ of the Japanese yen.",  # lower() changes these: the plain scan
    "",
])
def test_aliases_are_found_where_a_scan_of_every_position_finds_them(text):
    from extractor.facts.move_subjects import _alias_matches, subject_cues

    c = subject_cues()
    assert [m.span() for m in _alias_matches(c, text)] == [m.span() for m in c.aliases.finditer(text)]


def test_the_last_words_before_a_group_are_read_from_the_end_as_from_the_start():
    import random
    import re

    from extractor.facts.moves import Config, Group

    words = re.compile(r"\S+")
    rng = random.Random(3)
    pieces = ["a", "ab", " ", "\n", "\u00a0", "\u2003", "\x1c", ".", "  ", "word", "longerword" * 5]
    for _ in range(3000):
        left = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 400)))
        n = rng.choice([0, 1, 3, 8, 20])
        group = Group.__new__(Group)
        group.__dict__.update(left=left, config=Config(tail_words=n))
        want = list(words.finditer(left))[-n:]
        assert [(m.start(), m.group()) for m in group.tail_tokens] == [(m.start(), m.group()) for m in want]
