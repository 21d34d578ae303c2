"""The check after every cell: a short note under the cell when it brings a new finding.

Two IPython events. ``pre_run_cell``: what will be analysed is known before the cell runs (the
live cells or the saved file, with the cell as it is about to run), so the analysis starts then,
on a worker thread, while the user's code runs. ``post_run_cell``: the input is read again (a
cheap check); if the cell changed nothing the check depends on (it did not write the notebook
or send new metadata), the worker's report is used, else the notebook is analysed now. Only
changed cells are read again either way (one ``AnalysisCache`` per kernel), and an unchanged
input reuses the last report.

The findings that concern the cell that ran and were not shown before get a note; a repeated
run does not repeat it. The check never breaks the user's cell: any failure becomes one warning
line (once per distinct failure). Its cost on the critical path is recorded per cell.
"""

from __future__ import annotations

import sys
import time
from collections import deque
from concurrent.futures import Future
from typing import Any

from mlwa_notebook.errors import MlwaError
from mlwa_notebook.kernel.session import Analysis, KernelSession
from mlwa_notebook.kernel.source import NotebookInput, RunningCell
from mlwa_notebook.report import Finding

#: How many per-cell timings are kept for ``%mlwa auto`` and the benchmark.
KEPT_TIMINGS = 2000
#: Above this cost per cell the user is told once that the check may be in the way.
SLOW_S = 0.5

FindingKey = tuple[str, str, str]


def finding_key(finding: Finding) -> FindingKey:
    """What makes a finding "the same one" between runs: code, cell id and message.

    The message's location prefix (``cell 12, line 3: ``) is left out: it changes when cells
    move or when an unsaved cell is saved, and the finding is still the same one.
    """
    return (finding.code, finding.cell_id, finding.text)


def running_of(info: Any) -> RunningCell | None:
    """The running cell described by IPython's ``ExecutionInfo``; None for an empty cell."""
    raw = getattr(info, "raw_cell", None)
    if not isinstance(raw, str) or not raw.strip():
        return None
    return RunningCell(getattr(info, "cell_id", None) or None, raw)


class AutoCheck:
    """The ``pre_run_cell`` / ``post_run_cell`` callbacks of one kernel."""

    def __init__(self, session: KernelSession) -> None:
        self.session = session
        self.enabled = True
        self.seen: set[FindingKey] = set()
        self.durations: deque[float] = deque(maxlen=KEPT_TIMINGS)
        self._warned: set[str] = set()
        self._early: tuple[tuple[Any, ...], Future[Analysis]] | None = None
        self._early_cost = 0.0

    # --- the two events -----------------------------------------------------------------------

    def before(self, info: Any) -> None:
        """``pre_run_cell``: start analysing what is about to run; never raises."""
        self._early, self._early_cost = None, 0.0
        if not self.enabled or self.session.nested:
            return
        start = time.perf_counter()
        try:
            found = self._input(running_of(info))
            if found is not None:
                self._early = (found.key, self.session.analyse_later(found))
        except (Exception, KeyboardInterrupt):  # the check after the cell reports problems
            self._early = None
        self._early_cost = time.perf_counter() - start

    def __call__(self, result: Any) -> None:
        """``post_run_cell``: show a note for the cell's new findings; never raises."""
        if not self.enabled or self.session.nested:
            return
        start = time.perf_counter()
        try:
            self.check(result)
        except KeyboardInterrupt:
            self._warn("mlwa: the check after this cell was interrupted")
        except MlwaError as exc:
            self._warn(f"mlwa: no check after this cell: {exc}")
        except Exception as exc:  # the user's cell must not fail because of us
            self._warn(
                f"mlwa: the check after this cell failed ({type(exc).__name__}: {exc}); your "
                "cell ran normally. `%mlwa auto off` turns the check off."
            )
        finally:
            cost = self._early_cost + time.perf_counter() - start
            self._early, self._early_cost = None, 0.0
            # The kernel's first check also loads the lens and the phase model and reads the
            # whole notebook once: its cost says nothing of the checks after the next cells.
            first = not self.durations
            self.durations.append(cost)
            if cost > SLOW_S and not first:
                self._warn(
                    f"mlwa: checking this notebook after each cell takes {cost * 1000:.0f} ms; "
                    "`%mlwa auto off` turns it off (`%mlwa status` still checks on demand).",
                    once_as="slow",
                )

    # --- the check ----------------------------------------------------------------------------

    def _input(self, running: RunningCell | None) -> NotebookInput | None:
        session = self.session
        if running is None or (session.location() is None and session.live.snapshot is None):
            return None  # an empty cell, or no notebook known (plain IPython): quietly nothing
        return session.read(running)

    def analysis(self, result: Any) -> Analysis | None:
        """The report for the cell that ran: the one started before it ran, if still valid."""
        found = self._input(running_of(getattr(result, "info", None)))
        if found is None:
            return None
        early = self._early
        if early is not None and early[0] == found.key:
            return early[1].result()
        return self.session.analyse_input(found)

    def new_findings(self, result: Any) -> list[Finding]:
        """The findings of the cell that ran that were not shown before (and marks them shown)."""
        analysis = self.analysis(result)
        if analysis is None or analysis.running_index is None:
            return []
        cell = analysis.report.cells[analysis.running_index].id
        mine = [f for f in analysis.report.findings if f.cell_id == cell]
        new = [f for f in mine if finding_key(f) not in self.seen]
        self.seen.update(finding_key(f) for f in mine)
        return new

    def check(self, result: Any) -> None:
        """Show a note under the cell for its new findings."""
        new = self.new_findings(result)
        if not new:
            return
        from IPython.display import display

        from mlwa_notebook.views.notebook_html import render_note

        display(render_note(new).bundle(), raw=True)  # type: ignore[no-untyped-call]

    def _warn(self, line: str, once_as: str = "") -> None:
        """Print a line to stderr once; lines that differ only in a figure share ``once_as``."""
        key = once_as or line
        if key in self._warned:
            return
        self._warned.add(key)
        print(line, file=sys.stderr)

    def median_ms(self) -> float | None:
        """Median cost per cell of the recent checks, in milliseconds."""
        if not self.durations:
            return None
        ordered = sorted(self.durations)
        return ordered[len(ordered) // 2] * 1000
