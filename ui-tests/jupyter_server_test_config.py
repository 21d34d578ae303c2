"""The JupyterLab server the browser tests start (loopback only, no token: tests only).

Root directory: $JUPYTERLAB_GALATA_ROOT_DIR (set by playwright.config.ts, so the tests can read
the saved .ipynb from disk). Port: $MLWA_UI_PORT (default 8917, away from a developer's 8888).
"""

import os

from jupyterlab.galata import configure_jupyter_server

c = get_config()  # type: ignore[name-defined]  # noqa: F821  (provided by traitlets)
configure_jupyter_server(c)

c.ServerApp.ip = "127.0.0.1"
c.ServerApp.port = int(os.environ.get("MLWA_UI_PORT", "8917"))
c.ServerApp.allow_root = True  # CI runs as root
c.ServerApp.jpserver_extensions = {"mlwa_notebook": True}
c.LabApp.news_url = None
c.JupyterNotebookApp.expose_app_in_browser = True  # Notebook 7: window.jupyterapp for tests
