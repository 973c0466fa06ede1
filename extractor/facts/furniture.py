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
from dataclasses import dataclass

from spacy.language import Language

from extractor.data import compiled, lexicon, pattern_alternation
from extractor.facts.component import FactComponent, Proposal
from extractor.facts.doc import FinDoc
from extractor.facts.rules import outcome
from extractor.records import FACT_TYPES

STRIP = outcome("furniture.ticker_strip", "a price-ticker strip ('BTC$71,904+2.1% ETH$3,377+1.0%'): no facts")
TEASER_BLOCK = outcome("furniture.teaser_block", "a block of other stories under a 'Related', 'Read more', 'Editors' picks' heading: no facts")
BIO_BLOCK = outcome("furniture.bio_block", "the author box under an 'About the author' or disclosure heading: no facts")
DISCLAIMER = outcome("furniture.disclaimer", "a disclaimer or disclosure paragraph: no facts")
BIO_SENTENCE = outcome("furniture.bio_sentence", "a sentence about the author ('she holds more than $7,500 in BTC'): no facts")
PROMO = outcome("furniture.promo", "a promo banner ('get 20% off', 'our portfolio returned 45%'): no facts")


@dataclass(frozen=True)
class Config:
    max_heading_chars: int = 60  # a heading is a short line of its own
    prose_words: int = 12  # a line of at least this many words without a link is prose: it ends a teaser block
    strip_items: int = 2  # ticker items in a row that make a strip
    promo_max_words: int = 40  # promo lines are short


@dataclass(frozen=True)
class Patterns:
    teaser_heading: re.Pattern
    bio_heading: re.Pattern
    disclaimer: re.Pattern
    bio_sentence: re.Pattern
    promo: re.Pattern


_STRIP_ITEM = r"[A-Z][A-Z0-9]{1,9}\s?[$€£]?\s?\d[\d,]*(?:\.\d+)?\s?(?:[+\-−–]\s?\d+(?:\.\d+)?%|\(\s?[+\-−–]?\d+(?:\.\d+)?%\s?\))"
STRIP_RUN = re.compile(rf"(?:{_STRIP_ITEM}[\s|·•,]*){{2,}}")
_HEADING_MARKUP = re.compile(r"^[#>*_\s]+|[*_:\s]+$")
_DATE_LINE = re.compile(r"^\W*(?:\w{3},?\s)?(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\w+\.? \d{1,2},? \d{4})\b.{0,20}$")
_TERMINAL = re.compile(r"[.!?…][”\"’')\]]*\s*$")
_WORDS = re.compile(r"[A-Za-z][\w’'-]*")


@compiled
def patterns() -> Patterns:
    lx = lexicon("furniture")
    flags = re.IGNORECASE
    return Patterns(
        teaser_heading=re.compile(rf"^(?:{pattern_alternation(lx.teaser_heading_patterns)})$", flags),
        bio_heading=re.compile(rf"^(?:{pattern_alternation(lx.bio_heading_patterns)})$", flags),
        disclaimer=re.compile(rf"^\W*(?:{pattern_alternation(lx.disclaimer_patterns)})", flags),
        bio_sentence=re.compile(rf"(?:^|(?<=[.!?]\s))(?:{pattern_alternation(lx.bio_sentence_patterns)})"),
        promo=re.compile(rf"(?:{pattern_alternation(lx.promo_patterns)})", flags),
    )


@dataclass(frozen=True)
class Line:
    start: int
    end: int
    text: str

    @property
    def bare(self) -> str:
        """The line without heading markup ('## Related', '**Read more:**')."""
        return _HEADING_MARKUP.sub("", self.text)


def _lines(text: str) -> list[Line]:
    out, pos = [], 0
    for part in text.split("\n"):
        out.append(Line(pos, pos + len(part), part))
        pos += len(part) + 1
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


def _is_headline(line: Line, config: Config) -> bool:
    """A story headline: a line of a few words with no link and no closing full stop."""
    n = len(_WORDS.findall(line.text))
    return "](" not in line.text and 4 <= n <= 30 and not _TERMINAL.search(line.text)


def _teaser_summary(lines: list[Line], i: int, p: Patterns, config: Config) -> bool:
    """Line ``i`` is part of a teaser of a block that alternates story headlines and one-paragraph
    summaries: a headline with a summary and then another headline after it, or a summary between
    two headlines."""
    def headline(k: int) -> bool:
        return 0 <= k < len(lines) and _is_headline(lines[k], config) and not p.teaser_heading.match(lines[k].bare)

    def summary(k: int) -> bool:
        return 0 <= k < len(lines) and not _is_headline(lines[k], config) and _is_prose(lines[k], p, config)

    if headline(i):
        return summary(i + 1) and headline(i + 2)
    return headline(i - 1) and headline(i + 1)


def _sentence_end(text: str, start: int, line_end: int) -> int:
    m = re.search(r"[.!?](?=\s|$)", text[start:line_end])
    return start + m.end() if m else line_end


def furniture_spans(text: str, config: Config = Config()) -> list[tuple[int, int, str]]:
    """``(start, end, rule id)`` of every piece of page furniture in ``text``, in order.

    >>> t = "Bitcoin rose 2% to $70,000.\\n\\nRelated Articles\\nEther jumps 9% to $4,000\\n\\nThe rally held."
    >>> [(t[s:e][:22], r) for s, e, r in furniture_spans(t)]
    [('Related Articles', 'furniture.teaser_block'), ('Ether jumps 9% to $4,0', 'furniture.teaser_block')]
    >>> t = "Editors' Picks\\nSolana eyes a breakout as fees climb\\nSolana traded near $150 on Monday as network fees rose to a three-month high.\\nDogecoin slips as whales take profit\\nDogecoin dropped 6% to $0.17 after large holders sold.\\nMore markets news today"
    >>> len([r for _, _, r in furniture_spans(t)])
    6
    >>> [r for _, _, r in furniture_spans("BTC$71,904.12+2.15% ETH$3,377.40+1.02% Bitcoin fell.")]
    ['furniture.ticker_strip']
    """
    p = patterns()
    out: list[tuple[int, int, str]] = [(m.start(), m.end(), STRIP.id) for m in STRIP_RUN.finditer(text)
                                       if len(re.findall(r"%", m.group())) >= config.strip_items]
    block: str | None = None
    lines = [ln for ln in _lines(text) if ln.text.strip()]
    for i, line in enumerate(lines):
        if _is_heading(line, config) and p.teaser_heading.match(line.bare):
            block = TEASER_BLOCK.id
        elif _is_heading(line, config) and p.bio_heading.match(line.bare):
            block = BIO_BLOCK.id
        elif block == TEASER_BLOCK.id and _is_prose(line, p, config) and not _teaser_summary(lines, i, p, config):
            block = None
        if block is not None:
            out.append((line.start, line.end, block))
            continue
        if p.disclaimer.match(line.text):
            out.append((line.start, line.end, DISCLAIMER.id))
        elif len(_WORDS.findall(line.text)) <= config.promo_max_words and p.promo.search(line.text):
            out.append((line.start, line.end, PROMO.id))
        else:
            for m in p.bio_sentence.finditer(line.text):
                s = line.start + m.start()
                out.append((s, _sentence_end(text, s, line.end), BIO_SENTENCE.id))
    return sorted(out)


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
