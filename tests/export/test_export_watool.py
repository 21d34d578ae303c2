"""The Well-Architected Tool file: every documented custom-lens limit, and answers AWS accepts.

The limits are those of ``shared/lens/wa-custom-lens-format.md`` and the ImportLens API; the
checker below is written from that text, independently of the exporter's own check. The answers
are validated against botocore's own model of the ``wellarchitected`` API (no request is sent).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest

from mlwa_notebook.engine import analyze_notebook
from mlwa_notebook.export import ExportError, export_notebook, write_export
from mlwa_notebook.lens import load_lens
from mlwa_notebook.notebook import parse_json
from tests.conftest import make_notebook, write_notebook

WA_PILLARS = {
    "operationalExcellence",
    "security",
    "reliability",
    "performance",
    "costOptimization",
    "sustainability",
}
ID = re.compile(r"^[A-Za-z0-9_]{3,128}$")
RISKS = {"HIGH_RISK", "MEDIUM_RISK", "NO_RISK"}


def resource_problems(where: str, res: Any, required: bool = True) -> list[str]:
    if res is None:
        return [f"{where}: missing"] if required else []
    problems = []
    if not isinstance(res.get("displayText"), str) or not 0 < len(res["displayText"]) <= 2048:
        problems.append(f"{where}.displayText: missing or over 2048")
    if "url" in res and not str(res["url"]).startswith(("http://", "https://")):
        problems.append(f"{where}.url: not http(s)")
    return problems


def condition_ids(condition: str) -> set[str]:
    return set(re.findall(r"[A-Za-z0-9_]+", condition)) - {"default"}


def limit_problems(lens: dict[str, Any]) -> list[str]:
    """Every documented WA Tool custom-lens limit the document breaks."""
    p: list[str] = []
    if len(json.dumps(lens).encode("utf-8")) >= 500_000:
        p.append("over 500 KB")
    if lens.get("schemaVersion") != "2021-11-01":
        p.append("schemaVersion")
    if not 0 < len(lens["name"]) <= 128:
        p.append("name length")
    if not 0 < len(lens["description"]) <= 2048:
        p.append("description length")
    if len(lens["pillars"]) > 10:
        p.append("more than 10 pillars")
    pillar_ids = [x["id"] for x in lens["pillars"]]
    question_ids: list[str] = []
    if len(set(pillar_ids)) != len(pillar_ids) or not set(pillar_ids) <= WA_PILLARS:
        p.append("pillar ids")
    for pillar in lens["pillars"]:
        if not ID.match(pillar["id"]) or not 0 < len(pillar["name"]) <= 128:
            p.append(f"pillar {pillar['id']}")
        if len(pillar["questions"]) > 20:
            p.append(f"{pillar['id']}: more than 20 questions")
        for q in pillar["questions"]:
            where = f"question {q['id']}"
            question_ids.append(q["id"])
            if not ID.match(q["id"]):
                p.append(f"{where}: id")
            if not 0 < len(q["title"]) <= 128:
                p.append(f"{where}: title")
            if len(q.get("description", "")) > 2048:
                p.append(f"{where}: description")
            p += resource_problems(f"{where}.helpfulResource", q.get("helpfulResource"), False)
            choices = q["choices"]
            ids = [c["id"] for c in choices]
            if len(choices) > 15:
                p.append(f"{where}: {len(choices)} choices")
            if len(set(ids)) != len(ids):
                p.append(f"{where}: duplicate choice ids")
            if not any(i.endswith("_no") for i in ids):
                p.append(f"{where}: no _no choice")
            for c in choices:
                if not ID.match(c["id"]) or "-" in c["id"]:
                    p.append(f"{where}: choice id {c['id']}")
                if not 0 < len(c["title"]) <= 128:
                    p.append(f"{where}: choice title {c['id']}")
                p += resource_problems(
                    f"{c['id']}.helpfulResource", c.get("helpfulResource"), False
                )
                if not c["id"].endswith("_no"):
                    p += resource_problems(f"{c['id']}.improvementPlan", c.get("improvementPlan"))
            rules = q["riskRules"]
            risks = [r["risk"] for r in rules]
            if not 0 < len(rules) <= 3 or len(set(risks)) != len(risks) or not set(risks) <= RISKS:
                p.append(f"{where}: risk rules")
            if [r["condition"] for r in rules].count("default") != 1:
                p.append(f"{where}: needs exactly one default rule")
            for r in rules:
                if not condition_ids(r["condition"]) <= set(ids):
                    p.append(f"{where}: condition names an unknown choice")
    if len(set(question_ids)) != len(question_ids):
        p.append("duplicate question ids")
    return p


def wa_document(path: Path, tmp_path: Path) -> dict[str, Any]:
    out, _ = write_export(path, "wa-tool", tmp_path / "review.wa-tool.json")
    doc: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return doc


def test_the_lens_respects_every_documented_limit(example: Path, tmp_path: Path) -> None:
    doc = wa_document(example, tmp_path)
    assert limit_problems(doc["lens"]) == []
    lens = load_lens()
    choices = [
        c["id"] for p in doc["lens"]["pillars"] for q in p["questions"] for c in q["choices"]
    ]
    # Every best practice of the lens is one choice, with its id rewritten without hyphens.
    assert {bp.id.replace("-", "_") for bp in lens.best_practices} <= set(choices)


def questions_by_id(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {q["id"]: q for p in doc["lens"]["pillars"] for q in p["questions"]}


def test_answers_follow_the_report_checklist(example: Path, tmp_path: Path) -> None:
    doc = wa_document(example, tmp_path)
    report = analyze_notebook(parse_json(example.read_bytes(), str(example)), path=str(example))
    states = {s.id.replace("-", "_"): s.state for s in report.checklist}
    questions = questions_by_id(doc)
    assert len(doc["answers"]["questions"]) == len(questions)
    for answer in doc["answers"]["questions"]:
        kwargs = answer["update_answer"]
        question = questions[kwargs["QuestionId"]]
        ids = {c["id"] for c in question["choices"]}
        assert set(kwargs["SelectedChoices"]) <= ids
        assert len(kwargs["Notes"]) <= 2084
        for choice_id, update in kwargs.get("ChoiceUpdates", {}).items():
            assert choice_id in ids and len(update["Notes"]) <= 250
            state = states.get(choice_id)
            expected = {
                "met": "SELECTED",
                "violated": "UNSELECTED",
                "open": "UNSELECTED",
                "not-applicable": "NOT_APPLICABLE",
                None: "NOT_APPLICABLE",  # its lens phase has no cells in the notebook
            }[state]
            assert update["Status"] == expected, choice_id
            assert (choice_id in kwargs["SelectedChoices"]) == (state == "met")
        if not kwargs["IsApplicable"]:
            assert kwargs["Reason"] == "OUT_OF_SCOPE" and kwargs["SelectedChoices"] == []


def test_answers_and_lens_are_what_the_aws_api_accepts(messy: Path, tmp_path: Path) -> None:
    botocore_session = pytest.importorskip("botocore.session")
    from botocore.validate import ParamValidator

    doc = wa_document(messy, tmp_path)
    model = botocore_session.get_session().get_service_model("wellarchitected")
    check = ParamValidator()

    def problems(operation: str, params: dict[str, Any]) -> str:
        shape = model.operation_model(operation).input_shape
        report = check.validate(params, shape)
        return str(report.generate_report()) if report.has_errors() else ""

    workload, lens_arn = "0" * 32, "arn:aws:wellarchitected:us-east-1:123456789012:lens/abc"
    assert (
        problems("ImportLens", {"JSONString": json.dumps(doc["lens"]), "ClientRequestToken": "t"})
        == ""
    )
    assert (
        problems(
            "CreateLensVersion",
            {
                "LensAlias": lens_arn,
                "LensVersion": doc["lens_version"],
                "IsMajorVersion": True,
                "ClientRequestToken": "t",
            },
        )
        == ""
    )
    assert problems("AssociateLenses", {"WorkloadId": workload, "LensAliases": [lens_arn]}) == ""
    for answer in doc["answers"]["questions"]:
        params = {"WorkloadId": workload, "LensAlias": lens_arn, **answer["update_answer"]}
        assert problems("UpdateAnswer", params) == "", answer["questionId"]


def test_the_boto3_snippet_is_python_that_calls_the_four_apis(messy: Path, tmp_path: Path) -> None:
    doc = wa_document(messy, tmp_path)
    tree = ast.parse(doc["apply_with_boto3"])
    called = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert {"import_lens", "create_lens_version", "associate_lenses", "update_answer"} <= called
    docs = (Path(__file__).resolve().parents[2] / "docs" / "export.md").read_text("utf-8")
    assert doc["apply_with_boto3"].strip() in docs  # the documented snippet is the shipped one


def test_a_checklist_answer_becomes_a_wa_answer(tmp_path: Path) -> None:
    nb = make_notebook(
        "import pandas as pd\ndf = pd.read_csv('s3://bucket/data.csv')",
        mlwa={
            "checklist": {
                "MLOPS03-BP01": {"state": "done", "note": "profiled in the EDA cell"},
                "MLSEC03-BP05": {"state": "na", "reason": "public data only"},
            }
        },
    )
    source = write_notebook(tmp_path / "answered.ipynb", nb)
    doc = wa_document(source, tmp_path)
    answers = {a["questionId"]: a["update_answer"] for a in doc["answers"]["questions"]}
    assert "MLOPS03_BP01" in answers["MLOPS03"]["SelectedChoices"]
    assert (
        "profiled in the EDA cell" in answers["MLOPS03"]["ChoiceUpdates"]["MLOPS03_BP01"]["Notes"]
    )
    na = answers["MLSEC03"]["ChoiceUpdates"]["MLSEC03_BP05"]
    assert na["Status"] == "NOT_APPLICABLE" and "public data only" in na["Notes"]


def custom_lens(tmp_path: Path, groups: int, per_group: int) -> Path:
    practices = [
        {
            "id": f"TEAM{g:02d}-BP{n:02d}",
            "aliases": [],
            "pillar": "security",
            "phase": "data-processing",
            "risk": "high" if n % 2 else "medium",
            "title": f"Team practice {g}.{n}",
            "description": "A practice of our own.",
            "question": "Does the notebook do it?",
            "notebook_evidence": "a cell that does it",
        }
        for g in range(1, groups + 1)
        for n in range(1, per_group + 1)
    ]
    lens = {
        "schema_version": "1",
        "id": "team-lens",
        "name": "Team lens",
        "description": "Ours.",
        "best_practices": practices,
    }
    path = tmp_path / "team.json"
    path.write_text(json.dumps(lens), encoding="utf-8")
    return path


def test_a_large_practice_group_is_split_within_the_choice_limit(tmp_path: Path) -> None:
    lens = load_lens([custom_lens(tmp_path, groups=1, per_group=20)])
    raw = make_notebook("import pandas as pd\ndf = pd.read_csv('d.csv')")
    doc = json.loads(export_notebook(raw, "nb.ipynb", "wa-tool", lens=lens).text)
    assert limit_problems(doc["lens"]) == []
    team = [q for q in questions_by_id(doc).values() if q["id"].startswith("TEAM01")]
    assert [len(q["choices"]) for q in team] == [15, 7]  # 14 + 6 practices, each with _no


def test_a_lens_too_big_for_the_wa_tool_is_refused(tmp_path: Path) -> None:
    lens = load_lens([custom_lens(tmp_path, groups=21, per_group=1)])
    raw = make_notebook("x = 1")
    with pytest.raises(ExportError, match="at most 20"):
        export_notebook(raw, "nb.ipynb", "wa-tool", lens=lens)
