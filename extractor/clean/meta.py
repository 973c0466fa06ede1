"""Article metadata from sidecars, front matter and datelines.

Precedence (highest first): caller/CLI > sidecar NAME.meta.json > document
metadata (HTML meta, front matter) > dateline in the text.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path

from extractor.errors import DateError, InputError
from extractor.normalize.dates import month_number

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Meta:
    """Optional metadata; ``None`` means unknown."""

    url: str | None = None
    title: str | None = None
    published: str | None = None
    modified: str | None = None  # last update, when the document says; relative dates still use ``published``

    def over(self, lower: "Meta") -> "Meta":
        """This metadata, with gaps filled from ``lower`` (lower precedence).

        >>> Meta(title="A").over(Meta(title="B", url="u"))
        Meta(url='u', title='A', published=None, modified=None)
        """
        return Meta(**{f.name: getattr(self, f.name) or getattr(lower, f.name) for f in fields(self)})


_NUMERIC_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")  # an explicit four-digit year
_MONTH_NAME = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_MONTH_DAY_YEAR = re.compile(
    rf"""^{_MONTH_NAME}\.?\s+          # Feb. / February
    (?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+  # 4, / 4th
    (?P<year>\d{{4}})$                      # 2026""",
    re.IGNORECASE | re.VERBOSE,
)
_DAY_MONTH_YEAR = re.compile(
    rf"""^(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+  # 4 / 4th
    {_MONTH_NAME}\.?,?\s+                       # February
    (?P<year>\d{{4}})$                          # 2026""",
    re.IGNORECASE | re.VERBOSE,
)


def parse_date(value: str) -> str:
    """Parse a user-, sidecar- or document-given date to ISO 8601; raise ``DateError`` if it does not parse.

    ISO dates and datetimes are kept (time included); dotted numeric dates are day-first.

    >>> parse_date("2026-02-11T13:34:26.000Z")
    '2026-02-11T13:34:26+00:00'
    >>> parse_date("2025-05-12")
    '2025-05-12'
    >>> parse_date("04.02.2026")
    '2026-02-04'
    >>> parse_date("Feb. 4, 2026"), parse_date("4 February 2026"), parse_date("Sept 30th, 2025")
    ('2026-02-04', '2026-02-04', '2025-09-30')
    >>> parse_date("next blue moon")
    Traceback (most recent call last):
    ...
    extractor.errors.DateError: not a date: 'next blue moon'

    Relative expressions would change with the clock, so an explicit year is required:

    >>> parse_date("yesterday")
    Traceback (most recent call last):
    ...
    extractor.errors.DateError: not an absolute date (no year): 'yesterday'
    """
    s = str(value).strip()
    if not s:
        raise DateError("empty date")
    try:
        if len(s) == 10 and s[4] == "-":
            return date.fromisoformat(s).isoformat()
        return datetime.fromisoformat(s).isoformat()
    except ValueError:
        pass
    m = _NUMERIC_DMY.match(s)
    if m:
        try:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1))).isoformat()
        except ValueError:
            raise DateError(f"not a date: {value!r}") from None
    m = _MONTH_DAY_YEAR.match(s) or _DAY_MONTH_YEAR.match(s)
    if m:  # the common dateline forms, without dateparser's cost ("Feb. 4, 2026", "4 February 2026")
        try:
            return date(int(m.group("year")), month_number(m.group("mon")), int(m.group("day"))).isoformat()
        except ValueError:
            raise DateError(f"not a date: {value!r}") from None
    import dateparser  # slow import: only when needed

    parsed = dateparser.parse(
        s,
        languages=["en"],
        settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"], "RETURN_AS_TIMEZONE_AWARE": False},
    )
    if parsed is None:
        raise DateError(f"not a date: {value!r}")
    if not _YEAR.search(s):
        raise DateError(f"not an absolute date (no year): {value!r}")
    return parsed.date().isoformat()


def _optional_date(value, where: str) -> str | None:
    if value in (None, ""):
        return None
    try:
        return parse_date(str(value))
    except DateError as exc:
        log.warning("%s: ignoring unparseable date (%s)", where, exc)
        return None


def sidecar_path(path: Path) -> Path:
    """``NAME.meta.json`` beside ``NAME.txt``/``NAME.html``."""
    return path.with_name(path.stem + ".meta.json")


def read_sidecar(path: Path) -> Meta:
    """Metadata from ``NAME.meta.json`` beside ``NAME.txt``/``NAME.html`` (keys url, title, published, modified)."""
    side = sidecar_path(path)
    if not side.is_file():
        return Meta()
    try:
        raw = side.read_bytes()
    except OSError as exc:
        raise InputError(f"{side}: unreadable sidecar metadata: {exc}") from None
    return parse_sidecar(raw, str(side))


def parse_sidecar(raw: bytes, name: str) -> Meta:
    """Metadata from the bytes of a sidecar file called ``name`` (named in errors).

    >>> parse_sidecar(b'{"url": "https://e.x/a", "published": "2026-02-04"}', "a.meta.json")
    Meta(url='https://e.x/a', title=None, published='2026-02-04', modified=None)
    """
    side = name
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except ValueError as exc:  # UnicodeDecodeError is a ValueError too
        raise InputError(f"{side}: unreadable sidecar metadata: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"{side}: sidecar metadata must be a JSON object")
    return Meta(
        url=_str_or_none(data.get("url")),
        title=_str_or_none(data.get("title")),
        published=_optional_date(data.get("published"), str(side)),
        modified=_optional_date(data.get("modified"), str(side)),
    )


def _str_or_none(v) -> str | None:
    return str(v).strip() or None if v not in (None, "") else None


_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(?P<body>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FM_LINE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)[ \t]*:[ \t]*(?P<value>.*?)[ \t]*$", re.MULTILINE)
_DATE_KEYS = ("published", "date", "published_at", "pubdate")
_MODIFIED_KEYS = ("modified", "updated", "updated_at", "last_modified", "date_modified")


def split_front_matter(text: str) -> tuple[Meta, str]:
    """Split YAML-style (``---`` fenced) or JSON front matter off a markdown document.

    >>> m, body = split_front_matter("---\\ntitle: \\"BTC falls\\"\\ndate: 2026-02-04\\n---\\nBody")
    >>> m, body
    (Meta(url=None, title='BTC falls', published='2026-02-04', modified=None), 'Body')
    >>> split_front_matter('{"title": "T", "url": "https://e.x"}\\nBody')[0].url
    'https://e.x'
    """
    data: dict = {}
    m = _FRONT_MATTER.match(text)
    if m:
        for kv in _FM_LINE.finditer(m.group("body")):
            data[kv.group("key").lower()] = kv.group("value").strip().strip("'\"")
        text = text[m.end():]
    elif text.lstrip().startswith("{"):
        try:
            obj, end = json.JSONDecoder().raw_decode(text.lstrip())
        except ValueError:
            obj = None
        if isinstance(obj, dict) and ({"title", "url", *_DATE_KEYS} & set(obj)):
            data = {str(k).lower(): v for k, v in obj.items()}
            text = text.lstrip()[end:]
    if not data:
        return Meta(), text
    when = next((data[k] for k in _DATE_KEYS if data.get(k)), None)
    changed = next((data[k] for k in _MODIFIED_KEYS if data.get(k)), None)
    return (
        Meta(url=_str_or_none(data.get("url")), title=_str_or_none(data.get("title")), published=_optional_date(when, "front matter"),
             modified=_optional_date(changed, "front matter")),
        text,
    )


# a date written in full in a dateline or byline, month first ("Feb. 4, 2026") or day first ("4
# February" + the year: the dateline has no comma before it, a byline may); parse_date reads them
_WRITTEN_MONTH_FIRST = r"[A-Z][a-z]{2,8}\.?\s\d{1,2},?\s\d{4}"
_WRITTEN_DAY_MONTH = r"\d{1,2}\s[A-Z][a-z]{2,8}\.?"

_DATELINE = re.compile(
    rf"""
    \A\s*\(?\s*
    (?P<place>[A-Z][A-Za-z.'\- ]{{1,40}}?)       # SINGAPORE / New York
    \s*(?:\([A-Za-z ]{{2,20}}\)\s*)?,?\s*          # optional (Reuters)
    (?P<date>
        \d{{1,2}}[./]\d{{1,2}}[./]\d{{4}}                          # 04.02.2026 (day first)
      | {_WRITTEN_MONTH_FIRST}                                  # Feb. 4, 2026
      | {_WRITTEN_DAY_MONTH}\s\d{{4}}                             # 4 February 2026
    )
    \s*\)?
    """,
    re.VERBOSE,
)


def dateline(text: str) -> Meta:
    """A publication date from a dateline at the top of the text.

    >>> dateline("(Lisbon, 04.02.2026)Markets opened lower ...").published
    '2026-02-04'
    >>> dateline("NEW YORK, Feb. 4, 2026 - Bitcoin fell").published
    '2026-02-04'
    >>> dateline("Bitcoin fell 5% in 2024.").published is None
    True

    A wire dateline usually follows a one-line headline; the line after it is tried too:

    >>> dateline("Bitcoin slides\\n\\nNEW YORK, Feb. 4, 2026 — Bitcoin fell").published
    '2026-02-04'
    >>> dateline("A headline\\n\\nBody text\\n\\nLONDON, Feb. 4, 2026 — late").published is None
    True
    """
    for start in _dateline_starts(text):
        m = _DATELINE.match(text[start : start + 200])
        if m:
            return Meta(published=_optional_date(m.group("date"), "dateline"))
    return Meta()


HEADER_LINES = 12  # the lines of an article's head where a byline date may stand
_HEADER_DATE = re.compile(
    rf"(?<![\w/.-])(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"  # "Wednesday, June 3, 2026"
    rf"(?P<date>{_WRITTEN_MONTH_FIRST}|{_WRITTEN_DAY_MONTH},?\s\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})(?![\w/-])"  # and "20 February 2026", "2026-02-20"
)
_UPDATED = re.compile(r"\b(?:updated|modified|edited)\b", re.IGNORECASE)
_PUBLISHED = re.compile(r"\W*(?:published|posted|dated|first\s+published)\b", re.IGNORECASE)  # a line that opens with it
# a press release's dateline before the date: cities in capitals ("NEW YORK and ZURICH, March 26, 2026 /Wire/ --")
_PRESS_CITY = re.compile(r"[A-Z][A-Z.'’-]+(?:\s+(?:[A-Z][A-Z.'’-]+|and|&))*,\s*")


def header_date(text: str) -> Meta:
    r"""A publication date from the byline lines at the head of the text: the first date written in
    full (with its year) on a short line among the first ``HEADER_LINES`` non-empty lines, before any
    "Updated" on that line ("Feb 20, 2026 | 14:05 GMT", "Wednesday, June 3, 2026", "Published March
    12, 2026 4:52 PM EDT | Updated 5:20 PM EDT", "### Issue #212 · Saturday, March 14, 2026"). A
    sentence of the body (a line ending in a full stop, over 14 words or over 120 characters) is not read.

    >>> header_date("COMMODITIES WRAP\n\nOil slips\n\nFeb 20, 2026 | 14:05 GMT\nBy A. Writer").published
    '2026-02-20'
    >>> header_date("# Title\n### Issue #212 · Saturday, March 14, 2026\nBody").published
    '2026-03-14'
    >>> header_date("Title\nUpdated March 13, 2026\nPublished March 12, 2026\nBody").published
    '2026-03-12'
    >>> header_date("Bitcoin fell 5% on Tuesday, its worst day since March 12, 2024, as traders sold risk ahead of the data.").published is None
    True

    A line that opens with "Published" or "Posted" is read at any length, separators and figures
    are no words, a press release's dateline counts, and a date only after "Updated" is the
    publication date when the head gives no other:

    >>> [header_date(t).published for t in ("Title\nPosted March 18, 2026 | Recap by the editorial team | Full episode: 58 min",
    ...  "NEW YORK and ZURICH, March 26, 2026 /Wire/ -- Acme Funds today announced that its fund grew.",
    ...  "Title\nUpdated: March 27, 2026, 10:15 IST\nBody")]
    ['2026-03-18', '2026-03-26', '2026-03-27']
    """
    seen = 0
    updated = None  # a date only after "Updated": the publication date when the head gives no other
    for line in text[:4000].split("\n"):
        if not line.strip():
            continue
        seen += 1
        if seen > HEADER_LINES:
            break
        m = _HEADER_DATE.search(line)
        if m is None:
            continue
        words = sum(any(c.isalpha() for c in w) for w in line.split())  # (separators and figures are no words)
        if (len(line) > 120 or line.rstrip().endswith(".") or words > 14) and not _PUBLISHED.match(line) \
                and not _PRESS_CITY.fullmatch(line, 0, m.start()):
            continue  # a sentence of the body, not a byline, a "Published ..." line or a press release's dateline
        if _UPDATED.search(line, 0, m.start()):
            updated = updated or m.group("date")
            continue
        return Meta(published=_optional_date(m.group("date"), "header"))
    return Meta(published=_optional_date(updated, "header")) if updated else Meta()


def _dateline_starts(text: str) -> list[int]:
    """Where a dateline may begin: the top of the text, or the line after a short first (headline) line."""
    starts = [0]
    head = text.lstrip()
    offset = len(text) - len(head)
    first, sep, rest = head.partition("\n")
    if sep and len(first) <= 200:
        starts.append(offset + len(first) + len(sep) + (len(rest) - len(rest.lstrip())))
    return starts
