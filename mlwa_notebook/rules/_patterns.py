"""Patterns several rules share: what reads data, trains, scores, serves, and what looks secret."""

from __future__ import annotations

import re

from mlwa_notebook.cellcode import Call, Value

#: Callee names that read a dataset from a path, URL or table.
DATA_READERS = frozenset(
    "read_csv read_parquet read_json read_excel read_table read_feather read_orc read_hdf "
    "read_fwf read_sas read_spss read_stata read_xml loadtxt genfromtxt read_sql read_sql_query "
    "read_sql_table read_gbq".split()
)
#: Object-store downloads, by callee name.
STORE_DOWNLOADS = frozenset("download_file download_fileobj get_object".split())
#: sklearn/keras/tf datasets shipped with (or checksum-verified by) the library.
BUNDLED_DATA_MODULES = (
    "sklearn.datasets",
    "tensorflow.keras.datasets",
    "keras.datasets",
    "tensorflow_datasets",
    "torchvision.datasets",
    "seaborn.load_dataset",
)

#: Calls that create a real-time endpoint.
ENDPOINT_CREATORS = frozenset("deploy create_endpoint".split())
#: Calls that tear an endpoint down.
ENDPOINT_DELETERS = frozenset(
    "delete_endpoint undeploy undeploy_all delete_predictor delete".split()
)
#: Signs that what an endpoint receives is captured or monitored.
MONITORING = frozenset(
    "DataCaptureConfig DefaultModelMonitor ModelMonitor ModelQualityMonitor ModelBiasMonitor "
    "ModelExplainabilityMonitor create_monitoring_schedule ModelDeploymentMonitoringJob "
    "enable_capture QualityCheckStep ClarifyCheckStep SkewDetectionConfig DriftDetectionConfig "
    "create_data_quality_job_definition create_model_quality_job_definition".split()
)

_PLACEHOLDER = re.compile(
    r"^(<.*>|\{.*\}|\$\{?\w+\}?|x{3,}|\*{3,}|\.{3}|your[_\- ].*|.*(example|placeholder|changeme|"
    r"replace|dummy|redacted|todo).*|none|null|test|password|secret|token)$",
    re.I,
)
#: Names that say a value is a credential.
SECRET_NAME = re.compile(
    r"(pass(word|wd)?|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|auth)$"
    r"|^(pwd|passwd|password|api_key|apikey|secret_key|aws_secret_access_key|aws_session_token)$",
    re.I,
)
#: Shapes of well-known credentials, wherever they appear.
SECRET_SHAPES = (
    ("AWS access key id", re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("private key", re.compile(r"-----BEGIN (RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----")),
    ("GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("Slack token", re.compile(r"\bxox[abpr]-[A-Za-z0-9-]{10,}\b")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b")),
    ("OpenAI-style API key", re.compile(r"\bsk-[A-Za-z0-9_\-]{20,}\b")),
    ("Hugging Face token", re.compile(r"\bhf_[A-Za-z0-9]{30,}\b")),
    (
        "AWS secret access key",
        re.compile(r"(?i)aws_?secret_?access_?key\s*[=:]\s*['\"]?([A-Za-z0-9/+=]{40})\b"),
    ),
)


def mask(secret: str) -> str:
    """A secret as it may be shown: its first characters and stars, never the whole value."""
    keep = 4 if len(secret) >= 12 else 0
    return secret[:keep] + "*" * 8


def is_placeholder(value: str) -> bool:
    """Whether a string is a placeholder rather than a real credential."""
    text = value.strip()
    return len(text) < 8 or " " in text or bool(_PLACEHOLDER.match(text))


def first_text(call: Call) -> Value | None:
    """The first positional argument, or the usual path keywords."""
    if call.args:
        return call.args[0]
    for key in ("filepath_or_buffer", "path", "path_or_buf", "io", "fname", "sql", "query"):
        if key in call.kwargs:
            return call.kwargs[key]
    return None
