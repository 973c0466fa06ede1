"""Bounded clause and line windows around a span.

Every rule reads a window of at most ``MAX_WINDOW`` characters: a clause is cut at a clause
break (``;``, ``:``, a dash, "but", "while", from ``data/grammar.json``) and never reaches
further than the cap, so no scan starts from a sentence or text start and the time per figure
does not grow with the length of a sentence (a scraped table without full stops is one
"sentence" of thousands of figures).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from extractor.data import compiled, lexicon
from extractor.facts.doc import FinDoc

MAX_WINDOW = 400  # characters a clause window reaches at most, either side of a span


@compiled
def clause_break() -> re.Pattern:
    g = lexicon("grammar")
    words = "|".join(re.escape(w) for w in g.clause_break_words)
    # plain re.IGNORECASE: the windows it reads are short (60 characters on average on the bench),
    # where rx.Caseless's lower-casing and re-matching cost more than its case-sensitive scan saves
    return re.compile(rf"[;:!?]|\s[—–]\s|—|\b(?:{words})\b", re.IGNORECASE)


def clause_before(fd: FinDoc, start: int, floor: int | None = None, cap: int = MAX_WINDOW) -> str:
    """Text of the clause leading up to ``start``: within its sentence, after ``floor``, after the
    last clause break, and at most ``cap`` characters.

    >>> from extractor.facts.doc import view
    >>> import spacy
    >>> fd = view(spacy.blank("en")("Ether fell; bitcoin traded near $70,000."))
    >>> clause_before(fd, 32)
    ' bitcoin traded near '
    """
    sent = fd.sentence_at(start)
    lo = max(sent.start_char, start - cap, floor if floor is not None else 0)
    seen = fd.cached("clause_before", dict)  # the text lo:start decides the clause; many rules ask for the same
    found = seen.get((lo, start))
    if found is None:
        text = fd.text[lo:start]
        last = None
        for last in clause_break().finditer(text):
            pass
        found = seen[(lo, start)] = text[last.end() :] if last else text
    return found


def clause_after(fd: FinDoc, end: int, ceil: int | None = None, cap: int = MAX_WINDOW) -> str:
    """Text of the clause following ``end`` (within its sentence, before ``ceil``, at most ``cap``)."""
    sent = fd.sentence_at(max(end - 1, 0))
    hi = min(sent.end_char, end + cap, ceil if ceil is not None else len(fd.text))
    seen = fd.cached("clause_after", dict)
    found = seen.get((end, hi))
    if found is None:
        text = fd.text[end:hi]
        m = clause_break().search(text)
        found = seen[(end, hi)] = text[: m.start()] if m else text
    return found


def sentence_before(fd: FinDoc, start: int, cap: int = MAX_WINDOW) -> str:
    """The sentence text before ``start``, at most ``cap`` characters."""
    sent = fd.sentence_at(start)
    return fd.text[max(sent.start_char, start - cap) : start]


def sentence_after(fd: FinDoc, end: int, cap: int = MAX_WINDOW) -> str:
    """The sentence text after ``end``, at most ``cap`` characters."""
    sent = fd.sentence_at(max(end - 1, 0))
    return fd.text[end : min(sent.end_char, end + cap)]


_HEADING_END = re.compile(r"[.!?:;,\"”’)]\s*$")
_CREDIT = re.compile(r"\w+(?:\s\w+)?:\s")


_BULLET = re.compile(r"\s*(?:[-*•–]|\d{1,2}[.)])\s")


def is_list_item(text: str) -> bool:
    """A line opening with a bullet or an item number ("- $45.90 – the 200-day average", "2) ...").

    >>> is_list_item("- $45.90 – the 200-day moving average"), is_list_item("2) Ether"), is_list_item("$45.90 is key")
    (True, True, False)
    """
    return bool(_BULLET.match(text))


def is_heading(text: str) -> bool:
    """A short line of its own without closing punctuation ("Solana price prediction").

    >>> is_heading("Solana price prediction"), is_heading("Source: TradingView"), is_heading("It fell.")
    (True, False, False)
    """
    t = text.strip()
    if _CREDIT.match(t):  # "Source: TradingView", "Image: CoinGlass" are credits
        return False
    return 0 < len(t) <= 90 and "\n" not in t and not _HEADING_END.search(t)


# --- pipe tables ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """A figure in a row of a pipe table: the row's cells before it and its column's header."""

    cells: tuple[tuple[int, int], ...]  # (start, end) of each cell before the figure's
    header: str  # the header cell of the figure's column ("" when unknown)


_TABLE_LINE = re.compile(r"(?m)^[ \t]*\|.*$")  # a line of a pipe table: it opens with a bar


def _tables(fd: FinDoc) -> dict[int, list[str]]:
    """Line start -> header cells, for every line of a pipe table (its first line is the header)."""

    def build() -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        header: list[str] | None = None
        last_end = -2
        for m in _TABLE_LINE.finditer(fd.text):
            if m.start() != last_end + 1:
                header = [cell.strip() for cell in m.group().strip().strip("|").split("|")]
            out[m.start()] = header or []
            last_end = m.end()
        return out

    return fd.cached("pipe_tables", build)


@dataclass(frozen=True)
class PipeTable:
    """One pipe table: where it stands and the cells of its rows, separator rows left out."""

    start: int  # its first line's start
    end: int  # its last line's end
    rows: tuple[tuple[tuple[int, int], ...], ...]  # each row's cells, (start, end) between the bars


_SEPARATOR_ROW = re.compile(r"[\s|:-]*-[\s|:-]*")


def pipe_tables(fd: FinDoc) -> tuple[PipeTable, ...]:
    """Every pipe table of the text, in order (a table is a run of lines opening with a bar)."""

    def build() -> tuple[PipeTable, ...]:
        out: list[PipeTable] = []
        rows: list[tuple[tuple[int, int], ...]] = []
        start = end = -2
        for m in _TABLE_LINE.finditer(fd.text):
            if m.start() != end + 1:
                if rows:
                    out.append(PipeTable(start, end, tuple(rows)))
                rows, start = [], m.start()
            end = m.end()
            if _SEPARATOR_ROW.fullmatch(m.group()):
                continue
            bars = [m.start() + b.start() for b in re.finditer(r"\|", m.group())]
            rows.append(tuple((a + 1, b) for a, b in zip(bars, bars[1:])))
        if rows:
            out.append(PipeTable(start, end, tuple(rows)))
        return tuple(out)

    return fd.cached("pipe_table_rows", build)


_HEADER_WORD = re.compile(r"[*_]")  # markdown emphasis around a header cell
LABEL_NAME = r"[A-Z][\w&.'’-]*(?:[ \t]+(?:&[ \t]+)?[A-Z][\w&.'’-]*){0,3}"  # one to four capitalised words ("Harcourt & Vale")
_ROW_LABEL = re.compile(rf"[*_ \t]*(?P<name>{LABEL_NAME})[*_ \t]*")  # "| **Kinsale Tech** |"


def _label_mention(fd: FinDoc, m: re.Match, taken: list[tuple[int, int]]):
    """The asset mention of the name a table row or a list item opens with (group ``name`` of ``m``),
    or ``None``: capitalised words with a lower-case letter ("S2", "TP1" are level labels) that overlap
    no mention in ``taken`` (sorted spans) and that ``clean_name`` keeps whole (not a region, month or
    common word the text writes in lower case), not ending in a body's word ("... Commission")."""
    from extractor.facts.entities import clean_name, words as entity_words  # (entities reads this module's neighbours)
    from extractor.normalize.assets import Asset, AssetMention

    a, b = m.span("name")
    i = bisect_right(taken, (a, float("inf"))) - 1
    if (i >= 0 and taken[i][1] > a) or (i + 1 < len(taken) and taken[i + 1][0] < b):
        return None
    w = entity_words()
    name = clean_name(m.group("name"), w, fd.lower_words)
    if name is None or name != m.group("name") or name.split()[-1] in w.not_asset_heads or not any(c.islower() for c in name):
        return None
    return AssetMention(a, b, name, Asset(name, "stock"))


def table_row_labels(fd: FinDoc, known: list) -> list:
    r"""Asset mentions for the names that open the rows of a pipe table of figures ("| Kinsale Tech |
    1,478p | +3.9pc |"): a company the table alone names, so a price in its row is its own. A row's
    first cell, written as one to four capitalised words with a lower-case letter ("S2", "TP1": level
    labels) that name nothing the text knows (no mention in ``known``; not a region, month, common word
    the text writes in lower case ...: ``clean_name``), in a row with a figure, in a table whose first
    header cell names such a column (``entities.json`` asset_column_headers: "Company", "Stock",
    "Coin"; not "Broker", "Level", "Date"); the header row is no row.

    >>> from extractor.facts.doc import view
    >>> from spacy.lang.en import English
    >>> fd = view(English().make_doc("The spot market was calm.\n\n| Company | Price | Change |\n|---|---|---|\n| Kinsale Tech | 1,478p | +3.9% |\n| Spot | 12 | +1% |\n| S2 | 9 | -1% |"))
    >>> [(m.text, m.asset.kind) for m in table_row_labels(fd, [])]
    [('Kinsale Tech', 'stock')]
    """
    text, out = fd.text, []
    taken = sorted((m.start, m.end) for m in known)
    columns = frozenset(lexicon("entities").asset_column_headers)
    for table in pipe_tables(fd):
        a, b = table.rows[0][0] if table.rows and table.rows[0] else (0, 0)
        if _HEADER_WORD.sub("", text[a:b]).strip().lower() not in columns:
            continue  # a table of brokers, levels, days ...: its rows open with no asset
        for row in table.rows[1:]:
            if len(row) < 2 or not any(ch.isdigit() for a, b in row[1:] for ch in text[a:b]):
                continue
            m = _ROW_LABEL.fullmatch(text, *row[0])
            if m is not None and (found := _label_mention(fd, m, taken)) is not None:
                out.append(found)
    return out


# "- Lyft — ", "* **Corvane Health** – ": a list item opening with a name and a dash
_ITEM_LABEL = re.compile(rf"(?m)^[ \t]*[-*•·][ \t]+[*_]{{0,2}}(?P<name>{LABEL_NAME})[*_]{{0,2}}[ \t]+[—–][ \t]+(?=\S)")


def item_labels(fd: FinDoc, known: list) -> list:
    r"""Asset mentions for the names that open list items before a dash ("- Lyft — The ride-hailing
    company's stock was indicated at $13.10"): the company the item is about, though the list alone
    names it, so the figures of the item are its own. One to four capitalised words with a lower-case
    letter that name nothing the text knows (no mention in ``known``; not a common word the text writes
    in lower case, a region, a month ...: ``clean_name``).

    >>> from extractor.facts.doc import view
    >>> from spacy.lang.en import English
    >>> fd = view(English().make_doc("Movers:\n- Lyft — Its stock was indicated at $13.10.\n- Note — Prices are delayed; see the note."))
    >>> [(m.text, m.asset.kind) for m in item_labels(fd, [])]
    [('Lyft', 'stock')]
    """
    taken = sorted((m.start, m.end) for m in known)
    return [found for m in _ITEM_LABEL.finditer(fd.text) if (found := _label_mention(fd, m, taken)) is not None]


def table_lines(fd: FinDoc) -> dict[int, list[str]]:
    """Line start -> the header cells of its pipe table, for every line of every pipe table."""
    return _tables(fd)


_SIGNED_CELL = re.compile(r"\|[ \t]*(?P<n>[+\-−–]\d{1,3}(?:\.\d+)?)[ \t]*(?=\|)")  # a cell holding one signed number
_PERCENT_HEADER = re.compile(r"%|\bpercent\b|\bpct\b")
TABLE_LINE_READ = 1000  # characters: a longer table line is not read cell by cell (a cell's column counts the bars before it)


def table_cells(fd: FinDoc, cell: re.Pattern) -> Iterator[tuple[int, list[str], re.Match]]:
    """``(line start, header cells, match)`` for every match of ``cell`` on every pipe-table line of
    at most ``TABLE_LINE_READ`` characters (each line read once)."""
    text = fd.text
    for line_start, header in _tables(fd).items():
        line_end = text.find("\n", line_start)
        line_end = len(text) if line_end < 0 else line_end
        if line_end - line_start <= TABLE_LINE_READ:
            for m in cell.finditer(text, line_start, line_end):
                yield line_start, header, m


def table_percent_cells(fd: FinDoc, percents: list) -> list:
    """Signed numbers alone in a pipe-table cell under a header that writes its unit as percent
    ("| Indian rupee | 90.81 | -0.30 |" under "| Currency | Per USD | Day chg (%) |"): percents, as
    if the cell wrote the sign. A value the article's written percents already give is left out: a
    table that restates the moves of the prose ("Brent rose 0.5%" and "| Brent ($/bbl) | 74.62 | +0.5 |")
    names them more tersely, and would state each twice. Each table line is read once
    (``table_cells``), with its header cells."""
    from extractor.facts.doc import Percent

    text, taken = fd.text, {p.start for p in percents}
    written = {round(abs(p.value), 6) for p in percents}  # (a verb may give the sign: "fell 0.3%" is 0.3)
    out = []
    for line_start, header, m in table_cells(fd, _SIGNED_CELL):
        s = m.start("n")
        if s in taken:
            continue
        column = text.count("|", line_start, s) - 1
        value = float(m.group("n").replace("\u2212", "-").replace("\u2013", "-"))
        if column < len(header) and _PERCENT_HEADER.search(header[column]) and round(abs(value), 6) not in written:
            out.append(Percent(s, m.end("n"), value))
    return out


def table_headers(fd: FinDoc, pos: int) -> list[str]:
    """The header cells of the pipe table holding ``pos`` (empty outside one)."""
    return _tables(fd).get(fd.text.rfind("\n", 0, pos) + 1, [])


def table_row(fd: FinDoc, pos: int) -> Row | None:
    """The table row of the figure at ``pos`` (``None`` outside a pipe table)."""
    line_start = fd.text.rfind("\n", 0, pos) + 1
    header = _tables(fd).get(line_start)
    if header is None:
        return None
    cells, start = [], None
    for m in re.finditer(r"\|", fd.text[line_start:pos]):
        if start is not None:
            cells.append((start, line_start + m.start()))
        start = line_start + m.end()
    column = len(cells)
    return Row(tuple(cells), header[column] if column < len(header) else "")


_M = TypeVar("_M")


def row_asset(named: list[_M], kind: Callable[[_M], str], written: Callable[[_M], str],
              same: Callable[[_M, _M], bool]) -> _M | None:
    """The asset a table row is about, of the asset mentions ``named`` in its cells (in order): the
    first, except that a company the row names by its ticker and by its name ("| CIFR | Cipher Mining |")
    is named by its name, as a fact names a company (its ticker an alias). ``kind``, ``written`` and
    ``same`` read a mention's asset kind, its text and whether two name one asset (the price and the
    move modules keep different mentions).

    >>> rows = [("CIFR", "stock", "k"), ("Cipher Mining", "stock", "k")]
    >>> row_asset(rows, lambda m: m[1], lambda m: m[0], lambda a, b: a[2] == b[2])[0]
    'Cipher Mining'
    >>> row_asset([("SOL", "crypto", "s"), ("Solana", "crypto", "s")], lambda m: m[1], lambda m: m[0], lambda a, b: a[2] == b[2])[0]
    'SOL'
    """
    first = named[0] if named else None
    if first is not None and kind(first) == "stock" and written(first).isupper():
        return next((m for m in named if same(m, first) and not written(m).isupper()), first)
    return first
