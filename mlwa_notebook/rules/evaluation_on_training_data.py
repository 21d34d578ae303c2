"""MLW008 evaluation-on-training-data: the only score a model gets is on its training data."""

from __future__ import annotations

from mlwa_notebook.dataflow_names import train_name
from mlwa_notebook.rules._evaluation import Scoring, scorings
from mlwa_notebook.rules.base import CheckResult, Hit, NotebookContext, Rule


def check(ctx: NotebookContext) -> CheckResult:
    found = [sc for u in ctx.units for sc in scorings(u)]
    if any(sc.held_out for sc in found):
        return  # a training score next to a held-out one is a fair over-fitting check
    seen: set[int] = set()
    for sc in found:
        if sc.site.cell in seen:
            continue
        seen.add(sc.site.cell)
        flow = sc.unit.flow
        data = sorted(
            n for n in sc.site.call.names if n not in sc.unit.not_data and flow.is_train(n)
        )
        if _fitted_on_other_data(sc, data):
            continue
        yield Hit(
            sc.site.cell,
            sc.site.call.line,
            f"scores a model with {sc.site.call.func}() on the data it was trained on "
            f"({', '.join(data[:3])}) and nowhere on held-out data",
        )


def _fitted_on_other_data(sc: Scoring, data: list[str]) -> bool:
    """A model scored on data that trained another model, not itself: ``sub.fit(X_sample)``
    on a tenth of ``X``, then ``sub.score(X)``, where ``X`` trained an ensemble. Most of the
    rows are new to it; unless the scored data is named for training, it says nothing."""
    call = sc.site.call
    if "." not in call.func or any(train_name(n) for n in data):
        return False
    fits = [s.call for s in sc.unit.trainings if s.call.root == call.root]
    return bool(fits) and not any(set(f.names) & set(data) for f in fits)


RULE = Rule(
    code="MLW008",
    name="evaluation-on-training-data",
    summary="A model is only ever scored on the data it was trained on",
    severity="warning",
    pillars=("reliability", "performance-efficiency"),
    best_practices=("MLREL03-BP03", "MLPERF04-BP03"),
    fix="Score the model on a held-out test split (or cross-validate) and report that number; "
    "keep the training score only as an over-fitting check beside it.",
    doc="""\
## What it does
Flags a metric (`accuracy_score`, `model.score`, `model.evaluate`, a confusion matrix, a
hand-written error) computed on the data a model was fitted on (what was passed to `fit`, the
training side of a split, or predictions made from it) when the notebook scores the model on
held-out data nowhere. A training score reported next to a test score is not flagged, nor a
model scored on data that trained another model while it was fitted on other rows (a sample
of them), unless the data is named for training.

## Why is this bad?
A model scores well on the rows it has already seen, however badly it generalises: a training
score makes an over-fitted model look good and hides leakage.

## Example
```python
model.fit(X, y)
print(model.score(X, y))
```

## Use instead
```python
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
model.fit(X_train, y_train)
print(model.score(X_test, y_test))
```

## Suppress
`# mlwa: ignore[MLW008] reason` in the scoring cell.
""",
    check=check,
)
