"""``POST export``: the review export of the notebook as it is in the editor, written beside it.

The export itself is ``mlwa_notebook.export.export_notebook`` (the same as ``mlwa export``); this
module picks its inputs (configuration and tracking beside the notebook) and says where the
result goes. The handler writes it through the contents manager.
"""

from __future__ import annotations

import importlib.util
import posixpath
from pathlib import Path
from typing import Any

from mlwa_notebook.repo import data_tracking
from mlwa_notebook.server.service import config_for


def available() -> bool:
    """Whether this installation has the export package."""
    return importlib.util.find_spec("mlwa_notebook.export") is not None


def formats() -> tuple[str, ...]:
    """The formats ``POST export`` accepts (those of ``mlwa export --to``)."""
    from mlwa_notebook.export.formats import FORMATS

    return FORMATS


def export_for_server(
    notebook: dict[str, Any], api_path: str, os_path: Path | None, fmt: str
) -> Any:
    """The ``ExportResult`` for the notebook (runs on the worker pool; raises ``MlwaError``)."""
    from mlwa_notebook.export import export_notebook

    config, _ = config_for(os_path)
    tracking = data_tracking(os_path) if os_path is not None else None
    return export_notebook(notebook, api_path, fmt, config=config, tracking=tracking)


def target_path(api_path: str, filename: str) -> str:
    """The contents API path of the export: beside the notebook."""
    return posixpath.join(posixpath.dirname(api_path.lstrip("/")), filename)


def targets(api_path: str) -> list[tuple[str, str]]:
    """Each format with the contents API path its export of ``api_path`` is written to."""
    from mlwa_notebook.export.formats import FORMATS, default_name

    return [(fmt, target_path(api_path, default_name(api_path, fmt))) for fmt in FORMATS]
