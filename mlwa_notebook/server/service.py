"""What the handlers call: confine paths to the server root, analyse away from the event loop.

Analyses and exports run in a process of their own (``server/worker.py``): there they cannot
hold up the server's event loop (kernels, contents, ``/api/status``), and one that runs longer
than ``timeout_s`` is stopped and answered 504 with the reason. Light work (parsing a large
request body) runs on one worker thread.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import dataclasses
import json
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from mlwa_notebook.config import Config, find_config
from mlwa_notebook.errors import ConfigError
from mlwa_notebook.report import ErrorRecord
from mlwa_notebook.server.errors import ApiError

DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024
"""Largest request body accepted (override with ``ServerApp.tornado_settings``)."""

DEFAULT_TIMEOUT_S = 120.0
"""Longest an analysis or export may run (override with ``tornado_settings['mlwa_timeout_s']``)."""

SETTINGS_KEY = "mlwa_service"
"""Where the service lives in the tornado application settings (per server, not global)."""

T = TypeVar("T")


@dataclasses.dataclass
class AnalysisService:
    """Per-server state of the extension: the analysis process, a worker thread, the limits."""

    root_dir: Path | None
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    timeout_s: float = DEFAULT_TIMEOUT_S
    executor: ThreadPoolExecutor = dataclasses.field(init=False)
    _pool: Any = dataclasses.field(init=False, default=None)

    def __post_init__(self) -> None:
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mlwa-parse")

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """``func(*args)`` on the worker thread, awaited from the event loop (light work only)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, func, *args)

    def pool(self) -> Any:
        """The analysis process pool, started on first use (a fresh process after a timeout)."""
        if self._pool is None:
            from pebble import ProcessPool

            from mlwa_notebook.server import worker

            # spawn: the server's process has threads and an event loop, which fork would copy.
            self._pool = ProcessPool(
                max_workers=1, initializer=worker.warm, context=multiprocessing.get_context("spawn")
            )
            atexit.register(self.close)
        return self._pool

    async def isolate(self, what: str, func: Callable[..., T], *args: Any) -> T:
        """``func(*args)`` in the analysis process; 504 when it runs longer than ``timeout_s``.

        ``what`` names the work in the error ("the analysis of nb.ipynb").
        """
        from pebble import ProcessExpired

        from mlwa_notebook.server.worker import WorkerError

        future = self.pool().schedule(func, args, timeout=self.timeout_s)
        try:
            return await asyncio.wrap_future(future)
        except concurrent.futures.TimeoutError as exc:
            raise ApiError(
                504,
                f"{what} took longer than {self.timeout_s:g} s and was stopped",
                "clear large outputs or split the notebook, or raise "
                "ServerApp.tornado_settings['mlwa_timeout_s']",
            ) from exc
        except ProcessExpired as exc:
            raise ApiError(
                500,
                f"{what} stopped the analysis process ({exc}); it was restarted",
                "clear large outputs or split the notebook; the server log has the details",
            ) from exc
        except WorkerError as exc:
            if exc.kind == "input":
                raise ApiError(
                    422, exc.message, "fix what the message names, then try again"
                ) from exc
            raise ApiError(500, f"internal error ({exc.message})") from exc

    def close(self) -> None:
        """Stop the analysis process (the server is shutting down)."""
        if self._pool is not None:
            self._pool.stop()
            self._pool.join(timeout=5)
            self._pool = None
        self.executor.shutdown(wait=False)

    def confine(self, api_path: str) -> Path | None:
        """The file an API path names, refused (403) when it would leave the server root.

        Returns None when the contents manager has no local root (the path is then only a name).
        """
        check_api_path(api_path)
        if self.root_dir is None:
            return None
        return confine(self.root_dir, api_path)


def shown_paths(text: str, root: Path | None) -> str:
    """``text`` with every absolute path of the server's files made relative to its root.

    Messages of the contents manager, the configuration and custom lenses name files by their
    absolute path; an answer names them as the contents API does, and never says where the
    server's files (or this package) are on the machine.
    """
    from mlwa_notebook.lens import default_lens_path

    prefixes: list[tuple[str, str]] = []
    if root is not None:
        for form in {str(root), str(root.resolve())}:
            prefixes.append((form.rstrip(os.sep) + os.sep, ""))
            prefixes.append((form, "."))
    bundled = str(default_lens_path().parent)
    prefixes.append((bundled.rstrip(os.sep) + os.sep, "(built in) "))
    for prefix, replacement in sorted(prefixes, key=lambda p: -len(p[0])):
        text = text.replace(prefix, replacement)
    return text


def check_api_path(api_path: str) -> None:
    """Refuse (400) what is not a contents API path: ``~``, URLs, NUL, text that is not Unicode."""
    hint = "send the notebook's path relative to the Jupyter root, as the contents API gives it"
    if "\0" in api_path:
        raise ApiError(400, "the path contains a NUL character", hint)
    try:
        api_path.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ApiError(
            400, "the path is not valid Unicode (it holds a lone surrogate)", hint
        ) from exc
    if api_path.startswith("~") or "://" in api_path or api_path.lower().startswith("file:"):
        raise ApiError(400, f"{api_path!r} is not a path inside the Jupyter root", hint)


def confine(root: Path, api_path: str) -> Path:
    """``root / api_path`` resolved, or ApiError 403 when it is outside ``root``.

    API paths are ``/``-separated and relative to the server root (a leading ``/`` is allowed,
    as in the contents API). ``..`` segments and symbolic links that lead out are refused.
    """
    check_api_path(api_path)
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
    except RecursionError as exc:
        raise ApiError(
            400, "the request body is JSON nested too deeply to read", _JSON_HINT
        ) from exc


_JSON_HINT = 'send a JSON object such as {"notebook": {...nbformat JSON...}, "path": "a.ipynb"}'


def root_dir_of(contents_manager: Any) -> Path | None:
    """The local root directory of a contents manager, if it has one."""
    root = getattr(contents_manager, "root_dir", None)
    if isinstance(root, str) and root and os.path.isdir(root):
        return Path(root)
    return None
