"""Asset names -> canonical ids (tickers for crypto, plain names otherwise), from ``data/assets.jsonl``.

Three kinds of alias, compiled once into one regex:
- ``names`` match in any case ("bitcoin", "Bitcoin");
- ``cased_names`` and ``tickers`` match only as written ("Sui", "BTC");
- ``ambiguous_tickers`` are ordinary words ("LINK", "NEAR") and match only as
  ``(LINK)``, ``$LINK`` or ``LINK/USDT``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from extractor.data import alternation, compiled, rows


@dataclass(frozen=True)
class Asset:
    """An asset as a fact names it: ``id`` is what the record carries (a token's ticker; the name
    as the article writes it for everything else), ``key`` the lexicon entry it belongs to."""

    id: str
    kind: str  # crypto | index | etf | commodity | stock | fx | pair
    key: str | None = None

    @property
    def canonical(self) -> str:
        return self.key or self.id


@dataclass(frozen=True)
class AssetMention:
    start: int
    end: int
    text: str
    asset: Asset


# "Nasdaq-listed shares", "bitcoin-linked stocks": the name is part of an adjective, not the asset
_NOT_AN_ADJECTIVE = r"(?!-(?:listed|based|linked|backed|focused|traded|denominated|related|native|centric)\b)"


@compiled
def _lexicon():
    assets: dict[str, Asset] = {}
    as_written: set[str] = set()  # ids whose mentions keep the article's own wording
    ci: dict[str, str] = {}  # lower-cased alias -> id
    exact: dict[str, str] = {}  # alias as written -> id
    ambiguous: dict[str, str] = {}
    for row in rows("assets"):
        assets[row.id] = Asset(row.id, row.kind, row.id)
        if (row.display or ("id" if row.kind == "crypto" else "as_written")) == "as_written":
            as_written.add(row.id)
        for n in row.names:
            ci.setdefault(n.lower(), row.id)
        for n in row.cased_names + row.tickers:
            exact.setdefault(n, row.id)
        for n in row.ambiguous_tickers:
            ambiguous.setdefault(n, row.id)

    def alt(words, ignore_case=False):
        return alternation(words, ignore_case=ignore_case, any_space=False)

    pattern = re.compile(
        rf"""
        (?<![\w$&])(?P<ci>{alt(ci, True)})(?![\w&]){_NOT_AN_ADJECTIVE}      # case-insensitive names
        | (?<![\w$&/])(?<![A-Z]\.)(?-i:(?P<exact>{alt(exact)}))(?![\w&]){_NOT_AN_ADJECTIVE}  # tickers and cased names, as written (not the S of U.S.)
        | (?:(?<=\()|(?<=\$))(?-i:(?P<amb>{alt(ambiguous)}))(?=\)|\b)  # (LINK) or $LINK
        | (?<![\w$&])(?-i:(?P<pair>{alt(ambiguous)}))(?=/USDT?\b|/USD\b|/BTC\b)  # LINK/USDT
        """,
        re.VERBOSE | re.IGNORECASE,
    )
    return assets, ci, exact, ambiguous, pattern, frozenset(as_written)


def canonical_asset(name: str) -> str | None:
    """Canonical id of an asset name or ticker, or ``None`` if it is not in the lexicon.

    >>> canonical_asset("Ethereum"), canonical_asset("ether"), canonical_asset("BTC"), canonical_asset("S&P 500 Index")
    ('ETH', 'ETH', 'BTC', 'S&P 500')
    >>> canonical_asset("LINK"), canonical_asset("Solana"), canonical_asset("Acme Corp") is None
    ('LINK', 'SOL', True)
    """
    assets, ci, exact, ambiguous, _, _ = _lexicon()
    s = name.strip()
    return exact.get(s) or ci.get(s.lower()) or ambiguous.get(s) or (s if s in assets else None)


def asset_kind(asset_id: str) -> str | None:
    """``crypto``, ``index``, ``etf``, ``commodity`` or ``stock``.

    >>> asset_kind("BTC"), asset_kind("gold")
    ('crypto', 'commodity')
    """
    a = _lexicon()[0].get(asset_id)
    return a.kind if a else None


def find_assets(text: str, offset: int = 0) -> list[AssetMention]:
    """Every asset mention in ``text``, left to right, longest alias first.

    >>> [(m.text, m.asset.id) for m in find_assets("Bitcoin (BTC) and ether fell; LINK rose; (LINK) and DOGE/USDT")]
    [('Bitcoin', 'BTC'), ('BTC', 'BTC'), ('ether', 'ETH'), ('LINK', 'LINK'), ('DOGE', 'DOGE')]
    >>> [(m.asset.id, m.asset.canonical) for m in find_assets("The Invesco QQQ Trust and the S&P 500 Index; Brent crude")]
    [('Invesco QQQ Trust', 'QQQ'), ('S&P 500', 'S&P 500'), ('Brent crude', 'Brent')]
    >>> [m.text for m in find_assets("Meridian's Nasdaq-listed shares and bitcoin-linked stocks fell; the Nasdaq-100 rose")]
    ['Nasdaq-100']
    >>> [m.text for m in find_assets("in early U.S. trading")]
    []
    """
    assets, ci, exact, ambiguous, pattern, as_written = _lexicon()
    out = []
    for m in pattern.finditer(text):
        if m.group("ci"):
            aid = ci[m.group("ci").lower()]
        elif m.group("exact"):
            aid = exact[m.group("exact")]
        else:
            aid = ambiguous[m.group("amb") or m.group("pair")]
        asset = assets[aid]
        if aid in as_written:  # the record keeps the article's wording of a stock, index, commodity or currency
            asset = Asset(" ".join(m.group(0).split()), asset.kind, aid)
        out.append(AssetMention(m.start() + offset, m.end() + offset, m.group(0), asset))
    return out
