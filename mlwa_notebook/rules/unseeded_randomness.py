"""MLW004 unseeded-randomness: a visible stochastic step runs without a seed."""

from __future__ import annotations

from mlwa_notebook.cellcode import Call
from mlwa_notebook.rules.base import CheckResult, Hit, NotebookContext, Proof, Rule

_SEED_KWARGS = frozenset({"random_state", "seed", "random_seed", "rng", "generator"})
_SPLITS = frozenset(
    {
        "train_test_split",
        "ShuffleSplit",
        "StratifiedShuffleSplit",
        "sample",
        "randomSplit",
        "shuffle",
        "permutation",
    }
)
_ESTIMATORS = frozenset(
    "RandomForestClassifier RandomForestRegressor ExtraTreesClassifier ExtraTreesRegressor "
    "GradientBoostingClassifier GradientBoostingRegressor HistGradientBoostingClassifier "
    "HistGradientBoostingRegressor MLPClassifier MLPRegressor SGDClassifier SGDRegressor KMeans "
    "MiniBatchKMeans IsolationForest XGBClassifier XGBRegressor LGBMClassifier LGBMRegressor "
    "CatBoostClassifier CatBoostRegressor TSNE".split()
)
_NP_RANDOM = frozenset(
    "rand randn randint random choice normal uniform shuffle permutation "
    "binomial poisson exponential".split()
)
_GLOBAL_SEEDS = (
    "numpy.random.seed",
    "random.seed",
    "tensorflow.random.set_seed",
    "tensorflow.keras.utils.set_random_seed",
    "keras.utils.set_random_seed",
    "torch.manual_seed",
    "set_seed",
    "seed_everything",
    "pytorch_lightning.seed_everything",
)


def _seeded(call: Call) -> bool:
    return bool(set(call.kwargs) & _SEED_KWARGS)


def check(ctx: NotebookContext) -> CheckResult:
    global_seed = False
    for view, call, qualified in ctx.calls():
        if qualified.endswith(_GLOBAL_SEEDS) or call.attr in (
            "seed",
            "set_seed",
            "manual_seed",
            "set_random_seed",
        ):
            global_seed = True
            yield Proof("MLOPS03-BP02", view.index, f"seeds randomness with {call.func}()")
    for view, call, qualified in ctx.calls():
        what = ""
        if call.attr in _ESTIMATORS and not _seeded(call):
            what = f"fits {call.attr} without `random_state`"
        elif (
            call.attr in _SPLITS
            and not _seeded(call)
            and (call.attr != "sample" or "frac" in call.kwargs or call.args)
        ):
            if call.attr == "shuffle" and not qualified.startswith(("sklearn", "numpy", "random")):
                continue
            if qualified.startswith("numpy.random") and global_seed:
                continue
            what = f"{call.func}() shuffles or samples without a seed"
        elif qualified.startswith("numpy.random.") and call.attr in _NP_RANDOM and not global_seed:
            what = f"{call.func}() draws from the global generator with no seed set"
        elif qualified.startswith("numpy.random.default_rng") and not call.args and not call.kwargs:
            what = "numpy.random.default_rng() is created without a seed"
        elif (
            qualified.startswith("random.")
            and call.attr in ("random", "shuffle", "choice", "sample", "randint")
            and not global_seed
        ):
            what = f"{call.func}() uses Python's random module with no seed set"
        if what:
            yield Hit(view.index, call.line, what)


RULE = Rule(
    code="MLW004",
    name="unseeded-randomness",
    summary="A split, shuffle, sample, random draw or stochastic model runs without a seed",
    severity="warning",
    pillars=("operational-excellence", "reliability"),
    best_practices=("MLOPS03-BP02", "MLREL03-BP01"),
    fix="Pass `random_state=`/`seed=` to the call, or seed the generator once at the top "
    "(`np.random.default_rng(42)`, `torch.manual_seed(42)`).",
    doc="""\
## What it does
Flags visible stochastic steps without a seed: train/test splits, shuffles and samples, draws
from NumPy's or Python's global generators, and stochastic models (forests, boosting, neural
networks, k-means) fitted in the notebook or in a script it runs. Randomness inside managed
jobs or AutoML is not counted.

## Why is this bad?
Unseeded runs cannot be repeated: a reviewer cannot reproduce the reported metric, and two runs
of the same notebook disagree for no reason anyone can trace.

## Example
```python
X_train, X_test, y_train, y_test = train_test_split(X, y)
```

## Use instead
```python
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=42)
```

## Suppress
`# mlwa: ignore[MLW004] reason` in the cell.
""",
    check=check,
)
