"""MLW015 oversized-endpoint-without-autoscaling: a big, fixed fleet serves the model."""

from __future__ import annotations

from mlwa_notebook.rules._serving import endpoints, instance_settings, oversized
from mlwa_notebook.rules.base import CheckResult, Hit, NotebookContext, Proof, Rule

#: Calls and keywords that make an endpoint scale with its load. Shifting traffic between
#: variants, or resizing one by hand (``update_endpoint_weights_and_capacities``), does not.
_SCALING_CALLS = frozenset({"register_scalable_target", "put_scaling_policy"})
_SCALING_KWARGS = frozenset(
    {
        "autoscaling_target_cpu_utilization",
        "autoscaling_target_accelerator_duty_cycle",
        "autoscaling_target_request_count_per_minute",
        "managed_instance_scaling",
        "ManagedInstanceScaling",
    }
)


def check(ctx: NotebookContext) -> CheckResult:
    unit = ctx.notebook_unit
    scaling = [
        s
        for s in unit.sites
        if s.call.attr in _SCALING_CALLS or set(s.call.kwargs) & _SCALING_KWARGS
    ]
    for site in scaling:
        yield Proof("MLREL05-BP01", site.cell, f"scales the endpoint with load ({site.call.func})")
    for endpoint in endpoints(unit):
        if endpoint.serverless or endpoint.indirect:
            continue
        call = endpoint.site.call
        kind, count, accelerated = instance_settings(endpoint, unit)
        low = high = ""
        for site in (endpoint.site, *endpoint.more):
            low = low or unit.value_text(site.call.kwargs.get("min_replica_count"))
            high = high or unit.value_text(site.call.kwargs.get("max_replica_count"))
        if high and high != (low or "1"):
            yield Proof("MLREL05-BP01", endpoint.cell, "lets the endpoint scale between replicas")
            continue
        if scaling:
            continue
        why = "accelerators" if accelerated else oversized(kind)
        if not why and (count or 1) < 2:
            continue
        size = f"{why} ({kind})" if why and kind else why or f"{count} instances"
        yield Hit(
            endpoint.cell,
            endpoint.line,
            f"serves with {call.func}() on {size} at a fixed size, with no auto-scaling policy",
        )


RULE = Rule(
    code="MLW015",
    name="oversized-endpoint-without-autoscaling",
    summary="An endpoint runs on large, GPU or several instances at a fixed size",
    # Info: judged wrong on the one corpus finding (one replica of the smallest accelerator):
    # a hint until it is judged right 0.90 of the time.
    severity="info",
    pillars=("cost-optimization", "reliability"),
    best_practices=("MLCOST05-BP03", "MLREL05-BP01", "MLCOST06-BP03"),
    fix="Start from the smallest instance that meets the latency target (load-test it), and "
    "register an auto-scaling policy (`register_scalable_target` + `put_scaling_policy`, or "
    "`min_replica_count` < `max_replica_count` on Vertex AI); consider serverless inference.",
    doc="""\
## What it does
Flags a real-time endpoint created on GPU or accelerator instances, large instances
(`4xlarge` and up, 16 vCPUs and up) or two or more instances, when nothing in the notebook lets
it scale with load (no Application Auto Scaling policy, no `max_replica_count` above
`min_replica_count`). Serverless endpoints scale on their own and are not flagged.

## Why is this bad?
An endpoint is billed for its peak size around the clock. Without auto-scaling a large fleet
sized for the busiest hour idles the rest of the day, and cannot grow when traffic exceeds it.

## Example
```python
predictor = model.deploy(initial_instance_count=2, instance_type="ml.g5.12xlarge")
```

## Use instead
```python
predictor = model.deploy(initial_instance_count=1, instance_type="ml.g5.xlarge")
autoscaling.register_scalable_target(
    ServiceNamespace="sagemaker", ResourceId=resource_id,
    ScalableDimension="sagemaker:variant:DesiredInstanceCount", MinCapacity=1, MaxCapacity=4,
)
```

## Suppress
`# mlwa: ignore[MLW015] reason` in the deploying cell.
""",
    check=check,
)
