"""Finding article files: folders walked recursively, sidecars skipped, symlinks not followed out."""
from __future__ import annotations

import os
from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path

from extractor.errors import InputError

ARTICLE_SUFFIXES = (".html", ".htm", ".txt", ".md")


def is_article_file(path: Path) -> bool:
    """Article files by suffix; ``NAME.meta.json`` sidecars and hidden files are not articles.

    >>> is_article_file(Path("a/001.txt")), is_article_file(Path("a/001.meta.json")), is_article_file(Path(".x.md"))
    (True, False, False)
    """
    return path.suffix.lower() in ARTICLE_SUFFIXES and not path.name.startswith(".")


def walk(folder: Path, pattern: str | None = None) -> Iterator[Path]:
    """Article files under ``folder``, sorted, never leaving it through symlinks nor looping."""
    root = folder.resolve()
    seen: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        st = os.stat(dirpath)
        if (st.st_dev, st.st_ino) in seen:
            dirnames[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            p = Path(dirpath) / name
            if p.is_symlink():
                try:
                    target = p.resolve(strict=True)
                except (OSError, RuntimeError):
                    continue
                if root not in target.parents:
                    continue
            if is_article_file(p) and (pattern is None or fnmatch(p.name, pattern) or fnmatch(str(p.relative_to(root)), pattern)):
                yield p


def expand(paths: list[Path], pattern: str | None = None) -> list[Path]:
    """Files named directly plus the article files of folders; a missing path is an ``InputError``."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(walk(p, pattern))
        elif p.exists():
            out.append(p)
        else:
            raise InputError(f"{p}: no such file or folder")
    return out
