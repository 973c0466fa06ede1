"""Table-driven tests for ``quote`` facts (spec FACTS.md, ANNOTATION.md).

Sentences are invented for these tests. Span detection and filters run on the
rule-only pipeline; attribution that needs person names uses the full one.
"""
from __future__ import annotations

import pytest

from extractor.facts import quotes as Q
from extractor.facts.quotes import find_quote_spans, is_heading, is_label, is_person_name


def quotes(extractor, text: str, published: str = "2026-03-04") -> list[tuple[str, str]]:
    rec = extractor.extract(text, source="t.txt", published=published)
    return [(f.speaker, f.text) for f in rec.facts if f.type == "quote"]


def quote_facts(extractor, text: str):
    rec = extractor.extract(text, source="t.txt", published="2026-03-04")
    return [f for f in rec.facts if f.type == "quote"]


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
    ("Liberation Day,", True),  # a named day
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


# --- extraction without a model: negatives and role-introduced names ----------------

RULE_CASES = [
    # scare quotes, no reporting verb
    ("Gold kept its shine while bitcoin lost its “safe haven” label this month.", []),
    ("Fears of another “crypto winter” grew as prices slid 8%.", []),
    # a show title and a headline fragment
    ("Two fund managers spoke on the weekly \"Market Pulse\" program about flows.", []),
    ("‘Sell Everything’ Mood Grips Desks\n\nPrices fell 5% on Monday.", []),
    # an organisation, not a person
    ("The exchange said volumes were “well above average for a holiday week.”", []),
    # indirect speech is not a quote
    ("Analyst Maria Lopez said the rally could fade by summer.", []),
    # a role right before the name makes a speaker even without the NER
    (
        "“Funding rates have reset and leverage is lower,” said derivatives analyst Maria Lopez.",
        [("Maria Lopez", "Funding rates have reset and leverage is lower")],
    ),
]


@pytest.mark.parametrize("text,expected", RULE_CASES)
def test_rules_only(rules_only, text, expected):
    assert quotes(rules_only, text) == expected


# --- attribution (model) ---------------------------------------------------------------

FULL_CASES = [
    # same sentence, verb after
    (
        "“Buyers stepped in at every dip,” said Daniel Okafor, head of trading at Northgate Markets.",
        [("Daniel Okafor", "Buyers stepped in at every dip")],
    ),
    # surname resolves to the full name introduced earlier
    (
        "Helena Varga, chief strategist at Ostrava Capital, expects a quiet week.\n\n"
        "“The market is exhausted,” Varga said.",
        [("Helena Varga", "The market is exhausted")],
    ),
    # a quote broken by "he said" is two facts; "he" is the running speaker
    (
        "Daniel Okafor, a trader at Northgate, spoke to reporters on Tuesday.\n\n"
        "“We saw forced selling,” he said. “Then the bid came back.”",
        [("Daniel Okafor", "We saw forced selling"), ("Daniel Okafor", "Then the bid came back.")],
    ),
    # "X said:" then a quote paragraph
    (
        "In a post on Friday, portfolio manager Rosa Delgado wrote:\n\n"
        "“Nobody wants to catch a falling knife. I will wait for the weekly close.”",
        [("Rosa Delgado", "Nobody wants to catch a falling knife. I will wait for the weekly close.")],
    ),
    # partial quote inside a sentence, "according to"
    (
        "According to Northgate trader Samuel Berg, the drop looked like “a wave of margin calls.”",
        [("Samuel Berg", "a wave of margin calls.")],
    ),
    # an asset is never the speaker, even next to a reporting verb
    (
        "Bitcoin said nothing new this week, but strategist Helena Varga said the move was “a reset, not a top.”",
        [("Helena Varga", "a reset, not a top.")],
    ),
    # straight quotes with apostrophes inside; a second speaker introduced by title, then by surname
    (
        '"It\'s not over, and we don\'t expect a bottom yet," said Karen Whitfield, chief investment officer at Lumen '
        'Partners. Her colleague, senior analyst Tomas Richter, disagreed. "Selling is drying up," Richter said.',
        [("Karen Whitfield", "It's not over, and we don't expect a bottom yet"), ("Tomas Richter", "Selling is drying up")],
    ),
    # "she added" in the next sentence: the running speaker
    (
        "Ann Dorsey, an economist at Fairbank, said rate cuts were likely. "
        'She added that the central bank\'s "patience is running out."',
        [("Ann Dorsey", "patience is running out.")],
    ),
    # scare quotes next to a person with no reporting verb
    ("Helena Varga keeps calling bitcoin “digital gold” on her podcast.", []),
]


@pytest.mark.parametrize("text,expected", FULL_CASES)
def test_attribution(full, text, expected):
    assert quotes(full, text) == expected


def test_role_and_kind(full):
    facts = quote_facts(full, "“Leverage is back,” Bitwell Research strategist Omar Haddad said on Monday.")
    assert [(f.speaker, f.speaker_role, f.kind) for f in facts] == [("Omar Haddad", "Bitwell Research strategist", "direct")]
    facts = quote_facts(full, "Omar Haddad, chief investment officer of Bitwell, called the selloff “overdone by any measure.”")
    assert [(f.speaker, f.speaker_role, f.kind) for f in facts] == [("Omar Haddad", "chief investment officer of Bitwell", "partial")]


def test_evidence_points_into_text(full):
    text = "Markets were calm.\n\n“Volumes are thin,” said analyst Maria Lopez."
    for f in quote_facts(full, text):
        assert text.find(f.evidence.text) >= 0 and f.text in f.evidence.text


def test_multi_paragraph_quote(full):
    text = (
        "“The first leg down was forced selling.\n\n"
        "“The second leg is real distribution,” said analyst Maria Lopez."
    )
    assert quotes(full, text) == [
        ("Maria Lopez", "The first leg down was forced selling."),
        ("Maria Lopez", "The second leg is real distribution"),
    ]


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
    assert [m.name for m in Q.people(doc)] == ["Priya Anand"]


def test_a_surname_taken_for_an_organisation_is_a_person_when_the_full_name_is_written(rules_only):
    text = "Marisol Quintero ran a commodities desk for years.\n\n“Leverage got ahead of demand,” Quintero said."
    doc = _doc_with_ents(rules_only, text, [])
    i = text.rindex("Quintero")  # the NER labels the surname before "said" an organisation
    doc.ents = [doc.char_span(i, i + len("Quintero"), label="ORG")]
    assert (i, "Marisol Quintero") in [(m.start, m.name) for m in Q.people(doc)]
    # without the full name anywhere, an ORG before "said" stays an organisation
    other = "“Leverage got ahead of demand,” Kestrelbank said."
    doc = _doc_with_ents(rules_only, other, [("Kestrelbank", "ORG")])
    assert Q.people(doc) == []
