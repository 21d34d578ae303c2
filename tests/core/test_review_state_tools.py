"""The review state (answers, phases, suppressions) survives the tools teams already run.

nbstripout with its default settings, jupytext pairing (and a text-only round trip with the
documented metadata filter), nbdime diffs: each test runs the real tool (test extra) on a
notebook carrying review state, then analyses what comes back.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mlwa_notebook.engine import analyze_notebook
from tests.conftest import REPO

EXAMPLE = REPO / "example_notebooks" / "01-well-architected-classifier.ipynb"
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return found


def _run(*args: str | Path, cwd: Path) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _reviewed(tmp_path: Path) -> tuple[Path, str]:
    """The example with answers, one explicit phase and one cell suppression."""
    nb = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    cell = [c for c in nb["cells"] if c["cell_type"] == "code"][3]
    cell["metadata"].setdefault("mlwa", {})["phase"] = "model-evaluation"
    cell["metadata"]["mlwa"]["ignore"] = {"MLW004": "seeded upstream"}
    path = tmp_path / "review.ipynb"
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return path, str(cell["id"])


def _state(path: Path) -> dict[str, Any]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    report = analyze_notebook(raw)
    return {
        "cell_state": [c["metadata"]["mlwa"] for c in raw["cells"] if "mlwa" in c["metadata"]],
        "answers": {s.id: (s.state, s.by) for s in report.checklist if s.source == "checklist"},
        "explicit": [(c.index, c.phase) for c in report.cells if c.phase_source == "explicit"],
        "suppressed": [(f.cell_index, f.code, f.suppressed) for f in report.suppressed],
        "scores": [s.percent for s in report.pillar_scores],
    }


def test_nbstripout_with_its_defaults_keeps_the_review(tmp_path: Path) -> None:
    path, _ = _reviewed(tmp_path)
    before = _state(path)
    assert before["answers"] and before["explicit"]
    stripped = tmp_path / "stripped.ipynb"
    shutil.copy(path, stripped)
    _run(_tool("nbstripout"), stripped, cwd=tmp_path)
    assert "outputs" in stripped.read_text(encoding="utf-8")
    assert _state(stripped) == before


def test_jupytext_pairing_keeps_the_review_when_the_text_file_is_edited(tmp_path: Path) -> None:
    path, _ = _reviewed(tmp_path)
    before = _state(path)
    jupytext = _tool("jupytext")
    _run(jupytext, "--set-formats", "ipynb,py:percent", path, cwd=tmp_path)
    script = path.with_suffix(".py")
    script.write_text(script.read_text(encoding="utf-8") + "\n# %%\nx = 1\n", encoding="utf-8")
    _run(jupytext, "--sync", path, cwd=tmp_path)
    after = json.loads(path.read_text(encoding="utf-8"))
    assert "".join(after["cells"][-1]["source"]) == "x = 1"  # the edit made it in
    assert _state(path)["answers"] == before["answers"]
    assert _state(path)["explicit"] == before["explicit"]


def test_jupytext_text_only_keeps_answers_with_the_documented_filter(tmp_path: Path) -> None:
    path, _ = _reviewed(tmp_path)
    before = _state(path)
    jupytext = _tool("jupytext")
    plain, kept = tmp_path / "plain.py", tmp_path / "kept.py"
    _run(jupytext, "--to", "py:percent", path, "-o", plain, cwd=tmp_path)
    opt = "notebook_metadata_filter=mlwa"
    _run(jupytext, "--to", "py:percent", "--opt", opt, path, "-o", kept, cwd=tmp_path)
    for script in (plain, kept):
        _run(jupytext, "--to", "ipynb", script, "-o", script.with_suffix(".ipynb"), cwd=tmp_path)
    # cell metadata (the phase you set, a cell's suppression) travels in the `# %%` line ...
    lost = _state(plain.with_suffix(".ipynb"))
    assert lost["explicit"] == before["explicit"]
    assert lost["cell_state"] == before["cell_state"]
    assert {"phase": "model-evaluation", "ignore": {"MLW004": "seeded upstream"}} in lost[
        "cell_state"
    ]
    # ... notebook metadata (the answers) only with the filter the README documents
    assert lost["answers"] == {}
    assert _state(kept.with_suffix(".ipynb"))["answers"] == before["answers"]


def test_nbdime_shows_a_changed_answer_by_practice(tmp_path: Path) -> None:
    path, _ = _reviewed(tmp_path)
    changed = tmp_path / "changed.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["metadata"]["mlwa"]["checklist"]["MLOPS01-BP01"] = {
        "state": "na",
        "reason": "a tutorial",
        "updated": "2026-12-01T00:00:00.000000Z",
        "by": "Ada",
    }
    changed.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    diff = _run(_tool("nbdiff"), "--no-color", path, changed, cwd=tmp_path)
    assert "/metadata/mlwa/checklist/MLOPS01-BP01/state" in diff
    assert "/metadata/mlwa/checklist/MLOPS01-BP01/by" in diff and "Ada" in diff


def test_a_stripped_phase_key_falls_back_to_inference_and_the_tag_still_shows_it(
    tmp_path: Path,
) -> None:
    from mlwa_notebook.export import export_notebook

    path, cell_id = _reviewed(tmp_path)
    annotated = tmp_path / "annotated.ipynb"
    raw = json.loads(path.read_text(encoding="utf-8"))
    export = export_notebook(raw, str(path), "ipynb").data
    annotated.write_bytes(export)
    _run(_tool("nbstripout"), "--extra-keys", "cell.metadata.mlwa", annotated, cwd=tmp_path)
    # nbstripout renumbers the ids by default: find the cell by its place in the export
    position = [c.get("id") for c in json.loads(export.decode("utf-8"))["cells"]].index(cell_id)
    nb = json.loads(annotated.read_text(encoding="utf-8"))
    cell = nb["cells"][position]
    assert "mlwa" not in cell["metadata"]
    assert "mlwa:model-evaluation" in cell["metadata"]["tags"]
    assert analyze_notebook(nb).cells[position].phase_source != "explicit"
