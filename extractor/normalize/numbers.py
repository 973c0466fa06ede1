"""Numbers, money and percents: small pure functions plus the compiled patterns that find them."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from extractor.rx import Caseless, PrefixScan, find_all, fold, lower_exactly, matches_at

MAX_ABS_VALUE = 1e16  # anything larger is not a market figure ("$1e400", "999,999,999,999 trillion")

_SCALES = {
    "k": 1e3, "thousand": 1e3,
    "m": 1e6, "mn": 1e6, "mln": 1e6, "mil": 1e6, "million": 1e6, "millions": 1e6,
    "b": 1e9, "bn": 1e9, "bln": 1e9, "billion": 1e9, "billions": 1e9,
    "t": 1e12, "tn": 1e12, "trillion": 1e12, "trillions": 1e12,
    "lakh": 1e5, "lakhs": 1e5, "crore": 1e7, "crores": 1e7,  # Indian numbering ("₹58 lakh", "Rs 1,200 crore")
    "lakh crore": 1e12, "lakh crores": 1e12,  # a lakh of crores ("₹3.1 lakh crore" is 3.1 trillion rupees)
}
# stablecoins a figure may be counted in ("66,870 USDT"): a stablecoin's ticker stands for itself
_TOKEN_CURRENCIES = {"usdt": "USDT", "usdc": "USDC", "dai": "DAI", "pyusd": "PYUSD", "fdusd": "FDUSD", "usde": "USDE"}
TOKEN_UNITS = frozenset(_TOKEN_CURRENCIES.values())
# currency signs and words -> ISO 4217 code (pence are GBX)
_CURRENCIES = {
    "$": "USD", "us$": "USD", "usd": "USD", "dollars": "USD", "dollar": "USD",
    "c$": "CAD", "ca$": "CAD", "cad": "CAD", "a$": "AUD", "au$": "AUD", "aud": "AUD", "nz$": "NZD", "nzd": "NZD",
    "hk$": "HKD", "hkd": "HKD", "s$": "SGD", "sgd": "SGD", "r$": "BRL", "brl": "BRL", "nt$": "TWD", "twd": "TWD",
    "mx$": "MXN", "mxn": "MXN",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "£": "GBP", "gbp": "GBP", "pound": "GBP", "pounds": "GBP", "pence": "GBX", "gbx": "GBX", "gbp p": "GBX",
    "¥": "JPY", "jpy": "JPY", "yen": "JPY", "yuan": "CNY", "cny": "CNY", "renminbi": "CNY", "rmb": "CNY",
    "₹": "INR", "inr": "INR", "rupees": "INR", "rs": "INR", "rs.": "INR", "₩": "KRW", "krw": "KRW", "won": "KRW", "chf": "CHF", "francs": "CHF",
    "swiss francs": "CHF", "sek": "SEK", "kronor": "SEK", "swedish crowns": "SEK", "nok": "NOK", "norwegian crowns": "NOK", "dkk": "DKK", "danish crowns": "DKK",
    **_TOKEN_CURRENCIES,
    "cent": "USD", "cents": "USD",  # hundredths of a dollar (``CENTS``)
}
CENTS = frozenset({"cent", "cents"})  # written after the figure: "52 cents" is $0.52

NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
# After a NUMBER: no exponent ("$1e400" is not $1) and no digits the NUMBER stopped short of ("$1,2345").
NUMBER_END = r"(?![\d,.]*[eE][+\-]?\d)(?!,?\d)"
SCALE = r"(?:[Tt]housand|[Mm]illion|[Bb]illion|[Tt]rillion|[Ll]akh[ ][Cc]rores?|[Ll]akhs?|[Cc]rores?|mln|bln|mn|bn|tn|[kKmMbBtT])(?![A-Za-z])"  # ("$214 Million" in a title)
CURRENCY = r"(?:(?<![A-Za-z])(?:US|CA|C|AU|A|NZ|HK|NT|MX|S|R)\$|\$|€|£|¥|₹|₩)"  # "S$" only as a word of its own
# codes and words written after the figure ("1.2 billion USD", "500 euros", "2,000 USDT", "85 pence")
CURRENCY_AFTER = (r"(?:USD|EUR|GBP|JPY|CNY|CHF|CAD|AUD|HKD|SGD|INR|KRW|SEK|NOK|DKK|USDT|USDC|PYUSD|FDUSD|dollars|euros|pounds|pence|cents?|"
                  r"yen|yuan|renminbi|rupees|francs|Swiss[ ]francs|won|kronor|Swedish[ ]crowns|Norwegian[ ]crowns|Danish[ ]crowns)")  # (flat: a nested group scans slower)
CURRENCY_BEFORE = r"(?:USD|EUR|GBP|JPY|CHF|CAD|AUD|HKD|SGD|CNY|INR|SEK|NOK|DKK|Rs\.?)"  # "Rs 2,948.60": Indian rupees

FRACTION = r"[1357]/8|[13]/4|1/2"  # eighths, quarters and halves written after a figure ("5-1/2%", "$5.61-1/4")


def fraction_value(frac: str) -> float:
    """The value of a ``FRACTION``.

    >>> fraction_value("1/2"), fraction_value("3/8")
    (0.5, 0.375)
    """
    top, bottom = frac.split("/")
    return int(top) / int(bottom)


_MONEY_BEFORE = rf"""
    (?:(?<![\w.,%)\]])(?P<neg>[-−–])(?=\s?{CURRENCY}))?  # a minus sign before the currency ("-$45 million"), not a range dash
    (?P<cur>{CURRENCY})\s?                   # currency sign: $, US$, €, £, S$
    (?P<num>{NUMBER}){NUMBER_END}             # 62,692 / 113.8 / 0.26 (not 1e400)
    (?:(?<=\.\d\d)-(?P<frac>{FRACTION})(?![\d/]))?  # a fraction of a cent, as grain futures are quoted ("$5.61-1/2")
    (?:\s?(?P<scale>{SCALE}))?               # optional K, M, bn, million ...
    |
    (?<![A-Za-z/])(?P<cur3>{CURRENCY_BEFORE})\s  # or: a currency code first ("EUR 5 million")
    (?P<num3>{NUMBER}){NUMBER_END}
    (?:\s?(?P<scale3>{SCALE}))?
    """
_MONEY_AFTER = rf"""
    (?P<num2>{NUMBER}){NUMBER_END}\s?        # or: a number followed by
    (?:(?P<scale2>{SCALE})\s)?               #   optional scale word and
    (?P<cur2>{CURRENCY_AFTER})\b             #   a currency code or word (1.2 billion USD, 500 euros)
    """
MONEY_RE = re.compile(f"{_MONEY_BEFORE}|{_MONEY_AFTER}", re.VERBOSE)
# Where a MONEY_RE match can start (see _money_starts): near a currency sign, at a currency code
# written first, and on the number before a currency code or word written after it.
_SIGNS = "$€£¥₹₩"  # every CURRENCY holds one
_CODE_FIRST = re.compile(CURRENCY_BEFORE)
_CODE_AFTER = re.compile(CURRENCY_AFTER)
_AFTER_GAP = 10  # at most between a number's end and the code after it: a space, a scale word ("thousand") and a space


def _money_starts(text: str) -> list[int]:
    """Every place a ``MONEY_RE`` match can start, in order (more places than matches): up to four
    characters before a currency sign ("-US$", "- $"), a currency code written first, and every
    character of the number run ending at most ``_AFTER_GAP`` characters before a currency code
    or word written after it (a match may start inside a longer number: "1,2345 USD")."""
    out: set[int] = set()
    for i in find_all(text, _SIGNS):
        out.update(range(max(0, i - 4), i + 1))
    m = _CODE_FIRST.search(text)
    while m is not None:
        out.add(m.start())
        m = _CODE_FIRST.search(text, m.start() + 1)
    m = _CODE_AFTER.search(text)
    while m is not None:
        q = m.start()
        lo = max(0, q - _AFTER_GAP)
        while lo > 0 and (text[lo - 1].isdecimal() or text[lo - 1] in ",."):  # the chars of NUMBER (\d is Nd)
            lo -= 1
        out.update(range(lo, q))
        m = _CODE_AFTER.search(text, q + 1)  # codes may overlap ("PYUSD"): look again one character on
    return sorted(out)


PERCENT_RE = re.compile(
    rf"""
    (?<![\w.,])                           # not the tail of a longer token ("1e400%")
    (?:(?<!%)(?P<sign>[+\-−–]))?           # explicit sign: +82.9% / -3% / −3% (not the dash of a range "3.50%-3.75%")
    (?:(?P<dnum>\d{{1,3}},\d{{1,2}})(?![\d,.])(?=\s?%)  # a decimal comma before "%" ("12,4 %": European writers)
      | (?P<num>{NUMBER}){NUMBER_END})    # the number itself
    (?:-(?P<frac>{FRACTION}))?            # a fraction written after it ("5-1/2%")
    \s?
    (?:
        (?P<pct>%|\s?percent\b|\s?per\s?cent\b|\s?pct\b|(?<=\d)pc\b)   # percent forms ("0.6pc": British papers)
      | (?P<bps>\s?(?:basis\s+points?|bps|bp)\b)            # basis points
    )
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Money:
    """An amount of money found in text: ``value`` in ``currency`` units."""

    value: float
    currency: str
    scaled: bool  # written with a scale word (K, million...): an amount rather than a quote
    start: int
    end: int
    negative: bool = False  # written with a minus sign ("-$45 million" in a flow table)


def parse_number(text: str) -> float:
    """Parse a plain number with thousands separators.

    >>> parse_number("62,692")
    62692.0
    >>> parse_number("0.26")
    0.26
    >>> parse_number("1,234.5")
    1234.5
    """
    value = float(text.replace(",", ""))
    if not math.isfinite(value) or abs(value) > MAX_ABS_VALUE:
        raise ValueError(f"number out of range: {text!r}")
    return value


def parse_scaled(text: str, factor: float = 1.0, divide: int = 1) -> float:
    """``parse_number(text)`` times ``factor`` (a scale word's, see ``scale_factor``) divided by
    ``divide`` (100 for cents), worked out in decimal and rounded to a float once: a float
    product carries the binary error of the written number into the amount.

    >>> parse_scaled("4.1", 1e9), 4.1 * 1e9
    (4100000000.0, 4099999999.9999995)
    >>> parse_scaled("51", divide=100), parse_scaled("1,234.5", 1e3), parse_scaled("0.07", 1e12)
    (0.51, 1234500.0, 70000000000.0)
    >>> parse_scaled("999,999,999,999", 1e12)
    Traceback (most recent call last):
    ...
    ValueError: amount out of range: '999,999,999,999'
    """
    value = parse_number(text)
    if factor == 1.0 and divide == 1:
        return value
    value = float(Decimal(text.replace(",", "")) * Decimal(factor) / divide)
    if abs(value) > MAX_ABS_VALUE:
        raise ValueError(f"amount out of range: {text!r}")
    return value


def scale_factor(word: str | None) -> float:
    """Multiplier of a scale word or suffix.

    >>> scale_factor("K"), scale_factor("bn"), scale_factor("trillion"), scale_factor(None)
    (1000.0, 1000000000.0, 1000000000000.0, 1.0)
    >>> scale_factor("lakh"), scale_factor("Crore"), scale_factor("lakh crore")
    (100000.0, 10000000.0, 1000000000000.0)
    """
    if not word:
        return 1.0
    return _SCALES[fold(word)]


def currency_code(sign: str) -> str:
    """ISO code of a currency sign or word.

    >>> currency_code("US$"), currency_code("€"), currency_code("dollars"), currency_code("pence"), currency_code("USDT")
    ('USD', 'EUR', 'USD', 'GBX', 'USDT')
    """
    return _CURRENCIES[fold(sign)]


def parse_money(text: str) -> Money:
    """Parse one money expression.

    >>> parse_money("$62K").value
    62000.0
    >>> parse_money("US$467.6 billion").value
    467600000000.0
    >>> parse_money("$113.8M").value
    113800000.0
    >>> parse_money("$2.23 trillion").value
    2230000000000.0
    >>> parse_money("€5 million").currency, parse_money("85 pence").currency, parse_money("2,000 USDT").currency
    ('EUR', 'GBX', 'USDT')
    >>> m = parse_money("-$45 million"); (m.value, m.negative)
    (45000000.0, True)
    >>> parse_money("S$1.35").currency, parse_money("HK$8.2 billion").currency, parse_money("EUR 5 million").value
    ('SGD', 'HKD', 5000000.0)
    >>> parse_money("Rs 2,948.60").currency, parse_money("Rs. 1,210").value
    ('INR', 1210.0)
    >>> parse_money("₹3.1 lakh crore").value, parse_money("₹58 lakh").value
    (3100000000000.0, 5800000.0)
    >>> parse_money("151.93 yen").currency, parse_money("0.9312 Swiss francs").currency
    ('JPY', 'CHF')
    >>> [(m.value, m.negative) for m in finditer_money("the $0.16-$0.17 band")]
    [(0.16, False), (0.17, False)]
    >>> [m.value for m in finditer_money("EUR/USD 1.1684; USD 2 billion")]  # a pair's second code is no currency sign
    [2000000000.0]
    >>> parse_money("$1e400")
    Traceback (most recent call last):
    ...
    ValueError: not a money expression: '$1e400'
    >>> parse_money("$999,999,999,999 trillion")
    Traceback (most recent call last):
    ...
    ValueError: amount out of range: '$999,999,999,999 trillion'
    """
    m = MONEY_RE.fullmatch(text.strip())
    if not m:
        raise ValueError(f"not a money expression: {text!r}")
    return money_from_match(m)


def money_from_match(m: re.Match, offset: int = 0) -> Money:
    """A ``Money`` from a ``MONEY_RE`` match (``offset`` shifts its positions)."""
    num = m.group("num") or m.group("num2") or m.group("num3")
    scale = m.group("scale") or m.group("scale2") or m.group("scale3")
    cur = m.group("cur") or m.group("cur2") or m.group("cur3")
    if cur == "won" and not scale and re.fullmatch(r"(?:19|20)\d\d", num):
        raise ValueError(f"a year before the verb 'won', not an amount: {m.group(0)!r}")  # "in 2024 won over"
    try:
        value = parse_scaled(num, scale_factor(scale), 100 if fold(cur) in CENTS else 1)
    except ValueError:
        raise ValueError(f"amount out of range: {m.group(0)!r}") from None
    if frac := m.group("frac"):  # eighths of a cent: "$5.61-1/2" is $5.615, "$4.39-3/4" $4.3975
        value = round(value + fraction_value(frac) / 100, 6)
    return Money(value=value, currency=currency_code(cur), scaled=bool(scale), start=m.start() + offset, end=m.end() + offset,
                 negative=bool(m.group("neg")))


def parse_percent(text: str) -> float:
    """Parse a percent or basis-point expression to a (signed) percent.

    >>> parse_percent("+82.9%")
    82.9
    >>> parse_percent("500 basis points")
    5.0
    >>> parse_percent("-1.03%")
    -1.03
    >>> parse_percent("7 percent")
    7.0
    >>> parse_percent("0.6pc"), [m.group(0) for m in PERCENT_RE.finditer("2 PCs, the npc and 9.5pc")]
    (0.6, ['9.5pc'])
    >>> parse_percent("-6,8 %"), [m.group(0) for m in PERCENT_RE.finditer("up 12,4 % and 1,250% and 3,25 pc")]
    (-6.8, ['12,4 %', '1,250%'])
    """
    m = PERCENT_RE.fullmatch(text.strip())
    if not m:
        raise ValueError(f"not a percent expression: {text!r}")
    return percent_from_match(m)


def percent_from_match(m: re.Match) -> float:
    """Signed percent value of a ``PERCENT_RE`` match (basis points divided by 100)."""
    value = parse_number(m.group("num")) if m.group("num") else float(m.group("dnum").replace(",", "."))
    if frac := m.group("frac"):
        value += fraction_value(frac)
    if m.group("bps"):
        value /= 100.0
    if m.group("sign") in ("-", "−", "–"):
        value = -value
    return round(value, 6)


# a percent written in words: "half a percent", "a quarter of a percent", "three-quarters of a percent", "two percent"
_SPELLED_FRACTIONS = {"half a": 0.5, "a half": 0.5, "a quarter of a": 0.25, "a quarter": 0.25, "three-quarters of a": 0.75,
                      "three quarters of a": 0.75, "a third of a": 1 / 3}
_SPELLED_NUMBERS = {w: float(i) for i, w in enumerate("one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
                                                      "fifteen sixteen seventeen eighteen nineteen twenty".split(), 1)}
_SPELLED_WORDS = sorted(("[ ]".join(map(re.escape, w.split())) for w in (*_SPELLED_FRACTIONS, *_SPELLED_NUMBERS)), key=len, reverse=True)
SPELLED_PERCENT_RE = re.compile(rf"(?<![\w-])(?P<words>{'|'.join(_SPELLED_WORDS)})[ ](?:percent|per[ ]?cent)\b(?!age)", re.IGNORECASE)
# the word every spelled percent ends with: the scan finds these, and the words are looked for only
# in the few characters before each (re would try the lookbehind and the words at every position)
_PERCENT_WORD = re.compile(r"[ ](?:percent|per[ ]?cent)\b(?!age)", re.IGNORECASE)
_SPELLED_REACH = max(map(len, (*_SPELLED_FRACTIONS, *_SPELLED_NUMBERS))) + 1  # the words and their space, at most
_PERCENT_SCAN = PrefixScan(PERCENT_RE)  # PERCENT_RE opens with a lookbehind: its matches found from their first characters


def finditer_percents(text: str):
    """Every percent or basis-point expression of ``text``: ``(start, end, signed value)`` in text
    order, figures ("+82.9%", "-3 percent", "25 bps", "5-1/2%") and words ("half a percent", "two
    percent"; not "half a percentage point").

    >>> [(text[a:b], v) for text in ["rose 5-1/2%, then lost half a percent and two per cent; up half a percentage point"]
    ...  for a, b, v in finditer_percents(text)]
    [('5-1/2%', 5.5), ('half a percent', 0.5), ('two per cent', 2.0)]
    """
    found = []
    for m in _PERCENT_SCAN.finditer(text):
        try:
            found.append((m.start(), m.end(), percent_from_match(m)))
        except ValueError:
            continue
    if " per" in text or " Per" in text or " PER" in text:  # (every spelled percent holds one)
        last = 0  # SPELLED_PERCENT_RE.finditer(text), one percent word at a time
        for word in _PERCENT_WORD.finditer(text):
            for m in SPELLED_PERCENT_RE.finditer(text, max(last, word.start() - _SPELLED_REACH), word.end()):
                if m.end() == word.end():
                    words = " ".join(m.group("words").lower().split())
                    found.append((m.start(), m.end(), round(_SPELLED_FRACTIONS.get(words) or _SPELLED_NUMBERS[words], 6)))
                    last = m.end()
    return sorted(found)


_SCORE = re.compile(r"(?P<num>\d{1,3}(?:\.\d+)?)\s?(?:/|out of)\s?(?P<den>100|10)\b")


def parse_score(text: str) -> float:
    """An index reading written as a score.

    >>> parse_score("48/100")
    48.0
    >>> parse_score("48 out of 100")
    48.0
    """
    m = _SCORE.search(text)
    if not m:
        raise ValueError(f"not a score: {text!r}")
    return float(m.group("num"))


def finditer_money(text: str, offset: int = 0):
    """Every money expression in ``text`` (out-of-range ones skipped).

    >>> [(m.value, m.scaled) for m in finditer_money("from $91,305.44 to $84.6K, a $2.3 billion wipe")]
    [(91305.44, False), (84600.0, True), (2300000000.0, True)]
    >>> [(m.value, m.scaled) for m in finditer_money("Record $214 Million Token Burn, $1.2 Billion Outflow")]
    [(214000000.0, True), (1200000000.0, True)]
    >>> [(m.value, m.currency) for m in finditer_money("XRP at 52 cents, Dogecoin at 14.2 cents, 1 cent")]
    [(0.52, 'USD'), (0.142, 'USD'), (0.01, 'USD')]
    >>> [(m.value, m.end) for m in finditer_money("$5.61-1/2 a bushel, $4.39-3/4, $10.07; $80-1/2 and $3.20-5/8")]
    [(5.615, 9), (4.3975, 29), (10.07, 37), (80.0, 42), (3.20625, 60)]
    >>> [(m.value, m.currency) for m in finditer_money("at 142.6 million won, 3,480 won; in 2024 won over fans")]
    [(142600000.0, 'KRW'), (3480.0, 'KRW')]
    >>> [(m.value, m.currency) for m in finditer_money("to 86.42 Swedish crowns, 312.4 Norwegian crowns, SEK 41.5 and 9,800 kronor")]
    [(86.42, 'SEK'), (312.4, 'NOK'), (41.5, 'SEK'), (9800.0, 'SEK')]
    >>> list(finditer_money("$1e400, $12e5, $1.5E3 and 999,999,999,999 trillion dollars"))
    []
    >>> [m.group(0) for m in PERCENT_RE.finditer("1e400% and 2.5e3 percent, but +3% stays")]
    ['+3%']
    """
    pence = _pence(text, offset) if _DIGIT_P.search(text) else iter(())
    p = next(pence, None)
    for m in matches_at(MONEY_RE, text, _money_starts(text)):
        try:
            money = money_from_match(m, offset)
        except ValueError:
            continue
        while p is not None and p.start < money.start:
            yield p
            p = next(pence, None)
        yield money
    while p is not None:
        yield p
        p = next(pence, None)


_DIGIT_P = re.compile(r"\dp")  # a cheap gate: every pence figure holds one
# a price in pence written with a "p" glued to the number ("392p", "571.4p"; not "5pm" or "5p.m.")
_PENCE = re.compile(rf"(?<![\w$€£¥₹₩.,/+\-−–])(?P<num>{NUMBER}){NUMBER_END}p(?![\w’'-]|\.\w)")


def _pence(text: str, offset: int):
    """Money written in pence with a glued "p" (GBX), in text order.

    >>> [(m.value, m.currency) for m in finditer_money("Glencore fell to 392p and Rolls-Royce rose to 571.4p at 5pm, 5p.m.")]
    [(392.0, 'GBX'), (571.4, 'GBX')]
    """
    for m in _PENCE.finditer(text):
        try:
            value = parse_number(m.group("num"))
        except ValueError:
            continue
        yield Money(value=value, currency="GBX", scaled=False, start=m.start() + offset, end=m.end() + offset)


@dataclass(frozen=True)
class Amount:
    """A plain number with an optional scale word (no currency sign, not a percent): ``value`` at
    ``start:end``; the word written after it (its unit, for the caller to judge) starts at ``unit_start``."""

    value: float
    start: int
    end: int
    unit_start: int


AMOUNT_RE = re.compile(
    rf"""
    (?<![\w$€£¥.,/+\-−–])                 # not part of money, a larger number or a range
    (?P<num>{NUMBER}){NUMBER_END}         # 3.15 / 330,705
    (?:\s?(?P<scale>{SCALE}))?            # optional scale word: million, bn, K
    (?!\s?(?:%|percent\b|pct\b|bps\b|basis\s+points?\b)|pc\b)   # not a percent
    (?P<gap>\s+)(?=[^\W\d_])              # then a word: the unit
    """,
    re.VERBOSE,
)


def finditer_amounts(text: str, lo: int = 0, hi: int | None = None):
    """Every plain amount followed by a word in ``text[lo:hi]`` (positions in ``text``).

    >>> text = "exchange balances fell to 3.15 million ETH and 16.5 billion shares traded"
    >>> [(a.value, text[a.start:a.end], text[a.unit_start:a.unit_start + 6]) for a in finditer_amounts(text)]
    [(3150000.0, '3.15 million', 'ETH an'), (16500000000.0, '16.5 billion', 'shares')]
    >>> [a.value for a in finditer_amounts("$2 billion, 5% more, 12 bps, 2024-25 data and 330,705 Ether")]
    [330705.0]
    """
    for m in AMOUNT_RE.finditer(text, lo, len(text) if hi is None else hi):
        try:
            value = parse_scaled(m.group("num"), scale_factor(m.group("scale")))
        except ValueError:
            continue
        yield Amount(value, m.start(), m.start("gap"), m.end())


# rx.Caseless: the same matches as re.IGNORECASE, skipped when "dollars" is not written
_SPELLED_MONEY = Caseless(r"(?<![\w$])(?P<half>half\s+)?(?:a|one)\s+(?P<scale>million|billion|trillion)\s+(?:US\s+)?dollars\b")


def finditer_spelled_money(text: str, lo: int = 0, hi: int | None = None):
    """Money written in words ("a trillion dollars", "half a billion dollars") in ``text[lo:hi]``, in USD.

    >>> [(m.value, m.scaled) for m in finditer_spelled_money("it erased more than a trillion dollars, then half a billion dollars")]
    [(1000000000000.0, True), (500000000.0, True)]
    >>> list(finditer_spelled_money("a dollar and a million reasons"))
    []
    """
    low = lower_exactly(text)
    if low is not None and "dollars" not in low:  # every match ends in "dollars", in any case
        return
    for m in _SPELLED_MONEY.finditer(text, lo, len(text) if hi is None else hi):
        value = scale_factor(m.group("scale")) * (0.5 if m.group("half") else 1.0)
        yield Money(value=value, currency="USD", scaled=True, start=m.start(), end=m.end())


# -- tables: the unit a caption or header states, and the signed figure of a cell ------------------
_SCALE_WORD = r"(?P<scale>k|m|mn|mln|mil|million|millions|b|bn|bln|billion|billions)"
_UNIT_STATEMENTS = (
    # "($M)", "US$ millions", "$ mn", "USD bn", "(in US$m)", "(HK$ m)", "CHF m": a currency sign or code (the money
    # patterns' own) right before a scale word
    re.compile(rf"(?<![\w$])(?P<cur>{CURRENCY}|{CURRENCY_BEFORE})\s?{_SCALE_WORD}(?![\w$])", re.IGNORECASE),
    # "millions of dollars", "million USD", "billions of US dollars", "millions of euros"
    re.compile(rf"(?<![\w-]){_SCALE_WORD}\s+(?:of\s+)?(?P<cur>US\s+dollars|US\$|{CURRENCY_AFTER})(?![\w$])", re.IGNORECASE),
)


@dataclass(frozen=True)
class MoneyUnit:
    """The unit a table's caption or header states for its bare figures ("US$ millions")."""

    currency: str
    factor: float


def money_unit(text: str) -> MoneyUnit | None:
    """The money unit a caption or column header states, or None when it states none.

    >>> money_unit("Flows by fund, in US$ millions (net creations minus redemptions)")
    MoneyUnit(currency='USD', factor=1000000.0)
    >>> money_unit("Net flow, week ($M)"), money_unit("in millions of dollars"), money_unit("(EUR bn)")
    (MoneyUnit(currency='USD', factor=1000000.0), MoneyUnit(currency='USD', factor=1000000.0), MoneyUnit(currency='EUR', factor=1000000000.0))
    >>> money_unit("billions of US dollars"), money_unit("£ mn")
    (MoneyUnit(currency='USD', factor=1000000000.0), MoneyUnit(currency='GBP', factor=1000000.0))
    >>> money_unit("Thursday net flow (HK$ m)"), money_unit("Flows (CHF m)"), money_unit("A$ million")
    (MoneyUnit(currency='HKD', factor=1000000.0), MoneyUnit(currency='CHF', factor=1000000.0), MoneyUnit(currency='AUD', factor=1000000.0))
    >>> money_unit("took in $612.0M on Friday") is None, money_unit("Price ($)") is None, money_unit("2 million shares") is None
    (True, True, True)
    """
    for rx in _UNIT_STATEMENTS:
        m = rx.search(text)
        if m is not None:
            cur = re.sub(r"^us\s+", "", fold(m.group("cur")))  # "US dollars": dollars
            return MoneyUnit(_CURRENCIES[cur], scale_factor(m.group("scale")))
    return None


_TABLE_CELL = re.compile(
    r"(?P<open>\()?\s*(?P<sign>[+\-−–])?\s*(?P<cur>US\$|\$|€|£)?\s*(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<scale>k|m|mn|bn|b|million|billion)?\s*(?P<close>\))?",
    re.IGNORECASE)
_EMPTY_CELLS = frozenset({"", "-", "—", "–", "−", "n/a", "na", "nil", "none"})


@dataclass(frozen=True)
class CellFigure:
    """The figure of a table cell: its size, whether it is negative, and the scale written in it."""

    value: float
    negative: bool
    signed: bool  # written with a sign or in accounting brackets
    factor: float | None  # the cell's own scale word ("$148.3M"), else None


def table_figure(cell: str) -> CellFigure | None:
    """The signed figure a table cell holds: "+148.3", "-27.8", accounting brackets "(12.4)" for a
    negative, markdown emphasis stripped; None for an empty cell ("—", "n/a") or any other text.

    >>> table_figure("+148.3"), table_figure("**(1.5)**")
    (CellFigure(value=148.3, negative=False, signed=True, factor=None), CellFigure(value=1.5, negative=True, signed=True, factor=None))
    >>> table_figure("−$88.6M")
    CellFigure(value=88.6, negative=True, signed=True, factor=1000000.0)
    >>> table_figure("—"), table_figure("0.25%"), table_figure("(12.4"), table_figure("IBIT")
    (None, None, None, None)
    """
    t = cell.strip().strip("*_").strip()
    if fold(t) in _EMPTY_CELLS:
        return None
    m = _TABLE_CELL.fullmatch(t)
    if m is None or bool(m.group("open")) != bool(m.group("close")):
        return None
    try:
        value = parse_number(m.group("num"))
    except ValueError:
        return None
    negative = bool(m.group("open")) or m.group("sign") in ("-", "−", "–")
    return CellFigure(value, negative, bool(m.group("open") or m.group("sign")), scale_factor(m.group("scale")) if m.group("scale") else None)
