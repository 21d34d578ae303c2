"""What a rule is, and the read-only context every rule checks.

A rule is a frozen record: a stable code, a kebab-case name for the bad pattern, the pillars and
lens best practices it evidences, a default severity, a fix hint, a doc in fixed sections
(What it does / Why is this bad? / Example / Use instead / Suppress), and ``check``, a function
from the notebook context to hits (``Hit``) and positive evidence (``Proof``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from mlwa_notebook.cellcode import Call, CodeFacts
from mlwa_notebook.notebook import Cell, Notebook
from mlwa_notebook.rules._flow import CellPart, Site, Unit, build_unit, script_is_run


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule's finding before the engine turns it into a report ``Finding``."""

    cell_index: int
    line: int
    message: str
    #: Where in the cell, when neither a line nor its output ("metadata of cell 3").
    where: str = ""


@dataclass(frozen=True, slots=True)
class Proof:
    """A sign that a best practice is followed, at a cell."""

    best_practice: str
    cell_index: int
    note: str


@dataclass(frozen=True)
class Neighbours:
    """What the other notebooks in the notebook's folder do that bears on it: a repository's
    notebooks run as one project (``05-deploy.ipynb`` then ``99-clean-up.ipynb``).

    ``cleans_up`` names the notebooks beside it that delete endpoints; ``writes`` pairs each
    file name another notebook there writes with that notebook's name.
    """

    cleans_up: tuple[str, ...] = ()
    writes: tuple[tuple[str, str], ...] = ()

    def writer_of(self, path: str) -> str:
        """The neighbouring notebook that writes the file ``path`` names (empty if none)."""
        name = path.rstrip("/").rsplit("/", 1)[-1]
        return next((nb for written, nb in self.writes if written == name), "")


#: Endings of the archives a data file may be unpacked from.
_ARCHIVE_ENDINGS = (".zip", ".gz", ".tar.gz", ".tgz", ".bz2", ".xz", ".7z")


@dataclass(frozen=True)
class DataTracking:
    """What version control knows about files near the notebook (read by the caller, not here).

    ``tracked`` holds paths relative to ``root`` that git tracks; ``dvc`` those that DVC tracks
    (a ``.dvc`` file beside them or an entry in ``dvc.lock``). ``notebook_dir`` is the notebook's
    folder relative to ``root``, to resolve the relative paths the notebook reads.
    ``neighbours``: what the other notebooks in its folder do (known with or without git).
    """

    root: str = ""
    notebook_dir: str = ""
    tracked: frozenset[str] = frozenset()
    dvc: frozenset[str] = frozenset()
    neighbours: Neighbours = field(default_factory=Neighbours)

    def is_versioned(self, path: str) -> bool:
        """Whether a relative path read by the notebook is tracked by git or DVC."""
        rel = self._relative(path)
        if rel is None:
            return False
        if rel in self.tracked or rel in self.dvc or self.archive_of(path):
            return True
        return any(rel.startswith(d.rstrip("/") + "/") for d in self.dvc)

    def archive_of(self, path: str) -> str:
        """The tracked archive beside a file read, of its name, that the file is unpacked from
        (``data/cards.csv`` from ``data/cards.zip`` or ``data/cards.csv.gz``; empty if none):
        its contents are that version."""
        rel = self._relative(path)
        if rel is None or rel in self.tracked:
            return ""
        stem = rel.rsplit(".", 1)[0] if "." in rel.rsplit("/", 1)[-1] else rel
        for base in (rel, stem):
            for ending in _ARCHIVE_ENDINGS:
                if f"{base}{ending}" in self.tracked:
                    return f"{base}{ending}"
        return ""

    def tracked_from_root(self, path: str) -> bool:
        """Whether a relative path the notebook's folder does not hold is tracked when read from
        the repository's root (``./tests/data/train.csv`` in ``examples/notebooks/``): a
        notebook run from the root reads that file."""
        rel = self._relative(path, "")
        return rel is not None and (rel in self.tracked or rel in self.dvc)

    def _relative(self, path: str, folder: str | None = None) -> str | None:
        """A path read by the notebook, relative to the repository root (None if it is not a
        relative path in a repository); read from ``folder``, the notebook's by default."""
        if not self.root or path.startswith(("/", "~")) or "://" in path:
            return None
        parts: list[str] = []
        start = self.notebook_dir if folder is None else folder
        for piece in f"{start}/{path}".split("/"):
            if piece in ("", "."):
                continue
            if piece == "..":
                if parts:
                    parts.pop()
                continue
            parts.append(piece)
        return "/".join(parts)

    def may_track(self, name: str) -> bool:
        """Whether git or DVC tracks some file of this base name (for a path built at run time
        from a folder and a file name, where only the name is known)."""
        if not self.root:
            return False
        return any(p == name or p.endswith("/" + name) for p in (*self.tracked, *self.dvc))


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


T = TypeVar("T")


@dataclass(frozen=True)
class NotebookContext:
    """Everything a rule may look at: cells, their facts and phases, imports, version control."""

    notebook: Notebook
    cells: tuple[CellView, ...]
    imports: Mapping[str, str]
    tracking: DataTracking = field(default_factory=DataTracking)
    #: The rules' per-cell results of the last analysis (``engine.AnalysisCache`` holds them),
    #: and this one's (``kept``): only what an analysis used is kept for the next, so that they
    #: hold one notebook's worth, however long a session runs and however its outputs change.
    memo: Mapping[Hashable, Any] = field(default_factory=dict, compare=False, repr=False)
    kept: dict[Hashable, Any] = field(default_factory=dict, compare=False, repr=False)

    def per_cell(self, key: Hashable, compute: Callable[..., T], *args: Any) -> T:
        """What ``compute(*args)`` gives, computed once for ``key``: a rule's per-cell work,
        keyed by the rule and everything of the cell it reads (its source, type, outputs) and
        nothing of its position, so that after an edit only the edited cell's work is done
        again. The result must be immutable (it is shared) and hold no cell index (the cell may
        have moved)."""
        found = self.kept.get(key, _NOTHING)
        if found is _NOTHING:
            found = self.memo.get(key, _NOTHING)
            if found is _NOTHING:
                found = compute(*args)
            self.kept[key] = found
        return found  # type: ignore[no-any-return]

    def code_cells(self) -> Iterator[CellView]:
        """Code cells with analysable code, in order."""
        for view in self.cells:
            if view.facts is not None:
                yield view

    def calls(self, scripts: bool = True) -> Iterator[tuple[CellView, Call, str]]:
        """Every call with its cell and resolved callee; ``scripts`` adds the scripts it runs."""
        for unit in self.units if scripts else self.units[:1]:
            for site in unit.sites:
                yield self.cells[site.cell], site.call, site.qualified

    @cached_property
    def executed_scripts(self) -> frozenset[int]:
        """Indices of cells whose ``%%writefile`` Python script later code runs or ships."""
        written = [
            (v.index, v.facts.script_path)
            for v in self.code_cells()
            if v.facts is not None and v.facts.script_path and v.facts.script is not None
        ]
        later = [(v.index, v.facts) for v in self.code_cells() if v.facts is not None]
        return frozenset(
            index for index, path in written if path and script_is_run(index, path, iter(later))
        )

    @cached_property
    def units(self) -> tuple[Unit, ...]:
        """The notebook's own code first, then each script it runs, each with its own names.

        They are a function of the code cells' places and facts, the imports and whether the
        notebook is made for Colab: when those are the last analysis's (a markdown cell, an
        output or a cell's metadata was edited), its units are used again, with what their
        cached properties already hold (data flow, trainings, scorings, endpoints).
        """
        code = tuple((v.index, v.facts) for v in self.code_cells())
        around = (dict(self.imports), "colab" in self.notebook.metadata)
        last = self.memo.get(_LAST_UNITS)
        if last is not None and last[1] == around and _same_code(last[0], code):
            units: tuple[Unit, ...] = last[2]
            parts = self.memo.get(_LAST_PARTS)
            if parts is not None:
                self.kept[_LAST_PARTS] = parts
        else:
            units = self._build_units()
        self.kept[_LAST_UNITS] = (code, around, units)
        return units

    def _build_units(self) -> tuple[Unit, ...]:
        cells = [
            (v.index, v.facts)
            for v in self.code_cells()
            if v.facts is not None and v.facts.script is None
        ]
        # A notebook made for Colab carries Colab's metadata; there a Gradio app is shared.
        colab = "colab" in self.notebook.metadata
        imports = dict(self.imports)
        last = self.memo.get(_LAST_PARTS)
        parts: dict[int, CellPart] = {}
        before = last[1] if last is not None and last[0] == imports else {}
        # The last notebook unit's data flow, if it was followed (not to follow it now).
        built = self.memo.get(_LAST_UNITS)
        flow = built[2][0].__dict__.get("flow") if built is not None else None
        found = [
            build_unit(
                "notebook", False, cells, imports, colab, parts=(before, parts), last_flow=flow
            )
        ]
        self.kept[_LAST_PARTS] = (imports, parts)
        for view in self.code_cells():
            facts = view.facts
            if view.index in self.executed_scripts and facts is not None and facts.script:
                script = facts.script
                found.append(
                    build_unit(
                        facts.script_path or "script", True, [(view.index, script)], script.imports
                    )
                )
        return tuple(found)

    @property
    def notebook_unit(self) -> Unit:
        """The code that runs in the notebook's kernel."""
        return self.units[0]

    def sites(self, scripts: bool = True) -> Iterator[tuple[Unit, Site]]:
        """Every call with its unit, in order: notebook cells, then the scripts they run."""
        for unit in self.units if scripts else self.units[:1]:
            for site in unit.sites:
                yield unit, site


#: Where ``NotebookContext.units`` keeps the last analysis's units, with what they were built from.
_LAST_UNITS = ("units", "last")
#: Where ``NotebookContext.units`` keeps the notebook unit's cell parts, with the imports.
_LAST_PARTS = ("units", "parts")
_NOTHING = object()


def _same_code(
    before: tuple[tuple[int, CodeFacts | None], ...], now: tuple[tuple[int, CodeFacts | None], ...]
) -> bool:
    """The same cells at the same places with the very same facts (the facts are kept by
    source, so an unchanged cell has the same object)."""
    return len(before) == len(now) and all(
        i == j and f is g for (i, f), (j, g) in zip(before, now, strict=True)
    )


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
