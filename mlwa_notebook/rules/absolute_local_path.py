"""MLW011 absolute-local-path: a path that only exists on the author's machine."""

from __future__ import annotations

import re

from mlwa_notebook.rules.base import CheckResult, Hit, NotebookContext, Rule

#: Home folders, Windows drives, macOS volumes and WSL mounts: places tied to one machine.
_MACHINE_PATH = re.compile(
    r"^(?:/home/(?P<user>[^/\s]+)|/Users/[^/\s]+|/root|[A-Za-z]:[\\/]|/Volumes/[^/\s]+|"
    r"/mnt/[a-z]/)(?:[\\/][^\s]*)?$"
)
#: Home folders that every machine of a managed platform has (Jupyter images, SageMaker,
#: Vertex Workbench, Studio Lab): portable there.
_PLATFORM_USERS = frozenset({"jovyan", "ec2-user", "sagemaker-user", "studio-lab-user", "jupyter"})
_SHELL_WORD = re.compile(r"[\s'\"=]((?:/home|/Users|/root|/Volumes|/mnt/[a-z])/[^\s'\";|&]*)")


def machine_path(text: str) -> bool:
    """Whether a whole string is an absolute path on one particular machine."""
    match = _MACHINE_PATH.match(text.strip())
    if match is None or "\n" in text:
        return False
    if text.strip().startswith("/Users/") and "@" in text.split("/", 3)[2]:
        return False  # a Databricks workspace folder (``/Users/<email>/...``), not a machine's
    return match.group("user") not in _PLATFORM_USERS


def check(ctx: NotebookContext) -> CheckResult:
    for view in ctx.code_cells():
        facts = view.facts
        assert facts is not None
        seen: set[int] = set()
        for line, text in facts.strings:
            if line not in seen and machine_path(text):
                seen.add(line)
                yield Hit(view.index, line, f"uses the machine-specific path `{text[:80]}`")
        for shell in facts.shells:
            for match in _SHELL_WORD.finditer(" " + shell.text):
                if shell.line not in seen and machine_path(match.group(1)):
                    seen.add(shell.line)
                    yield Hit(
                        view.index,
                        shell.line,
                        f"uses the machine-specific path `{match.group(1)[:80]}`",
                    )


RULE = Rule(
    code="MLW011",
    name="absolute-local-path",
    summary="A file path points into one person's home folder or drive",
    severity="warning",
    pillars=("operational-excellence", "reliability"),
    best_practices=("MLOPS03-BP02", "MLREL02-BP02"),
    fix="Use a path relative to the notebook or the repository (`Path('data') / 'train.csv'`), "
    "a setting read from the environment, or a storage URI.",
    doc="""\
## What it does
Flags strings and shell arguments that are absolute paths on one machine: a home folder
(`/home/alice/...`, `/Users/alice/...`, `/root/...`), a Windows drive (`C:\\\\...`), a macOS volume
or a WSL mount. Home folders that every machine of a managed platform shares (`/home/jovyan`,
`/home/ec2-user`, `/home/sagemaker-user`, `/home/jupyter`) and system paths (`/tmp`, `/opt/ml`)
are not flagged.

## Why is this bad?
The notebook runs only on its author's machine: a reviewer, a CI job or a colleague gets a
missing-file error, and nothing records where the data really came from.

## Example
```python
df = pd.read_csv("/Users/alice/Downloads/churn.csv")
```

## Use instead
```python
df = pd.read_csv(DATA_DIR / "churn.csv")  # DATA_DIR from configuration, relative by default
```

## Suppress
`# mlwa: ignore[MLW011] reason` in the cell.
""",
    check=check,
)
