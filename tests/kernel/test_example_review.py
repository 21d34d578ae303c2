"""The example notebooks' "Review with mlwa" cells run in a kernel started for the notebook."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from tests.kernel.harness import KernelNotebook, data_of, errors_of, text_of

EXAMPLES = Path(__file__).resolve().parents[2] / "example_notebooks"
REVIEWED = ["01-well-architected-classifier.ipynb", "04-monitoring-drift.ipynb"]


@pytest.fixture(scope="module")
def example_kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KernelNotebook]:
    folder = tmp_path_factory.mktemp("examples")
    for name in REVIEWED:
        shutil.copy(EXAMPLES / name, folder / name)
    kernel = KernelNotebook(
        folder / "scratch.ipynb", env={"JPY_SESSION_NAME": str(folder / REVIEWED[0])}
    )
    try:
        yield kernel
    finally:
        kernel.close()


@pytest.mark.parametrize("name", REVIEWED)
def test_review_cells_of_the_example_run_cleanly(example_kernel: KernelNotebook, name: str) -> None:
    path = example_kernel.path.parent / name
    example = nbformat.read(path, as_version=4)
    review = [c for c in example.cells if c.cell_type == "code" and "mlwa" in c.source]
    assert [c.source.split()[0] for c in review][:1] == ["%load_ext"]
    example_kernel.nb.cells = review
    shown: list[str] = []
    for cell in review:
        source = (
            cell.source
            if name == REVIEWED[0]
            else cell.source.replace("%mlwa ", f"%mlwa --path {name} ", 1)
        )
        cell.source = source
        outputs = example_kernel.run(cell)
        assert errors_of(outputs) == "", (cell.source, errors_of(outputs))
        shown.append(text_of(outputs))
        if "radar" in source:
            assert data_of(outputs, "application/vnd.plotly.v1+json")
        if "panel" in source:
            assert data_of(outputs, "application/vnd.jupyter.widget-view+json")
    assert any(f"analysed: the saved file {path}" in text for text in shown)
