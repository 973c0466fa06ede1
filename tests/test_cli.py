"""The command line: extract (file -> stdout, folder -> JSONL), schema, eval, and one-line errors.

Successful runs go through typer's CliRunner (in-process); error paths also run as a real
subprocess, since "one line, no traceback, non-zero exit" is about what a user sees.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.records import ArticleRecord, json_schema

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "articles"
GOLD = ROOT / "corpus" / "gold"

ARTICLE = "Ether slid 4.2% to $1,905 on Tuesday, while Solana dropped 6% to $88.\n"


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def _records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _cli(*args: str) -> subprocess.CompletedProcess:
    """Run the installed CLI as a user would (``python -m`` keeps it on this interpreter)."""
    return subprocess.run(
        [sys.executable, "-c", "from extractor.cli import run; run()", *args],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )


# --------------------------------------------------------------------------- extract

def test_extract_one_file_to_stdout(runner, tmp_path):
    path = tmp_path / "eth.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    res = runner.invoke(app, ["extract", str(path), "--published", "2026-02-04"])
    assert res.exit_code == 0, res.output
    recs = _records(res.stdout)
    assert len(recs) == 1
    rec = ArticleRecord.model_validate(recs[0])
    assert rec.article.source == str(path)
    assert rec.article.published == "2026-02-04"
    assert any(f.type == "percent_move" for f in rec.facts)


def test_extract_folder_to_jsonl(runner, tmp_path):
    out = tmp_path / "out" / "corpus.jsonl"
    out.parent.mkdir()
    res = runner.invoke(app, ["extract", str(CORPUS), "--out", str(out)])
    assert res.exit_code == 0, res.output
    recs = _records(out.read_text(encoding="utf-8"))
    articles = [p for p in CORPUS.iterdir() if p.suffix in (".txt", ".md", ".html") and not p.name.endswith(".meta.json")]
    assert len(recs) == len(articles)
    assert {Path(r["article"]["source"]).stem for r in recs} == {p.stem for p in articles}
    for r in recs:
        ArticleRecord.model_validate(r)
    assert f"{len(recs)} records written" in res.stderr
    assert res.stdout == ""  # records go to the file, not to stdout


def test_extract_published_option_overrides_metadata(runner):
    res = runner.invoke(app, ["extract", str(CORPUS / "04_etf_flows_wrap.txt"), "--published", "2026-03-01"])
    assert res.exit_code == 0, res.output
    assert _records(res.stdout)[0]["article"]["published"] == "2026-03-01"


def test_extract_several_paths(runner, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.md"
    a.write_text(ARTICLE, encoding="utf-8")
    b.write_text("---\ntitle: B\ndate: 2026-02-02\n---\nXRP rose 3.3% to $1.50.", encoding="utf-8")
    res = runner.invoke(app, ["extract", str(a), str(b)])
    assert res.exit_code == 0, res.output
    recs = _records(res.stdout)
    assert [Path(r["article"]["source"]).name for r in recs] == ["a.txt", "b.md"]
    assert recs[1]["article"]["title"] == "B"


def test_one_bad_file_does_not_stop_the_others(runner, tmp_path):
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["extract", str(tmp_path), "--out", str(out)])
    assert res.exit_code != 0
    recs = _records(out.read_text(encoding="utf-8"))
    assert [Path(r["article"]["source"]).name for r in recs] == ["good.txt"]
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "empty.txt" in errors[0]


# --------------------------------------------------------------------------- errors: one line, non-zero, no traceback

ERROR_CASES = [
    # (argv after the program name, text the error line must contain)
    (["extract", "{tmp}/a.txt", "--published", "not-a-date"], "not a date"),
    (["extract", "{tmp}/a.txt", "--published", "2026-02-30"], "2026-02-30"),
    (["extract", "{tmp}/missing.txt"], "missing.txt"),
    (["extract", "{tmp}/empty.txt"], "empty"),
    (["extract", "{tmp}/binary.txt"], "binary"),
    (["extract", "{tmp}/nothing_here"], "no article files"),
    (["eval", "--gold", "{tmp}/no_gold_dir", "{tmp}/a.txt"], "no_gold_dir"),
]


@pytest.fixture
def error_dir(tmp_path) -> Path:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("\n\n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    (tmp_path / "nothing_here").mkdir()
    return tmp_path


def _one_error_line(stderr: str, needle: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ")
    assert needle in lines[0]
    assert "Traceback" not in stderr


@pytest.mark.parametrize("argv,needle", ERROR_CASES, ids=[" ".join(a[:2]) + f" [{n}]" for a, n in ERROR_CASES])
def test_errors_are_one_line_without_traceback(runner, error_dir, argv, needle):
    res = runner.invoke(app, [a.replace("{tmp}", str(error_dir)) for a in argv])
    assert res.exit_code not in (0, None)
    assert isinstance(res.exception, SystemExit), res.exception  # a clean exit, not an escaped exception
    _one_error_line(res.stderr, needle)
    assert res.stdout == ""


@pytest.mark.parametrize("argv,needle", [ERROR_CASES[0], ERROR_CASES[2]], ids=["bad date", "missing file"])
def test_errors_in_a_real_process(error_dir, argv, needle):
    res = _cli(*(a.replace("{tmp}", str(error_dir)) for a in argv))
    assert res.returncode != 0
    _one_error_line(res.stderr, needle)
    assert res.stdout == ""


def test_debug_flag_shows_the_traceback(error_dir):
    res = _cli("--debug", "extract", str(error_dir / "a.txt"), "--published", "not-a-date")
    assert res.returncode != 0
    assert "Traceback" in res.stderr and "DateError" in res.stderr


def test_no_arguments_shows_help(runner):
    res = runner.invoke(app, [])
    assert "extract" in res.output and "schema" in res.output


# --------------------------------------------------------------------------- schema and eval

def test_schema_to_stdout(runner):
    res = runner.invoke(app, ["schema"])
    assert res.exit_code == 0
    assert json.loads(res.stdout) == json_schema()


def test_schema_to_file(runner, tmp_path):
    out = tmp_path / "schema.json"
    res = runner.invoke(app, ["schema", "--out", str(out)])
    assert res.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == json_schema()


def test_eval_on_corpus_prints_a_table(runner):
    res = runner.invoke(app, ["eval", "--gold", str(GOLD), str(CORPUS)])
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert f"articles: {len(list(GOLD.glob('*.json')))}  (no record for 0)" in out
    for t in ("price", "percent_move", "etf_flow", "quote", "price_level", "market_metric", "core micro"):
        assert t in out


def test_eval_json_from_a_records_file(runner, tmp_path):
    src = tmp_path / "x.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "x.json").write_text(json.dumps({"id": "x", "published": "2026-02-04", "facts": [
        {"type": "percent_move", "subject": "ETH", "percent": -4.2},
        {"type": "percent_move", "subject": "SOL", "percent": -6},
    ]}), encoding="utf-8")
    jsonl = tmp_path / "recs.jsonl"
    assert runner.invoke(app, ["extract", str(src), "--published", "2026-02-04", "--out", str(jsonl)]).exit_code == 0
    res = runner.invoke(app, ["eval", "--gold", str(gold), "--json", str(jsonl)])
    assert res.exit_code == 0, res.output
    rep = json.loads(res.stdout)
    assert rep["types"]["percent_move"]["tp"] == 2
    assert rep["types"]["percent_move"]["fn"] == 0


# --------------------------------------------------------------------------- what a new user hits on day one

def test_extract_dash_reads_stdin(runner):
    res = runner.invoke(app, ["extract", "-", "--published", "2026-02-04"], input=ARTICLE.encode("utf-8"))
    assert res.exit_code == 0, res.output
    rec = ArticleRecord.model_validate(_records(res.stdout)[0])
    assert rec.article.source == "<stdin>" and rec.article.published == "2026-02-04"
    assert {f.type for f in rec.facts} >= {"percent_move"}


def test_extract_stdin_respects_the_size_limit():
    res = subprocess.run([sys.executable, "-m", "extractor.cli", "extract", "-", "--max-file-bytes", "20"],
                         input=ARTICLE, capture_output=True, text=True, timeout=120)
    assert res.returncode == 1
    _one_error_line(res.stderr, "over the limit of 20 bytes")


def test_version(runner):
    from extractor import __version__

    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and res.stdout.strip() == f"extractor {__version__}"


@pytest.mark.parametrize("flag", [["--url", "https://x.example/a"], ["--published", "2026-02-04"]])
def test_url_and_published_refuse_several_inputs(runner, tmp_path, flag):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE, encoding="utf-8")
    res = runner.invoke(app, ["extract", str(tmp_path), *flag])
    assert res.exit_code == 1
    _one_error_line(res.stderr, "one article, but 2 inputs")
    assert res.stdout == ""


def test_eval_without_matching_gold_fails(runner, tmp_path):
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "other.json").write_text('{"facts": []}', encoding="utf-8")
    (tmp_path / "mine.txt").write_text(ARTICLE, encoding="utf-8")
    res = runner.invoke(app, ["eval", "--gold", str(tmp_path / "gold"), str(tmp_path / "mine.txt")])
    assert res.exit_code == 1
    _one_error_line(res.stderr, "no record matches a gold file")
    (tmp_path / "empty_gold").mkdir()
    res = runner.invoke(app, ["eval", "--gold", str(tmp_path / "empty_gold"), str(tmp_path / "mine.txt")])
    assert res.exit_code == 1
    _one_error_line(res.stderr, "no gold files")


def test_verbose_after_the_command_logs(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    res = _cli("extract", str(tmp_path / "a.txt"), "-v")
    assert res.returncode == 0 and "INFO extractor: extracting 1 inputs" in res.stderr
