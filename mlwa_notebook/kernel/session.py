"""One per kernel: what ``%mlwa`` and the after-cell check share (no module-level state).

It knows the notebook (``locate``), holds the live cells (``live``), the parsed saved files, one
``AnalysisCache`` so only changed cells are read again, the configuration and lens of the
notebook's folder, and the last report with the input it was made from.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlwa_notebook.config import Config, find_config
from mlwa_notebook.engine import AnalysisCache, analyze
from mlwa_notebook.errors import MlwaError
from mlwa_notebook.kernel.changes import Change
from mlwa_notebook.kernel.live import LiveCells
from mlwa_notebook.kernel.locate import (
    NotebookLocation,
    locate_notebook,
    resolve_notebook_path,
    running_cell_id,
)
from mlwa_notebook.kernel.persist import Persisted, persist
from mlwa_notebook.kernel.source import NotebookInput, RunningCell, SavedFiles, read_input
from mlwa_notebook.lens import Lens, load_lens
from mlwa_notebook.report import NotebookReport


@dataclass(frozen=True, slots=True)
class Analysis:
    """A report and the input it was made from."""

    input: NotebookInput
    report: NotebookReport

    @property
    def running_index(self) -> int | None:
        """Index of the running cell in the report, when it is in the analysed notebook."""
        return self.input.running_index


class KernelSession:
    """The ``%mlwa`` state of one kernel."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.explicit: NotebookLocation | None = None
        self.live = LiveCells()
        self.files = SavedFiles()
        self.cache = AnalysisCache()
        self.nested = 0  # > 0 while a ``%%mlwa`` cell runs its body
        self._lenses: dict[tuple[Path, ...], Lens] = {}
        self._last: tuple[tuple[Any, ...], Analysis] | None = None
        self._lock = threading.RLock()  # one analysis at a time: the worker and the magics
        self._worker: ThreadPoolExecutor | None = None

    # --- the notebook -------------------------------------------------------------------------

    def set_path(self, value: str) -> NotebookLocation:
        """Name the notebook explicitly (``--path``); kept for later commands."""
        path = resolve_notebook_path(value, Path.cwd())
        if path is None:
            raise MlwaError(f"--path {value}: no such notebook (.ipynb) from {os.getcwd()}")
        self.explicit = NotebookLocation(path, "--path")
        return self.explicit

    def location(self) -> NotebookLocation | None:
        """The notebook file: named with ``--path``, else what the front end set."""
        if self.explicit is not None:
            return self.explicit
        user_ns = getattr(self.shell, "user_ns", {})
        return locate_notebook(user_ns, os.environ, Path.cwd())

    def running_cell(self) -> RunningCell | None:
        """The cell executing now (for a magic), from the execute request the kernel got."""
        header = getattr(self.shell, "parent_header", None)
        content = header.get("content") if isinstance(header, Mapping) else None
        code = content.get("code") if isinstance(content, Mapping) else None
        cell_id = running_cell_id(self.shell)
        if cell_id is None and not isinstance(code, str):
            return None
        return RunningCell(cell_id, code if isinstance(code, str) else "")

    # --- analysis -----------------------------------------------------------------------------

    def config_for(self, location: NotebookLocation | None) -> Config:
        """``[tool.mlwa]`` of the pyproject.toml nearest to the notebook (or the working folder).

        Read again each time (a fraction of a millisecond), so an edited configuration applies
        at the next analysis without restarting the kernel.
        """
        return find_config(location.path.parent if location else Path.cwd())

    def lens_for(self, config: Config) -> Lens:
        """The bundled lens and the configuration's custom lenses, loaded once."""
        found = self._lenses.get(config.lenses)
        if found is None:
            found = self._lenses[config.lenses] = load_lens(config.lenses)
        return found

    def read(self, running: RunningCell | None) -> NotebookInput:
        """What would be analysed now (live cells or the saved file)."""
        return read_input(self.location(), self.live, self.files, running)

    def analyse(self, running: RunningCell | None = None) -> Analysis:
        """The report of the notebook now; the last one again when nothing changed."""
        found = self.read(running)
        return self.analyse_input(found)

    def analyse_later(self, found: NotebookInput) -> Future[Analysis]:
        """Start analysing ``found`` on the worker thread (while the user's cell runs)."""
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mlwa-check")
        return self._worker.submit(self.analyse_input, found)

    def close(self) -> None:
        """Stop the worker thread (``%unload_ext``)."""
        if self._worker is not None:
            self._worker.shutdown(wait=False, cancel_futures=True)
            self._worker = None

    def analyse_input(self, found: NotebookInput) -> Analysis:
        """The report for one input (cached on the input's key)."""
        with self._lock:
            return self._analyse_input(found)

    def _analyse_input(self, found: NotebookInput) -> Analysis:
        if self._last is not None and self._last[0] == found.key:
            return Analysis(found, self._last[1].report)
        config = self.config_for(found.location)
        tracking = None
        if found.location is not None:
            from mlwa_notebook.repo import data_tracking

            tracking = data_tracking(found.location.path)
        report = analyze(
            found.notebook,
            path=found.path,
            config=config,
            lens=self.lens_for(config),
            tracking=tracking,
            cache=self.cache,
        )
        if report.errors:
            raise MlwaError("; ".join(e.message for e in report.errors))
        analysis = Analysis(found, report.notebooks[0])
        self._last = (found.key, analysis)
        return analysis

    def analyse_at_ref(self, ref: str) -> tuple[NotebookReport, str]:
        """The report of the notebook as it was at git ``ref``, and the ref's label."""
        from mlwa_notebook.kernel.gitref import notebook_at_ref

        location = self.location()
        if location is None:
            raise MlwaError("--compare needs the notebook's file: name it with --path")
        raw, label = notebook_at_ref(location.path, ref)
        config = self.config_for(location)
        report = analyze(
            raw,
            path=f"{location.path.name}@{label}",
            config=config,
            lens=self.lens_for(config),
            cache=self.cache,
        )
        if report.errors:
            raise MlwaError("; ".join(e.message for e in report.errors))
        return report.notebooks[0], label

    # --- writing back -------------------------------------------------------------------------

    def persist(self, change: Change) -> Persisted:
        """Keep a change the user made (front end or file), then forget the cached report."""
        with self._lock:
            result = persist(change, self.live, self.location())
            self._last = None
            return result
