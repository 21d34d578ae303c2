"""Export a notebook's review: the annotated notebook, HTML, Markdown, JSON, SARIF, WA Tool.

One entry point for every caller (the ``mlwa export`` command, the ``%mlwa export`` magic, the
server's ``POST export``)::

    result = export_notebook(raw, path, "html", config=config, lens=lens, tracking=tracking)
    result.data, result.media_type, result.filename

``write_export`` adds the file rules (default name, ``force``, ``in_place``, atomic writes).
Heavy dependencies (nbconvert, plotly) load only for the formats that need them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlwa_notebook.export.formats import FORMATS, MEDIA_TYPES

if TYPE_CHECKING:
    from mlwa_notebook.export.api import (
        ExportError,
        ExportResult,
        default_output,
        export_notebook,
        write_export,
    )

_LAZY = frozenset(
    {"ExportError", "ExportResult", "default_output", "export_notebook", "write_export"}
)


def __getattr__(name: str) -> Any:
    # The exporter loads on first use: `mlwa --help` and `mlwa check` must not pay for it.
    if name in _LAZY:
        from mlwa_notebook.export import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "ExportError",
    "ExportResult",
    "default_output",
    "export_notebook",
    "write_export",
]
