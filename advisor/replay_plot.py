"""The replay chart: cost per day of a usage log, actual against the what-if.

plotly is imported inside the function only (through :func:`advisor._chart._go`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from advisor._chart import _axis, _base_layout, _e, _go
from advisor.errors import AdvisorError
from advisor.money import usd, usd_tick

if TYPE_CHECKING:
    from plotly.graph_objects import Figure

    from advisor.replay_report import ReplayReport

__all__ = ["plot_replay"]

_ACTUAL = "#4e79a7"
_WHAT_IF = "#59a14f"


def plot_replay(report: ReplayReport, *, title: str | None = None) -> Figure:
    """Cost per day (USD) of the replayed requests, and of the same requests in the what-if.

    Days are the requests' own (UTC) dates; hover text gives requests, both costs and the saving.
    Raises AdvisorError when the report has no priced request.
    """
    if not report.daily:
        raise AdvisorError("nothing to plot: no request of the log could be priced")
    go = _go()
    days = [d.day for d in report.daily]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=days,
            y=[d.actual_usd for d in report.daily],
            name="actual",
            marker={"color": _ACTUAL},
            hovertext=[
                f"<b>{d.day}</b><br>{d.requests:,} requests<br>actual {usd(d.actual_usd)}" for d in report.daily
            ],
            hoverinfo="text",
        )
    )
    if report.what_if_usd is not None:
        fig.add_trace(
            go.Bar(
                x=days,
                y=[d.what_if_usd for d in report.daily],
                name="what-if",
                marker={"color": _WHAT_IF},
                hovertext=[
                    f"<b>{d.day}</b><br>{d.requests:,} requests<br>what-if {usd(d.what_if_usd)}"
                    f"<br>actual {usd(d.actual_usd)}<br>saving {usd(d.actual_usd - (d.what_if_usd or 0.0))}"
                    for d in report.daily
                ],
                hoverinfo="text",
            )
        )
    total = f"actual {usd(report.usd)}"
    if report.what_if_usd is not None:
        pct = f" ({report.savings_pct:.1f}% less)" if report.savings_pct is not None else ""
        total += f", what-if {usd(report.what_if_usd)}{pct}"
    subtitle = (
        f"{report.priced_requests:,} requests, {report.first_day} to {report.last_day}, each priced on its own date; "
        f"{total}"
    )
    if report.rule is not None:
        subtitle += f"<br>What-if as of {report.as_of}: {_e(report.rule)}"
    layout = _base_layout(_e(title) if title else "Cost per day: actual and what-if", subtitle)
    layout["barmode"] = "group"
    layout["xaxis"] = _axis("day (UTC)", type="date")
    top = max([d.actual_usd for d in report.daily] + [d.what_if_usd or 0.0 for d in report.daily])
    ticks = _ticks(top)
    layout["yaxis"] = _axis(
        "cost per day (USD)", rangemode="tozero", tickvals=ticks, ticktext=[usd_tick(t) for t in ticks]
    )
    fig.update_layout(**layout)
    return fig


def _ticks(top: float) -> list[float]:
    """About five round tick values from 0 to ``top``."""
    if top <= 0:
        return [0.0]
    import math

    raw = top / 5
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    n = math.ceil(top / step)
    return [round(i * step, 10) for i in range(n + 1)]
