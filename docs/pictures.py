"""Make the README's pictures from `make run`'s database (out/facts.db): `make pictures`.

* docs/review.png — the review page in headless Chromium, one article with a fact's panel open
* docs/chart-btc.png — `extractor chart --asset BTC`
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB = ROOT / "out" / "facts.db"
BIN = Path(sys.executable).parent
ARTICLE = "16_analyst_calls"  # levels inside quotes: nested highlights


def main() -> None:
    if not DB.is_file():
        sys.exit(f"error: {DB} is missing: run `make run` first")
    subprocess.run([BIN / "extractor", "chart", "--db", DB, "--asset", "BTC", "--out", ROOT / "docs" / "chart-btc.png"], check=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "review.html"
        subprocess.run([BIN / "extractor", "review", "--db", DB, "--out", page_file], check=True)
        with sync_playwright() as pw:
            ctx = pw.chromium.launch_persistent_context(
                str(Path(tmp) / "profile"), executable_path="/usr/bin/chromium", headless=True, chromium_sandbox=False,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                      "--disable-sync", "--no-first-run", "--hide-scrollbars"],
                viewport={"width": 1280, "height": 760},
            )
            page = ctx.new_page()
            page.goto(page_file.as_uri())
            section = page.locator("article.art", has=page.locator(f"code:text('{ARTICLE}')"))
            section.locator("[data-fact-type='price_level']").nth(1).click()  # opens the panel (the text reflows beside it)
            page.evaluate("(el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 90)", section.element_handle())
            page.mouse.move(0, 0)
            page.screenshot(path=str(ROOT / "docs" / "review.png"))
            ctx.close()
    print("wrote docs/review.png and docs/chart-btc.png", file=sys.stderr)


if __name__ == "__main__":
    main()
