"""Patterns several rules share: what reads data, trains, scores, serves, and what looks secret."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from mlwa_notebook.cellcode import Call, Value

#: Callee names that read a dataset from a path, URL or table.
DATA_READERS = frozenset(
    "read_csv read_parquet read_json read_excel read_table read_feather read_orc read_hdf "
    "read_fwf read_sas read_spss read_stata read_xml loadtxt genfromtxt read_sql read_sql_query "
    "read_sql_table read_gbq".split()
)
#: sklearn/keras/tf datasets shipped with (or checksum-verified by) the library.
BUNDLED_DATA_MODULES = (
    "sklearn.datasets",
    "tensorflow.keras.datasets",
    "keras.datasets",
    "tensorflow_datasets",
    "torchvision.datasets",
    "seaborn.load_dataset",
)

_PLACEHOLDER = re.compile(
    r"^(.*<.*>.*|.*\{.*\}.*|.*\[.*\].*|\$\{?\w+\}?|.*x{4,}.*|.*\*{3,}.*|.*\.{3}.*|"
    r"(.*[_\- /])?your[_\- ].*|.*(example|placeholder|changeme|change_me|replace|dummy|redacted|"
    r"todo|sample|fake|mock).*|none|null|test|password|secret|token)$",
    re.I,
)
#: Names that say a value is a credential.
SECRET_NAME = re.compile(
    r"(pass(word|wd)?|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|auth)$"
    r"|^(pwd|passwd|password|api_key|apikey|secret_key|aws_secret_access_key|aws_session_token)$",
    re.I,
)
#: Shapes of well-known credentials, wherever they appear. Where a shape has a group, the group
#: is the secret and the rest is context (``AccountKey=`` is not secret; what follows is).
SECRET_SHAPES = (
    ("AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    (
        "private key",
        re.compile(r"-----BEGIN (?:RSA |EC |OPENSSH |DSA |ENCRYPTED )?PRIVATE KEY-----"),
    ),
    ("GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_\-]{20,}\b")),
    ("Slack token", re.compile(r"\bxox[abpr]-[A-Za-z0-9-]{10,}\b")),
    (
        "Slack webhook",
        re.compile(r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{16,}"),
    ),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b")),
    ("Google OAuth token", re.compile(r"\bya29\.[0-9A-Za-z_\-]{20,}")),
    ("OpenAI-style API key", re.compile(r"\bsk-(?=[A-Za-z_\-]*\d)[A-Za-z0-9_\-]{20,}\b")),
    ("Stripe key", re.compile(r"\b[rs]k_live_[0-9a-zA-Z]{20,}\b")),
    ("Hugging Face token", re.compile(r"\bhf_[A-Za-z0-9]{30,}\b")),
    ("npm token", re.compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    (
        "JSON web token",
        re.compile(r"\beyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}"),
    ),
    (
        "AWS secret access key",
        re.compile(r"(?i)aws_?secret_?access_?key\s*[=:]\s*['\"]?([A-Za-z0-9/+=]{40})\b"),
    ),
    ("Azure storage key", re.compile(r"AccountKey=([A-Za-z0-9+/=]{40,})")),
    (
        "password in a connection URL",
        re.compile(r"\b[a-z][a-z0-9+.\-]*://[^/\s:@'\"]+:([^@\s/'\"{}$<>]{6,})@[\w.\-]+"),
    ),
    ("service-account key id", re.compile(r"\"private_key_id\"\s*:\s*\"([0-9a-f]{40})\"")),
)


#: A cheap first look: every shape above contains one of these (most strings contain none).
_SECRET_HINT = re.compile(
    r"AKIA|ASIA|PRIVATE KEY|gh[pousr]_|glpat-|xox[abpr]-|hooks\.slack|AIza|ya29\.|sk-|_live_|"
    r"hf_|npm_|eyJ|secret|AccountKey=|://|private_key_id",
    re.I,
)


def secrets_in(text: str) -> Iterator[tuple[str, str]]:
    """Every credential-shaped value in a text, with its label, placeholders left out."""
    if len(text) < 12 or not _SECRET_HINT.search(text):
        return
    for label, shape in SECRET_SHAPES:
        for match in shape.finditer(text):
            value = match.group(match.lastindex or 0)
            if label == "private key" or not is_placeholder(value):
                yield label, value


@lru_cache(maxsize=65536)
def secret_in(text: str) -> tuple[str, str] | None:
    """The first credential-shaped value in a text, with its label (cached: texts repeat)."""
    return next(secrets_in(text), None)


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
