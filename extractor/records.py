"""Pydantic models for everything the extractor emits (the contract of spec FACTS.md).

One module holds every record type; ``schemas/`` is generated from it
(``extractor schema``) and ``tests/test_schema.py`` fails when they drift.
"""
from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = "1.0"

Qualifier = Literal["at", "near", "above", "below", "low", "high", "record_high"]
LevelKind = Literal["support", "resistance", "target", "range_low", "range_high"]
Direction = Literal["inflow", "outflow"]
QuoteKind = Literal["direct", "partial"]


class Evidence(BaseModel):
    """Where a fact was read: ``text == article.text[start:end]`` always."""

    model_config = ConfigDict(extra="forbid")

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @model_validator(mode="after")
    def _ordered(self) -> "Evidence":
        if self.end < self.start:
            raise ValueError("evidence end before start")
        if len(self.text) != self.end - self.start:
            raise ValueError("evidence text length does not match its offsets")
        return self


class FactBase(BaseModel):
    """Fields every fact carries."""

    model_config = ConfigDict(extra="forbid")

    evidence: Evidence
    rule: str = Field(description="name of the rule/pattern that produced the fact")
    when: str | None = Field(default=None, description="ISO date the fact refers to")
    when_text: str | None = None
    source: str | None = Field(default=None, description="data provider the figure is attributed to")


class PriceFact(FactBase):
    type: Literal["price"] = "price"
    asset: str
    value: float
    currency: str = "USD"
    qualifier: Qualifier | None = None


class PercentMoveFact(FactBase):
    type: Literal["percent_move"] = "percent_move"
    subject: str
    percent: float
    period: str | None = None
    reference: str | None = None


class EtfFlowFact(FactBase):
    type: Literal["etf_flow"] = "etf_flow"
    asset: str | None = None
    product: str | None = None
    direction: Direction
    amount: float = Field(gt=0)
    currency: str = "USD"
    period: str | None = None
    streak_days: int | None = Field(default=None, ge=1)


class QuoteFact(FactBase):
    type: Literal["quote"] = "quote"
    speaker: str
    speaker_role: str | None = None
    text: str = Field(min_length=1)
    kind: QuoteKind


class PriceLevelFact(FactBase):
    type: Literal["price_level"] = "price_level"
    asset: str
    value: float
    kind: LevelKind | None = None
    speaker: str | None = None


class MarketMetricFact(FactBase):
    type: Literal["market_metric"] = "market_metric"
    metric: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    subject: str | None = None
    value: float
    unit: str
    period: str | None = None


Fact = Annotated[
    Union[PriceFact, PercentMoveFact, EtfFlowFact, QuoteFact, PriceLevelFact, MarketMetricFact],
    Field(discriminator="type"),
]

FACT_TYPES: tuple[str, ...] = ("price", "percent_move", "etf_flow", "quote", "price_level", "market_metric")


class Article(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="sha256 of the cleaned text, hex, first 16 chars")
    source: str
    url: str | None = None
    title: str | None = None
    published: str | None = Field(default=None, description="ISO 8601 date or datetime")
    modified: str | None = Field(
        default=None,
        description="ISO 8601 date or datetime of the last update the document states; relative dates still resolve against published",
    )
    language: str = "en"
    text: str


class ArticleRecord(BaseModel):
    """One record per article: the article, its facts, and warnings."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal["1.0"] = SCHEMA_VERSION
    article: Article
    facts: list[Fact] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _evidence_points_into_text(self) -> "ArticleRecord":
        text = self.article.text
        for fact in self.facts:
            ev = fact.evidence
            if text[ev.start : ev.end] != ev.text:
                raise ValueError(f"{fact.type} evidence {ev.start}:{ev.end} does not match article text")
        return self


def json_schema() -> dict:
    """The JSON Schema of one article record (what ``schemas/`` holds)."""
    return ArticleRecord.model_json_schema()
