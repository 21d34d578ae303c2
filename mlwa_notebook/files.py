"""Reading a user's files: regular files only, whatever the name says.

A FIFO named ``x.ipynb`` blocks whoever opens it for reading until a writer comes, which is
never: ``mlwa check`` on it (or on a folder holding it) hung. The file is opened without
waiting (``O_NONBLOCK``) and read only when it is a regular file.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


def read_regular(path: str | Path) -> bytes:
    """The bytes of a regular file; ``OSError`` (with a ``strerror`` to show) for anything else."""
    nonblocking = getattr(os, "O_NONBLOCK", 0)  # POSIX; Windows has no FIFOs to wait on
    fd = os.open(path, os.O_RDONLY | nonblocking)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, "not a regular file (a FIFO, socket or device)", str(path))
        if nonblocking:
            os.set_blocking(fd, True)
        with os.fdopen(fd, "rb") as fh:
            fd = -1  # the file object owns it now
            return fh.read()
    finally:
        if fd >= 0:
            os.close(fd)


def is_url(path: str) -> bool:
    """Whether ``path`` is an fsspec URL (``s3://``, ``gs://``, ``az://``, ``memory://``...)."""
    return "://" in path


def local_path(path: str) -> str | None:
    """The file system path of ``path``: itself, a ``file://`` URL's path, or None when remote."""
    if not is_url(path):
        return path
    import fsspec
    from fsspec.implementations.local import LocalFileSystem

    fs, inner = fsspec.core.url_to_fs(path)
    return str(inner) if isinstance(fs, LocalFileSystem) else None


def read_notebook_bytes(path: str) -> bytes:
    """The bytes of a notebook named by a path or an fsspec URL.

    Local files (``file://`` too) go through ``read_regular``, so a FIFO never blocks a run;
    anything else is read by the fsspec file system of its protocol (s3fs, gcsfs, adlfs are
    optional extras: fsspec names the one to install when it is missing).
    """
    local = local_path(path)
    if local is not None:
        return read_regular(local)
    import fsspec

    fs, inner = fsspec.core.url_to_fs(path)
    if fs.isdir(inner):
        raise IsADirectoryError(errno.EISDIR, "is a folder", path)
    data: bytes = fs.cat_file(inner)
    return data
