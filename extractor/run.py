"""Running the extractor over files: shared by the CLI commands (no argument parsing here)."""
from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from extractor.clean import CleanArticle, clean, load
from extractor.clean.meta import Meta, parse_date
from extractor.errors import ExtractorError, InputError
from extractor.longrun import settle_process
from extractor.pipeline import Extractor
from extractor.settings import Settings
from extractor.sources import expand

log = logging.getLogger(__name__)

STDIN = Path("-")  # an input named "-" is read from standard input
STDIN_SOURCE = "<stdin>"


def expand_inputs(paths: list[Path]) -> list[Path]:
    """``expand`` that keeps ``-`` (standard input) where it stands."""
    out: list[Path] = []
    for p in paths:
        out.extend([STDIN] if str(p) == "-" else expand([p]))
    return out


def load_stdin(stream: BinaryIO, settings: Settings, *, published: str | None = None, url: str | None = None) -> CleanArticle:
    """Read and clean one document from ``stream`` (HTML or text, sniffed), within ``max_file_bytes``."""
    data = stream.read(settings.max_file_bytes + 1)
    if len(data) > settings.max_file_bytes:
        raise InputError(f"{STDIN_SOURCE}: input is over the limit of {settings.max_file_bytes:,} bytes (max_file_bytes)")
    meta = Meta(url=url, published=parse_date(published) if published else None)
    try:
        return clean(data, source=STDIN_SOURCE, meta=meta, settings=settings)
    except InputError as exc:
        raise InputError(f"{STDIN_SOURCE}: {exc}") from None


def load_all(files: list[Path], settings: Settings, failures: list, *, published: str | None = None, url: str | None = None,
             stdin: BinaryIO | None = None):
    """Cleaned articles for ``files`` (``-`` = standard input); a file that fails is appended to ``failures`` and skipped."""
    for f in files:
        try:
            if f == STDIN:
                yield load_stdin(stdin or sys.stdin.buffer, settings, published=published, url=url)
            else:
                yield load(f, published=published, url=url, settings=settings)
        except ExtractorError as exc:
            failures.append((f, str(exc)))


def extract_files(ex: Extractor, files: list[Path], sink: TextIO, *, published: str | None = None, url: str | None = None,
                  stdin: BinaryIO | None = None) -> list[tuple[Path, str]]:
    """Write one JSON record per readable file to ``sink``; return ``(path, error)`` for the others."""
    failures: list[tuple[Path, str]] = []
    settle_process()  # the extractor's model and tables live as long as the run
    for rec in ex.pipe(load_all(files, ex.settings, failures, published=published, url=url, stdin=stdin)):
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
