"""Which outlet published an article: shared by review, chart and consensus.

``outlet(url, source)`` names the outlet of one record; ``article_outlets`` the outlets of an
article read from several sources (paths or URLs; see ``extractor.store``).
"""
from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from pathlib import PurePath
from urllib.parse import urlsplit

# Second-level labels under a two-letter country code that are not an outlet's own name
# ("bbc.co.uk", "smh.com.au"): the outlet keeps three labels there.
_COUNTRY_SECOND_LEVEL = {"co", "com", "net", "org", "gov", "ac", "edu", "ne", "or", "go"}


def outlet(url: str | None, source: str | None) -> str | None:
    """The outlet of an article: its URL's registered domain when the URL is known, else the name of
    the folder its file was read from; ``None`` when neither tells.

    The domain drops subdomains (``wire.example-news.test`` and ``www.example-news.test`` are one
    outlet) but keeps a country's second level (``news.bbc.co.uk`` -> ``bbc.co.uk``).

    >>> outlet("https://www.Reuters.com/markets/x", "a/b.txt")
    'reuters.com'
    >>> outlet("https://wire.example-news.test/markets/x", None)
    'example-news.test'
    >>> outlet("https://news.bbc.co.uk/x", None), outlet("http://127.0.0.1:8000/x", None)
    ('bbc.co.uk', '127.0.0.1')
    >>> outlet(None, "/data/news/coindesk/2026-02-04-btc.html"), outlet("", "story.txt"), outlet(None, None)
    ('coindesk', None, None)
    >>> outlet(None, "https://www.example.test/a/b")
    'example.test'
    """
    if not url and source and source.lower().startswith(("http://", "https://")):
        url = source  # an article read from a URL: that URL is where it was published
    host = (urlsplit(url).hostname or "") if url else ""
    host = host.strip(".").lower()
    if host:
        try:
            ipaddress.ip_address(host)
            return host
        except ValueError:
            pass
        labels = host.split(".")
        keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _COUNTRY_SECOND_LEVEL else 2
        return ".".join(labels[-keep:])
    if source:
        parent = PurePath(source).parent.name
        return parent or None
    return None


def article_outlets(url: str | None, source: str, file_hash: str | None, sources: Iterable[tuple[str, str | None]]) -> list[str]:
    """Every outlet that carried an article, sorted: the outlet of its stored record (``url`` and
    ``source``, the record's file hash ``file_hash``) and that of each of its ``sources``
    (``(source, file_hash)`` pairs).

    The database keeps the URL of the stored record only. A source with the record's file hash
    (the same bytes and sidecar: a copied or moved file) is the record's outlet; another source is
    named by its own URL when it is one, else by its folder.

    >>> article_outlets("https://www.alpha.test/x", "/news/a/story.txt", "h1",
    ...                 [("/news/a/story.txt", "h1"), ("/mirror/story.txt", "h1"), ("/news/delta/story.txt", "h2"),
    ...                  ("https://wire.beta.test/s", None), ("story.txt", "h3")])
    ['alpha.test', 'beta.test', 'delta']
    """
    own = outlet(url, source)
    found = {own} if own else set()
    for src, fh in sources:
        o = own if src == source or (fh is not None and fh == file_hash) else outlet(None, src)
        if o:
            found.add(o)
    return sorted(found)
