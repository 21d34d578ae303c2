"""MLW004 unseeded-randomness: a visible stochastic step runs without a seed.

Each stochastic step is judged on its own (partial seeding is still a finding): a seed passed to
the call, or a global seed of the generator that step draws from, set in the same unit (the
notebook's kernel, or the script the step is in). Managed jobs and AutoML are not looked into.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from mlwa_notebook.cellcode import Call
from mlwa_notebook.dataflow_names import name_pieces
from mlwa_notebook.rules._evaluation import FASTAI_FITS, steps_an_optimiser
from mlwa_notebook.rules._flow import Site, Unit
from mlwa_notebook.rules.base import CheckResult, Hit, NotebookContext, Rule

_SEED_KWARGS = frozenset({"random_state", "seed", "random_seed", "rng", "generator"})

# Generator families a global seed covers. scikit-learn and pandas fall back on NumPy's global
# generator when given no ``random_state``, so a NumPy seed covers them.
PY, NP, TF, TORCH = "python", "numpy", "tensorflow", "torch"
ALL = frozenset({PY, NP, TF, TORCH})
_GLOBAL_SEEDS: dict[str, frozenset[str]] = {
    "random.seed": frozenset({PY}),
    "numpy.random.seed": frozenset({NP}),
    "tensorflow.random.set_seed": frozenset({TF}),
    "tensorflow.compat.v1.set_random_seed": frozenset({TF}),
    "tensorflow.set_random_seed": frozenset({TF}),
    "keras.utils.set_random_seed": frozenset({PY, NP, TF}),
    "tensorflow.keras.utils.set_random_seed": frozenset({PY, NP, TF}),
    "torch.manual_seed": frozenset({TORCH}),
    "torch.cuda.manual_seed_all": frozenset({TORCH}),
    "torch.random.manual_seed": frozenset({TORCH}),
    "transformers.set_seed": ALL,
    "accelerate.utils.set_seed": frozenset({PY, NP, TORCH}),
    "pytorch_lightning.seed_everything": frozenset({PY, NP, TORCH}),
    "lightning.seed_everything": frozenset({PY, NP, TORCH}),
    "lightning.pytorch.seed_everything": frozenset({PY, NP, TORCH}),
}
#: Helpers of unknown origin that, by their name, seed everything.
_SEED_HELPERS = frozenset(
    {"set_seed", "seed_everything", "set_random_seed", "fix_seed", "seed_all"}
)

#: Splits, shuffles and samples that take a seed keyword (scikit-learn, pandas, Spark).
_SPLITS = frozenset(
    "train_test_split ShuffleSplit StratifiedShuffleSplit GroupShuffleSplit resample "
    "randomSplit".split()
)
#: scikit-learn wrappers of a Keras network (``keras.wrappers.scikit_learn``, scikeras): a search
#: or a pipeline fits the network inside, out of sight of a ``model.fit`` call.
_KERAS_WRAPPERS = frozenset({"KerasClassifier", "KerasRegressor"})
_SHUFFLE_FOLDS = frozenset({"KFold", "StratifiedKFold", "RepeatedKFold", "RepeatedStratifiedKFold"})
#: scikit-learn estimators whose fit is random unless ``random_state`` is given. A search's own
#: sampling (``RandomizedSearchCV``) is left out, as AutoML's is: it picks candidates, and the
#: candidates' randomness is what the estimators above cover.
_SKLEARN_STOCHASTIC = frozenset(
    "RandomForestClassifier RandomForestRegressor ExtraTreesClassifier ExtraTreesRegressor "
    "GradientBoostingClassifier GradientBoostingRegressor HistGradientBoostingClassifier "
    "HistGradientBoostingRegressor MLPClassifier MLPRegressor SGDClassifier SGDRegressor KMeans "
    "MiniBatchKMeans IsolationForest TSNE DecisionTreeClassifier DecisionTreeRegressor "
    "ExtraTreeClassifier ExtraTreeRegressor BaggingClassifier BaggingRegressor "
    "AdaBoostClassifier AdaBoostRegressor GaussianMixture "
    "LatentDirichletAllocation RandomTreesEmbedding SpectralClustering Perceptron "
    "TruncatedSVD".split()
)
#: imbalanced-learn's samplers and ensembles that draw rows at random unless given
#: ``random_state`` (NumPy's global generator otherwise); NearMiss, Tomek links and the
#: nearest-neighbour cleaners are deterministic.
_IMBLEARN_STOCHASTIC = frozenset(
    "RandomOverSampler SMOTE SMOTENC SMOTEN ADASYN BorderlineSMOTE KMeansSMOTE SVMSMOTE "
    "RandomUnderSampler ClusterCentroids InstanceHardnessThreshold SMOTEENN SMOTETomek "
    "BalancedBaggingClassifier BalancedRandomForestClassifier EasyEnsembleClassifier "
    "RUSBoostClassifier".split()
)
#: Spark ML stages whose default seed changes from one Python process to the next.
_SPARK_STOCHASTIC = frozenset(
    "ALS CrossValidator TrainValidationSplit RandomForestClassifier RandomForestRegressor "
    "GBTClassifier GBTRegressor KMeans BisectingKMeans GaussianMixture LDA Word2Vec "
    "MultilayerPerceptronClassifier FMClassifier FMRegressor DecisionTreeClassifier".split()
)
_NP_DRAWS = frozenset(
    "rand randn randint random random_sample choice normal uniform shuffle permutation "
    "binomial poisson exponential beta gamma multinomial standard_normal".split()
)
_PY_DRAWS = frozenset(
    "random shuffle choice choices sample randint randrange uniform gauss normalvariate "
    "betavariate triangular expovariate getrandbits lognormvariate".split()
)
_TORCH_DRAWS = frozenset("rand randn randint randperm normal bernoulli multinomial".split())
_TF_DRAWS = frozenset("normal uniform shuffle truncated_normal categorical".split())


#: Spark SQL columns of random numbers (seeded by their first argument).
_SPARK_RANDOM_COLUMNS = frozenset({"pyspark.sql.functions.rand", "pyspark.sql.functions.randn"})
#: H2O estimators whose training is random: their ``seed`` defaults to -1, a new one each run
#: (GLMs are deterministic; AutoML is a managed search, not looked into).
_H2O_STOCHASTIC = re.compile(
    r"^H2O(RandomForest|GradientBoosting|DeepLearning|XGBoost|KMeans|IsolationForest|"
    r"ExtendedIsolationForest|Word2vec)Estimator$"
)


#: What a chain ends in when it only shows a sample (``df.sample(5).head()``).
_PEEKS = frozenset("head tail describe info style to_string to_markdown plot hist show".split())


#: Hugging Face classes that put a newly initialised task head on a pretrained body. A language
#: model's head (``AutoModelForCausalLM``, ``...ForMaskedLM``, ``...ForSeq2SeqLM``) comes
#: pretrained with it.
_NEW_HEAD = re.compile(
    r"^(\w+For\w*Classification|\w+ForQuestionAnswering|\w+ForMultipleChoice|"
    r"\w+ForObjectDetection|\w+ForSemanticSegmentation|\w+ForCTC)$"
)


#: Methods that run a function over a frame's groups, rows or columns.
_APPLIERS = frozenset({"apply", "transform", "pipe", "agg", "aggregate", "map", "applymap"})


def _kept(unit: Unit, site: Site) -> bool:
    """Whether a call's result is kept or used further (assigned, returned through a chain such
    as ``df.sample(frac=1).reset_index()``, written out), not only shown."""
    call = site.call
    if (site.cell, call.line) in unit.assigned_lines:
        return True
    if "." in call.func and call.root not in unit.bound_names and call.root not in unit.imports:
        # On the parameter of a function handed to a kept ``apply`` (``balanced = df.groupby(
        # ...).apply(lambda g: g.sample(n))``, its statement begun on an earlier line): a step.
        if any(
            s.cell == site.cell
            and s.call.attr in _APPLIERS
            and s.call.line <= call.line
            and (s.cell, s.call.line) in unit.assigned_lines
            for s in unit.sites
        ):
            return True
    chained = f"{call.func}()."
    return any(
        s.cell == site.cell
        and s.call.line == call.line
        and s.call.func.startswith(chained)
        and s.call.func[len(chained) :].split("(", 1)[0].split(".", 1)[0] not in _PEEKS
        for s in unit.sites
    )


def _seeded(call: Call) -> bool:
    return any(key in call.kwargs and call.kwargs[key].kind != "none" for key in _SEED_KWARGS)


def _global_seeds(unit: Unit) -> tuple[frozenset[str], list[Site]]:
    families: set[str] = set()
    sites: list[Site] = []
    for site in unit.sites:
        covered = _GLOBAL_SEEDS.get(site.qualified)
        if covered is None and site.call.attr in _SEED_HELPERS:
            covered = _GLOBAL_SEEDS.get(site.qualified.replace(".utils", ""), ALL)
        if covered is not None:
            families.update(covered)
            sites.append(site)
    return frozenset(families), sites


#: Names of what a random draw is for when it only makes a resource's name unique.
_RESOURCE_NAME_PIECES = frozenset({"suffix", "prefix", "name", "id", "uid", "uuid", "tag"})


def _names_a_resource(unit: Unit, site: Site) -> bool:
    """``suffix = str(np.random.uniform())[4:9]``: a draw bound to a name's suffix, on its line."""
    return any(
        cell == site.cell
        and a.line == site.call.line
        and set(name_pieces(a.target)) & _RESOURCE_NAME_PIECES
        for cell, a in unit.assigns
    )


def _keras_models(unit: Unit) -> set[str]:
    """Receivers compiled as Keras models, or built from Keras/TensorFlow classes."""
    found = {s.call.func.rsplit(".", 1)[0] for s in unit.sites if s.call.attr == "compile"}
    for name, origins in unit.origins.items():
        if any(o.startswith(("tensorflow.", "keras.")) for o in origins):
            found.add(name)
    return found


def _step(unit: Unit, site: Site, seeds: frozenset[str], keras: set[str]) -> str:
    """What is random and unseeded about this call, or empty."""
    call, q, attr = site.call, site.qualified, site.call.attr
    if _seeded(call) or (call.func in unit.defs and call.func not in unit.imports):
        return ""  # seeded, or the notebook's own function of a library's name
    if q.startswith("random.") and attr in _PY_DRAWS:
        if PY in seeds or "string" in call.names:  # random names for resources, like uuid
            return ""
        return f"{call.func}() draws from Python's random module with no seed set"
    if q.startswith("numpy.random."):
        if _names_a_resource(unit, site):
            return ""
        if attr in ("default_rng", "RandomState", "Generator") and not call.args:
            return f"{call.func}() creates a generator without a seed"
        if attr in _NP_DRAWS and NP not in seeds:
            return f"{call.func}() draws from NumPy's global generator with no seed set"
        return ""
    if attr == "rvs" and q.startswith("scipy.stats.") and NP not in seeds:
        # A distribution's draw with no ``random_state`` uses NumPy's global generator.
        return f"{call.func}() draws from NumPy's global generator with no seed set"
    if q.startswith("torch.") and attr in _TORCH_DRAWS and TORCH not in seeds:
        return f"{call.func}() draws random numbers with no torch seed set"
    if q.startswith("tensorflow.random.") and attr in _TF_DRAWS and TF not in seeds:
        return f"{call.func}() draws random numbers with no TensorFlow seed set"
    if attr in _SPLITS:
        # A method ``resample`` is pandas' or darts' change of frequency, which draws nothing:
        # only scikit-learn's function samples rows.
        if attr == "resample" and not q.startswith("sklearn."):
            return ""
        shuffle = call.kwargs.get("shuffle")
        if shuffle is not None and shuffle.text == "False":
            return ""
        if _ray_dataset(unit, call) and (shuffle is None or shuffle.text != "True"):
            return ""  # a Ray Dataset splits in order unless told to shuffle
        if attr == "randomSplit" or NP not in seeds:
            return f"{call.func}() splits or resamples without a seed"
        return ""
    if attr == "random_split":
        if q.startswith("torch."):
            if TORCH not in seeds:
                return f"{call.func}() splits a dataset with no torch seed set"
            return ""
        if "." in call.func:
            # A dataset's own split (Azure ML's ``TabularDataset.random_split``) draws afresh
            # unless given ``seed``; no global generator reaches it.
            return f"{call.func}() splits without a seed"
        return ""
    if attr in _KERAS_WRAPPERS and q.startswith(("keras.", "tensorflow.", "scikeras.")):
        if TF not in seeds:
            return (
                f"trains a Keras network wrapped in {attr} with no TensorFlow seed (weight "
                "initialisation, dropout and shuffling are random)"
            )
        return ""
    if attr in _SHUFFLE_FOLDS:
        shuffle = call.kwargs.get("shuffle")
        if shuffle is not None and shuffle.text == "True" and NP not in seeds:
            return f"{attr} shuffles folds without `random_state`"
        return ""
    if attr == "sample" and (call.args or set(call.kwargs) & {"n", "frac", "fraction"}):
        if q.startswith("random.") or not _kept(unit, site):
            return ""  # ``df.sample(5)`` only shown, not used: a peek, not a step
        spark = "fraction" in call.kwargs or "withReplacement" in call.kwargs
        if spark or NP not in seeds:
            return f"{call.func}() samples without a seed"
        return ""
    if attr == "shuffle" and unit.uses("tensorflow") and "." in call.func and call.args:
        if TF not in seeds and not q.startswith(("numpy", "random", "sklearn")):
            return f"{call.func}() shuffles a dataset without a seed"
        return ""
    if q.startswith("tensorflow.image.random_") and TF not in seeds:
        return f"{call.func}() augments images at random with no TensorFlow seed set"
    if q in _SPARK_RANDOM_COLUMNS and not call.args:
        return f"{call.func}() draws a random column without a seed"
    if attr == "DataLoader" and q.startswith("torch.") and TORCH not in seeds:
        shuffle = call.kwargs.get("shuffle")
        if shuffle is not None and shuffle.text == "True":
            return f"{call.func}() shuffles batches with no torch seed set"
        return ""
    if q.startswith("h2o.") and _H2O_STOCHASTIC.search(attr):
        return f"{attr} is created without a `seed` (H2O's default seed is random)"
    if q.startswith("pyspark.") and attr in _SPARK_STOCHASTIC:
        return f"{attr} is created without a `seed` (Spark's default differs between runs)"
    if attr in _IMBLEARN_STOCHASTIC and q.startswith("imblearn."):
        if NP not in seeds:
            return f"resamples with {attr} without `random_state`"
        return ""
    if attr in _SKLEARN_STOCHASTIC and (q.startswith("sklearn.") or "." not in call.func):
        if NP not in seeds:
            return f"fits {attr} without `random_state`"
        return ""
    if attr in FASTAI_FITS and TORCH not in seeds and unit.uses("fastai"):
        made = unit.origin(call.func.rsplit(".", 1)[0]).rsplit(".", 1)[-1]
        if "." in call.func and made.lower().endswith("learner"):
            return (
                f"trains a fastai learner with {call.func}() and no seed (the new head's "
                "weights and the batches are random)"
            )
    if (
        attr == "from_pretrained"
        and q.startswith("transformers.")
        and _NEW_HEAD.search(q.rsplit(".", 2)[-2])
        and TORCH not in seeds
        and unit.first_training is not None
    ):
        return (
            f"trains {q.rsplit('.', 2)[-2]} from {call.func}() with no seed set first (its new "
            "head is initialised at random before any trainer seeds)"
        )
    if attr == "fit" and TF not in seeds and call.func.rsplit(".", 1)[0] in keras:
        return (
            f"trains a Keras model with {call.func}() and no TensorFlow seed (weight "
            "initialisation, dropout and shuffling are random)"
        )
    if attr in ("fit", "finetune") and TORCH not in seeds and _lightning_trainer(unit, call):
        return (
            f"trains with Lightning's {call.func}() and no seed (`seed_everything`): "
            "initialisation, dropout and shuffling are random"
        )
    if attr == "apply_gradients" and TF not in seeds and unit.uses("tensorflow", "keras"):
        return (
            f"trains with {call.func}() and no TensorFlow seed (initialisation and batches are "
            "random)"
        )
    if (
        attr == "backward"
        and unit.uses("torch")
        and TORCH not in seeds
        and steps_an_optimiser(unit)
    ):
        return (
            f"trains with {call.func}() and no torch seed (initialisation and batches are random)"
        )
    return ""


#: Lightning's trainer (and Lightning Flash's, built on it), which seeds nothing unless told;
#: the Hugging Face ``Trainer`` seeds from its arguments' ``seed``.
_LIGHTNING_TRAINER = re.compile(r"^(pytorch_lightning|lightning|flash)\.(\w+\.)*Trainer$")


def _receiver_from(unit: Unit, call: Call, origin: Callable[[str], object]) -> bool:
    """Whether ``call`` is a method of an object one of whose origins passes ``origin``."""
    if "." not in call.func:
        return False
    receiver = call.func.rsplit(".", 1)[0]
    return any(origin(o) for o in unit.ancestry(receiver))


def _ray_dataset(unit: Unit, call: Call) -> bool:
    """Whether ``call`` is a method of a Ray Dataset (``ray.data.read_csv(...)`` and what follows)."""
    return _receiver_from(unit, call, lambda o: o.startswith("ray."))


def _lightning_trainer(unit: Unit, call: Call) -> bool:
    return _receiver_from(unit, call, _LIGHTNING_TRAINER.match)


def check(ctx: NotebookContext) -> CheckResult:
    for unit in ctx.units:
        # A seed makes a run repeatable; it versions nothing, so it is no evidence of a practice.
        seeds, _ = _global_seeds(unit)
        keras = _keras_models(unit) if unit.uses("tensorflow", "keras") else set()
        trained_nn = False
        # The same unseeded call repeated in one cell is one finding, with a count.
        found: dict[tuple[int, str], list[int]] = {}
        for site in unit.sites:
            what = _step(unit, site, seeds, keras)
            if what.startswith("trains"):
                if trained_nn:  # one finding per unit for an unseeded network is enough
                    continue
                trained_nn = True
            if what:
                found.setdefault((site.cell, what), []).append(site.call.line)
        for (cell, what), lines in found.items():
            times = f" ({len(lines)} times in this cell)" if len(lines) > 1 else ""
            yield Hit(cell, lines[0], what + times)


RULE = Rule(
    code="MLW004",
    name="unseeded-randomness",
    summary="A split, shuffle, sample, random draw or stochastic model runs without a seed",
    severity="warning",
    pillars=("operational-excellence", "reliability"),
    best_practices=("MLOPS03-BP02", "MLREL03-BP01"),
    fix="Pass `random_state=`/`seed=` to the call, or seed the generator once at the top "
    "(`np.random.seed(42)`, `tf.keras.utils.set_random_seed(42)`, `torch.manual_seed(42)`).",
    doc="""\
## What it does
Flags each visible stochastic step that runs without a seed: train/test splits, shuffles and
samples that are kept (pandas, Spark, `tf.data`, shuffled PyTorch `DataLoader`s, `random_split`
of PyTorch or of an Azure ML dataset; a Ray Dataset's split only when told to shuffle), draws from
NumPy's, Python's, PyTorch's or TensorFlow's generators, random image augmentation
(`tf.image.random_*`), Spark's `rand()` columns, stochastic scikit-learn, Spark and H2O models,
imbalanced-learn's random samplers (`SMOTE`, `ADASYN`, `RandomUnderSampler`),
and neural networks trained with Keras (also wrapped in `KerasClassifier`), PyTorch or fastai,
or a Hugging Face task head put on a
pretrained body and trained, in the notebook or in a `%%writefile` script it runs. A step counts
as seeded when the call gets a seed or the generator it draws from is seeded in the same code
(`np.random.seed` also covers scikit-learn and pandas, which fall back on it). Seeding only the
split and not the model is still a finding. Randomness inside managed training jobs and AutoML
is not counted, nor random resource names, nor a sample that is only shown.

## Why is this bad?
Unseeded runs cannot be repeated: a reviewer cannot reproduce the reported metric, and two runs
of the same notebook disagree for no reason anyone can trace.

## Example
```python
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=42)
model = RandomForestClassifier().fit(X_train, y_train)
```

## Use instead
```python
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=42)
model = RandomForestClassifier(random_state=42).fit(X_train, y_train)
```

## Suppress
`# mlwa: ignore[MLW004] reason` in the cell.
""",
    check=check,
)
