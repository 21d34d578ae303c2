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
from functools import cache

from mlwa_notebook.rules.base import NotebookContext, Proof


@dataclass(frozen=True, slots=True)
class PracticeSignal:
    """One pattern that evidences one best practice."""

    practice: str
    note: str
    calls: tuple[str, ...] = ()
    module: str = ""
    keywords: tuple[str, ...] = ()
    contains: tuple[str, ...] = ()  # a callee whose last name contains one of these words


SIGNALS: tuple[PracticeSignal, ...] = (
    PracticeSignal(
        "MLOPS03-BP01",
        "profiles the data before modelling",
        calls=(
            "describe",
            "info",
            "isnull",
            "isna",
            "value_counts",
            "ProfileReport",
            "profile_report",
            "generate_statistics_from_csv",
            "generate_statistics_from_dataframe",
            "nunique",
        ),
    ),
    PracticeSignal(
        "MLOPS03-BP01", "validates the data against expectations", contains=("expect_column",)
    ),
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
            "DriftDetectionConfig",
            "SkewDetectionConfig",
        ),
        contains=("drift", "psi"),
    ),
    PracticeSignal(
        "MLPERF04-BP02",
        "compares the model with a simple baseline",
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
        ),
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
        keywords=("early_stopping_type", "early_stopping_rounds"),
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
        module="",
    ),
    PracticeSignal(
        "MLCOST04-BP03", "prototypes in local mode before cloud jobs", keywords=("local_mode",)
    ),
    PracticeSignal(
        "MLCOST04-BP10",
        "warm-starts or checkpoints training",
        calls=("WarmStartConfig",),
        keywords=("warm_start_config", "checkpoint_s3_uri", "warm_start"),
    ),
    PracticeSignal(
        "MLCOST04-BP12", "tags cloud resources for cost tracking", keywords=("tags", "labels")
    ),
    PracticeSignal(
        "MLREL02-BP02",
        "prepares data in a reusable pipeline",
        calls=("Pipeline", "make_pipeline", "ColumnTransformer", "make_column_transformer"),
        module="sklearn",
    ),
    PracticeSignal(
        "MLREL03-BP02",
        "keeps feature transformations inside the model pipeline",
        calls=("Pipeline", "make_pipeline"),
        module="sklearn",
    ),
    PracticeSignal(
        "MLREL05-BP02",
        "saves the model as a versionable artefact",
        calls=("dump", "save_model", "save", "log_model", "register_model"),
        module="",
    ),
    PracticeSignal(
        "MLOPS04-BP01",
        "runs the steps as an ML pipeline",
        calls=("PipelineJob", "ProcessingStep", "TrainingStep", "create_pipeline", "upsert"),
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
    ),
    PracticeSignal(
        "MLREL04-BP02",
        "rolls out with traffic splitting or shadow variants",
        calls=("update_endpoint_weights_and_capacities", "ShadowProductionVariant"),
        keywords=("traffic_split", "traffic_percentage", "shadow_production_variants"),
    ),
    PracticeSignal(
        "MLSUS05-BP03",
        "optimises the model for inference",
        calls=("compile_model", "quantize_dynamic", "convert", "optimize_for_inference"),
        module="",
    ),
    PracticeSignal(
        "MLSEC04-BP02",
        "encrypts traffic between training nodes",
        keywords=("encrypt_inter_container_traffic",),
    ),
    PracticeSignal(
        "MLSEC03-BP02",
        "isolates jobs from the network",
        keywords=("enable_network_isolation", "security_group_ids", "subnets", "network"),
    ),
    PracticeSignal(
        "MLOPS05-BP01",
        "collects serving metrics",
        calls=("put_metric_data", "get_metric_statistics", "get_metric_data"),
    ),
    PracticeSignal(
        "MLCOST06-BP03",
        "watches endpoint utilisation",
        calls=("get_metric_statistics", "get_metric_data"),
    ),
    PracticeSignal(
        "MLSUS04-BP01",
        "states a target the model must reach",
        contains=("threshold", "target_metric", "success_criteria"),
    ),
)

_FALSY = frozenset({"None", "False", "0", ""})


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


_CONTAINS = tuple(s for s in SIGNALS if s.contains)


def practice_evidence(ctx: NotebookContext) -> Iterator[Proof]:
    """Evidence of best practices seen in the notebook's calls, once per practice and cell."""
    seen: set[tuple[str, int]] = set()
    by_call, by_keyword = _by_call(), _by_keyword()
    for view, call, qualified in ctx.calls():
        found = list(by_call.get(call.attr, ()))
        for key, value in call.kwargs.items():
            if value.text not in _FALSY:
                found.extend(by_keyword.get(key, ()))
        lowered = call.attr.lower()
        found.extend(s for s in _CONTAINS if any(w in lowered for w in s.contains))
        for signal in found:
            if signal.module and not qualified.startswith(signal.module):
                continue
            mark = (signal.practice, view.index)
            if mark not in seen:
                seen.add(mark)
                yield Proof(signal.practice, view.index, f"{signal.note} ({call.func})")
