"""The article-local registry of the assets an article introduces, beside the lexicon of known ones.

News introduces what it talks about in a few recurring ways, and the registry learns each
entity from them (``data/entities.json`` holds the words):

- ``Name (TICKER)``, ``Name (NASDAQ: TICK)``: a listed company, fund, index or token;
- ``$TICK``: a cashtag;
- "shares of Name", "Name shares", "Name's stock", "Name, whose shares": a listed company;
- "the Name token", "Name memecoin": a token;
- "Name Index", "Name Composite": an index;
- ``BASE/QUOTE``: a pair (against a dollar or stablecoin it is the base asset's price; two
  currencies make an FX pair; two tokens a cross pair).

Every later mention of an entity's name, its ticker (tickers that are English words, "ALL",
"IT", "NOW", only in ticker context) or a distinctive first word of its name ("Circle" for
"Circle Internet Group") is a mention of it, so figures and moves resolve to the entity the
article introduced before any fallback, and never to a default coin. Where a registered name
covers a lexicon name ("Grayscale Bitcoin Trust ETF"), the longer name wins: the fund is not
bitcoin.

Entity ids follow the record contract: a token's ticker; otherwise the name as the article
introduced it.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field

from extractor.data import alternation, compiled, lexicon, pattern_alternation, words as word_list
from extractor.facts.attribution import OBJECT_REACH, object_marker
from extractor.facts.doc import _LOWER_WORD
from extractor.facts.figures import SET_OFF_WORDS
from extractor.facts.windows import LABEL_NAME
from extractor.rx import PrefixScan, find_all, lower_exactly, matches_at
from extractor.normalize.assets import Asset, AssetMention, asset_kind, canonical_asset, find_assets, word_names

MAX_NAME_WORDS = 6


@dataclass(frozen=True)
class Words:
    exchanges: re.Pattern
    not_asset_heads: frozenset[str]
    crypto_context: re.Pattern
    stock_context: re.Pattern
    fund_heads: frozenset[str]
    index_heads: frozenset[str]
    token_nouns: str
    share_nouns: str
    openers: frozenset[str]
    dollar_codes: frozenset[str]
    currency_codes: frozenset[str]
    ticker_words: frozenset[str]
    not_names: frozenset[str]  # lower-cased
    adjective: re.Pattern
    indicator_words: frozenset[str] = frozenset()  # "Simple Moving Average", "Fear & Greed Index": indicators, not assets
    bare_ticker_verb: re.Pattern | None = None  # " fell", " traded": after an all-capitals word, it is a ticker in use
    not_bare_tickers: frozenset[str] = frozenset()
    descriptors: frozenset[str] = frozenset()  # "rival", "chipmaker": capitalized before a name, a description of the company
    index_variants: tuple[str, ...] = ()  # "equal-weight": before an index's name, another index
    commodity_modifiers: frozenset[str] = frozenset()  # "Spot", "Comex": before "Gold", the commodity still
    venue: re.Pattern | None = None  # "on the London Metal Exchange": a place where things trade, named after a place word


@compiled
def words() -> Words:
    e = lexicon("entities")
    return Words(
        exchanges=re.compile(alternation(e.exchanges)),
        not_asset_heads=frozenset(e.not_asset_heads),
        crypto_context=re.compile(rf"(?<![\w-]){alternation(e.crypto_context, ignore_case=True)}(?![\w-])", re.I),
        stock_context=re.compile(rf"(?<![\w-]){alternation(e.stock_context)}(?![\w-])"),
        fund_heads=frozenset(e.fund_heads),
        index_heads=frozenset(e.index_heads),
        token_nouns=alternation(e.token_nouns, ignore_case=True),
        share_nouns=alternation(e.share_nouns, ignore_case=True),
        openers=frozenset(e.name_openers),
        descriptors=frozenset([*e.descriptor_openers, *(n.lower() for n in lexicon("move_lexicon").described_names)]),
        dollar_codes=frozenset(e.dollar_codes),
        currency_codes=frozenset(e.currency_codes),
        ticker_words=frozenset(e.ticker_words),
        not_names=frozenset(n.lower() for n in e.not_entity_names),
        adjective=re.compile(rf"^[\w.&’'-]+-(?:{alternation(e.adjective_suffixes)})$", re.I),
        indicator_words=frozenset(e.indicator_words),
        bare_ticker_verb=re.compile(rf"[ ](?:{alternation(e.bare_ticker_verbs)})(?![\w-])"),
        not_bare_tickers=frozenset(e.not_bare_tickers),
        index_variants=tuple(e.index_variants),
        commodity_modifiers=frozenset(e.commodity_modifiers),
        venue=re.compile(rf"(?<![\w-])(?:{alternation(e.venue_place_words)})\s+the\s+(?P<name>.+[ ](?:{alternation(e.venue_heads)}))$") if e.venue_heads else None,
    )


_WORD = r"(?:[A-Z][\w&.'’+-]*|[a-z][A-Z][\w&.'’+-]*|\d[\w.-]*[A-Za-z][\w.-]*)"  # a capitalised word, "iShares", "21Shares", "3M"
_RUN = re.compile(rf"{_WORD}(?:[ ](?:{_WORD}|\d[\d,.]*|&|of|and|de))*$")  # a capitalised run ending where the text ends


@compiled
def _intro_re() -> re.Pattern:
    return re.compile(
        rf"""
        (?<=[\w.’'])(?:['’]s)?[ ]?\(\s*                       # right after a name: "Name (", "Name’s ("
        (?:(?P<exch>{words().exchanges.pattern})\s*:\s*)?     # "NASDAQ: "
        \$?(?P<tick>[A-Z][A-Z0-9]{{0,5}}(?:\.[A-Z])?)          # the ticker
        \s*\)
        """,
        re.VERBOSE,
    )


# both open with what a match starts with (the lookbehind checked after it), so re skips ahead
_CASHTAG = re.compile(r"\$(?<![\w$]\$)(?P<tick>[A-Z][A-Za-z0-9]{1,9})\b(?![\d.,])")
_PAIR = re.compile(r"(?P<base>[A-Z](?<![\w/$][A-Z])[A-Z0-9]{1,5})/(?P<quote>[A-Z]{2,5})\b(?!/)")


@compiled
def _company_word_scan() -> PrefixScan:
    """A company word (``stock_context``, capitalised) after a space, then a lower-case word that is no
    conjunction or preposition ("Brightline Markets Ltd and its affiliates may hold ..." is no opener)."""
    company = [x for x in lexicon("entities").stock_context if x[:1].isupper()]
    return PrefixScan(re.compile(rf"(?<= )(?:{alternation(company)})(?= (?!(?:and|or|of|in|for|to|on|at|by|with)\b)[a-z])"))


#: A sentence that opens with one of these refers to the company the sentence before opened with
#: ("Chicago-based Northern Trust was the week's winner. Its shares jumped 4.2%").
SHARE_ANAPHORS = ("Its shares", "Its stock", "Its share price", "The stock", "The shares", "The company's shares",
                  "The company's stock", "The company\u2019s shares", "The company\u2019s stock")
_ANAPHORS_LONGEST_FIRST = sorted(SHARE_ANAPHORS, key=len, reverse=True)
NOT_ANAPHOR_AFTER = re.compile(r"[ ]+(?:market|markets|exchange|index|indexes|indices|of|in)\b")  # "The stock market fell"
_PLACE_THEN_NAME = re.compile(
    rf"(?:[A-Z][\w]*(?:[ ][A-Z][\w]*)?-based[ ]|(?:[A-Z][a-z]+[ ]){{0,2}}[A-Z][a-z]+['\u2019]s[ ])?"  # "Chicago-based", "North Chicago's"
    rf"(?P<name>{_WORD}(?:[ ](?:{_WORD}|&|of)){{1,3}})[ ](?P<next>[a-z]+)")
ANTECEDENT_READ = 400  # characters before a share anaphor read for the sentence before it
#: after a comma, a share anaphor whose owner opens the same sentence ("Acme Corp beat forecasts, its stock rising 4%")
_SAME_SENTENCE_ANAPHORS = tuple(", " + a.lower() for a in SHARE_ANAPHORS if a.startswith("Its "))


@compiled
def reporting_words() -> frozenset[str]:
    """The one-word reporting verbs (``reporting_verbs.txt``): after a name, they make it a speaker."""
    return frozenset(v.lower() for v in word_list("reporting_verbs") if " " not in v)


_OPENER_WORDS = re.compile(rf"(?:^|(?<=\n)|(?<=[.!?] ))(?P<name>(?:{_WORD} ){{1,3}})\Z")
OPENER_READ = 80  # characters before a company word read for the capitalised words that open its sentence


def _company_opener_matches(text: str) -> Iterator[tuple[int, str]]:
    """``(start, name)`` of two to four capitalised words ending in a company word that open a sentence
    before a lower-case word, found from the company words (rare) back.

    >>> list(_company_opener_matches("Shares fell. Tallis Software was the standout.\\nAcme Group and its units."))
    [(13, 'Tallis Software')]
    """
    for w in _company_word_scan().finditer(text):
        m = _OPENER_WORDS.search(text, max(0, w.start() - OPENER_READ), w.start())
        if m is not None:
            yield m.start("name"), text[m.start("name") : w.end()]


#: company nouns that name the firm of an analyst more often than a company that moves ("investment bank Jefferies")
_NOT_INTRODUCING = frozenset({"bank", "broker", "brokerage", "house", "giant", "exchange"})


@compiled
def _described_nouns() -> tuple[str, ...]:
    """The company nouns of ``described_names`` that introduce a company (not ``_NOT_INTRODUCING``), each with the space after it."""
    return tuple(f"{n} " for n in sorted(lexicon("move_lexicon").described_names) if n not in _NOT_INTRODUCING)


def _word_pair_starts(text: str) -> list[int]:
    """Where a word written right before a slash or a hyphen starts: where ``_word_pair_re`` can match."""
    out = []
    for q in find_all(text, ("/", "-")):
        i = q
        while i > 0 and q - i < 12 and text[i - 1].isalpha():
            i -= 1
        if i < q:
            out.append(i)
    return sorted(set(out))


@compiled
def _described_company_re() -> re.Pattern:
    """A company noun of ``described_names`` in lower case and the one to four capitalised words after it."""
    nouns = [n.strip() for n in _described_nouns()]
    return re.compile(rf"(?<![\w-])(?:{alternation(nouns)})[ ]+(?P<name>[A-Z][\w&'’.-]*(?:[ ][A-Z][\w&'’.-]*){{0,3}})(?![\w&])")


@compiled
def _pair_words() -> dict[str, str]:
    """Lower-case currency words -> ISO code, for pairs written in words: the one-word names of the
    lexicon's currencies ("yen", "sterling", "euro") and ``entities.json`` ``pair_words`` ("dollar")."""
    from extractor.data import rows

    out = {n.lower(): row.id for row in rows("assets") if row.kind == "fx" for n in (*row.names, *row.cased_names) if " " not in n}
    out.update({k.lower(): v for k, v in lexicon("entities").pair_words.items()})
    return out


@compiled
def _word_pair_re() -> re.Pattern:
    """Two currency words joined by a slash or a hyphen ("dollar-yen", "Aussie/dollar")."""
    words_ = alternation(sorted(_pair_words(), key=len, reverse=True))
    return re.compile(rf"(?<![\w/-])(?P<base>{words_})[/-](?P<quote>{words_})(?![\w/-])", re.IGNORECASE)


@compiled
def _move_verb_after() -> re.Pattern:
    """A trading or move verb right after a name (``bare_ticker_verbs`` without the copulas: "Charts &
    Levels is our Wednesday column" says nothing of shares)."""
    verbs = [v for v in lexicon("entities").bare_ticker_verbs if v not in ("is", "was")]
    return re.compile(rf"[ ](?:{alternation(verbs)})(?![\w-])")


@compiled
def _traded_after() -> re.Pattern:
    """Its shares, or a move in words, right after a name ("Harcourt & Vale shares were", "... was off")."""
    shares = alternation(lexicon("entities").share_nouns)
    return re.compile(rf"['’]?s?[ ]+(?:{shares})\b|[ ]+(?:was|were|is|are|closed|ended|traded|finished)[ ]+(?:up|down|off|higher|lower|flat)\b")


TARGET_NOUN_READ = 40  # characters before " on "/" for " read for a target noun


@compiled
def _target_noun_before() -> re.Pattern:
    """A target noun of ``level_cues.json`` ("price target", "target price", "objective") ending where the text ends."""
    nouns = pattern_alternation(lexicon("level_cues").kind_noun_patterns.target)
    return re.compile(rf"(?<![\w-])(?:{nouns})\Z", re.IGNORECASE)


# a name of up to four capitalised words, then "to"/"from"/"at"/"of" and a figure ("Sakura Motors to ¥3,650")
_TARGET_OBJECT = re.compile(rf"(?P<name>{LABEL_NAME})[ ]+(?:to|from|at|of)[ ]+(?:[A-Z]{{0,3}}[$€£¥₩₹]|\d)")
_SHARES_OF = re.compile(r"\b[Ss]hares[ ]+(?:of|in)[ ]+\Z")
_NAME_AFTER_AMPERSAND = re.compile(r"(?P<name>[A-Z][\w.'’-]*(?:[ ][A-Z][\w.'’-]*){0,2})(?![\w&])")  # "Pike", "Finch Securities"
_NAME_BEFORE_COMMA = re.compile(rf"(?P<name>{_WORD}(?:[ ]{_WORD}){{0,3}})\Z")


@compiled
def _share_re() -> re.Pattern:
    w = words()
    return re.compile(
        rf"""
        (?:[Ss]hares\s+(?:of|in)\s+(?P<a>{_WORD}(?:[ ]{_WORD}){{0,3}}))      # shares of Name ("Shares of Name" opening a sentence)
        | (?P<b>{_WORD}(?:[ ]{_WORD}){{0,3}})(?:['’]s)?\s+(?-i:{w.share_nouns})\b  # Name shares / Name's stock
        """,
        re.VERBOSE,
    )


@compiled
def _token_re() -> re.Pattern:
    return re.compile(rf"(?P<name>{_WORD}(?:[ ]{_WORD}){{0,2}})[^\S\n]+(?i:{words().token_nouns})\b")  # not across a line break


@compiled
def _called_token_re() -> re.Pattern:
    """A token noun and the name it is called by ("a new memecoin called RIBBIT", "a token dubbed Moon Frog")."""
    return re.compile(rf"(?i:{words().token_nouns})[ ,]+(?P<verb>called|named|dubbed)[ ]+(?P<name>{_WORD}(?:[ ]{_WORD}){{0,2}})(?![\w&'’+-])")


@compiled
def _index_re() -> re.Pattern:
    heads = "|".join(sorted(words().index_heads))
    first = _WORD.replace("[A-Z][\\w&.'’+-]*", "[A-Z][\\w&.'’+-]*(?:/[A-Z][\\w&.'’+-]*)?", 1)  # "S&P/TSX Global Mining index"
    return re.compile(rf"(?P<name>{first}(?:[ ](?:{_WORD}|&)){{1,5}}[ ](?:{heads}))\b")


@compiled
def _token_apposition() -> re.Pattern:
    """A token noun and the comma that sets off the ticker after it ("its governance token, ")."""
    return re.compile(rf"(?i:{words().token_nouns}),[ ]$")


@compiled
def _index_variant_re() -> re.Pattern:
    """A variant word of ``index_variants`` and the up to three words after it ("equal-weight S&P 500")."""
    return re.compile(rf"(?<![\w-])(?P<variant>{alternation(words().index_variants, ignore_case=True)})[ ]"
                      rf"(?P<run>[A-Z][\w&.'’+-]*(?:[ ](?:[A-Z][\w&.'’+-]*|\d+)){{0,2}})")


def _index_prefix(words_: list[str]) -> str | None:
    """The longest run of ``words_`` from the first that names an index of the lexicon ("S&P 500" of
    "S&P 500 Energy"), else ``None``.

    >>> _index_prefix(["Nasdaq", "100", "Futures"]), _index_prefix(["Acme", "Labs"])
    ('Nasdaq 100', None)
    """
    for n in range(len(words_), 0, -1):
        name = " ".join(words_[:n])
        if asset_kind(canonical_asset(name) or "") == "index":
            return name
    return None


@compiled
def _sector_index_re() -> re.Pattern:
    """A named index (up to three words), a sector name of ``move_lexicon`` sector_names and an index noun
    ("FTSE 350 mining sub-index")."""
    sectors = alternation(lexicon("move_lexicon").sector_names)
    return re.compile(rf"(?<![\w-])(?P<name>(?P<index>[A-Z][\w&.'’+-]*(?:[ ](?:[A-Z][\w&.'’+-]*|\d+)){{0,2}})[ ](?:{sectors})"
                      rf"[ ](?:sub-index|subindex|sector[ ]index|index))(?![\w-])")


@compiled
def _fund_re() -> re.Pattern:
    return re.compile(rf"(?P<name>{_WORD}(?:[ ](?:{_WORD}|&)){{1,5}}[ ](?:Fund|Trust))\b")


@compiled
def _mover_re() -> re.Pattern:
    """A percent change told with a lower-case move verb right after where a name would end ("...
    jumped 31%", "... has slid by 6.5 percent"): the name before it is the subject of the move."""
    lx = lexicon("move_lexicon")
    verbs = alternation(list(lx.negative_before) + list(lx.positive_before))
    hedges = alternation(["by"] + list(lexicon("grammar").approximators))
    return re.compile(
        rf"""
        [ ](?:(?:{alternation(lx.verb_fillers)})[ ]){{0,2}}(?:{verbs})            # " has jumped", " sank"
        [ ](?:(?:{hedges})[ ])?                                                  # "by", "about", "more than"
        [+-]?\d[\d,]*(?:\.\d+)?[ ]?$                                         # the number, then the percent
        """,
        re.VERBOSE,
    )


MOVER_REACH = 80  # characters before a percent where its verb and number are looked for (and before the verb, a relative clause)


@compiled
def _neutral_mover_re() -> re.Pattern:
    """A percent after a verb that gives no direction ("closed", "ended", "was"), the direction
    written after it ("HSBC closed 1.2% higher"): ``_mover_re`` with the move verb left out."""
    lx = lexicon("move_lexicon")
    return re.compile(rf"[ ](?:(?:{alternation(lx.verb_fillers)})[ ]){{1,2}}[+-]?\d[\d,]*(?:\.\d+)?[ ]?$")


_SIGN_AFTER = re.compile(r"(?:%|[ ]?percent|[ ]?per[ ]cent|pc)[ ]+(?:higher|lower|up|down)(?![\w-])", re.IGNORECASE)


@compiled
def _relative_before() -> re.Pattern:
    """A relative clause or an appositive set off by commas, ending where the text ends (", which
    holds 9,500 BTC,", ", a maker of warehouse arms,")."""
    pronouns = alternation(lexicon("move_lexicon").relative_pronouns)
    dets = alternation(lexicon("move_lexicon").reference_determiners)
    # an appositive opens with a determiner (", a maker of warehouse arms,")
    return re.compile(rf",[ ](?:{pronouns}|{dets})[ ]{SET_OFF_WORDS},$")


# "shed 14.2p", "added 12 cents": a change in a share's price (the digit leads, so re skips ahead to digits;
# a lookbehind for it made re try every position of the text)
_SMALL_UNIT = re.compile(r"\d(?:p|[ ]?pence|[ ]?cents?)(?![\w%])")


def _mover_matches(text: str) -> Iterator[re.Match]:
    """``_mover_re`` matches ending right before a "%", "percent", "per cent" or "pc", or before the
    "p", "pence" or "cents" of a change in a share's price ("Glencore added 11.35p to 402.6p"): the
    pattern is tried only in a bounded window before each such word."""
    rx = _mover_re()
    low = lower_exactly(text) or text.lower()
    last = 0
    anchors = find_all(low, ("%", " percent", " per cent", "pc"))
    if "p" in low or "cent" in low:
        anchors = sorted(anchors + [u.start() + 1 for u in _SMALL_UNIT.finditer(low)])
    for p in anchors:
        if low.startswith("pc", p) and not (p and low[p - 1].isdigit()):
            continue  # "pc" is a percent only right after a digit ("0.6pc")
        p += low[p] == " "  # " percent": the number ends before its space
        m = rx.search(text, max(last, p - MOVER_REACH), p)
        if m is None and _SIGN_AFTER.match(text, p - (low[p - 1] == " ")):
            m = _neutral_mover_re().search(text, max(last, p - MOVER_REACH), p)
        if m is not None:
            last = p
            yield m


_AGENT = re.compile(r"(?<![\w-])by\s+$")  # the agent of a participle before the name
_BARE_TICKER = PrefixScan(re.compile(r"(?<![\w$/@#.-])[A-Z][A-Z0-9]{2,5}(?![\w/-]|\.\w)"))  # (found from its capitals) "VUSD", not "VUSD-USDC", "$VUSD", "U.S."
_OWNED_BY = re.compile(r"(?i:shares|stock|stocks)\s+(?:of|in)\s+(?:the\s+)?$")  # "shares of Acme": the owner, not an object
_AFTER_LAST_COMMA = re.compile(r"^.*[,;] ")  # a run's words up to the last one a comma or semicolon ends
_LISTED_NAMES = re.compile(r" and ")  # "Bittensor and Render have declined 10%"
# a word no sentence would capitalise as a common word: a compound of capitalised parts, all capitals, an inner capital
_NAME_SHAPE = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)+|[A-Z][A-Z0-9]{1,5}|[A-Za-z][a-z]+[A-Z][A-Za-z]*")
_INNER_CAPITAL = re.compile(r"(?<=[a-z,] )[A-Z][\w’'&-]*")  # a capitalised word right after a word in lower case or a comma
_SENTENCE_START = re.compile(r"(?:^|[.!?:][\"”’')]?\s+|\n\s*)$")  # right before a word that opens a sentence


_NAME_START = re.compile(r"[A-Z\d]|[a-z](?=[A-Z])")  # where a ``_WORD`` can start


def _anchored(rx: re.Pattern, text: str, nouns: list[int], words_: int, starts: set[int] | None = None) -> Iterator[re.Match]:
    """``rx.finditer(text)`` for a pattern whose matches end in a noun written at one of the
    positions ``nouns`` after whitespace, behind a name of at most ``words_`` words separated by
    single spaces (or start at one of ``starts``): the pattern is tried only where a name before
    a noun can start, instead of at every capitalised word of the text.

    >>> rx = re.compile(r"(?P<b>[A-Z]\\w*(?: [A-Z]\\w*){0,1}) stock")
    >>> text = "Acme Corp stock and Beta stock, Gamma Delta Eps stock"
    >>> [m.group("b") for m in _anchored(rx, text, [p for p in range(len(text)) if text.startswith("stock", p)], 2)]
    ['Acme Corp', 'Beta', 'Delta Eps']
    """
    starts = set() if starts is None else starts
    for q in nouns:
        j = q
        while j > 0 and text[j - 1].isspace():
            j -= 1
        if j == q:
            continue  # no whitespace before the noun
        end = lo = j
        for n in range(words_):  # back over the name's words, each after one space
            k = end
            while k > 0 and not text[k - 1].isspace():
                k -= 1
            lo = k
            if n + 1 < words_ and k >= 2 and text[k - 1] == " " and not text[k - 2].isspace():
                end = k - 1
            else:
                break
        starts.update(m.start() for m in _NAME_START.finditer(text, lo, j))
    yield from matches_at(rx, text, sorted(starts))


@compiled
def _token_firsts() -> tuple[str, ...]:
    """The lower-cased first words of the token nouns (every ``_token_re`` match ends in one)."""
    return tuple(sorted({n.split()[0].lower() for n in lexicon("entities").token_nouns}))


def _intro_matches(text: str) -> Iterator[re.Match]:
    """``_intro_re().finditer(text)``: a match opens at most three characters before its "(",
    so the pattern is tried only there."""
    rx = _intro_re()
    last = tried = 0
    for q in find_all(text, "("):
        for p in range(max(q - 3, last, tried), q + 1):
            m = rx.match(text, p)
            if m is not None:
                yield m
                last = m.end()
                break
        tried = q + 1


@dataclass
class Entity:
    """An asset the article introduced: its id, kind and the names it goes by in the article."""

    id: str
    kind: str  # crypto | stock | etf | index | commodity | fx | pair
    ticker: str | None = None
    names: set[str] = field(default_factory=set)  # surfaces matched as written
    ticker_only_in_context: bool = False

    def asset(self) -> Asset:
        return Asset(self.id, self.kind)


def _sentence_start(text: str, q: int, hi: int) -> int | None:
    """Where the sentence holding ``q`` starts (after ". ", "! ", "? " or a line break before ``hi``, read
    at most ``ANTECEDENT_READ`` characters back from ``q``); ``None`` when no start lies that close."""
    lo = max(0, q - ANTECEDENT_READ)
    cut = max(text.rfind(". ", lo, hi), text.rfind("! ", lo, hi), text.rfind("? ", lo, hi), text.rfind("\n", lo, hi))
    if cut < 0:
        return None if lo > 0 else 0
    return cut + (1 if text[cut] == "\n" else 2)


def _suffix_for_ticker(words_: list[str], tick: str) -> list[str]:
    """The shortest trailing part of a capitalised run that starts with the ticker's first letter
    and holds its letters in order ("Free Report Intel Corporation (INTC)" -> "Intel Corporation"),
    else the whole run.

    >>> _suffix_for_ticker("Free Report Intel Corporation".split(), "INTC")
    ['Intel', 'Corporation']
    >>> _suffix_for_ticker(["Robinhood", "Markets"], "HOOD")
    ['Robinhood', 'Markets']
    """
    letters = [c for c in tick.upper() if c.isalnum()]
    for i in range(len(words_) - 1, -1, -1):
        part = " ".join(words_[i:]).upper()
        if not part.startswith(letters[0]):
            continue
        it = iter(part)
        if all(ch in it for ch in letters):
            return words_[i:]
    return words_


def _name_before(text: str, end: int, w: Words) -> str | None:
    """The capitalised name that ends at ``end`` (at most ``MAX_NAME_WORDS`` words, openers dropped)."""
    left = text[max(0, end - 120) : end].rstrip()
    left = re.sub(r"['’]s$", "", left)
    m = _RUN.search(left)
    if not m:
        return None
    toks = m.group().split(" ")
    toks = toks[-(MAX_NAME_WORDS + 3 if toks[-1] in w.fund_heads else MAX_NAME_WORDS) :]  # fund names run long
    while toks and (toks[0] in w.openers or describes_company(toks, w)):
        toks = toks[1:]  # "The Boeing Company", "Rival Acme Pay"
    return " ".join(toks) or None


_SENT_END = re.compile(r"[.!?;](?:\s|$)")


def _sentence_around(text: str, start: int, end: int, reach: int) -> str:
    """The text around ``start:end`` up to ``reach`` characters, cut at sentence ends.

    >>> _sentence_around("A fell. B (BB) rose; C shares sank.", 8, 14, 40)
    'B (BB) rose;'
    """
    left = text[max(0, start - reach) : start]
    cut = max((m.end() for m in _SENT_END.finditer(left)), default=0)
    right = text[end : end + reach]
    stop = _SENT_END.search(right)
    return left[cut:] + text[start:end] + (right[: stop.start() + 1] if stop else right)


_POSSESSIVE = re.compile(r"['’]s?$")
_COMPANY_WORD = re.compile(r"Company|Corporation|Holdings|Limited|Group|Corp\.?|Inc\.?|Ltd\.?|plc|PLC")
_COMPANY_END = re.compile(r"\b(?:Inc|Corp|Co|Ltd|Plc|S\.A|N\.V|L\.P)\.$")


def describes_company(toks: list[str], w: Words) -> bool:
    """Whether the first of a name's words describes the company and is no part of its name: a
    descriptor ("Rival", "Chipmaker") before another capitalized word ("Rival Acme Pay"; not "Bank of
    Ardmore")."""
    return len(toks) > 1 and toks[0].lower() in w.descriptors and toks[1][:1].isupper()


def clean_name(name: str, w: Words, lower_words: frozenset[str] = frozenset()) -> str | None:
    """An introduced name as an entity's name, or ``None`` when it cannot be one: openers dropped,
    a possessive owner taken apart from what it owns ("Hong Kong's Hang Seng index" -> the index;
    "Acme's Nasdaq-listed" -> Acme), regions, sectors, months and common words refused.

    >>> w = words()
    >>> [clean_name(n, w) for n in ("The Boeing Company", "Hong Kong's Hang Seng index", "Acme's Nasdaq-listed", "U.S.", "February.")]
    ['Boeing Company', 'Hang Seng index', 'Acme', None, None]
    >>> clean_name("Tech", w), clean_name("Zorblex", w, frozenset({"zorblex"})), clean_name("Acme Corp.", w)
    (None, None, 'Acme Corp.')
    >>> clean_name("February. The", w), clean_name("Monday. Quillon Foods", w)
    (None, 'Quillon Foods')
    >>> clean_name("Rival Lanyard Pay", w), clean_name("Chipmaker Orrin Micro", w), clean_name("Bank of Ardmore", w)
    ('Lanyard Pay', 'Orrin Micro', 'Bank of Ardmore')
    >>> clean_name("Shares of Strathmore", w), clean_name("iShares Bitcoin Trust", w)
    ('Strathmore', 'iShares Bitcoin Trust')
    """
    toks = [t for t in name.split(" ") if t]
    for i in range(len(toks) - 2, -1, -1):  # a full stop inside the run ends a sentence: the name starts after it
        if toks[i].endswith(".") and not re.fullmatch(r"(?:[A-Z]\.)+|(?:Inc|Corp|Co|Ltd|St|Mt)\.", toks[i]):
            toks = toks[i + 1 :]
            break
    while toks and (toks[0] in w.openers or describes_company(toks, w)):
        toks = toks[1:]  # "The Boeing Company", "Rival Acme Pay"
    owner = [i for i, t in enumerate(toks) if _POSSESSIVE.search(t) and t[:-2]]
    if owner:
        i = owner[-1]
        tail = toks[i + 1 :]
        if tail and not all(w.adjective.match(t) or t.islower() for t in tail):
            toks = tail
        else:
            toks = toks[: i] + [_POSSESSIVE.sub("", toks[i])]
    toks = [t for t in toks if not w.adjective.match(t)]
    while toks and toks[0].islower():  # "(Shares) of Acme": no name opens with a lower-case word
        toks = toks[1:]
    if len(toks) > 2 and re.fullmatch(r"[A-Z]{1,5}", toks[-1]) and _COMPANY_WORD.fullmatch(toks[-2]):
        toks = toks[:-1]  # "Acme Corporation ACME": the ticker some wires write after the name
    if not toks:
        return None
    out = " ".join(toks)
    if out.endswith(".") and not _COMPANY_END.search(out) and not re.fullmatch(r"(?:[A-Z]\.)+", out):
        out = out.rstrip(".")
        if not out:
            return None
    low = out.lower()
    if low in w.not_names or low.rstrip(".") in w.not_names or out.upper() in w.ticker_words:
        return None
    if len(toks) == 1 and low in lower_words:
        return None  # a word the article also writes in lower case is a common word, not a name
    return out


class Registry:
    """Entities of one article, and every mention of them in its text."""

    def __init__(self, text: str, lower_words: frozenset[str] | None = None):
        self.text = text
        self.w = words()
        self.lexicon_mentions = find_assets(text)
        self.by_key: dict[str, Entity] = {}
        # words the text writes in lower case (``FinDoc.lower_words`` when the caller has it)
        self.lower_words = lower_words if lower_words is not None else frozenset(_LOWER_WORD.findall(text))
        self._crypto_bias = self._article_bias()
        self.exchange_spans: list[tuple[int, int]] = []  # "NASDAQ" inside "(NASDAQ: XYZ)" is no index
        self._inner_capitals: frozenset[str] | None = None  # see ``_proper_word``
        self._company_words: frozenset[int] | None = None  # see ``company_words``
        self._introductions()

    # -- what kind of article ------------------------------------------------------------------
    def _article_bias(self) -> bool:
        """True when the article's known assets are mostly tokens (an unknown ticker is likelier a token)."""
        kinds = [m.asset.kind for m in self.lexicon_mentions]
        return kinds.count("crypto") >= len(kinds) / 2 if kinds else True

    def _kind(self, name: str, start: int, end: int, exch: str | None) -> str:
        """What an introduced name is: the name's own words first, then the words right around it,
        then the words of its neighbourhood, then what the article mostly talks about."""
        w = self.w
        words_ = set(name.split())
        if words_ & w.fund_heads:
            return "etf"
        if words_ & w.index_heads:
            return "index"
        if exch or w.stock_context.search(name):
            return "stock"
        left, right = self.text[max(0, start - 30) : start], self.text[end : end + 25]
        if re.search(r"(?i:shares\s+(?:of|in))\s*$", left) or re.match(rf"\s*(?:['’]s\s+)?(?i:{w.share_nouns})\b", right):
            return "stock"
        if re.match(rf"\s*(?i:{w.token_nouns})\b", right):
            return "crypto"
        if len(name.split()) >= 2 and not w.crypto_context.search(_sentence_around(self.text, start, end, 60)):
            return "stock"  # a name of several words with no token word near is a company's
        around = _sentence_around(self.text, start, end, 100)
        crypto, stock = len(w.crypto_context.findall(around)), len(w.stock_context.findall(around))
        if crypto != stock:
            return "crypto" if crypto > stock else "stock"
        return "crypto" if self._crypto_bias else "stock"

    # -- learning entities ------------------------------------------------------------------------
    def _add(self, name: str | None, tick: str | None, kind: str, in_context: bool = True) -> Entity | None:
        known = (tick and canonical_asset(tick)) or (name and canonical_asset(name))
        if known:  # the lexicon knows it: the introduction adds a name for it
            ent = self.by_key.get(known) or Entity(known, asset_kind(known) or kind, tick)
            if name and name != known and canonical_asset(name) is None and len(name) > 3:
                ent.names.add(name)
            self.by_key[known] = ent
            return ent
        key = (tick or name or "").upper()
        if not key:
            return None
        ent = self.by_key.get(key)
        if ent is None:
            ident = tick if (kind in ("crypto", "pair", "fx") or not name) and tick else name
            ent = Entity(ident, kind, tick)
            self.by_key[key] = ent
        if name:
            ent.names.add(name)
            short = name.split(" ")[0]
            if len(short) >= 4 and short != name and short[0].isupper() and short not in self.w.openers \
                    and canonical_asset(short) is None and short not in self.w.fund_heads and short not in self.w.index_heads:
                ent.names.add(short)
        if tick:
            ent.ticker = ent.ticker or tick
            ent.ticker_only_in_context = tick in self.w.ticker_words or len(tick) < 2
        return ent

    def _introductions(self) -> None:
        text, w = self.text, self.w
        for m in _intro_matches(text):
            tick, exch = m.group("tick"), m.group("exch")
            if exch:
                self.exchange_spans.append(m.span("exch"))
            if tick in w.ticker_words and not exch:
                continue
            name = _name_before(text, m.start(), w)
            if name:  # a fund's ticker seldom spells its name: keep the whole name
                toks = name.split(" ") if name.split(" ")[-1] in w.fund_heads else _suffix_for_ticker(name.split(" "), tick)
                name = clean_name(" ".join(toks), w)
                if name and not exch and any(t in w.not_asset_heads for t in name.split(" ")) \
                        and not w.stock_context.fullmatch(name.split(" ")[-1]):
                    continue  # a body ("Securities and Exchange Commission (SEC)"), not "Northfield Treasury Holdings (NFTH)"
            if name is None and not exch:
                continue
            name_start = text.rfind(name, max(0, m.start() - 130), m.start()) if name else m.start()
            if name and not exch and w.venue is not None and w.venue.search(text, max(0, name_start - 12), name_start + len(name)):
                continue  # "copper on the London Metal Exchange (LME)": where the metal trades, not an asset
            self._add(name, tick, self._kind(name or "", max(name_start, 0), m.end(), exch))
        for m in _CASHTAG.finditer(text):
            tick = m.group("tick").upper()
            if tick not in w.ticker_words:
                self._add(None, tick, self._kind("", m.start(), m.end(), None))
        for m in _PAIR.finditer(text):
            self._pair(m.group("base"), m.group("quote"))
        for m in matches_at(_word_pair_re(), text, _word_pair_starts(text)):  # "dollar-yen", "Euro/sterling": an FX pair in words
            base, quote = (_pair_words()[x.lower()] for x in (m.group("base"), m.group("quote")))
            if base != quote:
                self._pair(base, quote)
                self.by_key[f"{base}/{quote}"].names.add(m.group())
        # each scan below is tried only before the words its matches end in (see ``_anchored``)
        shares = find_all(text, ("shares",))
        for m in _anchored(_share_re(), text, sorted(shares + find_all(text, ("stock",))), 4, set(shares + find_all(text, ("Shares",)))):
            name = clean_name(m.group("a") or m.group("b"), w, self.lower_words)
            toks = name.split(" ") if name else []
            if name and canonical_asset(name) is None and toks[-1] not in w.not_asset_heads \
                    and not any(t in w.fund_heads for t in toks):
                self._add(name, None, "stock")
        for q in find_all(text, (", whose ",)):  # "Kessler Logistik, whose shares plunged": a listed company
            if not re.match(rf"(?i:{w.share_nouns})\b", text[q + 8 : q + 20]):
                continue
            m = _NAME_BEFORE_COMMA.search(text, max(0, q - 60), q)
            name = clean_name(m.group("name"), w, self.lower_words) if m else None
            toks = name.split(" ") if name else []
            if name and canonical_asset(name) is None and toks[-1] not in w.not_asset_heads \
                    and not any(t in w.fund_heads for t in toks):
                self._add(name, None, "stock")
        low = lower_exactly(text)  # the token nouns match in any case: found in the lower-cased text
        tokens = _token_re().finditer(text) if low is None else _anchored(_token_re(), text, find_all(low, _token_firsts()), 3)
        for m in tokens:
            name = clean_name(m.group("name"), w, self.lower_words)
            if name and name.split(" ")[-1] not in w.not_asset_heads:
                self._add(name if not name.isupper() else None, name if name.isupper() else None, "crypto")
        for q in find_all(text, (" called ", " named ", " dubbed ")):  # "a two-week-old token called RIBBIT"
            m = _called_token_re().search(text, max(0, q - 40), q + 48)
            if m is None or not m.start("verb") <= q + 1 <= m.end("verb"):
                continue
            name = clean_name(m.group("name"), w, self.lower_words)
            if name and name.split(" ")[-1] not in w.not_asset_heads:
                self._add(name if not name.isupper() else None, name if name.isupper() else None, "crypto")
        self._ampersand_names()
        self._movers()
        self._described_companies()
        self._company_openers()
        self._target_objects()
        self._anaphor_antecedents()
        self._bare_tickers()
        for m in _anchored(_index_re(), text, find_all(text, w.index_heads), 6):
            name = clean_name(m.group("name"), w, self.lower_words)
            if name and len(name.split(" ")) >= 2 and canonical_asset(name) is None \
                    and not set(name.split(" ")) & w.indicator_words:
                self._add(name, None, "index")
        self._index_variants()
        self._sector_indices()
        heads = ("Fund", "Trust")  # a fund named in full without a ticker ("the Lantern Hill Digital Opportunities Fund")
        for m in _anchored(_fund_re(), text, find_all(text, heads), 6):
            name = clean_name(m.group("name"), w, self.lower_words)
            if name and len(name.split(" ")) >= 3 and canonical_asset(name) is None and name.upper() not in self.by_key \
                    and not any(t in w.not_asset_heads or t in w.fund_heads for t in name.split(" ")[:-1]) \
                    and name.split(" ")[-1] not in w.not_asset_heads and not any(canonical_asset(t) for t in name.split(" ")):
                self._add(name, None, "etf")  # (a fund named after its coin, "Kestrel Solana Trust", is the flows module's)

    def _index_variants(self) -> None:
        """An index named with a variant word before it ("the equal-weight S&P 500", "the equally weighted
        Nasdaq 100"): an index of its own, named as written (not the index it varies)."""
        low = lower_exactly(self.text)
        if low is None or not any(v in low for v in self.w.index_variants):
            return
        for m in _index_variant_re().finditer(self.text):
            name = _index_prefix(m.group("run").split(" "))
            if name is not None:
                self._add(f"{m.group('variant').lower()} {name}", None, "index")

    def _sector_indices(self) -> None:
        """A sector's index of a named index ("the FTSE 350 mining sub-index", "the Stoxx 600 banks index";
        ``move_lexicon`` sector_names): an index of its own, named as written (not the index it is part of)."""
        if "index" not in self.text:
            return
        for m in _sector_index_re().finditer(self.text):
            words_, name = m.group("index").split(" "), m.group("name")
            while words_ and words_[0] in self.w.openers:  # "The FTSE 350 ...": the index starts after its opener
                name = name[len(words_.pop(0)) + 1 :]
            if _index_prefix(words_) is not None:
                self._add(name, None, "index")

    def _ampersand_names(self) -> None:
        """Capitalised words joined by an ampersand, right before its shares, a move verb or "was/were
        up/down" ("Harcourt & Vale shares were 4.6% higher", "Rival Tollis & Pike was off 3.8%"), or
        after "shares of": one listed company's name, never a list of two, so its figures are not split
        between two subjects. Not where a side is an asset the lexicon knows ("Gold & Silver", "Bitcoin &
        Ether" in a heading), a region or sector, a body ("... Commission"), or common words the text
        also writes in lower case (a column's title, "Charts & Levels"); a firm named elsewhere
        ("a strategist at Harwell & Stone") is no company whose shares trade."""
        text, w = self.text, self.w
        for q in find_all(text, (" & ",)):
            before = _NAME_BEFORE_COMMA.search(text, max(0, q - 60), q)
            after = _NAME_AFTER_AMPERSAND.match(text, q + 3)
            if before is None or after is None:
                continue
            left = before.group("name").split(" ")
            while left and (left[0].lower() in w.descriptors or left[0] in w.openers):
                left = left[1:]  # "Rival Tollis & Pike", "The Harcourt & Vale"
            right = after.group("name").split(" ")
            if not left or any(canonical_asset(t) is not None for t in (" ".join(left), left[-1], right[0], " ".join(right))) \
                    or right[-1] in w.not_asset_heads or any(t.lower() in w.not_names for t in (left[-1], right[0])):
                continue
            if all(t.lower() in self.lower_words for t in (*left, *right)):
                continue  # common words the text also writes in lower case: a title ("Charts & Levels"), not a name
            end = after.end()
            if not (_move_verb_after().match(text, end) or _traded_after().match(text, end)
                    or _SHARES_OF.search(text, max(0, before.start() - 16), before.start())):
                continue  # a firm named without its shares trading ("a strategist at Harwell & Stone"): not a listed company
            name = clean_name(" ".join([*left, "&", *right]), w, self.lower_words)
            if name and "&" in name:
                self._add(name, None, "stock")

    def _target_objects(self) -> None:
        """The capitalised name a broker's target is set for, right before the figure ("lifted its
        target price for Sakura Motors to ¥3,650", "cut its price target on Harbour Telecom to HK$42.50
        from HK$48"): a listed company, though the article names it nowhere else. Not an asset the
        lexicon knows ("its target for Brent to $80"), an index, a region or sector, or a body."""
        text, w = self.text, self.w
        for q in find_all(text, (" on ", " for ")):
            if _target_noun_before().search(text, max(0, q - TARGET_NOUN_READ), q) is None:
                continue
            m = _TARGET_OBJECT.match(text, q + (4 if text.startswith(" on ", q) else 5))
            if m is None:
                continue
            name = clean_name(m.group("name"), w, self.lower_words)
            toks = name.split(" ") if name else []
            if not toks or canonical_asset(name) is not None or toks[-1] in w.not_asset_heads or toks[-1] in w.index_heads \
                    or toks[0].lower() in w.not_names or " ".join(toks[:2]).lower() in w.not_names or name.upper() in self.by_key:
                continue
            self._add(name, None, "stock")

    def _described_companies(self) -> None:
        """A capitalised name right after a noun that says what a company does ("Swedish steelmaker
        Norrland Steel", "while miner Bracewell Resources, up 2.2%", "chipmaker Vantor"; ``move_lexicon``
        ``described_names``, not the banks and brokers that name analysts): a listed company, so the
        figures set off after it resolve to it, not to a company named before."""
        w = self.w
        nouns = [n for n in _described_nouns() if n[:-1] in self.lower_words]  # (the words the text writes in lower case)
        for m in matches_at(_described_company_re(), self.text, find_all(self.text, nouns)):
            name = clean_name(m.group("name"), w, self.lower_words)
            toks = name.split(" ") if name else []
            if not toks or toks[0].lower() in w.not_names or toks[-1] in w.not_asset_heads or canonical_asset(name) is not None \
                    or any(canonical_asset(t) for t in toks) or (len(toks) == 1 and not self._proper_word(name)):
                continue
            self._add(name, None, "stock")

    def _company_openers(self) -> None:
        """Two to four capitalised words ending in a company word that open a sentence before a
        lower-case word ("Tallis Software was the standout. The company's stock rocketed 18.7% to
        $212.35"): a listed company, so the figures after it resolve to it, not to a stock named before."""
        w = self.w
        for _, raw in _company_opener_matches(self.text):
            name = clean_name(raw, w, self.lower_words)
            toks = name.split(" ") if name else []
            if len(toks) < 2 or toks[0].lower() in w.not_names or " ".join(toks[:2]).lower() in w.not_names \
                    or canonical_asset(name) is not None or any(canonical_asset(t) for t in toks[:-1]):
                continue
            self._add(name, None, "stock")

    def _anaphor_antecedents(self) -> None:
        """Two to four capitalised words that open a sentence (after a place: "Chicago-based", "North
        Chicago's") before a lower-case word, when the next sentence opens with a share anaphor ("Its
        shares", "The stock"; ``SHARE_ANAPHORS``): the listed company the anaphor refers to, so that the
        move and the price after it resolve to it, not to a company named before. A name followed by a
        reporting verb is a speaker, not a company."""
        text, w = self.text, self.w
        for q in find_all(text, SHARE_ANAPHORS):
            if q and text[q - 1] != "\n" and text[max(0, q - 2) : q] not in (". ", "! ", "? "):
                continue  # not the opening of a sentence
            after = q + len(next(a for a in _ANAPHORS_LONGEST_FIRST if text.startswith(a, q)))
            if text[after : after + 1].isalnum() or NOT_ANAPHOR_AFTER.match(text, after):
                continue  # "The stocks", "The stock market", "The shares of Acme": not an anaphor
            if (start := _sentence_start(text, q, q - 2)) is not None:
                self._opening_company(start, q)
        for q in find_all(text, _SAME_SENTENCE_ANAPHORS):  # "Halden Photonics bucked the trend, its stock rising 1.2%"
            if (start := _sentence_start(text, q, q)) is not None:
                self._opening_company(start, q)

    def _opening_company(self, start: int, hi: int) -> None:
        """Register the two to four capitalised words opening the sentence at ``start`` (before ``hi``,
        before a lower-case word that is no reporting verb) as a listed company."""
        w = self.w
        m = _PLACE_THEN_NAME.match(self.text, start, hi)
        if m is None or m.group("next") in reporting_words():
            return
        name = clean_name(m.group("name"), w, self.lower_words)
        toks = name.split(" ") if name else []
        if len(toks) < 2 or toks[-1] in w.not_asset_heads or toks[0].lower() in w.not_names \
                or " ".join(toks[:2]).lower() in w.not_names or canonical_asset(name) is not None \
                or any(canonical_asset(t) for t in toks):
            return
        self._add(name, None, "stock")

    @property
    def company_words(self) -> frozenset[int]:
        """Where the lexicon mentions start that are the last word of a company's name (``_company_word``:
        "Anvil Copper"), read once per article."""
        if self._company_words is None:
            self._company_words = frozenset(m.start for m in self.lexicon_mentions if _company_word(self.text, m))
        return self._company_words

    def _proper_word(self, word: str) -> bool:
        """Whether the article writes ``word`` capitalised inside a sentence (right after a word in lower
        case or a comma: "a target for Persimmon") and never in lower case: a proper name, though it also
        opens a sentence ("Persimmon ended 3.7 per cent lower"); "Miners" is written "miners" inside one.
        The capitalised words inside sentences are read once per article."""
        if self._inner_capitals is None:
            self._inner_capitals = frozenset(_INNER_CAPITAL.findall(self.text))
        return word in self._inner_capitals and word.lower() not in self.lower_words

    def _movers(self) -> None:
        """A capitalised name right before a move verb and its percent ("Corvane Therapeutics jumped
        31%"; "..., while Siemens has slid 2%") is the subject of the move: an entity, so that the
        price after the move and later mentions resolve to it. A single word opening a sentence may
        be a common word ("Miners fell 3%"), and a run naming several assets or one the lexicon
        knows is not a name of its own."""
        text, w = self.text, self.w
        # in text order; a commodity word ending a company's name ("Anvil Copper") is no known asset inside it
        known = [a.end for a in self.lexicon_mentions if a.start not in self.company_words]
        relative = _relative_before()
        for m in _mover_matches(text):
            end = m.start()
            if text[end - 1 : end] == "," and (rel := relative.search(text, max(0, end - MOVER_REACH), end)):
                end = rel.start()  # "Hyperion Mining, which holds 9,500 BTC, slid 6%": the name before the clause or appositive
            lo = max(0, end - 40)
            last_word = text[max(text.rfind(" ", lo, end), text.rfind("\n", lo, end)) + 1 : end]  # (a name may open a line)
            if not last_word[:1].isupper() and not last_word[:1].isdigit():
                continue  # "shares jumped 4%", "bitcoin fell 2%": no capitalised name ends there
            raw = _name_before(text, end, w)
            if raw is None or raw[-1] in ",;:" or not text.startswith(raw, end - len(raw)):
                continue  # no capitalised run ends right before the verb ("Acme Digital 50, slid": an aside)
            raw = _AFTER_LAST_COMMA.sub("", raw)  # "Rs 2,948.60, and Infosys": the name after the clause's comma
            name = clean_name(raw, w, self.lower_words)
            while name and name[0].islower():  # "Shares of Acme Foods": "of" is left after the opener
                name = clean_name(name.partition(" ")[2], w, self.lower_words) if " " in name else None
            toks = name.split(" ") if name else []
            if not toks or toks[-1] in w.not_asset_heads or _LISTED_NAMES.search(name) \
                    or toks[0].lower() in w.not_names or " ".join(toks[:2]).lower() in w.not_names:
                continue  # a body ("... Board"), a list, a region or sector first ("Asian Markets")
            start = end - len(name)
            if (object_marker().search(text, max(0, start - OBJECT_REACH), start) or _AGENT.search(text, max(0, start - 4), start)) \
                    and not _OWNED_BY.search(text, max(0, start - 20), start):
                continue  # the object of a preposition ("copper on the London Metal Exchange fell", "the index tracked by X has lost")
            if len(toks) < 2 and _SENTENCE_START.search(text, max(0, start - 3), start) and not _NAME_SHAPE.fullmatch(name) \
                    and not self._proper_word(name):
                continue  # one word opening a sentence may be a common word ("Miners fell 3%"; not "Rolls-Royce", "ZPHR")
            if bisect_right(known, end) > bisect_right(known, start):
                continue  # a known asset inside ("European Stoxx 600")
            short = self.by_key.get(toks[0].upper())
            if short is not None and short.id == toks[0] and short.ticker is None:
                short.id = name  # "Kettleby stock ... Kettleby Semiconductor added 6%": one company, named in full
                short.names.add(name)
                self.by_key[name.upper()] = short
                continue
            self._add(name, None, self._kind(name, start, end, None))

    def _bare_tickers(self) -> None:
        """An all-capitals word the article writes at least twice, once right before a trading or
        move verb ("VUSD fell as low as $0.9613 ... VUSD earns its yield"), or once in apposition to a
        token noun ("its governance token, VNTR, tumbled 31%"), is a ticker it trades,
        though it was never introduced in brackets: an entity, so its figures do not fall to a
        neighbouring coin. Not a word the lexicon knows, a ticker-like English word or acronym, a
        currency code, or a title, agency or data series (``not_bare_tickers``)."""
        text, w = self.text, self.w
        counts: dict[str, list[int]] = {}
        for m in _BARE_TICKER.finditer(text):
            counts.setdefault(m.group(), []).append(m.start())
        apposed = _token_apposition()  # "the protocol's governance token, VNTR, tumbled 31%"
        for tick, starts in counts.items():
            named = any(apposed.search(text, max(0, s - 30), s) and text.startswith(",", s + len(tick)) for s in starts)
            if (len(starts) < 2 and not named) or tick in w.ticker_words or tick in w.not_bare_tickers or tick in w.currency_codes \
                    or tick in w.dollar_codes or canonical_asset(tick) is not None or tick.upper() in self.by_key:
                continue
            used = next((s for s in starts if w.bare_ticker_verb.match(text, s + len(tick)) or named), None)
            if used is None:
                continue
            self._add(None, tick, self._kind(tick, used, used + len(tick), None))

    def _pair(self, base: str, quote: str) -> None:
        w = self.w
        if quote in w.dollar_codes and base not in w.currency_codes:
            if canonical_asset(base) is None and base not in w.ticker_words:
                self._add(None, base, "crypto")
            return
        kind = "fx" if base in w.currency_codes and quote in w.currency_codes else "pair"
        pair = f"{base}/{quote}"
        ent = self.by_key.get(pair) or Entity(pair, kind, None)
        ent.names.add(pair)
        self.by_key[pair] = ent

    # -- mentions ----------------------------------------------------------------------------------
    def mentions(self) -> list[AssetMention]:
        """Every mention of a registered entity and of a lexicon asset; where they overlap, the
        longer wins (a registered name containing a known one), a tie goes to the lexicon."""
        surfaces: dict[str, Entity] = {}
        context_only: dict[str, Entity] = {}
        for ent in self.by_key.values():
            for n in ent.names:
                surfaces.setdefault(n, ent)
            if ent.ticker and ent.kind not in ("fx", "pair"):
                (context_only if ent.ticker_only_in_context else surfaces).setdefault(ent.ticker, ent)
        found: list[AssetMention] = []
        for start, end in _literal_matches(self.text, surfaces, _NOT_BEFORE_SURFACE, _NOT_AFTER_SURFACE):
            text = self.text[start:end]
            found.append(AssetMention(start, end, text, surfaces[text].asset()))
        for m in _CASHTAG.finditer(self.text):
            ent = self.by_key.get(m.group("tick").upper()) or self.by_key.get(canonical_asset(m.group("tick")) or "")
            if ent is not None:
                found.append(AssetMention(m.start("tick"), m.end(), m.group("tick"), ent.asset()))
        for start, end in _literal_matches(self.text, context_only, _NOT_AFTER_OPENER, _NOT_CONTEXT_END, at_start=False):
            text = self.text[start:end]
            found.append(AssetMention(start, end, text, context_only[text].asset()))
        lexicon = [m for m in self.lexicon_mentions if not _inside(m.start, self.exchange_spans) and m.start not in self.company_words]
        return _merge(lexicon, found)


_CAPITAL_BEFORE = re.compile(r"(?<![\w.’'-])([A-Z][a-z]+) \Z")  # "Anvil " right before a mention
LINE_READ = 300  # characters of the mention's line read either side to tell prose from a title-case headline


def _company_word(text: str, m: AssetMention) -> bool:
    """Whether the commodity mention ``m`` (or a token's name that is an English word, ``word_names``:
    "Cobalt Quant") is the last word of a company's name: capitalized, right after
    another capitalized word that is no modifier of the commodity (``entities.json`` commodity_modifiers:
    "Anvil Copper added 3.6pc"; not "Spot Gold", "Comex Copper"), on a line written in prose (a
    title-case headline capitalizes all; at most ``LINE_READ`` characters of the line either side are read).

    >>> t = "Miners rallied, and Anvil Copper added 3.6pc as spot Gold slipped."
    >>> [_company_word(t, m) for m in find_assets(t)]
    [True, False]
    """
    if not m.text[:1].isupper() or (m.asset.kind != "commodity" and m.text not in word_names()):
        return False
    before = _CAPITAL_BEFORE.search(text, max(0, m.start - 24), m.start)
    if before is None or before.group(1) in words().commodity_modifiers:
        return False
    line_start = text.rfind("\n", max(0, m.start - LINE_READ), m.start) + 1  # (at most LINE_READ back: time stays linear)
    line_end = text.find("\n", m.end, m.end + LINE_READ)
    found = _LINE_WORD.findall(text, max(line_start, m.start - LINE_READ), line_end if line_end >= 0 else min(len(text), m.end + LINE_READ))
    return sum(w[:1].islower() for w in found) * 2 >= len(found)  # prose: half its words in lower case


_LINE_WORD = re.compile(r"[A-Za-z][\w’'-]*")
_NOT_BEFORE_SURFACE = re.compile(r"[\w$&/]")  # a name or ticker starts a word
_NOT_AFTER_SURFACE = re.compile(r"[\w&]|/[A-Z]")  # and ends one ("BTC/USDT" is a pair)
_NOT_AFTER_OPENER = re.compile(r"[^($]")  # a ticker only in context: "(LINK)", "$LINK"
_NOT_CONTEXT_END = re.compile(r"(?!\)|\b)")


def _literal_matches(text: str, words_, not_before: re.Pattern, not_after: re.Pattern,
                     at_start: bool = True) -> list[tuple[int, int]]:
    """Spans of ``re.finditer`` over ``text`` of ``(?<!B)(?:w1|w2|...)(?!A)`` for literal words
    tried longest first (``alternation``'s trie), where ``not_before`` matches B on the character
    before (``at_start``: whether a match may open the text) and ``not_after`` matches A after:
    each word found with ``str.find`` instead of a pattern compiled per article.

    >>> _literal_matches("BTC and BTCD, xBTC, BTC/USDT", ["BTC", "BTCD"], _NOT_BEFORE_SURFACE, _NOT_AFTER_SURFACE)
    [(0, 3), (8, 12)]
    """
    at: dict[int, list[int]] = {}
    for w in words_:
        if not w:
            continue
        n, i = len(w), text.find(w)
        while i >= 0:
            at.setdefault(i, []).append(n)
            i = text.find(w, i + 1)
    out: list[tuple[int, int]] = []
    last = 0
    for p in sorted(at):
        if p < last or (not_before.match(text, p - 1) if p > 0 else not at_start):
            continue
        for n in sorted(at[p], reverse=True):
            if not not_after.match(text, p + n):
                out.append((p, p + n))
                last = p + n
                break
    return out


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``pos`` falls in one of ``spans`` (sorted, not overlapping): a binary search, so a
    page listing thousands of exchange prefixes stays linear.

    >>> [_inside(p, [(2, 5), (9, 12)]) for p in (1, 2, 4, 5, 9, 12)]
    [False, True, True, False, True, False]
    """
    i = bisect_right(spans, (pos, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def _merge(lexicon_mentions: list[AssetMention], registered: list[AssetMention]) -> list[AssetMention]:
    """Non-overlapping mentions, longest first at each place (ties to the lexicon), left to right."""
    ranked = sorted([(m, 0) for m in lexicon_mentions] + [(m, 1) for m in registered],
                    key=lambda x: (x[0].start, -(x[0].end - x[0].start), x[1]))
    out: list[AssetMention] = []
    for m, _ in ranked:
        if out and m.start < out[-1].end:
            continue
        out.append(m)
    return out


def article_assets(text: str, lower_words: frozenset[str] | None = None) -> list[AssetMention]:
    """Every asset mention of ``text``: lexicon assets and the entities the article introduces
    (``lower_words``: the words ``text`` writes in lower case, when the caller has them)."""
    return Registry(text, lower_words).mentions()
