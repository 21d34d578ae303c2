"""Endpoints a notebook creates, deletes and monitors: shared by the serving rules.

An endpoint is known by the names that refer to it: the variable its creation is bound to and
the name it is given (``EndpointName=endpoint_name``). A deletion or a monitor that mentions one
of those names is about that endpoint; one that mentions none of them (a loop over
``list_endpoints()``) is taken to be about every endpoint it could be, so the rules err towards
silence rather than a false alarm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from mlwa_notebook.cellcode import Call, Value
from mlwa_notebook.rules._flow import Site, Unit
from mlwa_notebook.rules._patterns import loaded_component

#: Keyword arguments whose value names the endpoint a call is about.
_ENDPOINT_KWARGS = ("EndpointName", "endpoint_name", "endpoint", "endpoint_input")
#: Calls that tear an endpoint down.
_DELETERS = frozenset(
    {
        "delete_endpoint",
        "undeploy",
        "undeploy_all",
        "delete_predictor",
        "delete_campaign",
        "delete_deployment",
    }
)
#: Calls that show an endpoint exists and is used (for endpoints a pipeline creates).
_ENDPOINT_USE = frozenset(
    {"describe_endpoint", "invoke_endpoint", "invoke_endpoint_async", "wait_for_endpoint"}
)
#: Calls and keywords that capture or monitor what an endpoint receives.
MONITOR_CALLS = frozenset(
    "DataCaptureConfig DefaultModelMonitor ModelMonitor ModelQualityMonitor ModelBiasMonitor "
    "ModelExplainabilityMonitor create_monitoring_schedule ModelDeploymentMonitoringJob "
    "QualityCheckStep ClarifyCheckStep DataQualityCheckConfig ModelQualityCheckConfig "
    "SkewDetectionConfig DriftDetectionConfig ObjectiveConfig update_data_capture_config "
    "enable_data_capture create_data_quality_job_definition "
    "create_model_quality_job_definition create_model_bias_job_definition "
    "create_model_explainability_job_definition suggest_baseline "
    # Azure ML: the online deployment's data collector and monitoring schedules.
    "DataCollector MonitorSchedule MonitorDefinition "
    # MLRun: a serving function's model monitoring.
    "set_tracking".split()
)
MONITOR_KWARGS = frozenset(
    {
        "data_capture_config",
        "data_capture_config_dict",
        "DataCaptureConfig",
        "enable_request_response_logging",
        "model_monitoring_config",
        "model_monitoring_alert_config",
        "model_monitoring_objective_config",
        # Azure ML: Application Insights on a web service, model data collection.
        "enable_app_insights",
        "collect_model_data",
        "data_collector",
        "app_insights_enabled",
    }
)
_GPU_TYPE = re.compile(r"^(ml\.[pg]\d|a\d-|g\d-)", re.I)
_SIZE = re.compile(r"\.(\d+)xlarge$|-(\d+)$")


@dataclass(frozen=True)
class Endpoint:
    """A real-time endpoint the notebook creates, directly or through an approval."""

    site: Site
    identity: frozenset[str]
    indirect: bool = False
    serverless: bool = False
    #: Later deploys into the same endpoint (Vertex ``model.deploy(endpoint=...)``).
    more: tuple[Site, ...] = ()
    #: A container on the notebook's own machine (Azure ML ``LocalWebservice``, SageMaker local
    #: mode): it still runs until stopped, but serves no traffic to monitor.
    local: bool = False
    #: What it captures is set in a file a command line names (``az ml online-endpoint create
    #: -f endpoint.yml``): the notebook cannot tell.
    configured_elsewhere: bool = False

    @property
    def cell(self) -> int:
        """Where it is created."""
        return self.site.cell

    @property
    def line(self) -> int:
        """The creating line."""
        return self.site.call.line

    def named_by(self, call: Call) -> bool:
        """Whether a call mentions one of the names this endpoint goes by."""
        return bool(self.identity & set(call.names))


def _name_root(value: Value | None) -> str | None:
    if value is None or value.kind != "name":
        return None
    return value.text.split(".", 1)[0]


def _kw_text(call: Call, *keys: str) -> Value | None:
    for key in keys:
        value = call.kwargs.get(key)
        if value is not None:
            return value
    return None


def _identity(call: Call) -> set[str]:
    names = set(call.targets)
    for key in _ENDPOINT_KWARGS:
        root = _name_root(call.kwargs.get(key))
        if root:
            names.add(root)
    return names


#: Creations of a real-time endpoint by callee alone: Azure ML v1 web services, Amazon
#: Personalize campaigns, MLflow deployments.
_CREATORS = frozenset(
    {
        "create_endpoint",
        "deploy_from_image",
        "deploy_from_model",
        "create_campaign",
        # SageMaker's Session, from variants, a training job or model data in S3.
        "endpoint_from_production_variants",
        "endpoint_from_job",
        "endpoint_from_model_data",
    }
)
#: Receivers whose create-or-update makes an online endpoint (Azure ML v2 ``MLClient``).
_ONLINE_ENDPOINTS = re.compile(r"\bonline_endpoints\b")


#: Azure ML online endpoint entities: ``ml_client.begin_create_or_update(endpoint)`` of one
#: creates it, as ``ml_client.online_endpoints.begin_create_or_update`` does.
_ONLINE_ENDPOINT_ENTITY = re.compile(r"\b(Managed|Kubernetes)OnlineEndpoint$")


def _creates_online_entity(site: Site, unit: Unit) -> bool:
    call = site.call
    if call.attr not in ("begin_create_or_update", "create_or_update") or not call.args:
        return False
    given = call.args[0]
    if given.kind == "call":
        return _ONLINE_ENDPOINT_ENTITY.search(given.text) is not None
    if given.kind != "name":
        return False
    return any(_ONLINE_ENDPOINT_ENTITY.search(o) for o in unit.origins.get(given.text, ()))


def is_creation(site: Site, unit: Unit | None = None) -> bool:
    """Whether a call creates a real-time endpoint (``unit`` tells what its arguments are)."""
    call = site.call
    if unit is not None and (
        _creates_online_entity(site, unit) or loaded_component(unit, call, "deploy")
    ):
        return True  # an Azure ML endpoint entity, a Kubeflow SageMaker deploy step
    if call.attr == "deploy":
        return "transformer" not in call.func.lower()
    if call.attr in _CREATORS:
        return True
    if call.attr == "create_deployment" and _mlflow_deployments(site, unit):
        return True
    if call.attr in ("begin_create_or_update", "create_or_update") and _ONLINE_ENDPOINTS.search(
        call.func
    ):
        return True
    if call.attr == "launch" and _kw_is_true(call, "share"):
        return True  # a Gradio app on a public link serves until it is closed
    if call.attr == "launch" and unit is not None and unit.on_colab and _gradio_app(unit, call):
        # On Colab, Gradio makes the public link unless told not to (``share=False``).
        share = call.kwargs.get("share")
        return share is None or share.text != "False"
    if call.attr == "create" and unit is not None and _kserve_client(unit, call):
        return True  # an InferenceService handed to KServe (or KFServing) serves until deleted
    return (
        call.attr == "create" and re.search(r"(^|\.)Endpoint\.create$", site.qualified) is not None
    )


def _mlflow_deployments(site: Site, unit: Unit | None) -> bool:
    """A call on MLflow's deployments API, directly or on the client it hands out
    (``client = get_deploy_client("sagemaker")``)."""
    if site.qualified.startswith("mlflow"):
        return True
    receiver = site.call.func.rsplit(".", 1)[0] if "." in site.call.func else ""
    return (
        bool(receiver)
        and unit is not None
        and any(o.startswith("mlflow.deployments") for o in unit.ancestry(receiver))
    )


#: The clients of KServe and of its former name, KFServing, that create inference services.
_KSERVE_CLIENT = re.compile(r"^(kserve|kfserving)\b.*\b(KServeClient|KFServingClient)$")


def _kserve_client(unit: Unit, call: Call) -> bool:
    receiver = call.func.rsplit(".", 1)[0]
    return any(_KSERVE_CLIENT.search(o) for o in (*unit.ancestry(receiver), receiver))


def _gradio_app(unit: Unit, call: Call) -> bool:
    receiver = call.func.rsplit(".", 1)[0]
    return any(o.startswith("gradio.") for o in (*unit.ancestry(receiver), receiver))


def _kw_is_true(call: Call, key: str) -> bool:
    value = call.kwargs.get(key)
    return value is not None and value.kind == "bool" and value.text == "True"


def _approves_model_package(call: Call) -> bool:
    status = _kw_text(call, "ModelApprovalStatus", "model_approval_status")
    return (
        call.attr in ("update_model_package", "update")
        and status is not None
        and status.kind == "str"
        and status.text.lower() == "approved"
    )


def config_cell(site: Site, unit: Unit) -> int | None:
    """The cell that creates the endpoint config a boto3 ``create_endpoint`` call names."""
    config = _kw_text(site.call, "EndpointConfigName")
    if site.call.attr != "create_endpoint" or config is None:
        return None
    for other in unit.sites:
        if other.call.attr == "create_endpoint_config":
            mine = _kw_text(other.call, "EndpointConfigName")
            if mine is not None and mine.text == config.text:
                return other.cell
    return None


def _serverless(site: Site, unit: Unit) -> bool:
    call = site.call
    if "serverless_inference_config" in call.kwargs or "ServerlessConfig" in call.kwargs:
        return True
    cell = config_cell(site, unit)
    return cell is not None and "ServerlessConfig" in unit.cell_keys(cell)


def _local(site: Site, unit: Unit) -> bool:
    call = site.call
    if unit.value_text(_kw_text(call, "instance_type")) in ("local", "local_gpu"):
        return True
    for value in (*call.args, *call.kwargs.values()):
        if value.kind == "call" and "LocalWebservice" in value.text:
            return True
        if value.kind == "name" and "LocalWebservice" in unit.origin(value.text):
            return True
    return False


def endpoints(unit: Unit) -> list[Endpoint]:
    """Every endpoint the unit creates, in order; a deploy into an existing endpoint merges."""
    return unit.endpoints


#: Images of model servers: a detached container of one serves a model until it is stopped (an
#: arbitrary container may be anything: a database, a web app).
_SERVER_IMAGES = (
    r"(?:text-generation-inference|\btgi\b|vllm|tritonserver|tensorflow/serving|torchserve|"
    r"seldon|kserve|bentoml|mlflow|ollama)"
)
#: Kubernetes manifests of a model server, by what their file is called (the notebook does not
#: show what a file it applies holds).
_MODEL_MANIFEST = r"\S*(?:model|isvc|inference|seldon|serving|predictor)\S*\.ya?ml\b"
#: Command lines that create a real-time endpoint, and those that delete one: the clouds' CLIs
#: (legacy AI Platform model versions, Vertex AI endpoints, Azure ML online endpoints), the model
#: servers of MLflow, BentoML, MLServer and TorchServe, Seldon's CLI.
_SHELL_CREATES = re.compile(
    r"^gcloud\s+(?:beta\s+)?(?:ai-platform\s+versions\s+create|ai\s+endpoints\s+deploy-model)\b"
    r"|^az\s+ml\s+online-endpoint\s+create\b"
    r"|^mlflow\s+models\s+serve\b"
    r"|^bentoml\s+serve(?:-http)?\b"
    r"|^mlserver\s+start\b"
    r"|^torchserve\s+(?:.*\s)?--start\b"
    r"|^seldon\s+(?:model|pipeline)\s+load\b"
)
_SHELL_DELETES = re.compile(
    r"^gcloud\s+(?:beta\s+)?(?:ai-platform\s+(?:versions|models)\s+delete|"
    r"ai\s+endpoints\s+(?:undeploy-model|delete))\b|^az\s+ml\s+online-endpoint\s+delete\b"
    r"|^seldon\s+(?:model|pipeline)\s+unload\b"
    r"|^torchserve\s+(?:.*\s)?--stop\b"
)
#: Containers and Kubernetes resources: a model server among them is an endpoint, and stopping
#: a container or deleting a namespace tears serving down only where a model server was started
#: (a web app's container is no serving resource).
_CONTAINER_CREATES = re.compile(
    rf"^docker\s+run\b(?=.*\s(?:-[a-z]*d[a-z]*|--detach)\b)(?=.*{_SERVER_IMAGES})"
    rf"|^kubectl\s+(?:apply|create)\s+(?:.*\s)?-f\s+{_MODEL_MANIFEST}"
)
_CONTAINER_DELETES = re.compile(
    r"^docker\s+(?:stop|rm|kill)\b"
    rf"|^kubectl\s+delete\s+(?:(?:.*\s)?-f\s+{_MODEL_MANIFEST}|(?:namespace|ns)\b)"
)
#: Where what an endpoint captures is set in a file the command line names, not in the notebook.
_SHELL_CONFIGURED = re.compile(r"^az\s+ml\b")


def _shell_site(cell: int, line: int, text: str) -> Site:
    """A command line as the call of its CLI (``gcloud ai-platform versions create``)."""
    words = text.split()
    command = " ".join(w for w in words[:4] if not w.startswith(("-", "$", "{")))
    return Site(cell, Call(command, line, (), {}), f"shell:{command}")


def callee(site: Site) -> str:
    """How a message names what a site runs: ``model.deploy()``, or the command line."""
    if site.qualified.startswith("shell:"):
        return f"`{site.call.func}`"
    return f"{site.call.func}()"


def shell_endpoints(unit: Unit) -> list[Endpoint]:
    """Endpoints created on a command line; their monitoring is unknown when a file sets it."""
    return [
        Endpoint(
            _shell_site(cell, line, text),
            frozenset(),
            configured_elsewhere=bool(_SHELL_CONFIGURED.match(text)),
        )
        for cell, line, text in unit.shells
        if _SHELL_CREATES.match(text) or _CONTAINER_CREATES.match(text)
    ]


def shell_deletions(unit: Unit) -> list[Site]:
    """Command lines that delete or undeploy an endpoint."""
    servers = any(_CONTAINER_CREATES.match(text) for _, _, text in unit.shells)
    return [
        _shell_site(cell, line, text)
        for cell, line, text in unit.shells
        if _SHELL_DELETES.match(text) or (servers and _CONTAINER_DELETES.match(text))
    ]


def find_endpoints(unit: Unit) -> list[Endpoint]:
    """What ``Unit.endpoints`` caches."""
    found: list[Endpoint] = []
    for site in unit.sites:
        if not is_creation(site, unit):
            continue
        ident = _identity(site.call)
        if site.call.attr == "launch" and "." in site.call.func:
            ident.add(site.call.root)  # the app is closed by its own name (``demo.close()``)
        target = _name_root(site.call.kwargs.get("endpoint"))
        if _creates_online_entity(site, unit):
            # The entity handed over is the endpoint; a second create-or-update of it (a
            # traffic change) updates the same endpoint.
            target = _name_root(site.call.args[0])
            if target is not None:
                ident.add(target)
        merged = False
        if target is not None:
            for i, known in enumerate(found):
                if target in known.identity:
                    found[i] = replace(
                        known, identity=known.identity | ident, more=(*known.more, site)
                    )
                    merged = True
                    break
        if not merged:
            found.append(
                Endpoint(
                    site,
                    frozenset(ident),
                    serverless=_serverless(site, unit),
                    local=_local(site, unit),
                )
            )
    if unit.shells:
        # In the order the notebook creates them, command lines among calls.
        found = sorted([*found, *shell_endpoints(unit)], key=lambda e: (e.cell, e.line))
    if not found:
        used = any(s.call.attr in _ENDPOINT_USE for s in unit.sites)
        for site in unit.sites:
            if used and _approves_model_package(site.call):
                found.append(Endpoint(site, frozenset(), indirect=True))
                break
    return found


#: A value left for the reader to fill in (``campaignArn="INSERT ARN HERE"``): names nothing.
_FILL_IN = re.compile(r"(?i)\binsert\b|\bhere\b|^<.*>$|\byour[_ -]")


def _fills_in(call: Call) -> bool:
    return any(
        v.kind == "str" and _FILL_IN.search(v.text) for v in (*call.args, *call.kwargs.values())
    )


def switched_off(unit: Unit, site: Site) -> bool:
    """Whether a call sits under ``if NAME:`` where the unit only ever binds NAME to False
    (``delete_endpoint = False`` above the clean-up cell: as written, nothing is deleted), or
    under ``if NAME == "x":`` where NAME is only ever bound to other literals."""
    line = site.call.line
    for name, first, last, expected in unit.guards_by_cell.get(site.cell, ()):
        if first <= line <= last:
            bound = unit.values_of.get(name, ())
            if not bound:
                continue
            if not expected and all(v.kind == "bool" and v.text == "False" for v in bound):
                return True
            if expected and all(_other_literal(v, expected) for v in bound):
                return True
    return False


def _other_literal(value: Value, expected: str) -> bool:
    """A literal bound to a switch that differs from the one an ``if`` asks for."""
    if value.kind == "str":
        return repr(value.text) != expected
    return value.kind in ("num", "bool", "none") and value.text != expected


def deletions(unit: Unit, known: list[Endpoint]) -> list[Site]:
    """Calls that delete or undeploy an endpoint (not one whose name is left to fill in, nor
    one under a switch the notebook leaves off)."""
    found: list[Site] = []
    for site in unit.sites:
        call = site.call
        if _fills_in(call) or (unit.guards and switched_off(unit, site)):
            continue
        if call.attr in _DELETERS:
            found.append(site)
        elif call.attr == "delete" and (
            any(e.named_by(call) for e in known)
            or any(w in call.root.lower() for w in ("endpoint", "predictor"))
        ):
            found.append(site)
        elif call.attr == "delete_stack" and any(e.indirect for e in known):
            found.append(site)
        elif call.attr == "begin_delete" and _ONLINE_ENDPOINTS.search(call.func):
            found.append(site)
        elif call.attr == "close" and any(e.named_by(call) for e in known):
            found.append(site)  # a Gradio app closed
        elif call.attr == "delete" and _kserve_client(unit, call):
            found.append(site)  # an inference service deleted through its client
    shells = shell_deletions(unit)
    if unit.guards:
        shells = [s for s in shells if not switched_off(unit, s)]
    return found + shells


_VERTEX_MONITOR = "ModelDeploymentMonitoringJob"


def monitors(unit: Unit) -> list[Site]:
    """Calls that capture or monitor what an endpoint (or a batch job) receives."""
    return [
        s
        for s in unit.sites
        if (
            s.call.attr in MONITOR_CALLS
            # ``aiplatform.ModelDeploymentMonitoringJob.create(...)``
            or (s.call.attr == "create" and s.call.func.rsplit(".", 2)[-2:-1] == [_VERTEX_MONITOR])
            or any(
                s.call.kwargs[k].text not in ("False", "None")
                for k in set(s.call.kwargs) & MONITOR_KWARGS
            )
        )
        and not s.call.attr.startswith(("delete", "list", "describe", "stop"))
    ]


def covered(endpoint: Endpoint, calls: list[Site], all_known: list[Endpoint]) -> bool:
    """Whether one of ``calls`` is about this endpoint (or about no endpoint in particular)."""
    for site in calls:
        if endpoint.named_by(site.call):
            return True
        if not any(e.named_by(site.call) for e in all_known):
            return True
    return False


def instance_settings(endpoint: Endpoint, unit: Unit) -> tuple[str, int | None, bool]:
    """The instance type, fixed count and whether accelerators are attached, where shown."""
    kind = count = ""
    accelerated = False
    for site in (endpoint.site, *endpoint.more):
        call = site.call
        kind = kind or unit.value_text(
            _kw_text(call, "instance_type", "machine_type", "InstanceType")
        )
        count = count or unit.value_text(
            _kw_text(call, "initial_instance_count", "min_replica_count", "InitialInstanceCount")
        )
        if call.attr == "deploy" and len(call.args) >= 2:  # deploy(1, "ml.m5.large")
            count = count or unit.value_text(call.args[0])
            kind = kind or unit.value_text(call.args[1])
        accelerated = accelerated or any(
            call.kwargs[k].kind != "none"
            for k in set(call.kwargs) & {"accelerator_type", "accelerator", "AcceleratorType"}
        )
    cell = config_cell(endpoint.site, unit)
    if cell is not None:
        keys = unit.cell_keys(cell)
        kind = kind or unit.value_text_of(keys.get("InstanceType", ""))
        count = count or unit.value_text_of(keys.get("InitialInstanceCount", ""))
        accelerated = accelerated or "AcceleratorType" in keys
    number = int(float(count)) if re.fullmatch(r"\d+(\.0)?", count) else None
    return kind, number, accelerated


def oversized(instance_type: str) -> str:
    """Why an instance type is large for an endpoint, or empty when it is not."""
    if _GPU_TYPE.match(instance_type):
        return "a GPU instance"
    size = _SIZE.search(instance_type)
    if size:
        n = int(size.group(1) or size.group(2))
        threshold = 4 if size.group(1) else 16
        if n >= threshold:
            return "a large instance"
    return ""
