"""MLW009 preprocessing-before-split: a scaler or encoder learns from rows later held out."""

from __future__ import annotations

import re

from mlwa_notebook.dataflow_names import PREDICTORS, train_name
from mlwa_notebook.location import cell_label
from mlwa_notebook.rules._flow import Site, Unit
from mlwa_notebook.rules.base import CheckResult, Hit, NotebookContext, Proof, Rule

#: Preprocessing that learns statistics from the rows it is fitted on. An ordinal or one-hot
#: encoder learns only the list of categories (no distribution, no target): fitted before the
#: split it leaks nothing a held-out score depends on, and a finding there was judged wrong.
_LEARNS = re.compile(
    r"(Scaler|Imputer|PCA|SVD|KBinsDiscretizer|QuantileTransformer|PowerTransformer|"
    r"TfidfVectorizer|CountVectorizer|HashingVectorizer|Select\w+|RFE|VarianceThreshold|"
    r"TargetEncoder|SMOTE\w*|\w*OverSampler|\w*UnderSampler|"
    r"ADASYN|StandardScaler|MinMaxScaler)$"
)
#: Splits, and cross-validation that splits inside.
_SPLITS = frozenset(
    "train_test_split randomSplit cross_val_score cross_validate cross_val_predict".split()
)


def _learner(unit: Unit, site: Site) -> str:
    """The class a fit call's receiver was built from, if it learns from data (else empty)."""
    call = site.call
    if call.attr not in ("fit", "fit_transform", "fit_resample"):
        return ""
    receiver = call.func.rsplit(".", 1)[0]
    origin = unit.origin(receiver).rsplit(" ", 1)[-1].rsplit(".", 1)[-1]
    if not origin and receiver.endswith("()"):
        origin = receiver[:-2].rsplit(".", 1)[-1]
    return origin if _LEARNS.match(origin) else ""


def _data(unit: Unit, site: Site) -> set[str]:
    receiver_root = site.call.root if "." in site.call.func else ""
    return {n for n in site.call.names if n not in unit.not_data and n != receiver_root}


def _predictions(unit: Unit, names: set[str]) -> bool:
    """Whether any of ``names`` holds predictions, also when they are made inside the call that
    builds it (``np.stack([m.predict_proba(X_test) for m in models])``)."""
    if any(n in unit.flow.predictions for n in names):
        return True
    predicting = {(s.cell, s.call.line) for s in unit.sites if s.call.attr in PREDICTORS}
    return any((cell, a.line) in predicting for cell, a in unit.assigns if a.target in names)


def check(ctx: NotebookContext) -> CheckResult:
    for unit in ctx.units:
        flow = unit.flow
        fits = [(s, _learner(unit, s)) for s in unit.sites]
        fits = [(s, cls) for s, cls in fits if cls]
        splits = [
            s
            for s in unit.sites
            if s.call.attr in _SPLITS or s.qualified in ("numpy.split", "numpy.array_split")
        ]
        reported: set[int] = set()
        for fit, cls in fits:
            fitted = _data(unit, fit) | set(fit.call.targets)
            read = _data(unit, fit)
            if _predictions(unit, read):
                # Rescaling models' predictions (stacking, rank averaging) learns no statistics
                # of the features a model is judged on.
                continue
            if read and all(flow.is_held_out(n) for n in read):
                yield Hit(
                    fit.cell,
                    fit.call.line,
                    f"fits {cls} with {fit.call.func}() on held-out data "
                    f"({', '.join(sorted(read)[:3])}); fit it on the training rows and only "
                    "transform the held-out ones",
                )
                continue
            if any(flow.is_train(n) for n in read):
                # Credited only once a split exists and the data is named as its training side.
                split_before = any(
                    (sp.cell, sp.call.line) < (fit.cell, fit.call.line) for sp in splits
                )
                if split_before and any(train_name(n) for n in read):
                    yield Proof(
                        "MLREL03-BP03",
                        fit.cell,
                        f"fits {cls} on one side of the split only ({fit.call.func})",
                    )
                continue
            where = (fit.cell, fit.call.line)
            for split in splits:
                if (split.cell, split.call.line) <= where or id(fit) in reported:
                    continue
                shared = fitted & _data(unit, split)
                if shared:
                    reported.add(id(fit))
                    yield Hit(
                        fit.cell,
                        fit.call.line,
                        f"fits {cls} with {fit.call.func}() on {', '.join(sorted(shared)[:3])} "
                        f"before it is split ({split.call.func}() in {cell_label(split.cell)}): "
                        "statistics of the held-out rows leak into training",
                    )


RULE = Rule(
    code="MLW009",
    name="preprocessing-before-split",
    summary="A scaler, encoder, imputer or feature selector is fitted before the train/test split",
    severity="error",
    pillars=("reliability",),
    best_practices=("MLREL03-BP03", "MLREL03-BP02"),
    fix="Split first, then fit the preprocessing on the training rows only (`fit` on `X_train`, "
    "`transform` on both), or put it in a `Pipeline` so cross-validation refits it per fold.",
    doc="""\
## What it does
Flags preprocessing that learns from data (scalers, imputers, PCA, target encoders, TF-IDF,
feature selectors, over- and under-samplers; not ordinal or one-hot encoders, which learn only
the list of categories) fitted on data that is afterwards split into
training and held-out rows (`train_test_split`, Spark `randomSplit`, `np.split`) or handed to
cross-validation. The link is the data: what the fit read or produced is what the split
receives.

## Why is this bad?
The held-out rows have already shaped the preprocessing (their mean, variance, target rates,
selected features), so the test score is optimistic: the model is judged on data it has, in
part, seen. Over-sampling before the split is worse still, as copies of training rows land in
the test set.

## Example
```python
X = StandardScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
```

## Use instead
```python
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
```

## Suppress
`# mlwa: ignore[MLW009] reason` in the fitting cell.
""",
    check=check,
)
