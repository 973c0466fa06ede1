"""A chart of one asset from a facts database: reported prices, price levels and daily ETF flows.

* Top panel: one point per price fact of the asset (all names of it: "BTC" and "Bitcoin" are one
  asset), at the fact's ``when`` or else its article's publication day, coloured by the outlet
  (:func:`extractor.outlets.outlet`). Facts with neither date are hollow points in a "no date"
  column at the right (left out when ``--from``/``--to`` are given: they may be outside). Support, resistance, target and range levels are short
  horizontal marks at the day they were stated.
* Bottom panel: daily ETF net flows of the asset as bars (inflows up, outflows down). A bar is a
  whole-market daily figure ("spot bitcoin ETFs took in $166.5 million on Thursday": a flow with
  a ``when``, no period or a one-day period, not one fund's, see
  :func:`extractor.consensus.flow_scope`); several reports of one day give their median.

matplotlib draws it (Agg, no display; no pyplot, so no global state is touched). PNG and SVG are
byte-for-byte reproducible: fixed metadata, and a fixed ``svg.hashsalt`` for the SVG's ids.
``.html`` writes a self-contained page with the SVG inline.
"""
from __future__ import annotations

import html
import logging
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from extractor.consensus import canonical_subject, flow_scope
from extractor.errors import ExtractorError
from extractor.outlets import outlet

log = logging.getLogger(__name__)

FORMATS = (".png", ".svg", ".html")
LEVEL_STYLE = {  # kind -> (colour, label)
    "support": ("#16a34a", "support"),
    "resistance": ("#dc2626", "resistance"),
    "target": ("#7c3aed", "target"),
    "range_low": ("#6b7280", "range low/high"),
    "range_high": ("#6b7280", "range low/high"),
    None: ("#9ca3af", "unspecified"),
}
DAILY_PERIODS = (None, "P1D")


class ChartError(ExtractorError):
    """A chart cannot be made: unknown output format, bad date, nothing to plot."""


@dataclass(frozen=True)
class PricePoint:
    day: date | None  # None: neither the fact nor its article has a date
    value: float
    outlet: str


@dataclass(frozen=True)
class LevelMark:
    day: date
    value: float
    kind: str | None


@dataclass
class ChartData:
    """What the chart shows, and what it had to leave out."""

    asset: str
    prices: list[PricePoint] = field(default_factory=list)  # dated, then undated (day None)
    levels: list[LevelMark] = field(default_factory=list)
    flows: dict[date, float] = field(default_factory=dict)  # day -> net flow (signed, currency units)
    outside: int = 0  # price facts left out: outside --from/--to, or undated while a range is given

    @property
    def outlets(self) -> list[str]:
        return sorted({p.outlet for p in self.prices})

    @property
    def undated(self) -> int:
        return sum(p.day is None for p in self.prices)


def parse_day(text: str | None, what: str) -> date | None:
    """``YYYY-MM-DD`` (a longer ISO timestamp is cut to its day); ``None`` stays ``None``.

    >>> parse_day("2026-02-10T18:20:00+00:00", "x"), parse_day(None, "x")
    (datetime.date(2026, 2, 10), None)
    """
    if text is None:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise ChartError(f"{what} {text!r}: not a date (use YYYY-MM-DD)") from None


def _day(fact: dict, article: dict) -> date | None:
    for value in (fact.get("when"), article.get("published")):
        if value:
            try:
                return date.fromisoformat(value[:10])
            except ValueError:
                log.warning("%s: %r is not a date", article.get("source"), value)
    return None


def chart_data(records: Iterable[dict], asset: str, *, start: date | None = None, end: date | None = None) -> ChartData:
    """Collect the asset's prices, levels and daily flows from article records."""
    want = canonical_subject(asset)
    data = ChartData(want)
    flows: dict[date, list[float]] = {}
    for rec in records:
        art = rec["article"]
        where = outlet(art.get("url"), art.get("source")) or "unknown outlet"
        for f in rec.get("facts") or []:
            if f["type"] not in ("price", "price_level", "etf_flow") or canonical_subject(f.get("asset")) != want:
                continue
            day = _day(f, art)
            if f["type"] == "price":
                if (day is None and (start or end)) or (day and ((start and day < start) or (end and day > end))):
                    data.outside += 1
                else:
                    data.prices.append(PricePoint(day, float(f["value"]), where))
                continue
            if day is None or (start and day < start) or (end and day > end):
                continue
            if f["type"] == "price_level":
                data.levels.append(LevelMark(day, float(f["value"]), f.get("kind")))
            elif f.get("when") and f.get("period") in DAILY_PERIODS and flow_scope(f.get("product")) == "":
                flows.setdefault(day, []).append(f["amount"] if f["direction"] == "inflow" else -f["amount"])
    data.prices.sort(key=lambda p: (p.day is None, p.day or date.min, p.value, p.outlet))
    data.levels.sort(key=lambda m: (m.day, m.value, m.kind or ""))
    data.flows = {d: statistics.median(v) for d, v in sorted(flows.items())}
    return data


def _figure(data: ChartData):
    from matplotlib import dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter

    fig = Figure(figsize=(11, 6.4), dpi=100, layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 1.3))
    palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
    dated = [p.day for p in data.prices if p.day is not None]
    days = dated + [m.day for m in data.levels] + list(data.flows)
    lo, hi = (min(days), max(days)) if days else (date(2000, 1, 1), date(2000, 1, 1))
    half = max(timedelta(hours=12), (hi - lo) / 60)
    nodate = hi + 5 * half  # the "no date" column
    for i, name in enumerate(data.outlets):
        colour = palette[i % len(palette)]
        pts = [p for p in data.prices if p.outlet == name and p.day is not None]
        top.scatter([p.day for p in pts], [p.value for p in pts], s=26, color=colour, label=name,
                    zorder=3, edgecolors="white", linewidths=0.5, gid=f"prices-{i}")
        loose = [p for p in data.prices if p.outlet == name and p.day is None]
        if loose:
            top.scatter([nodate] * len(loose), [p.value for p in loose], s=30, facecolors="none", edgecolors=colour,
                        linewidths=1.2, zorder=3, gid=f"prices-undated-{i}")
    if data.undated:
        top.axvline(hi + 3 * half, color="#9ca3af", linestyle=":", linewidth=1)
        top.text(nodate, 1.0, "no date", transform=top.get_xaxis_transform(), ha="center", va="bottom", fontsize=8, color="#6b7280")
    kinds: dict[str, str] = {}
    for m in data.levels:
        colour, label = LEVEL_STYLE.get(m.kind, LEVEL_STYLE[None])
        top.hlines(m.value, m.day - half, m.day + half, colors=colour, linewidth=2.2, zorder=2, gid="levels")
        kinds.setdefault(label, colour)
    handles, labels = top.get_legend_handles_labels()  # the outlets
    order = [label for _, label in LEVEL_STYLE.values()]
    for k in sorted(kinds, key=order.index):
        handles.append(Line2D([], [], color=kinds[k], linewidth=2.2))
        labels.append(f"level: {k}")
    if handles:
        top.legend(handles, labels, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    top.set_title(f"{data.asset}: {len(data.prices)} reported prices from {len(data.outlets)} outlets, {len(data.levels)} price levels",
                  fontsize=11, pad=14)
    top.set_ylabel("price (USD)")
    top.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}"))
    top.grid(True, alpha=0.25)

    if data.flows:
        fdays = list(data.flows)
        values = [data.flows[d] / 1e6 for d in fdays]
        bottom.bar(fdays, values, width=max(0.8, half.total_seconds() / 86400), color=["#16a34a" if v >= 0 else "#dc2626" for v in values],
                   gid="flows")
    else:
        bottom.text(0.5, 0.5, "no daily ETF net flows reported", transform=bottom.transAxes, ha="center", va="center", color="#6b7280")
    bottom.axhline(0, color="#374151", linewidth=0.8)
    bottom.set_ylabel("ETF net flow ($M)")
    bottom.grid(True, alpha=0.25)
    locator = mdates.AutoDateLocator()
    bottom.xaxis.set_major_locator(locator)
    bottom.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    bottom.set_xlim(lo - 2 * half, (nodate if data.undated else hi) + 2 * half)
    return fig


def write_chart(data: ChartData, out: str | Path) -> Path:
    """Draw ``data`` to ``out`` (``.png``, ``.svg`` or ``.html``), reproducibly."""
    import io

    import matplotlib

    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise ChartError(f"{out}: unknown chart format {out.suffix or '(none)'!r} (use one of: {', '.join(FORMATS)})")
    if not data.prices and not data.levels and not data.flows:
        raise ChartError(f"no prices, levels or ETF flows of {data.asset} to plot")
    with matplotlib.rc_context({"svg.hashsalt": "extractor-chart", "font.family": "DejaVu Sans", "svg.fonttype": "path"}):
        fig = _figure(data)
        buf = io.BytesIO()
        if suffix == ".png":
            fig.savefig(buf, format="png", metadata={"Software": None})
        else:
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    body = buf.getvalue()
    if suffix == ".html":
        svg = body.decode("utf-8")
        svg = svg[svg.index("<svg") :]
        title = html.escape(f"{data.asset} prices, levels and ETF flows")
        body = (
            f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>{title}</title></head><body>\n{svg}</body></html>\n"
        ).encode("utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(body)
    tmp.replace(out)
    return out
