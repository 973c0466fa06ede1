"""Time spans in prose -> ISO 8601 durations ("over the past three days" -> "P3D")."""
from __future__ import annotations

import re

from extractor.rx import Caseless, fold

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "thirty": 30, "couple": 2,
}


def number_word(word: str) -> int | None:
    """The count a number word names ("three" -> 3), else ``None``.

    >>> number_word("Three"), number_word("couple"), number_word("benchmarks")
    (3, 2, None)
    """
    return _NUMBER_WORDS.get(fold(word))


_UNIT = {"hour": "H", "day": "D", "session": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}

PERIOD_RE = Caseless(
    r"""
    (?P<span>
        (?:(?:over|in|during|for|within)\s+)?(?:the\s+)?(?:past|last|previous|prior)\s+   # over the past ...
        (?:(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|thirty|couple\s+of)[\s-]+)?
        (?P<unit>hour|day|session|week|month|quarter|year)s?\b
      | (?P<n2>\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|thirty)[\s-]
        (?P<unit2>hour|day|session|week|month|quarter|year)s?\b                          # seven-day, 24 hours
      | (?P<adj>daily|weekly|monthly|quarterly|yearly|annual|intraday|overnight)\b       # weekly decline
      | (?P<ytd>year[\s-]to[\s-]date|ytd)\b
      | (?:on|for)\s+the\s+(?P<onthe>day|week|month|year)\b                               # up 0.4% on the day, 12% for the month
      | (?P<single>in\s+a\s+single\s+(?:day|session))\b
    )
    """,
    re.VERBOSE,
    # every match holds one of these (a unit, or a word for one): a text without them is not scanned
    required=("hour", "day", "session", "week", "month", "quarter", "year", "daily", "annual", "overnight", "ytd"),
)

_ADJ = {"daily": "P1D", "weekly": "P7D", "monthly": "P1M", "quarterly": "P3M", "yearly": "P1Y", "annual": "P1Y", "intraday": "P1D", "overnight": "P1D"}


def _duration(n: int, unit: str) -> str:
    unit = fold(unit)
    if unit == "hour":
        return "P1D" if n == 24 else f"PT{n}H"
    if unit == "quarter":
        return f"P{3 * n}M"
    if unit == "week" and n == 1:
        return "P7D"
    code = _UNIT[unit]
    return f"P{n}{code}"


def period_from_match(m: re.Match) -> str | None:
    """ISO duration for a ``PERIOD_RE`` match; ``None`` for year-to-date (not a fixed span)."""
    if m.group("adj"):
        return _ADJ[fold(m.group("adj"))]
    if m.group("ytd"):
        return None
    if m.group("onthe"):
        return {"day": "P1D", "week": "P7D", "month": "P1M", "year": "P1Y"}[fold(m.group("onthe"))]
    if m.group("single"):
        return "P1D"
    unit = m.group("unit") or m.group("unit2")
    raw = fold(m.group("n") or m.group("n2") or "1")
    raw = raw.replace("couple of", "couple").split()[0]
    n = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
    return _duration(n, unit)


def parse_period(text: str) -> str | None:
    """The first period named in ``text`` as an ISO 8601 duration, or ``None``.

    >>> parse_period("over the past three days")
    'P3D'
    >>> parse_period("a 16.5% seven-day decline"), parse_period("in the past 24 hours")
    ('P7D', 'P1D')
    >>> parse_period("over the past year"), parse_period("past week"), parse_period("in the past four weeks")
    ('P1Y', 'P7D', 'P4W')
    >>> parse_period("up 0.4% on the day"), parse_period("over three sessions")
    ('P1D', 'P3D')
    >>> parse_period("up 12% for the month"), parse_period("lower for the week")
    ('P1M', 'P7D')
    >>> parse_period("over the past three months"), parse_period("no span here") is None
    ('P3M', True)
    """
    m = PERIOD_RE.search(text)
    return period_from_match(m) if m else None


# after a hyphenated span ("10-year"), the nouns it measures a move by; before any other noun it
# describes a thing ("a 10-year agreement", "the 10-year Treasury", "a 52-week high"), not a period
_SPAN_NOUNS = re.compile(
    r"\s+(?:(?:losing|winning|rolling|trading|cumulative)\s+)?(?:decline|gain|loss|drop|fall|rise|rally|slide|advance|jump|surge|"
    r"climb|run|streak|stretch|span|period|window|basis|change|performance|return|move|slump|sell-?off|rebound|recovery|"
    r"increase|decrease|plunge|tumble|skid|losses|gains|declines|moves|returns|percentage|showing|outing|swing|rout|scale|terms|timeframe|close|candle|open)s?\b", re.IGNORECASE)
_WORD_AFTER = re.compile(r"\s+[a-z]", re.IGNORECASE)


def finditer_periods(text: str, offset: int = 0, *, of_moves: bool = False):
    """``(start, end, duration)`` for every period phrase in ``text``; ``of_moves``: the periods a move
    can have, so a hyphenated span or a period adjective before a noun that is not a move's ("a
    10-year agreement", "a 52-week high", "its quarterly burn") is skipped (a metric's "30-day
    implied volatility" keeps its span).

    >>> [d for _, _, d in finditer_periods("jumped 22% after it signed a 10-year agreement", of_moves=True)]
    []
    >>> [d for _, _, d in finditer_periods("its 30-day implied volatility")]
    ['P30D']
    >>> [d for _, _, d in finditer_periods("its seven-day decline of 9%, and 4% over 24 hours; a 30-day losing streak", of_moves=True)]
    ['P7D', 'P1D', 'P30D']
    >>> [d for _, _, d in finditer_periods("a 52-week high, a three-day run, down 2% on the week", of_moves=True)]
    ['P3D', 'P7D']
    >>> [d for _, _, d in finditer_periods("a weekly decline, its largest quarterly burn, fell 3% overnight", of_moves=True)]
    ['P7D', 'P1D']
    """
    for m in PERIOD_RE.finditer(text):
        if of_moves and ((m.group("unit2") and "-" in m.group(0)) or m.group("adj")) and _WORD_AFTER.match(text, m.end()) \
                and not _SPAN_NOUNS.match(text, m.end()):
            continue  # ("its largest quarterly burn": the adjective describes the burn)
        yield m.start() + offset, m.end() + offset, period_from_match(m)
