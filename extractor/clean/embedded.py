"""Article bodies that pages carry in structured data rather than (or besides) their visible HTML.

Many news sites ship the whole story inside a ``<script>``: JSON-LD ``articleBody``, Next.js
``__NEXT_DATA__``, Arc XP ``content_elements``, app-state blobs assigned in inline scripts
(``window.__STATE__ = {...};``), JSON double-encoded as a string (``JSON.parse("...")``), or a
``data-*`` attribute holding JSON. Nothing here knows a site.

Parsing every JSON value of a page costs more than reading the page (pages inline hundreds of
kilobytes of menus, quotes and settings), so the article is first *located*: plain-word snippets of
the visible lead paragraphs and of the headline are searched in the raw script texts
(``str.find``), and only the JSON containers enclosing a hit are decoded (``raw_decode`` from the
nearest opening brackets before it, climbing a few levels, until an object that names the headline).
Those containers are walked; every long prose string, or list of paragraph-like items, becomes a
candidate body. The caller picks the candidate that agrees with the visible lead.

Bounds (hostile pages): ``MAX_SOURCES`` script texts, ``MAX_NESTED`` double-encoded strings decoded,
``MAX_PARSE_CHARS`` characters handed to the JSON decoder in all, ``MAX_CLIMB_ATTEMPTS`` decode
attempts and ``MAX_CLIMB_LEVELS`` levels per hit, ``MAX_NODES`` JSON nodes walked, ``MAX_DEPTH``
levels. The JSON decoder raises ``RecursionError`` on absurd nesting; that attempt is skipped. Work is
linear in the page size.
"""
from __future__ import annotations

import html as htmllib
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

log = logging.getLogger(__name__)

MAX_SOURCES = 400
MAX_SOURCE_CHARS = 3_000_000
MAX_PARSE_CHARS = 6_000_000
MAX_NESTED = 32
MAX_HITS = 12
MAX_CLIMB_ATTEMPTS = 64
MAX_CLIMB_LEVELS = 6
MAX_NODES = 100_000
MAX_DEPTH = 48
MIN_BODY_WORDS = 40
MAX_PARAGRAPH_CHARS = 4000  # longer list items are stories of their own, not paragraphs of one
MAX_CANDIDATES = 12

_DQ_STRING = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"')
_SQ_STRING = re.compile(r"'[^'\\\n]*(?:\\.[^'\\\n]*)*'")
# How a string literal whose content is itself JSON opens: "{\"a\": ...}", "[{\"a\": ...}]", "[\"a\"]"
# (single-quoted JSON.parse('{"a": ...}') needs no decoding: its content is JSON as it stands).
_ENCODED_OPENINGS = ('"{\\"', '"[{\\"', '"[\\"')
_JS_ESCAPE = re.compile(r"""\\(x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|\r\n|[\s\S])""")
_JS_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0", "\n": "", "\r\n": ""}
_HTML_TAG = re.compile(r"<\s*/?\s*(?:p|div|br|h[1-6]|ul|ol|li|blockquote|figure|span|a|strong|em|b|i|section|article)\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"<[^<>]{0,2000}>")
_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:p|div|br|h[1-6]|li|ul|ol|blockquote|figure|figcaption|section|article|tr|table)\b", re.I)
_ESCAPED_HTML = re.compile(r"&lt;\s*/?\s*(?:p|div|br|h[1-6]|li)\b", re.I)
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]?(?:\s|$)")
_SPACE = re.compile(r"[ \t\r\f\v\u00a0]+")
_LETTER = re.compile(r"[^\W\d_]+")

# Keys whose string values hold the text of a paragraph-like item of a list (Arc XP content
# elements, portable-text blocks and spans, paragraph objects); keys whose lists hold nested items.
_TEXT_KEYS = frozenset({"content", "text", "html", "body", "value", "paragraph", "markup", "plaintext", "plain_text"})
_CHILD_KEYS = frozenset({"children", "content", "content_elements", "elements", "items", "spans", "nodes", "blocks", "paragraphs", "body"})
# Item types that are not running text (media, embeds, links to other stories, ads).
_SKIP_TYPES = frozenset({
    "image", "video", "gallery", "audio", "ad", "ads", "advert", "advertisement", "interstitial_link", "related_content",
    "related", "oembed", "oembed_response", "embed", "newsletter", "promo", "chartembed", "chart", "raw_html", "social",
    "tweet", "instagram", "youtube", "list_of_links", "link_list", "recirculation",
})
_URL_KEYS = frozenset({"url", "href", "link", "canonical_url", "src"})


@dataclass(frozen=True)
class Candidate:
    """One possible article body found in the page's data."""

    raw: str  # the value as found: HTML, or plain text with paragraphs on their own lines
    plain: str  # a cheap plain-text reading (tags stripped, entities decoded)
    path: str  # where it was found, e.g. "src3@5120:article.body"
    is_html: bool
    words: int
    near_title: bool  # the object holding it (or one of its two parents) names the page's headline


@dataclass
class Budget:
    parse_chars: int = MAX_PARSE_CHARS
    nodes: int = MAX_NODES
    nested: int = MAX_NESTED


# --------------------------------------------------------------------------- string literals


def js_string(text: str, start: int) -> tuple[str, int] | None:
    """Decode the JavaScript/JSON string literal that opens at ``text[start]``; return (value, end) or None.

    >>> js_string('x("a\\\\"b\\\\x41\\\\u00e9")', 2)
    ('a"bAé', 18)
    >>> js_string("'it\\\\'s'", 0)
    ("it's", 7)
    """
    m = (_DQ_STRING if text[start] == '"' else _SQ_STRING).match(text, start)
    if m is None:
        return None
    literal = m.group(0)
    if literal[0] == '"':
        try:
            return json.loads(literal, strict=False), m.end()
        except ValueError:
            pass  # JavaScript escapes JSON does not know (\\x41, \\')
    return _JS_ESCAPE.sub(_js_unescape, literal[1:-1]), m.end()


def _js_unescape(m: re.Match) -> str:
    e = m.group(1)
    if e[0] == "x":
        return chr(int(e[1:], 16))
    if e[0] == "u" and len(e) > 1:
        code = int(e[2:-1] if e[1] == "{" else e[1:], 16)
        return chr(code) if code <= 0x10FFFF else "\ufffd"
    return _JS_SIMPLE_ESCAPES.get(e, e)


def _escaped(text: str, k: int) -> bool:
    """The string literal around ``text[k]`` opens with an escaped quote: it is JSON inside a string."""
    q = text.rfind('"', 0, k)
    return q > 0 and text[q - 1] == "\\"


def decode_enclosing_literal(text: str, k: int, budget: Budget) -> str | None:
    """The content of the string literal around ``text[k]`` when that content is JSON (double-encoded:
    ``JSON.parse("{\\"a\\": ...}")``, ``"state": "{\\"a\\": ...}"``), decoded; else None.

    >>> inner = json.dumps({"body": "Gold rose. " * 30})
    >>> js = "var s = JSON.parse(" + json.dumps(inner) + ");"
    >>> decode_enclosing_literal(js, js.find("Gold rose"), Budget()) == inner
    True
    """
    pos = k
    for _ in range(8):
        j = max(text.rfind(opening, 0, pos) for opening in _ENCODED_OPENINGS)
        if j < 0 or budget.nested <= 0:
            return None
        budget.nested -= 1
        lit = js_string(text, j)
        if lit is not None and lit[1] > k:
            budget.parse_chars -= lit[1] - j
            return lit[0]
        pos = j
    return None


# --------------------------------------------------------------------------- locating the article in the sources


def snippets(paragraphs: Iterable[str], per_paragraph: int = 3, words: int = 6) -> list[str]:
    """Runs of ``words`` plain words (ASCII letters and digits only, no punctuation: JSON and HTML
    write them as they are) that identify each paragraph: the start of its first run, the middle and
    the end of its longest (away from the edges, where a scraped line may be glued to its neighbours).

    >>> snippets(["Bitcoin slid 4.6% to $61,250 on Wednesday as another wave of forced selling hit exchanges."])
    ['on Wednesday as another wave of', 'Wednesday as another wave of forced', 'another wave of forced selling hit']
    """
    out: list[str] = []
    for para in paragraphs:
        runs: list[list[str]] = [[]]
        for w in para.split()[:2000]:  # by words, not by regex: linear even on a runaway token
            if w.isascii() and w.isalnum():
                runs[-1].append(w)
            elif runs[-1]:
                runs.append([])
        runs = [r for r in runs if len(r) >= words]
        if not runs:
            continue
        longest = max(runs, key=len)
        mid = max(0, len(longest) // 2 - words // 2)
        picked = [runs[0][:words], longest[mid : mid + words], longest[-words:]][:per_paragraph]
        for r in picked:
            snippet = " ".join(r)
            if 20 <= len(snippet) <= 200 and snippet not in out:
                out.append(snippet)
    return out


def find_candidates(texts: list[str], needles: list[str], titles: set[str], budget: Budget | None = None) -> list[Candidate]:
    """Candidate bodies in the JSON around the places where ``needles`` occur in ``texts``, longest first.

    ``titles`` are normalized headlines of the page (``normalize_title``): climbing stops at an object
    that names one, and a text near one is marked ``near_title``. A hit inside JSON double-encoded
    as a string decodes that string, which is then searched like the other texts.
    """
    budget = budget or Budget()
    texts = [t for t in texts[:MAX_SOURCES] if len(t) <= MAX_SOURCE_CHARS]
    found: dict[str, Candidate] = {}
    seen: set[tuple[int, int]] = set()
    hits = 0
    for needle in needles:
        n = 0
        while n < len(texts) and hits < MAX_HITS:  # texts grows with decoded double-encoded literals
            text = texts[n]
            k = text.find(needle)
            if k >= 0:
                hits += 1
                inner = decode_enclosing_literal(text, k, budget) if _escaped(text, k) else None
                if inner is not None:
                    if inner not in texts:
                        texts.append(inner)
                else:
                    container = _climb(text, k, titles, budget)
                    if container is not None and (n, container[0]) not in seen:
                        seen.add((n, container[0]))
                        for cand in _walk(f"src{n}@{container[0]}", container[1], titles, budget):
                            _keep(found, cand)
            n += 1
    return _best(found)


def walk_documents(docs: Iterable[tuple[str, object]], titles: set[str], budget: Budget | None = None) -> list[Candidate]:
    """Candidate bodies in whole parsed documents (JSON-LD), longest first."""
    budget = budget or Budget()
    found: dict[str, Candidate] = {}
    for label, doc in docs:
        for cand in _walk(label, doc, titles, budget):
            _keep(found, cand)
    return _best(found)


def _keep(found: dict[str, Candidate], cand: Candidate) -> None:
    key = cand.plain[:200] + str(cand.words)
    if key not in found or (cand.near_title and not found[key].near_title):
        found[key] = cand


def _best(found: dict[str, Candidate]) -> list[Candidate]:
    return sorted(found.values(), key=lambda c: (-c.words, c.path))[:MAX_CANDIDATES]


def merge(*lists: list[Candidate]) -> list[Candidate]:
    """Candidates of several searches, deduplicated, longest first."""
    found: dict[str, Candidate] = {}
    for cands in lists:
        for c in cands:
            _keep(found, c)
    return _best(found)


def _climb(text: str, k: int, titles: set[str], budget: Budget) -> tuple[int, object] | None:
    """The outermost of the JSON containers enclosing ``text[k]`` found by decoding from the nearest
    opening brackets before it, climbing at most ``MAX_CLIMB_LEVELS`` levels, and stopping at an
    object that names the headline. ``(start, value)`` or None.

    >>> _climb('x = {"a": 1, "story": {"title": "Gold up", "body": "Gold rose 2%"}, "menu": [1]};', 60, {"gold up"}, Budget())
    (22, {'title': 'Gold up', 'body': 'Gold rose 2%'})
    """
    decoder = json.JSONDecoder(strict=False)
    brace, bracket = text.rfind("{", 0, k), text.rfind("[", 0, k)
    best = None
    attempts = levels = 0
    while attempts < MAX_CLIMB_ATTEMPTS and levels < MAX_CLIMB_LEVELS and budget.parse_chars > 0:
        j = max(brace, bracket)
        if j < 0:
            break
        if j == brace:
            brace = text.rfind("{", 0, j)
        else:
            bracket = text.rfind("[", 0, j)
        attempts += 1
        try:
            value, end = decoder.raw_decode(text, j)
        except (ValueError, RecursionError):
            budget.parse_chars -= k - j
            continue
        budget.parse_chars -= end - j
        if end <= k:  # a container before the hit, not around it
            continue
        best = (j, value)
        levels += 1
        if isinstance(value, dict) and titles and _names_title(value, titles):
            break
    return best


# --------------------------------------------------------------------------- walking JSON for bodies


def normalize_title(text: str) -> str:
    """Lower-cased words of a title, for comparing headlines across sources.

    >>> normalize_title("Bitcoin  Slides &amp; <b>Ether</b> Falls")
    'bitcoin slides ether falls'
    """
    return " ".join(_WORD.findall(htmllib.unescape(_ANY_TAG.sub(" ", text)).lower()))


def _loads(text: str, budget: Budget):
    """``json.loads`` within the budget; None when it does not parse (or the budget is spent)."""
    if len(text) > budget.parse_chars:
        budget.parse_chars = 0
        return None
    budget.parse_chars -= len(text)
    try:
        return json.loads(text, strict=False)
    except (ValueError, RecursionError):
        return None


def _path(chain) -> str:
    keys = []
    while chain is not None:
        chain, key = chain
        keys.append(key)
    return "".join(reversed(keys))


def _walk(label: str, root: object, titles: set[str], budget: Budget) -> Iterator[Candidate]:
    """Candidates in ``root``: long prose strings and lists of paragraph-like items (depth-first, bounded)."""
    lo = min(map(len, titles), default=0) * 0.8
    hi = max(map(len, titles), default=0) * 2 + 40
    # stack items: (value, path chain, depth, levels since an object naming the headline)
    stack: list[tuple[object, tuple | None, int, int]] = [(root, (None, label + ":"), 0, 99)]
    while stack:
        node, chain, depth, since_title = stack.pop()
        budget.nodes -= 1
        if budget.nodes <= 0:
            log.debug("embedded data: node budget spent")
            return
        if isinstance(node, dict):
            if titles and _names_title(node, titles, lo, hi):
                since_title = 0
            if depth < MAX_DEPTH:
                for k in reversed(list(node)):
                    stack.append((node[k], (chain, f".{k}"), depth + 1, since_title + 1))
        elif isinstance(node, list):
            if len(node) >= 2:
                cand = _list_candidate(node, chain, since_title <= 2)
                if cand:
                    yield cand
            if depth < MAX_DEPTH:
                for i in range(len(node) - 1, -1, -1):
                    stack.append((node[i], (chain, f"[{i}]"), depth + 1, since_title + 1))
        elif isinstance(node, str) and len(node) >= 200:
            s = node.strip()
            if s[:1] in "{[" and s[-1:] in "}]" and budget.nested > 0:
                budget.nested -= 1
                inner = _loads(s, budget)  # JSON double-encoded as a string
                if isinstance(inner, (dict, list)):
                    stack.append((inner, (chain, "(json)"), depth + 1, since_title))
                    continue
            cand = _string_candidate(s, chain, since_title <= 2)
            if cand:
                yield cand


def _names_title(node: dict, titles: set[str], lo: float = 0, hi: float = 10**9) -> bool:
    """The object holds one of the page's headlines as a value (or as a value of a direct child object)."""
    for v in node.values():
        if isinstance(v, dict):
            if any(isinstance(w, str) and lo <= len(w) <= hi and normalize_title(w) in titles for w in v.values()):
                return True
        elif isinstance(v, str) and lo <= len(v) <= hi and normalize_title(v) in titles:
            return True
    return False


def _string_candidate(s: str, chain, near_title: bool) -> Candidate | None:
    if _ESCAPED_HTML.search(s[:2000]):
        s = htmllib.unescape(s)
    is_html = bool(_HTML_TAG.search(s))
    plain = to_plain(s, is_html)
    words = _prose_words(plain)
    if words < MIN_BODY_WORDS:
        return None
    return Candidate(s, plain, _path(chain), is_html, words, near_title)


def _list_candidate(items: list, chain, near_title: bool) -> Candidate | None:
    """Paragraph-like items of a list (content elements, text blocks) joined as one body."""
    paras: list[str] = []
    for item in items[:5000]:
        text = _item_text(item, 0).strip()
        if len(text) > MAX_PARAGRAPH_CHARS:  # a whole story per item (a feed of articles), not paragraphs
            return None
        if text:
            paras.append(text)
    if len(paras) < 2:
        return None
    raw = "\n".join(f"<p>{p}</p>" for p in paras)
    plain = to_plain(raw, True)
    words = _prose_words(plain)
    if words < MIN_BODY_WORDS:
        return None
    return Candidate(raw, plain, _path(chain) + "[*]", True, words, near_title)


def _item_text(item: object, depth: int) -> str:
    """The running text of one list item: a string, or the text fields of an object (spans joined as they are)."""
    if isinstance(item, str):
        return item if " " in item.strip() else ""
    if not isinstance(item, dict) or depth > 3:
        return ""
    kind = next((str(item[k]).lower() for k in ("type", "_type", "kind", "__typename") if isinstance(item.get(k), str)), "")
    if kind in _SKIP_TYPES or any(isinstance(item.get(k), str) for k in _URL_KEYS):
        return ""
    parts: list[str] = []
    for key, value in item.items():
        if key in _TEXT_KEYS and isinstance(value, str):
            parts.append(value)
        elif key in _CHILD_KEYS and isinstance(value, list):
            parts.append("".join(_item_text(v, depth + 1) if not isinstance(v, str) else v for v in value[:500]))
    return "".join(parts)


def to_plain(s: str, is_html: bool) -> str:
    """A cheap plain-text reading of a candidate: block tags end lines, other tags vanish, entities decoded.

    >>> to_plain("<p>Ether <b>rose</b> 2%.</p><p>Bitcoin&nbsp;fell.</p>", True)
    'Ether rose 2%.\\nBitcoin fell.'
    """
    if is_html:
        s = _ANY_TAG.sub(lambda m: "\n" if _BLOCK_TAG.match(m.group(0)) else "", s)
    s = htmllib.unescape(s)
    lines = (_SPACE.sub(" ", line).strip() for line in s.split("\n"))
    return "\n".join(line for line in lines if line)


def _prose_words(plain: str) -> int:
    """Words of running prose in ``plain``; 0 when it does not read as prose (code, lists of tags, URLs, ids).

    >>> _prose_words("Bitcoin fell 3% on Monday. Traders sold. " * 10)
    70
    >>> _prose_words("bitcoin,ether,etf,markets,crypto " * 30), _prose_words("https://x.test/a/b?c=1 " * 50)
    (0, 0)
    """
    words = plain.split()
    n = len(words)
    if n < MIN_BODY_WORDS:
        return 0
    letters = len(plain) - len(_LETTER.sub("", plain))
    visible = len(plain) - plain.count(" ") - plain.count("\n")
    if visible == 0 or letters / visible < 0.65:
        return 0
    if sum(plain.count(c) for c in "/={_") > 0.1 * n:  # paths, assignments, braces, identifiers
        return 0
    if len(_SENTENCE_END.findall(plain)) < max(2, n // 60):
        return 0
    mean = visible / n
    if not 2.5 <= mean <= 12:
        return 0
    return n


# --------------------------------------------------------------------------- agreement with the visible page


def shingles(text: str, k: int = 4) -> set[int]:
    """Hashes of the runs of ``k`` consecutive lower-cased words of ``text``."""
    w = _WORD.findall(text.lower())
    if len(w) < k:
        return {hash(tuple(w))} if w else set()
    return {hash(tuple(w[i : i + k])) for i in range(len(w) - k + 1)}


def lead_paragraphs(visible: str, limit: int = 8, min_words: int = 12) -> list[str]:
    """The first ``limit`` paragraphs of the visible text that are long enough to identify an article."""
    out = []
    for line in visible.split("\n"):
        if len(line.split()) >= min_words:
            out.append(line)
            if len(out) == limit:
                break
    return out


def support(candidate: Candidate, leads: list[str], visible_sh: set[int], share: float = 0.6) -> int:
    """How well the candidate agrees with the visible lead: the number of visible lead paragraphs it
    contains (``share`` of their word runs), plus one when its own opening (first 40 words) is
    visible (``visible_sh``: the word runs of the visible text)."""
    cand = shingles(candidate.plain)
    count = 0
    for para in leads:
        sh = shingles(para)
        if sh and len(sh & cand) >= share * len(sh):
            count += 1
    opening = shingles(" ".join(candidate.plain.split()[:40]))
    if opening and len(opening & visible_sh) >= share * len(opening):
        count += 1
    return count


def choose(cands: list[Candidate], visible: str) -> Candidate | None:
    """The longest candidate that agrees with the visible page.

    It agrees when it contains one of the visible lead paragraphs or its opening is visible, or, when the visible page shows at
    most two such paragraphs (a teaser, an app shell), when it sits next to the page's headline.
    """
    if not cands:
        return None
    leads = lead_paragraphs(visible)
    visible_sh = shingles(visible)
    for cand in cands:  # longest first
        if support(cand, leads, visible_sh) >= 1:
            return cand
        if cand.near_title and len(leads) <= 2:
            return cand
    return None
