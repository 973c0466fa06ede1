"""Model of one line of ``assets.jsonl``: a well-known asset and the names it goes by."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

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
    named_as: dict[str, str] = Field(default_factory=dict, description="a written name -> the name a fact gives the asset "
                                     "('Brent crude futures' -> 'Brent crude': the commodity, not its contract)")
    display: Literal["id", "as_written"] | None = Field(default=None, description="what a fact names it by (default: id for crypto, the article's wording otherwise)")

    @model_validator(mode="after")
    def _named_as_names(self) -> "AssetRow":
        names = {n.lower() for n in self.names + self.cased_names}
        unknown = sorted(w for w in self.named_as if w.lower() not in names)
        if unknown:
            raise ValueError(f"named_as keys that are none of the asset's names: {unknown}")
        return self
