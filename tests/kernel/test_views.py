"""The views the magics use, on real reports: radar JSON and its table, HTML that escapes."""

from __future__ import annotations

import json

from mlwa_notebook.engine import analyze
from mlwa_notebook.report import NotebookReport
from mlwa_notebook.views.notebook_html import (
    PHASE_COLOURS,
    SEVERITY_COLOURS,
    STATE_MARKS,
    phase_map_text,
    render_checklist,
    render_findings,
    render_note,
    render_status,
)
from mlwa_notebook.views.radar import (
    PLOTLY_MIME,
    hover_counts,
    radar_bundle,
    radar_json,
    radar_table,
)
from mlwa_notebook.vocabulary import Phase, Severity, State
from tests.conftest import make_notebook

SPLIT = (
    "from sklearn.model_selection import train_test_split\nA, B = train_test_split([1, 2, 3, 4])"
)
READ = 'import pandas as pd\ndf = pd.read_csv("data/<b>raw</b>.csv")'


def report_of(*cells: str | tuple[str, str], **metadata: object) -> NotebookReport:
    report = analyze(make_notebook(*cells, **metadata), path="demo.ipynb")
    assert not report.errors
    return report.notebooks[0]


def test_radar_has_six_closed_axes_with_counts_in_the_hover() -> None:
    report = report_of(("md", "# Train"), SPLIT)
    figure = radar_json(report)
    shown, trace = figure["data"]  # what the notebook shows by itself, then the coverage
    assert shown["name"] == "shown by the notebook" and "fill" not in shown
    assert shown["r"][:6] == [
        round(100 * s.checked_met / s.checked, 1) if s.checked else 0.0
        for s in report.pillar_scores
    ]
    assert trace["type"] == "scatterpolar" and trace["fill"] == "toself"
    assert len(trace["r"]) == 7 and trace["theta"][0] == trace["theta"][-1]
    assert trace["r"][:6] == [round(s.score * 100, 1) for s in report.pillar_scores]
    security = next(s for s in report.pillar_scores if s.pillar == "security")
    assert hover_counts(security) in trace["customdata"]
    assert f"violated {security.violated}, open {security.open}" in hover_counts(security)
    layout = figure["layout"]
    assert layout["paper_bgcolor"] == layout["polar"]["bgcolor"] == "rgba(0, 0, 0, 0)"
    assert layout["polar"]["radialaxis"]["range"] == [0, 100]
    assert layout["showlegend"] is True  # the legend tells the two lines apart
    json.dumps(figure)  # plain JSON, as the mime bundle needs


def test_radar_overlays_a_second_report_with_a_legend() -> None:
    before = report_of(SPLIT)
    after = report_of(SPLIT.replace("[1, 2, 3, 4])", "[1, 2, 3, 4], random_state=0)"))
    figure = radar_json(after, before, "HEAD (abc1234)")
    names = [t["name"] for t in figure["data"]]
    assert names == ["HEAD (abc1234)", "now"]
    assert figure["data"][0]["line"]["dash"] == "dash"
    assert figure["layout"]["showlegend"] is True


def test_the_table_fallback_carries_the_same_numbers() -> None:
    before = report_of(SPLIT)
    after = report_of(SPLIT.replace("[1, 2, 3, 4])", "[1, 2, 3, 4], random_state=0)"))
    plain = radar_table(after)
    assert "Security" in plain.text and "<table" in plain.html
    compared = radar_table(after, before, "HEAD")
    assert "change" in compared.text and "pts" in compared.text
    bundle = radar_bundle(after)
    assert set(bundle) == {"text/plain", "text/html", PLOTLY_MIME}


def test_html_escapes_what_the_notebook_wrote() -> None:
    report = report_of(READ)
    assert any("<b>raw</b>" in f.message for f in report.findings)
    html = render_findings(report, ["analysed: test"]).html
    assert "<b>raw</b>" not in html and "&lt;b&gt;raw&lt;/b&gt;" in html
    status = render_status(report, ["analysed: x", "the saved file is older than what ran"])
    assert "⚠" in status.html and "warning: the saved file is older" in status.text


def test_phase_map_marks_phases_set_by_the_user() -> None:
    nb = make_notebook("import pandas as pd", SPLIT)
    nb["cells"][1]["metadata"]["mlwa"] = {"phase": "model-training"}
    report = analyze(nb).notebooks[0]
    assert phase_map_text(report.cells).endswith("2 model-training*")


def test_note_and_checklist_render_one_line_each() -> None:
    report = report_of(SPLIT)
    note = render_note(report.findings)
    assert note.text.startswith("mlwa: warning MLW004")
    assert 'class="mlwa-note"' in note.html and 'data-mlwa-codes="MLW004"' in note.html
    checklist = render_checklist(report.checklist, "Checklist: all", [])
    assert "answer: %mlwa answer" in checklist.text
    assert sum(1 for line in checklist.text.splitlines() if line.startswith("  ")) == len(
        report.checklist
    )


def test_the_display_tables_cover_the_whole_vocabulary() -> None:
    assert set(PHASE_COLOURS) == set(Phase)
    assert set(SEVERITY_COLOURS) == set(Severity)
    assert set(STATE_MARKS) == set(State)
