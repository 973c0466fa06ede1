"""The settings of a long extraction run (``extractor.longrun``): the collector's and glibc's."""
from __future__ import annotations

import gc
import json
import platform
import subprocess
import sys

import pytest

from extractor.longrun import GC_YOUNG_THRESHOLD, keep_freed_memory, settle_process

GLIBC = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"

# A child process makes what a batch makes (many arrays of a few hundred KB to a few MB, all freed
# when the batch is done) three times, and reports the page faults of the last two rounds, with the
# allocator thresholds set or not.
CHILD = r"""
import json, resource, sys
import numpy
from extractor.longrun import keep_freed_memory

if sys.argv[1] == "kept":
    assert keep_freed_memory()

def batch():
    arrays = [numpy.ones(n, dtype=numpy.float32) for n in [60_000, 250_000, 900_000] * 12]  # 0.24-3.6 MB each
    return sum(float(a[-1]) for a in arrays)

batch()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(2):
    batch()
print(json.dumps(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before))
"""


def _faults(mode: str) -> int:
    out = subprocess.run([sys.executable, "-c", CHILD, mode], capture_output=True, text=True, check=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_allocator_thresholds_are_taken_where_the_c_library_is_glibc():
    assert keep_freed_memory() is GLIBC


@pytest.mark.skipif(not GLIBC, reason="the allocator thresholds are glibc's")
def test_freed_batch_memory_is_kept_for_the_next_batch():
    """glibc's defaults give the 58 MB of a batch back to the kernel and fault them in again for the
    next one (about 14,000 faults per round here); with the thresholds set, the heap keeps them."""
    default, kept = _faults("default"), _faults("kept")
    assert kept * 20 < default, (kept, default)


def test_settling_freezes_what_exists_and_raises_the_young_threshold():
    old = gc.get_threshold()
    try:
        settle_process()
        assert gc.get_threshold()[0] == GC_YOUNG_THRESHOLD and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*old)


# A fresh process warms an extractor up as the workers' server does and reports whether the HTML
# cleaner was imported, and which fact types the warm-up documents gave.
WARM_CHILD = r"""
import json, sys
from extractor.longrun import WARM_UP_HTML, warm_up
from extractor.pipeline import Extractor
ex = Extractor()
before = "trafilatura" in sys.modules
warm_up(ex)
types = sorted({f.type for f in ex.extract(WARM_UP_HTML).facts})
print(json.dumps({"before": before, "after": "trafilatura" in sys.modules, "types": types}))
"""


def test_the_warm_up_reads_a_page_and_every_fact_type():
    """The server the batch workers fork from sets the HTML cleaner up once for all of them, and runs
    every fact type's rules once (so no worker pays for their first use)."""
    out = subprocess.run([sys.executable, "-c", WARM_CHILD], capture_output=True, text=True, check=True, timeout=300)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["before"] is False and got["after"] is True
    assert got["types"] == ["etf_flow", "market_metric", "percent_move", "price", "price_level", "quote"]
