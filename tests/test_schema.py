"""schemas/ is generated from the pydantic models; this fails when they drift."""
import json
from pathlib import Path

from extractor.records import json_schema

SCHEMA = Path(__file__).resolve().parents[1] / "schemas" / "article_record.schema.json"


def test_schema_file_matches_models():
    on_disk = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert on_disk == json_schema(), "schemas/ is stale: run `make schema` (never hand-edit generated files)"


def test_schema_names_every_fact_type():
    text = SCHEMA.read_text(encoding="utf-8")
    for t in ("price", "percent_move", "etf_flow", "quote", "price_level", "market_metric"):
        assert f'"{t}"' in text
