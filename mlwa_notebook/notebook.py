"""Read-only view of a notebook: its cells by index and id, with their text and outputs.

The caller's notebook is never mutated: reading copies what it needs into frozen records.
Cell ids are the address of a cell; its index is only how it is shown (``Cell.label``).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlwa_notebook.errors import NotebookError
from mlwa_notebook.files import read_regular
from mlwa_notebook.location import cell_label

#: Output payloads that are binary (base64): no text to read in them. Every other payload is
#: text a secret can be printed in (plain, HTML, Markdown, LaTeX, SVG, JSON, JavaScript…).
BINARY_MIME_PREFIXES = (
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/bmp",
    "audio/",
    "video/",
    "application/pdf",
    "application/octet-stream",
)


def is_binary_mime(mime: str) -> bool:
    """Whether an output or attachment payload of this type is binary rather than text."""
    return mime.startswith(BINARY_MIME_PREFIXES)


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell, as the analysis sees it."""

    index: int
    id: str
    cell_type: str
    source: str
    metadata: Mapping[str, Any]
    tags: tuple[str, ...]
    execution_count: int | None
    #: All the text of the cell's outputs, every text payload of each (secrets are looked for in
    #: all of it: a token printed after 250 KB of log, or only in the HTML version, is still there).
    output_text: str
    has_outputs: bool
    #: An output shows a picture (a plot, a confusion matrix): the phase classifier reads it.
    has_image: bool = False
    #: A markdown or raw cell's attachments: name -> {mime type: payload}.
    attachments: Mapping[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """How a cell is shown to people: by its 1-based position, as JupyterLab numbers cells."""
        return cell_label(self.index)


@dataclass(frozen=True, slots=True)
class Notebook:
    """A notebook's cells and metadata, detached from the dict it was read from."""

    path: str
    nbformat: tuple[int, int]
    metadata: Mapping[str, Any]
    cells: tuple[Cell, ...]

    def cell_by_id(self, cell_id: str) -> Cell | None:
        """The cell with this id, or None."""
        for cell in self.cells:
            if cell.id == cell_id:
                return cell
        return None


def _join(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        try:
            return "".join(value)
        except TypeError:  # a damaged file: keep what can be read
            return "".join(str(part) for part in value)
    if isinstance(value, Sequence):
        return "".join(str(part) for part in value)
    return "" if value is None else str(value)


def _text(value: Any) -> str:
    if isinstance(value, str | list):
        return _join(value)
    return "" if value is None else json.dumps(value, ensure_ascii=False, default=str)


def _output_text(outputs: Any) -> str:
    if not isinstance(outputs, list):
        return ""
    parts: list[str] = []
    for out in outputs:
        if not isinstance(out, Mapping):
            continue
        kind = out.get("output_type")
        if kind == "stream":
            parts.append(_join(out.get("text")))
        elif kind in ("execute_result", "display_data"):
            data = out.get("data")
            if isinstance(data, Mapping):
                parts.extend(
                    _text(value)
                    for mime, value in data.items()
                    if isinstance(mime, str) and not is_binary_mime(mime)
                )
        elif kind == "error":
            parts.append(f"{out.get('ename', '')}: {out.get('evalue', '')}")
            parts.append(_join(out.get("traceback")))
    return "\n".join(parts)


#: Deepest nesting of JSON a notebook may have. Real ones stay under 20 (a plotly figure in an
#: output); deeper is crafted, and would exhaust the recursion of copy, json and nbformat.
MAX_DEPTH = 100


def _unicode(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, from a JSON escape such as "\ud800"
        return False
    return True


def _ascii_lines(value: list[Any] | dict[Any, Any]) -> bool:
    """Whether a list holds only ASCII strings (a source's or an output's lines, most of a
    notebook), or a dict only ASCII keys, found at C speed: nothing there to refuse or walk."""
    try:
        return all(map(str.isascii, value))
    except TypeError:  # not only strings
        return False


def check_json(raw: Any, path: str) -> None:
    """Refuse JSON no notebook has: nested deeper than ``MAX_DEPTH``, or text that is not
    Unicode (lone surrogates, which JSON escapes allow but no file can hold).

    Walked with a stack: the check itself must not recurse into what it refuses.
    """

    def bad_text(cell: int | None) -> NotebookError:
        return NotebookError(
            path,
            "holds text that is not valid Unicode (a lone surrogate such as \\ud800); remove it "
            "and save the notebook again",
            cell_index=cell,
        )

    # Only containers go on the stack; strings (most of a notebook) are checked where they are
    # met, with ``isascii`` first: this runs on every analysis, the sidebar's included.
    top = dict(raw) if isinstance(raw, Mapping) else raw
    if not isinstance(top, dict | list):
        return
    stack: list[tuple[Any, int, int | None]] = [(top, 1, None)]
    while stack:
        value, depth, cell = stack.pop()
        if depth > MAX_DEPTH:
            raise NotebookError(
                path, f"the JSON is nested more than {MAX_DEPTH} levels deep; no notebook is"
            )
        if isinstance(value, dict):
            if depth > 1 and _ascii_lines(value):  # ASCII keys (most): only the values to read
                for item in value.values():
                    if isinstance(item, str):
                        if not item.isascii() and not _unicode(item):
                            raise bad_text(cell)
                    elif isinstance(item, dict | list):
                        stack.append((item, depth + 1, cell))
                continue
            for key, item in value.items():
                if isinstance(key, str) and not key.isascii() and not _unicode(key):
                    raise bad_text(cell)
                if isinstance(item, str):
                    if not item.isascii() and not _unicode(item):
                        raise bad_text(cell)
                elif depth == 1 and key == "cells" and isinstance(item, list):
                    stack.extend(
                        (c, depth + 2, n) for n, c in enumerate(item) if isinstance(c, dict | list)
                    )
                elif isinstance(item, dict | list):
                    stack.append((item, depth + 1, cell))
        elif isinstance(value, list):
            if _ascii_lines(value):
                continue
            for item in value:
                if isinstance(item, str):
                    if not item.isascii() and not _unicode(item):
                        raise bad_text(cell)
                elif isinstance(item, dict | list):
                    stack.append((item, depth + 1, cell))


def _has_image(outputs: Any) -> bool:
    if not isinstance(outputs, list):
        return False
    for out in outputs:
        data = out.get("data") if isinstance(out, Mapping) else None
        if isinstance(data, Mapping) and any(
            isinstance(k, str) and k.startswith("image/") for k in data
        ):
            return True
    return False


def _tags(metadata: Mapping[str, Any]) -> tuple[str, ...]:
    tags = metadata.get("tags")
    if isinstance(tags, list):
        return tuple(t for t in tags if isinstance(t, str))
    return ()


def _upgrade(raw: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Bring an older notebook format up to v4 on a copy, as nbformat does when reading."""
    import nbformat

    major = raw.get("nbformat")
    if not isinstance(major, int):
        raise NotebookError(path, "not a notebook: the 'nbformat' version field is missing")
    if major > 4:
        raise NotebookError(path, f"nbformat {major} is newer than this tool reads (4)")
    try:
        node = nbformat.from_dict(copy.deepcopy(dict(raw)))  # type: ignore[no-untyped-call]
        upgraded = nbformat.convert(node, 4)  # type: ignore[no-untyped-call]
    except Exception as exc:  # nbformat raises many kinds for damaged old files
        raise NotebookError(path, f"cannot upgrade nbformat {major} notebook: {exc}") from exc
    return dict(upgraded)


def from_dict(raw: Mapping[str, Any], path: str = "<notebook>") -> Notebook:
    """Build the read-only view of a notebook dict (nbformat 4, older versions upgraded)."""
    if not isinstance(raw, Mapping):
        raise NotebookError(path, "not a notebook: the top level is not a JSON object")
    check_json(raw, path)
    if raw.get("nbformat") != 4:
        raw = _upgrade(raw, path)
    cells_raw = raw.get("cells")
    if not isinstance(cells_raw, list):
        raise NotebookError(path, "not a notebook: 'cells' is missing or not a list")
    cells: list[Cell] = []
    seen: set[str] = set()
    for index, c in enumerate(cells_raw):
        if not isinstance(c, Mapping):
            raise NotebookError(path, f"{cell_label(index)} is not a JSON object", cell_index=index)
        metadata = c.get("metadata")
        metadata = metadata if isinstance(metadata, Mapping) else {}
        cell_id = c.get("id")
        # Cells of nbformat < 4.5 have no id: give a stable one derived from the position.
        if not isinstance(cell_id, str) or not cell_id or cell_id in seen:
            cell_id = f"cell-{index}"
        seen.add(cell_id)
        count = c.get("execution_count")
        outputs = c.get("outputs")
        attachments = c.get("attachments")
        cells.append(
            Cell(
                index=index,
                id=cell_id,
                cell_type=str(c.get("cell_type", "raw")),
                source=_join(c.get("source")),
                metadata=metadata,
                tags=_tags(metadata),
                execution_count=count if isinstance(count, int) else None,
                output_text=_output_text(outputs),
                has_outputs=bool(outputs),
                has_image=_has_image(outputs),
                attachments=attachments if isinstance(attachments, Mapping) else {},
            )
        )
    meta = raw.get("metadata")
    minor = raw.get("nbformat_minor")
    return Notebook(
        path=path,
        nbformat=(4, minor if isinstance(minor, int) else 0),
        metadata=meta if isinstance(meta, Mapping) else {},
        cells=tuple(cells),
    )


def parse_json(data: bytes, path: str) -> Mapping[str, Any]:
    """Decode a notebook file's bytes, with an error that says what is wrong and where."""
    if not data.strip():
        raise NotebookError(path, "the file is empty")
    if b"\x00" in data[:8192]:
        raise NotebookError(path, "the file is binary, not a notebook")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotebookError(
            path, f"the file is not UTF-8 text (byte {exc.start}); notebooks are UTF-8 JSON"
        ) from exc
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(
            path, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    except RecursionError as exc:  # the parser recurses: thousands of nested brackets
        raise NotebookError(path, f"the JSON is nested more than {MAX_DEPTH} levels deep") from exc
    if not isinstance(raw, dict):
        raise NotebookError(path, "not a notebook: the top level is not a JSON object")
    return raw


def read_notebook(path: str | Path, shown_as: str | None = None) -> Notebook:
    """Read a notebook file; errors name the file as ``shown_as`` (default: the path given)."""
    name = shown_as if shown_as is not None else str(path)
    try:
        data = read_regular(path)
    except FileNotFoundError as exc:
        raise NotebookError(name, "no such file") from exc
    except IsADirectoryError as exc:
        raise NotebookError(name, "is a folder, not a notebook") from exc
    except OSError as exc:
        raise NotebookError(name, f"cannot read the file: {exc.strerror}") from exc
    return from_dict(parse_json(data, name), name)
