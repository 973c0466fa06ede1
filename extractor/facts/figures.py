"""What prices and levels share about a dollar figure: the words around it (``data/figure_context.json``)
and the scale it is written with.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.data import compiled, lexicon, pattern_alternation
from extractor.normalize.numbers import SCALE, scale_factor
from extractor.rx import Caseless

NOT_A_PRICE_REACH = 60  # characters before a figure where "cost basis", "strike" ... rule it out


@dataclass(frozen=True)
class FigureContext:
    """The patterns of ``data/figure_context.json``, compiled once."""

    hypothetical: Caseless  # "could", "if", "would": a forecast, not a traded price
    past_motion: Caseless  # "after it rose": a hypothetical word that reports the past
    not_left: re.Pattern  # words before a figure that make it something else (cost basis, strike)
    not_right: re.Pattern  # ... and words after it
    related: re.Pattern  # a "Related:" / "Read more" line

    def is_hypothetical(self, clause: str) -> bool:
        """The clause's last hypothetical cue is not followed by words of past motion.

        >>> fc = figure_context()
        >>> fc.is_hypothetical("analysts expect it to reach "), fc.is_hypothetical("if it rose to ")
        (True, False)
        """
        last = None
        for last in self.hypothetical.finditer(clause):
            pass
        return last is not None and not self.past_motion.search(clause, last.end())

    def rules_out(self, left: str, right: str) -> bool:
        """The words around a figure say it is not a price ("cost basis of $X", "$X strike").

        >>> figure_context().rules_out("an average cost basis of ", ""), figure_context().rules_out("traded at ", " strike")
        (True, True)
        """
        return bool(self.not_left.search(left[-NOT_A_PRICE_REACH:]) or self.not_right.search(right))


@compiled
def figure_context() -> FigureContext:
    ctx = lexicon("figure_context")
    alt, flags = pattern_alternation, re.IGNORECASE
    return FigureContext(
        hypothetical=Caseless(rf"\b(?:{alt(ctx.hypothetical_patterns)})\b"),
        past_motion=Caseless(rf"\b(?:{alt(ctx.past_motion_patterns)})\b"),
        not_left=re.compile(rf"\b(?:{alt(ctx.not_a_price_left_patterns)})\b[^$\d]{{0,45}}$", flags),
        not_right=re.compile(rf"^\s*(?:{alt(ctx.not_a_price_right_patterns)})\b", flags),
        related=re.compile(ctx.related_line_pattern, flags | re.MULTILINE),
    )


_SCALE_IN = re.compile(rf"\d\s?({SCALE})")


def written_scale(money_text: str) -> float:
    """The scale factor written in a money expression.

    >>> written_scale("$125K"), written_scale("$113.8M"), written_scale("$0k"), written_scale("$97,128")
    (1000.0, 1000000.0, 1000.0, 1.0)
    """
    m = _SCALE_IN.search(money_text)
    return scale_factor(m.group(1)) if m else 1.0
