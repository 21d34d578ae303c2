"""Atomic writes: a temporary file beside the target, renamed over it once complete.

A temporary file is named ``.NAME.mlwa-PID-XXXX.tmp``. A writer killed mid-write (SIGKILL, a
crash) cannot remove its own, so every write first removes those of writers that are gone: a
dead process id, or an old file of the earlier ``.NAME.XXXX.tmp`` naming.
"""

from __future__ import annotations

import ctypes
import errno
import glob
import os
import re
import sys
import tempfile
import time
from functools import cache
from pathlib import Path
from typing import Any

#: The process id in the name of a temporary file.
_PID = re.compile(r"\.mlwa-(\d+)-[^/]*\.tmp$")
#: A temporary file without a process id is a leftover once it is this old (no write takes it).
_STALE_S = 600


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def remove_orphans(path: Path) -> list[Path]:
    """Remove temporary files of ``path`` left by writers that died; returns those removed."""
    removed: list[Path] = []
    folder = path.parent
    for name in glob.glob(glob.escape(f".{path.name}.") + "*.tmp", root_dir=folder):
        candidate = folder / name
        found = _PID.search(name)
        try:
            if found is not None:
                orphan = int(found.group(1)) != os.getpid() and not _alive(int(found.group(1)))
            else:
                orphan = time.time() - candidate.stat().st_mtime > _STALE_S
            if orphan:
                candidate.unlink()
                removed.append(candidate)
        except OSError:  # gone meanwhile, or not ours to remove
            continue
    return removed


def new_file_mode() -> int:
    """The mode a new file gets from this process's umask (``0o666 & ~umask``).

    Read from ``/proc`` where there is one: setting the umask to read it would race with other
    threads creating files.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_temp_beside(path: Path, data: bytes) -> Path:
    """``data`` in a new temporary file beside ``path``, flushed to disk, with the mode ``path``
    has (or a new file would get): ready to be renamed over it."""
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.name}.mlwa-{os.getpid()}-", suffix=".tmp", dir=path.parent or "."
    )
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = new_file_mode()
        os.chmod(tmp, mode)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


@cache
def _renameat2() -> object | None:
    if not sys.platform.startswith("linux"):
        return None
    return getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)


def exchange(a: Path, b: Path) -> bool:
    """Swap the files named ``a`` and ``b`` in one step (Linux ``renameat2(RENAME_EXCHANGE)``).

    After it ``b`` names the new file and ``a`` the one it displaced, whatever that was at that
    instant: a compare-and-swap can then look at what it replaced, which ``os.replace`` throws
    away. False where the system or the file system cannot (nothing was changed then).
    """
    call: Any = _renameat2()
    if call is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if call(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the new one, never half."""
    path = Path(path)
    remove_orphans(path)
    tmp = write_temp_beside(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """``write_bytes_atomic`` for UTF-8 text."""
    write_bytes_atomic(path, text.encode("utf-8"))
