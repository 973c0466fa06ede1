"""Rule-based sentence boundaries as a pipeline component (``doc.sentence_starts`` decides, through ``sentence_start_tokens``)."""
from __future__ import annotations

import numpy
from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from extractor.facts.doc import sentence_start_tokens, view


def set_sentence_starts(doc: Doc) -> Doc:
    """Mark ``is_sent_start`` on every token of ``doc``.

    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> doc = set_sentence_starts(nlp("Bitcoin fell on Feb. 5 in the U.S. market. “It hurt,” he said.\\nNew line here"))
    >>> [s.text.strip() for s in doc.sents]
    ['Bitcoin fell on Feb. 5 in the U.S. market.', '“It hurt,” he said.', 'New line here']
    """
    if not len(doc):
        return doc
    # tokens as text slices (Token objects cost a Python object each), and one from_array call:
    # setting token.is_sent_start one by one re-checks the whole doc each time
    text = view(doc).text
    arr = doc.to_array([IDX, LENGTH])
    flags = numpy.full(len(doc), -1, dtype="int32")
    flags[sentence_start_tokens(text, arr[:, 0], arr[:, 1])] = 1  # the tokens ``sentence_starts`` marks
    flags = flags.astype("uint64").reshape(-1, 1)  # spaCy stores -1 as wrapped uint64
    doc.from_array([SENT_START], flags)
    return doc


@Language.component("fin_sentences", assigns=["token.is_sent_start"])
def sentences_component(doc: Doc) -> Doc:
    return set_sentence_starts(doc)
