"""Jupyter server extension: thin handlers over the analysis core, under ``{base_url}/mlwa/api/``.

Installing the package enables it (``etc/jupyter/jupyter_server_config.d/mlwa_notebook.json``);
``jupyter server extension enable mlwa_notebook`` does the same by hand.
"""

from __future__ import annotations

from typing import Any


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "mlwa_notebook.server"}]


def load_jupyter_server_extension(server_app: Any) -> None:
    """Add the ``/mlwa/api/`` routes and the analysis service to a running server."""
    from mlwa_notebook.server.routes import setup_routes

    setup_routes(server_app)
    server_app.log.info("mlwa_notebook: /mlwa/api/ endpoints ready")


# jupyter_server looks for the underscored name; the plain one is kept for older callers.
_load_jupyter_server_extension = load_jupyter_server_extension
