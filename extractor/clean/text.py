"""Plain-text and markdown normalization (no trafilatura: it returns nothing for plain text).

Every step is a small pure function; ``normalize_text`` chains them.
Curly quotes are kept on purpose: they delimit quotations.
"""
from __future__ import annotations

import json
import re
import unicodedata

# Invisible characters that only get in the way of matching: zero-width
# spaces/joiners, BOMs, bidi marks and embeddings, soft hyphens.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069\u00ad]")
# C0/C1 control characters except tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Lone UTF-16 surrogates (only reachable through Python strings): cannot be encoded to UTF-8.
_SURROGATE = re.compile("[\ud800-\udfff]")
_ANY_INVISIBLE = re.compile(f"{_INVISIBLE.pattern}|{_CONTROL.pattern}|{_SURROGATE.pattern}")

_MD_IMAGE = re.compile(
    r"""
    !\[ (?P<alt>[^\]\n]*) \]      # ![alt text]
    \( [^)\s]* (?:\s+"[^"]*")? \)  # (url "optional title")
    """,
    re.VERBOSE,
)
_MD_LINK = re.compile(
    r"""
    (?<!!)\[ (?P<text>[^\[\]\n]*) \]   # [link text], not an image
    \( [^)\s]* (?:\s+"[^"]*")? \)       # (url "optional title")
    """,
    re.VERBOSE,
)
# A line that is nothing but a link (bulleted or not): another story's headline, a navigation item
_MD_LINK_LINE = re.compile(r"^[ \t]*(?:[-*+•][ \t]+|\d+\.[ \t]+)?(?:\[[^\[\]\n]*\]\([^)\n]*\)[ \t|·•]*)+$", re.MULTILINE)
_MD_EMPHASIS = re.compile(
    r"""
    (?P<mark>\*{1,4}|_{2})   # **bold**, *em*, ****heading****, __bold__
    (?=\S) (?P<body>[^*\n]+?) (?<=\S)
    (?P=mark)
    """,
    re.VERBOSE,
)
_MD_LINE_PREFIX = re.compile(
    r"""
    ^[ \t]*
    (?: \#{1,6}[ \t]+            # ATX heading marks
      | (?:>[ \t]?)+             # blockquote marks
      | [*+][ \t]+               # '*' or '+' bullets ('-' bullets are kept as text)
    )
    """,
    re.VERBOSE | re.MULTILINE,
)
# setext underlines, horizontal rules ("---", "* * *"); not the rules of an aligned table ("------   --------")
_MD_RULE = re.compile(r"^[ \t]*(?:[-=*_][ \t]?){3,}[ \t]*$", re.MULTILINE)
_MD_RULE_GATE = re.compile(r"[-=*_][ \t]*[-=*_][ \t]*[-=*_]")  # what every match of _MD_RULE holds
_JSON_ARRAY = re.compile(r'\[\s*"[^"\]\n]{0,80}"(?:\s*,\s*"[^"\]\n]{0,80}"){1,9}\s*\]')  # ["a","b"] left by scrapers
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+(?=[,;:](?:\s|$))")  # "word , next" -> "word, next"
_HSPACE_TO_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}|[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_TRAILING = re.compile(r"[ \t]+$", re.MULTILINE)
_BLANK_RUN = re.compile(r"\n{3,}")


def strip_invisible(text: str) -> str:
    """Drop zero-width, bidi and control characters; lone surrogates (not encodable) become U+FFFD.

    >>> strip_invisible("Bit\\u200bcoin\\x07 \\u200e$70K")
    'Bitcoin $70K'
    >>> strip_invisible("BTC \\ud800 up").encode("utf-8")
    b'BTC \\xef\\xbf\\xbd up'
    """
    if not _ANY_INVISIBLE.search(text):  # the common case: one scan instead of three
        return text
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", _INVISIBLE.sub("", text)))


def strip_markdown(text: str) -> str:
    """Reduce markdown to its text: links to their text, images removed, marks dropped, and lines
    that are only links (navigation, other stories' headlines) removed.

    >>> strip_markdown("[Bitcoin](https://x.y/btc) rose. ![chart](https://x.y/c.png)")
    'Bitcoin rose. '
    >>> strip_markdown("Ether rose.\\n- [Solana jumps to $210](https://x.y/sol)\\n[![](i.png)](https://x.y/a)\\nIt held.")
    'Ether rose.\\n\\n\\nIt held.'
    >>> strip_markdown("## **Ether** outlook\\n> quoted line\\n* bullet")
    'Ether outlook\\nquoted line\\nbullet'
    """
    # each pattern runs only on a text holding the characters every match of it needs
    if "![" in text:
        text = _MD_IMAGE.sub("", text)
    if "](" in text:
        text = _MD_LINK_LINE.sub("", text)
        text = _MD_LINK.sub(lambda m: m.group("text").strip(), text)
    if _MD_RULE_GATE.search(text):
        text = _MD_RULE.sub("", text)
    if "#" in text or ">" in text or "*" in text or "+" in text:
        text = _MD_LINE_PREFIX.sub("", text)
    if "*" in text or "__" in text:
        for _ in range(2):  # nested emphasis such as ***x***
            text, n = _MD_EMPHASIS.subn(lambda m: m.group("body"), text)
            if not n:  # unchanged: a second pass would find nothing either
                break
    return text


def reduce_json_fragments(text: str) -> str:
    """Replace a JSON array of strings left in prose by a scraper with its capitalized names.

    >>> reduce_json_fragments('Quintara, ["company","Veltrix","chip designer"] and others')
    'Quintara, Veltrix and others'
    """

    def repl(m: re.Match) -> str:
        try:
            items = json.loads(m.group(0))
        except ValueError:
            return m.group(0)
        names = [s for s in items if isinstance(s, str) and s[:1].isupper()]
        return ", ".join(dict.fromkeys(names)) if names else m.group(0)

    return _JSON_ARRAY.sub(repl, text)


# a line of at most 300 characters with a gap of two spaces or a tab between two words
_GAPPED_LINE = re.compile(r"(?m)^(?=[^\n]{3,300}$)[ \t]*[^\s|][^\n]*?\S(?: {2,}|\t)\S[^\n]*")
_GAP = re.compile(r" {2,}|\t+")
_TABLE_RULE_LINE = re.compile(r"(?m)^[ \t]*[-=_]{3,}(?:[ \t]+[-=_]{3,})+[ \t]*$")
_TABLE_RULE_GATE = re.compile(r"[-=_]{3}[ \t]{2,}[-=_]")
_NEXT_CELL = re.compile(r" *\S+(?: \S+)*")  # the cell from a position on: words with single spaces between them
_DASH_ROW = re.compile(r"[ \t]*[-=_]{3,}(?:[ \t]+[-=_]{3,})*[ \t]*")  # "------   --------": a rule between a table's rows
_FIGURE_CELL = re.compile(r"[(+\-−–]?(?:US)?[$€£¥]?\d[\d,.]*(?:[kKmMbB%]|bn|pc)?\)?")


def _rows_fit(rows: list[list[str]]) -> bool:
    """Rows of one table: after the first, one number of cells (at least two), each row holding a
    figure; the first (the header) as many cells or one fewer (an empty corner)."""
    width = len(rows[1])
    return width >= 2 and all(len(r) == width for r in rows[1:]) and len(rows[0]) in (width, width - 1) \
        and all(any(_FIGURE_CELL.fullmatch(c) for c in r[1:]) for r in rows[1:])


def _padded(rows: list[list[str]]) -> list[list[str]]:
    """Rows shorter than the header whose cells after the first are all figures, padded after their
    label ("TOTAL   +256.5" under "Ticker   Issuer   Net flow": the figures stay in the last columns).

    >>> _padded([["Ticker", "Issuer", "Net flow"], ["IBIT", "BlackRock", "+245.6"], ["TOTAL", "+256.5"]])[2]
    ['TOTAL', '', '+256.5']
    """
    width = len(rows[0])
    return [rows[0]] + [r[:1] + [""] * (width - len(r)) + r[1:]
                        if 2 <= len(r) < width and not any(ch.isdigit() for ch in r[0]) and all(_FIGURE_CELL.fullmatch(c) for c in r[1:]) else r
                        for r in rows[1:]]


def _aligned_cells(lines: list[str]) -> list[list[str]] | None:
    """The cells of lines aligned in columns, cut where every line has a space (or has ended), at
    least half of them a gap of two spaces or more, and at least half of them start a cell right
    after it or end one right before it (the columns' alignment): a cell that fills its column up to
    one space before the next ("CoinShares Bitcoin Mining ETF (WGMI) $19.07") stays apart from it,
    and the words of that long cell stay together. ``None`` for lines with tabs or fewer than two columns.

    >>> _aligned_cells(["Name              Close", "Acme Corp (ACM)   $9.40", "Longer Name Heres $19.07"])
    [['Name', 'Close'], ['Acme Corp (ACM)', '$9.40'], ['Longer Name Heres', '$19.07']]
    >>> _aligned_cells(["Fund            Close", "Acme (ACM)      $9.40", "Big Fund Name X $1.07"])[2]
    ['Big Fund Name X', '$1.07']
    """
    if any("\t" in line for line in lines):
        return None
    width = max(map(len, lines))
    blank = [all(c >= len(line) or line[c] == " " for line in lines) for c in range(width)]
    cuts: list[tuple[int, int]] = []
    c = 0
    while c < width:
        if not blank[c]:
            c += 1
            continue
        e = c
        while e < width and blank[e]:
            e += 1
        inside = [line for line in lines if line[:c].strip() and line[e:].strip()]
        starts = sum(e < len(line) and line[e] != " " for line in inside)  # cells left-aligned after the cut
        ends = sum(line[c - 1] != " " for line in inside)  # or right-aligned before it
        # or the cells after it right-aligned, each after a gap of two spaces or more ("BlackRock      +245.6")
        right = len(inside) >= 3 and len({m.end() for line in inside if (m := _NEXT_CELL.match(line, c))}) == 1 \
            and all(len(line) - len(line[c:].lstrip(" ")) - len(line[:c].rstrip()) >= 2 for line in inside)
        if c > 0 and e < width and len(inside) >= 2 and sum(line[c - 1 : e + 1].count("  ") > 0 for line in inside) * 2 >= len(inside) \
                and (max(starts, ends) * 2 >= len(inside) or right):
            cuts.append((c, e))
        c = e
    if not cuts:
        return None
    bounds = [0] + [x for cut in cuts for x in cut] + [width]
    return [[line[bounds[i] : bounds[i + 1]].strip() for i in range(0, len(bounds), 2)] for line in lines]


def aligned_to_pipes(text: str) -> str:
    r"""Tables whose columns are aligned with spaces or tabs, rewritten as pipe tables (the one table
    form the extractor reads), before whitespace is collapsed: a run of at least two consecutive
    lines cut into cells by gaps of two spaces or more (or tabs), whose rows after the first have
    one number of cells (at least two) and each hold a figure; the first row (the header) has as
    many cells, or one fewer (an empty corner). Prose with a double space stays as it is.

    >>> print(aligned_to_pipes("Levels:\n\n          R1       S1\n  DAX     25,100   24,300\n  FTSE    8,690    8,420\nEnd."))
    Levels:
    <BLANKLINE>
    |  | R1 | S1 |
    |---|---|---|
    | DAX | 25,100 | 24,300 |
    | FTSE | 8,690 | 8,420 |
    End.
    >>> print(aligned_to_pipes("  Ticker   Net flow\n  ------   --------\n  IBIT       +245.6\n  FBTC        +88.2\n  ------   --------\n  TOTAL      +333.8"))
    | Ticker | Net flow |
    |---|---|
    | IBIT | +245.6 |
    | FBTC | +88.2 |
    | TOTAL | +333.8 |
    >>> aligned_to_pipes("It rose.  Then it fell.\nA second  line of prose.")
    'It rose.  Then it fell.\nA second  line of prose.'
    """
    if "  " not in text and "\t" not in text:
        return text
    out: list[str] = []
    pos = 0
    block: list[re.Match] = []

    def close() -> None:
        nonlocal pos
        lines = [m.group() for m in block if not _DASH_ROW.fullmatch(m.group())]  # (rules under the header, over a total)
        if len(lines) >= 2:
            rows = [_GAP.split(line.strip()) for line in lines]
            if not _rows_fit(rows):
                cells = _aligned_cells(lines)
                rows = cells if cells and _rows_fit(cells) else _padded(rows)
            width = len(rows[1])
            if _rows_fit(rows):
                if len(rows[0]) == width - 1:
                    rows[0] = [""] + rows[0]
                lines = ["| " + " | ".join(r) + " |" for r in rows]
                lines.insert(1, "|" + "---|" * width)
                out.append(text[pos : block[0].start()])
                out.append("\n".join(lines))
                pos = block[-1].end()
        block.clear()

    for m in _GAPPED_LINE.finditer(text):
        if block and m.start() != block[-1].end() + 1:
            close()
        block.append(m)
    close()
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def collapse_whitespace(text: str) -> str:
    """Collapse runs of spaces; at most one blank line between paragraphs.

    >>> collapse_whitespace("a  \\t b , c\\n\\n\\n\\nd  ")
    'a b, c\\n\\nd'
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _HSPACE_TO_SPACE.sub(" ", text)  # every run of horizontal space becomes one space (a single space stays)
    # no tab is left: a space before punctuation or a line end is all the next two can match
    if " ," in text or " ;" in text or " :" in text:
        text = _SPACE_BEFORE_PUNCT.sub("", text)
    if " \n" in text or text.endswith(" "):
        text = _TRAILING.sub("", text)
    if "\n " in text or text.startswith(" "):
        text = "\n".join(line.lstrip(" ") for line in text.split("\n"))
    return _BLANK_RUN.sub("\n\n", text).strip()


# a line break inside a sentence of a hard-wrapped paragraph: a line of 30 characters or more that
# ends in a lower-case letter, a digit or a comma, and a next line that goes on in lower case or
# with a figure ("changing hands at / $39.85"; not an item number, "1. Solana"). Both patterns
# open with a character and look behind after it: re tries the 30-character lookbehind only where
# a line break (a space) stands, instead of at every position of the text.
_WRAP = re.compile(r"\n(?<=[^\n]{29}[a-z0-9,]\n)(?=[a-z$(]|\d+(?![.)]\s))")
# ... or a line of 30 characters or more that ends in a word no sentence or title ends with (a
# preposition, an article, a conjunction, a reporting verb: "head of digital assets at /
# Northfield Capital") before a line that opens with a capital or a quotation mark
_JOINER_END = ("at", "of", "the", "a", "an", "and", "or", "in", "on", "for", "to", "with", "from", "by", "than",
               "said", "says", "told", "according")
_WRAP_AFTER_JOINER = re.compile(rf" (?<=[^\n]{{29}} )(?:{'|'.join(_JOINER_END)})\n(?=[A-Z“\"‘])")


def unwrap_lines(text: str) -> str:
    """Join the lines of a hard-wrapped paragraph where a sentence plainly runs on (the next line
    opens in lower case or with a figure), so that a wrapped line is not read as a short line of its
    own (a heading) and a clause is not cut at the wrap.

    >>> unwrap_lines("Quant fund manager Tomasz Riedl is\\nless worried. He said so.\\nBitcoin rose")
    'Quant fund manager Tomasz Riedl is less worried. He said so.\\nBitcoin rose'
    >>> unwrap_lines("Market update\\nbitcoin rose"), unwrap_lines("It ended the week higher.\\nbut not by much")
    ('Market update\\nbitcoin rose', 'It ended the week higher.\\nbut not by much')
    >>> unwrap_lines("and it is currently changing hands at\\n$39.85, above support")
    'and it is currently changing hands at $39.85, above support'
    >>> unwrap_lines("These are the coins that moved the most this week\\n1. Solana\\n2. XRP")
    'These are the coins that moved the most this week\\n1. Solana\\n2. XRP'
    >>> unwrap_lines("said Vera Okafor, who runs research at\\nHalden Partners. “It is early.”")
    'said Vera Okafor, who runs research at Halden Partners. “It is early.”'
    >>> unwrap_lines("What traders are watching this week and\\nwhy"), unwrap_lines("Prices at\\nNoon")
    ('What traders are watching this week and why', 'Prices at\\nNoon')
    """
    if "\n" not in text:
        return text
    text = _unwrap_hard_wrapped(text)
    text = _WRAP_AFTER_JOINER.sub(lambda m: m.group().replace("\n", " "), text)
    return _WRAP.sub(" ", text)


WRAP_MIN, WRAP_MAX = 50, 90  # the length of a line a hard-wrapping mailer or editor breaks
WRAP_SHARE, WRAP_LINES = 0.5, 8  # a text is hard-wrapped when this share of its lines (at least this many) has that length
_LIST_LINE = re.compile(r"[ \t]*(?:[-*•·▪>|#]|\d{1,2}[.)][ \t])")


def _unwrap_hard_wrapped(text: str) -> str:
    r"""In a hard-wrapped text (most lines 50-90 characters), every line break inside a paragraph
    whose line is at least ``WRAP_MIN`` - 5 long goes, so that a name or a quote broken at the wrap
    ("... Mateo\nLindqvist, a portfolio manager") reads as written; list items, table rows and
    short lines keep their breaks.

    >>> t = ("The desk saw steady buying all week, and one trader put it plainly, said Mateo\n"
    ...      "Lindqvist, a portfolio manager at Fjordline Capital, in an email to clients on\n") * 5
    >>> "Mateo Lindqvist" in _unwrap_hard_wrapped(t)
    True
    >>> _unwrap_hard_wrapped("Short line\nAnother one\n")
    'Short line\nAnother one\n'
    """
    lines = text.split("\n")
    wrapped = sum(1 for line in lines if WRAP_MIN <= len(line) <= WRAP_MAX)
    if wrapped < WRAP_LINES or wrapped < WRAP_SHARE * sum(1 for line in lines if line.strip()):
        return text
    out = [lines[0]]
    for line in lines[1:]:
        prev = out[-1]
        if len(prev) >= WRAP_MIN - 5 and line.strip() and prev.strip() and not _LIST_LINE.match(line) \
                and not _LIST_LINE.match(prev) and not prev.rstrip().endswith(":"):
            out[-1] = prev.rstrip() + " " + line.lstrip()
        else:
            out.append(line)
    return "\n".join(out)


def normalize_text(text: str, *, markdown: bool = True) -> str:
    """The full plain-text normalization: NFC, invisibles, markdown, scraper JSON, whitespace,
    hard-wrapped lines.

    >>> normalize_text("Bitcoin\\u00a0rose  to [$70K](u).\\n\\n\\n“Wow,” he said.")
    'Bitcoin rose to $70K.\\n\\n“Wow,” he said.'
    """
    text = unicodedata.normalize("NFC", text)
    text = strip_invisible(text)
    if markdown:
        text = strip_markdown(text)
    text = reduce_json_fragments(text)
    text = aligned_to_pipes(text)
    if markdown and _TABLE_RULE_GATE.search(text):  # a table's rules left where no table was read: gone, as other rules are
        text = _TABLE_RULE_LINE.sub("", text)
    return unwrap_lines(collapse_whitespace(text))
