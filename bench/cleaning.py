"""Cleaning benchmark: the project's HTML cleaner against trafilatura, readability-lxml, newspaper4k and goose3.

Two page sets, reported separately:

- ``bench/pages``: hand-made pages (``build.py``) with their true body in ``NAME.truth.json``;
- ``../shared/dev/html``: the dev HTML fragments; their true body is read at run time from
  ``../shared/dev/articles/NAME.txt`` (its first paragraph, the headline, is dropped: the fragments
  hold no headline). Nothing of the dev set is copied into the project.

Scores are token-level: lower-cased ``\\w+`` tokens of the extracted text against those of the true
body, as bags (multisets): P = shared / extracted, R = shared / true, F1 per page, then the mean over
pages. Speed is pages per second over all pages of the set, repeated ``--repeat`` times, after one
warm-up pass (imports and caches before the timer); the rounds interleave the systems, so that a
change in machine load hits all of them alike. For the embedded-body bar it also prints, for
the project, the share of the article's words kept and the length ratio on the pages that embed
their body in JSON, and whether title, dates and teaser warnings are right on the hand-made pages.

    .venv/bin/pip install -e ".[bench]"      # the peers (not package dependencies)
    .venv/bin/python bench/cleaning.py        # or: make bench-clean
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "bench" / "pages"
DEV = ROOT.parent / "shared" / "dev"
_TOKEN = re.compile(r"\w+")


@dataclass
class Page:
    name: str
    html: str
    body: str
    truth: dict  # title, published, modified, teaser, kind (hand-made pages only)


@dataclass
class Score:
    precision: float
    recall: float
    f1: float


def tokens(text: str) -> Counter:
    return Counter(_TOKEN.findall(text.lower()))


def score(pred: str, true: str) -> Score:
    """Bag-of-tokens precision, recall and F1 of ``pred`` against ``true``.

    >>> score("the cat sat", "the cat sat down")
    Score(precision=1.0, recall=0.75, f1=0.8571428571428571)
    """
    p, t = tokens(pred), tokens(true)
    shared = sum((p & t).values())
    P = shared / sum(p.values()) if p else 0.0
    R = shared / sum(t.values()) if t else 0.0
    return Score(P, R, 2 * P * R / (P + R) if P + R else 0.0)


def own_pages() -> list[Page]:
    out = []
    for f in sorted(PAGES.glob("*.html")):
        truth = json.loads(f.with_name(f.stem + ".truth.json").read_text(encoding="utf-8"))
        out.append(Page(f.stem, f.read_text(encoding="utf-8"), truth["body"], truth))
    return out


def dev_pages() -> list[Page]:
    out = []
    for f in sorted((DEV / "html").glob("*.html")):
        text = (DEV / "articles" / f"{f.stem}.txt").read_text(encoding="utf-8")
        meta = json.loads((DEV / "articles" / f"{f.stem}.meta.json").read_text(encoding="utf-8"))
        head, _, rest = text.strip().partition("\n\n")
        body = rest if head.strip() == (meta.get("title") or "").strip() else text
        out.append(Page(f.stem, f.read_text(encoding="utf-8"), body, {}))
    return out


# --------------------------------------------------------------------------- the systems


def _project() -> Callable[[str], str]:
    from extractor.clean import clean

    return lambda html: clean(html, kind="html").text


def _trafilatura(**options) -> Callable[[str], str]:
    import trafilatura

    return lambda html: trafilatura.extract(html, **options) or ""


def _readability() -> Callable[[str], str]:
    from lxml import html as lhtml
    from readability import Document

    def run(html: str) -> str:
        summary = Document(html).summary(html_partial=True)
        tree = lhtml.fromstring(summary)
        for el in tree.iter("p", "div", "br", "li", "h1", "h2", "h3", "h4", "tr"):
            el.tail = "\n" + (el.tail or "")
        return tree.text_content()

    return run


def _newspaper() -> Callable[[str], str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import newspaper

    def run(html: str) -> str:
        art = newspaper.Article("https://example.invalid/article", fetch_images=False)
        art.download(input_html=html)
        art.parse()
        return art.text or ""

    return run


def _goose() -> Callable[[str], str]:
    from goose3 import Goose

    g = Goose({"enable_image_fetching": False, "http_timeout": 0.001})
    return lambda html: g.extract(raw_html=html).cleaned_text or ""


SYSTEMS: dict[str, Callable[[], Callable[[str], str]]] = {
    "extractor (this project)": _project,
    "trafilatura 2 (defaults)": lambda: _trafilatura(),
    "trafilatura 2 (favor_recall)": lambda: _trafilatura(favor_recall=True),
    "readability-lxml": _readability,
    "newspaper4k": _newspaper,
    "goose3": _goose,
}


@dataclass
class Result:
    system: str
    scores: list[Score]
    pages_per_s: float
    texts: list[str]

    def mean(self, attr: str) -> float:
        return statistics.fmean(getattr(s, attr) for s in self.scores)


def run_systems(chosen: dict, pages: list[Page], repeat: int) -> list[Result]:
    """Texts from one warm-up pass per system, then ``repeat`` timed rounds; each round times every
    system once, in turn, so that a change in machine load hits all of them alike."""
    fns, texts = {}, {}
    for name, make in chosen.items():
        try:
            fns[name] = make()
        except ImportError as exc:
            print(f"  {name}: not installed ({exc.name}); pip install -e '.[bench]'", file=sys.stderr)
            continue
        texts[name] = []
        for p in pages:  # warm-up pass, and the texts that are scored
            try:
                texts[name].append(fns[name](p.html))
            except Exception as exc:  # a peer that crashes on a page scores 0 there
                print(f"  {name} failed on {p.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
                texts[name].append("")
    elapsed = dict.fromkeys(fns, 0.0)
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            for p in pages:
                try:
                    fn(p.html)
                except Exception:
                    pass
            elapsed[name] += time.perf_counter() - start
    return [Result(n, [score(t, p.body) for t, p in zip(texts[n], pages)], len(pages) * repeat / elapsed[n], texts[n]) for n in fns]


def table(title: str, pages: list[Page], results: list[Result]) -> str:
    base = next((r for r in results if r.system.startswith("trafilatura 2 (defaults)")), None)
    split = any("embedded" in p.truth for p in pages)
    head = "| system | P | R | F1 |" + (" F1, body only in JSON | F1, body visible |" if split else "") + " pages/s | speed vs trafilatura |"
    lines = [f"### {title} ({len(pages)} pages)", "", head, "|" + "---|" * (head.count("|") - 1)]
    for r in results:
        rel = f"{r.pages_per_s / base.pages_per_s:.2f}x" if base else "-"
        cols = f"| {r.system} | {r.mean('precision'):.3f} | {r.mean('recall'):.3f} | {r.mean('f1'):.3f} |"
        if split:
            inside = [s.f1 for s, p in zip(r.scores, pages) if p.truth.get("embedded")]
            outside = [s.f1 for s, p in zip(r.scores, pages) if not p.truth.get("embedded")]
            cols += f" {statistics.fmean(inside):.3f} ({len(inside)}) | {statistics.fmean(outside):.3f} ({len(outside)}) |"
        lines.append(f"{cols} {r.pages_per_s:.1f} | {rel} |")
    return "\n".join(lines)


def per_page(pages: list[Page], results: list[Result]) -> str:
    names = [r.system.split(" (")[0] if "trafilatura" not in r.system else r.system.replace("trafilatura 2 ", "traf ") for r in results]
    lines = ["| page | " + " | ".join(names) + " |", "|---|" + "---|" * len(results)]
    for i, p in enumerate(pages):
        lines.append(f"| {p.name} | " + " | ".join(f"{r.scores[i].f1:.3f}" for r in results) + " |")
    return "\n".join(lines)


def project_checks(pages: list[Page]) -> str:
    """Embedded-body bar and metadata on the hand-made pages, for the project only."""
    from extractor.clean import clean

    lines = ["| page | kind | words kept (recall) | length / article | title = headline | published | modified | teaser warning |",
             "|---|---|---|---|---|---|---|---|"]
    kept, ratio = [], []
    for p in pages:
        art = clean(p.html, source=p.name, kind="html")
        t, true = tokens(art.text), tokens(p.body)
        recall = sum((t & true).values()) / sum(true.values())
        length = sum(t.values()) / sum(true.values())
        if p.truth["embedded"]:
            kept.append(recall)
            ratio.append(length)
        teaser = any(w.startswith("possible teaser") for w in art.warnings)
        ok = lambda a, b: "yes" if a == b else f"NO ({a!r})"  # noqa: E731
        lines.append(
            f"| {p.name} | {p.truth['kind']} | {recall:.3f} | {length:.2f} | {ok(art.title, p.truth['title'])} "
            f"| {ok(art.published, p.truth['published'])} | {ok(art.modified, p.truth['modified'])} "
            f"| {'yes' if teaser else 'no'}{'' if teaser == p.truth['teaser'] else ' (WRONG)'} |"
        )
    lines += ["", f"Pages whose body is only in JSON ({len(kept)}): median words kept {statistics.median(kept):.3f} "
              f"(min {min(kept):.3f}), length / article max {max(ratio):.2f}." if kept else ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5, help="timed passes over each set (default 5)")
    ap.add_argument("--systems", default="", help="comma-separated substrings of system names to run (default all)")
    ap.add_argument("--per-page", action="store_true", help="also print F1 per page")
    args = ap.parse_args(argv)
    chosen = {k: v for k, v in SYSTEMS.items() if not args.systems or any(s in k for s in args.systems.split(","))}
    sets = [("Hand-made pages (bench/pages)", own_pages())]
    if (DEV / "html").is_dir():
        sets.append(("Dev HTML fragments (../shared/dev/html)", dev_pages()))
    else:
        print("../shared/dev/html not found: dev set skipped", file=sys.stderr)
    for title, pages in sets:
        results = run_systems(chosen, pages, args.repeat)
        print(table(title, pages, results), end="\n\n")
        if args.per_page:
            print(per_page(pages, results), end="\n\n")
    if any("this project" in k for k in chosen):
        print("### The project on the hand-made pages", "", project_checks(own_pages()), sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
