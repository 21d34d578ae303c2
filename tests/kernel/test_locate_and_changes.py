"""Finding the notebook from what front ends set, and changes that replay without losing edits."""

from __future__ import annotations

import json
from pathlib import Path

from mlwa_notebook.kernel.changes import AnswerChange, IgnoreChange, PhaseChange, apply_all
from mlwa_notebook.kernel.live import LiveCells
from mlwa_notebook.kernel.locate import locate_notebook, running_cell_id, same_notebook
from mlwa_notebook.kernel.persist import dump_notebook, write_change
from tests.conftest import make_notebook, write_notebook


def test_each_front_end_hint_is_read_and_vs_code_wins(tmp_path: Path) -> None:
    lab = write_notebook(tmp_path / "lab.ipynb", make_notebook("1"))
    code = write_notebook(tmp_path / "code.ipynb", make_notebook("1"))
    mill = write_notebook(tmp_path / "mill.ipynb", make_notebook("1"))
    env = {"JPY_SESSION_NAME": str(lab)}
    assert locate_notebook({}, env, tmp_path).path == lab  # type: ignore[union-attr]
    found = locate_notebook({"__vsc_ipynb_file__": str(code)}, env, tmp_path)
    assert found is not None and found.path == code and "VS Code" in found.how
    found = locate_notebook({"PAPERMILL_INPUT_PATH": "mill.ipynb"}, {}, tmp_path)
    assert found is not None and found.path == mill and "papermill" in found.how


def test_a_relative_or_stale_session_name_falls_back_to_the_file_name(tmp_path: Path) -> None:
    nb = write_notebook(tmp_path / "nb.ipynb", make_notebook("1"))
    found = locate_notebook({"__session__": "some/api/path/nb.ipynb"}, {}, tmp_path)
    assert found is not None and found.path == nb
    assert locate_notebook({"__session__": "Console 1"}, {}, tmp_path) is None
    assert locate_notebook({"__session__": "gone.ipynb"}, {}, tmp_path) is None


def test_api_paths_match_the_file_by_their_tail(tmp_path: Path) -> None:
    path = tmp_path / "work" / "nb.ipynb"
    assert same_notebook("work/nb.ipynb", path)
    assert same_notebook("nb.ipynb", path)
    assert not same_notebook("other/nb.ipynb", path)
    assert not same_notebook("", path)


def test_running_cell_id_comes_from_the_execute_request() -> None:
    class Shell:
        def __init__(self) -> None:
            self.parent_header = {"metadata": {"cellId": "abc"}, "content": {"code": "1"}}

    assert running_cell_id(Shell()) == "abc"
    assert running_cell_id(object()) is None


def test_an_answer_replays_to_the_same_notebook_and_yields_to_a_newer_one() -> None:
    nb = make_notebook("1")
    change = AnswerChange("MLOPS01-BP01", "done", note="owner: team A")
    once = change.apply(nb)
    assert change.apply(once) == once
    assert change.shown_in(once) and not change.shown_in(nb)
    newer = AnswerChange(
        "MLOPS01-BP01", "na", reason="later", updated="2999-01-01T00:00:00.000000Z"
    )
    assert (
        change.apply(newer.apply(nb))["metadata"]["mlwa"]["checklist"]["MLOPS01-BP01"]["state"]
        == "na"
    )
    assert nb["metadata"].get("mlwa") is None  # the caller's notebook is not mutated


def test_phase_and_ignore_changes_say_whether_a_notebook_shows_them() -> None:
    nb = make_notebook("1", "2")
    cell_id = nb["cells"][1]["id"]
    phase, ignore = PhaseChange(cell_id, "model-training"), IgnoreChange("MLW004", "ok", cell_id)
    changed = apply_all(nb, [phase, ignore, PhaseChange("gone", "setup")])
    assert phase.shown_in(changed) and ignore.shown_in(changed)
    assert changed["cells"][1]["metadata"]["mlwa"] == {
        "version": 1,
        "phase": "model-training",
        "ignore": {"MLW004": "ok"},
    }
    assert ignore.patch() == ({}, {cell_id: {"ignore": {"MLW004": "ok"}}})


def test_the_file_writer_keeps_everything_else_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    path.write_bytes(dump_notebook(make_notebook("print(1)", ("md", "# Title"))))
    before = path.read_bytes()
    write_change(path, AnswerChange("MLOPS01-BP01", "done", updated="2026-01-01T00:00:00.000000Z"))
    after = json.loads(path.read_bytes())
    assert after["metadata"].pop("mlwa")["checklist"]["MLOPS01-BP01"]["state"] == "done"
    assert dump_notebook(after) == before


def test_live_cells_ignore_messages_of_the_wrong_shape() -> None:
    live = LiveCells()
    assert not live.receive({"cells": []})
    assert "path" in (live.last_error or "")
    assert not live.receive({"path": "a.ipynb", "cells": [], "version": 99})
    assert live.receive({"path": "a.ipynb", "cells": [], "metadata": {}})
    assert live.snapshot is not None and live.snapshot.path == "a.ipynb"
    assert not live.connected and not live.send(AnswerChange("MLOPS01-BP01", "done"))
