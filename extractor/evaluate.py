"""Precision/recall/F1 of records against gold files, with the matching rules of the shared scorer.

Gold: ``DIR/NAME.json`` = ``{"id", "published", "facts": [{type, key fields..., "optional"}]}``;
a record belongs to the gold file named like its ``article.source`` without extension.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

CORE = ("price", "percent_move", "etf_flow", "quote", "price_level")
ALL_TYPES = CORE + ("market_metric",)

_ALIASES = {
    "bitcoin": "btc", "xbt": "btc", "ether": "eth", "ethereum": "eth", "solana": "sol", "binance coin": "bnb",
    "ripple": "xrp", "dogecoin": "doge", "cardano": "ada", "tron": "trx", "avalanche": "avax", "chainlink": "link",
    "polkadot": "dot", "litecoin": "ltc", "toncoin": "ton", "shiba inu": "shib", "hyperliquid": "hype",
    "coindesk 20": "cd20", "coindesk 20 index": "cd20", "invesco qqq": "qqq", "invesco qqq trust": "qqq",
    "nasdaq 100 etf invesco qqq trust": "qqq", "nasdaq 100 etf": "qqq", "s p 500": "spx", "s p 500 index": "spx",
}


def canon(name) -> str:
    """Lower-case, drop articles and punctuation, map known aliases.

    >>> canon("The S&P 500"), canon("Bitcoin's"), canon(None)
    ('spx', 'btc', '')
    """
    if name is None:
        return ""
    s = str(name).lower().strip()
    s = re.sub(r"^the\s+", "", s)
    s = re.sub(r"['’]s$", "", s)
    s = re.sub(r"[^a-z0-9 ]+", " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    return _ALIASES.get(s, s)


def close(a, b, rel: float = 0.005) -> bool:
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        return False
    return abs(a) < 1e-9 if b == 0 else abs(a - b) <= rel * abs(b)


def _words(text) -> list[str]:
    return re.findall(r"[a-z0-9$%]+(?:[.,'][a-z0-9]+)*", str(text or "").lower().replace("’", "'"))


def _surname(name) -> str:
    toks = re.findall(r"[a-z]+", str(name or "").lower().replace("’s", "").replace("'s", ""))
    return toks[-1] if toks else ""


def quote_overlap(pred_text, gold_text) -> float:
    """Share of the gold quote's words found in the prediction (0 when it swallows far more)."""
    g, p = _words(gold_text), _words(pred_text)
    if not g or not p or len(p) > 2 * len(g) + 4:
        return 0.0
    pool: dict[str, int] = {}
    for w in p:
        pool[w] = pool.get(w, 0) + 1
    hit = 0
    for w in g:
        if pool.get(w, 0) > 0:
            pool[w] -= 1
            hit += 1
    return hit / len(g)


def _same_name(pred, gold: dict, key: str) -> bool:
    names = [gold.get(key)] + list(gold.get("aliases") or [])
    return canon(pred) in {canon(n) for n in names if n}


def matches(t: str, p: dict, g: dict) -> bool:
    """Does predicted fact ``p`` match gold fact ``g`` of type ``t``?"""
    if t in ("price", "price_level"):
        return _same_name(p.get("asset"), g, "asset") and close(p.get("value"), g.get("value"))
    if t == "percent_move":
        try:
            pv, gv = float(p.get("percent")), float(g.get("percent"))
        except (TypeError, ValueError):
            return False
        return _same_name(p.get("subject"), g, "subject") and abs(pv - gv) <= 0.051 and (pv >= 0) == (gv >= 0)
    if t == "etf_flow":
        return p.get("direction") == g.get("direction") and close(p.get("amount"), g.get("amount"))
    if t == "quote":
        if g.get("speaker") and _surname(p.get("speaker")) != _surname(g.get("speaker")):
            return False
        return quote_overlap(p.get("text"), g.get("text")) >= 0.7
    if t == "market_metric":
        names = {canon(g.get("metric"))} | {canon(a) for a in g.get("aliases") or []}
        return canon(p.get("metric")) in names and close(p.get("value"), g.get("value"), rel=0.01)
    return False


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return round(p, 4), round(r, 4), round(f, 4)


@dataclass
class Report:
    articles: int = 0
    missing: list[str] = field(default_factory=list)
    types: dict[str, Tally] = field(default_factory=lambda: {t: Tally() for t in ALL_TYPES})
    extra: dict[str, list[int]] = field(default_factory=lambda: {"when": [0, 0], "fullname": [0, 0], "kind": [0, 0]})
    misses: list[str] = field(default_factory=list)

    def core(self) -> Tally:
        return Tally(*(sum(getattr(self.types[t], k) for t in CORE) for k in ("tp", "fp", "fn")))

    def accuracy(self, key: str) -> float | None:
        ok, n = self.extra[key]
        return round(ok / n, 4) if n else None

    def as_dict(self) -> dict:
        out = {"articles": self.articles, "missing_articles": self.missing, "types": {}}
        for t, d in self.types.items():
            p, r, f = d.prf()
            out["types"][t] = {"tp": d.tp, "fp": d.fp, "fn": d.fn, "precision": p, "recall": r, "f1": f}
        p, r, f = self.core().prf()
        out["core_micro"] = {"precision": p, "recall": r, "f1": f}
        out["core_macro_f1"] = round(sum(out["types"][t]["f1"] for t in CORE) / len(CORE), 4)
        for k in self.extra:
            out[f"{k}_accuracy"] = self.accuracy(k)
        return out

    def table(self) -> str:
        lines = [f"articles: {self.articles}  (no record for {len(self.missing)})", f"{'type':14} {'tp':>4} {'fp':>4} {'fn':>4} {'P':>6} {'R':>6} {'F1':>6}"]
        for t, d in self.types.items():
            p, r, f = d.prf()
            lines.append(f"{t:14} {d.tp:4} {d.fp:4} {d.fn:4} {p:6.3f} {r:6.3f} {f:6.3f}")
        p, r, f = self.core().prf()
        lines.append(f"core micro     P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
        for k in self.extra:
            lines.append(f"{k} accuracy: {self.accuracy(k)}")
        return "\n".join(lines)


VALUE_FIELD = {"price": "value", "percent_move": "percent", "etf_flow": "amount", "price_level": "value", "market_metric": "value"}


def _dedupe(t: str, facts: list[dict]) -> list[dict]:
    """Repeated predictions of one fact count once: they match each other and carry the very same
    value (two distinct levels within the matching tolerance both stay)."""
    out: list[dict] = []
    key = VALUE_FIELD.get(t)
    for f in facts:
        if not any(matches(t, f, o) and matches(t, o, f) and (key is None or o.get(key) == f.get(key)) for o in out):
            out.append(f)
    return out


def record_name(record: dict) -> str:
    """Gold name of a record: file name of ``article.source`` without its extension."""
    name = Path(str((record.get("article") or {}).get("source") or "")).name
    for ext in (".txt", ".html", ".htm", ".json", ".md"):
        if name.endswith(ext):
            name = name[: -len(ext)]
    return name


def score(records: Iterable[dict], gold_dir: Path) -> Report:
    """Score records (dicts as in JSONL) against every gold file in ``gold_dir``."""
    recs = {record_name(r): r for r in records}
    rep = Report()
    for gpath in sorted(Path(gold_dir).glob("*.json")):
        gold = json.loads(gpath.read_text(encoding="utf-8"))
        rep.articles += 1
        rec = recs.get(gpath.stem)
        if rec is None:
            rep.missing.append(gpath.stem)
            rec = {"facts": []}
        for t in ALL_TYPES:
            gf = [f for f in gold.get("facts", []) if f.get("type") == t]
            pf = _dedupe(t, [f for f in rec.get("facts", []) if f.get("type") == t])
            used = [False] * len(pf)
            for g in sorted(gf, key=lambda f: bool(f.get("optional"))):
                hit = next((i for i, p in enumerate(pf) if not used[i] and matches(t, p, g)), None)
                if hit is None:
                    if not g.get("optional"):
                        rep.types[t].fn += 1
                        rep.misses.append(f"MISS {gpath.stem} {t}: {json.dumps({k: v for k, v in g.items() if k != 'type'}, ensure_ascii=False)}")
                    continue
                used[hit] = True
                if g.get("optional"):
                    continue
                rep.types[t].tp += 1
                p = pf[hit]
                if g.get("when"):
                    rep.extra["when"][1] += 1
                    rep.extra["when"][0] += str(p.get("when") or "")[:10] == str(g["when"])[:10]
                if t == "quote":
                    rep.extra["fullname"][1] += 1
                    rep.extra["fullname"][0] += canon(p.get("speaker")) == canon(g.get("speaker"))
                if t == "price_level" and g.get("kind"):
                    rep.extra["kind"][1] += 1
                    rep.extra["kind"][0] += p.get("kind") == g.get("kind")
            for i, p in enumerate(pf):
                if not used[i]:
                    rep.types[t].fp += 1
                    shown = {k: p.get(k) for k in ("asset", "subject", "value", "percent", "direction", "amount", "speaker", "text", "metric", "kind") if p.get(k) is not None}
                    rep.misses.append(f"FALSE {gpath.stem} {t}: {json.dumps(shown, ensure_ascii=False)}")
    return rep
