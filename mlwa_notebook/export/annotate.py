"""The annotated notebook: a copy where every cell carries its phase, with a summary on top.

What an export adds, and how the next export finds it again:

- every original cell: ``metadata.mlwa.annotation`` = ``{phase, lens_phase, source, confidence,
  findings}`` and the tag ``mlwa:<phase>``. That tag is deliberately not ``mlwa-phase:<phase>``,
  which is how a *user* pins a phase (``metadata.py``): an annotation must never turn into an
  explicit phase. A user's own ``mlwa.phase`` and ``mlwa-phase:`` tags are left as they are.
- added cells (the summary, the plotly radar, the notes under flagged cells): cell metadata
  ``mlwa.generated = true`` (and the tag ``mlwa-generated``, for nbconvert's tag filters).

``strip_generated`` removes all of that, so exporting an exported notebook starts from the same
cells as exporting its source, and the result is the same file.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from mlwa_notebook.errors import NotebookError
from mlwa_notebook.location import cell_label
from mlwa_notebook.metadata import KEY

GENERATED_TAG = "mlwa-generated"
PHASE_ANNOTATION_TAG = "mlwa:"
ANNOTATION_KEY = "annotation"
SUMMARY_ID = "mlwa-summary"
RADAR_ID = "mlwa-radar"
_VALID_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def is_generated(cell: Mapping[str, Any]) -> bool:
    """Whether a cell was added by an export (and is replaced by the next one)."""
    meta = cell.get("metadata")
    block = meta.get(KEY) if isinstance(meta, Mapping) else None
    return isinstance(block, Mapping) and block.get("generated") is True


def _upgrade(raw: Mapping[str, Any], path: str) -> dict[str, Any]:
    """A v4 deep copy of the notebook (older formats converted as nbformat does)."""
    if raw.get("nbformat") == 4:
        return copy.deepcopy(dict(raw))
    import nbformat

    major = raw.get("nbformat")
    if not isinstance(major, int) or major > 4:
        raise NotebookError(path, f"cannot export nbformat {major!r}; expected 4 or older")
    try:
        node = nbformat.from_dict(copy.deepcopy(dict(raw)))  # type: ignore[no-untyped-call]
        upgraded = nbformat.convert(node, 4)  # type: ignore[no-untyped-call]
        return copy.deepcopy(dict(upgraded))
    except Exception as exc:  # nbformat raises many kinds for damaged old files
        raise NotebookError(path, f"cannot upgrade nbformat {major} notebook: {exc}") from exc


def strip_generated(raw: Mapping[str, Any], path: str = "<notebook>") -> dict[str, Any]:
    """A v4.5 copy without anything an earlier export added, with a valid unique id per cell.

    Cells without a usable id get ``cell-<index>``, the id the analysis gives them, so links in
    the summary and the report agree.
    """
    nb = _upgrade(raw, path)
    cells_raw = nb.get("cells")
    if not isinstance(cells_raw, list):
        raise NotebookError(path, "not a notebook: 'cells' is missing or not a list")
    cells: list[dict[str, Any]] = []
    for cell in cells_raw:
        if not isinstance(cell, dict):
            raise NotebookError(path, f"{cell_label(len(cells))} is not a JSON object")
        if is_generated(cell):
            continue
        meta = cell.get("metadata")
        if isinstance(meta, dict):
            block = meta.get(KEY)
            if isinstance(block, dict):
                block.pop(ANNOTATION_KEY, None)
                if not block:
                    del meta[KEY]
            tags = meta.get("tags")
            if isinstance(tags, list):
                kept = [t for t in tags if not str(t).startswith(PHASE_ANNOTATION_TAG)]
                if kept:
                    meta["tags"] = kept
                else:
                    del meta["tags"]
        cells.append(cell)
    seen: set[str] = set()
    for index, cell in enumerate(cells):
        cell_id = cell.get("id")
        if not isinstance(cell_id, str) or not _VALID_ID.match(cell_id) or cell_id in seen:
            cell_id = f"cell-{index}"
            cell["id"] = cell_id
        seen.add(cell_id)
    nb["cells"] = cells
    if not isinstance(nb.get("nbformat_minor"), int) or nb["nbformat_minor"] < 5:
        nb["nbformat_minor"] = 5
    if not isinstance(nb.get("metadata"), dict):
        nb["metadata"] = {}
    return nb


def _generated_id(base: str, taken: set[str]) -> str:
    if len(base) > 64:
        base = "mlwa-note-" + hashlib.sha1(base.encode()).hexdigest()[:16]
    candidate, n = base, 1
    while candidate in taken:
        candidate, n = f"{base[:60]}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _generated_meta(kind: str, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {KEY: {"generated": True, "kind": kind}, "tags": [GENERATED_TAG]}
    if extra:
        meta.update(extra)
    return meta


def markdown_cell(cell_id: str, kind: str, text: str) -> dict[str, Any]:
    """A generated markdown cell."""
    return {
        "cell_type": "markdown",
        "id": cell_id,
        "metadata": _generated_meta(kind),
        "source": text,
    }


def output_cell(cell_id: str, kind: str, source: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """A generated code cell holding one display output (its source is a comment)."""
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": cell_id,
        "metadata": _generated_meta(kind, {"jupyter": {"source_hidden": True}}),
        "outputs": [{"output_type": "display_data", "data": dict(data), "metadata": {}}],
        "source": source,
    }


def annotate_cells(
    cells: list[dict[str, Any]],
    phases: Sequence[Mapping[str, Any]],
) -> None:
    """Write each cell's phase annotation (metadata and tag) in place, on copied cells."""
    for cell, annotation in zip(cells, phases, strict=True):
        meta = cell.setdefault("metadata", {})
        if not isinstance(meta, dict):
            meta = cell["metadata"] = {}
        block = meta.get(KEY)
        if block is None:
            block = meta[KEY] = {}
        if isinstance(block, dict):  # anything else is the user's and is left alone
            block[ANNOTATION_KEY] = dict(annotation)
        tags = meta.get("tags")
        tags = list(tags) if isinstance(tags, list) else []
        tag = f"{PHASE_ANNOTATION_TAG}{annotation['phase']}"
        if tag not in tags:
            tags.append(tag)
        meta["tags"] = tags


def assemble(
    cells: list[dict[str, Any]],
    head: Sequence[dict[str, Any]],
    notes: Mapping[int, str],
) -> list[dict[str, Any]]:
    """The cells of the export: ``head`` on top, then each cell followed by its note, if any."""
    taken = {str(c.get("id")) for c in cells} | {str(c.get("id")) for c in head}
    out = list(head)
    for index, cell in enumerate(cells):
        out.append(cell)
        text = notes.get(index)
        if text is not None:
            note_id = _generated_id(f"mlwa-note-{cell.get('id')}", taken)
            out.append(markdown_cell(note_id, "note", text))
    return out


def head_ids(cells: Sequence[Mapping[str, Any]]) -> tuple[str, str]:
    """Ids for the summary and radar cells that no original cell uses."""
    taken = {str(c.get("id")) for c in cells}
    return _generated_id(SUMMARY_ID, taken), _generated_id(RADAR_ID, taken)
