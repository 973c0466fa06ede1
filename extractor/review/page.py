"""The review page: one static, self-contained HTML file for reading facts in their articles.

* An index of the articles, then each article's cleaned text with every fact's evidence
  highlighted (colour per type, a legend whose boxes filter by type), the fact's fields, ``rule``,
  ``when`` and ``source`` as a hover title and, on click, in a side panel.
* Highlights are in the HTML as written (no script builds them): one element per fact carrying
  ``data-fact-type`` and ``data-rule`` (see :mod:`extractor.review.markup`); nothing else on the
  page carries ``data-fact-type``.
* No network: styles and the one script are inline, and a Content-Security-Policy allows nothing
  else (``default-src 'none'``; the style and the script are allowed by their sha256 only). Every
  string from an article is HTML-escaped; fact data reach the script as JSON in a data block and
  are written with ``textContent``. Links to an article's URL are kept when the URL is http(s).
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import ValidationError

from extractor.outlets import outlet
from extractor.records import FACT_TYPES, ArticleRecord
from extractor.review.markup import Mark, css_name, highlight
from extractor.store.base import StoredArticle

log = logging.getLogger(__name__)

#: Colour of each fact type (others are grey).
TYPE_COLOURS = {
    "price": "#2563eb",
    "percent_move": "#ea580c",
    "etf_flow": "#16a34a",
    "quote": "#9333ea",
    "price_level": "#dc2626",
    "market_metric": "#0891b2",
}
OTHER_COLOUR = "#6b7280"
_COMMON = ("rule", "when", "when_text", "source")


@dataclass
class PageSummary:
    """What a page holds: articles and facts shown, records that could not be shown."""

    articles: int = 0
    facts: int = 0
    by_type: Counter = field(default_factory=Counter)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (record label, reason)


def _static(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _num(v) -> str:
    """Figures as people read them.

    >>> _num(101300.0), _num(0.25), _num(-3.5), _num(None), _num(True)
    ('101,300', '0.25', '-3.5', '', 'True')
    """
    if v is None:
        return ""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return str(v)
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.6g}" if abs(v) >= 1000 else f"{v:g}"


def fact_fields(fact: dict) -> dict:
    """A fact's own fields (type and evidence aside), in the record's order."""
    return {k: v for k, v in fact.items() if k not in ("type", "evidence") and k not in _COMMON}


def summary_line(fact: dict) -> str:
    """One line of a fact's own fields.

    >>> summary_line({"type": "price", "asset": "BTC", "value": 101300.0, "currency": "USD", "qualifier": None, "rule": "r"})
    'asset=BTC value=101,300 currency=USD'
    """
    return " ".join(f"{k}={_num(v)}" for k, v in fact_fields(fact).items() if v is not None)


def hover_title(fact: dict) -> str:
    when = fact.get("when") or "—"
    if fact.get("when_text"):
        when += f" ({fact['when_text']})"
    return f"{fact['type']} · rule {fact['rule']}\n{summary_line(fact)}\nwhen {when} · source {fact.get('source') or '—'}"


def _style(types: list[str]) -> str:
    rules = [_static("page.css")]
    for t in types:
        c = css_name(t)
        rules.append(f".t-{c} {{ --c: {TYPE_COLOURS.get(t, OTHER_COLOUR)}; }}")
        rules.append(f".hide-{c} .f.t-{c} {{ --c: transparent; }}")
    return "\n".join(rules) + "\n"


def _link(url: str | None) -> str:
    if url and urlsplit(url).scheme.lower() in ("http", "https"):
        return f'<a href="{_esc(url)}" rel="noopener noreferrer nofollow">{_esc(url)}</a>'
    return _esc(url) if url else ""


def _validated(records: Iterable[dict | ArticleRecord | StoredArticle], summary: PageSummary) -> list[tuple[dict, list[str]]]:
    """Valid records as dicts, each with its other sources (a stored article read from several paths)."""
    out = []
    for i, rec in enumerate(records):
        others: list[str] = []
        if isinstance(rec, StoredArticle):
            others = [s for s in rec.sources if s != rec.record["article"]["source"]]
            rec = rec.record
        if isinstance(rec, ArticleRecord):
            out.append((rec.model_dump(mode="json"), others))
            continue
        label = str(((rec or {}).get("article") or {}).get("source") or f"record {i + 1}") if isinstance(rec, dict) else f"record {i + 1}"
        try:
            out.append((ArticleRecord.model_validate(rec).model_dump(mode="json"), others))
        except ValidationError as exc:
            reason = exc.errors()[0].get("msg", str(exc)) if exc.errors() else str(exc)
            log.error("%s: not a valid article record, left out of the page: %s", label, reason)
            summary.skipped.append((label, reason))
    out.sort(key=lambda r: (r[0]["article"]["source"], r[0]["article"]["id"]))
    return out


def render_page(records: Iterable[dict | ArticleRecord | StoredArticle], *, title: str = "Facts review") -> tuple[str, PageSummary]:
    """The page's HTML for ``records`` (article records, as dicts or models, or articles read from
    a facts database, whose other sources are listed under the article) and what it holds.

    Records that fail validation (evidence that does not match the text, unknown fields) are left
    out, logged and listed in ``PageSummary.skipped``. The same records give the same bytes.
    """
    from extractor import __version__

    summary = PageSummary()
    validated = _validated(records, summary)
    recs = [r for r, _ in validated]
    for r in recs:
        summary.by_type.update(f["type"] for f in r["facts"])
    summary.articles = len(recs)
    summary.facts = sum(summary.by_type.values())
    types = [t for t in FACT_TYPES if t in summary.by_type] + sorted(t for t in summary.by_type if t not in FACT_TYPES)

    data: dict[str, dict] = {}
    index_rows, sections = [], []
    for i, (rec, others) in enumerate(validated, 1):
        art, facts = rec["article"], rec["facts"]
        name = art.get("title") or Path(art["source"]).name or art["source"]
        where = outlet(art.get("url"), art.get("source")) or ""
        counts = Counter(f["type"] for f in facts)
        index_rows.append(
            f'<tr><td class="n">{i}</td><td><a href="#art-{i}">{_esc(name)}</a></td><td>{_esc(where)}</td>'
            f'<td>{_esc(art.get("published") or "")}</td>'
            + "".join(f'<td class="n">{counts.get(t, 0) or ""}</td>' for t in types)
            + "</tr>"
        )
        marks, rows = [], []
        for j, f in enumerate(facts):
            key = f"a{i}-f{j}"
            ev = f["evidence"]
            marks.append(Mark(key, ev["start"], ev["end"], f["type"], f["rule"], hover_title(f)))
            data[key] = {"type": f["type"], **{k: f.get(k) for k in _COMMON}, **fact_fields(f), "evidence": f"{ev['start']}-{ev['end']}: {ev['text']}"}
            rows.append(
                f'<tr><td><a href="#{key}"><span class="tag t-{css_name(f["type"])}">{_esc(f["type"])}</span></a></td>'
                f"<td>{_esc(summary_line(f))}</td><td>{_esc(f.get('when') or '')}</td><td>{_esc(f.get('source') or '')}</td>"
                f"<td><code>{_esc(f['rule'])}</code></td></tr>"
            )
        meta = [f"<code>{_esc(art['source'])}</code>"]
        if art.get("url"):
            meta.append(_link(art["url"]))
        meta += [_esc(x) for x in (art.get("published") and f"published {art['published']}", where and f"outlet {where}", f"id {art['id']}") if x]
        if others:
            meta.append("also read from " + ", ".join(f"<code>{_esc(o)}</code>" for o in others))
        warnings = "".join(f'<p class="warnings">warning: {_esc(w)}</p>' for w in rec.get("warnings") or [])
        sections.append(
            f'<article class="art" id="art-{i}"><h2>{i}. {_esc(name)}</h2><p class="meta">{" · ".join(meta)}</p>{warnings}'
            f'<div class="text">{highlight(art["text"], marks)}</div>'
            f'<details class="facts"><summary>{len(facts)} facts</summary><table><tr><th>type</th><th>fields</th><th>when</th>'
            f'<th>source</th><th>rule</th></tr>{"".join(rows)}</table></details></article>'
        )

    style = _style(types)
    script = _static("page.js")
    # insertion order (type, rule, when, source, fields, evidence); no "<", ">" or "&" can end the data block
    fact_json = json.dumps(data, ensure_ascii=True).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    csp = f"default-src 'none'; style-src '{_sha256(style)}'; script-src '{_sha256(script)}'; img-src data:; base-uri 'none'; form-action 'none'"
    legend = "".join(
        f'<label class="t-{css_name(t)}"><input type="checkbox" checked data-type="{css_name(t)}"><span class="swatch"></span>'
        f"{_esc(t)} ({summary.by_type[t]})</label>"
        for t in types
    )
    skipped = (f'<p class="warnings">{len(summary.skipped)} records could not be shown: '
               + "; ".join(_esc(f"{label}: {why}") for label, why in summary.skipped) + "</p>") if summary.skipped else ""
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{_esc(title)}</title>
<style>{style}</style>
</head>
<body>
<header><h1>{_esc(title)}</h1><span class="stats">{summary.articles} articles · {summary.facts} facts · extractor {_esc(__version__)}</span>
<div class="legend">{legend}</div></header>
<main>
{skipped}
<nav id="index"><h2>Articles</h2><table><tr><th>#</th><th>article</th><th>outlet</th><th>published</th>{"".join(f"<th>{_esc(t)}</th>" for t in types)}</tr>
{"".join(index_rows)}</table></nav>
{"".join(sections)}
</main>
<aside id="panel" hidden><button type="button" id="panel-close">close</button><div id="panel-body"></div></aside>
<script type="application/json" id="fact-data">{fact_json}</script>
<script>{script}</script>
</body>
</html>
"""
    return page, summary


def write_page(records: Iterable[dict | ArticleRecord | StoredArticle], out: str | Path, *, title: str = "Facts review") -> PageSummary:
    """Write the review page of ``records`` to ``out``; return what it holds."""
    page, summary = render_page(records, title=title)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(out)
    return summary
