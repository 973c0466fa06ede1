"""``quote`` facts (spec FACTS.md): words inside quotation marks attributed to a named person.

Four steps, each a small function:

1. ``find_quote_spans`` pairs quotation marks inside one paragraph (curly and
   straight double quotes; single quotes only where they open after a space
   and close before a non-letter, so apostrophes like don’t, ’90s and
   investors’ stay apostrophes). Unbalanced marks pair with nothing, and a span
   never crosses a line break or exceeds ``MAX_QUOTE_CHARS``.
2. ``is_label`` drops what is quoted but not said: single words, Title Case
   names of shows, days and nicknames (“ETF Edge”, “Liberation Day”).
   Headline lines are skipped altogether.
3. ``people`` lists person mentions: PERSON entities from ``fin_persons`` plus
   names right after a role noun ("crypto trader Tomasz", "analyst “Handle”"),
   each resolved to the full name introduced in the article ("van der Berg" ->
   "Maria van der Berg"), behind a guard that keeps assets, data providers and
   organisations out ("Bitcoin said" is not a speaker).
4. ``attribute`` picks the speaker: with a reporting verb in the quote's own
   sentence(s), the person (or he/she -> the running speaker) nearest to it;
   without one, the running speaker of the last few paragraphs, but only for
   quotes that stand as whole sentences or are long enough not to be scare
   quotes.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from extractor.facts.context import doc_text, FactComponent, evidence, sentence_at, sentences, when_for
from extractor.normalize.assets import canonical_asset
from extractor.records import QuoteFact
from extractor.data import alternation, read_json, read_lines
from extractor.rx import Caseless

log = logging.getLogger(__name__)

MAX_QUOTE_CHARS = 1500  # a longer "quote" is a stray mark swallowing text
MAX_SINGLE_QUOTE_WORDS = 40  # single quotes are short in news (nested quotes, headlines)
MIN_UNCUED_WORDS = 8  # a quote with no reporting verb near it must be at least this long...
CUE_REACH = 100  # characters between a speaker and the reporting verb that ties them
RUNNING_REACH = 1500  # characters a running speaker carries forward
RUNNING_PARAGRAPHS = 5  # ...and paragraphs


# --- data -------------------------------------------------------------------

@lru_cache(maxsize=1)
def _lex() -> dict[str, frozenset[str]]:
    raw = read_json("quote_lexicon.json")
    return {k: frozenset(w.lower() for w in v) for k, v in raw.items() if isinstance(v, list)}


@lru_cache(maxsize=1)
def _verbs() -> frozenset[str]:
    return frozenset(v.lower() for v in read_lines("reporting_verbs.txt"))


@lru_cache(maxsize=1)
def _cue_re() -> Caseless:
    alt = alternation(_verbs())
    return Caseless(
        rf"""
        (?<![\w-])        # whole word, and not "so-called"
        (?:{alt})         # a reporting verb or phrase
        (?![\w-])         # whole word
        """,
        re.VERBOSE,
    )


@lru_cache(maxsize=1)
def _providers() -> frozenset[str]:
    return frozenset(n.lower() for n in read_lines("providers.txt"))


_UPPER = "A-ZÀ-ÖØ-Þ"
_NAME_WORD = rf"[{_UPPER}][\w’'.-]*"


@lru_cache(maxsize=1)
def _role_name_re() -> re.Pattern:
    """A name right after a role noun: "strategist Maria van der Berg", "trader “Handle”"."""
    roles = alternation(_lex()["roles"])
    particles = "|".join(sorted(_lex()["name_particles"]))
    return re.compile(
        rf"""
        (?<![\w-])(?:{roles})\s+                                   # a role noun
        (?:(?:Dr|Mr|Mrs|Ms|Prof)\.?\s+)?                            # an honorific
        (?:
          (?-i:(?P<name>{_NAME_WORD}(?:\s+(?:(?:{particles})\s+)?{_NAME_WORD}){{0,2}}))  # Capitalised name, 1-3 words
          | [“"](?-i:(?P<handle>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}))[”"]              # a quoted handle
        )
        (?=[\s,.;:)’'”]|$)                                           # ends at a word boundary
        """,
        re.VERBOSE | re.IGNORECASE,
    )


@lru_cache(maxsize=1)
def _appositive_name_re() -> re.Pattern:
    """A two- or three-word Capitalised name followed by a comma (checked for a role appositive after)."""
    return re.compile(
        rf"""
        (?<![\w-])                                  # starts a word
        (?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,2}})  # two or three Capitalised words
        (?=,\s)                                     # then ", <appositive>"
        """,
        re.VERBOSE,
    )


# --- 1. quotation-mark spans ------------------------------------------------------

@dataclass(frozen=True)
class QuoteSpan:
    open: int  # index of the opening mark in the text
    close: int  # index of the closing mark (the line end for a quote continued in the next paragraph)
    continued: bool = False  # the quote runs on into the next paragraph

    @property
    def inner(self) -> tuple[int, int]:
        return self.open + 1, self.close


_OPENS_AFTER = set(" \t([{—–-/>*“‘\"'")


def _pair_double(line: str, base: int) -> tuple[list[QuoteSpan], int | None]:
    """Paired double quotes of one line, and the index of an opener left unclosed."""
    out: list[QuoteSpan] = []
    open_at: int | None = None
    for i, ch in enumerate(line):
        prev = line[i - 1] if i else " "
        nxt = line[i + 1] if i + 1 < len(line) else " "
        if ch == "“":
            open_at = i  # a second opener: the first one was stray
        elif ch == "”":
            if open_at is not None:
                out.append(QuoteSpan(base + open_at, base + i))
            open_at = None  # a closer with no opener is stray
        elif ch == '"':
            if open_at is None:
                if prev in _OPENS_AFTER and not nxt.isspace():
                    open_at = i
            else:
                out.append(QuoteSpan(base + open_at, base + i))
                open_at = None
    return [q for q in out if 0 < q.close - q.open - 1 <= MAX_QUOTE_CHARS], open_at


_DECADE = re.compile(r"\d0s\b")  # ‘90s, '20s
_LATER_CLOSER = re.compile(r"\s[\w-]+(?:\s[\w-]+)?[’'](?![\w])")  # one or two words, then a closing mark


def _pair_single(line: str, base: int, taken: list[tuple[int, int]]) -> list[QuoteSpan]:
    out: list[QuoteSpan] = []
    open_at: int | None = None
    for i, ch in enumerate(line):
        if ch not in "‘’'" or any(s <= base + i <= e for s, e in taken):
            continue
        prev = line[i - 1] if i else " "
        nxt = line[i + 1] if i + 1 < len(line) else " "
        if ch in "‘'" and prev in _OPENS_AFTER and nxt.isalnum() and not _DECADE.match(line, i + 1):
            open_at = i
        elif ch in "’'" and open_at is not None and not prev.isspace() and not nxt.isalnum():
            if prev in "sS" and nxt == " " and _LATER_CLOSER.match(line, i + 1):
                continue  # a plural possessive ("buyers’ strike’") with the real closer just after
            if len(line[open_at + 1 : i].split()) <= MAX_SINGLE_QUOTE_WORDS:
                out.append(QuoteSpan(base + open_at, base + i))
            open_at = None
    return out


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Balanced quotation-mark spans, paragraph by paragraph.

    >>> t = "“It’s over,” he said of the ’90s. ‘Risk-off’ rules and \\"crypto winter\\" fears; “stray"
    >>> [t[q.open + 1 : q.close] for q in find_quote_spans(t)]
    ['It’s over,', 'crypto winter', 'Risk-off']
    >>> find_quote_spans("investors’ money isn’t ‘safe")
    []
    >>> t = "“First paragraph of a long quote.\\n\\n“Second one,” she said."
    >>> [t[q.open + 1 : q.close] for q in find_quote_spans(t)]
    ['First paragraph of a long quote.', 'Second one,']
    """
    out: list[QuoteSpan] = []
    base = 0
    lines = text.split("\n")
    for n, line in enumerate(lines):
        doubles, dangling = _pair_double(line, base)
        # news style for a quote running over paragraphs: no closer, the next paragraph reopens
        nxt = next((ln.strip() for ln in lines[n + 1 :] if ln.strip()), "")
        if dangling is not None and not line[:dangling].strip() and nxt[:1] in "“\"":
            end = len(line.rstrip())
            if 0 < end - dangling - 1 <= MAX_QUOTE_CHARS:
                doubles.append(QuoteSpan(base + dangling, base + end, continued=True))
        out.extend(doubles)
        out.extend(_pair_single(line, base, [(q.open, q.close) for q in doubles]))
        base += len(line) + 1
    return out


# --- 2. what is quoted but not said ----------------------------------------------

_TERMINAL_END = re.compile(r"[.!?:…][”\"’')*_]*\s*$")


def is_heading(line: str) -> bool:
    """A title or section heading: marked up as one, or short with no closing punctuation.

    >>> is_heading("‘Buy Every Dip’ Mood Returns"), is_heading("**Market mood “calm,” chop ahead**")
    (True, True)
    >>> is_heading("“We are early,” she said.")
    False
    """
    s = line.strip().lstrip(">").strip()
    if not s:
        return False
    if s.startswith("#") or (s.startswith("**") and s.endswith("**")):
        return True
    return not _TERMINAL_END.search(s) and len(s.split()) <= 20


def is_label(inner: str) -> bool:
    """Quoted words that name rather than say: one word, or a short Title Case name.

    >>> [is_label(s) for s in ("hard", "ETF Edge.", "Liberation Day,", "small but manageable", "We are early.")]
    [True, True, True, False, False]
    """
    words = re.findall(r"[\w’'&.-]+", inner)
    if len(words) <= 1:
        return True
    small = _lex()["title_small_words"]
    content = [w for w in words if w.lower() not in small]
    titled = bool(content) and all(w[:1].isupper() or w[:1].isdigit() for w in content)
    return titled and len(words) <= 6


def quote_text(inner: str) -> str:
    """The quoted words as stored: trimmed, without a trailing comma.

    >>> quote_text(" It is early, ")
    'It is early'
    """
    return inner.strip().rstrip(",").strip()


def starts_sentence(text: str, pos: int) -> bool:
    """Nothing but space or a sentence end between the line start and ``pos``.

    >>> t = 'It fell. "We sold," she said.'
    >>> starts_sentence(t, t.index('"')), starts_sentence(t, t.index("she"))
    (True, False)
    """
    before = text[text.rfind("\n", 0, pos) + 1 : pos]
    tail = re.split(r"[.!?…][”\"’')]*\s+", before)[-1]
    return not re.search(r"\w", tail)


def quote_kind(inner: str, starts_sentence: bool) -> str:
    """``direct`` for a full sentence, ``partial`` for a fragment.

    >>> quote_kind("To be clear, it holds,", True), quote_kind("and none priced in,", False), quote_kind("It holds.", False)
    ('direct', 'partial', 'direct')
    """
    s = inner.strip()
    first = next((c for c in s if c.isalpha()), "")
    if not first.isupper():
        return "partial"
    if re.search(r"[.!?…]$", s.rstrip(",")) or starts_sentence:
        return "direct"
    return "partial"


# --- 3. people ----------------------------------------------------------------------

@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    name: str  # resolved full name


def _tokens(name: str) -> list[str]:
    return name.split()


def clean_name(raw: str) -> str:
    """A PERSON entity as a name: no possessive, honorific, leading role word or stray punctuation.

    >>> clean_name("Donald Trump’s"), clean_name("Dr. Sean Dawson"), clean_name("Strategist Ann Lee,")
    ('Donald Trump', 'Sean Dawson', 'Ann Lee')
    """
    s = re.sub(r"[’']s?$", "", raw.strip().strip(",.;:()“”\"")).strip()
    toks = _tokens(s)
    lex = _lex()
    while toks and (toks[0].lower() in lex["honorifics"] or toks[0].lower() in lex["roles"]):
        toks = toks[1:]
    return " ".join(toks)


def is_person_name(name: str, org_names: frozenset[str] = frozenset()) -> bool:
    """The guard: assets, data providers, organisations and pronouns are never speakers.

    >>> [is_person_name(n) for n in ("Maria van der Berg", "Bitcoin", "Galaxy Digital", "CoinGlass", "it", "Tomasz")]
    [True, False, False, False, False, True]
    """
    lex = _lex()
    toks = _tokens(name)
    if not toks or len(toks) > 4 or not toks[0][:1].isupper() or re.search(r"\d", name):
        return False
    low = name.lower()
    if low in lex["non_speakers"] or low in lex["pronouns"] or low in _providers() or low in org_names:
        return False
    if canonical_asset(name) or any(canonical_asset(t) for t in toks):
        return False
    if any(t.lower().strip(".,") in lex["org_words"] for t in toks):
        return False
    if toks[0].lower() in lex["not_first_names"] or toks[0].lower() in lex["roles"]:
        return False
    return True


def _surname(full: str) -> str:
    toks = _tokens(full)
    particles = _lex()["name_particles"]
    if len(toks) >= 3 and toks[-2].lower() in particles:
        return " ".join(toks[-2:])
    return toks[-1]


def _first_name_for(text: str, surname: str, before: int) -> str | None:
    """The full name "First Surname" written somewhere in the text (earliest first)."""
    lex = _lex()
    for m in re.finditer(rf"(?<![\w-])({_NAME_WORD})\s+{re.escape(surname)}(?![\w])", text):
        first = m.group(1)
        if first.lower() in lex["not_first_names"] or first.lower() in lex["roles"] or first.lower() in lex["honorifics"]:
            continue
        if canonical_asset(first) or first.lower() in lex["org_words"] or first.isupper():
            continue
        return f"{first} {surname}"
    return None


@lru_cache(maxsize=1)
def _org_head_re() -> re.Pattern:
    """A name right after a noun that says what kind of organisation it is ("exchange Kraken")."""
    heads = alternation(_lex()["org_heads"])
    return re.compile(
        rf"""
        (?<![\w-])(?i:{heads})\s+                                  # an organisation noun
        (?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}})            # the Capitalised name after it
        """,
        re.VERBOSE,
    )


def _surnames_taken_for_orgs(doc: Doc) -> list[tuple[int, int, str]]:
    """One-word ORG entities right before or after a reporting verb ("Vasquez said", "said Vasquez")
    that the article also writes as "First Surname": the NER often takes an unfamiliar surname for
    an organisation, and the full name elsewhere settles it."""
    text = doc_text(doc)
    out = []
    for ent in doc.ents:
        name = clean_name(ent.text)
        if ent.label_ != "ORG" or not name or " " in name or not is_person_name(name):
            continue
        after = re.match(r"\s+(\w+)", text[ent.end_char : ent.end_char + 30])
        before = re.search(r"(\w+)\s+$", text[max(0, ent.start_char - 30) : ent.start_char])
        if not ((after and after.group(1).lower() in _verbs()) or (before and before.group(1).lower() in _verbs())):
            continue
        full = _first_name_for(text, name, ent.start_char)
        if full and is_person_name(full):
            start = ent.start_char + max(ent.text.find(name), 0)
            out.append((start, start + len(name), name))
    return out


def people(doc: Doc) -> list[Mention]:
    """Person mentions of ``doc``, left to right, each resolved to a full name."""
    if "fin_quote_people" in doc.user_data:
        return doc.user_data["fin_quote_people"]
    text = doc_text(doc)
    surnames = _surnames_taken_for_orgs(doc)
    org_labels = {clean_name(e.text).lower() for e in doc.ents if e.label_ == "ORG"} - {n.lower() for _, _, n in surnames}
    person_labels = {clean_name(e.text).lower() for e in doc.ents if e.label_ == "PERSON"}
    # "the payments company Lattice Pay": a name after an organisation noun is an organisation, whatever the NER says
    named_orgs = {clean_name(m.group("name")).lower() for m in _org_head_re().finditer(text)}
    org_names = frozenset((org_labels - person_labels) | named_orgs)
    raw: list[tuple[int, int, str]] = list(surnames)
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        name = clean_name(ent.text)
        if not name or not is_person_name(name, org_names):
            continue
        off = ent.text.find(name)
        start = ent.start_char + max(off, 0)
        raw.append((start, start + len(name), name))
    # a role noun or a role appositive is evidence of a person that outweighs an ORG label
    for m in _role_name_re().finditer(text):
        group = "name" if m.group("name") else "handle"
        name = clean_name(m.group(group))
        if group == "name" and not m.group(group)[:1].isupper():
            continue
        if is_person_name(name):
            raw.append((m.start(group), m.start(group) + len(name), name))
    for m in _appositive_name_re().finditer(text):
        name = m.group("name")
        if role_after(text, m.end("name")) and is_person_name(name):
            raw.append((m.start("name"), m.end("name"), name))
    raw.sort(key=lambda r: (r[0], -r[1]))  # at one start, the longest name wins
    # full names (2+ words) in order of first appearance; surnames resolve to them
    fulls: dict[str, str] = {}
    for _, _, name in raw:
        if len(_tokens(name)) >= 2 and name not in fulls:
            fulls.setdefault(_surname(name), name)
    out: list[Mention] = []
    covered: list[tuple[int, int]] = []
    for s, e, name in raw:
        if any(cs <= s < ce for cs, ce in covered):
            continue
        if len(_tokens(name)) == 1:
            full = fulls.get(name) or _first_name_for(text, name, s)
            if full:
                fulls.setdefault(name, full)
                name = full
        else:
            name = fulls.get(name) or fulls.get(_surname(name), name)
        out.append(Mention(s, e, name))
        covered.append((s, e))
    # surname-only mentions the NER missed ("Haddad said")
    for surname, full in fulls.items():
        for m in re.finditer(rf"(?<![\w-]){re.escape(surname)}(?![\w-])", text):
            if not any(cs <= m.start() < ce for cs, ce in covered):
                out.append(Mention(m.start(), m.end(), full))
                covered.append((m.start(), m.end()))
    out.sort(key=lambda x: x.start)
    doc.user_data["fin_quote_people"] = out
    return out


# --- roles -----------------------------------------------------------------------------

_STOP_BEFORE = frozenset("the a an to by from with for in on at as that which who while when after before than".split())
_POST_ROLE = re.compile(
    r"""
    ^,\s+                                   # an appositive opens with a comma
    (?P<role>[^,;:“”"()\n]{2,100}?)          # the role, as written
    (?=,|\s+(?:on|in|during|who|which)\s|\.(?:\s|$)|$)  # ends at a comma, "on ...", or the sentence end
    """,
    re.VERBOSE,
)


def _has_role_word(phrase: str) -> bool:
    low = " " + re.sub(r"[^\w&-]+", " ", phrase.lower()) + " "
    return any(f" {r} " in low for r in _lex()["roles"])


def role_before(text: str, sent_start: int, start: int) -> str | None:
    """A title written before the name: "Northwind strategist" Maria van der Berg.

    >>> t = "Meanwhile, Kestrel Labs co-founder Omar Haddad said"
    >>> role_before(t, 0, t.index("Omar"))
    'Kestrel Labs co-founder'
    """
    lex = _lex()
    toks = text[sent_start:start].rstrip().rstrip("“\"").split()
    taken: list[str] = []
    for tok in reversed(toks):
        low = tok.lower()
        if re.search(r"[,;:“”\"’]$", tok) or re.match(r"^[“”\"‘]", tok):
            break
        if low in _STOP_BEFORE or low in _verbs() or low == "according":
            break
        if low in ("and", "&") and not (taken and (taken[-1][:1].isupper() or taken[-1].lower() in lex["roles"])):
            break
        taken.append(tok)
        if len(taken) >= 9:
            break
    taken.reverse()
    while taken and taken[-1].lower() in lex["honorifics"]:
        taken.pop()
    while taken and taken[0].lower() in ("and", "&", "of"):
        taken.pop(0)
    if not taken or taken[-1].lower().strip(".") not in lex["roles"]:
        return None
    return " ".join(taken)


def role_after(text: str, end: int) -> str | None:
    """A title in an appositive after the name: Ann Lee, "chief analyst at Acme", said.

    >>> t = "Ann Lee, chief analyst at Acme Research, said"
    >>> role_after(t, t.index(","))
    'chief analyst at Acme Research'
    """
    m = _POST_ROLE.match(text[end : end + 160])
    if not m:
        return None
    role = m.group("role").strip()
    first = role.split()[0].lower()
    if first in _verbs() or first in _lex()["pronouns"] or not _has_role_word(role):
        return None
    return role


def roles(doc: Doc) -> dict[str, list[tuple[int, str]]]:
    """Each person's titles in the article, ``(position, role)`` in order, by full name."""
    if "fin_quote_roles" in doc.user_data:
        return doc.user_data["fin_quote_roles"]
    out: dict[str, list[tuple[int, str]]] = {}
    for m in people(doc):
        sent = sentence_at(doc, m.start)
        role = role_before(doc_text(doc), sent.start_char, m.start) or role_after(doc_text(doc), m.end)
        if role:
            out.setdefault(m.name, []).append((m.start, role))
    doc.user_data["fin_quote_roles"] = out
    return out


def role_for(doc: Doc, name: str, pos: int) -> str | None:
    """The title given to ``name`` last before ``pos`` (else the first one after it)."""
    found = roles(doc).get(name) or []
    before = [r for p, r in found if p < pos]
    return before[-1] if before else (found[0][1] if found else None)


# --- 4. attribution --------------------------------------------------------------------

_PRONOUN = re.compile(r"(?<![\w-])(?:he|she)(?![\w-])", re.IGNORECASE)


@dataclass(frozen=True)
class SpeakerEvent:
    pos: int  # where the reporting verb is
    name: str


Cand = tuple[int, int, "str | None", bool]  # start, end, resolved name, is a name (not he/she)


def _nearest(cands: list[Cand], cues: list[tuple[int, int]]) -> tuple[int, Cand] | None:
    """The candidate closest to a cue, as ``(distance, candidate)``; ``None`` when none is within reach."""
    best = None
    for cand in cands:
        cs, ce = cand[0], cand[1]
        for vs, ve in cues:
            d = vs - ce if ce <= vs else cs - ve if ve <= cs else 0
            if d <= CUE_REACH and (best is None or d < best[0]):
                best = (d, cand)
    return best


def _paragraph_breaks(text: str, a: int, b: int) -> int:
    return len(re.findall(r"\n\s*\n|\n", text[a:b]))


def _running(events: list[SpeakerEvent], text: str, pos: int) -> str | None:
    """The last speaker named before ``pos``, if recent enough."""
    prior = [e for e in events if e.pos < pos]
    if not prior:
        return None
    last = prior[-1]
    if pos - last.pos > RUNNING_REACH or _paragraph_breaks(text, last.pos, pos) > RUNNING_PARAGRAPHS:
        return None
    return last.name


def _masked(text: str, a: int, b: int, spans: list[QuoteSpan]) -> str:
    """``text[a:b]`` with the quoted words (and marks) blanked, offsets kept."""
    chars = list(text[a:b])
    for q in spans:
        for i in range(max(q.open, a), min(q.close + 1, b)):
            chars[i - a] = " "
    return "".join(chars)


def _candidates(doc: Doc, a: int, b: int, masked: str, events: list[SpeakerEvent]) -> list[Cand]:
    """Persons and he/she (resolved to the running speaker) outside the quotes of ``a:b``."""
    cands: list[Cand] = [
        (m.start, m.end, m.name, True) for m in people(doc) if a <= m.start and m.end <= b and masked[m.start - a] != " "
    ]
    for p in _PRONOUN.finditer(masked):
        pos = a + p.start()
        cands.append((pos, a + p.end(), _running(events, doc_text(doc), pos) or _last_person(doc, pos), False))
    return cands


def _last_person(doc: Doc, pos: int) -> str | None:
    prior = [m for m in people(doc) if m.end <= pos and pos - m.end <= 600]
    return prior[-1].name if prior else None


def speaker_events(doc: Doc, quotes: list[QuoteSpan]) -> list[SpeakerEvent]:
    """Every reporting verb outside quotes tied to a person: who spoke, and where."""
    text = doc_text(doc)
    events: list[SpeakerEvent] = []
    for sent in sentences(doc):
        a, b = sent.start_char, sent.end_char
        masked = _masked(text, a, b, [q for q in quotes if q.open < b and q.close >= a])
        for cue in _cue_re().finditer(masked):
            cands = _candidates(doc, a, b, masked, events)
            hit = _nearest(cands, [(a + cue.start(), a + cue.end())])
            if hit and hit[1][2]:
                events.append(SpeakerEvent(a + cue.start(), hit[1][2]))
    return events


def attribute(doc: Doc, q: QuoteSpan, said: list[QuoteSpan], events: list[SpeakerEvent]) -> tuple[str | None, str, Cand | None]:
    """``(speaker, rule, mention)`` for one quote span; speaker ``None`` when nobody can be named."""
    text = doc_text(doc)
    first, last = sentence_at(doc, q.open), sentence_at(doc, q.close)
    a, b = first.start_char, last.end_char
    masked = _masked(text, a, b, [s for s in said if s.open < b and s.close >= a])
    cues = [(a + m.start(), a + m.end()) for m in _cue_re().finditer(masked)]
    inner = text[q.open + 1 : q.close]
    if cues:
        hit = _nearest(_candidates(doc, a, b, masked, events), cues)
        return (hit[1][2], "quote_cue_speaker", hit[1]) if hit else (None, "quote_cue_unnamed", None)
    standalone = not re.search(r"\w", masked)
    if standalone or len(inner.split()) >= MIN_UNCUED_WORDS:
        return _running(events, text, q.open), "quote_running_speaker", None
    return None, "quote_scare", None


def extract_quotes(doc: Doc) -> list[QuoteFact]:
    """All ``quote`` facts of ``doc``."""
    text = doc_text(doc)
    spans = find_quote_spans(text)
    said: list[QuoteSpan] = []
    for q in spans:
        line_start = text.rfind("\n", 0, q.open) + 1
        line_end = text.find("\n", q.close)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        if is_heading(line) or is_label(text[q.open + 1 : q.close]):
            continue
        said.append(q)
    said.sort(key=lambda q: q.open)
    events = speaker_events(doc, said)
    attributed = []
    for q in said:
        speaker, rule, mention = attribute(doc, q, said, events)
        attributed.append([q, speaker, rule, mention])
        if speaker:
            events.append(SpeakerEvent(q.close, speaker))
            events.sort(key=lambda e: e.pos)
    # a paragraph that runs on into the next quote paragraph belongs to that quote's speaker
    for i in range(len(attributed) - 2, -1, -1):
        q, nxt = attributed[i][0], attributed[i + 1]
        if q.continued and nxt[1]:
            attributed[i][1:] = [nxt[1], "quote_continued_speaker", nxt[3]]
    out: list[QuoteFact] = []
    for q, speaker, rule, mention in attributed:
        if not speaker:
            log.debug("quote at %d not attributed (%s)", q.open, rule)
            continue
        inner = text[q.open + 1 : q.close]
        body = quote_text(inner)
        if not body:
            continue
        sent = sentence_at(doc, q.open)
        role = None
        if mention and mention[3]:
            role = role_before(text, sent.start_char, mention[0]) or role_after(text, mention[1])
        end_sent = sentence_at(doc, q.close)
        when, when_text = when_for(doc, q.open, q.close)
        out.append(
            QuoteFact(
                evidence=evidence(doc, sent.start_char, min(len(text), max(end_sent.end_char, q.close + 1))),
                rule=rule,
                when=when,
                when_text=when_text,
                source=None,
                speaker=speaker,
                speaker_role=role or role_for(doc, speaker, q.open),
                text=body,
                kind=quote_kind(inner, starts_sentence(text, q.open)),
            )
        )
    return out


@Language.factory("fin_quotes")
def make_component(nlp: Language, name: str) -> FactComponent:
    return FactComponent(extract_quotes)
