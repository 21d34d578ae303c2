"""What the other notebooks in a notebook's folder do that bears on it (read from the disk).

A repository's notebooks often run as one project: an endpoint created in ``05-deploy.ipynb`` is
deleted in ``99-clean-up.ipynb``; a file written by ``01-prepare.ipynb`` is read by the next.
Callers with a file system ask for the ``Neighbours`` of a notebook and pass them in with its
``DataTracking``; the analysis core stays pure. Each neighbour is summarised once per content
(size and mtime), so a folder of n notebooks costs n summaries, not n squared.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the rules load only when a neighbour is summarised (not on a cached run)
    from mlwa_notebook.cellcode import CodeFacts
    from mlwa_notebook.rules.base import Neighbours

#: How a cell's code facts are had: ``analyse_code``, or a cache of it (``AnalysisCache``), so
#: that a neighbour analysed in the same process is not parsed twice.
FactsOf = Callable[[str], "CodeFacts"]

#: A folder with more notebooks than this is a collection, not one project.
MAX_NEIGHBOURS = 100


@lru_cache(maxsize=4096)
def _summary(
    path: str, size: int, mtime_ns: int, facts_of: FactsOf | None = None
) -> tuple[bool, frozenset[str]]:
    """Whether the notebook deletes endpoints, and the files it writes (``size``/``mtime_ns``
    key the cache: an edited neighbour is read again)."""
    from mlwa_notebook.cellcode import analyse_code
    from mlwa_notebook.errors import NotebookError
    from mlwa_notebook.notebook import read_notebook
    from mlwa_notebook.rules._flow import build_unit
    from mlwa_notebook.rules._serving import deletions, endpoints
    from mlwa_notebook.rules.unversioned_data import written_files

    try:
        nb = read_notebook(path)
    except NotebookError:
        return False, frozenset()
    read = facts_of or analyse_code
    cells: list[tuple[int, CodeFacts]] = [
        (c.index, read(c.source)) for c in nb.cells if c.cell_type == "code"
    ]
    cells = [(i, f) for i, f in cells if f.error is None]
    imports: dict[str, str] = {}
    for _, facts in cells:
        imports.update(facts.imports)
    unit = build_unit(path, False, cells, imports)
    deletes = bool(deletions(unit, endpoints(unit)))
    return deletes, frozenset(w.rsplit("/", 1)[-1] for w in written_files(unit))


def _others(notebook_path: str | Path) -> list[Path]:
    """The other ``.ipynb`` files in the notebook's folder (none beyond ``MAX_NEIGHBOURS``)."""
    own = Path(notebook_path).resolve()
    return [p for p in folder_notebooks(own.parent) if p != own]


def folder_notebooks(folder: Path) -> list[Path]:
    """The ``.ipynb`` files of a folder, or none when it holds more than a project would.

    One listing of the folder, whose entries say what they are (no stat but for links), and
    given up as soon as there are too many: each notebook of a folder of n asks, and a stat of
    each of the n for each of them cost a flat folder of corpus notebooks n squared calls.
    """
    found: list[Path] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".ipynb") and _is_file(entry):
                    found.append(Path(entry.path))
                    if len(found) > MAX_NEIGHBOURS + 1:
                        return []
    except OSError:
        return []
    return sorted(found)


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:  # a link in a loop: ``Path.is_file`` says which errors mean "not a file"
        return Path(entry.path).is_file()


def folder_stamps(folder: Path) -> dict[str, str]:
    """Each notebook of a folder with its size and time: what ``neighbours`` would read."""
    stamps: dict[str, str] = {}
    for path in folder_notebooks(folder):
        try:
            stat = path.stat()
        except OSError:
            continue
        stamps[path.name] = f"{stat.st_size}:{stat.st_mtime_ns}"
    return stamps  # in name order, as ``folder_notebooks`` lists them


def neighbours_stamp(name: str, stamps: dict[str, str]) -> str:
    """A stamp of the notebooks beside the one called ``name`` (their names, sizes, times), for
    result caches; ``stamps`` is its folder's ``folder_stamps``, in name order."""
    return "|".join(f"{other}:{s}" for other, s in stamps.items() if other != name)


def neighbours(notebook_path: str | Path, facts_of: FactsOf | None = None) -> Neighbours:
    """The neighbours of a notebook file: the other ``.ipynb`` files in its folder."""
    from mlwa_notebook.rules.base import Neighbours

    others = _others(notebook_path)
    cleans_up: list[str] = []
    writes: list[tuple[str, str]] = []
    for other in others:
        try:
            stat = other.stat()
        except OSError:
            continue
        deletes, written = _summary(str(other), stat.st_size, stat.st_mtime_ns, facts_of)
        if deletes:
            cleans_up.append(other.name)
        writes.extend((name, other.name) for name in sorted(written))
    return Neighbours(tuple(cleans_up), tuple(writes))
