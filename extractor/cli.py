"""Command line: argument parsing and wiring only; all work happens in the library."""
from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Optional

import typer

from extractor.errors import ExtractorError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Turn financial news into validated, source-grounded facts.")
log = logging.getLogger("extractor")
_state = {"debug": False, "verbose": False}


def _version(value: bool) -> None:
    if value:
        from extractor import __version__

        typer.echo(f"extractor {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: bool = typer.Option(False, "--debug", help="show tracebacks"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="log progress (INFO lines on stderr)"),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="print the version and exit"),
) -> None:
    _state.update(debug=debug, verbose=verbose)
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(level)


def _verbose(on: bool) -> None:
    """``-v`` given after the command: log progress too."""
    if on and not _state["debug"]:
        logging.getLogger().setLevel(logging.INFO)
        _state["verbose"] = True


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


def _settings(model: str | None = None, **fields):
    """Settings from the options given (``None`` = the default)."""
    from pydantic import ValidationError

    from extractor.settings import Settings

    given = {k: v for k, v in dict(model=model, **fields).items() if v is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        err = exc.errors()[0]
        fail(f"--{str(err['loc'][0]).replace('_', '-')}: {err['msg']}")


MAX_FILE_BYTES = typer.Option(None, "--max-file-bytes", min=1, help="refuse input files larger than this (default 5,000,000)")
MAX_TEXT_CHARS = typer.Option(None, "--max-text-chars", min=1, help="refuse articles whose cleaned text is longer (default 400,000)")
VERBOSE = typer.Option(False, "--verbose", "-v", help="log progress (INFO lines on stderr)")


@app.command()
@guarded
def extract(
    paths: list[Path] = typer.Argument(..., help="files or folders of articles (.txt .md .html .htm); - reads one article from stdin"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="JSONL file to write (default: stdout)"),
    published: Optional[str] = typer.Option(None, help="publication date of the article (one input only; overrides metadata)"),
    url: Optional[str] = typer.Option(None, help="canonical URL of the article (one input only)"),
    model: Optional[str] = typer.Option(None, help="spaCy model package for person names"),
    max_file_bytes: Optional[int] = MAX_FILE_BYTES,
    max_text_chars: Optional[int] = MAX_TEXT_CHARS,
    verbose: bool = VERBOSE,
) -> None:
    """Extract facts from articles into JSON Lines (one record per article)."""
    from extractor.clean.meta import parse_date
    from extractor.run import expand_inputs, extract_files

    _verbose(verbose)
    if published:
        parse_date(published)  # a bad date is a user error before any work starts
    files = expand_inputs(paths)
    if not files:
        fail("no article files found (looked for .txt .md .html .htm)")
    if (url or published) and len(files) > 1:
        fail(f"--url and --published describe one article, but {len(files)} inputs were given: run one extract per article")
    if sum(1 for f in files if str(f) == "-") > 1:
        fail("standard input (-) can be read once")
    settings = _settings(model, max_file_bytes=max_file_bytes, max_text_chars=max_text_chars)
    from extractor.pipeline import Extractor

    log.info("extracting %d inputs", len(files))
    ex = Extractor(settings)
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
    if rep.articles == 0:
        fail(f"{gold}: no gold files (NAME.json) in this folder")
    if len(rep.missing) == rep.articles:
        fail(f"no record matches a gold file in {gold} (a record matches GOLD/NAME.json by the file name of its source)")
    if as_json:
        typer.echo(json.dumps(rep.as_dict(), indent=2))
    else:
        typer.echo(rep.table())
    if verbose:
        typer.echo("\n".join(rep.misses))


DB_HELP = "facts database: an SQLite file (created on first use) or postgresql://user@host:port/dbname"


@app.command()
@guarded
def batch(
    src: list[str] = typer.Argument(..., metavar="SRC...", help="folders of articles (walked recursively: .txt .md .html .htm), globs, "
                                    "article files, or tables of raw articles (.parquet/.jsonl with source, text or html, url, published); "
                                    "local paths or URIs (s3://bucket/news/, file:///...)"),
    db: str = typer.Option("facts.db", "--db", help=DB_HELP),
    jsonl: Optional[Path] = typer.Option(None, "--jsonl", help="also write the folder's records as JSONL"),
    parquet: Optional[Path] = typer.Option(None, "--parquet", help="also write the folder's facts as Parquet"),
    csv: Optional[Path] = typer.Option(None, "--csv", help="also write the folder's facts as CSV"),
    engine: str = typer.Option("local", "--engine", help="local (worker processes) or ray (a Ray Data actor pool; pip install 'extractor[ray]')"),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="worker processes (local) or actors (ray)"),
    address: Optional[str] = typer.Option(None, "--address", help="ray: the cluster to use (host:6379 from `ray start --head`, or auto); "
                                          "default: start a local Ray runtime"),
    cpus_per_actor: Optional[float] = typer.Option(None, "--cpus-per-actor", help="ray: CPUs reserved per actor, fractional allowed "
                                                   "(default: the cluster's CPUs less 0.25 for reading, shared by the actors, at most 1)"),
    glob: Optional[str] = typer.Option(None, "--glob", help="only files whose name or relative path matches"),
    force: bool = typer.Option(False, "--force", help="re-extract articles already in the database"),
    allow_errors: bool = typer.Option(False, "--allow-errors", help="exit 0 even when some files failed"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar and no summary"),
    model: Optional[str] = typer.Option(None, help="spaCy model package for person names"),
    no_model: bool = typer.Option(False, "--no-model", help="rules only: no statistical NER (no speakers)"),
    batch_size: Optional[int] = typer.Option(None, "--batch-size", min=1, help="articles per nlp.pipe batch"),
    doc_timeout: Optional[float] = typer.Option(None, "--doc-timeout", help="seconds per document before it is recorded as timed out (default 30)"),
    max_file_bytes: Optional[int] = MAX_FILE_BYTES,
    max_text_chars: Optional[int] = MAX_TEXT_CHARS,
    verbose: bool = VERBOSE,
) -> None:
    """Extract folders or tables of articles into a facts database (resumable; skips what is already stored)."""
    from extractor.store import display_url

    shown = display_url(db)
    try:
        from extractor.batch import LogProgress, Progress, RichProgress, run_batch
        from extractor.engines import ENGINES, RayOptions

        _verbose(verbose)
        if engine not in ENGINES:
            fail(f"--engine: unknown engine {engine!r} (use one of: {', '.join(ENGINES)})")
        if engine != "ray" and (address or cpus_per_actor is not None):
            fail("--address and --cpus-per-actor are options of --engine ray")
        settings = _settings(model, use_model=False if no_model else None, batch_size=batch_size, doc_timeout=doc_timeout,
                             max_file_bytes=max_file_bytes, max_text_chars=max_text_chars)
        progress = Progress() if quiet else LogProgress() if _state["verbose"] or _state["debug"] else RichProgress()
        summary = run_batch(src, db, settings=settings, workers=workers, engine=engine, ray=RayOptions(address, cpus_per_actor),
                            pattern=glob, force=force, jsonl=jsonl, parquet=parquet, csv=csv, progress=progress)
    except KeyboardInterrupt:
        _interrupted(f"interrupted: articles written so far are complete in {shown}; run the same command again to finish")
    for _, message in summary.errors[:20]:
        typer.echo(f"error: {message}", err=True)
    if len(summary.errors) > 20:
        typer.echo(f"error: ... and {len(summary.errors) - 20} more (see the errors table in {shown})", err=True)
    if not quiet:
        for line in summary.lines():
            typer.echo(line, err=True)
    if summary.errors and not allow_errors:
        raise typer.Exit(1)


@app.command()
@guarded
def export(
    db: str = typer.Option("facts.db", "--db", help=DB_HELP),
    fmt: str = typer.Option(..., "--format", "-f", help="jsonl (one record per article), or parquet or csv (one flat row per fact)"),
    out: Path = typer.Option(..., "--out", "-o", help="file to write"),
) -> None:
    """Write an existing facts database to JSONL, Parquet or CSV (opens it read-only)."""
    from extractor.store import FORMATS, open_store
    from extractor.store import export as export_store

    if fmt not in FORMATS:
        fail(f"unknown format {fmt!r} (use one of: {', '.join(FORMATS)})")
    with open_store(db, readonly=True) as store:
        n = export_store(store, fmt, out)
    typer.echo(f"{n} {'records' if fmt == 'jsonl' else 'fact rows'} written to {out}", err=True)


@app.command()
@guarded
def query(
    sql: str = typer.Argument(..., help="one read-only SQL statement (tables: articles, sources, facts, errors, meta)"),
    db: str = typer.Option("facts.db", "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="print a JSON list of objects instead of a table"),
) -> None:
    """Run SQL against a facts database and print a table (or JSON). Opens it read-only."""
    from extractor.store import open_store

    with open_store(db, readonly=True) as store:
        columns, rows = store.query(sql)
    if as_json:
        typer.echo(json.dumps([dict(zip(columns, r)) for r in rows], ensure_ascii=False, indent=2, default=str))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(*columns, show_lines=False)
    for r in rows:
        table.add_row(*("" if v is None else str(v) for v in r))
    console = Console()
    if not console.is_terminal:  # piped: never truncate cells
        console = Console(width=100_000)
    console.print(table)
    typer.echo(f"{len(rows)} rows", err=True)


@app.command()
@guarded
def explain(
    path: Path = typer.Argument(..., help="one article file (.txt .md .html .htm)"),
    at: Optional[int] = typer.Option(None, "--at", help="only the candidates whose span covers this character offset of the cleaned text"),
    as_json: bool = typer.Option(False, "--json", help="print the explanation as JSON"),
    published: Optional[str] = typer.Option(None, help="publication date (overrides metadata)"),
    model: Optional[str] = typer.Option(None, help="spaCy model package for person names"),
) -> None:
    """Why every figure, percent and quote of an article did or did not become a fact."""
    from extractor.facts.explain import render
    from extractor.pipeline import Extractor

    ex = Extractor(_settings(model)).explain_path(path, at=at, published=published)
    typer.echo(ex.model_dump_json(indent=2) if as_json else render(ex))


@app.command()
@guarded
def review(
    paths: Optional[list[Path]] = typer.Argument(None, help="article files/folders (extracted on the fly) or JSONL record files"),
    db: Optional[str] = typer.Option(None, "--db", help="also show every record of this facts database (SQLite file or postgresql:// URL)"),
    out: Path = typer.Option(..., "--out", "-o", help="HTML file to write"),
    title: str = typer.Option("Facts review", "--title", help="page title"),
    model: Optional[str] = typer.Option(None, help="spaCy model package for person names"),
) -> None:
    """Write one self-contained HTML page with every fact highlighted in its article."""
    from extractor.review import collect_records, write_page

    if not paths and db is None:
        fail("nothing to review: give article files, folders, JSONL files or --db")
    summary = write_page(collect_records(paths, db, _settings(model)), out, title=title)
    for label, reason in summary.skipped:
        typer.echo(f"error: {label}: not a valid record ({reason})", err=True)
    typer.echo(f"{summary.articles} articles, {summary.facts} facts written to {out}", err=True)
    if summary.skipped:
        raise typer.Exit(1)


@app.command()
@guarded
def chart(
    db: str = typer.Option(..., "--db", help=DB_HELP),
    asset: str = typer.Option(..., "--asset", help="asset name or ticker (BTC, Bitcoin, ether ...)"),
    start: Optional[str] = typer.Option(None, "--from", help="first day (YYYY-MM-DD)"),
    end: Optional[str] = typer.Option(None, "--to", help="last day (YYYY-MM-DD)"),
    out: Path = typer.Option(..., "--out", "-o", help="chart file: .png, .svg or .html"),
) -> None:
    """Chart an asset: reported prices by outlet, price levels, and daily ETF net flows (opens the database read-only)."""
    from extractor.review.chart import chart_data, parse_day, write_chart
    from extractor.store import open_store

    first, last = parse_day(start, "--from"), parse_day(end, "--to")
    with open_store(db, readonly=True) as store:
        data = chart_data(store.records(), asset, start=first, end=last)
    write_chart(data, out)
    typer.echo(f"{out}: {data.asset} {len(data.prices)} prices ({data.undated} without a date) from {len(data.outlets)} outlets, "
               f"{len(data.levels)} levels, {len(data.flows)} days of ETF flows"
               + (f"; {data.outside} prices outside --from/--to left out" if data.outside else ""), err=True)


@app.command()
@guarded
def consensus(
    db: str = typer.Option(..., "--db", help=DB_HELP),
    asset: Optional[str] = typer.Option(None, "--asset", help="only this asset or subject (any of its names)"),
    day: Optional[str] = typer.Option(None, "--day", help="only this day (YYYY-MM-DD)"),
    type_: Optional[str] = typer.Option(None, "--type", help="only this fact type"),
    conflicts: bool = typer.Option(False, "--conflicts", help="only groups whose reports disagree"),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json or parquet"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="file to write (parquet needs one)"),
    refresh: bool = typer.Option(False, "--refresh", help="bring the view's helper tables up to date first (needs write access)"),
) -> None:
    """Facts reported by several articles, grouped by type, asset and day, with a conflict flag.
    Reads the fact_consensus view (opens the database read-only unless --refresh)."""
    from extractor.consensus import consensus_fresh, iter_rows_as_dicts, read_consensus, refresh_consensus, write_parquet
    from extractor.store import open_store

    if fmt not in ("table", "json", "parquet"):
        fail(f"unknown format {fmt!r} (use one of: table, json, parquet)")
    if fmt == "parquet" and out is None:
        fail("--format parquet needs --out FILE")
    with open_store(db, create=False, readonly=not refresh) as store:
        if refresh:
            refresh_consensus(store)
        elif not consensus_fresh(store):
            log.warning("the consensus view's helper tables are older than the database's content (a batch stopped before "
                        "its end, or writes made without `extractor batch`): run `extractor consensus --refresh` to update them")
        rows = read_consensus(store, asset=asset, day=day, type_=type_, conflicts_only=conflicts)
    done = f"{len(rows)} groups, {sum(r.conflict for r in rows)} in conflict" + (f", written to {out}" if out else "")
    if fmt == "parquet":
        write_parquet(rows, out)
        typer.echo(done, err=True)
        return
    if fmt == "json":
        text = json.dumps(list(iter_rows_as_dicts(rows)), ensure_ascii=False, indent=2) + "\n"
        if out:
            out.write_text(text, encoding="utf-8")
        else:
            typer.echo(text, nl=False)
        typer.echo(done, err=True)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("day", "type", "subject", "detail", "articles", "outlets", "copies", "median", "min", "max", "spread", "conflict")
    for r in rows:
        table.add_row(r.day, r.type, r.subject, r.detail, str(r.articles), str(r.outlets), str(r.copies),
                      *(_figure(v) for v in (r.median, r.min_value, r.max_value, r.spread)), "yes" if r.conflict else "")
    if out:
        with out.open("w", encoding="utf-8") as fh:
            Console(file=fh, width=100_000).print(table)
    else:
        console = Console()
        (console if console.is_terminal else Console(width=100_000)).print(table)  # piped: never truncate cells
    typer.echo(done, err=True)


def _figure(v: float) -> str:
    """A figure for a table cell: ``240.0M``, ``1.31B``, ``98,400``, ``2,412.5``."""
    if abs(v) >= 1e9:
        return f"{v / 1e9:,.2f}B"
    if abs(v) >= 1e6:
        return f"{v / 1e6:,.1f}M"
    return f"{v:,.6g}"


def _ignore_interrupts() -> None:
    """After an interrupt has been reported, a later SIGINT changes nothing: ignored, it can neither
    raise a second ``KeyboardInterrupt`` while the process exits nor, once the interpreter has
    restored the default action, end it by the signal instead of with code 130."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _interrupted(message: str) -> None:
    """Report an interrupt in one line and end the process with code 130 at once. The engine and the
    store are closed by then (their context managers ran while the ``KeyboardInterrupt`` passed);
    the interpreter's own shutdown is skipped: a batch that had printed this line still ended by
    SIGINT now and then during it (-2 instead of 130, under load, cause not found)."""
    _ignore_interrupts()
    typer.echo(f"error: {message}", err=True)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed or broken stream: nothing more to say there
            pass
    os._exit(130)


def run() -> None:
    from extractor import lean_imports, recache

    lean_imports.install()  # spaCy without its own command line: about 0.2 s less start-up
    recache.install()  # the compiled regexes of the last run: about half a second less start-up
    try:
        app()
    except KeyboardInterrupt:  # outside a command's own handling (start-up, imports)
        _interrupted("interrupted")


if __name__ == "__main__":
    run()
