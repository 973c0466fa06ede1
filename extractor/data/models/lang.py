"""Model of ``stopwords.json``: frequent function words per language, for language detection."""
from __future__ import annotations

from pydantic import model_validator

from extractor.data.models.base import Lexicon, Phrases


class Stopwords(Lexicon):
    """``stopwords.json`` (extractor/clean/lang.py): one literal word list per ISO 639-1 code; ``en`` required."""

    model_config = Lexicon.model_config | {"extra": "allow"}

    en: Phrases

    @model_validator(mode="after")
    def _lists(self) -> "Stopwords":
        for code, words in (self.model_extra or {}).items():
            if len(code) != 2 or not code.isalpha() or not isinstance(words, list) or not words or not all(isinstance(w, str) and w for w in words):
                raise ValueError(f"{code!r}: a language entry is a two-letter code with a non-empty list of words")
        return self

    def languages(self) -> dict[str, list[str]]:
        """Every language's word list, ``en`` first."""
        return {"en": list(self.en), **{k: list(v) for k, v in (self.model_extra or {}).items()}}
