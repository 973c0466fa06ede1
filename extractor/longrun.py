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


def settle_process() -> None:
    """Call once the extractor is built (and warmed), before the documents: freezes what exists,
    raises the young-generation threshold and keeps freed memory for the next batch."""
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    if not keep_freed_memory():
        log.debug("allocator thresholds left as they are (not glibc)")
