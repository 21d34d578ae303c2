"""What git and DVC know about the files beside a notebook (the one place that runs git), and
what the notebooks beside it do (``neighbours``).

The analysis core is pure; callers that have a file system (the CLI, the server, the magics)
ask this module for a ``DataTracking`` and pass it in.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the rules are not imported by a run whose every result is cached
    from mlwa_notebook.neighbours import FactsOf
    from mlwa_notebook.rules.base import DataTracking

_DVC_OUT = re.compile(r"^\s*-?\s*path:\s*(\S+)\s*$", re.M)


def _index_stamp(root: str) -> int:
    """When git's index last changed: staging or committing a file (or its .dvc) changes it."""
    try:
        return (Path(root) / ".git" / "index").stat().st_mtime_ns
    except OSError:
        return 0


@lru_cache(maxsize=64)
def _repo_files(root: str, stamp: int = 0) -> tuple[frozenset[str], frozenset[str]]:
    # ``stamp`` is only a cache key: a long-running server or kernel sees `git add` / `dvc add`.
    import subprocess  # here: a run answered from the result cache never runs git

    try:
        listed = subprocess.run(
            ["git", "-C", root, "ls-files", "-z"],
            capture_output=True,
            timeout=20,
            check=True,
        ).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.SubprocessError):
        return frozenset(), frozenset()
    tracked = frozenset(p for p in listed.split("\0") if p)
    dvc: set[str] = set()
    for path in tracked:
        name = os.path.basename(path)
        folder = os.path.dirname(path)
        if name.endswith(".dvc") or name == "dvc.lock" or name == "dvc.yaml":
            try:
                text = (Path(root) / path).read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            for out in _DVC_OUT.findall(text):
                dvc.add(os.path.normpath(os.path.join(folder, out)))
            if name.endswith(".dvc"):
                dvc.add(os.path.normpath(os.path.join(folder, name[: -len(".dvc")])))
    return tracked, frozenset(dvc)


@lru_cache(maxsize=256)
def _git_root(folder: str) -> str:
    current = Path(folder)
    for candidate in (current, *current.parents):
        if (candidate / ".git").exists():
            return str(candidate)
    return ""


def tracking_stamp(notebook_path: str | Path) -> str:
    """What ``data_tracking`` would read, as a short stamp, without running git.

    The repository root, the notebook's folder in it and the state of git's index: the same key
    under which ``_repo_files`` keeps what git listed, so a cached result is reused exactly
    when the tracking it was computed with still holds.
    """
    folder = Path(notebook_path).resolve().parent
    root = _git_root(str(folder))
    if not root:
        return ""
    return f"{root}\0{os.path.relpath(folder, root)}\0{_index_stamp(root)}"


def data_tracking(notebook_path: str | Path, facts_of: FactsOf | None = None) -> DataTracking:
    """Git and DVC tracking for the repository that holds ``notebook_path`` (empty outside one),
    and what the notebooks beside it do (their code read with ``facts_of``, when given)."""
    from mlwa_notebook.neighbours import neighbours
    from mlwa_notebook.rules.base import DataTracking

    folder = Path(notebook_path).resolve().parent
    around = neighbours(notebook_path, facts_of)
    root = _git_root(str(folder))
    if not root:
        return DataTracking(neighbours=around)
    tracked, dvc = _repo_files(root, _index_stamp(root))
    rel = os.path.relpath(folder, root)
    return DataTracking(
        root=root,
        notebook_dir="" if rel == "." else rel,
        tracked=tracked,
        dvc=dvc,
        neighbours=around,
    )
