"""``%mlwa`` subcommands run in a real kernel: what they show, and errors that say what to do."""

from __future__ import annotations

import json
import subprocess

import pytest

from mlwa_notebook.engine import analyze_notebook
from tests.kernel.harness import KernelNotebook, data_of, errors_of, text_of

TRAIN = """\
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.linear_model import LogisticRegression
X, y = make_classification(n_samples=60, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y)
model = LogisticRegression().fit(X_train, y_train)
"""


def test_the_kernel_gets_the_cell_id_and_session_like_in_jupyterlab(fresh: KernelNotebook) -> None:
    cell = fresh.cell("print(get_ipython().parent_header['metadata']['cellId'], __session__)")
    fresh.save()
    assert text_of(fresh.run(cell)).split() == [cell.id, str(fresh.path)]


def test_help_lists_every_subcommand(fresh: KernelNotebook) -> None:
    text = text_of(fresh.run_code("%mlwa help"))
    for sub in (
        "status",
        "findings",
        "checklist",
        "answer",
        "phase",
        "ignore",
        "radar",
        "panel",
        "export",
        "lens",
        "auto",
        "--path",
    ):
        assert sub in text


def test_unknown_subcommand_is_a_clear_error_with_usage(fresh: KernelNotebook) -> None:
    errors = errors_of(fresh.run_code("%mlwa bogus"))
    assert "UsageError: %mlwa: unknown subcommand 'bogus'" in errors
    assert "%mlwa SUBCOMMAND" in errors


def test_unknown_option_and_bad_values_are_errors(fresh: KernelNotebook) -> None:
    for line, expected in (
        ("%mlwa status --bogus", "unknown option --bogus"),
        ("%mlwa checklist nowhere", "no phase or pillar 'nowhere'"),
        ("%mlwa answer NOPE-BP99 done", "no best practice 'NOPE-BP99'"),
        ("%mlwa answer MLOPS01-BP01 na", "say why MLOPS01-BP01 does not apply"),
        ("%mlwa phase cooking", "unknown phase 'cooking'"),
        ("%mlwa ignore MLW999", "no rule 'MLW999'"),
        ("%mlwa auto maybe", "auto takes on or off"),
        ("%mlwa --path missing.ipynb status", "no such notebook"),
    ):
        errors = errors_of(fresh.run_code(line))
        assert "UsageError" in errors and expected in errors, (line, errors)


def test_status_names_what_was_analysed_and_shows_phases_pillars_findings(
    fresh: KernelNotebook,
) -> None:
    fresh.markdown("# Train the model")
    fresh.cell(TRAIN)
    outputs = fresh.run_code("%mlwa status")
    text = text_of(outputs)
    assert f"analysed: the saved file {fresh.path}" in text
    assert "the Jupyter session" in text
    # The training cell's phase, as the analysis of the saved file gives it, is shown.
    saved = analyze_notebook(json.loads(fresh.path.read_text()), path=str(fresh.path))
    assert saved.cells[1].phase.value in text
    assert "Security" in text and "met / counted" in text
    assert "MLW004" in text and "train_test_split" in text
    html = "".join(data_of(outputs, "text/html"))
    assert "<table" in html and "Pillar coverage" in html and "MLW004" in html


def test_status_warns_when_the_saved_file_is_older_than_what_ran(fresh: KernelNotebook) -> None:
    fresh.save()
    cell = fresh.cell("%mlwa status")  # not saved: the file does not hold the running cell
    text = text_of(fresh.run(cell))
    assert "the saved file is older than what ran" in text


def test_findings_and_checklist(fresh: KernelNotebook) -> None:
    fresh.cell(TRAIN)
    findings = text_of(fresh.run_code("%mlwa findings"))
    assert "Open findings" in findings and "fix:" in findings
    checklist = text_of(fresh.run_code("%mlwa checklist model-development"))
    assert "Checklist: model-development" in checklist
    assert "MLREL03-BP03" in checklist
    by_pillar = text_of(fresh.run_code("%mlwa checklist security"))
    assert "Checklist: Security" in by_pillar
    assert "MLOPS" not in by_pillar


def test_lens_lists_the_bundled_lens(fresh: KernelNotebook) -> None:
    text = text_of(fresh.run_code("%mlwa lens"))
    assert "bundled" in text and "best practices" in text and "configuration:" in text


def test_auto_on_off_reports_its_state(fresh: KernelNotebook) -> None:
    assert "is off" in text_of(fresh.run_code("%mlwa auto off"))
    assert "is on" in text_of(fresh.run_code("%mlwa auto on"))


def test_radar_carries_a_plotly_figure_and_a_table(fresh: KernelNotebook) -> None:
    fresh.cell(TRAIN)
    outputs = fresh.run_code("%mlwa radar")
    figures = data_of(outputs, "application/vnd.plotly.v1+json")
    assert len(figures) == 1
    # the coverage trace last, over the dashed line of what the notebook shows by itself
    shown, trace = figures[0]["data"]
    assert shown["name"] == "shown by the notebook" and "checked" in shown["customdata"][0]
    assert trace["type"] == "scatterpolar"
    assert trace["theta"][:6] == [
        "Operational excellence",
        "Security",
        "Reliability",
        "Performance efficiency",
        "Cost optimization",
        "Sustainability",
    ]
    assert all(0 <= r <= 100 for r in trace["r"])
    assert "met" in trace["customdata"][0] and "violated" in trace["customdata"][0]
    assert figures[0]["layout"]["polar"]["radialaxis"]["range"] == [0, 100]
    assert "<table" in "".join(data_of(outputs, "text/html"))


def test_export_writes_a_review_copy_in_the_format_the_name_asks(fresh: KernelNotebook) -> None:
    pytest.importorskip("mlwa_notebook.export")
    fresh.cell(TRAIN)
    text = text_of(fresh.run_code("%mlwa export review.ipynb --force"))
    assert "exported the saved file as ipynb to review.ipynb" in text
    assert (fresh.path.parent / "review.ipynb").is_file()
    assert "as markdown to review.md" in text_of(fresh.run_code("%mlwa export review.md --force"))
    again = errors_of(fresh.run_code("%mlwa export review.md"))
    assert "exists" in again and "--force" in again


def test_radar_compare_overlays_the_notebook_at_a_git_ref(fresh: KernelNotebook) -> None:
    folder = fresh.path.parent
    git = ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    fresh.cell(TRAIN)
    fresh.save()
    subprocess.run([*git, "add", fresh.path.name], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "milestone"], check=True)
    fresh.nb.cells[0].source = TRAIN.replace(
        "train_test_split(X, y)", "train_test_split(X, y, random_state=0)"
    )
    outputs = fresh.run_code("%mlwa radar --compare HEAD")
    (figure,) = data_of(outputs, "application/vnd.plotly.v1+json")
    names = [t["name"] for t in figure["data"]]
    assert names[0].startswith("HEAD (") and names[1] == "now"
    assert figure["data"][0]["r"] != figure["data"][1]["r"]
    assert "pts" in text_of(outputs)
    assert "unknown git ref 'nope'" in errors_of(fresh.run_code("%mlwa radar --compare nope"))


def test_only_phase_and_ignore_take_a_cell_body(fresh: KernelNotebook) -> None:
    errors = errors_of(fresh.run_code("%%mlwa status\nx = 1"))
    assert "%%mlwa status takes no cell body" in errors


def test_the_cell_magic_called_directly_still_runs_its_body(fresh: KernelNotebook) -> None:
    outputs = fresh.run_code(
        "get_ipython().run_cell_magic('mlwa', 'phase feature-engineering', 'made = 7')\nmade"
    )
    assert data_of(outputs, "text/plain")[-1] == "7"
    assert "phase set to feature-engineering" in text_of(outputs)


def test_lens_lists_custom_lenses_and_their_practices_can_be_answered(
    fresh: KernelNotebook,
) -> None:
    folder = fresh.path.parent
    lens = {
        "schema_version": "1",
        "id": "acme-ml-lens",
        "name": "ACME ML house rules",
        "description": "Practices our ML platform team asks every notebook to follow.",
        "design_principles": [],
        "best_practices": [
            {
                "id": "ACME-DATA-01",
                "aliases": [],
                "pillar": "reliability",
                "phase": "data-processing",
                "risk": "high",
                "title": "Read training data only from the curated zone",
                "description": "Raw buckets change without notice; the curated zone is versioned.",
                "question": "Does every training read come from the curated zone?",
                "notebook_evidence": "All S3 reads use the s3://acme-curated/ prefix.",
                "url": "https://wiki.example.org/ml/curated-zone",
            }
        ],
    }
    (folder / "acme.json").write_text(json.dumps(lens), encoding="utf-8")
    (folder / "pyproject.toml").write_text(
        '[tool.mlwa]\nlenses = ["acme.json"]\n', encoding="utf-8"
    )
    try:
        text = text_of(fresh.run_code("%mlwa lens"))
        assert "acme-ml-lens" in text and "custom" in text and "1 custom" in text
        assert str(folder / "pyproject.toml") in text
        answered = text_of(fresh.run_code("%mlwa answer ACME-DATA-01 done curated reads only"))
        assert "ACME-DATA-01 marked done" in answered
    finally:
        (folder / "pyproject.toml").unlink()


def test_checklist_of_a_setup_cell_is_the_one_the_report_gives_the_sidebar(
    fresh: KernelNotebook,
) -> None:
    # Given: a setup cell at the top (no lens phase, nothing above it), monitoring code below
    from mlwa_notebook.engine import analyze_notebook

    top = fresh.cell("%mlwa checklist", mlwa={"phase": "setup"})
    fresh.cell(
        "from sagemaker.model_monitor import DefaultModelMonitor\n"
        "monitor = DefaultModelMonitor(role=role, instance_type='ml.m5.xlarge')\n"
        "monitor.create_monitoring_schedule(endpoint_input=predictor.endpoint_name)"
    )
    fresh.save()
    # When: the magic runs there, and the core analyses the same file (the sidebar's report)
    text = text_of(fresh.run(top))
    cell = analyze_notebook(fresh.on_disk()).cells[0]
    # Then: both show the nearest cell's phase, the one the report decided
    assert cell.lens_phase is None and cell.checklist_phase == "monitoring"
    assert "Checklist for cell 1: monitoring" in text
