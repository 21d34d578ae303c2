"""Training a notebook hands to Azure Machine Learning to run: ``experiment.submit(config)``.

The notebook only builds a run configuration and submits it; what the run does follows from what
the configuration is. AutoML and HyperDrive configurations train (and tune) by what they are;
an estimator, a script run or a pipeline step trains when the script it runs is named for
training (``train.py``, ``diabetes_training.py``) or is told to (``--do_train``); a pipeline
trains when one of its steps does.
"""

from __future__ import annotations

from mlwa_notebook.cellcode import Value
from mlwa_notebook.dataflow_names import name_pieces
from mlwa_notebook.rules._flow import Site, Unit

#: Configurations whose run trains whatever script they name (AutoML, HyperDrive's trials).
_TRAINING_CONFIGS = frozenset({"AutoMLConfig", "HyperDriveConfig", "AutoMLStep", "HyperDriveStep"})
#: Configurations that tune: each trial is scored on the metric its script logs.
_TUNING_CONFIGS = frozenset({"HyperDriveConfig", "HyperDriveStep"})
#: Reads of the metrics a submitted run logged (``run.get_metrics()``, the best HyperDrive run).
_RUN_METRIC_READS = frozenset({"get_metrics", "get_best_run_by_primary_metric"})
#: Configurations and steps that run one script: they train when the script does.
_SCRIPT_RUNNERS = frozenset(
    {
        "ScriptRunConfig",
        "Estimator",
        "PyTorch",
        "TensorFlow",
        "SKLearn",
        "Chainer",
        "EstimatorStep",
        "PythonScriptStep",
        "CommandStep",
    }
)
#: Where a configuration names the script it runs.
_SCRIPT_KWARGS = ("entry_script", "script", "script_name", "command")
#: Steps that hand their work to a configuration or an estimator built before.
_INNER_KWARGS = ("automl_config", "hyperdrive_config", "estimator", "run_config", "config")
#: Words of a script name that say it trains (``train.py``, ``diabetes_training.py``).
_TRAINING_WORDS = frozenset({"train", "training", "finetune", "fit"})
#: Azure ML pipeline constructors whose steps run when it is submitted.
_STEP_SEQUENCES = frozenset({"Pipeline", "StepSequence"})


def submits_training(unit: Unit, site: Site) -> bool:
    """Whether ``experiment.submit(config)`` (Azure ML v1) runs a configuration that trains."""
    call = site.call
    if call.attr != "submit" or "." not in call.func:
        return False
    receiver = call.func.rsplit(".", 1)[0]
    if not site.qualified.startswith("azureml.") and not any(
        origin.startswith("azureml.") for origin in unit.ancestry(receiver)
    ):
        return False
    given = call.args[0] if call.args else call.kwargs.get("config")
    return given is not None and _trains(unit, given, 3)


def _trains(unit: Unit, value: Value, depth: int) -> bool:
    if depth == 0 or value.kind != "name":
        return False
    return any(_built_to_train(unit, s, depth) for s in unit.built_by.get(value.text, ()))


def _built_to_train(unit: Unit, site: Site, depth: int) -> bool:
    call = site.call
    kind = call.attr
    if not site.qualified.startswith("azureml."):
        return False
    if kind in _TRAINING_CONFIGS:
        return True
    if "train" in name_pieces(kind):
        return True  # a builder of training steps
    if kind in _SCRIPT_RUNNERS:
        if _runs_a_training_script(unit, site):
            return True
        inner = [call.kwargs[k] for k in _INNER_KWARGS if k in call.kwargs]
        return any(_trains(unit, v, depth - 1) for v in inner)
    if kind in _STEP_SEQUENCES:
        steps = [n for n in call.names if n != call.root and n not in unit.imports]
        return any(_trains(unit, Value("name", n), depth - 1) for n in steps) or any(
            _trains(unit, Value("name", n), depth - 1)
            for step in steps
            for v in unit.values_of.get(step, ())
            for n in v.names
        )
    return False


def _runs_a_training_script(unit: Unit, site: Site) -> bool:
    call = site.call
    for key in _SCRIPT_KWARGS:
        script = unit.value_text(call.kwargs.get(key))
        name = script.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        if script and set(name_pieces(name)) & _TRAINING_WORDS:
            return True
    # Told to train in its arguments (``script_params={"--do_train": ""}``), written in the
    # cell that builds it.
    told = {text for c, _, text in unit.strings if c == site.cell}
    told |= {a.target for c, a in unit.assigns if c == site.cell}
    return "--do_train" in told


def reads_run_metrics(unit: Unit) -> bool:
    """Whether the notebook tunes with HyperDrive or reads back the metrics an Azure ML run
    logged: the scores were computed by a script or a service on data the notebook does not
    show, so whether they are held out cannot be told."""
    for site in unit.sites:
        call = site.call
        if call.attr in _TUNING_CONFIGS and site.qualified.startswith("azureml."):
            return True
        metric_output = call.attr in ("get_pipeline_output", "get_output") and any(
            {"metric", "metrics"} & set(name_pieces(n)) for n in call.names
        )
        if (call.attr in _RUN_METRIC_READS or metric_output) and any(
            o.startswith("azureml.") for o in unit.ancestry(call.root)
        ):
            return True
    return False
