"""What the other notebooks in a notebook's folder do that bears on it (read from the disk).

A repository's notebooks often run as one project: an endpoint created in ``05-deploy.ipynb`` is
deleted in ``99-clean-up.ipynb``; a file written by ``01-prepare.ipynb`` is read by the next.
Callers with a file system ask for the ``Neighbours`` of a notebook and pass them in with its
``DataTracking``; the analysis core stays pure. Each neighbour is summarised once per content
(size and mtime), so a folder of n notebooks costs n summaries, not n squared.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from mlwa_notebook.cellcode import CodeFacts, analyse_code
from mlwa_notebook.errors import NotebookError
from mlwa_notebook.notebook import read_notebook
from mlwa_notebook.rules._flow import build_unit
from mlwa_notebook.rules._serving import deletions, endpoints
from mlwa_notebook.rules.base import Neighbours
from mlwa_notebook.rules.unversioned_data import written_files

#: A folder with more notebooks than this is a collection, not one project.
MAX_NEIGHBOURS = 100


@lru_cache(maxsize=4096)
def _summary(path: str, size: int, mtime_ns: int) -> tuple[bool, frozenset[str]]:
    """Whether the notebook deletes endpoints, and the files it writes (``size``/``mtime_ns``
    key the cache: an edited neighbour is read again)."""
    try:
        nb = read_notebook(path)
    except NotebookError:
        return False, frozenset()
    cells: list[tuple[int, CodeFacts]] = [
        (c.index, analyse_code(c.source)) for c in nb.cells if c.cell_type == "code"
    ]
    cells = [(i, f) for i, f in cells if f.error is None]
    imports: dict[str, str] = {}
    for _, facts in cells:
        imports.update(facts.imports)
    unit = build_unit(path, False, cells, imports)
    deletes = bool(deletions(unit, endpoints(unit)))
    return deletes, frozenset(w.rsplit("/", 1)[-1] for w in written_files(unit))


def neighbours(notebook_path: str | Path) -> Neighbours:
    """The neighbours of a notebook file: the other ``.ipynb`` files in its folder."""
    own = Path(notebook_path).resolve()
    try:
        others = sorted(p for p in own.parent.glob("*.ipynb") if p != own and p.is_file())
    except OSError:
        return Neighbours()
    if len(others) > MAX_NEIGHBOURS:
        return Neighbours()
    cleans_up: list[str] = []
    writes: list[tuple[str, str]] = []
    for other in others:
        try:
            stat = other.stat()
        except OSError:
            continue
        deletes, written = _summary(str(other), stat.st_size, stat.st_mtime_ns)
        if deletes:
            cleans_up.append(other.name)
        writes.extend((name, other.name) for name in sorted(written))
    return Neighbours(tuple(cleans_up), tuple(writes))
