"""Day references in prose ("on Tuesday", "Oct. 10", "yesterday") resolved against the publication date.

Fast paths handle weekdays, month-day and relative words without dateparser;
dateparser (with a pinned RELATIVE_BASE, never "now") handles the rest.
"""
from __future__ import annotations

import re

from extractor.rx import gated
from dataclasses import dataclass
from datetime import date, datetime, timedelta

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"

DAY_PATTERN = rf"""
    (?P<phrase>
        (?:(?:on|since|by|from|until|through|as\ of)\s+)?        # leading preposition kept in when_text
        (?P<last>last\s+|this\s+past\s+)?                        # "last Friday": strictly before the base day
        (?:
            (?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:['’]s)?   # on Tuesday / Friday's rebound
          | (?P<mon>{MONTH})\.?,?\s(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?:,?\s(?P<year>(?:19|20)\d\d))?(?![\d,.]*\d)   # Oct. 10 / April, 7 / May 5, 2025
          | (?P<day2>[0-3]?\d)(?:st|nd|rd|th)?\s(?P<mon2>{MONTH})\.?(?:,?\s(?P<year2>(?:19|20)\d\d))?\b  # 10 October 2025
          | (?P<rel>yesterday|today|tonight|this\s+morning|earlier\s+today)
        )
    )\b
    """
DAY_RE = gated(DAY_PATTERN, re.VERBOSE)  # behind a lookahead on its first characters: the pattern opens with optional words


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
    for m in DAY_RE.finditer(text):
        wd = m.group("wd") if not m.group("last") else None
        out.append(DayRef(m.start() + offset, m.end() + offset, m.group("phrase"), _resolve(m, base), wd))
    return out


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
