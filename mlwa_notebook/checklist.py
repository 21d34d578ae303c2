"""Which checklist a cell shows, and in what order: one decision that every view renders.

A lens phase holds up to 33 practices, and training, tuning and evaluation cells all belong to
"model development". So the checklist of a cell is its lens phase's practices ranked for that
cell: first the practices an open finding of the cell cites, then those the cell shows evidence
of, then those whose words match what the cell does (the calls its phase evidence names: a cell
that deploys sees endpoint practices first, a cell that reads data sees data versioning) and its
fine phase (tuning sees search and tuning practices). The practices nothing points at follow in
the lens's order. A cell with no lens phase (setup, other) shows the checklist of the nearest
cell above that has one, else below: the sidebar and ``%mlwa checklist`` used to pick
differently (the first phase present against the nearest above).

The ranking is vocabulary matched against the lens's own text (title, description, evidence),
kept here as data; it orders, it never hides a practice.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from mlwa_notebook.report import CellReport, Evidence, Finding, PracticeState
from mlwa_notebook.vocabulary import LensPhase

#: How many ranked practices a cell's report names (the rest follow in lens order).
TOP = 12

#: Words of the lens text that a fine phase makes relevant (stems, matched as substrings).
FINE_PHASE_TERMS: Mapping[str, tuple[str, ...]] = {
    "business-goal": ("business", "goal", "owner", "value", "success", "stakeholder", "cost"),
    "problem-framing": ("problem", "metric", "baseline", "success", "framing", "target"),
    "data-collection": ("version", "lineage", "source", "collect", "catalog", "access", "privacy"),
    "data-preprocessing": ("clean", "quality", "split", "bias", "transform", "validat", "label"),
    "feature-engineering": ("feature", "transform", "lineage", "reuse", "store"),
    "model-training": ("train", "experiment", "reproduc", "seed", "compute", "spot", "container"),
    "model-tuning": ("tun", "hyperparameter", "search", "experiment", "early stop", "automat"),
    "model-evaluation": ("evaluat", "metric", "held-out", "bias", "explain", "fairness", "test"),
    "deployment": ("endpoint", "deploy", "inference", "serving", "registry", "scal", "rollback"),
    "monitoring": ("monitor", "drift", "alarm", "capture", "retrain", "observ", "quality"),
}

#: What a cell does, read from the calls its phase evidence names -> the lens words it makes
#: relevant. Each pair: (substrings of the evidence, stems of the lens text).
ACTIVITY_TERMS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (
        ("read_", "load", "download", "s3", "bucket", "query", "upload", "dataset", "reads data"),
        ("version", "lineage", "data source", "provenance"),
    ),
    (
        ("deploy", "endpoint", "predictor", "serve", "transformer(", "batch"),
        ("endpoint", "deploy", "inference", "serving", "scal"),
    ),
    (("fit()", "estimator", "train"), ("train", "experiment", "reproduc", "compute")),
    (("tuner", "tune", "hyperparameter", "search"), ("tun", "hyperparameter", "search")),
    (
        ("score", "metric", "evaluat", "report(", "confusion", "shap", "clarify", "held-out"),
        ("evaluat", "metric", "bias", "explain"),
    ),
    (("monitor", "capture", "drift", "alarm", "cloudwatch"), ("monitor", "drift", "alarm")),
)


@dataclass(slots=True)
class CellReading:
    """What the ranking reads of a cell (a ``CellReport`` has it too): made before the report."""

    index: int
    phase: str
    lens_phase: LensPhase | None
    evidence: tuple[str, ...]


#: A cell as ``cell_checklists`` reads it.
Ranked = CellReport | CellReading


@dataclass(frozen=True, slots=True)
class CellChecklist:
    """The checklist a cell shows: its lens phase and that phase's practices, ranked."""

    phase: str | None
    #: Practices something in the cell points at, most relevant first.
    ranked: tuple[PracticeState, ...]
    #: The rest of the phase's practices, in the lens's order.
    others: tuple[PracticeState, ...]

    @property
    def practices(self) -> tuple[PracticeState, ...]:
        """Every practice of the phase, ranked ones first."""
        return (*self.ranked, *self.others)


def checklist_phase(cells: Sequence[CellReport], index: int | None) -> str | None:
    """The lens phase a cell's checklist shows: its own, else the nearest above, else below."""
    if index is None or not 0 <= index < len(cells):
        return None
    for cell in reversed(cells[: index + 1]):
        if cell.lens_phase:
            return cell.lens_phase
    for cell in cells[index + 1 :]:
        if cell.lens_phase:
            return cell.lens_phase
    return None


def _matches(text: str, terms: Iterable[str]) -> int:
    return sum(term in text for term in terms)


def _activities(cell: Ranked) -> tuple[int, ...]:
    """Which entries of ``ACTIVITY_TERMS`` the cell's phase evidence shows it doing."""
    return _activities_in(cell.evidence)


@lru_cache(maxsize=8192)
def _activities_in(evidence: tuple[str, ...]) -> tuple[int, ...]:
    # Kept by the evidence: re-analysing a notebook after one edit reads the same words again.
    does = " ".join(evidence).lower()
    return tuple(i for i, (seen, _) in enumerate(ACTIVITY_TERMS) if any(s in does for s in seen))


def _rank(
    states: Sequence[PracticeState],
    texts: Mapping[str, str],
    fine_phase: str,
    activities: tuple[int, ...],
    cited: frozenset[str],
    shown: frozenset[str],
) -> tuple[PracticeState, ...]:
    """The practices something points at, most relevant first (ties keep the lens order)."""
    fine = FINE_PHASE_TERMS.get(fine_phase, ())
    scored: list[tuple[int, int, PracticeState]] = []
    for order, state in enumerate(states):
        text = texts[state.id]
        score = (
            100 * (state.id in cited)
            + 50 * (state.id in shown)
            + 4 * sum(_matches(text, ACTIVITY_TERMS[i][1]) for i in activities)
            + _matches(text, fine)
        )
        if score:
            scored.append((score, order, state))
    scored.sort(key=lambda s: (-s[0], s[1]))
    return tuple(s[2] for s in scored)


def _nearest_phases(cells: Sequence[Ranked]) -> list[str | None]:
    """``checklist_phase`` of every cell, in two passes over the notebook."""
    below: list[str | None] = [None] * len(cells)
    last: str | None = None
    for i in range(len(cells) - 1, -1, -1):
        below[i] = last
        if cells[i].lens_phase:
            last = cells[i].lens_phase
    out: list[str | None] = []
    last = None
    for cell, after in zip(cells, below, strict=True):
        if cell.lens_phase:
            last = cell.lens_phase
        out.append(last or after)
    return out


def cell_checklists(
    cells: Sequence[Ranked],
    checklist: Sequence[PracticeState],
    findings: Sequence[Finding],
    evidence: Sequence[Evidence],
    evidence_ideas: Mapping[str, str],
    memo: MutableMapping[Hashable, tuple[str, ...]] | None = None,
) -> list[tuple[str | None, tuple[str, ...]]]:
    """Per cell: the lens phase its checklist shows and the ids of its top ranked practices.

    A cell without a lens phase borrows the phase (not the ranking: nothing in a setup cell
    points at a practice) of the nearest cell that has one. Cells that do the same kind of
    thing share one ranking, so a long notebook costs a few rankings, not one a cell; ``memo``
    (the caller's) keeps them between analyses, under the practices' texts they read.
    """
    by_phase: dict[str, list[PracticeState]] = {}
    for state in checklist:
        by_phase.setdefault(state.phase, []).append(state)
    texts = {
        s.id: f"{s.title} {s.question} {evidence_ideas.get(s.id, '')}".lower() for s in checklist
    }
    cited: dict[int, set[str]] = {}
    for f in findings:
        cited.setdefault(f.cell_index, set()).update(f.best_practices)
    shown: dict[int, set[str]] = {}
    for e in evidence:
        shown.setdefault(e.cell_index, set()).add(e.best_practice)
    local: dict[tuple[object, ...], tuple[str, ...]] = {}
    # What a ranking reads of the checklist: its phase's practices, in order, and their texts.
    read: dict[str, tuple[tuple[str, str], ...]] = {}
    nearest: list[str | None] | None = None
    result: list[tuple[str | None, tuple[str, ...]]] = []
    for cell in cells:
        if cell.lens_phase is None:
            if nearest is None:
                nearest = _nearest_phases(cells)
            result.append((nearest[cell.index], ()))
            continue
        acts = _activities(cell)
        its_cited = frozenset(cited.get(cell.index, ()))
        its_shown = frozenset(shown.get(cell.index, ()))
        key = (cell.lens_phase, cell.phase, acts, its_cited, its_shown)
        ids = local.get(key)
        if ids is None:
            states = by_phase.get(cell.lens_phase, [])
            seen = read.get(cell.lens_phase)
            if seen is None:
                seen = read[cell.lens_phase] = tuple((s.id, texts[s.id]) for s in states)
            kept = (*key, seen)
            ids = memo.get(kept) if memo is not None else None
            if ids is None:
                ranked = _rank(states, texts, cell.phase, acts, its_cited, its_shown)
                ids = tuple(s.id for s in ranked[:TOP])
                if memo is not None:
                    memo[kept] = ids
            local[key] = ids
        result.append((cell.lens_phase, ids))
    return result


def checklist_for(
    cells: Sequence[CellReport], checklist: Sequence[PracticeState], index: int | None
) -> CellChecklist:
    """The checklist a view shows for the cell at ``index``, read from the report's decision."""
    if index is None or not 0 <= index < len(cells):
        return CellChecklist(None, (), tuple(checklist))
    cell = cells[index]
    phase = cell.checklist_phase
    of_phase = [s for s in checklist if s.phase == phase]
    by_id = {s.id: s for s in of_phase}
    ranked = tuple(by_id[i] for i in cell.checklist if i in by_id)
    picked = {s.id for s in ranked}
    return CellChecklist(phase, ranked, tuple(s for s in of_phase if s.id not in picked))
