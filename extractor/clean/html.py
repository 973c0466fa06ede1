"""HTML pages and fragments -> text + metadata, through trafilatura (configured once)."""
from __future__ import annotations

import logging
import re

from extractor.clean.meta import Meta, _optional_date
from extractor.errors import InputError

log = logging.getLogger(__name__)

# Only metadata dates: htmldate's extensive search guesses from body text
# ("2024 election" -> 2024-01-01), and a guess is worse than null.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
_HTML_HINT = re.compile(r"<\s*(?:!doctype|html|head|body|p|div|article|span|h[1-6]|ul|li|a|br|table|section|figure|img)\b", re.I)


def looks_like_html(text: str) -> bool:
    """True when ``text`` carries HTML markup (used when the file name does not say).

    >>> looks_like_html("<p>Bitcoin <b>rose</b></p>")
    True
    >>> looks_like_html("Bitcoin < $70K and ETH > $2K")
    False
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
            html,
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
    if doc is None:
        return "", Meta(), ["no article text found in the HTML"]
    text = doc.text or ""
    meta = Meta(
        url=doc.url or None,
        title=doc.title or None,
        published=_optional_date(doc.date, "HTML metadata"),
    )
    warnings = [] if text.strip() else ["no article text found in the HTML"]
    return text, meta, warnings
