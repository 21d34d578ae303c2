"""What to analyse: the live cells when the front end sent them, else the saved file.

Whatever is chosen is said in words (``NotebookInput.notes``), with a warning when the saved file
is older than what ran. When only the saved file is known, the cell that is running replaces its
saved version, so the check after a cell judges the code that ran.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlwa_notebook.errors import MlwaError
from mlwa_notebook.files import read_regular
from mlwa_notebook.kernel.live import LiveCells, Snapshot
from mlwa_notebook.kernel.locate import NotebookLocation, same_notebook
from mlwa_notebook.location import cell_label
from mlwa_notebook.notebook import parse_json


@dataclass(frozen=True, slots=True)
class RunningCell:
    """The cell being executed: its id when the front end sent one, and its source."""

    cell_id: str | None
    source: str


@dataclass(frozen=True, slots=True)
class NotebookInput:
    """A notebook dict to analyse, where it came from, and what the user should know about it."""

    notebook: Mapping[str, Any]
    path: str
    origin: str  # "live" or "file"
    key: tuple[Any, ...]  # equal keys mean the same analysis input
    notes: tuple[str, ...]
    location: NotebookLocation | None
    running_index: int | None = None  # index of the running cell in ``notebook``


class SavedFiles:
    """Saved notebooks, parsed once per modification (keyed on mtime and size)."""

    def __init__(self) -> None:
        self._cache: dict[Path, tuple[tuple[int, int], Mapping[str, Any]]] = {}

    def read(self, path: Path) -> tuple[tuple[int, int], Mapping[str, Any]]:
        """The file's stamp and its notebook dict; ``MlwaError`` when it cannot be read."""
        try:
            stat = path.stat()
        except OSError as exc:
            raise MlwaError(f"{path}: cannot read the notebook ({exc.strerror})") from exc
        stamp = (stat.st_mtime_ns, stat.st_size)
        cached = self._cache.get(path)
        if cached is not None and cached[0] == stamp:
            return cached
        try:
            raw = parse_json(read_regular(path), str(path))
        except OSError as exc:
            raise MlwaError(f"{path}: cannot read the notebook ({exc.strerror})") from exc
        self._cache[path] = (stamp, raw)
        return stamp, raw


def _source(cell: Mapping[str, Any]) -> str:
    value = cell.get("source", "")
    return "".join(value) if isinstance(value, list) else str(value)


def _find_running(cells: list[Any], running: RunningCell) -> int | None:
    """The index of the running cell: by id, else the one code cell with the same source."""
    if running.cell_id:
        for index, cell in enumerate(cells):
            if isinstance(cell, Mapping) and cell.get("id") == running.cell_id:
                return index
        return None
    wanted = running.source.strip()
    matches = [
        i
        for i, c in enumerate(cells)
        if isinstance(c, Mapping) and c.get("cell_type") == "code" and _source(c).strip() == wanted
    ]
    return matches[0] if len(matches) == 1 else None


def _age(seconds: float) -> str:
    if seconds < 90:
        return f"{max(0, round(seconds))} s ago"
    if seconds < 5400:
        return f"{round(seconds / 60)} min ago"
    return f"{round(seconds / 3600)} h ago"


@dataclass(frozen=True, slots=True)
class _Overlay:
    """A notebook with the running cell as it ran, and what was changed to get there."""

    notebook: Mapping[str, Any]
    index: int | None
    key: tuple[str, str] | None
    note: str | None


def with_running_cell(raw: Mapping[str, Any], running: RunningCell | None, what: str) -> _Overlay:
    """``raw`` with the running cell's source as it ran (appended when it is not there yet)."""
    cells = raw.get("cells")
    if running is None or not isinstance(cells, list):
        return _Overlay(raw, None, None, None)
    index = _find_running(cells, running)
    if index is None:
        if not running.source.strip():
            return _Overlay(raw, None, None, None)
        # A new cell the notebook does not hold yet: check it where new cells usually are.
        added: dict[str, Any] = {
            "id": running.cell_id or "mlwa-running-cell",
            "cell_type": "code",
            "source": running.source,
            "metadata": {},
            "outputs": [],
            "execution_count": None,
        }
        note = (
            f"{what} is older than what ran: the running cell is not in it yet, so it is "
            "checked as the last cell; save the notebook to check it in place"
        )
        return _Overlay(
            {**raw, "cells": [*cells, added]}, len(cells), (str(added["id"]), running.source), note
        )
    if _source(cells[index]) == running.source:
        return _Overlay(raw, index, None, None)
    replaced = {**cells[index], "source": running.source}
    note = (
        f"{what} is older than what ran: {cell_label(index)} is checked as it ran; save the "
        "notebook so the other cells are checked as they are now"
    )
    return _Overlay(
        {**raw, "cells": [*cells[:index], replaced, *cells[index + 1 :]]},
        index,
        (str(cells[index].get("id", index)), running.source),
        note,
    )


def from_live(
    snapshot: Snapshot, location: NotebookLocation | None, running: RunningCell | None
) -> NotebookInput:
    """The live cells the front end sent before this execution."""
    age = _age(time.monotonic() - snapshot.received)
    found = with_running_cell(snapshot.notebook, running, "the live cells")
    notes = [f"analysed: the live cells of {snapshot.path} (unsaved edits included, {age})"]
    return NotebookInput(
        notebook=found.notebook,
        path=str(location.path) if location else snapshot.path,
        origin="live",
        key=("live", snapshot.fingerprint, found.key),
        notes=tuple(notes + ([found.note] if found.note else [])),
        location=location,
        running_index=found.index,
    )


def from_file(
    location: NotebookLocation, files: SavedFiles, running: RunningCell | None
) -> NotebookInput:
    """The saved file, with the running cell as it ran; notes say when the file is older."""
    stamp, raw = files.read(location.path)
    saved_at = _age(time.time() - stamp[0] / 1e9)
    found = with_running_cell(raw, running, "the saved file")
    notes = [
        f"analysed: the saved file {location.path} (saved {saved_at}; found via {location.how})"
    ]
    return NotebookInput(
        notebook=found.notebook,
        path=str(location.path),
        origin="file",
        key=("file", str(location.path), stamp, found.key),
        notes=tuple(notes + ([found.note] if found.note else [])),
        location=location,
        running_index=found.index,
    )


def read_input(
    location: NotebookLocation | None,
    live: LiveCells,
    files: SavedFiles,
    running: RunningCell | None,
) -> NotebookInput:
    """The notebook to analyse now; ``MlwaError`` saying how to name it when none is known.

    The live cells win when the front end sent them for this notebook; else the saved file.
    """
    snapshot = live.snapshot
    if snapshot is not None and (location is None or same_notebook(snapshot.path, location.path)):
        return from_live(snapshot, location, running)
    if location is not None:
        return from_file(location, files, running)
    raise MlwaError(
        "which notebook? none was found (no Jupyter session, VS Code or papermill path); "
        f"name it with `%mlwa --path NOTEBOOK.ipynb status` (working folder: {os.getcwd()})"
    )
