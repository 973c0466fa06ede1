"""Consensus across articles: one row per fact reported by several articles, with a conflict flag.

Facts of one *type*, one canonical *subject* and one *day* from different articles are one group:

* subject: the asset or subject, canonical (``"Bitcoin"`` and ``"BTC"`` are ``BTC``), see
  :func:`canonical_subject`;
* detail: what else must match for two figures to be the same figure — a price's currency
  (``USD``), a move's period (``P1D``, or empty), a flow's fund and period (``IBIT``, ``all funds
  P7D``: a fund's ticker, or ``all funds`` for a whole market such as "spot bitcoin ETFs", see
  :func:`flow_scope`), a metric's name, unit and period (``open_interest (USD)``);
* day: the fact's ``when``, else its article's publication date (facts with neither are left out).

Quotes and price levels are not grouped: a quote has no figure, and levels are each analyst's own
view, so different levels are not a disagreement.

Syndicated copies of one story (near-identical texts at several outlets) count once. Two texts
are near-identical when the Jaccard similarity of their sets of word 5-shingles (lower-cased
``\\w+`` words, five in a row) is at least :data:`SYNDICATION_JACCARD` (0.5): a copy with a new
headline, byline, boilerplate or a few edited sentences stays far above it, while independent
articles on the same event share only stock phrases ("according to data from ...") and stay
near 0. Each text's shingles are kept as 64-bit fingerprints (:func:`fingerprints`, computed with
numpy for the whole text at once). Candidate pairs come from MinHash LSH (:func:`minhash`, 128
permutations; :func:`candidate_pairs`, banded for a threshold of 0.3 so that pairs near 0.5 are not
missed) and every candidate is confirmed on the two fingerprint sets, so the decision does not
depend on the MinHash sampling (only on 64-bit fingerprints not colliding: about 2**-64 per pair
of shingles). Copies are joined transitively
into one *story*; its representative is the earliest published copy (then the smallest id).

Outlets come from an article's sources (an article is one cleaned text, read from one or more
paths or URLs): see :func:`extractor.outlets.article_outlets`. An outlet that carried a text at
several paths counts once.

Per group: each story's value is the median of its facts (a story that gives one figure twice,
or in several copies, is one report), then across stories: ``articles`` (independent stories:
syndicated copies count once), ``outlets`` (distinct outlets that carried any of the group's
texts, syndicated copies included), ``copies`` (texts at each outlet: a text carried by two
outlets is two copies, one outlet carrying it at two paths is one), ``facts`` (fact rows),
``median``, ``min_value``, ``max_value``, ``spread`` (max - min) and ``conflict`` by
:data:`TOLERANCES`.

The views ``fact_consensus_facts``, ``fact_consensus_reports`` (one row per group and story) and
``fact_consensus`` (one row per group) are part of the store's layout on both backends
(``extractor/store/ddl.py``, portable SQL). What SQL cannot do portably (canonical names, outlets,
syndication clusters, the tolerances) is computed here into the store's derived tables
(``consensus_articles``, ``consensus_outlets``, ``consensus_names``, ``consensus_tolerances``) by
:func:`refresh_consensus`, which ``extractor batch`` runs after it writes; it recomputes only when
a fingerprint of the articles, their sources and the facts' names changed, so a query on the view
right after a batch is up to date, and a batch that was killed before its refresh is caught up by
the next one. :func:`consensus_fresh` tells whether the tables are up to date.
"""
from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, astuple, dataclass, field
from functools import lru_cache, partial
from pathlib import Path

import numpy as np

from extractor.data import lexicon
from extractor.errors import ExtractorError, StoreError
from extractor.normalize.assets import canonical_asset
from extractor.outlets import article_outlets, outlet
from extractor.store.base import Derivation, FactStore

log = logging.getLogger(__name__)

SHINGLE_WORDS = 5
SYNDICATION_JACCARD = 0.5
LSH_THRESHOLD = 0.3
NUM_PERM = 128
CONSENSUS_TYPES = ("price", "percent_move", "etf_flow", "market_metric")


class ConsensusError(ExtractorError):
    """The consensus view cannot be read (a bad filter, a database made before the view existed)."""


@dataclass(frozen=True)
class Tolerance:
    """When reports of one group disagree: ``spread > relative * |median|``, ``spread > absolute``,
    or (``sign``) one report above zero and one below."""

    relative: float | None = None
    absolute: float | None = None
    sign: bool = False
    doc: str = ""


#: Per fact type: how far apart reports may be before ``conflict`` is set.
TOLERANCES: dict[str, Tolerance] = {
    "price": Tolerance(relative=0.02, doc="prices more than 2% of the median apart"),
    "percent_move": Tolerance(absolute=1.0, sign=True, doc="moves more than 1 percentage point apart, or one up and one down"),
    "etf_flow": Tolerance(relative=0.10, sign=True, doc="net flows more than 10% of the median apart, or one inflow and one outflow"),
    "market_metric": Tolerance(relative=0.05, doc="values more than 5% of the median apart"),
}


# --------------------------------------------------------------------------- names

def canonical_subject(name: str | None) -> str | None:
    """The asset's canonical id when the lexicon knows the name, else the name as written.

    A short all-letter name is also tried as a ticker ("btc", "Eth").

    >>> canonical_subject("Bitcoin"), canonical_subject("btc"), canonical_subject(" Acme Corp "), canonical_subject(None)
    ('BTC', 'BTC', 'Acme Corp', None)
    """
    if name is None:
        return None
    name = name.strip()
    found = canonical_asset(name)
    if found is None and len(name) <= 6 and name.isalpha():
        found = canonical_asset(name.upper())
    return found or name


@lru_cache(maxsize=1)
def _funds() -> tuple[list[tuple[re.Pattern, str]], list[tuple[re.Pattern, str]]]:
    """Fund tickers (unambiguous ones) and fund names, with and without the issuer in front."""
    products = [p.model_dump() for p in lexicon("etf_products").products]
    tickers = [(re.compile(rf"(?<![A-Za-z]){re.escape(p['ticker'])}(?![A-Za-z])"), p["ticker"]) for p in products if not p.get("ambiguous")]
    names = []
    for p in products:
        name = p["name"].lower()
        names.append((name, p["ticker"]))
        issuer = (p.get("issuer") or "").lower()
        rest = name[len(issuer) + 1 :] if issuer and name.startswith(issuer + " ") else ""
        if len(rest.split()) >= 3:  # "Wise Origin Bitcoin Fund"; not a generic "Bitcoin ETF"
            names.append((rest, p["ticker"]))
    pats = [(re.compile(rf"(?<!\w){re.escape(n)}(?!\w)"), t) for n, t in sorted(names, key=lambda t: (-len(t[0]), t[0]))]
    return tickers, pats


_AGGREGATE = re.compile(r"\b(?:etfs|etps|etns|funds|products|vehicles|trusts|exchange-traded\s+funds)\b", re.IGNORECASE)


def flow_scope(product: str | None) -> str:
    """Which funds a flow covers: a fund's ticker, or ``""`` for a whole market.

    >>> [flow_scope(p) for p in ["the iShares Bitcoin Trust (IBIT) of BlackRock", "IBIT", "Grayscale's GBTC", "Wise Origin Bitcoin Fund"]]
    ['IBIT', 'IBIT', 'GBTC', 'FBTC']
    >>> [flow_scope(p) for p in ["U.S. spot bitcoin ETFs", "nine spot Ether ETFs", "Bitcoin products", None]]
    ['', '', '', '']
    >>> flow_scope("SPDR Gold Shares (GLD)"), flow_scope("the Acme Fund")
    ('GLD', 'the acme fund')
    """
    if not product or not product.strip():
        return ""
    p = product.strip()
    m = re.search(r"\(([A-Z][A-Z0-9]{1,5})\)", p)
    if m:
        return m.group(1)
    tickers, names = _funds()
    for rx, ticker in tickers:
        if rx.search(p):
            return ticker
    low = p.lower()
    for rx, ticker in names:
        if rx.search(low):
            return ticker
    if _AGGREGATE.search(p):
        return ""
    return re.sub(r"\s+", " ", low)


# --------------------------------------------------------------------------- syndication

@dataclass(frozen=True)
class ArticleInfo:
    """What consensus needs of an article (whatever store it comes from)."""

    id: str
    text: str
    source: str | None = None
    url: str | None = None
    published: str | None = None

    @property
    def outlet(self) -> str | None:
        return outlet(self.url, self.source)

    @property
    def day(self) -> str | None:
        return self.published[:10] if self.published and len(self.published) >= 10 else None


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[str]:
    """Word ``k``-shingles of lower-cased ``\\w+`` words (one shingle of all words when fewer).

    >>> sorted(shingles("Bitcoin fell 3% to $100,000 today", 5))
    ['3 to 100 000 today', 'bitcoin fell 3 to 100', 'fell 3 to 100 000']
    >>> shingles("Up 3%", 5), shingles("", 5)
    ({'up 3'}, set())
    """
    words = re.findall(r"\w+", text.lower())
    if not words:
        return set()
    if len(words) < k:
        return {" ".join(words)}
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def jaccard(a: set, b: set) -> float:
    """``|a & b| / |a | b|`` (0 for two empty sets).

    >>> jaccard({1, 2, 3}, {2, 3, 4}), jaccard(set(), set())
    (0.5, 0.0)
    """
    union = len(a | b)
    return len(a & b) / union if union else 0.0


_WORD = re.compile(r"\w+")
_BASE = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constants: the polynomials' bases (invertible modulo 2**64)
_SHINGLE_BASE = np.uint64(0xC2B2AE3D27D4EB4F)


_POWERS_KEPT = 1 << 16  # powers kept per base between calls (512 KB each): texts up to 64K characters


@lru_cache(maxsize=4)
def _kept_powers(base: np.uint64) -> np.ndarray:
    out = _compute_powers(base, _POWERS_KEPT)
    out.flags.writeable = False
    return out


def _compute_powers(base: np.uint64, n: int) -> np.ndarray:
    out = np.full(n, base, dtype=np.uint64)
    out[0] = 1
    return np.cumprod(out, dtype=np.uint64)


def _powers(base: np.uint64, n: int) -> np.ndarray:
    """``base**0 .. base**(n-1)`` modulo 2**64 (read-only; the first 64K worked out once per base).

    >>> [int(x) for x in _powers(np.uint64(3), 4)], bool((_powers(_BASE, 70_000)[:9] == _powers(_BASE, 9)).all())
    ([1, 3, 9, 27], True)
    """
    if n <= _POWERS_KEPT:
        return _kept_powers(base)[:n]
    return _compute_powers(base, n)


def _distinct(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` for a 1-d array, by one sort (about a third of its time on a few
    hundred values).

    >>> [int(x) for x in _distinct(np.array([5, 1, 5, 3, 1], dtype=np.uint64))], _distinct(np.empty(0, dtype=np.uint64)).size
    ([1, 3, 5], 0)
    """
    ordered = np.sort(values)
    if ordered.size < 2:
        return ordered
    keep = np.empty(ordered.size, dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


_INVERSE_BASE = np.uint64(pow(int(_BASE), -1, 1 << 64))


def _mix(x: np.ndarray) -> np.ndarray:
    """A bijective 64-bit finaliser (xor-shift-multiply), element-wise."""
    x = x ^ (x >> np.uint64(33))
    x = x * np.uint64(0xFF51AFD7ED558CCD)
    return x ^ (x >> np.uint64(33))


def fingerprints(text: str, k: int = SHINGLE_WORDS) -> np.ndarray:
    """The :func:`shingles` of ``text`` as sorted distinct 64-bit fingerprints (``uint64``). The
    words are :func:`shingles`' words; each word's hash is a polynomial of its code points and each
    shingle's a polynomial of its words' hashes, both modulo 2**64 and computed with numpy for the
    whole text at once, instead of joining and hashing one string per shingle. Deterministic (no
    per-process hash seed); two different shingles share a fingerprint with a probability of about
    2**-64.

    >>> t = "Bitcoin fell 3% to $100,000 today"
    >>> len(fingerprints(t, 5)) == len(shingles(t, 5)), len(fingerprints(t + " " + t, 5)) == len(shingles(t + " " + t, 5))
    (True, True)
    >>> fingerprints("up 3%", 5).size, fingerprints("", 5).size, bool((fingerprints("a b c d e") == fingerprints("A b, c d e!")).all())
    (1, 0, True)
    """
    words = _WORD.findall(text.lower())
    if not words:
        return np.empty(0, dtype=np.uint64)
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    points = np.frombuffer(" ".join(words).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    starts = np.cumsum(lengths + 1) - (lengths + 1)
    ends = starts + lengths
    weighted = np.cumsum(points * _powers(_BASE, len(points)), dtype=np.uint64)  # prefix sums of c_j * B**j
    before = np.where(starts > 0, weighted[np.maximum(starts - 1, 0)], np.uint64(0))
    word_hash = _mix((weighted[ends - 1] - before) * _powers(_INVERSE_BASE, int(starts[-1]) + 1)[starts] + lengths.astype(np.uint64))
    width = min(k, len(word_hash))  # fewer than k words: one shingle of them all
    n = len(word_hash) - width + 1
    out = np.zeros(n, dtype=np.uint64)
    for j in range(width):
        out = out * _SHINGLE_BASE + word_hash[j : j + n]
    return _distinct(_mix(out))


def _overlap(a: np.ndarray, b: np.ndarray) -> float:
    """``jaccard`` of two arrays of distinct fingerprints."""
    common = np.intersect1d(a, b, assume_unique=True).size
    union = a.size + b.size - common
    return common / union if union else 0.0


def _area(y: np.ndarray, x: np.ndarray) -> float:
    """The trapezoidal integral of ``y`` over ``x``."""
    return float(((y[1:] + y[:-1]) * np.diff(x)).sum() / 2.0)


@lru_cache(maxsize=8)
def lsh_bands(threshold: float = LSH_THRESHOLD, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """``(bands, rows)`` of the MinHash LSH: the banding (``bands * rows <= num_perm``) whose
    probability of making a pair a candidate, ``1 - (1 - s**rows)**bands`` at similarity ``s``,
    best separates pairs below ``threshold`` from pairs above it: the least area of false
    positives below it plus false negatives above it, weighted equally (the usual criterion).

    >>> lsh_bands(0.3, 128), lsh_bands(0.5, 128)
    ((37, 3), (25, 5))
    """
    grid = np.linspace(0.0, 1.0, 2001)
    below, above = grid <= threshold, grid >= threshold
    best: tuple[float, int, int] | None = None
    for rows in range(1, num_perm + 1):
        for bands in range(1, num_perm // rows + 1):
            p = 1.0 - (1.0 - grid**rows) ** bands
            error = _area(p[below], grid[below]) + _area(1.0 - p[above], grid[above])
            if best is None or error < best[0] - 1e-12:
                best = (error, bands, rows)
    return best[1], best[2]


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """``NUM_PERM`` affine maps ``x -> a * x + b`` modulo 2**32 (``a`` odd: each a permutation), fixed seed."""
    rng = np.random.Generator(np.random.PCG64(1))
    a = rng.integers(1, 1 << 32, NUM_PERM, dtype=np.uint64).astype(np.uint32) | np.uint32(1)
    b = rng.integers(0, 1 << 32, NUM_PERM, dtype=np.uint64).astype(np.uint32)
    return a, b


def minhash(values: np.ndarray) -> np.ndarray:
    """The MinHash signature (``NUM_PERM`` ``uint32``) of a set of well-mixed 64-bit fingerprints:
    per permutation, the least image of their low 32 bits (all 2**32 - 1 for the empty set).

    >>> x = fingerprints("one two three four five six seven")
    >>> bool((minhash(x) == minhash(np.concatenate([x, x[:2]]))).all()), minhash(x).shape
    (True, (128,))
    """
    a, b = _permutations()
    if not values.size:
        return np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    images = np.multiply(values.astype(np.uint32)[:, None], a)  # (the low 32 bits), one row per value
    images += b  # in place: a second array of this size cost more than the sums (fresh pages)
    return images.min(axis=0)


def candidate_pairs(signatures: dict[str, np.ndarray], threshold: float = LSH_THRESHOLD) -> set[tuple[str, str]]:
    """Pairs ``(a, b)`` (``a < b``) whose signatures agree on every row of at least one band
    (:func:`lsh_bands`): likely above ``threshold``, to be confirmed on the fingerprints.

    >>> s = {k: minhash(fingerprints(t)) for k, t in (("a", "w " * 3 + "x y z u v"), ("b", "w " * 3 + "x y z u v"), ("c", "p q r s t"))}
    >>> sorted(candidate_pairs(s))
    [('a', 'b')]
    """
    bands, rows = lsh_bands(threshold, NUM_PERM)
    buckets: dict[tuple[int, bytes], list[str]] = {}
    for aid in sorted(signatures):
        sig = signatures[aid]
        for i in range(bands):
            buckets.setdefault((i, sig[i * rows : (i + 1) * rows].tobytes()), []).append(aid)
    pairs: set[tuple[str, str]] = set()
    for members in buckets.values():
        if len(members) > 1:
            pairs.update((x, y) for i, x in enumerate(members) for y in members[i + 1 :])
    return pairs


@dataclass(frozen=True)
class Sketch:
    """What syndication reads of one text: its shingles' fingerprints and their MinHash signature."""

    fingerprints: np.ndarray
    signature: np.ndarray

    @classmethod
    def of(cls, text: str) -> "Sketch":
        fp = fingerprints(text)
        return cls(fp, minhash(fp))


class Sketches:
    """Sketches of texts made ahead of a refresh: ``extractor batch`` adds each text as it stores it
    (while its workers extract), and the refresh after the last document reads them instead of
    shingling every new text then, with one core idle. At most ``max_bytes`` of texts and sketches
    are kept; a text past the bound is sketched by the refresh, as without this. The results are the
    same either way: a sketch is a function of the text alone.

    >>> sk = Sketches(max_bytes=10_000)
    >>> sk.add("Bitcoin fell 3% to $100,000 on Monday, traders said."); len(sk)
    1
    >>> a = sk.get("Bitcoin fell 3% to $100,000 on Monday, traders said.")
    >>> b = Sketch.of("Bitcoin fell 3% to $100,000 on Monday, traders said.")
    >>> bool((a.fingerprints == b.fingerprints).all() and (a.signature == b.signature).all())
    True
    >>> sk.add("x " * 20_000); len(sk), sk.get("x " * 20_000) is not None  # over the bound: made on demand
    (1, True)
    """

    def __init__(self, max_bytes: int = 64 << 20):
        self.max_bytes = max_bytes
        self._by_text: dict[str, Sketch] = {}
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._by_text)

    def add(self, text: str) -> None:
        if text in self._by_text:
            return
        sketch = Sketch.of(text)
        size = len(text) + sketch.fingerprints.nbytes + sketch.signature.nbytes
        if self._bytes + size <= self.max_bytes:
            self._by_text[text] = sketch
            self._bytes += size

    def get(self, text: str) -> Sketch:
        """The sketch of ``text``: kept, or made now."""
        found = self._by_text.get(text)
        return found if found is not None else Sketch.of(text)


def syndication(articles: Sequence[ArticleInfo], threshold: float = SYNDICATION_JACCARD,
                sketches: Sketches | None = None) -> dict[str, str]:
    """``article id -> story id``: near-identical texts (see the module doc) share one story, whose id
    is its representative's (earliest published, then smallest id). ``sketches``: those already
    made (else every text is sketched here)."""
    sketch = sketches.get if sketches is not None else Sketch.of
    made = {a.id: sketch(a.text) for a in articles}
    sets = {aid: sk.fingerprints for aid, sk in made.items()}
    signatures = {aid: sk.signature for aid, sk in made.items() if sk.fingerprints.size}
    parent = {a.id: a.id for a in articles}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x, y in sorted(candidate_pairs(signatures)):
        rx_, ry = find(x), find(y)
        if rx_ != ry and _overlap(sets[x], sets[y]) >= threshold:  # (a pair already in one story needs no check)
            parent[max(rx_, ry)] = min(rx_, ry)
    clusters: dict[str, list[ArticleInfo]] = {}
    for a in articles:
        clusters.setdefault(find(a.id), []).append(a)
    story: dict[str, str] = {}
    for members in clusters.values():
        rep = min(members, key=lambda a: (a.published is None, a.published or "", a.id))
        for a in members:
            story[a.id] = rep.id
    return story


# --------------------------------------------------------------------------- the helper tables

#: Version of the computation of the helper tables: a new one (or a new extractor version, new
#: tolerances or thresholds) recomputes them at the next refresh.
CONSENSUS_VERSION = "2"

_READS = {
    "articles": "SELECT id, source, file_hash, url, published FROM articles",
    "sources": "SELECT source, article_id, file_hash FROM sources",
    "names": "SELECT 'subject', asset FROM facts WHERE asset IS NOT NULL"
             " UNION SELECT 'subject', subject FROM facts WHERE subject IS NOT NULL"
             " UNION SELECT 'product', product FROM facts WHERE product IS NOT NULL",
    "texts": "SELECT id, text FROM articles",
}


def _helper_rows(rows: dict[str, list[tuple]], sketches: Sketches | None = None) -> dict[str, list[tuple]]:
    """The helper tables' rows from the stored articles, their sources and the facts' names."""
    texts = dict(rows["texts"])
    stored = {aid: (source, fh, url) for aid, source, fh, url, _ in rows["articles"]}
    infos = [ArticleInfo(aid, texts.get(aid) or "", source, url, published) for aid, source, _, url, published in sorted(rows["articles"])]
    story = syndication(infos, sketches=sketches)
    sources: dict[str, list[tuple[str, str | None]]] = {}
    for source, aid, fh in rows["sources"]:
        sources.setdefault(aid, []).append((source, fh))
    articles, outlets = [], []
    for a in infos:
        source, fh, url = stored[a.id]
        carried = article_outlets(url, source, fh, sorted(sources.get(a.id, ())))
        articles.append((a.id, story[a.id], a.outlet, max(1, len(carried))))
        outlets += [(a.id, o) for o in carried]
    names = sorted({(kind, name) for kind, name in rows["names"]})
    return {
        "consensus_articles": articles,
        "consensus_outlets": outlets,
        "consensus_names": [(kind, name, canonical_subject(name) if kind == "subject" else flow_scope(name)) for kind, name in names],
        "consensus_tolerances": [(t, tol.relative, tol.absolute, int(tol.sign), tol.doc) for t, tol in sorted(TOLERANCES.items())],
    }


def derivation(sketches: Sketches | None = None) -> Derivation:
    """The consensus view's helper tables as a ``Derivation`` of the store (``sketches``: texts'
    sketches already made, see ``Sketches``)."""
    from extractor import __version__

    version = f"{CONSENSUS_VERSION} {__version__} {SHINGLE_WORDS} {SYNDICATION_JACCARD} {sorted((t, astuple(v)) for t, v in TOLERANCES.items())}"
    return Derivation("consensus", version, _READS, ("articles", "sources", "names"), partial(_helper_rows, sketches=sketches))


def prepare() -> None:
    """Load what a refresh reads besides the database (the asset lexicon of ``canonical_subject``,
    the fund scopes of ``flow_scope``) and work out the LSH banding (a search over every banding,
    about 20 ms), so that ``extractor batch`` can do it while it waits on its workers instead of
    after them."""
    _funds()
    canonical_subject("BTC")
    lsh_bands(LSH_THRESHOLD, NUM_PERM)  # (as candidate_pairs calls it: the cache is keyed by the arguments as given)


def refresh_consensus(store: FactStore, sketches: Sketches | None = None) -> bool:
    """Bring the helper tables of ``fact_consensus`` up to date with the database (``extractor
    batch`` calls it after writing, with the ``Sketches`` of the texts it wrote); False when they
    already were."""
    done = store.refresh_derived(derivation(sketches))
    log.info("consensus: helper tables %s", "refreshed" if done else "already up to date")
    return done


def consensus_fresh(store: FactStore) -> bool:
    """The helper tables were computed from the content the database holds now."""
    try:
        return store.derived_fresh(derivation())
    except StoreError as exc:
        raise ConsensusError(_missing_view_hint(store, exc)) from None


def _missing_view_hint(store: FactStore, exc: Exception) -> str:
    text = str(exc)
    if any(name in text for name in ("derived_state", "fact_consensus", "consensus_")):
        return (f"{store.location}: no consensus view ({text}): the database was made before it existed; "
                "any `extractor batch` into it (even one with nothing new) adds it")
    return f"{store.location}: cannot read the consensus view: {text}"


# --------------------------------------------------------------------------- reading

@dataclass(frozen=True)
class Report:
    """One story's figure in a group: its first-published copy's outlet, the outlets that carried
    it, its value (the median of its facts), its copies (texts at each outlet) and facts."""

    story_id: str
    outlet: str | None
    outlets: int
    value: float
    copies: int
    facts: int


@dataclass(frozen=True)
class ConsensusRow:
    """One group of ``fact_consensus`` and the stories behind it."""

    type: str
    subject: str
    detail: str
    day: str
    articles: int
    outlets: int
    copies: int
    facts: int
    median: float
    min_value: float
    max_value: float
    spread: float
    conflict: bool
    reports: tuple[Report, ...] = field(default=())

    def as_dict(self) -> dict:
        return asdict(self)


ROW_COLUMNS = ("type", "subject", "detail", "day", "articles", "outlets", "copies", "facts", "median", "min_value", "max_value", "spread", "conflict")
_REPORT_COLUMNS = ("story_id", "outlet", "outlets", "value", "copies", "facts")


def read_consensus(store: FactStore, *, asset: str | None = None, day: str | None = None, type_: str | None = None,
                   conflicts_only: bool = False) -> list[ConsensusRow]:
    """Rows of ``fact_consensus`` (sorted by day, type, subject, detail), each with its reports
    (sorted by value), read in one statement. ``asset`` is matched canonically ("Bitcoin" finds BTC)."""
    where, params = [], []
    if asset:
        where.append("g.subject = ?")
        params.append(canonical_subject(asset))
    if day:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
            raise ConsensusError(f"day {day!r}: use YYYY-MM-DD")
        where.append("g.day = ?")
        params.append(day)
    if type_:
        if type_ not in CONSENSUS_TYPES:
            raise ConsensusError(f"type {type_!r}: consensus covers {', '.join(CONSENSUS_TYPES)}")
        where.append("g.type = ?")
        params.append(type_)
    if conflicts_only:
        where.append("g.conflict = 1")
    key = ("type", "subject", "detail", "day")
    sql = (f"SELECT {', '.join('g.' + c for c in ROW_COLUMNS)}, {', '.join('r.' + c for c in _REPORT_COLUMNS)}"
           " FROM fact_consensus g JOIN fact_consensus_reports r ON " + " AND ".join(f"r.{c} = g.{c}" for c in key)
           + (" WHERE " + " AND ".join(where) if where else ""))
    try:
        _, rows = store.query(sql, tuple(params))
    except StoreError as exc:
        raise ConsensusError(_missing_view_hint(store, exc)) from None
    groups: dict[tuple, tuple] = {}
    reports: dict[tuple, list[Report]] = {}
    n = len(ROW_COLUMNS)
    for r in rows:
        g, rep = r[:n], r[n:]
        groups[tuple(g[:4])] = g
        reports.setdefault(tuple(g[:4]), []).append(
            Report(rep[0], rep[1], int(rep[2]), float(rep[3]), int(rep[4]), int(rep[5])))
    out = []
    for k in sorted(groups, key=lambda k: (k[3], k[0], k[1], k[2])):
        t, s_, d, dy, arts, outs, copies, facts, med, lo, hi, spread, conflict = groups[k]
        out.append(ConsensusRow(t, s_, d, dy, int(arts), int(outs), int(copies), int(facts), float(med), float(lo), float(hi),
                                float(spread), bool(conflict), tuple(sorted(reports[k], key=lambda x: (x.value, x.story_id)))))
    return out


def write_parquet(rows: Sequence[ConsensusRow], out: str | Path) -> int:
    """One Parquet row per group (the ``fact_consensus`` columns); return the row count."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"articles": pa.int32(), "outlets": pa.int32(), "copies": pa.int32(), "facts": pa.int32(), "conflict": pa.bool_(),
             **{c: pa.float64() for c in ("median", "min_value", "max_value", "spread")}}
    schema = pa.schema([(c, types.get(c, pa.string())) for c in ROW_COLUMNS])
    table = pa.table({c: pa.array([getattr(r, c) for r in rows], type=schema.field(c).type) for c in ROW_COLUMNS}, schema=schema)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(str(out) + ".part")
    pq.write_table(table, str(tmp))
    tmp.replace(out)
    return len(rows)


def iter_rows_as_dicts(rows: Iterable[ConsensusRow]) -> Iterator[dict]:
    for r in rows:
        d = r.as_dict()
        d["reports"] = [asdict(x) for x in r.reports]
        yield d
