"""MLW017 deployment-without-registry: a deployed model has no registry entry or lineage."""

from __future__ import annotations

import re

from mlwa_notebook.cellcode import Call
from mlwa_notebook.dataflow_names import name_pieces
from mlwa_notebook.rules._flow import Site, Unit
from mlwa_notebook.rules._serving import endpoints
from mlwa_notebook.rules.base import CheckResult, Hit, NotebookContext, Proof, Rule

#: Registering a model version (SageMaker Model Registry, MLflow, Vertex AI Model Registry).
_REGISTER = re.compile(
    r"(^|\.)(register|register_model|create_model_package|create_model_package_group|"
    r"ModelPackage|ModelPackageGroup|RegisterModel|create_registered_model|"
    r"create_model_version|upload_model|log_model_version)$"
)
_REGISTER_KWARGS = frozenset(
    {
        "registered_model_name",
        "model_package_arn",
        "model_package_group_name",
        "ModelPackageGroupName",
        "ModelPackageName",
    }
)
#: Model cards, lineage and experiment tracking: where a model came from is recorded.
_LINEAGE = re.compile(
    r"(^sagemaker\.lineage\.|^sagemaker\.model_card|(^|\.)(ModelCard|create_model_card|"
    r"LineageQuery|Association|create_association)$)"
)
_TRACKING = re.compile(
    r"^(mlflow\.(start_run|log_params?|log_metrics?|log_input|autolog|\w+\.autolog|\w+\.log_model|"
    r"log_model)|google\.cloud\.aiplatform\.(start_run|log_params|log_metrics|"
    r"log_time_series_metrics|start_execution)|sagemaker\.experiments\.\w+|"
    r"sagemaker\.core\.experiments\.\w+|wandb\.(init|log|log_artifact)|neptune\.init\w*|"
    r"comet_ml\.Experiment)$"
)
#: Tracking calls that record a run's inputs or model artefacts: lineage, not only metrics.
_LINEAGE_LOGS = re.compile(
    r"^(mlflow\.(\w+\.)?(autolog|log_model|log_input)|wandb\.(log_artifact|use_artifact|log_model))$"
)
#: MLflow's autologging of LLM calls (``mlflow.openai.autolog``): traces of prompts and replies,
#: no data, settings or model of a training run.
_TRACING_AUTOLOG = re.compile(
    r"^mlflow\.(openai|langchain|anthropic|gemini|llama_index|bedrock|dspy|crewai|autogen|groq|"
    r"mistral|litellm|smolagents|pydantic_ai)\.autolog$"
)
#: W&B media a run shows (a table of sample images, a rendering): a cell that logs them and
#: trains nothing shows data or results, it does not track a training run.
_ARTIFACT_CALLS = frozenset({"Artifact", "log_artifact", "use_artifact", "log_model"})
_MEDIA = re.compile(r"^wandb\.(Table|Image|Video|Audio|Html|Object3D|Molecule|plot\.\w+)$")
#: Registry entries made empty, for versions to go in later (MLflow, SageMaker).
_EMPTY_REGISTRY = frozenset(
    {"create_registered_model", "create_model_package_group", "ModelPackageGroup"}
)
#: Platforms whose deployable models always live in a model registry.
_REGISTRY_PLATFORMS = ("google.cloud.aiplatform.", "vertexai.")


def _registered_by_platform(ctx: NotebookContext, site: Site) -> bool:
    unit = ctx.notebook_unit
    receiver = site.call.func.rsplit(".", 1)[0]
    return site.qualified.startswith(_REGISTRY_PLATFORMS) or any(
        o.startswith(_REGISTRY_PLATFORMS) for o in unit.ancestry(receiver)
    )


def _registers_no_model(unit: Unit, site: Site) -> bool:
    """A bare ``register`` names a model version only when a model is what is registered:
    ``Model.register``, ``model.register``. ``tab_data_set.register(...)``, an environment, a
    table view (duckdb's ``conn.register``) or a tracer (``phoenix.otel.register``) are not."""
    receiver = site.call.func.rsplit(".", 1)[0].split("[", 1)[0]
    made = " ".join((site.qualified, *unit.ancestry(receiver)))
    if set(site.call.kwargs) & _REGISTER_KWARGS or made.startswith("sagemaker."):
        return False  # an estimator registered into a model package group
    return not ("Model" in made or "model" in name_pieces(receiver))


def _with_bentoml(unit: Unit) -> bool:
    """BentoML imported, or driven on its command line (its services are often defined in a
    module the notebook writes, and only used here)."""
    return unit.uses("bentoml") or any(text.startswith("bentoml ") for _, _, text in unit.shells)


def _from_registry(unit: Unit, site: Site) -> bool:
    """A model version put into or taken from a workspace registry: Azure ML v1
    ``Model(ws, name=..., version=...)``, v2 ``ml_client.models.create_or_update(...)``, a
    Hopsworks registry's ``mr.sklearn.create_model(...)``."""
    call, q = site.call, site.qualified
    if call.attr == "Model" and q.startswith("azureml.") and (call.args or "name" in call.kwargs):
        return True
    if call.attr in ("get_artifact_uri", "log_model") and unit.uses("mlrun"):
        return True  # MLRun keeps models as versioned artefacts of the runs that logged them
    if call.attr in ("save", "save_model") and _with_bentoml(unit):
        return True  # BentoML's store keeps each saved service or model under a version tag
    if call.attr == "create_or_update" and call.func.rsplit(".", 2)[-2:-1] == ["models"]:
        return True
    if call.attr == "create_model" and "." in call.func:
        root = call.root
        made = " ".join(unit.ancestry(root))
        return root == "mr" or "get_model_registry" in made
    return False


def _disabled(call: Call) -> bool:
    """``mlflow.autolog(disable=True)`` turns tracking off; a run reopened read-only
    (``neptune.init_run(with_id=..., mode="read-only")``) records nothing."""
    flag, mode = call.kw("disable"), call.kw("mode")
    if mode is not None and mode.kind == "str" and mode.text == "read-only":
        return True
    return flag is not None and flag.text not in ("False", "0", "None")


def check(ctx: NotebookContext) -> CheckResult:
    unit = ctx.notebook_unit
    registered = False
    trained = any(u.trainings for u in ctx.units)
    training_cells = {s.cell for u in ctx.units for s in u.trainings}
    # A run that also versions data or a model, or records its settings, tracks work.
    versioning_cells = {
        s.cell
        for s in unit.sites
        if s.call.attr in _ARTIFACT_CALLS
        or (s.qualified == "wandb.init" and "config" in s.call.kwargs)
    }
    media_cells = {s.cell for s in unit.sites if _MEDIA.match(s.qualified)}
    media_cells -= training_cells | versioning_cells
    for site in unit.sites:
        call, q = site.call, site.qualified
        reads = call.attr.startswith(("list", "describe", "get", "delete", "search", "paginate"))
        if not reads and (_REGISTER.search(q) or set(call.kwargs) & _REGISTER_KWARGS):
            if call.attr == "register" and _registers_no_model(unit, site):
                continue
            registered = True
            if call.attr in _EMPTY_REGISTRY:
                continue  # a registry name with no version in it yet
            yield Proof("MLOPS06-BP02", site.cell, f"registers a model version ({call.func})")
            yield Proof("MLREL05-BP02", site.cell, f"keeps versioned model artefacts ({call.func})")
        elif _LINEAGE.search(q):
            registered = True
            yield Proof("MLOPS02-BP04", site.cell, f"records model lineage ({call.func})")
        elif _TRACING_AUTOLOG.match(q):
            continue
        elif (_TRACKING.match(q) and not _disabled(call)) or (
            call.attr == "init"
            and q.startswith("google.cloud.aiplatform")
            and "experiment" in call.kwargs
        ):
            # A run ties data, settings and model together only when it logs artefacts.
            if _LINEAGE_LOGS.search(q):
                yield Proof("MLOPS02-BP04", site.cell, f"records what the run used ({call.func})")
            if trained and site.cell not in media_cells:
                yield Proof("MLOPS03-BP02", site.cell, f"tracks the training run ({call.func})")
    # An Azure ML v1 image of the workspace (``ws.images["name"]``) is built from registered
    # model versions: a deployment of it serves one.
    workspace_images = (
        {
            a.target
            for _, a in unit.assigns
            if a.value.kind == "other" and a.value.text.endswith(".images[]")
        }
        if unit.uses("azureml")
        else set()
    )
    for site in unit.sites:
        if _from_registry(unit, site):
            registered = True
            yield Proof(
                "MLOPS06-BP02", site.cell, f"uses a registered model version ({site.call.func})"
            )
    for endpoint in endpoints(unit):
        # A Personalize campaign always serves a solution version: that is its registry.
        versioned = endpoint.site.call.attr == "create_campaign"
        if workspace_images & set(endpoint.site.call.names):
            registered = True
            yield Proof(
                "MLOPS06-BP02",
                endpoint.cell,
                "deploys a workspace image built from registered model versions",
            )
        elif endpoint.indirect or versioned or _registered_by_platform(ctx, endpoint.site):
            yield Proof(
                "MLOPS06-BP02", endpoint.cell, "the deployed model is a registered model version"
            )
            registered = True
    if registered:
        return
    # A demo app (Gradio ``launch``) serves whatever model the code loads, often a hub's
    # versioned checkpoint: which version it is cannot be told, so nothing is said.
    # A command line's model (an AI Platform version's, a YAML file's) is not in view.
    known = [
        _deploying(unit, e.site)
        for e in endpoints(unit)
        if not e.indirect
        and e.site.call.attr != "launch"
        and not e.site.qualified.startswith("shell:")
    ]
    first = next((site for site in known if site is not None), None)
    if first is not None:
        yield Hit(
            first.cell,
            first.call.line,
            f"deploys a model with {first.call.func}() that is not registered as a model "
            "version and has no recorded lineage",
        )


#: An Azure ML online endpoint is created empty; its deployments put models into it.
_AZURE_DEPLOYMENTS = re.compile(r"\bonline_deployments\.(begin_)?create_or_update$")


def _deploying(unit: Unit, creation: Site) -> Site | None:
    """The call that puts a model behind an endpoint: the creation itself, or for an Azure ML
    online endpoint (``ml_client.begin_create_or_update(ManagedOnlineEndpoint(...))``) the
    deployment made into it later; none when no model is deployed."""
    call = creation.call
    if call.attr not in ("begin_create_or_update", "create_or_update"):
        return creation
    return next(
        (
            s
            for s in unit.sites
            if (s.cell, s.call.line) > (creation.cell, call.line)
            and _AZURE_DEPLOYMENTS.search(s.call.func)
        ),
        None,
    )


RULE = Rule(
    code="MLW017",
    name="deployment-without-registry",
    summary="A model is deployed without a model-registry entry or recorded lineage",
    severity="warning",
    pillars=("operational-excellence", "reliability"),
    best_practices=("MLOPS06-BP02", "MLREL05-BP02", "MLOPS02-BP04"),
    fix="Register the model as a version in a model registry (SageMaker Model Registry "
    "`model.register(...)`, MLflow `register_model`, Vertex AI Model Registry) and deploy that "
    "version, so its data, code, metrics and approval are on record.",
    doc="""\
## What it does
Flags a notebook that deploys a model to a real-time endpoint when nothing records which model
version that is: no model-registry call (SageMaker `register` / model packages, MLflow
`register_model` or `registered_model_name=`, Vertex AI models, which always live in its Model
Registry), no model card and no lineage entity. Deployments that go through a model-package
approval are registered by construction, and so is an Azure ML v1 workspace image
(`ws.images["name"]`), which is built from registered model versions.

## Why is this bad?
When the endpoint misbehaves nobody can tell which training run, data and code produced the
model it serves, roll back to the previous version, or show an auditor who approved it.

## Example
```python
predictor = estimator.deploy(initial_instance_count=1, instance_type="ml.m5.large")
```

## Use instead
```python
package = estimator.register(
    model_package_group_name="churn", content_types=["text/csv"],
    response_types=["text/csv"], approval_status="Approved",
)
predictor = package.deploy(initial_instance_count=1, instance_type="ml.m5.large")
```

## Suppress
`# mlwa: ignore[MLW017] reason` in the deploying cell.
""",
    check=check,
)
