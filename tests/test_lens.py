"""The lens catalogue, its schema, its loader and the validation of custom lenses."""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mlwa_notebook.lens import (
    FINE_PHASE_IDS,
    FINE_TO_LENS_PHASE,
    LENS_PHASE_IDS,
    PILLAR_IDS,
    WA_TOOL_PILLAR_IDS,
    Lens,
    LensError,
    default_lens_path,
    lens_schema_path,
    load_lens,
    validate_lens_file,
)

REPO = Path(__file__).resolve().parents[1]
SHARED_LENS = Path(__file__).resolve().parents[2] / "shared" / "lens"
OFFICIAL_PAGE = "https://docs.aws.amazon.com/wellarchitected/latest/machine-learning-lens/{}.html"

EXPECTED_DESIGN_PRINCIPLES = {
    "assign-ownership",
    "provide-protection",
    "enable-resiliency",
    "enable-reusability",
    "enable-reproducibility",
    "optimize-resources",
    "reduce-cost",
    "enable-automation",
    "enable-continuous-improvement",
    "minimize-environmental-impact",
}


def _read_tsv(name: str) -> list[dict[str, str]]:
    path = SHARED_LENS / name
    if not path.is_file():
        pytest.skip(f"lens facts not available: {path} is absent (the shared/ folder is not here)")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.fixture(scope="module")
def lens() -> Lens:
    return load_lens()


@pytest.fixture(scope="module")
def bundled_doc() -> dict[str, Any]:
    with default_lens_path().open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def _custom_doc(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "schema_version": "1",
        "id": "acme-ml-lens",
        "name": "ACME ML house rules",
        "description": "Practices our ML platform team asks every notebook to follow.",
        "design_principles": [
            {
                "id": "prefer-boring-tools",
                "title": "Prefer boring tools",
                "description": "Pick well-known libraries the whole team can support.",
            }
        ],
        "best_practices": [
            {
                "id": "ACME-DATA-01",
                "aliases": ["ACME-D1"],
                "pillar": "reliability",
                "phase": "data-processing",
                "risk": "high",
                "title": "Read training data only from the curated zone",
                "description": "Raw buckets change without notice; the curated zone is versioned.",
                "question": "Does every training read come from the curated zone?",
                "notebook_evidence": "All S3 reads use the s3://acme-curated/ prefix.",
                "url": "https://wiki.example.org/ml/curated-zone",
            },
            {
                "id": "ACME-COST-01",
                "pillar": "cost-optimization",
                "phase": "monitoring",
                "risk": "medium",
                "title": "Tag endpoints with the owning squad",
                "description": "Untagged endpoints cannot be charged back.",
                "question": "Is every endpoint tagged with its squad?",
                "notebook_evidence": "Endpoint creation passes a squad tag.",
            },
        ],
    }
    doc.update(overrides)
    return doc


def _write(tmp_path: Path, doc: object, name: str = "custom-lens.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path


# --- the bundled catalogue ---------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    from jsonschema import Draft202012Validator

    schema = json.loads(lens_schema_path().read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema_version"]["const"] == "1"


def test_bundled_catalogue_validates_against_schema(bundled_doc: dict[str, Any]) -> None:
    from jsonschema import Draft202012Validator

    schema = json.loads(lens_schema_path().read_text(encoding="utf-8"))
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in Draft202012Validator(schema).iter_errors(bundled_doc)
    ]
    assert errors == []


def test_bundled_catalogue_has_no_validation_problems() -> None:
    assert validate_lens_file(default_lens_path()) == []


def test_bundled_catalogue_declares_its_edition_and_source(bundled_doc: dict[str, Any]) -> None:
    assert bundled_doc["schema_version"] == "1"
    assert bundled_doc["id"] == "aws-ml-lens-2025"
    assert bundled_doc["edition"] == "2025-11-19"
    assert bundled_doc["source"].startswith(
        "https://docs.aws.amazon.com/wellarchitected/latest/machine-learning-lens/"
    )


def test_bundled_catalogue_has_105_practices_6_pillars_6_phases_10_principles(
    lens: Lens,
) -> None:
    assert len(lens.best_practices) == 105
    assert len(lens.pillars) == 6
    assert len(lens.phases) == 6
    assert len(lens.design_principles) == 10


def test_pillars_come_in_spec_order_with_their_wa_tool_ids(lens: Lens) -> None:
    assert tuple(p.id for p in lens.pillars) == PILLAR_IDS
    assert {p.id: p.wa_tool_id for p in lens.pillars} == dict(WA_TOOL_PILLAR_IDS)
    assert all(p.name and p.description for p in lens.pillars)


def test_phases_come_in_lifecycle_order_and_group_the_fine_phases(lens: Lens) -> None:
    assert tuple(p.id for p in lens.phases) == LENS_PHASE_IDS
    for phase in lens.phases:
        assert phase.fine_phases == tuple(
            f for f in FINE_PHASE_IDS if FINE_TO_LENS_PHASE[f] == phase.id
        )
    data_processing = lens.phase("data-processing")
    assert data_processing is not None
    assert data_processing.fine_phases == (
        "data-collection",
        "data-preprocessing",
        "feature-engineering",
    )
    assert lens.phase("data-collection") is None


def test_setup_and_other_belong_to_no_lens_phase(lens: Lens) -> None:
    # What the loaded lens says, cell phase by cell phase, not the table restated.
    assert tuple(FINE_TO_LENS_PHASE) == FINE_PHASE_IDS
    assert len(FINE_PHASE_IDS) == 12
    for fine in FINE_PHASE_IDS:
        owner = next((p.id for p in lens.phases if fine in p.fine_phases), None)
        assert owner == FINE_TO_LENS_PHASE[fine], fine
        practices = lens.for_fine_phase(fine)
        assert {bp.phase for bp in practices} == ({owner} if owner else set()), fine
    assert FINE_TO_LENS_PHASE["setup"] is None and lens.for_fine_phase("setup") == ()
    assert FINE_TO_LENS_PHASE["other"] is None and lens.for_fine_phase("other") == ()
    assert {p.id for p in lens.phases if p.fine_phases} == set(LENS_PHASE_IDS)


def test_design_principles_are_the_ten_of_the_ml_lens(lens: Lens) -> None:
    assert {d.id for d in lens.design_principles} == EXPECTED_DESIGN_PRINCIPLES
    assert all(d.title and d.description for d in lens.design_principles)


def test_every_indexed_practice_is_present_with_its_pillar_and_phase(lens: Lens) -> None:
    rows = _read_tsv("ml-lens-index.tsv")
    assert len(rows) == 105
    for row in rows:
        practice = lens.practice(row["id"])
        assert practice is not None, row["id"]
        assert practice.id == row["id"]
        assert (practice.pillar, practice.phase) == (row["pillar"], row["phase"]), row["id"]
    assert {p.id for p in lens.best_practices} == {row["id"] for row in rows}


def test_every_2023_id_resolves_to_its_2025_practice_with_its_risk(lens: Lens) -> None:
    rows = _read_tsv("ml-lens-id-map.tsv")
    assert len(rows) == 105
    for row in rows:
        practice = lens.practice(row["id_2023"])
        assert practice is not None, row["id_2023"]
        assert practice.id == row["id"]
        assert practice.aliases == (row["id_2023"],)
        assert practice.risk == row["risk_if_not_established"].lower()


def test_no_title_or_description_repeats_the_tsv_short_title(lens: Lens) -> None:
    rows = _read_tsv("ml-lens-index.tsv")

    def norm(text: str) -> str:
        return " ".join(text.casefold().split()).rstrip(".")

    for row in rows:
        practice = lens.practice(row["id"])
        assert practice is not None
        short_title = norm(row["short_title"])
        assert norm(practice.title) != short_title, row["id"]
        assert norm(practice.description) != short_title, row["id"]
        assert not norm(practice.description).startswith(short_title), row["id"]
        assert norm(practice.notebook_evidence) != norm(row["notebook_signal"]), row["id"]


def test_every_practice_is_complete_and_links_its_official_page(lens: Lens) -> None:
    titles = set()
    for practice in lens.best_practices:
        assert practice.url == OFFICIAL_PAGE.format(practice.id.lower())
        assert practice.lens_id == "aws-ml-lens-2025"
        assert 0 < len(practice.title) <= 90
        assert practice.description and practice.notebook_evidence
        assert practice.question.endswith("?"), practice.id
        titles.add(practice.title)
    assert len(titles) == 105


def test_practice_lookup_ignores_case_and_returns_none_when_unknown(lens: Lens) -> None:
    assert lens.practice("mlsec03-bp01") is lens.practice("MLSEC03-BP01")
    assert lens.practice(" mlsec-03 ") is lens.practice("MLSEC03-BP01")
    assert lens.practice("MLSEC99-BP99") is None


def test_practice_moved_between_editions_keeps_its_2025_phase(lens: Lens) -> None:
    practice = lens.practice("MLCOST-23")
    assert practice is not None
    assert (practice.id, practice.phase) == ("MLCOST06-BP04", "monitoring")


def test_pillar_and_phase_filters_partition_the_catalogue(lens: Lens) -> None:
    by_pillar = [p for pillar in PILLAR_IDS for p in lens.by_pillar(pillar)]
    by_phase = [p for phase in LENS_PHASE_IDS for p in lens.by_phase(phase)]
    assert sorted(p.id for p in by_pillar) == sorted(p.id for p in lens.best_practices)
    assert sorted(p.id for p in by_phase) == sorted(p.id for p in lens.best_practices)
    assert all(p.pillar == "security" for p in lens.by_pillar("security"))
    assert not any(p.phase == "business-goal" for p in lens.by_pillar("reliability"))


def test_fine_phase_lookup_returns_its_lens_phase_practices(lens: Lens) -> None:
    assert lens.for_fine_phase("model-tuning") == lens.by_phase("model-development")
    assert lens.for_fine_phase("feature-engineering") == lens.by_phase("data-processing")
    assert lens.for_fine_phase("setup") == ()
    assert lens.for_fine_phase("other") == ()


@pytest.mark.parametrize(
    ("method", "value"),
    [("by_pillar", "performance"), ("by_phase", "data-collection"), ("for_fine_phase", "eda")],
)
def test_filters_reject_unknown_ids(lens: Lens, method: str, value: str) -> None:
    with pytest.raises(ValueError, match=value):
        getattr(lens, method)(value)


def test_lens_objects_are_immutable(lens: Lens) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        lens.best_practices[0].title = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        lens.pillars = ()  # type: ignore[misc]


def test_default_lens_path_finds_the_catalogue_of_a_source_checkout() -> None:
    assert default_lens_path() == REPO / "lens_data" / "ml-lens-2025.json"


def test_loading_the_bundled_lens_does_not_import_jsonschema() -> None:
    code = (
        "import sys; from mlwa_notebook.lens import load_lens; load_lens(); "
        "sys.exit('jsonschema' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, check=False)
    assert result.returncode == 0


# --- custom lenses -------------------------------------------------------------


def test_custom_lens_loads_beside_the_bundled_one(tmp_path: Path) -> None:
    path = _write(tmp_path, _custom_doc())
    assert validate_lens_file(path) == []

    lens = load_lens([path])

    assert len(lens.best_practices) == 107
    assert [s.lens_id for s in lens.sources] == ["aws-ml-lens-2025", "acme-ml-lens"]
    assert lens.sources[1].path == path
    custom = lens.practice("acme-d1")
    assert custom is not None
    assert (custom.id, custom.lens_id, custom.url) == (
        "ACME-DATA-01",
        "acme-ml-lens",
        "https://wiki.example.org/ml/curated-zone",
    )
    untagged = lens.practice("ACME-COST-01")
    assert untagged is not None
    assert untagged.url is None
    assert custom in lens.by_pillar("reliability")
    assert custom in lens.for_fine_phase("data-preprocessing")
    assert lens.practice("MLOE-01") is not None
    assert len(lens.design_principles) == 11
    assert tuple(p.id for p in lens.pillars) == PILLAR_IDS


def test_custom_lens_may_restate_pillars_and_phases_consistently(
    tmp_path: Path, bundled_doc: dict[str, Any]
) -> None:
    doc = _custom_doc(pillars=bundled_doc["pillars"][:2], phases=bundled_doc["phases"][2:3])
    path = _write(tmp_path, doc)
    assert validate_lens_file(path) == []
    assert len(load_lens([path]).pillars) == 6


def test_two_custom_lenses_load_in_order(tmp_path: Path) -> None:
    first = _write(tmp_path, _custom_doc(), "first.json")
    second_doc = _custom_doc(id="other-lens", design_principles=[])
    for n, practice in enumerate(second_doc["best_practices"]):
        practice["id"] = f"OTHER-{n}"
        practice.pop("aliases", None)
    second = _write(tmp_path, second_doc, "second.json")

    lens = load_lens([first, second])

    assert [s.lens_id for s in lens.sources] == ["aws-ml-lens-2025", "acme-ml-lens", "other-lens"]
    assert [p.id for p in lens.best_practices[-2:]] == ["OTHER-0", "OTHER-1"]


def _drop_question(doc: dict[str, Any]) -> None:
    del doc["best_practices"][0]["question"]


def _wrong_pillar(doc: dict[str, Any]) -> None:
    doc["best_practices"][1]["pillar"] = "performance"


def _wrong_phase(doc: dict[str, Any]) -> None:
    doc["best_practices"][1]["phase"] = "model-training"


def _duplicate_id(doc: dict[str, Any]) -> None:
    doc["best_practices"][1]["id"] = "ACME-DATA-01"


def _alias_repeats_an_id(doc: dict[str, Any]) -> None:
    doc["best_practices"][1]["aliases"] = ["acme-data-01"]


def _bundled_id(doc: dict[str, Any]) -> None:
    doc["best_practices"][1]["id"] = "MLOPS01-BP01"


def _bundled_alias(doc: dict[str, Any]) -> None:
    doc["best_practices"][0]["aliases"] = ["MLREL-08"]


def _unknown_field(doc: dict[str, Any]) -> None:
    doc["best_practices"][0]["colour"] = "red"


def _wrong_version(doc: dict[str, Any]) -> None:
    doc["schema_version"] = "2"


def _bundled_principle(doc: dict[str, Any]) -> None:
    doc["design_principles"][0]["id"] = "reduce-cost"


def _title_too_long(doc: dict[str, Any]) -> None:
    doc["best_practices"][1]["title"] = "x" * 91


def _mismatched_wa_tool_id(doc: dict[str, Any]) -> None:
    doc["pillars"] = [
        {"id": "security", "name": "Sec", "description": "Guarding.", "wa_tool_id": "reliability"}
    ]


def _incomplete_phase(doc: dict[str, Any]) -> None:
    doc["phases"] = [
        {
            "id": "model-development",
            "name": "Dev",
            "description": "Building.",
            "fine_phases": ["model-training", "deployment"],
        }
    ]


@pytest.mark.parametrize(
    ("damage", "where", "says"),
    [
        (_drop_question, "best_practices[0].question", "required field is missing"),
        (_wrong_pillar, "best_practices[1].pillar", "'performance' is not allowed"),
        (_wrong_phase, "best_practices[1].phase", "'model-training' is not allowed"),
        (_duplicate_id, "best_practices[1].id", "duplicate id 'ACME-DATA-01'"),
        (_alias_repeats_an_id, "best_practices[1].aliases[0]", "duplicate alias"),
        (_bundled_id, "best_practices[1].id", "already used by MLOPS01-BP01"),
        (_bundled_alias, "best_practices[0].aliases[0]", "already used by MLREL03-BP03"),
        (_unknown_field, "best_practices[0].colour", "unknown field"),
        (_wrong_version, "schema_version", "'2' is not allowed; expected '1'"),
        (_bundled_principle, "design_principles[0].id", "already used by lens"),
        (_title_too_long, "best_practices[1].title", "too long (91 characters, at most 90)"),
        (_mismatched_wa_tool_id, "pillars[0].wa_tool_id", "expected 'security'"),
        (_incomplete_phase, "phases[0].fine_phases", "is made of model-training"),
    ],
)
def test_bad_custom_lens_is_reported_with_file_and_json_path(
    tmp_path: Path, damage: Any, where: str, says: str
) -> None:
    doc = _custom_doc()
    damage(doc)
    path = _write(tmp_path, doc)

    problems = validate_lens_file(path)

    matching = [p for p in problems if p.startswith(f"{path}: {where}: ") and says in p]
    assert matching, problems
    with pytest.raises(LensError) as raised:
        load_lens([path])
    assert matching[0] in str(raised.value).splitlines()
    assert raised.value.path == str(path)


def test_invalid_json_is_reported_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "schema_version": "1",\n  "id": "x" "name": "y"\n}\n', encoding="utf-8")

    problems = validate_lens_file(path)

    assert problems == [f"{path}: $: invalid JSON at line 3, column 13: Expecting ',' delimiter"]
    with pytest.raises(LensError, match="invalid JSON at line 3, column 13"):
        load_lens([path])


def test_missing_and_non_utf8_files_are_reported(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes('{"name": "caf\u00e9"}'.encode("latin-1"))

    assert validate_lens_file(missing) == [
        f"{missing}: $: cannot read file: No such file or directory"
    ]
    assert validate_lens_file(latin1)[0].startswith(f"{latin1}: $: not UTF-8 text")
    with pytest.raises(LensError, match="cannot read file"):
        load_lens([missing])


@pytest.mark.parametrize(("document", "kind"), [([1, 2], "array"), (None, "null")])
def test_document_that_is_not_an_object_is_reported(
    tmp_path: Path, document: object, kind: str
) -> None:
    path = _write(tmp_path, document)
    assert validate_lens_file(path) == [f"{path}: $: expected object, got {kind}"]
    with pytest.raises(LensError, match=f"expected object, got {kind}"):
        load_lens([path])


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    doc = _custom_doc()
    _drop_question(doc)
    _wrong_pillar(doc)
    _duplicate_id(doc)
    path = _write(tmp_path, doc)

    problems = validate_lens_file(path)

    assert len(problems) == 3
    assert all(p.startswith(f"{path}: best_practices[") for p in problems)


def test_loading_the_bundled_lens_again_as_custom_is_refused() -> None:
    with pytest.raises(LensError, match="lens id 'aws-ml-lens-2025' is already loaded"):
        load_lens([default_lens_path()])


def test_custom_lens_reusing_a_loaded_lens_id_is_refused(tmp_path: Path) -> None:
    first = _write(tmp_path, _custom_doc(), "first.json")
    second = _write(tmp_path, _custom_doc(), "second.json")
    with pytest.raises(LensError) as raised:
        load_lens([first, second])
    assert (
        str(raised.value) == f"{second}: id: lens id 'acme-ml-lens' is already loaded from {first}"
    )
