"""The shapes that cross a boundary follow their schemas: notebook metadata and the comm.

``schema/metadata.schema.json`` is what sits under ``mlwa`` in a notebook; the readers of
``metadata.py`` must read what it allows and skip what it forbids, and the writers must write
only what it allows. ``schema/protocol.schema.json`` is the kernel comm; the kernel's messages
must follow it and its TypedDicts must say the same keys.
"""

from __future__ import annotations

import re
from typing import Any, NotRequired, get_origin, get_type_hints

import pytest

from mlwa_notebook import metadata_change
from mlwa_notebook.kernel import protocol
from mlwa_notebook.kernel.changes import AnswerChange, IgnoreChange, PhaseChange
from mlwa_notebook.kernel.live import LiveCells
from mlwa_notebook.metadata import (
    METADATA_VERSION,
    Answer,
    checklist_answers,
    notebook_ignores,
    set_answer,
    set_cell_phase,
    set_ignore,
)
from mlwa_notebook.schema import problems, schema
from tests.conftest import make_notebook

ENTRIES: list[Any] = [
    {"state": "done", "updated": "2026-01-01T00:00:00.000000Z"},
    {"state": "na", "reason": "no PII", "updated": "2026-01-01T00:00:00.000000Z", "by": "Ada"},
    "open",
    {"state": "maybe", "updated": "2026-01-01T00:00:00.000000Z"},
    {"state": 3},
    "yes",
    7,
    None,
]


@pytest.mark.parametrize("entry", ENTRIES, ids=repr)
def test_the_reader_keeps_an_answer_exactly_when_its_state_is_in_the_schema(entry: Any) -> None:
    block = {"checklist": {"MLOPS01-BP01": entry}}
    valid = not problems("metadata", block)
    read = checklist_answers({"mlwa": block})
    if valid:
        stored = entry if isinstance(entry, dict) else {"state": entry}
        assert read["MLOPS01-BP01"] == Answer(**stored)
    else:
        assert read == {}


def test_what_the_writers_write_follows_the_metadata_schema() -> None:
    nb = make_notebook("print(1)")
    cell_id = nb["cells"][0]["id"]
    nb = set_answer(nb, "MLOPS01-BP01", Answer("na", note="n", reason="r", by="Ada"))
    nb = set_ignore(nb, "MLW005", "pinned by the image")
    nb = set_ignore(nb, "MLW004", "seeded", cell_id=cell_id)
    nb = set_cell_phase(nb, cell_id, "model-training")
    block = nb["metadata"]["mlwa"]
    assert block["version"] == METADATA_VERSION
    assert problems("metadata", block) == []
    assert problems("metadata", nb["cells"][0]["metadata"]["mlwa"], "MlwaCellBlock") == []
    assert notebook_ignores(nb["metadata"]) == {"MLW005": "pinned by the image"}


def test_a_writer_refuses_an_answer_the_schema_does_not_allow() -> None:
    nb = make_notebook("print(1)")
    with pytest.raises(ValueError, match=r"MLOPS01-BP01.*state"):
        set_answer(nb, "MLOPS01-BP01", Answer("maybe"))
    assert "mlwa" not in nb["metadata"]


class _Comm:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send(self, data: dict[str, Any]) -> None:
        self.sent.append(data)


def test_the_kernels_messages_follow_the_protocol_schema() -> None:
    live = LiveCells()
    comm = _Comm()
    assert live.receive({"path": "a.ipynb", "cells": [{"id": "c1"}], "metadata": {}}, comm)
    assert live.send(AnswerChange("MLOPS01-BP01", "done", note="seen"))
    assert live.send(PhaseChange("c1", None))
    assert live.send(IgnoreChange("MLW004", "seeded", "c1"))
    assert len(comm.sent) == 3
    for message in comm.sent:
        assert problems("protocol", message) == [], message
        assert problems("protocol", message, "SetMetadataMessage") == []
    ready = protocol.ReadyMessage(action=protocol.ACTION_READY, version=protocol.PROTOCOL_VERSION)
    assert problems("protocol", ready, "ReadyMessage") == []


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"cells": []}, "'path' is a required property"),
        ({"path": 3, "cells": []}, "$.path"),
        ({"path": "a", "cells": [1]}, "$.cells[0]"),
        ({"path": "a", "cells": [], "action": "other"}, "$.action"),
    ],
)
def test_a_live_cells_message_out_of_schema_is_ignored_with_the_reason(
    data: dict[str, Any], words: str
) -> None:
    live = LiveCells()
    assert not live.receive(data)
    assert words in (live.last_error or "")
    assert live.snapshot is None


@pytest.mark.parametrize(
    ("typed", "definition", "schema_name"),
    [
        (protocol.LiveCellsMessage, "LiveCellsMessage", "protocol"),
        (protocol.ReadyMessage, "ReadyMessage", "protocol"),
        (protocol.SetMetadataMessage, "SetMetadataMessage", "protocol"),
        (protocol.NotebookPatch, "NotebookPatch", "protocol"),
        (protocol.CellPatch, "CellPatch", "protocol"),
        (protocol.ChecklistEntry, "ChecklistEntry", "metadata"),
        (metadata_change.MetadataRequest, "MetadataRequest", "protocol"),
        (metadata_change.MetadataAnswer, "MetadataAnswer", "protocol"),
        (metadata_change.CellState, "CellState", "protocol"),
        (metadata_change.AnswerIntent, "AnswerIntent", "protocol"),
        (metadata_change.PatchIntent, "PatchIntent", "protocol"),
        (metadata_change.UnignoreIntent, "UnignoreIntent", "protocol"),
    ],
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_the_python_types_of_the_protocol_say_what_its_schema_says(
    typed: Any, definition: str, schema_name: str
) -> None:
    shape = schema(schema_name)["$defs"][definition]
    hints = get_type_hints(typed, include_extras=True)
    # The module's annotations are strings, so __required_keys__ cannot see NotRequired.
    required = {k for k, h in hints.items() if get_origin(h) is not NotRequired}
    assert set(hints) == set(shape["properties"])
    assert (required if typed.__total__ else set()) == set(shape.get("required", ()))


def test_every_schema_has_a_versioned_id() -> None:
    for name in ("report", "lens", "metadata", "protocol"):
        assert re.search(r"[-:]\d+(\.\d+)?(\.json)?$", schema(name)["$id"]), name
    assert schema("metadata")["$defs"]["Version"]["const"] == METADATA_VERSION
    assert schema("protocol")["$defs"]["ProtocolVersion"]["default"] == protocol.PROTOCOL_VERSION
    assert schema("protocol")["$id"].endswith(f"-{protocol.PROTOCOL_VERSION}.json")


def test_a_version_1_set_metadata_message_is_still_in_the_schema() -> None:
    # Version 2 added the metadata route; a kernel of version 1 sends the same comm messages.
    message = {
        "action": "set_metadata",
        "version": 1,
        "path": "a.ipynb",
        "notebook": {},
        "cells": {"c1": {"phase": None}},
    }
    assert problems("protocol", message, "SetMetadataMessage") == []
