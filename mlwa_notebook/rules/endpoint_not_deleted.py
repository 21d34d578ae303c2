"""MLW006 endpoint-not-deleted: a real-time endpoint is created and never deleted."""

from __future__ import annotations

from mlwa_notebook.rules._serving import callee, deletions, endpoints
from mlwa_notebook.rules.base import CheckResult, Hit, NotebookContext, Proof, Rule


def check(ctx: NotebookContext) -> CheckResult:
    unit = ctx.notebook_unit
    known = endpoints(unit)
    removed = deletions(unit, known)
    if known:
        # A deletion above the first creation clears what an earlier run left (a re-run
        # guard): it tears down nothing this run makes.
        first = min((e.cell, e.line) for e in known)
        removed = [s for s in removed if (s.cell, s.call.line) > first]
    for site in removed:
        yield Proof("MLCOST04-BP08", site.cell, f"tears serving resources down with {callee(site)}")
    # A deletion that names no known endpoint (a loop over listed endpoints) may be about any.
    anonymous = [s for s in removed if not any(e.named_by(s.call) for e in known)]
    # A clean-up notebook beside this one (``99-clean-up.ipynb``) deletes what the project made.
    cleaners = ctx.tracking.neighbours.cleans_up
    for endpoint in known:
        if any(endpoint.named_by(s.call) for s in removed) or anonymous:
            continue
        if cleaners:
            yield Proof(
                "MLCOST04-BP08",
                endpoint.cell,
                f"deleted by {cleaners[0]}, a notebook beside this one",
            )
            continue
        if endpoint.indirect:
            what = (
                f"approves a model package with {endpoint.site.call.func}(), which has a "
                "deployment pipeline create endpoints, and no cell deletes them"
            )
        else:
            what = f"creates an endpoint with {callee(endpoint.site)} and no cell deletes it"
        yield Hit(endpoint.cell, endpoint.line, what)


RULE = Rule(
    code="MLW006",
    name="endpoint-not-deleted",
    summary="A real-time endpoint is created and never deleted",
    severity="warning",
    pillars=("cost-optimization", "sustainability"),
    best_practices=("MLCOST04-BP08", "MLSUS03-BP01"),
    fix="Delete the endpoint (and its config and model) in a clean-up cell once you are done: "
    "`predictor.delete_endpoint()` or `endpoint.undeploy_all(); endpoint.delete()`.",
    doc="""\
## What it does
Flags each real-time endpoint the notebook creates (`.deploy()`, `create_endpoint`,
`Endpoint.create`, Azure ML online endpoints, MLflow deployments, a Kubeflow SageMaker deploy
step, a Gradio app on a public link, which a notebook made for Colab gets unless
`share=False`, a KServe or KFServing inference service made through its client, and on command
lines `gcloud ai-platform versions create`, `gcloud ai endpoints deploy-model`,
`az ml online-endpoint create`, `mlflow models serve`, `bentoml serve`, `mlserver start`,
`torchserve --start`, `seldon model load`, a detached container
of a model server's image and a model server's manifest applied with `kubectl`) that no executed
cell after it deletes, undeploys, unloads, stops or closes. A deletion above the first creation
(clearing what an earlier run left) does not count, nor one under `if NAME:` where the notebook
only ever sets `NAME = False` (`delete_endpoint = False`: as written, nothing is deleted). An endpoint is matched to its
deletion by the names it goes by (the variable it is bound to, the endpoint name passed in).
Approving a model package so that a deployment pipeline creates the endpoints counts as
creating them. A deletion that names no particular endpoint (a loop over listed endpoints)
counts for all of them, and so does a notebook beside this one, in the same folder, that deletes
endpoints (a project's `99-clean-up.ipynb`).

## Why is this bad?
An endpoint bills by the hour and consumes energy whether or not anyone calls it. Notebook
experiments are the most common source of forgotten endpoints.

## Example
```python
predictor = estimator.deploy(initial_instance_count=1, instance_type="ml.m5.large")
predictor.predict(payload)
```

## Use instead
```python
predictor = estimator.deploy(initial_instance_count=1, instance_type="ml.m5.large")
predictor.predict(payload)
predictor.delete_endpoint()
```

## Suppress
If the endpoint is meant to stay (a hand-over to production), say so in the creating cell:
`# mlwa: ignore[MLW006] kept for the staging environment`.
""",
    check=check,
)
