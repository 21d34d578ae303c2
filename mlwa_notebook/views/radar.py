"""The pillar radar: a plotly ``Scatterpolar`` of the six pillars' coverage (0-100).

Hover text gives each pillar's counts (``PillarScore``); a second report (the notebook at a git
ref) can be overlaid. Backgrounds are transparent and grid and text use a neutral grey, so the
chart reads on light and dark themes. Where plotly is missing or cannot render, the same numbers
come as a table: ``radar_bundle`` puts both in one output, and front ends show what they can.
plotly is imported only when a figure is built.
"""

from __future__ import annotations

import importlib.util
import json
from typing import Any

from mlwa_notebook.report import NotebookReport, PillarScore
from mlwa_notebook.scoring import checked_and_answered
from mlwa_notebook.views.notebook_html import (
    PILLAR_COLUMNS,
    Rendered,
    pillar_name,
    pillar_rows,
    table_html,
    table_text,
)
from mlwa_notebook.views.radar_geometry import DIRECTION, START_DEGREES, axes, closed

PLOTLY_MIME = "application/vnd.plotly.v1+json"
NEUTRAL = "rgb(128, 128, 128)"
GRID = "rgba(128, 128, 128, 0.35)"
TRANSPARENT = "rgba(0, 0, 0, 0)"
#: (line, fill) of the current report and of the one compared with.
CURRENT_COLOURS = ("#2f8fce", "rgba(47, 143, 206, 0.25)")
COMPARE_COLOURS = ("#e08600", "rgba(224, 134, 0, 0.10)")


def plotly_available() -> bool:
    """Whether plotly can be imported."""
    return importlib.util.find_spec("plotly") is not None


def hover_counts(score: PillarScore) -> str:
    """The figure and the counts behind one pillar's score, for the hover text (plotly's HTML).

    The figure is the report's own ``percent``: plotly's number format would round it again.
    """
    counted = score.applicable - score.not_applicable
    return (
        f"{score.percent}%<br>met {score.met} of {counted} counted<br>"
        f"applicable {score.applicable}, not applicable {score.not_applicable}<br>"
        f"violated {score.violated}, open {score.open}"
    )


def _trace(report: NotebookReport, name: str, colours: tuple[str, str], dash: str) -> Any:
    import plotly.graph_objects as go

    ring = closed(report.pillar_scores)
    return go.Scatterpolar(
        r=[round(a.coverage * 100, 1) for a in closed(axes(report.pillar_scores))],
        theta=[pillar_name(s.pillar) for s in ring],
        customdata=[hover_counts(s) for s in ring],
        name=name,
        mode="lines+markers",
        fill="toself",
        fillcolor=colours[1],
        line={"color": colours[0], "width": 2, "dash": dash},
        marker={"size": 6},
        hovertemplate="<b>%{theta}</b>: %{customdata}<extra>" + name + "</extra>",
    )


CHECKED_NAME = "shown by the notebook"


def checked_values(report: NotebookReport) -> list[float]:
    """Per pillar (closed ring): checked practices met / counted, in percent."""
    return [round(100 * a.checked, 1) for a in closed(axes(report.pillar_scores))]


def _checked_trace(report: NotebookReport) -> Any:
    """What the notebook shows by itself (rules and evidence), apart from checklist answers."""
    import plotly.graph_objects as go

    ring = closed(report.pillar_scores)
    return go.Scatterpolar(
        r=checked_values(report),
        theta=[pillar_name(s.pillar) for s in ring],
        customdata=[checked_and_answered(s) for s in ring],
        name=CHECKED_NAME,
        mode="lines",
        line={"color": NEUTRAL, "width": 1.5, "dash": "dot"},
        hovertemplate="<b>%{theta}</b>: %{customdata}<extra>" + CHECKED_NAME + "</extra>",
    )


def radar_figure(
    report: NotebookReport,
    compare: NotebookReport | None = None,
    compare_label: str = "before",
    widget: bool = False,
) -> Any:
    """The radar as a plotly ``Figure`` (or ``FigureWidget`` for the panel, needs anywidget)."""
    import plotly.graph_objects as go

    name = "now" if compare is not None else "coverage"
    traces = []
    if compare is not None:
        traces.append(_trace(compare, compare_label, COMPARE_COLOURS, "dash"))
    else:
        traces.append(_checked_trace(report))
    # The report's own trace stays last: the panel updates ``data[-1]`` in place.
    traces.append(_trace(report, name, CURRENT_COLOURS, "solid"))
    figure_class = go.FigureWidget if widget else go.Figure
    figure = figure_class(data=traces)
    axis = {"gridcolor": GRID, "linecolor": GRID, "tickfont": {"color": NEUTRAL}}
    figure.update_layout(
        title={"text": f"Pillar coverage: {report.path.rsplit('/', 1)[-1]}", "font": {"size": 14}},
        paper_bgcolor=TRANSPARENT,
        plot_bgcolor=TRANSPARENT,
        font={"color": NEUTRAL},
        showlegend=True,
        legend={"orientation": "h", "y": -0.1, "bgcolor": TRANSPARENT},
        margin={"l": 70, "r": 70, "t": 50, "b": 40},
        height=420,
        polar={
            "bgcolor": TRANSPARENT,
            # The scale sits between the first two pillars, where it covers no axis label.
            "radialaxis": {**axis, "range": [0, 100], "ticksuffix": "%", "angle": 60},
            "angularaxis": {**axis, "direction": DIRECTION, "rotation": START_DEGREES},
        },
    )
    return figure


def radar_json(
    report: NotebookReport, compare: NotebookReport | None = None, compare_label: str = "before"
) -> dict[str, Any]:
    """The figure as plotly JSON (``data``, ``layout``), as the plotly mime type carries it."""
    figure = radar_figure(report, compare, compare_label)
    data: dict[str, Any] = json.loads(figure.to_json())
    data["config"] = {"displaylogo": False, "responsive": True}
    return data


def radar_table(
    report: NotebookReport, compare: NotebookReport | None = None, compare_label: str = "before"
) -> Rendered:
    """The radar's numbers as a table, for where plotly does not render."""
    title = f"Pillar coverage: {report.path}"
    if compare is None:
        rows = pillar_rows(report.pillar_scores)
        return Rendered(
            f"{title}\n{table_text(PILLAR_COLUMNS, rows)}",
            table_html(PILLAR_COLUMNS, rows, caption=title),
        )
    header = ("pillar", compare_label, "now", "change")
    before = {s.pillar: s.percent for s in compare.pillar_scores}
    rows = []
    for s in report.pillar_scores:
        old = before.get(s.pillar, 0)
        # The change of the figures shown, so that the columns add up on screen.
        change = s.percent - old
        rows.append((pillar_name(s.pillar), f"{old}%", f"{s.percent}%", f"{change:+d} pts"))
    return Rendered(f"{title}\n{table_text(header, rows)}", table_html(header, rows, caption=title))


def radar_bundle(
    report: NotebookReport, compare: NotebookReport | None = None, compare_label: str = "before"
) -> dict[str, Any]:
    """One output with the plotly figure and the table: each front end shows what it can."""
    table = radar_table(report, compare, compare_label)
    bundle: dict[str, Any] = {"text/plain": table.text, "text/html": table.html}
    if plotly_available():
        bundle[PLOTLY_MIME] = radar_json(report, compare, compare_label)
    return bundle
