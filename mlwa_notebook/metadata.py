"""The state users set, kept inside the ``.ipynb`` under an ``mlwa`` key, read and written here.

Its shape is ``schema/metadata.schema.json`` (``METADATA_VERSION``). Readers are lenient and
fast (no schema library on the analysis path): they skip what the schema rejects, and a test
holds them to it. Writers check what they write against it.

Notebook metadata::

    "mlwa": {
      "version": 1,
      "checklist": {"MLOPS03-BP02": {"state": "done", "note": "...", "updated": "<ISO time>",
                                     "by": "Ada Lovelace"},
                    "MLSEC05-BP01": {"state": "na", "reason": "no PII", "updated": "..."}},
      "ignore": {"MLW005": "installs are pinned by the image"}
    }

Cell metadata: ``"mlwa": {"phase": "model-training", "ignore": {"MLW004": "reason"}}``; the same
can be said with the cell tags ``mlwa-phase:model-training`` and ``mlwa-ignore:MLW004``.
Inside a code cell, ``# mlwa: ignore[MLW004] reason`` suppresses a code for that cell.

Writers return a changed copy and merge item by item by ``updated`` time, so two writers (the
sidebar and a magic) never overwrite each other's newer answer.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mlwa_notebook.notebook import Cell
from mlwa_notebook.schema import problems
from mlwa_notebook.vocabulary import AnswerState

KEY = "mlwa"
METADATA_VERSION = 1
CHECKLIST_STATES: tuple[str, ...] = tuple(AnswerState)
PHASE_TAG = "mlwa-phase:"
IGNORE_TAG = "mlwa-ignore:"
_IGNORE_COMMENT = re.compile(r"#\s*mlwa:\s*ignore\[([A-Za-z0-9_,\s-]+)\]\s*(.*)$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Answer:
    """A checklist answer as stored: done, not applicable (with a reason) or open."""

    state: str
    note: str = ""
    reason: str = ""
    updated: str = ""
    #: Who gave it (git user.name, or the JupyterLab identity): "" for answers written before.
    by: str = ""


def now() -> str:
    """The time stamp writers put on what they write."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _mlwa(meta: Mapping[str, Any]) -> Mapping[str, Any]:
    value = meta.get(KEY)
    return value if isinstance(value, Mapping) else {}


def is_generated(cell: Cell) -> bool:
    """Whether ``mlwa export`` added the cell (summary, radar, notes): not the author's work."""
    return _mlwa(cell.metadata).get("generated") is True


def explicit_phase(cell: Cell, phases: frozenset[str]) -> tuple[str, str] | None:
    """The phase the user set on a cell and where (``metadata`` or ``tag``), if any.

    Cells an export added are ``other``: they review the notebook, they serve no phase of it.
    """
    if is_generated(cell):
        return "other", "added by mlwa export"
    value = _mlwa(cell.metadata).get("phase")
    if isinstance(value, str) and value in phases:
        return value, "metadata"
    for tag in cell.tags:
        if tag.startswith(PHASE_TAG) and tag[len(PHASE_TAG) :] in phases:
            return tag[len(PHASE_TAG) :], "tag"
    return None


def cell_ignores(cell: Cell) -> dict[str, str]:
    """Codes (or rule names) suppressed for one cell, with the reason given."""
    return {key: reason for key, (reason, _) in cell_ignore_sources(cell).items()}


def cell_ignore_sources(cell: Cell) -> dict[str, tuple[str, str]]:
    """Codes (or rule names) suppressed for one cell: the reason and where it is said
    (``"metadata"``, ``"tag"`` or ``"comment"``), so a view knows how it can be undone."""
    found: dict[str, tuple[str, str]] = {}
    value = _mlwa(cell.metadata).get("ignore")
    if isinstance(value, Mapping):
        found.update({str(k): (str(v), "metadata") for k, v in value.items()})
    elif isinstance(value, list):
        found.update({str(k): ("", "metadata") for k in value})
    for tag in cell.tags:
        if tag.startswith(IGNORE_TAG):
            found.setdefault(tag[len(IGNORE_TAG) :], ("cell tag", "tag"))
    if cell.cell_type == "code" and "mlwa:" in cell.source:
        for match in _IGNORE_COMMENT.finditer(cell.source):
            for code in match.group(1).split(","):
                if code.strip():
                    found.setdefault(code.strip(), (match.group(2).strip(), "comment"))
    return found


def notebook_ignores(metadata: Mapping[str, Any]) -> dict[str, str]:
    """Codes (or rule names) suppressed for the whole notebook, with the reason given."""
    value = _mlwa(metadata).get("ignore")
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items()}
    if isinstance(value, list):
        return {str(k): "" for k in value}
    return {}


def checklist_answers(metadata: Mapping[str, Any]) -> dict[str, Answer]:
    """The checklist answers stored in notebook metadata; malformed entries are skipped."""
    value = _mlwa(metadata).get("checklist")
    answers: dict[str, Answer] = {}
    if not isinstance(value, Mapping):
        return answers
    for bp, entry in value.items():
        if isinstance(entry, str) and entry in CHECKLIST_STATES:
            answers[str(bp)] = Answer(entry)
        elif isinstance(entry, Mapping) and entry.get("state") in CHECKLIST_STATES:
            answers[str(bp)] = Answer(
                state=str(entry["state"]),
                note=str(entry.get("note", "")),
                reason=str(entry.get("reason", "")),
                updated=str(entry.get("updated", "")),
                by=str(entry.get("by", "")),
            )
    return answers


# --- writers: each returns a changed deep copy of a notebook dict -------------------------------


def _ensure(meta: dict[str, Any]) -> dict[str, Any]:
    block = meta.get(KEY)
    if not isinstance(block, dict):
        block = {}
        meta[KEY] = block
    block.setdefault("version", METADATA_VERSION)
    return block


def _find_cell(nb: dict[str, Any], cell_id: str) -> dict[str, Any]:
    for cell in nb.get("cells", []):
        if cell.get("id") == cell_id:
            return dict_of(cell)
    raise KeyError(f"no cell with id {cell_id!r}")


def dict_of(value: Any) -> dict[str, Any]:
    """``value`` itself when it is a dict (for typing), else a TypeError."""
    if not isinstance(value, dict):
        raise TypeError(f"expected a JSON object, got {type(value).__name__}")
    return value


def set_cell_phase(nb: Mapping[str, Any], cell_id: str, phase: str | None) -> dict[str, Any]:
    """A copy of ``nb`` where cell ``cell_id`` has the explicit phase ``phase`` (None clears it)."""
    out = copy.deepcopy(dict(nb))
    cell = _find_cell(out, cell_id)
    meta = cell.setdefault("metadata", {})
    block = _ensure(meta)
    if phase is None:
        block.pop("phase", None)
    else:
        block["phase"] = phase
    tags = [t for t in meta.get("tags", []) if not str(t).startswith(PHASE_TAG)]
    if tags != meta.get("tags", tags):
        meta["tags"] = tags
    return out


def stored_entry(answer: Answer) -> dict[str, str]:
    """An answer in its stored form: its state and time, and the note, reason and author it has
    (empty ones left out)."""
    entry = {"state": answer.state, "updated": answer.updated}
    for name, value in (("note", answer.note), ("reason", answer.reason), ("by", answer.by)):
        if value:
            entry[name] = value
    return entry


def set_answer(nb: Mapping[str, Any], bp_id: str, answer: Answer) -> dict[str, Any]:
    """A copy of ``nb`` with one checklist answer written (stamped now if it has no time)."""
    out = copy.deepcopy(dict(nb))
    block = _ensure(out.setdefault("metadata", {}))
    checklist = block.setdefault("checklist", {})
    entry = stored_entry(dataclasses.replace(answer, updated=answer.updated or now()))
    found = problems("metadata", entry, "ChecklistEntry")
    if found:
        raise ValueError(f"checklist answer for {bp_id} out of schema: {'; '.join(found)}")
    checklist[bp_id] = entry
    return out


def set_ignore(
    nb: Mapping[str, Any], code: str, reason: str, cell_id: str | None = None
) -> dict[str, Any]:
    """A copy of ``nb`` with ``code`` suppressed for one cell, or the notebook when no cell."""
    out = copy.deepcopy(dict(nb))
    meta = _find_cell(out, cell_id).setdefault("metadata", {}) if cell_id else out["metadata"]
    block = _ensure(meta)
    ignores = block.get("ignore")
    if not isinstance(ignores, dict):
        ignores = {str(k): "" for k in ignores} if isinstance(ignores, list) else {}
        block["ignore"] = ignores
    ignores[code] = reason
    return out


def merge_checklist(ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> dict[str, Any]:
    """Notebook metadata ``ours`` with every checklist answer of ``theirs`` that is newer."""
    merged = copy.deepcopy(dict(ours))
    block = _ensure(merged)
    mine = block.setdefault("checklist", {})
    for bp, entry in _mlwa(theirs).get("checklist", {}).items():
        current = mine.get(bp)
        if not isinstance(current, Mapping) or str(entry.get("updated", "")) > str(
            current.get("updated", "")
        ):
            mine[bp] = copy.deepcopy(entry)
    return merged


def unset_ignore(
    nb: Mapping[str, Any], key: str, cell_id: str | None = None, via: str = "metadata"
) -> dict[str, Any]:
    """A copy of ``nb`` where ``key`` (a code or rule name) is no longer suppressed where ``via``
    says it was (``"metadata"``: the ``mlwa.ignore`` block; ``"tag"``: the cell's
    ``mlwa-ignore:<key>`` tag), for one cell or the notebook when no cell. A ``# mlwa: ignore``
    comment is the user's code and is never edited."""
    out = copy.deepcopy(dict(nb))
    meta = _find_cell(out, cell_id).setdefault("metadata", {}) if cell_id else out["metadata"]
    if via == "tag":
        tags = meta.get("tags")
        if isinstance(tags, list) and f"{IGNORE_TAG}{key}" in tags:
            meta["tags"] = [t for t in tags if t != f"{IGNORE_TAG}{key}"]
        return out
    block = meta.get(KEY)
    if not isinstance(block, dict):
        return out
    ignores = block.get("ignore")
    if isinstance(ignores, dict):
        ignores.pop(key, None)
    elif isinstance(ignores, list):
        block["ignore"] = {str(k): "" for k in ignores if str(k) != key}
    return out
