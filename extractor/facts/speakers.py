"""People named in an article and who said what: shared by quotes and levels (one implementation).

Person mentions come from the ``fin_persons`` NER (``doc.ents`` PERSON) plus rule evidence; a
surname resolves to the full name introduced in the article.
"""
from __future__ import annotations

from extractor.facts.doc import FinDoc
from extractor.normalize.assets import canonical_asset


def person_near(fd: FinDoc, start: int) -> str | None:
    """A PERSON named in the sentence of ``start`` (the nearest before it, else the first after),
    as the full name when the article introduced one earlier."""
    sent = fd.sentence_at(start)
    persons = [
        e for e in fd.doc.ents
        if e.label_ == "PERSON" and sent.start_char <= e.start_char and e.end_char <= sent.end_char
        and canonical_asset(e.text) is None  # the tagger sometimes takes "Bitcoin" for a person
    ]
    if not persons:
        return None
    before = [e for e in persons if e.end_char <= start]
    name = (before[-1] if before else persons[0]).text
    if " " not in name:  # a surname resolves to the full name introduced earlier
        for e in fd.doc.ents:
            if e.label_ == "PERSON" and e.start_char < sent.start_char and e.text.split()[-1] == name and " " in e.text:
                return e.text
    return name
