"""HTML pages and fragments -> text + metadata, through trafilatura (configured once)."""
from __future__ import annotations

import copy
import logging
import re
from collections import Counter
from functools import lru_cache
from html.parser import HTMLParser

from extractor.clean import embedded
from extractor.clean.embedded import normalize_title
from extractor.clean.meta import Meta, _optional_date
from extractor.clean.page import (
    PAYWALL_TEXT,
    PageInfo,
    article_objects,
    json_ld,
    not_free,
    page_meta,
    read_page,
    read_scripts,
    remove_paywall_prompts,
)
from extractor.errors import InputError

log = logging.getLogger(__name__)

# Only metadata dates: htmldate's extensive search guesses from body text
# ("2024 election" -> 2024-01-01), and a guess is worse than null.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
_HTML_HINT = re.compile(
    r"""
    <\s*(?:!doctype|html|head|body|p|div|article|span|h[1-6]|ul|li|a|br|table|section|figure|img   # structure
       |script|style|iframe|noscript|template|title|meta|b|i|em|strong|td|tr)\b                     # hidden and inline
    | <!--                                                                                             # a comment
    """,
    re.I | re.VERBOSE,
)


def looks_like_html(text: str) -> bool:
    """True when ``text`` carries HTML markup (used when the file name does not say).

    >>> looks_like_html("<p>Bitcoin <b>rose</b></p>")
    True
    >>> looks_like_html("Bitcoin < $70K and ETH > $2K")
    False
    >>> looks_like_html("<b>Ether rose 2%.<script>track()</script>"), looks_like_html("Ether <!-- x --> rose")
    (True, True)
    """
    return bool(_HTML_HINT.search(text[:5000]))


def html_to_text(html: str, *, need_date: bool = True) -> tuple[str, Meta, list[str]]:
    """Main text, metadata and warnings of an HTML page or fragment.

    Comments, scripts, styles, navigation and boilerplate are dropped by trafilatura; no network
    access is made (trafilatura only fetches when given a URL to fetch). Before that, the page's
    structured data is read (``page``, ``embedded``): when it carries the article and the visible
    HTML holds only part of it (a teaser, an app shell), the embedded body is cleaned the same way
    and used instead. Title: the visible headline; dates: JSON-LD, then meta tags, then htmldate
    (skipped when ``need_date`` is false: the caller already knows the publication date).
    """
    tree = parse_html(html)
    info = PageInfo()
    sources: list[tuple[str, str]] = []
    markup = html
    if tree is not None:
        sources = read_scripts(tree)  # before scripts go: the embedded JSON lives there
        _strip_hidden_tree(tree)
        lift_captions(tree)
        remove_paywall_prompts(tree, info)
        read_page(tree, info)
        markup = copy.deepcopy(tree)  # trafilatura edits the tree it is given; ours is read again below
    fragment = _FULL_PAGE.search(html) is None
    doc = _trafilatura(markup, favor_recall=fragment)
    visible = (doc.text or "") if doc is not None else ""
    warnings: list[str] = []
    if not visible.strip():
        # lxml gives up on very deep nesting (libxml2 depth limit) and trafilatura then
        # finds nothing: fall back to a flat, tag-stripping reading of the markup.
        visible = fallback_text(html)
        if visible.strip():
            warnings.append("main text not found by trafilatura: used plain tag stripping")
    elif tree is not None:
        visible = restore_headings(tree, visible)
    visible = drop_label_lines(visible)

    ld_docs = json_ld(sources)
    ld = article_objects(ld_docs)
    found, refs = page_meta(info, ld)
    headline = choose_headline(info, refs, ld)
    titles = {normalize_title(t) for t in (headline, *refs, *(title_core(r) for r in refs)) if t}
    titles.discard("")
    text, used = visible, None
    best = find_embedded_body(sources, ld_docs, visible, [t for t in (headline, *refs[:2]) if t], titles)
    if best is not None:
        body = clean_embedded(best)
        if holds_more(body, visible):
            text, used = body, best
            log.debug("article body read from embedded data at %s (%d words)", best.path, best.words)
        elif tree is not None:
            text = prune_with_body(visible, best.plain, _heading_texts(tree))
    if used is not None:  # the text is the page's own article body, not a fallback reading
        warnings = [w for w in warnings if not w.startswith("main text not found")]
    if not text.strip():
        warnings.append("no article text found in the HTML")
    warnings += teaser_warnings(text, info, ld, used)
    url = found.url or info.canonical
    published = found.published
    if published is None and tree is not None and need_date:
        published = _htmldate(tree, url)
    meta = Meta(url=url, title=headline or _fallback_title(refs, info), published=published, modified=found.modified)
    return text, meta, warnings


def _htmldate(tree, url: str | None) -> str | None:
    """htmldate's reading of the page's date (metadata only, no guessing from the text), as trafilatura would."""
    from htmldate import find_date

    try:
        found = find_date(tree, url=url, **_DATE_PARAMS)
    except Exception as exc:  # htmldate raises on odd markup; a missing date is a warning downstream
        log.debug("htmldate failed: %s", exc)
        return None
    return _optional_date(found, "HTML metadata")


def _fallback_title(refs: list[str], info: PageInfo) -> str | None:
    """The page's stated title when no headline is visible: JSON-LD headline, og:title, then ``<title>`` without the site name."""
    for r in refs:
        if r != info.html_title:
            return r
    return title_core(info.html_title) if info.html_title else None


def find_embedded_body(sources, ld_docs, visible: str, headlines: list[str], titles: set[str]) -> embedded.Candidate | None:
    """The article body the page's data carries, if one agrees with the visible page (``embedded.choose``).

    JSON-LD is walked whole (it is small); the other scripts are searched for snippets of the visible
    lead and of the headline, and only the JSON around those places is decoded.
    """
    budget = embedded.Budget()
    leads = embedded.lead_paragraphs(visible, limit=4)
    needles = embedded.snippets(leads) + embedded.snippets(headlines, per_paragraph=2, words=4)
    cands = embedded.walk_documents(ld_docs, titles, budget)
    if needles:
        texts = [t for k, t in sources if k != "ld"]
        cands = embedded.merge(cands, embedded.find_candidates(texts, needles, titles, budget))
    return embedded.choose(cands, visible)


_FULL_PAGE = re.compile(r"<\s*(?:html|body)\b", re.I)


def _trafilatura(markup, *, favor_recall: bool, fast: bool = False):
    """trafilatura's reading of ``markup`` (a page, or a fragment: then ``favor_recall``); None when it finds nothing.

    A full page is read with trafilatura's defaults (precision: menus, tickers and bylines stay out);
    a fragment is all article, so recall is favoured (lists, short paragraphs). ``fast`` skips the
    comparison with trafilatura's fallback extractors (for a fragment already known to be the article).
    """
    import trafilatura  # heavy import, only on the HTML path

    try:
        return trafilatura.bare_extraction(
            markup,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            favor_recall=favor_recall,
            fast=fast,
            with_metadata=False,  # read by page.py and htmldate, once
        )
    except Exception as exc:  # trafilatura/lxml raise many types on broken markup
        raise InputError(f"HTML could not be parsed: {type(exc).__name__}: {exc}") from None


_LABEL_LINE = re.compile(
    r"""^[ \t]*(?:read\ (?:more|also|next)|see\ also|also\ read|related(?:\ (?:articles?|stories|coverage|content))?|more\ on\ this|recommended|most\ read)[ \t]*:""",
    re.I | re.X | re.M,
)


# Words a label line or a subscription prompt holds (cheap tests before the regexes).
_LABEL_CUES = ("read more", "read also", "read next", "see also", "also read", "related", "more on this", "recommended", "most read")
_PROMPT_CUES = ("subscri", "already a", "already have", "reading with", "register to", "unlock this", "continue reading", "members")


def drop_label_lines(text: str) -> str:
    """``text`` without short lines that link elsewhere ("Read more: ...", "Related: ...") or are
    subscription prompts ("Already a subscriber? Sign in").

    >>> drop_label_lines("Gold rose 2%.\\nRead more: Why gold rallies\\nAlready a subscriber? Sign in\\nSilver fell.")
    'Gold rose 2%.\\nSilver fell.'
    """
    low = text.lower()
    labels = ":" in low and any(cue in low for cue in _LABEL_CUES) and _LABEL_LINE.search(text) is not None
    prompts = any(cue in low for cue in _PROMPT_CUES) and PAYWALL_TEXT.search(text) is not None
    if not (labels or prompts):
        return text
    return "\n".join(
        line for line in text.split("\n")
        if not (len(line.split()) <= 25 and ((labels and _LABEL_LINE.search(line)) or (prompts and PAYWALL_TEXT.search(line))))
    )


def prune_with_body(visible: str, body: str, headings: set[str]) -> str:
    """Drop the visible lines the page's own article body does not contain (promos, bios, notes).

    Only when the body is wholly visible (nine in ten of its word runs) and is not a fragment of the
    visible text (at least 60% of its words): a truncated or partial body changes nothing. Headings stay.

    >>> body = "Gold rose 2% on Monday as the dollar fell to a two-week low against the yen.\\nSilver gained 3% to $33 an ounce."
    >>> prune_with_body("Gold rose 2% on Monday as the dollar fell to a two-week low against the yen.\\nSign up for our newsletter today.\\nSilver gained 3% to $33 an ounce.", body, set())
    'Gold rose 2% on Monday as the dollar fell to a two-week low against the yen.\\nSilver gained 3% to $33 an ounce.'
    """
    body_sh = _line_shingles(body)
    if not body_sh or len(body.split()) < 0.6 * len(visible.split()):
        return visible
    if len(body_sh & _line_shingles(visible)) < 0.9 * len(body_sh):
        return visible
    flat = " ".join(normalize_title(body).split())

    def contained(line: str) -> bool:
        words = normalize_title(line).split()
        if len(words) < 6:
            return " ".join(words) in flat
        sh = embedded.shingles(line)
        return len(sh & body_sh) >= 0.5 * len(sh)

    kept = [line for line in visible.split("\n") if not line.strip() or _WS.sub(" ", line).strip() in headings or contained(line)]
    return "\n".join(kept)


def _line_shingles(text: str) -> set[int]:
    """Word runs of each line (none across a line break: paragraphs may come in another order or with others between)."""
    out: set[int] = set()
    for line in text.split("\n"):
        out |= embedded.shingles(line)
    return out


def _heading_texts(tree) -> set[str]:
    return {_WS.sub(" ", h.text_content()).strip() for h in tree.iter(*_HEADINGS)}


_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
_WS = re.compile(r"\s+")


def restore_headings(tree, text: str) -> str:
    """Put back the subheadings trafilatura dropped between two paragraphs it kept.

    A heading (``h2``-``h6``) is restored when the elements right before and after it are
    consecutive lines of the extracted text; nothing else is added.
    """
    where: dict[str, int] | None = None
    inserts: dict[int, list[str]] = {}
    for h in tree.iter(*_HEADINGS):
        t = _WS.sub(" ", h.text_content()).strip()
        if not t or len(t) > 200 or t in text:
            continue
        if where is None:
            where = {_WS.sub(" ", line).strip(): i for i, line in enumerate(text.split("\n"))}
        before, after = _sibling_text(h, -1), _sibling_text(h, 1)
        if before in where and after in where and where[after] == where[before] + 1:
            inserts.setdefault(where[after], []).append(t)
    if not inserts:
        return text
    out: list[str] = []
    for i, line in enumerate(text.split("\n")):
        out += inserts.get(i, [])
        out.append(line)
    return "\n".join(out)


def _sibling_text(el, step: int) -> str | None:
    """The text of the nearest sibling element before (``step`` -1) or after (+1) ``el`` that has text."""
    for _ in range(3):
        el = el.getprevious() if step < 0 else el.getnext()
        if el is None:
            return None
        parts, size = [], 0
        for piece in el.itertext():  # a paragraph, not a container: give up past 5,000 characters
            parts.append(piece)
            size += len(piece)
            if size > 5000:
                return None
        t = _WS.sub(" ", "".join(parts)).strip()
        if t:
            return t
    return None


def clean_embedded(cand: embedded.Candidate) -> str:
    """The text of an embedded body, cleaned like a page (trafilatura on the fragment).

    When trafilatura keeps less than 80% of the fragment's words (it judged short items boilerplate),
    the plain reading of the fragment is used: the data already names this as the article body.
    """
    if not cand.is_html:
        return cand.plain
    doc = _trafilatura(f"<html><body><article>{cand.raw}</article></body></html>", favor_recall=True, fast=True)
    text = (doc.text or "") if doc is not None else ""
    if len(text.split()) < 0.8 * len(cand.plain.split()):
        return cand.plain
    return text


_TOKEN = re.compile(r"\w+")


def holds_more(body: str, visible: str) -> bool:
    """True when ``body`` holds substantially more of the article than ``visible``: at least 25 of its
    words, and a fifth of them, are not in the visible text (counted as bags of words), and it is at
    least a third as long as the visible text (a consent notice or a caption that happens to repeat a
    visible line is not the article).

    >>> holds_more("Gold rose 2% on Monday. " * 20, "Gold rose 2% on Monday.")
    True
    >>> holds_more("Gold rose 2% on Monday.", "Menu. Gold rose 2% on Monday. Footer.")
    False
    >>> holds_more("We use cookies to improve your experience. " * 10, "We use cookies to improve your experience. " + "Gold rose 2%. " * 100)
    False
    """
    b = Counter(_TOKEN.findall(body.lower()))
    v = Counter(_TOKEN.findall(visible.lower()))
    n = sum(b.values())
    if 3 * n < sum(v.values()):
        return False
    return sum((b - v).values()) >= max(25, 0.2 * n)


def title_core(title: str, sites: set[str] | frozenset[str] = frozenset()) -> str:
    """A title without the site's name ("Headline | Site" -> "Headline").

    The title is split at separators (" | ", " - ", " – ", " · " ...); parts naming the site
    (``sites``, normalized) go, or else the last part (where sites put their name); the longest
    remaining part is the headline.

    >>> title_core("Gold hits a record - Quaystone Finance"), title_core("Quaystone | Gold hits a record", {"quaystone"})
    ('Gold hits a record', 'Gold hits a record')
    """
    parts = [p.strip() for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    if len(parts) > 1:
        rest = [p for p in parts if normalize_title(p) not in sites]
        parts = rest if 0 < len(rest) < len(parts) else parts[:-1]
    return max(parts, key=len) if parts else title


_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—·•:]{1,2}\s+")


def _agree(a: str, b: str) -> bool:
    """Two titles name the same story: most of their words are shared."""
    x, y = set(normalize_title(a).split()), set(normalize_title(b).split())
    return bool(x and y) and len(x & y) >= 0.6 * max(len(x), len(y))


def choose_headline(info: PageInfo, refs: list[str], ld: list[dict]) -> str | None:
    """The page's visible headline.

    In order: an ``<h1>`` inside ``<article>``/``<main>`` that agrees with the JSON-LD headline,
    og:title or ``<title>``; the first ``<h1>`` inside the article; an ``<h1>`` elsewhere that agrees;
    a lone ``<h1>`` that is not the site's name. None when no ``<h1>`` qualifies.
    """
    sites = {normalize_title(s) for s in _site_names(info, ld)}
    cores = [title_core(r, sites) for r in refs]

    def agrees(h: str) -> bool:
        return normalize_title(h) not in sites and any(_agree(h, c) for c in (*refs, *cores))

    inside = [h for h, i in info.headings if i]
    outside = [h for h, i in info.headings if not i]
    for h in inside:
        if agrees(h):
            return h
    if inside:
        return inside[0]
    for h in outside:
        if agrees(h):
            return h
    if len(outside) == 1 and normalize_title(outside[0]) not in sites:
        return outside[0]
    return None


def _site_names(info: PageInfo, ld: list[dict]) -> list[str]:
    """The site's name as the page gives it: og:site_name, the JSON-LD publisher, the part of
    ``<title>`` after its last separator."""
    names = [info.meta.get("og:site_name", ""), info.meta.get("application-name", "")]
    for o in ld:
        pub = o.get("publisher")
        if isinstance(pub, dict) and isinstance(pub.get("name"), str):
            names.append(pub["name"])
    if info.html_title:
        parts = [p.strip() for p in _TITLE_SEPARATORS.split(info.html_title) if p.strip()]
        if len(parts) > 1:
            names.append(parts[-1])
    return [n for n in names if n]


TEASER_WORDS = 400  # a paywalled page whose kept text is shorter than this is taken as a teaser


def teaser_warnings(text: str, info: PageInfo, ld: list[dict], used: embedded.Candidate | None) -> list[str]:
    """A warning when the kept text is probably only the start of the article.

    Signals: a subscription prompt on the page, an article marked not free (JSON-LD
    ``isAccessibleForFree: false``, ``article:content_tier``), or kept text that is small next to
    the page's text. None when the body came from the page's embedded data (it is the whole article).
    """
    if used is not None:
        return []
    words = len(text.split())
    reasons = list(info.paywall)
    if not_free(ld):
        reasons.append("isAccessibleForFree: false")
    if reasons and (info.prompts_removed or words < TEASER_WORDS):
        return [f"possible teaser: the page signals a paywall ({'; '.join(reasons)}); kept {words} words"]
    if info.page_words >= 300 and words < 150 and words < 0.1 * info.page_words:
        return [f"possible teaser: kept {words} words of a page with {info.page_words} words of text"]
    return []


# Elements whose content is never article text: removed before trafilatura sees the page
# (it keeps the text of iframes, noscript, templates, form controls ...).
_HIDDEN_TAGS = (
    "script", "style", "iframe", "frame", "frameset", "noframes", "noscript", "template", "object", "embed",
    "applet", "canvas", "svg", "math", "textarea", "select", "button", "xmp", "plaintext", "audio", "video",
    "map", "dialog",
)


@lru_cache(maxsize=1)
def _safe_parser():
    """An lxml HTML parser that never touches the network and keeps no comments or processing instructions."""
    from lxml import html as lhtml

    return lhtml.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, default_doctype=False, collect_ids=False
    )


def parse_html(html: str):
    """The lxml tree of ``html`` (no network, no entity loading), or None when it cannot be parsed at all."""
    from lxml import etree
    from lxml import html as lhtml

    try:
        return lhtml.document_fromstring(html.encode("utf-8", "replace"), parser=_safe_parser())
    except (etree.ParserError, ValueError) as exc:
        log.debug("markup not parsed (%s); left as is", exc)
        return None


def _strip_hidden_tree(tree) -> None:
    from lxml import etree

    etree.strip_elements(tree, *_HIDDEN_TAGS, with_tail=False)


def lift_captions(tree) -> None:
    """A table's caption as a paragraph right before the table: trafilatura writes it as the table's
    first row, over the header row, so the table reads as headed by its caption.

    >>> from lxml import html as lhtml
    >>> t = lhtml.fromstring("<div><table><caption>Top coins</caption><tr><th>Token</th></tr></table></div>")
    >>> lift_captions(t); lhtml.tostring(t, encoding="unicode")
    '<div><p>Top coins</p><table><tr><th>Token</th></tr></table></div>'
    """
    for caption in tree.iter("caption"):
        table = caption.getparent()
        if table is None or table.getparent() is None:
            continue
        p = caption.makeelement("p")
        p.text = caption.text_content().strip()
        table.addprevious(p)
    for caption in list(tree.iter("caption")):
        parent = caption.getparent()
        if parent is not None:
            parent.remove(caption)


def _serialize(tree) -> str:
    from lxml import html as lhtml

    return lhtml.tostring(tree, encoding="unicode")


def strip_hidden(html: str) -> str:
    """``html`` without comments, processing instructions and elements that never hold article text.

    The markup is re-serialized by lxml (no network, no entity loading); if it cannot be
    parsed at all the input is returned unchanged and trafilatura/the fallback decide.

    >>> strip_hidden("<html><body><p>Ether rose</p><iframe>ad</iframe><!-- c --><template>t</template></body></html>")
    '<html><body><p>Ether rose</p></body></html>'
    """
    tree = parse_html(html)
    if tree is None:
        return html
    _strip_hidden_tree(tree)
    return _serialize(tree)


# Elements whose content is never article text (kept out of the fallback reading).
_SKIP_TAGS = frozenset({*_HIDDEN_TAGS, "head", "nav", "footer"} - {"embed"})  # embed is void: it never closes
# Elements that end a line of text.
_BLOCK_TAGS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "article", "section", "blockquote", "pre", "table", "ul", "ol", "dd", "dt", "figcaption", "header", "main", "aside"})


class _FlatText(HTMLParser):
    """Text of an HTML document by events (no tree, so no depth limit); comments and skipped elements dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip: list[str] = []  # open skipped elements

    def handle_starttag(self, tag, attrs):
        if tag == "body":  # an unclosed <head> (or other skipped element) ends where the body starts
            self.skip.clear()
        if tag in _SKIP_TAGS:
            self.skip.append(tag)
        elif tag in _BLOCK_TAGS:
            self._newline()

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self._newline()

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS:
            if tag in self.skip:  # close up to the matching open element (tolerates bad nesting)
                del self.skip[len(self.skip) - 1 - self.skip[::-1].index(tag):]
        elif tag in _BLOCK_TAGS:
            self._newline()

    def _newline(self) -> None:
        if self.parts and self.parts[-1] != "\n" and not self.skip:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def fallback_text(html: str) -> str:
    """Visible text of ``html`` by flat tag stripping: no scripts, styles, iframes or comments; blocks end lines.

    >>> fallback_text("<div>" * 3000 + "<p>Ether rose</p><script>x=1</script><!-- c --><p>ok</p>" + "</div>" * 3000)
    'Ether rose\\nok\\n'
    >>> fallback_text("<style>p{}</style><iframe>framed</iframe>body")
    'body'
    >>> fallback_text("<html><head><title>T</title><body><p>Unclosed head, text kept</p>")
    'Unclosed head, text kept\\n'
    """
    parser = _FlatText()
    try:
        parser.feed(html)
        parser.close()
    except Exception as exc:  # html.parser is lenient; never let a parse problem escape as a crash
        log.warning("fallback HTML reading stopped early: %s", exc)
    return "".join(parser.parts)
