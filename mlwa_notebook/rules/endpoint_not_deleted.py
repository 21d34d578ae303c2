"""MLW006 endpoint-not-deleted: a real-time endpoint is created and never deleted."""

from __future__ import annotations

from mlwa_notebook.rules._patterns import ENDPOINT_CREATORS, ENDPOINT_DELETERS
from mlwa_notebook.rules.base import CheckResult, Hit, NotebookContext, Proof, Rule


def check(ctx: NotebookContext) -> CheckResult:
    created: list[tuple[int, int, str]] = []
    deleted = False
    for view, call, _ in ctx.calls(scripts=False):
        if call.attr in ENDPOINT_CREATORS:
            created.append((view.index, call.line, call.func))
        elif call.attr in ENDPOINT_DELETERS and (
            call.attr != "delete" or "endpoint" in call.func.lower()
        ):
            deleted = True
            yield Proof(
                "MLCOST04-BP08", view.index, f"tears serving resources down with {call.func}()"
            )
    if created and not deleted:
        index, line, func = created[0]
        yield Hit(index, line, f"creates an endpoint with {func}() and no cell deletes it")


RULE = Rule(
    code="MLW006",
    name="endpoint-not-deleted",
    summary="A real-time endpoint is created and never deleted",
    severity="warning",
    pillars=("cost-optimization", "sustainability"),
    best_practices=("MLCOST04-BP08", "MLSUS04-BP03"),
    fix="Delete the endpoint (and its config and model) in a clean-up cell once you are done: "
    "`predictor.delete_endpoint()` or `endpoint.undeploy_all(); endpoint.delete()`.",
    doc="""\
## What it does
Flags a notebook that creates a real-time endpoint (`.deploy()`, `create_endpoint`) and has no
executed cell that deletes it.

## Why is this bad?
An endpoint bills by the hour and consumes energy whether or not anyone calls it. Notebook
experiments are the most common source of forgotten endpoints.

## Example
```python
predictor = estimator.deploy(initial_instance_count=1, instance_type="ml.m5.large")
```

## Use instead
```python
predictor.delete_endpoint()
```

## Suppress
If the endpoint is meant to stay (a hand-over to production), say so:
`# mlwa: ignore[MLW006] kept for the staging environment`.
""",
    check=check,
)
