"""Facts as spaCy spans, for people who already read entities with displaCy."""
from __future__ import annotations

import logging
from functools import lru_cache

import spacy
from spacy.tokens import Doc

from extractor.records import ArticleRecord

log = logging.getLogger(__name__)

SPANS_KEY = "facts"


@lru_cache(maxsize=1)
def _blank():
    return spacy.blank("en")


def to_doc(record: ArticleRecord | dict, nlp=None) -> Doc:
    """The article's cleaned text as a ``Doc`` whose ``doc.spans["facts"]`` holds one span per fact.

    Each span's label is the fact type and its ``id_`` the fact's index in the record; the facts
    themselves are in ``doc.user_data["facts"]``. The same group is also ``doc.spans["sc"]``,
    displaCy's default, so ``displacy.render(doc, style="span")`` shows the facts as they are.
    Evidence that does not fall on token boundaries is widened to the tokens it touches; a fact
    whose evidence covers no token (empty evidence) has no span and is logged.

    >>> doc = to_doc({"article": {"id": "x", "source": "s", "text": "Bitcoin fell 3% to $101,300."},
    ...               "facts": [{"type": "price", "asset": "BTC", "value": 101300.0, "rule": "r",
    ...                          "evidence": {"start": 19, "end": 27, "text": "$101,300"}}]})
    >>> [(s.text, s.label_, s.id_) for s in doc.spans["facts"]]
    [('$101,300', 'price', '0')]
    """
    rec = record.model_dump(mode="json") if isinstance(record, ArticleRecord) else record
    text = rec["article"]["text"]
    doc = (nlp or _blank()).make_doc(text)
    spans = []
    for i, fact in enumerate(rec.get("facts") or []):
        ev = fact["evidence"]
        span = doc.char_span(ev["start"], ev["end"], label=fact["type"], span_id=str(i), alignment_mode="expand")
        if span is None or len(span) == 0:
            log.warning("%s: fact %d (%s) has evidence %d:%d that covers no token: no span", rec["article"].get("source"), i, fact["type"], ev["start"], ev["end"])
            continue
        spans.append(span)
    doc.spans[SPANS_KEY] = spans
    doc.spans["sc"] = spans
    doc.user_data["facts"] = list(rec.get("facts") or [])
    return doc
