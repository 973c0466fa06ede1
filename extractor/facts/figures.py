"""What prices and levels share about a dollar figure: the words around it (``data/figure_context.json``)
and the scale it is written with.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.data import alternation, compiled, lexicon, pattern_alternation
from extractor.normalize.numbers import CURRENCY, CURRENCY_AFTER, CURRENCY_BEFORE, SCALE, scale_factor
from extractor.rx import Caseless

NOT_A_PRICE_REACH = 60  # characters before a figure where "cost basis", "strike" ... rule it out
# between a modal and the verb it governs: a subject or adverb and "have"/"be", no clause break ("could bitcoin *hit*")
_MODAL_GAP = re.compile(r"\s+(?:[\w’'-]+\s+){0,3}")


@dataclass(frozen=True)
class FigureContext:
    """The patterns of ``data/figure_context.json``, compiled once."""

    hypothetical: Caseless  # "could", "if", "would": a forecast, not a traded price
    modal: re.Pattern  # "could", "will": the verb right after one is a possibility ("could hit"), not a past motion
    past_motion: Caseless  # "after it rose": a hypothetical word that reports the past
    not_left: Caseless  # words before a figure that make it something else (cost basis, strike)
    not_right: re.Pattern  # ... and words after it
    traded_left: Caseless  # "the current ", "its peak just above ": a traded price follows
    traded_right: re.Pattern  # " all-time high", " swing low": the figure is a traded high or low
    revisit: re.Pattern  # "may retest the record high at ": a level to reach again, not a traded price
    passing: re.Pattern  # "like ", "unlike bitcoin and ": another asset's name after it is a passing comparison

    def is_hypothetical(self, clause: str) -> bool:
        """The clause's last hypothetical cue is not followed by words of past motion.

        >>> fc = figure_context()
        >>> fc.is_hypothetical("analysts expect it to reach "), fc.is_hypothetical("if it rose to ")
        (True, False)
        >>> fc.is_hypothetical("Could bitcoin hit "), fc.is_hypothetical("it may have topped "), fc.is_hypothetical("it could, after it fell to ")
        (True, True, False)
        >>> fc.is_hypothetical("crude futures with May delivery rose 2.7% to trade at "), fc.is_hypothetical("Brent for May delivery at ")
        (False, False)
        """
        last, modal = None, False
        for m in self.hypothetical.finditer(clause):
            if self.modal.fullmatch(m.group()):
                if not (m.group().islower() or not clause[: m.start()].strip()):
                    continue  # a modal in lower case or opening the clause ("Could ..."), not the month "May"
                last, modal = m, True
            else:
                last, modal = m, False
        if last is None:
            return False
        motion = self.past_motion.search(clause, last.end())
        return motion is None or bool(modal and _MODAL_GAP.fullmatch(clause, last.end(), motion.start()))

    def rules_out(self, left: str, right: str) -> bool:
        """The words around a figure say it is not a price ("cost basis of $X", "$X strike").

        >>> figure_context().rules_out("an average cost basis of ", ""), figure_context().rules_out("traded at ", " strike")
        (True, True)
        """
        return bool(self.not_left.search(left[-NOT_A_PRICE_REACH:]) or self.not_right.search(right))

    def traded(self, left: str, right: str) -> bool:
        """The words right around a figure mark it a traded price: the current price, or a high or
        low the asset reached, even in a clause that also forecasts ("would be down from the current
        $X level", "a 50% drop from its $X all-time high").

        >>> fc = figure_context()
        >>> fc.traded("well below the current ", " level"), fc.traded("bounced from the ", " swing low"), fc.traded("could rally to ", "")
        (True, True, False)
        >>> fc.traded("may retest the record high at ", "")
        False
        """
        left = left[-NOT_A_PRICE_REACH:]
        if not (self.traded_left.search(left) or self.traded_right.search(right)):
            return False
        return not self.revisit.search(left)


@compiled
def figure_context() -> FigureContext:
    ctx = lexicon("figure_context")
    alt, flags = pattern_alternation, re.IGNORECASE
    modals = alternation(lexicon("grammar").modal_verbs, ignore_case=True)
    return FigureContext(
        hypothetical=Caseless(rf"\b(?:{alt(ctx.hypothetical_patterns)}|{modals})\b"),
        modal=re.compile(modals, re.IGNORECASE),
        past_motion=Caseless(rf"\b(?:{alt(ctx.past_motion_patterns)})\b"),
        # the two patterns anchored at the end of the words before a figure (tried from every
        # position) scan a lower-cased copy, and not at all without a word every match needs
        # (a year between the cue and the figure does not end the cue's reach: "cost guidance for 2026 to a range of $X")
        not_left=Caseless(rf"\b(?:{alt(ctx.not_a_price_left_patterns)})\b(?:[^$\d]|(?<![\d.,])(?:19|20)\d\d(?![\d.,%])){{0,45}}$"),
        not_right=re.compile(rf"^\s*(?:{alt(ctx.not_a_price_right_patterns)})\b", flags),
        traded_left=Caseless(rf"\b(?:{alt(ctx.traded_left_patterns)})\s+(?:(?:roughly|about|nearly|around|just)\s+)?$"),
        traded_right=re.compile(rf"^\s*(?:{alt(ctx.traded_right_patterns)})\b", flags),
        revisit=re.compile(rf"\b(?:{alt(ctx.revisit_patterns)})\b(?:\s+[\w'’-]+){{0,4}}\s*$", flags),
        # "like bitcoin and ether", "than its peers", "more than triple the 17% advance of the PHLX index"
        passing=re.compile(rf"\b(?:{alt(ctx.passing_cue_patterns)})\s+(?:(?:the|fellow|peers?|rivals?|its)\s+)?"
                           rf"(?:[\w$.&’'-]+(?:,\s*|\s+(?:and|or)\s+)){{0,4}}$"
                           rf"|\b(?:{alt(ctx.passing_cue_patterns)})\s+(?:[\w-]+\s+){{0,2}}?(?:the|a|an)\s+[\d.,]+\s*%\s+[\w-]+\s+(?:of|in|for|by)\s+(?:the\s+)?$",
                           flags),
    )


# ", and has bounced ...": a verb phrase coordinated after a comma goes back to the sentence's subject, past
# a comparison ("It has gained 61%, more than the index's 17%, and has bounced 72% from its April low of $X")
_AND_VERB = re.compile(r",\s+and\s+(?:has|have|had|is|was|are|were|now|also|then|later|[a-z]{3,}ed)\b")
_WHICH_AFTER = re.compile(r",?\s+(?:which|that)\s")
PASSING_REACH = 80  # characters before an asset's name where a comparison word makes it a passing mention


def passing_over(fd, pos: int):
    """A ``skip`` for ``attribution.asset_for``: passes over an asset named only in passing, in a
    comparison ("like bitcoin and ether", "unlike solana", "outpacing XRP"), in another clause than
    the figure at ``pos``; the running subject of the article stays the asset it is about.
    """
    from extractor.facts.windows import clause_break

    fc = figure_context()

    def skip(m) -> bool:
        if m.end > pos:
            return False  # a name after the figure is never a running subject
        sent = fd.sentence_at(m.start)
        if fd.text[m.start - 1 : m.start] in ("-", "/") and m.text.upper() in _dollar_codes():
            return True  # the quote side of a pair ("a PFRG-USDC pool"): the pair's base is what it prices
        left = fd.text[max(sent.start_char, m.start - PASSING_REACH) : m.start]
        if in_relative_clause(fd.text, left, m.end, pos):
            return True
        if not fc.passing.search(left):
            return False
        if _WHICH_AFTER.match(fd.text, m.end, pos):
            return False  # "trailing the 6% gain of Solana, which closed at $182": the clause about the name holds the figure
        if clause_break().search(fd.text, m.end, pos) or _AND_VERB.search(fd.text, m.end, pos) or fd.sentence_at(pos).i != sent.i:
            return True
        if any(a.asset.id != m.asset.id for a in fd.assets.within(sent.start_char, m.start)):
            return True  # the sentence's own asset comes first: "Ether is faring worse than bitcoin, down 5.4% at $2,871.50"
        # a fronted side clause ("Where SOL itself slipped 3%, the memecoin ... cleared $X"): its comma ends it
        return bool(_FRONTED.match(fd.text, sent.start_char, m.start)) and bool(_CLOSING_COMMA.search(fd.text, m.end, pos))

    return skip


@compiled
def _dollar_codes() -> frozenset[str]:
    return frozenset(c.upper() for c in lexicon("entities").dollar_codes)


_CLOSING_COMMA = re.compile(r",(?!\s*(?:which|who|whose|that)\b)")  # not the comma opening a relative clause inside it
_FRONTED = re.compile(r"\s*(?:[Ww]here|[Ww]hereas|[Ww]hile|[Uu]nlike|[Ll]ike|[Aa]s\s+with)\s")  # a side clause opening the sentence


# the words of a clause set off by commas: no clause mark or bracket, and no comma but one inside a number ("9,500")
SET_OFF_WORDS = r"(?:[^,;:()]|(?<=\d),(?=\d))*"


@compiled
def _relative_open() -> re.Pattern:
    """A relative clause opened after a comma ("Acme, which holds "), or an appositive after a
    capitalised name or its ticker in brackets ("Strategy, the largest corporate holder of ",
    "(NFTH), a former device maker that began buying "), running up to where the text ends."""
    pronouns = alternation(lexicon("move_lexicon").relative_pronouns)
    return re.compile(rf"(?:,\s*(?i:{pronouns})|(?:(?<=[A-Z])[\w.&’'-]*|\([A-Z][A-Z0-9.: ]{{0,15}}\)),\s*(?:[Tt]he|[Aa]n?))\s{SET_OFF_WORDS}$")


_CLOSE = re.compile(rf"{SET_OFF_WORDS},")  # the rest of a clause, up to the comma that closes it


def in_relative_clause(text: str, left: str, end: int, pos: int) -> bool:
    """Whether a name ending at ``end`` (``left``: the words before it) stands inside a relative
    clause or an appositive set off by commas that closes before ``pos`` ("The dollar index, which measures *the
    greenback* against six peers, fell 0.3% to 104.12"): a passing mention, not what the figure
    at ``pos`` is about.

    >>> t = "The dollar index, which tracks the greenback against peers, fell to 104.12"
    >>> in_relative_clause(t, t[:35], 44, 72), in_relative_clause(t, t[:35], 44, 50)
    (True, False)
    >>> t = "Strategy, the largest holder of bitcoin, slid 9.2% to $341.07"
    >>> in_relative_clause(t, t[:32], 39, 54), in_relative_clause("Ether rose 2%, the most since bitcoin", "Ether rose 2%, the most since ", 37, 37)
    (True, False)
    >>> t = "Northfield Holdings (NFTH), a maker that began buying bitcoin in August, plunged 18.5% to $3.42"
    >>> in_relative_clause(t, t[:t.index("bitcoin")], t.index(" in August"), t.index("$3.42"))
    True
    """
    if not _relative_open().search(left):
        return False
    close = _CLOSE.match(text, end, pos)
    return close is not None and close.end() <= pos


RELATIVE_REACH = 200  # characters before a figure searched for the relative clause it may close


def closes_relative_clause(text: str, start: int, end: int, sent_start: int) -> bool:
    """Whether the figure at ``start:end`` ends a relative clause or an appositive set off by commas
    (its closing comma right after it): the words after that comma are the main clause's ("the token,
    which last changed hands at $3,140, could retest ...": the modal is not the figure's).

    >>> t = "the token, which last changed hands at $3,140, could retest its record"
    >>> closes_relative_clause(t, 39, 45, 0), closes_relative_clause("it could retest $3,140, analysts said", 16, 22, 0)
    (True, False)
    """
    if not text.startswith(",", end):
        return False
    return _relative_open().search(text[max(sent_start, start - RELATIVE_REACH) : start]) is not None


_SCALE_IN = re.compile(rf"\d\s?({SCALE})")


def written_scale(money_text: str) -> float:
    """The scale factor written in a money expression.

    >>> written_scale("$125K"), written_scale("$113.8M"), written_scale("$0k"), written_scale("$97,128")
    (1000.0, 1000000.0, 1000.0, 1.0)
    """
    m = _SCALE_IN.search(money_text)
    return scale_factor(m.group(1)) if m else 1.0


@compiled
def _for_asset() -> re.Pattern:
    """What stands between a figure and the asset it is given for: "for (the)" ("$212,000 for bitcoin"),
    or "as the" and a level's kind noun (``level_cues`` kind_noun_patterns: "$1,800 as the floor ether must hold")."""
    kinds = "|".join(f"(?:{pattern_alternation(v)})" for v in lexicon("level_cues").kind_noun_patterns.model_dump().values())
    return re.compile(rf"^\s*(?:(?:[\w-]+\s+){{0,2}}?for\s+(?:the\s+)?|as\s+(?:the|a|an)\s+(?:[\w-]+\s+)?(?:{kinds})\s+)$", re.IGNORECASE)
FOR_REACH = 30  # characters after a figure where "for <asset>" names its asset


def asset_named_for(fd, end: int):
    """The asset a figure is given for right after it ("$212,000 for bitcoin", "a $3.85k-4.65k band
    for ether", "$1,800 as the support ether has to hold"): an asset mention a few words on, after
    "for" or "as the <kind noun>", or ``None``."""
    for a in fd.assets.within(end, min(len(fd.text), end + FOR_REACH)):
        if _for_asset().match(fd.text[end : a.start]):
            return a
        break
    return None


# one figure of a list: a currency sign or code before it ("$", "HK$", "GBP "), a scale letter or a currency
# code or word after it ("3,420 euros"), as normalize.numbers reads money
_FIG = rf"(?:{CURRENCY}|{CURRENCY_BEFORE}\s)?\d[\d,]*(?:\.\d+)?(?:\s?[kKmMbB]\b|\s{CURRENCY_AFTER}\b)?\b"
_CHAIN_AFTER = re.compile(rf"((?:\s*,?\s*(?:and\s+|or\s+)?{_FIG})*)\s*,?\s*(?:(?:\w+,?\s+){{0,3}}?|(?P<named>(?:for|of|in|on)\s+[^.;:$]{{3,80}}?),?\s+)respectively\b",
                          re.IGNORECASE)
_CHAIN_BEFORE = re.compile(rf"((?:{_FIG}\s*,?\s*(?:and\s+|or\s+)?)*)$", re.IGNORECASE)
_ONE_FIG = re.compile(_FIG, re.IGNORECASE)
# a list of figures led by the "respectively" of a list of moves before it ("silver and platinum added 2.4%
# and 3.1%, respectively, to $61.85 and $1,742"; "... respectively (to $61.85 and $1,742)")
_LEAD_REACH = 40  # characters before a list's first figure where its leading "respectively ... to" is read
_RESPECTIVELY_LEAD = re.compile(r"(?:%|percent|per\s?cent)\s*,?\s*respectively\s*,?\s*\(?\s*(?:to|at)\s+$", re.IGNORECASE)
_CHAIN_ON = re.compile(rf"((?:\s*,?\s*(?:and\s+)?{_FIG})*)", re.IGNORECASE)


def _distinct(mentions: list) -> list:
    """The mentions of distinct assets, in order (a later mention of the same asset is dropped)."""
    seen: set[str] = set()
    out = []
    for a in mentions:
        if a.asset.id not in seen:
            seen.add(a.asset.id)
            out.append(a)
    return out


def respectively_asset(fd, start: int, end: int):
    """The asset a figure belongs to in a "respectively" list ("bitcoin and ether closed at $84,100
    and $1,950, respectively"; "targets of $150,000 and $6,000 for bitcoin and ether,
    respectively"): the figure's place among the figures of the list picks the asset mention at
    the same place among the assets named after the figures ("for ..."), else among the last
    mentions before the list; ``None`` when the sentence has no such list or not enough assets."""
    sent = fd.sentence_at(start)
    m = _CHAIN_AFTER.match(fd.text, end, min(sent.end_char, end + 200))
    if m is None:
        return None
    before = _CHAIN_BEFORE.search(fd.text, max(sent.start_char, start - 200), start)
    n_before = len(_ONE_FIG.findall(before.group(1))) if before else 0
    n = n_before + 1 + len(_ONE_FIG.findall(m.group(1)))
    if m.group("named"):  # "targets of $150,000 and $6,000 for bitcoin and ether, respectively"
        named = _distinct(fd.assets.within(m.start("named"), m.end("named")))
        return named[n_before] if n >= 2 and len(named) == n else None
    chain_start = before.start(1) if before else start
    mentions = []
    for a in reversed(fd.assets.within(sent.start_char, chain_start)):
        if a.asset.id not in {x.asset.id for x in mentions}:
            mentions.insert(0, a)
        if len(mentions) == n:
            break
    return mentions[n_before] if n >= 2 and len(mentions) == n else None


def respectively_led(fd, start: int, end: int):
    """The asset a figure belongs to in a list of figures that a "respectively" after a list of moves
    leads ("Brent and WTI rose 0.9% and 1.2%, respectively, to $74.10 and $70.55"): the figure's place
    in its list picks the asset mention at the same place among the last distinct assets before the
    "respectively" (as many as the list has figures); ``None`` otherwise."""
    sent = fd.sentence_at(start)
    before = _CHAIN_BEFORE.search(fd.text, max(sent.start_char, start - 200), start)
    n_before = len(_ONE_FIG.findall(before.group(1))) if before else 0
    chain_start = before.start(1) if before else start
    lead = _RESPECTIVELY_LEAD.search(fd.text, max(sent.start_char, chain_start - _LEAD_REACH), chain_start)
    if lead is None:
        return None
    after = _CHAIN_ON.match(fd.text, end, min(sent.end_char, end + 200))
    n = n_before + 1 + (len(_ONE_FIG.findall(after.group(1))) if after else 0)
    if n < 2:
        return None
    mentions = []
    for a in reversed(fd.assets.within(sent.start_char, lead.start())):
        if a.asset.id not in {x.asset.id for x in mentions}:
            mentions.insert(0, a)
        if len(mentions) == n:
            break
    return mentions[n_before] if len(mentions) == n else None


MAGNITUDE_FACTOR = 100.0  # a figure this many times above or below its asset's median in the article is another asset's
MAGNITUDE_MIN = 3  # figures of one asset needed before the median says anything


def magnitude_outliers(cands) -> list:
    """The candidates (made facts with ``asset`` and ``value``) whose value is orders of magnitude
    away from the median of their asset's values in the same article (a figure taken from a passing
    mention of another asset: "$2.70" for bitcoin in an XRP piece), when the asset has at least
    ``MAGNITUDE_MIN`` figures.

    >>> from types import SimpleNamespace as N
    >>> c = [N(fact=N(asset="XRP", value=v, currency="USD")) for v in (2.45, 2.5, 2.61, 96000.0)]
    >>> [x.fact.value for x in magnitude_outliers(c)]
    [96000.0]
    """
    from statistics import median

    by_asset: dict[tuple[str, str], list] = {}
    for c in cands:
        if c.fact is not None and c.fact.value > 0:
            by_asset.setdefault((c.fact.asset, getattr(c.fact, "currency", "USD")), []).append(c)
    out = []
    for group in by_asset.values():
        if len(group) < MAGNITUDE_MIN:
            continue
        mid = median(c.fact.value for c in group)
        out += [c for c in group if not (mid / MAGNITUDE_FACTOR <= c.fact.value <= mid * MAGNITUDE_FACTOR)]
    return out
