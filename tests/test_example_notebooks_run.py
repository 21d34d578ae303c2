"""The example notebooks are the product's demo, so they must stay valid and keep running.

Notebooks 01, 02 and 04 are executed offline with nbclient on a copy in a temporary folder,
stopping before their "Review with mlwa" section (the first ``%load_ext mlwa_notebook`` cell
and everything after it), so these tests do not depend on the magics. Notebook 03 needs an AWS
account: it is only checked to be valid nbformat whose code parses.
"""

from __future__ import annotations

import ast
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat")

EXAMPLES = Path(__file__).resolve().parent.parent / "example_notebooks"
CLASSIFIER = "01-well-architected-classifier.ipynb"
MESSY = "02-messy-experiment.ipynb"
SAGEMAKER = "03-sagemaker-train-deploy.ipynb"
MONITORING = "04-monitoring-drift.ipynb"
RUNNABLE = [CLASSIFIER, MESSY, MONITORING]
ALL_NOTEBOOKS = [CLASSIFIER, MESSY, SAGEMAKER, MONITORING]
WITH_REVIEW_SECTION = [CLASSIFIER, MONITORING]

REVIEW_START = "%load_ext mlwa_notebook"
REVIEW_MAGICS = ["%mlwa status", "%mlwa radar", "%mlwa panel"]
CELL_TIMEOUT_S = 300


def read_example(name: str) -> Any:
    return nbformat.read(EXAMPLES / name, as_version=nbformat.NO_CONVERT)


def python_source(cell_source: str) -> str:
    """The Python a code cell holds once IPython syntax is removed.

    A ``%%writefile x.py`` cell holds a Python file, so its body is kept; the body of any other
    cell magic is not Python and is dropped. Line magics and shell escapes are dropped.
    """
    lines = cell_source.splitlines()
    if lines and lines[0].startswith("%%"):
        magic = lines[0].split()
        if magic[0] != "%%writefile" or not magic[-1].endswith(".py"):
            return ""
        lines = lines[1:]
    return "\n".join(line for line in lines if not line.lstrip().startswith(("%", "!")))


def review_start_index(nb: Any) -> int | None:
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and cell.source.strip().startswith(REVIEW_START):
            return index
    return None


def outputs_text(nb: Any) -> str:
    """Everything the executed cells printed or displayed as text, in order."""
    chunks = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                chunks.append(output.text)
            elif output.output_type in ("execute_result", "display_data"):
                chunks.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(chunks)


# --- static checks: every notebook -------------------------------------------------------


@pytest.mark.parametrize("name", ALL_NOTEBOOKS)
def test_example_is_valid_nbformat_4_5_with_python3_kernel(name: str) -> None:
    nb = read_example(name)

    nbformat.validate(nb)
    assert (nb.nbformat, nb.nbformat_minor) >= (4, 5)
    assert all(cell.get("id") for cell in nb.cells), "every cell needs an id"
    assert len({cell.id for cell in nb.cells}) == len(nb.cells), "cell ids must be unique"
    assert nb.metadata.kernelspec.name == "python3"
    assert 15 <= len(nb.cells) <= 40


@pytest.mark.parametrize("name", ALL_NOTEBOOKS)
def test_example_is_stored_without_outputs(name: str) -> None:
    nb = read_example(name)

    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]

    assert code_cells
    assert all(cell.outputs == [] for cell in code_cells)
    assert all(cell.execution_count is None for cell in code_cells)


@pytest.mark.parametrize("name", ALL_NOTEBOOKS)
def test_every_code_cell_parses_as_python(name: str) -> None:
    nb = read_example(name)

    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            try:
                ast.parse(python_source(cell.source))
            except SyntaxError as error:  # pragma: no cover - the message is the point
                pytest.fail(f"{name} cell {index} ({cell.id}) does not parse: {error}")


@pytest.mark.parametrize("name", WITH_REVIEW_SECTION)
def test_review_with_mlwa_section_is_last(name: str) -> None:
    nb = read_example(name)

    start = review_start_index(nb)

    assert start is not None
    assert "Review with mlwa" in nb.cells[start - 1].source
    assert [cell.source.strip() for cell in nb.cells[start + 1 :]] == REVIEW_MAGICS


def test_sagemaker_notebook_says_it_is_analysed_only() -> None:
    nb = read_example(SAGEMAKER)

    first = nb.cells[0]

    assert first.cell_type == "markdown"
    assert "does not run here" in first.source
    assert review_start_index(nb) is None


# --- execution: 01, 02, 04 ----------------------------------------------------------------


def execute_example(name: str, workdir: Path) -> Any:
    """Run the notebook up to its review section in `workdir`; the original is only read."""
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    from nbclient import NotebookClient

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:  # pragma: no cover - depends on the environment
        pytest.skip("no python3 Jupyter kernel is installed")

    nb = read_example(name)
    start = review_start_index(nb)
    if start is not None:
        nb.cells = nb.cells[:start]
    nbformat.write(nb, workdir / name)

    # No cell may reach the network: a `pip install` in a notebook resolves from what is
    # installed or fails, quietly, instead of downloading.
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=CELL_TIMEOUT_S,
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute(env=env)
    nbformat.write(nb, workdir / f"executed-{name}")
    return nb


@pytest.fixture(scope="module")
def run_example(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[Any, Path]]:
    """Execute each notebook at most once per test module; returns (executed nb, workdir)."""
    done: dict[str, tuple[Any, Path]] = {}

    def run(name: str) -> tuple[Any, Path]:
        if name not in done:
            workdir = tmp_path_factory.mktemp(name.split("-")[0])
            done[name] = (execute_example(name, workdir), workdir)
        return done[name]

    return run


@pytest.mark.parametrize("name", RUNNABLE)
def test_example_runs_offline_without_touching_the_original(name: str, run_example) -> None:
    original = (EXAMPLES / name).read_bytes()

    nb, _ = run_example(name)

    errors = [o for cell in nb.cells for o in cell.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    assert all(cell.execution_count for cell in nb.cells if cell.cell_type == "code")
    assert (EXAMPLES / name).read_bytes() == original


def test_classifier_reports_held_out_metrics_and_writes_a_model_card(run_example) -> None:
    nb, workdir = run_example(CLASSIFIER)

    text = outputs_text(nb)
    recall = re.search(r"Held-out test recall\s*:\s*([01]\.\d+)", text)
    auc = re.search(r"Held-out test ROC AUC\s*:\s*([01]\.\d+)", text)

    assert recall and auc, "the classifier notebook must print its held-out metrics"
    assert 0.0 <= float(recall.group(1)) <= 1.0
    card = json.loads(
        (workdir / "artifacts" / "breast-cancer-triage" / "model_card.json").read_text()
    )
    assert re.fullmatch(r"[0-9a-f]{64}", card["data"]["sha256"])
    assert card["test_metrics"]["recall"] == pytest.approx(float(recall.group(1)), abs=1e-3)


def test_monitoring_alerts_on_the_drifted_batch_only(run_example) -> None:
    nb, workdir = run_example(MONITORING)

    text = outputs_text(nb)
    alarms = [
        json.loads(line)
        for line in (workdir / "artifacts" / "monitoring" / "alarms.jsonl").read_text().splitlines()
    ]

    assert "ALERT [2024-06-05]" in text
    assert "ALERT [2024-06-03]" not in text and "ALERT [2024-06-04]" not in text
    assert [alarm["batch_id"] for alarm in alarms] == ["2024-06-05"]
    (overall,) = [cell for cell in nb.cells if cell.id == "overall-status"]
    assert "'status': 'ALERT'" in overall.outputs[0]["data"]["text/plain"]
