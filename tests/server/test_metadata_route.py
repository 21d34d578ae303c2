"""``POST /mlwa/api/metadata``: the core decides what the sidebar writes into the notebook's
``mlwa`` metadata; the sidebar only puts the answered blocks into its model."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from mlwa_notebook.kernel.changes import AnswerChange, PhaseChange
from mlwa_notebook.kernel.protocol import PROTOCOL_VERSION
from mlwa_notebook.schema import problems
from tests.server.test_handlers import fail

SECRET_NOTE = "checked with key AKIAIOSFODNN7EXAMPLE / password=hunter2 (really)"


async def decide(fetch: Any, **request: Any) -> dict[str, Any]:
    """The server's answer to a metadata request, checked against its schema."""
    response = await fetch(
        "mlwa",
        "api",
        "metadata",
        method="POST",
        body=json.dumps({"version": PROTOCOL_VERSION, **request}),
    )
    answer: dict[str, Any] = json.loads(response.body)
    assert problems("protocol", answer, "MetadataAnswer") == []
    return answer


def kernel_patch(*changes: Any) -> dict[str, Any]:
    """The sidebar's request for the kernel's ``set_metadata`` messages of ``changes``."""
    notebook: dict[str, Any] = {}
    cells: dict[str, Any] = {}
    for change in changes:
        nb_part, cell_part = change.patch()
        for key, value in nb_part.items():
            notebook.setdefault(key, {}).update(value)
        cells.update(cell_part)
    return {"kind": "patch", "notebook": notebook, "cells": cells}


async def test_concurrent_answers_from_the_kernel_and_the_sidebar_are_both_kept(
    jp_fetch: Any,
) -> None:
    # Given a kernel answer made before the sidebar's, and one made after, to other items
    early = AnswerChange("MLOPS01-BP01", "done", note="from %mlwa")
    # When the sidebar writes the kernel's first answer, then its own answers
    first = await decide(jp_fetch, change=kernel_patch(early))
    block = first["notebook"]
    second = await decide(
        jp_fetch,
        notebook=block,
        change={"kind": "answer", "bp": "MLSEC01-BP01", "state": "na", "reason": "no PII"},
    )
    block = second["notebook"]
    own = block["checklist"]["MLSEC01-BP01"]
    # And a kernel answer to the same item, stamped before the sidebar's, arrives late
    stale = AnswerChange("MLSEC01-BP01", "done", updated="2000-01-01T00:00:00.000000Z")
    late = AnswerChange("MLREL01-BP01", "open", note="later")
    third = await decide(jp_fetch, notebook=block, change=kernel_patch(stale, late))
    block = third["notebook"]
    # Then every answer is kept, and the newer of the two on one item wins
    assert block["checklist"]["MLOPS01-BP01"]["note"] == "from %mlwa"
    assert block["checklist"]["MLSEC01-BP01"] == own
    assert block["checklist"]["MLREL01-BP01"]["note"] == "later"
    assert set(third["answers"]) == {"MLOPS01-BP01", "MLSEC01-BP01", "MLREL01-BP01"}
    assert problems("metadata", block) == []


async def test_a_secret_looking_note_is_stored_exactly_as_typed_and_never_logged(
    jp_fetch: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # When the user types a note that looks like a secret
    answer = await decide(
        jp_fetch,
        notebook={"version": 1, "other": {"kept": True}},
        change={
            "kind": "answer",
            "bp": "MLOPS01-BP01",
            "state": "done",
            "note": SECRET_NOTE,
            "by": "Ada",
        },
    )
    # Then the block to write holds it as typed (the report masks it; the notebook must not)
    entry = answer["notebook"]["checklist"]["MLOPS01-BP01"]
    assert entry["note"] == SECRET_NOTE
    assert entry["by"] == "Ada"
    assert answer["answers"]["MLOPS01-BP01"]["note"] == SECRET_NOTE
    assert answer["notebook"]["other"] == {"kept": True}
    # And a request out of schema is refused naming the path, not the note
    code, error = await fail(
        jp_fetch,
        "mlwa",
        "api",
        "metadata",
        method="POST",
        body=json.dumps(
            {
                "version": 2,
                "change": {"kind": "answer", "bp": "X", "state": "maybe", "note": SECRET_NOTE},
            }
        ),
    )
    assert code == 400
    assert "$.change.state" in error["message"]
    assert "AKIA" not in json.dumps(error)
    assert "AKIA" not in caplog.text


async def test_a_phase_drops_the_phase_tags_and_a_gone_cell_is_left_alone(jp_fetch: Any) -> None:
    # Given a cell with a phase tag and an unrelated tag, and a patch for a deleted cell too
    cells = {"c1": {"tags": ["mlwa-phase:setup", "keep-me"]}}
    change = kernel_patch(PhaseChange("c1", "model-training"), PhaseChange("gone", "deployment"))
    # When the core decides
    answer = await decide(jp_fetch, cells=cells, change=change)
    # Then the cell gets the phase, loses only the phase tag; the deleted cell gets nothing
    assert answer["cells"] == {
        "c1": {"mlwa": {"version": 1, "phase": "model-training"}, "tags": ["keep-me"]}
    }
    assert "notebook" not in answer


@pytest.mark.parametrize(
    ("cell", "via", "expected"),
    [
        (
            {"mlwa": {"ignore": {"MLW004": "seeded", "MLW005": "pinned"}}},
            "metadata",
            {"mlwa": {"ignore": {"MLW005": "pinned"}}},
        ),
        (
            {"mlwa": {"ignore": ["MLW004", "MLW005"]}},
            "metadata",
            {"mlwa": {"ignore": {"MLW005": ""}}},
        ),
        ({"tags": ["mlwa-ignore:MLW004", "x"]}, "tag", {"tags": ["x"]}),
    ],
    ids=["metadata", "a list of codes", "tag"],
)
async def test_a_suppression_is_undone_where_it_was_said(
    jp_fetch: Any, cell: dict[str, Any], via: str, expected: dict[str, Any]
) -> None:
    change = {"kind": "unignore", "key": "MLW004", "cell": "c1", "via": via}
    answer = await decide(jp_fetch, cells={"c1": cell}, change=change)
    assert answer["cells"] == {"c1": expected}


async def test_without_a_change_the_stored_answers_are_read_as_the_core_reads_them(
    jp_fetch: Any,
) -> None:
    block = {
        "checklist": {
            "A": "done",
            "B": {"state": "na", "reason": "r", "updated": "2026-01-01T00:00:00.000000Z"},
            "C": {"state": "maybe"},
        }
    }
    answer = await decide(jp_fetch, notebook=block)
    assert answer == {
        "version": PROTOCOL_VERSION,
        "cells": {},
        "answers": {
            "A": {"state": "done", "updated": ""},
            "B": {"state": "na", "reason": "r", "updated": "2026-01-01T00:00:00.000000Z"},
        },
    }
