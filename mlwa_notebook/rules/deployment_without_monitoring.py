"""MLW007 deployment-without-monitoring: an endpoint is created with no capture or monitoring."""

from __future__ import annotations

from mlwa_notebook.rules._patterns import ENDPOINT_CREATORS, MONITORING
from mlwa_notebook.rules.base import CheckResult, Hit, NotebookContext, Proof, Rule


def check(ctx: NotebookContext) -> CheckResult:
    created: tuple[int, int, str] | None = None
    monitored = False
    for view, call, _ in ctx.calls(scripts=False):
        if call.attr in ENDPOINT_CREATORS and created is None:
            created = (view.index, call.line, call.func)
        if call.attr in MONITORING or "data_capture_config" in call.kwargs:
            monitored = True
            yield Proof(
                "MLOPS06-BP02", view.index, f"captures or monitors predictions ({call.func})"
            )
    if created is not None and not monitored:
        index, line, func = created
        yield Hit(
            index, line, f"creates an endpoint with {func}() with no data capture or monitoring"
        )


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
Flags an endpoint created without data capture (`DataCaptureConfig`, `data_capture_config=`) or
any model-monitoring job or quality check.

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
