"""Builds the hand-made benchmark pages: ``src/NAME.tmpl`` (a page template) + ``src/NAME.body``
(the article, invented wording) -> ``NAME.html`` and ``NAME.truth.json`` (the true body and metadata).

Every page imitates a different way news sites ship an article: visible HTML only, JSON-LD
``articleBody``, Next.js ``__NEXT_DATA__``, Arc XP ``content_elements``, app-state blobs assigned in
inline scripts, JSON double-encoded as a string, portable-text blocks, an empty app shell, a hard
paywall. The templates hold the chrome (navigation, tickers, teasers, related blocks, author bios,
cookie banners); the placeholders below put the article into the markup or into the JSON.

    .venv/bin/python bench/pages/build.py        # rewrites the pages; commit the result

Placeholders: {{TITLE}} {{OG_TITLE}} {{PUBLISHED}} {{MODIFIED}} (and *_JSON variants, JSON strings with
quotes), {{BODY_HTML}}, {{TEASER_HTML:n}} (first n paragraphs), {{REST_HTML:n}}, {{BODY_HTML_JSON}}, {{BODY_HTML_ESCAPED_JSON}} (the HTML entity-escaped),
{{BODY_TEXT_JSON}} (paragraphs joined by blank lines), {{BODY_FLAT_JSON}} (joined by spaces),
{{PARAGRAPHS_JSON}}, {{ARC_ELEMENTS}}, {{PORTABLE_TEXT}}, {{FILLER_JS:kb}} and {{FILLER_JSON:kb}} (about kb
kilobytes of pseudo-minified script or of app data without prose, as real pages inline), and {{#JSSTRING}}...{{/JSSTRING}} (the
content, after substitution, as one JSON string literal).
"""
from __future__ import annotations

import html
import json
import random
import re
from pathlib import Path

HERE = Path(__file__).parent
SRC = HERE / "src"

# What the record should say about each page. title: the visible headline; og_title: what the social
# tags say (differs on purpose on most pages); teaser: the page holds only part of the article;
# embedded: the visible HTML holds a teaser or nothing, the whole body is only in the page's JSON.
PAGES = {
    "p01_jsonld_paywall": dict(
        title="Copper jumps to seven-week high as Andes landslide halts key concentrator",
        og_title="Copper soars on mine outage | Harbor Ledger",
        published="2025-09-16T09:12:00+00:00", modified="2025-09-16T15:40:00+00:00", teaser=False, embedded=True,
        kind="JSON-LD articleBody (plain text), paywalled visible teaser",
    ),
    "p02_next_data": dict(
        title="Bitcoin slides to $61,000 as leveraged longs are flushed out",
        og_title="Crypto liquidations top $600M - Coinfield Daily",
        published="2025-09-03T13:05:00+00:00", modified="2025-09-03T17:22:00+00:00", teaser=False, embedded=True,
        kind="Next.js __NEXT_DATA__, body HTML in pageProps",
    ),
    "p03_arc_elements": dict(
        title="Regional bank shares slide as Bluewater flags $310 million office-loan hit",
        og_title="Bluewater Bancorp takes office loan charge",
        published="2025-10-09T14:30:00+00:00", modified="2025-10-09T20:05:00+00:00", teaser=False, embedded=True,
        kind="Arc XP content_elements in Fusion.globalContent",
    ),
    "p04_window_state": dict(
        title="Yen breaks past 149 per dollar as governor signals readiness to hike",
        og_title="Yen surges on hawkish central bank remarks",
        published="2025-11-17T02:45:00+00:00", modified="2025-11-17T08:10:00+00:00", teaser=False, embedded=True,
        kind="app-state blob window.__PRELOADED_STATE__ = {...};",
    ),
    "p05_double_encoded": dict(
        title="Gold hits record near $2,970 as tariff fears drive haven demand",
        og_title="Gold record: what is driving the rally",
        published="2025-02-21T16:20:00+00:00", modified="2025-02-21T18:45:00+00:00", teaser=False, embedded=True,
        kind="JSON.parse(\"...\") double-encoded state",
    ),
    "p06_full_visible": dict(
        title="Ether outpaces bitcoin for third day as upgrade nears",
        og_title="ETH rallies ahead of network upgrade | Northlight Crypto",
        published="2025-09-23T11:00:00+00:00", modified="2025-09-23T11:00:00+00:00", teaser=False,
        kind="full visible body + JSON-LD articleBody (same text)",
    ),
    "p07_no_structured": dict(
        title="Oil extends losses as US crude stocks swell unexpectedly",
        og_title=None, published=None, modified=None, teaser=False,
        kind="no structured data at all",
    ),
    "p08_hard_paywall": dict(
        title="Private credit fundraising slumps to weakest quarter since 2020",
        og_title="Private credit fundraising slows sharply",
        published="2025-10-14T05:00:00+00:00", modified="2025-10-14T05:00:00+00:00", teaser=True,
        kind="hard paywall: teaser only, isAccessibleForFree false, no embedded body",
    ),
    "p09_market_wrap": dict(
        title="European shares close at record as soft US inflation fuels rate-cut bets",
        og_title="Stocks: Europe hits record high",
        published="2025-08-15T16:05:00+00:00", modified="2025-08-15T17:30:00+00:00", teaser=False,
        kind="full visible body, ticker strips and most-read; JSON-LD without articleBody",
    ),
    "p10_app_shell": dict(
        title="Solana leads crypto gains after updated ETF filing",
        og_title="SOL jumps 11% on ETF filing",
        published="2025-10-04T10:15:00+00:00", modified="2025-10-04T12:00:00+00:00", teaser=False, embedded=True,
        kind="app shell: visible body empty, paragraphs in window.__INITIAL_STATE__",
    ),
    "p11_jsonld_graph": dict(
        title="Treasury yields jump after soft 10-year auction",
        og_title="Weak auction sends yields higher",
        published="2025-11-12T18:35:00+00:00", modified="2025-11-12T19:02:00+00:00", teaser=False,
        kind="full visible body broken by inline ads and read-more links; JSON-LD @graph articleBody as HTML",
    ),
    "p12_portable_text": dict(
        title="Arctura shares surge after data-center sales beat forecasts",
        og_title="Arctura earnings beat: stock jumps after hours",
        published="2025-08-26T20:40:00+00:00", modified="2025-08-27T07:15:00+00:00", teaser=False, embedded=True,
        kind="Next.js __NEXT_DATA__ with portable-text blocks",
    ),
    "p13_breaking_flash": dict(
        title="ECB cuts deposit rate to 3.25%",
        og_title="BREAKING: ECB cuts rates",
        published="2025-10-16T12:15:00+00:00", modified="2025-10-16T12:15:00+00:00", teaser=False,
        kind="two-paragraph flash on a full page (not a teaser)",
    ),
    "p14_visible_junk_jsonld": dict(
        title="Halden Motors shares sink after second cut to delivery forecast",
        og_title="Halden Motors cuts delivery outlook again",
        published="2025-10-06T09:40:00+00:00", modified="2025-10-06T13:05:00+00:00", teaser=False,
        kind="full visible body with promos, bio and notes inside the article; JSON-LD articleBody (plain text)",
    ),
}


def blocks(body: str) -> list[tuple[str, str]]:
    """(kind, text) per paragraph: kind "h" for '## ' subheads, "p" otherwise."""
    out = []
    for para in re.split(r"\n\s*\n", body.strip()):
        para = " ".join(para.split())
        out.append(("h", para[3:]) if para.startswith("## ") else ("p", para))
    return out


def to_html(bl: list[tuple[str, str]]) -> str:
    return "\n".join(f"<h2>{html.escape(t, quote=False)}</h2>" if k == "h" else f"<p>{html.escape(t, quote=False)}</p>" for k, t in bl)


def arc_elements(bl: list[tuple[str, str]], name: str) -> list[dict]:
    els: list[dict] = []
    for i, (k, t) in enumerate(bl):
        els.append({"_id": f"{name[:3].upper()}{i:04d}QX", "type": "header" if k == "h" else "text", "level": 2 if k == "h" else None,
                    "content": html.escape(t, quote=False), "additional_properties": {"_id": 1700000000 + i}})
        if i == 2:
            els.append({"_id": "IMG0001", "type": "image", "url": "https://img.example.test/1.jpg", "caption": "A trader watches screens on the floor of an exchange in Chicago, where metals and rate futures change hands around the clock.", "credit": {"by": [{"name": "Staff Photographer"}]}})
        if i == 5:
            els.append({"_id": "LNK0001", "type": "interstitial_link", "content": "Read more: Why regional lenders are pulling back from office loans", "url": "/business/2025/10/01/regional-lenders-office/"})
    return els


def portable_text(bl: list[tuple[str, str]]) -> list[dict]:
    out = []
    for i, (k, t) in enumerate(bl):
        # split each paragraph into two spans, as rich-text editors do around marks
        cut = t.find(" ", len(t) // 2)
        spans = [t] if cut < 0 else [t[:cut], t[cut:]]
        out.append({"_type": "block", "_key": f"k{i:03x}", "style": "h2" if k == "h" else "normal", "markDefs": [],
                    "children": [{"_type": "span", "_key": f"s{i:03x}{j}", "marks": ["strong"] if j and k == "p" and i % 3 == 0 else [], "text": s} for j, s in enumerate(spans)]})
        if i == 3:
            out.append({"_type": "chartEmbed", "_key": "c001", "chartId": "ARC-REV-Q2", "caption": "Quarterly revenue by segment, billions of dollars"})
    return out


_WORDS = ("markets crypto bitcoin ether stocks bonds rates fx commodities gold oil earnings deals policy tech ai chips "
          "banks funds etf flows macro inflation jobs housing retail energy autos media pharma mining travel").split()


def filler_js(kb: int, seed: int) -> str:
    """Pseudo-minified JavaScript of about ``kb`` kilobytes (bundles pages inline), deterministic."""
    rnd = random.Random(seed)
    out, size = [], 0
    while size < kb * 1024:
        a, b, c = (rnd.choice("abcdefghijklmnopqrstuvwxyz") + str(rnd.randrange(99)) for _ in range(3))
        w = rnd.choice(_WORDS)
        chunk = (f'function {a}({b},{c}){{var e={b}.{w}||{{}};if(!e.{a}){{e.{a}=[{rnd.randrange(9999)},"{w}-{c}"]}}'
                 f'return {c}?e[{c}]:{b}.map(function(t){{return t.id==={rnd.randrange(999)}&&t.{w}}})}};')
        out.append(chunk)
        size += len(chunk)
    return "".join(out)


def filler_json(kb: int, seed: int) -> list:
    """A site's app data of about ``kb`` kilobytes: menus, quotes, ad slots, ids (no prose)."""
    rnd = random.Random(seed)
    items, size = [], 0
    while size < kb * 1024:
        w = rnd.choice(_WORDS)
        item = {"id": f"{w}-{rnd.randrange(10**6):06d}", "label": w.title(), "url": f"/{w}/{rnd.randrange(10**5)}",
                "children": [{"label": f"{w.title()} {rnd.choice(_WORDS)}", "url": f"/{w}/{k}", "order": k} for k in range(rnd.randrange(1, 6))],
                "quote": {"symbol": w[:3].upper() + str(rnd.randrange(10)), "last": round(rnd.uniform(1, 5000), 2), "change": round(rnd.uniform(-5, 5), 2)},
                "flags": {"sponsored": rnd.random() < 0.1, "live": rnd.random() < 0.05}}
        items.append(item)
        size += len(json.dumps(item))
    return items


def render(name: str) -> tuple[str, dict]:
    spec = PAGES[name]
    body = (SRC / f"{name}.body").read_text(encoding="utf-8")
    bl = blocks(body)
    text = "\n\n".join(t for _, t in bl)
    tpl = (SRC / f"{name}.tmpl").read_text(encoding="utf-8")
    values = {
        "TITLE": html.escape(spec["title"], quote=True),
        "OG_TITLE": html.escape(spec["og_title"] or "", quote=True),
        "PUBLISHED": spec["published"] or "",
        "MODIFIED": spec["modified"] or "",
        "TITLE_JSON": json.dumps(spec["title"]),
        "OG_TITLE_JSON": json.dumps(spec["og_title"]),
        "PUBLISHED_JSON": json.dumps(spec["published"]),
        "MODIFIED_JSON": json.dumps(spec["modified"]),
        "BODY_HTML": to_html(bl),
        "BODY_HTML_JSON": json.dumps(to_html(bl)),
        "BODY_HTML_ESCAPED_JSON": json.dumps(html.escape(to_html(bl), quote=False)),
        "BODY_TEXT_JSON": json.dumps(text),
        "BODY_FLAT_JSON": json.dumps(" ".join(t for _, t in bl)),
        "PARAGRAPHS_JSON": json.dumps([t for _, t in bl]),
        "ARC_ELEMENTS": json.dumps(arc_elements(bl, name)),
        "PORTABLE_TEXT": json.dumps(portable_text(bl)),
    }

    def sub(m: re.Match) -> str:
        key, _, n = m.group(1).partition(":")
        if key == "FILLER_JS":
            return filler_js(int(n), sum(map(ord, name)))
        if key == "FILLER_JSON":
            return json.dumps(filler_json(int(n), sum(map(ord, name))))
        if key == "TEASER_HTML":
            return to_html(bl[: int(n)])
        if key == "REST_HTML":
            return to_html(bl[int(n):])
        return values[key]

    out = re.sub(r"\{\{([A-Z_]+(?::\d+)?)\}\}", sub, tpl)
    out = re.sub(r"\{\{#JSSTRING\}\}(.*?)\{\{/JSSTRING\}\}", lambda m: json.dumps(m.group(1)), out, flags=re.S)
    assert "{{" not in out, f"{name}: unfilled placeholder"
    truth = {"title": spec["title"], "published": spec["published"], "modified": spec["modified"], "teaser": spec["teaser"],
             "embedded": spec.get("embedded", False), "kind": spec["kind"], "body": text}
    return out, truth


def main() -> None:
    for name in sorted(PAGES):
        page, truth = render(name)
        (HERE / f"{name}.html").write_text(page, encoding="utf-8")
        (HERE / f"{name}.truth.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{name}: {len(page):,} bytes, {len(truth['body'].split())} words of body")


if __name__ == "__main__":
    main()
