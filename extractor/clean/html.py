"""HTML pages and fragments -> text + metadata, through trafilatura (configured once)."""
from __future__ import annotations

import logging
import re
from functools import lru_cache
from html.parser import HTMLParser

from extractor.clean.meta import Meta, _optional_date
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


def html_to_text(html: str) -> tuple[str, Meta, list[str]]:
    """Main text, metadata and warnings of an HTML page or fragment.

    Comments, scripts, styles, navigation and boilerplate are dropped by trafilatura;
    no network access is made (trafilatura only fetches when given a URL to fetch).
    """
    import trafilatura  # heavy import, only on the HTML path

    try:
        doc = trafilatura.bare_extraction(
            strip_hidden(html),
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            favor_recall=True,
            with_metadata=True,
            date_extraction_params=_DATE_PARAMS,
        )
    except Exception as exc:  # trafilatura/lxml raise many types on broken markup
        raise InputError(f"HTML could not be parsed: {type(exc).__name__}: {exc}") from None
    text = (doc.text or "") if doc is not None else ""
    meta = Meta() if doc is None else Meta(
        url=doc.url or None,
        title=doc.title or None,
        published=_optional_date(doc.date, "HTML metadata"),
    )
    warnings: list[str] = []
    if not text.strip():
        # lxml gives up on very deep nesting (libxml2 depth limit) and trafilatura then
        # finds nothing: fall back to a flat, tag-stripping reading of the markup.
        text = fallback_text(html)
        if text.strip():
            warnings.append("main text not found by trafilatura: used plain tag stripping")
        else:
            warnings.append("no article text found in the HTML")
    return text, meta, warnings


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


def strip_hidden(html: str) -> str:
    """``html`` without comments, processing instructions and elements that never hold article text.

    The markup is re-serialized by lxml (no network, no entity loading); if it cannot be
    parsed at all the input is returned unchanged and trafilatura/the fallback decide.

    >>> strip_hidden("<html><body><p>Ether rose</p><iframe>ad</iframe><!-- c --><template>t</template></body></html>")
    '<html><body><p>Ether rose</p></body></html>'
    """
    from lxml import etree
    from lxml import html as lhtml

    try:
        tree = lhtml.document_fromstring(html.encode("utf-8", "replace"), parser=_safe_parser())
    except (etree.ParserError, ValueError) as exc:
        log.debug("strip_hidden: markup not parsed (%s); left as is", exc)
        return html
    etree.strip_elements(tree, *_HIDDEN_TAGS, with_tail=False)
    return lhtml.tostring(tree, encoding="unicode")


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
