"""What a rule is, and the read-only context every rule checks.

A rule is a frozen record: a stable code, a kebab-case name for the bad pattern, the pillars and
lens best practices it evidences, a default severity, a fix hint, a doc in fixed sections
(What it does / Why is this bad? / Example / Use instead / Suppress), and ``check``, a function
from the notebook context to hits (``Hit``) and positive evidence (``Proof``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from mlwa_notebook.cellcode import Call, CodeFacts, resolve
from mlwa_notebook.notebook import Cell, Notebook


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule's finding before the engine turns it into a report ``Finding``."""

    cell_index: int
    line: int
    message: str


@dataclass(frozen=True, slots=True)
class Proof:
    """A sign that a best practice is followed, at a cell."""

    best_practice: str
    cell_index: int
    note: str


@dataclass(frozen=True)
class DataTracking:
    """What version control knows about files near the notebook (read by the caller, not here).

    ``tracked`` holds paths relative to ``root`` that git tracks; ``dvc`` those that DVC tracks
    (a ``.dvc`` file beside them or an entry in ``dvc.lock``). ``notebook_dir`` is the notebook's
    folder relative to ``root``, to resolve the relative paths the notebook reads.
    """

    root: str = ""
    notebook_dir: str = ""
    tracked: frozenset[str] = frozenset()
    dvc: frozenset[str] = frozenset()

    def is_versioned(self, path: str) -> bool:
        """Whether a relative path read by the notebook is tracked by git or DVC."""
        if not self.root or path.startswith(("/", "~")) or "://" in path:
            return False
        parts: list[str] = []
        for piece in f"{self.notebook_dir}/{path}".split("/"):
            if piece in ("", "."):
                continue
            if piece == "..":
                if parts:
                    parts.pop()
                continue
            parts.append(piece)
        rel = "/".join(parts)
        if rel in self.tracked or rel in self.dvc:
            return True
        return any(rel.startswith(d.rstrip("/") + "/") for d in self.dvc)


@dataclass(frozen=True, slots=True)
class CellView:
    """A cell with what was read from its code and its phase."""

    cell: Cell
    facts: CodeFacts | None
    phase: str

    @property
    def index(self) -> int:
        """The cell's position."""
        return self.cell.index


@dataclass(frozen=True)
class NotebookContext:
    """Everything a rule may look at: cells, their facts and phases, imports, version control."""

    notebook: Notebook
    cells: tuple[CellView, ...]
    imports: Mapping[str, str]
    tracking: DataTracking = field(default_factory=DataTracking)

    def code_cells(self) -> Iterator[CellView]:
        """Code cells with analysable code, in order."""
        for view in self.cells:
            if view.facts is not None:
                yield view

    def calls(self, scripts: bool = True) -> Iterator[tuple[CellView, Call, str]]:
        """Every call with its cell and resolved callee; ``scripts`` adds ``%%writefile`` code."""
        for view in self.code_cells():
            facts = view.facts
            assert facts is not None
            for call in facts.calls:
                yield view, call, resolve(call.func, self.imports)
            if scripts and facts.script is not None:
                for call in facts.script.calls:
                    yield view, call, resolve(call.func, facts.script.imports)

    @cached_property
    def executed_scripts(self) -> frozenset[str]:
        """Names of ``%%writefile`` scripts the notebook hands to a job or runs."""
        written = {
            v.facts.script_path.rsplit("/", 1)[-1]
            for v in self.code_cells()
            if v.facts is not None and v.facts.script_path
        }
        used: set[str] = set()
        for view in self.code_cells():
            facts = view.facts
            assert facts is not None
            texts = [s for _, s in facts.strings] + [sh.text for sh in facts.shells]
            for name in written:
                if any(name in t for t in texts):
                    used.add(name)
        return frozenset(used)


CheckResult = Iterable[Hit | Proof]


@dataclass(frozen=True)
class Rule:
    """One check, its identity and its documentation."""

    code: str
    name: str
    summary: str
    severity: str
    pillars: tuple[str, ...]
    best_practices: tuple[str, ...]
    fix: str
    doc: str
    check: Callable[[NotebookContext], CheckResult] = field(repr=False, compare=False)
