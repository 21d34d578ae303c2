"""The ``mlwa.live_cells`` comm, driven as the JupyterLab extension drives it (``protocol.py``)."""

from __future__ import annotations

import time
from typing import Any

from mlwa_notebook.kernel.protocol import PROTOCOL_VERSION
from tests.kernel.harness import KernelNotebook, data_of, text_of

UNSEEDED = "from sklearn.model_selection import train_test_split\nA, B = train_test_split(list(range(10)))\n"


def wait_for(check: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def test_status_analyses_the_live_cells_not_the_saved_file(fresh: KernelNotebook) -> None:
    fresh.save()  # the file on disk has no cells
    fresh.cell(UNSEEDED)  # an unsaved edit
    status = fresh.cell("%mlwa status")
    fresh.open_live_comm(fresh.live_payload())
    text = text_of(fresh.run(status))
    assert "analysed: the live cells of work.ipynb (unsaved edits included" in text
    assert "MLW004" in text
    assert "older than what ran" not in text


def test_the_after_cell_note_uses_the_live_cells(fresh: KernelNotebook) -> None:
    fresh.save()
    bad = fresh.cell(UNSEEDED.replace("A, B", "C, D"))
    comm_id, _ = fresh.open_live_comm(fresh.live_payload())
    notes = [h for h in data_of(fresh.run(bad), "text/html") if "mlwa-note" in h]
    assert len(notes) == 1 and "MLW004" in notes[0]
    fresh.send_comm(comm_id, fresh.live_payload())  # before the next execution
    assert [h for h in data_of(fresh.run(bad), "text/html") if "mlwa-note" in h] == []


def test_an_answer_goes_to_the_front_end_not_to_the_file(fresh: KernelNotebook) -> None:
    fresh.save()
    before = fresh.path.read_bytes()
    answer = fresh.cell("%mlwa answer MLOPS03-BP02 na data is synthetic")
    _, front_end = fresh.open_live_comm(fresh.live_payload())
    text = text_of(fresh.run(answer))
    assert "sent to the open notebook in JupyterLab" in text
    assert fresh.path.read_bytes() == before
    wait_for(lambda: front_end.messages)
    message = front_end.messages[-1]
    entry = message["notebook"]["checklist"]["MLOPS03-BP02"]
    assert message["action"] == "set_metadata" and message["version"] == PROTOCOL_VERSION
    assert message["path"] == "work.ipynb" and message["cells"] == {}
    assert entry["state"] == "na" and entry["reason"] == "data is synthetic"
    assert entry["updated"].endswith("Z")


def test_phase_and_ignore_patches_name_the_cell(fresh: KernelNotebook) -> None:
    phase = fresh.cell("%mlwa phase model-training")
    ignore = fresh.cell("%mlwa ignore MLW004 seeded upstream")
    comm_id, front_end = fresh.open_live_comm(fresh.live_payload())
    fresh.run(phase)
    fresh.send_comm(comm_id, fresh.live_payload())
    fresh.run(ignore)
    wait_for(lambda: len(front_end.messages) >= 2)
    assert front_end.messages[0]["cells"] == {phase.id: {"phase": "model-training"}}
    assert front_end.messages[1]["cells"] == {ignore.id: {"ignore": {"MLW004": "seeded upstream"}}}
    assert front_end.messages[1]["notebook"] == {}


def test_a_snapshot_taken_before_the_change_does_not_hide_it(fresh: KernelNotebook) -> None:
    answer = fresh.cell("%mlwa answer MLREL03-BP03 done")
    check = fresh.cell("%mlwa checklist all")
    stale = fresh.live_payload()  # "Run All" sends every snapshot before anything runs
    comm_id, _ = fresh.open_live_comm(stale)
    fresh.run(answer)
    fresh.send_comm(comm_id, stale)
    line = next(x for x in text_of(fresh.run(check)).splitlines() if "MLREL03-BP03" in x)
    assert "met (answered done" in line


def test_without_an_open_comm_answers_go_to_the_file(fresh: KernelNotebook) -> None:
    comm_id, _ = fresh.open_live_comm(fresh.live_payload())
    fresh.close_comm(comm_id)
    text = text_of(fresh.run_code("%mlwa answer MLOPS03-BP01 done"))
    assert "written to" in text
    assert fresh.on_disk()["metadata"]["mlwa"]["checklist"]["MLOPS03-BP01"]["state"] == "done"


def test_a_malformed_message_is_ignored_and_the_last_snapshot_kept(fresh: KernelNotebook) -> None:
    fresh.cell(UNSEEDED.replace("A, B", "E, F"))
    status = fresh.cell("%mlwa findings")
    comm_id, _ = fresh.open_live_comm(fresh.live_payload())
    fresh.send_comm(comm_id, {"path": "work.ipynb", "cells": "not a list"})
    text = text_of(fresh.run(status))
    assert "analysed: the live cells" in text and "MLW004" in text


def test_a_message_is_judged_as_the_schema_judges_it() -> None:
    """The cells are checked apart from the schema's validator (it cost more than the analysis):
    every message is accepted or refused as the whole schema would, with its words."""
    from mlwa_notebook.kernel.live import LiveCells
    from mlwa_notebook.schema import problems

    cell = {"id": "a", "cell_type": "code", "source": "x = 1", "metadata": {}}
    base = {"action": "live_cells", "version": PROTOCOL_VERSION, "path": "work.ipynb"}
    for data in (
        {**base, "cells": [cell, cell]},
        {**base, "cells": []},
        {**base, "cells": [cell, "not a cell"]},
        {**base, "cells": [cell], "extra": 1},
        {**base, "cells": [cell], "path": 3},
        {**base, "cells": [cell], "metadata": []},
        {"cells": [cell]},
    ):
        live = LiveCells()
        accepted = live.receive(data)
        found = problems("protocol", data, "LiveCellsMessage")
        assert accepted == (not found), data
        if found:
            assert live.last_error == f"ignored a live-cells message: {'; '.join(found[:3])}"
