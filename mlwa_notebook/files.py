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
