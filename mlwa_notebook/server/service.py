"""What the handlers call: confine paths to the server root, analyse off the event loop.

The analysis is CPU work in pure Python. It runs on a worker thread so the server's event loop
keeps answering (kernels, contents, ``/api/status``) while notebooks are analysed; large request
bodies are parsed and every answer is serialised there too, so a big notebook never stalls the
loop. One worker, not more: under the GIL a second one adds no speed, only more contention for
the loop thread (measured: /api/status stays faster with one while twenty analyses queue). One ``AnalysisCache`` per server re-reads only the cells that changed between
two analyses of the same notebook, which is what the sidebar sends while the user types.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import json
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from mlwa_notebook.config import Config, find_config
from mlwa_notebook.engine import AnalysisCache, analyze
from mlwa_notebook.errors import ConfigError
from mlwa_notebook.report import ErrorRecord, Report, to_dict
from mlwa_notebook.server.errors import ApiError

DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024
"""Largest request body accepted (override with ``ServerApp.tornado_settings``)."""

SETTINGS_KEY = "mlwa_service"
"""Where the service lives in the tornado application settings (per server, not global)."""

T = TypeVar("T")


@dataclasses.dataclass
class AnalysisService:
    """Per-server state of the extension: the worker pool, the cell cache, the limits."""

    root_dir: Path | None
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    workers: int = 1
    executor: ThreadPoolExecutor = dataclasses.field(init=False)
    cache: AnalysisCache = dataclasses.field(default_factory=AnalysisCache)

    def __post_init__(self) -> None:
        self.executor = ThreadPoolExecutor(
            max_workers=self.workers, thread_name_prefix="mlwa-analyse"
        )

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """``func(*args)`` on the worker pool, awaited from the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, func, *args)

    def confine(self, api_path: str) -> Path | None:
        """The file an API path names, refused (403) when it would leave the server root.

        Returns None when the contents manager has no local root (the path is then only a name).
        """
        if self.root_dir is None:
            return None
        return confine(self.root_dir, api_path)

    def analyse(
        self, raw: Any, api_path: str, os_path: Path | None, disabled: Sequence[str]
    ) -> str:
        """The report for ``raw`` as JSON text (runs on the worker pool)."""
        config, problems = config_for(os_path)
        if disabled:
            config = config.with_overrides(ignore=list(disabled))
        tracking = None
        if os_path is not None:
            from mlwa_notebook.repo import data_tracking

            tracking = data_tracking(os_path)
        report = analyze(
            raw, path=api_path or "<notebook>", config=config, tracking=tracking, cache=self.cache
        )
        if problems:
            report = dataclasses.replace(report, errors=(*report.errors, *problems))
        data = to_dict(report)
        radar = radar_figure(report)
        if radar is not None:
            data["radar"] = radar
        return json.dumps(data, ensure_ascii=False)


def confine(root: Path, api_path: str) -> Path:
    """``root / api_path`` resolved, or ApiError 403 when it is outside ``root``.

    API paths are ``/``-separated and relative to the server root (a leading ``/`` is allowed,
    as in the contents API). ``..`` segments and symbolic links that lead out are refused.
    """
    if "\0" in api_path:
        raise ApiError(400, "the path contains a NUL character", "send the notebook's API path")
    relative = PurePosixPath(api_path.lstrip("/"))
    outside = ApiError(
        403,
        f"the path {api_path!r} is outside the server's root directory",
        "send the notebook's path relative to the Jupyter root, as the contents API gives it",
    )
    if ".." in relative.parts:
        raise outside
    base = root.resolve()
    target = (base / relative).resolve()
    if target != base and not target.is_relative_to(base):
        raise outside
    return target


def config_for(os_path: Path | None) -> tuple[Config, tuple[ErrorRecord, ...]]:
    """The ``[tool.mlwa]`` configuration beside the notebook; defaults when it is unreadable."""
    if os_path is None:
        return Config(), ()
    try:
        return find_config(os_path), ()
    except ConfigError as exc:
        note = f"{exc.message} (the notebook was analysed with the default configuration)"
        return Config(), (ErrorRecord(exc.path, note),)


def radar_figure(report: Report) -> dict[str, Any] | None:
    """The pillar radar as plotly JSON (``views.radar``) when plotly is installed; else None."""
    if not report.notebooks:
        return None
    try:
        radar = importlib.import_module("mlwa_notebook.views.radar")
    except ImportError:  # the view is not in this install
        return None
    if not radar.plotly_available():
        return None
    figure: dict[str, Any] = json.loads(
        json.dumps(radar.radar_json(report.notebooks[0]), default=_plain)
    )
    return figure


def _plain(value: Any) -> Any:
    """numpy scalars and arrays in plotly figures, as plain JSON values."""
    tolist = getattr(value, "tolist", None)
    if tolist is not None:
        return tolist()
    return str(value)


def parse_json(body: bytes) -> Any:
    """The request body as JSON data, or ApiError 400 saying where it is broken."""
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"the request body is not UTF-8 ({exc.reason})", _JSON_HINT) from exc
    except json.JSONDecodeError as exc:
        raise ApiError(
            400,
            f"the request body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
            _JSON_HINT,
        ) from exc


_JSON_HINT = 'send a JSON object such as {"notebook": {...nbformat JSON...}, "path": "a.ipynb"}'


def root_dir_of(contents_manager: Any) -> Path | None:
    """The local root directory of a contents manager, if it has one."""
    root = getattr(contents_manager, "root_dir", None)
    if isinstance(root, str) and root and os.path.isdir(root):
        return Path(root)
    return None
