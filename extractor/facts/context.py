"""What fact modules share: Doc extensions, cached mentions (money, percents, assets, days),
data providers, claims between modules, and evidence construction.

Fact modules never import each other; they meet here. Everything cached is
computed once per Doc and stored in ``doc.user_data``.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.tokens import Doc

from extractor.normalize.assets import AssetMention, find_assets
from extractor.normalize.dates import DayRef, find_days
from extractor.normalize.numbers import PERCENT_RE, Money, finditer_money, percent_from_match
from extractor.records import Evidence
from extractor.facts.doc import view
from extractor.data import pattern_alternation, read_json, read_lines

log = logging.getLogger(__name__)

def doc_text(doc: Doc) -> str:
    """The doc's text, built once: spaCy's ``Doc.text`` re-joins every token on each access."""
    text = doc.user_data.get("fin_text")
    if text is None:
        text = doc.user_data["fin_text"] = doc.text
    return text


def published(doc: Doc) -> str | None:
    """The article's publication date (ISO), set by the pipeline before extraction."""
    return doc.user_data.get("published")


def evidence(doc: Doc, start: int, end: int) -> Evidence:
    """Evidence for characters ``start:end`` of the doc text (always consistent)."""
    return Evidence(start=start, end=end, text=doc_text(doc)[start:end])


def _cached(doc: Doc, key: str, compute):
    if key not in doc.user_data:
        doc.user_data[key] = compute()
    return doc.user_data[key]


def money(doc: Doc) -> list[Money]:
    """Every money expression in the doc, left to right."""
    return _cached(doc, "fin_money", lambda: list(finditer_money(doc_text(doc))))


def percents(doc: Doc) -> list[tuple[int, int, float]]:
    """``(start, end, signed percent)`` of every percent/basis-point expression."""

    def compute():
        out = []
        for m in PERCENT_RE.finditer(doc_text(doc)):
            try:
                out.append((m.start(), m.end(), percent_from_match(m)))
            except ValueError:
                continue
        return out

    return _cached(doc, "fin_percents", compute)


def assets(doc: Doc) -> list[AssetMention]:
    """Every asset mention in the doc, left to right."""
    return _cached(doc, "fin_assets", lambda: list(view(doc).assets))


def days(doc: Doc) -> list[DayRef]:
    """Every day reference in the doc, resolved against the publication date."""
    return _cached(doc, "fin_days", lambda: find_days(doc_text(doc), published(doc)))


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a Doc, as plain offsets and text.

    spaCy's ``doc.sents`` walks every token in Python and ``Span.text`` re-joins the tokens on
    each access; the rules read sentences thousands of times per article, so the table is
    built once per Doc (``sentences``) from two arrays.
    """

    i: int  # position in the doc's sentence list
    start: int  # first token
    end: int  # token after the last
    start_char: int
    end_char: int
    text: str


def sentences(doc: Doc) -> list[Sentence]:
    """The doc's sentences (from the ``is_sent_start`` marks; the whole doc when there are none).

    >>> import spacy
    >>> doc = spacy.blank("en")("Ether rose. It hurt.")
    >>> doc[3].is_sent_start = True
    >>> [(s.i, s.start, s.end, s.start_char, s.end_char, s.text) for s in sentences(doc)]
    [(0, 0, 3, 0, 11, 'Ether rose.'), (1, 3, 6, 12, 20, 'It hurt.')]
    """

    def compute() -> list[Sentence]:
        if not len(doc):
            return [Sentence(0, 0, 0, 0, 0, "")]
        text = doc_text(doc)
        arr = doc.to_array([SENT_START, IDX, LENGTH])
        starts = [i for i, v in enumerate(arr[:, 0].tolist()) if v == 1 or i == 0]
        idx, length = arr[:, 1].tolist(), arr[:, 2].tolist()
        out = []
        for k, a in enumerate(starts):
            b = starts[k + 1] if k + 1 < len(starts) else len(doc)
            a_char, b_char = idx[a], idx[b - 1] + length[b - 1]
            out.append(Sentence(k, a, b, a_char, b_char, text[a_char:b_char]))
        return out

    return _cached(doc, "fin_sentences", compute)


def sentence_at(doc: Doc, char: int) -> Sentence:
    """The sentence containing character ``char``."""
    sents = sentences(doc)
    lo, hi = 0, len(sents) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if sents[mid].start_char <= char:
            lo = mid
        else:
            hi = mid - 1
    return sents[lo]


def within(items, start: int, end: int):
    """Items (with ``.start``/``.end`` or tuple positions) lying inside ``start:end``."""
    for it in items:
        s, e = (it[0], it[1]) if isinstance(it, tuple) else (it.start, it.end)
        if s >= start and e <= end:
            yield it


def day_in(doc: Doc, start: int, end: int) -> DayRef | None:
    """The first day reference inside ``start:end`` (a sentence), if any."""
    return next(iter(within(days(doc), start, end)), None)


# --- claims: a figure used by one fact type is not re-used by another -------

def claim(doc: Doc, start: int, end: int, owner: str) -> None:
    doc.user_data.setdefault("fin_claims", []).append((start, end, owner))


def claimed_by(doc: Doc, start: int, end: int) -> str | None:
    """The type that already claimed an overlapping span, or ``None``. During the move to
    candidates, a figure a converted module made a fact of (or blocked) counts as claimed too."""
    for s, e, owner in doc.user_data.get("fin_claims", ()):
        if s < end and start < e:
            return owner
    for c in doc._.fin_candidates or ():
        if c.status == "fact" and any(s < end and start < e for s, e in c.consumes):
            return c.type
    for b in doc._.fin_blockers or ():
        if b.start < end and start < b.end and not b.rule.endswith(".claimed"):
            return b.rule
    return None


# --- data providers -----------------------------------------------------------

@lru_cache(maxsize=1)
def _provider_re() -> re.Pattern:
    names = read_lines("providers.txt")
    alt = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(
        rf"""
        (?:according\s+to|data\s+(?:from|by|compiled\s+by)|compiled\s+by|per|from|via|by|reported\s+by|cited\s+by)  # cue
        \s+(?:(?:the|data|on-chain\s+analytics\s+firm|analytics\s+firm|crypto\s+data\s+provider|data\s+provider|[a-z]+\s+firm)\s+)*   # filler
        (?P<name>{alt})(?:['’]s)?\b                                 # a known provider
        | (?P<name2>{alt})(?:['’]s)?\s+(?:data|figures|numbers)\b    # "SoSoValue data"
        """,
        re.VERBOSE,
    )


def source_in(text: str) -> str | None:
    """The data provider a sentence attributes its figures to.

    >>> source_in("more than US$700 million was liquidated, according to CoinGlass.")
    'CoinGlass'
    >>> source_in("Data from SoSoValue shows outflows"), source_in("according to data compiled by Bloomberg")
    ('SoSoValue', 'Bloomberg')
    >>> source_in("Bitcoin fell 3%") is None
    True
    """
    m = _provider_re().search(text)
    if not m:
        return None
    return m.group("name") or m.group("name2")


class FactComponent:
    """Transitional adapter for a fact module not yet moved to candidates: its facts become
    ``fact`` candidates and its claims become blockers of the types below it in precedence."""

    def __init__(self, extract):
        self.extract = extract

    def __call__(self, doc: Doc) -> Doc:
        from extractor.facts.candidates import Blocker, Candidate, blockers, candidates
        from extractor.facts.doc import view
        from extractor.facts.resolve import PRECEDENCE

        _claim_converted(doc)
        before = len(doc.user_data.get("fin_claims", ()))
        try:
            found = self.extract(doc)
        except Exception as exc:  # one rule's bug must not cost the article its other facts
            name = getattr(self.extract, "__name__", "extractor")
            log.exception("%s failed", name)
            view(doc).warnings.append(f"{name} failed ({type(exc).__name__}); its facts are missing")
            return doc
        for fact in found:
            candidates(doc).append(Candidate(fact.type, fact.evidence.start, fact.evidence.end, "fact", fact.rule, fact))
        for s, e, owner in doc.user_data.get("fin_claims", [])[before:]:
            below = [t for t in PRECEDENCE[PRECEDENCE.index(owner) + 1 :] if t != "quote"]
            blockers(doc).append(Blocker(s, e, f"{owner}.claimed", frozenset(below)))
        return doc


def _claim_converted(doc: Doc) -> None:
    """The figures converted modules' facts consume, and their blockers' spans, become claims for the
    modules not yet converted (they run after them in precedence order, so must skip those figures)."""
    from extractor.facts.candidates import blockers, candidates

    done_c, done_b = doc.user_data.get("fin_claims_bridged", (0, 0))
    cands, blocks = candidates(doc), blockers(doc)
    for c in cands[done_c:]:
        for s, e in c.consumes if c.status == "fact" else ():
            claim(doc, s, e, c.type)
    for b in blocks[done_b:]:
        if not b.rule.endswith(".claimed"):  # legacy blockers are claims already
            claim(doc, b.start, b.end, b.rule)
    doc.user_data["fin_claims_bridged"] = (len(cands), len(blocks))


# --- attribution helpers shared by prices, levels, moves, flows ---------------

def asset_for(doc: Doc, start: int, end: int | None = None, *, kinds: tuple[str, ...] | None = None, lookback_sents: int = 3) -> AssetMention | None:
    """The asset a figure at ``start:end`` belongs to.

    1. the nearest asset mention before it in the same sentence;
    2. else the first one after it in the same sentence and clause;
    3. else the latest one in up to ``lookback_sents`` earlier sentences of the
       same paragraph or in the heading just above it (running subject).
    ``kinds`` restricts to asset kinds (crypto, index, etf, commodity, stock).
    """
    end = start if end is None else end
    sent = sentence_at(doc, start)
    ok = [a for a in assets(doc) if kinds is None or a.asset.kind in kinds]
    before = [a for a in ok if sent.start_char <= a.start and a.end <= start]
    if before:
        return before[-1]
    # an asset after the figure, in the same clause ("at $91,300 on Tuesday, but ether fell" is not ether's)
    after = [a for a in ok if end <= a.start and a.end <= sent.end_char and not _CLAUSE_BREAK.search(doc_text(doc)[end : a.start])]
    if after:
        return after[0]
    # running subject: earlier sentences, stopping at a blank line (new section) after the first
    sents = sentences(doc)
    idx = sent.i
    for back in range(1, lookback_sents + 1):
        if idx - back < 0:
            break
        prev = sents[idx - back]
        found = [a for a in ok if prev.start_char <= a.start and a.end <= prev.end_char]
        if found:
            return found[-1]
        gap = doc_text(doc)[prev.end_char : sents[idx - back + 1].start_char]
        if gap.count("\n") >= 2 and back > 1:
            break
    return None


def when_for(doc: Doc, start: int, end: int) -> tuple[str | None, str | None]:
    """``(when, when_text)`` from the day reference nearest to ``start:end`` in its sentence."""
    sent = sentence_at(doc, start)
    refs = list(within(days(doc), sent.start_char, sent.end_char))
    if not refs:
        return None, None
    best = min(refs, key=lambda d: min(abs(d.start - end), abs(start - d.end)))
    return best.when, best.text


def grounding(doc: Doc, start: int, end: int, *, evidence_span: tuple[int, int] | None = None, when_span: tuple[int, int] | None = None) -> dict:
    """The fields every fact of a figure at ``start:end`` shares: ``evidence`` (the figure, or
    ``evidence_span``), ``when``/``when_text`` (nearest day to the figure, or to ``when_span``)
    and ``source`` (the provider named in the figure's sentence)."""
    when, when_text = when_for(doc, *(when_span or (start, end)))
    return {
        "evidence": evidence(doc, *(evidence_span or (start, end))),
        "when": when,
        "when_text": when_text,
        "source": source_for(doc, start),
    }


def source_for(doc: Doc, start: int) -> str | None:
    """The data provider named in the sentence of ``start`` (looked up once per sentence)."""
    sent = sentence_at(doc, start)
    found = doc.user_data.setdefault("fin_sentence_sources", {})
    if sent.i not in found:
        found[sent.i] = source_in(sent.text)
    return found[sent.i]


# --- what stops a dollar figure from being a price or a level (prices, levels) ----------

def figure_context():
    from extractor.facts.figures import figure_context as fc

    return fc()


# --- clause windows shared by prices and levels ---------------------------------

_CLAUSE_BREAK = re.compile(
    r"""
    [;:!?]               # hard clause punctuation
    | \s[—–]\s | —       # dashes used as clause breaks
    | \bbut\b            # contrast starts a new clause
    | \bwhile\b          # so does a contrasting 'while'
    """,
    re.VERBOSE | re.IGNORECASE,
)


def clause_before(doc: Doc, start: int, floor: int | None = None) -> str:
    """Text of the clause leading up to ``start`` (within its sentence, after ``floor``).

    The window opens after the last clause break (``;``, ``:``, a dash, "but", "while").
    """
    sent = sentence_at(doc, start)
    lo = sent.start_char if floor is None else max(sent.start_char, floor)
    text = doc_text(doc)[lo:start]
    last = None
    for last in _CLAUSE_BREAK.finditer(text):
        pass
    return text[last.end():] if last else text


def clause_after(doc: Doc, end: int, ceil: int | None = None) -> str:
    """Text of the clause following ``end`` (within its sentence, before ``ceil``)."""
    sent = sentence_at(doc, max(end - 1, 0))
    hi = sent.end_char if ceil is None else min(sent.end_char, ceil)
    text = doc_text(doc)[end:hi]
    m = _CLAUSE_BREAK.search(text)
    return text[: m.start()] if m else text


_HEADING_END = re.compile(r"[.!?:;,\"”’)]\s*$")


def _is_heading(text: str) -> bool:
    """A short line of its own without closing punctuation ("Solana price prediction")."""
    t = text.strip()
    if re.match(r"\w+(?:\s\w+)?:\s", t):  # "Source: TradingView", "Image: CoinGlass" are credits
        return False
    return 0 < len(t) <= 90 and "\n" not in t and not _HEADING_END.search(t)


def section_asset(doc: Doc, start: int, *, max_sents: int = 25) -> AssetMention | None:
    """The running subject of the section holding ``start``: the latest asset named in the
    sentences before it, back to (and including) the nearest heading line.

    A fallback after ``asset_for`` for long sections (technical analysis walks through one
    asset per section: "Ether price prediction" ... "the pair could reach $3,000").
    """
    sent = sentence_at(doc, start)
    sents = sentences(doc)
    idx = sent.i
    found = [a for a in assets(doc) if sent.start_char <= a.start and a.end <= start]
    if found:
        return found[-1]
    for back in range(1, max_sents + 1):
        if idx - back < 0:
            break
        prev = sents[idx - back]
        found = [a for a in assets(doc) if prev.start_char <= a.start and a.end <= prev.end_char]
        if found:
            return found[-1]
        if _is_heading(prev.text):
            break
    return None
