"""Markdown for a pull-request comment: findings first, short, the detail folded away.

GitHub (and GitLab) render ``<details>`` blocks; a comment must stay under 65,536 characters, so
long lists are cut with a count of what was left out.
"""

from __future__ import annotations

from mlwa_notebook.lens import PILLAR_SHORT, Lens
from mlwa_notebook.location import cell_label, cell_number
from mlwa_notebook.report import NotebookReport
from mlwa_notebook.scoring import checked_and_answered
from mlwa_notebook.views.summary import (
    md,
    phase_name,
    pillar_name,
    severity_counts,
    what,
    where,
)

MAX_FINDINGS = 25
MAX_PRACTICES_PER_PILLAR = 30
MAX_CHARS = 60_000


def pr_comment(report: NotebookReport, lens: Lens, tool_version: str) -> str:
    """The review as a Markdown comment."""
    findings = report.findings
    lines = [
        f"### mlwa · `{md(report.path)}`: {severity_counts(findings)}",
        "",
    ]
    if findings:
        lines += ["| | Where | Rule | Finding |", "| --- | --- | --- | --- |"]
        for f in findings[:MAX_FINDINGS]:
            lines.append(
                f"| {f.severity} | {cell_label(f.cell_index)}, {where(f)} | `{f.code}` {f.name} | "
                f"{md(what(f))} |"
            )
        if len(findings) > MAX_FINDINGS:
            lines.append(f"| | | | … and {len(findings) - MAX_FINDINGS} more |")
        lines.append("")
    coverage = " · ".join(
        f"{PILLAR_SHORT.get(s.pillar, s.pillar)} {s.percent}%" for s in report.pillar_scores
    )
    lines += [f"**Coverage:** {coverage}", ""]
    if findings:
        fixes: dict[str, tuple[str, str, list[int]]] = {}
        for f in findings:
            entry = fixes.setdefault(f.code, (f.name, f.fix, []))
            if cell_number(f.cell_index) not in entry[2]:
                entry[2].append(cell_number(f.cell_index))
        lines += ["<details><summary>How to fix</summary>", ""]
        for code, (name, fix, cells) in fixes.items():
            listed = ", ".join(str(c) for c in cells)
            lines.append(f"- **`{code}` {name}** (cells {listed}): {md(fix)}")
        lines += ["", "</details>", ""]
    lines += [
        "<details><summary>Pillar coverage and checklist</summary>",
        "",
        "| Pillar | Coverage | Done | Not applicable | Open | Violated | Shown · attested |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for s in report.pillar_scores:
        lines.append(
            f"| {md(pillar_name(lens, s.pillar))} | {s.percent}% | {s.met} | "
            f"{s.not_applicable} | {s.open} | {s.violated} | {checked_and_answered(s)} |"
        )
    phases = ", ".join(phase_name(lens, p) for p in report.phases_present) or "none"
    lines += ["", f"Lifecycle phases present: {phases}.", "", md(report.coverage_formula), ""]
    for s in report.pillar_scores:
        todo = [
            c for c in report.checklist if c.pillar == s.pillar and c.state in ("violated", "open")
        ]
        if not todo:
            continue
        lines.append(f"**{md(pillar_name(lens, s.pillar))}**: {len(todo)} not shown yet")
        lines.append("")
        for c in todo[:MAX_PRACTICES_PER_PILLAR]:
            lines.append(
                f"- {'violated' if c.state == 'violated' else 'open'}: `{c.id}` {md(c.title)}"
            )
        if len(todo) > MAX_PRACTICES_PER_PILLAR:
            lines.append(f"- … and {len(todo) - MAX_PRACTICES_PER_PILLAR} more")
        lines.append("")
    lines += ["</details>", ""]
    if report.suppressed:
        lines += [
            "<details><summary>Suppressed findings</summary>",
            "",
            *(
                f"- `{f.code}` {f.name}, {cell_label(f.cell_index)}: "
                f"{md(f.suppressed.reason if f.suppressed else '')}"
                for f in report.suppressed
            ),
            "",
            "</details>",
            "",
        ]
    lines.append(
        f"<sub>mlwa-notebook {tool_version} · lens {', '.join(report.lenses)} · "
        f"{len(report.suppressed)} suppressed</sub>"
    )
    text = "\n".join(lines) + "\n"
    if len(text) > MAX_CHARS:
        text = text[: MAX_CHARS - 200].rsplit("\n", 1)[0] + "\n\n… (cut to fit a comment)\n"
        text += "\n</details>\n" * (text.count("<details>") - text.count("</details>"))
    return text
