"""MLW014 unbounded-training-job: a large managed training job has no time limit and no spot."""

from __future__ import annotations

import re

from mlwa_notebook.rules._flow import Site, Unit
from mlwa_notebook.rules._serving import oversized
from mlwa_notebook.rules.base import CheckResult, Hit, NotebookContext, Rule

#: Managed training jobs, by the class that defines them (SageMaker and Vertex AI).
_JOB = re.compile(
    r"^(sagemaker\..*\.(Estimator|Framework|XGBoost|SKLearn|PyTorch|TensorFlow|HuggingFace|MXNet|"
    r"Chainer|RLEstimator|JumpStartEstimator)|sagemaker\..*ModelTrainer(\.from_\w+)?|"
    r"google\.cloud\.aiplatform\..*(CustomJob|CustomTrainingJob|CustomContainerTrainingJob|"
    r"CustomPythonPackageTrainingJob)(\.from_local_script)?)$"
)
#: Arguments that bound a job's run time.
_STOP = frozenset(
    "max_run max_wait stopping_condition StoppingCondition timeout max_runtime_in_seconds "
    "MaxRuntimeInSeconds early_stopping".split()
)
#: Arguments that run it on spare (spot/preemptible) capacity.
_SPOT = frozenset(
    {"use_spot_instances", "enable_managed_spot_training", "spot", "scheduling_strategy"}
)
#: Arguments whose value says how many machines or accelerators.
_COUNT = ("instance_count", "replica_count", "InstanceCount")
_TYPE = ("instance_type", "machine_type", "InstanceType")
_ACCEL = ("accelerator_type", "accelerator_count")


def _settings(unit: Unit, cell: int, sites: list[Site]) -> dict[str, str]:
    """Every keyword and dict key given in the cell (job specs are often built beside the job)."""
    found: dict[str, str] = {}
    for site in sites:
        if site.cell == cell:
            for key, value in site.call.kwargs.items():
                found.setdefault(key, unit.value_text(value) or value.text)
    for key, value in unit.cell_keys(cell).items():
        found.setdefault(key, unit.value_text(value) or value.text)
    return found


def _large(settings: dict[str, str]) -> str:
    kind = next((settings[k] for k in _TYPE if k in settings), "")
    count = next((settings[k] for k in _COUNT if k in settings), "1")
    if any(k in settings and settings[k] not in ("", "0", "None") for k in _ACCEL):
        return "with accelerators"
    why = oversized(kind) if kind else ""
    if why:
        return f"on {why} ({kind})"
    if count.isdigit() and int(count) > 1:
        return f"on {count} instances"
    return ""


def _runs(job: Site, sites: list[Site]) -> bool:
    """Whether the job a call builds is run: fitted, or handed to another call (a tuner, a
    pipeline step, a helper that fits it)."""
    names = job.call.targets
    for s in sites:
        call = s.call
        if call.root in names:
            if call.attr in ("run", "fit", "train", "submit"):
                return True
        elif s is not job and any(n in names for n in call.names):
            return True
    return False


def check(ctx: NotebookContext) -> CheckResult:
    unit = ctx.notebook_unit
    sites = list(unit.sites)
    jobs = [s for s in sites if _JOB.match(s.qualified)]
    if not jobs:
        return
    # The cells that run each name (``job.run(...)``, ``estimator.fit``).
    run_in: dict[str, set[int]] = {}
    for s in sites:
        if s.call.attr in ("run", "fit", "train"):
            run_in.setdefault(s.call.root, set()).add(s.cell)
    for site in jobs:
        # The job's own cell and the cells that run it.
        cells = {site.cell}.union(*(run_in.get(t, ()) for t in site.call.targets))
        settings: dict[str, str] = {}
        for cell in sorted(cells):
            settings.update(_settings(unit, cell, sites))
        spot = any(k in settings and settings[k] not in ("False", "None") for k in _SPOT)
        stop = any(k in settings for k in _STOP)
        if spot or stop:
            # Neither a time cap nor spot capacity sizes the instances (MLCOST04-BP01), and a
            # wall-clock cap is no debugging or early stopping (MLCOST06-BP04): neither is
            # shown as evidence.
            continue
        large = _large(settings)
        if large and (not site.call.targets or _runs(site, sites)):
            # (A job built and never run, nor handed to a tuner or a pipeline step, runs nothing.)
            yield Hit(
                site.cell,
                site.call.line,
                f"launches a training job with {site.call.func}() {large} with no run-time "
                "limit and no spot capacity",
            )


RULE = Rule(
    code="MLW014",
    name="unbounded-training-job",
    summary="A large training job has no run-time limit and does not use spot capacity",
    severity="info",
    pillars=("cost-optimization", "sustainability"),
    best_practices=("MLCOST04-BP01", "MLCOST06-BP04", "MLSUS04-BP01"),
    fix="Set a run-time limit (`max_run=`, a `StoppingCondition`, `timeout=`) and, where the "
    "job can resume from checkpoints, run it on spot capacity (`use_spot_instances=True`, "
    "`max_wait=`).",
    doc="""\
## What it does
Flags a managed training job (SageMaker `Estimator` and framework estimators, `ModelTrainer`;
Vertex AI custom jobs) that runs on GPUs or accelerators, large instances or several instances,
with neither an explicit run-time limit nor spot capacity. Small CPU jobs are left alone: the
saving there is not worth the reviewer's time.

## Why is this bad?
A hung or diverging job on accelerated hardware bills until a default limit of a day or more;
spot capacity costs up to 90% less for jobs that checkpoint.

## Example
```python
estimator = PyTorch(entry_point="train.py", instance_type="ml.p3.8xlarge", instance_count=2)
```

## Use instead
```python
estimator = PyTorch(
    entry_point="train.py", instance_type="ml.p3.8xlarge", instance_count=2,
    max_run=4 * 3600, use_spot_instances=True, max_wait=6 * 3600,
    checkpoint_s3_uri=checkpoints,
)
```

## Suppress
`# mlwa: ignore[MLW014] reason` in the cell that defines the job.
""",
    check=check,
)
