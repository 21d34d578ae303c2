"""What a user can set from the kernel (an answer, a phase, a suppression) as replayable changes.

A change is applied with the writers of ``metadata.py`` (never re-implemented here), can say
whether a notebook already shows it, and can describe itself as the ``set_metadata`` patch of
``protocol.py`` for the JupyterLab extension. Its time stamp is fixed when it is made, so applying
it twice gives the same notebook.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mlwa_notebook.kernel.protocol import CellPatch, ChecklistEntry, NotebookPatch
from mlwa_notebook.metadata import (
    KEY,
    Answer,
    merge_checklist,
    now,
    set_answer,
    set_cell_phase,
    set_ignore,
)
from mlwa_notebook.vocabulary import AnswerState


def _block(meta: Any) -> Mapping[str, Any]:
    value = meta.get(KEY) if isinstance(meta, Mapping) else None
    return value if isinstance(value, Mapping) else {}


def _cell(nb: Mapping[str, Any], cell_id: str) -> Mapping[str, Any] | None:
    for cell in nb.get("cells", []):
        if isinstance(cell, Mapping) and cell.get("id") == cell_id:
            return cell
    return None


@dataclass(frozen=True, slots=True)
class AnswerChange:
    """A checklist answer: done, not applicable (with a reason) or open, with a note."""

    bp_id: str
    state: str
    note: str = ""
    reason: str = ""
    updated: str = field(default_factory=now)
    by: str = ""

    def entry(self) -> ChecklistEntry:
        """The stored form of the answer, built by ``metadata.set_answer``."""
        answer = Answer(self.state, self.note, self.reason, self.updated, self.by)
        written = set_answer({"cells": [], "metadata": {}}, self.bp_id, answer)
        entry: ChecklistEntry = written["metadata"][KEY]["checklist"][self.bp_id]
        return entry

    def apply(self, nb: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of ``nb`` with this answer merged in (a newer stored answer wins)."""
        ours = {KEY: {"checklist": {self.bp_id: dict(self.entry())}}}
        out = dict(nb)
        out["metadata"] = merge_checklist(nb.get("metadata") or {}, ours)
        return out

    def shown_in(self, nb: Mapping[str, Any]) -> bool:
        """Whether ``nb`` holds this answer or a newer one."""
        stored = _block(nb.get("metadata")).get("checklist", {})
        entry = stored.get(self.bp_id) if isinstance(stored, Mapping) else None
        return isinstance(entry, Mapping) and str(entry.get("updated", "")) >= self.updated

    def patch(self) -> tuple[NotebookPatch, dict[str, CellPatch]]:
        """The ``set_metadata`` parts for the front end."""
        return {"checklist": {self.bp_id: self.entry()}}, {}

    def describe(self) -> str:
        """What was set, in words."""
        words = _ANSWER_WORDS[AnswerState(self.state)]
        extra = self.reason or self.note
        return f"{self.bp_id} marked {words}" + (f" ({extra})" if extra else "")


@dataclass(frozen=True, slots=True)
class PhaseChange:
    """An explicit phase for one cell (None clears it)."""

    cell_id: str
    phase: str | None

    def apply(self, nb: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of ``nb`` with the cell's phase set; KeyError when the cell is not there."""
        return set_cell_phase(nb, self.cell_id, self.phase)

    def shown_in(self, nb: Mapping[str, Any]) -> bool:
        """Whether the cell in ``nb`` has this phase (or none, when clearing)."""
        cell = _cell(nb, self.cell_id)
        return cell is not None and _block(cell.get("metadata")).get("phase") == self.phase

    def patch(self) -> tuple[NotebookPatch, dict[str, CellPatch]]:
        """The ``set_metadata`` parts for the front end."""
        return {}, {self.cell_id: {"phase": self.phase}}

    def describe(self) -> str:
        """What was set, in words."""
        return f"phase set to {self.phase}" if self.phase else "explicit phase removed"


@dataclass(frozen=True, slots=True)
class IgnoreChange:
    """A finding code (or rule name) suppressed for one cell, or the notebook when no cell."""

    code: str
    reason: str
    cell_id: str | None = None

    def apply(self, nb: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of ``nb`` with the suppression written; KeyError when the cell is not there."""
        return set_ignore(nb, self.code, self.reason, self.cell_id)

    def shown_in(self, nb: Mapping[str, Any]) -> bool:
        """Whether ``nb`` already suppresses the code where this change does, for this reason."""
        if self.cell_id is None:
            meta: Any = nb.get("metadata")
        else:
            cell = _cell(nb, self.cell_id)
            meta = cell.get("metadata") if cell is not None else None
        ignores = _block(meta).get("ignore")
        return isinstance(ignores, Mapping) and ignores.get(self.code) == self.reason

    def patch(self) -> tuple[NotebookPatch, dict[str, CellPatch]]:
        """The ``set_metadata`` parts for the front end."""
        if self.cell_id is None:
            return {"ignore": {self.code: self.reason}}, {}
        return {}, {self.cell_id: {"ignore": {self.code: self.reason}}}

    def describe(self) -> str:
        """What was set, in words."""
        where = "this cell" if self.cell_id else "the whole notebook"
        return f"{self.code} suppressed for {where}" + (f" ({self.reason})" if self.reason else "")


Change = AnswerChange | PhaseChange | IgnoreChange

#: How an answer reads in the kernel's reply.
_ANSWER_WORDS = {
    AnswerState.DONE: "done",
    AnswerState.NA: "not applicable",
    AnswerState.OPEN: "open",
}


def apply_all(nb: Mapping[str, Any], changes: list[Change]) -> dict[str, Any]:
    """``nb`` with every change applied in order (changes whose cell is gone are skipped)."""
    out = copy.copy(dict(nb))
    for change in changes:
        try:
            out = change.apply(out)
        except KeyError:
            continue
    return out
