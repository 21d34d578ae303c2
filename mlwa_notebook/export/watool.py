"""The AWS Well-Architected Tool export: the lens as a custom lens, and the notebook's answers.

One JSON file::

    {
      "format": "mlwa-wa-tool", "format_version": 1,
      "tool": {...}, "notebook": "path.ipynb",
      "lens": { custom-lens JSON for ImportLens },
      "lens_version": "mlwa-<hash>",        # for CreateLensVersion; changes with the lens
      "answers": {"questions": [{"pillarId", "questionId", "questionTitle",
                                 "update_answer": { kwargs of UpdateAnswer }}]},
      "apply_with_boto3": "<a Python script>"
    }

The lens depends only on the loaded lenses (not on the notebook), so it is imported once and
reused; each practice group of the ML Lens (``MLOPS03``, ``MLSEC05``…) becomes one question and
each of its practices one choice (ids without hyphens: ``MLOPS03_BP02``), plus the ``_no`` choice.
A question's risk: none when every practice is shown, medium when only medium-risk ones are
missing, high otherwise. The answers select the practices the report counts as met; violated
and open ones stay unselected with a note saying why, not-applicable ones are marked so with the
user's reason, and a question none of whose practices applies to the notebook's phases is
marked not applicable. Nothing here talks to AWS.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mlwa_notebook.lens import BestPractice, Lens
from mlwa_notebook.location import cell_label
from mlwa_notebook.report import NotebookReport, PracticeState

SCHEMA_VERSION = "2021-11-01"
FORMAT = "mlwa-wa-tool"
FORMAT_VERSION = 1
LENS_NAME = "ML Lens notebook review (mlwa-notebook)"

# The documented limits (shared/lens/wa-custom-lens-format.md, ImportLens, UpdateAnswer).
MAX_NAME = 128
MAX_TEXT = 2048
MAX_PILLARS = 10
MAX_QUESTIONS_PER_PILLAR = 20
MAX_CHOICES_PER_QUESTION = 15
MAX_RISK_RULES = 3
MAX_LENS_BYTES = 500_000
MAX_NOTES = 2084
MAX_CHOICE_NOTES = 250
ID_PATTERN = re.compile(r"^[A-Za-z0-9_]{3,128}$")

APPLY_WITH_BOTO3 = '''\
"""Apply an `mlwa export --to wa-tool` file: import the lens, publish it, answer for a workload.

    python apply_wa.py REVIEW.wa-tool.json WORKLOAD_ID [LENS_ARN]

Credentials and region come from the environment (AWS_PROFILE, AWS_REGION...). Pass LENS_ARN
to update a lens imported before instead of creating a new one.
"""
import json
import sys

import boto3

path, workload_id = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as fh:
    data = json.load(fh)
wa = boto3.client("wellarchitected")

# 1. Import the custom lens (it arrives as a DRAFT) and publish a version of it.
extra = {"LensAlias": sys.argv[3]} if len(sys.argv) > 3 else {}
lens_arn = wa.import_lens(JSONString=json.dumps(data["lens"]), **extra)["LensArn"]
wa.create_lens_version(LensAlias=lens_arn, LensVersion=data["lens_version"], IsMajorVersion=True)

# 2. Attach the lens to the workload and write the notebook's answers, question by question.
wa.associate_lenses(WorkloadId=workload_id, LensAliases=[lens_arn])
for question in data["answers"]["questions"]:
    wa.update_answer(WorkloadId=workload_id, LensAlias=lens_arn, **question["update_answer"])
print(f"answered {len(data['answers']['questions'])} questions of {lens_arn}")
'''


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _wa_id(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", text).strip("_") or "Q"
    return (cleaned + "___")[: max(3, min(len(cleaned), 120))]


@dataclass(frozen=True, slots=True)
class Question:
    """One WA Tool question: a group of practices of one pillar, and their choice ids."""

    pillar: str
    id: str
    practices: tuple[BestPractice, ...]
    choice_ids: tuple[str, ...]


def _group_key(bp: BestPractice) -> str:
    match = re.match(r"^(.+?)-BP\d+$", bp.id)
    return match.group(1) if match else f"{bp.lens_id}_{bp.pillar}_{bp.phase}"


def questions(lens: Lens) -> tuple[Question, ...]:
    """The lens's practices grouped into questions, in catalogue order, within the limits."""
    groups: dict[tuple[str, str], list[BestPractice]] = {}
    for bp in lens.best_practices:
        groups.setdefault((bp.pillar, _group_key(bp)), []).append(bp)
    out: list[Question] = []
    taken: set[str] = set()
    per_chunk = MAX_CHOICES_PER_QUESTION - 1  # one place is the "None of these" choice
    for (pillar, key), practices in groups.items():
        for n, start in enumerate(range(0, len(practices), per_chunk)):
            chunk = tuple(practices[start : start + per_chunk])
            qid = _wa_id(key if n == 0 else f"{key}_{n + 1}")
            while qid in taken:
                qid = _wa_id(qid + "_x")
            taken.add(qid)
            choice_ids: list[str] = []
            for bp in chunk:
                cid = _wa_id(bp.id)
                while cid in choice_ids or cid == f"{qid}_no":
                    cid = _wa_id(cid + "_x")
                choice_ids.append(cid)
            out.append(Question(pillar, qid, chunk, tuple(choice_ids)))
    return tuple(out)


def _resource(text: str, url: str | None) -> dict[str, str]:
    found = {"displayText": _clip(text, MAX_TEXT)}
    if url and url.startswith(("http://", "https://")):
        found["url"] = url
    return found


def _risk_rules(question: Question) -> list[dict[str, str]]:
    ids = question.choice_ids
    high = [cid for cid, bp in zip(ids, question.practices, strict=True) if bp.risk == "high"]
    rules = [{"condition": " && ".join(ids), "risk": "NO_RISK"}]
    if high and len(high) < len(ids):
        rules.append({"condition": " && ".join(high), "risk": "MEDIUM_RISK"})
    rules.append({"condition": "default", "risk": "HIGH_RISK" if high else "MEDIUM_RISK"})
    return rules


def _phase_name(lens: Lens, phase_id: str) -> str:
    phase = lens.phase(phase_id)
    return phase.name if phase else phase_id


def _question_title(lens: Lens, question: Question) -> str:
    pillar = lens.pillar(question.pillar)
    phases = dict.fromkeys(_phase_name(lens, bp.phase) for bp in question.practices)
    title = f"{pillar.name if pillar else question.pillar} in {' and '.join(phases).lower()}"
    return _clip(f"{title}: which of these practices does the work show?", MAX_NAME)


def lens_json(lens: Lens) -> dict[str, Any]:
    """The loaded lenses as one WA Tool custom lens."""
    qs = questions(lens)
    pillars: list[dict[str, Any]] = []
    for pillar in lens.pillars:
        items: list[dict[str, Any]] = []
        for q in (q for q in qs if q.pillar == pillar.id):
            choices: list[dict[str, Any]] = [
                {
                    "id": cid,
                    "title": _clip(bp.title, MAX_NAME),
                    "helpfulResource": _resource(
                        f"{bp.question} Notebook evidence: {bp.notebook_evidence}", bp.url
                    ),
                    "improvementPlan": _resource(bp.description, bp.url),
                }
                for cid, bp in zip(q.choice_ids, q.practices, strict=True)
            ]
            choices.append(
                {
                    "id": f"{q.id}_no",
                    "title": "None of these",
                    "helpfulResource": {"displayText": "The work shows none of these practices."},
                }
            )
            ids = ", ".join(bp.id for bp in q.practices)
            items.append(
                {
                    "id": q.id,
                    "title": _question_title(lens, q),
                    "description": _clip(
                        f"Best practices {ids} of the lens, as checklist questions a notebook "
                        "review answers. mlwa-notebook selects a practice when the notebook's "
                        "checklist says it is done or a rule finds evidence of it.",
                        MAX_TEXT,
                    ),
                    "helpfulResource": _resource(
                        f"ML Lens practices {ids}", q.practices[0].url if q.practices else None
                    ),
                    "choices": choices,
                    "riskRules": _risk_rules(q),
                }
            )
        if items:
            pillars.append(
                {"id": pillar.wa_tool_id, "name": _clip(pillar.name, MAX_NAME), "questions": items}
            )
    sources = ", ".join(f"{s.name} ({s.lens_id})" for s in lens.sources)
    return {
        "schemaVersion": SCHEMA_VERSION,
        "name": LENS_NAME,
        "description": _clip(
            f"Questions from {sources}, in mlwa-notebook's own words, answered from the "
            "evidence in a Jupyter notebook. Each question groups the practices of one pillar "
            "and lifecycle phase; the official lens pages stay the authority.",
            MAX_TEXT,
        ),
        "pillars": pillars,
    }


def lens_problems(lens_doc: dict[str, Any]) -> list[str]:
    """Every documented WA Tool limit the custom lens breaks (empty when it can be imported)."""
    problems: list[str] = []
    size = len(json.dumps(lens_doc, ensure_ascii=False).encode("utf-8"))
    if size > MAX_LENS_BYTES:
        problems.append(f"the lens is {size} bytes; the WA Tool takes at most {MAX_LENS_BYTES}")
    if len(lens_doc["pillars"]) > MAX_PILLARS:
        problems.append(f"{len(lens_doc['pillars'])} pillars; at most {MAX_PILLARS}")
    for pillar in lens_doc["pillars"]:
        if len(pillar["questions"]) > MAX_QUESTIONS_PER_PILLAR:
            problems.append(
                f"pillar {pillar['id']} has {len(pillar['questions'])} questions; at most "
                f"{MAX_QUESTIONS_PER_PILLAR} (split the custom lens's practice groups)"
            )
    return problems


def _choice_note(state: PracticeState, codes: Sequence[str]) -> str:
    cells = ", ".join(cell_label(i) for i in state.cells)
    if state.state == "violated":
        return f"violated: {', '.join(codes)} in {cells}"
    if state.state == "met" and state.source == "checklist":
        return "done (checklist)" + (f": {state.note}" if state.note else "")
    if state.state == "met":
        return f"shown in {cells}" + (f": {state.note}" if state.note else "")
    if state.state == "not-applicable":
        return "not applicable" + (f": {state.reason}" if state.reason else "")
    return "open: the notebook shows no evidence of it yet"


def _cited(report: NotebookReport) -> dict[str, list[str]]:
    cited: dict[str, list[str]] = {}
    for f in report.findings:
        for bp in f.best_practices:
            codes = cited.setdefault(bp, [])
            if f"{f.code} {f.name}" not in codes:
                codes.append(f"{f.code} {f.name}")
    return cited


def _answer(
    q: Question, report: NotebookReport, cited: dict[str, list[str]], lens: Lens
) -> dict[str, Any]:
    states = {s.id: s for s in report.checklist}
    selected: list[str] = []
    updates: dict[str, dict[str, str]] = {}
    notes: list[str] = []
    for cid, bp in zip(q.choice_ids, q.practices, strict=True):
        state = states.get(bp.id)
        if state is None:
            why = f"no {_phase_name(lens, bp.phase).lower()} cells in the notebook"
            updates[cid] = {
                "Status": "NOT_APPLICABLE",
                "Reason": "OUT_OF_SCOPE",
                "Notes": _clip(why, MAX_CHOICE_NOTES),
            }
            continue
        note = _choice_note(state, cited.get(bp.id, ()))
        notes.append(f"{bp.id} {note}")
        if state.state == "met":
            selected.append(cid)
            updates[cid] = {"Status": "SELECTED", "Notes": _clip(note, MAX_CHOICE_NOTES)}
        elif state.state == "not-applicable":
            updates[cid] = {
                "Status": "NOT_APPLICABLE",
                "Reason": "OTHER",
                "Notes": _clip(note, MAX_CHOICE_NOTES),
            }
        else:
            updates[cid] = {"Status": "UNSELECTED", "Notes": _clip(note, MAX_CHOICE_NOTES)}
    applicable = bool(notes)
    kwargs: dict[str, Any] = {"QuestionId": q.id}
    if not applicable:
        kwargs.update(
            SelectedChoices=[],
            Notes="None of these practices applies to the lifecycle phases in the notebook.",
            IsApplicable=False,
            Reason="OUT_OF_SCOPE",
        )
        return kwargs
    if not selected and not all(u["Status"] == "NOT_APPLICABLE" for u in updates.values()):
        selected = [f"{q.id}_no"]
    body = "\n".join(notes)
    kwargs.update(
        SelectedChoices=selected,
        ChoiceUpdates=updates,
        Notes=_clip_lines(f"From mlwa-notebook's review of {report.path}:\n{body}", MAX_NOTES),
        IsApplicable=True,
    )
    return kwargs


def _clip_lines(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def answers(report: NotebookReport, lens: Lens) -> list[dict[str, Any]]:
    """For each question, the UpdateAnswer arguments that record the notebook's review."""
    cited = _cited(report)
    out: list[dict[str, Any]] = []
    for q in questions(lens):
        pillar = lens.pillar(q.pillar)
        out.append(
            {
                "pillarId": pillar.wa_tool_id if pillar else q.pillar,
                "questionId": q.id,
                "questionTitle": _question_title(lens, q),
                "update_answer": _answer(q, report, cited, lens),
            }
        )
    return out


def _lens_version(doc: dict[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps(doc, sort_keys=True).encode("utf-8")).hexdigest()
    return f"mlwa-{digest[:12]}"


def wa_tool_document(report: NotebookReport, lens: Lens, tool_version: str) -> dict[str, Any]:
    """The whole WA Tool export: the lens, its version name, the answers and the script."""
    doc = lens_json(lens)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "tool": {"name": "mlwa-notebook", "version": tool_version},
        "notebook": report.path,
        "lens": doc,
        "lens_version": _lens_version(doc),
        "answers": {"questions": answers(report, lens)},
        "apply_with_boto3": APPLY_WITH_BOTO3,
    }
