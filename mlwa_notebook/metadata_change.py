"""Every write of the ``mlwa`` metadata the sidebar makes, decided here (``POST /mlwa/api/metadata``).

The sidebar holds the notebook model, but what to write into it is the core's to say: an answer
is stamped and merged item by item with the stored ones (``metadata.merge_checklist``), a kernel's
``set_metadata`` patch is merged the same way, a phase drops the cell's phase tags. The sidebar
sends one change with the ``mlwa`` blocks it touches as they are now (``MetadataRequest`` of
``schema/protocol.schema.json``); ``decide`` answers the blocks to write and the stored answers as
the core reads them (``MetadataAnswer``). The sidebar puts those blocks into the model as they
are, unless the model changed while it asked (then it asks again with the new blocks), so two
writers, the kernel and the sidebar, never lose each other's answers.

What the user typed travels unmasked both ways (it is written back into their own notebook, as
typed): nothing here logs it, and errors name the JSON path, never the value.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Literal, NotRequired, TypedDict, cast

from mlwa_notebook.kernel.changes import AnswerChange
from mlwa_notebook.kernel.protocol import PROTOCOL_VERSION, CellPatch, ChecklistEntry, NotebookPatch
from mlwa_notebook.metadata import (
    KEY,
    checklist_answers,
    merge_checklist,
    set_cell_phase,
    set_ignore,
    stored_entry,
    unset_ignore,
)
from mlwa_notebook.schema import problems


class CellState(TypedDict, total=False):
    """One cell's part of the metadata: its ``mlwa`` block and its tags."""

    mlwa: dict[str, Any]
    tags: list[str]


class AnswerIntent(TypedDict):
    """The user answered a checklist item in the sidebar (the core stamps it)."""

    kind: Literal["answer"]
    bp: str
    state: Literal["done", "na", "open"]
    note: NotRequired[str]
    reason: NotRequired[str]
    by: NotRequired[str]


class PatchIntent(TypedDict):
    """A ``set_metadata`` patch: the kernel's, or the sidebar's phase or suppression."""

    kind: Literal["patch"]
    notebook: NotRequired[NotebookPatch]
    cells: NotRequired[dict[str, CellPatch]]


class UnignoreIntent(TypedDict):
    """Count a suppressed finding again: where the report says it was suppressed."""

    kind: Literal["unignore"]
    key: str
    cell: NotRequired[str]
    via: NotRequired[Literal["metadata", "tag"]]


class MetadataRequest(TypedDict):
    """Front end → core: a change and the blocks it touches, as they are now."""

    version: int
    notebook: NotRequired[dict[str, Any]]
    cells: NotRequired[dict[str, CellState]]
    change: NotRequired[AnswerIntent | PatchIntent | UnignoreIntent]


class MetadataAnswer(TypedDict):
    """Core → front end: the blocks to write (only those that change) and the stored answers."""

    version: int
    notebook: NotRequired[dict[str, Any]]
    cells: dict[str, CellState]
    answers: dict[str, ChecklistEntry]


class MetadataRequestError(ValueError):
    """A request out of ``MetadataRequest``'s schema; the message names paths, never values."""


def decide(request: Mapping[str, Any]) -> MetadataAnswer:
    """The blocks to write for ``request``'s change, and the answers stored after it.

    Without a change, only the answers: the sidebar shows them as the core reads them.
    """
    found = problems("protocol", request, "MetadataRequest", quote_values=False)
    if found:
        raise MetadataRequestError("; ".join(found))
    before = _scratch(request)
    after = copy.deepcopy(before)
    change = request.get("change")
    if isinstance(change, Mapping):
        after = _apply(after, change)
    return _answer(before, after)


def _scratch(request: Mapping[str, Any]) -> dict[str, Any]:
    """A notebook holding only the blocks sent, for the writers of ``metadata.py``."""
    meta: dict[str, Any] = {}
    if "notebook" in request:
        meta[KEY] = copy.deepcopy(request["notebook"])
    cells = []
    for cell_id, state in request.get("cells", {}).items():
        cell_meta = {name: copy.deepcopy(state[name]) for name in (KEY, "tags") if name in state}
        cells.append({"id": cell_id, "cell_type": "code", "source": "", "metadata": cell_meta})
    return {"metadata": meta, "cells": cells}


def _apply(nb: dict[str, Any], change: Mapping[str, Any]) -> dict[str, Any]:
    kind = change["kind"]
    if kind == "answer":
        answer = AnswerChange(
            change["bp"],
            change["state"],
            note=change.get("note", ""),
            reason=change.get("reason", ""),
            by=change.get("by", ""),
        )
        return answer.apply(nb)
    if kind == "unignore":
        cell_id = change.get("cell")
        if cell_id is not None and not _has_cell(nb, cell_id):
            return nb  # the cell is gone
        return unset_ignore(nb, change["key"], cell_id, change.get("via", "metadata"))
    return apply_patch(nb, change.get("notebook", {}), change.get("cells", {}))


def apply_patch(
    nb: Mapping[str, Any], notebook: Mapping[str, Any], cells: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """A copy of ``nb`` with a ``set_metadata`` patch applied as ``kernel/protocol.py`` says:
    answers merged by time, ignore keys set, phases set or removed; parts for cells that are
    not in ``nb`` (deleted since) are dropped."""
    out = copy.deepcopy(dict(nb))
    if "checklist" in notebook:
        theirs = {KEY: {"checklist": notebook["checklist"]}}
        out["metadata"] = merge_checklist(out.get("metadata") or {}, theirs)
    for code, reason in notebook.get("ignore", {}).items():
        out = set_ignore(out, code, reason)
    for cell_id, patch in cells.items():
        if not _has_cell(out, cell_id):
            continue
        if "phase" in patch:
            out = set_cell_phase(out, cell_id, patch["phase"])
        for code, reason in patch.get("ignore", {}).items():
            out = set_ignore(out, code, reason, cell_id)
    return out


def _has_cell(nb: Mapping[str, Any], cell_id: str) -> bool:
    return any(cell.get("id") == cell_id for cell in nb.get("cells", []))


def _answer(before: Mapping[str, Any], after: Mapping[str, Any]) -> MetadataAnswer:
    answer = MetadataAnswer(version=PROTOCOL_VERSION, cells={}, answers=_answers(after))
    old, new = before["metadata"].get(KEY), after["metadata"].get(KEY)
    if new != old:
        _check_written(old, new, "")
        answer["notebook"] = new
    for was, cell in zip(before["cells"], after["cells"], strict=True):
        state: CellState = {}
        if cell["metadata"].get(KEY) != was["metadata"].get(KEY):
            _check_written(was["metadata"].get(KEY), cell["metadata"][KEY], "MlwaCellBlock")
            state["mlwa"] = cell["metadata"][KEY]
        if cell["metadata"].get("tags") != was["metadata"].get("tags"):
            state["tags"] = cell["metadata"]["tags"]
        if state:
            answer["cells"][cell["id"]] = state
    return answer


def _check_written(old: Any, new: Any, definition: str) -> None:
    """A writer never turns a block the metadata schema accepts into one it rejects (a block the
    user broke by hand is written back with only the change, as the readers skip what is bad)."""
    if old is not None and problems("metadata", old, definition):
        return
    found = problems("metadata", new, definition, quote_values=False)
    if found:
        raise ValueError(f"the mlwa metadata written would be out of schema: {'; '.join(found)}")


def _answers(nb: Mapping[str, Any]) -> dict[str, ChecklistEntry]:
    """The stored answers as the core reads them (bare states and all), in the stored form."""
    return {
        bp: cast(ChecklistEntry, stored_entry(answer))
        for bp, answer in checklist_answers(nb["metadata"]).items()
    }
