"""The one vocabulary agrees with the bundled lens and with the report schema."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest

from mlwa_notebook import vocabulary as v
from mlwa_notebook.lens import default_lens_path

SCHEMA = Path(v.__file__).parent / "schema" / "report.schema.json"


def _lens_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(default_lens_path().read_text(encoding="utf-8"))
    return data


def _schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return data


def _values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]


def test_pillars_and_lens_phases_are_the_lens_data_ids_in_its_order() -> None:
    data = _lens_data()
    assert _values(v.Pillar) == [p["id"] for p in data["pillars"]]
    assert _values(v.LensPhase) == [p["id"] for p in data["phases"]]


def test_pillar_names_short_labels_and_wa_tool_ids_come_from_the_lens_data() -> None:
    pillars = _lens_data()["pillars"]
    assert dict(v.PILLAR_NAMES) == {p["id"]: p["name"] for p in pillars}
    assert dict(v.WA_TOOL_PILLAR_IDS) == {p["id"]: p["wa_tool_id"] for p in pillars}
    assert dict(v.PILLAR_SHORT) == {p["id"]: p["short"].lower() for p in pillars}
    assert set(v.PILLAR_SHORT) == set(v.Pillar)


def test_each_cell_phase_belongs_to_the_lens_phase_that_lists_it() -> None:
    listed = {f: p["id"] for p in _lens_data()["phases"] for f in p["fine_phases"]}
    assert set(listed) <= set(v.Phase)
    assert {f: v.FINE_TO_LENS_PHASE[f] for f in listed} == listed
    unlisted = [f for f in v.Phase if f not in listed]
    assert unlisted == [v.Phase.SETUP, v.Phase.OTHER]
    assert all(v.FINE_TO_LENS_PHASE[f] is None for f in unlisted)


@pytest.mark.parametrize(
    ("enum", "where"),
    [
        (v.Pillar, ("$defs", "Pillar", "enum")),
        (v.Phase, ("$defs", "Phase", "enum")),
        (v.LensPhase, ("$defs", "LensPhase", "enum")),
        (v.Severity, ("$defs", "Severity", "enum")),
        (v.PhaseSource, ("$defs", "CellReport", "properties", "phase_source", "enum")),
        (v.State, ("$defs", "PracticeState", "properties", "state", "enum")),
    ],
    ids=lambda x: x.__name__ if isinstance(x, type) else "",
)
def test_enums_are_the_report_schema_enums_in_its_order(
    enum: type[StrEnum], where: tuple[str, ...]
) -> None:
    node: Any = _schema()
    for key in where:
        node = node[key]
    assert _values(enum) == node


def test_answer_states_are_the_metadata_schema_enum_in_its_order() -> None:
    metadata = json.loads((SCHEMA.parent / "metadata.schema.json").read_text(encoding="utf-8"))
    assert _values(v.AnswerState) == metadata["$defs"]["AnswerState"]["enum"]


def test_severities_rank_least_first_and_unknown_as_the_least() -> None:
    ranks = [v.severity_rank(s) for s in ("info", "warning", "error")]
    assert ranks == sorted(ranks) and len(set(ranks)) == 3
    assert v.severity_rank("fatal") == v.severity_rank("info")
