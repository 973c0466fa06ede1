"""Command line: argument parsing and wiring only; all work happens in the library."""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Optional

import typer

from extractor.errors import ExtractorError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Turn financial news into validated, source-grounded facts.")
log = logging.getLogger("extractor")
_state = {"debug": False}


@app.callback()
def main(debug: bool = typer.Option(False, "--debug", help="show tracebacks"), verbose: bool = typer.Option(False, "--verbose", "-v")) -> None:
    _state["debug"] = debug
    logging.basicConfig(level=logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


def fail(message: str, code: int = 1) -> None:
    """One clear line on stderr and a non-zero exit."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def guarded(fn):
    """Turn library errors into one line (traceback only with --debug)."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (ExtractorError, OSError) as exc:
            if _state["debug"]:
                raise
            fail(str(exc) if isinstance(exc, ExtractorError) else f"{getattr(exc, 'filename', '') or ''} {exc.strerror or exc}".strip())

    return wrapper


def _settings(model: str | None):
    from extractor.settings import Settings

    return Settings(model=model) if model else Settings()


@app.command()
@guarded
def extract(
    paths: list[Path] = typer.Argument(..., help="files or folders of articles (.txt .md .html .htm)"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="JSONL file to write (default: stdout)"),
    published: Optional[str] = typer.Option(None, help="publication date for every input (overrides metadata)"),
    url: Optional[str] = typer.Option(None, help="canonical URL (single input)"),
    model: Optional[str] = typer.Option(None, help="spaCy model package for person names"),
) -> None:
    """Extract facts from articles into JSON Lines (one record per article)."""
    from extractor.clean.meta import parse_date
    from extractor.pipeline import Extractor
    from extractor.run import extract_files

    if published:
        parse_date(published)  # a bad date is a user error before any work starts
    from extractor.sources import expand

    files = expand(paths)
    if not files:
        fail("no article files found (looked for .txt .md .html .htm)")
    ex = Extractor(_settings(model))
    sink = out.open("w", encoding="utf-8") if out else sys.stdout
    try:
        failures = extract_files(ex, files, sink, published=published, url=url)
    finally:
        if out:
            sink.close()
    for path, message in failures:
        typer.echo(f"error: {message}", err=True)
    if out:
        typer.echo(f"{len(files) - len(failures)} records written to {out}", err=True)
    if failures:
        raise typer.Exit(1)


@app.command()
@guarded
def schema(out: Optional[Path] = typer.Option(None, "--out", "-o", help="file to write (default: stdout)")) -> None:
    """Print or write the JSON Schema of an article record."""
    from extractor.records import json_schema

    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        typer.echo(text, nl=False)


@app.command("eval")
@guarded
def eval_(
    paths: list[Path] = typer.Argument(..., help="JSONL record files, or article files/folders to extract first"),
    gold: Path = typer.Option(..., "--gold", help="folder of NAME.json gold files"),
    verbose: bool = typer.Option(False, "--verbose", help="list every miss and false fact"),
    as_json: bool = typer.Option(False, "--json"),
    model: Optional[str] = typer.Option(None),
) -> None:
    """Precision/recall/F1 per fact type against gold files (same rules as the shared scorer)."""
    from extractor.evaluate import score
    from extractor.run import records_for

    if not gold.is_dir():
        fail(f"{gold}: not a folder of gold files")
    rep = score(records_for(paths, _settings(model)), gold)
    if as_json:
        typer.echo(json.dumps(rep.as_dict(), indent=2))
    else:
        typer.echo(rep.table())
    if verbose:
        typer.echo("\n".join(rep.misses))


def run() -> None:
    app()


if __name__ == "__main__":
    run()
