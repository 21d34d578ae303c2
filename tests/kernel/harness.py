"""A real IPython kernel driven by nbclient, talking like JupyterLab does (helpers for tests).

JupyterLab sends the running cell's id with each execute request (``metadata.cellId``) and starts
the kernel with ``JPY_SESSION_NAME`` set to the notebook's path; nbclient does neither, so
``LabLikeClient`` adds the cell id to each request and ``KernelNotebook`` passes the session
name. One kernel serves a whole test module; each test writes the cells it needs.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
from nbclient.util import run_sync  # noqa: E402  (after the skips above)

STARTUP_TIMEOUT_S = 60
CELL_TIMEOUT_S = 120


class LabLikeClient(nbclient.NotebookClient):  # type: ignore[misc]
    """An nbclient that sends ``metadata.cellId`` with every execute request, like JupyterLab."""

    current_cell_id: str | None = None

    async def async_execute_cell(
        self,
        cell: Any,
        cell_index: int,
        execution_count: int | None = None,
        store_history: bool = True,
    ) -> Any:
        self.current_cell_id = cell.get("id")
        self._send_cell_ids()
        return await super().async_execute_cell(cell, cell_index, execution_count, store_history)

    # nbclient's sync ``execute_cell`` wraps the base class's coroutine: wrap ours instead.
    execute_cell = run_sync(async_execute_cell)

    def _send_cell_ids(self) -> None:
        kc = self.kc
        if getattr(kc, "_mlwa_sends_cell_id", False):
            return
        client = self

        def execute(
            code: str,
            silent: bool = False,
            store_history: bool = True,
            user_expressions: dict[str, Any] | None = None,
            allow_stdin: bool | None = None,
            stop_on_error: bool = True,
        ) -> str:
            content = {
                "code": code,
                "silent": silent,
                "store_history": store_history,
                "user_expressions": user_expressions or {},
                "allow_stdin": kc.allow_stdin if allow_stdin is None else allow_stdin,
                "stop_on_error": stop_on_error,
            }
            metadata = {"cellId": client.current_cell_id} if client.current_cell_id else {}
            msg = kc.session.msg("execute_request", content, metadata=metadata)
            kc.shell_channel.send(msg)
            return str(msg["header"]["msg_id"])

        kc.execute = execute
        kc._mlwa_sends_cell_id = True


class CommRecorder:
    """Stands where the JupyterLab extension's comm would: records what the kernel sends."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    def handle_msg(self, msg: dict[str, Any]) -> None:
        self.messages.append(msg["content"]["data"])


class KernelNotebook:
    """A notebook file on disk and a kernel started for it, as jupyter_server would start one."""

    def __init__(self, path: Path, env: dict[str, str] | None = None) -> None:
        self.path = path
        self.nb = nbformat.v4.new_notebook()
        self.nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        self.save()
        self.client = LabLikeClient(
            self.nb,
            timeout=CELL_TIMEOUT_S,
            startup_timeout=STARTUP_TIMEOUT_S,
            kernel_name="python3",
            allow_errors=True,
            resources={"metadata": {"path": str(path.parent)}},
        )
        environment = {**os.environ, "JPY_SESSION_NAME": str(path)}
        environment.update(env or {})
        self._context = self.client.setup_kernel(env=environment)
        self._context.__enter__()

    def close(self) -> None:
        self._context.__exit__(None, None, None)

    # --- the notebook -------------------------------------------------------------------------

    def cell(self, source: str, cell_id: str | None = None, **metadata: Any) -> Any:
        """Append a code cell (not saved yet) and return it."""
        cell = nbformat.v4.new_code_cell(source, id=cell_id or f"c-{uuid.uuid4().hex[:8]}")
        cell.metadata.update(metadata)
        self.nb.cells.append(cell)
        return cell

    def markdown(self, source: str) -> Any:
        cell = nbformat.v4.new_markdown_cell(source, id=f"m-{uuid.uuid4().hex[:8]}")
        self.nb.cells.append(cell)
        return cell

    def reset(self) -> None:
        """Start the notebook over (the kernel keeps running)."""
        self.nb.cells = []
        self.nb.metadata.pop("mlwa", None)

    def save(self) -> None:
        nbformat.write(self.nb, self.path)

    def reload(self) -> None:
        """Read the file back, as an editor does after the kernel wrote it (File > Reload)."""
        disk = nbformat.read(self.path, as_version=4)
        self.nb.cells = disk.cells
        self.nb.metadata = disk.metadata

    def on_disk(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        return data

    # --- running ------------------------------------------------------------------------------

    def run(self, cell: Any) -> list[Any]:
        """Execute one cell of the notebook; returns its outputs."""
        index = self.nb.cells.index(cell)
        self.client.execute_cell(cell, index)
        return list(cell.outputs)

    def run_code(self, source: str) -> list[Any]:
        """Append a cell with ``source``, save the notebook, run the cell."""
        cell = self.cell(source)
        self.save()
        return self.run(cell)

    def open_live_comm(self, data: dict[str, Any]) -> tuple[str, CommRecorder]:
        """Open a ``mlwa.live_cells`` comm from the 'front end' with ``data``, as the extension does."""
        comm_id = uuid.uuid4().hex
        recorder = CommRecorder()
        self.client.comm_objects[comm_id] = recorder
        kc = self.client.kc
        msg = kc.session.msg(
            "comm_open", {"comm_id": comm_id, "target_name": "mlwa.live_cells", "data": data}
        )
        kc.shell_channel.send(msg)
        return comm_id, recorder

    def send_comm(self, comm_id: str, data: dict[str, Any]) -> None:
        kc = self.client.kc
        kc.shell_channel.send(kc.session.msg("comm_msg", {"comm_id": comm_id, "data": data}))

    def close_comm(self, comm_id: str) -> None:
        kc = self.client.kc
        kc.shell_channel.send(kc.session.msg("comm_close", {"comm_id": comm_id, "data": {}}))

    def live_payload(self) -> dict[str, Any]:
        """The notebook as the JupyterLab extension would send it."""
        cells = json.loads(json.dumps(self.nb.cells))
        return {
            "path": self.path.name,
            "cells": cells,
            "metadata": json.loads(json.dumps(self.nb.metadata)),
            "version": 1,
        }


def text_of(outputs: list[Any]) -> str:
    """Every text the outputs carry: streams, text/plain, errors."""
    parts = []
    for out in outputs:
        if out.get("output_type") == "stream":
            parts.append(out["text"])
        elif out.get("output_type") == "error":
            parts.append(f"{out['ename']}: {out['evalue']}")
        elif "data" in out:
            parts.append(out["data"].get("text/plain", ""))
    return "\n".join(parts)


def data_of(outputs: list[Any], mime: str) -> list[Any]:
    """The values of one mime type in the outputs."""
    return [out["data"][mime] for out in outputs if "data" in out and mime in out["data"]]


def errors_of(outputs: list[Any]) -> str:
    """What the user sees as errors: error outputs and stderr (IPython prints a magic's
    ``UsageError`` there, in red, and marks the execution failed)."""
    parts = []
    for out in outputs:
        if out.get("output_type") == "error":
            parts.append(f"{out['ename']}: {out['evalue']}")
        elif out.get("output_type") == "stream" and out.get("name") == "stderr":
            parts.append(out["text"])
    return "\n".join(parts)
