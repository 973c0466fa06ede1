"""``percent_move`` facts (spec FACTS.md): a signed percent change of a named asset.

Every percent of the doc is a candidate. The percents of a sentence go through five stages:

1. **group**: percents joined only by "and", "or", "to", a comma or a dash form a group ("5% and
   7% below their highs, respectively", "between 20% and 35%"); a percent written before a
   metric's name ("2% market depth") never joins the percents before it;
2. **block** (``blockers()``, the first rule that fires vetoes the group): a teaser line or a
   hashtag line, a metric's name right after the percent, a Fibonacci ratio ("the 61.8% Fib
   retracement"), a quote chip ("Acme ( ACME -1.1% )"), a table column whose header is a quantity
   ("AUM % Change"), the change of an amount written before it ("$58.6 million, a 32% increase"),
   words right after it that make it a share, odds, a rate, a tax ... (``not_a_move_after`` in
   ``data/move_lexicon.json``, one rule each), or a level ("climbed *to* 48%", "up *from* 33%");
3. **sign** (``SIGNS``, the first that fires): an explicit +/-, a cue word right after the percent
   ("19% higher", "a 23% drop"), a cue word shortly before it ("slid 1.1%", "down 6%"), for a
   list of names with percents in parentheses the verb after it or a gainers/losers header before it
   ("PEPE (12%), WIF (9%) all fell", "Top gainers: SUI (12%)"), or in an elliptical list ("..., Acme
   by 6%", "X fell 3% and Y 2%") the sign of the sentence's previous move; a group without a sign is
   dropped;
4. **subject** (``move_subjects``): what the clause says moved, by rules where the clause is plain
   and by the dependency parse where it is not: the subject of the verb, the owner of a change
   noun ("a 5% drop *in X*"), one move per conjunct ("X and Y both fell 7%"); "the stock", "its
   shares", "it" refer back to an asset of their kind ("it" after a semicolon skips names in a side
   clause; "they" / "the two metals" refer back to the latest list of names that moved; "the latest
   pullback" is an episode of the running asset); a quantity (open interest, volume, supply,
   revenue ...) is no move of an asset (``move.blocked.quantity``); no asset, no subject -- never
   a default coin. A group of ``n`` percents with ``n`` subjects pairs them in order
   ("respectively"). Then ``VETOES`` (the first that fires vetoes the percent): without a parse, a
   measure word between the nearest name and the percent ("ether's dominance over ... rose 2%");
   a forecast word ("could fall 10%");
5. **emit**: the fact with the period phrase of its own clause and its reference point, made by the
   sign rule.

A percent another type takes (a dominance, a market-cap change) is settled by the resolver:
metrics outrank moves.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import asdict, dataclass, replace

from spacy.language import Language

from extractor.data import alternation, compiled, lexicon, pattern_alternation
from extractor.facts.attribution import counter_side, fx_pair, grounding, is_dollar, quoted_in_dollars
from extractor.facts.candidates import Candidate, Claim
from extractor.facts.component import Proposal
from extractor.facts.doc import FinDoc, Percent, Sentence
from extractor.facts.entities import words as entity_words
from extractor.facts.figures import written_scale
from extractor.facts.grammar import ParsingComponent, any_parsed, parsed, requested
from extractor.facts.lazy import lazy
from extractor.facts.move_subjects import (Found, Mention, Place, Run, distinct, listed, listed_after, mentions, plural_count, plural_referents, subject_at,
                                          subject_cues)
from extractor.facts.rules import NO_TRACE, Rule, Table, Trace, outcome
from extractor.facts.windows import MAX_WINDOW, clause_before, table_headers, table_row
from extractor.normalize.periods import finditer_periods
from extractor.records import PercentMoveFact

TYPE = "percent_move"


@dataclass(frozen=True)
class Config:
    reach: int = MAX_WINDOW  # characters a window reaches from a percent (names before it, cue words after it)
    tail_words: int = 8  # words before a group in which its sign cue may stand
    window_words: int = 4  # words before a group read for measure/forecast words when the subject is not between
    owner_reach: int = 40  # characters before the subject in which "of"/"in" makes the figure a metric of it
    object_reach: int = 25  # characters before a name in which a preposition or comparison makes it an object
    ellipsis_by_words: int = 7  # "..., Acme by 6%": at most this many words since the previous group
    ellipsis_list_words: int = 5  # "up 4% on the day and 12% for the month": at most this many words since it
    fronted_words: int = 4  # a percent after at most this many words may take a name after it ("Down 5%, bitcoin ...")
    opening_chars: int = 3  # a percent this close to the sentence start falls back to the running subject
    running_sents: int = 3  # earlier sentences a running subject ("it") carries over
    anaphor_sents: int = 8  # earlier sentences in which "the stock", "the fund", "the token" look for what they refer to
    fib_reach: int = 40  # characters around a Fibonacci ratio in which a Fibonacci word makes it one
    parser_model: str = ""  # the spaCy model whose parser reads the sentences rules cannot decide ("": rules only)


# --- the lexicon, compiled once ---------------------------------------------------------------

@dataclass(frozen=True)
class Cues:
    """What the block, sign and veto stages read (``data/move_lexicon.json``)."""

    joiner: re.Pattern  # between two percents of one group
    metric_name: re.Pattern
    yield_words: re.Pattern  # a bond, yield or spread: a basis-point change after it is theirs
    not_a_move_after: tuple[tuple[str, re.Pattern], ...]  # (rule name, pattern)
    any_not_a_move_after: re.Pattern  # all of them at once (a quick pre-check)
    discount: re.Pattern  # "a 30% discount to its all-time high": a move when a peak follows
    gainers: re.Pattern  # a gainers header ("Top gainers:") before a list of names with percents
    losers: re.Pattern  # a losers header
    of_own_value: re.Pattern
    level_before: re.Pattern
    range_before: re.Pattern
    neg_before: re.Pattern
    pos_before: re.Pattern
    after_cue: re.Pattern  # a fall/rise word right after a percent (group "cue")
    neg_after: frozenset[str]
    forecast: re.Pattern
    measure: re.Pattern
    reference: re.Pattern
    ref_names: dict[str, str]
    fibonacci: re.Pattern
    fib_ratios: frozenset[float]
    clause_break: re.Pattern  # where a clause ends: a period phrase beyond it is another clause's
    change_nouns: frozenset[str]  # cue words after a percent that are nouns ("a 5% drop"), not adverbs ("5% lower")
    noun_to: re.Pattern  # a change noun, then "to" before the percent: "its weekly gain to 8%" states the change, not a level


def _words_re(phrases, flags=re.IGNORECASE) -> re.Pattern:
    """Any of ``phrases`` as a whole word."""
    return re.compile(rf"(?<![\w-])(?:{alternation(phrases)})(?![\w-])", flags)


def _right_after(phrases, adjs: str) -> re.Pattern:
    """``phrases`` right after a percent, maybe behind one adjective ("a 5% annual yield")."""
    return re.compile(rf"^\s*(?:(?:{adjs})\s+)?(?:{alternation(phrases)})(?![\w-])", re.IGNORECASE)


def _reference_re(lx, ref_names: dict[str, str]) -> re.Pattern:
    return re.compile(
        rf"""
        ^[^.;]{{0,25}}?                                              # a few words ("lower", "below")
        (?<![\w-])(?:{alternation(lx.reference_prepositions)})\s+   # a reference preposition
        (?:(?:{alternation(lx.reference_determiners)}|last\s+\w+['’]s|\w+['’]s)\s+)?   # a determiner
        (?:\S+\s+){{0,2}}?                                           # up to two modifiers ("2021", "all-time")
        (?P<ref>{alternation(ref_names)})(?![\w-])                   # the reference point
        """,
        re.IGNORECASE | re.VERBOSE,
    )


@compiled
def cues() -> Cues:
    """The block, sign and veto vocabulary, compiled once."""
    lx, g = lexicon("move_lexicon"), lexicon("grammar")
    approx = list(g.approximators) + list(g.additive_words)
    fillers, adjs = alternation(approx + list(lx.fillers)), alternation(lx.period_adjectives)
    stops = alternation(list(lx.stop_after) + approx + list(lx.fillers))
    ref_names: dict[str, str] = {}
    for ref, names in lx.references.items():
        for n in names:
            ref_names.setdefault(n.lower(), ref)
    flags = re.IGNORECASE
    return Cues(
        joiner=re.compile(rf"\s*(?:,|,?\s*(?:{alternation(lx.joiner_words)})|–|-)\s*", flags),
        metric_name=_right_after(lx.metric_names, adjs),
        not_a_move_after=tuple((name, _right_after(phrases, adjs)) for name, phrases in lx.not_a_move_after.items()),
        any_not_a_move_after=_right_after([w for phrases in lx.not_a_move_after.values() for w in phrases], adjs),
        of_own_value=re.compile(rf"^\s*(?:{alternation(lx.of_own_value)})\b", flags),
        gainers=_words_re(lx.list_headers.get("gainers", [])),
        losers=_words_re(lx.list_headers.get("losers", [])),
        discount=re.compile(rf"^\s*(?:{alternation(lx.discount_words)})\s", flags),
        level_before=re.compile(rf"(?<![\w-])(?:{alternation(lx.level_words)})\s+(?:(?:{fillers})\s+)*"
                                rf"(?:(?:(?:{alternation(lx.level_noun_modifiers)})\s+){{0,2}}(?:{alternation(lx.level_nouns)})\s+of\s+)?$", flags),
        range_before=re.compile(rf"(?:{alternation(lx.range_words)})\s+$", flags),
        neg_before=_words_re(lx.negative_before),
        pos_before=_words_re(lx.positive_before),
        after_cue=re.compile(
            rf"""
            \s*(?:(?:{adjs})\s+){{0,2}}                      # optional "daily", "seven-day", "sharp" ...
            (?:(?!(?:{stops})\b)[a-z][\w-]*\s+)?              # or one other lower-case word ("price"), not "as", "to" ...
            (?P<cue>{alternation(list(lx.negative_after) + list(lx.positive_after))})   # the cue word
            (?![\w-])
            """,
            flags | re.VERBOSE,
        ),
        neg_after=frozenset(w.lower() for w in lx.negative_after),
        forecast=_words_re([v for w in lx.forecast_words for v in (w, w[:1].upper() + w[1:]) if v != "May"], 0),  # not the month
        measure=_words_re(lx.measure_words),
        reference=_reference_re(lx, ref_names),
        ref_names=ref_names,
        fibonacci=re.compile(rf"(?<![\w-])(?:{alternation(lx.fibonacci_words)})(?![\w-])", flags),
        fib_ratios=frozenset(float(r) for r in lx.fibonacci_ratios),
        yield_words=re.compile(rf"(?<![\w-])(?:{pattern_alternation(lx.yield_patterns)})(?![\w-])", re.IGNORECASE),
        change_nouns=frozenset(_squash(w) for w in lx.change_nouns),
        # "extending its gain to 8%", "takes its gain over the past seven days to 17%" (a span between the noun and "to")
        noun_to=re.compile(rf"(?<![\w-])(?:{alternation([w for w in lx.change_nouns if ' ' not in w])})"
                           rf"(?:\s+(?:over|in|on|for|during|since|this|the|past|last|previous|prior|[\d-]+|[a-z]+-day|one|two|three|four|five|six|"
                           rf"seven|eight|nine|ten|days?|weeks?|months?|years?|sessions?)){{0,6}}\s+to\s+(?:(?:{fillers})\s+)*$", flags),
        clause_break=re.compile(rf";|\s[—–]\s|,\s*and\b|(?<![\w-])(?:{alternation(list(g.clause_break_words) + ['whereas'])})(?![\w-])", flags),
    )


_BY_END = re.compile(r"\bby\s*$")
_LIST_END = re.compile(r"(?:,|\band)\s*$")
_HEADING = re.compile(r"\s*#")
_EXPLICIT = "+-−–"
_WORD = re.compile(r"[\w$%’'.-]+")
_TOKEN = re.compile(r"\S+")


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip()).lower()


def _count_words(text: str) -> int:
    return len(_WORD.findall(text))


# --- stage 1: group -------------------------------------------------------------------------

@dataclass(frozen=True)
class Cue:
    """A sign cue word before a group."""

    sign: int
    start: int  # its position in the text
    end: int
    noun: bool  # a noun of change ("a decline of 5%"), not a verb ("fell 5%")


@dataclass
class Group:
    """Percents of one sentence joined only by joiner words, and the windows around them (what
    ``blockers()`` and ``SIGNS`` read)."""

    fd: FinDoc
    sent: Sentence
    items: list[Percent]
    floor: int  # end of the previous group of the sentence (or the sentence start)
    prev_sign: int | None  # sign of the sentence's latest move so far
    config: Config

    @property
    def first(self) -> Percent:
        return self.items[0]

    @property
    def last(self) -> Percent:
        return self.items[-1]

    def after(self, p: Percent) -> str:
        """The sentence after percent ``p`` (at most ``reach`` characters)."""
        return self.fd.text[p.end : min(self.sent.end_char, p.end + self.config.reach)]

    @lazy
    def left(self) -> str:
        """The text between the previous group (or the sentence start) and this one."""
        return self.fd.text[max(self.floor, self.first.start - self.config.reach) : self.first.start]

    @lazy
    def right(self) -> str:
        return self.after(self.last)

    @lazy
    def reference(self) -> str | None:
        """The reference point the group's move is measured from ("below its record high" -> peak)."""
        m = cues().reference.search(self.right)
        return cues().ref_names.get(re.sub(r"\s+", " ", m.group("ref").lower())) if m else None

    @lazy
    def ends(self) -> tuple[str, ...]:
        """The text after the first and the last percent when a word there says what else they are
        (``not_a_move_after``, but not 'of its value'); empty for most groups."""
        c = cues()
        rests = (self.after(self.first), self.right) if len(self.items) > 1 else (self.right,)
        return tuple(r for r in rests if c.any_not_a_move_after.match(r) and not c.of_own_value.match(r)
                     and not (c.discount.match(r) and self._from_peak(r)))

    @staticmethod
    def _from_peak(rest: str) -> bool:
        m = cues().reference.search(rest)
        return bool(m) and cues().ref_names.get(re.sub(r"\s+", " ", m.group("ref").lower())) in ("peak", "cycle_high")

    @lazy
    def tail_tokens(self) -> list[re.Match]:
        """The last ``tail_words`` words before the group (read from the end of ``left``: a window
        that starts inside a word drops that word, and widens until it holds enough or all of it)."""
        left, n = self.left, self.config.tail_words
        if n <= 0:
            return list(_TOKEN.finditer(left))[-n:]
        size = 16 * n
        while True:
            lo = max(0, len(left) - size)
            words = list(_TOKEN.finditer(left, lo))
            if lo and words and words[0].start() == lo and not left[lo - 1].isspace():
                words = words[1:]
            if len(words) >= n or not lo:
                return words[-n:]
            size *= 2

    @lazy
    def tail(self) -> str:
        """The last words before the group, in its own clause (a forecast word before a semicolon or
        ", while" belongs to another clause: "Acme said it would buy more; the stock fell 9%", "after
        Acme cut its forecast, while Beta rose 11%")."""
        cut = 0  # where the last clause of ``left`` starts (a break ends with a space: no word straddles it)
        for m in _main_clause_break().finditer(self.left):
            cut = m.end()
        return " ".join(t.group() for t in self.tail_tokens if t.start() >= cut)

    @lazy
    def is_range(self) -> bool:
        """'between 20% and 35%'."""
        return bool(cues().range_before.search(self.left))

    @lazy
    def after_word(self) -> str | None:
        """The fall/rise word right after the group ("lower", "drop"), lower case."""
        m = cues().after_cue.match(self.right)
        return m.group("cue").lower() if m else None

    @lazy
    def after_sign(self) -> int | None:
        if self.after_word is None:
            return None
        return -1 if self.after_word in cues().neg_after else 1

    @lazy
    def noun_to_sign(self) -> int | None:
        """A change noun, then "to" right before the group ("taking its losses this year to 31%",
        "extending its gain to 8%"): the sign of the noun (a running total of the change)."""
        m = cues().noun_to.search(self.left)
        if m is None:
            return None
        return -1 if m.group().split()[0].lower() in cues().neg_after else 1

    @lazy
    def cue_before(self) -> Cue | None:
        """The last fall/rise word among the last ``tail_words`` words before the group (the longer
        one when two end together)."""
        if not self.tail_tokens:
            return None
        lo = self.first.start - len(self.left) + self.tail_tokens[0].start()
        best = None
        for sign, pat in ((-1, cues().neg_before), (1, cues().pos_before)):
            for m in pat.finditer(self.fd.text, lo, self.first.start):
                if _REPORTS.match(self.fd.text, m.end()) and not self._label(m):
                    continue  # "added that staking yields of about 7% ...": a reporting verb, not a rise
                if best is None or m.end() > best[2] or (m.end() == best[2] and m.start() < best[1]):
                    best = (sign, m.start(), m.end())
        if best is None:
            return None
        return Cue(best[0], best[1], best[2], _squash(self.fd.text[best[1] : best[2]]) in cues().change_nouns)

    def _label(self, cue: re.Match) -> bool:
        """A change noun labelling the figure its colon is followed by at once ("Weekly gain: 1.5%")."""
        return _LABEL_COLON.fullmatch(self.fd.text, cue.end(), self.first.start) is not None \
            and _squash(cue.group()) in cues().change_nouns

    def explicit(self, p: Percent) -> bool:
        return self.fd.text[p.start] in _EXPLICIT


_REPORTS = re.compile(r"\s+that\b|\s*:")  # a cue word followed by a reported clause ("added that", "added:")
_LABEL_COLON = re.compile(r"\s*:\s*")  # a cue word whose colon the figure follows at once: a label ("Weekly gain: 1.5%")


def sentence_groups(fd: FinDoc, sent: Sentence, items: list[Percent], reach: int) -> list[list[Percent]]:
    """``items`` (the percents of ``sent``) split into groups: a percent joins the previous one when
    only a joiner stands between them and it is not written before a metric's name."""
    c, text = cues(), fd.text
    groups: list[list[Percent]] = []
    for p in items:
        if groups and c.joiner.fullmatch(text, groups[-1][-1].end, p.start) \
                and not c.metric_name.match(text[p.end : min(sent.end_char, p.end + reach)]):
            groups[-1].append(p)
        else:
            groups.append([p])
    return groups


# --- stage 2: block -------------------------------------------------------------------------

def _said_after(pattern: re.Pattern):
    """Words right after the group's first or last percent (but not 'of its value')."""
    return lambda g: any(pattern.match(rest) for rest in g.ends)


@compiled
def _swing() -> re.Pattern:
    """"swung between a 4% loss and a ", "oscillated between " (move_lexicon swing_verb_patterns): the
    percents after it are the ends of a swing, not a move."""
    verbs = pattern_alternation(lexicon("move_lexicon").swing_verb_patterns)
    return re.compile(rf"(?:{verbs})\s+between\s+"
                      r"(?:an?\s+)?(?:[+-]?\d[\d.,]*\s*(?:%|percent|per\s+cent)\s+(?:\w+\s+){0,2}and\s+(?:an?\s+)?)?$", re.IGNORECASE)


SWING_REACH = 80  # characters before a percent where the swing verb and "between" are looked for


def _swing_end(g: Group) -> bool:
    """A percent that is one end of a swing within a session ('swung between a 4% loss and a 3% gain')."""
    start = g.first.start
    return _swing().search(g.fd.text, max(g.sent.start_char, start - SWING_REACH), start) is not None


def _is_level(g: Group) -> bool:
    c = cues()
    return bool(c.level_before.search(g.left)) and not g.is_range and not c.after_cue.match(g.right) \
        and not c.noun_to.search(g.left)


_AFTER_DOCS = {
    "share": "a share or stake: '8% of the supply', 'a 20% stake', '40% allocation'",
    "odds": "odds or a probability: 'a 38% chance', '70% probability'",
    "rate": "a rate, yield or margin: '4% yield', '5% APY', '12% annually', 'a 0.25% cut'",
    "tax": "a tax, tariff or fee: 'a 15% levy', '0.1% fees'",
    "economy": "an economic figure: '3% inflation', '2% growth in ...'",
}


def _fibonacci(g: Group) -> bool:
    """A standard Fibonacci ratio with a Fibonacci word close by ('the 61.8% Fib retracement')."""
    c, text, reach = cues(), g.fd.text, g.config.fib_reach
    for p in g.items:
        if any(abs(abs(p.value) - r) < 0.05 for r in c.fib_ratios):
            lo, hi = max(g.sent.start_char, p.start - reach), min(g.sent.end_char, p.end + reach)
            if c.fibonacci.search(text, lo, hi):
                return True
    return False


_BPS = re.compile(r"bps?\b|basis", re.IGNORECASE)
_YIELD_CLAUSE_CUT = re.compile(r"[,;]|\b(?:and|while|whereas|but)\b")
YIELD_READ = 60  # characters of the clause before a basis-point change read for the yield it belongs to


def _yield_bps(g: Group) -> bool:
    """A change in basis points with a bond, yield, spread or tenor (or a yield in percent) before it in its clause."""
    text = g.fd.text
    if not any(_BPS.search(text, p.start, p.end) for p in g.items):
        return False
    lo = max(g.sent.start_char, g.first.start - len(clause_before(g.fd, g.first.start)), g.first.start - YIELD_READ)
    for cut in _YIELD_CLAUSE_CUT.finditer(text, lo, g.first.start):  # "the 10-year yield fell 6 bps, and bitcoin fell 250 bps"
        lo = cut.end()
    named = g.fd.assets.within(lo, g.first.start)
    return any(not any(a.start <= m.start() < a.end for a in named) and not _in_name(text, m)
               for m in cues().yield_words.finditer(text, lo, g.first.start))


def _in_name(text: str, m: re.Match) -> bool:
    """A capitalized word next to another: part of a name ("the Northgate High *Yield* *Bond* ETF fell 40 bps" is the
    fund's move), not an acronym ("UST", "JGB").

    >>> [_in_name(t, re.search(r"Yield|Bond|UST|yield", t)) for t in ("the High Yield Bond ETF", "UST 2y", "the 10-year yield")]
    [True, False, False]
    """
    word = m.group()
    if not word[:1].isupper() or word.isupper():
        return False
    before, after = text[max(0, m.start() - 30) : m.start()].split(), text[m.end() : m.end() + 30].split()
    return bool((before and before[-1][:1].isupper()) or (after and after[0][:1].isupper()))


_CHIP_LEFT = re.compile(r"\(\s*[A-Z][A-Z0-9.]{0,5}\s*$")


def _quote_chip(g: Group) -> bool:
    """A quote chip: a ticker and its signed change in parentheses after a name ('Acme ( ACME -1.10% )')."""
    text = g.fd.text
    return len(g.items) == 1 and g.explicit(g.first) and bool(_CHIP_LEFT.search(text, max(0, g.first.start - 12), g.first.start)) \
        and text[g.first.end : g.first.end + 3].lstrip().startswith(")")


_AFTER_AMOUNT = re.compile(r",\s*(?:a|an)\s+(?:[a-z]+\s+){0,2}$")


@compiled
def _up_after_amount() -> re.Pattern:
    """", up" / ", down by about" right before the percent (grammar.json approximators)."""
    return re.compile(rf",\s*(?:up|down)\s+(?:by\s+)?(?:(?:{alternation(lexicon('grammar').approximators)})\s+)?$", re.IGNORECASE)
_COUNT = re.compile(r"(?<![\w.,])\d[\d,.]*\s+(?P<unit>[a-z]+s)\b")
AMOUNT_TAIL = 60  # characters of a phrase that may stand between the amount and ", up": "for the three months to December 31"
# what the amount is of or when: "$148.6 million for the three months to December 31, up 41%", "$2.1 billion in sales, up 35%"
_AMOUNT_TAIL = re.compile(rf"\s+(?:for|in|during|over|through|across)\s[^,;:\n%]{{1,{AMOUNT_TAIL}}}")


def _amount_change(g: Group) -> bool:
    """A change noun set after an amount or a count, which is what changed: '$58.6 million, a 32% increase';
    '950 coins, a 37% decrease' (not a price: 'to $3,500, a 4% gain'); or "up"/"down" after an amount of
    millions or more, or after such an amount and the phrase saying when or of what ('for the quarter'):
    'revenue of $2.1 billion, up 35% from a year earlier' (not '$84.6K, up 2%')."""
    m = _AFTER_AMOUNT.search(g.left)
    if m is None:
        m = _up_after_amount().search(g.left)
        if m is None:
            return False
        comma = g.first.start - len(g.left) + m.start()
        lo = max(g.sent.start_char, comma - 40 - AMOUNT_TAIL)
        return any(x.scaled and written_scale(g.fd.text[x.start : x.end]) > 1e3
                   and (x.end == comma or _AMOUNT_TAIL.fullmatch(g.fd.text, x.end, comma) is not None)
                   for x in g.fd.money.within(lo, comma))
    if (g.after_word or "") not in cues().change_nouns:
        return False
    comma = g.first.start - len(g.left) + m.start()
    lo = max(g.sent.start_char, comma - 40)
    if any(x.scaled and x.end <= comma for x in g.fd.money.within(lo, comma)):
        return True
    count = None
    for count in _COUNT.finditer(g.fd.text, lo, comma):
        pass
    return count is not None and count.group("unit") not in _NOT_UNITS


_NOT_UNITS = frozenset({"points", "pips", "cents", "basis", "percent", "years", "months", "weeks", "days", "hours", "times"})


def _table_quantity(g: Group) -> bool:
    """A percent in a table column whose header names a quantity ('AUM % Change', 'Flows % of Assets'),
    or, in a stablecoin's row, a change column right after a quantity's ('| USDT | $192.7B | +1.1% |'
    under '| Stablecoin | Market cap | 30-day change |'): a pegged coin's market value changes with its
    supply, not its price."""
    fd = g.fd
    row = table_row(fd, g.first.start)
    if row is None:
        return False
    if cues().measure.search(row.header):
        return True
    headers = table_headers(fd, g.first.start)
    column = len(row.cells)
    if not 0 < column <= len(headers) or not cues().measure.search(headers[column - 1]):
        return False
    pegged = {code.upper() for code in entity_words().dollar_codes}
    return any((a.asset.key or a.asset.id).upper() in pegged for a in fd.assets.within(row.cells[0][0], row.cells[0][1]))


@compiled
def blockers() -> Table:
    """The group blockers, in order (one rule per ``not_a_move_after`` entry of the lexicon)."""
    c = cues()
    rules = [
        Rule("move.blocked.heading", "a line that opens with '#' (a hashtag post or a heading the cleaner kept), not body text",
             lambda g: bool(_HEADING.match(g.sent.text))),
        Rule("move.blocked.metric_name", "the percent is part of a metric's name written right after it ('2% market depth', "
             "'58% dominance')", lambda g: bool(c.metric_name.match(g.after(g.last)))),
        Rule("move.blocked.fibonacci", "a Fibonacci ratio, not a move: 'the 61.8% Fib retracement', 'the 38.2% Fibonacci level'",
             _fibonacci),
        Rule("move.blocked.quote_chip", "a quote chip after a name, a ticker and its change in parentheses: 'Acme ( ACME -1.10% )'",
             _quote_chip),
        Rule("move.blocked.table_quantity", "a table column whose header names a quantity: 'AUM % Change', 'Volume %'; or a "
             "stablecoin's change right after its market cap or supply ('| USDT | $192.7B | +1.1% |')",
             _table_quantity),
        Rule("move.blocked.yield_bps", "a change in basis points of a bond yield or spread named before it in its clause ('the "
             "10-year yield fell 6 bps', 'UST 2y 3.55% (-2.7bp)'): a yield's change, never a move", _yield_bps),
        Rule("move.blocked.amount_change", "the change of an amount or count written right before it: '$58.6 million, a 32% "
             "increase', '950 coins, a 37% decrease', '$2.1 billion, up 35%'", _amount_change),
        Rule("move.blocked.swing", "one end of a swing within a session: 'swung between a 4% loss and a 3% gain', "
             "'oscillated between 2% down and 1% up'", _swing_end),
    ]
    for name, pattern in c.not_a_move_after:
        doc = _AFTER_DOCS.get(name, f"the words right after the percent say it is {name.replace('_', ' ')}")
        rules.append(Rule(f"move.blocked.{name}", f"words right after the percent make it {doc}", _said_after(pattern)))
    rules.append(Rule("move.blocked.level", "a level, not a change: 'climbed to 48%', 'up from 33%', 'down from a prior range "
                      "of 5%' (unless a cue word follows: "
                      "'to trade 19% higher', or a change noun comes before 'to': 'extending its gain to 8%')", _is_level))
    return Table("move.block", rules)


# --- stage 3: sign --------------------------------------------------------------------------

@dataclass
class Member:
    """One percent of a group (what ``SIGNS`` reads)."""

    group: Group
    percent: Percent
    explicit: bool  # a sign written on the percent


def _ellipsis(m: Member):
    """'..., Acme by 6%', 'up 4% on the day and 12% for the month': the sentence's previous sign."""
    g, cfg = m.group, m.group.config
    if g.prev_sign is None or g.cue_before is not None:
        return None
    by = _BY_END.search(g.left) and _count_words(g.left) <= cfg.ellipsis_by_words
    listed = _LIST_END.search(g.left) and _count_words(g.left) <= cfg.ellipsis_list_words
    return g.prev_sign if by or listed or _and_name(g) or _LIST_ITEM.match(g.left) else None


# "PEPE (12%), WIF (9.5%) and BONK (7%)": the next item of a list of names with percents in parentheses
_LIST_ITEM = re.compile(r"\s*\)\s*(?:,\s*(?:and\s+)?|and\s+)(?:the\s+)?\$?[A-Z][\w&.’'-]*(?: [A-Z0-9][\w&.’'-]*){0,3}\s*\(\s*$")


# (a short phrase of time may stand between the last percent and "and": "lost 6.8% over the week and WTI 7.4%")
_AND_NAME = re.compile(r"(?:^|,|^\s*(?:over|in|on|for|during)\s+(?:the\s+|this\s+|last\s+)?[a-z-]+(?:\s+[a-z-]+)?)\s*and\s+(?:the\s+)?"
                       r"(?P<rest>[^\s,;][^,;]{0,40}?)\s*$")


def _and_name(g: Group) -> bool:
    """'X fell 3% and Y 2%': a name right after 'and', then the percent, no verb."""
    m = _AND_NAME.search(g.left)
    if not m or _count_words(m.group("rest")) > g.config.ellipsis_list_words:
        return False
    a = g.first.start - len(g.left) + m.start("rest")
    b = a + len(m.group("rest"))
    return any(x.start == a and x.end == b for x in mentions(g.fd).within(a, b)) or bool(_NAME_ONLY.fullmatch(m.group("rest")))


_NAME_ONLY = re.compile(r"[A-Z][\w&.’'-]*(?: [A-Z0-9][\w&.’'-]*){0,3}")


# "PEPE (12%), WIF (9.5%) and BONK (7%) all fell": the rest of a list of names with percents in parentheses
_LIST_REST = re.compile(r"\s*\)(?:\s*(?:,\s*(?:and\s+)?|and\s+)(?:the\s+)?\$?[A-Z][\w&.’'-]*(?: [A-Z0-9][\w&.’'-]*){0,3}"
                        r"\s*\(\s*[+\-−–]?\d+(?:\.\d+)?%\s*\))*\s*(?:(?:all|each|both|have|had|were|are)\s+){0,2}")
_LIST_SPAN = 1500  # characters a list of names with percents is read over (bounded: time stays linear in the text)
_NAME_PAREN = re.compile(r"\$?[A-Z][\w&.’'-]*(?: [A-Z0-9][\w&.’'-]*){0,3}\s*\(\s*$")


def _list_verb(m: Member):
    """'PEPE (12%), WIF (9.5%) and BONK (7%) all fell': the verb after a list of names with percents in
    parentheses gives their sign (the first item; the next ones take it as an elliptical list)."""
    g = m.group
    if g.cue_before is not None or len(g.items) > 1 or not _NAME_PAREN.search(g.left):
        return None
    text = g.fd.text
    rest = _LIST_REST.match(text, g.first.end, min(g.sent.end_char, g.first.end + _LIST_SPAN))
    if rest is None:
        return None
    c = cues()
    for sign, pat in ((-1, c.neg_before), (1, c.pos_before)):
        if pat.match(text, rest.end(), g.sent.end_char):
            return sign
    return None


def _list_header(m: Member):
    """'Top gainers: SUI (12%), SEI (9%)', 'the biggest losers were X (8%) and Y (6%)': a gainers or
    losers header before a list of names with percents in parentheses gives their sign."""
    g = m.group
    if g.cue_before is not None or len(g.items) > 1 or not _NAME_PAREN.search(g.left):
        return None
    text, c = g.fd.text, cues()
    head = text[max(g.sent.start_char, g.first.start - _LIST_SPAN) : g.first.start]
    for sign, pat in ((-1, c.losers), (1, c.gainers)):
        if pat.search(head):
            return sign
    return None


SIGNS = Table("move.sign", [
    Rule("move.sign.explicit", "a sign written on the percent: '+37%', '-12%'", lambda m: m.explicit),
    Rule("move.sign.cue_after", "a fall or rise word right after the percent: '19% higher', 'a 23% drop'",
         lambda m: m.group.after_sign),
    Rule("move.sign.cue_before", "a fall or rise word shortly before the percent: 'slid 1.1%', 'down 6%'",
         lambda m: m.group.cue_before.sign if m.group.cue_before else None),
    Rule("move.sign.noun_to", "a change noun, then 'to' right before the percent: 'taking its losses this year to 31%', "
         "'extending its gain to 8%' (the noun's sign)", lambda m: m.group.noun_to_sign),
    Rule("move.sign.list_verb", "a list of names with percents in parentheses, its verb after it: 'PEPE (12%), WIF (9.5%) and "
         "BONK (7%) all fell'", _list_verb),
    Rule("move.sign.list_header", "a gainers or losers header before a list of names with percents in parentheses: 'Top gainers: "
         "SUI (12%), SEI (9%)'", _list_header),
    Rule("move.sign.ellipsis", "no cue of its own, in an elliptical list: '..., Acme by 6%', 'X fell 3% and Y 2%', 'X (4%), "
         "Y (3%)' take the previous move's sign",
         _ellipsis),
])

NO_SIGN = outcome("move.dropped.no_sign", "no sign: no +/- on the percent and no fall or rise word next to it")


# --- stage 4: subject (``move_subjects``) -------------------------------------------------------

def _noun_cue(m: Member, fired) -> bool:
    """Whether the member's sign came from a noun of change ("a 5% drop", "a decline of 5%")."""
    g = m.group
    if fired.id == "move.sign.cue_after":
        return (g.after_word or "") in cues().change_nouns
    if fired.id == "move.sign.cue_before" and g.cue_before is not None:
        return g.cue_before.noun
    return False


def _place(g: Group, p: Percent, m: Member, fired, run: Run) -> Place:
    cue = g.cue_before.start if g.cue_before and fired.id == "move.sign.cue_before" else None
    return Place(g.fd, g.sent, p.start, p.end, cue, m.explicit, _noun_cue(m, fired), g.config, run)


def _respectively(g: Group, n: int) -> list[Mention] | None:
    """Without a parse: the last ``n`` distinct names before a "respectively" group or a written list."""
    before = distinct(mentions(g.fd).within(max(g.sent.start_char, g.first.start - g.config.reach), g.first.start))
    if len(before) >= n and ("respectively" in g.right.lower() or listed(g.fd, before[-n:])):
        return before[-n:]
    return None


def _each_moved(g: Group, names: tuple[Mention, ...]) -> bool:
    """Every one of ``names`` stands in the sentence right before ``g``'s and a percent follows it
    before the next name (or that sentence's end): the names a one-percent plural subject ("Both
    benchmarks have shed 6%") may stand for are those the sentence before gave moves."""
    if g.sent.i == 0:
        return False
    prev = g.fd.sentences[g.sent.i - 1]
    ends = [m.start for m in names[1:]] + [prev.end_char]
    return all(prev.start_char <= m.start and g.fd.percents.within(m.end, end) for m, end in zip(names, ends))


def group_subjects(g: Group, members: list[Member], signs: list, run: Run) -> list[Found]:
    """The subjects of each member. A group of ``n`` percents with ``n`` subjects pairs them in order
    ("X and Y rose 2% and 3%", "... respectively"); with one subject, every percent is its (a range:
    each percent on its own); one percent with several subjects is a move of each ("X and Y both
    fell 7%")."""
    n = len(members)
    if n == 1 and not g.is_range:
        pl = _place(g, g.first, members[0], signs[0], run)
        found = subject_at(pl)
        if len(found.subjects) < 2 and (count := plural_count(pl) or 0) >= 2 and (back := plural_referents(pl, count)) \
                and _each_moved(g, back):
            return [Found(back, f"a plural subject: each of the {count} names of the sentence before, which moved, moved by the percent")]
        return [found]
    if g.is_range:
        return [subject_at(_place(g, m.percent, m, f, run)) for m, f in zip(members, signs)]
    shared = subject_at(_place(g, g.first, members[0], signs[0], run))
    k = len(shared.subjects)
    if k == n:
        run.remember_list(shared.subjects)
        return [replace(shared, subjects=(s,), how=f"{shared.how}, paired in order") for s in shared.subjects]
    if shared.quantity:  # "X and Y trade volume fell 11% and 7%": quantities, whatever names precede them
        return [shared] * n
    back = plural_referents(_place(g, g.first, members[0], signs[0], run), n)
    if back:  # "they", "the three coins": the names of the list before, in order
        return [Found((s,), "a plural subject: the names of the list before, in order") for s in back]
    paired = _respectively(g, n)
    if paired:
        run.remember_list(tuple(paired))
        return [Found((s,), "paired in order") for s in paired]
    after = listed_after(g.fd, g.last.end, min(g.sent.end_char, g.last.end + g.config.reach), n)
    if after:  # "gains of 3.4% and 2.9% for A and B, respectively"
        return [Found((s,), "paired in order with the names listed after the percents") for s in after]
    if k != 1:  # as many subjects as percents is the only pairing to trust
        return [Found((), f"{k} subjects for {n} percents")] * n
    return [shared] * n


NO_SUBJECT = outcome("move.dropped.no_subject", "no asset, alias or name is what moved (nor an asset a pronoun refers to): "
                     "'the market rose 2%', 'it fell 5%' with nothing named before")
QUANTITY = outcome("move.blocked.quantity", "what moved is a quantity of an asset, not its price: 'open interest in ether "
                   "futures fell 9%', 'the number of large wallets grew 2%', 'revenue rose 88%'")


@dataclass
class Attribution:
    """A member with its subject (what ``VETOES`` reads)."""

    member: Member
    subject: Mention
    grammatical: bool = False  # found as what the clause says moved (rules or parse), not as the nearest name

    @lazy
    def window(self) -> str:
        """The words between the subject and the group (after an appositive's comma), plus the
        words before the subject when it is the object of "of"/"in" ("open interest in X")."""
        g, s = self.member.group, self.subject
        text, cfg = g.fd.text, g.config
        if g.sent.start_char <= s.end <= g.first.start:
            window = text[max(s.end, g.first.start - cfg.reach) : g.first.start]
        else:
            window = " ".join(t.group() for t in g.tail_tokens[-cfg.window_words :])
        window = window.rsplit(",", 1)[-1]  # skip an appositive: "Acme, the largest lender in the region, sank 8%"
        lead = text[max(g.sent.start_char, s.start - cfg.owner_reach) : s.start]
        if subject_cues().owner_lead.search(lead):
            window = " ".join(_TOKEN.findall(lead)[-cfg.window_words :]) + " " + window
        return window


@compiled
def _main_clause_break() -> re.Pattern:
    """Where a new clause starts: a semicolon, colon or dash, a comma before "but"/"while"
    (grammar.json clause_break_words), or a comma and "and" before a capitalised word, the subject
    of a clause of its own ("... after a weak forecast, and Costco fell 2.7%")."""
    words = alternation(lexicon("grammar").clause_break_words)
    return re.compile(rf"(?<!&[A-Za-z])[;:]\s|\s[—–]\s|,\s+(?:{words})\s|,\s+and\s(?-i:(?=[A-Z]))", re.IGNORECASE)


def _forecast(a: Attribution) -> bool:
    c = cues()
    return not a.member.explicit and bool(c.forecast.search(a.window) or c.forecast.search(a.member.group.tail))


VETOES = Table("move.veto", [
    Rule("move.blocked.measure_word", "a word between the subject and the percent says it measures something else: "
         "'ether's dominance rose 2%', 'open interest in ether futures dropped 9%'",
         lambda a: not a.grammatical and bool(cues().measure.search(a.window))),
    Rule("move.blocked.hypothetical", "a forecast word between the subject and the percent: 'could fall 10%', 'expected to "
         "rise 5%' (not for a percent written with its sign)", _forecast),
])


# --- stage 5: emit --------------------------------------------------------------------------

class Periods:
    """The period phrases of one sentence, read on first use, and the positions of its percents."""

    def __init__(self, sent: Sentence, items: list[Percent], text: str):
        self.sent = sent
        self.full_text = text
        self.pct_starts = [p.start for p in items]
        self.pct_ends = [p.end for p in items]

    @lazy
    def spans(self) -> list[tuple[int, int, str]]:
        return list(finditer_periods(self.sent.text, self.sent.start_char, of_moves=True))

    @lazy
    def starts(self) -> list[int]:
        return [s for s, _, _ in self.spans]

    def of(self, start: int, end: int) -> str | None:
        """The period of a group at ``start:end``: the nearest period phrase of its clause between the
        neighbouring percents of the sentence; else the sentence's one period phrase when it opens the
        sentence before any percent, in the same clause ("Over the past week, ..."; not "After four
        days of losses, ..." nor "X climbed for four days, while Y slid 2%")."""
        text, breaks = self.text, cues().clause_break
        i = bisect_left(self.pct_ends, start + 1) - 1  # the percent that ends last at or before start
        lo = self.pct_ends[i] if i >= 0 else self.sent.start_char
        j = bisect_left(self.pct_starts, end)
        hi = self.pct_starts[j] if j < len(self.pct_starts) else self.sent.end_char
        for m in breaks.finditer(text, lo, start):
            lo = m.end()
        m = breaks.search(text, end, hi)
        hi = m.start() if m else hi
        best = None
        for s, e, dur in self.spans[bisect_left(self.starts, lo) :]:
            if s >= hi:
                break
            dist = s - end if s >= end else start - e
            if e <= hi and (best is None or dist < best[0]) and not self.earlier(s):
                best = (dist, dur)
        if best:
            return best[1]
        if len(self.spans) == 1:
            s, e, dur = self.spans[0]
            first = self.pct_starts[0] if self.pct_starts else self.sent.end_char
            if e <= first and not breaks.search(text, e, start) and not self.earlier(s):
                return dur
        return None

    def earlier(self, s: int) -> bool:
        """A period phrase at ``s`` that says when the move started, not how long it ran ("after four days")."""
        return bool(_EARLIER.search(self.full_text, max(self.sent.start_char, s - 12), s))

    @property
    def text(self) -> str:
        return self.full_text


_EARLIER = re.compile(r"\b(?:after|following|before|since|until|ahead\s+of)\s+$", re.IGNORECASE)


def _emit(a: Attribution, fired, periods: Periods) -> PercentMoveFact:
    """The fact of an attributed member, made by the sign rule that ``fired``."""
    g, p, s = a.member.group, a.member.percent, a.subject
    value = p.value if a.member.explicit else abs(p.value) * fired.value
    span = (min(s.start, p.start), max(p.end, s.end)) if s.start >= g.sent.start_char else None
    subject = _pair(g.fd, s, g.sent, p) or s.subject
    if s.kind == "index" and s.how != "anaphor" and "futures" not in subject.lower() and _FUTURES_AFTER.match(g.fd.text, s.end):
        subject += " futures"  # "Nasdaq 100 futures were off 0.5%": the contracts moved, not the index
    return PercentMoveFact(subject=subject, percent=value, period=periods.of(g.first.start, g.last.end), reference=g.reference,
                           rule=fired.id, **grounding(g.fd, p.start, p.end, evidence_span=span))


_FUTURES_AFTER = re.compile(r"[ \t]+futures\b", re.IGNORECASE)
PAIR_REACH = 80  # characters after the percent where the quote that names a currency move's pair may stand


def _pair(fd: FinDoc, s: Mention, sent: Sentence, p: Percent) -> str | None:
    """``_pair_quoted``, but never "X/USD" for a currency markets quote per dollar: "the yen weakened
    1.1% against the greenback" moved USD/JPY the other way, and the yen keeps its name."""
    pair = _pair_quoted(fd, s, sent, p)
    if pair is not None and pair.endswith("/USD") and pair.split("/")[0] not in quoted_in_dollars():
        return None
    return pair


def _pair_quoted(fd: FinDoc, s: Mention, sent: Sentence, p: Percent) -> str | None:
    """A currency's move named by its pair, when the sentence quotes it against another currency
    between the subject and ``PAIR_REACH`` characters past the percent ("The euro eased 0.2% to
    $1.0714": EUR/USD; "The dollar added 0.3% to 0.9121 Swiss franc": USD/CHF; "the dollar was last at
    158.42 yen, down 0.3%": USD/JPY, the yen named being the quote's unit). A currency quoted in
    nothing ("the yen fell 0.4% to 158.6 per dollar") keeps its name: its pair would move the other way."""
    base = s.key if s.kind == "fx" else "USD" if is_dollar(s.subject) else None
    if base is None or s.end > p.start:
        return None
    for m in fd.money.overlapping(s.start, s.end):  # the subject is the unit of a quote ("158.42 yen")
        return fx_pair(fd, base, m.currency, m.start, m.end)
    lo, hi = max(s.end, p.start - MAX_WINDOW), min(sent.end_char, p.end + PAIR_REACH)
    for a in fd.assets.within(p.end, min(hi, p.end + COUNTER_NEXT)):  # "edged up 0.2% against the euro": the other side,
        if a.asset.key != base and counter_side(fd, a):
            return fx_pair(fd, base, a.asset.key, p.start, p.end)  # named right after the percent
        break
    for m in fd.money.within(lo, hi):
        if m.currency != base:
            return _priced(fx_pair(fd, base, m.currency, m.start, m.end), base)
    for a in fd.assets.within(max(lo, p.end), hi):
        if a.asset.kind == "fx" and a.asset.key != base and (counter_side(fd, a) or _UNIT_AFTER_FIGURE.search(fd.text, max(0, a.start - 24), a.start)):
            return fx_pair(fd, base, a.asset.key, p.start, p.end)  # named as the other side or the unit, not as a clause's subject
    return None


COUNTER_NEXT = 20  # characters after a percent where "against the euro" names the other side of the pair


def _priced(pair: str | None, base: str) -> str | None:
    """``pair`` when the moving currency ``base`` is the one it prices; else ``None`` (the currency keeps
    its name): "sterling gave up 0.4%, with the single currency climbing to 85.62 pence" quotes
    EUR/GBP, which rose as sterling fell."""
    return pair if pair is not None and pair.startswith(base + "/") else None


_UNIT_AFTER_FIGURE = re.compile(r"\d[ \t]*\Z")  # "to 0.9121 Swiss franc": the currency a quote is written in


_TICKER_AFTER = re.compile(r"\s*\(([A-Z][A-Z0-9.]{0,9})\)")
_END_FIGURE = re.compile(r"\s+(?:to|at)\s+(?:(?:about|around|near|nearly|roughly)\s+)?", re.IGNORECASE)


_TICKER_SHAPE = re.compile(r"[A-Z][A-Z0-9]{1,5}")  # a word written as a ticker ("LINK", "TAO")


def _end_claim(fd: FinDoc, pct_end: int, subj: Mention) -> tuple[Claim, ...]:
    """The money figure a move ends at ("fell 5.6% to $212.40", "up 3.1% at $3,145") belongs to the
    move's subject, known by its name, its lexicon key and the assets named in its span. Only a
    subject the clause names (not the nearest name) and a known asset, an anaphor or a name written as
    a ticker claims."""
    m = _END_FIGURE.match(fd.text, pct_end)
    if m is None:
        return ()
    fig = next((x for x in fd.money.within(m.end(), m.end() + 40) if x.start == m.end()), None)
    if fig is None:
        return ()
    known = fd.assets.within(subj.start, subj.end)
    tick = _TICKER_AFTER.match(fd.text, subj.end)  # "Harrowgate Capital (HRWG)": a name introduced with its ticker
    # a capitalized word the article never introduced as an asset is too weak to claim a price; one written as a
    # ticker ("**LINK** gave up 320 bps to $12.87") claims it, rather than the coin of the line before
    if subj.how == "name" and not known and tick is None and not _TICKER_SHAPE.fullmatch(fd.text[subj.start : subj.end]):
        return ()
    names = {subj.subject.lower(), fd.text[subj.start : subj.end].lower()} | ({subj.key.lower()} if subj.key else set())
    names |= {n.lower() for a in known for n in (a.asset.id, a.text)} | ({tick.group(1).lower()} if tick else set())
    return (Claim(fig.start, fig.end, subj.subject, frozenset(names)),)


# --- the component --------------------------------------------------------------------------

def tables() -> tuple[Table, ...]:
    """Every table of the module, in the order they are evaluated."""
    return blockers(), SIGNS, VETOES


def _decide(m: Member, fired, found: Found, cand: Candidate, more, periods: Periods, provisional: bool = False) -> int | None:
    """Facts of one member from what the subject stage found (a further candidate per further
    subject, from ``more()``); the sign of its last move. ``provisional``: the sentence waits for
    its parse and is decided again once it is in, so only the sign is needed (no fact is made)."""
    g = m.group
    cand.trace.note(f"subject: {found.how}")
    if found.quantity:  # not a move of an asset, but its direction carries to an elliptical list ("..., and ether 3%")
        cand.blocked(QUANTITY.id, f"the quantity {found.quantity!r} moved")
        value = m.percent.value if m.explicit else fired.value
        return 1 if value >= 0 else -1
    if not found.subjects:
        cand.dropped(NO_SUBJECT.id)
        return None
    last_sign = None
    for k, subj in enumerate(found.subjects):
        c = cand if k == 0 else more(cand)
        c.trace.note(f"subject {subj.subject} ({subj.how}: {g.fd.text[subj.start:subj.end]!r})")
        a = Attribution(m, subj, found.grammatical)
        if (veto := VETOES.first(a, c.trace)) is not None:
            c.blocked(veto.id)
            continue
        if provisional:  # the sign _emit's fact would have
            value = m.percent.value if m.explicit else abs(m.percent.value) * fired.value
            last_sign = 1 if value >= 0 else -1
            continue
        fact = _emit(a, fired, periods)
        c.made(fact, fired.id)
        if len(found.subjects) == 1 and found.grammatical:
            c.claims = _end_claim(g.fd, m.percent.end, subj)
        last_sign = 1 if fact.percent >= 0 else -1
    return last_sign


def _propose_group(g: Group, cands: list[Candidate], periods: Periods, run: Run, more) -> int | None:
    """Decide the candidates of one group; return the sign of its last move (or None)."""
    trace = Trace() if run.fd.tracing else NO_TRACE
    hit = blockers().first(g, trace)
    if run.fd.tracing:  # the group's steps are every member's
        for cand in cands:
            cand.trace.extend(trace)
    if hit is not None:
        for cand in cands:
            cand.blocked(hit.id)
        return None
    members = [Member(g, p, g.explicit(p)) for p in g.items]
    signs = [SIGNS.first(m, cand.trace) for m, cand in zip(members, cands)]
    if any(s is None for s in signs):
        for cand in cands:
            cand.dropped(NO_SIGN.id)
        return None
    last_sign = None
    founds = group_subjects(g, members, signs, run)
    # a sentence that asked for its parse in the run before the parses is decided again after them
    # (``propose``: its parse changes), and this run's candidates are dropped: make no facts for it
    provisional = run.parsing and not any_parsed(g.fd) and requested(g.fd, g.sent)
    for m, fired, found, cand in zip(members, signs, founds, cands):
        run.remember(found)
        sign = _decide(m, fired, found, cand, more, periods, provisional)
        last_sign = sign if sign is not None else last_sign
    return last_sign


@dataclass
class _Decided:
    """What the run of one sentence decided, and from what (``propose`` on a Doc that asked for parses
    runs again once they are in, and takes these over where the inputs are the same)."""

    parse: object  # the sentence's parse (None: none)
    seen: tuple  # what the subject stage could read of the ``Run`` (``Run.seen``)
    candidates: list[Candidate]  # the sentence's candidates, in order
    changes: list  # what it remembered in the ``Run`` (a slice of ``Run.changes``)
    periods: Periods | None  # a sentence that waits for a parse: its period phrases (read from its text alone)
    groups: dict | None  # and its groups by (first start, last end, floor, previous sign) (their windows: the text alone)


def propose(fd: FinDoc, config: Config) -> Proposal:
    """A candidate for every percent of the doc, decided sentence by sentence.

    A sentence's decisions depend only on the Doc, the sentence's parse and what its subject stage
    can read of the ``Run`` (``Run.seen``). So when parsing, each sentence's decisions are kept on
    the Doc, and the run after the parses came in takes them over where both are unchanged. The run
    before the parses makes no facts for a sentence that asked for its parse (it is decided again):
    with a ``parser_model``, call it through its ``ParsingComponent``, which runs it again."""
    out = Proposal(tracing=fd.tracing)
    run = Run(fd, parsing=bool(config.parser_model))
    kept: dict[int, _Decided] | None = fd.cached(("moves_decided", config), dict) if run.parsing else None

    def more(cand: Candidate) -> Candidate:
        extra = out.candidate(TYPE, cand.start, cand.end)
        extra.trace.extend(cand.trace)
        return extra

    by_sent: dict[int, list[Percent]] = {}
    for p in fd.percents:
        by_sent.setdefault(fd.sentence_at(p.start).i, []).append(p)
    for i, items in by_sent.items():
        sent = fd.sentences[i]
        if kept is not None:
            parse, seen, before = parsed(fd, sent), run.seen(sent, config), kept.get(i)
            if before is not None and before.parse is parse and before.seen == seen:
                out.candidates.extend(before.candidates)
                run.replay(before.changes)
                continue
            first, mark = len(out.candidates), len(run.changes)
        cands = {(p.start, p.end): out.candidate(TYPE, p.start, p.end) for p in items}
        reread = before if kept is not None and before is not None and before.groups is not None else None
        periods = reread.periods if reread is not None else Periods(sent, items, fd.text)
        groups = reread.groups if reread is not None else {}
        floor, prev_sign = sent.start_char, None
        for group in sentence_groups(fd, sent, items, config.reach):
            if kept is None:
                g = Group(fd, sent, group, floor, prev_sign, config)
            else:  # the run after the parses reads the windows the first run read
                key = (group[0].start, group[-1].end, floor, prev_sign)
                g = groups.get(key) or groups.setdefault(key, Group(fd, sent, group, floor, prev_sign, config))
            floor = group[-1].end
            sign = _propose_group(g, [cands[(p.start, p.end)] for p in group], periods, run, more)
            if sign is not None:
                prev_sign = sign
        if kept is not None:
            again = requested(fd, sent)  # decided again once parsed: keep what it read
            kept[i] = _Decided(parse, seen, out.candidates[first:], run.changes[mark:], periods if again else None,
                               groups if again else None)
    return out


@Language.factory(
    "fin_moves",
    assigns=["doc._.fin_candidates"],
    default_config={"strict": False, **asdict(Config())},
)
def make_component(nlp: Language, name: str, strict: bool, reach: int, tail_words: int, window_words: int, owner_reach: int,
                   object_reach: int, ellipsis_by_words: int, ellipsis_list_words: int, fronted_words: int, opening_chars: int,
                   running_sents: int, anaphor_sents: int, fib_reach: int, parser_model: str) -> ParsingComponent:
    """``parser_model``: the spaCy model whose parser reads the sentences the subject rules cannot
    decide ("": rules only)."""
    cfg = Config(reach=reach, tail_words=tail_words, window_words=window_words, owner_reach=owner_reach,
                 object_reach=object_reach, ellipsis_by_words=ellipsis_by_words, ellipsis_list_words=ellipsis_list_words,
                 fronted_words=fronted_words, opening_chars=opening_chars, running_sents=running_sents,
                 anaphor_sents=anaphor_sents, fib_reach=fib_reach, parser_model=parser_model)
    return ParsingComponent(name, propose, cfg, strict=strict, model=parser_model)
