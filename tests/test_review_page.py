"""The review page without a browser: highlight nesting, escaping, the CLI, and spaCy export.

The page in a real browser is tests/test_review_browser.py.
"""
from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from extractor.cli import app
from extractor.review import render_page, to_doc
from extractor.review.markup import Mark, highlight

ROOT = Path(__file__).resolve().parents[1]

HOSTILE = (
    'Bitcoin rose 2% to $70,000 <script>window.pwned = 1</script> "<img src=https://evil.test/x.png onerror=alert(1)>" '
    "and </div></article><b>bold</b> & more."
)


class Pieces(HTMLParser):
    """Collects, per fact key, the text inside its head and continuation elements, and the page's text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str | None] = []
        self.text: dict[str, str] = {}
        self.heads: dict[str, dict] = {}
        self.conts: dict[str, int] = {}
        self.all_text: list[str] = []
        self.data_fact_type = 0
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if "data-fact-type" in a:
            self.data_fact_type += 1
        key = a.get("data-fact") or a.get("data-ref")
        if key and "data-fact-type" in a:
            self.heads[key] = a
        elif key:
            self.conts[key] = self.conts.get(key, 0) + 1
        self.stack.append(key)

    def handle_endtag(self, tag):
        self.stack.pop()

    def handle_data(self, data):
        self.all_text.append(data)
        for key in {k for k in self.stack if k}:
            self.text[key] = self.text.get(key, "") + data


def _parse(markup: str) -> Pieces:
    p = Pieces()
    p.feed(markup)
    p.close()
    return p


# --------------------------------------------------------------------------- markup

def test_coinciding_and_nested_spans_nest():
    text = "Smith said bitcoin will hit $100,000 soon."
    marks = [Mark("q", 0, 41, "quote", "quote.r"), Mark("lv", 28, 36, "price_level", "lv.r"), Mark("p", 28, 36, "price", "p.r")]
    p = _parse(highlight(text, marks))
    assert p.data_fact_type == 3 and not p.conts  # nested, nothing split
    assert p.text == {"q": text[:41], "lv": "$100,000", "p": "$100,000"}
    assert p.heads["q"]["class"].split()[2] == "h2"  # two levels nested inside the quote
    assert "".join(p.all_text) == text


def test_crossing_spans_split_with_one_head_each():
    text = "Ether slid 4% to $1,905 on Tuesday"
    marks = [Mark("m", 0, 13, "percent_move", "m.r"), Mark("p", 6, 23, "price", "p.r")]
    out = highlight(text, marks)
    p = _parse(out)
    assert p.data_fact_type == 2
    assert p.conts == {"p": 1}
    assert p.text["p"] == text[6:23] and p.text["m"] == text[0:13]


def test_empty_evidence_is_an_empty_element():
    p = _parse(highlight("abc", [Mark("e", 1, 1, "price", "r")]))
    assert p.data_fact_type == 1 and p.heads["e"]["class"].endswith("empty")


spans = st.tuples(st.integers(0, 40), st.integers(0, 40)).map(sorted)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab <>&\"'\n", min_size=0, max_size=40), st.lists(spans, max_size=12))
def test_any_spans_give_one_head_per_fact_and_exact_text(text, raw):
    marks = [Mark(f"k{i}", min(s, len(text)), min(e, len(text)), "price", "r") for i, (s, e) in enumerate(raw)]
    p = _parse(highlight(text, marks))
    assert p.data_fact_type == len(marks)
    assert "".join(p.all_text) == text  # every character once, none turned into markup
    assert set(p.tags) <= {"span"}
    for m in marks:
        assert p.text.get(m.key, "") == text[m.start : m.end]


# --------------------------------------------------------------------------- page

def _record(text: str, facts: list[dict], **article) -> dict:
    return {"article": {"id": "0123456789abcdef", "source": "/news/hostile-desk/story.txt", "text": text, **article}, "facts": facts, "warnings": []}


def _fact(article_text: str, needle: str, **fields) -> dict:
    start = article_text.index(needle)
    return {"rule": fields.pop("rule", "test.rule"), **fields, "evidence": {"start": start, "end": start + len(needle), "text": needle}}


def test_page_escapes_everything_from_the_article():
    rec = _record(
        HOSTILE,
        [_fact(HOSTILE, "$70,000", type="price", asset="BTC", value=70000.0, rule='r"><script>x()</script>'),
         _fact(HOSTILE, "<script>window.pwned = 1</script>", type="quote", speaker="</script><script>alert(2)</script>", text="x", kind="direct")],
        title='<img src=x onerror="alert(3)">', url="javascript:alert(4)",
    )
    page, summary = render_page([rec])
    assert summary.facts == 2 and summary.articles == 1
    assert page.count("<script") == 2  # the JSON data block and the page's own script, nothing else
    assert "<img" not in page and "<b>" not in page and 'href="javascript' not in page
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in page
    data = page.split('<script type="application/json" id="fact-data">')[1].split("</script>")[0]
    assert "<" not in data and json.loads(data)["a1-f1"]["speaker"] == "</script><script>alert(2)</script>"
    p = _parse(page)
    assert p.data_fact_type == 2
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


def test_invalid_record_is_left_out_and_listed():
    good = _record("Bitcoin at $5", [_fact("Bitcoin at $5", "$5", type="price", asset="BTC", value=5.0)])
    bad = _record("Bitcoin at $5", [{"type": "price", "asset": "BTC", "value": 5.0, "rule": "r", "evidence": {"start": 0, "end": 2, "text": "zz"}}])
    bad["article"]["source"] = "bad.txt"
    page, summary = render_page([good, bad])
    assert summary.articles == 1 and summary.facts == 1
    assert [label for label, _ in summary.skipped] == ["bad.txt"]
    assert "1 records could not be shown" in page


def test_review_cli_from_jsonl_and_articles(tmp_path):
    art = tmp_path / "desk" / "eth.txt"
    art.parent.mkdir()
    art.write_text("Ether slid 4.2% to $1,905 on Tuesday, while Solana dropped 6% to $88.\n", encoding="utf-8")
    runner = CliRunner()
    jsonl = tmp_path / "eth.jsonl"
    assert runner.invoke(app, ["extract", str(art), "--published", "2026-02-04", "--out", str(jsonl)]).exit_code == 0
    n_facts = len(json.loads(jsonl.read_text())["facts"])
    for source in (jsonl, art):
        out = tmp_path / "review.html"
        res = runner.invoke(app, ["review", str(source), "--out", str(out)])
        assert res.exit_code == 0, res.output
        assert f"1 articles, {n_facts} facts written" in res.stderr
        assert _parse(out.read_text(encoding="utf-8")).data_fact_type == n_facts > 0


def test_review_cli_from_a_database_on_both_backends(tmp_path, pg_url):
    """`extractor batch` into SQLite and into PostgreSQL, then `extractor review --db`: one element per
    stored fact, the article's hostile text escaped, and the same page from either database."""
    news = tmp_path / "news"
    (news / "desk-a").mkdir(parents=True)
    (news / "desk-b").mkdir()
    (news / "desk-a" / "eth.txt").write_text("Ether slid 4.2% to $1,905 on Tuesday, while Solana dropped 6% to $88.\n", encoding="utf-8")
    (news / "desk-a" / "eth.meta.json").write_text(json.dumps({"published": "2026-02-04", "url": "https://desk-a.test/eth"}))
    (news / "desk-b" / "btc.txt").write_text(HOSTILE + "\nU.S. spot bitcoin ETFs took in $120 million on Monday.\n", encoding="utf-8")
    (news / "desk-b" / "btc.meta.json").write_text(json.dumps({"published": "2026-02-03"}))
    (news / "desk-b" / "copy-of-eth.txt").write_bytes((news / "desk-a" / "eth.txt").read_bytes())  # one article, two sources
    runner = CliRunner()
    pages = []
    for name, db in (("sqlite", str(tmp_path / "facts.db")), ("postgres", pg_url)):
        res = runner.invoke(app, ["batch", str(news), "--db", db, "--no-model", "--quiet"])
        assert res.exit_code == 0, res.output
        res = runner.invoke(app, ["query", "--db", db, "--json", "SELECT count(*) AS n FROM facts"])
        n_facts = json.loads(res.stdout)[0]["n"]
        out = tmp_path / f"{name}.html"
        res = runner.invoke(app, ["review", "--db", db, "--out", str(out)])
        assert res.exit_code == 0, res.output
        assert f"2 articles, {n_facts} facts written" in res.stderr
        page = out.read_text(encoding="utf-8")
        assert _parse(page).data_fact_type == n_facts > 4
        assert "<script>window.pwned" not in page and "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in page
        assert f"also read from <code>{news / 'desk-b' / 'copy-of-eth.txt'}</code>" in page  # the article's other source
        pages.append(page)
    assert pages[0] == pages[1]


def test_review_cli_needs_something_to_show(tmp_path):
    res = CliRunner().invoke(app, ["review", "--out", str(tmp_path / "x.html")])
    assert res.exit_code == 1 and "nothing to review" in res.stderr


# --------------------------------------------------------------------------- spaCy

def test_to_doc_spans_render_with_displacy():
    import extractor
    from spacy import displacy

    text = "Bitcoin slid 3% to $101,300 on Monday, Smith said."
    rec = _record(text, [
        _fact(text, "slid 3%", type="percent_move", subject="BTC", percent=-3.0),
        _fact(text, "$101,300", type="price", asset="BTC", value=101300.0),
        _fact(text, "01,30", type="price", asset="BTC", value=1.0),  # inside a token: widened to it
    ])
    doc = extractor.to_doc(rec)
    assert doc is not None and to_doc(rec).text == text
    assert [(s.text, s.label_, s.id_) for s in doc.spans["facts"]] == [("slid 3%", "percent_move", "0"), ("$101,300", "price", "1"), ("101,300", "price", "2")]
    assert doc.user_data["facts"][1]["value"] == 101300.0
    markup = displacy.render(doc, style="span")
    assert "percent_move" in markup and "price" in markup and "101,300" in markup
