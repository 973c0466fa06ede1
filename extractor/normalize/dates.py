"""Day references in prose ("on Tuesday", "Oct. 10", "yesterday") resolved against the publication date.

Fast paths handle weekdays, month-day and relative words without dateparser;
dateparser (with a pinned RELATIVE_BASE, never "now") handles the rest.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from extractor.rx import gated, matches_at
from dataclasses import dataclass
from datetime import date, datetime, timedelta

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"

DAY_PATTERN = rf"""
    (?P<phrase>
        (?:(?<![\w-])(?:on|since|by|from|until|through|as\ of)\s+)?   # leading preposition kept in when_text (a word: not "milli-on")
        (?P<last>(?<![\w-])(?:last|this\s+past)\s+)?                 # "last Friday": strictly before the base day
        (?:
            (?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:['’]s)?   # on Tuesday / Friday's rebound
          | (?P<mon>{MONTH})\.?,?\s(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?:,?\s(?P<year>(?:19|20)\d\d))?(?![\d,.]*\d)   # Oct. 10 / April, 7 / May 5, 2025
          | (?P<day2>[0-3]?\d)(?:st|nd|rd|th)?\s(?P<mon2>{MONTH})\.?(?:,?\s(?P<year2>(?:19|20)\d\d))?\b  # 10 October 2025
          | (?P<rel>yesterday|today|tonight|this\s+morning|earlier\s+today)
        )
    )\b
    """
DAY_RE = gated(DAY_PATTERN, re.VERBOSE)  # behind a lookahead on its first characters: the pattern opens with optional words

# Every DAY_RE match holds one of these words (a weekday, a month's first three letters, a relative
# day's first word); ``_day_matches`` tries the pattern only at the few places a match holding one
# can start instead of at every position.
_DAY_ANCHOR = re.compile("|".join([*(w.capitalize() for w in _WEEKDAYS), *(m.capitalize() for m in _MONTHS),
                                   "yesterday", "today", "tonight", "this", "earlier"]))
_MONTH_ANCHORS = frozenset(m.capitalize() for m in _MONTHS)
_PREPOSITIONS = ("on", "since", "by", "from", "until", "through", "as of")  # DAY_PATTERN's leading words
_DAY_SUFFIXES = ("", "st", "nd", "rd", "th")


def _space_before(text: str, i: int) -> int:
    """Where the run of whitespace that ends at ``i`` starts (``i`` when there is none)."""
    while i > 0 and text[i - 1].isspace():
        i -= 1
    return i


def _day_starts(text: str) -> list[int]:
    """Every place a ``DAY_RE`` match can start, in order (more places than matches): at each
    anchor word, at the day number of "10 October", then before either at "last " or "this past ",
    and before any of these at a leading preposition ("on ", "as of ")."""
    out: set[int] = set()
    m = _DAY_ANCHOR.search(text)
    while m is not None:
        c = m.start()
        cores = [c]
        if m.group() in _MONTH_ANCHORS and c >= 2 and text[c - 1].isspace():  # "10 October", "3rd May"
            for suffix in _DAY_SUFFIXES:
                if text.endswith(suffix, 0, c - 1):
                    r = c - 1 - len(suffix)
                    cores += [r - 1, r - 2]
        for core in cores:
            heads = [core]
            j = _space_before(text, core)
            if j < core:
                if text.endswith("last", 0, j):
                    heads.append(j - 4)
                elif text.endswith("past", 0, j):
                    k = _space_before(text, j - 4)
                    if k < j - 4 and text.endswith("this", 0, k):
                        heads.append(k - 4)
            for h in heads:
                out.add(h)
                j = _space_before(text, h)
                if j < h:
                    out.update(j - len(p) for p in _PREPOSITIONS if text.endswith(p, 0, j))
        m = _DAY_ANCHOR.search(text, c + 1)  # anchors may overlap: look again one character on
    return sorted(p for p in out if p >= 0)


def _day_matches(text: str) -> Iterator[re.Match]:
    """``DAY_RE.finditer(text)``, the pattern tried only where a match can start.

    >>> t = "on Tuesday, last Friday’s close, as of 10th  October 2025, Tron Monday, this past May 5"
    >>> [m.group("phrase") for m in _day_matches(t)] == [m.group("phrase") for m in DAY_RE.finditer(t)]
    True
    >>> [m.group("phrase") for m in _day_matches("+$312.4 million\\nTuesday: +$188.0 million")]
    ['Tuesday']
    """
    return matches_at(DAY_RE, text, _day_starts(text))


@dataclass(frozen=True)
class DayRef:
    """A day named in text: where, the phrase, and the resolved ISO date (or None)."""

    start: int
    end: int
    text: str
    when: str | None
    weekday: str | None = None  # the weekday named ("Tuesday"), unless the phrase says "last Tuesday"

    @property
    def period_start(self) -> bool:
        """The phrase opens a period ("since Feb. 2", "from Monday"): the day a tally started, not
        the day a figure was reported."""
        return self.text[:6].lower().startswith(("since ", "from "))


def as_date(published: str | date | datetime | None) -> date | None:
    """The date part of an ISO date/datetime string.

    >>> as_date("2026-02-11T13:34:26+00:00")
    datetime.date(2026, 2, 11)
    """
    if published is None:
        return None
    if isinstance(published, datetime):
        return published.date()
    if isinstance(published, date):
        return published
    return date.fromisoformat(str(published)[:10])


def resolve_weekday(name: str, base: date, strictly_before: bool = False) -> date:
    """The most recent ``name`` day on or before ``base`` (before it, for "last Friday").

    >>> resolve_weekday("Tuesday", date(2026, 2, 4))   # published Wednesday
    datetime.date(2026, 2, 3)
    >>> resolve_weekday("Monday", date(2025, 2, 9))    # published Sunday
    datetime.date(2025, 2, 3)
    >>> resolve_weekday("Wednesday", date(2026, 2, 11))
    datetime.date(2026, 2, 11)
    >>> resolve_weekday("Friday", date(2026, 2, 13), strictly_before=True)  # "last Friday", published Friday
    datetime.date(2026, 2, 6)
    """
    target = _WEEKDAYS.index(name.lower())
    back = (base.weekday() - target) % 7
    if strictly_before and back == 0:
        back = 7
    return base - timedelta(days=back)


def previous_week_day(name: str, base: date) -> date:
    """``name`` day of the calendar week (Monday to Sunday) before the one holding ``base``: "last
    week ... on Tuesday".

    >>> previous_week_day("Tuesday", date(2026, 3, 11))   # published Wednesday
    datetime.date(2026, 3, 3)
    >>> previous_week_day("Friday", date(2026, 3, 9))     # published Monday
    datetime.date(2026, 3, 6)
    >>> previous_week_day("Sunday", date(2026, 3, 15))    # published Sunday
    datetime.date(2026, 3, 8)
    """
    monday = base - timedelta(days=base.weekday()) - timedelta(days=7)
    return monday + timedelta(days=_WEEKDAYS.index(name.lower()))


def resolve_month_day(month: int, day: int, base: date, year: int | None = None) -> date | None:
    """A month/day without a year is the latest such day not after ``base`` (+3 days slack for forecasts).

    >>> resolve_month_day(10, 10, date(2026, 2, 4))
    datetime.date(2025, 10, 10)
    >>> resolve_month_day(1, 29, date(2026, 2, 4))
    datetime.date(2026, 1, 29)
    >>> resolve_month_day(2, 30, date(2026, 2, 4)) is None
    True
    """
    try:
        if year:
            return date(year, month, day)
        d = date(base.year, month, day)
    except ValueError:
        return None
    if d > base + timedelta(days=3):
        try:
            d = date(base.year - 1, month, day)
        except ValueError:
            return None
    return d


def month_number(name: str) -> int:
    """The number of an English month name or abbreviation (any case).

    >>> month_number("Sept"), month_number("february"), month_number("DEC")
    (9, 2, 12)
    """
    return _MONTHS[name.lower()[:3]]


def _resolve(m: re.Match, base: date | None) -> str | None:
    year = m.group("year") or m.group("year2")
    if base is None and not year:
        return None
    if m.group("wd"):
        return resolve_weekday(m.group("wd"), base, strictly_before=bool(m.group("last"))).isoformat()
    if m.group("rel"):
        rel = m.group("rel").lower()
        return (base - timedelta(days=1) if rel == "yesterday" else base).isoformat()
    mon = m.group("mon") or m.group("mon2")
    day = int(m.group("day") or m.group("day2"))
    d = resolve_month_day(month_number(mon), day, base or date(int(year), 1, 1), int(year) if year else None)
    return d.isoformat() if d else None


def find_days(text: str, published=None, offset: int = 0) -> list[DayRef]:
    """Every day reference in ``text``, resolved against ``published``.

    >>> [(d.text, d.when) for d in find_days("dropped 7% on Tuesday to a low", "2026-02-04")]
    [('on Tuesday', '2026-02-03')]
    >>> [(d.text, d.when) for d in find_days("since Jan. 29, and on Oct. 10", "2026-02-04")]
    [('since Jan. 29', '2026-01-29'), ('on Oct. 10', '2025-10-10')]
    >>> [(d.text, d.when) for d in find_days("on April, 7 volume", "2025-04-08")]
    [('on April, 7', '2025-04-07')]
    >>> [d.when for d in find_days("yesterday", None)]
    [None]
    >>> find_days("a May 2025 report and 10 days")
    []
    """
    base = as_date(published)
    out = []
    for m in _day_matches(text):
        wd = m.group("wd") if not m.group("last") else None
        out.append(DayRef(m.start() + offset, m.end() + offset, m.group("phrase"), _resolve(m, base), wd))
    return out


_ISO_DAY = re.compile(r"(?<!\d)20\d\d-[01]\d-[0-3]\d(?!\d)")


def iso_day(text: str, lo: int = 0, hi: int | None = None) -> str | None:
    """The first ISO date ("2026-03-06") in ``text[lo:hi]``, as written (tables and feeds write days so).

    >>> iso_day("| 2026-03-06 | +12.5 |"), iso_day("order 12026-03-061"), iso_day("Mar 6")
    ('2026-03-06', None, None)
    """
    m = _ISO_DAY.search(text, lo, len(text) if hi is None else hi)
    return m.group() if m else None


def parse_day(text: str, published) -> str | None:
    """Resolve a free-form day phrase with dateparser, relative to ``published`` (never the clock).

    >>> parse_day("two days ago", "2026-02-04")
    '2026-02-02'
    >>> parse_day("whenever", "2026-02-04") is None
    True
    """
    base = as_date(published)
    if base is None:
        return None
    import dateparser

    d = dateparser.parse(
        text,
        languages=["en"],
        settings={"RELATIVE_BASE": datetime(base.year, base.month, base.day, 12), "PREFER_DATES_FROM": "past", "STRICT_PARSING": False},
    )
    return d.date().isoformat() if d else None
