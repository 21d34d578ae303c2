"""Keep what the user set from the kernel: through the front end when it listens, else on disk.

* JupyterLab with the mlwa extension: the change goes over the ``mlwa.live_cells`` comm
  (``protocol.SetMetadataMessage``); the front end writes it into the open notebook, which saves
  it like any edit. Writing the file instead would be undone by the editor's next save.
* VS Code, plain IPython, papermill, or JupyterLab without the extension: the ``.ipynb`` is read
  again, the change merged in with ``metadata.py``'s writers (a newer answer already on disk is
  kept), and the file replaced atomically. The editor must then reload the file; the message says
  how.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from mlwa_notebook.atomic import write_bytes_atomic
from mlwa_notebook.errors import MlwaError
from mlwa_notebook.kernel.changes import Change
from mlwa_notebook.kernel.live import LiveCells
from mlwa_notebook.kernel.locate import NotebookLocation, same_notebook
from mlwa_notebook.notebook import parse_json

#: How many times a write is retried when the file changed while the change was merged.
WRITE_ATTEMPTS = 3

RELOAD_HINTS = {
    "VS Code": "VS Code reloads a notebook with no unsaved changes by itself; otherwise run "
    "'File: Revert File' to see it (after saving anything you want to keep).",
    "Jupyter": "JupyterLab / Notebook has this notebook open without the mlwa extension: use "
    "File > Reload Notebook from Disk before you save, or your next save overwrites it "
    "(install the JupyterLab extension to write through the editor instead).",
    "papermill": "papermill writes its own output notebook; this change is in the input file.",
}


@dataclass(frozen=True, slots=True)
class Persisted:
    """Where a change went and what the user should read about it."""

    via: str  # "front end" or "file"
    message: str


def dump_notebook(notebook: object) -> bytes:
    """A notebook dict as nbformat writes it (one-space indent, sorted keys, final newline)."""
    text = json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def write_change(path: Path, change: Change) -> None:
    """Merge ``change`` into the notebook file and replace it atomically.

    The file is read just before writing and written only if it did not change meanwhile
    (retried otherwise), so an edit saved by the editor in between is not lost.
    """
    for _ in range(WRITE_ATTEMPTS):
        before = path.stat()
        raw = parse_json(path.read_bytes(), str(path))
        try:
            updated = change.apply(raw)
        except KeyError as exc:
            raise MlwaError(
                f"{path}: the cell is not in the saved file yet; save the notebook and run the "
                "cell again"
            ) from exc
        data = dump_notebook(updated)
        now = path.stat()
        if (now.st_mtime_ns, now.st_size) == (before.st_mtime_ns, before.st_size):
            write_bytes_atomic(path, data)
            return
    raise MlwaError(f"{path}: the file keeps changing on disk; try again")


def _hint(location: NotebookLocation) -> str:
    for key, hint in RELOAD_HINTS.items():
        if key in location.how:
            return hint
    return "Reload the notebook in your editor to see it."


def persist(change: Change, live: LiveCells, location: NotebookLocation | None) -> Persisted:
    """Send ``change`` to the front end, or write it to the notebook file when none listens."""
    snapshot = live.snapshot
    front_end_has_it = live.connected and (
        location is None or (snapshot is not None and same_notebook(snapshot.path, location.path))
    )
    if front_end_has_it and live.send(change):
        return Persisted(
            "front end",
            f"{change.describe()}: sent to the open notebook in JupyterLab; it is saved with "
            "the notebook.",
        )
    if location is None:
        raise MlwaError(
            "which notebook? none was found to write to; name it with "
            "`%mlwa --path NOTEBOOK.ipynb ...`"
        )
    write_change(location.path, change)
    return Persisted("file", f"{change.describe()}: written to {location.path}. {_hint(location)}")
