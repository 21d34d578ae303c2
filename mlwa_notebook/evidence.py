"""Signs that a best practice is followed, as data: what code calls or passes shows it, and where.

Rules record evidence for the practices they check; this table covers practices no rule checks
but a notebook can still show (profiling the data, a baseline model, drift statistics, efficient
search, managed jobs, pipelines…). Each row reads: a call named ``call`` (optionally only under a
module prefix), or a keyword ``keyword`` given a value, is evidence for ``practice``. The engine
adds every match to the report as "met, see cell N".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from mlwa_notebook.dataflow_names import name_pieces
from mlwa_notebook.rules._flow import Site, Unit
from mlwa_notebook.rules.base import NotebookContext, Proof


@dataclass(frozen=True, slots=True)
class PracticeSignal:
    """One pattern that evidences one best practice.

    A call matches by its last name (``calls``), a keyword given a real value (``keywords``) or a
    word of its last name (``words``). Where the same name means something else in another library
    (``convert`` in PIL, ``describe`` on a SageMaker job), ``modules`` says where the callee or its
    receiver must come from, and ``not_modules`` / ``not_receivers`` where it must not.
    ``subject="model"`` asks that the call act on a model (its receiver or first argument).
    """

    practice: str
    note: str
    calls: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    not_modules: tuple[str, ...] = ()
    not_receivers: frozenset[str] = frozenset()
    #: Endings of a receiver's words that rule it out (``stdscaled_df``: a scaler's output).
    not_receiver_endings: tuple[str, ...] = ()
    subject: str = ""
    #: Only in cells before the first model is trained (profiling the data, not predictions).
    before_training: bool = False
    #: Only where a model is trained at all (a search over a toy function tunes nothing).
    needs_training: bool = False
    #: The receiver chain the call must end (``.isna().sum()``: a count of missing values, not
    #: an ``isna()`` mask inside an index or an assignment).
    chained_on: tuple[str, ...] = ()
    #: Words that must not name a function the receiver was made by (``get_logger()``).
    not_made_by: tuple[str, ...] = ()
    #: Words one of the cell's string literals must contain (the metric a CloudWatch call
    #: reads: ``CPUUtilization``, not a drift value the notebook made up).
    literal_words: tuple[str, ...] = ()
    #: Keywords that count only when they give part of the traffic (a literal strictly between
    #: 0 and 100): all traffic sent to the one new model is no gradual rollout.
    share_keywords: tuple[str, ...] = ()
    #: Only when the result is looked at, not handed to a transformation of the data
    #: (``df[df.a.map(df.a.value_counts()) > 500]`` filters rare values; it inspects nothing).
    shown: bool = False


_FALSY = frozenset({"None", "False", "0", "", "'Off'", '"Off"', "[]", "{}"})
#: Clouds and their SDKs: a ``describe`` or ``info`` there reads a job, not data.
_CLOUD_SDKS = ("sagemaker", "boto3", "botocore", "azure", "azureml", "google.cloud", "vertexai")
#: Receivers whose name says they hold a job, a client or a log, not data.
_NOT_DATA = frozenset(
    "job jobs processor tuner estimator client endpoint predictor run runs session sm logger "
    "log logging status statuses execution executions pipeline step steps experiment "
    "pred preds prediction predictions ytrain ytest".split()
)
_PANDAS_HELPERS = ("pandas.isnull", "pandas.isna", "pandas.notnull", "pandas.value_counts")
#: Receivers whose name says they hold what the notebook made of the data (a frame it
#: fabricated, a scaler's output: ``stdscaled_df``), not the data it inspects before modelling.
_NOT_RAW_DATA = _NOT_DATA | frozenset({"fake", "synthetic", "evaluation", "results", "scores"})
_TRANSFORMED_ENDINGS = ("scaled", "normalized", "normalised", "standardized", "standardised")
#: Words in a name that say it holds a model.
_MODEL_WORDS = frozenset(
    "model models clf classifier regressor estimator pipe pipeline net network booster bst xgb "
    "lgbm gbm rf svm svc knn tree forest learner best automl".split()
)
#: Callees that make or train a model: whatever they return or fit is a model.
_MODEL_MAKERS = frozenset(
    "fit train fit_generator from_pretrained load_model Sequential Model Trainer compile "
    "best_estimator_".split()
)


#: Words of the metrics an endpoint reports about its traffic and its instances.
_UTILISATION_WORDS = ("utilization", "invocationsperinstance", "cpu", "gpu", "memory", "disk")
_SERVING_METRIC_WORDS = (*_UTILISATION_WORDS, "invocation", "latency", "4xx", "5xx", "error")


SIGNALS: tuple[PracticeSignal, ...] = (
    PracticeSignal(
        "MLOPS03-BP01",
        "profiles the data before modelling",
        calls=(
            "describe",
            "info",
            "value_counts",
            "ProfileReport",
            "profile_report",
            "generate_statistics_from_csv",
            "generate_statistics_from_dataframe",
            "nunique",
        ),
        # pandas' module-level isnull/value_counts are element-wise helpers inside other code.
        not_modules=(*_CLOUD_SDKS, "logging", "open", "print", *_PANDAS_HELPERS),
        not_receivers=_NOT_RAW_DATA,
        not_receiver_endings=_TRANSFORMED_ENDINGS,
        not_made_by=("logger", "getlogger", "log"),
        before_training=True,
        shown=True,
    ),
    PracticeSignal(
        "MLOPS03-BP01",
        "profiles the data before modelling",
        calls=("sum", "mean", "any"),
        chained_on=(".isna()", ".isnull()"),
        not_modules=(*_CLOUD_SDKS, *_PANDAS_HELPERS),
        not_receivers=_NOT_RAW_DATA,
        not_receiver_endings=_TRANSFORMED_ENDINGS,
        before_training=True,
        shown=True,
    ),
    PracticeSignal("MLOPS03-BP01", "validates the data against expectations", words=("expect",)),
    PracticeSignal(
        "MLPERF04-BP04",
        "records feature statistics as a baseline",
        calls=(
            "suggest_baseline",
            "generate_statistics_from_csv",
            "generate_statistics_from_dataframe",
            "DataQualityCheckConfig",
        ),
    ),
    PracticeSignal(
        "MLPERF06-BP03",
        "compares data distributions for drift",
        calls=(
            "ks_2samp",
            "wasserstein_distance",
            "DataDriftPreset",
        ),
        words=("drift", "psi"),
        # ``put_drift_metric``: writing a drift value is not measuring one.
        not_receivers=frozenset({"target", "put", "simulate", "fake"}),
    ),
    PracticeSignal(
        "MLPERF04-BP02",
        "compares the model with a simple baseline",
        calls=("DummyClassifier", "DummyRegressor"),
    ),
    PracticeSignal(
        "MLCOST02-BP01",
        "checks the model against a naive baseline",
        calls=("DummyClassifier", "DummyRegressor"),
    ),
    PracticeSignal(
        "MLCOST04-BP11",
        "searches hyperparameters efficiently",
        calls=(
            "RandomizedSearchCV",
            "HalvingGridSearchCV",
            "HalvingRandomSearchCV",
            "create_study",
            "BayesSearchCV",
            "HyperparameterTuner",
            "HyperparameterTuningJob",
            "fmin",
        ),
        needs_training=True,
    ),
    PracticeSignal(
        "MLSUS04-BP04",
        "tunes with a search that stops early or samples",
        calls=(
            "RandomizedSearchCV",
            "HalvingGridSearchCV",
            "HalvingRandomSearchCV",
            "create_study",
            "BayesSearchCV",
        ),
    ),
    PracticeSignal(
        "MLSUS04-BP04",
        "stops training early when it no longer improves",
        calls=("EarlyStopping",),
        keywords=("early_stopping_type", "early_stopping_rounds", "early_stopping"),
    ),
    PracticeSignal(
        "MLCOST04-BP05",
        "uses AutoML for the model search",
        calls=(
            "AutoML",
            "AutoMLV2",
            "AutoMLTabularTrainingJob",
            "create_auto_ml_job",
            "create_auto_ml_job_v2",
        ),
    ),
    PracticeSignal(
        "MLCOST04-BP06",
        "trains in a managed job that releases its compute",
        calls=(
            "CustomTrainingJob",
            "CustomJob",
            "CustomContainerTrainingJob",
            "ModelTrainer",
            "create_training_job",
        ),
    ),
    PracticeSignal(
        "MLCOST04-BP03", "prototypes in local mode before cloud jobs", keywords=("local_mode",)
    ),
    PracticeSignal(
        "MLCOST04-BP10",
        "warm-starts or checkpoints training",
        calls=("WarmStartConfig",),
        keywords=("warm_start_config", "checkpoint_s3_uri"),
    ),
    # Cost allocation tags live on ML resources (SageMaker jobs and endpoints, Vertex labels);
    # tags on a model version, a run or a secret describe it and allocate nothing.
    PracticeSignal(
        "MLCOST04-BP12",
        "tags cloud resources for cost tracking",
        keywords=("tags", "Tags"),
        modules=("sagemaker",),
    ),
    PracticeSignal(
        "MLCOST04-BP12",
        "labels cloud resources for cost tracking",
        keywords=("labels",),
        modules=("google.cloud.aiplatform", "vertexai"),
    ),
    PracticeSignal(
        "MLREL02-BP02",
        "prepares data in a reusable pipeline",
        calls=("ColumnTransformer", "make_column_transformer"),
        modules=("sklearn",),
    ),
    PracticeSignal(
        "MLREL03-BP02",
        "keeps feature transformations inside the model pipeline",
        calls=("Pipeline", "make_pipeline"),
        modules=("sklearn",),
    ),
    # A model saved to a fixed local path is overwritten by the next run: not a version.
    PracticeSignal(
        "MLREL05-BP02",
        "logs the model as a versioned artefact",
        calls=("log_model",),
        modules=("mlflow",),
    ),
    PracticeSignal(
        "MLCOST03-BP04",
        "registers features where other teams can reuse them",
        calls=(
            "apply",
            "FeatureView",
            "create_feature_group",
            "FeatureGroup",
            "create_feature_view",
        ),
        modules=("feast", "sagemaker.feature_store", "google.cloud.aiplatform", "hopsworks"),
    ),
    PracticeSignal(
        "MLSUS02-BP01",
        "starts from a pretrained model instead of training one from scratch",
        calls=("from_pretrained",),
        modules=("transformers", "sentence_transformers", "diffusers", "peft", "timm"),
        not_receivers=frozenset("tokenizer processor extractor config".split()),
    ),
    PracticeSignal(
        "MLSUS02-BP01",
        "starts from pretrained weights",
        keywords=("weights", "pretrained"),
        modules=("tensorflow.keras.applications", "keras.applications", "torchvision.models"),
    ),
    PracticeSignal(
        "MLOPS04-BP01",
        "runs the steps as an ML pipeline",
        calls=("PipelineJob", "ProcessingStep", "TrainingStep", "create_pipeline", "upsert"),
        modules=("sagemaker", "google.cloud", "kfp", "azure", "azureml", "boto3"),
    ),
    PracticeSignal(
        "MLPERF04-BP03",
        "evaluates the model in an automated step",
        calls=("QualityCheckStep", "ModelQualityCheckConfig", "ConditionStep"),
    ),
    PracticeSignal(
        "MLCOST05-BP01",
        "serves in batch or serverless mode",
        calls=(
            "ServerlessInferenceConfig",
            "transformer",
            "batch_predict",
            "create_transform_job",
            "BatchPredictionJob",
        ),
        modules=("sagemaker", "boto3", "google.cloud", "vertexai"),
    ),
    PracticeSignal(
        "MLREL04-BP02",
        "rolls out with traffic splitting or shadow variants",
        calls=("update_endpoint_weights_and_capacities", "ShadowProductionVariant"),
        # A split's dictionary is not read (``{"0": 100}`` sends everything to one model).
        keywords=("traffic_percentage", "shadow_production_variants"),
        share_keywords=("traffic_percentage",),
    ),
    PracticeSignal(
        "MLSUS05-BP03",
        "optimises the model for inference",
        calls=("compile_model", "quantize_dynamic", "optimize_for_inference", "quantize"),
        not_modules=("catboost", "numpy", "pandas"),
        not_receivers=frozenset("pool data dataset utils".split()),
    ),
    PracticeSignal(
        "MLSUS05-BP03",
        "converts the model to an optimised runtime",
        calls=("convert", "from_keras_model", "from_saved_model"),
        modules=("tensorflow.lite", "tf.lite", "coremltools", "onnx", "tf2onnx", "openvino"),
    ),
    PracticeSignal(
        "MLSEC04-BP02",
        "encrypts traffic between training nodes",
        keywords=("encrypt_inter_container_traffic",),
    ),
    PracticeSignal(
        "MLSEC03-BP02",
        "isolates jobs from the network",
        keywords=("enable_network_isolation", "security_group_ids", "subnets"),
        modules=("sagemaker", "boto3"),
    ),
    PracticeSignal(
        "MLSEC03-BP02",
        "runs jobs inside a private network",
        keywords=("network",),
        modules=("google.cloud.aiplatform",),
    ),
    # Reading an endpoint's own metrics back; ``put_metric_data`` writes a value the notebook
    # chose, which collects nothing from serving.
    PracticeSignal(
        "MLOPS05-BP01",
        "collects serving metrics",
        calls=("get_metric_statistics", "get_metric_data"),
        literal_words=_SERVING_METRIC_WORDS,
    ),
    PracticeSignal(
        "MLCOST06-BP03",
        "watches endpoint utilisation",
        calls=("get_metric_statistics", "get_metric_data"),
        literal_words=_UTILISATION_WORDS,
    ),
    PracticeSignal(
        "MLSUS04-BP01",
        "states a target the model must reach",
        words=("target_metric", "success_criteria"),
    ),
)


@cache
def _by_call() -> dict[str, tuple[PracticeSignal, ...]]:
    index: dict[str, list[PracticeSignal]] = {}
    for signal in SIGNALS:
        for name in signal.calls:
            index.setdefault(name, []).append(signal)
    return {k: tuple(v) for k, v in index.items()}


@cache
def _by_keyword() -> dict[str, tuple[PracticeSignal, ...]]:
    index: dict[str, list[PracticeSignal]] = {}
    for signal in SIGNALS:
        for name in signal.keywords:
            index.setdefault(name, []).append(signal)
    return {k: tuple(v) for k, v in index.items()}


_WORDED = tuple(s for s in SIGNALS if s.words)
#: Keywords some signal counts only when they give a share of the traffic.
_SHARE_KEYWORDS = frozenset(k for s in SIGNALS for k in s.share_keywords)


def _is_model(unit: Unit, name: str) -> bool:
    """Whether a name holds a model: its name says so, or a model maker made or fitted it."""
    root = name.split(".", 1)[0].split("[", 1)[0]
    if set(name_pieces(root)) & _MODEL_WORDS:
        return True
    made = unit.origins.get(root, ())
    if any(o.rsplit(".", 1)[-1].split("(", 1)[0] in _MODEL_MAKERS for o in made):
        return True
    return any(s.call.root == root and s.call.attr in ("fit", "train") for s in unit.sites)


#: Calls that transform a frame by what they are handed (a mapping, a set of values, a mask).
_TRANSFORMING = frozenset("map isin apply replace where mask filter drop reindex merge".split())


def _fed_to_transformations(unit: Unit) -> frozenset[tuple[int, int, str]]:
    """The calls whose result is handed, on their line, to a call that transforms the data:
    (cell, line, callee) of each."""
    return frozenset(
        (site.cell, site.call.line, v.text)
        for site in unit.sites
        if site.call.attr in _TRANSFORMING
        for v in site.call.args
        if v.kind == "call"
    )


def _holds(signal: PracticeSignal, unit: Unit, site: Site) -> bool:
    call = site.call
    receiver = call.func.rsplit(".", 1)[0] if "." in call.func else ""
    if signal.modules or signal.not_modules:  # where the callee came from, only when asked
        origins = (site.qualified, *(unit.ancestry(receiver) if receiver else ()))
        if signal.modules and not any(o.startswith(signal.modules) for o in origins):
            return False
        if signal.not_modules and any(o.startswith(signal.not_modules) for o in origins):
            return False
    named = {*name_pieces(receiver.split("[", 1)[0]), *name_pieces(call.attr)}
    if signal.not_receivers and named & signal.not_receivers:
        return False
    if signal.not_receiver_endings and any(
        p.endswith(signal.not_receiver_endings) for p in name_pieces(receiver.split("[", 1)[0])
    ):
        return False
    if signal.chained_on and not receiver.endswith(signal.chained_on):
        return False
    if signal.not_made_by and receiver:
        makers = {p for o in unit.ancestry(receiver) for p in name_pieces(o.rsplit(".", 1)[-1])}
        if makers & set(signal.not_made_by):
            return False
    trained_at = unit.first_training
    if signal.before_training and trained_at is not None and site.cell > trained_at:
        return False
    if signal.needs_training and trained_at is None:
        return False
    if signal.literal_words and not any(
        w in text.lower()
        for c, _, text in unit.strings
        if c == site.cell
        for w in signal.literal_words
    ):
        return False
    if signal.subject == "model":
        first = call.args[0].text if call.args and call.args[0].kind == "name" else ""
        return bool(first and _is_model(unit, first)) or bool(
            receiver and _is_model(unit, receiver)
        )
    return True


def _a_share(text: str) -> bool:
    try:
        return 0 < float(text) < 100
    except ValueError:
        return False


@lru_cache(maxsize=16384)
def _candidates(attr: str, keywords: tuple[tuple[str, bool], ...]) -> tuple[PracticeSignal, ...]:
    """The signals a call may show, in order, by its callee's name and the keywords it sets,
    each with whether its value is a share of the traffic (kept by them: the same calls come
    back at every analysis)."""
    found = list(_by_call().get(attr, ()))
    for key, share in keywords:
        found.extend(s for s in _by_keyword().get(key, ()) if key not in s.share_keywords or share)
    # Whole words of the callee's name (``plot_drift``, not the ``psi`` in ``epsilon``).
    # A configuration object (``DriftDetectionConfig``) does nothing until a job runs it.
    words = "_" + "_".join(name_pieces(attr)) + "_"
    if not words.endswith("_config_"):
        found.extend(s for s in _WORDED if any(f"_{w}_" in words for w in s.words))
    return tuple(found)


def practice_evidence(ctx: NotebookContext) -> Iterator[Proof]:
    """Evidence of best practices seen in the notebook's calls, once per practice and cell."""
    seen: set[tuple[str, int]] = set()
    fed: dict[int, frozenset[tuple[int, int, str]]] = {}
    for unit, site in ctx.sites():
        call = site.call
        keywords = tuple(
            (k, k in _SHARE_KEYWORDS and _a_share(v.text))
            for k, v in call.kwargs.items()
            if v.text not in _FALSY
        )
        for signal in _candidates(call.attr, keywords):
            mark = (signal.practice, site.cell)
            if mark in seen or not _holds(signal, unit, site):
                continue
            if signal.shown:
                if id(unit) not in fed:
                    fed[id(unit)] = _fed_to_transformations(unit)
                if (site.cell, call.line, call.func) in fed[id(unit)]:
                    continue
            seen.add(mark)
            yield Proof(signal.practice, site.cell, f"{signal.note} ({call.func})")
