"""Settings of a process that runs one extractor over many documents (``extractor extract``, the
batch workers and their server, the Ray actors, the benches): the garbage collector's and the C
allocator's. Nothing here changes what is extracted.

The collector. ``Extractor.pipe`` leaves no reference cycles behind, so a young collection finds
almost nothing to free, while each one walks the objects of the batch in flight. What exists when
the process settles (the model, lexicons, compiled rules) is frozen out of the collector's reach
(``gc.freeze``; forked workers also keep sharing its pages), and young collections run every
``GC_YOUNG_THRESHOLD`` objects instead of CPython's 700: 0.38 ms -> 0.04 ms of collections per
article (300 bench articles, three passes).

The allocator. With glibc's default, adaptive thresholds, the arrays of a batch (the models'
activations, spaCy's token arrays) went back to the kernel when freed and were faulted in again
for the next batch: about 380 page faults and 0.9-1.1 ms of system time per article. With
allocations below ``MMAP_THRESHOLD`` served from the heap and up to ``TRIM_THRESHOLD`` of free
heap kept, 15 faults and 0.03-0.05 ms (same articles). The peak memory is the same; what changes is
that the process keeps its peak instead of giving pages back between batches. Other C libraries
are left as they are.
"""
from __future__ import annotations

import ctypes
import gc
import logging
import sys

log = logging.getLogger(__name__)

GC_YOUNG_THRESHOLD = 20_000

#: What a long run extracts once before ``settle_process``, so that the lazily built tables and the
#: model exist when it freezes them (the workers' server, the Ray actors, the adversarial bench).
WARM_UP_TEXT = "Bitcoin rose 2% to $70,000 on Monday, said Jane Roe, an analyst at Acme Research."

#: And a page: the HTML cleaner (trafilatura, its fallbacks and their word lists) is imported and
#: set up on the first page read, about 0.13 s that every batch worker paid again when its server
#: had only read ``WARM_UP_TEXT``; a paragraph of each fact type builds the other rules' lazy parts.
WARM_UP_HTML = """<!DOCTYPE html><html><head><title>Bitcoin holds $70,000 as fund inflows return</title>
<meta property="article:published_time" content="2026-03-02T10:00:00Z"></head><body>
<nav><a href="/">Home</a> | <a href="/markets">Markets</a></nav>
<article><h1>Bitcoin holds $70,000 as fund inflows return</h1>
<p>Bitcoin rose 2.4% to $70,150 on Monday, while ether slipped 1.1% to $3,420 and solana gained 5%.</p>
<p>Spot bitcoin ETFs took in $412 million of net inflows on Friday, $250 million of it into one fund,
while another fund saw outflows of $35 million.</p>
<p>Traders see support at $68,000 and resistance near $72,500. Open interest in bitcoin futures climbed
to $38 billion and funding rates stayed at 0.01%.</p>
<p>"We think the market is pricing in rate cuts," said Jane Roe, head of research at Acme Capital.
"A break above $72,500 would open the way to $80,000."</p>
<p>In London the FTSE 100 closed 0.6% higher at 8,412.3 and HSBC added 12p to 1,012.4p; Brent crude
fell 1.3% to $81.20 a barrel, the euro was little changed at $1.0845 and gold rose to $2,350 an ounce.</p>
<p>Total value locked in lending protocols reached $95 billion, and the 10-year Treasury yield fell
4 basis points to 4.21%.</p></article>
<footer>Copyright 2026. All rights reserved. Subscribe to our newsletter.</footer></body></html>"""

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)
MMAP_THRESHOLD = 32 << 20  # glibc's largest on 64-bit: smaller blocks come from the heap
TRIM_THRESHOLD = 64 << 20  # free memory at the top of the heap kept for the next batch


def keep_freed_memory() -> bool:
    """Set glibc's ``M_MMAP_THRESHOLD`` and ``M_TRIM_THRESHOLD`` (see the module docstring); False
    where the C library is not glibc (musl's ``mallopt`` does nothing) or refuses a value."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    if mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) != 1:
        return False
    if mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) != 1:  # pragma: no cover - glibc takes any size here
        log.debug("glibc refused M_TRIM_THRESHOLD %d", TRIM_THRESHOLD)
        return False
    return True


def warm_up(ex) -> None:
    """Extract ``WARM_UP_TEXT`` and ``WARM_UP_HTML`` with ``ex`` (an ``Extractor``), before
    ``settle_process``."""
    ex.extract(WARM_UP_TEXT)
    ex.extract(WARM_UP_HTML)


def settle_process() -> None:
    """Call once the extractor is built (and warmed), before the documents: freezes what exists,
    raises the young-generation threshold and keeps freed memory for the next batch."""
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    if not keep_freed_memory():
        log.debug("allocator thresholds left as they are (not glibc)")
