"""A cell's checklist: its lens phase's practices ranked by what the cell does, in the core."""

from __future__ import annotations

import json

from mlwa_notebook.checklist import checklist_for
from mlwa_notebook.engine import analyze_notebook
from mlwa_notebook.lens import load_lens
from tests.conftest import REPO, make_notebook

EXAMPLE = REPO / "example_notebooks" / "03-sagemaker-train-deploy.ipynb"


def _lens_text(bp_id: str) -> str:
    bp = load_lens().practice(bp_id)
    assert bp is not None
    return f"{bp.title} {bp.description} {bp.notebook_evidence}".lower()


def _first_code_cell(report: object, phase: str) -> int:
    return next(
        c.index
        for c in report.cells  # type: ignore[attr-defined]
        if c.cell_type == "code" and c.phase == phase
    )


def test_a_deploying_cell_sees_endpoint_practices_first_and_a_reading_cell_data_versioning() -> (
    None
):
    report = analyze_notebook(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    deploy = report.cells[_first_code_cell(report, "deployment")]
    assert deploy.checklist_phase == "deployment"
    assert all(
        any(w in _lens_text(i) for w in ("endpoint", "serving", "inference", "deploy"))
        for i in deploy.checklist[:3]
    )
    reading = report.cells[_first_code_cell(report, "data-collection")]
    assert "version" in _lens_text(reading.checklist[0])


def test_training_tuning_and_evaluation_cells_get_different_checklists() -> None:
    report = analyze_notebook(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    firsts = {}
    for phase in ("model-training", "model-tuning", "model-evaluation"):
        cell = report.cells[_first_code_cell(report, phase)]
        assert cell.lens_phase == cell.checklist_phase == "model-development"
        firsts[phase] = cell.checklist[:3]
    assert len(set(firsts.values())) == 3
    tuning = firsts["model-tuning"][0]
    assert "tun" in _lens_text(tuning) or "hyperparameter" in _lens_text(tuning)


def test_every_practice_of_the_phase_is_still_offered_ranked_ones_first() -> None:
    report = analyze_notebook(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    index = _first_code_cell(report, "deployment")
    chosen = checklist_for(report.cells, report.checklist, index)
    of_phase = [s.id for s in report.checklist if s.phase == "deployment"]
    assert sorted(s.id for s in chosen.practices) == sorted(of_phase)
    assert [s.id for s in chosen.ranked] == list(report.cells[index].checklist)


def test_a_cell_a_finding_cites_ranks_that_practice_first() -> None:
    nb = make_notebook(
        "import pandas as pd\nfrom sklearn.model_selection import train_test_split\n"
        "df = pd.read_csv('rides.csv')\ntrain, test = train_test_split(df)"
    )
    report = analyze_notebook(nb)
    (finding,) = [f for f in report.findings if f.code == "MLW004"]
    cell = report.cells[0]
    cited = [i for i in finding.best_practices if any(s.id == i for s in report.checklist)]
    assert cited and cell.checklist[0] in cited
