"""The pillar radar's geometry, one for every drawing of it: the plotly chart (``radar.py``)
and the static SVG of the exports (``svgradar.py``).

A radar has one axis per pillar, in the report's pillar order, axis 0 pointing up and the
others following clockwise; each axis carries two shares in [0, 1]: the coverage (the filled
area) and what the notebook shows by itself (checked practices met / counted, the dashed line).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from mlwa_notebook.report import PillarScore

T = TypeVar("T")

#: Where axis 0 points, in degrees counter-clockwise from east (plotly's ``rotation``): up.
START_DEGREES = 90
#: The direction the axes follow (plotly's ``direction``).
DIRECTION = "clockwise"


@dataclass(frozen=True, slots=True)
class Axis:
    """One pillar's axis: its id and its two shares, clamped to [0, 1]."""

    pillar: str
    coverage: float
    checked: float


def _share(value: float) -> float:
    return min(1.0, max(0.0, value))


def axes(scores: Sequence[PillarScore]) -> tuple[Axis, ...]:
    """The radar's axes, one per pillar score, in the report's order."""
    return tuple(
        Axis(s.pillar, _share(s.score), _share(s.checked_met / s.checked if s.checked else 0.0))
        for s in scores
    )


def closed(ring: Sequence[T]) -> list[T]:
    """The ring with its first point repeated at the end, as a line that closes needs."""
    return [*ring, ring[0]] if ring else []


def point(
    axis: int, count: int, share: float, centre: tuple[float, float], radius: float
) -> tuple[float, float]:
    """Where ``share`` of the way out along axis ``axis`` of ``count`` lies, on a page whose
    y grows downwards (SVG): there "up, then clockwise" starts at -90 degrees and turns
    positively."""
    angle = -math.radians(START_DEGREES) + 2 * math.pi * axis / count
    return centre[0] + radius * share * math.cos(angle), centre[1] + radius * share * math.sin(
        angle
    )
