"""The check after every cell, in a real kernel: a note for a bad cell, once, never a broken cell."""

from __future__ import annotations

from typing import Any

from tests.kernel.harness import KernelNotebook, data_of, errors_of, text_of

UNSEEDED_SPLIT = """\
import numpy as np
from sklearn.model_selection import train_test_split
X = np.arange(40).reshape(20, 2)
y = np.arange(20) % 2
X_train, X_test, y_train, y_test = train_test_split(X, y)
"""
SEEDED_SPLIT = UNSEEDED_SPLIT.replace(
    "train_test_split(X, y)", "train_test_split(X, y, random_state=0)"
)


def notes(outputs: list[Any]) -> list[str]:
    """The after-cell notes among a cell's outputs (HTML with the note's class)."""
    return [h for h in data_of(outputs, "text/html") if 'class="mlwa-note"' in h]


def test_a_bad_cell_gets_a_note_naming_the_finding(fresh: KernelNotebook) -> None:
    outputs = fresh.run_code(UNSEEDED_SPLIT)
    found = notes(outputs)
    assert len(found) == 1
    assert "MLW004" in found[0] and "train_test_split" in found[0]
    assert "mlwa: warning MLW004 unseeded-randomness" in text_of(outputs)
    assert "fix:" in text_of(outputs)


def test_a_clean_cell_gets_no_note(fresh: KernelNotebook) -> None:
    outputs = fresh.run_code(SEEDED_SPLIT)
    assert notes(outputs) == []
    assert errors_of(outputs) == ""


def test_a_repeated_run_does_not_repeat_the_note(fresh: KernelNotebook) -> None:
    cell = fresh.cell(UNSEEDED_SPLIT)
    fresh.save()
    assert len(notes(fresh.run(cell))) == 1
    assert notes(fresh.run(cell)) == []


def test_an_unsaved_cell_is_checked_as_it_ran(fresh: KernelNotebook) -> None:
    saved = fresh.cell(SEEDED_SPLIT)
    fresh.save()
    fresh.run(saved)
    saved.source = UNSEEDED_SPLIT  # edited in the editor, not saved
    assert len(notes(fresh.run(saved))) == 1
    new = fresh.cell(UNSEEDED_SPLIT.replace("X_train", "A_train"))  # a new, unsaved cell
    assert len(notes(fresh.run(new))) == 1


def test_the_note_follows_auto_off_and_on(fresh: KernelNotebook) -> None:
    fresh.run_code("%mlwa auto off")
    assert notes(fresh.run_code(UNSEEDED_SPLIT.replace("y)", "y )"))) == []
    fresh.run_code("%mlwa auto on")
    assert len(notes(fresh.run_code(UNSEEDED_SPLIT.replace("y)", "y  )")))) == 1


def test_an_internal_failure_does_not_fail_the_users_cell(fresh: KernelNotebook) -> None:
    # Break the check from inside the kernel: every analysis from now on raises.
    fresh.run_code(
        "from mlwa_notebook.magics import session_of\n"
        "_mlwa = session_of(get_ipython())\n"
        "def _broken(*args, **kwargs):\n"
        "    raise RuntimeError('simulated bug')\n"
        "_mlwa.analyse_input = _broken"
    )
    try:
        outputs = fresh.run_code("answer = 41 + 1\nanswer")
        assert [o for o in outputs if o["output_type"] == "error"] == []
        assert data_of(outputs, "text/plain") == ["42"]
        warning = errors_of(outputs)
        assert "the check after this cell failed (RuntimeError: simulated bug)" in warning
        assert "your cell ran normally" in warning and warning.count("\n") == 1  # one line
        again = fresh.run_code("other = 1")
        assert errors_of(again) == ""  # shown once, not under every cell
    finally:
        fresh.run_code("del _mlwa.analyse_input")
    assert len(notes(fresh.run_code(UNSEEDED_SPLIT.replace("y)", "y   )")))) == 1


def test_a_slow_check_is_told_once(fresh: KernelNotebook) -> None:
    # Any check is "slow" from the cell that says so on (the check after it included): the
    # user is told once, whatever each check cost, and never for the kernel's first check.
    told = [
        errors_of(fresh.run_code("import mlwa_notebook.kernel.autocheck as _ac\n_ac.SLOW_S = 0.0"))
    ]
    try:
        told += [errors_of(fresh.run_code(code)) for code in ("x = 1", "y = 2", "z = 3")]
        slow = [t for t in told if "mlwa: checking this notebook after each cell takes" in t]
        assert len(slow) == 1, told
        assert "`%mlwa auto off` turns it off" in slow[0]
    finally:
        fresh.run_code("_ac.SLOW_S = 0.5")
