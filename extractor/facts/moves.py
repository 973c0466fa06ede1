"""``percent_move`` facts (spec FACTS.md): a signed percent change of a named asset.

Every percent of the doc is a candidate. The percents of a sentence go through five stages:

1. **group**: percents joined only by "and", "or", "to", a comma or a dash form a group ("5% and
   7% below their highs, respectively", "between 20% and 35%"); a percent written before a
   metric's name ("2% market depth") never joins the percents before it;
2. **block** (``blockers()``, the first rule that fires vetoes the group): a teaser line or a
   hashtag line, a metric's name right after the percent, words right after it that make it a share,
   odds, a rate, a tax ... (``not_a_move_after`` in ``data/move_lexicon.json``, one rule each), or
   a level ("climbed *to* 48%", "up *from* 33%");
3. **sign** (``SIGNS``, the first that fires): an explicit +/-, a cue word right after the percent
   ("19% higher", "a 23% drop"), a cue word shortly before it ("slid 1.1%", "down 6%"), or in an
   elliptical list ("..., Acme by 6%") the sign of the sentence's previous move; a group without
   a sign is dropped;
4. **subject** (``subject_of``): the nearest name before the percent: a lexicon asset, a
   descriptive alias ("the world's largest cryptocurrency") or a capitalized name right before
   the percent or its verb ("Zephyr (+37%)", "Acme Index has sunk 64%"); a pronoun falls back
   to the running subject of the previous sentences; "respectively" pairs names and percents in
   order. Then ``VETOES`` (the first that fires vetoes the percent): a measure word between the
   subject and the percent ("open interest in ether futures dropped 9%") or in the subject's
   name, or a forecast word ("could fall 10%");
5. **emit**: the fact with its period and reference point, made by the sign rule.

A percent another type takes (a dominance, a market-cap change) is settled by the resolver:
metrics outrank moves.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import asdict, dataclass

from spacy.language import Language

from extractor.data import alternation, compiled, lexicon, pattern_alternation, words
from extractor.facts.attribution import grounding
from extractor.facts.candidates import Candidate
from extractor.facts.component import FactComponent, Proposal
from extractor.facts.doc import FinDoc, Percent, Sentence, SpanIndex
from extractor.facts.rules import NO_TRACE, Rule, Table, Trace, outcome
from extractor.facts.windows import MAX_WINDOW
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
    running_sents: int = 3  # earlier sentences a running subject carries over


class lazy:
    """``functools.cached_property`` without its lock (Python 3.11 takes an RLock on every first
    access; these windows are read on every percent)."""

    def __init__(self, fn):
        self.fn, self.name, self.__doc__ = fn, fn.__name__, fn.__doc__

    def __get__(self, obj, cls=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


# --- the lexicon, compiled once ---------------------------------------------------------------

# A capitalized name: "Orbit Network", "ZPHR", "Acme Digital Assets 50 Index".
NAME = r"""
    (?<![\w$&.’'/-])
    [A-Z][\w&’'.-]*                          # first word capitalized (or an all-caps ticker)
    (?:[ ](?:[A-Z][\w&’'.-]*|\d[\w.-]*|&))*  # more capitalized words, numbers, "&"
"""


@dataclass(frozen=True)
class Cues:
    """What the block, sign and veto stages read (``data/move_lexicon.json``)."""

    teaser: re.Pattern
    joiner: re.Pattern  # between two percents of one group
    metric_name: re.Pattern
    not_a_move_after: tuple[tuple[str, re.Pattern], ...]  # (rule name, pattern)
    any_not_a_move_after: re.Pattern  # all of them at once (a quick pre-check)
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


@dataclass(frozen=True)
class SubjectCues:
    """What the subject stage reads (``data/move_lexicon.json``, ``move_subject_aliases.json``,
    ``move_not_subjects.txt``)."""

    aliases: re.Pattern
    alias_ids: dict[str, str]
    not_subjects: frozenset[str]
    generic: re.Pattern
    opening: re.Pattern
    name_before_verb: re.Pattern
    object_marker: re.Pattern
    owner_lead: re.Pattern
    relative: re.Pattern


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
        teaser=re.compile(rf"^\W*(?:{alternation(lx.teaser_prefixes)})\s*[:|–-]", flags),
        joiner=re.compile(rf"\s*(?:,|,?\s*(?:{alternation(lx.joiner_words)})|–|-)\s*", flags),
        metric_name=_right_after(lx.metric_names, adjs),
        not_a_move_after=tuple((name, _right_after(phrases, adjs)) for name, phrases in lx.not_a_move_after.items()),
        any_not_a_move_after=_right_after([w for phrases in lx.not_a_move_after.values() for w in phrases], adjs),
        of_own_value=re.compile(rf"^\s*(?:{alternation(lx.of_own_value)})\b", flags),
        level_before=re.compile(rf"(?<![\w-])(?:{alternation(lx.level_words)})\s+(?:(?:{fillers})\s+)*$", flags),
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
        forecast=_words_re(lx.forecast_words),
        measure=_words_re(lx.measure_words),
        reference=_reference_re(lx, ref_names),
        ref_names=ref_names,
    )


@compiled
def subject_cues() -> SubjectCues:
    """The subject vocabulary, compiled once."""
    lx = lexicon("move_lexicon")
    aliases = {k.lower(): v for k, v in lexicon("move_subject_aliases").aliases.items()}
    markers, dets = pattern_alternation(lx.object_marker_patterns), alternation(lx.object_determiners)
    return SubjectCues(
        aliases=_words_re(aliases),
        alias_ids=aliases,
        not_subjects=frozenset(words("move_not_subjects")),
        generic=_words_re(lx.generic_subjects),
        opening=re.compile(rf"\s*(?:{alternation(lx.opening_determiners)})\s+[a-z]"),
        name_before_verb=re.compile(
            rf"""
            (?P<name>{NAME})                                                         # the name
            (?:['’]s\s+(?:{alternation(list(lx.share_nouns) + list(lx.possessed_nouns))})\s*)?   # "Acme's shares"
            (?:\s+(?:{alternation(lx.share_nouns)}))?                                 # "Acme shares"
            \s+(?:(?:{alternation(lx.verb_fillers)}|\w+ly)\s+){{0,3}}$                # auxiliaries, adverbs, "closed"
            """,
            re.VERBOSE,
        ),
        object_marker=re.compile(rf"(?<![\w-])(?:{markers})\s+(?:(?:{dets})\s+)?$", re.IGNORECASE),
        owner_lead=re.compile(rf"(?<![\w-])(?:{alternation(lx.owner_prepositions)})\s+(?:the\s+)?$"),
        relative=re.compile(rf"\s*,?\s*(?:{alternation(lx.relative_pronouns)})\b", re.IGNORECASE),
    )


_NAME_BEFORE_PCT = re.compile(rf"(?P<name>{NAME})\s*\(?\s*$", re.VERBOSE)  # "Zephyr (+37%"
_NAME_BY = re.compile(rf"(?P<name>{NAME})\s+by\s*$", re.VERBOSE)  # "..., Acme by 6%" (elliptical list item)
_POSSESSIVE_PCT = re.compile(r"['’]s\s+(?:[a-z]+\s+){0,2}?$")  # "ether's 6%", "Zephyr's roughly 11%"
_LISTED = re.compile(r"\s*(?:,|,?\s*and|&)\s*(?:the\s+)?", re.IGNORECASE)  # names written as a list
_BY_END = re.compile(r"\bby\s*$")
_LIST_END = re.compile(r"(?:,|\band)\s*$")
_HEADING = re.compile(r"\s*#")
_EXPLICIT = "+-−–"
_WORD = re.compile(r"[\w$%’'.-]+")
_TOKEN = re.compile(r"\S+")


def _count_words(text: str) -> int:
    return len(_WORD.findall(text))


# --- mentions a subject can be --------------------------------------------------------------

@dataclass(frozen=True)
class Mention:
    """A possible subject: a lexicon asset, a descriptive alias or a capitalized name."""

    start: int
    end: int
    subject: str
    how: str = "asset"  # asset | alias | name


def mentions(fd: FinDoc) -> SpanIndex[Mention]:
    """Lexicon assets (not inside an adjective: "Nasdaq-listed") and the aliases that overlap none."""

    def build() -> SpanIndex[Mention]:
        c = subject_cues()
        text = fd.text
        out = [Mention(a.start, a.end, a.asset.id) for a in fd.assets if not re.match(r"-[a-z]", text[a.end : a.end + 2])]
        taken = SpanIndex(out)
        for m in c.aliases.finditer(text):
            if not taken.overlapping(m.start(), m.end()):
                out.append(Mention(m.start(), m.end(), c.alias_ids[re.sub(r"\s+", " ", m.group(0).lower())], "alias"))
        return SpanIndex(out)

    return fd.cached("move_mentions", build)


# --- stage 1: group -------------------------------------------------------------------------

@dataclass(frozen=True)
class Cue:
    """A sign cue word before a group."""

    sign: int
    start: int  # its position in the text


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
        return tuple(r for r in rests if c.any_not_a_move_after.match(r) and not c.of_own_value.match(r))

    @lazy
    def tail_tokens(self) -> list[re.Match]:
        """The last ``tail_words`` words before the group."""
        return list(_TOKEN.finditer(self.left))[-self.config.tail_words :]

    @lazy
    def tail(self) -> str:
        return " ".join(t.group() for t in self.tail_tokens)

    @lazy
    def is_range(self) -> bool:
        """'between 20% and 35%'."""
        return bool(cues().range_before.search(self.left))

    @lazy
    def after_sign(self) -> int | None:
        m = cues().after_cue.match(self.right)
        if not m:
            return None
        return -1 if m.group("cue").lower() in cues().neg_after else 1

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
                if best is None or m.end() > best[2] or (m.end() == best[2] and m.start() < best[1]):
                    best = (sign, m.start(), m.end())
        return Cue(best[0], best[1]) if best else None

    def explicit(self, p: Percent) -> bool:
        return self.fd.text[p.start] in _EXPLICIT


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


def _is_level(g: Group) -> bool:
    c = cues()
    return bool(c.level_before.search(g.left)) and not g.is_range and not c.after_cue.match(g.right)


_AFTER_DOCS = {
    "share": "a share or stake: '8% of the supply', 'a 20% stake', '40% allocation'",
    "odds": "odds or a probability: 'a 38% chance', '70% probability'",
    "rate": "a rate, yield or margin: '4% yield', '5% APY', '12% annually', 'a 0.25% cut'",
    "tax": "a tax, tariff or fee: 'a 15% levy', '0.1% fees'",
    "economy": "an economic figure: '3% inflation', '2% growth in ...'",
}


@compiled
def blockers() -> Table:
    """The group blockers, in order (one rule per ``not_a_move_after`` entry of the lexicon)."""
    c = cues()
    rules = [
        Rule("move.blocked.teaser", "a teaser link line ('Related: ...', 'Read more - ...'), not body text",
             lambda g: bool(c.teaser.match(g.sent.text))),
        Rule("move.blocked.heading", "a line that opens with '#' (a hashtag post or a heading the cleaner kept), not body text",
             lambda g: bool(_HEADING.match(g.sent.text))),
        Rule("move.blocked.metric_name", "the percent is part of a metric's name written right after it ('2% market depth', "
             "'58% dominance')", lambda g: bool(c.metric_name.match(g.after(g.last)))),
    ]
    for name, pattern in c.not_a_move_after:
        doc = _AFTER_DOCS.get(name, f"the words right after the percent say it is {name.replace('_', ' ')}")
        rules.append(Rule(f"move.blocked.{name}", f"words right after the percent make it {doc}", _said_after(pattern)))
    rules.append(Rule("move.blocked.level", "a level, not a change: 'climbed to 48%', 'up from 33%' (unless a cue word follows: "
                      "'to trade 19% higher')", _is_level))
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
    return g.prev_sign if by or listed else None


SIGNS = Table("move.sign", [
    Rule("move.sign.explicit", "a sign written on the percent: '+37%', '-12%'", lambda m: m.explicit),
    Rule("move.sign.cue_after", "a fall or rise word right after the percent: '19% higher', 'a 23% drop'",
         lambda m: m.group.after_sign),
    Rule("move.sign.cue_before", "a fall or rise word shortly before the percent: 'slid 1.1%', 'down 6%'",
         lambda m: m.group.cue_before.sign if m.group.cue_before else None),
    Rule("move.sign.ellipsis", "no cue of its own, in an elliptical list: '..., Acme by 6%' takes the previous move's sign",
         _ellipsis),
])

NO_SIGN = outcome("move.dropped.no_sign", "no sign: no +/- on the percent and no fall or rise word next to it")


# --- stage 4: subject -----------------------------------------------------------------------

@dataclass
class Place:
    """Where a subject is looked for: a percent at ``start`` (its group's cue at ``cue_start``)."""

    fd: FinDoc
    sent: Sentence
    start: int
    cue_start: int | None
    explicit: bool
    config: Config

    @lazy
    def lo(self) -> int:
        return max(self.sent.start_char, self.start - self.config.reach)

    @lazy
    def before(self) -> str:
        return self.fd.text[self.lo : self.start]

    @lazy
    def mentions_before(self) -> list[Mention]:
        return mentions(self.fd).within(self.lo, self.start)


def clean_name(fd: FinDoc, start: int, end: int) -> Mention | None:
    """A capitalized-name match trimmed of openers and possessive prefixes; a lexicon asset or
    alias ending there wins ("South Korea's Kospi" -> Kospi, "Meanwhile Acme" -> Acme)."""
    not_subjects = subject_cues().not_subjects
    text = re.sub(r"['’]s$", "", fd.text[start:end])
    end = start + len(text)
    parts = text.split(" ")
    poss = [i for i, w in enumerate(parts[:-1]) if re.search(r"['’]s$", w)]
    if poss:
        start += sum(len(w) + 1 for w in parts[: poss[-1] + 1])
        parts = parts[poss[-1] + 1 :]
    while parts and parts[0] in not_subjects:
        start += len(parts[0]) + 1
        parts = parts[1:]
    while parts and parts[-1] in not_subjects:
        parts = parts[:-1]
        end = start + len(" ".join(parts))
    if not parts or start >= end:
        return None
    for m in mentions(fd).within(start, end):
        if m.end == end:
            return m
    name = fd.text[start:end].rstrip(".,")
    if not name or name in not_subjects:
        return None
    return Mention(start, start + len(name), name, "name")


def _name_in(pl: Place, pattern: re.Pattern, lo: int, hi: int) -> Mention | None:
    m = pattern.search(pl.fd.text[lo:hi])
    return clean_name(pl.fd, lo + m.start("name"), lo + m.end("name")) if m else None


def running_subject(fd: FinDoc, sent: Sentence, config: Config) -> Mention | None:
    """The latest subject named in up to ``running_sents`` earlier sentences of the same section."""
    pos = sent.start_char
    index = mentions(fd)
    for _ in range(config.running_sents):
        if pos <= 0:
            return None
        prev = fd.sentence_at(pos - 1)
        found = index.last_before(prev.end_char, prev.start_char)
        if found:
            return found
        if fd.text[prev.end_char : pos].count("\n") >= 2 and pos != sent.start_char:
            return None
        pos = prev.start_char
    return None


def _best(pl: Place, cands: list[Mention]) -> tuple[Mention, str]:
    """The likeliest subject among names before the percent: a possessive right before it ("compared
    to ether's 6% drop"); else a name opening a relative clause that holds the cue ("Ether, which
    traded with bitcoin, lost 4%"); else the nearest name that is not the object of a preposition or
    comparison ("Chainlink outperformed ether, climbing 9%"); else the nearest name."""
    text, c = pl.fd.text, subject_cues()
    for m in cands:
        if _POSSESSIVE_PCT.match(text, m.end, pl.start):
            return m, "possessive"
    cue = pl.cue_start if pl.cue_start is not None else pl.start
    rel = [m for m in cands if m.end <= cue and c.relative.match(text, m.end, cue)]
    if rel:
        return max(rel, key=lambda m: m.end), "relative clause"
    subjects = [m for m in cands if not c.object_marker.search(text[max(0, m.start - pl.config.object_reach) : m.start])]
    return max(subjects or cands, key=lambda m: m.end), "nearest"


def subject_of(pl: Place) -> tuple[Mention | None, str]:
    """The subject of the percent at ``pl`` and how it was found (see the module docstring)."""
    c, before = subject_cues(), pl.before
    m = _NAME_BEFORE_PCT.search(before)
    if m and (pl.explicit or before.rstrip().endswith("(")):
        name = clean_name(pl.fd, pl.lo + m.start("name"), pl.lo + m.end("name"))
        if name:
            return name, "name right before the percent"
    cands = list(pl.mentions_before)
    if pl.cue_start is not None:
        lo = max(pl.sent.start_char, pl.cue_start - pl.config.reach)
        cands += [n for n in (_name_in(pl, c.name_before_verb, lo, pl.cue_start),) if n]
    cands += [n for n in (_name_in(pl, _NAME_BY, pl.lo, pl.start),) if n]
    if cands:
        return _best(pl, cands)
    head = pl.fd.text[pl.sent.start_char : min(pl.start, pl.sent.start_char + pl.config.reach)]
    if c.generic.search(before) or pl.start - pl.sent.start_char < pl.config.opening_chars or c.opening.match(head):
        return running_subject(pl.fd, pl.sent, pl.config), "running subject"
    if _count_words(before) > pl.config.fronted_words:
        return None, ""
    after = mentions(pl.fd).first_after(pl.start, min(pl.sent.end_char, pl.start + pl.config.reach))
    return after, "name after a fronted move"


def _listed(fd: FinDoc, names: list[Mention]) -> bool:
    """Names written as a list: "silver and gold", "Ether, XRP and Solana"."""
    return all(_LISTED.fullmatch(fd.text, a.end, b.start) for a, b in zip(names, names[1:]))


def group_subjects(g: Group, members: list[Member]) -> list[tuple[Mention | None, str]]:
    """A subject for each member: "respectively" or a written list pairs names and percents in
    order; other groups share the subject of their first percent (a range: each its own)."""
    cue = g.cue_before.start if g.cue_before else None
    if len(members) > 1 and not g.is_range:
        before = mentions(g.fd).within(max(g.sent.start_char, g.first.start - g.config.reach), g.first.start)
        n = len(members)
        if len(before) >= n and ("respectively" in g.right.lower() or _listed(g.fd, before[-n:])):
            return [(m, "paired in order") for m in before[-n:]]
        shared = subject_of(Place(g.fd, g.sent, g.first.start, cue, any(m.explicit for m in members), g.config))
        return [shared] * n
    return [subject_of(Place(g.fd, g.sent, m.percent.start, cue, m.explicit, g.config)) for m in members]


NO_SUBJECT = outcome("move.dropped.no_subject", "no asset, alias or name before the percent (nor a running subject for a pronoun)")


@dataclass
class Attribution:
    """A member with its subject (what ``VETOES`` reads)."""

    member: Member
    subject: Mention

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


def _forecast(a: Attribution) -> bool:
    c = cues()
    return not a.member.explicit and bool(c.forecast.search(a.window) or c.forecast.search(a.member.group.tail))


VETOES = Table("move.veto", [
    Rule("move.blocked.measure_word", "a word between the subject and the percent says it measures something else: "
         "'ether's dominance rose 2%', 'open interest in ether futures dropped 9%'",
         lambda a: bool(cues().measure.search(a.window))),
    Rule("move.blocked.subject_word", "the subject's own name is a measure ('Acme Funding Rate rose 3%')",
         lambda a: bool(cues().measure.search(a.subject.subject))),
    Rule("move.blocked.hypothetical", "a forecast word between the subject and the percent: 'could fall 10%', 'expected to "
         "rise 5%' (not for a percent written with its sign)", _forecast),
])


# --- stage 5: emit --------------------------------------------------------------------------

class Periods:
    """The period phrases of one sentence, read on first use, and the positions of its percents."""

    def __init__(self, sent: Sentence, items: list[Percent]):
        self.sent = sent
        self.pct_starts = [p.start for p in items]
        self.pct_ends = [p.end for p in items]

    @lazy
    def spans(self) -> list[tuple[int, int, str]]:
        return list(finditer_periods(self.sent.text, self.sent.start_char))

    @lazy
    def starts(self) -> list[int]:
        return [s for s, _, _ in self.spans]

    def of(self, start: int, end: int) -> str | None:
        """The period of a group at ``start:end``: the nearest period phrase between the neighbouring
        percents of the sentence; else the sentence's one period phrase when it opens the sentence
        before any percent ("Over the past week, ...")."""
        i = bisect_left(self.pct_ends, start + 1) - 1  # the percent that ends last at or before start
        lo = self.pct_ends[i] if i >= 0 else self.sent.start_char
        j = bisect_left(self.pct_starts, end)
        hi = self.pct_starts[j] if j < len(self.pct_starts) else self.sent.end_char
        best = None
        for s, e, dur in self.spans[bisect_left(self.starts, lo) :]:
            if s >= hi:
                break
            dist = s - end if s >= end else start - e
            if e <= hi and (best is None or dist < best[0]):
                best = (dist, dur)
        if best:
            return best[1]
        if len(self.spans) == 1 and self.spans[0][1] <= (self.pct_starts[0] if self.pct_starts else self.sent.end_char):
            return self.spans[0][2]
        return None


def _emit(a: Attribution, fired, periods: Periods) -> PercentMoveFact:
    """The fact of an attributed member, made by the sign rule that ``fired``."""
    g, p, s = a.member.group, a.member.percent, a.subject
    value = p.value if a.member.explicit else abs(p.value) * fired.value
    span = (min(s.start, p.start), max(p.end, s.end)) if s.start >= g.sent.start_char else None
    return PercentMoveFact(subject=s.subject, percent=value, period=periods.of(g.first.start, g.last.end), reference=g.reference,
                           rule=fired.id, **grounding(g.fd, p.start, p.end, evidence_span=span))


# --- the component --------------------------------------------------------------------------

def tables() -> tuple[Table, ...]:
    """Every table of the module, in the order they are evaluated."""
    return blockers(), SIGNS, VETOES


def _propose_group(g: Group, cands: list[Candidate], periods: Periods, tracing: bool) -> int | None:
    """Decide the candidates of one group; return the sign of its last move (or None)."""
    trace = Trace() if tracing else NO_TRACE
    hit = blockers().first(g, trace)
    if tracing:  # the group's steps are every member's
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
    for m, fired, (subj, how), cand in zip(members, signs, group_subjects(g, members), cands):
        if subj is None:
            cand.dropped(NO_SUBJECT.id)
            continue
        cand.trace.note(f"subject {subj.subject} ({how}: {g.fd.text[subj.start:subj.end]!r})")
        a = Attribution(m, subj)
        if (veto := VETOES.first(a, cand.trace)) is not None:
            cand.blocked(veto.id)
            continue
        fact = _emit(a, fired, periods)
        cand.made(fact, fired.id)
        last_sign = 1 if fact.percent >= 0 else -1
    return last_sign


def propose(fd: FinDoc, config: Config) -> Proposal:
    """A candidate for every percent of the doc, decided sentence by sentence."""
    out = Proposal(tracing=fd.tracing)
    by_sent: dict[int, list[Percent]] = {}
    for p in fd.percents:
        by_sent.setdefault(fd.sentence_at(p.start).i, []).append(p)
    for i, items in by_sent.items():
        sent = fd.sentences[i]
        cands = {(p.start, p.end): out.candidate(TYPE, p.start, p.end) for p in items}
        periods = Periods(sent, items)
        floor, prev_sign = sent.start_char, None
        for group in sentence_groups(fd, sent, items, config.reach):
            g = Group(fd, sent, group, floor, prev_sign, config)
            floor = group[-1].end
            sign = _propose_group(g, [cands[(p.start, p.end)] for p in group], periods, out.tracing)
            if sign is not None:
                prev_sign = sign
    return out


@Language.factory(
    "fin_moves",
    assigns=["doc._.fin_candidates"],
    default_config={"strict": False, **asdict(Config())},
)
def make_component(nlp: Language, name: str, strict: bool, reach: int, tail_words: int, window_words: int, owner_reach: int,
                   object_reach: int, ellipsis_by_words: int, ellipsis_list_words: int, fronted_words: int, opening_chars: int,
                   running_sents: int) -> FactComponent:
    config = Config(reach=reach, tail_words=tail_words, window_words=window_words, owner_reach=owner_reach,
                    object_reach=object_reach, ellipsis_by_words=ellipsis_by_words, ellipsis_list_words=ellipsis_list_words,
                    fronted_words=fronted_words, opening_chars=opening_chars, running_sents=running_sents)
    return FactComponent(name, propose, config, strict=strict)
