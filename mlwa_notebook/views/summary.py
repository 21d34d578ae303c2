"""The Markdown a reviewer reads: the summary at the top of the export and the notes under cells.

Everything here renders the report; no file path or time stamp is written, so exporting the
same notebook again (or the exported copy itself) gives the same text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

from mlwa_notebook.lens import Lens
from mlwa_notebook.location import cell_label
from mlwa_notebook.report import Finding, NotebookReport, PillarScore, PracticeState
from mlwa_notebook.scoring import checked_and_answered
from mlwa_notebook.vocabulary import SEVERITIES

#: Open findings listed in the summary; the rest are counted (each flagged cell has its note).
MAX_SUMMARY_FINDINGS = 30
_CODE_SPAN = re.compile(r"(`[^`]*`)")
_STATE_ORDER = {"violated": 0, "open": 1, "met": 2, "not-applicable": 3}
_STATE_LABEL = {
    "violated": "violated",
    "open": "open",
    "met": "done",
    "not-applicable": "not applicable",
}


def md(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped, no stray HTML."""
    text = " ".join(text.split())
    parts = _CODE_SPAN.split(text)
    for i, part in enumerate(parts):
        if not part.startswith("`"):
            parts[i] = part.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join(parts).replace("|", "\\|")


def what(f: Finding) -> str:
    """What a finding says, for a row that shows its cell and line already; a place the rule
    named itself (``metadata of cell 3``) stays in front, as no column says it."""
    return f.message if f.where else f.text


def where(f: Finding) -> str:
    """Where a finding is, as people read it."""
    return f"line {f.line}" if f.line else "output"


def pillar_name(lens: Lens, pillar_id: str) -> str:
    """The lens's name of a pillar (the id when the lens does not know it)."""
    pillar = lens.pillar(pillar_id)
    return pillar.name if pillar else pillar_id


def phase_name(lens: Lens, phase_id: str) -> str:
    """The lens's name of a lens phase."""
    phase = lens.phase(phase_id)
    return phase.name if phase else phase_id


def severity_counts(findings: Sequence[Finding]) -> str:
    """ "2 errors, 5 warnings" (or "no open findings")."""
    counts = Counter(f.severity for f in findings)
    words = [
        f"{counts[s]} {s if counts[s] == 1 else s + 's'}" for s in reversed(SEVERITIES) if counts[s]
    ]
    return ", ".join(words) if words else "no open findings"


def coverage_text(report: NotebookReport, lens: Lens) -> str:
    """One line for text outputs: every pillar's coverage."""
    return "Pillar coverage: " + ", ".join(
        f"{pillar_name(lens, s.pillar)} {s.percent}%" for s in report.pillar_scores
    )


def _pillar_table(scores: Sequence[PillarScore], lens: Lens) -> list[str]:
    rows = [
        "| Pillar | Coverage | Done | Not applicable | Open | Violated | Shown · attested |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for s in scores:
        rows.append(
            f"| {md(pillar_name(lens, s.pillar))} | {s.percent}% | {s.met} | "
            f"{s.not_applicable} | {s.open} | {s.violated} | {checked_and_answered(s)} |"
        )
    return rows


def _findings_table(findings: Sequence[Finding], cell_ids: Sequence[str]) -> list[str]:
    rows = ["| Severity | Cell | Rule | Finding |", "| --- | --- | --- | --- |"]
    for f in findings[:MAX_SUMMARY_FINDINGS]:
        link = f"[{cell_label(f.cell_index)}](#cell-id={cell_ids[f.cell_index]})"
        rows.append(f"| {f.severity} | {link}, {where(f)} | `{f.code}` {f.name} | {md(what(f))} |")
    if len(findings) > MAX_SUMMARY_FINDINGS:
        rows.append(
            f"| | | | … and {len(findings) - MAX_SUMMARY_FINDINGS} more: see the notes "
            "under the flagged cells |"
        )
    return rows


def _practice_line(state: PracticeState, cell_ids: Sequence[str]) -> str:
    label = _STATE_LABEL.get(state.state, state.state)
    line = f"- **{label}** `{state.id}` {md(state.title)}"
    if state.cells:
        links = ", ".join(f"[{cell_label(i)}](#cell-id={cell_ids[i]})" for i in state.cells[:8])
        line += f" ({links})"
    if state.state == "not-applicable" and state.reason:
        line += f": {md(state.reason)}"
    if state.source == "checklist" and (state.by or state.updated):
        # the reviewer trusts an attested answer by who gave it and when
        by = f" by {md(state.by)}" if state.by else ""
        day = f" on {state.updated[:10]}" if state.updated else ""
        line += f" — answered{by}{day}"
    return line


def _checklist(report: NotebookReport, lens: Lens, cell_ids: Sequence[str]) -> list[str]:
    lines: list[str] = []
    for score in report.pillar_scores:
        states = sorted(
            (s for s in report.checklist if s.pillar == score.pillar),
            key=lambda s: (_STATE_ORDER.get(s.state, 9), s.id),
        )
        head = (
            f"<b>{md(pillar_name(lens, score.pillar))}</b>: {score.met} done, "
            f"{score.not_applicable} not applicable, {score.open} open, "
            f"{score.violated} violated"
        )
        lines.append(f"<details><summary>{head}</summary>\n")
        lines.extend(_practice_line(s, cell_ids) for s in states)
        if not states:
            lines.append("- no best practice of this pillar applies to the phases present")
        lines.append("\n</details>\n")
    return lines


def summary_markdown(
    report: NotebookReport,
    lens: Lens,
    cell_ids: Sequence[str],
    masked_cells: Mapping[int, int],
    tool_version: str,
    radar_uri: str | None,
) -> str:
    """The summary cell: headline, pillar table, radar, open findings, checklist per pillar."""
    flagged = sorted({f.cell_index for f in report.findings})
    lens_names = ", ".join(f"`{name}`" for name in report.lenses)
    phases = ", ".join(phase_name(lens, p) for p in report.phases_present) or "none"
    by_phase = Counter(c.phase for c in report.cells)
    phase_counts = ", ".join(f"{p} {n}" for p, n in by_phase.most_common())
    lines = [
        "# Well-Architected ML review",
        "",
        f"*Generated by `mlwa export` (mlwa-notebook {tool_version}) against the lens "
        f"{lens_names}. Cell numbers are those of the source notebook. Cells marked "
        "`mlwa.generated` are replaced by the next export; each cell's phase is in its metadata "
        "(`mlwa.annotation`) and its `mlwa:<phase>` tag.*",
        "",
        f"**{severity_counts(report.findings)}** in {len(flagged)} "
        f"{'cell' if len(flagged) == 1 else 'cells'}"
        + (f" ({len(report.suppressed)} suppressed)" if report.suppressed else "")
        + f" · lifecycle phases present: {phases}",
        "",
        f"Cells by phase: {phase_counts}",
        "",
    ]
    if masked_cells:
        total = sum(masked_cells.values())
        cells = ", ".join(
            f"[{cell_label(i)}](#cell-id={cell_ids[i]})" for i in sorted(masked_cells)
        )
        lines += [
            f"> **Secrets masked in this copy:** {total} credential "
            f"{'value' if total == 1 else 'values'} in {cells}. The source notebook still "
            "holds them: rotate them and read credentials from the environment or a role.",
            "",
        ]
    lines += ["## Pillar coverage", "", *_pillar_table(report.pillar_scores, lens), ""]
    if radar_uri:
        # A data URI, not a cell attachment: JupyterLab renders no SVG attachments.
        lines += [f"![Radar of the six pillars' coverage]({radar_uri})", ""]
    lines += [f"<sub>{md(report.coverage_formula)}</sub>", "", "## Open findings", ""]
    if report.findings:
        lines += [*_findings_table(report.findings, cell_ids), ""]
    else:
        lines += ["None: no rule flags this notebook.", ""]
    lines += ["## Checklist by pillar", "", *_checklist(report, lens, cell_ids)]
    return "\n".join(lines).rstrip() + "\n"


def note_markdown(report: NotebookReport, cell_index: int) -> str | None:
    """The short note under a flagged cell: its phase, its findings and how to fix them."""
    found = [f for f in report.findings if f.cell_index == cell_index]
    if not found:
        return None
    cell = report.cells[cell_index]
    lines = [
        f"> **mlwa review · {cell_label(cell_index)}** · phase `{cell.phase}` "
        f"({cell.phase_source}, {round(cell.confidence * 100)}%)",
        ">",
    ]
    for f in found:
        lines.append(f"> - **{f.severity}** `{f.code}` {f.name}, {where(f)}: {md(what(f))}")
    fixes = {f.code: (f.name, f.fix) for f in found}
    lines += [">", "> *How to fix:*", ">"]
    for code, (name, fix) in fixes.items():
        lines.append(f"> - `{code}` {name}: {md(fix)}")
    return "\n".join(lines) + "\n"
