"""What a parsed HTML page says about its article besides the main text.

Read from the lxml tree before trafilatura sees it (its cleaning drops every ``<script>``): the JSON
sources for embedded bodies, the JSON-LD article objects, meta tags, the visible headline candidates,
paywall signals and the amount of text on the page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.clean.meta import Meta, _optional_date

_JS_TYPES = frozenset({"", "text/javascript", "application/javascript", "module", "text/ecmascript", "application/ecmascript", "application/x-javascript"})
_ARTICLE_CONTAINERS = frozenset({"article", "main"})
_WS = re.compile(r"\s+")

# Class or id of an element that holds a subscription prompt or a paywall.
_PAYWALL_ATTR = re.compile(
    r"""pay-?wall|reg-?wall|piano|tp-(?:modal|container)|meter(?:ed)?[-_]?(?:wall|prompt|box|gate)
      |premium[-_]?(?:gate|wall|lock|block)|subscri(?:ber|ption|be)[-_]?(?:wall|only|gate|prompt|required)
      |article[-_]?locked|locked[-_]?(?:content|article)|content[-_]?gate""",
    re.I | re.X,
)
# Sentences of subscription prompts (a short line made of one of them is not article text).
PAYWALL_TEXT = re.compile(
    r"""subscribe\ (?:now\ |today\ )?to\ (?:continue|keep)\ reading
      | (?:this|the\ full)\ (?:article|story)\ is\ (?:available\ )?(?:only\ )?(?:for|to)\ (?:\w+\ ){0,3}(?:subscribers|members)
      | subscribe\ to\ (?:read|unlock)\ (?:the\ full|this|the\ rest)
      | already\ (?:a\ subscriber|a\ member|have\ an\ account)\??\s*(?:sign|log)\ in
      | (?:keep|continue)\ reading\ with\ a\ (?:free\ )?(?:account|subscription)
      | register\ to\ (?:read|continue)
      | unlock\ this\ (?:article|story)
      | to\ continue\ reading,?\ (?:please\ )?(?:subscribe|sign\ in|log\ in|register)""",
    re.I | re.X,
)
_NOT_FREE_TIERS = frozenset({"locked", "metered", "premium", "subscriber", "subscription", "paid"})
_ARTICLE_TYPES = re.compile(r"(?:Article|BlogPosting|Report)$")


@dataclass
class PageInfo:
    """Everything read from the page tree (see the module docstring)."""

    headings: list[tuple[str, bool]] = field(default_factory=list)  # visible <h1> texts, (text, inside article/main)
    meta: dict[str, str] = field(default_factory=dict)  # meta property/name/itemprop (lower-cased) -> content, first wins
    html_title: str | None = None
    canonical: str | None = None  # <link rel="canonical">
    paywall: list[str] = field(default_factory=list)  # why the page looks paywalled
    prompts_removed: int = 0
    page_words: int = 0


def read_scripts(tree) -> list[tuple[str, str]]:
    """JSON and inline-JavaScript sources of the page as ``(kind, text)``, in document order (scripts,
    then attributes holding JSON); kind is ``"ld"`` (JSON-LD), ``"json"`` or ``"js"``."""
    out: list[tuple[str, str]] = []
    for el in tree.iter("script"):
        text = el.text or ""
        if len(text) < 20:
            continue
        kind = (el.get("type") or "").strip().lower()
        if "ld+json" in kind:
            out.append(("ld", text))
        elif "json" in kind:
            out.append(("json", text))
        elif kind in _JS_TYPES:
            out.append(("js", text))
    for value in tree.xpath('//@*[starts-with(., "{") or starts-with(., "[")]'):
        if len(value) >= 200:
            out.append(("json", str(value)))
    return out


_LOWER = "translate(concat(@class, ' ', @id), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
# Elements whose class or id holds a word of _PAYWALL_ATTR (found in C; the regex then decides).
_PAYWALL_XPATH = "//*[@class or @id][" + " or ".join(
    f"contains({_LOWER}, '{w}')" for w in ("wall", "piano", "tp-", "meter", "premium", "subscri", "lock", "gate")
) + "]"


def remove_paywall_prompts(tree, info: PageInfo) -> None:
    """Drop subscription prompts (an element marked as a paywall that asks to subscribe or sign in) and note them."""
    doomed = []
    for el in tree.xpath(_PAYWALL_XPATH):
        marks = (el.get("class") or "") + " " + (el.get("id") or "")
        if not _PAYWALL_ATTR.search(marks):
            continue
        text = _WS.sub(" ", el.text_content())
        if len(text.split()) <= 150 and PAYWALL_TEXT.search(text):
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()
            info.prompts_removed += 1
    if info.prompts_removed:
        info.paywall.append("a subscription prompt")


def read_page(tree, info: PageInfo | None = None) -> PageInfo:
    """Headings, meta tags, title and page size of a tree whose hidden elements are already removed
    (into ``info`` when given)."""
    info = info if info is not None else PageInfo()
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        content = el.get("content")
        if key and content and key not in info.meta:
            info.meta[key] = content.strip()
    for el in tree.iter("link"):
        if (el.get("rel") or "").strip().lower() == "canonical" and el.get("href"):
            info.canonical = el.get("href").strip()
            break
    title = tree.find(".//title")
    if title is not None and title.text:
        info.html_title = _WS.sub(" ", title.text).strip() or None
    for h in tree.iter("h1"):
        text = _WS.sub(" ", h.text_content()).strip()
        if 3 <= len(text) <= 300:
            inside = any(a.tag in _ARTICLE_CONTAINERS or a.get("role") == "main" for a in h.iterancestors())
            info.headings.append((text, inside))
    body = tree.find(".//body")
    if body is not None:
        info.page_words = len(body.text_content().split())
    tier = info.meta.get("article:content_tier", "").lower()
    if tier in _NOT_FREE_TIERS:
        info.paywall.append(f"article:content_tier {tier}")
    return info


MAX_LD_CHARS = 1_000_000  # a JSON-LD script longer than this is not read


def json_ld(sources: list[tuple[str, str]]) -> list[tuple[str, object]]:
    """The parsed JSON-LD scripts, as ``(label, value)``; scripts that do not parse are skipped."""
    import json

    out = []
    for n, (kind, text) in enumerate(sources):
        if kind != "ld" or len(text) > MAX_LD_CHARS:
            continue
        text = text.strip()
        for head, tail in (("<!--", "-->"), ("<![CDATA[", "]]>")):
            if text.startswith(head) and text.endswith(tail):
                text = text[len(head) : -len(tail)]
        try:
            out.append((f"ld{n}", json.loads(text, strict=False)))
        except (ValueError, RecursionError):
            continue
    return out


def article_objects(docs: list[tuple[str, object]]) -> list[dict]:
    """JSON-LD objects of an article type (NewsArticle, Article, BlogPosting, ...), ``@graph`` flattened."""
    out: list[dict] = []
    stack = [v for _, v in docs]
    seen = 0
    while stack and seen < 2000:
        v = stack.pop(0)
        seen += 1
        if isinstance(v, list):
            stack.extend(v[:200])
        elif isinstance(v, dict):
            if isinstance(v.get("@graph"), list):
                stack.extend(v["@graph"][:200])
            types = v.get("@type")
            types = types if isinstance(types, list) else [types]
            if "@context" in v or any(isinstance(t, str) for t in types):
                if any(isinstance(t, str) and _ARTICLE_TYPES.search(t) for t in types):
                    out.append(v)
    return out


def not_free(ld: list[dict]) -> bool:
    """True when a JSON-LD article says ``isAccessibleForFree: false`` (boolean or string)."""
    return any(str(o.get("isAccessibleForFree", "")).strip().lower() in ("false", "no", "0") for o in ld if "isAccessibleForFree" in o)


def _str(v) -> str | None:
    if isinstance(v, list) and v:
        v = v[0]
    return v.strip() if isinstance(v, str) and v.strip() else None


def page_meta(info: PageInfo, ld: list[dict]) -> tuple[Meta, list[str]]:
    """Dates, url and candidate titles from JSON-LD and meta tags (JSON-LD first).

    Returns the metadata and the reference titles (JSON-LD headline, og:title, twitter:title, <title>).
    """
    def first(*values):
        return next((v for v in values if v), None)

    published = first(*(_str(o.get("datePublished")) for o in ld), info.meta.get("article:published_time"),
                      info.meta.get("datepublished"), info.meta.get("og:published_time"), info.meta.get("pubdate"))
    modified = first(*(_str(o.get("dateModified")) for o in ld), info.meta.get("article:modified_time"),
                     info.meta.get("datemodified"), info.meta.get("og:updated_time"), info.meta.get("last-modified"))
    refs = [t for t in (*(_str(o.get("headline")) for o in ld), info.meta.get("og:title"), info.meta.get("twitter:title"), info.html_title) if t]
    meta = Meta(
        url=first(info.meta.get("og:url")),
        published=_optional_date(published, "HTML metadata") if published else None,
        modified=_optional_date(modified, "HTML metadata") if modified else None,
    )
    return meta, refs
