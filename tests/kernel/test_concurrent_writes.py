"""Answers written into a notebook file by several processes, beside an editor saving it.

``persist.write_change`` is what ``%mlwa answer`` (and phase, ignore) does when no front end
listens. Each test runs real processes on one real file and counts what was kept.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import time
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

import pytest
from jupyter_server.services.contents.fileio import atomic_writing

from mlwa_notebook.atomic import exchange, write_bytes_atomic
from mlwa_notebook.errors import NotebookError
from mlwa_notebook.kernel.changes import AnswerChange
from mlwa_notebook.kernel.persist import dump_notebook, write_change
from tests.conftest import make_notebook

CTX = multiprocessing.get_context("fork")
#: Only a hang exceeds this.
HANG_S = 180


def _notebook(path: Path, saves: int = 0) -> bytes:
    nb = make_notebook("import pandas as pd", ("md", "## Train"), "model.fit(X, y)")
    nb["metadata"]["editor"] = {"saves": saves}
    return dump_notebook(nb)


def _writer(path: str, writer: int, answers: int, done: Queue[Any]) -> None:
    """Write ``answers`` answers; report how many ``write_change`` said it wrote, and errors."""
    written, errors = 0, []
    for n in range(answers):
        try:
            write_change(Path(path), AnswerChange(f"W{writer}-BP{n:03d}", "done", f"note {n}"))
            written += 1
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
    done.put((written, errors))


def _editor(path: str, saves: int, style: str, done: Queue[Any]) -> None:
    """Save the notebook ``saves`` times, as an editor would; count saves later found undone.

    The editor writes its whole buffer (it does not know about the answers), like JupyterLab
    saving a notebook it has open: ``saves`` counts its saves. After each one, the file must
    show that save or a later one; a write that merged into an older save would have undone it.
    """
    lost = 0
    for k in range(1, saves + 1):
        data = _notebook(Path(path), k)
        if style == "in place":  # Jupyter's own save: the file is truncated and rewritten
            with atomic_writing(path, text=False) as fh:
                fh.write(data)
        else:  # VS Code and most editors: a temporary file renamed over it
            write_bytes_atomic(Path(path), data)
        time.sleep(0.003)
        shown = json.loads(Path(path).read_bytes())["metadata"]["editor"]["saves"]
        lost += shown < k
    done.put(lost)


def _run(targets: list[tuple[Any, tuple[Any, ...]]]) -> list[Any]:
    """Run each target in its own process; the values each put on its queue, in order."""
    queues = [CTX.Queue() for _ in targets]
    procs = [
        CTX.Process(target=func, args=(*args, queue))
        for (func, args), queue in zip(targets, queues, strict=True)
    ]
    for proc in procs:
        proc.start()
    results = [queue.get(timeout=HANG_S) for queue in queues]
    for proc in procs:
        proc.join(timeout=HANG_S)
    return results


def checklist(path: Path) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(path.read_bytes())["metadata"]["mlwa"]["checklist"]
    return found


@pytest.mark.parametrize("writers", [2, 5])
def test_concurrent_writers_lose_no_answer(tmp_path: Path, writers: int) -> None:
    # Given a notebook on disk
    path = tmp_path / "nb.ipynb"
    path.write_bytes(_notebook(path))
    # When several processes each write 21 answers at once
    results = _run([(_writer, (str(path), w, 21)) for w in range(writers)])
    # Then every write said it was written, and every answer is in the file
    assert [errors for _, errors in results] == [[]] * writers
    assert sum(written for written, _ in results) == 21 * writers
    stored = checklist(path)
    assert len(stored) == 21 * writers
    assert all(
        stored[f"W{w}-BP{n:03d}"]["note"] == f"note {n}" for w in range(writers) for n in range(21)
    )


@pytest.mark.parametrize("style", ["in place", "by rename"])
def test_writes_beside_an_editor_saving_every_few_ms_lose_no_save(
    tmp_path: Path, style: str
) -> None:
    # Given a notebook an editor saves every few milliseconds
    path = tmp_path / "nb.ipynb"
    path.write_bytes(_notebook(path))
    if style == "by rename":
        (tmp_path / "a").touch()
        if not exchange(tmp_path / "a", path):
            pytest.skip("no atomic swap here: a save renamed in the same instant can be lost")
        exchange(tmp_path / "a", path)
    # When two processes write 50 answers each meanwhile
    lost, *results = _run(
        [(_editor, (str(path), 400, style)), *((_writer, (str(path), w, 50)) for w in range(2))]
    )
    # Then no write failed (a half-saved file is read again), and no save of the editor was undone
    assert [errors for _, errors in results] == [[], []]
    assert lost == 0
    assert json.loads(path.read_bytes())["metadata"]["editor"]["saves"] == 400


def _big_writer(path: str) -> None:
    write_bytes_atomic(Path(path), b" " * 400_000_000)


def test_a_writer_killed_mid_write_leaves_no_temporary_file_behind(tmp_path: Path) -> None:
    # Given a writer killed (SIGKILL) while its temporary file is half written
    path = tmp_path / "nb.ipynb"
    path.write_bytes(_notebook(path))
    proc = CTX.Process(target=_big_writer, args=(str(path),))
    proc.start()
    deadline = time.monotonic() + HANG_S
    while not list(tmp_path.glob(".nb.ipynb.*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.001)
    assert proc.pid is not None
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()
    # and a leftover of the earlier naming, an hour old
    old = tmp_path / ".nb.ipynb.k2j4h1.tmp"
    old.write_bytes(b"{")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    assert len(list(tmp_path.glob(".nb.ipynb.*.tmp"))) == 2
    # When the next answer is written
    write_change(path, AnswerChange("MLOPS03-BP02", "done", "after the crash"))
    # Then the leftovers are gone and the notebook is whole, with the answer
    assert list(tmp_path.glob(".nb.ipynb.*.tmp")) == []
    assert checklist(path)["MLOPS03-BP02"]["note"] == "after the crash"


def test_a_broken_notebook_is_reported_not_waited_on_as_a_save_in_progress(
    tmp_path: Path,
) -> None:
    # Given a notebook file that is not JSON, and stays so
    path = tmp_path / "nb.ipynb"
    path.write_text('{"cells": [', encoding="utf-8")
    # When an answer is written, Then the error says what is wrong with the file
    with pytest.raises(NotebookError, match="invalid JSON"):
        write_change(path, AnswerChange("MLOPS03-BP02", "done"))
    # And the file is left as it was
    assert path.read_text(encoding="utf-8") == '{"cells": ['
