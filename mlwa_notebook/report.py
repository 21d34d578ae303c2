"""The one report every view renders: records only, no rendering and no analysis.

Its JSON shape is published as ``schema/report.schema.json`` (``SCHEMA_VERSION``); the
TypeScript types of the sidebar are generated from that schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from functools import cache
from typing import Any

from mlwa_notebook.location import place
from mlwa_notebook.vocabulary import LensPhase, Phase, PhaseSource, Severity, State

SCHEMA_VERSION = "1.0"


@dataclass(frozen=True, slots=True)
class Suppression:
    """Why a finding is not counted: where it was switched off and the reason given."""

    scope: str  # "cell" (tag, metadata or comment) or "notebook" (metadata)
    reason: str
    #: Where it is said: ``"metadata"`` (``mlwa.ignore``), ``"tag"`` (``mlwa-ignore:``) or
    #: ``"comment"`` (``# mlwa: ignore[...]`` in the code), and the key it is said under (the
    #: code or the rule name): what a view needs to offer its undoing.
    via: str = "metadata"
    key: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a reviewer would flag, at one cell and line."""

    code: str
    name: str
    severity: Severity
    pillars: tuple[str, ...]
    best_practices: tuple[str, ...]
    cell_index: int
    cell_id: str
    line: int
    #: What the rule says, without the place: views put ``place(...)`` before it.
    text: str
    fix: str
    suppressed: Suppression | None = None
    #: The place when the rule named it (``metadata of cell 3``); else it is the cell and line.
    where: str = ""

    @property
    def place(self) -> str:
        """Where the finding is, as people read it (``cell 3, line 2``)."""
        return place(self.cell_index, self.line, self.where)

    @property
    def message(self) -> str:
        """The place, then what the rule says: the report's ``message``."""
        return f"{self.place}: {self.text}"


@dataclass(frozen=True, slots=True)
class Evidence:
    """A sign in the notebook that a best practice is followed, with the cell that shows it."""

    best_practice: str
    cell_index: int
    cell_id: str
    note: str
    source: str  # the rule name or signal that saw it


@dataclass(frozen=True, slots=True)
class CellReport:
    """A cell's phase, how sure the label is, and why."""

    index: int
    id: str
    #: How every view names the cell ("cell 4"), from ``location.cell_label``.
    label: str
    cell_type: str
    phase: Phase
    lens_phase: LensPhase | None
    phase_source: PhaseSource
    confidence: float
    evidence: tuple[str, ...]
    execution_count: int | None
    finding_count: int = 0
    #: The lens phase this cell's checklist shows and, of that phase, the practices the cell
    #: points at, most relevant first (``mlwa_notebook.checklist`` decides; every view reads it).
    checklist_phase: str | None = None
    checklist: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PracticeState:
    """The checklist state of one best practice in this notebook."""

    id: str
    pillar: str
    phase: str
    title: str
    question: str
    risk: str
    state: State
    source: str | None  # checklist, evidence, rule (it ran and holds), finding
    cells: tuple[int, ...]
    note: str = ""
    reason: str = ""
    #: "checked": a rule or an evidence signal can see it in a notebook; "attested": only a
    #: person can vouch for it (roles, IAM, budgets), in the checklist.
    kind: str = "attested"
    #: For a checklist answer: who gave it and when (empty for answers that predate it).
    by: str = ""
    updated: str = ""


@dataclass(frozen=True, slots=True)
class PillarScore:
    """How one pillar's coverage was computed: ``score = met / (applicable - not_applicable)``."""

    pillar: str
    score: float
    applicable: int
    met: int
    not_applicable: int
    violated: int
    open: int
    #: ``score`` as the whole percentage every view shows, rounded half up once, here, so that
    #: the sidebar, the CLI and the exports never disagree by a point.
    percent: int
    #: What the notebook shows: applicable checked practices (less the not applicable ones)
    #: and how many of them are met.
    checked: int = 0
    checked_met: int = 0
    #: What a person vouches for: applicable attested practices and how many are answered
    #: (done, or not applicable with a reason).
    attested: int = 0
    answered: int = 0
    #: The denominator of ``score``: ``applicable - not_applicable``.
    counted: int = 0
    #: The part the notebook shows by itself: ``checked_met / checked`` (0 when none).
    checked_score: float = 0.0


@dataclass(frozen=True, slots=True)
class NotebookReport:
    """Everything the analysis says about one notebook."""

    path: str
    cells: tuple[CellReport, ...]
    findings: tuple[Finding, ...]
    suppressed: tuple[Finding, ...]
    coverage: dict[str, float]
    pillar_scores: tuple[PillarScore, ...]
    phase_coverage: dict[str, float]
    phases_present: tuple[str, ...]
    checklist: tuple[PracticeState, ...]
    evidence: tuple[Evidence, ...]
    lenses: tuple[str, ...]
    coverage_formula: str
    #: Open findings per severity, most severe first, severities without findings left out.
    finding_counts: dict[str, int] = field(default_factory=dict)
    #: Per lens phase and pillar: ``{"met": n, "total": n}`` practices of the checklist.
    checklist_counts: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ErrorRecord:
    """A notebook (or configuration) that could not be analysed."""

    path: str
    message: str
    cell_index: int | None = None


@dataclass(frozen=True, slots=True)
class Report:
    """A run over one or more notebooks."""

    notebooks: tuple[NotebookReport, ...]
    errors: tuple[ErrorRecord, ...] = ()
    tool_version: str = ""
    schema_version: str = SCHEMA_VERSION
    extra: dict[str, Any] = field(default_factory=dict)


def plain(value: Any) -> Any:
    """Records as JSON data: dataclasses become objects, tuples become lists."""
    kind: type = type(value)
    if kind in _SCALARS:  # most values: checked first, a JSON run over thousands of notebooks
        return value
    names = _field_names(kind)
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


_SCALARS = frozenset({str, int, float, bool, type(None)})


@cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    """A record class's field names, read once (``fields()`` for each value was half the time)."""
    return tuple(f.name for f in fields(kind)) if is_dataclass(kind) else None


def to_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON data, in the shape of ``schema/report.schema.json``."""
    return {
        "schema_version": report.schema_version,
        "tool": {"name": "mlwa-notebook", "version": report.tool_version},
        "notebooks": [notebook_to_dict(nb) for nb in report.notebooks],
        "errors": [plain(e) for e in report.errors],
    }


def notebook_to_dict(nb: NotebookReport) -> dict[str, Any]:
    """One notebook's report as plain JSON data."""
    data: dict[str, Any] = plain(nb)
    data["findings"] = [finding_to_dict(f) for f in nb.findings]
    data["suppressed"] = [finding_to_dict(f) for f in nb.suppressed]
    return data


def finding_to_dict(f: Finding) -> dict[str, Any]:
    """A finding as the schema has it: ``message`` is its place, then its text."""
    return {
        ("message" if k == "text" else k): (f.message if k == "text" else v)
        for k, v in plain(f).items()
        if k != "where"
    }
