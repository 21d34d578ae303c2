"""The result cache of ``mlwa check``, kept as ruff keeps its own: ``.mlwa_cache/`` at the root.

A notebook's report is stored under what it was computed from: the notebook's bytes, the
tool, the configuration and lenses (the *settings*, one folder each), and what the analysis
read outside the notebook (its git/DVC tracking). An unchanged file is recognised by its size
and modification time without reading it; a file whose time changed but whose bytes did not
is recognised by their hash. Every input a new kind of analysis reads outside the notebook
goes into ``outside_inputs``, the one place that says what a result depends on beyond its bytes.

Nothing here imports the analysis: a run whose every result is cached never loads the rules,
the lens or the phase model. Entries are JSON (never pickle: a cache folder can come with a
cloned repository), written by rename so a reader sees a whole entry or none; an entry that
cannot be read is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, fields, is_dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from mlwa_notebook import __version__
from mlwa_notebook.config import Config

if TYPE_CHECKING:  # the records load when an entry is read back, not for a whole run's answer
    from mlwa_notebook.report import NotebookReport, PracticeState

CACHE_DIR = ".mlwa_cache"
#: Bumped when the entry layout changes: older entries are then simply not found.
LAYOUT = 3
#: A file changed this close to when its entry was written may have changed again within the
#: file system's time resolution with the same size: its bytes are compared (git's "racy" rule).
_RACY_NS = 2_000_000_000


def cache_root(config: Config) -> Path:
    """Where the cache lives: ``MLWA_CACHE_DIR``, else beside the configuration, else here."""
    env = os.environ.get("MLWA_CACHE_DIR")
    if env:
        return Path(env)
    base = config.source.parent if config.source is not None else Path.cwd()
    return base / CACHE_DIR


def _tool_stamp() -> str:
    """The version, and in a source checkout the state of the package's own files.

    An installed release changes only with its version; an editable install changes with every
    edit of a rule or of the lens data, so their sizes and times are part of the stamp too.
    """
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(__version__.encode())
    folders = [package, package.parent / "lens_data"]
    for folder in folders:
        for current, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d not in ("labextension", "__pycache__"))
            for name in sorted(files):
                if name.endswith((".py", ".json")):
                    st = os.stat(os.path.join(current, name))
                    digest.update(f"{current}/{name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return digest.hexdigest()


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "unreadable"  # the run itself reports the lens; the key only has to differ


def settings_key(config: Config) -> str:
    """Everything every notebook's result depends on, besides the notebook: one folder each."""
    data = {
        "layout": LAYOUT,
        "tool": _tool_stamp(),
        "select": sorted(config.select) if config.select is not None else None,
        "ignore": sorted(config.ignore),
        "severity": sorted(config.severity.items()),
        "lenses": [(str(p), _file_digest(Path(p))) for p in config.lenses],
        "project": config.project,
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:24]


def outside_inputs(path: str, seen: dict[str, Any] | None = None) -> str:
    """What the analysis of the notebook at ``path`` reads besides its bytes and the settings.

    The git/DVC tracking of its repository, and the notebooks beside it (a project's clean-up
    notebook, the files its neighbours write): a change in any of them is a miss. Add here
    whatever a new analysis reads from outside the notebook. ``seen`` keeps both per folder for
    one run: a folder's notebooks share them (listing the folder for each of its notebooks
    again would cost a folder of n notebooks n squared calls).
    """
    from mlwa_notebook.neighbours import folder_stamps, neighbours_stamp
    from mlwa_notebook.repo import tracking_stamp

    full = os.path.abspath(path)
    # The folder of the file itself (a link's target), where ``data_tracking`` reads both.
    real = os.path.realpath(full)
    folder = os.path.dirname(real)
    seen = {} if seen is None else seen
    known = seen.get(folder)
    if known is None:
        known = seen[folder] = (tracking_stamp(full), folder_stamps(Path(folder)))
    tracking, stamps = known
    around = neighbours_stamp(os.path.basename(real), stamps)
    return f"path={full}\0tracking={tracking}\0neighbours={around}"


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# The stored form of a report: each record as the list of its fields, in order. Far smaller
# and faster to read back than the published JSON shape; the layout number guards it.


def _encode(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return [_encode(getattr(value, f.name)) for f in fields(value)]
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def _plain(value: Any) -> Any:
    """A stored field back as the record holds it: JSON lists are the records' tuples."""
    if value.__class__ is not list:
        return value
    items = tuple(value)
    if list in map(type, items):  # most fields are flat: one pass in C says so
        return tuple([_plain(v) if v.__class__ is list else v for v in items])
    return items


@cache
def _field_names(cls: Hashable) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cast(Any, cls)))


Build = Callable[[list[Any]], Any]


def _builder(cls: Hashable, nested: dict[str, Build] | None = None) -> Build:
    """What makes a record of ``cls`` from its stored fields, in the order of its dataclass
    fields (so that a field added to a record is read back with it); ``nested`` builds the
    fields that hold records. Made once a run: a report has thousands of records."""
    make = cast(Callable[..., Any], cls)
    steps = [(nested or {}).get(name) for name in _field_names(cls)]
    count = len(steps)

    def flat(stored: list[Any]) -> Any:
        if stored.__class__ is not list or len(stored) != count:
            raise ValueError("a record of another shape")
        return make(*[_plain(v) if v.__class__ is list else v for v in stored])

    def build(stored: list[Any]) -> Any:
        if stored.__class__ is not list:
            raise ValueError("a record of another shape")
        return make(
            *[
                (_plain(v) if v.__class__ is list else v) if step is None else step(v)
                for step, v in zip(steps, stored, strict=True)
            ]
        )

    return build if any(steps) else flat


def _each(build: Build) -> Build:
    return lambda items: tuple(map(build, items))


class _Decoder:
    """Builds reports back from entries; identical checklist states are built once a run (most
    practices are open and the same in every notebook)."""

    def __init__(self) -> None:
        from mlwa_notebook.report import (
            CellReport,
            Evidence,
            Finding,
            NotebookReport,
            PillarScore,
            PracticeState,
            Suppression,
        )

        self._states: dict[Any, PracticeState] = {}
        self._new_state = _builder(PracticeState)
        suppression = _builder(Suppression)
        finding = _builder(Finding, {"suppressed": lambda v: None if v is None else suppression(v)})
        self._notebook = _builder(
            NotebookReport,
            {
                "cells": _each(_builder(CellReport)),
                "findings": _each(finding),
                "suppressed": _each(finding),
                "pillar_scores": _each(_builder(PillarScore)),
                "checklist": _each(self._state),
                "evidence": _each(_builder(Evidence)),
                "coverage": dict,
                "phase_coverage": dict,
                "finding_counts": dict,
                "checklist_counts": dict,
            },
        )

    def _state(self, stored: list[Any]) -> PracticeState:
        # Its fields as a key: flat lists as tuples (a state's fields are flat).
        key: Any = tuple([tuple(v) if v.__class__ is list else v for v in stored])
        try:
            hash(key)
        except TypeError:  # a field that holds a mapping, or lists in a list
            key = json.dumps(stored)
        found = self._states.get(key)
        if found is None:
            found = self._states[key] = self._new_state(stored)
        return found

    def report(self, stored: list[Any], path: str) -> NotebookReport:
        """The stored report, named as this run names the file (``./a.ipynb`` or ``a.ipynb``)."""
        return cast("NotebookReport", self._notebook([path, *stored[1:]]))


@dataclass(frozen=True)
class Stat:
    size: int
    mtime_ns: int


def stat_of(path: str) -> Stat | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return Stat(st.st_size, st.st_mtime_ns)


class ResultCache:
    """The entries of one settings key: one small JSON file per notebook path."""

    def __init__(self, root: Path, settings: str) -> None:
        self.root = root
        self.folder = root / settings
        self._made: _Decoder | None = None
        self.tracking_per_folder: dict[str, Any] = {}  # outside inputs per folder, this run

    def __getstate__(self) -> dict[str, Any]:
        # Handed to each worker process: the decoder (its builders are closures) is per process.
        return {**self.__dict__, "_made": None}

    def _decoder(self) -> _Decoder:
        """Made when a first entry is read: a run answered whole loads no report records."""
        if self._made is None:
            self._made = _Decoder()
        return self._made

    @classmethod
    def for_config(cls, config: Config) -> ResultCache:
        return cls(cache_root(config), settings_key(config))

    def _entry_path(self, path: str) -> Path:
        name = hashlib.sha1(os.path.abspath(path).encode(), usedforsecurity=False).hexdigest()
        return self.folder / name[:2] / f"{name[2:]}.json"

    def _read(self, path: str) -> dict[str, Any] | None:
        try:
            entry = json.loads(self._entry_path(path).read_bytes())
        except (OSError, ValueError):
            return None
        return entry if isinstance(entry, dict) else None

    def lookup(self, path: str) -> NotebookReport | None:
        """The stored report when the file is unchanged by its size and time, else None."""
        stat = stat_of(path)
        if stat is None:
            return None
        entry = self._read(path)
        try:
            if (
                entry is None
                or entry["size"] != stat.size
                or entry["mtime_ns"] != stat.mtime_ns
                or stat.mtime_ns >= entry["written_ns"] - _RACY_NS
                or entry["outside"] != outside_inputs(path, self.tracking_per_folder)
            ):
                return None
            return self._decoder().report(entry["report"], path)
        except (KeyError, TypeError, IndexError, ValueError, AttributeError):
            return None  # an entry of another shape: a miss, written over after the analysis

    def lookup_content(self, path: str, digest: str) -> NotebookReport | None:
        """The stored report when the file's bytes are those it was computed from."""
        entry = self._read(path)
        try:
            if (
                entry is None
                or entry["content"] != digest
                or entry["outside"] != outside_inputs(path, self.tracking_per_folder)
            ):
                return None
            return self._decoder().report(entry["report"], path)
        except (KeyError, TypeError, IndexError, ValueError, AttributeError):
            return None

    def store(self, path: str, stat: Stat, digest: str, report: NotebookReport) -> None:
        """Keep ``report``; a failure to write only costs the next run an analysis."""
        entry = {
            "size": stat.size,
            "mtime_ns": stat.mtime_ns,
            "written_ns": time.time_ns(),
            "content": digest,
            "outside": outside_inputs(path, self.tracking_per_folder),
            "report": _encode(report),
        }
        target = self._entry_path(path)
        try:
            self.prepare(target.parent)
            replace_into(target, json.dumps(entry, ensure_ascii=False).encode("utf-8"))
        except OSError:
            pass

    def prepare(self, folder: Path) -> None:
        if folder.is_dir():
            return
        new_root = not self.root.exists()
        folder.mkdir(parents=True, exist_ok=True)
        if new_root or not (self.root / ".gitignore").exists():
            # Never committed, never archived: the cache describes this machine's files.
            (self.root / ".gitignore").write_text("# Created by mlwa.\n*\n", encoding="utf-8")
            (self.root / "CACHEDIR.TAG").write_text(
                "Signature: 8a477f597d28d172789f06886806bc55\n"
                "# This file is a cache directory tag created by mlwa.\n",
                encoding="utf-8",
            )


def replace_into(target: Path, data: bytes) -> None:
    """Write by renaming a complete temporary file over ``target``.

    Unlike ``atomic.write_bytes_atomic`` (for the user's files) there is no fsync and no sweep
    for orphans per write: an entry lost in a crash is only a miss, and a sweep of a folder of
    thousands of entries per write would cost more than the analysis it saves.
    """
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=".entry-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def clean(folders: Iterable[Path]) -> list[Path]:
    """Remove the ``.mlwa_cache`` folders in and under ``folders``; returns those removed."""
    import shutil

    removed: list[Path] = []
    for start in folders:
        for current, dirs, _files in os.walk(start):
            if CACHE_DIR in dirs:
                target = Path(current) / CACHE_DIR
                shutil.rmtree(target, ignore_errors=True)
                removed.append(target)
            dirs[:] = [d for d in dirs if not d.startswith(".") and d != "node_modules"]
    return removed
