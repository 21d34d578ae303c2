"""The readable terminal format: findings grouped by notebook, cell and line."""

from __future__ import annotations

from collections import Counter

from mlwa_notebook.lens import PILLAR_SHORT
from mlwa_notebook.location import cell_label, cell_number
from mlwa_notebook.report import Finding, Report
from mlwa_notebook.scoring import checked_and_answered


def render_text(report: Report, show_fixes: bool = True) -> str:
    """Findings per notebook, the phase map, coverage, then a summary line.

    A rule's fix hint follows its first finding only: the hint is the same for every finding of
    a rule, and repeating it buries the findings themselves on a notebook with many.
    """
    lines: list[str] = []
    total = suppressed = 0
    hinted: set[str] = set()
    for nb in report.notebooks:
        lines.append(nb.path)
        for f in nb.findings:
            lines.append(f"  {f.severity:<7} {f.code} {f.name}: {f.message}")
            if show_fixes and f.code not in hinted:
                hinted.add(f.code)
                lines.append(f"          fix: {f.fix}")
        if not nb.findings:
            lines.append("  no findings")
        phases = Counter(c.phase for c in nb.cells)
        lines.append("  phases: " + ", ".join(f"{p} {n}" for p, n in phases.most_common()))
        lines.append(
            "  coverage: "
            + "  ".join(f"{PILLAR_SHORT[s.pillar]} {s.percent}%" for s in nb.pillar_scores)
            + "  (met / (applicable - not applicable))"
        )
        lines.append(
            "  "
            + "  ".join(
                f"{PILLAR_SHORT[s.pillar]} {checked_and_answered(s)}" for s in nb.pillar_scores
            )
        )
        if nb.suppressed:
            lines.append(f"  {len(nb.suppressed)} suppressed")
        total += len(nb.findings)
        suppressed += len(nb.suppressed)
        lines.append("")
    for e in report.errors:
        where = f"{e.path}, {cell_label(e.cell_index)}" if e.cell_index is not None else e.path
        lines.append(f"error: {where}: {e.message}")
    lines.append(
        f"{total} finding{'s' if total != 1 else ''} in {len(report.notebooks)} "
        f"notebook{'s' if len(report.notebooks) != 1 else ''}"
        + (f" ({suppressed} suppressed)" if suppressed else "")
        + (f", {len(report.errors)} could not be read" if report.errors else "")
    )
    return "\n".join(lines)


def render_statistics(report: Report) -> str:
    """Open findings counted per rule, most frequent first (as ``ruff --statistics``)."""
    counts: Counter[tuple[str, str, str]] = Counter(
        (f.code, f.name, f.severity) for nb in report.notebooks for f in nb.findings
    )
    lines = [
        f"{n:>5}  {code}  {name}  ({severity})"
        for (code, name, severity), n in counts.most_common()
    ]
    lines.extend(f"error: {e.path}: {e.message}" for e in report.errors)
    total = sum(counts.values())
    lines.append(
        f"{total} finding{'s' if total != 1 else ''} in {len(report.notebooks)} notebook"
        f"{'s' if len(report.notebooks) != 1 else ''}"
    )
    return "\n".join(lines)


def _bare(f: Finding) -> str:
    """The message without its "cell N, line L: " lead, which the concise prefix already says.

    A finding in an output (line 0), or at a place its rule named, keeps its lead: that is not
    in the prefix.
    """
    return f.text if f.line and not f.where else f.message


def render_concise(report: Report) -> str:
    """One line a finding, ``path:cell:line: CODE message`` (ruff's concise format), for grep.

    The cell is shown by number (1-based), as everywhere else; a notebook that cannot be read is
    one line too, so a script that counts lines counts it.
    """
    lines = [
        f"{nb.path}:{cell_number(f.cell_index)}:{f.line}: {f.code} [{f.severity}] {_bare(f)}"
        for nb in report.notebooks
        for f in nb.findings
    ]
    for e in report.errors:
        cell = f"{cell_number(e.cell_index)}:" if e.cell_index is not None else ""
        lines.append(f"{e.path}:{cell} error: {e.message}")
    return "\n".join(lines)
