"""``mlwa check`` and ``mlwa export`` over bad and crafted input: no traceback, no hang, no
secret in clear.

Every input is handed to the real command line in a subprocess, bounded by a timeout that only
a hang exceeds. Each run must end with an exit code of its own (0, 1 or 2) and, when it fails,
the reason naming the input; nothing planted as a secret may appear in what it prints or writes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mlwa_notebook.export.api import MAX_HTML_CELLS
from tests.conftest import make_notebook, write_notebook
from tests.core.test_linear_time import _fill
from tests.core.test_linear_time import _notebook as crafted_notebook
from tests.rules.test_secrets_everywhere import PLANTED, planted_notebook

HANG_S = 120


def _deep_text(depth: int) -> str:
    return (
        '{"nbformat": 4, "nbformat_minor": 5, "cells": [], "metadata": {"deep": '
        + "[" * depth
        + "]" * depth
        + "}}"
    )


def _deep_dicts(depth: int) -> dict[str, Any]:
    nb = make_notebook("x = 1")
    deep: dict[str, Any] = nb["metadata"]
    for _ in range(depth):
        deep["d"] = {}
        deep = deep["d"]
    return nb


def _write(text: str | bytes) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / "bad.ipynb"
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return path

    return build


def _notebook(nb: dict[str, Any]) -> Callable[[Path], Path]:
    return lambda folder: write_notebook(folder / "nb.ipynb", nb)


def _surrogate(folder: Path) -> Path:
    text = json.dumps(make_notebook("x = 'S'")).replace("'S'", "'\\ud800'")
    return _write(text)(folder)


def _loop(folder: Path) -> Path:
    (folder / "loop.ipynb").symlink_to(folder / "loop.ipynb")
    return folder / "loop.ipynb"


def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "x.ipynb")
    return folder / "x.ipynb"


def _fifo_in_folder(folder: Path) -> Path:
    (folder / "nbs").mkdir()
    os.mkfifo(folder / "nbs" / "x.ipynb")
    write_notebook(folder / "nbs" / "good.ipynb", make_notebook("x = 1"))
    return folder / "nbs"


def _many_cells(folder: Path) -> Path:
    nb = make_notebook()
    nb["cells"] = [
        {
            "cell_type": "code",
            "id": f"c{n}",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": f"x_{n} = {n}",
        }
        for n in range(MAX_HTML_CELLS * 20)
    ]
    return write_notebook(folder / "big.ipynb", nb)


INPUTS: dict[str, Callable[[Path], Path]] = {
    "JSON nested 100,000 deep": _write(_deep_text(100_000)),
    "metadata nested 900 deep": _notebook(_deep_dicts(900)),
    "a lone surrogate in a source": _surrogate,
    "a symbolic link loop named directly": _loop,
    "a FIFO named x.ipynb": _fifo,
    "a FIFO in a folder beside a notebook": _fifo_in_folder,
    "an empty file": _write(""),
    "invalid JSON": _write('{"cells": ['),
    "binary": _write(b"\x89PNG\r\n\x1a\n\x00\x00\x00"),
    "not UTF-8": _write(b'{"cells": [], "x": "\xff\xfe"}'),
    "a list at the top": _write("[1, 2, 3]"),
    "nbformat 3": _write('{"nbformat": 3, "nbformat_minor": 0, "worksheets": [], "metadata": {}}'),
    "nbformat 9": _write('{"nbformat": 9, "nbformat_minor": 0, "cells": [], "metadata": {}}'),
    "cells that are not a list": _write('{"nbformat": 4, "nbformat_minor": 5, "cells": 5}'),
    "a source of numbers": _notebook(
        {**make_notebook("x = 1"), "cells": [{**make_notebook("x")["cells"][0], "source": [1]}]}
    ),
    "a cell that does not parse": _notebook(make_notebook("def broken(:\n    pass")),
    "the crafted 200 KB texts": _notebook(crafted_notebook("x://" + _fill("a.sk-<"))),
    "secrets in every place": _notebook(planted_notebook()),
    "a missing file": lambda folder: folder / "missing.ipynb",
}


def mlwa(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mlwa_notebook.cli", *args],
        capture_output=True,
        text=True,
        timeout=HANG_S,
        cwd=cwd,
    )


@pytest.mark.parametrize("name", list(INPUTS))
def test_check_and_export_end_cleanly_on_bad_input(tmp_path: Path, name: str) -> None:
    # Given a bad input
    given = INPUTS[name](tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    # When it is checked, and exported in the two formats that copy cells
    runs = {
        "check": mlwa("check", "--no-progress", str(given), cwd=tmp_path),
        "export": mlwa("export", str(given), "-o", str(out / "x.ipynb"), cwd=tmp_path),
        "export html": mlwa(
            "export", str(given), "--to", "html", "-o", str(out / "x.html"), cwd=tmp_path
        ),
    }
    written = "".join(p.read_text(encoding="utf-8") for p in out.iterdir())
    for what, run in runs.items():
        # Then each ends with its own exit code, a clear line when it fails, no traceback
        assert run.returncode in (0, 1, 2), f"{what}: {run.returncode} {run.stderr[-500:]}"
        assert "Traceback" not in run.stdout + run.stderr, f"{what}: {run.stderr[-2000:]}"
        if run.returncode == 2:  # the reason, naming the input (check reports it on stdout)
            assert given.name in run.stdout + run.stderr, f"{what}: {run.stderr}"
        # And no planted secret is printed or written in clear
        for secret in PLANTED:
            assert secret not in run.stdout + run.stderr + written, f"{what} shows {secret[:4]}…"


def test_a_folder_with_a_fifo_still_reports_the_good_notebook(tmp_path: Path) -> None:
    folder = _fifo_in_folder(tmp_path)
    run = mlwa("check", "--format", "json", str(folder), cwd=tmp_path)
    report = json.loads(run.stdout)
    assert [Path(nb["path"]).name for nb in report["notebooks"]] == ["good.ipynb"]
    assert "not a regular file" in run.stderr


def test_an_html_export_of_too_many_cells_is_refused_with_the_limit(tmp_path: Path) -> None:
    big = _many_cells(tmp_path)
    run = mlwa("export", str(big), "--to", "html", cwd=tmp_path)
    assert run.returncode == 2
    assert f"renders at most {MAX_HTML_CELLS:,}" in run.stderr and "--to ipynb" in run.stderr
    assert not (tmp_path / "big.review.html").exists()
