"""``price`` facts (spec FACTS.md): traded prices of a named asset.

Every dollar figure is a candidate. Three tables decide, in this order:

1. ``BLOCKERS`` (first that fires vetoes): an amount written with million/billion, a figure on a
   "Related:" line, a cost basis, strike or market cap (``not_a_price_*`` in
   ``data/figure_context.json``), a hypothetical clause (forecasts are levels, never prices);
2. ``KINDS`` (first that fires makes it a price): a price word in the clause and the words right
   before the figure fit one of the qualifiers of ``data/price_cues.json`` ("near $62,692" ->
   ``price.qualifier.near``), or a move follows it ("$97,000, up 2%") or ends at it ("lost 9.8%
   to $101.70");
3. ``FROM_TO`` refines the plain ``at`` qualifier of a price path: "slid from $X to $Y" makes $X
   the high and $Y the low.

The asset comes from ``attribution.asset_for`` (then the section's subject); a figure with no
asset is dropped, and one whose asset is only carried over from earlier sentences is checked
against the prices the article gives each asset (``attribution.rescaled``). Levels, flows and metrics that take the same figure win in the resolver.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from spacy.language import Language

from extractor.data import compiled, lexicon, pattern_alternation
from extractor.facts.attribution import PER_DOLLAR, SCALE_LOOSE, AssetChoice, asset_for, near_price, stated_prices, clause_pair, counter_side, fx_pair, grounding, price_like, quoted_in_dollars, rescaled, section_asset
from extractor.facts.candidates import Candidate
from extractor.facts.component import FactComponent, Proposal
from extractor.facts.doc import FinDoc, Sentence, SpanIndex
from extractor.facts.entities import words as entity_words
from extractor.facts.figures import asset_named_for, figure_context, magnitude_outliers, passing_over, respectively_asset, respectively_led, written_scale
from extractor.facts.lazy import lazy
from extractor.facts.move_subjects import subject_cues
from extractor.facts.rules import Rule, Table, outcome
from extractor.facts.windows import clause_after, clause_before, row_asset, table_cells, table_headers, table_row
from extractor.normalize.assets import AssetMention
from extractor.normalize.numbers import Money, parse_number, table_figure
from extractor.records import PriceFact
from extractor.rx import Caseless, PrunedCaseless, find_all

log = logging.getLogger(__name__)

TYPE = "price"


@dataclass(frozen=True)
class Config:
    max_scale: float = 1e3  # "$62K" can be a price; "$113.8M" is an amount
    words_back: int = 14  # how far back in the clause a price word may stand


@dataclass(frozen=True)
class Cues:
    price_words: Caseless
    qualifiers: tuple[tuple[str, str, str, PrunedCaseless], ...]  # (id, qualifier, doc, pattern)
    after_qualifiers: tuple[tuple[str, str, str, re.Pattern], ...]  # the same, for the words right after the figure
    from_fall: re.Pattern
    from_rise: re.Pattern
    move_after: re.Pattern
    move_before: re.Pattern
    small_units: frozenset[str]  # currencies a price is often written in millions of ("142.6 million won")
    table_header: re.Pattern  # a pipe-table header naming prices ("Price", "Last")
    table_not_header: re.Pattern  # ... unless it names something else ("Price change", "Market cap")


@compiled
def cues() -> Cues:
    """The price lexicon, compiled once."""
    pc = lexicon("price_cues")
    flags = re.IGNORECASE
    return Cues(
        price_words=Caseless(rf"\b(?:{pattern_alternation(pc.price_word_patterns)})\b"),  # searched on every figure's clause
        qualifiers=tuple((q.id, q.qualifier, q.doc, PrunedCaseless(rf"(?:^|\b|(?<=\s)){q.pattern}")) for q in pc.qualifiers),
        after_qualifiers=tuple((q.id, q.qualifier, q.doc, re.compile(q.pattern, flags)) for q in pc.after_qualifiers),
        from_fall=re.compile(rf"\b(?:{pc.from_fall_pattern})\b", flags),
        from_rise=re.compile(rf"\b(?:{pc.from_rise_pattern})\b", flags),
        move_after=re.compile(pc.move_after_pattern, flags),
        move_before=re.compile(pc.move_before_pattern, flags),
        small_units=frozenset(pc.small_unit_currencies),
        table_header=re.compile(rf"(?<![\w-])(?:{pattern_alternation(pc.table_price_header_patterns)})(?![\w-])", flags),
        table_not_header=re.compile(rf"(?<![\w-])(?:{pattern_alternation(pc.table_not_price_header_patterns)})(?![\w-])", flags),
    )


# --- what a rule sees -------------------------------------------------------------------------

@dataclass
class Figure:
    """A dollar figure and the windows around it."""

    fd: FinDoc
    money: Money
    prev_end: int | None  # end of the money figure before it, if any
    next_start: int | None
    config: Config

    @lazy
    def clause(self) -> str:
        return clause_before(self.fd, self.money.start)

    @lazy
    def near(self) -> str:
        """The clause before the figure, back to the previous figure."""
        return clause_before(self.fd, self.money.start, self.prev_end)

    @lazy
    def right(self) -> str:
        return clause_after(self.fd, self.money.end, self.next_start)

    @lazy
    def has_price_word(self) -> bool:
        words = self.clause.split()[-self.config.words_back :]
        tail = " ".join(words) + (" " if self.clause[-1:].isspace() else "")
        return bool(cues().price_words.search(tail))

    @lazy
    def written_scale(self) -> float:
        return written_scale(self.fd.text[self.money.start : self.money.end])

    @lazy
    def table_asset(self):
        """The row's asset when the figure stands in a pipe-table column headed by a price word."""
        return table_price_asset(self.fd, self.money.start)

    @lazy
    def traded(self) -> bool:
        """The words right around the figure mark it traded: the current price, a high or low reached."""
        return figure_context().traded(self.near, self.right)


_PAREN_OPEN = re.compile(r"\(\s*$")
_PAREN_THEN_PRICE = re.compile(r"^\s*\)\s*,?\s*(?:to|at)\s*$", re.IGNORECASE)


def _paren_change(f: "Figure") -> bool:
    """A figure in parentheses right after a move that is the change in money: signed ("fell 2% (-$0.40)")
    or followed by the price ("rose 5% ($1.20) to $25.20")."""
    if not _PAREN_OPEN.search(f.near):
        return False
    signed = f.fd.text[f.money.start] in "+-−–" or f.fd.text[f.money.start - 1 : f.money.start] in ("+", "-", "−", "–")
    return signed or bool(_PAREN_THEN_PRICE.match(f.right))


_FROM_END = re.compile(r"\bfrom\s*$", re.I)
_FROM_TO_END = re.compile(r"\bfrom\s+(?:near\s+|around\s+|about\s+)?\S+\s+to\s*$", re.I)


BLOCKERS = Table("price.blocked", [
    Rule("price.blocked.amount", "an amount written with million/billion ('$113.8M'): a flow, cap or volume, not a price "
         "(in a currency of small units, millions may be a price: 'bitcoin traded at 142.6 million won')",
         lambda f: f.money.scaled and f.written_scale > (1e6 if f.money.currency in cues().small_units else f.config.max_scale)),
    Rule("price.blocked.not_a_price", "words around the figure make it a cost basis, strike, market cap, fee ...",
         lambda f: figure_context().rules_out(f.near, f.right)),
    Rule("price.blocked.hypothetical", "a forecast or scenario clause ('could rally to', 'if it breaks'): a level, not a price; "
         "not a figure the words right around it mark traded ('would fall 40% from the current $X', 'from its $X peak')",
         lambda f: figure_context().is_hypothetical(f.clause) and not f.traded),
])


def _qualifier_rule(qid: str, qualifier: str, doc: str, pattern: PrunedCaseless) -> Rule:
    return Rule(f"price.qualifier.{qid}", f"a price word in the clause and {doc} (qualifier {qualifier})",
                lambda f: f.has_price_word and bool(pattern.search(f.near)) and qualifier)


def _after_rule(qid: str, qualifier: str, doc: str, pattern: re.Pattern) -> Rule:
    return Rule(f"price.after.{qid}", f"{doc} (qualifier {qualifier})", lambda f: bool(pattern.search(f.right)) and qualifier)


@compiled
def kinds() -> Table:
    """The qualifier rules of ``data/price_cues.json`` in order (the words after the figure first),
    then the two move rules."""
    rules = [_after_rule(*q) for q in cues().after_qualifiers]
    rules += [_qualifier_rule(*q) for q in cues().qualifiers]
    rules += [
        Rule("price.then_move", "a move right after the figure: '$97,000, up 2%' (qualifier at)",
             lambda f: bool(cues().move_after.search(f.right)) and "at"),
        Rule("price.after_move", "a move that ends at the figure, whatever the verb ('lost 9.8% to $101.70'), or stands right before it ('up 3.1% at $3,145', 'flat at $2.31') (qualifier at)",
             lambda f: bool(cues().move_before.search(f.near)) and not _paren_change(f) and "at"),
        Rule("price.table.column", "a figure in a pipe-table column headed by a price word ('| Coin | Price |'): the price of "
             "the asset named in its row (qualifier at)", lambda f: f.table_asset is not None and "at"),
        Rule("price.table.snapshot_row", "a dollar figure in a table without a header row, right after a coin's cell and right "
             "before its signed change ('| OP | $0.7085 | (-5.2% w/w) |', as a list aligned in columns reads): the coin's price "
             "(qualifier at)", lambda f: _snapshot_row(f) and "at"),
        Rule("price.appositive", "a figure set off by commas right after an asset's name ('Bitcoin, at $109,450, is within 2% "
             "of its record'): that asset's price (qualifier at)", lambda f: _appositive(f) and "at"),
        Rule("price.list.respectively", "a later figure of a 'respectively' list after a price word ('bitcoin and ether closed at $X "
             "and $Y, respectively'): each asset's price in turn (qualifier at)",
             lambda f: f.has_price_word and respectively_asset(f.fd, f.money.start, f.money.end) is not None and "at"),
        Rule("price.list.respectively_led", "a figure of a list that the 'respectively' of a list of moves leads ('Brent and WTI "
             "rose 0.9% and 1.2%, respectively, to $74.10 and $70.55'): each asset's price in turn (qualifier at)",
             lambda f: respectively_led(f.fd, f.money.start, f.money.end) is not None and "at"),
    ]
    return Table("price.kind", rules)


FROM_TO = Table("price.from_to", [
    Rule("price.from_to.fall_start", "'fell from $X': the start of a fall is a high",
         lambda f: _FROM_END.search(f.near) and cues().from_fall.search(f.clause) and "high"),
    Rule("price.from_to.rise_start", "'rose from $X': the start of a rise is a low",
         lambda f: _FROM_END.search(f.near) and cues().from_rise.search(f.clause) and "low"),
    Rule("price.from_to.fall_end", "'slid from $X to $Y': the end of a fall is a low",
         lambda f: _FROM_TO_END.search(f.clause) and cues().from_fall.search(f.clause) and "low"),
    Rule("price.from_to.rise_end", "'climbed from $X to $Y': the end of a rise is a high",
         lambda f: _FROM_TO_END.search(f.clause) and cues().from_rise.search(f.clause) and "high"),
])

NO_CUE = outcome("price.dropped.no_cue", "no price word with a qualifier and no move next to the figure: not a traded price")
FX_QUOTE = outcome("price.fx_quote", "a currency quote written without a sign: a decimal after at/to/from/touched/compared with in a "
                   "sentence naming a currency ('the yen fell 0.3% to 146.52 per dollar', 'the yuan traded at 7.3042'; 'the dollar "
                   "shed 0.7% against the yen to 147.05': the pair of the two sides its clause names), or in one of "
                   "the next two sentences of its paragraph that calls it 'it' or 'the currency' ('It touched 87.49 intraday.')")
FX_OTHER = outcome("price.dropped.fx_other_asset", "a bare decimal in a sentence naming a currency whose nearest asset is "
                   "no currency ('Sterling was flat, while the dollar index slipped 0.2% to 98.10'): not that currency's quote")
MAGNITUDE = outcome("price.dropped.magnitude", "a price orders of magnitude away from the median of its asset's prices in the "
                    "article (at least three): a figure of another asset named in passing")
SCALE = outcome("price.dropped.scale", "its asset is only carried over from earlier sentences or named as the unit of a "
                "quantity, and the dollar figure is two orders of magnitude from every price the article gives that asset "
                "(no other asset priced near it)")
CONVERTED = outcome("price.converted", "the same price in another currency right after a price ('$2,118, or €1,810', "
                    "'$2,118 (€1,810)'): that price's asset and qualifier")
NO_ASSET = outcome("price.dropped.no_asset", "no asset named in the figure's sentence, the sentences before it or its section")
TABLE_FX = outcome("price.table.fx_rate", "a bare number under a rate or price header in a table row that opens with a currency "
                   "('| Thai baht | 34.02 | +0.21% |' under '| Currency | Rate | Change |'): the quote of its dollar pair (USD/THB)")
TABLE_SNAPSHOT = outcome("price.table.snapshot", "a coin's bare number right before its signed change in a table without a "
                         "header row ('| BTC | 69,420 | +1.1% |' as the table's first line): its price in dollars")
BARE_QUOTE = outcome("price.prose.bare_at", "a coin's bare number after a verb of trading and 'at' ('BTC ... sits at 69,840', "
                     "'ether was changing hands near 2,052'): its price in dollars, where the coin is named before it in its "
                     "sentence with no quantity between ('its hashrate sits at 900'), no unit follows ('at 5,000 BTC') and the "
                     "article prices the coin within a factor ten of it, if it prices it at all")
PROSE_SNAPSHOT = outcome("price.prose.snapshot", "a coin's bare number right after its name and right before its signed change "
                         "in prose, as a trading desk's note writes a snapshot ('ETH 2,052 (+1.4%)', 'SOL 86.10, -0.8%'), its change "
                         "in words ('ETH 2,138, off 4.6%', 'SOL 86.10, flat') or the time it was read ('BTC 70,150 as of 07:30'): "
                         "its price in dollars")
TABLE_BARE = outcome("price.table.bare_column", "a bare number filling a pipe-table cell under a price header ('| Gold (spot, $/oz) | "
                     "4,402.10 |' under '| Market | Last |') where the row or the header names dollars, or, for a coin, names no other unit "
                     "('| SOL | 86.15 |' under '| Asset | Last |'): the price of the row's asset")


def tables() -> tuple[Table, ...]:
    """Every table of the module, in the order they are evaluated."""
    return BLOCKERS, kinds(), FROM_TO


def propose(fd: FinDoc, config: Config) -> Proposal:
    """A candidate for every dollar figure of the doc."""
    out = Proposal(tracing=fd.tracing)
    mentions = fd.money
    cand = None
    for i, m in enumerate(mentions):
        before, cand = cand, out.candidate(TYPE, m.start, m.end)  # (``before``: the candidate of the figure before)
        f = Figure(fd, m, mentions[i - 1].end if i else None, mentions[i + 1].start if i + 1 < len(mentions) else None, config)
        if (hit := BLOCKERS.first(f, cand.trace)) is not None:
            cand.blocked(hit.id)
            continue
        kind = kinds().first(f, cand.trace)
        if kind is None and before is not None and (same := _converted(fd, before, mentions[i - 1], m)) is not None:
            cand.made(PriceFact(asset=same.asset, value=m.value, currency=m.currency, qualifier=same.qualifier,
                                rule=CONVERTED.id, **grounding(fd, m.start, m.end)), CONVERTED.id)
            continue
        if kind is None:
            cand.dropped(NO_CUE.id)
            continue
        rule, qualifier = kind.id, kind.value
        if qualifier == "at" and (ft := FROM_TO.first(f, cand.trace)) is not None:
            rule, qualifier = ft.id, ft.value
        asset = figure_asset(fd, m.start, m.end)
        if asset is not None and asset.mention.end <= m.start and asset.mention.asset.kind == "fx" and asset.mention.asset.key == m.currency:
            # "which in euro terms is around €4,515": a figure in euros is no price of the euro; the asset before it is priced
            own = asset.mention
            skip = passing_over(fd, m.start)
            asset = asset_for(fd, m.start, m.end, skip=lambda a: a is own or skip(a))
        if asset is None:
            cand.dropped(NO_ASSET.id)
            # "the Paris-listed leather goods house rose 6.3% to 412.50 euros": the move's subject may claim it
            cand.orphan = PriceFact(asset="?", value=m.value, currency=m.currency, qualifier=qualifier, rule=rule,
                                    **grounding(fd, m.start, m.end))
            continue
        if price_like(fd, m) and (checked := rescaled(fd, asset, m.value, m.start)) is not asset:
            if checked is None:
                cand.dropped(SCALE.id, f"{m.value} is far from every price the article gives {asset.id} ({asset.how}: {asset.mention.text!r})")
                continue
            asset = checked
        cand.trace.note(f"asset {asset.id} ({asset.how}: {asset.mention.text!r})")
        cand.made(PriceFact(asset=_pair_or(fd, asset, m.currency, m.start, m.end), value=m.value, currency=m.currency,
                            qualifier=qualifier, rule=rule, **grounding(fd, m.start, m.end)), rule)
        cand.weak_asset = asset.how in NEARBY  # a move ending at the figure may own it (resolve.claimed_asset)
    _fx_quotes(fd, config, out)
    _table_quotes(fd, out)
    _prose_snapshots(fd, out)
    _bare_quotes(fd, out)
    for cand in magnitude_outliers([c for c in out.candidates if c.status == "fact"]):
        cand.dropped(MAGNITUDE.id, f"{cand.fact.value} is orders of magnitude away from the article's other {cand.fact.asset} prices")
    return out


_PER = re.compile(r"^\s*(?:per|a|to\s+the|against\s+the)\s+(?:the\s+)?$", re.IGNORECASE)
# between a price and the same price in another currency: ", or (about) " or " (" ("$2,118, or €1,810", "$2,118 (€1,810)")
_CONVERSION = re.compile(r",\s+or\s+(?:about\s+|around\s+|roughly\s+|some\s+|nearly\s+|approximately\s+)?|\s*\(\s*")


def _converted(fd: FinDoc, before, prev: Money, m: Money) -> PriceFact | None:
    """The price fact of the figure right before ``m`` when ``m`` gives it in another currency
    ("$2,118, or €1,810"); not for a currency pair's quote."""
    if before.status != "fact" or prev.currency == m.currency or "/" in before.fact.asset:
        return None
    return before.fact if _CONVERSION.fullmatch(fd.text, prev.end, m.start) else None


def table_price_asset(fd: FinDoc, start: int):
    """The first asset named in the row of a figure that stands in a pipe-table column headed by
    a price word ("| Solana (SOL) | $201.40 |" under "| Coin | Price |"; a company the row names by
    its ticker and by its name: the name), else ``None`` (read once per figure: the kind rules and
    the asset choice both ask)."""

    def find():
        row = table_row(fd, start)
        if row is None or not cues().table_header.search(row.header) or cues().table_not_header.search(row.header):
            return None
        return row_asset([m for a, b in row.cells for m in fd.assets.within(a, b)], lambda m: m.asset.kind,
                         lambda m: m.text, lambda x, y: x.asset.canonical == y.asset.canonical)

    return fd.cached(("price_table_asset", start), find)


NEARBY = frozenset({"before", "after", "running", "section", "topic", "scale"})  # AssetChoice.how of an asset only found near


def figure_asset(fd: FinDoc, start: int, end: int) -> AssetChoice | None:
    """The asset of a figure: a currency it is quoted per ("$1.03 per euro") or in ("149.20 yen"), else the asset
    ``attribution.asset_for`` finds (then the section's), passing over assets named only in a
    comparison ("like bitcoin and ether") in another clause."""
    for a in fd.assets.within(end, min(len(fd.text), end + 24)):
        if a.asset.kind == "fx" and _PER.match(fd.text[end : a.start]):
            return AssetChoice(a, "per")
    if (named := table_price_asset(fd, start)) is not None:
        return AssetChoice(named, "table row")
    if (named := respectively_asset(fd, start, end) or respectively_led(fd, start, end)) is not None:
        return AssetChoice(named, "respectively")
    if (named := asset_named_for(fd, end)) is not None:
        return AssetChoice(named, "for")
    passing = passing_over(fd, start)

    def skip(a: AssetMention) -> bool:
        return _held_by_fund(fd, a) or (passing is not None and passing(a))

    choice = asset_for(fd, start, end, skip=skip) or section_asset(fd, start, skip=skip)
    if choice is not None and choice.mention.end <= start \
            and _ITS_UNITS.search(fd.text, max(fd.sentence_at(start).start_char, start - ITS_UNITS_REACH), start) \
            and any(_held_by_fund(fd, a) for a in fd.assets.within(choice.mention.end, start)):
        choice = None  # "its units": the fund named after the asset chosen, nearer the figure, is what "its" stands for
    currency = next((a for a in fd.assets.within(start, end) if a.asset.kind == "fx"), None)
    if currency is not None and (choice is None or choice.how != "before" or choice.mention.asset.kind == "fx"):
        # "the dollar weakened to 149.20 yen": the pair its currency word names ("Tamaki Robotics
        # soared to 4,380 yen" stays the company's price, in yen)
        return AssetChoice(currency, "currency")
    return choice


@compiled
def _fund_named_around() -> tuple[re.Pattern, re.Pattern]:
    """A fund's name around a coin or commodity: a fund head right after it ("... Bitcoin *ETF*", "...
    Gold *Trust*"; ``entities.json`` fund_heads, singular), and a capitalised word or fund brand right
    before it ("*Harbour Peak* Bitcoin ETF", "*iShares* Bitcoin Trust")."""
    heads = [h for h in entity_words().fund_heads if h[0].isupper() and not h.endswith("s")]
    return (re.compile(rf"[ ](?:{'|'.join(map(re.escape, heads))})(?![\w-])"),
            re.compile(rf"(?:[A-Z][\w&.’'-]*|{'|'.join(map(re.escape, entity_words().fund_heads))})[ ]$"))


ITS_UNITS_REACH = 80  # characters before a figure where "its units" is read (a bounded window: linear time on any sentence)
_ITS_UNITS = re.compile(r"(?<![\w-])(?:[Ii]ts|[Tt]heir)\s+(?:units|shares)\b")  # a fund's or company's securities, by possessive


def _held_by_fund(fd: FinDoc, a: AssetMention) -> bool:
    """The coin or commodity mention ``a`` is what a named fund holds ("the Harbour Peak Bitcoin ETF
    rose 1.8% to HK$11.42"): the figure is the fund's units' price, never the coin's."""
    if a.asset.kind not in ("crypto", "commodity"):
        return False
    head, name = _fund_named_around()
    return head.match(fd.text, a.end) is not None and name.search(fd.text, max(0, a.start - 40), a.start) is not None


# --- currency quotes written without a currency sign --------------------------------------------

_FX_NUMBER = re.compile(r"(?<![\w$.,/£€¥-])(?:\d{1,3}(?:,\d{3})+\.\d{1,5}|\d{1,4}\.\d{2,5})(?![\w%]|[.,:]\d|\s?(?:[ap]\.?m\b|GMT|ET\b|hours?|percent|per\s?cent|bps|basis))")
_FX_BEFORE = re.compile(r"\b(?:at|to|from|near|around|about|touch(?:ed|ing)|hit(?:ting)?|reach(?:ed|ing)|test(?:ed|ing)|(?:low|high|level)\s+of"
                        r"|as\s+(?:high|low|strong|weak)\s+as|compared\s+with)\s+(?:(?:roughly|about|around)\s+)?$",
                        re.IGNORECASE)
# a sentence that goes on about the currency the sentence before named ("It touched 87.49 intraday.",
# "On Friday the currency opened at 87.40."): its quotes are that currency's
_FX_ANAPHOR = re.compile(r"(?:^|[\s,])(?:[Ii]t|[Tt]he\s+(?:local\s+)?(?:currency|unit|pair))\s+(?!is\b|was\b)[a-z]")
FX_ANAPHOR_SENTS = 2  # sentences after one naming a currency read for such quotes
_CLOCK = re.compile(r"(?:[01]?\d|2[0-3])\.[0-5]\d")
_AT_TIME = re.compile(r"(?:at|around|about|near)\b", re.IGNORECASE)  # the words a clock time follows


def _pair_or(fd: FinDoc, asset: AssetChoice, currency: str, start: int, end: int) -> str:
    """A currency's price names its pair ("the euro ... $1.1762": EUR/USD; "the dollar ... 158.42 yen":
    USD/JPY; ``fx_pair``); any other asset's price its asset."""
    a = asset.mention.asset
    if a.kind != "fx":
        return asset.id
    return fx_pair(fd, a.key, currency, start, end, per_dollar=a.key not in quoted_in_dollars()) or asset.id


def _fx_quotes(fd: FinDoc, config: Config, out: Proposal) -> None:
    """Currency quotes written as bare numbers ("the yen fell 0.3% to 146.52 per dollar", "the yuan
    traded at 7.3042"): a decimal number after at/to in a sentence that names a currency, the price
    of that currency (in its own units when quoted per dollar or the currency is quoted that way)."""
    money = fd.money
    seen: set[int] = set()
    for a in fd.assets:
        if a.asset.kind != "fx":
            continue
        sent = fd.sentence_at(a.start)
        if sent.i in seen:
            continue
        seen.add(sent.i)
        _fx_quotes_in(fd, sent, out, money)
        referent = next((m for m in reversed(fd.assets.within(sent.start_char, sent.end_char))
                         if m.asset.kind == "fx" and not counter_side(fd, m)), None)  # what "it" stands for next
        if referent is None:
            continue
        prev = sent
        for i in range(sent.i + 1, min(sent.i + 1 + FX_ANAPHOR_SENTS, len(fd.sentences))):
            nxt = fd.sentences[i]
            gap = fd.text[prev.start_char : nxt.start_char]
            if nxt.i in seen or ("\n" in gap[len(gap.rstrip()) :] and not (prev is sent and _heading_line(fd, sent))):
                break  # another paragraph (but a currency's heading line goes on in the paragraph under it)
            if any(m.asset.kind == "fx" for m in fd.assets.within(nxt.start_char, nxt.end_char)):
                break  # a currency of its own: read for its own sake
            _fx_quotes_in(fd, nxt, out, money, referent=referent)
            prev = nxt


HEADING_CHARS = 60  # a line at most this long, standing alone, may head the paragraph under it


def _heading_line(fd: FinDoc, sent: Sentence) -> bool:
    """``sent`` is a short line of its own ("EUR/USD  1.1684  (-0.15%)" over a paragraph on the pair)."""
    text, lo = fd.text, sent.start_char
    if lo > 0 and text[lo - 1] != "\n":
        return False
    nl = text.find("\n", lo, lo + HEADING_CHARS + 1)
    return nl >= 0 and not text[nl : sent.end_char].strip()


def _fx_quotes_in(fd: FinDoc, sent: Sentence, out: Proposal, money: SpanIndex[Money], *, referent: AssetMention | None = None) -> None:
    """The currency quotes of one sentence; with ``referent``, of a sentence after one naming that
    currency, read only where a quote's clause refers to it as "it" or "the currency" and the
    sentence names no asset before the quote."""
    for n in _FX_NUMBER.finditer(fd.text, sent.start_char, sent.end_char):
        if money.overlapping(n.start(), n.end()):
            continue  # part of a money figure ("149.20 yen"): a candidate of its own
        left = clause_before(fd, n.start())
        before = _FX_BEFORE.search(left)
        pair = _pair_right_before(fd, sent, n.start()) if _QUOTE_AFTER.match(fd.text, n.end()) else None
        if pair is None and (not before or (_CLOCK.fullmatch(n.group()) and _AT_TIME.match(before.group()))):
            continue  # no "at"/"to" before it, or a clock time ("opened at 9.30"; but "rose 0.6% to 18.04" is a quote)
        if pair is not None:  # "EUR/USD  1.1684  (-0.15%)", "USD/JPY: 149.62": the pair written right before its quote
            cand = out.candidate(TYPE, n.start(), n.end())
            code = pair.asset.canonical.split("/")[-1]
            cand.trace.note(f"the pair {pair.text!r} right before it, quoted in {code}")
            cand.made(PriceFact(asset=pair.asset.canonical, value=parse_number(n.group()), currency=code, qualifier="at",
                                rule=FX_QUOTE.id, **grounding(fd, n.start(), n.end())), FX_QUOTE.id)
            continue
        if referent is not None:
            if not _FX_ANAPHOR.search(left) or fd.assets.within(sent.start_char, n.start()):
                continue  # no "it" or "the currency" in its clause, or one that stands for another asset the sentence names
            cand = out.candidate(TYPE, n.start(), n.end())
            asset = AssetChoice(referent, "anaphor")
        else:
            cand = out.candidate(TYPE, n.start(), n.end())
            if (named := clause_pair(fd, n.start())) is not None:  # "the dollar shed 0.7% against the yen to 147.05"
                pair, currency = named
                cand.trace.note(f"both sides named in its clause: {pair}, quoted in {currency}")
                cand.made(PriceFact(asset=pair, value=parse_number(n.group()), currency=currency, qualifier="at",
                                    rule=FX_QUOTE.id, **grounding(fd, n.start(), n.end())), FX_QUOTE.id)
                continue
            nearest = asset_for(fd, n.start(), n.end(), lookback_sents=0, skip=passing_over(fd, n.start()))
            if nearest is not None and nearest.mention.asset.kind != "fx":
                cand.dropped(FX_OTHER.id, f"the asset nearest it is {nearest.id} ({nearest.mention.text!r})")
                continue  # "the dollar index ... slipped 0.2% to 98.10": the index's level, not sterling's quote
            passing = passing_over(fd, n.start())  # and, where another is named, not the other side of an earlier quote
            # in its sentence ("87.42 per US dollar, against 87.19"; but "Against the yen, the dollar was at 151.93" names no other)
            asset = asset_for(fd, n.start(), n.end(), kinds=("fx",), lookback_sents=0, skip=lambda a: passing(a) or counter_side(fd, a)) \
                or asset_for(fd, n.start(), n.end(), kinds=("fx",), skip=passing)
            if asset is None or asset.mention.asset.key == "USD":  # (the dollar's own bare number prices nothing:
                cand.dropped(NO_ASSET.id)                            # its other side is a currency not named as one)
                continue
        right = clause_after(fd, n.end())
        code = asset.mention.asset.canonical.split("/")[-1]  # a pair "USD/JPY" is quoted in its second currency
        currency = code if PER_DOLLAR.match(right) or code not in quoted_in_dollars() else "USD"
        if not re.fullmatch(r"[A-Z]{3}", code or ""):
            currency = "USD"
        rule = FX_QUOTE.id
        cand.trace.note(f"asset {asset.id} ({asset.how}: {asset.mention.text!r}); currency {currency}")
        if currency == code != "USD" and not counter_side(fd, asset.mention):
            pair = f"USD/{code}"  # the currency's own quote per dollar ("South Africa's rand gained 0.6% to 18.04"), not
            # against a currency an earlier clause names ("the lira hit 41.62 per dollar, South Africa's rand ...")
        else:
            pair = _pair_or(fd, asset, currency, n.start(), n.end())
        cand.made(PriceFact(asset=pair, value=parse_number(n.group()), currency=currency,
                            qualifier="at", rule=rule, **grounding(fd, n.start(), n.end())), rule)


_PAIR_GAP = re.compile(r"[ \t]*:?[ \t]*")  # between a pair and its quote: spaces, maybe a colon
_PAIR_NAME = re.compile(r"[A-Z]{3}/[A-Z]{3}")  # a pair written as codes ("EUR/USD"), not a currency's name
# what follows a quote written right after its pair: a change, a separator, the line's end, a place or time
# ("EUR/USD  1.1684  (-0.15%)", "GBP/USD: 1.3388 in late New York trade"); not a verb ("EUR/JPY 162.40 is our stop")
_QUOTE_AFTER = re.compile(r"[ \t]*(?:[(|,;\n—–]|\Z|(?:in|at|on|after|by|vs\.?|against)\b)")


def _pair_right_before(fd: FinDoc, sent: Sentence, start: int) -> AssetMention | None:
    """A currency pair written as codes right before ``start`` ("EUR/USD  1.1684", "USD/JPY: 149.62")."""
    a = fd.assets.last_before(start, max(sent.start_char, start - 16))
    if a is not None and a.asset.kind == "fx" and _PAIR_NAME.fullmatch(a.text) and _PAIR_GAP.fullmatch(fd.text, a.end, start) \
            and _PAIR_NAME.fullmatch(a.asset.canonical or ""):
        return a
    return None


_BARE_CELL = re.compile(r"\|[ \t]*(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)[ \t]*(?=\|)")  # a cell holding one bare number
_DOLLAR_UNIT = re.compile(r"(?:US)?\$|\bUSD\b")
_OTHER_UNIT = re.compile(r"[€£¥₩₹]|\b(?:EUR|GBP|JPY|KRW|CNY|INR|BTC|ETH|USDT|sats?|won|yen|euros?)\b")  # a table priced in another unit


def _table_quotes(fd: FinDoc, out: Proposal) -> None:
    """Prices written as bare numbers in a pipe table ("| Gold (spot, $/oz) | 4,402.10 | -1.2% |"):
    a cell holding one number under a price header (``table_price_header_patterns``), in a row whose
    earlier cells name an asset, where those cells or the header name dollars."""
    text = fd.text
    for _, header, m in table_cells(fd, _BARE_CELL):
        s, e = m.span("n")
        asset = table_price_asset(fd, s)  # a price column, and an asset in the row's earlier cells
        if asset is None:
            _fx_table_quote(fd, out, s, e, m.group("n")) or _snapshot_quote(fd, out, s, e, m.group("n"), header)
            continue
        row = table_row(fd, s)
        if not (_DOLLAR_UNIT.search(text, row.cells[0][0], row.cells[-1][1]) or _DOLLAR_UNIT.search(row.header)):
            # a coin's bare price is in dollars unless its table says otherwise ("| SOL | 86.15 |" under "| Asset | Last |")
            if asset.asset.kind != "crypto" or _OTHER_UNIT.search(" ".join(header)) \
                    or _OTHER_UNIT.search(text, row.cells[0][1], e):
                continue
        cand = out.candidate(TYPE, s, e)
        cand.trace.note(f"asset {asset.asset.id} (table row: {asset.text!r})")
        cand.made(PriceFact(asset=asset.asset.id, value=parse_number(m.group("n")), currency="USD", qualifier="at",
                            rule=TABLE_BARE.id, **grounding(fd, s, e)), TABLE_BARE.id)


_RATE_HEADER = re.compile(r"(?i)\b(?:rate|fx|spot|level|close|last|per)\b")


_CHANGE_CELL = re.compile(r"[ \t]*\|[ \t]*[+\-−–]\d[\d.,]*[ \t]*%[ \t]*\|")  # the next cell: a signed change in percent


def _snapshot_quote(fd: FinDoc, out: Proposal, s: int, e: int, number: str, header: list[str]) -> bool:
    """A coin's price in a snapshot table without a header row ("| BTC | 69,420 | +1.1% |" as its
    first line): the bare number right after the coin and right before its signed change, in dollars."""
    if not any(table_figure(h) is not None for h in header):
        return False  # a header row (no figure in it): not a snapshot
    row = table_row(fd, s)
    if row is None or len(row.cells) != 1 or not _CHANGE_CELL.match(fd.text, e):
        return False
    first = fd.assets.within(*row.cells[0])
    if not first or first[0].asset.kind != "crypto":
        return False
    cand = out.candidate(TYPE, s, e)
    cand.trace.note(f"asset {first[0].asset.id} (snapshot row: {first[0].text!r})")
    cand.made(PriceFact(asset=first[0].asset.id, value=parse_number(number), currency="USD", qualifier="at",
                        rule=TABLE_SNAPSHOT.id, **grounding(fd, s, e)), TABLE_SNAPSHOT.id)
    return True


_CHANGE_AFTER_CELL = re.compile(r"[ \t]*\|[ \t]*\(?[ \t]*[+\-−–]\d[\d.,]*[ \t]*%")  # the next cell opens with a signed change


_APPOSITIVE_AT = re.compile(r",[ \t]+(?:(?:now|currently|last|recently|still)[ \t]+)?(?:at|near|around|about)[ \t]+$", re.IGNORECASE)
_APPOSITIVE_END = re.compile(r"[ \t]*[,)]")
APPOSITIVE_READ = 40  # characters before a figure read for ", at" after an asset's name


def _appositive(f: Figure) -> bool:
    """``f`` stands in an appositive right after an asset's name, closed by a comma: "Bitcoin, at $X, is ..."."""
    text, s = f.fd.text, f.money.start
    m = _APPOSITIVE_AT.search(text, max(0, s - APPOSITIVE_READ), s)
    if m is None or not _APPOSITIVE_END.match(text, f.money.end):
        return False
    return any(a.end == m.start() for a in f.fd.assets.within(max(0, m.start() - APPOSITIVE_READ), m.start()))


def _snapshot_row(f: Figure) -> bool:
    """Whether ``f`` stands in the second cell of a row of a table without a header row (every line
    holds figures), after a cell naming a coin and before a cell opening with its signed change."""
    fd, s, e = f.fd, f.money.start, f.money.end
    row = table_row(fd, s)
    if row is None or len(row.cells) != 1 or not _CHANGE_AFTER_CELL.match(fd.text, e):
        return False
    if not any(table_figure(h) is not None or _MONEY_CELL.search(h) for h in table_headers(fd, s)):
        return False  # a header row of words: its columns say what the figures are
    first = fd.assets.within(*row.cells[0])
    return bool(first) and first[0].asset.kind == "crypto"


_MONEY_CELL = re.compile(r"^\W*\$\d")  # a header "cell" holding a dollar figure: the table's first row is a row of data


_CHANGE_OPENERS = ("(+", "(-", "(−", "(–", ", +", ", -", ", −", ", –")  # a signed change in percent opens here
_SIGNED_PERCENT = re.compile(r"[+\-−–]\d[\d.,]*\s*%")
# the other ways a snapshot goes on after a coin's number: its change in words ("ETH 2,138, off 4.6%",
# "SOL 86.10, flat"), or the time it was read ("BTC 70,150 as of 07:30 SGT")
_WORDED_OPENERS = (", off ", ", up ", ", down ", ", flat", ", unchanged", " (flat", " (unchanged", " as of ")
CHANGE_READ = 40  # characters after a snapshot's number read for its change in words
_READ_AT = re.compile(r"\s+as\s+of\s+\d{1,2}[:.]\d{2}\b", re.IGNORECASE)  # the change in words is ``move_after``'s
_BARE_NUMBER_BEFORE = re.compile(r"(?<![\w$€£¥₩₹.,/])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\d{2,})[ \t]*\Z")
_COIN_GAP = re.compile(r"[ \t*:]{1,4}")  # between a coin and its number: spaces, a colon, markdown bold
# what a snapshot's coin follows: a line's start or a list mark, the end of the figure before ("...; ETH 3,020, flat"),
# or a conjunction ("..., while Ether 2,050, -0.4%, lagged")
_SNAPSHOT_OPENS = re.compile(r"(?:^|\n|[.;,|•·—–-]|\b(?:while|whereas|and|but|with))[ \t*]*\Z")


_BARE_AFTER = re.compile(r"(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?![\w%$€£¥.,/-]|[ \t]*(?:%|per ?cent|[A-Z]{2,}|[a-z]+/))")


@compiled
def _bare_quote_cues() -> tuple[re.Pattern, re.Pattern]:
    """A verb of trading and "at"/"near"/"around" ending where the number starts ("sits at ", "was last
    trading around ", "changed hands near "), and a unit word right after the number ("5,000 sats")
    (``price_cues.json`` bare_quote_verb_patterns, bare_quote_unit_patterns)."""
    pc = lexicon("price_cues")
    verbs = re.compile(rf"(?<![\w-])(?:{pattern_alternation(pc.bare_quote_verb_patterns)})[ \t]+"
                       rf"(?:(?:just|still|now|currently|last|trading|around|roughly|about)[ \t]+){{0,2}}(?:at|near|around)[ \t]+\Z",
                       re.IGNORECASE)
    units = re.compile(rf"[ \t]+(?:{pattern_alternation(pc.bare_quote_unit_patterns)})\b", re.IGNORECASE)
    return verbs, units
MEASURE_READ = 120  # characters before the number read for a quantity noun between the coin and it
TRADED_READ = 48  # characters before " at "/" near "/" around " read for the verb of trading


def _bare_quotes(fd: FinDoc, out: Proposal) -> None:
    """A coin's bare number after a verb of trading ("BTC spent the session chopping between two
    levels and sits at 69,840 as we type"): its price in dollars (``BARE_QUOTE``). Read only after
    " at ", " near " and " around " (a bounded look back from each)."""
    text = fd.text
    taken = None
    traded, unit = _bare_quote_cues()
    for q in find_all(text, (" at ", " near ", " around ")):
        start = q + (4 if text.startswith(" at ", q) else 6 if text.startswith(" near ", q) else 8)
        m = _BARE_AFTER.match(text, start)
        if m is None or unit.match(text, m.end()) or not traded.search(text, max(0, start - TRADED_READ), start):
            continue
        s, e = m.span("n")
        if table_row(fd, s) is not None or fd.money.within(s, e):
            continue
        choice = asset_for(fd, s, e)
        if choice is None or choice.how != "before" or choice.mention.asset.kind != "crypto":
            continue
        if subject_cues().quantity_word.search(text, max(choice.mention.end, start - MEASURE_READ), start):
            continue  # "bitcoin's hashrate sits at 900": a quantity of the coin
        value = parse_number(text[s:e])
        own = stated_prices(fd).get(choice.id)
        if own and not near_price(own, value, SCALE_LOOSE):
            continue
        taken = {c.start for c in out.candidates} if taken is None else taken
        if s in taken:
            continue
        cand = out.candidate(TYPE, s, e)
        cand.trace.note(f"asset {choice.id} (named before it: {choice.mention.text!r})")
        cand.made(PriceFact(asset=choice.id, value=value, currency="USD", qualifier="at", rule=BARE_QUOTE.id,
                            **grounding(fd, s, e)), BARE_QUOTE.id)


def _prose_snapshots(fd: FinDoc, out: Proposal) -> None:
    """A coin's bare number in prose, right after the coin and right before its signed change in
    percent ("ETH 2,052 (+1.4%)", "**SOL** 86.10, -0.8%"): its price in dollars, as the snapshot rows
    of a table give it. Read only where a signed change opens (a bounded look back from each)."""
    text = fd.text
    taken = None  # the starts of the figures read before (a currency's bare quote): not read twice
    signed = find_all(text, _CHANGE_OPENERS)
    worded = find_all(text, _WORDED_OPENERS)
    for p in sorted(set(signed) | set(worded)):
        if not (_SIGNED_PERCENT.match(text, p + (1 if text[p] == "(" else 2)) or _READ_AT.match(text, p)
                or cues().move_after.match(text[p : p + CHANGE_READ])):
            continue
        m = _BARE_NUMBER_BEFORE.search(text, max(0, p - 24), p)
        if m is None or table_row(fd, m.start()) is not None:
            continue
        s, e = m.start(), m.start() + len(m.group().rstrip())
        coin = fd.assets.last_before(s, max(0, s - 24))
        if coin is None or coin.asset.kind != "crypto" or not _COIN_GAP.fullmatch(text, coin.end, s) \
                or not _SNAPSHOT_OPENS.search(text, max(0, coin.start - 12), coin.start):
            continue  # (a coin after a preposition is another figure's object: "open interest in BTC 41,200, flat")
        taken = {c.start for c in out.candidates} if taken is None else taken
        if s in taken:
            continue
        cand = out.candidate(TYPE, s, e)
        cand.trace.note(f"asset {coin.asset.id} (named right before it: {coin.text!r})")
        cand.made(PriceFact(asset=coin.asset.id, value=parse_number(text[s:e]), currency="USD", qualifier="at",
                            rule=PROSE_SNAPSHOT.id, **grounding(fd, s, e)), PROSE_SNAPSHOT.id)


def _fx_table_quote(fd: FinDoc, out: Proposal, s: int, e: int, number: str) -> bool:
    """A currency's quote in a table of currencies: a bare number under a "Rate" (or price) header in
    a row that opens with a currency ("| Thai baht | 34.02 | +0.21% |"): its dollar pair, in its own
    units for a currency quoted per dollar (USD/THB), in dollars for one quoted in dollars (EUR/USD)."""
    row = table_row(fd, s)
    if row is None or not row.cells or not _RATE_HEADER.search(row.header):
        return False
    first = fd.assets.within(*row.cells[0])
    if not first or first[0].asset.kind != "fx":
        return False
    named = first[0].asset.canonical or ""
    if re.fullmatch(r"[A-Z]{3}/[A-Z]{3}", named):  # the row names its pair ("| USD/JPY | 151.84 |")
        pair, currency = named, named[4:]
    elif re.fullmatch(r"[A-Z]{3}", first[0].asset.key or "") and first[0].asset.key != "USD":
        code = first[0].asset.key
        pair, currency = (f"{code}/USD", "USD") if code in quoted_in_dollars() else (f"USD/{code}", code)
    else:
        return False
    cand = out.candidate(TYPE, s, e)
    cand.trace.note(f"asset {pair} (table row: {first[0].text!r})")
    cand.made(PriceFact(asset=pair, value=parse_number(number), currency=currency, qualifier="at",
                        rule=TABLE_FX.id, **grounding(fd, s, e)), TABLE_FX.id)
    return True


@Language.factory("fin_prices", assigns=["doc._.fin_candidates"], default_config={"strict": False, "max_scale": 1e3, "words_back": 14})
def make_component(nlp: Language, name: str, strict: bool, max_scale: float, words_back: int) -> FactComponent:
    return FactComponent(name, propose, Config(max_scale=max_scale, words_back=words_back), strict=strict)
