"""Imported by the batch workers' server (multiprocessing's forkserver) before it forks any worker.

spaCy, the rules and, when ``EXTRACTOR_PRELOAD_SETTINGS`` holds a ``Settings`` JSON, a warmed-up
``Extractor`` (the NER model loaded, every lexicon compiled) are built once here; each worker is a
fork of this process and starts with them ready instead of loading its own copy. The variable is
set by ``extractor.engines.local`` when it starts the server; without it only the imports are done.
"""
from __future__ import annotations

import logging
import os

from extractor import lean_imports, recache

lean_imports.install()  # spaCy without its own command line (about 0.2 s)
recache.install()  # before the imports below compile their patterns

from extractor.longrun import settle_process, warm_up  # noqa: E402
from extractor.pipeline import Extractor  # noqa: E402
from extractor.settings import Settings  # noqa: E402

log = logging.getLogger(__name__)

ENV = "EXTRACTOR_PRELOAD_SETTINGS"
WARM: tuple[str, Extractor] | None = None  # (settings JSON, extractor built from it)


def _warm() -> None:
    global WARM
    raw = os.environ.get(ENV)
    if not raw:
        return
    try:
        ex = Extractor(Settings.model_validate_json(raw))
        warm_up(ex)
    except Exception:  # a bad setting is reported by the worker that uses it, not by the server
        log.debug("preloading the extractor failed", exc_info=True)
        return
    WARM = (raw, ex)
    recache.save()  # this server may never exit normally: the programs it compiled are kept now
    settle_process()  # the model, lexicons and compiled rules live as long as the process (and its forks)


_warm()
