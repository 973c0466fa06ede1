"""The subject stage of ``percent_move``: what moved.

The subject of a move is the grammatical subject of the verb the percent measures ("*Ether* slid
5%"), or the owner of the change noun it modifies ("a 5% drop *in ether*", "*ether's* 5% drop",
"*Ether* logged a 5% drop"), one per conjunct ("*Dogecoin* and *Stellar* both shed 7%"). What
that phrase says decides (``phrase_found``):

- a known asset, an entity the article introduced or a descriptive alias: that asset; a share,
  price or token noun ("shares of Acme", "the bitcoin price", "the Acme token"): its owner;
- a pronoun or a generic noun phrase ("it", "the stock", "its shares", "the fund", "the metal"):
  the latest asset of that kind named before it (``referent``: in the sentence, then up to
  ``anaphor_sents`` sentences back), else the asset of that kind the article names most;
- a quantity of an asset (open interest, volume, supply, holdings, revenue, "the number of
  wallets", inflation ...): no move of an asset (``move.blocked.quantity``);
- a capitalized name the lexicon does not know ("Acme Robotics"), or an index/fund noun with the
  words that name it ("the Ostrander Mills bond fund"): that name;
- anything else ("the market", "stocks", "the first"): no subject. Never a default coin.

Rules find the phrase where the clause is plain (``rule_found``): after the last clause opener
before the move's verb (a comma, "while", "and", "with" ...) stand only the subject and
auxiliaries ("..., while XRP is down 2%"). Where it is not (several names, a relative clause, a
change noun, a participle), the sentence is parsed (``grammar``) and the parse names the phrase.
Without a parse, the nearest name that is not an object decides (``nearest_found``).
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from extractor.data import alternation, compiled, lexicon, pattern_alternation, words
from extractor.facts import grammar, speakers
from extractor.facts.attribution import object_marker, venue_after
from extractor.facts.doc import FinDoc, Sentence, SpanIndex
from extractor.facts.entities import describes_company, words as entity_words
from extractor.facts.windows import Row, clause_before, row_asset, table_row
from extractor.normalize.assets import asset_kind
from extractor.normalize.periods import number_word
from extractor.rx import lower_exactly

if TYPE_CHECKING:
    from extractor.facts.grammar import Parse, Phrase

# A capitalized name: "Orbit Network", "ZPHR", "Acme Digital Assets 50 Index".
NAME = r"""
    (?<![\w$&.’'/-])
    (?:[A-Z]|[a-z][A-Z])[\w&’'.-]*(?:&amp;[\w’'.-]+|(?<=&[A-Z]);)?   # first word capitalized ("iShares", a ticker, "S&P;")
    (?:[ ](?:(?:[A-Z]|[a-z][A-Z])[\w&’'.-]*(?:&amp;[\w’'.-]+)?|\d[\w.-]*|&))*  # more capitalized words, numbers, "&"
"""

_NAME_BEFORE_PCT = re.compile(rf"(?P<name>{NAME})\s*\(?\s*$", re.VERBOSE)  # "Zephyr (+37%"
_NAME_BY = re.compile(rf"(?P<name>{NAME})\s+by\s*$", re.VERBOSE)  # "..., Acme by 6%" (elliptical list item)
_NAME_FULL = re.compile(rf"(?P<name>{NAME})", re.VERBOSE)
_NAME_BEFORE_POSS = re.compile(rf"(?P<name>{NAME})$", re.VERBOSE)
_LISTED = re.compile(r"\s*(?:,|,?\s*and|&)\s*(?:the\s+)?", re.IGNORECASE)  # names written as a list
_LIST_SPLIT = re.compile(r"\s*(?:,\s*and\s+|,\s*|\s+and\s+|\s+&\s+)", re.IGNORECASE)
_WORD = re.compile(r"[\w$%’'.-]+")
# "the", "the tech-heavy", "the pan European": words before a name that leave it the subject
_MODIFIERS = re.compile(r"(?:(?:the|The)\s+)?(?:(?!(?:in|of|for|on|at|to|by|with|from|than|and|or|as)\b)[a-z][a-z’'-]*\s+){0,2}(?=[A-Z$]|[a-z][A-Z])")
_SPACES = re.compile(r"\s+")


def _count_words(text: str) -> int:
    return len(_WORD.findall(text))


def _squash(text: str) -> str:
    return _SPACES.sub(" ", text.strip()).lower()


def _anaphor_key(low: str) -> str:
    """The anaphor a squashed phrase is: itself, or itself without the hyphenated adjectives after its
    determiner ("the australian-born miner", "that texas-based lender": "the miner", "that lender")
    when that is one; else the phrase.

    >>> _anaphor_key("the australian-born miner"), _anaphor_key("the miner"), _anaphor_key("the acme-based pilot")
    ('the miner', 'the miner', 'the acme-based pilot')
    """
    words_ = low.split(" ")
    if len(words_) > 2 and words_[0] in ("the", "this", "that"):
        adjective = entity_words().adjective
        bare = " ".join([words_[0], *(w for w in words_[1:-1] if not adjective.match(w)), words_[-1]])
        if bare != low and bare in subject_cues().anaphor_of:
            return bare
    return low


# --- vocabulary ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class SubjectCues:
    """What the subject stage reads (``data/move_lexicon.json``, ``move_subject_aliases.json``,
    ``move_not_subjects.txt``)."""

    aliases: re.Pattern
    alias_ids: dict[str, str]
    alias_heads: tuple[tuple[str, str], ...]  # the first word of every alias (where a match can start), and its longest word
    not_subjects: frozenset[str]
    generic: re.Pattern  # any anaphor, anywhere (the fallback's running subject)
    modifiable: frozenset[str]  # lower-cased bare nouns a modifier makes a thing of their own ("import prices")
    anaphor_of: dict[str, str]  # phrase (lower case) -> anaphor kind
    described: dict[str, frozenset[str]]  # "miner" -> lower-cased last words of the names it describes ("mining", "miners")
    company_noun: re.Pattern  # after an asset word, a noun it modifies to describe a company ("bitcoin *miner* Cinderford")
    modifies_company: re.Pattern  # after an asset word, a company noun it modifies ("gold *miners* pushed it higher")
    change_heads: frozenset[str]  # one-word change nouns ("slide", "rally"): "Ether's slide" is ether's move
    kinds: dict[str, frozenset[str]]  # anaphor kind -> mention kinds it may refer to
    opening: re.Pattern
    name_before_verb: re.Pattern
    object_marker: re.Pattern
    owner_lead: re.Pattern
    relative: re.Pattern
    boundary: re.Pattern  # a clause opener
    trailing: re.Pattern  # auxiliaries, adverbs and hedges between a subject and its verb or figure
    leading: re.Pattern  # sentence adverbs before a subject ("Meanwhile,")
    quantity_end: re.Pattern  # a phrase that ends with a quantity noun ("ether's trading volume")
    quantity_word: re.Pattern  # a quantity noun anywhere ("hashrate", "open interest"): the bare-quote rule's
    quantity_lead: re.Pattern  # a phrase headed by a quantity noun ("open interest in ether futures")
    possessive: re.Pattern  # between a name and its percent: "ether's 6%", "Zephyr's roughly 11%"
    plural: re.Pattern  # a plural subject referring back to a list of names ("they", "the three coins")
    subordinate: re.Pattern  # a side clause's opener ("where", "unlike") before a name: a passing mention
    episode: re.Pattern  # a subject that names an episode of the running asset's price ("the latest pullback", "the second")
    change_label: re.Pattern  # a label naming the figure a change over a period ("weekly change", "24h change")
    than_quantity: re.Pattern  # after a percent: compared with a quantity ("88% higher than last quarter's revenue")
    owner_suffix: re.Pattern  # after a name: "'s shares", " stock"
    shares_of: re.Pattern  # "shares of", before a name
    owner_heads: frozenset[str]  # share, price and token nouns: their owner is the subject
    named_heads: frozenset[str]  # "index", "fund": with words before them they name an asset
    index_descriptors: frozenset[str]  # "share" in "Nikkei share average": the words do not change the index
    group_heads: frozenset[str]  # "sector": with any words before it, it names a group ("the gaming sector")
    share_heads: frozenset[str]  # what a company's shareholders hold ("shares", "stock", "ADRs"; and "share"), lower case
    sector: re.Pattern  # a sector named alone as what moved ("utilities", "the autos index", "Bank stocks")


def _words_re(phrases, flags=re.IGNORECASE) -> re.Pattern:
    """Any of ``phrases`` as a whole word."""
    return re.compile(rf"(?<![\w-])(?:{alternation(phrases)})(?![\w-])", flags)


@compiled
def subject_cues() -> SubjectCues:
    """The subject vocabulary, compiled once."""
    lx, g = lexicon("move_lexicon"), lexicon("grammar")
    aliases = {k.lower(): v for k, v in lexicon("move_subject_aliases").aliases.items()}
    anaphor_of = {_squash(p): kind for kind, phrases in lx.anaphors.items() for p in phrases}
    measure = alternation(lx.measure_words)
    owners = list(lx.share_nouns) + list(lx.possessed_nouns)
    hedges = alternation(list(g.approximators) + list(lx.verb_fillers) + ["by", "both", "each", "all", "still", "already", "last", "so far"])
    not_adverbs = rf"(?!(?i:{alternation(lx.ly_nouns, ignore_case=True)})(?![\w-]))"  # "sharply", not "supply"
    return SubjectCues(
        aliases=_words_re(aliases),
        alias_ids=aliases,
        alias_heads=tuple(sorted({(a.split(" ")[0], max(a.split(" "), key=len)) for a in aliases})),
        not_subjects=frozenset(words("move_not_subjects")),
        generic=_words_re(anaphor_of),
        modifiable=frozenset(p.lower() for p in lx.modifiable_anaphors),
        anaphor_of=anaphor_of,
        described={noun.lower(): frozenset(w.lower() for w in ws) for noun, ws in lx.described_names.items()},
        change_heads=frozenset(w.lower() for w in lx.change_nouns if " " not in w),
        company_noun=re.compile(rf"[ -](?:{alternation(lx.company_nouns)})\s+(?=[A-Z])"),
        modifies_company=re.compile(rf"[ -](?:{alternation(lx.company_nouns)})(?![\w-])"),
        kinds={k: frozenset(v) for k, v in lx.anaphor_kinds.items()},
        opening=re.compile(rf"\s*(?:{alternation(lx.opening_determiners)})\s+[a-z]"),
        name_before_verb=re.compile(
            rf"""
            (?P<name>{NAME})                                                         # the name
            (?:['’]s\s+(?:{alternation(owners)})\s*)?                                # "Acme's shares"
            (?:\s+(?:{alternation(lx.share_nouns)}))?                                 # "Acme shares"
            \s+(?:(?:{alternation(lx.verb_fillers)}|{not_adverbs}\w+ly)\s+){{0,3}}$      # auxiliaries, adverbs, "closed"
            """,
            re.VERBOSE,
        ),
        object_marker=object_marker(),
        owner_lead=re.compile(rf"(?<![\w-])(?:{alternation(lx.owner_prepositions)})\s+(?:the\s+)?$"),
        relative=re.compile(rf"\s*,?\s*(?:{alternation(lx.relative_pronouns)})\b", re.IGNORECASE),
        boundary=re.compile(rf"(?<!&[A-Za-z])[;:](?=\s)|[—–|]|\s-\s|,|(?<![\w-])(?:{alternation(lx.clause_openers)})(?![\w-])", re.IGNORECASE),
        trailing=re.compile(rf"(?:[\s,]+(?:(?:{hedges})|{not_adverbs}[a-z]+ly)(?![\w-]))*[\s,]*$", re.IGNORECASE),
        leading=re.compile(rf"^\s*(?:(?:{alternation(sorted(words('move_not_subjects')))})(?![\w’'-])(?:\s*,\s*|\s+(?=[A-Z])))+"),
        quantity_end=re.compile(rf"(?<![\w-])(?:{measure})$", re.IGNORECASE),
        quantity_word=re.compile(rf"(?<![\w-])(?:{measure})(?![\w-])", re.IGNORECASE),
        quantity_lead=re.compile(rf"^(?:(?:the|its|their|a|an)\s+)?(?:[\w’'-]+\s+){{0,2}}?(?:{measure})\s+(?:of|in|on|for|across|at)\b",
                                 re.IGNORECASE),
        possessive=re.compile(rf"(?<=\w)['’]s\s+(?:(?:{alternation(list(g.approximators) + list(lx.period_adjectives))})\s+){{0,2}}$",
                              re.IGNORECASE),
        subordinate=re.compile(rf"(?<![\w-])(?:{alternation(lx.subordinate_openers)})(?![\w-])", re.IGNORECASE),
        episode=re.compile(rf"(?:{pattern_alternation(lx.episode_subject_patterns)})", re.IGNORECASE),
        change_label=re.compile(rf"(?:{pattern_alternation(lx.change_label_patterns)})", re.IGNORECASE),
        plural=re.compile(rf"(?:{pattern_alternation(lx.plural_anaphor_patterns)})", re.IGNORECASE),
        than_quantity=re.compile(rf"\s*(?:higher|lower|more|less|above|below|up|down)\s+(?:than|from|on|over)\s+"
                                 rf"(?:[\w’'-]+\s+){{0,4}}?(?:{measure})(?![\w-])", re.IGNORECASE),
        owner_suffix=re.compile(rf"^(?:/(?:{alternation(lexicon('entities').dollar_codes)}))?(?:\s*\([^()]{{1,30}}\))?(?:['’]s)?"
                                rf"(?:\s+(?:{alternation(owners)}))?$", re.IGNORECASE),
        shares_of=re.compile(rf"^(?:the\s+)?(?:{alternation(lx.share_nouns)})\s+(?:of|in)\s+(?:the\s+)?", re.IGNORECASE),
        owner_heads=frozenset(w.lower() for w in owners) - frozenset(w.lower() for w in lx.named_heads),
        named_heads=frozenset(w.lower() for w in lx.named_heads),
        group_heads=frozenset(w.lower() for w in lx.group_heads),
        share_heads=frozenset({"share"} | {w.lower() for w in lx.share_nouns}),
        sector=re.compile(rf"(?:the\s+)?(?P<name>(?:{alternation(lx.sector_names)})(?:\s+(?:stocks|shares|sector|index|sub-index|subindex|names))?)",
                          re.IGNORECASE),
        index_descriptors=frozenset(w.lower() for w in lx.index_descriptors),
    )


# --- mentions a subject can be --------------------------------------------------------------

@dataclass(frozen=True)
class Mention:
    """A subject: a lexicon asset, an introduced entity, a descriptive alias or a capitalized name,
    where it stands in the text (for an anaphor: where the anaphor stands)."""

    start: int
    end: int
    subject: str
    how: str = "asset"  # asset | alias | name | anaphor
    kind: str = "name"  # the asset's kind (crypto, stock, etf, index, commodity, fx, pair) or "name"
    key: str | None = None  # the lexicon entry ("gold" for "bullion")


def mentions(fd: FinDoc) -> SpanIndex[Mention]:
    """Lexicon assets and introduced entities (not inside an adjective: "Nasdaq-listed"), and the
    aliases that overlap none."""

    def build() -> SpanIndex[Mention]:
        c = subject_cues()
        text = fd.text
        out = [Mention(a.start, a.end, a.asset.id, "asset", a.asset.kind, a.asset.key)
               for a in fd.assets if not _ADJECTIVE_DASH.match(text, a.end)]
        taken = SpanIndex(out)
        for m in _alias_matches(c, text):
            if not taken.overlapping(m.start(), m.end()):
                ident = c.alias_ids[re.sub(r"\s+", " ", m.group(0).lower())]
                out.append(Mention(m.start(), m.end(), ident, "alias", asset_kind(ident) or "name", ident))
        return SpanIndex(out)

    return fd.cached("move_mentions", build)


_ADJECTIVE_DASH = re.compile(r"-[a-z]")  # "Nasdaq-listed"


def _alias_matches(c: SubjectCues, text: str) -> Iterator[re.Match]:
    """``c.aliases.finditer(text)``, tried only where the first word of an alias stands (a scan of
    every position costs more than a substring search per first word)."""
    low = lower_exactly(text)
    if low is None:
        yield from c.aliases.finditer(text)
        return
    starts: set[int] = set()
    for head, gate in c.alias_heads:
        if gate not in low:  # a word of the alias is missing ("the yen" without "yen")
            continue
        i = low.find(head)
        while i >= 0:
            starts.add(i)
            i = low.find(head, i + 1)
    end = 0
    for pos in sorted(starts):
        if pos >= end:
            m = c.aliases.match(text, pos)
            if m:
                yield m
                end = m.end()


def same_asset(a: Mention, b: Mention) -> bool:
    return (a.key or a.subject) == (b.key or b.subject)


def distinct(ms: list[Mention]) -> list[Mention]:
    """``ms`` without a mention that repeats the asset of the one right before it ("XRP (XRP)",
    "BNB Chain's BNB")."""
    out: list[Mention] = []
    for m in ms:
        if not (out and same_asset(out[-1], m)):
            out.append(m)
    return out


# --- what the stage finds -------------------------------------------------------------------

@dataclass(frozen=True)
class Found:
    """The subjects of a percent and how they were found, or the quantity that moved."""

    subjects: tuple[Mention, ...] = ()
    how: str = ""
    quantity: str = ""  # "open interest in ether futures": the move is of this quantity, not of an asset
    decided: bool = True  # False: the rules could not tell (the parse, or the nearest name, decides)
    grammatical: bool = True  # what the clause says moved (False: the nearest name, without a parse)


UNDECIDED = Found(decided=False)


class Run:
    """What the subject stage keeps over one Doc: the names it made subjects (later anaphors may
    refer to them) and whether undecided sentences may ask for a parse."""

    def __init__(self, fd: FinDoc, parsing: bool):
        self.fd = fd
        self.parsing = parsing
        self.named: list[Mention] = []
        self.named_starts: list[int] = []
        self.listed: tuple[Mention, ...] = ()  # the latest names that moved as a list, one percent each
        self.changes: list[tuple[Mention, ...] | Mention] = []  # what was remembered, in order (see ``replay``)

    def remember(self, found: Found) -> None:
        for m in found.subjects:
            if m.how in ("name", "anaphor"):
                self.changes.append(m)
                self._name(m)

    def _name(self, m: Mention) -> None:
        i = bisect_right(self.named_starts, m.start)
        if not (i and self.named[i - 1].start == m.start):
            self.named.insert(i, m)
            self.named_starts.insert(i, m.start)

    def remember_list(self, names: tuple[Mention, ...]) -> None:
        if len(names) > 1:
            self.changes.append(names)
            self.listed = names

    def replay(self, changes: list[tuple[Mention, ...] | Mention]) -> None:
        """Remember again what a sentence remembered (``changes``: a slice of ``self.changes``)."""
        for ch in changes:
            if isinstance(ch, tuple):
                self.remember_list(ch)
            else:
                self.changes.append(ch)
                self._name(ch)

    def named_within(self, lo: int, hi: int) -> list[Mention]:
        a, b = bisect_left(self.named_starts, lo), bisect_left(self.named_starts, hi)
        return [m for m in self.named[a:b] if m.end <= hi]

    def seen(self, sent: Sentence, config: Any) -> tuple:
        """All the subject stage of ``sent`` can read of the run: the names remembered from as far
        back as ``referent`` looks to the sentence's end, and the latest list (``plural_referents``).
        Two runs that see the same decide ``sent`` the same (given the same parse)."""
        # = _sentence_back(fd, sent, n, False): sentences start strictly in order, so each step back is one sentence
        lo = self.fd.sentences[max(0, sent.i - max(config.anaphor_sents, config.running_sents))].start_char
        a, b = bisect_left(self.named_starts, lo), bisect_left(self.named_starts, sent.end_char)
        return tuple(self.named[a:b]), self.listed


@dataclass
class Place:
    """Where a subject is looked for: the figure at ``start:end`` (its group's cue at ``cue_start``)."""

    fd: FinDoc
    sent: Sentence
    start: int
    end: int
    cue_start: int | None
    explicit: bool
    noun_cue: bool  # the sign came from a change noun ("a 5% drop", "a decline of 5%")
    config: Any
    run: Run

    @property
    def lo(self) -> int:
        return max(self.sent.start_char, self.start - self.config.reach)

    @property
    def before(self) -> str:
        return self.fd.text[self.lo : self.start]

    @property
    def anchor(self) -> int:
        """Where the move's verb (or its figure) starts: the subject stands before it."""
        return self.cue_start if self.cue_start is not None else self.start


# --- table rows ------------------------------------------------------------------------------------

_ROW_NOTE = re.compile(r"\s*\([^()]*\)")  # "(8h)", "(agg.)": a note in a row's label


def _row_subject(pl: Place, row: Row) -> Found:
    """The subject of a figure in a table row: none when the row's label names a quantity ("Revenue",
    "Take rate", "OI-weighted BTC funding (8h)": a company's or a market's figure, not a price), else
    the first asset in the row (a company the row names by its ticker and by its name: the name,
    as a fact names a company; its ticker is an alias), else its first name cell."""
    fd = pl.fd
    label = next((t for a, b in row.cells if (t := _ROW_NOTE.sub("", fd.text[a:b]).strip(" *_:")) ), "")
    if label and (_quantity_end(label) or _quantity_lead(label)):
        return Found((), "a quantity", quantity=label)
    first = row_asset([m for a, b in row.cells for m in mentions(fd).within(a, b)], lambda m: m.kind, lambda m: m.subject, same_asset)
    if first is not None:
        return Found((first,), "the asset of the table row")
    for a, b in row.cells:
        nm = _NAME_FULL.search(fd.text, a, b)
        if nm and not re.search(r"\d", nm.group()[:1]):
            name = clean_name(fd, nm.start(), nm.end())
            if name is not None:
                return Found((name,), "the name of the table row")
    return Found((), "a table row without a name")


# --- anaphors -----------------------------------------------------------------------------------

def _sentence_back(fd: FinDoc, sent: Sentence, n: int, stop_at_break: bool) -> int:
    """Where the ``n``-th sentence before ``sent`` starts (a blank line stops the walk after one sentence
    when ``stop_at_break``)."""
    pos = sent.start_char
    for k in range(n):
        if pos <= 0:
            break
        prev = fd.sentence_at(pos - 1)
        if stop_at_break and k and fd.text[prev.end_char : pos].count("\n") >= 2:
            break
        pos = prev.start_char
    return pos


def _topic(fd: FinDoc, kinds: frozenset[str]) -> Mention | None:
    """The asset of one of ``kinds`` the article names most (ties: the first named)."""

    def build() -> Mention | None:
        counts: dict[str, list] = {}
        for m in mentions(fd):
            if m.kind in kinds:
                key = m.key or m.subject
                counts.setdefault(key, [0, m])[0] += 1
        if not counts:
            return None
        return max(counts.values(), key=lambda v: (v[0], -v[1].start))[1]

    return fd.cached(("move_topic", kinds), build)


def referent(pl: Place, kind: str, at: int) -> Mention | None:
    """The asset an anaphor of ``kind`` standing at ``at`` refers to: of the compatible assets named
    before it (up to ``anaphor_sents`` sentences back for a typed anaphor, ``running_sents`` for
    "it"), the latest that is not the object of a preposition; else, for a typed anaphor, the
    article's most-named one. Not the clause's subject first: in market news the subject is often a
    bank or an analyst and the object the stock ("the bank named Acme its top pick; the shares ...")."""
    c, cfg = subject_cues(), pl.config
    kinds = c.kinds.get(kind, frozenset())
    typed = kind != "any"
    lo = _sentence_back(pl.fd, pl.sent, cfg.anaphor_sents if typed else cfg.running_sents, not typed)
    pool = mentions(pl.fd).within(lo, at) + pl.run.named_within(lo, at)
    if kind == "stock":
        pool += _company_openers(pl.fd, lo, pl.sent.start_char)
    text = pl.fd.text
    # (not an asset word that modifies a company noun: "as gold miners pushed it higher. It has gained 18.6%")
    pool = [m for m in pool if m.kind in kinds and m.end <= at and not c.modifies_company.match(text, m.end)
            and not (m.kind == "index" and venue_after().match(text, m.end))]  # (not "in their Nasdaq debut")
    if pool:
        free = [m for m in pool if not c.object_marker.search(text[max(0, m.start - cfg.object_reach) : m.start])]
        best = max(free or pool, key=lambda m: (m.start, m.how != "name"))
        return _past_side_clause(pl, best, pool, at) or best
    return _topic(pl.fd, kinds) if typed else None


def _company_openers(fd: FinDoc, lo: int, hi: int) -> list[Mention]:
    """The company names that open the sentences starting in ``lo:hi``: two or more capitalized
    words ending in a company word ("Fernhill Group was the worst performer. *The stock* dropped
    8.1%"; ``entities.stock_context``, ``described_names``), before a lower-case word. A bank or
    analyst opening a sentence ("Morgan Stanley raised its target") is no company name of this shape."""
    out = []
    companies = _company_words()
    sent = fd.sentence_at(lo) if lo < hi else None
    while sent is not None and sent.start_char < hi:
        if sent.start_char >= lo:
            start = sent.start_char
            found = _opening_name(fd, start, min(sent.end_char, start + 120))
            if found is not None and _LOWER_NEXT.match(fd.text, found[0].end(), found[0].end() + 3):
                name = found[1]
                words_ = name.subject.split(" ")
                if name.how == "name" and len(words_) >= 2 and words_[-1].lower() in companies:
                    out.append(name)
        if sent.i + 1 >= len(fd.sentences):
            break
        sent = fd.sentences[sent.i + 1]
    return out


@compiled
def _company_words() -> frozenset[str]:
    """Lower-cased last words of company names: the stock-context suffixes ("Group", "plc") and the
    words descriptive nouns point to ("Mining", "Bancorp")."""
    suffixes = {w.lower().rstrip(".") for w in lexicon("entities").stock_context if w[:1].isupper()}
    return frozenset(suffixes | {w for ws in subject_cues().described.values() for w in ws})


def _sentence_opener(pl: Place, at: int) -> Mention | None:
    """The capitalized name that opens the anaphor's sentence, when nothing the lexicon or the article's
    subjects know came before: "Brightwater Capital, which holds bitcoin, saw *its stock* tumble 9%"."""
    fd, c = pl.fd, subject_cues()
    lo = pl.sent.start_char
    lead = c.leading.match(fd.text, lo, at)
    if lead:
        lo = lead.end()
    while lo < at and fd.text[lo].isspace():
        lo += 1
    found = _opening_name(fd, lo, at)
    if found is None or found[0].end() >= at:
        return None
    m, name = found
    return name if name.start == m.start() and not _common_word(fd, name) else None


_LOWER_NEXT = re.compile(r"\s+[a-z]")


_LAST_WORD = re.compile(r"([a-z]+)\s*$")


def _company_description(pl: Place, start: int, end: int) -> Found | None:
    """``start:end`` is a company noun with a determiner and up to three modifiers ("the carmaker",
    "the Paris-listed leather goods house"): the company it describes (``_described``, ``latest``)."""
    fd = pl.fd
    last = _LAST_WORD.search(fd.text, start, end)
    if last is None or last.group(1) not in subject_cues().described or last.end() != end:
        return None
    if not _COMPANY_REFERENCE.fullmatch(fd.text, start, last.start()):
        return None
    return _described(pl, last.group(1), "stock", start, end, latest=True)


_PARTICIPLE = re.compile(r"[a-z]{3,}ing")  # a lone present participle opening a clause ("closing", "ending", "finishing")
_FORMER_LATTER = re.compile(r"(?:the\s+)?(?P<which>former|latter)", re.IGNORECASE)
_AND_BETWEEN = re.compile(r"\s*,?\s+(?:and|&)\s+(?:the\s+)?")


def _former_latter(pl: Place, start: int, end: int) -> Found | None:
    """"the former" / "the latter" at ``start:end``: the first or the second of the last two things
    named as "A and B" (assets, or sectors named alone) in its sentence or the one before ("Gold and
    bitcoin ... have parted ways. The former has gained 14%"; "Utilities and homebuilders were hit
    hardest, the latter losing 6.2%"); ``None`` for another phrase."""
    fd = pl.fd
    m = _FORMER_LATTER.fullmatch(fd.text, start, end)
    if m is None:
        return None
    lo = _sentence_back(fd, pl.sent, 1, False)
    items = list(mentions(fd).within(lo, start))
    items += [Mention(s.start("name"), s.end("name"), s.group("name"), "name") for s in _sector_scan().finditer(fd.text, lo, start)]
    items.sort(key=lambda x: (x.start, -x.end))
    for a, b in zip(reversed(items[:-1]), reversed(items[1:])):
        if a.end <= b.start and _AND_BETWEEN.fullmatch(fd.text, a.end, b.start):
            pick = a if m.group("which").lower() == "former" else b
            subject = pick.key if pick.key and pick.kind != "crypto" and pick.how != "name" else pick.subject  # (as ``_anaphor`` names it)
            return Found((Mention(start, end, subject, "anaphor", pick.kind, pick.key),),
                         f"{fd.text[start:end]!r} of {a.subject!r} and {b.subject!r}")
    return Found((), f"{fd.text[start:end]!r}: no 'A and B' named before it")


@compiled
def _sector_scan() -> re.Pattern:
    """The sector names of ``sector_names`` anywhere in a text, as whole words."""
    return re.compile(rf"(?<![\w-])(?:{subject_cues().sector.pattern})(?![\w-])", re.IGNORECASE)


_JOINED_BEFORE = re.compile(r"(?<![,;])\s(?:and|&)\s+$")  # a name's "and", not a clause's ", and"


def _sector(pl: Place, start: int, end: int) -> Found | None:
    """``start:end`` names a market sector alone ("utilities", "the autos index", "Bank stocks";
    ``sector_names``): the sector, as written without its determiner, is what moved."""
    m = subject_cues().sector.fullmatch(pl.fd.text, start, end)
    if m is None or _JOINED_BEFORE.search(pl.fd.text, max(0, start - 8), start):
        return None  # (not the last words of a longer name: "the FTSE 350 precious metals and *mining index*")
    return Found((Mention(m.start("name"), m.end("name"), m.group("name"), "name", "name"),), "a sector named as what moved")


_FOR_LIST = re.compile(r"\s+(?:for|in|at)\s+(?:the\s+)?")
_LIST_ITEM_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+(?:and|&)\s+")
_RESPECTIVELY = re.compile(r",?\s+respectively\b")


def listed_after(fd: FinDoc, end: int, hi: int, n: int) -> list[Mention] | None:
    """The ``n`` names listed right after a group of percents ending at ``end``, introduced by "for"
    or "in" and closed by "respectively" before ``hi``: "Gains of 3.4% and 2.9% *for Banco Aurelio
    and Rhein-Westfalen Bank, respectively*". Each item a mention or a capitalised name, else none."""
    lead = _FOR_LIST.match(fd.text, end, hi)
    close = _RESPECTIVELY.search(fd.text, end, hi) if lead else None
    if close is None:
        return None
    out, pos = [], lead.end()
    for sep in [*_LIST_ITEM_SPLIT.finditer(fd.text, pos, close.start()), None]:
        a, b = pos, sep.start() if sep else close.start()
        known = [m for m in mentions(fd).within(a, b) if m.start == a and m.end == b]
        item = known[0] if known else (clean_name(fd, a, b) if _NAME_FULL.fullmatch(fd.text, a, b) else None)
        if item is None:
            return None
        out.append(item)
        pos = sep.end() if sep else b
    return out if len(out) == n and len({m.subject for m in out}) == n else None


def _company_opener(pl: Place, at: int) -> Mention | None:
    """The name of two or more capitalized words that opens the sentence of a company description at
    ``at``, before a lower-case word and a main clause break (a colon, a semicolon, a dash): "Maison
    Delacourt led the charge: *the Paris-listed leather goods house* rose 6.3%" (not "Ann Lee said the
    chipmaker rose 6.3%"; the NER may read a company's name as a person's, so that is not asked)."""
    fd = pl.fd
    found = _opening_name(fd, pl.sent.start_char, at)
    if found is None or found[0].end() >= at or not _LOWER_NEXT.match(fd.text, found[0].end(), found[0].end() + 3):
        return None
    name = found[1]
    if name.how != "name" or " " not in name.subject or _common_word(fd, name):
        return None
    if not _MAIN_BREAK.search(fd.text, name.end, at):  # its own clause ends first: not "Ann Lee said the chipmaker ..."
        return None
    return name


def _opening_name(fd: FinDoc, start: int, hi: int) -> tuple[re.Match, Mention] | None:
    """The capitalized name at ``start`` (read up to ``hi``) and its cleaned mention: what both
    ``_company_openers`` and ``_sentence_opener`` read at a sentence's start."""
    m = _NAME_FULL.match(fd.text, start, hi)
    if m is None:
        return None
    name = clean_name(fd, m.start(), m.end())
    return None if name is None else (m, name)


_MAIN_BREAK = re.compile(r"(?<!&[A-Za-z])[;:](?=\s)|\s[—–]\s")
_SIDE_BREAK = re.compile(r"(?<!&[A-Za-z]);(?=\s)|\s[—–]\s")  # the main breaks but the colon


def _past_side_clause(pl: Place, best: Mention, pool: list[Mention], at: int) -> Mention | None:
    """The sentence's own subject when ``best`` is a passing mention in a side clause and the anaphor
    opens a new main clause: "Litecoin held up where Bitcoin and Cardano slipped; *it* rose 2%" -> Litecoin."""
    fd, c = pl.fd, subject_cues()
    sent = fd.sentence_at(at)
    if best.start < sent.start_char or not _MAIN_BREAK.search(fd.text, best.end, at):
        return None
    lo = max(sent.start_char, best.start - 2 * pl.config.reach)  # bounded: time stays linear in the text
    breaks = [m.end() for m in _MAIN_BREAK.finditer(fd.text, lo, best.start)]
    seg = breaks[-1] if breaks else lo
    side = [m for m in c.subordinate.finditer(fd.text, seg, best.start)]
    if not side:
        return None
    if not _SIDE_BREAK.search(fd.text, best.end, at) and fd.text[max(0, side[-1].start() - 2) : side[-1].start()].rstrip().endswith(","):
        return None  # a colon goes on about the comma-set clause right before it: "..., while SOL was the weak hand: *it* shed 3.2%"
    openers = [m for m in pool if seg <= m.start < side[0].start()]
    if not openers:
        return None
    first = openers[0]
    lead = c.leading.sub("", fd.text[seg : first.start])
    return first if not lead.strip() or _MODIFIERS.fullmatch(lead.lstrip()) else None


def _anaphor(pl: Place, kind: str, start: int, end: int) -> Found:
    ref = referent(pl, kind, start)
    if ref is None and kind != "any":
        ref = _sentence_opener(pl, start)
    if ref is None:
        return Found((), f"{pl.fd.text[start:end]!r} refers to no {kind} asset named before")
    # (a coin, a currency and a name introduced by the article keep the name the text gave them: "euro", not
    # its ISO code; other assets their lexicon key)
    subject = ref.key if ref.key and ref.kind not in ("crypto", "fx") and ref.how != "name" else ref.subject
    if _squash(pl.fd.text[start:end]).endswith("futures") and ref.kind in ("commodity", "index") and "futures" not in subject:
        subject += " futures"  # "Futures dropped 2%" in a story about gold: gold futures
    m = Mention(start, end, subject, "anaphor", ref.kind, ref.key)
    return Found((m,), f"{pl.fd.text[start:end]!r} refers to {ref.subject}")


# --- names ----------------------------------------------------------------------------------------

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
    ew = entity_words()
    while parts and (parts[0] in not_subjects or (len(parts) > 1 and ew.adjective.match(parts[0]))  # "Kraken-listed Acme"
                     or describes_company(parts, ew)):  # "Rival Acme Pay"
        start += len(parts[0]) + 1
        parts = parts[1:]
    heads = subject_cues().named_heads
    while parts and ((parts[-1] in not_subjects and parts[-1].lower() not in heads)  # "the Acme Gold Miners ETF" keeps its "ETF"
                     or (len(parts) > 1 and WIRE_CODE.fullmatch(parts[-1]))):  # "Aluminium CMAL3 dipped": the wire's code
        parts = parts[:-1]
        end = start + len(" ".join(parts))
    if not parts or start >= end or (len(parts) == 1 and ew.adjective.match(parts[0])):  # "the Australian-born miner": no name
        return None
    for m in mentions(fd).within(start, end):
        if m.end == end:
            return m
    name = fd.text[start:end].rstrip(".,")
    tick = _COMPANY_TICKER.search(name)
    name = name[: tick.start("tick")] if tick else name
    if not name or name in not_subjects or not any(ch.isalpha() for ch in name):  # "(since March) 2025": no name
        return None
    if " " not in name and name.lower() in subject_cues().change_heads:  # "Gains of 3.4% and 2.9% for ...": a move, not a name
        return None
    return Mention(start, start + len(name), name, "name")


# A news wire's instrument code written after a name ("Aluminium CMAL3", "Corn Cv1", "Brent LCOc1",
# "Spot gold XAU=", "the S&P 500 .SPX"): never part of the name
WIRE_CODE = re.compile(r"[A-Z]{1,5}c?[cv]\d{1,2}|[A-Z]{2,6}\d{1,2}|[A-Z]{2,8}=[A-Z0-9]{0,3}|\.[A-Z][A-Za-z0-9]{1,6}")

# "Acme Corporation ACME": a company name followed by its ticker (some wires write it so)
_COMPANY_TICKER = re.compile(r"\b(?:Company|Corporation|Holdings|Limited|Group|Corp\.?|Inc\.?|Ltd\.?|plc|PLC)(?P<tick>[ ][A-Z]{1,5})$")


def _common_word(fd: FinDoc, name: Mention) -> bool:
    """A one-word name the article also writes in lower case ("Futures", "Traders"): a common word."""
    if " " in name.subject or name.how != "name" or name.subject.isupper():
        return False
    return name.subject.lower() in fd.lower_words


def _name_in(pl: Place, pattern: re.Pattern, lo: int, hi: int) -> Mention | None:
    m = pattern.search(pl.fd.text[lo:hi])
    return clean_name(pl.fd, lo + m.start("name"), lo + m.end("name")) if m else None


# --- rules: a plain clause --------------------------------------------------------------------

def clause_subject_span(pl: Place, anchor: int) -> tuple[int, int]:
    """The words between the last clause opener before ``anchor`` and ``anchor``, without the
    auxiliaries and hedges before ``anchor`` and the sentence adverbs at their start."""
    c, text = subject_cues(), pl.fd.text
    lo = max(pl.sent.start_char, anchor - pl.config.reach)
    start = lo
    for m in c.boundary.finditer(text, lo, anchor):
        start = m.end()
    end = c.trailing.search(text, start, anchor).start()
    lead = c.leading.match(text[start:end])
    if lead:
        start += lead.end()
    while start < end and text[start].isspace():
        start += 1
    return start, end


def _descriptor_before(text: str) -> bool:
    """Whether ``text`` is one capitalised descriptor and a space ("Rival ", "Peers "; ``entities.json``
    descriptor_openers), which leaves the name after it the subject."""
    word = text.rstrip()
    return bool(word) and word != text and " " not in word and word[:1].isupper() and word.lower() in entity_words().descriptors


def _single(pl: Place, start: int, end: int) -> Mention | None:
    """The one subject written at ``start:end``: a mention (maybe "the X", "X's shares", "shares of
    X") or a capitalized name; ``None`` when it is anything else."""
    c, fd = subject_cues(), pl.fd
    if fd.text.startswith("$", start):  # a cashtag: "$ACME"
        start += 1
    text = fd.text[start:end]
    m = c.shares_of.match(text) or _MODIFIERS.match(text)
    if m:
        lead, start = start, start + m.end()
        text = fd.text[start:end]
        wide = next(iter(mentions(fd).within(lead, end)), None)
        if wide is not None and wide.start < start < wide.end and c.owner_suffix.match(fd.text[wide.end : end]):
            return wide  # a name that opens with the lower-case word taken for a modifier ("the equal-weighted Nasdaq 100")
    for men in mentions(fd).within(start, end):
        if (men.start == start or _descriptor_before(fd.text[start : men.start])) and c.owner_suffix.match(fd.text[men.end : end]):
            return men  # (after a descriptor: "Rival Tollis & Pike")
        break
    nm = _NAME_FULL.match(text)
    if nm and c.owner_suffix.match(text[nm.end() :]):
        name = clean_name(fd, start, start + nm.end())
        if name is not None and not _common_word(fd, name):
            return name
    return None


_LIST_END_RE = re.compile(r"(?:,\s*and|,|\band|&)\s*$", re.IGNORECASE)


_DETERMINERS = re.compile(r"\s*(?:(?:the|its|their|this|that|these|those|a|an)\s+)?(?:(?:spot|current|latest|recent|underlying)\s+)?", re.I)
# a plain phrase of lower-case words: a determiner, a few modifiers and a noun ("the broader market")
_NOT_A_MODIFIER = (r"(?!(?:in|of|for|on|at|to|by|with|from|than|as|the|a|an|this|that|these|those|its|their|is|was|are|were|be|been|"
                   r"has|have|had|will|would|could|can|may|might|should|did|does|do|it|they|he|she|we|you|i)\b)")
_COMMON_NP = re.compile(rf"(?:(?:the|a|an|this|that|these|those)\s+)?(?:{_NOT_A_MODIFIER}[a-z][a-z’'-]*\s+){{0,3}}{_NOT_A_MODIFIER}[a-z][a-z’'-]*")
_TRAILING_NAME = re.compile(rf"(?<=[a-z][ ])(?P<name>{NAME})$", re.VERBOSE)  # "top AI tokens *NEAR*"


def _list_item(pl: Place, start: int, end: int, first: bool) -> int | None:
    """Where a list item at ``start:end`` starts, when it is one subject; the first item of a list
    may be introduced by a few words ("Leading gaming coins *AXS*, Gala and Immutable")."""
    if _single(pl, start, end) is not None:
        return start
    m = _TRAILING_NAME.search(pl.fd.text, start, end) if first else None
    if m and _single(pl, m.start("name"), end) is not None and not pl.fd.percents.within(start, m.start("name")):
        return m.start("name")  # (not the object of another move: "led by a 3.9% jump in *Hanbit*, and Taiwan's Taiex gained 0.9%")
    return None


def _with_list(pl: Place, start: int, end: int) -> int:
    """Where a list of subjects ending at ``start:end`` begins ("Ether, XRP and *Solana*" -> "Ether")."""
    text, lo = pl.fd.text, max(pl.sent.start_char, pl.anchor - pl.config.reach)
    for k in range(8):
        sep = _LIST_END_RE.search(text, lo, start)
        if sep is None or (k == 0 and not re.search(r"and|&", sep.group())):  # "X, Y rose" is no list; "X and Y rose" is
            break
        a, b = clause_subject_span(pl, sep.start())
        item = _list_item(pl, a, b, True) if b > a else None
        if item is None:
            break
        start = item
        if item != a:
            break
    return start


def _quantity_end(text: str) -> bool:
    """A phrase that ends with a quantity noun ("ether's trading volume", "Core CPI", "Adjusted EPS"), not
    a capitalized name that ends with one ("Orbis Payments", "Acme Holdings")."""
    m = subject_cues().quantity_end.search(text)
    if not m:
        return False
    one_word = not re.search(r"\s", m.group()) and not m.group().isupper()  # "Payments", not "Price Index" (the PCE Price Index is a quantity) or "EPS"
    owned = re.search(r"['’]s\s", text[: m.start()])  # "Acme's Net Interest Income": a quantity of Acme
    return not (one_word and not owned and text[m.start()].isupper() and re.search(r"(?<![\w’'-])[A-Z][\w&.’'-]*\s+$", text[: m.start()]))


def _quantity_lead(text: str) -> bool:
    """A plain phrase headed by a quantity noun: "open interest in ether futures", "the number of large
    wallets" (a few words after the preposition, no possessive: not "demand for X sent Acme's shares")."""
    m = subject_cues().quantity_lead.match(text)
    if not m:
        return False
    rest = text[m.end() :]
    return len(rest.split()) <= 4 and not re.search(r"['’]s\b", rest)


def _antecedent(pl: Place, pronoun: int) -> Found:
    """The subject of a relative clause: the asset or name right before ", which" ("Asked about
    ether, which has dropped 22%")."""
    fd = pl.fd
    comma = fd.text.rfind(",", max(pl.sent.start_char, pronoun - 3), pronoun)
    if comma < 0:
        return UNDECIDED
    end = comma
    while end > pl.sent.start_char and fd.text[end - 1].isspace():
        end -= 1
    before = mentions(fd).last_before(end, max(pl.sent.start_char, end - pl.config.reach))
    if before is not None and before.end == end:
        return Found((before,), "the antecedent of a relative clause")
    s, e = clause_subject_span(pl, comma)
    return _np_found(pl, s, e, 1)


# a provider's gauge named by what it measures: "MSCI's index of emerging-market currencies", "its gauge of EM
# equities", "Bloomberg's broadest measure of the dollar"
_GAUGE = r"(?:[a-z-]+\s+){0,2}?(?:index|gauge|measure|benchmark)"  # "index", "broadest measure"
_OWNER = r"(?P<owner>[A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,2})['’]s"  # "MSCI's", "Bloomberg's"
_OWNED_GAUGE = re.compile(rf"(?:{_OWNER}|(?P<its>[Ii]ts))\s+{_GAUGE}\s+of\s+(?:[\w-]+\s+){{0,4}}[\w-]+")
_OWNER_BEFORE = re.compile(rf"{_OWNER}\s+{_GAUGE}\b")
OWNER_REACH = 200  # characters back in the sentence where "its gauge of" finds the provider's gauge named before


def _owned_gauge(pl: Place, m: re.Match, start: int) -> Found:
    """A provider's gauge as its subject, named as written ("MSCI's index of emerging-market currencies");
    "its gauge of EM equities" takes the owner a gauge of the same sentence named before it."""
    owner = m.group("owner")
    if owner is None:
        before = list(_OWNER_BEFORE.finditer(pl.fd.text, max(pl.sent.start_char, start - OWNER_REACH), start))
        if not before:
            return UNDECIDED
        owner = before[-1].group("owner")
    gauge = m.group(0)[m.end("its") if m.group("its") else m.end("owner") + 2 :].strip()  # (m matched the whole phrase)
    return Found((Mention(start, start + m.end(), f"{owner}'s {gauge}", "name", "index"),), "a provider's gauge named by what it measures")


def _np_found(pl: Place, start: int, end: int, depth: int = 0) -> Found:
    """What the plain phrase at ``start:end`` says (see the module docstring); ``UNDECIDED`` when it
    is not plain."""
    c, fd = subject_cues(), pl.fd
    text = fd.text[start:end]
    low = _squash(text)
    if not low:
        return UNDECIDED
    if low in ("which", "that", "who") and depth == 0:
        return _antecedent(pl, start)
    if low in ("having", "being") or (_PARTICIPLE.fullmatch(low) and depth == 0):
        return UNDECIDED  # a participle clause (", having climbed 4.3%", ", closing up 1.8%"): its subject is the main clause's
    if depth == 0 and (whose := _WHOSE.fullmatch(low)) is not None and whose.group("noun") in c.owner_heads:
        return _antecedent(pl, start)  # "..., whose shares plunged 7.9%"
    if (key := _anaphor_key(low)) in c.anaphor_of:
        return _anaphor(pl, c.anaphor_of[key], start, end)
    if c.episode.fullmatch(low):  # "the second dropped by 56%": an episode of the running asset
        return _anaphor(pl, "any", start, end)
    if (gauge := _OWNED_GAUGE.fullmatch(text)) is not None:  # "MSCI's index of emerging-market currencies"
        return _owned_gauge(pl, gauge, start)
    if (poss := _POSSESSED_SHARES.fullmatch(text)) is not None:  # "the lender's stock"
        return _described(pl, poss.group("noun"), "stock", start, end)
    if (described := _company_description(pl, start, end)) is not None:  # "the discount chain"
        return described
    if (sector := _sector(pl, start, end)) is not None:  # "utilities fell the most"
        return sector
    if (pick := _former_latter(pl, start, end)) is not None:  # "Gold and bitcoin ... The former has gained 14%"
        return pick
    if _quantity_end(text) or _quantity_lead(text):
        return Found((), "a quantity", quantity=text)
    one = _single(pl, start, end)
    if one is not None and depth == 0:
        start = _with_list(pl, start, end)
        text = fd.text[start:end]
        lead, _ = clause_subject_span(pl, start)
        if lead < start and _quantity_lead(fd.text[lead:end]):  # "spot volume on X and Y fell": the list owns a quantity
            return Found((), "a quantity", quantity=fd.text[lead:end])
    if one is not None and start == one.start:
        return Found((one,), "the subject of a plain clause")
    parts, pos = [], start
    for sep in _LIST_SPLIT.finditer(text):
        if any(m.start < start + sep.start() and m.end > start + sep.end() for m in mentions(fd).overlapping(start + sep.start(), start + sep.end())):
            continue  # inside a name ("Harcourt & Vale"): no list
        parts.append((pos, start + sep.start()))
        pos = start + sep.end()
    parts.append((pos, end))
    found = [_single(pl, a, b) for a, b in parts]
    if not found or any(f is None for f in found):
        if _COMMON_NP.fullmatch(text) and not mentions(fd).within(start, end):
            return Found((), f"{text!r} names no asset")  # "the broader market", "bitcoin miners", "stocks"
        return UNDECIDED
    how = "the subject of a plain clause" if len(found) == 1 else "subjects listed before the verb"
    return Found(tuple(distinct(found)), how)  # type: ignore[arg-type]


def rule_found(pl: Place) -> Found:
    """The subject where the rules can tell (see the module docstring), else ``UNDECIDED``."""
    fd, text = pl.fd, pl.fd.text
    row = table_row(fd, pl.start)
    if row is not None:
        return _row_subject(pl, row)
    before = pl.before
    m = _NAME_BEFORE_PCT.search(before) if pl.explicit or before.rstrip().endswith("(") else None
    if m:
        name = clean_name(fd, pl.lo + m.start("name"), pl.lo + m.end("name"))
        if name:
            return Found((name,), "name right before the percent")
    poss = subject_cues().possessive.search(text, pl.lo, pl.start) if _APOSTROPHE.search(text, pl.lo, pl.start) else None
    if poss:
        owner = [m for m in mentions(fd).within(pl.lo, poss.start()) if m.end == poss.start()]
        name = _NAME_BEFORE_POSS.search(text, max(pl.lo, poss.start() - 80), poss.start())
        if owner or name:
            found = owner[0] if owner else clean_name(fd, name.start("name"), name.end("name"))
            if found is not None:
                return Found((found,), "possessive")
    if (for_ := _FOR_AFTER.match(text, pl.end)) is not None:  # "a cumulative advance of 48% for Bitcoin Cash", "19% for bitcoin"
        named = [m for m in mentions(fd).within(for_.end(), for_.end() + 60) if m.start == for_.end()]
        if named:
            return Found((named[0],), "the asset after 'for' right after the percent")
    after_price = _AFTER_PRICE.search(text, max(pl.lo, pl.start - 24), pl.start)
    if after_price is not None and (priced := _priced_before(pl, after_price.start())) is not None:
        return Found((priced,), "the asset of the price right before the move ('ether trades at $3,020, down 2.1%')")
    than = subject_cues().than_quantity.match(text, pl.end, min(pl.sent.end_char, pl.end + pl.config.reach))
    if than:
        return Found((), "compared with a quantity", quantity=text[pl.end : than.end()].strip())
    s, e = clause_subject_span(pl, pl.anchor)
    if (label := _change_label(pl, s)) is not None:
        return label
    if (item := _item_label(pl, s, e)) is not None:
        return item
    if pl.noun_cue:
        return UNDECIDED
    gauge = _measured_by().search(text, max(pl.sent.start_char, pl.anchor - pl.config.reach), pl.anchor)
    if gauge:  # "the broader market, as measured by the Acme 20 Index, rose 2%": the gauge moved
        named = [m for m in mentions(fd).within(gauge.end(), pl.anchor) if m.start == gauge.end()]
        name = named[0] if named else None
        if name is None:
            nm = _NAME_FULL.match(text, gauge.end(), pl.anchor)
            name = clean_name(fd, nm.start(), nm.end()) if nm else None
        if name is not None:
            return Found((name,), "the gauge that measures the market")
    if not _squash(text[s:e]) and (app := _APPOSED_NAME.search(text, max(pl.sent.start_char, s - APPOSITIVE_READ), s)) is not None:
        # "Strategy, the software company turned bitcoin treasury, lost 9.2%": the name the appositive describes
        named = [m for m in mentions(fd).within(app.start("name"), app.end("name")) if m.end == app.end("name")]
        name = named[0] if named else clean_name(fd, app.start("name"), app.end("name"))
        if name is not None and not _common_word(fd, name) \
                and not object_marker().search(text, max(pl.sent.start_char, app.start("name") - 25), app.start("name")):
            return Found((name,), "the name an appositive describes")  # (not "Holdings of X, the largest such fund,")
    if not _squash(text[s:e]) and _AND_BEFORE.search(text, max(pl.sent.start_char, s - 8), s):
        # "XRP jumped 11% after the statement was posted and was last up 8.3%": the verb 'and' joins has
        # the subject of the sentence's earlier move, not the subject of the clause in between
        fd, lo = pl.fd, max(pl.sent.start_char, s - pl.config.reach)  # (a bounded window: time stays linear in one long sentence)
        subjects = [m for m in mentions(fd).within(lo, s) if not object_marker().search(text, max(lo, m.start - 25), m.start)]
        if subjects and fd.percents.within(subjects[0].end, s):
            found = _np_found(pl, subjects[0].start, subjects[0].end, 1)  # as that subject reads ("Bullion": gold; "Core CPI": a quantity)
            if found.decided:
                return replace(found, how=f"the subject of the earlier move, whose verb 'and' joins ({found.how})")
    return _np_found(pl, s, e)


_AND_BEFORE = re.compile(r"(?<![\w-])and\s*$", re.IGNORECASE)
# a list item that opens with a name and a dash or colon: "- Corvane Health — Shares were up 4% ...", "* **Lyft**: ..."
_ITEM_LABEL = re.compile(rf"[ \t]*(?:[-*•·]|\d{{1,2}}[.)])[ \t]+(?:\*\*)?(?P<name>{NAME})(?:\*\*)?[ \t]*(?:(?P<colon>:)|[—–]|[ ]-[ ])[ \t]*",
                         re.VERBOSE)
_ITEM_READ = 300  # characters of a list item after its label in which its sentences are about the label's name


def _item_label(pl: Place, s: int, e: int) -> Found | None:
    """The name a list item opens with ("- Corvane Health — Shares were up 4%", "- **ETH**: The token
    slid 3%") when the clause's subject is no name of its own: nothing, or a description or anaphor
    with no capital after its first word ("The grocer", "Shares", "The ride-hailing company's
    stock"), and no quantity ("Its crypto revenue"); the item is about its label. Before a colon,
    only an asset the article knows."""
    fd, text = pl.fd, pl.fd.text
    words_ = text[s:e].split()
    if any(w[:1].isupper() for w in words_[1:]) or mentions(fd).within(s, e):
        return None
    if subject_cues().quantity_end.search(text[s:e].rstrip(" \t,")):
        return None  # "Its crypto revenue fell 38%": a quantity of the item's company, no move of it
    line = text.rfind("\n", max(0, pl.start - _ITEM_READ), pl.start) + 1
    if line == 0 and pl.start > _ITEM_READ:
        return None
    m = _ITEM_LABEL.match(text, line, pl.start)
    if m is None or m.end() > s:
        return None
    named = [x for x in mentions(fd).within(m.start("name"), m.end("name")) if x.end == m.end("name")]
    if not named and m.group("colon"):
        return None  # "- Tue: Retail sales ...": a colon labels many things; a dash after a name it does not know, a company
    name = named[0] if named else clean_name(fd, m.start("name"), m.end("name"))
    if name is None or _common_word(fd, name):
        return None
    return Found((name,), "the name its list item opens with")
APPOSITIVE_READ = 140  # characters before a verb read for "<Name>, the <description>,"
# "<Name>, the|a|an <description>," right before the verb: the description has no clause mark, quote or bracket
_APPOSED_NAME = re.compile(rf"(?P<name>{NAME}),[ ](?:the|a|an)[ ][a-z][^,;:()“”\"\n]{{2,80}},\s*\Z", re.VERBOSE)
_LABEL_END = re.compile(r"[\s:]+$")
_LABEL_OWNER_END = ":—–-|("  # what ends the name a label hangs from ("Gold: weekly change", "SOL — 24h change")


def _change_label(pl: Place, start: int) -> Found | None:
    """The subject when the words from ``start`` to the figure only label it a change over a period
    ("Gold: weekly change -2.1%", "Weekly gain: 1.5%"): the name the label hangs from, before a colon
    or dash (a quantity there owns the move: "Open interest: daily change +4%"), else the running
    asset; ``None`` when they are no such label."""
    c, text = subject_cues(), pl.fd.text
    if not text[start : pl.start].strip() and text[:start].rstrip().endswith(":"):  # "Day change: +2.6%"
        start, _ = clause_subject_span(pl, len(text[:start].rstrip()) - 1)
    label = _squash(_LABEL_END.sub("", text[start : pl.start]))
    if not label or not c.change_label.fullmatch(label):
        return None
    owner_end = len(text[:start].rstrip())
    if owner_end > pl.sent.start_char and text[owner_end - 1] in _LABEL_OWNER_END:
        s, e = clause_subject_span(pl, owner_end - 1)
        owner = text[s:e]
        if _squash(owner):
            if _quantity_end(owner) or _quantity_lead(owner):
                return Found((), "a quantity", quantity=owner)
            found = _np_found(pl, s, e, 1)
            if found.decided and found.subjects:
                return replace(found, how=f"the name the label {label!r} hangs from")
    return _anaphor(pl, "any", start, start + len(text[start : pl.start].rstrip(" :")))


_WHOSE = re.compile(r"whose (?P<noun>[a-z-]+(?: price)?)")
_APOSTROPHE = re.compile(r"['’]")  # every possessive holds one
_FOR_AFTER = re.compile(r"\s+for\s+(?:the\s+)?", re.IGNORECASE)
_AFTER_PRICE = re.compile(r",\s*(?:up|down|higher|lower)\s+(?:(?:about|nearly|almost|roughly|some)\s+)?$", re.IGNORECASE)


def _priced_before(pl: Place, comma: int) -> Mention | None:
    """The asset named in the clause of a money figure ending at ``comma`` ("and ether trades at
    $3,020" before ", down 2.1%"): the last mention there that is no object, if the figure ends there."""
    fd = pl.fd
    money = fd.money.overlapping(comma - 1, comma)
    if not money or money[-1].end != comma:
        return None
    m = money[-1]
    clause = clause_before(fd, m.start)
    named = [x for x in mentions(fd).within(m.start - len(clause), m.start)
             if not object_marker().search(fd.text, max(0, x.start - 25), x.start)]
    return named[-1] if named else None


# after an anaphor's head: a complement that describes a thing of its own ("the index *of small-cap
# tokens tracked by Osterbrook*", "the fund *run by Halden*"), not "the price of the token"
@compiled
def _described_by() -> re.Pattern:
    """After an anaphor noun: "of small-cap tokens tracked by X" / "compiled by X" (move_lexicon compiler_participles)."""
    verbs = alternation(lexicon("move_lexicon").compiler_participles)
    return re.compile(rf"\s+(?:of\s+(?:[\w-]+\s+){{1,5}}?)?{verbs}\s+by\s+\S", re.IGNORECASE)


@compiled
def _measured_by() -> re.Pattern:
    """"the market, as measured by the X index, ..." / "stocks, as tracked by X, ..." (move_lexicon gauge_participles)."""
    return re.compile(rf",\s*(?:as\s+)?{alternation(lexicon('move_lexicon').gauge_participles)}\s+by\s+(?:the\s+)?", re.IGNORECASE)


# --- the parse ------------------------------------------------------------------------------------

def phrase_found(pl: Place, parse: Parse, ph: Phrase, conjoined: bool = False) -> Found:
    """What a phrase the parse names says (see the module docstring); a conjoined phrase ("the
    token and the stock") refers back to nothing."""
    c, fd = subject_cues(), pl.fd
    head = ph.head
    full, core = fd.text[ph.start : ph.end], fd.text[ph.start : head.end]
    low = _squash(full)
    if conjoined and (low in c.anaphor_of or _squash(core) in c.anaphor_of):
        return Found((), f"{full!r} is one of several conjoined phrases")
    if (key := _anaphor_key(low)) in c.anaphor_of:
        return _anaphor(pl, c.anaphor_of[key], ph.start, ph.end)
    if c.episode.fullmatch(low) and not conjoined:  # "the first saw a decline of 59%": an episode of the running asset
        return _anaphor(pl, "any", ph.start, ph.end)
    if low in ("which", "that", "who"):
        return _antecedent(pl, ph.start)
    if _quantity_end(core) or c.quantity_lead.match(full):
        return Found((), "a quantity", quantity=full)
    inside = mentions(fd).within(ph.start, ph.end)
    cover = [m for m in mentions(fd).overlapping(head.start - 12, head.end)
             if m.start < head.end and head.start < m.end or fd.text[m.end : head.start] == "/"]  # "XRP/USD": the base
    if cover:
        return Found((cover[0],), f"the parse's {ph.role}")
    if head.lower in grammar.TIME_WORDS:  # "bitcoin over six years" read as one phrase: the asset, not the years
        before = [m for m in inside if m.end <= head.start]
        if before:
            return Found((before[-1],), f"the parse's {ph.role}")
    if head.lower in c.owner_heads:
        return _owned(pl, ph, inside)
    named = _apposed(pl, ph)
    if named is not None and (head.lower in c.named_heads or _squash(core) in c.anaphor_of):
        return Found((named,), "the appositive that names the parse's " + ph.role)
    if _squash(core) in c.anaphor_of:
        if _described_by().match(fd.text, head.end, ph.end):
            # "the index of small-cap tokens tracked by Osterbrook": a description of its own, not a reference back
            words_ = re.sub(r"^(?:the|a|an)\s+", "", full, flags=re.IGNORECASE)
            return Found((Mention(ph.end - len(words_), ph.end, words_, "name"),), f"the parse's {ph.role}, described in full")
        return _anaphor(pl, c.anaphor_of[_squash(core)], ph.start, ph.end)
    if head.text[:1].isupper() and head.text not in c.not_subjects:
        for nm in _NAME_FULL.finditer(full):
            if ph.start + nm.start() <= head.start and head.end <= ph.start + nm.end():
                name = clean_name(fd, ph.start + nm.start(), ph.start + nm.end())
                if name is not None and not _common_word(fd, name):
                    return Found((name,), f"the parse's {ph.role}")
    if (sector := _sector(pl, ph.start, ph.end)) is not None:  # "utilities fell the most, shedding 1.3%"
        return sector
    if (pick := _former_latter(pl, ph.start, ph.end)) is not None:
        return pick
    if head.lower in c.group_heads:  # "the gaming sector", "the artificial intelligence (AI) sector"
        words_ = re.sub(r"^(?:the|a|an|its|their|this|that)\s+", "", full[: head.end - ph.start], flags=re.IGNORECASE).strip()
        if len(words_) > len(head.text):
            return Found((Mention(head.end - len(words_), head.end, words_, "name"),), f"the parse's {ph.role}")
    if head.lower in c.named_heads and head.lower not in _FUND_HEADS:  # "Japan's Nikkei share average": the Nikkei
        known = [m for m in inside if m.end <= head.start
                 and all(w.lower() in c.index_descriptors for w in fd.text[m.end : head.start].split())]
        if known:
            return Found((known[-1],), f"the parse's {ph.role}")
    if head.lower in c.named_heads:  # "the Acme bond fund" names it; "the cryptocurrency ETF" refers back
        words_ = re.sub(r"^(?:the|a|an|its|their)\s+", "", full[: head.end - ph.start], flags=re.IGNORECASE).strip()
        owner = _PROVIDER.match(words_)
        words_ = re.sub(r"^.*['’]s\s+(?=\S)", "", words_)  # "Japan's Topix index" -> "Topix index"
        while " " in words_ and words_.split(" ", 1)[0].lower() in c.index_descriptors:  # "main Santiago share index"
            words_ = words_.split(" ", 1)[1]
        if re.search(r"\b[A-Z]", words_[: -len(head.text)]):
            start = head.end - len(words_)
            return Found((Mention(start, head.end, words_, "name"),), f"the parse's {ph.role}")
        if owner is not None and " " in words_ and owner.group("owner").lower() not in entity_words().not_names:
            # "MSCI's emerging-market currency index": the index its provider names, not one named before
            return Found((Mention(head.end - len(words_), head.end, f"{owner.group('owner')} {words_}", "name"),), f"the parse's {ph.role}")
        kind = c.anaphor_of.get(f"the {head.lower}", "any")
        return _anaphor(pl, kind, ph.start, ph.end)
    if head.lower in c.change_heads:  # "Ether's slide left the token 39% below ...": the owner of the move noun moved
        owner = [m for m in inside if m.end <= head.start and _APOSTROPHE.match(fd.text, m.end)]
        if owner:
            return Found((owner[-1],), f"the owner of {head.text!r}")
    if head.lower in c.described and _COMPANY_REFERENCE.fullmatch(fd.text, ph.start, head.start):
        # "the carmaker", "the Paris-listed leather goods house": the company named before
        return _described(pl, head.lower, "stock", ph.start, ph.end, latest=True)
    if (kind := c.anaphor_of.get(f"the {head.lower}")) is not None and _MODIFIED_REFERENCE.fullmatch(fd.text, ph.start, head.start):
        return _anaphor(pl, kind, ph.start, ph.end)  # "The original memecoin jumped 11.6%": the memecoin named before
    if (named := _apposed(pl, ph)) is not None:  # "a little-known memecoin, Wobblefrog (WBFG), soared 134%"
        return Found((named,), f"the appositive that names the parse's {ph.role}")
    return Found((), f"the parse's {ph.role} {full!r} names no asset")


# "the original ", "the dollar-pegged ": a determiner and lower-case modifiers before an anaphor's noun (not
# "the other", "the rival", "the second": those point to another asset than the one named before)
# "the Paris-listed leather goods ": a determiner and one to three modifiers, lower case or a place
# joined to a participle ("Paris-listed", "U.S.-based")
_MODIFIED_REFERENCE = re.compile(r"(?:[Tt]he|[Tt]his|[Tt]hat|[Ii]ts|[Tt]heir)\s+(?!(?:other|rival|second|third|latter|former|new|same)\b)"
                                 r"(?:(?:[a-z][a-z-]*|[A-Z][\w.]*-[a-z]+ed)\s+){1,3}")
# "the ", "the Nasdaq-listed ": the same with no modifier too, before a noun that describes a company
_COMPANY_REFERENCE = re.compile(_MODIFIED_REFERENCE.pattern.replace("{1,3}", "{0,3}"))


# a fund named after an index is the fund, not the index; a subindex of an index is not the index either
_FUND_HEADS = frozenset({"fund", "etf", "etp", "trust", "subindex"})


def _apposed(pl: Place, ph: Phrase) -> Mention | None:
    """The mention or name an appositive gives the phrase's head ("the official memecoin, *CAR*,");
    an appositive that only holds a name somewhere ("Acme, *a bitcoin holder*,") gives none."""
    if ph.appos is None:
        return None
    text = pl.fd.text
    a, b = ph.appos
    while a < b and not text[a].isalnum():
        a += 1
    while b > a and not text[b - 1].isalnum():
        b -= 1
    ms = [m for m in mentions(pl.fd).within(a, b) if m.start == a and (m.end == b or _TICKER_AFTER.fullmatch(text, m.end, b))]
    if ms:
        return ms[0]
    return clean_name(pl.fd, a, b) if _NAME_FULL.fullmatch(text, a, b) else None


_TICKER_AFTER = re.compile(r"\s*\(\s*[A-Z0-9.$-]{1,12}")  # "Wobblefrog (WBFG": the ticker after the name (its bracket stripped)


def _owned(pl: Place, ph: Phrase, inside: list[Mention]) -> Found:
    """The owner of a share, price or token noun: a mention or name after it ("shares of Acme"),
    else an appositive that names it ("the memecoin, ACME,"), else a mention or name before it
    ("Acme's shares", "the bitcoin price"), else what the noun refers back to."""
    fd, head = pl.fd, ph.head
    how = f"the owner of {head.text!r}"
    after = [m for m in inside if m.start >= head.end][:1]
    if after and subject_cues().company_noun.match(fd.text, after[0].end) and (later := _name_between(fd, after[0].end, ph.end)) is not None:
        return Found((later,), how)  # "shares of bitcoin miner Cinderford Mining": the asset word only describes the company
    if after:
        return Found((after[0],), how)
    name = _name_between(fd, head.end, ph.end)
    if name is not None:
        return Found((name,), how)
    named = _apposed(pl, ph)
    if named is not None:
        return Found((named,), f"the appositive that names {head.text!r}")
    before = [m for m in inside if m.end <= head.start][-1:]
    if before:
        return Found((before[0],), how)
    name = _name_between(fd, ph.start, head.start)
    if name is not None:
        return Found((name,), how)
    poss = _POSSESSOR.fullmatch(fd.text, ph.start, head.start)
    if poss is not None:  # "the exchange's shares": the company a descriptive noun refers back to
        return _described(pl, poss.group("noun"), "stock" if head.lower in subject_cues().share_heads else "any", ph.start, ph.end)
    if not _DETERMINERS.fullmatch(fd.text, ph.start, head.start) and not _MODIFIED_REFERENCE.fullmatch(fd.text, ph.start, head.start):
        return Found((), f"{fd.text[ph.start:ph.end]!r} names no asset")  # "import prices", "miner shares": not a reference back
    comp = re.match(r"\s+(?:of|in|for)\s+(?=\w)", fd.text[head.end : ph.end])
    if comp:  # "the price of the token" refers back; "prices of miners": its owner is named, and no asset
        rest = _anaphor_key(_squash(fd.text[head.end + comp.end() : ph.end]))
        if rest in subject_cues().anaphor_of:
            return _anaphor(pl, subject_cues().anaphor_of[rest], ph.start, ph.end)
        return Found((), f"{fd.text[ph.start:ph.end]!r} names no asset")
    kind = "stock" if head.lower in subject_cues().share_heads else "crypto" if head.lower in ("token", "coin") \
        else subject_cues().anaphor_of.get(f"the {head.lower}", "any")
    return _anaphor(pl, kind, ph.start, ph.end)



# "MSCI's ", "S&P Dow Jones's ": an index provider's possessive (one to three capitalised words) opening the phrase
_PROVIDER = re.compile(r"(?P<owner>[A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,2})['’]s\s+(?=\S)")

# "the exchange's ", "this small miner’s ": a determiner, up to two modifiers and a lower-case noun in the possessive
_POSSESSOR = re.compile(r"(?:the|this|that)\s+(?:[a-z][\w-]*\s+){0,4}?(?P<noun>[a-z][\w-]*)['’]s\s+", re.IGNORECASE)

_POSSESSED_SHARES = re.compile(_POSSESSOR.pattern + r"(?:shares|stock|share\s+price|stock\s+price)", re.IGNORECASE)


def _described(pl: Place, noun: str, kind: str, start: int, end: int, latest: bool = False) -> Found:
    """What "the <noun>'s shares" refers back to: the latest capitalized name, up to ``anaphor_sents``
    sentences back, whose last word is one the noun describes ("Polaris Mining ... the miner's stock";
    ``described_names``), else none (``latest``: else what an anaphor of ``kind`` refers to, as for the
    subject "the chipmaker" after a name that does not say what the company makes); for a noun the
    table does not hold ("the company's shares"), what an anaphor of ``kind`` refers to."""
    fd, text = pl.fd, pl.fd.text[start:end]
    words_ = subject_cues().described.get(noun.lower())
    if words_:
        lo = _sentence_back(fd, pl.sent, pl.config.anaphor_sents, False)
        found = None
        for nm in _NAME_FULL.finditer(fd.text, lo, start):
            name = clean_name(fd, nm.start(), nm.end())
            if name is not None and name.subject.split(" ")[-1].lower() in words_ and len(name.subject.split(" ")) > 1 \
                    and fd.sentence_at(name.start) is fd.sentence_at(name.end - 1):  # (not "Monday. Brill Retail")
                found = name
        if found is not None and latest:  # the subject is the description, which names the company it refers to
            return Found((Mention(start, end, found.subject, "anaphor", found.kind, found.key),), f"{text!r} describes {found.subject}")
        if found is not None:
            return Found((found,), f"{text!r} describes {found.subject}")
        if not latest:
            return Found((), f"{text!r}: no name before it that a {noun.lower()} describes")
    if latest and (opener := _company_opener(pl, start)) is not None:
        return Found((Mention(start, end, opener.subject, "anaphor", opener.kind, opener.key),),
                     f"{text!r} describes {opener.subject}, which opens the sentence")
    return _anaphor(pl, kind, start, end)


def _name_between(fd: FinDoc, lo: int, hi: int) -> Mention | None:
    for nm in _NAME_FULL.finditer(fd.text, lo, hi):
        name = clean_name(fd, nm.start(), nm.end())
        if name is not None and not _common_word(fd, name):
            return name
    return None


def parsed_found(pl: Place, parse: Parse) -> Found:
    phrases = [ph for ph in parse.subjects(pl.start, pl.end) if ph.head.lower not in ("both", "each", "all")]
    if not phrases:
        return UNDECIDED
    founds = [phrase_found(pl, parse, ph, len(phrases) > 1) for ph in phrases]
    if founds[0].quantity:
        return founds[0]
    subjects = distinct([m for f in founds for m in f.subjects])
    if not subjects and len(phrases) == 1 and phrases[0].head.dep == "appos":
        # an appositive that names no asset stands for the phrase it describes: "Brent crude, *India's biggest
        # import bill*, traded at $71.80 a barrel, down 1.2%"
        described = phrase_found(pl, parse, parse.phrase(parse.head(phrases[0].head), phrases[0].role))
        if described.subjects:
            return replace(described, how=f"{described.how} (described by an appositive)")
    if not subjects:
        return Found((), founds[0].how)
    return Found(tuple(subjects), founds[0].how if len(founds) == 1 else "the parse's conjoined subjects")


# --- without a parse: the nearest name --------------------------------------------------------

def running_subject(pl: Place) -> Mention | None:
    """The latest subject named in up to ``running_sents`` earlier sentences of the same section."""
    fd, pos = pl.fd, pl.sent.start_char
    index = mentions(fd)
    for _ in range(pl.config.running_sents):
        if pos <= 0:
            return None
        prev = fd.sentence_at(pos - 1)
        found = index.last_before(prev.end_char, prev.start_char)
        if found:
            return found
        if fd.text[prev.end_char : pos].count("\n") >= 2 and pos != pl.sent.start_char:
            return None
        pos = prev.start_char
    return None


def _best(pl: Place, cands: list[Mention]) -> tuple[Mention, str]:
    """The likeliest subject among names before the percent: a name opening a relative clause that
    holds the cue ("Ether, which traded with bitcoin, lost 4%"); else the nearest name that is not
    the object of a preposition or comparison ("Chainlink outperformed ether, climbing 9%"); else
    the nearest name."""
    text, c = pl.fd.text, subject_cues()
    cue = pl.anchor
    rel = [m for m in cands if m.end <= cue and c.relative.match(text, m.end, cue)]
    if rel:
        return max(rel, key=lambda m: m.end), "relative clause"
    subjects = [m for m in cands if not c.object_marker.search(text[max(0, m.start - pl.config.object_reach) : m.start])]
    return max(subjects or cands, key=lambda m: m.end), "nearest"


def nearest_found(pl: Place) -> Found:
    return replace(_nearest(pl), grammatical=False)


@compiled
def _modifier_before() -> re.Pattern:
    """A content word right before a noun (not a determiner, preposition or clause opener of the
    move lexicon): "*import* prices", not "the prices", "as prices"."""
    lx = lexicon("move_lexicon")
    function = alternation(list(lx.reference_determiners) + list(lx.owner_prepositions) + list(lx.joiner_words)
                           + list(lx.clause_openers) + ["these", "those"], any_space=False)
    return re.compile(rf"(?<![\w-])(?!(?:{function})\s)[A-Za-z][\w-]*\s+$", re.IGNORECASE)


def _anaphor_in(before: str) -> bool:
    """An anaphor in ``before`` that can stand for the running subject: a bare noun modified by
    another word names a thing of its own ("import prices", "energy futures"), not the asset
    talked about ("prices", "the price", "its shares").

    >>> _anaphor_in("Prices fell and it "), _anaphor_in("Import prices registered a fall, in contrast to the ")
    (True, False)
    >>> _anaphor_in("analysts said it "), _anaphor_in("as energy futures ")
    (True, False)
    >>> _anaphor_in("as the price "), _anaphor_in("while spot prices ")
    (True, True)
    """
    c = subject_cues()
    for m in c.generic.finditer(before):
        if m.group().lower() not in c.modifiable or not _modifier_before().search(before, 0, m.start()):
            return True
    return False


def _nearest(pl: Place) -> Found:
    """The subject when neither the rules nor a parse can tell: the nearest name before the percent
    that is not an object; a pronoun's running subject; a name after a fronted move."""
    c, before = subject_cues(), pl.before
    cands = mentions(pl.fd).within(pl.lo, pl.start)
    if pl.cue_start is not None:
        lo = max(pl.sent.start_char, pl.cue_start - pl.config.reach)
        cands += [n for n in (_name_in(pl, c.name_before_verb, lo, pl.cue_start),) if n]
    cands += [n for n in (_name_in(pl, _NAME_BY, pl.lo, pl.start),) if n]
    if cands:
        m, how = _best(pl, cands)
        if _quantity_end(name := pl.fd.text[m.start : m.end]):  # a name the article registered that is a quantity ("Core CPI")
            return Found((), "a quantity", quantity=name)
        return Found((m,), how)
    head = pl.fd.text[pl.sent.start_char : min(pl.start, pl.sent.start_char + pl.config.reach)]
    if _anaphor_in(before) or pl.start - pl.sent.start_char < pl.config.opening_chars or c.opening.match(head):
        run = running_subject(pl)
        return Found((run,) if run else (), "running subject")
    if _count_words(before) > pl.config.fronted_words:
        return Found()
    after = mentions(pl.fd).first_after(pl.start, min(pl.sent.end_char, pl.start + pl.config.reach))
    return Found((after,) if after else (), "name after a fronted move")


# --- the stage -------------------------------------------------------------------------------------

def subject_at(pl: Place) -> Found:
    """The subjects of the figure at ``pl`` (``_subject_at``); none where the one subject found is a
    person the article introduces by full name and names here by surname ("If ether loses the
    average, Quintero sees room for a slide toward $2,600, a drop of almost 20%"): people do not move."""
    found = _subject_at(pl)
    if len(found.subjects) == 1 and _introduced_person(pl.fd, found.subjects[0]):
        return Found((), f"{found.subjects[0].subject!r} is a person the article introduced, not what moved")
    return found


def _introduced_person(fd: FinDoc, m: Mention) -> bool:
    """``m`` is a one-word name that the article's person mentions resolve to a longer full name (a
    surname of someone it introduced: "Rafael Quintero ... Quintero"), not an asset of the lexicon."""
    if m.how != "name" or " " in m.subject or not m.subject[:1].isupper():
        return False
    return any(p.start == m.start and p.end == m.end and " " in p.name for p in speakers.people(fd).within(m.start, m.end))


def _subject_at(pl: Place) -> Found:
    """The subjects of the figure at ``pl``: the rules, else the parse, else the nearest name (and a
    request to parse the sentence, answered before ``propose`` runs again)."""
    found = rule_found(pl)
    if found.decided:
        return found
    parse = grammar.parsed(pl.fd, pl.sent)
    if parse is not None:
        found = parsed_found(pl, parse)
        if found.decided:
            return replace(found, how=f"parse: {found.how}")
    elif pl.run.parsing:
        grammar.request(pl.fd, pl.sent)
    return nearest_found(pl)


def listed(fd: FinDoc, names: list[Mention]) -> bool:
    """Names written as a list: "silver and gold", "Ether, XRP and Solana"."""
    return all(_LISTED.fullmatch(fd.text, a.end, b.start) for a, b in zip(names, names[1:]))



_VERB_AFTER_PLURAL = re.compile(r"\s+(?:were|are|have|had|both|each|all|[a-z]+ed)\b")


def _plural_subject(pl: Place) -> str | None:
    """The plural subject of the figure at ``pl`` ("they", "both benchmarks"), whole or before its verb
    ("the two benchmarks were on track for"); else ``None``."""
    s, e = clause_subject_span(pl, pl.anchor)
    span = pl.fd.text[s:e].strip()
    m = subject_cues().plural.match(span) if e > s else None
    if m is None or not (m.end() == len(span) or _VERB_AFTER_PLURAL.match(span, m.end())):
        return None
    return m.group()


def plural_count(pl: Place) -> int | None:
    """How many names the plural subject of the figure at ``pl`` stands for: a number word or a word
    of ``plural_counts`` in it ("the three coins", "both benchmarks"); for one without ("they"), the
    length of the latest list of names that moved; ``None`` without a plural subject."""
    plural = _plural_subject(pl)
    if plural is None:
        return None
    counts = lexicon("move_lexicon").plural_counts
    for word in plural.lower().split():
        n = counts.get(word) or number_word(word)
        if n:
            return n
    return len(pl.run.listed) or None


def plural_referents(pl: Place, n: int) -> tuple[Mention, ...]:
    """The ``n`` names a plural subject ("they", "the three coins") refers to: the latest list of
    names that moved one percent each, in this sentence's ``running_sents`` before; else ``()``."""
    if _plural_subject(pl) is None:
        return ()
    run = pl.run
    lo = _sentence_back(pl.fd, pl.sent, pl.config.running_sents, True)
    if len(run.listed) == n and run.listed[0].start >= lo:
        return run.listed
    # else the last n distinct assets the sentences before named ("Brent fell 1.3%. WTI dipped 1.1%. Over the
    # week, the two benchmarks were on track for declines of 4.2% and 3.9%, respectively")
    recent: list[Mention] = []
    for m in reversed(mentions(pl.fd).within(lo, pl.sent.start_char)):
        if m.how == "asset" and all((m.key or m.subject) != (r.key or r.subject) for r in recent):
            recent.insert(0, m)
            if len(recent) == n:
                return tuple(recent)
    return ()
