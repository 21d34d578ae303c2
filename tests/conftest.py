"""Shared test helpers: notebooks built with nbformat's own builders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DEVSET = SHARED / "devset"


def make_notebook(*cells: str | tuple[str, str], **metadata: Any) -> dict[str, Any]:
    """A v4 notebook from sources; ``("md", text)`` makes a markdown cell."""
    built = []
    for cell in cells:
        if isinstance(cell, tuple):
            kind, text = cell
            built.append(new_markdown_cell(text) if kind == "md" else new_code_cell(text))
        else:
            built.append(new_code_cell(cell))
    nb = new_notebook(cells=built, metadata=metadata)
    return json.loads(nbformat.writes(nb))


def write_notebook(path: Path, nb: dict[str, Any]) -> Path:
    """Write a notebook dict as a file and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return path


@pytest.fixture
def devset() -> Path:
    """The shared labelled notebooks (skips where the checkout has no shared/ beside it)."""
    if not (DEVSET / "labels.jsonl").is_file():
        pytest.skip("../shared/devset is not present beside this checkout")
    return DEVSET


def team_lens(lens_id: str = "team-lens", practice_id: str = "TEAM01-BP01") -> dict[str, Any]:
    """A minimal valid custom lens with one security practice, as a team would write it."""
    return {
        "schema_version": "1",
        "id": lens_id,
        "name": "Our team's lens",
        "description": "Extra practices we review.",
        "best_practices": [
            {
                "id": practice_id,
                "aliases": [],
                "pillar": "security",
                "phase": "data-processing",
                "risk": "high",
                "title": "Mask customer identifiers",
                "description": "Customer ids are hashed before analysis.",
                "question": "Are customer identifiers hashed before any analysis?",
                "notebook_evidence": "a hashing step over id columns",
            }
        ],
    }


#: A cell with unseeded randomness, and one with nothing to find: the CLI tests' two notebooks.
UNSEEDED = (
    "from sklearn.model_selection import train_test_split\na, b = train_test_split([1, 2, 3])"
)
CLEAN = "x = 1 + 1"


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``mlwa`` in process: its exit code, standard output and standard error."""
    from mlwa_notebook.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def _result_cache_of_its_own(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test's `mlwa check` keeps its result cache apart: no test sees another's results."""
    monkeypatch.setenv("MLWA_CACHE_DIR", str(tmp_path_factory.mktemp("mlwa-cache")))
