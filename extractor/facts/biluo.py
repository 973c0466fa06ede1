"""The NER's greedy decoding with every state of a batch in numpy arrays.

spaCy's ``ner`` is a transition model over BILUO moves (``B-ORG``, ``I-ORG``, ``L-ORG``, ``U-ORG``,
``O``, ...), and each move reads exactly one token: after ``t`` steps every unfinished state sits
on its Doc's token ``t``. So the states of a batch are four arrays (is an entity open, where it
started, its label, the Doc's length) and one step is a few array operations for all of them:
the context tokens (``StateC.set_context_tokens`` for three features: the token, the open
entity's first token, the token before), the step model's scores (spaCy's own ``state2vec`` and
``vec2scores``, the same arithmetic as its decoder), the moves spaCy's ``is_valid`` allows, and
the best valid one (the first of the highest, as spaCy's ``arg_max_if_valid``).

``spaCy``'s validity rules (``ner.pyx``) are written here for Docs without preset annotations:
no entity and no sentence start set beforehand (what ``make_doc`` gives). A batch holding any
other Doc, or a model whose moves are not the BILUO set, goes to ``model.greedy_parse``; both
decoders read the step model ``model.step_model`` prepares. Why this
is faster: see ``model``'s docstring (spaCy's validity checks take the GIL on every call); here one
step of a batch costs one array pass instead of 74 checks per state.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy
from spacy.attrs import IS_SPACE
from spacy.pipeline.transition_parser import Parser
from spacy.tokens import Doc, Span

BEGIN, IN, LAST, UNIT, OUT = range(5)
_ACTIONS = {"B": BEGIN, "I": IN, "L": LAST, "U": UNIT}


@dataclass(frozen=True)
class Moves:
    """The model's moves in its class order: ``action`` (``BEGIN`` ... ``OUT``) and ``label`` (an
    index into ``labels``; 0 is no label, as "O" and "U-" have) of each."""

    action: numpy.ndarray
    label: numpy.ndarray
    labels: tuple[str, ...]


@lru_cache(maxsize=8)
def moves_of(parser: Parser) -> Moves | None:
    """The BILUO moves of ``parser`` (``None`` when its moves are something else: a parser's arcs),
    read once per component (a pipe's moves do not change once it has run)."""
    labels: dict[str, int] = {"": 0}
    action, label = [], []
    for i in range(parser.moves.n_moves):
        name = parser.moves.get_class_name(i)
        if name == "O":
            action.append(OUT)
            label.append(0)
        elif name[:1] in _ACTIONS and name[1:2] == "-":
            action.append(_ACTIONS[name[0]])
            label.append(labels.setdefault(name[2:], len(labels)))
        else:
            return None
    return Moves(numpy.array(action), numpy.array(label), tuple(labels))


def fresh(docs: list[Doc]) -> bool:
    """Whether no Doc of ``docs`` has entities or sentence starts set (the rules below assume it)."""
    return not any(doc.has_annotation("ENT_IOB") or doc.has_annotation("SENT_START") for doc in docs)


def decode(step, docs: list[Doc], moves: Moves) -> None:
    """Set the ``ents`` of ``docs`` (fresh, see ``fresh``; at least one with a token) by greedy
    decoding with ``step``, the NER's step model for them (``model.step_model``)."""
    found = _steps(step, docs, numpy.array([len(doc) for doc in docs]), moves)
    for doc, ents in zip(docs, found):
        doc.set_ents([Span(doc, s, e, label=moves.labels[lab]) for s, e, lab in ents], default="outside")


def _steps(step, docs: list[Doc], lengths: numpy.ndarray, moves: Moves) -> list[list[tuple[int, int, int]]]:
    """``(start, end, label index)`` of the entities of each Doc, in the order spaCy's state keeps them."""
    found: list[list[tuple[int, int, int]]] = [[] for _ in docs]
    offsets = numpy.concatenate(([0], numpy.cumsum(lengths)[:-1]))
    space = numpy.concatenate([doc.to_array(IS_SPACE) for doc in docs]).astype(bool)
    n = len(docs)
    is_open = numpy.zeros(n, dtype=bool)
    ent_start = numpy.zeros(n, dtype=numpy.int64)
    ent_label = numpy.full(n, -1, dtype=numpy.int64)
    unseen = step._class_mask == 0
    act, lab = moves.action[None, :], moves.label[None, :]
    labelled = lab != 0
    t = 0
    while True:
        alive = numpy.flatnonzero(lengths > t)  # unfinished states, in batch order (as spaCy keeps them)
        if not alive.size:
            return found
        b0 = offsets[alive] + t
        o = is_open[alive]
        ids = numpy.empty((alive.size, 3), dtype="i")
        ids[:, 0] = b0
        ids[:, 1] = numpy.where(o, offsets[alive] + ent_start[alive], -1)
        ids[:, 2] = numpy.where(o, b0 - 1, -1)
        scores = step.vec2scores.predict(step.state2vec.predict(ids))
        if unseen.any():
            scores[:, unseen] = numpy.nanmin(scores)
        o, two_left, sp = o[:, None], (lengths[alive] - t >= 2)[:, None], space[b0][:, None]
        same = ent_label[alive][:, None] == lab
        valid = numpy.where(
            act == BEGIN, ~o & two_left & labelled & ~sp,
            numpy.where(act == IN, o & two_left & labelled & same,
            numpy.where(act == LAST, o & labelled & same,
            numpy.where(act == UNIT, ~o & labelled & ~sp, ~o))),
        )
        best = numpy.where(valid, scores, -numpy.inf).argmax(axis=1)
        stuck = ~valid.any(axis=1)  # no valid move: spaCy ends the state where it is (never seen)
        if stuck.any():
            lengths[alive[stuck]] = t
        a, chosen = moves.action[best], moves.label[best]
        begin, last, unit = (a == BEGIN) & ~stuck, (a == LAST) & ~stuck, (a == UNIT) & ~stuck
        if begin.any():
            k = alive[begin]
            is_open[k], ent_start[k], ent_label[k] = True, t, chosen[begin]
        for k, label in zip(alive[last].tolist(), chosen[last].tolist()):
            found[k].append((int(ent_start[k]), t + 1, label))
        is_open[alive[last]], ent_label[alive[last]] = False, -1
        for k, label in zip(alive[unit].tolist(), chosen[unit].tolist()):
            found[k].append((t, t + 1, label))
        t += 1
