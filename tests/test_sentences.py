"""``sentence_start_tokens`` (numpy-gated walk) marks exactly the tokens ``sentence_starts`` (a step
per token) marks: on generated token soups of terminals, closers, newlines and figures with a glued
full stop, and on the corpus."""
from __future__ import annotations

from pathlib import Path

import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.attrs import IDX, LENGTH

from extractor.facts.doc import sentence_start_tokens, sentence_starts

NLP = spacy.blank("en")
PIECES = ["Ether", "$60K.", "3%.", "2.5M.", ".", "...", "!", "?", "?!", "…", "”", "“", "’", '"', "'", ")", "(", "\n",
          "\n\n", " \n ", "  ", "he", "said", "U.S.", "Feb.", "x.", "A.", "-", "*", "$", "7", "Ünal", "é."]


def both(text: str) -> tuple[list[int], list[int]]:
    doc = NLP.make_doc(text)
    arr = doc.to_array([IDX, LENGTH])
    pairs = arr.tolist()
    spaced = [a > 0 and text[a - 1].isspace() for a, _ in pairs]
    slow = [i for i, f in enumerate(sentence_starts([text[a : a + n] for a, n in pairs], spaced)) if f]
    return slow, sentence_start_tokens(text, arr[:, 0], arr[:, 1])


@settings(max_examples=400, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=40), st.sampled_from([" ", "", "\n"]))
def test_fast_starts_equal_the_per_token_rules_on_generated_text(pieces, sep):
    slow, fast = both(sep.join(pieces))
    assert fast == slow


def test_fast_starts_equal_the_per_token_rules_on_the_corpus():
    files = sorted((Path(__file__).resolve().parents[1] / "corpus" / "articles").glob("*.txt"))
    assert files
    for path in files:
        slow, fast = both(path.read_text(encoding="utf-8"))
        assert fast == slow, path.name


# --- the pipeline's tokenizer: spaCy's English one without its special cases that change nothing ---

_TOKEN_ATTRS = ["ORTH", "SPACY", "IDX", "NORM", "LOWER", "LENGTH", "IS_SPACE", "SHAPE"]
_KEYS = sorted(NLP.tokenizer.rules)[::7] + ["\n", " ", "\t", "’", "—", "C++", "Feb.", "'re", "n't", ":)", "a.m.", "\xa0"]


def _same_tokens(ours, text: str) -> bool:
    a, b = NLP.make_doc(text), ours.make_doc(text)
    return len(a) == len(b) and (a.to_array(_TOKEN_ATTRS) == b.to_array(_TOKEN_ATTRS)).all()


@settings(max_examples=400, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES + _KEYS), max_size=30), st.sampled_from([" ", "", "\n", "  "]))
def test_pipeline_tokens_equal_the_stock_tokenizer_on_generated_text(rules_only, pieces, sep):
    text = sep.join(pieces)
    assert _same_tokens(rules_only.nlp, text) and _same_tokens(rules_only.nlp, text), repr(text)  # twice: the cache serves the second


def test_pipeline_tokens_equal_the_stock_tokenizer_on_the_corpus(rules_only):
    assert "\n" not in rules_only.nlp.tokenizer.rules and "Feb." in rules_only.nlp.tokenizer.rules
    for path in sorted((Path(__file__).resolve().parents[1] / "corpus" / "articles").glob("*.txt")):
        assert _same_tokens(rules_only.nlp, path.read_text(encoding="utf-8")), path.name
