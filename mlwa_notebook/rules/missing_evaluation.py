"""MLW002 missing-evaluation: a model is trained and never scored on held-out data."""

from __future__ import annotations

from mlwa_notebook.rules.base import CheckResult, Hit, NotebookContext, Proof, Rule

_TRAIN = frozenset({"fit", "train", "fit_generator", "run"})
_METRICS = ("sklearn.metrics.", "torchmetrics.", "evaluate.")
_NOT_MODELS = ("Scaler", "Encoder", "Imputer", "Vectorizer", "PCA", "Transformer", "Processor")


def check(ctx: NotebookContext) -> CheckResult:
    trained: tuple[int, int, str] | None = None
    evaluated = False
    for view, call, qualified in ctx.calls():
        if call.attr in _TRAIN and not any(n in call.func for n in _NOT_MODELS):
            if trained is None and (call.attr != "run" or "Job" in qualified):
                trained = (view.index, call.line, call.func)
        if qualified.startswith(_METRICS) or call.attr in ("evaluate", "score"):
            args = " ".join(v.text for v in call.args).lower()
            if "train" not in args:
                evaluated = True
                yield Proof("MLREL03-BP03", view.index, f"scores a model with {call.func}()")
    if trained is not None and not evaluated:
        index, line, func = trained
        yield Hit(
            index, line, f"trains a model with {func}() but no cell scores it on held-out data"
        )


RULE = Rule(
    code="MLW002",
    name="missing-evaluation",
    summary="A model is trained and never evaluated on held-out data",
    severity="error",
    pillars=("reliability", "performance-efficiency"),
    best_practices=("MLREL03-BP03", "MLPERF04-BP03"),
    fix="Hold out a test or validation split and compute the chosen metric on it before the "
    "model is used.",
    doc="""\
## What it does
Flags a notebook that trains a model (in a cell, in a script it runs, or in a job it launches)
but never computes a metric on data the model was not fitted on.

## Why is this bad?
A score on training data says how well the model memorised, not how it will do on new data.
Without a held-out evaluation nobody can tell whether the model is fit for its purpose.

## Example
```python
model.fit(X, y)
model.predict(X_new)
```

## Use instead
```python
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
model.fit(X_train, y_train)
print(f1_score(y_test, model.predict(X_test)))
```

## Suppress
`# mlwa: ignore[MLW002] reason` in the training cell.
""",
    check=check,
)
