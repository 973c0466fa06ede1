"""Cleaning: raw bytes or strings -> ``CleanArticle``. Knows nothing of spaCy.

HTML goes through trafilatura; plain text and markdown are normalized without it.
"""
from __future__ import annotations

from extractor.clean.article import CleanArticle, clean, load
from extractor.clean.decode import decode_bytes

__all__ = ["CleanArticle", "clean", "load", "decode_bytes"]
