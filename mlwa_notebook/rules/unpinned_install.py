"""MLW005 unpinned-install: a package is installed without an exact version."""

from __future__ import annotations

import re
import shlex

from mlwa_notebook.rules.base import CheckResult, Hit, NotebookContext, Proof, Rule

_INSTALL = re.compile(r"^(?:\S*/)?(pip3?|conda|mamba|uv pip|python3? -m pip)\s+install\b(.*)$")
_VALUE_OPTIONS = frozenset(
    {
        "-r",
        "--requirement",
        "-c",
        "--constraint",
        "-i",
        "--index-url",
        "--extra-index-url",
        "-f",
        "--find-links",
        "-t",
        "--target",
        "-e",
        "--editable",
        "--prefix",
        "--root",
        "--channel",
        "--python",
    }
)


def unpinned_packages(command: str) -> list[str]:
    """The requirements of an install command that name no exact version."""
    match = _INSTALL.match(command.strip())
    if not match:
        return []
    conda = match.group(1) in ("conda", "mamba")
    try:
        words = shlex.split(
            match.group(2).split("&&")[0].split(";")[0].split("|")[0], comments=True
        )
    except ValueError:
        words = match.group(2).split()
    found: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if word in _VALUE_OPTIONS:
            skip = True
            continue
        if (
            word.startswith("-")
            or word.startswith(("{", "$"))
            or "/" in word
            or word.endswith(".whl")
        ):
            continue
        if ">" in word or "2>" in word:
            continue
        pinned = "==" in word or (conda and re.search(r"=\d", word) is not None) or "@" in word
        if not pinned:
            found.append(word)
    return found


def check(ctx: NotebookContext) -> CheckResult:
    for view in ctx.code_cells():
        assert view.facts is not None
        for shell in view.facts.shells:
            if not _INSTALL.match(shell.text.strip()):
                continue
            loose = unpinned_packages(shell.text)
            if loose:
                yield Hit(
                    view.index,
                    shell.line,
                    f"installs {', '.join(loose[:5])} without an exact version",
                )
            else:
                yield Proof("MLOPS04-BP02", view.index, "installs pinned package versions")


RULE = Rule(
    code="MLW005",
    name="unpinned-install",
    summary="A package is installed without an exact version",
    severity="warning",
    pillars=("operational-excellence",),
    best_practices=("MLOPS04-BP02",),
    fix="Pin every package to an exact version (`pip install pandas==2.2.3`) or install from a "
    "locked requirements file.",
    doc="""\
## What it does
Flags executed installs (`%pip install`, `!pip install`, `conda install`, and installs in
`%%bash` cells) of a package without an exact version. Commented-out installs are ignored.

## Why is this bad?
An unpinned install gives a different library the next time the notebook runs; results drift
and old notebooks break without any change to their code.

## Example
```python
%pip install xgboost
```

## Use instead
```python
%pip install xgboost==2.1.3
```

## Suppress
`# mlwa: ignore[MLW005] reason` in the cell.
""",
    check=check,
)
