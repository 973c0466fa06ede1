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
from collections import defaultdict
from dataclasses import dataclass

from extractor.data import alternation, compiled, lexicon, words
from extractor.facts.doc import FinDoc, SpanIndex
from extractor.facts.windows import MAX_WINDOW
from extractor.normalize.assets import canonical_asset

ROLE_BEFORE_WORDS = 9  # words a role written before a name holds at most
ROLE_AFTER_CHARS = 160  # characters an appositive role after a name reaches
VERB_NEXT_CHARS = 30  # characters between a one-word ORG entity and the reporting verb beside it
NAME_CHARS = 200  # a person mention is never longer (for bounded index look-ups)

_UPPER = "A-ZÀ-ÖØ-Þ"
_NAME_WORD = rf"[{_UPPER}][\w’'.-]*"


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
    pronouns: frozenset[str]
    non_speakers: frozenset[str]
    particles: frozenset[str]
    role_stop_words: frozenset[str]  # and the clause breaks of grammar.json ('but', 'while')
    verbs: frozenset[str]  # one-word reporting verbs
    role_name: re.Pattern  # a name right after a role noun
    appositive_name: re.Pattern  # a 2-3 word name followed by ", "
    org_head: re.Pattern  # a name right after an organisation noun
    post_role: re.Pattern  # an appositive role after a name
    first_name: re.Pattern  # a capitalised word right before the end of a window (the first name of a surname)


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
        (?<![\w-])(?:{alternation(q.roles, ignore_case=True)})\s+     # a role noun
        (?:(?:{honorifics})\.?\s+)?                                   # an honorific
        (?:
          (?-i:(?P<name>{_NAME_WORD}(?:\s+(?:(?:{particles})\s+)?{_NAME_WORD}){{0,2}}))  # Capitalised name, 1-3 words
          | [“"](?-i:(?P<handle>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}))[”"]              # a quoted handle
        )
        (?=[\s,.;:)’'”]|$)                                            # ends at a word boundary
        """,
        re.VERBOSE | re.IGNORECASE,
    )
    appositive = re.compile(
        rf"""
        (?<![\w-])                                        # starts a word
        (?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,2}})  # two or three Capitalised words
        (?=,\s)                                           # then ", <appositive>"
        """,
        re.VERBOSE,
    )
    org_head = re.compile(
        rf"""
        (?<![\w-])(?i:{alternation(q.org_heads, ignore_case=True)})\s+   # an organisation noun
        (?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}})                  # the Capitalised name after it
        """,
        re.VERBOSE,
    )
    post_role = re.compile(
        rf"""
        ^,\s+                                    # an appositive opens with a comma
        (?P<role>[^,;:“”"()\n]{{2,100}}?)         # the role, as written
        (?=,|\s+(?:{alternation(q.role_end_words)})\s|\.(?:\s|$)|$)  # ends at a comma, "on ...", or the sentence end
        """,
        re.VERBOSE,
    )
    return Lex(
        roles=_low(q.roles), honorifics=_low(q.honorifics), org_words=_low(q.org_words),
        not_first_names=_low(q.not_first_names), pronouns=_low(q.pronouns), non_speakers=_low(q.non_speakers),
        particles=_low(q.name_particles),
        role_stop_words=_low(q.role_stop_words) | _low(lexicon("grammar").clause_break_words),
        verbs=_low(v for v in words("reporting_verbs") if " " not in v),
        role_name=role_name, appositive_name=appositive, org_head=org_head, post_role=post_role,
        first_name=re.compile(rf"(?<![\w-])({_NAME_WORD})\s+\Z"),
    )


# --- names ------------------------------------------------------------------------------------

def clean_name(raw: str) -> str:
    """A PERSON entity as a name: no possessive, honorific, leading role word or stray punctuation.

    >>> clean_name("Ann Lee’s"), clean_name("Dr. Omar Haddad"), clean_name("Strategist Ann Lee,")
    ('Ann Lee', 'Omar Haddad', 'Ann Lee')
    """
    s = re.sub(r"[’']s?$", "", raw.strip().strip(",.;:()“”\"")).strip()
    toks = s.split()
    lx = lex()
    while toks and (toks[0].lower() in lx.honorifics or toks[0].lower() in lx.roles):
        toks = toks[1:]
    return " ".join(toks)


def is_person_name(name: str, org_names: frozenset[str] = frozenset()) -> bool:
    """The guard: assets, data providers, organisations and pronouns are never speakers.

    >>> [is_person_name(n) for n in ("Maria van der Berg", "Bitcoin", "Northwind Digital", "Messari", "it", "Tomasz")]
    [True, False, False, False, False, True]
    """
    lx = lex()
    toks = name.split()
    if not toks or len(toks) > 4 or not toks[0][:1].isupper() or re.search(r"\d", name):
        return False
    low = name.lower()
    if low in lx.non_speakers or low in lx.pronouns or low in _providers() or low in org_names:
        return False
    if canonical_asset(name) or any(canonical_asset(t) for t in toks):
        return False
    if any(t.lower().strip(".,") in lx.org_words for t in toks):
        return False
    if toks[0].lower() in lx.not_first_names or toks[0].lower() in lx.roles:
        return False
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


_WORD = re.compile(r"(?<![\w-])[^\W\d_]\w*")


class Names:
    """Where each word of a doc is written (built once), to find a surname's mentions and the full
    name "First Surname" that introduces it without scanning the text once per name."""

    def __init__(self, text: str):
        self.text = text
        self.at: dict[str, list[int]] = defaultdict(list)
        for m in _WORD.finditer(text):
            self.at[m.group()].append(m.start())
        self._first: dict[str, str | None] = {}

    def mentions(self, phrase: str, *, hyphen_after: bool = False) -> list[tuple[int, int]]:
        """Whole-word occurrences of ``phrase`` (a word starting with a letter), in text order
        (``hyphen_after``: also those followed by a hyphen, "Lee-style")."""
        key = _WORD.match(phrase)
        if key is None or key.start() != 0:
            return []
        text, n, out = self.text, len(phrase), []
        stop = r"\w" if hyphen_after else r"[\w-]"
        for p in self.at.get(key.group(), ()):
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
            if canonical_asset(first) or low in lx.org_words or first.isupper():
                continue
            return f"{first} {surname}"
        return None


def names(fd: FinDoc) -> Names:
    return fd.cached("speakers.names", lambda: Names(fd.text))


# --- people -------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Raw:
    start: int
    end: int
    name: str  # as written (cleaned)


def _next_to_verb(text: str, start: int, end: int) -> bool:
    verbs = lex().verbs
    after = re.match(r"\s+(\w+)", text[end : end + VERB_NEXT_CHARS])
    before = re.search(r"(\w+)\s+$", text[max(0, start - VERB_NEXT_CHARS) : start])
    return bool((after and after.group(1).lower() in verbs) or (before and before.group(1).lower() in verbs))


def _surnames_taken_for_orgs(fd: FinDoc) -> list[_Raw]:
    """One-word ORG entities right before or after a reporting verb ("Vasquez said", "said Vasquez")
    that the article also writes as "First Surname"."""
    out = []
    for ent in fd.doc.ents:
        name = clean_name(ent.text)
        if ent.label_ != "ORG" or not name or " " in name or not is_person_name(name):
            continue
        if not _next_to_verb(fd.text, ent.start_char, ent.end_char):
            continue
        full = names(fd).full_name(name)
        if full and is_person_name(full):
            start = ent.start_char + max(ent.text.find(name), 0)
            out.append(_Raw(start, start + len(name), name))
    return out


def _org_names(fd: FinDoc, surnames: list[_Raw]) -> frozenset[str]:
    """Names the article uses for organisations: ORG entities never labelled PERSON, and names
    right after an organisation noun ("the payments company Lattice Pay"), whatever the NER says."""
    org_labels = {clean_name(e.text).lower() for e in fd.doc.ents if e.label_ == "ORG"} - {r.name.lower() for r in surnames}
    person_labels = {clean_name(e.text).lower() for e in fd.doc.ents if e.label_ == "PERSON"}
    named_orgs = {clean_name(m.group("name")).lower() for m in lex().org_head.finditer(fd.text)}
    return frozenset((org_labels - person_labels) | named_orgs)


def _entity_people(fd: FinDoc, org_names: frozenset[str]) -> list[_Raw]:
    out = []
    for ent in fd.doc.ents:
        if ent.label_ != "PERSON":
            continue
        name = clean_name(ent.text)
        if not name or not is_person_name(name, org_names):
            continue
        start = ent.start_char + max(ent.text.find(name), 0)
        out.append(_Raw(start, start + len(name), name))
    return out


def _rule_people(text: str) -> list[_Raw]:
    """Names a role noun or a role appositive vouches for (evidence that outweighs an ORG label)."""
    out = []
    for m in lex().role_name.finditer(text):
        group = "name" if m.group("name") else "handle"
        name = clean_name(m.group(group))
        if group == "name" and not m.group(group)[:1].isupper():
            continue
        if is_person_name(name):
            out.append(_Raw(m.start(group), m.start(group) + len(name), name))
    for m in lex().appositive_name.finditer(text):
        name = m.group("name")
        if role_after(text, m.end("name")) and is_person_name(name):
            out.append(_Raw(m.start("name"), m.end("name"), name))
    return out


def _resolve(fd: FinDoc, raw: list[_Raw]) -> list[Mention]:
    """Each raw mention as its full name; surname-only mentions the NER missed added."""
    fulls: dict[str, str] = {}  # surname (or one-word name) -> full name, in order of first appearance
    for r in raw:
        if len(r.name.split()) >= 2 and r.name not in fulls:
            fulls.setdefault(surname(r.name), r.name)
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
    for sur, full in fulls.items():
        for s, e in names(fd).mentions(sur):
            if not covered[s]:
                out.append(Mention(s, e, full))
                covered[s:e] = b"\1" * (e - s)
    return out


def _find_people(fd: FinDoc) -> SpanIndex[Mention]:
    surnames = _surnames_taken_for_orgs(fd)
    raw = surnames + _entity_people(fd, _org_names(fd, surnames)) + _rule_people(fd.text)
    raw.sort(key=lambda r: (r.start, -r.end))  # at one start, the longest name wins
    return SpanIndex(_resolve(fd, raw))


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


# --- roles --------------------------------------------------------------------------------------

def _has_role_word(phrase: str) -> bool:
    low = " " + re.sub(r"[^\w&-]+", " ", phrase.lower()) + " "
    return any(f" {r} " in low for r in lex().roles)


def _role_words_before(toks: list[str]) -> list[str]:
    """The words of ``toks`` (read backwards) that can belong to a role, in text order."""
    lx = lex()
    taken: list[str] = []
    for tok in reversed(toks):
        low = tok.lower()
        if re.search(r"[,;:“”\"’]$", tok) or re.match(r"^[“”\"‘]", tok):
            break
        if low in lx.role_stop_words or low in lx.verbs:
            break
        if low in ("and", "&") and not (taken and (taken[-1][:1].isupper() or taken[-1].lower() in lx.roles)):
            break
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
    if not taken or taken[-1].lower().strip(".") not in lx.roles:
        return None
    return " ".join(taken)


def role_after(text: str, end: int) -> str | None:
    """A title in an appositive after the name ending at ``end``: Ann Lee, "chief analyst at Acme", said.

    >>> t = "Ann Lee, chief analyst at Acme Research, said"
    >>> role_after(t, t.index(","))
    'chief analyst at Acme Research'
    """
    m = lex().post_role.match(text[end : end + ROLE_AFTER_CHARS])
    if not m:
        return None
    role = m.group("role").strip()
    first = role.split()[0].lower()
    if first in lex().verbs or first in lex().pronouns or not _has_role_word(role):
        return None
    return role


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


def role_for(fd: FinDoc, name: str, pos: int) -> str | None:
    """The title given to ``name`` last before ``pos`` (else the first one after it)."""
    found = roles(fd).get(name)
    if not found:
        return None
    i = bisect_left(found, (pos,))  # the first title written at or after pos
    return found[i - 1][1] if i else found[0][1]
