"""The review page in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Playwright cannot download a browser here, so it launches the system Chromium. With ``CI=true`` a
missing browser or driver fails the test; on a dev machine without them it is skipped.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from extractor.clean import load
from extractor.review import write_page
from extractor.sources import expand

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "articles"
CHROMIUM = os.environ.get("EXTRACTOR_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-extensions"]


def _unavailable(message: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI must have it: .ci/run installs chromium)")
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory):
    """A function that opens a local file in a fresh Chromium profile and returns (page, requests, console)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[dev]')")
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"no Chromium at {CHROMIUM}")
    pw = sync_playwright().start()
    contexts = []

    def open_file(path: Path):
        profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh --user-data-dir each time
        ctx = pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=ARGS, viewport={"width": 1280, "height": 900},
            chromium_sandbox=False,
        )
        contexts.append(ctx)
        page = ctx.new_page()
        requests, console = [], []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
        page.goto(path.resolve().as_uri(), wait_until="load")
        page.wait_for_timeout(300)  # let anything the page might start (it should start nothing) show up
        return page, requests, console

    yield open_file
    for ctx in contexts:
        ctx.close()
    pw.stop()


@pytest.fixture(scope="module")
def corpus_records(full):
    return [json.loads(r.model_dump_json()) for r in full.pipe(load(f) for f in expand([CORPUS]))]


def test_corpus_page_in_chromium(browser_page, corpus_records, tmp_path):
    n_facts = sum(len(r["facts"]) for r in corpus_records)
    assert n_facts > 400 and len(corpus_records) == len(expand([CORPUS]))
    out = tmp_path / "review.html"
    summary = write_page(corpus_records, out)
    assert (summary.articles, summary.facts) == (len(corpus_records), n_facts)

    page, requests, console = browser_page(out)
    shot = tmp_path / "review.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000

    assert page.evaluate("document.querySelectorAll('[data-fact-type]').length") == n_facts
    assert page.evaluate("document.querySelectorAll('[data-fact-type][data-rule]').length") == n_facts
    by_type = page.evaluate("""() => { const c = {}; document.querySelectorAll('[data-fact-type]').forEach(
        e => { c[e.dataset.factType] = (c[e.dataset.factType] || 0) + 1; }); return c; }""")
    assert by_type == dict(summary.by_type)
    assert page.evaluate("document.querySelectorAll('article.art').length") == len(corpus_records)
    # the corpus has evidence inside other evidence and crossing evidence: both are in this count
    assert page.evaluate("document.querySelectorAll('[data-fact-type] [data-fact-type]').length") > 10
    # crossing evidence is split: every continuation refers to the head of its fact, which exists
    refs = page.evaluate("Array.from(document.querySelectorAll('[data-ref]'), e => e.dataset.ref)")
    assert refs and all(page.evaluate(f"document.getElementById({json.dumps(r)}) !== null") for r in refs), refs
    # nothing but the page itself was loaded, and the page's script ran under its CSP without complaint
    assert requests == [out.resolve().as_uri()], requests
    assert console == [], console

    # click a price inside the text: the panel shows its fields
    first_price = page.locator('[data-fact-type="price"]').first
    first_price.click()
    assert page.locator("#panel").is_visible()
    assert "price" in page.locator("#panel-body").inner_text() and "rule" in page.locator("#panel-body").inner_text()
    # the legend's box hides a type (the elements stay, uncoloured)
    colour = lambda: page.evaluate("getComputedStyle(document.querySelector('[data-fact-type=\"price\"]')).borderBottomColor")
    shown = colour()
    page.locator('.legend input[data-type="price"]').uncheck()
    assert colour() != shown and page.evaluate("document.body.classList.contains('hide-price')")
    assert page.evaluate("document.querySelectorAll('[data-fact-type]').length") == n_facts
    assert requests == [out.resolve().as_uri()]


def test_hostile_article_runs_no_script_and_loads_nothing(browser_page, full, tmp_path):
    art = tmp_path / "hostile-desk" / "story.html.txt"
    art.parent.mkdir()
    art.write_text(
        "Bitcoin rose 2% to $70,000 on Tuesday. <script>window.pwned = 1; fetch('https://evil.test/x')</script>\n"
        '"<img src=https://evil.test/pixel.png onerror=window.pwned=2>" said Jane Roe, an analyst. '
        "<link rel=stylesheet href=https://evil.test/a.css><iframe src=https://evil.test/></iframe>\n",
        encoding="utf-8",
    )
    rec = json.loads(next(iter(full.pipe([load(art)]))).model_dump_json())
    assert "<script>" in rec["article"]["text"]
    rec["article"]["title"] = "<script>window.pwned = 3</script>"
    rec["article"]["url"] = "https://evil.test/story"
    out = tmp_path / "hostile.html"
    write_page([rec], out)
    page, requests, console = browser_page(out)
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img, iframe, link, article script').length") == 0
    assert page.evaluate("document.querySelectorAll('script').length") == 2  # the data block and the page's own
    assert page.evaluate("document.querySelectorAll('[data-fact-type]').length") == len(rec["facts"]) > 0
    assert "<script>window.pwned = 1;" in page.locator(".text").inner_text()  # shown as text
    assert page.locator('a[href="https://evil.test/story"]').count() == 1  # a link is fine; nothing is loaded from it
    assert requests == [out.resolve().as_uri()], requests
