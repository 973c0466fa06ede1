"""Synthetic market-news articles for batch tests and the batch benchmark (invented sentences).

``write_folder(path, n)`` writes ``n`` varied articles (``.txt``, ``.md``, ``.html``, some with
``NAME.meta.json`` sidecars) into nested sub-folders; the same ``seed`` gives the same files.
When ``corpus/articles`` holds team-written articles, they are mixed in with a varying tail.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ASSETS = [("Bitcoin", 61000), ("Ether", 2900), ("Solana", 140), ("XRP", 0.55), ("Dogecoin", 0.12), ("Cardano", 0.41)]
PEOPLE = ["Maria Lindqvist", "Tomasz Wierzbicki", "Ana Beltran", "Kwame Mensah", "Priya Raman", "Jonas Falk"]
FIRMS = ["Northgate Capital", "Bluefin Research", "Harbor Digital", "Quarry Analytics"]
PROVIDERS = ["CoinGecko", "CoinMarketCap", "Farside Investors", "SoSoValue"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def _price(v: float) -> str:
    return f"${v:,.0f}" if v >= 100 else f"${v:,.2f}" if v >= 1 else f"${v:.4f}"


def paragraph(rng: random.Random) -> str:
    """One invented paragraph of market news with prices, moves, flows, levels and a quote."""
    asset, base = rng.choice(ASSETS)
    price = base * rng.uniform(0.85, 1.15)
    pct = round(rng.uniform(0.3, 9.5), 1)
    verb = rng.choice(["climbed", "slid", "jumped", "dropped", "edged up", "fell"])
    day = rng.choice(DAYS)
    person, firm, provider = rng.choice(PEOPLE), rng.choice(FIRMS), rng.choice(PROVIDERS)
    flow = rng.choice(["inflows", "outflows"])
    amount = round(rng.uniform(20, 900), 1)
    level = base * rng.uniform(0.8, 1.2)
    sentences = [
        f"{asset} {verb} {pct}% to {_price(price)} on {day}, according to {provider} data.",
        f"Spot {asset} exchange-traded funds recorded net {flow} of ${amount} million on {day}, per {provider}.",
        f"Traders are watching support near {_price(level * 0.9)} and resistance at {_price(level * 1.1)}.",
        f'"The market is digesting a lot of supply right now," said {person}, an analyst at {firm}.',
        f"Trading volume across major venues rose to ${rng.randint(20, 95)} billion over the past 24 hours.",
        f"{person} expects {asset} to test {_price(level * 1.25)} before the end of the quarter.",
        f"The total crypto market capitalization stood at ${rng.uniform(1.8, 3.2):.2f} trillion.",
    ]
    rng.shuffle(sentences)
    return " ".join(sentences[: rng.randint(3, len(sentences))])


def article(rng: random.Random, i: int) -> tuple[str, str]:
    """``(title, body)`` of one invented article."""
    asset, _ = rng.choice(ASSETS)
    title = f"{asset} market update #{i}: {rng.choice(['volatility returns', 'funds see flows', 'traders eye levels', 'quiet session'])}"
    body = "\n\n".join(paragraph(rng) for _ in range(rng.randint(2, 5)))
    return title, body


def _corpus_articles() -> list[tuple[str, str]]:
    folder = ROOT / "corpus" / "articles"
    out = []
    for p in sorted(folder.glob("*")) if folder.is_dir() else []:
        if p.suffix in (".txt", ".md", ".html", ".htm") and not p.name.startswith("."):
            out.append((p.suffix, p.read_text(encoding="utf-8", errors="replace")))
    return out


def write_folder(path: Path, n: int, *, seed: int = 7, use_corpus: bool = True) -> list[Path]:
    """Write ``n`` article files under ``path`` (nested folders, mixed formats); return their paths."""
    rng = random.Random(seed)
    corpus = _corpus_articles() if use_corpus else []
    files = []
    for i in range(n):
        sub = path / f"feed{i % 4}" / f"day{(i // 4) % 5}"
        sub.mkdir(parents=True, exist_ok=True)
        if corpus and i % 2:
            suffix, text = corpus[(i // 2) % len(corpus)]
            name = sub / f"c{i:05d}{suffix}"
            tail = f"\n\nEditor's note: edition {i}, revised {rng.randint(1, 28)} times."
            name.write_text(text.replace("</body>", f"<p>{tail.strip()}</p></body>") if suffix.startswith(".htm") else text + tail, encoding="utf-8")
            files.append(name)
            continue
        title, body = article(rng, i)
        kind = i % 3
        if kind == 0:
            name = sub / f"a{i:05d}.txt"
            name.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
        elif kind == 1:
            name = sub / f"a{i:05d}.md"
            name.write_text(f"---\ntitle: {title}\npublished: 2026-0{1 + i % 9}-{10 + i % 18}\n---\n\n# {title}\n\n{body}\n", encoding="utf-8")
        else:
            name = sub / f"a{i:05d}.html"
            paras = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
            name.write_text(f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{paras}</article></body></html>", encoding="utf-8")
        if i % 5 == 0:
            name.with_name(name.stem + ".meta.json").write_text(json.dumps({"published": f"2026-02-{1 + i % 27:02d}", "url": f"https://news.example/{i}"}), encoding="utf-8")
        files.append(name)
    return files
