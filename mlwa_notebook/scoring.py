"""Coverage: how much of each pillar's applicable best practice the notebook shows.

The formula, as shown to users:

    A best practice applies when its lens phase has cells in the notebook, or when an answer,
    a finding or evidence names it. Each applicable practice is
      violated        when an open (unsuppressed) finding cites it,
      not applicable  when the checklist says so (with a reason),
      met             when the checklist says done, a rule found evidence of it, or a rule
                      that checks it ran and holds (no finding, not even a suppressed one),
      open            otherwise.
    coverage(pillar) = met / (applicable - not applicable), and 0 when nothing applies.

    The practices are of two kinds, counted apart so that a clean notebook whose organisational
    practices nobody has answered yet does not look badly built:
      checked   a rule or an evidence signal can see it in a notebook: met, violated or open;
      attested  only a person can vouch for it (roles, IAM, budgets): answered in the checklist
                (done, or not applicable with a reason) or unanswered.
    Every view shows "checked met/counted · answered n/m" beside the coverage.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence

from mlwa_notebook.lens import FINE_TO_LENS_PHASE, LENS_PHASE_IDS, PILLAR_IDS, Lens
from mlwa_notebook.metadata import Answer
from mlwa_notebook.report import Evidence, Finding, PillarScore, PracticeState
from mlwa_notebook.vocabulary import State

FORMULA = (
    "coverage = met / (applicable - not applicable). A practice applies when its lens phase has "
    "cells in the notebook or an answer, finding or evidence names it; it is violated by an open "
    "finding, met by a 'done' answer, a rule's evidence or a rule that holds, not applicable "
    "when answered so. "
    "checked = practices a rule or evidence signal sees in the notebook (met / counted); "
    "answered = practices only a person can vouch for, answered in the checklist (answered / all)."
)


def whole_percent(fraction: float) -> int:
    """A 0-1 fraction as a whole percentage, halves rounded up.

    Python's ``round`` rounds halves to even (12.5 -> 12) where JavaScript's ``Math.round``
    rounds them up (13): views in both languages showed different figures for one score. Every
    view rounds through this function, or shows ``PillarScore.percent`` that it computed.
    """
    return math.floor(fraction * 100 + 0.5)


def checked_and_answered(score: PillarScore) -> str:
    """What the notebook shows apart from what a person vouches for, as every view words it."""
    return (
        f"checked {score.checked_met}/{score.checked} · answered {score.answered}/{score.attested}"
    )


def _exact_percent(met: int, denominator: int) -> int:
    """``met / denominator`` as a whole percentage, halves up, without floating-point error."""
    return (200 * met + denominator) // (2 * denominator) if denominator else 0


def lens_phases_present(phases: Iterable[str]) -> tuple[str, ...]:
    """The lens phases that the cells' fine phases belong to, in lens order."""
    present = {FINE_TO_LENS_PHASE.get(p) for p in phases}
    return tuple(p for p in LENS_PHASE_IDS if p in present)


def checklist_states(
    lens: Lens,
    phases_present: Sequence[str],
    answers: Mapping[str, Answer],
    findings: Sequence[Finding],
    evidence: Sequence[Evidence],
    checkable: Collection[str] = frozenset(),
    held: Mapping[str, Sequence[str]] | None = None,
) -> tuple[PracticeState, ...]:
    """The state of every applicable best practice.

    ``checkable``: the ids a rule or an evidence signal can see; ``held``: per id, the rules
    that check it, ran and found nothing (the caller leaves out any with a suppressed finding).
    """
    held = held or {}
    violated: dict[str, list[int]] = {}
    for f in findings:
        for cited in f.best_practices:
            violated.setdefault(cited, []).append(f.cell_index)
    shown: dict[str, list[Evidence]] = {}
    for e in evidence:
        shown.setdefault(e.best_practice, []).append(e)
    named = set(violated) | set(shown) | set(answers)
    states: list[PracticeState] = []
    for bp in lens.best_practices:
        if bp.phase not in phases_present and bp.id not in named:
            continue
        answer = answers.get(bp.id)
        common = {
            "id": bp.id,
            "pillar": bp.pillar,
            "phase": bp.phase,
            "title": bp.title,
            "question": bp.question,
            "risk": bp.risk,
            "kind": "checked" if bp.id in checkable else "attested",
        }
        if bp.id in violated:
            state = PracticeState(
                **common,
                state=State.VIOLATED,
                source="finding",
                cells=tuple(sorted(set(violated[bp.id]))),
                note=answer.note if answer else "",
            )
        elif answer is not None and answer.state in ("na", "done"):
            na = answer.state == "na"  # only "not applicable" carries its reason
            state = PracticeState(
                **common,
                state=State.NOT_APPLICABLE if na else State.MET,
                source="checklist",
                cells=(),
                note=answer.note,
                reason=answer.reason if na else "",
                by=answer.by,
                updated=answer.updated,
            )
        elif bp.id in shown:
            state = PracticeState(
                **common,
                state=State.MET,
                source="evidence",
                cells=tuple(sorted({e.cell_index for e in shown[bp.id]})),
                note="; ".join(dict.fromkeys(e.note for e in shown[bp.id]))[:300],
            )
        elif held.get(bp.id):
            state = PracticeState(
                **common,
                state=State.MET,
                source="rule",
                cells=(),
                note="no finding of " + ", ".join(held[bp.id]),
            )
        else:
            state = PracticeState(
                **common,
                state=State.OPEN,
                source=None,
                cells=(),
                note=answer.note if answer else "",
            )
        states.append(state)
    return tuple(states)


def _score(states: Sequence[PracticeState], key: str) -> PillarScore:
    met = sum(s.state == "met" for s in states)
    na = sum(s.state == "not-applicable" for s in states)
    violated = sum(s.state == "violated" for s in states)
    open_ = sum(s.state == "open" for s in states)
    denominator = len(states) - na
    checked = [s for s in states if s.kind == "checked" and s.state != "not-applicable"]
    attested = [s for s in states if s.kind == "attested"]
    checked_met = sum(s.state == "met" for s in checked)
    return PillarScore(
        key,
        round(met / denominator, 4) if denominator else 0.0,
        len(states),
        met,
        na,
        violated,
        open_,
        _exact_percent(met, denominator),
        checked=len(checked),
        checked_met=checked_met,
        attested=len(attested),
        answered=sum(s.source == "checklist" for s in attested),
        counted=denominator,
        checked_score=round(checked_met / len(checked), 4) if checked else 0.0,
    )


def pillar_scores(states: Sequence[PracticeState]) -> tuple[PillarScore, ...]:
    """Coverage of each of the six pillars."""
    return tuple(_score([s for s in states if s.pillar == p], p) for p in PILLAR_IDS)


def phase_scores(states: Sequence[PracticeState], phases: Sequence[str]) -> dict[str, float]:
    """Coverage of each lens phase present."""
    return {p: _score([s for s in states if s.phase == p], p).score for p in phases}


def checklist_counts(states: Sequence[PracticeState]) -> dict[str, dict[str, dict[str, int]]]:
    """Per lens phase and pillar, how many practices the checklist lists and how many are met
    (what a view shows beside each pillar's group: "2/5 met")."""
    counts: dict[str, dict[str, dict[str, int]]] = {}
    for s in states:
        cell = counts.setdefault(s.phase, {}).setdefault(s.pillar, {"met": 0, "total": 0})
        cell["total"] += 1
        cell["met"] += s.state == "met"
    return counts
