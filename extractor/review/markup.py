"""Evidence highlights as nested HTML: one head element per fact, split where spans cross.

Evidence spans of one article often overlap: a quote's evidence holds a price's evidence, a move
and a price share their figure, two facts may cite the very same words. HTML elements nest but
cannot cross, so the spans become a tree:

* spans are opened in order of start, the longer first (an outer span holds the inner ones; two
  spans over the same words nest in the facts' order);
* a span that is still open when an enclosing span closes (the two cross) is closed there and
  reopened right after as a *continuation* piece.

Only the first piece of a fact (its head) carries ``data-fact-type`` and ``data-rule``, so the page
has exactly one such element per fact; continuations carry ``data-ref`` (the head's key) and the
same classes, so they look the same and highlight together. Each piece also gets ``h0``..``h6``,
the depth of highlights nested inside it, so stacked underlines can be drawn apart.

Every piece of text is HTML-escaped; nothing of the article becomes markup.
"""
from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

MAX_HEIGHT = 6


@dataclass(frozen=True)
class Mark:
    """One fact's evidence span and what its element shows."""

    key: str  # unique on the page: the element id of the head, the data-ref of continuations
    start: int
    end: int
    type: str
    rule: str
    title: str = ""  # hover text


@dataclass
class _Piece:
    mark: Mark
    head: bool
    children: list = field(default_factory=list)  # str | _Piece

    def height(self) -> int:
        kids = [c.height() for c in self.children if isinstance(c, _Piece)]
        return 1 + max(kids) if kids else 0


def css_name(type_: str) -> str:
    """A fact type as a CSS class suffix (letters, digits, ``_`` and ``-`` only).

    >>> css_name("price_level"), css_name("we<ird> type")
    ('price_level', 'weirdtype')
    """
    return re.sub(r"[^A-Za-z0-9_-]", "", type_) or "other"


def _tree(text: str, marks: Sequence[Mark]) -> list:
    n = len(text)
    for m in marks:
        if not 0 <= m.start <= m.end <= n:
            raise ValueError(f"span {m.start}:{m.end} of {m.key} is outside the text (length {n})")
    ordered = sorted(marks, key=lambda m: (m.start, -m.end))  # stable: equal spans keep the facts' order
    positions = sorted({0, n, *(m.start for m in marks), *(m.end for m in marks)})
    root: list = []
    stack: list[_Piece] = []

    def here() -> list:
        return stack[-1].children if stack else root

    i = 0
    for k, p in enumerate(positions):
        if any(pc.mark.end <= p for pc in stack):
            reopen = []
            while any(pc.mark.end <= p for pc in stack):
                pc = stack.pop()
                if pc.mark.end > p:
                    reopen.append(pc.mark)
            for m in reversed(reopen):  # innermost last, as they were
                piece = _Piece(m, head=False)
                here().append(piece)
                stack.append(piece)
        while i < len(ordered) and ordered[i].start == p:
            m = ordered[i]
            i += 1
            piece = _Piece(m, head=True)
            here().append(piece)
            if m.end > p:
                stack.append(piece)
        if k + 1 < len(positions):
            here().append(text[p : positions[k + 1]])
    return root


def _render(nodes: list, out: list[str]) -> None:
    for node in nodes:
        if isinstance(node, str):
            out.append(html.escape(node, quote=False))
            continue
        m = node.mark
        cls = f"f t-{css_name(m.type)} h{min(node.height(), MAX_HEIGHT)}"
        title = f' title="{html.escape(m.title)}"' if m.title else ""
        if node.head:
            empty = " empty" if m.start == m.end else ""
            out.append(
                f'<span class="{cls}{empty}" id="{html.escape(m.key)}" data-fact="{html.escape(m.key)}" '
                f'data-fact-type="{html.escape(m.type)}" data-rule="{html.escape(m.rule)}" tabindex="0"{title}>'
            )
        else:
            out.append(f'<span class="{cls} cont" data-ref="{html.escape(m.key)}"{title}>')
        _render(node.children, out)
        out.append("</span>")


def highlight(text: str, marks: Sequence[Mark]) -> str:
    """``text`` as escaped HTML with one head element per mark (nested, split where spans cross).

    >>> print(highlight("Bitcoin < $5 & up", [Mark("a", 0, 12, "quote", "q"), Mark("b", 10, 12, "price", "p")]))
    <span class="f t-quote h1" id="a" data-fact="a" data-fact-type="quote" data-rule="q" tabindex="0">Bitcoin &lt; <span class="f t-price h0" id="b" data-fact="b" data-fact-type="price" data-rule="p" tabindex="0">$5</span></span> &amp; up

    Crossing spans: the later one is split where the earlier one ends.

    >>> print(highlight("abcdef", [Mark("x", 0, 4, "t", "r"), Mark("y", 2, 6, "u", "r")]))
    <span class="f t-t h1" id="x" data-fact="x" data-fact-type="t" data-rule="r" tabindex="0">ab<span class="f t-u h0" id="y" data-fact="y" data-fact-type="u" data-rule="r" tabindex="0">cd</span></span><span class="f t-u h0 cont" data-ref="y">ef</span>
    """
    out: list[str] = []
    _render(_tree(text, marks), out)
    return "".join(out)
