"""Running the extractor over files: shared by the CLI commands (no argument parsing here)."""
from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from extractor.clean import load
from extractor.errors import ExtractorError
from extractor.pipeline import Extractor
from extractor.settings import Settings
from extractor.sources import expand

log = logging.getLogger(__name__)


def load_all(files: list[Path], settings: Settings, failures: list, *, published: str | None = None, url: str | None = None):
    """Cleaned articles for ``files``; a file that fails is appended to ``failures`` and skipped."""
    for f in files:
        try:
            yield load(f, published=published, url=url, settings=settings)
        except ExtractorError as exc:
            failures.append((f, str(exc)))


def extract_files(ex: Extractor, files: list[Path], sink: TextIO, *, published: str | None = None, url: str | None = None) -> list[tuple[Path, str]]:
    """Write one JSON record per readable file to ``sink``; return ``(path, error)`` for the others."""
    failures: list[tuple[Path, str]] = []
    for rec in ex.pipe(load_all(files, ex.settings, failures, published=published, url=url)):
        sink.write(rec.model_dump_json(exclude_none=False) + "\n")
    return failures


def records_for(paths: list[Path], settings: Settings) -> Iterator[dict]:
    """Records as dicts: read from ``.jsonl`` files, or extracted from article files/folders."""
    article_paths = []
    for p in paths:
        if p.suffix == ".jsonl" and p.is_file():
            with p.open(encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        yield json.loads(line)
        else:
            article_paths.append(p)
    if article_paths:
        ex = Extractor(settings)
        failures: list = []
        for rec in ex.pipe(load_all(expand(article_paths), settings, failures)):
            yield json.loads(rec.model_dump_json())
        for path, message in failures:
            log.error("%s", message)
