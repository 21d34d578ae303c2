"""Which notebook this kernel runs, and which of its cells is running now.

What each front end tells the kernel (``../shared/JUPYTER-NOTES.md``):

* JupyterLab and Notebook 7: jupyter_server starts the kernel with ``JPY_SESSION_NAME`` set to the
  notebook's path, and ipykernel mirrors it as ``__session__`` in the user namespace. It is the
  path at kernel start (it does not follow a rename).
* VS Code: ``__vsc_ipynb_file__`` in the user namespace.
* papermill: ``PAPERMILL_INPUT_PATH``, a parameter papermill injects with ``--inject-input-path``
  (or ``--inject-paths``); also read from the environment for runners that export it.
* anything else (plain IPython, a console): ``%mlwa --path NOTEBOOK``.

The running cell's id comes with each execute request (``metadata.cellId``, sent by JupyterLab,
Notebook 7 and VS Code) and reaches hooks as ``ExecutionInfo.cell_id``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Where a path may come from, in the order they are trusted.
NAMESPACE_HINTS = (
    ("__vsc_ipynb_file__", "VS Code (__vsc_ipynb_file__)"),
    ("__session__", "the Jupyter session (__session__)"),
)
ENVIRONMENT_HINTS = (("JPY_SESSION_NAME", "the Jupyter session (JPY_SESSION_NAME)"),)
PAPERMILL_HINT = ("PAPERMILL_INPUT_PATH", "papermill (PAPERMILL_INPUT_PATH)")


@dataclass(frozen=True, slots=True)
class NotebookLocation:
    """A notebook file on disk and how it was found (shown to the user)."""

    path: Path
    how: str


def resolve_notebook_path(value: str, cwd: Path) -> Path | None:
    """An existing ``.ipynb`` file named by ``value``, relative names resolved against ``cwd``.

    jupyter_server passes an absolute path, but an older server or a custom contents manager may
    pass the API path (relative to the server's root) while the kernel runs in the notebook's
    folder: then the file name alone is tried in ``cwd``.
    """
    if not value or not value.endswith(".ipynb"):
        return None
    candidate = Path(os.path.expanduser(value))
    tries = [candidate] if candidate.is_absolute() else [cwd / candidate, cwd / candidate.name]
    for path in tries:
        if path.is_file():
            return path.resolve()
    return None


def locate_notebook(
    user_ns: Mapping[str, Any], environ: Mapping[str, str], cwd: Path
) -> NotebookLocation | None:
    """The notebook this kernel runs, from what the front end set; None when nothing says."""
    hints: list[tuple[Any, str]] = [(user_ns.get(name), how) for name, how in NAMESPACE_HINTS]
    hints += [(environ.get(name), how) for name, how in ENVIRONMENT_HINTS]
    name, how = PAPERMILL_HINT
    hints += [(user_ns.get(name), how), (environ.get(name), how)]
    for value, source in hints:
        if isinstance(value, str):
            path = resolve_notebook_path(value, cwd)
            if path is not None:
                return NotebookLocation(path, source)
    return None


def same_notebook(api_path: str, path: Path) -> bool:
    """Whether a front end's contents API path (relative to its root) names the file ``path``."""
    if not api_path:
        return False
    given = Path(api_path)
    if given.is_absolute():
        return given.resolve() == path.resolve()
    parts = given.parts
    return path.resolve().parts[-len(parts) :] == parts if parts else False


def running_cell_id(shell: Any) -> str | None:
    """The id of the cell being executed, as the front end sent it; None when it did not."""
    header = getattr(shell, "parent_header", None)
    if not isinstance(header, Mapping):
        return None
    metadata = header.get("metadata")
    if isinstance(metadata, Mapping):
        cell_id = metadata.get("cellId")
        if isinstance(cell_id, str) and cell_id:
            return cell_id
    return None
