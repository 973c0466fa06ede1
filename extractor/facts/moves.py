"""``percent_move`` facts (see spec FACTS.md): a signed percent change of a named asset.

For every percent expression not claimed by another fact type (metrics run
first and claim dominance, market-cap changes, market depth ...):

1. percents joined only by "and"/","/"to" form a *group* ("38% and 12% below
   their cycle highs, respectively", "between 20% and 35%");
2. the group is dropped when the words right after it or just before it say it
   is a share, a rate, odds, a tax... (``blockers_*`` in ``move_lexicon.json``),
   when it is a level ("climbed *to* 56.2%", "up *from* 41.9%"), or when a modal
   makes it hypothetical ("could fall 10%");
3. the sign comes from an explicit +/-, a cue word right after ("27% higher",
   "a 14% drop"), a cue word shortly before ("slid 1.03%", "down 6%"), or, in an
   elliptical list ("Amazon by 6.6%"), from the previous move of the sentence;
   without any of these it is not a move;
4. the subject is the nearest name before the percent: a lexicon asset, a
   descriptive alias ("the world's largest cryptocurrency"), or a capitalized
   name written right before the percent or its verb ("Zephyr (+41%)",
   "Acme Index has plunged 70%"); a pronoun ("it", "the asset") falls back to
   the running subject of the previous sentences; "respectively" pairs names
   and percents in order.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from extractor.facts.context import doc_text
from spacy.tokens import Doc

from extractor.facts import context as C
from extractor.normalize.periods import finditer_periods
from extractor.records import PercentMoveFact
from extractor.data import alternation, read_json, read_text

log = logging.getLogger(__name__)

OWNER = "percent_move"


@dataclass(frozen=True)
class _Lex:
    neg_before: re.Pattern
    pos_before: re.Pattern
    after_cue: re.Pattern
    neg_after: frozenset
    approx_tail: re.Pattern
    hypothetical: re.Pattern
    blockers_before: re.Pattern
    blockers_after: re.Pattern
    allowed_of: re.Pattern
    level_before: re.Pattern
    reference: re.Pattern
    ref_names: dict
    generic: re.Pattern
    aliases: re.Pattern
    alias_ids: dict
    not_subjects: frozenset
    teaser: re.Pattern


@lru_cache(maxsize=1)
def _lex() -> _Lex:
    lx = read_json("move_lexicon.json")
    aliases = {k.lower(): v for k, v in read_json("move_subject_aliases.json").items() if not k.startswith("_")}
    not_subjects = frozenset(
        ln.strip() for ln in read_text("move_not_subjects.txt").splitlines() if ln.strip() and not ln.startswith("#")
    )
    approx = alternation(lx["approximators"])
    adjs = alternation(lx["period_adjectives"])
    ref_names = {}
    for ref, names in lx["references"].items():
        for n in names:
            ref_names.setdefault(n.lower(), ref)
    after_words = lx["negative_after"] + lx["positive_after"]
    stops = alternation(lx["stop_after"] + lx["approximators"] + ["of", "is", "was", "are", "were", "has", "had"])
    return _Lex(
        neg_before=re.compile(rf"(?<![\w-])(?:{alternation(lx['negative_before'])})(?![\w-])", re.I),
        pos_before=re.compile(rf"(?<![\w-])(?:{alternation(lx['positive_before'])})(?![\w-])", re.I),
        after_cue=re.compile(
            rf"""
            \s*(?:(?:{adjs})\s+){{0,2}}          # optional "daily", "seven-day", "sharp" ...
            (?:(?!(?:{stops})\b)[a-z][\w-]*\s+)?  # or one other lower-case word ("price"), not "as", "to" ...
            (?P<cue>{alternation(after_words)})   # the cue word right after the percent
            (?![\w-])
            """,
            re.I | re.VERBOSE,
        ),
        neg_after=frozenset(w.lower() for w in lx["negative_after"]),
        approx_tail=re.compile(rf"(?:(?<![\w-])(?:{approx})\s*)+$", re.I),
        hypothetical=re.compile(rf"(?<![\w-])(?:{alternation(lx['hypothetical'])})(?![\w-])", re.I),
        blockers_before=re.compile(rf"(?<![\w-])(?:{alternation(lx['blockers_before'])})(?![\w-])", re.I),
        blockers_after=re.compile(
            rf"""
            ^\s*(?:(?:{adjs})\s+)?                     # an optional adjective ("annual")
            (?:{alternation(lx['blockers_after'])})    # a word saying this is a share / rate / odds ...
            (?![\w-])
            """,
            re.I | re.VERBOSE,
        ),
        allowed_of=re.compile(rf"^\s*(?:{alternation(lx['allowed_of'])})\b", re.I),
        level_before=re.compile(rf"(?<![\w-])(?:to|from|at|up\s+to|is|was|stood\s+at|reached|hit)\s+(?:(?:{approx})\s+)*$", re.I),
        reference=re.compile(
            rf"""
            ^[^.;]{{0,25}}?                                    # a few words ("lower", "below")
            (?<![\w-])(?:from|below|than|off|under|above|beneath|since|short\s+of)\s+  # a reference preposition
            (?:(?:its|their|the|a|an|this|that|last\s+\w+['’]s|\w+['’]s)\s+)?          # determiner
            (?:\S+\s+){{0,2}}?                                  # up to two modifiers ("2021", "all-time", "$109,000")
            (?P<ref>{alternation(ref_names)})(?![\w-])          # the reference point
            """,
            re.I | re.VERBOSE,
        ),
        ref_names=ref_names,
        generic=re.compile(rf"(?<![\w-])(?:{alternation(lx['generic_subjects'])})(?![\w-])", re.I),
        aliases=re.compile(rf"(?<![\w-])(?:{alternation(aliases)})(?![\w-])", re.I),
        alias_ids=aliases,
        not_subjects=not_subjects,
        teaser=re.compile(rf"^\W*(?:{alternation(lx['teaser_prefixes'])})\s*[:|–-]", re.I),
    )


# A capitalized name: "Orbit Network", "ZPHR", "Acme Digital Assets 50 Index".
NAME = r"""
    (?<![\w$&.’'/-])
    [A-Z][\w&’'.-]*                       # first word capitalized (or an all-caps ticker)
    (?:[ ](?:[A-Z][\w&’'.-]*|\d[\w.-]*|&))*  # more capitalized words, numbers, "&"
"""
_NAME_BEFORE_PCT = re.compile(
    rf"""
    (?P<name>{NAME})        # the name
    \s*\(?\s*$              # right before the percent, maybe in "(" : "Zephyr (+41%"
    """,
    re.VERBOSE,
)
_NAME_BEFORE_VERB = re.compile(
    rf"""
    (?P<name>{NAME})                                          # the name
    (?:['’]s\s+(?:shares|stock|price|token|index)\s*)?        # "Acme's shares"
    (?:\s+(?:shares|stock))?                                  # "Acme shares"
    \s+(?:(?:has|have|had|was|were|is|are|also|now|all|only|then|just|been|\w+ly
        |closed|ended|finished|opened|traded|trading|settled|edged|ticked|moved|went|drifted)\s+){{0,3}}$   # auxiliaries, adverbs, "closed" 
    """,
    re.VERBOSE,
)
_NAME_BY = re.compile(
    rf"""
    (?P<name>{NAME})        # "Amazon"
    \s+by\s*$               # "by" (elliptical list item)
    """,
    re.VERBOSE,
)
_OBJECT_MARKER = re.compile(
    r"""
    (?<![\w-])
    (?:outperform\w*|underperform\w*|outpac\w*|trail\w*|lagg\w*|beat\w*|than|versus|vs\.?|against   # a comparison
      |of|in|for|on|from|to|about|like|into|behind|toward|towards)                   # or a preposition ("with"/"as" open clauses)
    \s+(?:the\s+|its\s+|their\s+|a\s+)?$     # right before the name
    """,
    re.I | re.VERBOSE,
)
_POSSESSIVE_PCT = re.compile(r"['’]s\s+(?:[a-z]+\s+){0,2}?$")  # "ETH's 14%", "Bitcoin's roughly 16.5%"
_RELATIVE = re.compile(r"\s*,?\s*(?:which|that|who)\b", re.I)  # "bitcoin, which gained 2.1%"
_JOINER = re.compile(r"^\s*(?:,|,?\s*(?:and|or|to)|–|-)\s*$", re.I)  # between percents of one group
_BETWEEN = re.compile(r"between\s+$", re.I)


@dataclass
class _Cand:
    start: int
    end: int
    subject: str


def _alias_mentions(doc: Doc) -> list[_Cand]:
    lx = _lex()

    def compute():
        return [_Cand(m.start(), m.end(), lx.alias_ids[re.sub(r"\s+", " ", m.group(0).lower())]) for m in lx.aliases.finditer(doc_text(doc))]

    return C._cached(doc, "fin_move_aliases", compute)


def _mentions(doc: Doc, start: int, end: int) -> list[_Cand]:
    """Lexicon assets and descriptive aliases inside ``start:end``, left to right."""
    out = [
        _Cand(a.start, a.end, a.asset.id)
        for a in C.assets(doc)
        if a.start >= start and a.end <= end and not re.match(r"-[a-z]", doc_text(doc)[a.end : a.end + 2])  # not "Nasdaq-listed"
    ]
    for al in _alias_mentions(doc):
        if al.start >= start and al.end <= end and not any(o.start < al.end and al.start < o.end for o in out):
            out.append(al)
    return sorted(out, key=lambda c: c.start)


def _clean_name(doc: Doc, start: int, end: int) -> _Cand | None:
    """A capitalized-name match trimmed of openers/possessive prefixes; a lexicon asset ending there wins."""
    lx = _lex()
    text = doc_text(doc)[start:end]
    text = re.sub(r"['’]s$", "", text)
    end = start + len(text)
    words = text.split(" ")
    poss = [i for i, w in enumerate(words[:-1]) if re.search(r"['’]s$", w)]
    if poss:  # "South Korea's Kospi" -> "Kospi"
        start += sum(len(w) + 1 for w in words[: poss[-1] + 1])
        words = words[poss[-1] + 1 :]
    while words and words[0] in lx.not_subjects:
        start += len(words[0]) + 1
        words = words[1:]
    while words and words[-1] in lx.not_subjects:
        words = words[:-1]
        end = start + len(" ".join(words))
    if not words or start >= end:
        return None
    for m in _mentions(doc, start, end):
        if m.end == end:
            return m
    name = doc_text(doc)[start:end].rstrip(".,")
    if not name or name in lx.not_subjects:
        return None
    return _Cand(start, start + len(name), name)


def _running_subject(doc: Doc, sent: C.Sentence) -> _Cand | None:
    """The latest asset named in up to three earlier sentences of the same section."""
    pos = sent.start_char
    for _ in range(3):
        if pos <= 0:
            return None
        prev = C.sentence_at(doc, pos - 1)
        found = _mentions(doc, prev.start_char, prev.end_char)
        if found:
            return found[-1]
        if doc_text(doc)[prev.end_char : pos].count("\n") >= 2 and pos != sent.start_char:
            return None
        pos = prev.start_char
    return None


def _subject(doc: Doc, sent: C.Sentence, start: int, cue_start: int | None, explicit: bool) -> _Cand | None:
    """The subject of a percent at ``start`` (its verb cue, if any, at ``cue_start``)."""
    lx = _lex()
    before = doc_text(doc)[sent.start_char : start]
    cands = _mentions(doc, sent.start_char, start)
    m = _NAME_BEFORE_PCT.search(before)
    if m and (explicit or before.rstrip().endswith("(")):
        c = _clean_name(doc, sent.start_char + m.start("name"), sent.start_char + m.end("name"))
        if c:
            return c
    if cue_start is not None:
        m = _NAME_BEFORE_VERB.search(doc_text(doc)[sent.start_char : cue_start])
        if m:
            c = _clean_name(doc, sent.start_char + m.start("name"), sent.start_char + m.end("name"))
            if c:
                cands.append(c)
    m = _NAME_BY.search(before)
    if m:
        c = _clean_name(doc, sent.start_char + m.start("name"), sent.start_char + m.end("name"))
        if c:
            cands.append(c)
    if cands:
        return _best(doc, cands, start, cue_start)
    if lx.generic.search(before) or start - sent.start_char < 3 or re.match(r"\s*(?:The|This|That)\s+[a-z]", before):
        return _running_subject(doc, sent)
    if _words(before) > 4:  # only a fronted move ("Down 5% on the week, Bitcoin ...") takes a name after it
        return None
    after = _mentions(doc, start, sent.end_char)
    return after[0] if after else None


def _best(doc: Doc, cands: list[_Cand], start: int, cue_start: int | None) -> _Cand:
    """The likeliest subject among names before a percent at ``start``.

    - a possessive right before the percent wins ("compared to ETH's 14% drop");
    - else a name opening a relative clause that holds the cue ("bitcoin, which gained 2.1%");
    - else the nearest name that is not the object of a preposition or comparison
      ("Ether outperformed bitcoin, rising 8%", "Strategy, the largest holder of bitcoin, dropped 6%");
    - else the nearest name.
    """
    for c in cands:
        if _POSSESSIVE_PCT.match(doc_text(doc)[c.end : start]):
            return c
    cue = cue_start if cue_start is not None else start
    rel = [c for c in cands if c.end <= cue and _RELATIVE.match(doc_text(doc)[c.end : cue])]
    if rel:
        return max(rel, key=lambda c: c.end)
    subjects = [c for c in cands if not _OBJECT_MARKER.search(doc_text(doc)[max(0, c.start - 25) : c.start])]
    return max(subjects or cands, key=lambda c: c.end)


def _sign_cue(lx: _Lex, left: str) -> tuple[int, int, int] | None:
    """``(sign, start, end)`` of the last move cue word in ``left`` (positions relative to it)."""
    best = None
    for sign, pat in ((-1, lx.neg_before), (1, lx.pos_before)):
        for m in pat.finditer(left):
            if best is None or m.end() > best[2] or (m.end() == best[2] and m.start() < best[1]):
                best = (sign, m.start(), m.end())
    return best


def _groups(doc: Doc, items: list[tuple[int, int, float]]) -> list[list[tuple[int, int, float]]]:
    groups: list[list[tuple[int, int, float]]] = []
    for p in items:
        if groups and _JOINER.match(doc_text(doc)[groups[-1][-1][1] : p[0]]):
            groups[-1].append(p)
        else:
            groups.append([p])
    return groups


def _reference(lx: _Lex, right: str) -> str | None:
    m = lx.reference.search(right)
    if not m:
        return None
    return lx.ref_names.get(re.sub(r"\s+", " ", m.group("ref").lower()))


def _period(doc: Doc, sent: C.Sentence, start: int, end: int) -> str | None:
    """The period of a percent at ``start:end``: the nearest period phrase between the neighbouring percents
    of its sentence; else a period opening the sentence before any percent ("Over the past week, ...")."""
    pcts = [(s, e) for s, e, _ in C.percents(doc) if sent.start_char <= s and e <= sent.end_char]
    lo = max([e for s, e in pcts if e <= start] + [sent.start_char])
    hi = min([s for s, e in pcts if s >= end] + [sent.end_char])
    spans = list(finditer_periods(sent.text, sent.start_char))
    best = None
    for s, e, dur in spans:
        if lo <= s and e <= hi:
            dist = s - end if s >= end else start - e
            if best is None or dist < best[0]:
                best = (dist, dur)
    if best:
        return best[1]
    first_pct = min([s for s, e in pcts] + [sent.end_char])
    opening = [dur for s, e, dur in spans if e <= first_pct]
    return opening[-1] if len(spans) == 1 and opening else None


def _words(text: str) -> int:
    return len(re.findall(r"[\w$%’'.-]+", text))


def _sentence_moves(doc: Doc, sent: C.Sentence, items: list[tuple[int, int, float]]) -> list[PercentMoveFact]:
    lx = _lex()
    out: list[PercentMoveFact] = []
    prev_end = sent.start_char
    prev_sign: int | None = None
    for group in _groups(doc, items):
        first, last = group[0], group[-1]
        left_full = doc_text(doc)[prev_end : first[0]]
        right = doc_text(doc)[last[1] : sent.end_char]
        prev_end_of_group = prev_end
        prev_end = last[1]
        # 2. not a move: share / odds / rate ..., a level, hypothetical
        if any(lx.blockers_after.match(doc_text(doc)[p[1] : sent.end_char]) and not lx.allowed_of.match(doc_text(doc)[p[1] : sent.end_char]) for p in (first, last)):
            log.debug("percent %r blocked by the word after it", doc_text(doc)[first[0] : last[1]])
            continue
        if lx.level_before.search(left_full) and not _BETWEEN.search(left_full):
            # "climbed to 56.2%", "up from 41.9%": a level, unless a cue word follows ("to trade 27% higher")
            if not lx.after_cue.match(right):
                continue
        tail_words = re.findall(r"\S+", left_full)
        tail = " ".join(tail_words[-8:])
        # 3. the sign
        explicit = [doc_text(doc)[p[0]] in "+-−–" for p in group]
        am = lx.after_cue.match(right)
        after_sign = None
        if am:
            after_sign = -1 if am.group("cue").lower() in lx.neg_after else 1
        cue = _sign_cue(lx, tail)
        cue_abs = None
        if cue:
            # absolute position of the cue start in doc_text(doc)
            idx = left_full.rfind(tail)
            cue_abs = prev_end_of_group + idx + cue[1] if idx >= 0 else None
        sign = after_sign if after_sign is not None else (cue[0] if cue else None)
        inherited = False
        if sign is None and prev_sign is not None and not cue and (
            (re.search(r"\bby\s*$", left_full) and _words(left_full) <= 7)  # "..., Amazon by 6.6%"
            or (re.search(r"(?:,|\band)\s*$", left_full) and _words(left_full) <= 5)  # "up 4% on the day and 12% ..."
        ):
            sign, inherited = prev_sign, True
        if sign is None and not all(explicit):
            continue
        reference = _reference(lx, right)
        period = _period(doc, sent, first[0], last[1])
        # 4. subjects
        subjects: list[_Cand | None]
        multi = len(group) > 1 and not _BETWEEN.search(left_full)
        if multi:
            before = _mentions(doc, sent.start_char, first[0])
            if len(before) >= len(group) and ("respectively" in right.lower() or _listed(doc, before[-len(group) :])):
                subjects = list(before[-len(group) :])
            else:
                s = _subject(doc, sent, first[0], cue_abs, any(explicit))
                subjects = [s] * len(group)
        else:
            subjects = [_subject(doc, sent, p[0], cue_abs, ex) for p, ex in zip(group, explicit)]
        for p, ex, subj in zip(group, explicit, subjects):
            if subj is None:
                log.debug("percent %r has no subject", doc_text(doc)[p[0] : p[1]])
                continue
            # between the subject and the percent: a modal (hypothetical) or a word naming a share/rate/odds
            window = doc_text(doc)[subj.end : first[0]] if sent.start_char <= subj.end <= first[0] else " ".join(tail_words[-4:])
            window = window.rsplit(",", 1)[-1]  # skip an appositive: "MARA, the biggest miner by hashrate, sank 8%"
            lead = doc_text(doc)[max(sent.start_char, subj.start - 40) : subj.start]
            if re.search(r"(?<![\w-])(?:of|in|on|for)\s+(?:the\s+)?$", lead):
                # "open interest in bitcoin futures dropped 12%": the figure belongs to the metric, not the asset
                window = " ".join(re.findall(r"\S+", lead)[-4:]) + " " + window
            hypothetical = lx.hypothetical.search(window) or lx.hypothetical.search(tail)
            if lx.blockers_before.search(window) or lx.blockers_before.search(subj.subject) or (hypothetical and not ex):
                log.debug("percent %r blocked by %r", doc_text(doc)[p[0] : p[1]], window)
                continue
            value = p[2] if ex else abs(p[2]) * sign
            rule = "explicit_sign" if ex else ("ellipsis" if inherited else ("cue_after" if after_sign is not None else "cue_before"))
            out.append(
                PercentMoveFact(
                    subject=subj.subject,
                    percent=value,
                    period=period,
                    reference=reference,
                    rule=f"move.{rule}",
                    **C.grounding(doc, p[0], p[1], evidence_span=(min(subj.start, p[0]), max(p[1], subj.end)) if subj.start >= sent.start_char else None),
                )
            )
            C.claim(doc, p[0], p[1], OWNER)
        if out and out[-1].percent is not None:
            prev_sign = 1 if out[-1].percent >= 0 else -1
    return out


def _listed(doc: Doc, cands: list[_Cand]) -> bool:
    """Names written as a list: "silver and gold", "Ether, XRP and Solana"."""
    for a, b in zip(cands, cands[1:]):
        if not re.fullmatch(r"\s*(?:,|,?\s*and|&)\s*(?:the\s+)?", doc_text(doc)[a.end : b.start], re.I):
            return False
    return True


def extract_moves(doc: Doc) -> list[PercentMoveFact]:
    """All ``percent_move`` facts of ``doc``."""
    by_sent: dict[int, tuple[C.Sentence, list]] = {}
    for p in C.percents(doc):
        if C.claimed_by(doc, p[0], p[1]):
            continue
        sent = C.sentence_at(doc, p[0])
        by_sent.setdefault(sent.start_char, (sent, []))[1].append(p)
    out: list[PercentMoveFact] = []
    for sent, items in by_sent.values():
        if _lex().teaser.match(sent.text) or sent.text.lstrip().startswith("#"):  # a teaser link or a heading, not body text
            continue
        out.extend(_sentence_moves(doc, sent, items))
    return out


@Language.factory("fin_moves")
def make_component(nlp: Language, name: str) -> C.FactComponent:
    return C.FactComponent(extract_moves)
