"""Which notebooks a run covers: files as given, folders searched, checkpoints and hidden skipped."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence
from pathlib import Path


def _excluded(path: str, patterns: Sequence[str]) -> bool:
    normal = path.replace(os.sep, "/")
    return any(fnmatch.fnmatch(normal, p) or fnmatch.fnmatch(normal, f"*/{p}") for p in patterns)


def find_notebooks(paths: Sequence[str], exclude: Sequence[str] = ()) -> Iterator[str]:
    """Notebook paths, each spelled as the user gave it (or joined onto the folder they gave)."""
    for given in paths:
        if os.path.isdir(given):
            for folder, dirs, files in os.walk(given):
                dirs[:] = sorted(
                    d
                    for d in dirs
                    if not d.startswith(".") and d not in ("node_modules", "__pycache__")
                )
                for name in sorted(files):
                    if name.endswith(".ipynb"):
                        path = os.path.join(folder, name)
                        if not _excluded(path, exclude):
                            yield path
        elif not _excluded(given, exclude):
            yield given


def is_notebook_folder(path: str) -> bool:
    """Whether a path is a folder (for messages about empty folders)."""
    return Path(path).is_dir()
