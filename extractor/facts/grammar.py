"""Sentence grammar from spaCy's dependency parser, read only on the sentences rules cannot decide.

The parser is the expensive part, so a fact component asks for it sentence by sentence
(``request(fd, sent)``) while its rules run, and a ``ParsingComponent`` parses the sentences
its Docs asked for in one pass over the whole ``nlp.pipe`` batch (as ``persons`` does with the
NER), then runs the component's ``propose`` again on the Docs that asked. The second run reads
``parsed(fd, sent)``. Only ``tok2vec`` and ``parser`` of the model are loaded (once per process).

What rules ask of a parse is general: ``Parse.subjects(start, end)`` — the noun phrases that are
the subject of the verb, or the owner of the noun, that a span attaches to ("*Ether* slid 5%",
"a 5% drop in *ether*", "*Acme* logged a 5% drop", "After jumping 3%, *the stock* ..."),
one per conjunct ("*Dogecoin* and *Stellar* both shed 7%").

``STATS`` counts the sentences of the Docs the parsing components saw and those they parsed.
"""
from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc
from spacy.util import minibatch

from extractor.errors import RuleCrash
from extractor.facts.candidates import blockers, candidates
from extractor.facts.component import FactComponent, Proposal
from extractor.facts.doc import FinDoc, Sentence, view
from extractor.facts.matmul import one_blas_thread
from extractor.facts.model import Part, load_part

log = logging.getLogger(__name__)

MAX_CHARS = 1200  # a longer "sentence" (a table, a run-on page strip) is left to the rules
STATS: Counter = Counter()  # "sentences", "parsed": what the parsing components saw and parsed in this process


def load_parser(model: str) -> Part:
    """The model's ``tok2vec`` and ``parser`` on their own (the model is loaded once per process,
    see ``facts.model``)."""
    return load_part(model, ("tok2vec", "parser"))


# --- a parse ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Word:
    """One token of a parsed sentence, with character offsets into the Doc's text."""

    i: int
    start: int
    end: int
    text: str
    dep: str
    head: int  # index of the head word (its own index for the root)

    @property
    def lower(self) -> str:
        return self.text.lower()


@dataclass(frozen=True, slots=True)
class Phrase:
    """A noun phrase: its head word, the extent of the head with its modifiers (determiners,
    adjectives, compounds, possessors and "of"/"in" complements; not appositives or relative
    clauses) and its role: ``subject`` of a verb, ``complement`` of a noun ("a drop *in ether*"),
    ``possessor`` ("*ether's* drop"), ``antecedent`` of a relative clause, ``apposed`` (the phrase a
    noun stands in apposition to: "949 coins, a 37% decrease")."""

    head: Word
    start: int
    end: int
    role: str
    appos: tuple[int, int] | None = None  # an appositive that names the head ("the token, *CAR*,")


_NUMBER_DEPS = {"nummod", "quantmod", "compound", "advmod", "amod"}  # words inside a figure ("more than 13 %")
_NOUN_MODS = {"compound", "amod", "nmod", "nummod"}  # a figure modifying a noun: "a 5 % drop"
_ADVERBS = {"advmod", "prt", "acomp", "npadvmod", "oprd"}  # "is *down* 5%", "edged *up* 0.1%"
_LEFT = {"det", "predet", "amod", "compound", "poss", "case", "nummod", "nmod", "quantmod", "advmod", "punct"}
_OWNER_PREPS = {"in", "for", "of"}
_SUBJ = {"nsubj", "nsubjpass"}
_RELATIVE = {"which", "that", "who", "whose"}
_CLIMB = {"conj", "advcl", "xcomp", "pcomp", "acl", "relcl", "prep", "ccomp", "appos", "dep"}


def _is_time(w: Word) -> bool:
    """A stretch or point of time ("the week", "March", "2024"), never what moved."""
    return w.lower in TIME_WORDS or w.lower in _MONTHS or w.text[:1].isdigit()


_MONTHS = frozenset({"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                     "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"})


class Parse:
    """A parsed sentence: words with heads and dependency labels."""

    def __init__(self, words: list[Word]):
        self.words = words
        self.starts = [w.start for w in words]
        self.kids: list[list[Word]] = [[] for _ in words]
        for w in words:
            if w.head != w.i:
                self.kids[w.head].append(w)

    def __len__(self) -> int:
        return len(self.words)

    def head(self, w: Word) -> Word:
        return self.words[w.head]

    def children(self, w: Word, deps: Iterable[str] | None = None) -> list[Word]:
        kids = self.kids[w.i]
        return kids if deps is None else [k for k in kids if k.dep in deps]

    def at(self, char: int) -> Word | None:
        """The word that covers character ``char``."""
        i = bisect_right(self.starts, char) - 1
        if i >= 0 and self.words[i].start <= char < self.words[i].end:
            return self.words[i]
        return None

    def span_head(self, start: int, end: int) -> Word | None:
        """The word of ``start:end`` whose head lies outside it (the span's own head)."""
        inside = [w for w in self.words if start <= w.start and w.end <= end]
        for w in inside:
            h = self.head(w)
            if h.i == w.i or not (start <= h.start and h.end <= end):
                return w
        return None

    def subtree(self, w: Word) -> tuple[int, int]:
        lo, hi = w.start, w.end
        for k in self.kids[w.i]:
            a, b = self.subtree(k)
            lo, hi = min(lo, a), max(hi, b)
        return lo, hi

    def phrase(self, head: Word, role: str) -> Phrase:
        """The noun phrase headed by ``head`` (see ``Phrase``)."""
        lo, hi = head.start, head.end
        appos = next((self.subtree(k) for k in self.kids[head.i] if k.dep == "appos" and k.start > head.start), None)
        for k in self.kids[head.i]:
            if k.start < head.start and k.dep in _LEFT:
                lo = min(lo, self.subtree(k)[0])
            elif k.start > head.start and (k.dep == "prep" and k.lower in _OWNER_PREPS or k.dep in ("nummod", "compound")):
                hi = max(hi, self.subtree(k)[1])
        return Phrase(head, lo, hi, role, appos)

    def _with_conjuncts(self, head: Word, role: str) -> list[Phrase]:
        out, seen = [self.phrase(head, role)], {head.i}
        stack = self.children(head, ("conj",))
        while stack:
            c = stack.pop(0)
            if c.i in seen:
                continue
            seen.add(c.i)
            out.append(self.phrase(c, role))
            stack.extend(self.children(c, ("conj",)))
        return out

    # -- what a figure attaches to ------------------------------------------------------------
    def figure_word(self, start: int, end: int) -> Word | None:
        """The word that stands for the figure at ``start:end`` ("%" of "5 %", "points" of "250 basis points")."""
        w = self.span_head(start, end)
        while w is not None and w.dep in _NUMBER_DEPS and start <= self.head(w).start and self.head(w).end <= end:
            w = self.head(w)
        return w

    def attachment(self, start: int, end: int) -> tuple[str, Word, Word | None] | None:
        """What the figure at ``start:end`` attaches to: ``("noun", N, None)`` for a change noun it
        modifies or completes ("a 5% *drop*", "a *decline* of 5%"), else ``("verb", V, A)`` for the
        word it measures, through the adverb ``A`` that carries it ("*fell* 5%"; "is *down* 5%" ->
        ``is`` through ``down``)."""
        w = self.figure_word(start, end)
        if w is None:
            return None
        if w.head == w.i:
            return ("verb", w, None)
        h = self.head(w)
        if w.dep in _NOUN_MODS and h.start > w.start:
            return ("noun", h, None)
        if w.dep == "pobj" and h.dep == "prep":
            owner = self.head(h)
            if h.lower == "of" and owner.head != owner.i and owner.start < h.start \
                    and owner.dep in ("dobj", "pobj", "nsubj", "attr", "appos", "conj", "npadvmod", "nsubjpass"):
                return ("noun", owner, None)
            h = owner
        adverb = None
        while h.dep in _ADVERBS and h.head != h.i and h.lower in ADVERB_CUES:
            if h.lower in _DIRECTIONS:
                adverb = h
            h = self.head(h)
        return ("verb", h, adverb)

    # -- subjects -------------------------------------------------------------------------------
    def subjects(self, start: int, end: int) -> list[Phrase]:
        """The phrases the figure at ``start:end`` is said of (see the module docstring); empty
        when the parse names none."""
        att = self.attachment(start, end)
        if att is None:
            return []
        kind, w, adverb = att
        if kind == "noun":
            found = self._noun_owner(w, start)
            if found is not None:
                return found
            w = self.head(w) if w.head != w.i else w
        else:  # "sent the shares down 5%", "leaves gold - down 21%": the object moved
            obj = self._moved_object(w, adverb, start)
            if obj is not None:
                return self._with_conjuncts(obj, "object")
        return self._verb_subject(w)

    def _moved_object(self, verb: Word, adverb: Word | None, fig_start: int) -> Word | None:
        """The object of ``verb`` that a direction word right after it says moved ("pushed *the shares*
        up 9%", "leaves *gold* - down 21%"), not a stretch of time ("ended *the session* down 2%")."""
        for o in self.children(verb, ("dobj",)):
            if o.start >= fig_start or o.lower in TIME_WORDS or o.text[:1].isdigit() or o.text[:1] in "$€£":
                continue
            after = [x for x in self.words if o.end <= x.start < fig_start and x.dep != "punct" and x.dep != "case"]
            after = [x for x in after if not (x.head == o.i and x.dep in ("nummod", "compound", "appos"))]
            if after and after[0].lower in _DIRECTIONS:
                return o
        return None

    def _noun_owner(self, noun: Word, fig_start: int) -> list[Phrase] | None:
        """The owner of a change noun: its "in/for/of X" complement, its possessor; the phrase it is
        apposed to; else ``None`` (the verb it belongs to decides)."""
        for k in self.children(noun, ("prep",)):
            if k.lower in _OWNER_PREPS and k.start > noun.start and not (k.start <= fig_start < self.subtree(k)[1]):
                objs = self.children(k, ("pobj",)) or [o for o in self.children(k, ("amod", "compound", "nmod", "dobj"))
                                                       if o.start > k.start]  # a misparsed object of the preposition
                objs = [self._not_time(o) for o in objs]  # not "a 5% drop in March"
                objs = [o for o in objs if o is not None]
                if objs:
                    return self._with_conjuncts(objs[0], "complement")
        poss = [o for o in (self._not_time(p) for p in self.children(noun, ("poss",))) if o is not None]
        if poss:  # not "the prior week's 23% drop": a stretch of time owns no move
            return [self.phrase(poss[0], "possessor")]
        if noun.dep == "appos" and noun.head != noun.i:
            owner = self.head(noun)
            if owner.text[:1].isdigit() or owner.text[:1] in "$€£" or any(k.text[:1] in "$€£" for k in self.children(owner)):
                return self._verb_subject(self._governing_verb(owner))  # "climbed to $3,500, a 4% gain": the climber
            return [self.phrase(owner, "apposed")]
        if noun.dep == "conj":  # "a 5% slide in X and a gain of 9% for Y": the first conjunct's verb
            return None
        return None

    def _not_time(self, w: Word) -> Word | None:
        """``w`` unless it is a stretch of time; of "bitcoin over six years" read as one phrase, "bitcoin"."""
        if not _is_time(w):
            return w
        mods = [k for k in self.children(w, ("nmod", "compound", "poss")) if k.start < w.start and not _is_time(k)]
        return mods[0] if mods else None

    def _governing_verb(self, w: Word) -> Word:
        """The word a figure or noun phrase at ``w`` hangs from, above its prepositions and objects."""
        for _ in range(4):
            if w.head == w.i or w.dep not in ("pobj", "prep", "dobj", "attr", "npadvmod", "appos", "nmod"):
                break
            w = self.head(w)
        return w

    def _verb_subject(self, v: Word) -> list[Phrase]:
        for _ in range(6):
            subj = self.children(v, _SUBJ)
            if subj:
                s = subj[0]
                if s.lower in _RELATIVE and v.dep == "relcl":
                    head = self.head(v)
                    if _FIGURE_WORD.fullmatch(head.text) and head.head != head.i:
                        # "Bitcoin ended at about 63.100 €, which means a loss of 21%": "which" sums up the
                        # clause the figure ends, whose subject moved (a figure is no antecedent of its own)
                        return self._verb_subject(self._governing_verb(head))
                    return self._with_conjuncts(head, "antecedent")
                return self._with_conjuncts(s, "subject")
            if v.head == v.i:
                return []
            if v.dep in ("acl", "relcl") and v.head != v.i:  # "ETH price declining 5%", "X, down 5%"
                return self._with_conjuncts(self.head(v), "antecedent")
            if v.dep not in _CLIMB:
                return []
            v = self.head(v)
        return []


_FIGURE_WORD = re.compile(r"[$€£¥]?[\d.,]+[%€$£kKmMbB]?|[$€£¥%]|(?:percent|dollars?|euros?)")  # a figure's token, or its unit
_DIRECTIONS = frozenset({"up", "down", "higher", "lower"})
TIME_WORDS = frozenset({"day", "days", "week", "weeks", "month", "months", "year", "years", "quarter", "quarters", "session",
                        "sessions", "trading", "period", "morning", "afternoon", "evening", "night", "hour", "hours", "time",
                        "stretch", "spell", "half", "decade", "today", "yesterday", "monday", "tuesday", "wednesday", "thursday", "friday",
                        "saturday", "sunday"})
ADVERB_CUES = frozenset({"up", "down", "higher", "lower", "off", "by", "about", "around", "nearly", "almost", "roughly",
                         "some", "over", "more", "less", "than", "just", "only", "as", "much"})


# --- asking for parses, and running them in batches ------------------------------------------

_MASK = re.compile(r"\]\([^)\s]*\)|(?<![\w\]])\[|\\(?=\s)")  # markdown link targets and brackets, trailing backslashes

# A wire dateline opening a sentence: a place ("LONDON", "NEW YORK", "Chicago"; a region may follow),
# then a date or a news agency in brackets (or both), then a dash. The parser reads the place as the
# sentence's subject ("LONDON, April 13, 2026 - Ether climbed ..." made LONDON the climber), so it is
# masked in the text the parser reads. A place not written in capitals counts only before a date
# ("Chicago, Oct. 2, 2026 -- "): "Bitcoin (BTC) - " opens a sentence, not a dateline.
_DATELINE = re.compile(
    r"""
    [ \t]*(?P<place>[A-Z][A-Za-z.'’-]+(?:[ ][A-Z][A-Za-z.'’-]+){0,3})  # LONDON / NEW YORK / ST. LOUIS / Chicago
    (?:,[ ][A-Z][A-Za-z.]+(?:[ ][A-Z][A-Za-z.]+)?)?                 # , Calif. / , England
    (?=[ ]?\(|,)                                                    # a date or an agency follows
    (?:[ ]?\([A-Z][A-Za-z. ]{1,20}\))?                               # (Reuters)
    (?P<date>,[ ](?:[A-Z][a-z]{2,8}\.?[ ]\d{1,2}(?:,[ ]\d{4})?      # , April 13, 2026 / , Feb. 4
          |\d{1,2}[ ][A-Z][a-z]{2,8}\.?(?:[ ]\d{4})?))?                # , 4 February 2026
    (?:[ ]?\([A-Z][A-Za-z. ]{1,20}\))?                               # (Reuters) after the date
    [ ]*(?:--|[-–—])[ ]+
    """,
    re.VERBOSE,
)


def parser_text(text: str) -> str:
    """A sentence as the parser reads it: markdown link targets and brackets, and an opening wire
    dateline, blanked (same length, so offsets stay).

    >>> parser_text("LONDON, April 13, 2026 - Ether climbed 5%.")
    '                         Ether climbed 5%.'
    >>> parser_text("NEW YORK (Reuters) -- Bitcoin fell.").lstrip(), parser_text("SINGAPORE, Feb. 4 (Reuters) - Up.").lstrip()
    ('Bitcoin fell.', 'Up.')
    >>> parser_text("Chicago, Oct. 2, 2026 -- Acme sank 9%.").lstrip(), parser_text("Frankfurt, 4 March -- Up.").lstrip()
    ('Acme sank 9%.', 'Up.')
    >>> parser_text("BTC - the largest coin - rose."), parser_text("US, EU - trade talks resumed.")
    ('BTC - the largest coin - rose.', 'US, EU - trade talks resumed.')
    >>> parser_text("Bitcoin (BTC) - the largest coin - rose.")
    'Bitcoin (BTC) - the largest coin - rose.'
    """
    text = _MASK.sub(lambda m: " " * len(m.group()), text)
    m = _DATELINE.match(text)
    if m is not None and (m.group("date") if not m.group("place").isupper() else (")" in m.group() or m.group("date"))):
        text = " " * m.end() + text[m.end():]
    return text


@dataclass
class _Requests:
    wanted: set[int]
    parses: dict[int, Parse]


def _requests(fd: FinDoc) -> _Requests:
    return fd.cached("grammar", lambda: _Requests(set(), {}))


def request(fd: FinDoc, sent: Sentence) -> None:
    """Ask for ``sent`` to be parsed (a ``ParsingComponent`` parses it and runs ``propose`` again)."""
    r = _requests(fd)
    if sent.i not in r.parses and len(sent.text) <= MAX_CHARS:
        r.wanted.add(sent.i)


def requested(fd: FinDoc, sent: Sentence) -> bool:
    """Whether ``sent`` waits for a parse (it was asked for and is not parsed yet)."""
    return sent.i in _requests(fd).wanted


def any_parsed(fd: FinDoc) -> bool:
    """Whether ``fd`` has parses (``propose`` runs again after the parser pass)."""
    return bool(_requests(fd).parses)


def parsed(fd: FinDoc, sent: Sentence) -> Parse | None:
    """The parse of ``sent``, when it was asked for and parsed."""
    return _requests(fd).parses.get(sent.i)


def _to_parse(sdoc: Doc, offset: int) -> Parse:
    """The words of a parsed sentence (whitespace tokens dropped), offsets moved into the Doc's text."""
    kept = [t for t in sdoc if not t.is_space]
    index = {t.i: n for n, t in enumerate(kept)}
    return Parse([Word(n, offset + t.idx, offset + t.idx + len(t.text), t.text, t.dep_, index.get(t.head.i, n))
                  for n, t in enumerate(kept)])


def parse_requested(fds: list[FinDoc], parser: Part, batch_size: int = 256) -> list[bool]:
    """Parse every requested sentence of ``fds`` in one pass; which Docs got new parses."""
    jobs = []
    for n, fd in enumerate(fds):
        r = _requests(fd)
        for i in sorted(r.wanted):
            sent = fd.sentences[i]
            jobs.append((n, i, sent.start_char, parser_text(sent.text)))
        r.wanted.clear()
    got = [False] * len(fds)
    with one_blas_thread():
        sdocs = list(parser.pipe((text for *_, text in jobs), batch_size=batch_size))
    for (n, i, offset, _), sdoc in zip(jobs, sdocs):
        _requests(fds[n]).parses[i] = _to_parse(sdoc, offset)
        got[n] = True
    STATS["parsed"] += len(jobs)
    return got


class ParsingComponent(FactComponent):
    """A ``FactComponent`` whose ``propose`` may ``request`` parses: over a batch of Docs it runs
    ``propose``, parses what the Docs asked for in one parser pass, and runs ``propose`` again on
    the Docs that got parses. Without a model (``model=""``) the rules decide alone."""

    def __init__(self, name: str, propose: Callable[[FinDoc, Any], Proposal], config: Any, *, strict: bool = False,
                 model: str = ""):
        super().__init__(name, propose, config, strict=strict)
        self.model = model
        self._parser: Part | None = None

    def _proposal(self, fd: FinDoc) -> Proposal | None:
        try:
            return self.propose(fd, self.config)
        except Exception as exc:  # one rule's bug must not cost the article its other facts
            if self.strict:
                raise RuleCrash(f"{self.name} crashed: {type(exc).__name__}: {exc}") from exc
            log.exception("%s failed", self.name)
            fd.warnings.append(f"{self.name} failed ({type(exc).__name__}); its facts are missing")
            return None

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        if self.model and self._parser is None:
            self._parser = load_parser(self.model)
        for batch in minibatch(docs, size=batch_size):
            fds = [view(doc) for doc in batch]
            found = [self._proposal(fd) for fd in fds]
            if self._parser is not None:
                STATS["sentences"] += sum(len(fd.sentences) for fd in fds)
                for n, again in enumerate(parse_requested(fds, self._parser)):
                    if again:
                        found[n] = self._proposal(fds[n])
            for doc, proposal in zip(batch, found):
                if proposal is not None:
                    candidates(doc).extend(proposal.candidates)
                    blockers(doc).extend(proposal.blockers)
                yield doc
