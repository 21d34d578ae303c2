"""The comm protocol between the kernel and the JupyterLab extension: the one place it is written.

The shapes are ``schema/protocol.schema.json``: the kernel validates what it receives and what it
sends against it, the TypedDicts below type them in Python (a test holds them to the schema),
and the TypeScript types are generated from it (``labextension/src/_generated/protocol.ts``).
Change the schema first and bump ``PROTOCOL_VERSION`` when a shape changes (its ``ProtocolVersion``
``default`` says the version written now). Version 2 added the sidebar's metadata route
(``metadata_change.py``, ``POST /mlwa/api/metadata``); the comm messages below are those of
version 1, and each side still reads a version-1 message.

Target
    ``LIVE_CELLS_TARGET`` = ``"mlwa.live_cells"``, registered on the kernel by
    ``%load_ext mlwa_notebook``. A kernel without it ignores a ``comm_open`` silently, so the
    extension may always send.

Front end → kernel: the live cells (``LiveCellsMessage``)
    Sent just before each execution (``NotebookActions.executionScheduled``), either as the
    ``data`` of a ``comm_open`` or as the ``data`` of a ``comm_msg`` on a comm already open::

        {"path": "work/churn.ipynb",              # contents API path (relative to the root)
         "cells": [<nbformat v4 cell dicts>],     # the model as it is now, unsaved edits included
         "metadata": {<notebook metadata>},       # including the "mlwa" block
         "version": 2}                            # optional; PROTOCOL_VERSION

    Each cell needs ``id``, ``cell_type``, ``source`` and ``metadata``; ``outputs`` may be left
    out or trimmed to text mime types (the analysis reads text outputs only). The kernel keeps
    the latest snapshot, and the comm it came on as the way back: keep that comm open while the
    notebook is open (one per notebook panel; open a new one after a kernel restart). Closing it
    tells the kernel the editor is gone: it drops the snapshot and writes to the file again.
    Sending a snapshot also when the ``mlwa`` metadata changes (a sidebar answer) keeps the
    kernel's panel in step with the sidebar without waiting for the next execution.

Kernel → front end: the target is there (``ReadyMessage``)
    Sent on every comm of this target as soon as the kernel accepts it::

        {"action": "ready", "version": 2}

    Until a comm has had this answer, the front end opens a new comm for each execution instead
    of sending on the old one: during "Run All", every cell is scheduled before the kernel runs
    ``%load_ext mlwa_notebook``, so the first comm is refused, and only a comm opened after the
    target exists reaches it (the cells after ``%load_ext`` then see the live cells).

Kernel → front end: metadata to write (``SetMetadataMessage``)
    Sent as a ``comm_msg`` on the most recent comm of this target that is still open, when the
    user answers the checklist, sets a phase or suppresses a finding from the kernel (``%mlwa``
    or the widget panel)::

        {"action": "set_metadata",
         "version": 2,
         "path": "work/churn.ipynb",              # the path of the snapshot it applies to
         "notebook": {"checklist": {"MLOPS01-BP01": {"state": "na", "reason": "...",
                                                     "updated": "2026-01-02T10:00:00.000000Z"}},
                      "ignore": {"MLW005": "pinned by the image"}},
         "cells": {"<cell id>": {"phase": "model-training",    # null: remove the explicit phase
                                 "ignore": {"MLW004": "seeded globally"}}}}

    Both ``notebook`` and each ``cells`` entry are partial ``mlwa`` metadata blocks, applied as a
    patch, never as a replacement:

    * ``notebook.checklist[bp]``: keep whichever entry (the stored one or this one) has the later
      ``updated`` time, item by item (``metadata.merge_checklist``), so neither writer ever
      overwrites a newer answer.
    * ``notebook.ignore[code]`` / ``cells[id].ignore[code]``: set that key (others untouched).
    * ``cells[id].phase``: set ``metadata.mlwa.phase`` (``null`` removes it) and drop the cell's
      ``mlwa-phase:*`` tags, as ``metadata.set_cell_phase`` does.
    * ensure ``metadata.mlwa.version`` = ``METADATA_VERSION`` where a block is created.

    The front end does not merge them itself: it sends the patch with the blocks it touches to
    the server (``POST /mlwa/api/metadata``, ``metadata_change.apply_patch``), which merges it by
    the rules above, and writes the blocks answered into the notebook model (the document
    becomes dirty and is saved like any edit). The kernel does not wait for an answer; it re-applies what it sent to later
    snapshots until a snapshot shows it, so a "Run All" scheduled before the change does not hide
    it. When no comm of this target is open, the kernel writes the ``.ipynb`` on disk instead
    (atomic, merged the same way) and tells the user to reload.
"""

from __future__ import annotations

from typing import Any, Final, Literal, NotRequired, TypedDict

LIVE_CELLS_TARGET: Final = "mlwa.live_cells"
PROTOCOL_VERSION: Final = 2
ACTION_SET_METADATA: Final = "set_metadata"
ACTION_READY: Final = "ready"
ACTION_LIVE_CELLS: Final = "live_cells"


class LiveCellsMessage(TypedDict):
    """Front end → kernel: the notebook as it is in the editor, before an execution."""

    path: str
    cells: list[dict[str, Any]]
    metadata: NotRequired[dict[str, Any]]
    version: NotRequired[int]
    action: NotRequired[Literal["live_cells"]]


class ChecklistEntry(TypedDict):
    """One stored checklist answer (``metadata.mlwa.checklist[<bp id>]``)."""

    state: Literal["done", "na", "open"]
    updated: str
    note: NotRequired[str]
    reason: NotRequired[str]
    by: NotRequired[str]


class NotebookPatch(TypedDict, total=False):
    """Entries to merge into ``metadata.mlwa`` of the notebook."""

    checklist: dict[str, ChecklistEntry]
    ignore: dict[str, str]


class CellPatch(TypedDict, total=False):
    """Entries to merge into ``metadata.mlwa`` of one cell."""

    phase: str | None
    ignore: dict[str, str]


class SetMetadataMessage(TypedDict):
    """Kernel → front end: metadata the user set from the kernel, to write into the model."""

    action: Literal["set_metadata"]
    version: int
    path: str
    notebook: NotebookPatch
    cells: dict[str, CellPatch]


class ReadyMessage(TypedDict):
    """Kernel → front end: this comm reached the target; keep sending on it."""

    action: Literal["ready"]
    version: int
