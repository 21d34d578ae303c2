"""Keep what the user set from the kernel: through the front end when it listens, else on disk.

* JupyterLab with the mlwa extension: the change goes over the ``mlwa.live_cells`` comm
  (``protocol.SetMetadataMessage``); the front end writes it into the open notebook, which saves
  it like any edit. Writing the file instead would be undone by the editor's next save.
* VS Code, plain IPython, papermill, or JupyterLab without the extension: the ``.ipynb`` is read
  again, the change merged in with ``metadata.py``'s writers (a newer answer already on disk is
  kept), and the file replaced atomically, by a compare-and-swap (``write_change``) that loses
  neither another kernel's answer nor an editor's save. The editor must then reload the file; the
  message says how.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from filelock import FileLock, Timeout

from mlwa_notebook.atomic import exchange, remove_orphans, write_temp_beside
from mlwa_notebook.errors import MlwaError, NotebookError
from mlwa_notebook.kernel.changes import Change
from mlwa_notebook.kernel.live import LiveCells
from mlwa_notebook.kernel.locate import NotebookLocation, same_notebook
from mlwa_notebook.notebook import parse_json

#: How long a write keeps trying while other writers or an editor's saves are in its way.
WRITE_PATIENCE_S = 20.0
#: A file that stays unreadable, unchanged, this long is broken, not being saved.
BROKEN_AFTER_S = 0.5

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


def _lock_for(path: Path) -> FileLock:
    """The lock every mlwa writer of ``path`` takes (in the user's temporary folder, so no lock
    file shows beside the notebook or in git)."""
    folder = (
        Path(tempfile.gettempdir()) / f"mlwa-locks-{os.getuid() if hasattr(os, 'getuid') else 0}"
    )
    folder.mkdir(mode=0o700, exist_ok=True)
    key = hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return FileLock(folder / f"{key}.lock", timeout=WRITE_PATIENCE_S)


def _same(a: os.stat_result, b: os.stat_result) -> bool:
    """Whether two looks at a file saw the same file with the same content (by its metadata)."""
    return (a.st_dev, a.st_ino, a.st_size, a.st_mtime_ns) == (
        b.st_dev,
        b.st_ino,
        b.st_size,
        b.st_mtime_ns,
    )


def _read(fh: IO[bytes]) -> bytes:
    fh.seek(0)
    return fh.read()


def write_change(path: Path, change: Change) -> None:
    """Merge ``change`` into the notebook file and replace it atomically: a compare-and-swap.

    * Other mlwa writers (the magics of other kernels) wait for one lock, so no answer is lost.
    * An editor takes no lock, so the file is compared at rename time: when it is not the file
      that was read, unchanged, it is read and merged again. A file found empty or half-written
      is an editor saving in place (as Jupyter does): it is read again a moment later.
    * An editor saving in place into the file while it is being replaced writes into the old
      file: that save is read back from it and the change merged into it, so it is not lost.
    """
    path = Path(path)
    try:
        with _lock_for(path):
            remove_orphans(path)
            _swap_in(path, change)
    except Timeout as exc:
        raise MlwaError(f"{path}: another writer holds the notebook; try again") from exc


def _install(tmp: Path, path: Path, seen: os.stat_result, fh: IO[bytes]) -> bool:
    """Put the merged file ``tmp`` at ``path`` if ``path`` still holds ``seen``: True if it did.

    With an atomic swap (Linux) the check is made on what the swap displaced, so a save that
    lands at any instant before it is seen and put back; elsewhere the check is made just
    before the rename, which leaves an instant in between.
    """
    ours = os.stat(tmp)
    if not exchange(tmp, path):
        try:
            unchanged = _same(os.stat(path), seen) and _same(os.fstat(fh.fileno()), seen)
        except FileNotFoundError:
            unchanged = False
        if unchanged:
            os.replace(tmp, path)
        else:
            tmp.unlink(missing_ok=True)
        return unchanged
    # ``tmp`` now names what ``path`` held: the file read, or a save made since.
    if _same(os.stat(tmp), seen):
        tmp.unlink()
        return True
    exchange(tmp, path)  # a newer save: put it back, and merge into it
    back, now = os.stat(tmp), os.stat(path)
    if back.st_ino != ours.st_ino and back.st_mtime_ns > now.st_mtime_ns:
        exchange(tmp, path)  # an even newer save came between the two swaps: keep that one
    tmp.unlink(missing_ok=True)
    return False


def _swap_in(path: Path, change: Change) -> None:
    deadline = time.monotonic() + WRITE_PATIENCE_S
    pause = 0.001
    unreadable: tuple[os.stat_result, float] | None = None  # since when, unchanged
    rescued: IO[bytes] | None = None  # the replaced file, holding an editor's later save
    ours: os.stat_result | None = None  # the file this write put in place
    try:
        while True:
            try:
                fh = open(path, "rb")  # kept open: compared at rename time
            except FileNotFoundError as exc:
                raise NotebookError(str(path), "no such file") from exc
            with fh:
                seen = os.fstat(fh.fileno())
                current, base, read = _read(fh), b"", seen
                if rescued is not None and ours is not None and _same(seen, ours):
                    # The file still holds our write: merge into the save made into the old one.
                    base, read = _read(rescued), os.fstat(rescued.fileno())
                try:
                    raw = parse_json(base or current, str(path))
                    updated = change.apply(raw)
                except NotebookError:
                    # Empty or half-written is an editor saving in place: read again. A file that
                    # stays so, unchanged, is broken: say so at once rather than at the deadline.
                    now = time.monotonic()
                    if unreadable is None or not _same(unreadable[0], read):
                        unreadable = (read, now)
                    if now - unreadable[1] > BROKEN_AFTER_S or now > deadline:
                        raise
                    time.sleep(pause)
                    pause = min(pause * 2, 0.05)
                    continue
                except KeyError as exc:
                    raise MlwaError(
                        f"{path}: the cell is not in the saved file yet; save the notebook and "
                        "run the cell again"
                    ) from exc
                data = dump_notebook(updated)
                if data == current:
                    return  # the file already says it
                if not _install(write_temp_beside(path, data), path, seen, fh):
                    if time.monotonic() > deadline:
                        raise MlwaError(f"{path}: the file keeps changing on disk; try again")
                    continue
                ours = os.stat(path)
                if _same(os.fstat(fh.fileno()), seen):
                    return
                # Written into while it was replaced: keep it open and merge that save next.
                if rescued is not None:
                    rescued.close()
                rescued = os.fdopen(os.dup(fh.fileno()), "rb")
    finally:
        if rescued is not None:
            rescued.close()


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
