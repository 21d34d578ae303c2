"""The report does not depend on Python's hash seed (sets iterate in another order per process)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat

CELLS = [
    "import whylogs as why\nfrom whylogs.core.schema import DeclarativeSchema\n"
    "from whylogs.core.resolvers import STANDARD_RESOLVER\n"
    "from sklearn.model_selection import GridSearchCV",
    "grid = GridSearchCV(model, {'max_depth': [2, 4]}, cv=5).fit(X, y)",
    "print(grid.best_score_)\nprint(grid.best_params_)\nprint(grid.best_estimator_)\n"
    "print(grid.cv_results_)\nprint(grid.best_index_)",
]


def _report(path: Path, seed: str) -> str:
    command = [sys.executable, "-m", "mlwa_notebook.cli", "check", str(path)]
    done = subprocess.run(
        [*command, "--no-cache", "--format", "json"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": seed},
        check=False,
    )
    assert done.stdout, done.stderr
    return done.stdout


def test_two_processes_with_other_hash_seeds_give_the_same_report(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in CELLS]
    path = tmp_path / "seeded.ipynb"
    nbformat.write(nb, path)
    reports = {_report(path, seed) for seed in ("1", "2", "3", "4")}
    assert len(reports) == 1
