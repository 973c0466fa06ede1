"""Page furniture: the parts of a scraped page that are not the article, as blockers for every fact type.

A price-ticker strip ("BTC$71,904.12+2.15% ETH$3,377.40+1.02%"), a "Related" or "Editors' picks"
block of other stories' headlines (lines that are only links are dropped by cleaning), an author bio or
disclosure ("Petra holds more than $7,500 in BTC"), a promo banner ("get 20% off"): their figures
belong to another story, a ticker, an author or an advert (ANNOTATION.md, "Page furniture").
``fin_furniture`` finds them line by line (``data/furniture.json``) and blocks every fact type
there, so the rule that vetoed a figure is named in ``extractor explain``.

A block opened by a heading ("Related Articles") runs over the link, image, date and short lines
under it and ends at the first line of prose; a bio heading ("About the author") runs to the end.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.language import Language

from extractor.data import compiled, lexicon, pattern_alternation
from extractor.facts.component import FactComponent, Proposal
from extractor.facts.doc import FinDoc
from extractor.facts.lazy import lazy
from extractor.facts.rules import outcome
from extractor.records import FACT_TYPES
from extractor.rx import Caseless, lower_exactly, matches_at, required_words

STRIP = outcome("furniture.ticker_strip", "a price-ticker strip ('BTC$71,904+2.1% ETH$3,377+1.0%'): no facts")
TEASER_LINE = outcome("furniture.teaser_line", "a line of other stories after a 'Read more:' or 'Related:' label ('Read more: Bond "
                      "ETFs notch record month with $48bn of inflows'): no facts")
TEASER_BLOCK = outcome("furniture.teaser_block", "a block of other stories under a 'Related', 'Read more', 'Editors' picks' heading: no facts")
BIO_BLOCK = outcome("furniture.bio_block", "the author box under an 'About the author' or disclosure heading: no facts")
DISCLAIMER = outcome("furniture.disclaimer", "a disclaimer or disclosure paragraph: no facts")
BIO_SENTENCE = outcome("furniture.bio_sentence", "a sentence about the author ('she holds more than $7,500 in BTC'): no facts")
PROMO = outcome("furniture.promo", "a promo banner ('get 20% off', 'our portfolio returned 45%'): no facts")
CHIPS = outcome("furniture.quote_chips", "the quote chips of the assets a page mentions, under 'In this article' or 'Stocks mentioned' "
                "('In this article: ACME +4.1% BETA -1.2%'): no facts")
WIDGET = outcome("furniture.quote_widget", "a quote widget: data labels with their values in a row ('Market Cap $41B Today's Change "
                 "(-1.7%) Current Price $0.85'): no facts")


@dataclass(frozen=True)
class Config:
    max_heading_chars: int = 60  # a heading is a short line of its own
    prose_words: int = 12  # a line of at least this many words without a link is prose: it ends a teaser block
    strip_items: int = 2  # ticker items in a row that make a strip
    promo_max_words: int = 40  # promo lines are short


@dataclass(frozen=True)
class Patterns:
    teaser_heading: re.Pattern
    teaser_label: re.Pattern  # "Read more: <headline> · <headline>": a teaser label opening a line of other stories
    bio_heading: re.Pattern
    disclaimer: re.Pattern
    bio_sentence: re.Pattern
    promo: Caseless
    mentioned_heading: Caseless  # "In this article", "Stocks mentioned" (a heading line, or inline before its chips)
    widget_pair: Caseless  # one data label with its value(s): "Today's Change (-2.2%) -$0.01"
    promo_sentence: Caseless  # promo wording in a longer paragraph: its sentence is furniture
    # the words one of which every match of promo / promo_sentence (over the lower-cased text) and
    # bio_sentence (over the text) holds (``None``: no such words)
    promo_words: tuple[str, ...] | None
    promo_sentence_words: tuple[str, ...] | None
    bio_sentence_words: tuple[str, ...] | None


_STRIP_ITEM = r"[A-Z][A-Z0-9]{1,9}\s?[$€£]?\s?\d[\d,]*(?:\.\d+)?\s?(?:[+\-−–]\s?\d+(?:\.\d+)?%|\(\s?[+\-−–]?\d+(?:\.\d+)?%\s?\))"
# two or more items in a row; written "item, then more items" so the pattern opens with an item's
# capital and re skips ahead to the capitals (same matches as "(?:item){2,}")
STRIP_RUN = re.compile(rf"{_STRIP_ITEM}[\s|·•,]*(?:{_STRIP_ITEM}[\s|·•,]*)+")
# a line of quotes set apart by dots or bars, each a short name and a figure ("DAX 23.870 +0,4 %  ·  EUR/USD 1,1674  ·
# Gold 4.405 €/oz"), after an optional label ("Tickers:"): written in any number format, with or without changes
_STRIP_SEP = re.compile(r"\s+[·•|]\s+")
_STRIP_PART = re.compile(r"[A-Z][\w&/.'’-]*(?:\s[\w&/.'’()-]+){0,3}?\s+[$€£]?[+\-−–]?\d[\d.,]*(?:\s?(?:[KMBkmb%€$£]|bn))?"
                         r"(?:\s?[€$£]?/\w+)?(?:\s+[+\-−–▲▼]\s?\d[\d.,]*\s?%)?")
_STRIP_LABEL = re.compile(r"[^:\n]{0,40}:\s*")
STRIP_LINE_ITEMS = 3  # quotes on one line that make it a strip
MAX_STRIP_LINE = 300
# a quote chip: a name or ticker, maybe a price, a signed or bracketed percent, maybe the change as an amount
# ("ACME +3.15%", "Cardano ADA $0.71 (-1.48%) $0.01")
_NUM = r"\d[\d,]*(?:\.\d+)?"
_CHIP = (rf"(?:[A-Z][\w.&’'/-]*\s+){{0,3}}(?:[$€£]\s?{_NUM}\s+)?"
         rf"(?:\(\s?[+\-−–]?{_NUM}%\s?\)|[+\-−–]\s?{_NUM}%)(?:\s+[+\-−–]?[$€£]\s?[+\-−–]?{_NUM}(?![\w%]))?")
CHIP_RUN = re.compile(rf"\s*:?\s*(?:{_CHIP}[\s|·•,]*)+")
_VALUE = (rf"(?:[+\-−–]?[$€£]\s?[+\-−–]?{_NUM}\s?(?:[KMBT]|bn|mn)?(?![\w%])|\(\s?[+\-−–]?{_NUM}%\s?\)|[+\-−–]?{_NUM}%"
          rf"|[A-Z][a-z]{{2,8}}\.? \d{{1,2}},? \d{{4}})")
_HEADING_MARKUP = re.compile(r"^[#>*_\s]+|[*_:\s]+$")
_DATE_LINE = re.compile(r"^\W*(?:\w{3},?\s)?(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\w+\.? \d{1,2},? \d{4})\b.{0,20}$")
_TERMINAL = re.compile(r"[.!?…][”\"’')\]]*\s*$")
_WORDS = re.compile(r"[A-Za-z][\w’'-]*")


def _gate_words(words: frozenset[str] | None) -> tuple[str, ...] | None:
    """``words`` for ``_lines_holding`` (``None``: no words, or a word holding a line break, which
    a per-line gate cannot see)."""
    if not words or any("\n" in w for w in words):
        return None
    return tuple(sorted(words))


@compiled
def patterns() -> Patterns:
    lx = lexicon("furniture")
    flags = re.IGNORECASE
    promo = Caseless(rf"(?:{pattern_alternation(lx.promo_patterns)})")
    promo_sentence = Caseless(rf"(?:{pattern_alternation(lx.promo_sentence_patterns)})")
    bio_sentence = re.compile(rf"(?:^|(?<=[.!?]\s))(?:{pattern_alternation(lx.bio_sentence_patterns)})")
    return Patterns(
        teaser_heading=re.compile(rf"^(?:{pattern_alternation(lx.teaser_heading_patterns)})$", flags),
        teaser_label=re.compile(rf"(?:^|(?<=[.!?])[ \t]+)(?:[^\w\s]|[ \t_]){{0,8}}(?:{pattern_alternation(list(lx.teaser_heading_patterns) + list(lx.teaser_label_patterns))})[*_]*[ \t]*"
                                rf"(?:[:|–—]|[ \t]-[ \t])[*_ \t]*(?=\S)", flags),
        bio_heading=re.compile(rf"^(?:{pattern_alternation(lx.bio_heading_patterns)})$", flags),
        disclaimer=re.compile(rf"^\W*(?:{pattern_alternation(lx.disclaimer_patterns)})", flags),
        bio_sentence=bio_sentence,
        promo=promo,
        promo_sentence=promo_sentence,
        promo_words=_gate_words(promo.required) if promo.fast is not None else None,
        promo_sentence_words=_gate_words(promo_sentence.required) if promo_sentence.fast is not None else None,
        bio_sentence_words=_gate_words(required_words(bio_sentence.pattern, bio_sentence.flags)),
        mentioned_heading=Caseless(rf"(?:{pattern_alternation(lx.mentioned_heading_patterns)})"),
        widget_pair=Caseless(rf"(?<![\w-])(?P<label>{pattern_alternation(lx.widget_label_patterns)})\s*:?\s*"
                               rf"(?:[A-Z][\w]*(?:-[\w]+)+\s+)?"  # an icon's alt text between label and value ("Arrow-Thin-Down")
                               rf"{_VALUE}(?:\s+{_VALUE})?"),
    )


@dataclass(frozen=True)
class Line:
    start: int
    end: int
    text: str

    @lazy
    def bare(self) -> str:
        """The line without heading markup ('## Related', '**Read more:**'): ``_HEADING_MARKUP``
        removed, by walking in from both ends (the pattern's trailing part ran at every position).

        >>> tests = ("## Related", "**Read more:**", " :: ", "#x_ y:", "__", ":: x *", "\u2003> _A_ :\u00a0")
        >>> [Line(0, 0, t).bare for t in tests[:5]]
        ['Related', 'Read more', '', 'x_ y', '']
        >>> all(Line(0, 0, t).bare == _HEADING_MARKUP.sub("", t) for t in tests)
        True
        """
        t = self.text
        i, j = 0, len(t)
        while i < j and (t[i] in "#>*_" or t[i].isspace()):  # ^[#>*_\s]+ (\s is str.isspace)
            i += 1
        while j > i and (t[j - 1] in "*_:" or t[j - 1].isspace()):  # [*_:\s]+$
            j -= 1
        return t[i:j]


def _lines(text: str) -> list[Line]:
    out, pos = [], 0
    for part in text.split("\n"):
        out.append(Line(pos, pos + len(part), part))
        pos += len(part) + 1
    return out


def _lines_holding(words: tuple[str, ...] | None, text: str | None, starts: list[int]) -> list[bool] | None:
    """For each line (``starts``: where each starts in ``text``), whether one of ``words`` is written
    in it (a word holds no line break, so it lies within one line); ``None`` (every line may hold
    one) without words or a text."""
    if words is None or text is None:
        return None
    out = [False] * len(starts)
    n = len(starts)
    for word in words:
        pos = text.find(word)
        while pos >= 0:  # a line found to hold the word is not searched further for it
            i = bisect_right(starts, pos) - 1
            out[i] = True
            pos = text.find(word, starts[i + 1]) if i + 1 < n else -1
    return out


def _is_heading(line: Line, config: Config) -> bool:
    bare = line.bare
    return 0 < len(bare) <= config.max_heading_chars and not _TERMINAL.search(bare)


def _is_prose(line: Line, p: Patterns, config: Config) -> bool:
    """A line of the article's own text: no link, and long or a whole sentence (teaser headlines
    carry no full stop)."""
    if "](" in line.text:
        return False
    n = len(_WORDS.findall(line.text))
    return n >= config.prose_words or (n >= 3 and bool(_TERMINAL.search(line.text)))


_LINK = re.compile(r"!?\[[^\]\n]*\]\([^)\n]*\)")


def _is_link_line(line: Line | None) -> bool:
    """A line that is only a link (or image link): nothing but a few words outside its links."""
    if line is None or "](" not in line.text:
        return False
    return len(_WORDS.findall(_LINK.sub(" ", line.text))) < 3


def _first_words(line: Line, n: int) -> list[str]:
    words = _WORDS.findall(_LINK.sub(lambda m: m.group()[1:].split("](")[0], line.text))[:n]
    return [re.sub(r"['’]s$", "", w.lower()) for w in words]


def _teaser(headline: Line | None, summary: Line | None) -> bool:
    """A headline (no full stop) and the summary under it that opens with the headline's subject
    ("Quartz Price Forecast: ..." / "Quartz (QRT) approaches ...")."""
    if headline is None or summary is None or _TERMINAL.search(headline.text) or not _TERMINAL.search(summary.text):
        return False
    first = _first_words(summary, 1)
    return bool(first) and first[0] in _first_words(headline, 3)


def _in_teasers(line: Line, before: dict, after: dict, seen: int) -> str | None:
    """What a prose line inside a teaser block is: "headline" or "summary" of a teaser when the block
    is a list of teasers (one was seen already, or another follows), else ``None`` (the article again).
    A summary followed by its teaser's own "More X news" link line is one too."""
    nxt = after.get(id(line))
    if _is_link_line(nxt):
        return "summary"

    def pair_after(x: Line | None) -> bool:
        a = after.get(id(x)) if x is not None else None
        return a is not None and _teaser(a, after.get(id(a)))

    if _teaser(line, nxt) and (seen or pair_after(nxt)):
        return "headline"
    if _teaser(before.get(id(line)), line) and (seen or pair_after(line)):
        return "summary"
    return None


_SENTENCE_GAP = re.compile(r"[.!?]\s")


def _bio_sentences(rx: re.Pattern, line: str) -> Iterator[re.Match]:
    """``rx.finditer(line)`` for ``patterns().bio_sentence``, whose matches start the line or follow
    '. ', '! ' or '? ': the pattern is tried only there."""
    return matches_at(rx, line, (0, *(m.end() for m in _SENTENCE_GAP.finditer(line))))


def _sentence_start(text: str, pos: int) -> int:
    """Where the sentence holding ``pos`` starts (after the last '. ', '! ' or '? ' before it)."""
    lo = max(0, pos - 1000)  # a sentence is read back at most this far (time stays linear in the text)
    starts = [lo + m.end() for m in re.finditer(r"[.!?][”\"’')\]]*\s+", text[lo:pos])]
    return starts[-1] if starts else lo


def _sentence_end(text: str, start: int, line_end: int) -> int:
    m = re.search(r"[.!?](?=\s|$)", text[start:line_end])
    return start + m.end() if m else line_end


def _strip_lines(text: str) -> Iterator[tuple[int, int]]:
    """The lines that are a strip of quotes set apart by dots or bars (``_STRIP_PART`` each, at
    least ``STRIP_LINE_ITEMS``), pipe-table rows aside.

    >>> t = "Live: USD/INR 87.40 | EUR/INR 95.13 | Gold (MCX) 1,48,250\\nThe rupee fell | and so on | badly."
    >>> [t[a:b] for a, b in _strip_lines(t)]
    ['Live: USD/INR 87.40 | EUR/INR 95.13 | Gold (MCX) 1,48,250']
    """
    if "·" not in text and "|" not in text and "•" not in text:
        return
    pos = 0
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end]
        if len(line) <= MAX_STRIP_LINE and not line.lstrip().startswith("|") and _STRIP_SEP.search(line):
            parts = _STRIP_SEP.split(line.strip())
            if len(parts) >= STRIP_LINE_ITEMS:
                label = _STRIP_LABEL.match(parts[0])
                parts[0] = parts[0][label.end() :] if label else parts[0]
                if all(_STRIP_PART.fullmatch(part.strip("*_ ")) for part in parts):
                    yield pos, end
        pos = end + 1


_LABEL_SEPARATORS = (":", "|", "–", "—", " - ")


def _teaser_label(p: Patterns, line: str) -> int | None:
    """Where a teaser label opens the line or one of its sentences ("Read more: ...", "Bitcoin rose. Related - ..."), or ``None``."""
    if not any(sep in line for sep in _LABEL_SEPARATORS):
        return None
    m = p.teaser_label.search(line)
    return m.start() if m is not None else None


def furniture_spans(text: str, config: Config = Config()) -> list[tuple[int, int, str]]:
    """``(start, end, rule id)`` of every piece of page furniture in ``text``, in order.

    >>> t = "Bitcoin rose 2% to $70,000.\\n\\nRelated Articles\\nEther jumps 9% to $4,000\\n\\nThe rally held."
    >>> [(t[s:e][:22], r) for s, e, r in furniture_spans(t)]
    [('Related Articles', 'furniture.teaser_block'), ('Ether jumps 9% to $4,0', 'furniture.teaser_block')]
    >>> [r for _, _, r in furniture_spans("BTC$71,904.12+2.15% ETH$3,377.40+1.02% Bitcoin fell.")]
    ['furniture.ticker_strip']
    """
    p = patterns()
    out: list[tuple[int, int, str]] = [(m.start(), m.end(), STRIP.id) for m in STRIP_RUN.finditer(text)
                                       if len(re.findall(r"%", m.group())) >= config.strip_items]
    out += [(a, b, STRIP.id) for a, b in _strip_lines(text)]
    block: str | None = None
    seen = 0  # teasers (headline and summary) seen in the current teaser block
    lines = _lines(text)
    nonblank = [ln for ln in lines if ln.text.strip()]
    after = {id(a): b for a, b in zip(nonblank, nonblank[1:])}
    before = {id(b): a for a, b in zip(nonblank, nonblank[1:])}
    # the lines where promo, promo_sentence and bio_sentence can match (a word each match needs
    # is in the line): found with one scan of the text each instead of a try on every line
    starts = [ln.start for ln in lines]
    low = lower_exactly(text)
    promo_lines = _lines_holding(p.promo_words, low, starts)
    promo_sentence_lines = _lines_holding(p.promo_sentence_words, low, starts)
    bio_lines = _lines_holding(p.bio_sentence_words, text, starts)
    for i, line in enumerate(lines):
        stripped = line.text.strip()
        if not stripped:
            continue
        heading = _is_heading(line, config)
        if heading and p.teaser_heading.match(line.bare):
            block, seen = TEASER_BLOCK.id, 0
        elif heading and p.bio_heading.match(line.bare):
            block = BIO_BLOCK.id
        elif heading and p.mentioned_heading.fullmatch(line.bare):
            block = CHIPS.id
        elif block == CHIPS.id and _is_prose(line, p, config):
            block = None
        elif block == TEASER_BLOCK.id and _is_prose(line, p, config):
            role = _in_teasers(line, before, after, seen)
            seen += role == "summary"
            if role is None:
                block = None
        if block is not None:
            out.append((line.start, line.end, block))
            continue
        if p.disclaimer.match(line.text):
            out.append((line.start, line.end, DISCLAIMER.id))
        elif (label := _teaser_label(p, line.text)) is not None:
            out.append((line.start + label, line.end, TEASER_LINE.id))
        elif ((promo_lines is None or promo_lines[i]) and len(_WORDS.findall(line.text)) <= config.promo_max_words
              and p.promo.search(line.text)):
            out.append((line.start, line.end, PROMO.id))
        else:
            for m in (_bio_sentences(p.bio_sentence, line.text) if bio_lines is None or bio_lines[i] else ()):
                s = line.start + m.start()
                out.append((s, _sentence_end(text, s, line.end), BIO_SENTENCE.id))
            for m in (p.promo_sentence.finditer(line.text) if promo_sentence_lines is None or promo_sentence_lines[i] else ()):
                s = line.start + _sentence_start(line.text, m.start())
                out.append((s, _sentence_end(text, line.start + m.end(), line.end), PROMO.id))
    out += chip_spans(text, p, config)
    return sorted(set(out))


def chip_spans(text: str, p: Patterns, config: Config) -> list[tuple[int, int, str]]:
    """Quote chips after an inline 'In this article:' / 'Stocks mentioned' heading, and quote widgets
    (two or more data labels with their values in a row, one of them a change)."""
    out = []
    for h in p.mentioned_heading.finditer(text):
        run = CHIP_RUN.match(text, h.end())
        if run and "%" in run.group():
            out.append((h.start(), run.end(), CHIPS.id))
    pairs = list(p.widget_pair.finditer(text))
    i = 0
    while i < len(pairs):
        j = i
        while j + 1 < len(pairs) and not text[pairs[j].end() : pairs[j + 1].start()].strip(" \t|·•,;"):
            j += 1
        if j > i and any("change" in m.group("label").lower() for m in pairs[i : j + 1]):
            out.append((pairs[i].start(), pairs[j].end(), WIDGET.id))
        i = j + 1
    return out


def propose(fd: FinDoc, config: Config) -> Proposal:
    """Blockers for every fact type over the page furniture of the doc."""
    out = Proposal(tracing=fd.tracing)
    for start, end, rule in furniture_spans(fd.text, config):
        out.block(start, end, rule, FACT_TYPES, outranks_all=True)
    return out


def tables() -> tuple:
    return ()


@Language.factory("fin_furniture", assigns=["doc._.fin_blockers"],
                  default_config={"strict": False, "max_heading_chars": 60, "prose_words": 12, "strip_items": 2, "promo_max_words": 40})
def make_component(nlp: Language, name: str, strict: bool, max_heading_chars: int, prose_words: int, strip_items: int,
                   promo_max_words: int) -> FactComponent:
    config = Config(max_heading_chars=max_heading_chars, prose_words=prose_words, strip_items=strip_items, promo_max_words=promo_max_words)
    return FactComponent(name, propose, config, strict=strict)
