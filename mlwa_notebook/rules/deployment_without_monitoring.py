"""MLW007 deployment-without-monitoring: an endpoint is created with no capture or monitoring."""

from __future__ import annotations

from mlwa_notebook.rules._flow import Site, Unit
from mlwa_notebook.rules._serving import MONITOR_KWARGS, callee, covered, endpoints, monitors
from mlwa_notebook.rules.base import CheckResult, Hit, NotebookContext, Proof, Rule

_DRIFT = ("Drift", "Skew", "DataQuality", "data_quality", "DefaultModelMonitor")
_QUALITY = ("ModelQuality", "model_quality")
_EXPLAIN = ("Explainability", "explainability")
#: A SageMaker monitor object and its baselining job: they tell the finding a monitor is meant
#: for the endpoint, but watch nothing until a schedule runs them (the schedule is the evidence).
_SET_UP_ONLY = frozenset(
    "DefaultModelMonitor ModelMonitor ModelQualityMonitor ModelBiasMonitor "
    "ModelExplainabilityMonitor suggest_baseline "
    # Vertex AI: the objectives a ``ModelDeploymentMonitoringJob`` is created with.
    "DriftDetectionConfig SkewDetectionConfig ObjectiveConfig".split()
)


def _configs(unit: Unit, site: Site) -> list[str]:
    """The callees the call's keyword arguments were built from, one level into them
    (``objective_configs=ObjectiveConfig(drift_detection_config=drift_config)``)."""
    found: list[str] = []
    for value in site.call.kwargs.values():
        for name in value.names or ((value.text,) if value.kind == "name" else ()):
            found += unit.ancestry(name)
            for bound in unit.values_of.get(name, ()):
                for inner in bound.names:
                    found += unit.ancestry(inner)
    return found


def check(ctx: NotebookContext) -> CheckResult:
    unit = ctx.notebook_unit
    watching = monitors(unit)
    for site in watching:
        func = site.call.func
        if site.call.attr in _SET_UP_ONLY:
            continue  # builds a monitor or its baseline: nothing is watched until it is scheduled
        yield Proof("MLOPS06-BP02", site.cell, f"captures or monitors predictions ({func})")
        # A schedule checks what its monitor was built to (``DefaultModelMonitor``: data drift),
        # a monitoring job what its objective configs hold (Vertex ``DriftDetectionConfig``).
        made = " ".join(
            (site.qualified, *unit.ancestry(func.rsplit(".", 1)[0]), *_configs(unit, site))
        )
        if any(k in made for k in _DRIFT) or "drift" in " ".join(site.call.kwargs):
            yield Proof("MLPERF06-BP03", site.cell, f"checks input drift ({func})")
        if any(k in made for k in _QUALITY):
            yield Proof("MLPERF06-BP04", site.cell, f"monitors model quality ({func})")
        if any(k in made for k in _EXPLAIN):
            yield Proof("MLPERF06-BP02", site.cell, f"monitors explanations ({func})")
    known = endpoints(unit)
    unwatched = [
        e
        for e in known
        if not e.serverless
        and not e.local
        and not e.configured_elsewhere
        and not set(e.site.call.kwargs) & MONITOR_KWARGS
        and not covered(e, watching, known)
    ]
    if not unwatched:
        return
    first = unwatched[0]
    others = len(unwatched) - 1
    more = f" (and {others} more endpoint{'s' if others > 1 else ''})" if others else ""
    how = (
        f"approves a model package with {first.site.call.func}() so a pipeline deploys it"
        if first.indirect
        else f"creates an endpoint with {callee(first.site)}"
    )
    yield Hit(first.cell, first.line, f"{how} with no data capture or monitoring{more}")


RULE = Rule(
    code="MLW007",
    name="deployment-without-monitoring",
    summary="An endpoint is created with no data capture or model monitoring",
    severity="warning",
    pillars=("operational-excellence", "performance-efficiency"),
    best_practices=("MLOPS06-BP02", "MLPERF06-BP03", "MLPERF06-BP04"),
    fix="Enable data capture on the endpoint and schedule a data-quality or model-quality "
    "monitor against a baseline.",
    doc="""\
## What it does
Flags a real-time endpoint (the ones `endpoint-not-deleted` knows) created with no data capture
(`DataCaptureConfig`, `data_capture_config=`, request-response logging, Azure ML's data
collector, MLRun's `set_tracking()`) and no model-monitoring job, schedule or quality check that
covers it. Serverless endpoints, which cannot capture data, and containers
run on the notebook's own machine to test the service (Azure ML `LocalWebservice`, SageMaker
local mode), which serve no traffic, are left out, and so are endpoints made with
`az ml online-endpoint create -f …`, whose data collection the YAML file sets.
One finding is reported, at the first such endpoint.

## Why is this bad?
Without captured requests and a monitor, drift in the input data or decay in model quality goes
unnoticed until users complain.

## Example
```python
predictor = model.deploy(initial_instance_count=1, instance_type="ml.m5.large")
```

## Use instead
```python
capture = DataCaptureConfig(enable_capture=True, destination_s3_uri=capture_uri)
predictor = model.deploy(1, "ml.m5.large", data_capture_config=capture)
```

## Suppress
`# mlwa: ignore[MLW007] reason` in the deploying cell.
""",
    check=check,
)
