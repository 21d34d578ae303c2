"""Fixtures: one real kernel per test module (see ``harness.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.kernel.harness import KernelNotebook, text_of


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KernelNotebook]:
    """One kernel per test module, started for ``work.ipynb`` in a fresh folder."""
    folder = tmp_path_factory.mktemp("kernel")
    notebook = KernelNotebook(folder / "work.ipynb")
    try:
        load = notebook.cell("%load_ext mlwa_notebook")
        notebook.save()
        outputs = notebook.run(load)
        assert not [o for o in outputs if o.get("output_type") == "error"], text_of(outputs)
        yield notebook
    finally:
        notebook.close()


@pytest.fixture()
def fresh(kernel: KernelNotebook) -> KernelNotebook:
    """The module's kernel with an empty notebook."""
    kernel.reset()
    kernel.save()
    return kernel
