"""A static radar of the six pillars' coverage, as SVG text: readable where plotly is not.

Drawn from the six numbers of the report alone, with fixed rounding, so the same report always
gives the same bytes (an export of an export is the same file).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from mlwa_notebook.scoring import whole_percent
from mlwa_notebook.views.radar_geometry import point

WIDTH, HEIGHT = 620, 340
_CX, _CY, _R = WIDTH / 2, HEIGHT / 2 + 4, 120
_RINGS = (0.25, 0.5, 0.75, 1.0)
_FILL, _LINE, _GRID, _TEXT = "#2f6fb5", "#1d4f8a", "#c9ced6", "#222"


def _point(axis: int, count: int, value: float) -> tuple[float, float]:
    return point(axis, count, value, (_CX, _CY), _R)


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def _polygon(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in points)


def radar_svg(
    labels: Sequence[str],
    values: Sequence[float],
    title: str,
    checked: Sequence[float] | None = None,
) -> str:
    """An SVG radar: one axis per label, each value a share in [0, 1] (clamped).

    ``checked``, when given, is drawn as a dashed line inside the area: the share the notebook
    shows by itself (checked practices met / counted), apart from what the checklist attests.
    """
    count = len(labels)
    values = [min(1.0, max(0.0, v)) for v in values]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="DejaVu Sans, Arial, sans-serif" '
        f'font-size="13" role="img">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    for ring in _RINGS:
        ring_points = [_point(i, count, ring) for i in range(count)]
        parts.append(
            f'<polygon points="{_polygon(ring_points)}" fill="none" stroke="{_GRID}" '
            'stroke-width="1"/>'
        )
        x, y = _point(0, count, ring)
        parts.append(
            f'<text x="{_fmt(x + 4)}" y="{_fmt(y + 12)}" fill="#7a818c" font-size="10">'
            f"{round(ring * 100)}%</text>"
        )
    for i in range(count):
        x, y = _point(i, count, 1.0)
        parts.append(
            f'<line x1="{_fmt(_CX)}" y1="{_fmt(_CY)}" x2="{_fmt(x)}" y2="{_fmt(y)}" '
            f'stroke="{_GRID}" stroke-width="1"/>'
        )
    shape = [_point(i, count, v) for i, v in enumerate(values)]
    parts.append(
        f'<polygon points="{_polygon(shape)}" fill="{_FILL}" fill-opacity="0.35" '
        f'stroke="{_LINE}" stroke-width="2"/>'
    )
    if checked is not None:
        inner = [_point(i, count, min(1.0, max(0.0, v))) for i, v in enumerate(checked)]
        parts.append(
            f'<polygon class="checked" points="{_polygon(inner)}" fill="none" stroke="{_TEXT}" '
            'stroke-width="1.5" stroke-dasharray="5 3"><title>shown by the notebook '
            "(checked practices met / counted)</title></polygon>"
        )
        parts.append(
            f'<text x="12" y="{HEIGHT - 12}" fill="#5b616b" font-size="11">dashed: shown by '
            "the notebook (rules, evidence) · area: coverage with the checklist's answers</text>"
        )
    for x, y in shape:
        parts.append(f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="3.5" fill="{_LINE}"/>')
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x, y = _point(i, count, 1.13)
        cos = x - _CX
        anchor = "middle" if abs(cos) < 1 else ("start" if cos > 0 else "end")
        dy = -4 if y < _CY - 1 else 14 if y > _CY + 1 else 4
        parts.append(
            f'<text x="{_fmt(x)}" y="{_fmt(y + dy)}" text-anchor="{anchor}" fill="{_TEXT}">'
            f'{escape(label)} <tspan font-weight="bold">{whole_percent(value)}%</tspan></text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
