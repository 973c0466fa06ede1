"""The Doc view every fact component reads: text, sentences and cached mentions, built once per Doc.

``view(doc)`` returns the ``FinDoc`` of a spaCy ``Doc`` (kept in one ``user_data`` entry). Every
cached mention list is a ``SpanIndex``: sorted by position and searched by bisection, so a rule
that asks "which assets lie in this window" costs the size of the window, not the length of
the article (time stays linear in the text, whatever it holds).
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import numpy
from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.tokens import Doc

from extractor.facts.lazy import lazy
from extractor.normalize.assets import AssetMention, find_assets
from extractor.normalize.dates import DayRef, find_days
from extractor.normalize.numbers import TOKEN_UNITS, Money, finditer_money, finditer_percents

_KEY = "fin_view"
_LOWER_WORD = re.compile(r"(?<![\w’'-])[a-z][a-z’'-]+")  # a word written in lower case


class _Spanned(Protocol):
    start: int
    end: int


T = TypeVar("T", bound=_Spanned)


class SpanIndex(Generic[T]):
    """Items with ``start``/``end``, sorted by ``start``, looked up by position.

    >>> from extractor.normalize.dates import DayRef
    >>> idx = SpanIndex([DayRef(10, 16, "Monday", None), DayRef(30, 37, "Tuesday", None)])
    >>> [d.text for d in idx.within(0, 20)], [d.text for d in idx.within(12, 40)]
    (['Monday'], ['Tuesday'])
    >>> idx.last_before(29).text, idx.first_after(17).text, idx.first_after(38)
    ('Monday', 'Tuesday', None)
    """

    def __init__(self, items: Sequence[T]):
        self.items: list[T] = sorted(items, key=lambda x: (x.start, x.end))
        self.starts = [x.start for x in self.items]

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]

    def within(self, lo: int, hi: int) -> list[T]:
        """Items that start at or after ``lo`` and end at or before ``hi``."""
        a, b = bisect_left(self.starts, lo), bisect_left(self.starts, hi)
        return [x for x in self.items[a:b] if x.end <= hi]

    def last_before(self, pos: int, lo: int = 0) -> T | None:
        """The item ending at or before ``pos`` that starts latest (not before ``lo``)."""
        i = bisect_right(self.starts, pos) - 1
        while i >= 0 and self.items[i].start >= lo:
            if self.items[i].end <= pos:
                return self.items[i]
            i -= 1
        return None

    def first_after(self, pos: int, hi: int | None = None) -> T | None:
        """The first item starting at or after ``pos`` (ending by ``hi``)."""
        i = bisect_left(self.starts, pos)
        if i < len(self.items) and (hi is None or self.items[i].end <= hi):
            return self.items[i]
        return None

    def overlapping(self, lo: int, hi: int, max_len: int = 200) -> list[T]:
        """Items that overlap ``lo:hi`` (items are at most ``max_len`` characters long)."""
        a, b = bisect_left(self.starts, lo - max_len), bisect_left(self.starts, hi)
        return [x for x in self.items[a:b] if x.end > lo]


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a Doc, as plain offsets and text."""

    i: int  # position in the doc's sentence list
    start: int  # first token
    end: int  # token after the last
    start_char: int
    end_char: int
    text: str


@dataclass(frozen=True, slots=True)
class Percent:
    """A percent or basis-point expression: ``value`` is the signed percent."""

    start: int
    end: int
    value: float


_TERMINAL = {".", "!", "?", "…", "...", "?!", "!?"}
# spaCy's tokenizer keeps a full stop glued to a figure with a unit ("$60K.", "2.5M."): still a sentence end
_FIGURE_STOP = re.compile(r"^[$€£]?\d[\d,.]*(?:[KkMmBbTt]|bn|mn|tn|[%xX])\.$")
_CLOSERS = {"”", "’", '"', "'", ")", "]", "»"}
_STRAIGHT = {'"', "'"}  # closers that open a quotation as well


_NUMBER_ABBREVIATIONS = {"No", "no", "Nos", "nos", "Vol", "vol", "Fig", "fig"}  # "the No. 2 token": a number follows, not a sentence
_AFTER_NUMBER_ABBREVIATION = 2  # the state after such a full stop: a sentence starts at a capital, not at a digit


def _start_step(word: str, after_terminal: int, after_newline: bool, spaced: bool = False, prev: str = "") -> tuple[bool, int, bool]:
    """One token of ``sentence_starts``: whether ``word`` starts a sentence (the first token aside),
    then the state after it (after a terminal token, after a newline). ``spaced``: whitespace stands
    right before the token, so a straight quotation mark after a sentence's end opens the next one
    ('said. "Rates ...') instead of closing the sentence ('said."'). ``prev``: the token before,
    so that the full stop of "No." leaves a number after it in the sentence ("the No. 2 token")."""
    is_space = word.isspace()
    opener = spaced and after_terminal and word in _STRAIGHT
    start = not is_space and (after_newline or opener or (
        after_terminal and word not in _CLOSERS and word not in _TERMINAL
        and (word[:1].isupper() or (word[:1].isdigit() and after_terminal != _AFTER_NUMBER_ABBREVIATION) or word[:1] in "“\"‘'(*-$")))
    # a newline (always its own space token) ends a paragraph or list item
    after_newline = (after_newline or "\n" in word) if is_space else False
    if word == "." and prev in _NUMBER_ABBREVIATIONS:
        after_terminal = _AFTER_NUMBER_ABBREVIATION
    elif word in _TERMINAL or (word[-1:] == "." and _FIGURE_STOP.match(word)):
        after_terminal = True
    elif (opener or not (word in _CLOSERS and after_terminal)) and not is_space:
        after_terminal = False
    return start, after_terminal, after_newline


def sentence_starts(words: Sequence[str], spaced: Sequence[bool] | None = None) -> list[bool]:
    """Which tokens start a sentence: paragraph breaks (newlines) and terminal punctuation
    (``spaced``: whether whitespace stands right before each token).

    Cheaper than the parser and better on news: "Feb. 5" and "U.S." are single tokens for
    spaCy's English tokenizer, closing quotes stay with their sentence.

    >>> sentence_starts(["Ether", " ", "rose", ".", " ", "“", "It", "hurt", ",", "”", "he", "said", ".", "\\n", "New"])
    [True, False, False, False, False, True, False, False, False, False, False, False, False, False, True]
    >>> sentence_starts(["Bitcoin", "slid", "to", "$", "60K.", "Ether", "rose", "on", "Monday", "."])
    [True, False, False, False, False, True, False, False, False, False]
    >>> sentence_starts(["He", "said", ".", '"', "Go", '"', ","], [False, True, False, True, False, False, False])
    [True, False, False, True, False, False, False]
    >>> sentence_starts(["Ether", ",", "the", "No", ".", "2", "token", ",", "fell", ".", "2", "more"])
    [True, False, False, False, False, False, False, False, False, False, True, False]
    """
    starts = []
    after_terminal = after_newline = False
    for i, word in enumerate(words):
        start, after_terminal, after_newline = _start_step(word, after_terminal, after_newline, bool(spaced and spaced[i]),
                                                           words[i - 1] if i else "")
        starts.append(start or i == 0)
    return starts


_LAST_OF_TERMINAL = numpy.array([ord(c) for c in ".!?…"], dtype=numpy.uint32)  # how a terminal token ends


def sentence_start_tokens(text: str, idx, length) -> list[int]:
    """The tokens ``sentence_starts`` marks, for tokens given by character offsets ``idx`` and lengths
    ``length`` (numpy arrays) into ``text``, without a Python step per token.

    ``sentence_starts`` has state only after a terminal token or a newline, and any other word
    clears it; so only the runs of tokens that follow such a trigger (found with numpy) are walked,
    with the same rules.

    >>> text = "Ether rose.  “It hurt,” he said.\\nNew"
    >>> words = ["Ether", "rose", ".", " ", "“", "It", "hurt", ",", "”", "he", "said", ".", "\\n", "New"]
    >>> idx, pos = [], 0
    >>> for w in words:
    ...     pos = text.index(w, pos); idx.append(pos); pos += len(w)
    >>> starts = sentence_start_tokens(text, numpy.array(idx), numpy.array([len(w) for w in words]))
    >>> starts == [i for i, f in enumerate(sentence_starts(words)) if f]
    True
    """
    n = len(idx)
    if not n:
        return []
    codes = numpy.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32)
    idx = numpy.asarray(idx, dtype=numpy.int64)
    length = numpy.asarray(length, dtype=numpy.int64)
    triggers = numpy.flatnonzero(numpy.isin(codes[idx + length - 1], _LAST_OF_TERMINAL))
    newlines = numpy.flatnonzero(codes == 10)
    if len(newlines):
        triggers = numpy.union1d(triggers, numpy.searchsorted(idx, newlines, side="right") - 1)
    starts = [0]
    done = 0  # tokens before this one have been walked (or need no walk)
    for t in [0, *triggers.tolist()]:
        if t < done or t >= n:
            continue
        after_terminal = after_newline = False
        j = t
        while j < n:  # the rules of ``sentence_starts``, from a quiet state, until the state is quiet again
            a = int(idx[j])
            word = text[a : a + int(length[j])]
            prev = text[int(idx[j - 1]) : int(idx[j - 1]) + int(length[j - 1])] if j and word == "." else ""
            start, after_terminal, after_newline = _start_step(word, after_terminal, after_newline, a > 0 and text[a - 1].isspace(), prev)
            if start and j:
                starts.append(j)
            j += 1
            if not after_terminal and not after_newline:
                break
        done = j
    return starts


class Sentences:
    """The doc's sentences, built once from two arrays (``doc.sents`` makes a Python object per
    token and ``Span.text`` re-joins tokens on each access; the rules read sentences often)."""

    def __init__(self, doc: Doc, text: str):
        self.items: list[Sentence] = []
        if not len(doc):
            self.items.append(Sentence(0, 0, 0, 0, 0, ""))
        else:
            arr = doc.to_array([SENT_START, IDX, LENGTH])
            idx, length = arr[:, 1].astype(numpy.int64), arr[:, 2].astype(numpy.int64)
            if doc.has_annotation("SENT_START"):
                starts = numpy.flatnonzero(arr[:, 0] == 1).tolist()
                if not starts or starts[0] != 0:
                    starts.insert(0, 0)
            else:  # a component running on a blank pipeline: split here, leave the Doc as it is
                starts = sentence_start_tokens(text, idx, length)
            ends = starts[1:] + [len(doc)]
            a_chars = idx[starts].tolist()
            b_chars = (idx[numpy.array(ends) - 1] + length[numpy.array(ends) - 1]).tolist()
            for k, (a, b, a_char, b_char) in enumerate(zip(starts, ends, a_chars, b_chars)):
                self.items.append(Sentence(k, a, b, a_char, b_char, text[a_char:b_char]))
        self.starts = [s.start_char for s in self.items]

    def __iter__(self) -> Iterator[Sentence]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> Sentence:
        return self.items[i]

    def at(self, char: int) -> Sentence:
        """The sentence containing character ``char`` (the one before it, in a gap)."""
        return self.items[max(0, bisect_right(self.starts, char) - 1)]


class FinDoc:
    """What the fact components read of a Doc, each part computed once on first use."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.text: str = doc.user_data.get("fin_text") or doc.text
        self.published: str | None = doc.user_data.get("published")
        self.warnings: list[str] = []
        self.tracing: bool = bool(doc.user_data.get("fin_tracing"))  # keep candidates' traces (explain)
        self._cache: dict = {}

    @lazy
    def sentences(self) -> Sentences:
        return Sentences(self.doc, self.text)

    def sentence_at(self, char: int) -> Sentence:
        return self.sentences.at(char)

    @lazy
    def lower_words(self) -> frozenset[str]:
        """Words the text writes in lower case (a capitalised word also written so is a common word
        at a sentence start, not a name): read by the NER's windows and the entity registry."""
        return frozenset(_LOWER_WORD.findall(self.text))

    @lazy
    def money(self) -> SpanIndex[Money]:
        """Every money expression, left to right."""
        return SpanIndex(list(finditer_money(self.text)))

    @lazy
    def percents(self) -> SpanIndex[Percent]:
        """Every percent or basis-point expression, with its signed value."""
        found = [Percent(start, end, value) for start, end, value in finditer_percents(self.text)]
        if "|" in self.text:
            from extractor.facts.windows import table_percent_cells  # (windows reads this module)

            found = sorted(found + table_percent_cells(self, found), key=lambda p: p.start)
        return SpanIndex(found)

    @lazy
    def assets(self) -> SpanIndex[AssetMention]:
        """Every asset mention: lexicon assets and the entities the article introduces."""
        from extractor.facts.entities import article_assets

        found = article_assets(self.text, self.lower_words)
        from extractor.facts.windows import item_labels, table_row_labels  # (windows reads this module)

        # names only a table or a list gives ("| Kinsale Tech | 1,478p |", "- Lyft — The stock was indicated at $13.10")
        labels = (table_row_labels(self, found) if "|" in self.text else []) + (item_labels(self, found) if "\n" in self.text else [])
        if labels:
            found = sorted(found + labels, key=lambda a: a.start)
        if any(a.asset.kind == "fx" for a in found):  # a currency as the unit figures are given in
            found = [a for a in found if a.asset.kind != "fx" or not _denomination(self, a)]
        if any(m.currency in TOKEN_UNITS for m in self.money):  # a token as a price's unit
            units = {(m.start, m.end): m.currency for m in self.money if m.currency in TOKEN_UNITS}
            spans = sorted(units)
            found = [a for a in found if not _unit_of(a, spans, units)]
        return SpanIndex(found)

    @lazy
    def days(self) -> SpanIndex[DayRef]:
        """Every day reference, resolved against the publication date."""
        return SpanIndex(find_days(self.text, self.published))

    def cached(self, key: str, compute):
        """A value computed once per Doc for ``key`` (for a component's own derived data)."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]


def view(doc: Doc) -> FinDoc:
    """The ``FinDoc`` of ``doc`` (created on first use)."""
    fd = doc.user_data.get(_KEY)
    if fd is None:
        fd = doc.user_data[_KEY] = FinDoc(doc)
    return fd


def _unit_of(a, spans: list[tuple[int, int]], units: dict[tuple[int, int], str]) -> bool:
    """Whether the asset mention ``a`` is the unit a money figure is written in ("66,870 USDT"): the
    token is what the price is counted in, not what it is the price of (so "It's down 3.2%" after
    "BTC is sitting at 66,870 USDT" is bitcoin's move). ``spans``: the money spans in a token unit, sorted."""
    i = bisect_right(spans, (a.start, float("inf"))) - 1
    return i >= 0 and spans[i][0] < a.start and a.end <= spans[i][1] and units[spans[i]] == a.asset.canonical


_IN_BEFORE = re.compile(r"(?<![\w-])[Ii]n\s+$")
_TERMS_AFTER = re.compile(r"\s+terms\b")
DENOMINATION_REACH = 40  # characters after "in <currency>" in which the figure in that currency stands


def _denomination(fd: FinDoc, a: AssetMention) -> bool:
    """Whether the currency mention ``a`` names what figures are given in, not an asset: "in euro
    terms", or "in <currency>" with a figure in that currency soon after in the sentence ("in sterling
    at £55,480"). "Volatility in sterling rose as the pound fell to $1.25" keeps its mention."""
    if not _IN_BEFORE.search(fd.text, max(0, a.start - 8), a.start):
        return False
    if _TERMS_AFTER.match(fd.text, a.end):
        return True
    stop = min(fd.sentence_at(a.start).end_char, a.end + DENOMINATION_REACH)
    figure = next(iter(fd.money.within(a.end, stop)), None)
    return figure is not None and figure.currency == a.asset.canonical

