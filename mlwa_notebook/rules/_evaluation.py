"""Where a notebook trains models and where it scores them, and on what data.

Shared by ``missing-evaluation`` and ``evaluation-on-training-data``. Training is a fit of
something that is not a preprocessing step, a training or tuning job launched, or a gradient
step. Scoring is a metric computed from labels and predictions; what it is computed on comes
from the unit's data flow (``_flow.DataFlow``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from mlwa_notebook.cellcode import Call, CodeFacts
from mlwa_notebook.dataflow_names import (
    held_out_name,
    name_pieces,
    names_a_metric,
    test_name,
    train_name,
)
from mlwa_notebook.phases.features import library_phase
from mlwa_notebook.rules._flow import Site, Unit
from mlwa_notebook.rules._patterns import loaded_component
from mlwa_notebook.rules._submitted_jobs import submits_training

#: Fitted objects that transform data rather than predict (by class or variable name).
_TRANSFORMER_CLASS = re.compile(
    r"(Scaler|Encoder|Encode$|Imputer|Vectorizer|PCA|SVD|Transformer|Tokenizer|Binarizer|Discretizer|"
    r"Normalizer|Selector|^Select|Indexer|Assembler|Featurizer|Processor|Splitter|Resampler|"
    r"SMOTE|Sampler|Hasher|Polynomial|Bucketizer|Aligner|"
    # Embeddings and topic extraction make features (the labelling conventions'
    # feature-engineering), and a neighbour index is a lookup. Clustering is a model: by the
    # facts' conventions it is trained, and scored on held-out rows or not at all.
    r"NearestNeighbors|TSNE|UMAP|Isomap|LatentDirichletAllocation|NMF|Word2Vec)",
)
_TRANSFORMER_PIECES = frozenset(
    "scaler encoder imputer vectorizer tokenizer pca tfidf transformer preprocessor selector "
    "normalizer indexer assembler processor sc le ohe enc".split()
)
#: Libraries whose ``fit`` estimates a distribution, not a model.
_NOT_MODEL_LIBS = ("scipy.", "statsmodels.tsa.stattools", "matplotlib.")
#: Cross-validation scores a model on folds it was not fitted on (scikit-learn, the boosters).
_CROSS_VALIDATION = frozenset(
    "cross_val_score cross_validate cross_val_predict learning_curve validation_curve".split()
)
_CV_MODULES = ("catboost.cv", "xgboost.cv", "lightgbm.cv", "sklearn.model_selection.")
#: What a search or a cross-validation reads back: scores on held-out folds.
_CV_RESULTS = {
    "best_score_": "a search's cross-validated best score",
    "cv_results_": "a search's cross-validated scores",
}
#: Scores a fitted object keeps of data it held out, read back: a search's cross-validated
#: scores, AutoML's best validation loss (FLAML's ``best_loss``), a booster's best score on its
#: evaluation sets (``best_score``) and a forest's out-of-bag score (``oob_score_``).
_HELD_OUT_RESULTS = {
    **_CV_RESULTS,
    "best_loss": "the best validation loss of an AutoML search",
    "best_score": "the best score on the evaluation sets",
    "oob_score_": "the out-of-bag score",
}
#: Methods of a trainer that score on the held-out loaders they are given.
_TRAINER_SCORING = frozenset({"test", "validate", "evaluate"})
#: Reads of the evaluations a managed service made of a model on a split it held out.
_EVALUATIONS_READ_BACK = frozenset({"list_model_evaluations", "get_model_evaluation"})
#: Reads of an AutoML job's candidates, each with its objective on the split it held out
#: (SageMaker Autopilot's ``best_candidate()``, ``list_candidates()``).
_CANDIDATES_READ_BACK = frozenset({"best_candidate", "list_candidates"})
#: Keyword arguments that hand a report or suite data the model was not fitted on.
_HELD_OUT_DATA_KWARGS = frozenset(
    "current_data test_dataset test_data eval_dataset validation_data test_ds".split()
)
#: Objects that run training as a managed job (``job.run()``, ``tuner.tune()``).
_JOB_CLASS = re.compile(
    r"(TrainingJob|AutoML|CustomJob|HyperparameterTuningJob|Tuner|Trainer)", re.I
)
#: Job resources whose creation starts training (sagemaker-core ``TrainingJob.create``).
_JOB_RESOURCE = re.compile(r"(TrainingJob|AutoMLJob\w*|HyperParameterTuningJob)\.create$", re.I)
_JOB_CREATORS = frozenset(
    "create_training_job create_auto_ml_job create_auto_ml_job_v2 "
    "create_hyper_parameter_tuning_job".split()
)
#: Metric functions, by name (scikit-learn, Keras, Spark, Hugging Face, torchmetrics).
METRICS = frozenset(
    "accuracy_score balanced_accuracy_score f1_score fbeta_score precision_score recall_score "
    "roc_auc_score roc_curve precision_recall_curve average_precision_score log_loss "
    "brier_score_loss confusion_matrix multilabel_confusion_matrix classification_report "
    "matthews_corrcoef cohen_kappa_score mean_squared_error root_mean_squared_error "
    "mean_absolute_error mean_absolute_percentage_error median_absolute_error r2_score "
    "explained_variance_score mean_squared_log_error hamming_loss jaccard_score "
    "top_k_accuracy_score ndcg_score dcg_score d2_absolute_error_score from_predictions "
    "silhouette_score calinski_harabasz_score davies_bouldin_score adjusted_rand_score "
    "adjusted_mutual_info_score normalized_mutual_info_score v_measure_score "
    "from_estimator evaluate score compute pearsonr spearmanr".split()
)
_METRIC_MODULES = ("sklearn.metrics.", "torchmetrics.", "evaluate.")
_METRIC_OBJECTS = ("keras.metrics.", "tensorflow.keras.metrics.", "torchmetrics.")
#: Evaluator objects built over an evaluation set, called with the model to score it.
_EVALUATOR_OBJECTS = ("sentence_transformers.evaluation.",)
#: Comparisons of predictions with labels written by hand.
_AGGREGATES = frozenset("crosstab mean sum sqrt average abs allclose".split())
#: Keyword arguments that make a fit report a metric on held-out data as it trains.
_HELD_OUT_KWARGS = frozenset(
    "validation_data eval_set evals valid_sets validation_split eval_dataset "
    "validation_dataset validation_frame val_dataloaders valid_data eval_data val_series "
    "validation_set".split()
)


@dataclass(frozen=True, slots=True)
class Scoring:
    """A place where a model is scored, and whether on held-out or on training data."""

    unit: Unit
    site: Site
    held_out: bool
    note: str = ""
    #: Whether it is shown as evidence of testing on unseen data: early stopping on the test
    #: set scores on held-out rows, but tunes on them too.
    credited: bool = True
    #: The test data a fit stopped early on (``eval_set=[(X_test, y_test)]``): what scores it
    #: later is no clean test either.
    tuned_on: frozenset[str] = frozenset()


#: Estimators that choose their settings by cross-validation as they fit (``GridSearchCV``,
#: ``LassoCV``, scikit-optimize's ``BayesSearchCV``), by the libraries that define them.
_CV_ESTIMATOR = re.compile(r"^[A-Z]\w*CV$")
_CV_ESTIMATOR_LIBS = ("sklearn.", "skopt.", "dask_ml.", "tune_sklearn.", "imblearn.")


def _cross_validating(unit: Unit, site: Site) -> str:
    """The cross-validating estimator a fit is called on (``LassoCV(cv=10).fit(X, y)``), or
    ``""``."""
    receiver = site.call.func.rsplit(".", 1)[0]
    if receiver.endswith(")"):  # built in the same expression
        made = [(receiver.split("(", 1)[0].rsplit(".", 1)[-1], site.qualified)]
    else:
        made = [(o.rsplit(".", 1)[-1], o) for o in unit.origin(receiver).split()]
    for name, origin in made:
        if _CV_ESTIMATOR.match(name) and (
            origin.startswith(_CV_ESTIMATOR_LIBS) or name.endswith("SearchCV")
        ):
            return f"{name}()"
    return ""


def _is_transformer(unit: Unit, site: Site) -> bool:
    receiver = site.call.func.rsplit(".", 1)[0]
    origin = unit.origin(receiver)
    if origin and _TRANSFORMER_CLASS.search(origin.rsplit(".", 1)[-1]):
        return True
    if receiver.endswith(")") and _TRANSFORMER_CLASS.search(receiver):
        return True
    if any(p in _TRANSFORMER_PIECES for p in name_pieces(receiver)):
        return True
    return _pipeline_of_transformers(unit, site, receiver)


#: Constructors of a pipeline of stages (scikit-learn, Spark ML): it is what its stages are.
_PIPELINES = frozenset({"Pipeline", "make_pipeline"})


def _pipeline_of_transformers(unit: Unit, site: Site, receiver: str) -> bool:
    """A pipeline whose every stage transforms (``Pipeline(stages=indexers).fit(df)`` over a
    list of ``StringIndexer``): fitting it learns encodings, not a model. Names that are no
    stage (column names, loop variables) are left aside; one stage that is not a transformer
    makes it a model."""
    # Most fits are of models built by name: ask what built the receiver before looking for
    # the constructor among every call.
    if receiver.endswith("()"):
        if receiver[:-2].rsplit(".", 1)[-1] not in _PIPELINES:
            return False
        # Built in the same expression: the constructor is its own call on that line.
        built = [
            s.call
            for s in unit.sites
            if s.cell == site.cell
            and s.call.line == site.call.line
            and s.call.func == receiver[:-2]
        ]
    else:
        if not any(o.rsplit(".", 1)[-1] in _PIPELINES for o in unit.origin(receiver).split()):
            return False
        built = [s.call for s in unit.built_by.get(receiver, ())]
    if not built or any(c.attr not in _PIPELINES for c in built):
        return False
    verdicts = [_stage_transforms(unit, n, 3) for c in built for n in c.names if n != c.root]
    stages = [v for v in verdicts if v is not None]
    return bool(stages) and all(stages)


def _stage_transforms(unit: Unit, name: str, depth: int) -> bool | None:
    """Whether a name among a pipeline's stages is a transformer: a transformer class, a name
    bound from one, or a list of them (``[StringIndexer(inputCol=c) for c in cols]``). ``None``
    for a name that is no stage: a column name, a comprehension's loop variable."""
    if name[:1].isupper():
        return bool(_TRANSFORMER_CLASS.search(name))
    origin = unit.origin(name)
    if origin:
        return all(_TRANSFORMER_CLASS.search(o) for o in origin.split())
    if any(p in _TRANSFORMER_PIECES for p in name_pieces(name)):
        return True
    if name in unit.models:
        return False  # fitted or asked to predict elsewhere: a model whatever it was built from
    if depth == 0:
        return None
    inner = {n for v in unit.values_of.get(name, ()) for n in v.names if n != name}
    verdicts = [_stage_transforms(unit, n, depth - 1) for n in inner]
    stages = [v for v in verdicts if v is not None]
    return all(stages) if stages else None


def _job_receiver(unit: Unit, site: Site) -> bool:
    receiver = site.call.func.rsplit(".", 1)[0]
    origin = unit.origin(receiver)
    text = origin or receiver
    return bool(_JOB_CLASS.search(text)) or any(
        p in ("trainer", "estimator", "tuner", "job") for p in name_pieces(receiver)
    )


def _stops_early(unit: Unit, site: Site) -> bool:
    """Whether a fit stops early on the data it validates on: told so in the fit, or in the
    model's constructor (``XGBRegressor(early_stopping_rounds=10)``)."""
    receiver = site.call.func.rsplit(".", 1)[0]
    calls = [site.call]
    if receiver != site.call.func:
        calls += [s.call for s in unit.built_by.get(receiver, ())]
    return any(k.startswith("early_stopping") for c in calls for k in c.kwargs)


def _made_as_estimator(unit: Unit, site: Site) -> bool:
    """Whether the receiver was built as a job's estimator (``bt = sagemaker.estimator.Estimator``
    whatever its name)."""
    origin = unit.origin(site.call.func.rsplit(".", 1)[0])
    return "estimator" in name_pieces(origin.rsplit(".", 1)[-1]) if origin else False


def _made_by_checker(unit: Unit, site: Site) -> bool:
    """Whether the receiver was made by a monitoring or validation library (a drift calculator's
    ``fit`` learns a reference, not a model)."""
    receiver = site.call.func.rsplit(".", 1)[0]
    for origin in unit.ancestry(receiver):
        if library_phase(origin) == "monitoring":
            return True
    return library_phase(site.qualified) == "monitoring"


def steps_an_optimiser(unit: Unit) -> bool:
    """Whether gradients are applied: an optimiser's ``step()`` or a ``torch.optim`` object.
    A ``backward()`` alone (autograd on a few tensors, to show derivatives) trains nothing."""
    return any(
        s.qualified.startswith("torch.optim.")
        or (s.call.attr == "step" and "opt" in s.call.root.lower())
        for s in unit.sites
    )


def trainings(unit: Unit) -> list[Site]:
    """Calls that train a model, in order."""
    # What the call is is asked first and where its receiver came from only then: the calls
    # that train are few, and following a receiver's ancestry is the dearer question.
    return [
        site
        for site in unit.sites
        if _trains(unit, site)
        and not (site.qualified.startswith(_NOT_MODEL_LIBS) or _made_by_checker(unit, site))
    ]


def recipe_step(unit: Unit, site: Site) -> str:
    """The step an MLflow Recipe is told to run (``r.run("train")``), or ``""``."""
    call = site.call
    if call.attr != "run" or "mlflow.recipes" not in unit.origin(call.root):
        return ""
    step = call.args[0] if call.args else call.kwargs.get("step")
    return unit.value_text(step)


def _trains(unit: Unit, site: Site) -> bool:
    """Whether the call trains, its libraries left aside (``trainings`` asks about those)."""
    call, q = site.call, site.qualified
    if call.attr == "run" and (step := recipe_step(unit, site)):
        return step == "train"
    if call.attr in ("fit", "fit_generator"):
        # ``self.fit(X, y)`` is a class calling its own method (a transformer's
        # ``fit_transform``): what it fits is decided where the class is used.
        return call.func != "self.fit" and not _is_transformer(unit, site)
    if call.attr in FASTAI_FITS:
        return fastai_learner(unit, site)
    if call.attr == "train":
        return bool(call.args or call.kwargs or _job_receiver(unit, site)) and "." in call.func
    if call.attr in ("tune", "run"):
        return _job_receiver(unit, site) and "Processor" not in unit.origin(
            call.func.rsplit(".", 1)[0]
        )
    if call.attr in _JOB_CREATORS or _JOB_RESOURCE.search(q):
        return True
    if loaded_component(unit, call, "train"):
        return True  # a Kubeflow SageMaker training step
    if call.attr == "submit" and submits_training(unit, site):
        return True  # an Azure ML run of a training configuration
    return (call.attr == "backward" and unit.uses("torch") and steps_an_optimiser(unit)) or (
        call.attr == "apply_gradients" and unit.uses("tensorflow", "keras")
    )


#: Keyword arguments by which a notebook reads a managed job's metrics back.
JOB_METRIC_KWARGS = frozenset(
    "metric_definitions objective_metric_name metric_spec objective_metric".split()
)


def _reads_job_metrics(unit: Unit) -> bool:
    return unit.reads_job_metrics


#: Hyperparameters by which a training script (the Hugging Face examples' ``run_*.py``) is told
#: to evaluate on its validation split: ``do_eval: True``, an evaluation strategy other than "no".
_EVAL_SWITCHES = frozenset({"do_eval"})
_EVAL_STRATEGIES = frozenset({"evaluation_strategy", "eval_strategy"})


#: fastai's training loops, besides ``fit``.
FASTAI_FITS = frozenset({"fine_tune", "fit_one_cycle", "fit_flat_cos", "fit_sgdr"})


def fastai_learner(unit: Unit, site: Site) -> bool:
    """Whether the call is on a fastai learner (``learn = cnn_learner(data, ...)``), its maker
    imported by name or, as fastai's tutorials do, with ``from fastai.vision.all import *``."""
    if "." not in site.call.func or not unit.uses("fastai"):
        return False
    receiver = site.call.func.rsplit(".", 1)[0]
    return any(o.rsplit(".", 1)[-1].lower().endswith("learner") for o in unit.ancestry(receiver))


def _splits_nothing_off(unit: Unit) -> bool:
    """A fastai data pipeline told to keep no validation rows (``split_none()``,
    ``valid_pct=0``): its learner has nothing to validate on."""
    return any(
        s.call.attr == "split_none"
        or unit.value_text(s.call.kwargs.get("valid_pct")) in ("0", "0.0")
        for s in unit.sites
    )


def _validates_internally(unit: Unit, site: Site) -> bool:
    """A skorch net holds out a fifth of the data and reports its validation scores every epoch
    unless it is built with ``train_split=None``; a fastai learner reports its metrics on the
    validation rows its data split off, every epoch."""
    if fastai_learner(unit, site):
        return not _splits_nothing_off(unit)
    receiver = site.call.func.rsplit(".", 1)[0]
    for other in unit.built_by.get(receiver, ()):
        if other.qualified.startswith("skorch."):
            split = other.call.kwargs.get("train_split")
            return split is None or split.kind != "none"
    return False


def _job_told_to_evaluate(unit: Unit) -> str:
    for _, assign in unit.assigns:
        value = assign.value
        if assign.target in _EVAL_SWITCHES and value.kind == "bool" and value.text == "True":
            return assign.target
        if assign.target in _EVAL_STRATEGIES and value.kind == "str" and value.text != "no":
            return assign.target
    return ""


#: Keywords that name the metric a tuning job optimises (SageMaker, Azure ML sweeps).
_OBJECTIVE_KWARGS = ("objective_metric_name", "primary_metric")


def _held_out_objective(unit: Unit, site: Site) -> str:
    """A tuning job told to optimise a metric computed on held-out data (``validation:auc``,
    ``eval_accuracy``): each trial is scored there, and the notebook keeps the best one."""
    call = site.call
    value = next((call.kwargs[k] for k in _OBJECTIVE_KWARGS if k in call.kwargs), None)
    if value is None and call.attr == "HyperparameterTuner" and len(call.args) > 1:
        value = call.args[1]  # HyperparameterTuner(estimator, objective_metric_name, ...)
    objective = unit.value_text(value)
    if objective and held_out_name(objective):
        return f"tunes on the held-out metric `{objective}` with {call.func}()"
    return ""


#: Channel names of a validation split handed to a training or tuning job.
_VALIDATION_CHANNELS = frozenset({"validation", "valid", "val", "eval", "dev"})


def _channels(unit: Unit, fit: Site) -> set[str]:
    """The channel names a job's ``fit`` is handed: the keys of the dict it is given, written in
    the call or bound to the name it is given (``fit({"train": s3_train, "validation": ...})``)."""
    lines = {(fit.cell, fit.call.line)}
    first = fit.call.args[0] if fit.call.args else fit.call.kwargs.get("inputs")
    found: set[str] = set()
    if first is not None and first.kind == "name":
        lines |= {(c, a.line) for c, a in unit.assigns if a.target == first.text}
        if any(a.target == first.text + "[]" for _, a in unit.assigns):
            # Filled in a loop (``for channel in channels: data_channels[channel] = ...``):
            # the channel names are a list of them written before the fit.
            found |= _listed_channels(unit, (fit.cell, fit.call.line))
    return found | {a.target for c, a in unit.assigns if (c, a.line) in lines}


def _listed_channels(unit: Unit, before: tuple[int, int]) -> set[str]:
    """The strings of a list literal bound before ``before`` that names a training channel and
    a validation one (``["train", "validation", "train_lst", "validation_lst"]``)."""
    found: set[str] = set()
    for cell, a in unit.assigns:
        if (cell, a.line) >= before or a.value.kind != "collection" or a.value.text != "list":
            continue
        end = min((b.line for c, b in unit.assigns if c == cell and b.line > a.line), default=None)
        items = {
            text
            for c, line, text in unit.strings
            if c == cell and line >= a.line and (end is None or line < end)
        }
        if "train" in items and items & _VALIDATION_CHANNELS:
            found |= items
    return found


def _held_out_dataset(unit: Unit, site: Site) -> str:
    """A held-out split among the datasets a trainer is built with (Ray Train's
    ``XGBoostTrainer(datasets={"train": train_ds, "valid": valid_ds})`` scores every dataset but
    the training one as it trains), or empty."""
    given = site.call.kwargs.get("datasets")
    if given is None or given.kind != "collection" or "Trainer" not in site.qualified:
        return ""
    return next((n for n in site.call.names if unit.flow.is_held_out(n)), "")


def _tuned_on_the_test_channel(unit: Unit, site: Site) -> bool:
    """Whether the tuner built here is fitted on channels that hold a test split and no
    validation split (``tuner.fit({"train": ..., "test": ...})``)."""
    channels: set[str] = set()
    for fit in unit.sites:
        if fit.call.attr == "fit" and fit.call.root in site.call.targets:
            channels |= _channels(unit, fit)
    return "test" in channels and not channels & _VALIDATION_CHANNELS


def _held_out_by_kind(unit: Unit, site: Site) -> str:
    """Scoring on held-out data that its kind says, whatever the names: cross-validation, a
    search's CV scores, a trainer's test loop, a metric helper or an evaluation/monitoring
    library handed held-out data. Returns the note, or ``""``."""
    call, q = site.call, site.qualified
    if call.attr in _CROSS_VALIDATION or (call.attr == "cv" and q.startswith(_CV_MODULES)):
        return f"cross-validates with {call.func}(): scores on folds it was not fitted on"
    folds = call.kwargs.get("nfolds")
    if folds is not None and folds.kind == "num" and folds.text.isdigit() and int(folds.text) > 1:
        return f"cross-validates with nfolds={folds.text} in {call.func}()"
    if "." not in call.func and unit.origin(call.func).startswith(_EVALUATOR_OBJECTS):
        return f"scores the model with {call.func}(), an evaluator built over an evaluation set"
    if any(call.kwargs[k].text == "True" for k in set(call.kwargs) & {"xval", "valid"}):
        return f"reads cross-validated or validation metrics with {call.func}()"
    if call.attr in _CANDIDATES_READ_BACK and _job_receiver(unit, site):
        # AutoML ranks its candidates by the objective computed on a split it holds out.
        return f"reads back the AutoML candidates' validation objective with {call.func}()"
    if call.attr in _EVALUATIONS_READ_BACK:
        # AutoML scores each model it trains on a test split it holds out (Vertex AI).
        return f"reads back the model's evaluation on its held-out split with {call.func}()"
    if call.attr == "evaluation" and "make_inspector" in f"{call.func} {unit.origin(call.root)}":
        # TF-DF's self-evaluation: each tree scored on the rows its bootstrap left out.
        return f"reads the model's out-of-bag self-evaluation with {call.func}()"
    if recipe_step(unit, site) == "evaluate":
        # The recipe's evaluate step scores the trained model on its validation and test splits.
        return f"runs the recipe's evaluate step with {call.func}(): validation and test scores"
    if call.attr == "backtest":
        # A time-series backtest (darts) scores forecasts of windows after the data it was
        # fitted on: walk-forward validation.
        return f"backtests with {call.func}(): scores forecasts of windows it was not fitted on"
    read = [v.text for v in (*call.args, *call.kwargs.values()) if v.kind == "name"]
    for text in read:
        if text.rsplit(".", 1)[-1] in _CV_RESULTS:
            return f"reads the cross-validated scores ({text})"
    # The held-out names are looked for only once the callee's kind makes them matter: most
    # calls are of no kind that scores.
    if "." in call.func and call.attr in _TRAINER_SCORING and _job_receiver(unit, site):
        on_train = any(train_name(n) for n in call.names)
        if (call.attr == "test" or _held_names(unit, call)) and not on_train:
            return f"scores the model with {call.func}() on held-out data"
    pieces = set(name_pieces(call.attr))
    if (
        names_a_metric(call.attr)
        and not pieces & _NOT_METRIC_PIECES
        and not _reports(call)
        and not q.startswith(_METRIC_RECORDS)
    ):
        held = _held_names(unit, call)
        if held:
            return f"computes a metric with {call.func}() on held-out `{held[0]}`"
    if call.attr == "leaderboard" or (pieces & _EVAL_STEP_WORDS and pieces & _STEP_WORDS):
        held = _held_names(unit, call)
        if held and call.attr == "leaderboard":
            return f"ranks the fitted models on held-out `{held[0]}` with {call.func}()"
        if held:
            return f"runs the evaluation step {call.func}() on held-out `{held[0]}`"
    lib = library_phase(q)
    if lib is None and "." in call.func:
        origin = unit.origin(call.func.rsplit(".", 1)[0])
        lib = library_phase(origin) if origin else None
    if lib in ("model-evaluation", "monitoring") and _runs_an_evaluation(unit, site):
        held = _held_names(unit, call)
        kw = [k for k in call.kwargs if k in _HELD_OUT_DATA_KWARGS and _unseen(unit, call, k)]
        if held or kw:
            shown = held[0] if held else f"{kw[0]}="
            return f"evaluates with {call.func}() on data the model was not fitted on ({shown})"
    helper = lib is None and not q.startswith(_GENERAL_LIBRARIES)
    if helper and not call.attr[:1].isupper() and not pieces & _NOT_A_SCORING_HELPER:
        # By the names of the data handed to it, or of its parameters (``test_x_path=...``);
        # not names inside other calls among its arguments (``"{}".format(score(X_test, y))``).
        direct = {v.text for v in (*call.args, *call.kwargs.values()) if v.kind == "name"}
        held = [n for n in _held_names(unit, call) if n in direct]
        held += [k for k in call.kwargs if held_out_name(k)]
        inputs = [n for n in held if set(name_pieces(n)) & _INPUT_PIECES]
        labels = [n for n in held if set(name_pieces(n)) & _LABEL_PIECES]
        if inputs and labels:
            # A helper of the notebook or its repository handed the held-out inputs and their
            # labels (``fit_and_evaluate(model, X_test, y_test)``): it can only score with them.
            return f"hands held-out `{inputs[0]}` and `{labels[0]}` to {call.func}()"
    return ""


def _reports(call: Call) -> bool:
    """A log line or an exception (``logger.error(...)``, ``ValueError(...)``): no metric,
    whatever its name says."""
    if call.attr.endswith(("Error", "Exception", "Warning")):
        return True
    return "." in call.func and bool({"log", "logger", "logging"} & set(name_pieces(call.root)))


#: A hand-written evaluation step (``test_step(images, labels)``, ``eval_epoch(val_loader)``).
_EVAL_STEP_WORDS = frozenset({"test", "eval", "evaluate", "evaluation", "valid", "validate", "val"})
_STEP_WORDS = frozenset({"step", "epoch", "loop", "batch"})


def _held_names(unit: Unit, call: Call) -> list[str]:
    """The held-out data a call reads: not its callee, nor names of training data."""
    flow = unit.flow
    data = [n for n in call.names if n not in unit.not_data or flow.is_held_out(n)]
    own = {call.root, call.func.split("(", 1)[0]}  # the callee itself is not its data
    return [n for n in data if n not in own and flow.is_held_out(n) and not train_name(n)]


#: Callee words that say a call moves, splits or loads data, or trains on it: not a metric,
#: whatever else its name says (``ds_valid.map``, ``train_test_split``, ``load_test_data``).
_NOT_METRIC_PIECES = frozenset(
    "map split load loader loaders dataset dataloader step loss combine".split()
)

#: Held-out inputs and their labels, by name (``X_test``, ``y_val``, ``test_labels``).
_INPUT_PIECES = frozenset("x features feature inputs images texts".split())
_LABEL_PIECES = frozenset("y labels label target targets".split())
#: Libraries for arrays, frames, plots, tensors and run logs: their callees handed held-out
#: inputs and labels interpolate, plot or log them (a metric of theirs is known by its name).
_GENERAL_LIBRARIES = (
    "numpy.",
    "pandas.",
    "scipy.",
    "matplotlib.",
    "seaborn.",
    "plotly.",
    "torch.",
    "tensorflow.",
    "keras.",
    "wandb.",
    "mlflow.",
    "comet_ml.",
    "neptune.",
    # Parallel and distributed computing: ``dask.persist(X_test, y_test)`` moves data, no more.
    "dask.",
    "distributed.",
    "ray.",
    "pyspark.",
    "polars.",
    "jax.",
)
#: Callees that fit, predict, move or plot data: handed held-out inputs and labels, they score
#: nothing.
_NOT_A_SCORING_HELPER = _NOT_METRIC_PIECES | frozenset(
    "fit train training predict prepare preprocess transform save dump plot show concat "
    "tensor tensors pool dmatrix zip print normalize scale encode format float int str len".split()
)
#: Records of where metrics are kept (SageMaker's ``ModelMetrics(model_statistics=...)`` for a
#: model package): they point at an evaluation's report, they compute nothing.
_METRIC_RECORDS = ("sagemaker.model_metrics.", "sagemaker.workflow.properties.")
#: Calls of an evaluation library that run the evaluation (not build its inputs or save it).
_EVALUATING_CALLS = frozenset("run evaluate compute test check run_suite calculate score".split())
_EVALUATION_CLASS = re.compile(r"(Report|Suite|Test|Performance|Metric|Evaluat|Dashboard|Check)")
#: Explanations say why a model predicts, not how well.
_EXPLAINERS = ("shap.", "lime.", "captum.", "interpret.", "alibi.", "dalex.", "eli5.")


def _runs_an_evaluation(unit: Unit, site: Site) -> bool:
    """A report run or a suite built on data, not a drift check, an explainer or a save."""
    call = site.call
    receiver = call.func.rsplit(".", 1)[0] if "." in call.func else ""
    if site.qualified.startswith(_EXPLAINERS) or "explain" in call.attr.lower():
        return False
    made = " ".join((site.qualified, receiver, *unit.ancestry(receiver))) if receiver else ""
    if "drift" in name_pieces(receiver) or "Drift" in made:
        return False  # a drift check compares data distributions; it scores no model
    if call.attr in _EVALUATING_CALLS:
        return True
    constructor = call.attr[:1].isupper() and call.attr == call.func.rsplit(".", 1)[-1]
    return constructor and bool(_EVALUATION_CLASS.search(call.attr))


def _unseen(unit: Unit, call: Call, keyword: str) -> bool:
    """The data given as ``current_data=`` is not what the model learnt from (nor the
    reference it is compared with)."""
    value = call.kwargs[keyword]
    if value.kind != "name":
        return True
    reference = call.kwargs.get("reference_data")
    if reference is not None and reference.text == value.text:
        return False
    # The reference is, by these libraries' own terms, the data the model was built on.
    if set(name_pieces(value.text)) & {"reference", "ref", "train", "training"}:
        return False
    return not unit.flow.is_train(value.text)


def _data_names(unit: Unit, site: Site) -> list[str]:
    call = site.call
    receiver_root = call.root if "." in call.func else ""
    return [n for n in call.names if n not in unit.not_data and n != receiver_root]


def _metric_object(unit: Unit, site: Site) -> bool:
    if "." in site.call.func:
        return False
    return unit.origin(site.call.func).startswith(_METRIC_OBJECTS)


def scorings(unit: Unit) -> list[Scoring]:
    """Places where the unit computes a metric, on held-out or on training data."""
    return unit.scorings


def find_scorings(unit: Unit) -> list[Scoring]:
    """What ``Unit.scorings`` caches."""
    flow = unit.flow
    found: list[Scoring] = []
    predicting = {
        (s.cell, s.call.line)
        for s in unit.sites
        if s.call.attr.startswith("predict") or s.call.attr == "transform"
    }
    for site in unit.sites:
        call = site.call
        objective = _held_out_objective(unit, site)
        held = _held_out_by_kind(unit, site) or objective
        if held:
            # Tuned on a "validation" metric of a job handed only a test channel, the trials
            # are chosen on the test set: scored on unseen data, but not a clean test of it.
            credited = held != objective or not _tuned_on_the_test_channel(unit, site)
            found.append(Scoring(unit, site, True, held, credited=credited))
            continue
        if call.attr == "validate" and fastai_learner(unit, site) and not call.args:
            # ``learn.validate()`` scores the learner on its validation rows.
            note = f"scores the learner on its validation split with {call.func}()"
            found.append(Scoring(unit, site, True, note))
            continue
        if (
            call.attr in ("fit", "fit_generator", "train", *FASTAI_FITS)
            or "Trainer" in site.qualified
        ):
            given = [k for k in call.kwargs if k in _HELD_OUT_KWARGS]
            if call.attr == "fit" and (searcher := _cross_validating(unit, site)):
                note = (
                    f"cross-validates while fitting {searcher}: each candidate is scored on "
                    "folds it was not fitted on"
                )
                found.append(Scoring(unit, site, True, note))
            elif given and call.kwargs[given[0]].kind != "none":
                note = f"validates on held-out data while fitting ({given[0]}= in {call.func}())"
                on_test = frozenset(filter(test_name, call.kwargs[given[0]].names or call.names))
                stops_early = _stops_early(unit, site)
                tuned_on = on_test if stops_early else frozenset()
                found.append(Scoring(unit, site, True, note, not tuned_on, tuned_on))
            elif shown := _held_out_dataset(unit, site):
                note = f"validates on held-out data while fitting (`{shown}` in datasets= of {call.func}())"
                found.append(Scoring(unit, site, True, note))
            elif (
                _job_receiver(unit, site)
                and any(flow.is_held_out(n) for n in call.names)
                and _reads_job_metrics(unit)
            ):
                # A managed job handed a validation or test channel computes its metric there,
                # and the notebook reads it back (metric definitions, a tuning objective).
                shown = next(n for n in call.names if flow.is_held_out(n))
                note = f"the job {call.func}() validates on the held-out channel `{shown}`"
                found.append(Scoring(unit, site, True, note))
            elif (_job_receiver(unit, site) or _made_as_estimator(unit, site)) and (
                validation := sorted(_channels(unit, site) & _VALIDATION_CHANNELS)
            ):
                # A managed job handed a validation channel scores the model on it as it trains
                # and logs the score (the built-in algorithms every round), as a fit given
                # ``validation_data=`` does.
                note = f"the job {call.func}() validates on its `{validation[0]}` channel"
                found.append(Scoring(unit, site, True, note))
            elif _validates_internally(unit, site):
                note = f"validates on a split it holds out while fitting ({call.func}())"
                found.append(Scoring(unit, site, True, note))
            elif _job_receiver(unit, site) and (switch := _job_told_to_evaluate(unit)):
                note = f"the job {call.func}() evaluates on held-out data (`{switch}` is set)"
                found.append(Scoring(unit, site, True, note))
            continue
        metric = (
            call.attr in METRICS
            or site.qualified.startswith(_METRIC_MODULES)
            or _metric_object(unit, site)
        )
        aggregate = call.attr in _AGGREGATES
        if not (metric or aggregate):
            continue
        if call.attr == "compute" and (
            ".predict" in call.func or site.qualified.startswith(("dask.", "distributed."))
        ):
            # Dask's ``model.predict(X_test).compute()`` and ``dask.compute(X[::10], y[::10])``
            # materialise data; they score nothing.
            continue
        data = _data_names(unit, site)
        if call.attr == "crosstab" and "." in call.func and call.root not in unit.not_data:
            # A frame's own cross-tabulation (Spark's ``predictions.stat.crosstab(label,
            # "prediction")``): the frame is what it counts.
            data.append(call.root)
        if not data:
            continue
        has_pred = any(n in flow.predictions for n in data) or (
            (site.cell, call.line) in predicting and not call.attr.startswith("predict")
        )
        if aggregate and not has_pred:
            continue
        if call.attr in ("score", "evaluate", "compute") and not has_pred and len(data) < 1:
            continue
        if any(flow.is_held_out(n) for n in data) and not any(train_name(n) for n in data):
            note = f"scores a model on held-out data with {call.func}()"
            found.append(Scoring(unit, site, True, note))
        elif all(flow.is_train(n) or n in flow.predictions for n in data) and any(
            flow.is_train(n) for n in data
        ):
            found.append(Scoring(unit, site, False))
    return found


#: Names that hold a metric computed by hand (``correct += (pred == y).sum()``, ``test_acc``,
#: ``eval_metric = metric.compute()`` after batches of an evaluation loader).
_HAND_METRIC_PIECES = frozenset(
    "acc accuracy correct f1 auc rmse mae mse precision recall error errors metric metrics".split()
)


#: Names about metrics that hold no value of one (``metric_definitions``, ``metric_names``).
_NOT_A_METRIC_VALUE = frozenset({"definition", "definitions", "name", "names"})


_CLASS_NAME = re.compile(r"^[A-Z][a-z]")


#: A loss or perplexity is a metric when its name says it was taken on held-out data.
_HELD_OUT_LOSS = frozenset({"loss", "ppl", "perplexity"})


def hand_scorings(cells: Iterable[tuple[int, CodeFacts]]) -> list[tuple[int, str]]:
    """Cells that compute a metric by hand over held-out data: they read a held-out name
    (``test_loader``, ``X_val``) and bind a metric's name (``correct``, ``val_acc``)."""
    found = []
    for index, facts in cells:
        # ``val_acc`` and ``val_loss`` are results read back (a history plotted), not held-out data.
        # Upper-case names are settings (``CI_TEST_LIMIT``, ``ACCURACY_THRESHOLD``), not data
        # or results.
        # A class (``SparkDiversityEvaluation``) is no data, nor is a bare ``val`` (a value, as
        # in ``for name, val in metrics.items()``).
        held = sorted(
            n
            for n in facts.loaded
            if held_out_name(n)
            and not n.isupper()
            and n != "val"
            and not _CLASS_NAME.match(n)
            and not set(name_pieces(n)) & (_HAND_METRIC_PIECES | _HELD_OUT_LOSS)
        )
        if not held:
            continue
        metric = sorted(
            n
            for n in facts.stored
            if not n.isupper()
            and not set(name_pieces(n)) & _NOT_A_METRIC_VALUE
            and (
                set(name_pieces(n)) & _HAND_METRIC_PIECES
                or (set(name_pieces(n)) & _HELD_OUT_LOSS and held_out_name(n))
            )
        )
        if metric:
            found.append((index, f"computes `{metric[0]}` over held-out `{held[0]}`"))
    return found


def read_back_scores(cells: Iterable[tuple[int, CodeFacts]]) -> list[tuple[int, str]]:
    """Cells that read back a score a fitted object keeps of data it held out
    (``_HELD_OUT_RESULTS``): an evaluation the notebook shows, though a library computed it."""
    found = []
    for index, facts in cells:
        read = sorted(facts.read_attributes & _HELD_OUT_RESULTS.keys())
        if read:
            found.append((index, f"reads back {_HELD_OUT_RESULTS[read[0]]} (`{read[0]}`)"))
    return found
