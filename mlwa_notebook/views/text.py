"""The readable terminal format: findings grouped by notebook, cell and line."""

from __future__ import annotations

from collections import Counter

from mlwa_notebook.lens import PILLAR_SHORT
from mlwa_notebook.report import Report


def render_text(report: Report, show_fixes: bool = True) -> str:
    """Findings per notebook with fix hints, the phase map, coverage, then a summary line."""
    lines: list[str] = []
    total = suppressed = 0
    for nb in report.notebooks:
        lines.append(nb.path)
        for f in nb.findings:
            lines.append(f"  {f.severity:<7} {f.code} {f.name}: {f.message}")
            if show_fixes:
                lines.append(f"          fix: {f.fix}")
        if not nb.findings:
            lines.append("  no findings")
        phases = Counter(c.phase for c in nb.cells)
        lines.append("  phases: " + ", ".join(f"{p} {n}" for p, n in phases.most_common()))
        lines.append(
            "  coverage: "
            + "  ".join(f"{PILLAR_SHORT[p]} {round(v * 100)}%" for p, v in nb.coverage.items())
            + "  (met / (applicable - not applicable))"
        )
        if nb.suppressed:
            lines.append(f"  {len(nb.suppressed)} suppressed")
        total += len(nb.findings)
        suppressed += len(nb.suppressed)
        lines.append("")
    for e in report.errors:
        where = f"{e.path}, cell {e.cell_index + 1}" if e.cell_index is not None else e.path
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
