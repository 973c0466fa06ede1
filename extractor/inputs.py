"""What a batch reads: article files and tables of raw articles, on any file system pyarrow opens.

A batch's ``SRC`` is a folder (walked recursively for ``.txt .md .html .htm`` files), a glob
(``news/**/*.html``), an article file, or a table of raw articles: a Parquet or JSON Lines file
(``.parquet``, ``.jsonl``) with the columns ``source`` (the article's identity in the database),
``text`` or ``html``, and optionally ``url`` and ``published``. A plain path is read from the local
disk; a URI (``s3://bucket/news/``, ``gs://...``, ``file:///...``) through ``pyarrow.fs``.

Every document becomes a ``Doc`` (where to read it); ``fetch`` reads it into a ``RawFile`` or
``RawRow``, whose ``digest()`` is what resuming compares (the raw bytes, not the path) and whose
``article()`` is the cleaned article. Knows nothing of spaCy or of the database.
"""
from __future__ import annotations

import glob as globlib
import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

from extractor.clean import CleanArticle, clean
from extractor.clean.article import load, load_bytes, read_file, too_large
from extractor.clean.meta import Meta, parse_date, parse_sidecar, sidecar_path
from extractor.errors import ExtractorError, InputError
from extractor.settings import Settings
from extractor.sources import ARTICLE_SUFFIXES, is_article_file, walk

TABLE_SUFFIXES = (".parquet", ".jsonl")
TABLE_COLUMNS = ("source", "text", "html", "url", "published")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_GLOB = re.compile(r"[*?\[]")


def is_uri(src: str) -> bool:
    """``s3://bucket/x`` and ``file:///x`` are URIs; ``news/`` and ``C:/x`` are not.

    >>> is_uri("s3://bucket/news"), is_uri("news/a.txt")
    (True, False)
    """
    return bool(_URI.match(str(src)))


def is_table(name: str) -> bool:
    return PurePosixPath(str(name)).suffix.lower() in TABLE_SUFFIXES


# -- where a document is --------------------------------------------------------------------------
@dataclass(frozen=True)
class Doc:
    """One raw article to read: a file (``file``: a local path or a URI) or a table row (``body``)."""

    source: str
    file: str | None = None
    body: str | None = None
    kind: str | None = None  # a row's: "html" or "text"
    url: str | None = None
    published: str | None = None
    error: str | None = None  # a row that cannot be an article (no source, no body): the message

    def as_row(self) -> dict:
        """The row a remote worker receives (``doc_from_row`` reads it back)."""
        return {"source": self.source, "file": self.file, "text": self.body if self.kind == "text" else None,
                "html": self.body if self.kind == "html" else None, "url": self.url, "published": self.published}


def doc_from_row(row: dict) -> Doc:
    """A ``Doc`` from a row with the columns of ``TABLE_COLUMNS`` (and ``file`` for files).

    >>> doc_from_row({"source": "a", "text": "Bitcoin rose.", "published": "2026-02-04"}).kind
    'text'
    >>> doc_from_row({"source": "", "text": "x"}).error
    'a table row has no source (column source is empty)'
    """
    file = row.get("file")
    source = row.get("source")
    if file:
        return Doc(source=source or file, file=file)
    html, text = row.get("html"), row.get("text")
    kind, body = ("html", html) if html is not None else ("text", text)
    url = row.get("url") or None
    published = row.get("published") or None
    if not source:
        digest = hashlib.sha256(json.dumps([body, url, published]).encode("utf-8", "surrogatepass")).hexdigest()[:12]
        return Doc(source=f"<row without source>#{digest}", error="a table row has no source (column source is empty)")
    if body is None:
        return Doc(source=source, error=f"{source}: the row has neither text nor html")
    return Doc(source=source, body=body, kind=kind, url=url, published=published)


# -- reading a document ---------------------------------------------------------------------------
def split_uri(uri: str) -> tuple[object, str, str]:
    """``(file system, path in it, prefix)`` of a URI; ``prefix + path`` is the URI again.

    >>> split_uri("file:///tmp/news")[1:]
    ('/tmp/news', 'file://')
    """
    import pyarrow.fs as pafs

    try:
        fs, path = pafs.FileSystem.from_uri(uri)
    except Exception as exc:  # pyarrow says ArrowInvalid for an unknown scheme, OSError for a missing bucket
        raise InputError(f"{uri}: cannot open: {str(exc).strip().splitlines()[0]}") from None
    bare = uri.split("?", 1)[0].rstrip("/")
    tail = path.rstrip("/")
    prefix = bare[: len(bare) - len(tail)] if tail and bare.endswith(tail) else uri.split("://", 1)[0] + "://"
    return fs, path, prefix


_FILESYSTEMS: dict[str, tuple[object, str]] = {}


def _uri_fs(uri: str) -> tuple[object, str]:
    """``(file system, path)`` of a URI; one file system per scheme and authority and process (one S3 client per bucket)."""
    scheme, rest = uri.split("://", 1)
    key = f"{scheme}://{rest.split('/', 1)[0]}"
    hit = _FILESYSTEMS.get(key)
    if hit is not None and uri.startswith(hit[1]) and "?" not in uri:
        return hit[0], uri[len(hit[1]):]
    fs, path, prefix = split_uri(uri)
    _FILESYSTEMS[key] = (fs, prefix)
    return fs, path


def _read_uri(fs, path: str, source: str = "", max_bytes: int | None = None) -> bytes:
    """The bytes of ``path`` on ``fs``; over ``max_bytes`` an ``InputError``, read no further than
    its size."""
    if max_bytes is None:
        with fs.open_input_stream(path) as fh:
            return fh.readall()
    with fs.open_input_file(path) as fh:
        size = fh.size()
        if size > max_bytes:
            raise InputError(too_large(source or path, size, max_bytes))
        return fh.read(size)


@dataclass
class RawFile:
    """A file's bytes, its sidecar's (``NAME.meta.json``) and its suffix: all its record depends on besides its name."""

    source: str
    data: bytes
    suffix: str
    sidecar: bytes | None = None
    sidecar_name: str = ""

    def digest(self) -> str:
        h = hashlib.sha256(self.data)
        if self.sidecar is not None:
            h.update(b"\0sidecar\0" + self.sidecar)
        h.update(b"\0suffix\0" + self.suffix.lower().encode("utf-8", "surrogateescape"))
        return h.hexdigest()

    def article(self, settings: Settings) -> CleanArticle:
        side = None if self.sidecar is None else (lambda: parse_sidecar(self.sidecar, self.sidecar_name))
        return load_bytes(self.data, source=self.source, suffix=self.suffix, sidecar=side, settings=settings)


@dataclass
class RawRow:
    """A table row: its body (text or HTML) and metadata."""

    source: str
    body: str
    kind: str
    url: str | None = None
    published: str | None = None

    def digest(self) -> str:
        blob = json.dumps(["row", self.kind, self.body, self.url, self.published], ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()

    def article(self, settings: Settings) -> CleanArticle:
        try:
            meta = Meta(url=self.url, published=parse_date(self.published) if self.published else None)
            return clean(self.body, source=self.source, kind=self.kind, meta=meta, settings=settings)
        except ExtractorError as exc:
            if str(exc).startswith(self.source):
                raise
            raise InputError(f"{self.source}: {exc}") from None


def fetch(doc: Doc, max_bytes: int | None = None) -> RawFile | RawRow:
    """Read a document: ``OSError`` when a file cannot be read, ``InputError`` when it is not a
    regular file or is larger than ``max_bytes`` (then it is not read: a batch hashes every input
    before extracting it, and a named pipe or a file of many gigabytes must not stall or fill it)."""
    if doc.file is None:
        return RawRow(doc.source, doc.body, doc.kind, doc.url, doc.published)
    suffix = PurePosixPath(doc.file).suffix
    if is_uri(doc.file):
        fs, path = _uri_fs(doc.file)
        data = _read_uri(fs, path, doc.source, max_bytes)
        side = str(PurePosixPath(path).with_name(PurePosixPath(path).stem + ".meta.json"))
        import pyarrow.fs as pafs

        sidecar = _read_uri(fs, side) if fs.get_file_info(side).type == pafs.FileType.File else None
        return RawFile(doc.source, data, suffix, sidecar, doc.file[: len(doc.file) - len(path)] + side)
    p = Path(doc.file)
    data = read_file(p, doc.source, max_bytes)
    side = sidecar_path(p)
    sidecar = side.read_bytes() if side.is_file() else None
    return RawFile(doc.source, data, p.suffix, sidecar, str(side))


def file_hash(path: Path) -> str:
    """sha256 of what a file's record depends on besides its path: its bytes, its ``NAME.meta.json``
    sidecar and its suffix (which decides HTML or text cleaning)."""
    return fetch(Doc(str(path), file=str(path))).digest()


def read_article(doc: Doc, settings: Settings) -> CleanArticle:
    """The cleaned article of a document (``InputError`` with its source when it cannot be one)."""
    if doc.error is not None:
        raise InputError(doc.error)
    if doc.file is not None and not is_uri(doc.file):
        return load(doc.file, settings=settings)  # checks the size before reading
    try:
        raw = fetch(doc, settings.max_file_bytes)
    except OSError as exc:
        raise InputError(f"{doc.source}: cannot read: {exc.strerror or exc}") from None
    return raw.article(settings)


# -- tables of raw articles -------------------------------------------------------------------------
def table_schema():
    import pyarrow as pa

    return pa.schema([(c, pa.string()) for c in TABLE_COLUMNS])


def normalize_table(table, where: str = "table"):
    """The columns of ``TABLE_COLUMNS`` as strings (missing ones null; dates and times as ISO text)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    names = set(table.column_names)
    if "source" not in names:
        raise InputError(f"{where}: no 'source' column (a table of articles has source, text or html, and optionally url and published)")
    if not names & {"text", "html"}:
        raise InputError(f"{where}: neither a 'text' nor an 'html' column")
    cols = []
    for c in TABLE_COLUMNS:
        if c not in names:
            cols.append(pa.nulls(table.num_rows, pa.string()))
            continue
        col = table.column(c)
        if pa.types.is_timestamp(col.type):
            col = pc.strftime(col, format="%Y-%m-%dT%H:%M:%S")
        elif not pa.types.is_string(col.type):
            try:
                col = col.cast(pa.string())
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise InputError(f"{where}: column {c} of type {col.type} cannot be read as text: {exc}") from None
        cols.append(col)
    return pa.Table.from_arrays(cols, schema=table_schema())


def json_parse_options():
    """Every column of a JSON Lines table read as text (no guessing of dates); other columns ignored."""
    import pyarrow.json as pajson

    return pajson.ParseOptions(explicit_schema=table_schema(), unexpected_field_behavior="ignore")


def read_table(name: str):
    """A whole table of raw articles (local path or URI), normalized."""
    import pyarrow as pa
    import pyarrow.json as pajson
    import pyarrow.parquet as pq

    if is_uri(name):
        fs, path = _uri_fs(name)
    else:
        fs, path = None, name
    try:
        if name.lower().endswith(".parquet"):
            table = pq.read_table(path, filesystem=fs)
        else:
            stream = fs.open_input_stream(path) if fs is not None else pa.input_stream(path)
            with stream:
                table = pajson.read_json(stream, parse_options=json_parse_options())
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from None
    except pa.ArrowException as exc:
        raise InputError(f"{name}: not a readable table: {str(exc).strip().splitlines()[0]}") from None
    return normalize_table(table, name)


def table_rows(name: str) -> Iterator[Doc]:
    table = read_table(name)
    for batch in table.to_batches(max_chunksize=1024):
        for row in batch.to_pylist():
            yield doc_from_row(row)


def count_rows(name: str) -> int | None:
    """Rows of a Parquet table from its footer (None for JSON Lines: it would take a full read)."""
    if not name.lower().endswith(".parquet"):
        return None
    import pyarrow.parquet as pq

    fs, path = _uri_fs(name) if is_uri(name) else (None, name)
    try:
        return pq.ParquetFile(fs.open_input_file(path) if fs is not None else path).metadata.num_rows
    except Exception:
        return None


# -- SRC ------------------------------------------------------------------------------------------
@dataclass
class Inputs:
    """Every document a batch reads: article files (sorted), then tables (in the order given)."""

    files: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)

    def docs(self) -> Iterator[Doc]:
        for f in self.files:
            yield Doc(f, file=f)
        for t in self.tables:
            yield from table_rows(t)

    def count(self) -> int | None:
        """How many documents, when known without reading the tables."""
        total = len(self.files)
        for t in self.tables:
            n = count_rows(t)
            if n is None:
                return None
            total += n
        return total

    def describe(self) -> str:
        parts = [f"{len(self.files)} files"] if self.files or not self.tables else []
        if self.tables:
            parts.append(f"{len(self.tables)} {'table' if len(self.tables) == 1 else 'tables'}")
        return " and ".join(parts)


def _listed_uri(src: str, pattern: str | None) -> tuple[list[str], list[str]]:
    import pyarrow.fs as pafs

    base, rest = src, None
    if _GLOB.search(src.split("://", 1)[1]):
        head, tail = src.split("://", 1)
        parts = tail.split("/")
        i = next(i for i, p in enumerate(parts) if _GLOB.search(p))
        base, rest = f"{head}://{'/'.join(parts[:i])}", "/".join(parts[i:])
    fs, path, prefix = split_uri(base)
    info = fs.get_file_info(path)
    if info.type == pafs.FileType.NotFound:
        raise InputError(f"{base}: no such file or folder")
    if info.type == pafs.FileType.File and rest is None:
        return ([], [src]) if is_table(src) else ([src], [])
    files, tables = [], []
    root = path.rstrip("/")
    for entry in fs.get_file_info(pafs.FileSelector(root, recursive=True)):
        if entry.type != pafs.FileType.File:
            continue
        rel = entry.path[len(root):].lstrip("/")
        if any(part.startswith(".") for part in rel.split("/")):
            continue
        if rest is not None:
            if not fnmatch(rel, rest):
                continue
            if is_table(entry.path):
                tables.append(prefix + entry.path)
                continue
        elif pattern is not None and not (fnmatch(PurePosixPath(rel).name, pattern) or fnmatch(rel, pattern)):
            continue
        if is_article_file(Path(entry.base_name)):
            files.append(prefix + entry.path)
    return sorted(files), sorted(tables)


def resolve(srcs: list[str | Path], pattern: str | None = None) -> Inputs:
    """The documents of every ``SRC`` (see the module docstring); ``pattern`` filters the files of folders."""
    out = Inputs()
    for src in srcs:
        s = str(src)
        if is_uri(s):
            files, tables = _listed_uri(s, pattern)
        elif os.path.isdir(s):
            files, tables = [str(p) for p in walk(Path(s), pattern)], []
        elif os.path.isfile(s):
            files, tables = ([], [s]) if is_table(s) else ([s], [])
        elif _GLOB.search(s):
            found = sorted(os.path.abspath(m) for m in globlib.glob(s, recursive=True) if os.path.isfile(m))
            tables = [m for m in found if is_table(m)]
            files = [m for m in found if not is_table(m) and is_article_file(Path(m))]
        else:
            raise InputError(f"{s}: no such file or folder")
        out.files += files
        out.tables += tables
    out.files = sorted(dict.fromkeys(out.files))
    out.tables = list(dict.fromkeys(out.tables))
    if not out.files and not out.tables:
        names = ", ".join(str(s) for s in srcs)
        raise InputError(f"{names}: no article files found (looked for {' '.join(ARTICLE_SUFFIXES)}, "
                         f"and tables {' '.join(TABLE_SUFFIXES)})")
    return out
