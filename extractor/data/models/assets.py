"""Model of one line of ``assets.jsonl``: a well-known asset and the names it goes by."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from extractor.data.models.base import Entry


class AssetRow(Entry):
    """One asset (extractor/normalize/assets.py). Names are literal: ``names`` match in any case,
    ``cased_names`` and ``tickers`` only as written, ``ambiguous_tickers`` only in ticker context
    (``(LINK)``, ``$LINK``, ``LINK/USDT``)."""

    id: str = Field(min_length=1, description="canonical id: a token's ticker, else the usual name")
    kind: Literal["crypto", "index", "etf", "commodity", "stock", "fx"]
    names: list[str] = Field(default_factory=list)
    cased_names: list[str] = Field(default_factory=list)
    tickers: list[str] = Field(default_factory=list)
    ambiguous_tickers: list[str] = Field(default_factory=list)
    display: Literal["id", "as_written"] | None = Field(default=None, description="what a fact names it by (default: id for crypto, the article's wording otherwise)")
