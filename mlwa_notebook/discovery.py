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
        if "://" in given:
            yield from _find_in_url(given, exclude)
        elif os.path.isdir(given):
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


def _find_in_url(url: str, exclude: Sequence[str]) -> Iterator[str]:
    """Notebooks under an fsspec URL (``s3://bucket/prefix``), by fsspec's own listing.

    A URL that names a file is yielded as given (even when it does not exist: the run then
    says so); under a folder, the notebooks in sorted order, hidden folders skipped as above.
    """
    import fsspec

    fs, root = fsspec.core.url_to_fs(url)
    if not fs.isdir(root):
        if not _excluded(url, exclude):
            yield url
        return
    protocol = url.split("://", 1)[0]
    for found in sorted(fs.find(root)):
        relative = found[len(root.rstrip("/")) + 1 :] if found.startswith(root) else found
        parts = relative.split("/")
        if not found.endswith(".ipynb") or any(
            p.startswith(".") or p in ("node_modules", "__pycache__") for p in parts[:-1]
        ):
            continue
        full = fs.unstrip_protocol(found) if protocol != "file" else f"file://{found}"
        if not _excluded(full, exclude):
            yield full


def is_notebook_folder(path: str) -> bool:
    """Whether a path is a folder (for messages about empty folders)."""
    return Path(path).is_dir()
