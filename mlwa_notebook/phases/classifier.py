"""The phase of every cell: what the user set, else what the learned model reads in the notebook.

Every cell is described by named features (``features``: what its code calls and on what, the
signal table's reading, its outputs, its heading and prose, its neighbours, where it sits); the
learned model (``learned``) scores each phase per cell and decodes the notebook as a sequence.
A label's confidence is the model's probability for it, and its evidence the features that raised
it most, in words.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from mlwa_notebook.phases.features import (
    CellInput,
    NotebookFeatures,
    OwnCode,
    notebook_features,
)
from mlwa_notebook.phases.learned import (
    EVIDENCE_ITEMS,
    PhaseModel,
    Reading,
    decode,
    describe,
    emissions,
    lifts,
    merged_contributions,
    shipped_model,
)
from mlwa_notebook.phases.signals import OT
from mlwa_notebook.vocabulary import FINE_PHASE_IDS, Phase, PhaseSource

PHASES = FINE_PHASE_IDS
#: Reasons kept per label.
EVIDENCE_MAX = 5
#: Features of a code cell's own (not of its context), and the first stage's reading of the cell
#: alone: a label they carry is the code's.
_OWN_PREFIXES = (
    "s:",
    "sb:",
    "c:",
    "a:",
    "m:",
    "k:",
    "w",
    "i:",
    "n:",
    "nl:",
    "sh:",
    "mg:",
    "o",
    "lib:",
    "at:",
    "cm:",
    "x1:",
    "xc:",
    "only-",
    "defines",
    "metric-call",
    "no-code",
    "len:",
    "lang:",
)


@dataclass(frozen=True, slots=True)
class PhaseLabel:
    """A cell's phase, where it came from, how sure, and why."""

    phase: Phase
    source: PhaseSource
    confidence: float
    evidence: tuple[str, ...]


def _source(cell: CellInput, top: Sequence[tuple[float, str]], heading: bool) -> PhaseSource:
    if cell.cell_type == "markdown":
        return PhaseSource.HEADING if heading else PhaseSource.CONTEXT
    if top and top[0][1].startswith(_OWN_PREFIXES):
        return PhaseSource.CODE
    return PhaseSource.CONTEXT


def _evidence(
    own: OwnCode | None,
    flow: Mapping[str, tuple[str, ...]],
    phase: str,
    top: Sequence[tuple[float, str]],
) -> tuple[str, ...]:
    """Why a cell got its phase, most specific first: what its code does that says so (the
    signal table's reasons), what the notebook's data flow says, then what the model weighed."""
    reasons: list[str] = list(flow.get(phase, ()))[:2]
    if own is not None:
        reasons.extend(own.why.get(phase, ())[:2])
    reasons.extend(describe(name) for _, name in top)
    return tuple(dict.fromkeys(reasons))[:EVIDENCE_MAX]


def _top(
    model: PhaseModel,
    reading: Reading,
    nf: NotebookFeatures,
    memo: MutableMapping[Hashable, Any] | None,
    i: int,
    j: int,
    own_in_stage2: bool,
) -> list[tuple[float, str]]:
    """The features that raised phase ``j`` most for cell ``i``, over all its parts.

    The notebook-wide part changes with every edit anywhere; the cell's other features only
    when the cell's reading does. Their best few are kept under the cell's signature (enough
    that the top stays right when shared names override some), and merged with the shared part.
    """
    shared = reading.shared()
    keep = EVIDENCE_ITEMS + len(shared)
    key = ("top", reading.signatures[i], j, keep)
    head: list[tuple[float, str]] | None = memo.get(key) if memo is not None else None
    if head is None:
        second = reading.features(i)
        feats = {**nf.own_part[i], **nf.context[i], **second} if own_in_stage2 else second
        head = [(-neg, name) for neg, name in lifts(model, feats, j)[:keep]]
        if memo is not None:
            memo[key] = head
    cell_part = {name: 0.0 for _, name in head}
    return merged_contributions(
        [
            (cell_part, [(-lift, name) for lift, name in head]),
            (shared, reading.shared_lifts(model, j)),
        ]
    )


def classify(
    cells: Sequence[CellInput],
    imports: Mapping[str, str],
    explicit: Sequence[tuple[str, str] | None],
    memo: MutableMapping[Hashable, Any] | None = None,
    model: PhaseModel | None = None,
) -> list[PhaseLabel]:
    """Label every cell of a notebook (``cells`` and ``explicit`` are per cell, in order).

    ``memo`` (optional, owned by the caller) keeps each code cell's own features between runs.
    """
    model = model or shipped_model()
    index = {p: j for j, p in enumerate(model.phases)}
    nf = notebook_features(cells, imports, memo)
    types = [c.cell_type for c in cells]
    fixed = [index.get(e[0]) if e is not None else None for e in explicit]
    # A heading the user labelled labels its block: the cells up to the next heading that the
    # user left alone follow it, as a user who tags a section expects.
    inherited: dict[int, int] = {}
    for h, chosen in enumerate(explicit):
        if chosen is not None and fixed[h] is not None and nf.outline.heads[h]:
            for j in nf.outline.block[h]:
                if explicit[j] is None:
                    inherited[j] = h
                    fixed[j] = fixed[h]
    scores, reading = emissions(
        model, nf.own_part, nf.context, types, nf.outline, fixed, nf.keys, memo
    )
    own_in_stage2 = bool(model.params.get("stage2_own", True))
    path = decode(model, scores, fixed)
    labels: list[PhaseLabel] = []
    for i, j in enumerate(path):
        phase = Phase(model.phases[j])
        chosen = explicit[i]
        if chosen is not None and fixed[i] is not None:
            labels.append(
                PhaseLabel(
                    Phase(chosen[0]), PhaseSource.EXPLICIT, 1.0, (f"set by the user ({chosen[1]})",)
                )
            )
            continue
        if i in inherited:
            h = inherited[i]
            text = nf.outline.heads[h][-1][1][:60]
            labels.append(
                PhaseLabel(
                    phase, PhaseSource.HEADING, 1.0, (f"under heading “{text}” (set by the user)",)
                )
            )
            continue
        cell = cells[i]
        if own_in_stage2:
            own_f, ctx_f = nf.own_part[i], nf.context[i]
            if "empty" in own_f or "md-empty" in own_f or "empty" in ctx_f or "md-empty" in ctx_f:
                labels.append(PhaseLabel(OT, PhaseSource.DEFAULT, 1.0, ("no code or text",)))
                continue
        top = _top(model, reading, nf, memo, i, j, own_in_stage2)
        conf = round(min(1.0, max(0.0, math.exp(scores[i][j]))), 3)
        reasons = _evidence(nf.own[i], nf.flow[i], phase, top)
        heads = nf.outline.heads[i]
        if heads:
            reasons = (f"heading “{heads[-1][1][:60]}”", *reasons)
        if scores[i][j] < max(scores[i]) and i > 0:
            reasons = (*reasons, f"fits the cells around it (after {labels[-1].phase})")
        labels.append(
            PhaseLabel(phase, _source(cell, top, bool(nf.outline.heads[i])), conf, reasons)
        )
    return labels
