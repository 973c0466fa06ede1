"""Named, ordered rule tables: the decisions of every fact type, one evaluator, one registry.

A ``Rule`` is an id (``price.qualifier.near``), a one-line description and a test. A ``Table``
is an ordered decision list: ``first`` runs the tests in order and returns the first rule that
fires, the way price-parser tries its currency methods in order and trafilatura its body
XPaths. Every rule tried is written to a ``Trace``, which is what ``extractor explain`` prints.

A test takes the table's context object (a small dataclass of the stage that evaluates the
table) and returns a falsy value when the rule does not fire, else its outcome (``True`` or a
value the stage uses, e.g. a level kind).

Every rule of every table is registered by id in ``REGISTRY`` when its table is built; the
registry is the source of ``docs/facts.md``, of the spec-coverage test and of ``explain``.
Rules that are not decided by a test of their own (a stage's outcome such as "no asset found")
are registered with ``outcome(...)`` so that they too carry an id, a description and spec rows.

>>> t = Table("demo.sign", [Rule("demo.sign.minus", "a minus sign", lambda s: s.startswith("-") and -1),
...                         Rule("demo.sign.plus", "a plus sign", lambda s: s.startswith("+") and 1)])
>>> trace = Trace()
>>> fired = t.first("+3%", trace)
>>> fired.rule.id, fired.value
('demo.sign.plus', 1)
>>> [(s.rule, s.fired) for s in trace]
[('demo.sign.minus', False), ('demo.sign.plus', True)]
>>> t.first("3%") is None
True
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

_ID = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$")


class RuleError(ValueError):
    """A rule table is malformed (bad or duplicate rule id)."""


@dataclass(frozen=True)
class Rule:
    """One named decision: ``test(ctx)`` returns a falsy value (does not fire) or its outcome."""

    id: str
    doc: str
    test: Callable[[Any], Any] | None = None

    def __post_init__(self) -> None:
        if not _ID.match(self.id):
            raise RuleError(f"rule id {self.id!r} is not of the form type.group.name (lower case, dots)")
        if not self.doc.strip():
            raise RuleError(f"rule {self.id} has no description")

    @property
    def type(self) -> str:
        """The fact type (or ``resolve``) the rule belongs to: the first part of its id."""
        return self.id.split(".", 1)[0]


@dataclass(frozen=True)
class Step:
    """One line of a trace: a rule tried (``fired`` or not), or a note of what a stage chose."""

    rule: str | None
    fired: bool | None = None
    note: str = ""

    def as_dict(self) -> dict:
        return {k: v for k, v in (("rule", self.rule), ("fired", self.fired), ("note", self.note)) if v not in (None, "")}

    def __str__(self) -> str:
        if self.rule is None:
            return self.note
        mark = "fired" if self.fired else "no"
        return f"{self.rule}: {mark}" + (f" ({self.note})" if self.note else "")


class Trace(list):
    """The steps of one candidate's evaluation, in order (a list of ``Step``)."""

    def note(self, text: str, rule: str | None = None) -> None:
        self.append(Step(rule, None if rule is None else True, text))


class NoTrace(Trace):
    """A trace that keeps nothing: what candidates carry when nobody asked to explain them."""

    def append(self, step) -> None:  # noqa: D102 - deliberately a no-op
        pass

    def note(self, text: str, rule: str | None = None) -> None:
        pass


NO_TRACE = NoTrace()


@dataclass(frozen=True)
class Fired:
    """A rule that fired, with its outcome."""

    rule: Rule
    value: Any = True

    @property
    def id(self) -> str:
        return self.rule.id


REGISTRY: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    """Add ``rule`` to the registry (re-registering the same id with the same text is a no-op)."""
    old = REGISTRY.get(rule.id)
    if old is not None and old.doc != rule.doc:
        raise RuleError(f"two different rules share the id {rule.id!r}")
    REGISTRY.setdefault(rule.id, rule)
    return REGISTRY[rule.id]


def outcome(rule_id: str, doc: str) -> Rule:
    """A registered rule that names a stage's outcome rather than a test ("price.dropped.no_asset")."""
    return register(Rule(rule_id, doc))


@dataclass
class Table:
    """An ordered decision list of rules (registered when the table is built)."""

    name: str
    rules: Sequence[Rule]
    _ids: frozenset = field(init=False, repr=False)

    def __post_init__(self) -> None:
        ids = [r.id for r in self.rules]
        if len(set(ids)) != len(ids):
            dup = sorted({i for i in ids if ids.count(i) > 1})
            raise RuleError(f"table {self.name}: duplicate rule ids {dup}")
        if any(r.test is None for r in self.rules):
            raise RuleError(f"table {self.name}: every rule of a table needs a test")
        self.rules = tuple(register(r) for r in self.rules)
        self._ids = frozenset(ids)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def first(self, ctx: Any, trace: Trace | None = None) -> Fired | None:
        """The first rule whose test fires on ``ctx`` (every rule tried goes to ``trace``)."""
        for rule in self.rules:
            value = rule.test(ctx)
            if trace is not None and trace is not NO_TRACE:
                trace.append(Step(rule.id, bool(value)))
            if value:
                return Fired(rule, value)
        return None

    def every(self, ctx: Any, trace: Trace | None = None) -> list[Fired]:
        """Every rule that fires on ``ctx``, in table order."""
        out = []
        for rule in self.rules:
            value = rule.test(ctx)
            if trace is not None:
                trace.append(Step(rule.id, bool(value)))
            if value:
                out.append(Fired(rule, value))
        return out


def rules_of(fact_type: str | None = None) -> list[Rule]:
    """Registered rules (of one fact type, or all), sorted by id."""
    return sorted((r for r in REGISTRY.values() if fact_type is None or r.type == fact_type), key=lambda r: r.id)


def chain(*tables: Iterable[Rule]) -> list[Rule]:
    """The rules of several tables in order (for documentation)."""
    return [r for t in tables for r in t]
