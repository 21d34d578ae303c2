"""The live cells the JupyterLab extension sends before each execution, and the way back to it.

The protocol is written down in ``protocol.py``. The kernel keeps only the latest snapshot and
the comm it came on; what the kernel itself sent back (a checklist answer, a phase) is re-applied
to later snapshots until one shows it, so a snapshot taken before the change cannot hide it.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mlwa_notebook.kernel.changes import Change, apply_all
from mlwa_notebook.kernel.protocol import (
    ACTION_READY,
    ACTION_SET_METADATA,
    LIVE_CELLS_TARGET,
    PROTOCOL_VERSION,
    CellPatch,
    NotebookPatch,
    ReadyMessage,
    SetMetadataMessage,
)
from mlwa_notebook.schema import problems, schema


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One notebook as the editor held it: a notebook dict, where it lives, when it came."""

    path: str
    notebook: Mapping[str, Any]
    received: float
    fingerprint: str


def code_fingerprint(notebook: Mapping[str, Any]) -> str:
    """What the after-cell check depends on: cells' ids, types, sources and metadata.

    Outputs and execution counts are left out: a snapshot is taken before its cell runs, so
    they change with every execution without changing what the running cell's code says.
    """
    cells = notebook.get("cells", [])
    shape = [
        (c.get("id"), c.get("cell_type"), c.get("source"), c.get("metadata"))
        for c in cells
        if isinstance(c, Mapping)
    ]
    return json.dumps([notebook.get("metadata"), shape], sort_keys=True, default=str)


class LiveCells:
    """The comm target ``mlwa.live_cells``: keeps the latest snapshot and the open comm."""

    def __init__(self) -> None:
        self.snapshot: Snapshot | None = None
        self.last_error: str | None = None
        self._comm: Any = None
        self._sent: list[Change] = []
        self._manager: Any = None

    # --- registration -------------------------------------------------------------------------

    def register(self, shell: Any) -> bool:
        """Register the comm target on this kernel; False outside a kernel (plain IPython)."""
        manager = getattr(getattr(shell, "kernel", None), "comm_manager", None)
        if manager is None:
            return False
        manager.register_target(LIVE_CELLS_TARGET, self._on_open)
        self._manager = manager
        return True

    def unregister(self) -> None:
        """Remove the comm target (``%unload_ext``)."""
        if self._manager is not None:
            self._manager.targets.pop(LIVE_CELLS_TARGET, None)
            self._manager = None

    def _on_open(self, comm: Any, msg: Mapping[str, Any]) -> None:
        comm.on_msg(lambda m: self._on_msg(comm, m))
        comm.on_close(lambda _m: self._on_close(comm))
        self._comm = comm
        comm.send(ReadyMessage(action=ACTION_READY, version=PROTOCOL_VERSION))
        data = msg.get("content", {}).get("data")
        if data:
            self.receive(data, comm)

    def _on_msg(self, comm: Any, msg: Mapping[str, Any]) -> None:
        self.receive(msg.get("content", {}).get("data"), comm)

    def _on_close(self, comm: Any) -> None:
        if self._comm is comm:
            # The front end went away (notebook closed, page reloaded): its cells may be stale.
            self._comm = None
            self.snapshot = None

    # --- the snapshot -------------------------------------------------------------------------

    def receive(self, data: Any, comm: Any = None) -> bool:
        """Keep ``data`` as the latest snapshot when it has the protocol's shape."""
        problem = _problem(data)
        if problem:
            self.last_error = f"ignored a live-cells message: {problem}"
            return False
        if comm is not None:
            self._comm = comm
        notebook = {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": data.get("metadata") or {},
            "cells": data["cells"],
        }
        if self._sent:
            notebook = apply_all(notebook, self._sent)
            self._sent = [c for c in self._sent if not c.shown_in(data_as_notebook(data))]
        self.snapshot = Snapshot(
            data["path"], notebook, time.monotonic(), code_fingerprint(notebook)
        )
        self.last_error = None
        return True

    # --- the way back -------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """Whether a front end comm is open to send metadata on."""
        return self._comm is not None

    def send(self, change: Change) -> bool:
        """Send ``change`` to the front end and apply it to the snapshot; False when no comm."""
        if self._comm is None:
            return False
        notebook_patch, cell_patch = change.patch()
        message = self.message(notebook_patch, cell_patch)
        found = problems("protocol", message, "SetMetadataMessage")
        if found:
            # A bug on this side: send nothing rather than a message the front end misreads.
            raise ValueError(f"set_metadata message out of protocol: {'; '.join(found)}")
        self._comm.send(message)
        self._sent.append(change)
        if self.snapshot is not None:
            updated = apply_all(self.snapshot.notebook, [change])
            self.snapshot = Snapshot(
                self.snapshot.path, updated, self.snapshot.received, code_fingerprint(updated)
            )
        return True

    def message(
        self, notebook_patch: NotebookPatch, cell_patch: dict[str, CellPatch]
    ) -> SetMetadataMessage:
        """The ``set_metadata`` message for a patch."""
        return {
            "action": ACTION_SET_METADATA,
            "version": PROTOCOL_VERSION,
            "path": self.snapshot.path if self.snapshot else "",
            "notebook": notebook_patch,
            "cells": cell_patch,
        }


def data_as_notebook(data: Mapping[str, Any]) -> dict[str, Any]:
    """A live-cells message as the notebook dict it describes."""
    return {"metadata": data.get("metadata") or {}, "cells": data.get("cells", [])}


def _problem(data: Any) -> str | None:
    """Why ``data`` is not a live-cells message this kernel reads (schema/protocol.schema.json)."""
    if not isinstance(data, Mapping):
        return "the data is not a JSON object"
    cells = data.get("cells")
    if isinstance(cells, list) and _any_object_is_a_cell() and all(type(c) is dict for c in cells):
        # The schema asks only that each cell be an object: checked here, the rest of the
        # message by the schema (cell by cell, the validator cost more than the analysis).
        found = problems("protocol", {**data, "cells": []}, "LiveCellsMessage")
    else:
        found = problems("protocol", dict(data), "LiveCellsMessage")
    if found:
        return "; ".join(found[:3])
    version = data.get("version", PROTOCOL_VERSION)
    if isinstance(version, int) and version > PROTOCOL_VERSION:
        return f"protocol version {version} is newer than this kernel reads ({PROTOCOL_VERSION})"
    return None


@functools.cache
def _any_object_is_a_cell() -> bool:
    """Whether the protocol's schema takes any JSON object as a live cell (as it does now): then
    the cells need no validator of their own."""
    message = schema("protocol")["$defs"]["LiveCellsMessage"]
    items = message["properties"]["cells"].get("items")
    return bool(items == {"type": "object", "additionalProperties": True})
