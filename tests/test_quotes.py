"""Tests of the parts of ``quote`` extraction (spec FACTS.md, ANNOTATION.md) that spec rows do not
reach: the span finder, the label, heading and person guards, and people with NER labels fixed
by hand. What the rules make of whole sentences is in ``tests/specs/quote.jsonl``.

Sentences are invented for these tests.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from extractor.facts import speakers
from extractor.facts.doc import view
from extractor.facts.quotes import find_quote_spans, is_heading, is_label
from extractor.facts.speakers import is_person_name
from extractor.rx import WordStarts


# --- span detection (no model) -----------------------------------------------------

SPANS = [
    ("“We are early,” she said.", ["We are early,"]),
    ('"Liquidity is thin," he said.', ["Liquidity is thin,"]),
    ("It isn’t over, and the ’90s are gone.", []),  # apostrophes only
    ("The investors’ mood soured; traders’ bets shrank.", []),  # plural possessives
    ("Desks called it ‘a buyers’ strike’ on Monday.", ["a buyers’ strike"]),
    ("A “stray opener and the rest of the paragraph", []),  # unbalanced: nothing
    ("Nothing opened here.” And “this one closes.”", ["this one closes."]),  # stray closer ignored
    ("“Line one has no closer\nso the next line is not swallowed.”", []),
    ('A link ["cold storage" idea](https://example.com/a) here.', ["cold storage"]),
    # a quote over a paragraph break: opened in one paragraph, closed only at the end of the next
    ("She added: “Funding has reset.\n\nWe think the floor is in.”", ["Funding has reset.\n\nWe think the floor is in."]),
    ('He wrote: "Bids are thin.\n\nAsks are thinner.\n\nWe wait."', ["Bids are thin.\n\nAsks are thinner.\n\nWe wait."]),
    # quotes nested in it are part of it, not quotes of their own
    ("“Prices are firm.\n\nThe “pivot” chatter and the ‘soft landing’ are noise.”",
     ["Prices are firm.\n\nThe “pivot” chatter and the ‘soft landing’ are noise."]),
    # a paragraph between that holds its own quote ends the search; no closer at the paragraph end, no span
    ("“Open here.\n\nA “label” there.\n\nEnd.”", ["label"]),
    ("“Open here.\n\nThe next paragraph just goes on.", []),
]


@pytest.mark.parametrize("text,expected", SPANS)
def test_find_quote_spans(text, expected):
    assert [text[q.open + 1 : q.close] for q in find_quote_spans(text)] == expected


def test_long_unbalanced_quote_is_capped():
    text = "“" + "word " * 400 + "end”"
    assert find_quote_spans(text) == []


LABELS = [
    ("hard", True),  # one word
    ("Market Pulse", True),  # show title
    ("Harvest Day,", True),  # a named day
    ("Crypto Whale Trades", True),  # a nickname
    ("small but steady", False),
    ("We have seen this before.", False),
]


@pytest.mark.parametrize("inner,expected", LABELS)
def test_is_label(inner, expected):
    assert is_label(inner) is expected


HEADINGS = [
    ("‘Buy Everything’ Mood Returns", True),
    ("## Traders brace for “wild swings”", True),
    ("**Funding turns “negative,” longs retreat**", True),
    ("“Funding has turned negative,” the trader said.", False),
]


@pytest.mark.parametrize("line,expected", HEADINGS)
def test_is_heading(line, expected):
    assert is_heading(line) is expected


GUARD = [
    ("Maria Lopez", True),
    ("Bitcoin", False),  # an asset is never a speaker
    ("Ethereum", False),
    ("Summit Capital", False),  # organisation word
    ("CoinGlass", False),  # a data provider
    ("she", False),
    ("Meanwhile", False),
]


@pytest.mark.parametrize("name,expected", GUARD)
def test_person_guard(name, expected):
    assert is_person_name(name) is expected


# --- the person guard against NER labels, with the labels fixed by hand (no model) ---------------

def _doc_with_ents(rules_only, text, ents):
    """A rule-pipeline Doc of ``text`` whose entities are ``(substring, label)`` (first occurrences)."""
    doc = rules_only.nlp.make_doc(text)
    doc = rules_only.nlp.get_pipe("fin_sentences")(doc)
    spans = []
    for sub, label in ents:
        start = text.index(sub)
        spans.append(doc.char_span(start, start + len(sub), label=label))
    doc.ents = spans
    return doc


def test_a_name_after_an_organisation_noun_is_not_a_person(rules_only):
    text = "Priya Anand, founder of the payments startup Tern Pay, says volumes held up."
    doc = _doc_with_ents(rules_only, text, [("Priya Anand", "PERSON"), ("Tern Pay", "PERSON")])
    assert [m.name for m in speakers.people(view(doc))] == ["Priya Anand"]


def test_a_surname_taken_for_an_organisation_is_a_person_when_the_full_name_is_written(rules_only):
    text = "Marisol Quintero ran a commodities desk for years.\n\n“Leverage got ahead of demand,” Quintero said."
    doc = _doc_with_ents(rules_only, text, [])
    i = text.rindex("Quintero")  # the NER labels the surname before "said" an organisation
    doc.ents = [doc.char_span(i, i + len("Quintero"), label="ORG")]
    assert (i, "Marisol Quintero") in [(m.start, m.name) for m in speakers.people(view(doc))]
    # without the full name anywhere, an ORG before "said" stays an organisation
    other = "“Leverage got ahead of demand,” Kestrelbank said."
    doc = _doc_with_ents(rules_only, other, [("Kestrelbank", "ORG")])
    assert list(speakers.people(view(doc))) == []


# --- the people and quote lexicon is validated when the pipeline is built -----------------------

def _data_copy(tmp_path, edit):
    import json
    import shutil

    from extractor.data import PACKAGE_DIR

    folder = tmp_path / "data"
    shutil.copytree(PACKAGE_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__", "models"))
    path = folder / "quote_lexicon.json"
    lex = json.loads(path.read_text(encoding="utf-8"))
    edit(lex)
    path.write_text(json.dumps(lex), encoding="utf-8")
    return folder


@pytest.mark.parametrize("edit,message", [
    (lambda lex: lex.update(roles=[]), "quote_lexicon.json: roles"),
    (lambda lex: lex.update(speakers=["x"]), "quote_lexicon.json: speakers"),
    (lambda lex: lex["ner_reporting_verbs"].append("mumbled"), "not in reporting_verbs.txt: ['mumbled']"),
])
def test_a_broken_quote_lexicon_fails_the_build_with_one_line(tmp_path, edit, message):
    from extractor.data import activate
    from extractor.errors import LexiconError
    from extractor.pipeline import Extractor
    from extractor.settings import Settings

    folder = _data_copy(tmp_path, edit)
    try:
        with pytest.raises(LexiconError, match=message.replace("[", r"\[").replace("]", r"\]").replace(".", r"\.")) as err:
            Extractor(Settings(data_dir=str(folder)))
        assert "\n" not in str(err.value)
    finally:
        activate()  # the package's data again, for the other tests


# --- people who open a clause, and the holder of a role (what "he said" and "the strategist said" resolve to)

def test_a_person_opening_a_clause_is_introduced(rules_only):
    text = ("Quant fund manager Tomasz Riedl is less worried. Meanwhile, Acme's Ann Lee sees no risk. "
            "Traders met Tomasz Riedl on Friday. Sen. Ann Lee, R-Ohio, disagreed.")
    doc = _doc_with_ents(rules_only, text, [("Tomasz Riedl", "PERSON"), ("Ann Lee", "PERSON")])
    fd = view(doc)
    got = [(fd.text[m.start:m.end], speakers.opens_clause(fd, m)) for m in speakers.people(fd)]
    assert got == [("Tomasz Riedl", True), ("Ann Lee", True), ("Tomasz Riedl", False), ("Ann Lee", True)]


def test_a_role_noun_resolves_to_the_last_person_given_that_title(rules_only):
    text = "Economist Tom Reyes expects cuts. Mia Castell, an analyst at Kestrel, does not. Later that day the economist said"
    doc = _doc_with_ents(rules_only, text, [("Tom Reyes", "PERSON"), ("Mia Castell", "PERSON")])
    fd = view(doc)
    assert speakers.holder(fd, "economist", len(text), 500) == "Tom Reyes"
    assert speakers.holder(fd, "analyst", len(text), 500) == "Mia Castell"
    assert speakers.holder(fd, "strategist", len(text), 500) is None
    assert speakers.holder(fd, "economist", len(text), 20) is None  # beyond reach



# --- the word-start scans of speakers (rx.WordStarts) ----------------------------------------

_SCAN_WORDS = ["said", "says", "told", "analyst", "Dr", "the", "-said", "said-", "unsaid", "strategist", "’s", "O’Neil"]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=st.lists(st.sampled_from(_SCAN_WORDS) | st.text(alphabet="abs -’'.\n,é", max_size=5), max_size=20).map(" ".join))
def test_word_starts_scan_finds_what_the_lookbehind_pattern_finds(text):
    """``WordStarts`` scans ``[^\\w-]P`` instead of ``(?<![\\w-])P``: the same spans, for the patterns
    speakers builds (reporting verbs over the text, role/organisation first words over the
    lower-cased text) and for a body that can end in a non-word character."""
    lx = speakers.lex()
    tail = WordStarts(r"s\w*[,.]?")  # a match ending in a mark: the next may start right after it
    for scan, t in ((lx.verb_name, text), (lx.head_starts, text.lower()), (tail, text), (tail, text.replace(" ", ""))):
        assert list(scan.spans(t)) == [m.span() for m in scan.led.finditer(t)]
