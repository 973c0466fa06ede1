"""What a processed article leaves behind in memory.

``Extractor.pipe`` empties each Doc's ``user_data`` once its record is built: the per-Doc caches and
candidates kept there refer back to the Doc, and that cycle would otherwise outlive the article
until the collector's oldest generation runs (hundreds of objects per article, all of them kept
alive meanwhile).
"""
from __future__ import annotations

import gc

import pytest

from extractor.clean import clean

ARTICLES = [
    "Solana climbed 4.2% to $183.10 on Tuesday, while ether slipped 1.1%.\n\n"
    '"We see buyers stepping in near $175," said Dana Whitfield, head of research at Northgate Digital.',
    "Spot bitcoin ETFs took in $412 million on Monday, led by a $250 million inflow into one fund.\n\n"
    "Resistance sits at $72,000 and support at $66,500, analysts at Harbor Lane wrote.",
]


def _cyclic_leftovers(extractor) -> list[str]:
    """Types of the objects of this project and of spaCy's Docs that only the cycle collector
    could free after ``extractor.pipe`` ran over ``ARTICLES``."""
    arts = [clean(t, source=f"memory-{n}.txt") for n, t in enumerate(ARTICLES)]
    list(extractor.pipe(arts[:1]))  # lazy tables and models built before the count
    gc.collect()
    was_enabled, flags = gc.isenabled(), gc.get_debug()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        records = list(extractor.pipe(arts))
        del records
        gc.collect()
        return sorted({f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.garbage
                       if type(o).__module__.startswith(("extractor", "spacy.tokens"))})
    finally:
        gc.set_debug(flags)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()


@pytest.mark.parametrize("which", ["rules_only", "full"])
def test_a_processed_article_leaves_no_cycles(which, request):
    assert _cyclic_leftovers(request.getfixturevalue(which)) == []


def test_docs_keep_their_annotations_for_the_caller(rules_only):
    """``docs`` (what ``explain`` reads) hands out Docs whose caches are still there."""
    art = clean(ARTICLES[0], source="memory-docs.txt")
    _, doc = next(rules_only.docs([art]))
    assert doc.user_data and doc._.facts
