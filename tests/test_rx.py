"""``extractor.rx.Caseless`` gives exactly the matches of ``re.IGNORECASE``, and the word-list
tries of ``extractor.data.alternation`` match exactly what a longest-first alternation does."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from extractor.data import alternation
from extractor.facts import figures, flows, levels, metrics, prices, quotes
from extractor.normalize import periods
from extractor import rx
from extractor.rx import Caseless, PrunedCaseless, lowered_pattern


def _project_patterns() -> list[Caseless]:
    lex = flows.flow_lex()
    pats = [lex.streak, periods.PERIOD_RE, lex.cues, lex.continuation, quotes.cues().verb]
    pats += [rx for rx, _ in lex.periods]
    for spec in metrics.cues().specs:
        pats += [p for p in (spec.cue, spec.context_words, spec.skip_words) if p is not None]
    lv = levels.cues()  # the clause cues of levels, the figure context and price words (searched per figure)
    pats += [*lv.noun_before.values(), *lv.noun_after.values(), *lv.verbs.values(), lv.generic_before, lv.moving_average]
    pats += [figures.figure_context().not_left, figures.figure_context().traded_left, prices.cues().price_words]
    return pats


PATTERNS = _project_patterns()

# words the patterns know, in odd cases, plus characters that case-fold in unusual ways
_WORDS = [
    "Net", "INFLOWS", "outflow", "Streak", "straight", "days", "Market", "Cap", "ETF", "AUM", "open", "Interest",
    "funding", "Rate", "Liquidations", "past", "Week", "ytd", "YTD", "hash", "Rate", "volume", "TVL", "OI",
    "said", "Says", "TOLD", "according to", "Support", "RESISTANCE", "floor", "cost basis", "the current", "price", "50-day EMA", "so-called", "ſtreak", "ıNFLOWS", "İstanbul", "µ", "Σ", "ς", "K", "ﬅ", "five", "4-day", "1.5%", "$2.4", "billion", "Overnight", "quarterly", "SESSION", "hours", "Annual", "daily",
]
texts = st.lists(st.sampled_from(_WORDS) | st.text(alphabet="abcXYZ .,-’'\n0123456789", max_size=6), max_size=25).map(" ".join)


@pytest.fixture(scope="module")
def monkeypatch_module():
    """``rx.PREFIX_SCAN_CHARS`` at 0 for the tests that ask for it (hypothesis runs a test's examples
    inside one call, so a function-scoped monkeypatch would not do)."""
    old, rx.PREFIX_SCAN_CHARS = rx.PREFIX_SCAN_CHARS, 0
    yield
    rx.PREFIX_SCAN_CHARS = old


def _spans(it):
    return [(m.span(), m.groups()) for m in it]


def test_every_project_pattern_has_a_fast_path():
    assert all(p.fast is not None for p in PATTERNS)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=texts, which=st.integers(min_value=0, max_value=len(PATTERNS) - 1))
def test_caseless_equals_ignorecase(text, which):
    p = PATTERNS[which]
    assert _spans(p.finditer(text)) == _spans(p.slow.finditer(text))
    assert _spans(p.finditer(text, 3, max(3, len(text) - 2))) == _spans(p.slow.finditer(text, 3, max(3, len(text) - 2)))


SCANNED = [p for p in PATTERNS if p.prefix is not None]  # patterns a long text is scanned for with the prefix scan


def test_some_project_patterns_have_a_prefix_scan():
    assert len(SCANNED) >= 3


# the words one of which a match of a scanned pattern needs, in odd cases, beside the words above
_NEEDED = sorted({w for p in SCANNED for w in (p.required or ())} | {w.upper() for p in SCANNED for w in (p.required or ())})
scan_texts = st.lists(st.sampled_from(_WORDS + _NEEDED) | st.text(alphabet="abcXYZ .,-’'\n0123456789", max_size=6), max_size=40).map(" ".join)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(text=scan_texts, which=st.integers(min_value=0, max_value=len(SCANNED) - 1))
def test_caseless_prefix_scan_equals_ignorecase(text, which, monkeypatch_module):
    p = SCANNED[which]  # every text scanned the way a long one is (the prefix scan, then the pattern at each hit)
    assert _spans(p.finditer(text)) == _spans(p.slow.finditer(text))
    assert _spans(p.finditer(text, 3, max(3, len(text) - 2))) == _spans(p.slow.finditer(text, 3, max(3, len(text) - 2)))


def test_lowered_pattern_keeps_escapes_and_names():
    assert lowered_pattern(r"(?P<Kind>ETF)\S\W\D\B(?P=Kind)") == r"(?P<Kind>etf)\S\W\D\B(?P=Kind)"
    assert lowered_pattern(r"(?-i:BTC)") is None


def test_special_case_folds_take_the_slow_path():
    p = Caseless("streak|inflows")
    for text in ("ſtreak", "ıNFLOWS", "İnflows"):  # re.IGNORECASE pairs these beyond lower()
        assert _spans(p.finditer(text)) == _spans(p.slow.finditer(text))


_VOCAB = ["bit", "bitcoin", "bitcoin cash", "ether", "ethereum", "eth", "S&P 500", "s&p", "a.b", "US$", "net flows"]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    words=st.lists(st.sampled_from(_VOCAB), min_size=1, max_size=8, unique=True),
    text=st.lists(st.sampled_from(_VOCAB + ["x", " ", "  ", "-", "Bitcoin", "ETHER"]), max_size=15).map("".join),
    ignore_case=st.booleans(),
)
def test_alternation_equals_longest_first(words, text, ignore_case):
    flat = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    flags = re.I if ignore_case else 0
    trie = re.compile(rf"(?<!\w){alternation(words, ignore_case=ignore_case)}(?!\w)", flags)
    ref = re.compile(rf"(?<!\w)(?:{flat})(?!\w)", flags)
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in ref.finditer(text)]


# --- first-character gates -----------------------------------------------------------------------
from extractor.normalize import dates  # noqa: E402
from extractor.rx import first_char_gate  # noqa: E402

_DAY_WORDS = ["on", "since", "last", "this past", "Monday", "Friday's", "Jan.", "Sept", "4", "10th", "2025", ",", "yesterday",
              "earlier today", "as of", "May", "Mayday", "xMonday", "4-day"]
day_texts = st.lists(st.sampled_from(_DAY_WORDS) | st.text(alphabet="abMT .,-\n09", max_size=5), max_size=20).map(" ".join)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=day_texts)
def test_gated_day_regex_equals_ungated(text):
    plain = re.compile(dates.DAY_PATTERN, re.VERBOSE)
    assert dates.DAY_RE.pattern.startswith("(?=[")  # the gate is in place
    assert [m.span() for m in dates.DAY_RE.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_gates_are_supersets_of_first_characters():
    # every match of a gated project pattern starts with a character its gate lets through
    pattern = r"(?:(?:on|since)\s+)?(?:Monday|\d{1,2}\s+May)"
    gate = re.compile(first_char_gate(pattern))
    for text in ("on Monday", "since 4 May", "Monday", "12 May"):
        m = re.compile(pattern).search(text)
        assert m and gate.match(text, m.start())


def test_caseless_equals_ignorecase_on_the_corpus():
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "corpus" / "articles"
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.iterdir()) if not p.name.endswith(".json")]
    assert len(texts) > 20
    for p in PATTERNS:
        for text in texts:
            assert _spans(p.finditer(text)) == _spans(p.slow.finditer(text)), p.pattern[:60]


def test_required_words_skip_only_texts_without_a_match():
    p = Caseless(r"\bliquidat(?:ed|ions)\b|\bwiped\s+out")
    assert p.required == {"liquidat", "wiped"}
    assert p.search("Longs were WIPED   out") is not None and p.search("nothing here") is None


def test_pruned_caseless_splits_only_top_level_alternatives():
    from extractor.rx import top_alternatives

    assert top_alternatives(r"a(?:b|c)|[|\]]d|e\|f|[^]|]g") == ["a(?:b|c)", r"[|\]]d", r"e\|f", "[^]|]g"]
    for spec in metrics.cues().specs:  # every metric cue splits back into itself
        low = lowered_pattern(spec.cue.pattern)
        assert "|".join(top_alternatives(low)) == low


def test_pruned_caseless_equals_ignorecase_whichever_alternatives_a_text_allows():
    # each text holds the words of some alternatives only: the others are left out of the scan,
    # and a pattern opening with \b or a lookbehind is found with its first-character prefix scan
    p = PrunedCaseless(r"(?<![\w-])(?:total\s+)?value\s+locked\b|\btvl\b|\b(?:net\s+)?inflows?\s+into\s+exchanges\b|\bheld\s+by\b")
    assert p._alts is not None and p._whole[1] is not None
    pieces = ["Total  Value Locked", "TVL", "tvl-ish", "net inflows into exchanges", "inflow into Exchanges", "held by",
              "HELD  BY", "value locked", "the total", "held", "x", "total value lockedness", "-value locked"]
    for n in range(1, 6):
        for k in range(len(pieces)):
            text = " ".join(pieces[(k + i * 3) % len(pieces)] for i in range(n))
            assert _spans(p.finditer(text)) == _spans(p.slow.finditer(text)), text
            assert _spans(p.finditer(text, 2, len(text) - 1)) == _spans(p.slow.finditer(text, 2, len(text) - 1)), text


_PREFIX_PATTERNS = [r"(?<![\w-])(?:to\s+)?ab+c|\bba[cd]\b", r"(?:x{2,3}|ya)\s*z", r"(?<!a)(?:bc?)+d|(?:ca)?b\b", r"\bab|\bb\d"]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=st.text(alphabet="abcdxyz 1-", max_size=40), which=st.integers(min_value=0, max_value=len(_PREFIX_PATTERNS) - 1))
def test_prefix_scan_equals_finditer(text, which):
    # the one- and two-character prefix scans find exactly the matches of the pattern
    from extractor.rx import PrefixScan

    pattern = re.compile(_PREFIX_PATTERNS[which])
    scan = PrefixScan(pattern)
    assert scan.prefix is not None
    assert _spans(scan.finditer(text)) == _spans(pattern.finditer(text))
    assert _spans(scan.finditer(text, 2, max(2, len(text) - 3))) == _spans(pattern.finditer(text, 2, max(2, len(text) - 3)))


def test_two_character_prefixes():
    from extractor.rx import _p, _two_chars

    assert _two_chars(_p.parse(r"(?:total\s+)?market|\bin\s+value").data) == {"m": {"a"}, "t": {"o"}, "i": {"n"}}
    assert _two_chars(_p.parse(r"x{3,}|ab?c").data) == {"x": {"x"}, "a": {"b", "c"}}
    assert _two_chars(_p.parse(r"ab|c").data) is None  # a match may be one character long
    assert _two_chars(_p.parse(r"[ab]c").data) is None  # the first character is a class


_BUCKET_ALTS = [r"net\s+inflows?", r"(?:its|the\s+funds?)\s+assets", r"(?:net\s+)?intakes?", r"(?<!net\s)purchases?",
                r"in(?:flow)?", r"nets?\b", r"assets"]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=st.lists(st.sampled_from(["net", "inflow", "inflows", "intake", "its", "the", "funds", "assets", "purchases",
                                      "in", " ", "  ", "-", "s", "x"]), max_size=14).map(" ".join))
def test_bucketed_alternatives_match_like_the_alternation(text):
    from extractor.rx import bucketed

    plain = re.compile(r"(?<![\w-])(?:" + "|".join(_BUCKET_ALTS) + r")(?![\w-])")
    fast = re.compile(r"(?<![\w-])" + bucketed(_BUCKET_ALTS) + r"(?![\w-])")
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_flow_cues_scan_by_first_letter():
    assert flows.flow_lex().cues.fast.pattern.startswith(r"(?<![\w-])(?:a(?:")


def test_pruned_caseless_past_its_variants_scans_the_whole_pattern():
    p = PrunedCaseless(r"\balpha\b|\bbravo\b|\bcharlie\b")
    p._MAX_VARIANTS = 1
    for text in ("alpha and bravo", "bravo, charlie", "charlie alpha", "none"):
        assert _spans(p.finditer(text)) == _spans(p.slow.finditer(text))
    assert len(p._variants) == 1


# percents: the scans of ``finditer_percents`` (a prefix scan, spelled words looked for before each
# percent word) give exactly the whole-text ``finditer`` of the two patterns
_PERCENT_WORDS = ["two", "Twenty", "half a", "a half", "a quarter of a", "three-quarters of a", "three quarters of a",
                  "percent", "Per cent", "PERCENT", "percentage", "per  cent", "+", "-", "−", "5", "2.5", "1,200", "5-1/2",
                  "%", "bps", "basis points", "pc", "x", "a", "of", "\n", "three quarters of a percent", "a quarter of a per cent",
                  "three-quarters of a PERCENT", "Half a percentage", "nineteen per cent"]
_percent_word = st.sampled_from(_PERCENT_WORDS) | st.sampled_from(_PERCENT_WORDS) | st.text(alphabet="ab .,-%0123456789", max_size=4)
percent_texts = st.lists(st.tuples(_percent_word, st.sampled_from([" ", " ", " ", ""])), max_size=30).map(
    lambda pairs: "".join(w + sep for w, sep in pairs))


@settings(max_examples=500, deadline=None, derandomize=True)
@given(text=percent_texts)
def test_percent_scans_equal_whole_text_finditer(text):
    from extractor.normalize import numbers as n

    expected = [(m.start(), m.end(), n.percent_from_match(m)) for m in n.PERCENT_RE.finditer(text)]
    for m in n.SPELLED_PERCENT_RE.finditer(text):
        words = " ".join(m.group("words").lower().split())
        expected.append((m.start(), m.end(), round(n._SPELLED_FRACTIONS.get(words) or n._SPELLED_NUMBERS[words], 6)))
    assert n.finditer_percents(text) == sorted(expected)
