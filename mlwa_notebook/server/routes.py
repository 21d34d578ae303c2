"""The one route table of the server extension, joined to the server's ``base_url``."""

from __future__ import annotations

from typing import Any

from jupyter_server.utils import url_path_join

from mlwa_notebook.server.handlers import (
    AnalyzeHandler,
    ExportHandler,
    LensHandler,
    MetadataHandler,
    NotFoundHandler,
    RulesHandler,
)
from mlwa_notebook.server.service import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_TIMEOUT_S,
    SETTINGS_KEY,
    AnalysisService,
    root_dir_of,
)

API_PREFIX = ("mlwa", "api")

ROUTES: tuple[tuple[str, type[Any]], ...] = (
    ("analyze", AnalyzeHandler),
    ("lens", LensHandler),
    ("rules", RulesHandler),
    ("export", ExportHandler),
    ("metadata", MetadataHandler),
)


def setup_routes(server_app: Any) -> None:
    """Create this server's analysis service and register the ``/mlwa/api/`` handlers."""
    web_app = server_app.web_app
    settings = web_app.settings
    settings[SETTINGS_KEY] = AnalysisService(
        root_dir=root_dir_of(server_app.contents_manager),
        max_body_bytes=int(settings.get("mlwa_max_body_bytes", DEFAULT_MAX_BODY_BYTES)),
        timeout_s=float(settings.get("mlwa_timeout_s", DEFAULT_TIMEOUT_S)),
    )
    base = url_path_join(settings["base_url"], *API_PREFIX)
    handlers: list[tuple[str, type[Any]]] = [
        (url_path_join(base, name), handler) for name, handler in ROUTES
    ]
    handlers.append((url_path_join(base, "(.*)"), NotFoundHandler))
    web_app.add_handlers(".*$", handlers)
