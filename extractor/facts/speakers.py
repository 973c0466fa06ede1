"""People named in an article and their titles: one implementation, read by quotes and levels.

``people(fd)`` lists person mentions, left to right, each resolved to the full name the article
introduces ("Berg" -> "Maria van der Berg"), in four steps:

1. PERSON entities of the ``fin_persons`` NER, cleaned (``clean_name``) and kept behind the guard
   ``is_person_name`` (assets, data providers, organisations and pronouns are never people; a
   name the article writes after an organisation noun, "the payments startup Tern Pay", or that
   the NER labels ORG elsewhere, is an organisation);
2. a one-word ORG entity next to a reporting verb ("Quintero said") that the article also writes
   as "First Surname": the NER often takes an unfamiliar surname for an organisation;
3. rule evidence the NER may miss: a name right after a role noun ("strategist Ann Lee",
   "trader “Handle”") and a name followed by a role appositive ("Ann Lee, chief analyst at ...");
4. full names in order of first appearance; a surname resolves to its full name, and later
   surname-only mentions the NER missed are added.

``roles(fd)`` / ``role_for`` give each person's titles (``role_before``: "Acme strategist" Ann
Lee; ``role_after``: Ann Lee, "chief analyst at Acme"). ``person_near`` is the speaker of a
figure (levels). Every look-up reads bounded windows or per-doc indexes built once.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass

from extractor.data import alternation, compiled, lexicon, words
from extractor.errors import LexiconError
from extractor.facts.doc import FinDoc, SpanIndex
from extractor.facts.windows import MAX_WINDOW
from extractor.normalize.assets import canonical_asset
from extractor.rx import WordStarts, lower_exactly, matches_at

ROLE_BEFORE_WORDS = 9  # words a role written before a name holds at most
ROLE_AFTER_CHARS = 160  # characters an appositive role after a name reaches
VERB_NEXT_CHARS = 30  # characters between a one-word ORG entity and the reporting verb beside it
NAME_CHARS = 200  # a person mention is never longer (for bounded index look-ups)

_UPPER = "A-ZÀ-ÖØ-Þ"
# A word of a name: initials ("J.", "J.W."), or a Capitalised word that may hold inner dots, hyphens,
# apostrophes and a markdown-escaped underscore ("O’Neil", "Derive.xyz", "MAC\\_D") but never ends in
# a full stop (a sentence end: "... said Ann Lee. Traders ..." is no three-word name).
_NAME_WORD = rf"(?:(?:[{_UPPER}]\.){{1,3}}(?![\w’'])|[{_UPPER}][\w’'-]*(?:\\_[\w’'-]*)*(?:\.[\w’'-]+)*)"
_GAP = r"[ \t\u00a0]+"  # between the words of a name: spaces, never a line break
# ``(?<![\w-]){_NAME_WORD}``, opening with its capital (the lookbehind checked after it) so re skips ahead
_LED_NAME_WORD = rf"[{_UPPER}](?<![\w-][{_UPPER}])(?:\.(?:[{_UPPER}]\.){{0,2}}(?![\w’'])|[\w’'-]*(?:\\_[\w’'-]*)*(?:\.[\w’'-]+)*)"


@dataclass(frozen=True, slots=True)
class Mention:
    """A person mention: where it is written and the full name it resolves to."""

    start: int
    end: int
    name: str


# --- the lexicon --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Lex:
    roles: frozenset[str]
    honorifics: frozenset[str]
    org_words: frozenset[str]
    not_first_names: frozenset[str]
    not_name_words: frozenset[str]
    person_only_roles: frozenset[str]
    pronouns: frozenset[str]
    non_speakers: frozenset[str]
    particles: frozenset[str]
    role_stop_words: frozenset[str]  # and the clause breaks of grammar.json ('but', 'while')
    verbs: frozenset[str]  # one-word reporting verbs
    role_name: re.Pattern  # a name right after a role noun
    appositive_name: re.Pattern  # a 2-3 word name followed by ", "
    copular_name: re.Pattern  # a 2-3 word name followed by "is", "serves as" ... and a role phrase
    handle_name: re.Pattern  # a name followed by its social handle: "Ann Lee (@annlee)"
    verb_name: WordStarts  # a one-word reporting verb (lower case)
    name_before: re.Pattern  # "First Last" ending a window (before a reporting verb)
    name_after: re.Pattern  # "First Last" after a reporting verb
    org_head: re.Pattern  # a name right after an organisation noun
    post_role: re.Pattern  # an appositive role after a name
    first_name: re.Pattern  # a capitalised word right before the end of a window (the first name of a surname)
    # over the lower-cased text: where ``role_name`` or ``org_head`` can match (the first word of a
    # role, an honorific or an organisation noun)
    head_starts: WordStarts


def _low(items) -> frozenset[str]:
    return frozenset(w.lower() for w in items)


@compiled
def lex() -> Lex:
    """``quote_lexicon.json`` and ``reporting_verbs.txt``, compiled once."""
    q = lexicon("quote_lexicon")
    honorifics = alternation(sorted({h.rstrip(".") for h in q.honorifics}), ignore_case=True)
    particles = alternation(q.name_particles, ignore_case=True)
    role_name = re.compile(
        rf"""
        (?<![\w-])
        (?:(?:{alternation(q.roles, ignore_case=True)})\s+           # a role noun
           (?:(?:{honorifics})\.?{_GAP})?                            # and an honorific,
         |(?-i:(?=[A-Z]))(?:{honorifics})\.?{_GAP})                  # or a Capitalised honorific alone ("Sen.", "Dr")
        (?:
          (?-i:(?P<name>{_NAME_WORD}(?:{_GAP}(?:(?:{particles})(?:{_GAP}|-))?{_NAME_WORD}){{0,2}}))  # Capitalised name, 1-3 words
          | [“"](?-i:(?P<handle>{_NAME_WORD}(?:{_GAP}{_NAME_WORD}){{0,3}}))[”"]              # a quoted handle
        )
        (?=[\s,.;:)’'”]|$)                                            # ends at a word boundary
        """,
        re.VERBOSE | re.IGNORECASE,
    )
    appositive = re.compile(
        rf"""
        (?P<name>{_LED_NAME_WORD}(?:{_GAP}(?:(?:{particles})(?:{_GAP}|-))?{_NAME_WORD}){{1,2}})  # two or three Capitalised words, starting a word
        (?=,\s)                                           # then ", <appositive>"
        """,
        re.VERBOSE,
    )
    copular = re.compile(
        rf"""
        (?P<name>{_LED_NAME_WORD}(?:{_GAP}(?:(?:{particles})(?:{_GAP}|-))?{_NAME_WORD}){{1,2}})  # two or three Capitalised words
        {_GAP}(?:{alternation(q.copular_role_verbs)}){_GAP}                                     # "is", "serves as"
        (?P<role>(?:(?:the|a|an){_GAP})?[^,;:“”"()\n.]{{2,80}}?)                                # the role, as written
        (?=[,;:.]|{_GAP}(?:{alternation(q.role_end_words)}|and|but|since|who|where){_GAP}|$)
        """,
        re.VERBOSE,
    )
    handle = re.compile(
        rf"""
        (?<![\w@-])                                     # starts a word
        (?P<name>{_NAME_WORD}(?:{_GAP}{_NAME_WORD}){{0,2}})  # one to three Capitalised words
        [^\s\w]{{0,3}}[ \t]*                             # a stray mark or emoji ("Ann.₿")
        \(@\w{{2,30}}\)                                 # then the account, "(@annlee)"
        """,
        re.VERBOSE,
    )
    one_word_verbs = alternation(sorted({v.lower() for v in words("reporting_verbs") if " " not in v}))
    two_words = rf"{_NAME_WORD}{_GAP}(?:(?:{particles}){_GAP})?{_NAME_WORD}"
    verb_name = WordStarts(rf"(?:{one_word_verbs})(?![\w-])")
    name_before = re.compile(rf"(?<![\w’'.-])(?P<name>{two_words})[ \t]+\Z")
    name_after = re.compile(rf"[ \t]+(?P<name>{two_words})(?![\w’'-]|\.\w)")
    org_head = re.compile(
        rf"""
        (?<![\w-])(?i:{alternation(q.org_heads, ignore_case=True)})\s+   # an organisation noun
        (?P<name>{_NAME_WORD}(?:{_GAP}{_NAME_WORD}){{0,3}})                  # the Capitalised name after it
        """,
        re.VERBOSE,
    )
    post_role = re.compile(
        rf"""
        ^,\s+                                    # an appositive opens with a comma
        (?P<role>[^,;:“”"()\n]{{2,100}}?)         # the role, as written
        (?=,                                     # ends at a comma,
          |\s+(?:{alternation(q.role_end_words)})\s  # "on ...",
          |\s+(?:{one_word_verbs})(?![\w-])     # a reporting verb ("... at Acme told"),
          |(?<!(?<![A-Za-z])[A-Z])\.(?:\s|$)    # or the sentence end (not the stop of an initial: "U.S.", "F.L.")
          |$)
        """,
        re.VERBOSE,
    )
    return Lex(
        roles=_low(q.roles), honorifics=_low(q.honorifics), org_words=_low(q.org_words),
        not_first_names=_low(q.not_first_names), not_name_words=_low(q.not_name_words), person_only_roles=_low(q.person_only_roles),
        pronouns=_low(q.pronouns), non_speakers=_low(q.non_speakers),
        particles=_low(q.name_particles),
        role_stop_words=_low(q.role_stop_words) | _low(lexicon("grammar").clause_break_words),
        verbs=_low(v for v in words("reporting_verbs") if " " not in v),
        role_name=role_name, appositive_name=appositive, copular_name=copular, handle_name=handle, verb_name=verb_name, name_before=name_before, name_after=name_after,
        org_head=org_head, post_role=post_role,
        first_name=re.compile(rf"(?<![\w-])({_NAME_WORD}){_GAP}\Z"),
        head_starts=WordStarts(_first_words([*q.roles, *(h.rstrip('.') for h in q.honorifics), *q.org_heads])),
    )


def _first_words(phrases) -> str:
    """An alternation of the lower-cased first words of ``phrases`` (each a run of word characters
    and hyphens: no word starts inside one, so a scan for them finds every place one starts)."""
    firsts = sorted({p.split()[0].lower() for p in phrases})
    if not all(re.fullmatch(r"[\w-]+", f) for f in firsts):
        raise LexiconError(f"a first word holds more than word characters and hyphens: {firsts}")
    return alternation(firsts, ignore_case=True)


def _head_starts(text: str) -> list[int] | None:
    """Where ``role_name`` or ``org_head`` can match in ``text`` (``None``: anywhere): found with
    ``head_starts`` in the lower-cased text (its matches hold no place where another can start)."""
    low = lower_exactly(text)
    return None if low is None else [s for s, _ in lex().head_starts.spans(low)]


def _scan(rx: re.Pattern, starts: list[int] | None, text: str) -> Iterator[re.Match]:
    """``rx.finditer(text)``, trying ``rx`` only at ``starts`` (from ``_head_starts``)."""
    return rx.finditer(text) if starts is None else matches_at(rx, text, starts)


# --- names ------------------------------------------------------------------------------------

def clean_name(raw: str) -> str:
    """A PERSON entity as a name: no possessive, honorific, leading role word or stray punctuation.

    >>> clean_name("Ann Lee’s"), clean_name("Dr. Omar Haddad"), clean_name("Strategist Ann Lee,"), clean_name("Said Rafael Ortiz")
    ('Ann Lee', 'Omar Haddad', 'Ann Lee', 'Rafael Ortiz')
    """
    s = re.sub(r"[’']s?$", "", raw.strip().strip(",.;:()“”\"")).strip()
    toks = s.split()
    lx = lex()
    while toks and (toks[0].lower() in lx.honorifics or toks[0].lower() in lx.roles
                    or (len(toks) > 2 and toks[0][:1].isupper() and toks[0].lower() in lx.verbs)):
        toks = toks[1:]  # (a reporting verb fronted before the name: "Said Rafael Ortiz, an analyst at ...:")
    return " ".join(toks)


@compiled
def _place_and_time_words() -> frozenset[str]:
    """The words that are never an entity's name alone (``entities.json`` not_entity_names: regions,
    countries, sectors, days, months): one of them alone is no person either."""
    return frozenset(lexicon("entities").not_entity_names)


def is_person_name(name: str, org_names: frozenset[str] = frozenset()) -> bool:
    """The guard: assets, data providers, organisations and pronouns are never speakers.

    >>> [is_person_name(n) for n in ("Maria van der Berg", "Bitcoin", "Northwind Digital", "Messari", "it", "Tomasz")]
    [True, False, False, False, False, True]
    >>> [is_person_name(n) for n in ("Lucía Fernández de la Vega", "Ana Maria de los Santos Pereira", "One Two Three Four Five")]
    [True, False, False]
    >>> is_person_name("Bramble CIO"), is_person_name("Kestrel CEO"), is_person_name("Li MD")
    (False, False, False)
    >>> is_person_name("X"), is_person_name("X. We"), is_person_name("J. Okafor")
    (False, False, True)

    At most four words, not counting the particles between them ("de la", "van der").
    """
    lx = lex()
    toks = name.split()
    named = [t for t in toks if t.lower() not in lx.particles]
    if not toks or len(named) > 4 or len(toks) > 6 or not toks[0][:1].isupper() or re.search(r"\d", name):
        return False
    if all(len(t.rstrip(".")) < 2 for t in named):
        return False  # initials alone ("X", "J. K."): no name
    low = name.lower()
    if low in lx.non_speakers or low in lx.pronouns or low in _providers() or low in org_names:
        return False
    if len(named) == 1 and name in _place_and_time_words():
        return False  # "chief Asia strategist", "Monday": a region, a day or a month, not a name
    if canonical_asset(name) or any(canonical_asset(t) for t in toks):
        return False
    if any(t.lower().strip(".,") in lx.org_words or t.lower() in lx.not_name_words for t in toks):
        return False
    if toks[0].lower() in lx.not_first_names or toks[0].lower() in lx.roles:
        return False
    if toks[-1].isupper() and toks[-1].lower() in lx.roles:
        return False  # "the Bramble CIO": a title, whose holder the article names elsewhere
    return True


@compiled
def _providers() -> frozenset[str]:
    return _low(words("providers"))


def surname(full: str) -> str:
    """The surname of a full name, with its particle ("Maria van der Berg" -> "der Berg").

    >>> surname("Maria van der Berg"), surname("Ann Lee")
    ('der Berg', 'Lee')
    """
    toks = full.split()
    if len(toks) >= 3 and toks[-2].lower() in lex().particles:
        return " ".join(toks[-2:])
    return toks[-1]


def surname_keys(full: str) -> list[str]:
    """The ways an article may write a person's surname alone: the surname with its particle, its
    last word, and the last word without a hyphenated particle ("al-Rashid" -> "Rashid").

    >>> surname_keys("Maria van der Berg"), surname_keys("Omar al-Rashid"), surname_keys("Ann Lee")
    (['der Berg', 'Berg'], ['al-Rashid', 'Rashid'], ['Lee'])
    """
    keys = [surname(full)]
    last = full.split()[-1]
    head, _, tail = last.partition("-")
    if tail[:1].isupper() and head.lower() in lex().particles:
        last = tail
    if last not in keys:
        keys.append(last)
    return keys


_WORD = re.compile(r"(?<![\w-])[^\W\d_]\w*")
# a romanised East Asian given name after the family name: two syllables joined by a hyphen, the
# second in lower case ("Mei-ling", "Soo-jin", "Wen-hsuan")
_GIVEN_NAME_AFTER = re.compile(r" ([A-Z][a-z]+-[a-z]+)(?![\w-])")
_ONE_GIVEN_NAME_AFTER = re.compile(r" ([A-Z][a-z]+)(?=,)")
_WORD_CHAR = re.compile(r"\w")
_WORD_CHAR_OR_HYPHEN = re.compile(r"[\w-]")


class Names:
    """Where each word of a doc is written (built once), to find a surname's mentions and the full
    name "First Surname" that introduces it without scanning the text once per name."""

    def __init__(self, text: str):
        self.text = text
        self._at: dict[str, list[int]] = {}  # word -> where ``_WORD`` matches it, found on first use
        self._first: dict[str, str | None] = {}

    def positions(self, word: str) -> list[int]:
        """Where ``_WORD`` matches exactly ``word`` (a word starting with a letter), in text order:
        its occurrences not preceded by a word character or hyphen and not followed by a word
        character (``_WORD`` matches whole runs of word characters, so these are its matches).
        Found with ``str.find`` per word asked for: an index of every word of the text cost more."""
        found = self._at.get(word)
        if found is None:
            text, n, found = self.text, len(word), []
            p = text.find(word)
            while p >= 0:
                if (p == 0 or not _WORD_CHAR_OR_HYPHEN.match(text, p - 1)) and not _WORD_CHAR.match(text, p + n):
                    found.append(p)
                p = text.find(word, p + 1)
            self._at[word] = found
        return found

    def mentions(self, phrase: str, *, hyphen_after: bool = False) -> list[tuple[int, int]]:
        """Whole-word occurrences of ``phrase`` (a word starting with a letter), in text order
        (``hyphen_after``: also those followed by a hyphen, "Lee-style")."""
        key = _WORD.match(phrase)
        if key is None or key.start() != 0:
            return []
        text, n, out = self.text, len(phrase), []
        stop = r"\w" if hyphen_after else r"[\w-]"
        for p in self.positions(key.group()):
            if text.startswith(phrase, p) and not re.match(stop, text[p + n : p + n + 1]):
                out.append((p, p + n))
        return out

    def full_name(self, surname: str) -> str | None:
        """The full name "First Surname" written somewhere in the text (earliest first)."""
        if surname not in self._first:
            self._first[surname] = self._find_full_name(surname)
        return self._first[surname]

    def _find_full_name(self, surname: str) -> str | None:
        lx = lex()
        for p, _ in self.mentions(surname, hyphen_after=True):
            m = lx.first_name.search(self.text, max(0, p - NAME_CHARS), p)
            if m is None:
                continue
            first = m.group(1)
            low = first.lower()
            if low in lx.not_first_names or low in lx.roles or low in lx.honorifics:
                continue
            if canonical_asset(first) or low in lx.org_words or first.isupper() or re.search(r"[’']s$|-[a-z]", first):
                continue  # "Acme's Lee", "Market-maker Lee": not a first name
            return f"{first} {surname}"
        for _, end in self.mentions(surname):  # the family name first: "Chen Mei-ling", "Kim Soo-jin"
            m = _GIVEN_NAME_AFTER.match(self.text, end)
            if m is not None:
                return f"{surname} {m.group(1)}"
            # "Tanaka Hiroshi, chief equity strategist at ...": a one-word given name, then the person's post
            m = _ONE_GIVEN_NAME_AFTER.match(self.text, end)
            if m is not None and role_after(self.text, m.end()) is not None and is_person_name(full := f"{surname} {m.group(1)}"):
                return full
        return None


def names(fd: FinDoc) -> Names:
    return fd.cached("speakers.names", lambda: Names(fd.text))


# --- people -------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Raw:
    start: int
    end: int
    name: str  # as written (cleaned)
    vouched: bool = False  # a role noun or a social handle says this one-word name is a person


def _next_to_verb(text: str, start: int, end: int) -> bool:
    verbs = lex().verbs
    after = re.match(r"\s+(\w+)", text[end : end + VERB_NEXT_CHARS])
    before = re.search(r"(\w+)\s+$", text[max(0, start - VERB_NEXT_CHARS) : start])
    return bool((after and after.group(1).lower() in verbs) or (before and before.group(1).lower() in verbs))


@dataclass(frozen=True, slots=True)
class _Ent:
    """A NER entity as ``people`` reads it (``doc.ents`` builds its Span objects anew per call)."""

    label: str
    start_char: int
    end_char: int
    text: str
    name: str  # clean_name(text)


def _ents(fd: FinDoc) -> list[_Ent]:
    return [_Ent(e.label_, e.start_char, e.end_char, e.text, clean_name(e.text)) for e in fd.doc.ents]


def _surnames_taken_for_orgs(fd: FinDoc, ents: list[_Ent]) -> list[_Raw]:
    """One-word ORG entities right before or after a reporting verb ("Vasquez said", "said Vasquez")
    that the article also writes as "First Surname"."""
    out = []
    for ent in ents:
        name = ent.name
        if ent.label != "ORG" or not name or " " in name or not is_person_name(name):
            continue
        if not _next_to_verb(fd.text, ent.start_char, ent.end_char):
            continue
        full = names(fd).full_name(name)
        if full and is_person_name(full):
            start = ent.start_char + max(ent.text.find(name), 0)
            out.append(_Raw(start, start + len(name), name))
    return out


def _org_names(fd: FinDoc, surnames: list[_Raw], ents: list[_Ent], starts: list[int] | None) -> frozenset[str]:
    """Names the article uses for organisations: ORG entities never labelled PERSON, and names
    right after an organisation noun ("the payments company Lattice Pay"), whatever the NER says."""
    org_labels = {e.name.lower() for e in ents if e.label == "ORG"} - {r.name.lower() for r in surnames}
    person_labels = {e.name.lower() for e in ents if e.label == "PERSON"}
    named_orgs = {clean_name(m.group("name")).lower() for m in _scan(lex().org_head, starts, fd.text)}
    # a name written where a post is held ("an analyst at Brecken Hale"): the firm's, wherever else it stands
    employers = {e.name.lower() for e in ents if e.name and " " in e.name
                 and _AT_FIRM_BEFORE.search(fd.text, max(0, e.start_char - EMPLOYER_REACH), e.start_char)}
    return frozenset((org_labels - person_labels) | named_orgs | employers)


def _in_quote_marks(text: str, start: int, end: int) -> bool:
    """Whether ``start:end`` is all that stands inside a pair of quotation marks (a show's or a
    podcast's title: "on the “Open Ledger” podcast")."""
    before = text[max(0, start - 1) : start]
    after = text[end : end + 2].lstrip(",.")
    return before in ("“", '"') and after[:1] in ("”", '"')


def _entity_people(fd: FinDoc, org_names: frozenset[str], ents: list[_Ent], employers: frozenset[int] = frozenset()) -> list[_Raw]:
    """PERSON entities that may be people; not one in employer position (``employers``: "a trader at prime
    broker *Oxbow* Prime", where the NER read the firm's first word as a name)."""
    out = []
    for ent in ents:
        if ent.label != "PERSON":
            continue
        name = ent.name
        if not name or not is_person_name(name, org_names) or _in_quote_marks(fd.text, ent.start_char, ent.end_char):
            continue
        start = ent.start_char + max(ent.text.find(name), 0)
        if start in employers or _AT_FIRM_BEFORE.search(fd.text, max(0, start - EMPLOYER_REACH), start):
            continue  # (a firm a post is held at: "head of research at crypto fund *Sable Ridge*")
        if _INITIAL.match(name) and _PLACE_BEFORE.search(fd.text, max(0, start - 8), start):
            continue  # "wrote in a thread on X. Traders at ...": a platform at a sentence end, not an initial
        out.append(_Raw(start, start + len(name), name))
    return out


_INITIAL = re.compile(r"[A-Z]\.\s")  # a name opening with a lone initial ("J. Smith")
_PLACE_BEFORE = re.compile(r"(?<![\w-])(?:on|via|at|from|to|in)\s+$")
# "at", "at the", "at Frankfurt-based": a role noun after it names the kind of firm a post is held at
_EMPLOYER_BEFORE = re.compile(r"(?<![\w-])at\s+(?:(?:the|a|an)\s+)?(?:[\w-]+-based\s+|[a-z][\w-]*\s+)?$")
EMPLOYER_REACH = 48  # characters before a role noun searched for "at"
# "at ", "at crypto fund ", "at the Zurich-based asset manager ": a name right after is the firm a post is held at
_AT_FIRM_BEFORE = re.compile(r"(?<![\w-])at\s+(?:(?:the|a|an)\s+)?(?:[\w-]+-based\s+)?(?:[a-z][\w-]*\s+){0,3}$")


def _employer_position(text: str, m: re.Match) -> bool:
    """A role-noun match after "at": "an analyst at Frankfurt-based broker Rheinkrypto", "a trader at prime
    broker Oxbow Prime": the noun describes the firm a post is held at, and the name is that firm's."""
    return bool(_EMPLOYER_BEFORE.search(text, max(0, m.start() - EMPLOYER_REACH), m.start()))


def _role_matches(text: str, starts: list[int] | None) -> list[re.Match]:
    """The role-noun matches of ``text`` ("analyst Ann Lee"), read once for ``_rule_people`` and ``_employers``."""
    return list(_scan(lex().role_name, _head_starts(text) if starts is None else starts, text))


def _employers(text: str, roles: list[re.Match]) -> frozenset[int]:
    """Where the names in employer position (``_employer_position``) start."""
    return frozenset(m.start("name") for m in roles if m.group("name") and _employer_position(text, m))


def _rule_people(text: str, starts: list[int] | None = None, roles: list[re.Match] | None = None) -> list[_Raw]:
    """Names a role noun or a role appositive vouches for (evidence that outweighs an ORG label);
    ``starts``: ``_head_starts(text)``, ``roles``: ``_role_matches``, when the caller has them."""
    out = []
    for m in _role_matches(text, starts) if roles is None else roles:
        group = "name" if m.group("name") else "handle"
        name = clean_name(m.group(group))
        if group == "name" and not m.group(group)[:1].isupper():
            continue
        if _employer_position(text, m):
            continue  # a firm's name (see _employer_position)
        if is_person_name(name):
            out.append(_Raw(m.start(group), m.start(group) + len(name), name, vouched=True))
    for m in (lex().handle_name.finditer(text) if "(@" in text else ()):
        name = clean_name(m.group("name"))
        if is_person_name(name):
            out.append(_Raw(m.start("name"), m.start("name") + len(name), name, vouched=True))
    for m in lex().appositive_name.finditer(text):
        name = m.group("name")
        if role_after(text, m.end("name")) and is_person_name(name):
            out.append(_Raw(m.start("name"), m.end("name"), name))
    for m in _copular_names(text):
        out.append(_Raw(m.start("name"), m.end("name"), m.group("name")))
    return out


def _copular_names(text: str) -> Iterator[re.Match]:
    """Names a role given in a clause of their own vouches for: "Ann Okafor-Lee is head of macro
    strategy at Acme" (the model may call such a name anything). The role must name where it is
    held ("at Acme", "of Brevik Capital"): "Fennick Rowe is a broker at heart" describes a firm.
    Tried only where a copular verb stands.

    >>> [m.group("name") for m in _copular_names("Marta Oyelaran-Brandt is head of macro strategy at Fennick & Rowe.")]
    ['Marta Oyelaran-Brandt']
    >>> [m.group("name") for m in _copular_names("Wall Street is a tough place. Fennick Rowe is a broker at heart.")]
    []

    A role no firm holds needs no place: "Ines Varga is a veteran currency strategist in Lisbon".

    >>> [m.group("name") for m in _copular_names("Ines Varga is a veteran currency strategist in Lisbon. Orrin Vale is an investor.")]
    ['Ines Varga']
    """
    if not any(f" {verb} " in text for verb in _copular_first_words()):
        return
    for m in lex().copular_name.finditer(text):
        role = m.group("role")
        if _has_role_word(role) and (_ROLE_AT_ORG.search(role) or _person_only_role(role)) and is_person_name(m.group("name")):
            yield m


_ROLE_HEAD = re.compile(r"an?\s+(?:[\w-]+\s+){0,3}?(?P<head>[\w-]+)(?:\s+(?:in|at|of|for|with|based|from|who)\b|\s*$)")


def _person_only_role(role: str) -> bool:
    """Whether ``role`` is "a/an [up to three words] R" for a role noun R that only a person holds
    ("an independent technical analyst in Buenos Aires"; not "a broker", which a firm can be).

    >>> _person_only_role("an independent technical analyst in Buenos Aires"), _person_only_role("a broker at heart")
    (True, False)
    """
    m = _ROLE_HEAD.match(role)
    return m is not None and m.group("head").lower() in lex().person_only_roles


@compiled
def _copular_first_words() -> frozenset[str]:
    """The first word of each copular role verb ("is", "serves" of "serves as", "has"): the cheap gate
    of ``_copular_names``."""
    return frozenset(v.split()[0] for v in lexicon("quote_lexicon").copular_role_verbs)


_ROLE_AT_ORG = re.compile(r"\s(?:at|of|for|with)\s+(?:the\s+)?[A-Z]")  # "head of research at Acme": a title held at a named body


def _resolve(fd: FinDoc, raw: list[_Raw]) -> list[Mention]:
    """Each raw mention as its full name; surname-only mentions the NER missed added."""
    fulls: dict[str, str] = {}  # surname (or one-word name) -> full name, in order of first appearance
    for r in raw:
        if len(r.name.split()) >= 2 and r.name not in fulls:
            for key in surname_keys(r.name):
                fulls.setdefault(key, r.name)
        elif r.vouched and len(r.name.split()) == 1:  # "analyst Daan": later mentions of "Daan" are the same person
            fulls.setdefault(r.name, names(fd).full_name(r.name) or r.name)
    covered = bytearray(len(fd.text) + 1)
    out: list[Mention] = []
    max_end = -1  # raw is sorted by start: a start before max_end lies inside a mention taken
    for r in raw:
        if r.start < max_end:
            continue
        name = r.name
        if len(name.split()) == 1:
            full = fulls.get(name) or names(fd).full_name(name)
            if full:
                fulls.setdefault(name, full)
                name = full
        else:
            name = fulls.get(name) or fulls.get(surname(name), name)
        out.append(Mention(r.start, r.end, name))
        covered[r.start : r.end] = b"\1" * (r.end - r.start)
        max_end = max(max_end, r.end)
    text = fd.text
    for sur, full in fulls.items():
        lead = full[: -len(sur)] if full.endswith(sur) and full != sur else ""
        for s, e in names(fd).mentions(sur):
            if covered[s]:
                continue
            if lead and text[max(0, s - len(lead)) : s] == lead and not covered[s - len(lead)]:
                s -= len(lead)  # the full name written again, untagged
            if _in_quote_marks(text, s, e):
                continue  # a show's title (“Morning Ledger”), though the NER once took it for a person
            out.append(Mention(s, e, full))
            covered[s:e] = b"\1" * (e - s)
    return out


def _speaking_names(fd: FinDoc, org_names: frozenset[str], ents: list[_Ent], verbs: list[tuple[int, int]]) -> list[_Raw]:
    """ "First Last" right before or after a one-word reporting verb ("said Ann Lee") that the NER
    gave no label at all (it reads every sentence with a reporting verb): the small model misses
    many unfamiliar names, and a name that speaks is a person unless the guard says otherwise."""
    text, lx = fd.text, lex()
    labelled = _covered(len(text), ents)
    out = []
    for v_start, v_end in verbs:
        before = lx.name_before.search(text, _name_before_from(text, max(0, v_start - NAME_CHARS // 2), v_start), v_start)
        after = lx.name_after.match(text, v_end, v_end + NAME_CHARS // 2)
        for m in (before, after):
            if m is None:
                continue
            s, e = m.span("name")
            if 1 in labelled[s:e] or not is_person_name(m.group("name"), org_names):
                continue
            if _in_longer_run(text, s, lx):
                continue  # a longer capitalised run ("Acme Ann Lee", "Casa de la Moneda de Mexico"): not this name alone
            out.append(_Raw(s, e, m.group("name")))
    return out


_WORD_BEFORE = re.compile(r"([\w’'.-]+)[ \t]+\Z")


def _covered(n: int, ents: list[_Ent]) -> bytearray:
    """One byte per character of a text of length ``n``: 1 where one of ``ents`` stands."""
    out = bytearray(n + 1)
    for ent in ents:
        out[ent.start_char : ent.end_char] = b"\1" * (ent.end_char - ent.start_char)
    return out


_SURNAME_BEFORE = re.compile(r"(?<![\w’'.-])(?P<name>[A-Z][a-z’'-]+(?:[A-Z][a-z]+)?)[ \t]+\Z")  # "Lindqvist" of "Lindqvist said"
_OPENS = re.compile(r"(?:^|[.!?:;,“”\"(\n])[ \t]*\Z")  # what a sentence or clause opens after
_SURNAME_AFTER = re.compile(r"[ \t]+(?P<name>[A-Z][a-z’'-]+(?:[A-Z][a-z]+)?)(?![\w’'-]|\.\w)")  # "said Lindqvist"


def _speaking_surnames(fd: FinDoc, org_names: frozenset[str], ents: list[_Ent], verbs: list[tuple[int, int]]) -> list[_Raw]:
    """The full names ("Sofia Lindqvist", where the article writes it) of one-word names right before
    or after a one-word reporting verb ("Lindqvist said", "said Lindqvist") that the NER labelled
    neither a person nor an organisation: a word that speaks and that the article also writes after
    a first name is that person's surname (the small model misses many unfamiliar names, or calls
    them places)."""
    text, lx = fd.text, lex()
    taken = _covered(len(text), [e for e in ents if e.label in ("PERSON", "ORG")])
    out, seen = [], set()
    for v_start, v_end in verbs:
        before = _SURNAME_BEFORE.search(text, max(0, v_start - NAME_CHARS // 2), v_start)
        after = _SURNAME_AFTER.match(text, v_end, v_end + NAME_CHARS // 2)
        for m in (before, after):
            if m is None or 1 in taken[m.start("name") : m.end("name")]:
                continue
            word = m.group("name")
            if word in seen or word.lower() in lx.verbs or not is_person_name(word, org_names):
                continue
            if not _OPENS.search(text, max(0, m.start("name") - 3), m.start("name")) and _in_longer_run(text, m.start("name"), lx):
                continue  # "Acme Lindqvist said" (but "... on Thursday. Lindqvist said" opens a sentence)
            seen.add(word)
            full = names(fd).full_name(word)
            if full is None or not is_person_name(full, org_names):
                continue
            out.extend(_Raw(s, e, full) for s, e in names(fd).mentions(full))
    return out


def _in_longer_run(text: str, start: int, lx) -> bool:
    """Whether the name at ``start`` ends a longer capitalised run: a capitalised word (not a
    reporting verb) right before it, past any particles ("Acme Ann Lee"; "the Casa de la Moneda
    de Mexico", an organisation, not "Moneda de Mexico")."""
    pos = start
    for _ in range(3):
        prev = _WORD_BEFORE.search(text, max(0, pos - 40), pos)
        if prev is None:
            return False
        word = prev.group(1)
        if word.lower() in lx.particles:
            pos = prev.start()
            continue
        return word[:1].isupper() and word.lower() not in lx.verbs
    return False


def _name_before_from(text: str, lo: int, end: int) -> int:
    """Where ``name_before`` (a name of at most three words, then spaces to ``end``) can start in
    ``text[lo:end]`` at the earliest: after the last space before the third word back (its words
    hold no space, tab or no-break space; a separator without a space only moves it further
    back). Searching from there finds the same leftmost match as from ``lo``.

    >>> t = "as the analyst Ann van Lee said"
    >>> _name_before_from(t, 0, 27), _name_before_from(t, 20, 27)
    (15, 20)
    """
    pos = end
    for _ in range(3):  # the name's last word, a particle, its first word
        while pos > lo and text[pos - 1] in " \t\u00a0":
            pos -= 1
        space = text.rfind(" ", lo, pos)
        if space < 0:
            return lo
        pos = space
    return pos + 1


def _find_people(fd: FinDoc) -> SpanIndex[Mention]:
    ents = _ents(fd)
    surnames = _surnames_taken_for_orgs(fd, ents)
    starts = _head_starts(fd.text)
    org_names = _org_names(fd, surnames, ents, starts)
    verbs = list(lex().verb_name.spans(fd.text))  # the one-word reporting verbs, read by both scans below
    roles = _role_matches(fd.text, starts)
    raw = surnames + _entity_people(fd, org_names, ents, _employers(fd.text, roles)) + _rule_people(fd.text, starts, roles) \
        + _speaking_names(fd, org_names, ents, verbs) + _speaking_surnames(fd, org_names, ents, verbs)
    raw = [r for r in raw if r.vouched or not _introduced_company(fd, r.start, r.end)]
    raw.sort(key=lambda r: (r.start, -r.end))  # at one start, the longest name wins
    return SpanIndex(_resolve(fd, raw))


def _introduced_company(fd: FinDoc, start: int, end: int) -> bool:
    """``start:end`` is a name the asset registry knows as a listed company or a fund ("Peruvian developer
    *Minera Cuesta Alta*", "shares of *Kestrel Labs*"), whatever the NER read it as: no person, unless a
    role vouches for one (a surname that is also a coin, a commodity or a currency, "Gold said", stays a person)."""
    return any(a.start == start and a.end == end and a.asset.kind in ("stock", "etf") for a in fd.assets.within(start, end))


def people(fd: FinDoc) -> SpanIndex[Mention]:
    """Person mentions of the doc, left to right, each resolved to a full name (computed once)."""
    return fd.cached("speakers.people", lambda: _find_people(fd))


def person_near(fd: FinDoc, start: int) -> str | None:
    """The person named in the sentence of ``start`` (the nearest before it, else the first after),
    as the full name the article introduces (levels' speaker)."""
    sent = fd.sentence_at(start)
    found = people(fd).within(max(sent.start_char, start - MAX_WINDOW), min(sent.end_char, start + MAX_WINDOW))
    if not found:
        return None
    before = [m for m in found if m.end <= start]
    return (before[-1] if before else found[0]).name


# --- people who open a clause ------------------------------------------------------------------

SUBJECT_PREFIX_CHARS = 160  # a subject stands at most this far into its sentence (after an opener and a title)
_OPENER = re.compile(r"^[^,;:“”\"\n]{1,60},\s+")  # "On Tuesday, ", "Meanwhile, "
_ORG_POSSESSIVE = re.compile(r"^(?:[A-Z][\w&.-]*\s+){0,4}[A-Z][\w&.-]*(?:[’']s|s[’'])\s*$")  # "Halvard Capital's"
_LABEL_AFTER = re.compile(r"[ \t]*:[ \t]")
_AFTER_SUBJECT = re.compile(
    r"""
    (?:[^\s\w]{0,3}[ \t]*\(@\w{2,30}\))?  # a social handle: "Ann Lee (@annlee)"
    (?:,[^,;\n“”"]{1,160},|,)?  # an appositive: ", chief analyst at Acme,"; or the comma closing one the name is in
    (?:[’']s(?=[ \t]+[a-z]))?   # or a possessive before a noun: "Tanaka's point was", "Solberg's worry is"
    [ \t]+(?!and\b|or\b)        # not the first of two names
    [a-z]                        # then a word in lower case: the verb ("expects", "is")
    """,
    re.VERBOSE,
)


LABEL_INDENT = 12  # characters of bullets and markup a label may stand after at its line's start


def _at_line_start(text: str, pos: int) -> bool:
    """Whether only bullets, markup and spaces stand between the line's start and ``pos`` (read back at
    most ``LABEL_INDENT`` characters).

    >>> _at_line_start("x\\n- **Tanaka**: y", 5), _at_line_start("x\\nsaid Tanaka: y", 7)
    (True, False)
    """
    lo = max(0, pos - LABEL_INDENT)
    head = text[lo:pos]
    cut = head.rfind("\n")
    if cut < 0 and lo > 0:
        return False
    return not head[cut + 1 :].strip("*_>#-•· \t")


def opens_clause(fd: FinDoc, m: Mention) -> bool:
    """Whether the person mention ``m`` is the subject of its sentence: only an opener ("On Tuesday,"),
    a title ("Quant fund manager") or an organisation's possessive ("Acme's") stands before it, and
    a verb (after an optional appositive) follows it. "Ann Lee is less worried." introduces Ann Lee
    as the one speaking next, with or without a reporting verb; so does a sentence about what the
    person thinks ("Ann Lee's worry is the dollar.")."""
    sent = fd.sentence_at(m.start)
    if m.start - sent.start_char > SUBJECT_PREFIX_CHARS or m.end > sent.end_char:
        return False
    text = fd.text
    if _LABEL_AFTER.match(text, m.end) and (_at_line_start(text, m.start) or not text[sent.start_char : m.start].strip("*_>#-•· \t")):
        return True  # "- Tanaka: weekend depth. “...”": a speaker's label opening a line or a sentence (a panel's list, a transcript)
    if not _AFTER_SUBJECT.match(text, m.end, min(len(text), m.end + ROLE_AFTER_CHARS + 10)):
        return False
    prefix = text[sent.start_char : m.start]
    prefix = _OPENER.sub("", prefix.lstrip("*_>#- \t"), count=1)
    if all(w.lower() in lex().honorifics for w in prefix.split()):
        return True  # nothing, or "Sen.", "Dr."
    role = role_before(text, m.start - len(prefix), m.start)
    if role is not None and prefix.strip() == role:
        return True
    return bool(_ORG_POSSESSIVE.match(prefix))


# --- roles --------------------------------------------------------------------------------------

def _has_role_word(phrase: str) -> bool:
    low = " " + re.sub(r"[^\w&-]+", " ", phrase.lower()) + " "
    one_word, longer = _role_words()
    return not one_word.isdisjoint(low.split()) or any(r in low for r in longer)


@compiled
def _role_words() -> tuple[frozenset[str], tuple[str, ...]]:
    """The role nouns of one word, and the longer ones with a space either side (what
    ``_has_role_word`` looks for: a one-word role is a word of the phrase, a longer one a run of them)."""
    roles = lex().roles
    return frozenset(r for r in roles if " " not in r), tuple(sorted(f" {r} " for r in roles if " " in r))


def _name_after_role(toks: list[str]) -> bool:
    """Whether ``toks`` end with a role word and then one to three Capitalised words (a name):
    "U.S. President Ann Lee", not "Securities" of "Securities and Exchange Commission".

    >>> _name_after_role("U.S. President Ann Lee".split()), _name_after_role(["Securities"])
    (True, False)
    """
    roles = lex().roles
    j = len(toks)
    while j and len(toks) - j < 3 and toks[j - 1][:1].isupper() and toks[j - 1].lower().strip(".") not in roles:
        j -= 1
    return j < len(toks) and j > 0 and toks[j - 1].lower().strip(".") in roles


_ROLE_BREAK_LAST = frozenset(',;:“”"’')  # a word ending in one of these, or opening with a quotation mark, ends a role
_ROLE_BREAK_FIRST = frozenset('“”"‘')


def _role_words_before(toks: list[str]) -> list[str]:
    """The words of ``toks`` (read backwards) that can belong to a role, in text order."""
    lx = lex()
    taken: list[str] = []
    for i in range(len(toks) - 1, -1, -1):
        tok = toks[i]
        low = tok.lower()
        if tok[-1] in _ROLE_BREAK_LAST or tok[0] in _ROLE_BREAK_FIRST:  # (split() gives no empty token)
            break
        if low in lx.role_stop_words or low in lx.verbs:
            break
        if low in ("and", "&") and not (taken and (taken[-1][:1].isupper() or taken[-1].lower() in lx.roles)):
            break
        if low in ("and", "&") and _name_after_role(toks[:i]):
            break  # "President Ann Lee and Prime Minister": the title after "and" is the next person's
        taken.append(tok)
        if len(taken) >= ROLE_BEFORE_WORDS:
            break
    taken.reverse()
    return taken


def role_before(text: str, floor: int, start: int) -> str | None:
    """A title written before the name at ``start`` (not before ``floor``): "Northwind strategist"
    Maria van der Berg.

    >>> t = "Meanwhile, Kestrel Labs co-founder Omar Haddad said"
    >>> role_before(t, 0, t.index("Omar"))
    'Kestrel Labs co-founder'
    """
    lx = lex()
    toks = text[max(floor, start - MAX_WINDOW) : start].rstrip().rstrip("“\"").split()
    taken = _role_words_before(toks)
    while taken and taken[-1].lower() in lx.honorifics:
        taken.pop()
    while taken and taken[0].lower() in ("and", "&", "of"):
        taken.pop(0)
    if not taken or not _ends_with_role(taken):
        return None
    return " ".join(taken)


def _ends_with_role(words: list[str]) -> bool:
    """Whether the last one to three ``words`` are a role noun ("analyst", "fund manager")."""
    roles = lex().roles
    low = [w.lower().strip(".") for w in words[-3:]]
    return any(" ".join(low[i:]) in roles for i in range(len(low)))


def role_after(text: str, end: int) -> str | None:
    """A title in an appositive after the name ending at ``end``: Ann Lee, "chief analyst at Acme", said.

    >>> t = "Ann Lee, chief analyst at Acme Research, said"
    >>> role_after(t, t.index(","))
    'chief analyst at Acme Research'
    >>> t = "Ann Lee, \t\t, said"
    >>> role_after(t, t.index(",")) is None
    True
    >>> [role_after(t, t.index(",")) for t in ("Pieter de Vries, a market maker at Antwerp-based Scaldis Liquidity, said",
    ...                                          "Fennick Rowe, a family firm at heart, said")]
    ['a market maker at Antwerp-based Scaldis Liquidity', None]
    """
    m = lex().post_role.match(text[end : end + ROLE_AFTER_CHARS])
    if not m:
        return None
    role = m.group("role").strip()
    if not role:  # an appositive of blanks only
        return None
    first = role.split()[0].lower()
    if first in lex().verbs or first in lex().pronouns or not (_has_role_word(role) or _HELD_AT.match(role)):
        return None
    return role


# "a market maker at Antwerp-based Scaldis Liquidity": a post held at a named firm (a firm is a member of
# a group or a unit of another, not "a ... at" one)
_HELD_AT = re.compile(r"(?:a|an)\s+(?:[a-z][\w-]*\s+){1,3}at\s+(?:[A-Z][\w-]*-based\s+)?[A-Z]")


def signed_role(text: str, end: int) -> str | None:
    """The title after a signing name at ``end``, up to the line's end: '— Ann Lee*, head of research*'.

    >>> t = "— Ann Lee, head of the digital assets desk\\nMore"
    >>> signed_role(t, t.index(",")), signed_role("— Ann Lee, who else", 9)
    ('head of the digital assets desk', None)
    """
    line_end = text.find("\n", end, end + ROLE_AFTER_CHARS)
    rest = text[end : line_end if line_end >= 0 else end + ROLE_AFTER_CHARS]
    if not rest.startswith(","):
        return None
    role = rest[1:].strip()
    return role if role and _has_role_word(role) else None


def roles(fd: FinDoc) -> dict[str, list[tuple[int, str]]]:
    """Each person's titles in the article, ``(position, role)`` in order, by full name."""

    def compute() -> dict[str, list[tuple[int, str]]]:
        out: dict[str, list[tuple[int, str]]] = {}
        for m in people(fd):
            sent = fd.sentence_at(m.start)
            role = role_before(fd.text, sent.start_char, m.start) or role_after(fd.text, m.end)
            if role:
                out.setdefault(m.name, []).append((m.start, role))
        return out

    return fd.cached("speakers.roles", compute)


@dataclass(frozen=True, slots=True)
class Title:
    """A title given to a person: where it is written, the person's full name and the title."""

    start: int
    end: int
    name: str
    role: str


def titles(fd: FinDoc) -> SpanIndex[Title]:
    """Every title given to a person in the doc, in text order (computed once)."""

    def compute() -> SpanIndex[Title]:
        out = [Title(pos, pos + 1, name, role.lower()) for name, found in roles(fd).items() for pos, role in found]
        return SpanIndex(out)

    return fd.cached("speakers.titles", compute)


def holder(fd: FinDoc, role: str, pos: int, reach: int) -> str | None:
    """The person given a title holding the role noun ``role`` ("portfolio manager") last before
    ``pos``, at most ``reach`` characters back: "the portfolio manager said" is that person."""
    want = re.compile(rf"(?<![\w-])(?:{alternation(_role_forms(role.lower()))})(?![\w-])")
    index = titles(fd)
    i = bisect_left(index.starts, pos) - 1
    while i >= 0 and index[i].start >= pos - reach:
        if want.search(index[i].role):
            return index[i].name
        i -= 1
    return None


def _role_forms(role: str) -> list[str]:
    """``role`` and the titles its short form stands for ("cio": "chief investment officer").

    >>> _role_forms("cio"), _role_forms("strategist")
    (['cio', 'chief investment officer'], ['strategist'])
    """
    return [role] + list(lexicon("quote_lexicon").role_abbreviations.get(role, ()))


def role_for(fd: FinDoc, name: str, pos: int) -> str | None:
    """The title given to ``name`` last before ``pos`` (else the first one after it)."""
    found = roles(fd).get(name)
    if not found:
        return None
    i = bisect_left(found, (pos,))  # the first title written at or after pos
    return found[i - 1][1] if i else found[0][1]
