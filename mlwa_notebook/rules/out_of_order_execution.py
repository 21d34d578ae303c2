"""MLW010 out-of-order-execution: saved outputs do not come from running the cells in order."""

from __future__ import annotations

import re2  # type: ignore[import-untyped]

from mlwa_notebook.cellcode import CodeFacts
from mlwa_notebook.location import cell_label
from mlwa_notebook.rules.base import CellView, CheckResult, Hit, NotebookContext, Rule
from mlwa_notebook.rules.unpinned_install import is_install

#: Shell commands that set up the machine or only print: skipping them changes no output below.
_QUIET_SHELL = re2.compile(
    r"^(?:sudo\s+)?(?:echo|chown|chmod|nvidia-smi|pwd|ls|cat|which|grep|head|tail|"
    r"(?:pip3?|python3?\s+-m\s+pip)\s+(?:freeze|list|show))\b"
)
_SEGMENTS = re2.compile(r"\|\||&&|[|;]")
#: Calls that only show something: a cell made of them changes no state.
_DISPLAY_CALLS = frozenset("show display print head tail plot imshow describe info".split())
#: A comment where the author says the cell may be skipped.
# RE2: the cell is the user's text; ``#.*`` must stay linear on any line.
_OPTIONAL = re2.compile(r"(?i)#.*\b(skip this|optional|if you want to)\b")


def _quiet_shell(text: str) -> bool:
    return all(
        is_install(part) or _QUIET_SHELL.match(part.strip()) or not part.strip()
        for part in _SEGMENTS.split(text)
    )


def _does_something(facts: CodeFacts | None, source: str) -> bool:
    """Whether a cell has code that changes the kernel's state.

    Not only comments or a bare expression; not only installs, prints or a display; and not a
    cell its author marks as one to skip: a skipped ``!pip install`` into an environment that
    already has the packages changes no output below.
    """
    if facts is None or facts.error is not None or _OPTIONAL.search(source):
        return False
    only_shows = not facts.assigns and all(c.attr in _DISPLAY_CALLS for c in facts.calls)
    return (
        bool(facts.imports or facts.defs or facts.assigns)
        or (bool(facts.calls) and not only_shows)
        or any(not _quiet_shell(shell.text) for shell in facts.shells)
        or facts.script_path is not None
    )


def _kernel_state(view: CellView) -> bool:
    """Whether running the cell changes what the kernel holds (shell-only cells set up files
    or the machine once; a skipped one may have run in an earlier session)."""
    facts = view.facts
    if not _does_something(facts, view.cell.source):
        return False
    assert facts is not None
    return bool(facts.imports or facts.defs or facts.assigns or facts.calls)


def _fits_in_gaps(code: list[tuple[CellView, int | None]]) -> set[int]:
    """Cells without a count that may have run with their count cleared: between the counts
    around them there are numbers enough for each of them."""
    fits: set[int] = set()
    group: list[CellView] = []
    before = 0
    # Cells after the last count are never taken as skipped, so they need no closing count.
    for view, n in code:
        if n is None:
            group.append(view)
            continue
        if len(group) <= n - before - 1:
            fits.update(v.index for v in group)
        group = []
        before = max(before, n)
    return fits


def check(ctx: NotebookContext) -> CheckResult:
    code = [v for v in ctx.cells if v.cell.cell_type == "code"]
    # A count of 0 is what some tools write for "not known"; it is neither a run nor a skip.
    counts = [(v, v.cell.execution_count) for v in code if v.cell.execution_count != 0]
    ran = [(v, n) for v, n in counts if n is not None]
    never = [v for v, n in counts if n is None]
    if not ran:
        return  # a notebook saved without outputs says nothing about how it was run
    highest: tuple[CellView, int] | None = None
    inversions: list[tuple[CellView, int, CellView, int]] = []
    # Only cells that change the kernel's state take part: a display or an install run again
    # at the end leaves the outputs above as they were.
    for view, n in ((v, n) for v, n in ran if _kernel_state(v)):
        if highest is not None and n < highest[1]:
            inversions.append((view, n, highest[0], highest[1]))
        if highest is None or n > highest[1]:
            highest = (view, n)
    if inversions:
        view, n, above, m = inversions[0]
        more = (
            f" ({len(inversions) - 1} more cells ran out of order)" if len(inversions) > 1 else ""
        )
        yield Hit(
            view.index,
            1,
            f"ran as [{n}], before {cell_label(above.index)} above it ([{m}]): the saved outputs "
            f"do not come from running the notebook top to bottom{more}",
        )
    last_ran = max(v.index for v, _ in ran)
    cleared = _fits_in_gaps(counts)
    for view in never:
        if view.index < last_ran and view.index not in cleared and _kernel_state(view):
            if view.cell.has_outputs:
                continue  # cleared counts with outputs kept: not a sign of skipping
            yield Hit(
                view.index,
                1,
                "was never run, but cells below it were: their outputs may depend on a state "
                "this cell would change",
            )


RULE = Rule(
    code="MLW010",
    name="out-of-order-execution",
    summary="Cells were run out of order, or skipped, before the notebook was saved",
    # Info: hand-judged on 60 corpus findings, right 0.63 of the time (cleared counts and
    # one-time set-up cells look like skipped ones): a hint, not a warning, until it holds 0.90.
    severity="info",
    pillars=("reliability", "operational-excellence"),
    best_practices=("MLREL02-BP02", "MLOPS03-BP02"),
    fix="Restart the kernel and run all cells from the top, then save; or clear all outputs "
    "before committing.",
    doc="""\
## What it does
Reads the execution counts saved with the notebook. Flags the first code cell whose count is
lower than that of a cell above it (it ran after it was overtaken), and each code cell that was
never run while cells below it were. Only cells that change the kernel's state count (not a
display, an install or a shell command run again or skipped), and a cell without a count is
taken as skipped only when no count is free for it between its neighbours' counts (`[6]`, no
count, `[7]`): with `[6]`, no count, `[8]` its count may have been cleared. A notebook saved
with no execution counts at all (outputs cleared), and a count of 0, are not flagged.

## Why is this bad?
The outputs, metrics and plots in the notebook come from a kernel state that running it from
top to bottom may not reproduce: a cell re-run after a later one changed a variable, or a
skipped cell that would have changed it. Reviewers read results that nobody can regenerate.

## Example
```
[3] df = df.dropna()
[2] df = pd.read_csv("train.csv")
```

## Use instead
Run *Restart Kernel and Run All Cells*, then save:
```
[1] df = pd.read_csv("train.csv")
[2] df = df.dropna()
```

## Suppress
For the whole notebook, in its metadata: `"mlwa": {"ignore": {"MLW010": "reason"}}`.
""",
    check=check,
)
