"""Cleaning (extractor.clean): HTML, markdown, plain text, metadata precedence, encodings, errors.

Table-driven: each row is one input and what cleaning must (or must not) produce.
No spaCy model is needed here.
"""
from __future__ import annotations

import codecs
import json

import pytest

from extractor.clean import clean, load
from extractor.clean.meta import Meta, dateline, parse_date, split_front_matter
from extractor.clean.text import collapse_whitespace, normalize_text, reduce_json_fragments, strip_markdown
from extractor.errors import DateError, InputError

# --------------------------------------------------------------------------- HTML

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Site title | Example Daily</title>
  <meta property="og:title" content="Avalanche jumps as network activity climbs">
  <meta property="og:url" content="https://example.test/markets/avax-jumps">
  <meta property="article:published_time" content="2026-03-09T08:15:00Z">
  <style>.promo::after { content: "STYLE-LEAK"; } body { margin: 0 }</style>
  <script>var leak = "SCRIPT-LEAK"; window.dataLayer = [];</script>
</head>
<body>
  <!-- COMMENT-LEAK: draft note -->
  <header><a href="/">Example Daily</a>
    <nav><ul><li><a href="/m">Markets</a></li><li><a href="/p">NAV-LEAK Policy</a></li></ul></nav>
  </header>
  <div id="cookie-banner" class="cookie-consent"><p>We use cookies COOKIE-LEAK to improve your experience.</p><button>Accept</button></div>
  <main><article>
    <h1>Avalanche jumps as network activity climbs</h1>
    <p>Avalanche's AVAX token rose 11.2% on Sunday to $24.80 as daily transactions on the network hit a record, data from the explorer showed.</p>
    <p>Trading volume in AVAX more than doubled to $1.4 billion over the same period, while the broader market was flat.</p>
    <p>“Activity is leading price this time,” said a developer who asked not to be named.</p>
    <script>track("SCRIPT-LEAK-2")</script>
  </article></main>
  <footer><p>© 2026 Example Daily FOOTER-LEAK. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body>
</html>"""

LEAKS = ["STYLE-LEAK", "SCRIPT-LEAK", "COMMENT-LEAK", "NAV-LEAK", "COOKIE-LEAK", "FOOTER-LEAK", "dataLayer", "content:"]


@pytest.fixture(scope="module")
def page():
    return clean(PAGE, source="page.html", kind="html")


@pytest.mark.parametrize("leak", LEAKS)
def test_html_page_boilerplate_is_dropped(page, leak):
    assert leak not in page.text


@pytest.mark.parametrize(
    "kept",
    [
        "Avalanche's AVAX token rose 11.2% on Sunday to $24.80",
        "Trading volume in AVAX more than doubled to $1.4 billion",
        "“Activity is leading price this time,” said a developer",  # curly quotes survive HTML cleaning
    ],
)
def test_html_page_body_is_kept(page, kept):
    assert kept in page.text


def test_html_page_metadata_from_meta_tags(page):
    assert page.title == "Avalanche jumps as network activity climbs"
    assert page.url == "https://example.test/markets/avax-jumps"
    assert page.published is not None and page.published[:10] == "2026-03-09"


@pytest.mark.parametrize(
    "html",
    [
        # body mentions years, no date in any metadata: trafilatura must not guess 2024-01-01
        "<html><head><title>Vote and markets</title></head><body><article><h1>Vote and markets</h1>"
        "<p>Investors still talk about the 2024 election and its effect on bitcoin, which rose 3% on the news.</p>"
        "<p>Analysts expect the same pattern to repeat around the vote in 2028, they said in a long note.</p>"
        "</article></body></html>",
        # a fragment, no head at all
        "<p>Traders compared the move with the 2024 election rally, when bitcoin gained 30% in a month.</p>",
    ],
)
def test_html_without_metadata_date_has_no_published(html):
    art = clean(html, kind="html")
    assert art.published is None
    assert "no publication date: relative dates unresolved" in art.warnings


def test_html_entities_decoded_and_quotes_curly():
    art = clean("<p>Bitcoin&rsquo;s &ldquo;digital gold&rdquo; pitch &amp; the ETF&nbsp;flows.</p>", kind="html")
    assert art.text == "Bitcoin’s “digital gold” pitch & the ETF flows."


def test_html_is_sniffed_when_kind_is_not_given():
    art = clean("<div><p>Ether slid 2.5% to $1,990.</p></div>")
    assert art.text == "Ether slid 2.5% to $1,990."


def test_text_with_angle_brackets_is_not_html():
    art = clean("Bitcoin < $70K and ETH > $2K today.")
    assert art.text == "Bitcoin < $70K and ETH > $2K today."


# --------------------------------------------------------------------------- plain text and markdown

MARKDOWN = [
    ("[Bitcoin](https://x.test/btc) rose 2%.", "Bitcoin rose 2%."),
    ('See [the chart](https://x.test/c "Chart title") for details.', "See the chart for details."),
    ("![BTC chart](https://x.test/c.png) Bitcoin rose.", "Bitcoin rose."),
    ('![alt text](https://x.test/i.png "title")\n\nEther fell.', "Ether fell."),
    ("## **Ether** outlook\n\nBody.", "Ether outlook\n\nBody."),
    ("**Solana (SOL)** gained 4%.", "Solana (SOL) gained 4%."),
    ("* first bullet\n+ second bullet", "first bullet\nsecond bullet"),
    ("- dash bullets stay as text", "- dash bullets stay as text"),
    ("> quoted line\n> second", "quoted line\nsecond"),
    ("Above\n\n***\n\nBelow", "Above\n\nBelow"),
    ("Title\n=====\n\nBody", "Title\n\nBody"),
    ("__bold__ and *em* and ***both***", "bold and em and both"),
    ("[**Ether**](u) jumped", "Ether jumped"),
    ("Costs 2 * 3 = 6 in the model", "Costs 2 * 3 = 6 in the model"),  # a lone asterisk is not emphasis
]


@pytest.mark.parametrize("raw,expected", MARKDOWN)
def test_markdown_reduced_to_text(raw, expected):
    assert clean(raw, kind="text").text == expected


WHITESPACE = [
    ("Bitcoin  rose\t\t3%", "Bitcoin rose 3%"),
    ("Bitcoin\u00a0rose\u2009to $70K", "Bitcoin rose to $70K"),
    ("a\r\nb\rc", "a\nb\nc"),
    ("para one\n\n\n\n\npara two", "para one\n\npara two"),
    ("   leading and trailing   \n\n", "leading and trailing"),
    ("Bit\u200bcoin\u00ad rose\u200e", "Bitcoin rose"),
    ("word , next ; last : end", "word, next; last: end"),
    ("  indented line\n    more", "indented line\nmore"),
    ("Cafe\u0301", "Café"),  # NFC
]


@pytest.mark.parametrize("raw,expected", WHITESPACE)
def test_whitespace_and_invisibles(raw, expected):
    assert normalize_text(raw) == expected


QUOTES = [
    "“It’s a liquidity problem,” she said.",
    "He called it ‘digital gold’ again.",
    "The so-called «crypto winter» is back.",
    '"Straight quotes" stay "straight".',
]


@pytest.mark.parametrize("raw", QUOTES)
def test_quote_marks_are_kept(raw):
    assert clean(raw, kind="text").text == raw


JSON_FRAGMENTS = [
    ('Quintara, ["company","Veltrix","chip designer"] and others', "Quintara, Veltrix and others"),
    ('Related: ["Solana","SOL price","crypto ETF"]', "Related: Solana, SOL price"),
    # no capitalized name in the array: left as it is, never emptied
    ('the tags ["a", "b"] stay', 'the tags ["a", "b"] stay'),
    # one element is not a scraper list
    ('He typed ["Bitcoin"] in the box', 'He typed ["Bitcoin"] in the box'),
]


@pytest.mark.parametrize("raw,expected", JSON_FRAGMENTS)
def test_json_fragments_reduced_where_safe(raw, expected):
    assert reduce_json_fragments(raw) == expected


def test_pure_helpers_are_idempotent():
    text = "Bitcoin rose [2%](u).\n\n\n“Wow,” he said.  Ether , too."
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert strip_markdown(collapse_whitespace(once)) == once


# --------------------------------------------------------------------------- metadata: front matter, datelines

FRONT_MATTER = [
    ("---\ntitle: BTC falls\ndate: 2026-02-04\nurl: https://e.test/a\n---\nBody", Meta("https://e.test/a", "BTC falls", "2026-02-04"), "Body"),
    ('---\ntitle: "Quoted title"\npublished: 2026-02-05T10:00:00Z\n---\nBody', Meta(None, "Quoted title", "2026-02-05T10:00:00+00:00"), "Body"),
    ("---\ntitle: No date\ntags: [a, b]\n...\nBody", Meta(None, "No date", None), "Body"),
    ('{"title": "JSON head", "url": "https://e.test/j", "date": "2026-01-02"}\nBody', Meta("https://e.test/j", "JSON head", "2026-01-02"), "\nBody"),
    ("No front matter\n---\nnot: metadata", Meta(), "No front matter\n---\nnot: metadata"),
]


@pytest.mark.parametrize("raw,meta,body", FRONT_MATTER)
def test_front_matter(raw, meta, body):
    assert split_front_matter(raw) == (meta, body)


def test_front_matter_is_not_in_article_text():
    art = clean("---\ntitle: T\ndate: 2026-02-04\n---\n\nBitcoin rose 2%.", kind="text")
    assert art.text == "Bitcoin rose 2%."
    assert (art.title, art.published) == ("T", "2026-02-04")


DATELINES = [
    ("(Lisbon, 04.02.2026) Markets opened lower across Europe.", "2026-02-04"),
    ("(Hong Kong, 11.02.2026) Asian shares climbed.", "2026-02-11"),
    ("NEW YORK, Feb. 4, 2026 — Bitcoin fell on Wednesday.", "2026-02-04"),
    ("NEW YORK, Feb. 4, 2026 - Bitcoin fell.", "2026-02-04"),
    ("LONDON (Reuters), March 3, 2026 - Gold rose.", "2026-03-03"),
    ("FRANKFURT, 4 March 2026 – European stocks fell.", "2026-03-04"),
    ("Bitcoin slides toward $71,000\n\nNEW YORK, Feb. 4, 2026 — Bitcoin fell.", "2026-02-04"),  # after a headline
    # not datelines
    ("Bitcoin fell 5% in 2024.", None),
    ("Investors recall the 2024 election rally.", None),
    ("Headline\n\nFirst paragraph.\n\nLONDON, Feb. 4, 2026 — too deep in the text.", None),
    ("(Singapore, 31.02.2026) impossible day.", None),
]


@pytest.mark.parametrize("text,published", DATELINES)
def test_dateline(text, published):
    assert dateline(text).published == published


TITLES = [
    ("Bitcoin slides toward $71,000\n\nBody text.", "Bitcoin slides toward $71,000"),
    ("Why is bitcoin falling?\n\nBody text.", "Why is bitcoin falling?"),
    ("(Hong Kong, 11.02.2026) Asian shares climbed on Wednesday.\n\nMore.", None),  # a dateline paragraph
    ("Bitcoin fell 3% on Monday to $70,000.\n\nMore.", None),  # a sentence
    ("One paragraph only, no title", None),
]


@pytest.mark.parametrize("text,title", TITLES)
def test_title_from_first_line(text, title):
    assert clean(text, kind="text").title == title


PARSE_DATE = [
    ("2026-02-04", "2026-02-04"),
    ("2026-02-04T13:34:26.000Z", "2026-02-04T13:34:26+00:00"),
    ("04.02.2026", "2026-02-04"),
    ("4/2/2026", "2026-02-04"),
    ("Feb. 4, 2026", "2026-02-04"),
    ("4 February 2026", "2026-02-04"),
]


@pytest.mark.parametrize("raw,iso", PARSE_DATE)
def test_parse_date(raw, iso):
    assert parse_date(raw) == iso


@pytest.mark.parametrize("raw", ["", "   ", "next blue moon", "2026-13-45", "31.02.2026", "February 2026", "yesterday"])
def test_parse_date_rejects(raw):
    with pytest.raises(DateError):
        parse_date(raw)


# --------------------------------------------------------------------------- precedence: CLI > sidecar > document > dateline

BODY_WITH_DATELINE = "(Singapore, 01.01.2026) Bitcoin rose 2% to $70,000 on Monday."
FRONT = "---\ntitle: Doc title\ndate: 2026-01-02\nurl: https://e.test/doc\n---\n"
SIDECAR = {"published": "2026-01-03", "title": "Sidecar title", "url": "https://e.test/side", "outlet": "ignored"}
CLI = "2026-01-04"

PRECEDENCE = [
    # (front matter?, sidecar?, cli?) -> expected published, title, url
    ((False, False, False), "2026-01-01", None, None),
    ((True, False, False), "2026-01-02", "Doc title", "https://e.test/doc"),
    ((True, True, False), "2026-01-03", "Sidecar title", "https://e.test/side"),
    ((False, True, False), "2026-01-03", "Sidecar title", "https://e.test/side"),
    ((True, True, True), "2026-01-04", "Sidecar title", "https://e.test/cli"),
    ((False, False, True), "2026-01-04", None, "https://e.test/cli"),
]


@pytest.mark.parametrize("layers,published,title,url", PRECEDENCE)
def test_metadata_precedence(tmp_path, layers, published, title, url):
    front, side, cli = layers
    path = tmp_path / "story.md"
    path.write_text((FRONT if front else "") + BODY_WITH_DATELINE, encoding="utf-8")
    if side:
        (tmp_path / "story.meta.json").write_text(json.dumps(SIDECAR), encoding="utf-8")
    art = load(path, published=CLI if cli else None, url="https://e.test/cli" if cli else None)
    assert (art.published, art.title, art.url) == (published, title, url)
    assert art.source == str(path)


def test_sidecar_beside_html_overrides_meta_tags(tmp_path):
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "page.meta.json").write_text(json.dumps({"published": "2026-03-10", "title": "From sidecar"}), encoding="utf-8")
    art = load(tmp_path / "page.html")
    assert (art.published, art.title, art.url) == ("2026-03-10", "From sidecar", "https://example.test/markets/avax-jumps")


def test_sidecar_with_unparseable_date_is_ignored_not_guessed(tmp_path):
    (tmp_path / "a.txt").write_text("Bitcoin rose 2% on Monday.", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(json.dumps({"published": "sometime soon", "title": "T"}), encoding="utf-8")
    art = load(tmp_path / "a.txt")
    assert art.published is None and art.title == "T"


# --------------------------------------------------------------------------- encodings

TEXT = "Café owners said “Bitcoin” rose 3% — to €60,000."
ENCODINGS = [
    ("utf-8", TEXT.encode("utf-8")),
    ("utf-8 BOM", codecs.BOM_UTF8 + TEXT.encode("utf-8")),
    ("utf-16 (BOM)", TEXT.encode("utf-16")),
    ("utf-16-le BOM", codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")),
    ("utf-16-be BOM", codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be")),
    ("cp1252", TEXT.encode("cp1252")),
]


@pytest.mark.parametrize("name,data", ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_encodings_decode_to_the_same_text(tmp_path, name, data):
    path = tmp_path / "enc.txt"
    path.write_bytes(data)
    assert load(path).text == TEXT


def test_encoding_of_html_file(tmp_path):
    path = tmp_path / "enc.html"
    path.write_bytes(codecs.BOM_UTF8 + f"<p>{TEXT}</p>".encode("utf-8"))
    assert load(path).text == TEXT


# --------------------------------------------------------------------------- errors

def test_missing_file_is_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load(tmp_path / "nope.txt")


def test_folder_is_not_a_file(tmp_path):
    with pytest.raises(InputError, match="not a regular file"):
        load(tmp_path)


@pytest.mark.parametrize("content", ["", "   \n\n\t ", "\ufeff", "---\ntitle: only front matter\n---\n", "![img](u.png)"])
def test_empty_document_is_input_error(tmp_path, content):
    path = tmp_path / "empty.md"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        load(path)


def test_error_message_names_the_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("  ", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load(path)
    assert str(exc.value).startswith(str(path))
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize("bad", ["not a date", "2026-02-30", "32.01.2026"])
def test_bad_published_is_date_error(tmp_path, bad):
    path = tmp_path / "a.txt"
    path.write_text("Bitcoin rose 2%.", encoding="utf-8")
    with pytest.raises(DateError):
        load(path, published=bad)


def test_broken_sidecar_is_input_error(tmp_path):
    (tmp_path / "a.txt").write_text("Bitcoin rose 2%.", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="sidecar"):
        load(tmp_path / "a.txt")


def test_binary_file_is_input_error(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(InputError):
        load(path)


def test_article_id_is_hash_of_clean_text():
    import hashlib

    art = clean("Bitcoin  rose 2%.", kind="text")
    assert art.id == hashlib.sha256("Bitcoin rose 2%.".encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- quicker scans, same results

def _whitespace_reference(text: str) -> str:
    """``collapse_whitespace`` as first written: every pass over every text."""
    import re

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+", " ", text)
    text = re.sub(r"[ \t]+(?=[,;:](?:\s|$))", "", text)
    text = re.sub(r"[ \t]+$", "", text, flags=re.MULTILINE)
    text = "\n".join(line.lstrip(" ") for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _edge_texts() -> list[str]:
    import random

    rnd = random.Random(7)
    pieces = [" ", "  ", "\t", "\u00a0", "\u2003", "\u3000", "\n", "\r\n", "\r", ",", ";", ":", "x", "Ab", "*", "**", "__",
              "_", "É", "İ", "ſ", "’s", "it's", "der", "the", "ὀ", "Ⅻ"]
    return ["", " ", " lead", "trail ", "a , b", "a\t;\tb", "x \ny", "**a** *b*", "***c***"] + [
        "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 30))) for _ in range(3000)]


def test_gated_whitespace_passes_give_what_the_full_passes_give():
    for text in _edge_texts():
        assert collapse_whitespace(text) == _whitespace_reference(text), repr(text)


def test_language_words_and_ratios_equal_the_plain_scan():
    from collections import Counter

    from extractor.clean import lang

    for text in _edge_texts():
        words = [w.lower() for w in lang._WORD.findall(text)]
        assert lang._lower_words(text) == words, repr(text)
        counts = Counter(words)
        plain = {code: sum(counts[w] for w in sw if w in counts) / (len(words) or 1) for code, sw in lang.stopwords().items()}
        assert lang.stopword_ratios(words) == plain, repr(text)
