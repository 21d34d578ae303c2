"""What the user sets through the kernel ends up in the saved notebook (no JupyterLab extension)."""

from __future__ import annotations

from typing import Any

import nbformat

from tests.kernel.harness import KernelNotebook, data_of, errors_of, text_of

UNSEEDED = """\
import numpy as np
from sklearn.model_selection import train_test_split
X_train, X_test = train_test_split(np.arange(20))
"""


def checklist_on_disk(kernel: KernelNotebook) -> dict[str, Any]:
    checklist: dict[str, Any] = kernel.on_disk()["metadata"].get("mlwa", {}).get("checklist", {})
    return checklist


def cell_meta_on_disk(kernel: KernelNotebook, cell_id: str) -> dict[str, Any]:
    for cell in kernel.on_disk()["cells"]:
        if cell["id"] == cell_id:
            meta: dict[str, Any] = cell["metadata"].get("mlwa", {})
            return meta
    raise AssertionError(f"no cell {cell_id} on disk")


def test_answers_are_written_to_the_notebook_file(fresh: KernelNotebook) -> None:
    fresh.cell(UNSEEDED)
    done = text_of(fresh.run_code("%mlwa answer MLOPS03-BP02 done data versioned in DVC"))
    fresh.reload()
    na = text_of(fresh.run_code('%mlwa answer MLOPS01-BP01 na "a tutorial: no business owner"'))
    assert f"written to {fresh.path}" in done and "Reload Notebook from Disk" in done
    assert "MLOPS01-BP01 marked not applicable" in na
    stored = checklist_on_disk(fresh)
    assert stored["MLOPS03-BP02"]["state"] == "done"
    assert stored["MLOPS03-BP02"]["note"] == "data versioned in DVC"
    assert stored["MLOPS01-BP01"] == {
        "state": "na",
        "reason": "a tutorial: no business owner",
        "updated": stored["MLOPS01-BP01"]["updated"],
        "by": stored["MLOPS01-BP01"]["by"],  # who answered: tests/kernel/test_attested.py
    }
    nbformat.validate(nbformat.reads(fresh.path.read_text(encoding="utf-8"), as_version=4))


def test_the_report_sees_the_answer_at_once(fresh: KernelNotebook) -> None:
    fresh.cell(UNSEEDED)
    fresh.run_code("%mlwa answer MLREL03-BP03 done holdout in cell 9")
    fresh.reload()
    text = text_of(fresh.run_code("%mlwa checklist model-development"))
    assert "MLREL03-BP03" in text
    line = next(x for x in text.splitlines() if "MLREL03-BP03" in x)
    assert "met (answered done" in line and "note: holdout in cell 9" in line


def test_a_newer_answer_on_disk_is_never_overwritten(fresh: KernelNotebook) -> None:
    fresh.nb.metadata["mlwa"] = {
        "version": 1,
        "checklist": {
            "MLOPS02-BP04": {
                "state": "na",
                "reason": "set in the sidebar",
                "updated": "2999-01-01T00:00:00.000000Z",
            }
        },
    }
    fresh.run_code("%mlwa answer MLOPS02-BP04 open reconsider")
    assert checklist_on_disk(fresh)["MLOPS02-BP04"]["reason"] == "set in the sidebar"


def test_other_content_of_the_file_is_kept(fresh: KernelNotebook) -> None:
    first = fresh.cell("print('hello')")
    fresh.save()
    fresh.run(first)
    fresh.save()  # with the output
    before = fresh.on_disk()
    fresh.run_code("%mlwa answer MLOPS03-BP01 done")
    after = fresh.on_disk()
    assert after["cells"][0] == before["cells"][0]
    assert after["metadata"]["kernelspec"] == before["metadata"]["kernelspec"]


def test_phase_of_the_running_cell_is_saved_in_its_metadata(fresh: KernelNotebook) -> None:
    cell = fresh.cell("%mlwa phase model-tuning")
    fresh.save()
    text = text_of(fresh.run(cell))
    assert "phase set to model-tuning" in text
    assert cell_meta_on_disk(fresh, cell.id)["phase"] == "model-tuning"
    fresh.reload()
    shown = text_of(fresh.run_code("%mlwa status"))
    assert "model-tuning*" in shown and "set by you" in shown
    asked = fresh.cell("%mlwa phase", mlwa={"phase": "deployment"})
    fresh.save()
    assert "deployment (set by you" in text_of(fresh.run(asked))


def test_cell_magic_sets_the_phase_and_runs_the_body(fresh: KernelNotebook) -> None:
    cell = fresh.cell("%%mlwa phase model-evaluation\nscore = 0.5 + 0.25\nscore")
    fresh.save()
    outputs = fresh.run(cell)
    assert data_of(outputs, "text/plain")[-1] == "0.75"
    assert cell_meta_on_disk(fresh, cell.id)["phase"] == "model-evaluation"
    failing = fresh.cell("%%mlwa phase model-training\nraise ValueError('from the body')")
    fresh.save()
    errors = [o for o in fresh.run(failing) if o["output_type"] == "error"]
    assert errors and errors[0]["ename"] == "ValueError"  # the body's error fails the cell
    typo = fresh.cell("%%mlwa phase cooking\nz = 5\nz")
    fresh.save()
    outputs = fresh.run(typo)
    assert data_of(outputs, "text/plain")[-1] == "5"  # the user's code runs all the same
    assert "unknown phase 'cooking'" in errors_of(outputs) and "the cell ran anyway" in errors_of(
        outputs
    )


def test_ignore_for_the_cell_and_for_the_notebook(fresh: KernelNotebook) -> None:
    cell = fresh.cell("%mlwa ignore MLW004 seeded by the harness\n" + UNSEEDED)
    fresh.save()
    outputs = fresh.run(cell)
    assert "MLW004 suppressed for this cell" in text_of(outputs)
    assert 'class="mlwa-note"' not in "".join(data_of(outputs, "text/html"))
    assert cell_meta_on_disk(fresh, cell.id)["ignore"] == {"MLW004": "seeded by the harness"}
    fresh.reload()
    fresh.run_code("%mlwa ignore unpinned-install --notebook pinned by the image")
    fresh.reload()
    assert fresh.on_disk()["metadata"]["mlwa"]["ignore"] == {"MLW005": "pinned by the image"}
    assert "suppressed" in text_of(fresh.run_code("%mlwa findings"))


def test_phase_of_an_unsaved_cell_asks_to_save_first(fresh: KernelNotebook) -> None:
    fresh.save()
    cell = fresh.cell("%mlwa phase deployment")  # not saved
    assert "save the notebook" in errors_of(fresh.run(cell))
