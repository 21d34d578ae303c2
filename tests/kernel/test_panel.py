"""``%mlwa panel`` in a real kernel: the widget models it creates, and answers made through it."""

from __future__ import annotations

from typing import Any

from tests.kernel.harness import KernelNotebook, data_of, text_of

TRAIN = """\
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
X, y = make_classification(n_samples=60, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
model = LogisticRegression().fit(X_train, y_train)
"""
PANEL = "get_ipython().magics_manager.registry['MlwaMagics'].last_panel"


def models(kernel: KernelNotebook, name: str) -> list[dict[str, Any]]:
    """The states of the widget models of one class the kernel has created so far."""
    states = kernel.client.widget_state.values()
    return [s for s in states if s.get("_model_name") == name]


def test_panel_shows_four_tabs_a_radar_and_the_checklist(fresh: KernelNotebook) -> None:
    fresh.markdown("## Train")
    fresh.cell(TRAIN)
    outputs = fresh.run_code("%mlwa panel")
    views = data_of(outputs, "application/vnd.jupyter.widget-view+json")
    assert len(views) == 1
    tabs = [
        t
        for t in models(fresh, "TabModel")
        if t.get("titles") == ["Overview", "Phases", "Checklist", "Findings"]
    ]
    assert tabs, "no Tab with the four titles"
    figures = [s for s in models(fresh, "AnyModel") if "_widget_data" in s]
    assert figures, "no plotly FigureWidget model"
    trace = figures[-1]["_widget_data"][-1]
    assert trace["type"] == "scatterpolar" and len(trace["r"]) == 7
    html = " ".join(str(s.get("value", "")) for s in models(fresh, "HTMLModel"))
    assert "How each score is computed" in html and "coverage = met /" in html
    assert "decided by" in html  # the phases table
    toggles = models(fresh, "ToggleButtonsModel")
    assert toggles and all(t["_options_labels"] == ["done", "n/a", "open"] for t in toggles)
    picker = [d for d in models(fresh, "DropdownModel") if d.get("description") == "Phase"]
    assert picker and "model development" in picker[-1]["_options_labels"]


def test_an_answer_ticked_in_the_panel_is_saved_in_the_notebook(fresh: KernelNotebook) -> None:
    fresh.cell(TRAIN)
    fresh.run_code("%mlwa panel")
    outputs = fresh.run_code(
        f"panel = {PANEL}\n"
        "panel.phase_picker.value = 'model-development'\n"
        "row = panel.rows['MLPERF04-BP01']\n"
        "row.text.value = 'scored on X_test'\n"
        "row.answer.value = 'done'\n"
        "print(panel.status.value)\n"
        "print(row.label.value)"
    )
    text = text_of(outputs)
    assert "MLPERF04-BP01 marked done" in text and "written to" in text
    assert "(met)" in text  # the row shows the new state after the panel re-analysed
    stored = fresh.on_disk()["metadata"]["mlwa"]["checklist"]["MLPERF04-BP01"]
    assert stored["state"] == "done" and stored["note"] == "scored on X_test"


def test_not_applicable_needs_a_reason(fresh: KernelNotebook) -> None:
    fresh.cell(TRAIN)
    fresh.run_code("%mlwa panel")
    text = text_of(
        fresh.run_code(
            f"panel = {PANEL}\n"
            "panel.phase_picker.value = 'model-development'\n"
            "row = panel.rows['MLCOST04-BP01']\n"
            "row.answer.value = 'na'\n"
            "print(panel.status.value)"
        )
    )
    assert "Type why MLCOST04-BP01 does not apply" in text
    assert "MLCOST04-BP01" not in fresh.on_disk()["metadata"].get("mlwa", {}).get("checklist", {})
    fresh.reload()
    text = text_of(
        fresh.run_code(f"row = {PANEL}.rows['MLCOST04-BP01']\nrow.text.value = 'runs on a laptop'")
    )
    stored = fresh.on_disk()["metadata"]["mlwa"]["checklist"]["MLCOST04-BP01"]
    assert stored == {
        "state": "na",
        "reason": "runs on a laptop",
        "updated": stored["updated"],
        "by": stored["by"],  # who answered: tests/kernel/test_attested.py
    }
