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
    "sw:",
    "col-",
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


def _mine(
    model: PhaseModel,
    reading: Reading,
    nf: NotebookFeatures,
    i: int,
    j: int,
    own_in_stage2: bool,
    shared: Mapping[str, float],
) -> list[tuple[float, str]]:
    """The best few features but the shared ones that raised phase ``j`` for cell ``i``, as
    ``(-lift, name)``, most first; a name the shared part has is the shared part's."""
    second = reading.features(i)
    feats = {**nf.own_part[i], **nf.context[i], **second} if own_in_stage2 else second
    # Enough of the head that the best few stay right when shared names override some.
    head = lifts(model, feats, j)[: EVIDENCE_ITEMS + len(shared)]
    return [item for item in head if item[1] not in shared][:EVIDENCE_ITEMS]


def _alone(mine: Sequence[tuple[float, str]], theirs: Sequence[tuple[float, str]]) -> bool:
    """Whether the shared part has no say in a cell's best few: they all come before the shared
    part's best, so the cell's label holds however the notebook-wide reading moves."""
    return len(mine) == EVIDENCE_ITEMS and (not theirs or mine[-1] < theirs[0])


def _merged_top(
    mine: Sequence[tuple[float, str]], theirs: Sequence[tuple[float, str]]
) -> list[tuple[float, str]]:
    """``merged_contributions`` of a cell's best few (``_mine``) and the shared part's best few
    (``theirs``), both sorted as ``lifts`` sorts: the best few of the two lists in order."""
    if _alone(mine, theirs):
        return [(-neg, name) for neg, name in mine]
    # Merged as ``heapq.merge`` merges the parts: by lift, then name, then part.
    tagged = sorted([(item, 0) for item in mine] + [(item, 1) for item in theirs])
    return [(-neg, name) for (neg, name), _ in tagged[:EVIDENCE_ITEMS]]


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
    path = decode(model, scores, fixed, memo)
    store: MutableMapping[Hashable, Any] = memo if memo is not None else {}
    shared = reading.shared()
    # The shared names stand in the keys of every cell as one object, hashed by identity.
    shared_names = store.setdefault(("shared names", tuple(shared)), object())
    shared_tops: dict[int, tuple[tuple[float, str], ...]] = {}
    as_phase = [Phase(p) for p in model.phases]
    labels: list[PhaseLabel] = []
    for i, j in enumerate(path):
        phase = as_phase[j]
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
        conf = round(min(1.0, max(0.0, math.exp(scores[i][j]))), 3)
        after = labels[-1].phase if i > 0 and scores[i][j] < max(scores[i]) else None
        sig = reading.signatures[i]
        flow = nf.flow[i]
        # A label is kept under all it is made of: the cell's reading and what it read, the
        # phase, what of the shared part its evidence read, its confidence and its neighbour.
        mine_key = ("mine", sig, j, shared_names)
        mine = store.get(mine_key)
        if mine is None:
            mine = store[mine_key] = _mine(model, reading, nf, i, j, own_in_stage2, shared)
        theirs = shared_tops.get(j)
        if theirs is None:
            theirs = shared_tops[j] = tuple(reading.shared_lifts(model, j)[:EVIDENCE_ITEMS])
        alone = _alone(mine, theirs)
        key = (
            "label",
            sig,
            j,
            shared_names,
            None if alone else theirs,
            conf,
            after,
            tuple(flow.items()) if flow else (),
        )
        found = store.get(key)
        if found is None:
            top = _merged_top(mine, theirs)
            reasons = _evidence(nf.own[i], flow, phase, top)
            heads = nf.outline.heads[i]
            if heads:
                reasons = (f"heading “{heads[-1][1][:60]}”", *reasons)
            if after is not None:
                reasons = (*reasons, f"fits the cells around it (after {after})")
            found = store[key] = PhaseLabel(
                phase, _source(cell, top, bool(nf.outline.heads[i])), conf, reasons
            )
        labels.append(found)
    return labels
