"""Entry points of cleaning: a path or a string -> ``CleanArticle``."""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from extractor.clean.decode import decode_bytes
from extractor.clean.html import html_to_text, looks_like_html
from extractor.clean.lang import detect_language
from extractor.clean.meta import Meta, dateline, header_date, parse_date, read_sidecar, split_front_matter
from extractor.clean.text import normalize_text
from extractor.errors import InputError
from extractor.settings import Settings

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}


@dataclass
class CleanArticle:
    """Cleaned text plus what is known about the article. Every fact offset points into ``text``."""

    text: str
    source: str
    url: str | None = None
    title: str | None = None
    published: str | None = None
    modified: str | None = None
    language: str = "en"
    warnings: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        """sha256 of the cleaned text, hex, first 16 chars."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]


def clean(
    raw: str | bytes,
    *,
    source: str = "<string>",
    kind: str | None = None,
    meta: Meta | None = None,
    settings: Settings | None = None,
) -> CleanArticle:
    """Clean one document.

    ``kind`` is ``"html"``, ``"text"`` or ``None`` (sniff). ``meta`` holds metadata of
    higher precedence than what the document itself carries (caller or sidecar).
    """
    settings = settings or Settings()
    if isinstance(raw, str) and len(raw) > settings.max_file_bytes // 4:  # cheap bound first: a char is at most 4 bytes
        size = len(raw.encode("utf-8", "surrogatepass"))
        if size > settings.max_file_bytes:
            raise InputError(f"input is {size:,} bytes, over the limit of {settings.max_file_bytes:,} (max_file_bytes)")
    if isinstance(raw, bytes):
        if len(raw) > settings.max_file_bytes:
            raise InputError(f"file is {len(raw):,} bytes, over the limit of {settings.max_file_bytes:,} (max_file_bytes)")
        raw, _ = decode_bytes(raw)
    if kind is None:
        kind = "html" if looks_like_html(raw) else "text"
    warnings: list[str] = []
    if kind == "html":
        text, doc_meta, w = html_to_text(raw, need_date=not (meta and meta.published))
        warnings += w
        text = normalize_text(text, markdown=False)
    else:
        doc_meta, body = split_front_matter(raw)
        text = normalize_text(body, markdown=True)
        doc_meta = Meta(title=_first_line_title(text)).over(doc_meta) if not doc_meta.title else doc_meta
    if len(text) > settings.max_text_chars:
        raise InputError(f"cleaned text is {len(text):,} characters, over the limit of {settings.max_text_chars:,} (max_text_chars)")
    if kind != "html" and not text.strip():
        raise InputError("empty document: no text after cleaning")
    merged = (meta or Meta()).over(doc_meta).over(dateline(text)).over(header_date(text))
    if merged.published is None:
        warnings.append("no publication date: relative dates unresolved")
    language = detect_language(text)
    if language != "en":
        warnings.append(f"language detected as {language!r}, not English: no facts extracted")
    return CleanArticle(
        text=text, source=source, url=merged.url, title=merged.title, published=merged.published,
        modified=merged.modified, language=language, warnings=warnings,
    )


def _first_line_title(text: str) -> str | None:
    """A short first line followed by a blank line is taken as the title.

    A first paragraph that is a sentence (ends with a full stop) or opens with a dateline is not a title:

    >>> _first_line_title("Bitcoin slides toward $71,000\\n\\nBody.")
    'Bitcoin slides toward $71,000'
    >>> _first_line_title("(Hong Kong, 11.02.2026) Asian shares climbed.\\n\\nBody.") is None
    True
    >>> _first_line_title("Bitcoin fell 3% on Monday to $70,000.\\n\\nBody.") is None
    True
    """
    head, sep, _ = text.partition("\n\n")
    head = head.strip()
    if not sep or not 0 < len(head) <= 200 or "\n" in head:
        return None
    if head.endswith(".") or dateline(head).published:
        return None
    return head


def too_large(name: str, size: int, max_bytes: int) -> str:
    """The error of a file over ``max_file_bytes``.

    >>> too_large("a.txt", 6_000_000, 5_000_000)
    'a.txt: file is 6,000,000 bytes, over the limit of 5,000,000 (max_file_bytes)'
    """
    return f"{name}: file is {size:,} bytes, over the limit of {max_bytes:,} (max_file_bytes)"


def read_file(path: Path, name: str, max_bytes: int | None) -> bytes:
    """The bytes of a local file (``name`` in errors; ``OSError`` when it cannot be read). Not read
    at all when it is not a regular file (a named pipe would block the reader, a device would never
    end) or when its size is over ``max_bytes`` (both an ``InputError``); read no further than
    ``max_bytes`` if it grows meanwhile."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{name}: not a regular file")
    if max_bytes is None:
        return path.read_bytes()
    if st.st_size > max_bytes:
        raise InputError(too_large(name, st.st_size, max_bytes))
    with open(path, "rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(f"{name}: file is over the limit of {max_bytes:,} bytes (max_file_bytes)")
    return data


def load(
    path: str | Path,
    *,
    published: str | None = None,
    url: str | None = None,
    settings: Settings | None = None,
) -> CleanArticle:
    """Read and clean one file, merging CLI/caller > sidecar > document > dateline metadata."""
    settings = settings or Settings()
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    try:
        data = read_file(p, str(p), settings.max_file_bytes)
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror or exc}") from None
    caller = Meta(url=url, published=parse_date(published) if published else None)
    return load_bytes(data, source=str(p), suffix=p.suffix, sidecar=lambda: read_sidecar(p), meta=caller, settings=settings)


def load_bytes(
    data: bytes,
    *,
    source: str,
    suffix: str,
    sidecar=None,
    meta: Meta | None = None,
    settings: Settings | None = None,
) -> CleanArticle:
    """Clean the bytes of a file named ``source`` (read from any file system), as ``load`` does:
    ``suffix`` decides HTML or text, ``sidecar`` is a callable returning the ``Meta`` of its
    ``NAME.meta.json`` (``None``: no sidecar), ``meta`` the caller's metadata (highest precedence).
    Every error names ``source``."""
    settings = settings or Settings()
    suffix = suffix.lower()
    kind = "html" if suffix in HTML_SUFFIXES else "text" if suffix in TEXT_SUFFIXES else None
    try:
        side = sidecar() if sidecar is not None else Meta()
        return clean(data, source=source, kind=kind, meta=(meta or Meta()).over(side), settings=settings)
    except InputError as exc:
        if str(exc).startswith(source):
            raise
        raise InputError(f"{source}: {exc}") from None
