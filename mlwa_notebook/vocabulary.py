"""The words every part of mlwa-notebook shares, spelled once: pillars, phases, severities,
phase sources and checklist states, as ``StrEnum``s, and the tables that relate them.

The ids are the report schema's (``schema/report.schema.json``, ``$defs``; the answer states
the metadata schema's) and the bundled
lens's (``lens_data/``); ``tests/test_vocabulary.py`` checks all three agree. What the lens
already holds is read from it, not copied: which lens phase each cell phase belongs to, the
pillars' names, short labels and their ids in the AWS Well-Architected Tool. Members are ``str``s, so they
compare, hash, format and serialise as their ids; the tables are keyed by id (a report's
fields are read back as plain strings, which look the members up).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any

#: File name of the bundled catalogue inside ``lens_data/``.
BUNDLED_LENS_FILE = "ml-lens-2025.json"


class Pillar(StrEnum):
    """The six Well-Architected pillars, in the framework's order."""

    OPERATIONAL_EXCELLENCE = "operational-excellence"
    SECURITY = "security"
    RELIABILITY = "reliability"
    PERFORMANCE_EFFICIENCY = "performance-efficiency"
    COST_OPTIMIZATION = "cost-optimization"
    SUSTAINABILITY = "sustainability"


class LensPhase(StrEnum):
    """The six ML lifecycle phases of the lens, in lifecycle order."""

    BUSINESS_GOAL = "business-goal"
    PROBLEM_FRAMING = "problem-framing"
    DATA_PROCESSING = "data-processing"
    MODEL_DEVELOPMENT = "model-development"
    DEPLOYMENT = "deployment"
    MONITORING = "monitoring"


class Phase(StrEnum):
    """The phases a notebook cell can be labelled with, in lifecycle order."""

    BUSINESS_GOAL = "business-goal"
    PROBLEM_FRAMING = "problem-framing"
    DATA_COLLECTION = "data-collection"
    DATA_PREPROCESSING = "data-preprocessing"
    FEATURE_ENGINEERING = "feature-engineering"
    MODEL_TRAINING = "model-training"
    MODEL_TUNING = "model-tuning"
    MODEL_EVALUATION = "model-evaluation"
    DEPLOYMENT = "deployment"
    MONITORING = "monitoring"
    SETUP = "setup"
    OTHER = "other"


class Severity(StrEnum):
    """How bad a finding is, least first: thresholds compare by this order."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class PhaseSource(StrEnum):
    """What decided a cell's phase."""

    EXPLICIT = "explicit"  # the user set it
    CODE = "code"  # the cell's own code
    HEADING = "heading"  # the markdown heading above it
    CONTEXT = "context"  # the neighbouring cells
    DEFAULT = "default"  # nothing did: the fallback


class State(StrEnum):
    """Where a best practice stands in a notebook's checklist."""

    MET = "met"
    NOT_APPLICABLE = "not-applicable"
    VIOLATED = "violated"
    OPEN = "open"


class AnswerState(StrEnum):
    """A checklist answer as a person gives it, kept in the notebook's metadata
    (``schema/metadata.schema.json``, ``$defs.AnswerState``)."""

    DONE = "done"
    NA = "na"  # not applicable, with a reason
    OPEN = "open"


PILLAR_IDS: tuple[Pillar, ...] = tuple(Pillar)
LENS_PHASE_IDS: tuple[LensPhase, ...] = tuple(LensPhase)
FINE_PHASE_IDS: tuple[Phase, ...] = tuple(Phase)
SEVERITIES: tuple[Severity, ...] = tuple(Severity)


def severity_rank(severity: str) -> int:
    """Order of severities, for thresholds: info < warning < error (unknown: as info)."""
    return SEVERITIES.index(Severity(severity)) if severity in SEVERITIES else 0


def bundled_lens_path() -> Path | None:
    """The bundled catalogue: inside the package (wheel) or beside it (source checkout)."""
    here = Path(__file__).parent
    for candidate in (
        here / "lens_data" / BUNDLED_LENS_FILE,
        here.parent / "lens_data" / BUNDLED_LENS_FILE,
    ):
        if candidate.is_file():
            return candidate
    return None


def _bundled_tables() -> tuple[dict[str, Any], ...]:
    """The pillars and phases of the bundled lens, as its file has them (one small read)."""
    path = bundled_lens_path()
    if path is None:
        # The lens loader says what is missing, and where it looked, when a lens is needed.
        return ()
    data = json.loads(path.read_text(encoding="utf-8"))
    return (*data.get("pillars", ()), *data.get("phases", ()))


def _tables() -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, LensPhase | None]]:
    names: dict[str, str] = {}
    short: dict[str, str] = {}
    wa_tool: dict[str, str] = {}
    fine: dict[str, LensPhase | None] = dict.fromkeys(Phase)
    for entry in _bundled_tables():
        if entry.get("id") in PILLAR_IDS and "wa_tool_id" in entry:
            pillar = Pillar(entry["id"])
            names[pillar], wa_tool[pillar] = str(entry["name"]), str(entry["wa_tool_id"])
            short[pillar] = str(entry.get("short", entry["name"])).lower()
        elif entry.get("id") in LENS_PHASE_IDS:
            for phase in entry.get("fine_phases", ()):
                fine[Phase(phase)] = LensPhase(entry["id"])
    return names, short, wa_tool, fine


_NAMES, _SHORT, _WA_TOOL, _FINE = _tables()

#: Each pillar's display name, as the lens writes it ("Operational excellence").
PILLAR_NAMES: Mapping[str, str] = MappingProxyType(_NAMES)
#: Short pillar labels for one-line summaries (terminal, pull-request comments): the lens's
#: ``short`` label in lower case, as those summaries write it ("ops 50%").
PILLAR_SHORT: Mapping[str, str] = MappingProxyType(_SHORT)
#: Our pillar ids mapped to the pillar ids of the AWS Well-Architected Tool.
WA_TOOL_PILLAR_IDS: Mapping[str, str] = MappingProxyType(_WA_TOOL)
#: The lens phase each cell phase belongs to; ``setup`` and ``other`` belong to none.
FINE_TO_LENS_PHASE: Mapping[str, LensPhase | None] = MappingProxyType(_FINE)
