"""Cheap, deterministic, offline language detection: writing system first, then stopword ratios.

No statistical library: the answer must not change between runs or machines, and
the only question that matters downstream is "is this English?". Every rule of the
extractor is written for English, so an article detected as another language keeps
its text but yields no facts (the pipeline adds a warning).

Bias on purpose: a text stays ``"en"`` unless the evidence for another language is
clear (a short headline, a ticker table or a page of numbers is treated as English).
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from extractor.data import compiled, lexicon

SAMPLE_CHARS = 20_000  # detection looks at the start of the text only
MIN_WORDS = 12  # fewer words than this: too little to overrule English
MIN_RATIO = 0.15  # another language needs at least this share of its stopwords ...
MARGIN = 1.5  # ... and this many times the English share
NON_LATIN_SHARE = 0.5  # letters of another script above this share decide by script

# First word of a letter's Unicode name -> language (scripts used by one main language).
_SCRIPTS = {
    "HIRAGANA": "ja", "KATAKANA": "ja", "HANGUL": "ko", "CJK": "zh", "ARABIC": "ar", "HEBREW": "he",
    "GREEK": "el", "THAI": "th", "DEVANAGARI": "hi", "BENGALI": "bn", "TAMIL": "ta", "GEORGIAN": "ka", "ARMENIAN": "hy",
}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")  # runs of letters, with an inner apostrophe
_ASCII_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")  # the same, in a text without letters outside ASCII


@compiled
def stopwords() -> dict[str, frozenset[str]]:
    """Stopword sets per language code, from ``data/stopwords.json`` (``en`` first)."""
    return {lang: frozenset(words) for lang, words in lexicon("stopwords").languages().items()}


_NOT_ASCII_LETTER_BYTES = bytes(b for b in range(128) if not chr(b).isalpha())  # deleted before counting ASCII letters
_NON_ASCII_LETTER = re.compile(r"[^\W\d_\x00-\x7f]")  # a letter outside ASCII


@lru_cache(maxsize=4096)
def _script(ch: str) -> str:
    """First word of the Unicode name of a letter ("LATIN", "CYRILLIC", "CJK", ...)."""
    return unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]


def script_counts(text: str) -> dict[str, int]:
    """Number of letters per script.

    >>> script_counts("BTC 上涨 ok")
    {'LATIN': 5, 'CJK': 2}
    """
    counts: dict[str, int] = {}
    ascii_letters = len(text.encode("ascii", "ignore").translate(None, _NOT_ASCII_LETTER_BYTES))  # counted in C
    if ascii_letters:
        counts["LATIN"] = ascii_letters
    for ch in _NON_ASCII_LETTER.findall(text):
        if not ch.isalpha():  # \w also takes other number signs ("⑤")
            continue
        s = _script(ch)
        counts[s] = counts.get(s, 0) + 1
    return counts


def stopword_ratios(words: list[str]) -> dict[str, float]:
    """Share of ``words`` (lower-cased) that are stopwords of each language.

    >>> r = stopword_ratios("the price of bitcoin".split())
    >>> r["en"], r["de"]
    (0.5, 0.0)
    """
    n = len(words) or 1
    hits = dict.fromkeys(stopwords(), 0)
    index = _stopword_languages()
    for word, k in Counter(words).items():  # count each word once, then look up the languages it is a stopword of
        for lang in index.get(word, ()):
            hits[lang] += k
    return {lang: k / n for lang, k in hits.items()}


@compiled
def _stopword_languages() -> dict[str, tuple[str, ...]]:
    """Stopword -> the languages it is a stopword of (in ``stopwords()`` order)."""
    out: dict[str, tuple[str, ...]] = {}
    for lang, sw in stopwords().items():
        for w in sw:
            out[w] = out.get(w, ()) + (lang,)
    return out


def _lower_words(sample: str) -> list[str]:
    """``_WORD``'s words of ``sample``, lower-cased. Where ``sample`` has no letter outside ASCII, a
    letter is ``[A-Za-z]``, and lower-casing (keeping every offset) makes no letter of a non-letter:
    the words of the lower-cased text are found with an ASCII class.

    >>> _lower_words("Ether’s RISE, Bob's 2x_y"), _lower_words("Çağrı İyi")
    (['ether’s', 'rise', "bob's", 'x', 'y'], ['çağrı', 'i̇yi'])
    """
    if not _NON_ASCII_LETTER.search(sample):
        low = sample.lower()
        if len(low) == len(sample):
            return _ASCII_WORD.findall(low)
    return [w.lower() for w in _WORD.findall(sample)]


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text``'s language; ``"en"`` unless another language is clear; ``"und"`` if unknown.

    >>> detect_language("Bitcoin rose 5% to $70,000 on Tuesday, and ether gained as traders returned to the market after a week of losses.")
    'en'
    >>> detect_language("Der Bitcoin-Kurs ist am Dienstag um 5 Prozent gestiegen, nachdem die Anleger nach einer Woche mit Verlusten an den Markt zurückgekehrt sind.")
    'de'
    >>> detect_language("Le bitcoin a progressé de 5 % mardi, et l'ether a suivi alors que les investisseurs sont revenus sur le marché après une semaine de pertes.")
    'fr'
    >>> detect_language("比特币周二上涨5%，以太坊也随之上涨，投资者在经历了一周的亏损后重返市场。")
    'zh'
    >>> detect_language("BTC $70,000 ETH $3,500")  # too short to overrule English
    'en'
    """
    sample = text[:SAMPLE_CHARS]
    scripts = script_counts(sample)
    letters = sum(scripts.values())
    if not letters:
        return "en"
    latin = scripts.get("LATIN", 0)
    if latin < NON_LATIN_SHARE * letters:
        if scripts.get("HIRAGANA") or scripts.get("KATAKANA"):
            return "ja"  # Japanese mixes kana with CJK ideographs
        top = max(sorted(scripts), key=lambda s: scripts[s] if s != "LATIN" else -1)
        if top == "CYRILLIC":
            return _by_stopwords(sample, ("ru", "uk"), default="und")
        return _SCRIPTS.get(top, "und")
    return _by_stopwords(sample, None, default="en")


def _by_stopwords(sample: str, candidates: tuple[str, ...] | None, *, default: str) -> str:
    words = _lower_words(sample)
    if len(words) < MIN_WORDS:
        return default
    ratios = stopword_ratios(words)
    en = ratios.get("en", 0.0)
    best = max((lang for lang in ratios if lang != "en" and (candidates is None or lang in candidates)), key=lambda lang: ratios[lang], default=None)
    if best is None:
        return default
    if candidates is not None:  # a non-Latin script already ruled English out
        return best if ratios[best] >= MIN_RATIO / 2 else default
    if ratios[best] >= MIN_RATIO and ratios[best] > MARGIN * en:
        return best
    return default
