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

    start: int = Field(ge=0, description="offset of the first character in article.text")
    end: int = Field(ge=0, description="offset after the last character in article.text")
    text: str = Field(description="article.text[start:end]")

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

    evidence: Evidence = Field(description="where the fact was read in article.text: the figure or quote and the words that make it a fact")
    rule: str = Field(description="id of the rule that made the fact (docs/facts.md lists every rule)")
    when: str | None = Field(default=None, description="ISO date the fact refers to, resolved against article.published; null when unknown")
    when_text: str | None = Field(default=None, description="the phrase the date came from ('on Tuesday', 'since Jan. 29')")
    source: str | None = Field(default=None, description="the data provider the article attributes the figure to ('CoinGlass', 'SoSoValue')")


class PriceFact(FactBase):
    type: Literal["price"] = Field("price", description="a traded price of an asset")
    asset: str = Field(description="canonical ticker for crypto (BTC, ETH ...), the name as written otherwise")
    value: float = Field(description="the price, in currency units as written")
    currency: str = Field("USD", description="ISO 4217 code; GBX for pence; a stablecoin's ticker (USDT)")
    qualifier: Qualifier | None = Field(default=None, description="how the price was traded: at, near, above, below, low, high, record_high")


class PercentMoveFact(FactBase):
    type: Literal["percent_move"] = Field("percent_move", description="a change of an asset, index or instrument, in percent")
    subject: str = Field(description="what moved: a ticker or name")
    percent: float = Field(description="signed percent: a decline is negative; basis points are divided by 100")
    period: str | None = Field(default=None, description="ISO 8601 duration of the move (P1D, P7D, P1Y), or null")
    reference: str | None = Field(default=None, description="the point the move is measured from (peak, cycle_high, bottom), or null")


class EtfFlowFact(FactBase):
    type: Literal["etf_flow"] = Field("etf_flow", description="net money into or out of exchange-traded funds")
    asset: str | None = Field(default=None, description="the funds' underlying (BTC, ETH ...), null for multi-asset products")
    product: str | None = Field(default=None, description="the fund or group of funds as named ('US spot Bitcoin ETFs')")
    direction: Direction = Field(description="inflow or outflow")
    amount: float = Field(gt=0, description="positive amount in currency units ($113.8M -> 113800000)")
    currency: str = Field("USD", description="ISO 4217 code")
    period: str | None = Field(default=None, description="ISO 8601 duration the flow covers, or null")
    streak_days: int | None = Field(default=None, ge=1, description="length of a run of same-direction days ('outflow streak to four days' -> 4)")


class QuoteFact(FactBase):
    type: Literal["quote"] = Field("quote", description="words attributed to a named person, inside quotation marks")
    speaker: str = Field(description="the person's full name, resolved from a surname-only mention to the name used earlier")
    speaker_role: str | None = Field(default=None, description="title or affiliation as written, or null")
    text: str = Field(min_length=1, description="the quoted words without the marks")
    kind: QuoteKind = Field(description="direct for a full sentence, partial for a fragment inside a sentence")


class PriceLevelFact(FactBase):
    type: Literal["price_level"] = Field("price_level", description="a price named as a level to watch")
    asset: str = Field(description="canonical ticker for crypto, the name as written otherwise")
    value: float = Field(description="the level, in US dollars (or index points)")
    kind: LevelKind | None = Field(default=None, description="support, resistance, target, range_low or range_high, when the text makes it clear")
    speaker: str | None = Field(default=None, description="who named the level, or null")


class MarketMetricFact(FactBase):
    type: Literal["market_metric"] = Field("market_metric", description="any other market-wide figure")
    metric: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="snake_case name: market_cap, dominance, liquidations, open_interest, treasury_yield ...")
    subject: str | None = Field(default=None, description="what the metric is of (an asset, a market, a tenor), or null")
    value: float = Field(description="the reading (signed for changes)")
    unit: str = Field(description="USD, percent, index, or another unit")
    period: str | None = Field(default=None, description="ISO 8601 duration, or null")


Fact = Annotated[
    Union[PriceFact, PercentMoveFact, EtfFlowFact, QuoteFact, PriceLevelFact, MarketMetricFact],
    Field(discriminator="type"),
]

FACT_TYPES: tuple[str, ...] = ("price", "percent_move", "etf_flow", "quote", "price_level", "market_metric")


class Article(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="sha256 of the cleaned text, hex, first 16 chars")
    source: str = Field(description="path or URL the article was read from")
    url: str | None = Field(default=None, description="canonical URL if known")
    title: str | None = Field(default=None, description="the article's headline if known")
    published: str | None = Field(default=None, description="ISO 8601 date or datetime")
    modified: str | None = Field(
        default=None,
        description="ISO 8601 date or datetime of the last update the document states; relative dates still resolve against published",
    )
    language: str = Field("en", description="ISO 639-1 code; facts are extracted from English only")
    text: str = Field(description="the cleaned article text that every evidence offset points into")


class ArticleRecord(BaseModel):
    """One record per article: the article, its facts, and warnings."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal["1.0"] = Field(SCHEMA_VERSION, description="version of this record layout")
    article: Article = Field(description="the article the facts were read from")
    facts: list[Fact] = Field(default_factory=list, description="the facts, in evidence order")
    warnings: list[str] = Field(default_factory=list, description="human-readable notes, e.g. no publication date, a teaser page")

    @model_validator(mode="after")
    def _evidence_points_into_text(self) -> "ArticleRecord":
        text = self.article.text
        for fact in self.facts:
            ev = fact.evidence
            if text[ev.start : ev.end] != ev.text:
                raise ValueError(f"{fact.type} evidence {ev.start}:{ev.end} does not match article text")
        return self


class TraceStep(BaseModel):
    """One step of a candidate's evaluation: a rule tried (fired or not), or a note of a choice."""

    model_config = ConfigDict(extra="forbid")

    rule: str | None = Field(default=None, description="id of the rule tried (see docs/facts.md)")
    fired: bool | None = Field(default=None, description="whether the rule fired")
    note: str | None = Field(default=None, description="what a stage chose and why (asset, subject, speaker ...)")


class CandidateReport(BaseModel):
    """What became of one figure, percent or quoted span a fact component looked at."""

    model_config = ConfigDict(extra="forbid")

    span: tuple[int, int] = Field(description="character offsets of the figure or quote in article.text")
    text: str = Field(description="article.text[span[0]:span[1]]")
    type: str = Field(description="the fact type that considered it")
    status: Literal["fact", "blocked", "dropped"] = Field(description="fact; blocked (a blocker vetoed it); dropped (no rule made it a fact)")
    rule: str | None = Field(description="the rule that made the fact, or for blocked the blocker that vetoed it, or why it was dropped")
    fact: Fact | None = Field(default=None, description="the fact, when status is fact")
    trace: list[TraceStep] = Field(default_factory=list, description="the rules tried, in order")


class Explanation(BaseModel):
    """Every candidate of one article, in text order (``extractor explain``)."""

    model_config = ConfigDict(extra="forbid")

    source: str
    candidates: list[CandidateReport]


def json_schema() -> dict:
    """The JSON Schema of one article record (what ``schemas/`` holds)."""
    return ArticleRecord.model_json_schema()
