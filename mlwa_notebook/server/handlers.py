"""Thin request handlers: read the request, call the service or a view, answer JSON.

Every handler is authenticated (token or cookie + XSRF, as the rest of Jupyter) and authorised
through the server's authorizer on the ``contents`` resource, since each one reads notebooks or
files beside them. Every error, ours or the server's, is answered by ``MlwaHandler.write_error``
as ``{"message", "hint", "status"}``.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import tornado.web
from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from tornado.web import HTTPError

from mlwa_notebook.errors import MlwaError
from mlwa_notebook.server import worker
from mlwa_notebook.server.errors import HINTS, ApiError, error_body
from mlwa_notebook.server.service import SETTINGS_KEY, AnalysisService, parse_json, shown_paths

_Method = TypeVar("_Method", bound=Callable[..., Awaitable[None]])


def may_read(method: _Method) -> _Method:
    """Authorise ``method`` as a read of the ``contents`` resource by the server's authorizer."""
    checked: _Method = authorized(action="read")(method)
    return checked


def may_write(method: _Method) -> _Method:
    """Authorise ``method`` as a write of the ``contents`` resource by the server's authorizer."""
    checked: _Method = authorized(action="write")(method)
    return checked


class MlwaHandler(APIHandler):
    """Base of the ``/mlwa/api/`` handlers: the service, JSON bodies, JSON errors."""

    auth_resource = "contents"

    @property
    def service(self) -> AnalysisService:
        """The per-server analysis service set up by ``routes.setup_routes``."""
        found: AnalysisService = self.settings[SETTINGS_KEY]
        return found

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Every error as ``{"message", "hint", "status"}`` (the one place errors are written)."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, ApiError):
            message, hint = exc.message, exc.hint
        elif isinstance(exc, HTTPError):
            message, hint = exc.log_message or "", HINTS.get(status_code, "")
            if exc.args and message:
                message = message % exc.args
        elif exc is not None:
            message = f"internal error ({type(exc).__name__}: {exc})"
            hint = HINTS[500]
        else:
            message, hint = "", HINTS.get(status_code, "")
        root = self.service.root_dir if SETTINGS_KEY in self.settings else None
        self.set_header("Content-Type", "application/json")
        self.finish(error_body(status_code, shown_paths(message, root), shown_paths(hint, root)))

    def sent(self) -> bytes:
        """What the analysis process gets for a notebook that came in the request body: the
        body's bytes, which it reads the notebook from. Bytes cost the server a copy; a parsed
        notebook would be pickled, in the server's process, however large or deeply nested."""
        return self.request.body or b""

    async def json_body(self) -> dict[str, Any]:
        """The request body as a JSON object: 413 when too large, 400 when not a JSON object."""
        body: bytes = self.request.body or b""
        limit = self.service.max_body_bytes
        if len(body) > limit:
            raise ApiError(
                413,
                f"the request body is {len(body) / 2**20:.1f} MB; the limit is {limit / 2**20:g} MB",
                "clear large outputs (Edit → Clear Outputs of All Cells) and try again, or raise "
                "ServerApp.tornado_settings['mlwa_max_body_bytes']",
            )
        if not body.strip():
            raise ApiError(400, "the request body is empty", _BODY_HINT)
        data = await self.service.run(parse_json, body) if len(body) > 65536 else parse_json(body)
        if not isinstance(data, dict):
            raise ApiError(400, f"expected a JSON object, got {type(data).__name__}", _BODY_HINT)
        return data

    def confined(self, api_path: Any) -> tuple[str, Path | None]:
        """A checked API path and its file (None when the server has no local root)."""
        if api_path is None or api_path == "":
            return "", None
        if not isinstance(api_path, str):
            raise ApiError(400, "'path' must be a string", "send the notebook's contents API path")
        return api_path, self.service.confine(api_path)

    async def read_notebook(self, api_path: str) -> bytes:
        """The saved notebook at ``api_path``, read through the server's contents manager, as
        the JSON text the analysis process reads (``{"notebook": ...}``, like a request body)."""
        try:
            contents: Any = self.contents_manager
            model = await ensure_async(contents.get(api_path, content=True, type="notebook"))
        except HTTPError as exc:
            raise ApiError(
                exc.status_code,
                f"cannot read {api_path!r}: {exc.log_message or exc.reason}",
                "save the notebook first, or send its JSON as 'notebook'",
            ) from exc
        try:
            return await self.service.run(_as_body, model["content"])
        except RecursionError as exc:
            raise ApiError(
                422, f"{api_path} is JSON nested too deeply to analyse", "no notebook is"
            ) from exc


def _as_body(content: Any) -> bytes:
    return json.dumps({"notebook": content}, ensure_ascii=False).encode("utf-8", "surrogatepass")


_BODY_HINT = 'send {"notebook": <the notebook as nbformat JSON>, "path": "<its path>"}'


class PostOnly(MlwaHandler):
    """A POST endpoint: any other method is 405, after authentication (403 for strangers,
    as for the other endpoints, rather than telling them which methods exist)."""

    @tornado.web.authenticated
    async def get(self) -> None:
        """Answer 405 to a signed-in caller."""
        raise ApiError(405, "this endpoint takes POST", HINTS[405])


class AnalyzeHandler(PostOnly):
    """``POST analyze``: the report for a notebook (sent as JSON, or read by its path)."""

    @tornado.web.authenticated
    @may_read
    async def post(self) -> None:
        """Body: ``{"notebook"?: nbformat JSON, "path"?: str, "disabled_rules"?: [str]}``."""
        body = await self.json_body()
        api_path, os_path = self.confined(body.get("path"))
        notebook = body.get("notebook")
        if notebook is None:
            if not api_path:
                raise ApiError(400, "neither 'notebook' nor 'path' was given", _BODY_HINT)
            raw = await self.read_notebook(api_path)
        elif not isinstance(notebook, dict):
            raise ApiError(
                400, f"'notebook' must be a JSON object, got {type(notebook).__name__}", _BODY_HINT
            )
        else:
            raw = self.sent()
        disabled = body.get("disabled_rules", [])
        if not isinstance(disabled, list) or not all(isinstance(d, str) for d in disabled):
            raise ApiError(
                400, "'disabled_rules' must be a list of rule codes or names", _BODY_HINT
            )
        text = await self.service.isolate(
            f"the analysis of {api_path or 'the notebook'}",
            worker.analyse,
            raw,
            api_path,
            os_path,
            disabled,
            self.service.root_dir,
        )
        self.finish(text)


class LensHandler(MlwaHandler):
    """``GET lens[?pillar=&phase=&path=]``: the lens catalogue (with the custom lenses of the
    ``[tool.mlwa]`` configuration that applies to ``path``)."""

    @tornado.web.authenticated
    @may_read
    async def get(self) -> None:
        """The catalogue as ``views.lensview`` renders it in JSON."""
        _, os_path = self.confined(self.get_query_argument("path", ""))
        pillar = self.get_query_argument("pillar", None)
        phase = self.get_query_argument("phase", None)
        start = os_path or self.service.root_dir
        try:
            text = await self.service.run(_render_lens, start, pillar, phase, self.service.root_dir)
        except MlwaError as exc:
            raise ApiError(
                422, str(exc), "fix the custom lens or [tool.mlwa] named in the message"
            ) from exc
        self.finish(text)


def _render_lens(
    start: Path | None, pillar: str | None, phase: str | None, root: Path | None
) -> str:
    from mlwa_notebook.config import Config, find_config
    from mlwa_notebook.views.lensview import render_lens

    config = find_config(start) if start is not None else Config()
    data = json.loads(render_lens(config, pillar, phase, "json"))
    for lens in data["lenses"]:  # named as the contents API would, never where they are on disk
        lens["path"] = shown_paths(lens["path"], root)
    return json.dumps(data, indent=2)


class RulesHandler(MlwaHandler):
    """``GET rules``: every rule with its code, name, severity, pillars and fix."""

    @tornado.web.authenticated
    @may_read
    async def get(self) -> None:
        """The rule list as ``views.ruledocs`` renders it in JSON."""
        from mlwa_notebook.views.ruledocs import render_rule_list

        self.finish(render_rule_list("json"))


class ExportHandler(PostOnly):
    """``POST export``: the review export (``mlwa export``) of the notebook, written beside it.
    ``GET export?path=``: the formats, where each would be written and whether that file exists
    (so the sidebar can ask before replacing an earlier review, as the CLI wants ``--force``)."""

    @tornado.web.authenticated
    @may_read
    async def get(self) -> None:
        """Answer: ``{"formats": [{"format", "path", "exists"}]}`` in ``mlwa export``'s order."""
        from mlwa_notebook.server import exporting

        api_path, _ = self.confined(self.get_query_argument("path", ""))
        if not api_path:
            raise ApiError(400, "'path' is required: the export is written beside the notebook", "")
        contents: Any = self.contents_manager
        found = []
        for fmt, target in exporting.targets(api_path):
            exists = bool(await ensure_async(contents.file_exists(target)))
            found.append({"format": fmt, "path": target, "exists": exists})
        self.finish(json.dumps({"formats": found}))

    @tornado.web.authenticated
    @may_write
    async def post(self) -> None:
        """Body: ``{"notebook"?, "path", "format"?: "ipynb", "overwrite"?: false}``.

        Answer: ``{"path", "format", "media_type", "findings", "masked", "message"}``.
        """
        from mlwa_notebook.server import exporting

        body = await self.json_body()
        if not exporting.available():
            raise ApiError(
                501,
                "export is not available in this installation of mlwa-notebook",
                "upgrade mlwa-notebook, or run `mlwa export <notebook>` in a terminal",
            )
        api_path, os_path = self.confined(body.get("path"))
        if not api_path:
            raise ApiError(
                400, "'path' is required: the export is written beside the notebook", _BODY_HINT
            )
        notebook = body.get("notebook")
        if notebook is None:
            raw = await self.read_notebook(api_path)
        elif not isinstance(notebook, dict):
            raise ApiError(400, "'notebook' must be a JSON object", _BODY_HINT)
        else:
            raw = self.sent()
        fmt = body.get("format", "ipynb")
        if fmt not in exporting.formats():
            raise ApiError(
                400,
                f"unknown export format {fmt!r}",
                f"use one of {', '.join(exporting.formats())}",
            )
        overwrite = body.get("overwrite", False) is True
        result = await self.service.isolate(
            f"the export of {api_path}", worker.export, raw, api_path, os_path, fmt
        )
        target = exporting.target_path(api_path, result.filename)
        self.confined(target)
        await self._write(api_path, target, fmt, result.text, overwrite)
        self.finish(
            json.dumps(
                {
                    "path": target,
                    "format": fmt,
                    "media_type": result.media_type,
                    "findings": result.findings,
                    "masked": result.masked,
                    "message": f"Exported the review to {target}"
                    + (f" ({result.masked} secrets masked)" if result.masked else ""),
                }
            )
        )

    async def _write(self, source: str, target: str, fmt: str, text: str, overwrite: bool) -> None:
        """Write through the contents manager (atomic, and visible to every Jupyter client)."""
        contents: Any = self.contents_manager
        if target == source.lstrip("/"):
            raise ApiError(
                409,
                f"the export of {source} would replace the notebook itself",
                "export the notebook it was exported from, or rename this one",
            )
        if not overwrite and await ensure_async(contents.file_exists(target)):
            raise ApiError(
                409,
                f"{target} exists",
                'send "overwrite": true to replace it, or rename the earlier export',
            )
        folder = posixpath.dirname(target)
        if folder and not await ensure_async(contents.dir_exists(folder)):
            raise ApiError(
                404,
                f"the folder {folder!r} of {source} does not exist in the Jupyter root",
                "save the notebook first, and send its path as the contents API gives it",
            )
        if fmt == "ipynb":
            model = {"type": "notebook", "format": "json", "content": json.loads(text)}
        else:
            model = {"type": "file", "format": "text", "content": text}
        try:
            await ensure_async(contents.save(model, target))
        except HTTPError as exc:
            status = exc.status_code if 400 <= exc.status_code < 500 else 409
            raise ApiError(
                status,
                f"cannot write {target}: {exc.log_message or exc.reason}",
                "check that the folder is writable and the name is free, then export again",
            ) from exc


class MetadataHandler(PostOnly):
    """``POST metadata``: what the sidebar writes into the notebook's ``mlwa`` metadata for one
    change (an answer, a kernel's patch, a phase, a suppression), decided by the core
    (``metadata_change.decide``). Nothing is read or written on disk: the sidebar writes the
    answer into the open notebook. The body holds what the user typed, unmasked: never logged."""

    @tornado.web.authenticated
    @may_read
    async def post(self) -> None:
        """Body: ``MetadataRequest``; answer: ``MetadataAnswer`` (``schema/protocol.schema.json``)."""
        from mlwa_notebook.metadata_change import MetadataRequestError, decide

        body = await self.json_body()
        try:
            answer = await self.service.run(decide, body)
        except MetadataRequestError as exc:
            raise ApiError(
                400,
                f"the metadata change is out of its schema: {exc}",
                "send a MetadataRequest of mlwa_notebook/schema/protocol.schema.json",
            ) from exc
        self.finish(json.dumps(answer, ensure_ascii=False))


class NotFoundHandler(MlwaHandler):
    """Any other ``/mlwa/api/`` URL: a JSON 404 that lists the endpoints."""

    @tornado.web.authenticated
    async def get(self, endpoint: str) -> None:
        """Answer 404 (after authentication, so it tells strangers nothing)."""
        raise ApiError(404, f"no endpoint {endpoint!r} under /mlwa/api/", HINTS[404])

    post = get
