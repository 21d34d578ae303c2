"""The analysis process: analyses and exports run here, never in the Jupyter server's process.

The analysis is CPU work that holds the GIL; run on a thread of the server, a large or crafted
notebook held up every other handler (``/api/status`` included) for as long as it ran. In a
process of its own it cannot, and a request that runs too long is cut off by killing the
process (``pebble`` starts a fresh one). One process, as the server had one worker thread: its
``AnalysisCache`` keeps the facts of the cells the sidebar sends again and again.

Everything crossing the process boundary is plain data: the request body the notebook came in
(re-read here: pickling a parsed notebook would cost the server, and recurse), paths, and back
the answer's text or an ``ExportResult``. Errors come
back as ``WorkerError`` (kind, message), which pickles, unlike the package's richer errors.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from mlwa_notebook.engine import AnalysisCache, analyze
from mlwa_notebook.errors import MlwaError


class WorkerError(Exception):
    """An error raised in the analysis process: ``kind`` is "input" (the notebook or the
    configuration is at fault: a 4xx) or "bug"; ``message`` is said to the user as it is."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(kind, message)
        self.kind = kind
        self.message = message


@cache
def _cache() -> AnalysisCache:
    """This process's cell cache (one per analysis process, made on first use)."""
    return AnalysisCache()


def warm() -> None:
    """Import what the requests use and run one small analysis, so that the first request to a
    new process (at start, or after one was stopped) pays no start-up within its time limit."""
    import mlwa_notebook.export  # noqa: F401  (the export's modules; nbconvert loads on use)

    tiny = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}
    analyse(json.dumps({"notebook": tiny}).encode("utf-8"), "warm.ipynb", None, ())


def notebook_of(body: bytes) -> Any:
    """The notebook, read from the request body it came in (``{"notebook": ...}``)."""
    try:
        return json.loads(body.decode("utf-8", "surrogatepass"))["notebook"]
    except RecursionError:
        raise WorkerError("input", "the notebook is JSON nested too deeply to read") from None


def analyse(
    raw: bytes,
    api_path: str,
    os_path: Path | None,
    disabled: Sequence[str],
    root: Path | None = None,
) -> str:
    """The report of a notebook as JSON text (the sidebar draws its radar from the scores).

    Files are named relative to ``root``, the server's root, as the contents API names them.
    """
    from mlwa_notebook.report import ErrorRecord, to_dict
    from mlwa_notebook.server.service import config_for, shown_paths

    try:
        config, problems = config_for(os_path)
        if disabled:
            config = config.with_overrides(ignore=list(disabled))
        tracking = None
        if os_path is not None:
            from mlwa_notebook.repo import data_tracking

            tracking = data_tracking(os_path)
        report = analyze(
            notebook_of(raw),
            path=api_path or "<notebook>",
            config=config,
            tracking=tracking,
            cache=_cache(),
        )
        if problems:
            shown = tuple(
                ErrorRecord(shown_paths(p.path, root), shown_paths(p.message, root), p.cell_index)
                for p in problems
            )
            report = dataclasses.replace(report, errors=(*report.errors, *shown))
        return json.dumps(to_dict(report), ensure_ascii=False)
    except WorkerError:
        raise
    except MlwaError as exc:
        raise WorkerError("input", str(exc)) from None
    except Exception as exc:  # a bug: said in one line, the process stays up
        raise WorkerError("bug", f"{type(exc).__name__}: {exc}") from None


def export(raw: bytes, api_path: str, os_path: Path | None, fmt: str) -> Any:
    """The ``ExportResult`` of a notebook (see ``server.exporting.export_for_server``)."""
    from mlwa_notebook.server.exporting import export_for_server

    try:
        return export_for_server(notebook_of(raw), api_path, os_path, fmt)
    except WorkerError:
        raise
    except MlwaError as exc:
        raise WorkerError("input", str(exc)) from None
    except Exception as exc:
        raise WorkerError("bug", f"{type(exc).__name__}: {exc}") from None
