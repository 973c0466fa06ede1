"""``WarmTokenizer``: spaCy's tokens, whatever the cache holds (``extractor.facts.model``)."""
from pathlib import Path

import spacy
from spacy.tokenizer import Tokenizer

from extractor.facts.model import WarmTokenizer
from extractor.pipeline import build_nlp

ROOT = Path(__file__).resolve().parents[1]

SPECIAL_HEAVY = [
    "The U.S. dollar didn't move; it's flat at 9am, and Acme Inc. (ACME) can't say why :) e.g. rates.",
    "(U.S.) \"don't\" Jan. 3 a.m. 10pm 'tis o'clock — U.K.'s FTSE rose 1.2%, vs. 0.8% for the S&P.",
    "Bitcoin slid to $60K. Ether rose 3%. Solana's SOL fell 2.5M. Don't panic, he said.",
]


def plain_copy(tok: Tokenizer) -> Tokenizer:
    """spaCy's own tokenizer with ``tok``'s rules and affixes (its cache as spaCy keeps it)."""
    return Tokenizer(tok.vocab, rules=tok.rules, prefix_search=tok.prefix_search, suffix_search=tok.suffix_search,
                     infix_finditer=tok.infix_finditer, token_match=tok.token_match, url_match=tok.url_match)


def tokens(doc):
    return [(t.text, t.whitespace_, t.norm_, t.idx) for t in doc]


def texts():
    out = list(SPECIAL_HEAVY)
    for p in sorted((ROOT / "corpus" / "articles").iterdir()):
        if p.suffix in (".txt", ".md"):
            out.append(p.read_text(encoding="utf-8"))
    return out


def test_the_pipeline_tokenizer_is_warm_and_gives_spacy_tokens():
    warm = build_nlp().tokenizer
    assert isinstance(warm, WarmTokenizer)
    plain = plain_copy(warm)
    corpus = texts()
    for _ in range(2):  # the second time round, every chunk is in the warm cache
        for text in corpus:
            assert tokens(warm(text)) == tokens(plain(text))
    assert 1000 < len(warm.seen) <= warm.max_cache_size


def test_nothing_is_warmed_past_the_cap():
    nlp = spacy.blank("en")
    warm = WarmTokenizer(nlp.vocab, rules=nlp.tokenizer.rules, prefix_search=nlp.tokenizer.prefix_search,
                         suffix_search=nlp.tokenizer.suffix_search, infix_finditer=nlp.tokenizer.infix_finditer,
                         max_cache_size=20)
    a = warm(" ".join(f"w{i}" for i in range(30)))
    seen = set(warm.seen)
    b = warm("fresh words here (and U.S. ones) now")
    assert len(a) == 30 and warm.seen == seen and [t.text for t in b][3:6] == ["(", "and", "U.S."]


def test_a_new_rule_empties_what_was_seen():
    warm = build_nlp().tokenizer
    warm("Gold rose 2% to $2,400 an ounce.")
    assert "ounce." in warm.seen
    warm.add_special_case("ounce.", [{"ORTH": "ounce"}, {"ORTH": "."}])
    assert not warm.seen
    assert [t.text for t in warm("Gold rose 2% to $2,400 an ounce.")][-2:] == ["ounce", "."]
