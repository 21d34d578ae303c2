"""mlwa-notebook: checks ML notebooks against the AWS Well-Architected Machine Learning Lens.

Importing the package is cheap: the IPython extension, the server extension and the views load
their heavy dependencies only when used.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext mlwa_notebook``: register the ``%mlwa`` magics and the after-cell checks."""
    from mlwa_notebook.magics import load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext mlwa_notebook``: remove the after-cell checks."""
    from mlwa_notebook.magics import unload

    unload(ipython)


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "mlwa-notebook"}]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "mlwa_notebook.server"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    from mlwa_notebook.server import load_jupyter_server_extension

    load_jupyter_server_extension(server_app)
