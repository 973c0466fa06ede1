"""The evidence invariant: for every fact, ``evidence.text == article.text[start:end]``.

Checked over varied inline inputs (plain text, markdown, HTML, odd whitespace, curly
quotes, non-BMP characters, CRLF, scraper debris) through the full pipeline, and
after a JSON round trip. Each input is built to yield facts, so the check is never vacuous.
"""
from __future__ import annotations

import json

import pytest

from extractor.records import ArticleRecord

TEXTS = {
    "plain": "Ether slid 4.2% to $1,905 on Tuesday, while Solana dropped 6% to $88.",
    "markdown": "## **Market wrap**\n\n[Bitcoin](https://x.test/btc) rose 2.5% to $70,100 after ![chart](c.png) a calm Asian session.",
    "html": "<html><body><nav>Home | Markets</nav><article><h1>Gold rallies</h1><p>Gold climbed 1.2% to $2,960 an ounce.</p>"
    "<p>XRP fell 3.1% on Monday.</p></article><footer>© Example</footer></body></html>",
    "html_entities": "<p>Bitcoin&rsquo;s price fell 2.4% while &ldquo;altcoins&rdquo; lost 5%&nbsp;on the day; DOGE dropped 7.7%.</p>",
    "curly_quotes": "“We expect support near $60,000,” said Jane Holt, a strategist at Pinecrest Capital. Bitcoin fell 3% to $64,500.",
    "emoji_astral": "🚀🚀 Dogecoin jumped 12% 📈 to $0.19 while 𝔹itcoin fans cheered; Cardano rose 4.4%.",
    "nbsp_thin_spaces": "Bitcoin\u00a0fell\u2009\u20093.5%\u202fto $66,200 as Ether\u00a0lost 5.1%.",
    "crlf": "Headline line\r\n\r\nBNB slipped 2.2% to $612.\r\nAvalanche rose 8% on Friday.\r\n",
    "zero_width": "Chain\u200blink (LINK) gained 9.9%\u200d to $12.40 and the\u00ad S&P 500 fell 1.1%.",
    "scraper_json": 'Tokens such as Solana, ["token","Cardano","crypto asset"] fell; Solana lost 6.6% and Cardano 4%.',
    "metrics": "Liquidations reached $1.2 billion in 24 hours, according to CoinGlass, and the Fear & Greed Index fell to 21.",
    "levels": "Analysts see resistance at $74,000 and support at $65,000 for bitcoin, with a target of $82,000.",
    "flows": "U.S. spot bitcoin ETFs recorded net outflows of $251.3 million on Wednesday, according to SoSoValue.",
    "dateline": "(Singapore, 04.02.2026) Bitcoin dropped 5.5% on Tuesday to $72,900, its lowest since November.",
    "long_paragraph": " ".join(f"Token number {i} rose {i % 9 + 1}.5% in the session." for i in range(60)) + " Bitcoin fell 2%.",
}


@pytest.fixture(scope="module")
def records(full) -> dict[str, ArticleRecord]:
    return {name: full.extract(text, source=f"inline:{name}", published="2026-02-04") for name, text in TEXTS.items()}


def _check(rec: ArticleRecord) -> None:
    text = rec.article.text
    assert rec.facts, "the input was built to produce facts; none came out"
    for fact in rec.facts:
        ev = fact.evidence
        assert 0 <= ev.start < ev.end <= len(text), fact
        assert ev.text == text[ev.start : ev.end], fact
        assert ev.text.strip(), f"blank evidence: {fact}"


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_evidence_matches_text(records, name):
    _check(records[name])


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_evidence_survives_json_round_trip(records, name):
    raw = json.loads(records[name].model_dump_json())
    text = raw["article"]["text"]
    for fact in raw["facts"]:
        ev = fact["evidence"]
        assert text[ev["start"] : ev["end"]] == ev["text"]
    ArticleRecord.model_validate(raw)  # the model's own validator agrees


def test_rules_only_pipeline_keeps_the_invariant(rules_only):
    for name, text in TEXTS.items():
        _check(rules_only.extract(text, source=f"inline:{name}", published="2026-02-04"))


@pytest.mark.parametrize(
    "needle",
    ["4.2%", "6%", "$1,905", "$88"],
)
def test_evidence_covers_the_figure(records, needle):
    """Evidence spans are where the figures are: each figure of the plain text lies inside some fact's evidence."""
    rec = records["plain"]
    pos = rec.article.text.index(needle)
    assert any(f.evidence.start <= pos and pos + len(needle) <= f.evidence.end for f in rec.facts), needle


def test_tampered_evidence_is_rejected(records):
    raw = json.loads(records["plain"].model_dump_json())
    ev = raw["facts"][0]["evidence"]
    ev["start"] += 1
    ev["end"] += 1
    with pytest.raises(ValueError):
        ArticleRecord.model_validate(raw)


def test_mismatched_length_is_rejected(records):
    raw = json.loads(records["plain"].model_dump_json())
    raw["facts"][0]["evidence"]["text"] += "x"
    with pytest.raises(ValueError):
        ArticleRecord.model_validate(raw)



def test_a_crashing_rule_becomes_a_warning_not_a_lost_article():
    """FactComponent: one rule's exception is logged and reported on the record; other facts survive.
    With ``Settings(strict=True)`` (what the rest of the suite uses) the crash is raised instead."""
    import pytest
    from spacy.language import Language

    from extractor.errors import RuleCrash
    from extractor.facts.component import FactComponent
    from extractor.pipeline import Extractor
    from extractor.settings import Settings

    def broken(fd, config):
        raise RuntimeError("boom")

    if "fin_test_broken" not in Language.factories:
        Language.factory("fin_test_broken", default_config={"strict": False},
                         func=lambda nlp, name, strict: FactComponent(name, broken, None, strict=strict))
    ex = Extractor(Settings(use_model=False))
    ex.nlp.add_pipe("fin_test_broken")
    rec = ex.extract("Bitcoin rose 3% to $70,000 on Monday.", published="2026-02-04")
    assert any("fin_test_broken failed (RuntimeError)" in w for w in rec.warnings), rec.warnings
    assert {f.type for f in rec.facts} >= {"price", "percent_move"}, "facts of the other rules must survive"
    strict = Extractor(Settings(use_model=False, strict=True))
    strict.nlp.add_pipe("fin_test_broken", config={"strict": True})
    with pytest.raises(RuleCrash, match="fin_test_broken crashed: RuntimeError: boom"):
        strict.extract("Bitcoin rose 3% to $70,000 on Monday.", published="2026-02-04")
