"""Variable flow between cells: what a cell does with what earlier cells produced.

A cell's own calls do not always say its phase: ``endpoint.delete()`` is clean-up of serving only
because ``endpoint`` came out of a deployment; ``predict(test_data)`` is evaluation only when the
predictions are then scored against the labels. This module follows names from the cell that
binds them to the cells that read them, on the ``CodeFacts`` already read (no re-parsing):

- ``prescan`` looks at the whole notebook once, before any label is known: predictions made on
  held-out data and scored later (both cells lean to evaluation), ``%%writefile`` scripts and
  folders that a later job launches (they take the launcher's phase), and manual sweeps over
  hyperparameter configurations.

The votes become features of the learned classifier (``features``), not the decision.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from mlwa_notebook.cellcode import CodeFacts
from mlwa_notebook.dataflow_names import held_out_name
from mlwa_notebook.location import cell_label
from mlwa_notebook.phases.signals import (
    EV,
    HYPERPARAMETER_KEYS,
    INERT_PHASES,
    PREDICT_CALLS,
    SCORING_CALLS,
    SWEEP_WEIGHT,
    TR,
    TU,
)

#: Vote for a prediction on held-out data that is scored (here or later): it outweighs the
#: endpoint or model calls the prediction goes through.
SCORED_WEIGHT = 7.0
#: Vote for a script or folder, from the job that later runs it.
SCRIPT_USE_WEIGHT = 3.0
#: Vote for the job, from what the script it runs does (a generic processor serves its script).
LAUNCHER_WEIGHT = 1.5

_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_LITERAL_KINDS = frozenset({"str", "num", "bool", "none", "collection", "fstring"})


@lru_cache(maxsize=8192)
def words(name: str) -> frozenset[str]:
    """The lower-case words of an identifier: ``xgb_endpoint`` → {xgb, endpoint}."""
    return frozenset(w.lower() for w in _WORD.findall(name.rsplit(".", 1)[-1]))


def is_heldout_name(name: str) -> bool:
    """Whether a variable's name marks held-out data (``X_test``, ``validation_data``): the
    rules' own reading (``dataflow_names``), so a rule and a cell's phase agree."""
    return held_out_name(name)


def _root(dotted: str) -> str:
    return re.split(r"[.(\[]", dotted, maxsplit=1)[0]


def _predictions(facts: CodeFacts, predict_helpers: set[str], models: set[str]) -> set[str]:
    """Names a cell binds to predictions (``y_pred = clf.predict(X_test)``).

    ``transform`` predicts only when called on a model (Spark ML); on a scaler it prepares data.
    """
    return {
        _root(t)
        for c in facts.calls
        if c.attr in PREDICT_CALLS
        or c.func in predict_helpers
        or (c.attr == "transform" and c.root in models)
        for t in c.targets
    }


def _literal_names(facts: CodeFacts) -> set[str]:
    # A name bound to a literal here (``test_data = ["a", "b"]``) is a hand-made sample.
    return {a.target for a in facts.assigns if a.value.kind in _LITERAL_KINDS}


@dataclass
class Prescan:
    """What the whole notebook says before any label: votes per cell, with their reasons."""

    votes: dict[int, list[tuple[str, float, str]]] = field(default_factory=dict)

    def add(self, cell: int, phase: str, weight: float, reason: str) -> None:
        """Record a vote for ``cell``."""
        self.votes.setdefault(cell, []).append((phase, weight, reason))


def prescan(
    facts: Sequence[CodeFacts | None], own_best: Sequence[str | None], strong: Sequence[bool]
) -> Prescan:
    """Votes that need the whole notebook: scored held-out predictions, scripts run, sweeps."""
    out = Prescan()
    heldout: set[str] = set()
    predict_helpers: set[str] = set()
    predictions: dict[str, int] = {}  # name -> cell that predicted it on held-out data
    scripts: dict[str, int] = {}  # a script path, its file name, or its folder -> writing cell
    models: set[str] = set()  # names bound by cells whose own evidence is training or tuning
    for i, f in enumerate(facts):
        if f is None:
            continue
        literal = _literal_names(f)
        heldout -= literal
        heldout |= {n for n in f.stored if is_heldout_name(n) and n not in literal}
        predict_helpers |= {d for d in f.defs if "predict" in d.lower()}
        reads_heldout = sorted(n for n in f.loaded if n in heldout)
        if reads_heldout:
            for name in _predictions(f, predict_helpers, models):
                predictions[name] = i
        scored = sorted(n for n in f.loaded if n in predictions and predictions[n] != i)
        if scored and (reads_heldout or any(c.attr in SCORING_CALLS for c in f.calls)):
            for n in scored:
                j = predictions[n]
                out.add(
                    j, EV, SCORED_WEIGHT, f"predicts on held-out data, scored in {cell_label(i)}"
                )
            out.add(
                i,
                EV,
                SCORED_WEIGHT,
                f"scores predictions `{scored[0]}` against held-out `{reads_heldout[0]}`"
                if reads_heldout
                else f"scores predictions `{scored[0]}`",
            )
        _script_uses(i, f, scripts, own_best, strong, out)
        sweep = _sweep(f)
        if sweep:
            out.add(i, TU, SWEEP_WEIGHT, sweep)
        if own_best[i] in (TR, TU):
            models |= f.stored
        else:
            models -= f.stored
    return out


def _script_uses(
    i: int,
    f: CodeFacts,
    scripts: dict[str, int],
    own_best: Sequence[str | None],
    strong: Sequence[bool],
    out: Prescan,
) -> None:
    """A ``%%writefile`` or ``mkdir`` target is run later by a job: it serves that job's phase."""
    if f.cell_magic in ("writefile", "file") and f.magic_args:
        path = f.magic_args.split()[-1]
        for key in _path_keys(path):
            scripts.setdefault(key, i)
        return
    for shell in f.shells:
        if shell.text.startswith("mkdir"):
            for arg in shell.text.split()[1:]:
                if not arg.startswith("-"):
                    scripts.setdefault(arg.strip("/").rsplit("/", 1)[-1], i)
    phase = own_best[i]
    if not scripts or phase is None or not strong[i] or phase in INERT_PHASES:
        return
    seen: set[int] = set()
    for _, text in f.strings:
        for key in _path_keys(text):
            j = scripts.get(key)
            if j is not None and j != i and j not in seen:
                seen.add(j)
                out.add(j, phase, SCRIPT_USE_WEIGHT, f"run by the job in {cell_label(i)} ({phase})")
                script_phase = own_best[j]
                if script_phase is not None and script_phase not in INERT_PHASES:
                    out.add(i, script_phase, LAUNCHER_WEIGHT, f"runs the script of {cell_label(j)}")


def _path_keys(path: str) -> list[str]:
    path = path.strip().strip("/")
    if not path or " " in path or len(path) > 200:
        return []
    parts = path.split("/")
    keys = [path, parts[-1]]
    if len(parts) > 1:
        keys.append(parts[-2])
    return keys


def _sweep(f: CodeFacts) -> str:
    """Several dict literals that repeat the same hyperparameter keys: a manual sweep."""
    counts = Counter(a.target for a in f.assigns if a.target in HYPERPARAMETER_KEYS)
    repeated = sorted(k for k, n in counts.items() if n >= 3)
    if len(repeated) >= 2:
        return f"sweeps {len(repeated)} hyperparameters over several configurations"
    return ""


def best_of(scores: Mapping[str, float]) -> str | None:
    """The highest-scoring phase, or None."""
    return max(scores, key=lambda p: scores[p]) if scores else None


__all__ = ["Prescan", "best_of", "is_heldout_name", "prescan", "words"]
