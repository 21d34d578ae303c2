"""The answer of a whole ``mlwa check`` run, kept in the result cache beside the notebooks' entries.

Reading every notebook's entry back and rendering the reports again costs more than reading the
notebooks themselves (a report holds each cell's phase, evidence and checklist). A run over a
tree where nothing changed is answered instead from one small file: the text the last run with
the same options over the same notebooks printed, and its exit code. It holds when every input
it was computed from is unchanged, by the rules an entry is checked by: each notebook's size
and modification time (not its bytes: a touched file is a miss here and a hit in its entry),
git's racy rule, and ``outside_inputs`` (git/DVC tracking, the notebooks beside it).

Only a run whose every notebook was reported (no error) leaves an answer, so errors are always
found again. Nothing here imports the analysis or the report's records: a hit loads the
configuration, the discovery of the notebooks and this module.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Sequence
from pathlib import Path

from mlwa_notebook.resultcache import _RACY_NS, ResultCache, outside_inputs, replace_into

#: Answers kept per settings folder: a pre-commit hook asks about a new list of files each
#: time, and each list is an answer of its own. The oldest go first.
KEPT = 16


class RunAnswer:
    """The stored answer, if any, of one run: these options over these notebook paths."""

    def __init__(self, results: ResultCache, options: Sequence[object], paths: Sequence[str]):
        asked = json.dumps([os.getcwd(), list(options), list(paths)], ensure_ascii=False)
        name = hashlib.sha1(asked.encode(), usedforsecurity=False).hexdigest()
        self.folder = results.folder / "runs"
        self.file = self.folder / f"{name}.json"
        self._results = results
        self._paths = paths
        self._inputs: tuple[str, int] | None = None
        self._started_ns = 0

    def _read_inputs(self) -> tuple[str, int] | None:
        """A digest of every input of the run and the newest notebook time; None when a
        notebook cannot be stat-ed (gone, or a remote URL: those are never cached)."""
        if self._inputs is None:
            self._started_ns = time.time_ns()
            digest = hashlib.sha256()
            newest = 0
            folders = self._results.tracking_per_folder
            for path in self._paths:
                try:
                    st = os.stat(path)
                except (OSError, ValueError):
                    return None
                newest = max(newest, st.st_mtime_ns)
                digest.update(f"{st.st_size}:{st.st_mtime_ns}\0".encode())
                digest.update(outside_inputs(path, folders).encode("utf-8", "surrogatepass"))
                digest.update(b"\0\0")
            self._inputs = (digest.hexdigest(), newest)
        return self._inputs

    def lookup(self) -> tuple[str, int] | None:
        """The text and exit code of the same run, when nothing it read has changed since.

        The inputs are read first, miss or hit: a run that follows stores them as they were
        before it read the notebooks."""
        inputs = self._read_inputs()
        try:
            entry = json.loads(self.file.read_bytes())
        except (OSError, ValueError):
            return None
        try:
            if (
                inputs is None
                or entry["inputs"] != inputs[0]
                or inputs[1] >= entry["written_ns"] - _RACY_NS
                or not isinstance(entry["text"], str)
                or not isinstance(entry["code"], int)
            ):
                return None
            return entry["text"], entry["code"]
        except (KeyError, TypeError):
            return None  # an answer of another shape: a miss, written over after the run

    def store(self, text: str, code: int) -> None:
        """Keep the run's answer, under the inputs as they were before it read them (a file
        changed during the run is then a miss next time); a failure to write costs nothing."""
        inputs = self._read_inputs()
        if inputs is None:
            return
        entry = {"inputs": inputs[0], "written_ns": self._started_ns, "text": text, "code": code}
        try:
            self._results.prepare(self.folder)
            replace_into(self.file, json.dumps(entry, ensure_ascii=False).encode("utf-8"))
            self._forget_old()
        except OSError:
            pass

    def _forget_old(self) -> None:
        answers = sorted(self.folder.glob("*.json"), key=_mtime, reverse=True)
        for old in answers[KEPT:]:
            old.unlink(missing_ok=True)


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0
