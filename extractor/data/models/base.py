"""One pydantic model per data file: what keys it has and what each holds.

Naming says what an entry is: a field ending in ``_patterns`` (``_pattern``) holds regular-
expression fragments (each must compile), every other list holds literal phrases (escaped by
the code that compiles them). Unknown keys, empty lists and empty strings are refused.
"""
from __future__ import annotations

import re
from typing import Annotated, Literal

from annotated_types import Len
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a valid regex ({exc}): {pattern!r}") from None
    if re.fullmatch(pattern, ""):
        raise ValueError(f"pattern matches the empty string (it would match everywhere): {pattern!r}")
    return pattern


Pattern = Annotated[str, StringConstraints(min_length=1), AfterValidator(_compiles)]
Phrase = Annotated[str, StringConstraints(min_length=1)]
Patterns = Annotated[list[Pattern], Len(min_length=1)]
Phrases = Annotated[list[Phrase], Len(min_length=1)]


class Lexicon(BaseModel):
    """Base of every data-file model: frozen, no unknown keys, an optional ``_doc`` text."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    doc: str = Field("", alias="_doc", description="what the file is for")


class Entry(BaseModel):
    """Base of a structured entry inside a data file (no unknown keys)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
