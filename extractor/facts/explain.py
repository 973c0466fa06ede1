"""Why every figure, percent and quoted span did or did not become a fact (``extractor explain``)."""
from __future__ import annotations

from spacy.tokens import Doc

from extractor.facts.resolve import doc_outcomes
from extractor.records import CandidateReport, Explanation, TraceStep


def explanation(doc: Doc, article, at: int | None = None) -> Explanation:
    """The candidates of a processed ``doc`` after resolution, in text order (only those whose span
    covers offset ``at``, when given)."""
    text = article.text
    reports = []
    for o in doc_outcomes(doc):
        c = o.candidate
        if at is not None and not (c.start <= at < max(c.end, c.start + 1)):
            continue
        trace = [TraceStep(**s.as_dict()) for s in c.trace]
        if o.note:
            trace.append(TraceStep(rule=o.rule, fired=True, note=o.note))
        reports.append(CandidateReport(span=(c.start, c.end), text=text[c.start : c.end], type=c.type, status=o.status,
                                       rule=o.rule, fact=o.fact, trace=trace))
    reports.sort(key=lambda r: (r.span[0], r.span[1], r.type))
    return Explanation(source=article.source, candidates=reports)


def render(ex: Explanation) -> str:
    """A human-readable explanation: one block per candidate."""
    lines = [f"{ex.source}: {len(ex.candidates)} candidates"]
    for c in ex.candidates:
        head = f"[{c.span[0]}:{c.span[1]}] {c.text!r:.60} {c.type}: {c.status.upper()}"
        if c.rule:
            head += f" by {c.rule}"
        lines.append(head)
        if c.fact is not None:
            fields = c.fact.model_dump(exclude={"evidence", "rule", "type"}, exclude_none=True)
            lines.append("    = " + ", ".join(f"{k} {v}" for k, v in fields.items()))
        for s in c.trace:
            if s.rule and s.note is None:
                lines.append(f"    {s.rule}: {'fired' if s.fired else 'no'}")
            else:
                lines.append(f"    - {s.note}" + (f" [{s.rule}]" if s.rule else ""))
    return "\n".join(lines)
