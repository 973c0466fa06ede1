"""``quote`` facts (spec FACTS.md): words inside quotation marks attributed to a named person.

Every quoted span is a candidate. The steps, in order:

1. ``find_quote_spans`` pairs quotation marks inside one paragraph (curly and straight double
   quotes; single quotes only where they open after a space and close before a non-letter, so
   apostrophes like don’t, ’90s and investors’ stay apostrophes). Unbalanced marks pair with
   nothing, and a span never crosses a line break or exceeds ``Config.max_quote_chars``.
2. ``NOT_SAID`` drops what is quoted but not said: quoted words on a heading line, single words,
   Title Case names of shows, days and nicknames (“Chain Talk Live”, “Harvest Day”).
3. ``speaker_events``: every reporting verb outside quotes tied to a person (``speakers.people``)
   is an event "X spoke here"; the running speaker at a position is the latest recent event.
4. ``SPEAKER`` picks the speaker: with a reporting verb in the quote's own sentence(s), the
   person (or he/she -> the running speaker) nearest to it (``quote.speaker.cue``); without one,
   the running speaker, but only for quotes that stand as whole sentences or are long enough not
   to be scare quotes (``quote.speaker.running``). ``CONTINUED``: a quote paragraph left open
   (the next paragraph reopens it) takes the next quote's speaker.
5. ``emit``: the speaker's title, the kind (direct / partial), the day, and the evidence: the
   quote with its attribution (speaker and reporting verb) when they are adjacent, no other quote
   lies between and the attribution is short (``Config.evidence_reach``), else the quote alone.

Every window is bounded (``Config.window`` around the quote inside its sentences); people,
reporting verbs, pronouns and quote spans are per-doc indexes searched by bisection.
"""
from __future__ import annotations

import logging
import re
from bisect import bisect_right, insort_right
from dataclasses import dataclass, field

from spacy.language import Language

from extractor.data import alternation, compiled, led_alternation, lexicon, pattern_alternation, words
from extractor.facts import speakers
from extractor.facts.attribution import when_for
from extractor.facts.candidates import Candidate
from extractor.facts.component import FactComponent, Proposal
from extractor.facts.doc import FinDoc, SpanIndex
from extractor.facts.lazy import lazy
from extractor.facts.rules import Rule, Table, outcome
from extractor.records import Evidence, QuoteFact
from extractor.rx import Caseless

log = logging.getLogger(__name__)

TYPE = "quote"


@dataclass(frozen=True)
class Config:
    max_quote_chars: int = 1500  # a longer "quote" is a stray mark swallowing text
    run_on_paragraphs: int = 3  # paragraphs a quote may run on into before its closing mark
    max_single_quote_words: int = 40  # single quotes are short in news (nested quotes, headlines)
    min_uncued_words: int = 8  # a quote with no reporting verb near it must be at least this long
    cue_reach: int = 100  # characters between a speaker and the reporting verb that ties them
    running_reach: int = 1500  # characters a running speaker carries forward...
    running_paragraphs: int = 5  # ...and paragraphs
    last_person_reach: int = 600  # characters back a he/she with no running speaker looks for a person
    window: int = 400  # characters either side of a quote (inside its sentences) attribution reads
    remark_reach: int = 80  # characters between "Ann Lee's remark" and the quote it introduces
    evidence_reach: int = 300  # characters of attribution the evidence may hold beside the quote's words


DEFAULT = Config()


# --- the lexicon --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cues:
    verb: Caseless  # a reporting verb or phrase ("said", "according to")
    pronoun: Caseless  # he / she
    title_small_words: frozenset[str]
    noun_before: re.Pattern  # what makes a reporting word a noun: a determiner or a possessive right before it
    passive_before: re.Pattern  # an auxiliary right before a reporting verb: "traders are told"
    addressee_verbs: frozenset[str]  # "told Ann Lee": Ann Lee listens
    remark: re.Pattern  # after a person's name: a possessive and a noun that carries their words
    role_ref: Caseless  # "the portfolio manager", "the Acme strategist"
    opener: re.Pattern  # "To" / "For" opening a sentence before a person: their view
    frame: re.Pattern  # what frames a subject's words right before a quote: "as", "into", "it", ":"


_IN_WORD = r"[\w-]"  # what a word does not start after


@compiled
def cues() -> Cues:
    """``reporting_verbs.txt`` and ``quote_lexicon.json``, compiled once."""
    q = lexicon("quote_lexicon")
    verb = Caseless(
        rf"""
        (?<![\w-])        # whole word, and not "so-called"
        (?:{alternation(sorted({v.lower() for v in words("reporting_verbs")}))})  # a reporting verb or phrase
        (?![\w-])         # whole word
        """,
        re.VERBOSE,
    )
    # the scans below open with their words' first letters (the lookbehinds after them): re skips ahead
    pronoun = Caseless(rf"(?:{led_alternation(q.pronouns, _IN_WORD, ignore_case=True)}|(?<![\w-])(?:{alternation(q.source_pronouns, ignore_case=True)}))(?![\w-])")
    noun_before = re.compile(rf"(?:(?<![\w-])(?:{alternation(q.noun_markers, ignore_case=True)})|[’']s|s[’'])\s+\Z",
                             re.IGNORECASE)
    passive_before = re.compile(rf"(?<![\w-])(?:{alternation(q.passive_auxiliaries, ignore_case=True)})\s+(?:\w+\s+)?\Z",
                                re.IGNORECASE)
    remark = re.compile(
        rf"""
        (?:[’']s|(?<=s)[’'])\s+                 # a possessive
        (?:[\w-]+\s+){{0,2}}?                   # up to two words ("latest public")
        (?:{alternation(q.remark_nouns, ignore_case=True)})(?![\w-])  # a noun carrying words
        """,
        re.VERBOSE | re.IGNORECASE,
    )
    role_ref = Caseless(
        rf"""
        t(?<![\w-]t)he\s+                       # the, starting a word
        (?:[\w&-]+\s+){{0,3}}?                  # up to three modifiers ("veteran", "Acme")
        (?P<role>{alternation(q.roles, ignore_case=True)})  # a role noun
        (?![\w-])                               # not "analysts"
        """,
        re.VERBOSE,
    )
    opener = re.compile(rf"{led_alternation([o.capitalize() for o in q.view_openers], _IN_WORD)}[ \t]+(?=[A-ZÀ-ÖØ-Þ])")
    frame = re.compile(rf"(?:{pattern_alternation(q.frame_before_patterns)})\s*\Z", re.IGNORECASE)
    return Cues(verb, pronoun, frozenset(w.lower() for w in q.title_small_words), noun_before, passive_before,
                frozenset(v.lower() for v in q.addressee_verbs), remark, role_ref, opener, frame)


# --- 1. quotation-mark spans ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class QuoteSpan:
    open: int  # index of the opening mark in the text
    close: int  # index of the closing mark (the line end for a quote continued in the next paragraph)
    continued: bool = False  # the quote runs on into the next paragraph

    @property
    def start(self) -> int:
        return self.open

    @property
    def end(self) -> int:
        """End of the masked region (closing mark included)."""
        return self.close + 1

    @property
    def span(self) -> tuple[int, int]:
        """The quote as written: its marks and words (no closing mark for a continued quote)."""
        return self.open, self.close if self.continued else self.close + 1


_OPENS_AFTER = set(" \t([{—–-/>*“‘\"'")


@dataclass(slots=True)
class LineMarks:
    """The double quotation marks of one line: the pairs, an opener left open, and a closing mark
    ending the line that nothing opened (the close of a quote begun in an earlier paragraph)."""

    spans: list[QuoteSpan]
    dangling: int | None = None  # index in the line of an opener left open
    closes_line: int | None = None  # index in the line of an unopened closer that ends the line
    marked: bool = False  # the line holds any double quotation mark
    first_close: int | None = None  # index of an unopened closer before any opener (a quote begun on the line before)


_LINE_END_MARKUP = " \t*_)\\"  # what may follow a closing mark at a paragraph's end
_DOUBLE_MARKS = re.compile('[“”"]')
_SINGLE_MARKS = re.compile("[‘’']")


def _pair_double(line: str, base: int, config: Config) -> LineMarks:
    """Paired double quotes of one line, an opener left unclosed, and an unopened closer at its end."""
    out: list[QuoteSpan] = []
    open_at: int | None = None
    stray: int | None = None
    first_close: int | None = None
    opened = False
    marked = False
    for mark in _DOUBLE_MARKS.finditer(line):  # only the marks act (a loop over every character cost more)
        i = mark.start()
        ch = line[i]
        if ch == "“":
            open_at, marked, opened = i, True, True  # a second opener: the first one was stray
        elif ch == "”":
            marked = True
            if open_at is not None:
                out.append(QuoteSpan(base + open_at, base + i))
            else:
                stray = i  # a closer with no opener
                first_close = i if first_close is None and not opened else first_close
            open_at = None
        elif ch == '"':
            marked = True
            if open_at is not None:
                out.append(QuoteSpan(base + open_at, base + i))
                open_at = None
            elif (line[i - 1] if i else " ") in _OPENS_AFTER and not (line[i + 1] if i + 1 < len(line) else " ").isspace():
                open_at, opened = i, True
            else:
                stray = i
                first_close = i if first_close is None and not opened else first_close
    closes = stray if stray is not None and open_at is None and not line[stray + 1 :].strip(_LINE_END_MARKUP) else None
    spans = [q for q in out if 0 < q.close - q.open - 1 <= config.max_quote_chars]
    return LineMarks(spans, open_at, closes, marked, first_close)


_DECADE = re.compile(r"\d0s\b")  # ‘90s, '20s
_LATER_CLOSER = re.compile(r"\s[\w-]+(?:\s[\w-]+)?[’'](?![\w])")  # one or two words, then a closing mark


class _Taken:
    """Positions inside the double-quote spans of a line (bisected: linear in the line)."""

    def __init__(self, spans: list[QuoteSpan]):
        pairs = sorted((q.open, q.close) for q in spans)
        self.starts = [s for s, _ in pairs]
        self.ends = [e for _, e in pairs]

    def __contains__(self, pos: int) -> bool:
        i = bisect_right(self.starts, pos) - 1
        return i >= 0 and pos <= self.ends[i]


def _pair_single(line: str, base: int, taken: _Taken, config: Config) -> list[QuoteSpan]:
    out: list[QuoteSpan] = []
    open_at: int | None = None
    for mark in _SINGLE_MARKS.finditer(line):  # only the marks act
        i = mark.start()
        ch = line[i]
        if base + i in taken:
            continue
        prev = line[i - 1] if i else " "
        nxt = line[i + 1] if i + 1 < len(line) else " "
        if ch in "‘'" and prev in _OPENS_AFTER and nxt.isalnum() and not _DECADE.match(line, i + 1):
            open_at = i
        elif ch in "’'" and open_at is not None and not prev.isspace() and not nxt.isalnum():
            if prev in "sS" and nxt == " " and _LATER_CLOSER.match(line, i + 1):
                continue  # a plural possessive ("buyers’ strike’") with the real closer just after
            if len(line[open_at + 1 : i].split()) <= config.max_single_quote_words:
                out.append(QuoteSpan(base + open_at, base + i))
            open_at = None
    return out


_SENTENCE_BEFORE = re.compile(r"[.!?:]\s+$")  # an opener that starts a sentence inside a line


def _next_paragraph(lines: list[str], n: int) -> int | None:
    """The index of the next non-blank line after line ``n``."""
    return next((k for k in range(n + 1, len(lines)) if lines[k].strip()), None)


def _continued(lines: list[str], n: int, marks: LineMarks, base: int, config: Config) -> QuoteSpan | None:
    """News style for a quote running over paragraphs: an opener at the line start (or opening a
    sentence inside it: 'is behind us. “The forced sellers ...') with no closer, and the next
    non-blank paragraph reopens the quote."""
    line, dangling = lines[n], marks.dangling
    if dangling is None or (line[:dangling].strip() and not _SENTENCE_BEFORE.search(line, 0, dangling)):
        return None
    k = _next_paragraph(lines, n)
    nxt = lines[k].strip() if k is not None else ""
    end = len(line.rstrip())
    if nxt[:1] and nxt[:1] in "“\"" and 0 < end - dangling - 1 <= config.max_quote_chars:
        return QuoteSpan(base + dangling, base + end, continued=True)
    return None


WRAPPED_LINE = 50  # a line at least this long that ends mid-sentence is a wrapped line of a paragraph
WRAP_LINES = 3  # lines a quote of a hard-wrapped paragraph may run on over


def _wrapped(lines: list[str], n: int, marks: list[LineMarks], bases: list[int], config: Config) -> QuoteSpan | None:
    """A quote opened on line ``n`` and closed on one of the next lines of the same paragraph (single
    line breaks after lines of at least ``WRAPPED_LINE`` characters that end mid-sentence: a
    hard-wrapped paragraph), the lines between holding no quotation mark."""
    start = bases[n] + marks[n].dangling
    for k in range(n + 1, min(len(lines), n + 1 + WRAP_LINES)):
        before = lines[k - 1]
        if len(before) < WRAPPED_LINE or _TERMINAL_END.search(before):
            return None  # a short line, or one that ends its sentence: a list or a heading, not a wrap
        if not lines[k].strip():
            return None  # a blank line: a paragraph break (``_runs_on``)
        close = marks[k].first_close
        if close is not None:
            end = bases[k] + close
            return QuoteSpan(start, end) if end - start - 1 <= config.max_quote_chars else None
        if marks[k].marked:
            return None
    return None


def _runs_on(lines: list[str], n: int, marks: list[LineMarks], bases: list[int], config: Config) -> QuoteSpan | None:
    """A quote opened in paragraph ``n`` and closed only at the end of a later paragraph (each set
    off by a blank line; the paragraphs between hold no quotation mark): one quote over the break."""
    start = bases[n] + marks[n].dangling
    k = n
    for _ in range(config.run_on_paragraphs):
        nxt = _next_paragraph(lines, k)
        if nxt is None or nxt == k + 1:
            return None  # a paragraph is set off by a blank line (a single line break is a wrapped line or a list)
        k = nxt
        close = marks[k].closes_line
        if close is not None and marks[k].dangling is None:
            end = bases[k] + close
            return QuoteSpan(start, end) if end - start - 1 <= config.max_quote_chars else None
        if marks[k].marked:
            return None
    return None


def _nested(spans: list[QuoteSpan], outer: list[QuoteSpan]) -> list[QuoteSpan]:
    """``spans`` without those lying inside one of the ``outer`` spans."""
    if not outer:
        return spans
    taken = _Taken(outer)
    return [q for q in spans if not (q.open in taken and q.close in taken and q not in outer)]


def find_quote_spans(text: str, config: Config = DEFAULT) -> list[QuoteSpan]:
    """Balanced quotation-mark spans, paragraph by paragraph; a quote may run over paragraphs.

    >>> t = "“It’s over,” he said of the ’90s. ‘Risk-off’ rules and \\"bear market\\" fears; “stray"
    >>> [t[q.open + 1 : q.close] for q in find_quote_spans(t)]
    ['It’s over,', 'bear market', 'Risk-off']
    >>> find_quote_spans("investors’ money isn’t ‘safe")
    []
    >>> t = "“First paragraph of a long quote.\\n\\n“Second one,” she said."
    >>> [t[q.open + 1 : q.close] for q in find_quote_spans(t)]
    ['First paragraph of a long quote.', 'Second one,']
    >>> t = "She added: “Funding has reset.\\n\\nWe call it a “flush” now.”"
    >>> [t[q.open + 1 : q.close] for q in find_quote_spans(t)]
    ['Funding has reset.\\n\\nWe call it a “flush” now.']
    >>> t = 'Mireille Dautry said. "The skew has flipped, and we expect\\nEther to outperform," she wrote. "Sure."'
    >>> [t[q.open + 1 : q.close] for q in find_quote_spans(t)]
    ['The skew has flipped, and we expect\\nEther to outperform,', 'Sure.']
    """
    lines = text.split("\n")
    bases, base = [], 0
    for line in lines:
        bases.append(base)
        base += len(line) + 1
    # only the lines holding a mark are paired (found with one scan of the text each): a line
    # without one has no spans, nothing left open and nothing closing it
    doubled = _lines_marked(_DOUBLE_MARKS, text, bases)
    marks = [_pair_double(line, b, config) if n in doubled else LineMarks([])
             for n, (line, b) in enumerate(zip(lines, bases))]
    doubles: list[QuoteSpan] = []
    long: list[QuoteSpan] = []  # quotes over a paragraph break
    for n, m in enumerate(marks):
        doubles.extend(m.spans)
        if m.dangling is None:
            continue
        if (cont := _continued(lines, n, m, bases[n], config)) is not None:
            doubles.append(cont)
        elif (run := _runs_on(lines, n, marks, bases, config)) is not None:
            long.append(run)
        elif (wrap := _wrapped(lines, n, marks, bases, config)) is not None:
            doubles.append(wrap)
    doubles = _nested(doubles, long) + long
    out = list(doubles)
    taken = _Taken(doubles)
    for n in sorted(_lines_marked(_SINGLE_MARKS, text, bases)):
        out.extend(_pair_single(lines[n], bases[n], taken, config))
    return out


def _lines_marked(marks: re.Pattern, text: str, bases: list[int]) -> set[int]:
    """The indices of the lines (starting at ``bases``) that hold a match of ``marks``."""
    return {bisect_right(bases, m.start()) - 1 for m in marks.finditer(text)}


# --- 2. what is quoted but not said -----------------------------------------------------------

_TERMINAL_END = re.compile(r"[.!?:…][”\"’')*_]*\s*$")


def is_heading(line: str) -> bool:
    """A title or section heading: marked up as one, or short with no closing punctuation.

    >>> is_heading("‘Buy Every Dip’ Mood Returns"), is_heading("**Market mood “calm,” chop ahead**")
    (True, True)
    >>> is_heading("“We are early,” she said.")
    False
    """
    s = line.strip().lstrip(">").strip()
    if not s:
        return False
    if s.startswith("#") or (s.startswith("**") and s.endswith("**")):
        return True
    return not _TERMINAL_END.search(s) and len(s.split()) <= 20


def is_label(inner: str) -> bool:
    """Quoted words that name rather than say: one word, or a short Title Case name.

    >>> [is_label(s) for s in ("hard", "Chain Talk Live.", "Harvest Day,", "small but manageable", "We are early.")]
    [True, True, True, False, False]
    """
    found = re.findall(r"[\w’'&.-]+", inner)
    if len(found) <= 1:
        return True
    small = cues().title_small_words
    content = [w for w in found if w.lower() not in small]
    titled = bool(content) and all(w[:1].isupper() or w[:1].isdigit() for w in content)
    return titled and len(found) <= 6


def quote_text(inner: str) -> str:
    """The quoted words as stored: trimmed, without a trailing comma.

    >>> quote_text(" It is early, ")
    'It is early'
    """
    return inner.strip().rstrip(",").strip()


_SENTENCE_END = re.compile(r"[.!?…][”\"’')]*\s+")


def starts_sentence(text: str, pos: int, cap: int = 400) -> bool:
    """Nothing but space or a sentence end between the line start (at most ``cap`` characters
    back) and ``pos``.

    >>> t = 'It fell. "We sold," she said.'
    >>> starts_sentence(t, t.index('"')), starts_sentence(t, t.index("she"))
    (True, False)
    """
    before = text[max(text.rfind("\n", max(0, pos - cap), pos) + 1, pos - cap) : pos]
    tail = _SENTENCE_END.split(before)[-1]
    return not re.search(r"\w", tail)


def quote_kind(inner: str, starts_sentence: bool) -> str:
    """``direct`` for a full sentence, ``partial`` for a fragment.

    >>> quote_kind("To be clear, it holds,", True), quote_kind("and none priced in,", False), quote_kind("It holds.", False)
    ('direct', 'partial', 'direct')
    """
    s = inner.strip()
    first = next((c for c in s if c.isalpha()), "")
    if not first.isupper():
        return "partial"
    if re.search(r"[.!?…]$", s.rstrip(",")) or starts_sentence:
        return "direct"
    return "partial"


class Lines:
    """The doc's lines, each judged a heading or not once (for all the quotes on it).

    >>> lines = Lines("Ether options traders piled into calls ahead of Monday, strategist\\nMireille Dautry said. \\"The skew flipped, and I expect\\nMore\\"")
    >>> lines.is_heading(70), Lines("Bitcoin hits a record\\n\\"We are early,\\" says analyst Jane Doe").is_heading(23)
    (False, True)
    """

    def __init__(self, text: str):
        self.text = text
        self.breaks = [m.start() for m in re.finditer("\n", text)]
        self.headings: dict[int, bool] = {}

    def is_heading(self, pos: int) -> bool:
        """Whether the line holding ``pos`` is a heading."""
        i = bisect_right(self.breaks, pos - 1)  # newlines before pos
        if i not in self.headings:
            start = self.breaks[i - 1] + 1 if i else 0
            end = self.breaks[i] if i < len(self.breaks) else len(self.text)
            prev = self.text[self.breaks[i - 2] + 1 if i >= 2 else 0 : start - 1] if i else ""
            # a line right after a long line that ends mid-sentence goes on with a wrapped paragraph
            wrapped = len(prev) >= WRAPPED_LINE and not _TERMINAL_END.search(prev)
            self.headings[i] = not wrapped and is_heading(self.text[start:end])
        return self.headings[i]


@dataclass
class Quoted:
    """A quoted span and its line (what ``NOT_SAID`` sees)."""

    fd: FinDoc
    q: QuoteSpan
    lines: Lines

    @lazy
    def inner(self) -> str:
        return self.fd.text[self.q.open + 1 : self.q.close]

    @lazy
    def on_heading(self) -> bool:
        return self.lines.is_heading(self.q.open)


NOT_SAID = Table("quote.not_said", [
    Rule("quote.not_said.heading", "quoted words on a title or heading line: a headline's quotes are not attributed there",
         lambda c: c.on_heading),
    Rule("quote.not_said.label", "one word, or a short Title Case name (a show, a day, a nickname): named, not said",
         lambda c: is_label(c.inner)),
])


# --- 3. who spoke where -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Cue:
    """A reporting verb or phrase outside quotes (or "To"/"For" opening a sentence before a person)."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Speaker:
    """A possible speaker: a person mention, he/she standing for the running speaker, or a role noun
    ("the strategist") standing for the person who holds that role."""

    start: int
    end: int
    name: str | None  # resolved full name (None: a he/she or role nobody can be named for)
    named: bool  # a name as written, not a pronoun or a role


@dataclass(frozen=True, slots=True)
class Hit:
    """The speaker nearest to a reporting verb, within reach."""

    speaker: Speaker
    cue: Cue
    distance: int


@dataclass(frozen=True, slots=True)
class SpeakerEvent:
    pos: int  # where the reporting verb, the subject or the attributed quote's close is
    name: str | None  # None: someone who is not a named person introduces what follows ("As the bank noted:")


@dataclass(frozen=True, slots=True)
class Remark:
    """A person's possessive and a noun carrying their words: "Ann Lee's warning that"."""

    start: int  # the name
    end: int  # the end of the noun
    name: str


@dataclass(frozen=True, slots=True)
class RoleRef:
    """A role noun with its article, "the portfolio manager"."""

    start: int
    end: int
    role: str


class Running:
    """Speaker events in text order: who spoke last before a position. Two streams, each kept
    sorted: the people introduced (reporting verbs tied to a person, and people who open a clause;
    found left to right) and the quotes attributed (added left to right), so an event is appended
    near the end, never inserted in the middle."""

    def __init__(self, text: str, config: Config):
        self.text, self.config = text, config
        self.streams: tuple[list[SpeakerEvent], list[SpeakerEvent]] = ([], [])

    def add(self, pos: int, name: str | None, *, quote: bool = False) -> None:
        insort_right(self.streams[quote], SpeakerEvent(pos, name), key=lambda e: e.pos)

    def _last(self, stream: list[SpeakerEvent], pos: int) -> SpeakerEvent | None:
        i = bisect_right(stream, pos - 1, key=lambda e: e.pos) - 1
        return stream[i] if i >= 0 else None

    def last(self, pos: int) -> SpeakerEvent | None:
        """The last speaker event before ``pos`` (however far)."""
        found = [e for e in (self._last(s, pos) for s in self.streams) if e is not None]
        return max(found, key=lambda e: e.pos) if found else None

    def at(self, pos: int) -> str | None:
        """The last speaker named before ``pos``, if recent enough."""
        last = self.last(pos)
        if last is None:
            return None
        if pos - last.pos > self.config.running_reach:
            return None
        if len(re.findall(r"\n\s*\n|\n", self.text[last.pos : pos])) > self.config.running_paragraphs:
            return None
        return last.name


def _pronoun_gender(pronoun: str) -> str | None:
    """"he" or "she" for a pronoun cue ("He", "according to her"), else ``None``.

    >>> _pronoun_gender("He"), _pronoun_gender("according to her"), _pronoun_gender("they")
    ('he', 'she', None)
    """
    last = pronoun.lower().split()[-1] if pronoun.strip() else ""
    return {"he": "he", "him": "he", "she": "she", "her": "she"}.get(last)


@dataclass
class Quotes:
    """The per-doc indexes attribution reads."""

    fd: FinDoc
    said: SpanIndex[QuoteSpan]
    config: Config
    lines: Lines

    @lazy
    def _verb_uses(self) -> tuple[SpanIndex[Cue], SpanIndex[Cue]]:
        """Reporting verbs outside the quotes that are said: those used as active verbs, and those
        made passive ("traders are told"); reporting words used as nouns ("the remarks") are neither."""
        text, c = self.fd.text, cues()
        active, passive = [], []
        for m in c.verb.finditer(text):
            if self.inside(m.start(), m.end()):
                continue
            lo = max(0, m.start() - 24)
            before = text[max(lo, text.rfind("\n", lo, m.start()) + 1) : m.start()]  # not across a line break
            if c.noun_before.search(before):
                continue
            made_passive = c.passive_before.search(before) and not m.group().lower().endswith("ing")  # "is saying": not passive
            (passive if made_passive else active).append(Cue(m.start(), m.end()))
        return SpanIndex(active + self.openers()), SpanIndex(passive)

    @property
    def verbs(self) -> SpanIndex[Cue]:
        """Reporting verbs used as active verbs, and "To"/"For" opening a sentence right before a person."""
        return self._verb_uses[0]

    @property
    def passives(self) -> SpanIndex[Cue]:
        """Reporting verbs made passive ("traders are told", "it was called")."""
        return self._verb_uses[1]

    def openers(self) -> list[Cue]:
        """ "To Ann Lee, ..." / "For Ann Lee at Acme, ...": a sentence opened by a view opener and a person."""
        out = []
        people = speakers.people(self.fd)
        for m in cues().opener.finditer(self.fd.text):
            if self.fd.sentence_at(m.start()).start_char != m.start() or self.inside(m.start(), m.end()):
                continue
            who = people.first_after(m.end(), m.end() + speakers.NAME_CHARS)
            if who is not None and who.start == m.end() and "," in self.fd.text[who.end : who.end + 60]:
                out.append(Cue(m.start(), m.end() - 1))
        return out

    @lazy
    def pronouns(self) -> SpanIndex[Cue]:
        found = (Cue(m.start(), m.end()) for m in cues().pronoun.finditer(self.fd.text))
        return SpanIndex([c for c in found if not self.inside(c.start, c.end)])

    @lazy
    def role_refs(self) -> SpanIndex[RoleRef]:
        """Role nouns with their article outside the quotes ("the portfolio manager")."""
        found = (RoleRef(m.start(), m.end(), m.group("role")) for m in cues().role_ref.finditer(self.fd.text))
        return SpanIndex([r for r in found if not self.inside(r.start, r.end)])

    @lazy
    def remarks(self) -> SpanIndex[Remark]:
        """People's possessives followed by a noun carrying their words ("Ann Lee's remark")."""
        out = []
        for m in speakers.people(self.fd):
            r = cues().remark.match(self.fd.text, m.end, m.end + 60)
            if r is not None and not self.inside(m.start, r.end()):
                out.append(Remark(m.start, r.end(), m.name))
        return SpanIndex(out)

    @lazy
    def longest(self) -> int:
        """The length of the longest quote that is said (bounds the span look-ups)."""
        return max((q.end - q.start for q in self.said), default=0)

    @lazy
    def covered(self) -> bytearray:
        """1 for every character inside a quote that is said (its marks included)."""
        out = bytearray(len(self.fd.text) + 1)
        for q in self.said:
            out[q.start : q.end] = b"\1" * (q.end - q.start)
        return out

    def inside(self, start: int, end: int) -> bool:
        """Whether ``start:end`` touches a quote that is said (its marks included)."""
        return 1 in self.covered[start:end]

    def said_within(self, lo: int, hi: int) -> list[QuoteSpan]:
        """The quotes that are said overlapping ``lo:hi``."""
        return self.said.overlapping(lo, hi, self.longest)

    def speakers(self, a: int, b: int, lo: int, hi: int, running: Running) -> list[Speaker]:
        """People, then he/she (resolved to the running speaker), then role nouns (resolved to the
        person holding the role), inside ``a:b`` and outside quotes, that reach into ``lo:hi``."""
        out = [Speaker(m.start, m.end, m.name, True) for m in speakers.people(self.fd).overlapping(lo, hi, speakers.NAME_CHARS)
               if a <= m.start and m.end <= b and not self.inside(m.start, m.start + 1)]
        for p in self.pronouns.overlapping(lo, hi, 10):
            if a <= p.start and p.end <= b:
                word = _pronoun_gender(self.fd.text[p.start : p.end])
                name = running.at(p.start) or self.last_person(p.start)
                if (fresh := self.introduced_before(p.start, running)) is not None:
                    name = fresh  # "I also spoke to Lena Okafor, a fund manager. She was blunt:"
                elif (acting := self.acting_before(p.start, running)) is not None:
                    name = acting  # "Quintero picked the yield; Lindqvist picked the flows. '...,' he said"
                if name is not None and word is not None and self.genders.get(name, word) not in (word, "?") \
                        and not self._named_near(name, p.start):
                    name = self.last_person(p.start, other=self.genders.get(name))  # "she said" of one, "he said" of another
                out.append(Speaker(p.start, p.end, name, False))
        for r in self.role_refs.overlapping(lo, hi, 80):
            if a <= r.start and r.end <= b and not any(s.named and s.start < r.end + 3 and r.start < s.end for s in out):
                out.append(Speaker(r.start, r.end, self.role_holder(r, running), False))  # not "the analyst, Ann Lee"
        return out

    def role_holder(self, r: RoleRef, running: Running) -> str | None:
        """The person who holds role ``r`` in the article: the one given that title last before it;
        when nobody is, the running speaker if the article gives them no other title ("Ann Lee expects
        more. '...,' the fund manager said"; not "Ann Lee, the bank's economist, ... the strategist said")."""
        found = speakers.holder(self.fd, r.role, r.start, self.config.running_reach)
        if found is not None:
            return found
        if re.match(r",?[ \t]+[A-ZÀ-ÖØ-Þ]", self.fd.text[r.end : r.end + 3]):
            return None  # "the analyst, Ann Lee": a name follows, not the running speaker
        current = running.at(r.start)
        return current if current and speakers.role_for(self.fd, current, r.start) is None else None

    def last_person(self, pos: int, other: str | None = None) -> str | None:
        """The person named last before ``pos`` (within ``Config.last_person_reach``), outside quotes
        and headings (a teaser headline's name is no one in the story); with ``other``, one the article
        has not yet called by that pronoun."""
        reach = self.config.last_person_reach
        for m in reversed(speakers.people(self.fd).within(pos - reach - speakers.NAME_CHARS, pos)):
            if pos - m.end > reach:
                break
            if not self.inside(m.start, m.end) and not self.lines.is_heading(m.start) \
                    and (other is None or self.genders.get(m.name) != other):
                return m.name
        return None

    def introduced_before(self, pos: int, running: Running) -> str | None:
        """The person a pronoun opening its sentence at ``pos`` refers to when the sentence before
        introduces someone (names them for the first time in the article, outside quotes and
        headings) and holds no speaker event: the newcomer, not the running speaker ("Marco Ruiz
        disagreed, arguing that “...”. I also spoke to Lena Okafor, a portfolio manager. She was
        blunt: “...”"). ``None`` when the pronoun does not open its sentence or nobody is introduced."""
        fd = self.fd
        sent = fd.sentence_at(pos)
        if sent.start_char == 0 or _OPENING.fullmatch(fd.text, sent.start_char, pos) is None:
            return None
        prev = fd.sentence_at(sent.start_char - 1)
        event = running.last(pos)
        if event is not None and event.pos >= prev.start_char:
            return None  # someone speaks in that sentence ("..., said Ann Lee, a trader at Halder & Co. She added:")
        for m in reversed(speakers.people(fd).within(prev.start_char, prev.end_char)):
            if self._first_mention.get(m.name) == m.start and not self.inside(m.start, m.end) and not self.lines.is_heading(m.start):
                return m.name
        return None

    def acting_before(self, pos: int, running: Running) -> str | None:
        """The person a he/she at ``pos`` refers to when the last person named before it, in its
        sentence or the one before and after the last speaker event, is the subject of a verb there
        ("Lindqvist picked the ETF flow tally. “...,” he said"): the one who last did something,
        not the running speaker. ``None`` otherwise."""
        fd = self.fd
        sent = fd.sentence_at(pos)
        lo = fd.sentence_at(max(0, sent.start_char - 1)).start_char
        event = running.last(pos)
        for m in reversed(speakers.people(fd).within(lo, pos)):
            if (event is not None and m.start <= event.pos) or self.inside(m.start, m.end) or self.lines.is_heading(m.start):
                return None
            return m.name if _ACTING.match(fd.text, m.end) else None
        return None

    @lazy
    def _first_mention(self) -> dict[str, int]:
        """Person -> where the article first names them."""
        out: dict[str, int] = {}
        for m in speakers.people(self.fd):
            out.setdefault(m.name, m.start)
        return out

    def _named_near(self, name: str, pos: int) -> bool:
        """Whether ``name`` is written in the sentence of ``pos`` or the one before (fresher evidence
        than a pronoun an earlier attribution gave them)."""
        sent = self.fd.sentence_at(pos)
        lo = self.fd.sentence_at(max(0, sent.start_char - 1)).start_char
        return any(m.name == name for m in speakers.people(self.fd).within(lo, pos))

    @lazy
    def genders(self) -> dict[str, str]:
        """Person -> the pronoun ("he", "she") the article calls them by, as attribution finds it
        (``speaker_events`` fills it, left to right): a "he" after a "she" of the running speaker is
        someone else ('Ann Lee ... "...," she said. ... Oyelaran was cautious. "...," he said')."""
        return {}

    def called(self, speaker: Speaker) -> None:
        """Record the pronoun a hit resolved to a person ("she" of Ann Lee); one called both is neither."""
        word = _pronoun_gender(self.fd.text[speaker.start : speaker.end])
        if speaker.named or not speaker.name or word is None:
            return
        known = self.genders.setdefault(speaker.name, word)
        if known != word:
            self.genders[speaker.name] = "?"

    def listener(self, cand: Speaker, v: Cue) -> bool:
        """Whether ``cand`` is the one spoken to: a person right after "told"/"asked" ("told Ann Lee"),
        unless the verb follows a quote ('"Why now?" asked Ann Lee')."""
        text = self.fd.text
        if text[v.start : v.end].lower() not in cues().addressee_verbs or cand.start < v.end:
            return False
        if text[v.end : cand.start].strip():
            return False
        return not re.search(r"[”\"’'][,.?!]?\s*\Z|[,.?!][”\"’']\s*\Z", text[max(0, v.start - 4) : v.start])


# after a name: a verb in the past or present tense, the name the subject of its clause ("Lindqvist *picked*")
_ACTING = re.compile(r"[ \t]+(?!(?:is|was|has|says|said|added|told|noted)\b)[a-z]{3,}(?:ed|es)\b")


def nearest(qs: Quotes, cands: list[Speaker], verbs: list[Cue], reach: int) -> Hit | None:
    """The candidate closest to a reporting verb, within ``reach``, that is not the one spoken to;
    at equal distance the one before the verb, its subject ("He said Lone Mesa was “in no rush”":
    he said it, not the company of the clause he reported), else the first in order."""
    best: Hit | None = None
    best_key = None
    for cand in cands:
        for v in verbs:
            d = v.start - cand.end if cand.end <= v.start else cand.start - v.end if v.end <= cand.start else 0
            key = (d, cand.end > v.start)
            if d <= reach and (best_key is None or key < best_key) and not qs.listener(cand, v):
                best, best_key = Hit(cand, v, d), key
    return best


_OPENING = re.compile(r"[\s*_>#“\"-]*")  # what may stand before a sentence's first word (markup, an opening mark)
_AFTER_COMMA = re.compile(r",[ \t]*\Z")  # a participle's comma right before it
_INTRODUCES_NEXT = re.compile(r"\s*(?:that\b|:)")  # "noting that ...", "added: ..."
_INTRODUCES = re.compile(r"[^.!?:;\n“”\"]{0,50}:[ \t]*(?:\n|[“\"])")  # "... noted: “" or "... said:" ending its line


def _subjects(qs: Quotes) -> list[speakers.Mention]:
    """People who open a clause, outside quotes and headings, in text order."""
    return [m for m in speakers.people(qs.fd) if not qs.inside(m.start, m.end) and not qs.lines.is_heading(m.start)
            and speakers.opens_clause(qs.fd, m)]


def speaker_events(qs: Quotes, running: Running) -> None:
    """Who was introduced, and where (into ``running``), left to right: every reporting verb outside
    quotes and headings tied to a person, and every person who opens a clause ("Ann Lee is less
    worried."), with or without a reporting verb."""
    reach = qs.config.cue_reach
    # people who open a clause, and pronouns opening a sentence after one introducing someone ("She was blunt:")
    subjects = sorted([(m.start, m.name) for m in _subjects(qs)]
                      + [(p.start, None) for p in qs.pronouns if not qs.inside(p.start, p.end) and not qs.lines.is_heading(p.start)],
                      key=lambda event: event[0])
    j = 0

    def introduce(start: int, name: str | None) -> None:
        if name is None:  # a pronoun: an event only for a newcomer of the sentence before
            name = qs.introduced_before(start, running)
            if name is None:
                return
        running.add(start, name)

    for v in qs.verbs:
        while j < len(subjects) and subjects[j][0] < v.start:
            introduce(*subjects[j])
            j += 1
        sent = qs.fd.sentence_at(v.start)
        if v.end > sent.end_char or qs.lines.is_heading(v.start):
            continue
        cands = qs.speakers(sent.start_char, sent.end_char, v.start - reach - 1, v.end + reach + 1, running)
        hit = nearest(qs, cands, [v], reach)
        if hit and hit.speaker.name:
            qs.called(hit.speaker)
            running.add(v.start, hit.speaker.name)
        elif hit is None and _INTRODUCES.match(qs.fd.text, v.end, min(sent.end_char + 1, v.end + 60)):
            running.add(v.start, None)  # "As the bank noted:": the quote that follows is no person's
    for start, name in subjects[j:]:
        introduce(start, name)


# --- 4. the speaker of a quote ------------------------------------------------------------------

@dataclass
class Said:
    """A quote that is said, the window of its sentences around it and what lies there (what
    ``SPEAKER`` sees)."""

    qs: Quotes
    q: QuoteSpan
    running: Running

    @lazy
    def window(self) -> tuple[int, int]:
        """The quote's sentences (and the next one when the quote ends its sentence with "?" or "!"
        and the attribution follows on the line: '"Where does that leave us?" Ann Lee asked.'),
        at most ``Config.window`` characters either side."""
        fd, w, q = self.qs.fd, self.qs.config.window, self.q
        first, last = fd.sentence_at(q.open), fd.sentence_at(q.close)
        end = last.end_char
        text = fd.text
        if end <= q.close + 1 and text[q.close - 1 : q.close] in ("?", "!") and text[q.close + 1 : q.close + 2] in (" ", "\t"):
            end = fd.sentence_at(min(len(text) - 1, q.close + 2)).end_char
        return max(first.start_char, q.open - w), min(end, q.close + 1 + w)

    @lazy
    def verbs(self) -> list[Cue]:
        return self.qs.verbs.within(*self.window)

    @lazy
    def hit(self) -> Hit | None:
        """The speaker of the reporting verb nearest the quote that has one within reach."""
        a, b = self.window
        cands = self.qs.speakers(a, b, a, b, self.running)
        for v in sorted(self.verbs, key=self._verb_rank):
            if (subject := self._participle_subject(v)) is not None:
                return Hit(subject, v, 0)
            if (found := nearest(self.qs, cands, [v], self.qs.config.cue_reach)) is not None:
                return found
        return None

    def _participle_subject(self, v: Cue) -> Speaker | None:
        """A reporting participle after a comma ("Ann Lee, who rates Acme a buy, kept her target,
        saying ...") has the subject of its sentence: the person who opens it, not a name nearer
        the participle."""
        fd, text = self.qs.fd, self.qs.fd.text
        if not text[v.start : v.end].lower().endswith("ing") or not _AFTER_COMMA.search(text, max(0, v.start - 4), v.start):
            return None
        sent = fd.sentence_at(v.start)
        for m in speakers.people(fd).within(sent.start_char, v.start):
            if not self.qs.inside(m.start, m.end) and speakers.opens_clause(fd, m):
                return Speaker(m.start, m.end, m.name, True)
        return None

    def _verb_rank(self, v: Cue) -> tuple[bool, int]:
        """Verbs nearest the quote first; a verb after the quote that introduces what follows it
        (", noting that", "added:") comes after the others: it is the next words' cue."""
        q, text = self.q, self.qs.fd.text
        if v.start < q.end:
            return False, q.start - v.end
        return bool(_INTRODUCES_NEXT.match(text, v.end, v.end + 12)), v.start - q.end

    @lazy
    def remark(self) -> Remark | None:
        """A person's possessive and a noun carrying their words, right before the quote, with no
        reporting verb between ("Ann Lee's remark that “...”")."""
        q, reach = self.q, self.qs.config.remark_reach
        r = self.qs.remarks.last_before(q.open, q.open - reach - 60)
        if r is None or q.open - r.end > reach or self.qs.fd.sentence_at(q.open).start_char > r.start:
            return None  # too far, or in an earlier sentence
        if self.qs.verbs.within(r.end, q.open) or self.qs.said_within(r.end, q.open):
            return None
        return r

    @lazy
    def subject(self) -> str | None:
        """The person who opens the clause the quote is in, written before the quote in its sentence,
        when the words right before the quote frame it as theirs ("Analyst Ann Lee framed the move as
        “...”", "Ann Lee took to X: “...”") or the quote is long enough not to be a scare quote."""
        fd, q = self.qs.fd, self.q
        a = max(fd.sentence_at(q.open).start_char, q.open - self.qs.config.window)
        if not cues().frame.search(fd.text, max(a, q.open - 20), q.open):
            return None
        for m in reversed(speakers.people(fd).within(a, q.open)):
            if not self.qs.said_within(m.end, q.open) and speakers.opens_clause(fd, m):
                return m.name
        return None

    @lazy
    def passive(self) -> bool:
        """The quote completes a passive reporting verb ("holders are told to “sit tight”"): whoever
        said it is not named."""
        fd, q = self.qs.fd, self.q
        cue = self.qs.passives.last_before(q.open, q.open - 40)
        return cue is not None and fd.sentence_at(cue.start).end_char > q.open and not self.qs.verbs.within(cue.end, q.open)

    @lazy
    def standalone(self) -> bool:
        """Nothing but quotes and punctuation in the window."""
        a, b = self.window
        pos = a
        for s in self.qs.said_within(a, b):
            if re.search(r"\w", self.qs.fd.text[pos : max(pos, s.start)]):
                return False
            pos = max(pos, s.end)
        return not re.search(r"\w", self.qs.fd.text[pos:b])

    @lazy
    def long(self) -> bool:
        return len(self.qs.fd.text[self.q.open + 1 : self.q.close].split()) >= self.qs.config.min_uncued_words

    @lazy
    def running_speaker(self) -> str | None:
        return self.running.at(self.q.open)

    @lazy
    def signature(self) -> str | None:
        """A person signing the quote on the line after it (or after it on its line) with a dash:
        '“...”' then '— Ann Lee, head of research' (a pull quote); the name counts when the article knows
        the person or a role follows it."""
        m = _SIGNATURE.match(self.qs.fd.text, self.q.close + 1)
        return _person_named(self.qs.fd, m, signed=True) if m is not None else None

    @lazy
    def named_after(self) -> str | None:
        """A person the sentence right after a standalone quote names as the one whose words they were:
        '“...”' then 'That was the assessment of Ann Lee, a partner at ...', 'So said Ann Lee', 'That is
        how Ann Lee put it'; the name counts when the article knows the person or a role follows it."""
        if not self.standalone:
            return None
        fd = self.qs.fd
        m = _NAMED_AFTER.match(fd.text, self.q.close + 1, min(len(fd.text), self.q.close + 1 + NAMED_AFTER_REACH))
        return _person_named(fd, m) if m is not None else None


def _person_named(fd: FinDoc, m: re.Match, signed: bool = False) -> str | None:
    """The person of group ``name`` of ``m``: the full name the article knows starting there, else the
    name as written when a role follows it (``signed``: or a signature's role, "— Ann Lee, Acme")."""
    s, e = m.span("name")
    known = [p for p in speakers.people(fd).within(s, s + speakers.NAME_CHARS) if p.start == s]
    if known:
        return known[0].name
    return m.group("name") if speakers.role_after(fd.text, e) or (signed and speakers.signed_role(fd.text, e)) else None


NAMED_AFTER_REACH = 200  # characters after a quote's closing mark read for "That was the view of Ann Lee"
_NAMED_AFTER = re.compile(
    r"[ \t]*\n?[ \t]*\n?[ \t]*(?:"
    r"(?:That|This|Those|Such)[ \t]+(?:was|is|were|are)[ \t]+(?:the[ \t]+)?(?:\w+[ \t]+)?"
    r"(?:assessment|view|verdict|take|reaction|warning|message|conclusion|argument|words?|reading|judg(?:e)?ment)[ \t]+of[ \t]+"
    r"|So[ \t]+(?:said|says)[ \t]+"
    r"|(?:That|This)[ \t]+(?:was|is)[ \t]+how[ \t]+(?=[A-Z]\w+(?:[ \t]+[A-Z][\w'’.-]+){1,3}[ \t]+(?:put|saw|described|framed|summed)\b))"
    r"(?P<name>[A-Z][\w'’.-]+(?:[ \t]+[A-Z][\w'’.-]+){1,3})")

# after a quote's closing mark: the same line or the next (a blockquote's ">" kept), a dash, then a name of two to four
# capitalised words ending the line or followed by a comma or bracket
_SIGNATURE = re.compile(r"[ \t]*(?:\n[ \t>]*)?[—–-]{1,2}[ \t]*(?P<name>[A-Z][\w'’.-]+(?:[ \t]+[A-Z][\w'’.-]+){1,3})(?=[ \t]*(?:[,(]|\n|\Z))")

SPEAKER = Table("quote.speaker", [
    Rule("quote.speaker.remark", "a person's possessive and a noun carrying their words right before the quote, no reporting "
         "verb between: \"Ann Lee's warning that “...”\" is Ann Lee's", lambda s: s.remark.name if s.remark else None),
    Rule("quote.speaker.cue", "a reporting verb in the quote's sentence and a person (or he/she: the running speaker; a "
         "role noun: the person holding the role) within reach of the verb nearest the quote",
         lambda s: bool(s.verbs) and s.hit is not None and s.hit.speaker.name),
    Rule("quote.speaker.subject", "no reporting verb: the person who opens the quote's sentence before it (\"Ann Lee framed "
         "the move as “...”\", \"Ann Lee took to X: “...”\")", lambda s: not s.verbs and s.subject),
    Rule("quote.speaker.signature", "no reporting verb: a person signing the quote with a dash on the line after it ('“...”' / "
         "'— Ann Lee, head of research')", lambda s: not s.verbs and s.signature),
    Rule("quote.speaker.named_after", "no reporting verb: a quote standing alone whose next sentence names whose words they "
         "were ('“...”' then 'That was the assessment of Ann Lee, a partner at ...', 'So said Ann Lee')",
         lambda s: not s.verbs and s.named_after),
    Rule("quote.speaker.running", "no reporting verb: a quote standing as whole sentence(s), or long enough not to be a "
         "scare quote, is the running speaker's", lambda s: not s.verbs and (s.standalone or s.long) and s.running_speaker),
])

UNNAMED = Table("quote.unnamed", [
    Rule("quote.dropped.passive", "the quote completes a passive reporting verb (\"traders are told to “...”\", \"it was "
         "called “...”\"): whoever said it is not named, whoever else the sentence names", lambda s: s.passive),
])

CUE_UNNAMED = outcome("quote.dropped.cue_unnamed", "a reporting verb in the quote's sentence, but no person (nor a he/she "
                      "that can be named) within reach of it")
NO_RUNNING = outcome("quote.dropped.no_running_speaker", "no reporting verb and no speaker named in the last few paragraphs")
SCARE = outcome("quote.dropped.scare", "a short quote inside a sentence with no reporting verb: scare quotes, not speech")


@dataclass
class Attribution:
    """One quote that is said and who said it."""

    q: QuoteSpan
    cand: Candidate
    speaker: str | None = None
    rule: str | None = None
    hit: Hit | None = field(default=None, repr=False)


def attribute(s: Said, cand: Candidate) -> Attribution:
    """The speaker of one quote, or the reason there is none."""
    if (unnamed := UNNAMED.first(s, cand.trace)) is not None:
        return Attribution(s.q, cand, None, unnamed.id)
    fired = SPEAKER.first(s, cand.trace)
    if fired is not None:
        hit = s.hit if fired.id == "quote.speaker.cue" else None
        return Attribution(s.q, cand, fired.value, fired.id, hit)
    reason = CUE_UNNAMED if s.verbs else NO_RUNNING if (s.standalone or s.long) else SCARE
    return Attribution(s.q, cand, None, reason.id)


@dataclass
class Continued:
    """A quote and the attribution of the quote after it (what ``CONTINUED`` sees)."""

    this: Attribution
    next: Attribution


CONTINUED = Table("quote.continued", [
    Rule("quote.speaker.continued", "a quote paragraph left open (the next paragraph reopens the quote) is the speaker's of "
         "the next quote", lambda c: c.this.q.continued and c.next.speaker),
])


def carry_continued(found: list[Attribution]) -> None:
    """Right to left: a paragraph that runs on into the next quote paragraph is that quote's."""
    for i in range(len(found) - 2, -1, -1):
        this, nxt = found[i], found[i + 1]
        if (fired := CONTINUED.first(Continued(this, nxt), this.cand.trace)) is not None:
            this.speaker, this.rule, this.hit = fired.value, fired.id, nxt.hit


# --- 5. the fact ----------------------------------------------------------------------------------

def evidence_span(qs: Quotes, a: Attribution, body: str) -> tuple[int, int]:
    """The quote with its attribution (speaker and reporting verb) when they are adjacent, no other
    quote lies between and they add at most ``evidence_reach`` characters; else the quote alone."""
    s, e = a.q.span
    if a.hit is None or a.rule != "quote.speaker.cue":
        return s, e
    sp, v = a.hit.speaker, a.hit.cue
    lo, hi = min(s, sp.start, v.start), max(e, sp.end, v.end)
    if hi - lo > len(body) + qs.config.evidence_reach:
        return s, e
    if any(o is not a.q for o in qs.said_within(lo, hi)):
        return s, e
    return lo, hi


def emit(qs: Quotes, a: Attribution) -> QuoteFact:
    fd, q = qs.fd, a.q
    text = fd.text
    inner = text[q.open + 1 : q.close]
    body = quote_text(inner)
    role = None
    if a.hit is not None and a.hit.speaker.named:
        floor = fd.sentence_at(q.open).start_char
        role = speakers.role_before(text, floor, a.hit.speaker.start) or speakers.role_after(text, a.hit.speaker.end)
    when, when_text = when_for(fd, q.open, q.close)
    s, e = evidence_span(qs, a, body)
    return QuoteFact(
        evidence=Evidence(start=s, end=e, text=text[s:e]),
        rule=a.rule,
        when=when,
        when_text=when_text,
        source=None,
        speaker=a.speaker,
        speaker_role=role or speakers.role_for(fd, a.speaker, q.open),
        text=body,
        kind=quote_kind(inner, starts_sentence(text, q.open)),
    )


def tables() -> tuple[Table, ...]:
    """Every table of the module, in the order they are evaluated."""
    return NOT_SAID, UNNAMED, SPEAKER, CONTINUED


def _said(fd: FinDoc, out: Proposal, config: Config, lines: Lines) -> list[tuple[QuoteSpan, Candidate]]:
    """A candidate for every quoted span; the spans that are said, with their candidates."""
    said = []
    for q in sorted(find_quote_spans(fd.text, config), key=lambda q: q.open):
        cand = out.candidate(TYPE, *q.span)
        if (hit := NOT_SAID.first(Quoted(fd, q, lines), cand.trace)) is not None:
            cand.dropped(hit.id)
            continue
        said.append((q, cand))
    return said


def propose(fd: FinDoc, config: Config) -> Proposal:
    """A candidate for every quoted span of the doc."""
    out = Proposal(tracing=fd.tracing)
    lines = Lines(fd.text)
    said = _said(fd, out, config, lines)
    if not said:
        return out
    qs = Quotes(fd, SpanIndex([q for q, _ in said]), config, lines)
    running = Running(fd.text, config)
    speaker_events(qs, running)
    found: list[Attribution] = []
    for q, cand in said:
        a = attribute(Said(qs, q, running), cand)
        found.append(a)
        if a.speaker:
            running.add(q.close, a.speaker, quote=True)
    carry_continued(found)
    for a in found:
        if not a.speaker:
            a.cand.dropped(a.rule)
            continue
        if fd.tracing and a.hit is not None:
            sp, v = a.hit.speaker, a.hit.cue
            a.cand.trace.note(f"speaker {a.speaker}: {fd.text[sp.start:sp.end]!r}, {a.hit.distance} characters from "
                              f"{fd.text[v.start:v.end]!r}")
        else:
            a.cand.trace.note(f"speaker {a.speaker} ({a.rule})")
        a.cand.made(emit(qs, a), a.rule, consumes=())
    return out


@Language.factory("fin_quotes", assigns=["doc._.fin_candidates"], requires=["doc.ents"], default_config={
    "strict": False, "max_quote_chars": 1500, "run_on_paragraphs": 3, "max_single_quote_words": 40, "min_uncued_words": 8,
    "cue_reach": 100, "running_reach": 1500, "running_paragraphs": 5, "last_person_reach": 600, "window": 400,
    "remark_reach": 80, "evidence_reach": 300})
def make_component(nlp: Language, name: str, strict: bool, max_quote_chars: int, run_on_paragraphs: int,
                   max_single_quote_words: int, min_uncued_words: int, cue_reach: int, running_reach: int,
                   running_paragraphs: int, last_person_reach: int, window: int, remark_reach: int,
                   evidence_reach: int) -> FactComponent:
    config = Config(max_quote_chars=max_quote_chars, run_on_paragraphs=run_on_paragraphs,
                    max_single_quote_words=max_single_quote_words, min_uncued_words=min_uncued_words, cue_reach=cue_reach,
                    running_reach=running_reach, running_paragraphs=running_paragraphs, last_person_reach=last_person_reach,
                    window=window, remark_reach=remark_reach, evidence_reach=evidence_reach)
    return FactComponent(name, propose, config, strict=strict)
