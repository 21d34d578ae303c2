"""The notebook as it was at a git ref (``%mlwa radar --compare HEAD~3``): ``git show REF:path``."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mlwa_notebook.errors import MlwaError
from mlwa_notebook.notebook import parse_json

GIT_TIMEOUT_S = 20


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, timeout=GIT_TIMEOUT_S
        )
    except FileNotFoundError as exc:
        raise MlwaError("git is not installed: --compare needs it") from exc
    except subprocess.TimeoutExpired as exc:
        raise MlwaError(f"git did not answer within {GIT_TIMEOUT_S} s") from exc


def notebook_at_ref(path: Path, ref: str) -> tuple[Mapping[str, Any], str]:
    """The notebook dict of ``path`` at git ``ref`` and a label for it (``HEAD~1 (3f2a9c1)``)."""
    if not ref or ref.startswith("-"):
        raise MlwaError(f"not a git ref: {ref!r}")
    folder = path.resolve().parent
    inside = _git(folder, "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0:
        raise MlwaError(f"{folder} is not inside a git repository: nothing to compare with")
    commit = _git(folder, "rev-parse", "--short", "--verify", f"{ref}^{{commit}}")
    if commit.returncode != 0:
        raise MlwaError(f"unknown git ref {ref!r} (try HEAD, HEAD~1, a branch, tag or commit)")
    short = commit.stdout.decode().strip()
    shown = _git(folder, "show", f"{short}:./{path.name}")
    if shown.returncode != 0:
        raise MlwaError(f"{path.name} does not exist at {ref} ({short})")
    label = ref if ref == short else f"{ref} ({short})"
    return parse_json(shown.stdout, f"{path.name}@{label}"), label
