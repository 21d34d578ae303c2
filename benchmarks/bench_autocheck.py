"""Cost of the check after every cell (``%load_ext mlwa_notebook``) on a 200-cell notebook.

The hook is called exactly as IPython calls it after each cell (``post_run_cell`` with the
cell's ``ExecutionResult``), in a real ``InteractiveShell`` with the extension loaded; the user's
code itself is not run, so only the hook's own time is measured. Scenarios, 200 cells each:

* run all, saved file: every cell runs once, nothing edited (JupyterLab without the extension,
  VS Code, papermill);
* edit then run, saved file: each cell is edited before it runs, so every run re-analyses;
* run all, live cells: the JupyterLab extension sends the cells before each run (the comm
  handler's time is counted with the hook's);
* edit then run, live cells.

Aim: under 5 ms median per cell. Run: ``python benchmarks/bench_autocheck.py`` (``make bench``).
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from IPython.core.interactiveshell import ExecutionInfo, ExecutionResult, InteractiveShell

from mlwa_notebook.config import Config
from mlwa_notebook.engine import AnalysisCache, analyze
from mlwa_notebook.lens import load_lens
from mlwa_notebook.magics import session_of

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = (
    "01-well-architected-classifier.ipynb",
    "02-messy-experiment.ipynb",
    "04-monitoring-drift.ipynb",
)
CELLS = 200
AIM_MS = 5.0


def notebook_of(cells: int) -> dict[str, Any]:
    """A notebook of ``cells`` cells made of the example notebooks' cells, repeated."""
    pool: list[dict[str, Any]] = []
    for name in EXAMPLES:
        pool += json.loads((ROOT / "example_notebooks" / name).read_text(encoding="utf-8"))["cells"]
    out = []
    for index in range(cells):
        cell = copy.deepcopy(pool[index % len(pool)])
        cell["id"] = f"bench-{index}"
        cell["source"] = source(cell)  # as JupyterLab's model sends it: one string
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        out.append(cell)
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": out}


def source(cell: dict[str, Any]) -> str:
    value = cell["source"]
    return "".join(value) if isinstance(value, list) else str(value)


def result_for(cell: dict[str, Any], text: str) -> ExecutionResult:
    info = ExecutionInfo(text, True, False, True, cell["id"])
    return ExecutionResult(info)


def run(nb: dict[str, Any], edit: bool, live: bool, cell_s: float) -> list[float]:
    """Run every code cell of ``nb`` through the hooks in a fresh session; each one's cost.

    The cost counted is what the kernel spends in mlwa on the critical path: the live-cells
    message (when ``live``), ``pre_run_cell`` and ``post_run_cell``; the cell itself takes
    ``cell_s`` (a sleep: time in which the analysis started before the cell can run).
    """
    shell = InteractiveShell.instance()
    if session_of(shell) is not None:
        shell.run_line_magic("unload_ext", "mlwa_notebook")
    shell.run_line_magic("load_ext", "mlwa_notebook")
    session = session_of(shell)
    assert session is not None
    auto = shell.magics_manager.registry["MlwaMagics"].auto
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.ipynb"
        path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
        session.set_path(str(path))
        current = copy.deepcopy(nb)
        times: list[float] = []
        sink = io.StringIO()
        for index, cell in enumerate(current["cells"]):
            if cell["cell_type"] != "code":
                continue
            text = source(cell) + (f"\n# edited before run {index}" if edit else "")
            cell["source"] = text
            payload = {
                "path": path.name,
                "cells": current["cells"],
                "metadata": current["metadata"],
            }
            result = result_for(cell, text)
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                start = time.perf_counter()
                if live:
                    session.live.receive(payload)
                auto.before(result.info)
                ran = time.perf_counter()
                time.sleep(cell_s)
                resumed = time.perf_counter()
                auto(result)
                times.append(ran - start + time.perf_counter() - resumed)
    return times


def report(label: str, times: list[float]) -> float:
    ms = sorted(t * 1000 for t in times)
    median = statistics.median(ms)
    p90 = ms[int(len(ms) * 0.9) - 1]
    print(
        f"  {label:<32} median {median:6.2f} ms   p90 {p90:6.2f} ms   max {ms[-1]:7.2f} ms"
        f"   ({len(ms)} cells)"
    )
    return median


def core_only(nb: dict[str, Any]) -> list[float]:
    """``analyze()`` alone on the same notebook after each code cell is edited (warm cache)."""
    config, lens, cache = Config(), load_lens(), AnalysisCache()
    edited = copy.deepcopy(nb)
    analyze(edited, config=config, lens=lens, cache=cache)
    times = []
    for index, cell in enumerate(edited["cells"]):
        if cell["cell_type"] != "code":
            continue
        cell["source"] = source(cell) + f"\n# edited before run {index}"
        start = time.perf_counter()
        analyze(edited, config=config, lens=lens, cache=cache)
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    """Print the figures; with ``--json`` (``make bench``) print them on stderr and the
    medians as one JSON line on stdout."""
    as_json = "--json" in sys.argv[1:]
    with contextlib.redirect_stdout(sys.stderr) if as_json else contextlib.nullcontext():
        medians = measure()
    if as_json:
        print(json.dumps(medians))
    return 0


def measure() -> dict[str, float]:
    nb = notebook_of(CELLS)
    print(
        f"after-cell check (%load_ext mlwa_notebook), {CELLS}-cell notebook, cost per executed cell:"
    )
    medians = {}
    for label, edit, live, cell_s in (
        ("run all, saved file", False, False, 0.0),
        ("run all, live cells", False, True, 0.0),
        ("edit then run, saved file", True, False, 0.0),
        ("edit then run, live cells", True, True, 0.0),
        ("edit then run, 150 ms cells", True, True, 0.15),
    ):
        medians[label] = report(label, run(nb, edit, live, cell_s))
    report("core analyze() after one edit", core_only(nb))
    for label, median in medians.items():
        verdict = "within" if median < AIM_MS else "above"
        print(f"  {label}: {verdict} the {AIM_MS:.0f} ms aim")
    return medians


if __name__ == "__main__":
    sys.exit(main())
