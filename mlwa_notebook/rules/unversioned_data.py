"""MLW001 unversioned-data: data read from a path, URL, table or bucket with no version pin."""

from __future__ import annotations

import re

from mlwa_notebook.rules._patterns import (
    BUNDLED_DATA_MODULES,
    DATA_READERS,
    STORE_DOWNLOADS,
    first_text,
)
from mlwa_notebook.rules.base import CheckResult, Hit, NotebookContext, Proof, Rule

_DOWNLOAD = re.compile(r"^(wget|curl|aws s3 (cp|sync)|gsutil (-m )?(cp|rsync))\b")
_PIN_KWARGS = frozenset({"VersionId", "version_id", "revision", "version", "snapshot", "rev"})
_HASHES = ("hashlib.", "dvc.api.")


def check(ctx: NotebookContext) -> CheckResult:
    pinned = any(q.startswith(_HASHES) for _, _, q in ctx.calls())
    for view, call, qualified in ctx.calls():
        if qualified.startswith(BUNDLED_DATA_MODULES):
            yield Proof(
                "MLOPS03-BP02", view.index, f"reads a library-bundled dataset ({call.func})"
            )
            continue
        if call.attr in DATA_READERS or call.attr in STORE_DOWNLOADS:
            if set(call.kwargs) & _PIN_KWARGS or "ExtraArgs" in call.kwargs:
                yield Proof("MLOPS03-BP02", view.index, f"reads a pinned version ({call.func})")
                continue
            source = first_text(call)
            shown = source.text if source is not None else "data"
            if (
                source is not None
                and source.kind == "str"
                and ctx.tracking.is_versioned(source.text)
            ):
                yield Proof("MLOPS03-BP02", view.index, f"{shown} is tracked by git or DVC")
                continue
            if pinned:
                continue
            yield Hit(
                view.index, call.line, f"reads `{shown[:80]}` with {call.func}() and no version pin"
            )
    if pinned:
        return
    for view in ctx.code_cells():
        assert view.facts is not None
        for shell in view.facts.shells:
            if _DOWNLOAD.search(shell.text):
                yield Hit(
                    view.index,
                    shell.line,
                    f"downloads data with `{shell.text[:80]}` and no version pin",
                )
        if view.facts.cell_magic == "bigquery":
            yield Hit(view.index, 1, "queries a BigQuery table with no snapshot or version")


RULE = Rule(
    code="MLW001",
    name="unversioned-data",
    summary="Data is read from a path, URL, table or bucket with no version pin",
    severity="warning",
    pillars=("operational-excellence", "security", "reliability"),
    best_practices=("MLOPS03-BP02", "MLSEC03-BP04", "MLREL02-BP03"),
    fix="Read a pinned version: an S3 `VersionId`, a DVC- or git-tracked file, a dataset "
    "revision, or record and check the file's content hash.",
    doc="""\
## What it does
Flags data read from a local path, a URL, a database or an object store when nothing pins which
version of the data was read: no S3 `VersionId`, no dataset revision, no DVC or git tracking of
the file, and no content hash checked in the notebook. Datasets bundled with a library
(scikit-learn's `load_*`, `keras.datasets`) count as versioned.

## Why is this bad?
A model is only reproducible and auditable if the exact data it learnt from can be found again.
A file or bucket key that changes under the same name silently changes every result.

## Example
```python
df = pd.read_csv("s3://my-bucket/churn/train.csv")
```

## Use instead
```python
df = pd.read_csv(dvc.api.get_url("data/train.csv", rev="v1.2"))
```

## Suppress
`# mlwa: ignore[MLW001] reason` in the cell, or the cell tag `mlwa-ignore:MLW001`.
""",
    check=check,
)
