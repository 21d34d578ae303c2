"""What the ``%mlwa`` magics show: status, findings, checklist, lens, notes; HTML with a text twin.

Every function renders part of a ``NotebookReport`` (or the lens) and decides nothing. The HTML
uses JupyterLab's theme variables with neutral fallbacks, so it reads in light and dark themes
and in front ends without those variables (VS Code, nbviewer); ``text/plain`` carries the same
content for terminals and logs.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mlwa_notebook.location import cell_label
from mlwa_notebook.report import CellReport, Finding, NotebookReport, PillarScore, PracticeState
from mlwa_notebook.scoring import checked_and_answered, whole_percent
from mlwa_notebook.vocabulary import (
    PILLAR_NAMES,
    Phase,
    PhaseSource,
    Severity,
    State,
    severity_rank,
)

#: Mid-tone colours that read on white and on dark backgrounds alike.
PHASE_COLOURS: dict[str, str] = {
    Phase.BUSINESS_GOAL: "#8e6bbf",
    Phase.PROBLEM_FRAMING: "#a77fd1",
    Phase.DATA_COLLECTION: "#2f8fce",
    Phase.DATA_PREPROCESSING: "#3aa3c9",
    Phase.FEATURE_ENGINEERING: "#36a89a",
    Phase.MODEL_TRAINING: "#d08a2c",
    Phase.MODEL_TUNING: "#c9a23a",
    Phase.MODEL_EVALUATION: "#c0663f",
    Phase.DEPLOYMENT: "#4f9a4a",
    Phase.MONITORING: "#6c8f3a",
    Phase.SETUP: "#8a8f98",
    Phase.OTHER: "#a0a4ab",
}
SEVERITY_COLOURS: dict[str, str] = {
    Severity.ERROR: "var(--jp-error-color1, #d32f2f)",
    Severity.WARNING: "var(--jp-warn-color1, #e08600)",
    Severity.INFO: "var(--jp-info-color1, #1e88e5)",
}
STATE_MARKS: dict[str, str] = {
    State.MET: "✓",
    State.NOT_APPLICABLE: "-",
    State.VIOLATED: "✗",
    State.OPEN: "○",
}

_BOX = (
    "font-family: var(--jp-ui-font-family, sans-serif); font-size: var(--jp-ui-font-size1, 13px);"
    " color: var(--jp-ui-font-color1, inherit); line-height: 1.45;"
)
_MUTED = "color: var(--jp-ui-font-color2, #888);"
_NOTE = (
    "font-family: var(--jp-ui-font-family, sans-serif); font-size: var(--jp-ui-font-size0, 12px);"
    " color: var(--jp-ui-font-color1, inherit); line-height: 1.4;"
)
_TABLE = "border-collapse: collapse; margin: 4px 0 8px 0;"
_CELL = "padding: 2px 8px; border-bottom: 1px solid var(--jp-border-color2, rgba(128,128,128,.3));"


@dataclass(frozen=True, slots=True)
class Rendered:
    """One output in two forms: HTML for notebooks, text for terminals and logs."""

    text: str
    html: str

    def bundle(self) -> dict[str, str]:
        """The IPython mime bundle."""
        return {"text/plain": self.text, "text/html": self.html}

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        return self.bundle()


def esc(value: object) -> str:
    """HTML-escaped text."""
    return html.escape(str(value), quote=True)


def pillar_name(pillar: str) -> str:
    """A pillar's display name."""
    return PILLAR_NAMES.get(pillar, pillar.replace("-", " ").capitalize())


def percent(score: float) -> str:
    """A 0-1 score as a whole percentage, rounded as every view rounds it."""
    return f"{whole_percent(score)}%"


def _box(body: str) -> str:
    return f'<div class="mlwa-output" style="{_BOX}">{body}</div>'


def _notes_html(notes: Sequence[str]) -> str:
    parts = []
    for note in notes:
        warn = not note.startswith("analysed:")
        style = SEVERITY_COLOURS[Severity.WARNING] if warn else ""
        colour = f"color: {style};" if warn else _MUTED
        parts.append(f'<div style="{colour}">{"⚠ " if warn else ""}{esc(note)}</div>')
    return "".join(parts)


def _notes_text(notes: Sequence[str]) -> list[str]:
    return [note if note.startswith("analysed:") else f"warning: {note}" for note in notes]


# --- phase map ----------------------------------------------------------------------------------


def phase_runs(cells: Sequence[CellReport]) -> list[tuple[int, int, str, bool]]:
    """Consecutive cells with the same phase: (first, last, phase, any set by the user)."""
    runs: list[tuple[int, int, str, bool]] = []
    for cell in cells:
        explicit = cell.phase_source == PhaseSource.EXPLICIT
        if runs and runs[-1][2] == cell.phase:
            first, _, phase, was = runs[-1]
            runs[-1] = (first, cell.index, phase, was or explicit)
        else:
            runs.append((cell.index, cell.index, cell.phase, explicit))
    return runs


def _span(first: int, last: int) -> str:
    return f"{first + 1}" if first == last else f"{first + 1}-{last + 1}"


def phase_map_text(cells: Sequence[CellReport]) -> str:
    """``1-3 setup · 4 data-collection* · …`` (``*``: a phase the user set)."""
    return " · ".join(
        f"{_span(a, b)} {phase}{'*' if explicit else ''}"
        for a, b, phase, explicit in phase_runs(cells)
    )


def phase_map_html(cells: Sequence[CellReport], running_index: int | None = None) -> str:
    """A strip with one square per cell, coloured by phase, with a legend of the runs."""
    squares = []
    for cell in cells:
        colour = PHASE_COLOURS.get(cell.phase, "#999")
        how = "set by you" if cell.phase_source == PhaseSource.EXPLICIT else f"{cell.phase_source}"
        title = f"{cell_label(cell.index)}: {cell.phase} ({how}, {percent(cell.confidence)})"
        ring = (
            "outline: 2px solid var(--jp-brand-color1, #1976d2);"
            if cell.index == running_index
            else ""
        )
        mark = (
            "border-bottom: 3px solid currentColor;"
            if cell.phase_source == PhaseSource.EXPLICIT
            else ""
        )
        squares.append(
            f'<span title="{esc(title)}" style="display:inline-block;width:10px;height:14px;'
            f'margin:0 1px;background:{colour};{ring}{mark}"></span>'
        )
    legend = " · ".join(
        f'<span style="color:{PHASE_COLOURS.get(p, "#999")};">■</span> {_span(a, b)} {esc(p)}'
        f"{'*' if explicit else ''}"
        for a, b, p, explicit in phase_runs(cells)
    )
    return (
        f'<div style="margin:4px 0;">{"".join(squares)}</div>'
        f'<div style="{_MUTED} font-size: 90%;">{legend}</div>'
    )


# --- pillar table -------------------------------------------------------------------------------

PILLAR_COLUMNS = (
    "pillar",
    "score",
    "met / counted",
    "n/a",
    "violated",
    "open",
    "the notebook shows · a person attests",
)


def pillar_rows(scores: Iterable[PillarScore]) -> list[tuple[str, ...]]:
    """One row per pillar: name, score, met / (applicable - n/a), n/a, violated, open."""
    return [
        (
            pillar_name(s.pillar),
            f"{s.percent}%",
            f"{s.met} / {s.applicable - s.not_applicable}",
            str(s.not_applicable),
            str(s.violated),
            str(s.open),
            checked_and_answered(s),
        )
        for s in scores
    ]


def table_text(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table with aligned columns."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(header, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


def table_html(header: Sequence[str], rows: Sequence[Sequence[str]], caption: str = "") -> str:
    """An HTML table in the output style."""
    head = "".join(f'<th style="{_CELL} text-align:left;">{esc(h)}</th>' for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td style="{_CELL}">{esc(c)}</td>' for c in row) + "</tr>"
        for row in rows
    )
    cap = f'<caption style="{_MUTED} text-align:left;">{esc(caption)}</caption>' if caption else ""
    return (
        f'<table style="{_TABLE}">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


def pillar_table(report: NotebookReport) -> Rendered:
    """Coverage per pillar with its counts, and the formula it comes from."""
    rows = pillar_rows(report.pillar_scores)
    return Rendered(
        table_text(PILLAR_COLUMNS, rows) + f"\n{report.coverage_formula}",
        table_html(PILLAR_COLUMNS, rows)
        + f'<div style="{_MUTED} font-size: 90%;">{esc(report.coverage_formula)}</div>',
    )


# --- findings -----------------------------------------------------------------------------------


def _finding_text(f: Finding) -> list[str]:
    return [f"  {f.severity:<7} {f.code} {f.name}: {f.message}", f"          fix: {f.fix}"]


def _finding_html(f: Finding) -> str:
    colour = SEVERITY_COLOURS.get(f.severity, "inherit")
    return (
        f'<li style="margin: 2px 0;"><span style="color:{colour}; font-weight:600;">'
        f"{esc(f.severity)}</span> <code>{esc(f.code)}</code> {esc(f.name)}: {esc(f.message)}"
        f'<div style="{_MUTED}">fix: {esc(f.fix)}</div></li>'
    )


def findings_block(report: NotebookReport) -> Rendered:
    """The open findings with their fix hints, and how many are suppressed."""
    count = len(report.findings)
    title = f"Open findings ({count})" if count else "No open findings"
    text = [title + ":" if count else title]
    for f in report.findings:
        text += _finding_text(f)
    items = "".join(_finding_html(f) for f in report.findings)
    body = f"<h4 style='margin:8px 0 2px 0;'>{esc(title)}</h4>"
    if items:
        body += f'<ul style="margin:0; padding-left: 18px;">{items}</ul>'
    if report.suppressed:
        line = (
            f"{len(report.suppressed)} suppressed ("
            + ", ".join(
                sorted({f"{f.code} in {cell_label(f.cell_index)}" for f in report.suppressed})
            )
            + ")"
        )
        text.append(line)
        body += f'<div style="{_MUTED}">{esc(line)}</div>'
    return Rendered("\n".join(text), body)


def render_findings(report: NotebookReport, notes: Sequence[str]) -> Rendered:
    """``%mlwa findings``."""
    block = findings_block(report)
    return Rendered(
        "\n".join([*_notes_text(notes), block.text]), _box(_notes_html(notes) + block.html)
    )


# --- status -------------------------------------------------------------------------------------


def render_status(
    report: NotebookReport, notes: Sequence[str], running_index: int | None = None
) -> Rendered:
    """``%mlwa status``: what was analysed, the phase map, the pillar table, open findings."""
    table = pillar_table(report)
    block = findings_block(report)
    explicit = sum(c.phase_source == PhaseSource.EXPLICIT for c in report.cells)
    phases_title = f"Phases ({len(report.cells)} cells" + (
        f", {explicit} set by you*)" if explicit else ")"
    )
    text = [
        f"mlwa · {report.path}",
        *_notes_text(notes),
        f"{phases_title}: {phase_map_text(report.cells)}",
        "Pillar coverage:",
        table.text,
        block.text,
    ]
    body = (
        f"<div style='font-weight:600;'>mlwa · {esc(report.path)}</div>"
        + _notes_html(notes)
        + f"<h4 style='margin:8px 0 2px 0;'>{esc(phases_title)}</h4>"
        + phase_map_html(report.cells, running_index)
        + "<h4 style='margin:8px 0 2px 0;'>Pillar coverage</h4>"
        + table.html
        + block.html
    )
    return Rendered("\n".join(text), _box(body))


# --- checklist ----------------------------------------------------------------------------------

ANSWER_HINT = "answer: %mlwa answer <id> done [note] | na <reason> | open [note]"


def attestation(s: PracticeState) -> str:
    """Who answered and on which day, for a checklist answer: " by Ada on 2026-11-29"."""
    by = f" by {s.by}" if s.by else ""
    day = f" on {s.updated[:10]}" if s.updated else ""
    return by + day if s.source == "checklist" or s.state == State.NOT_APPLICABLE else ""


def _state_detail(s: PracticeState) -> str:
    if s.state == State.VIOLATED:
        return "violated by cell " + ", ".join(str(c + 1) for c in s.cells)
    if s.state == State.NOT_APPLICABLE:
        why = f": {s.reason}" if s.reason else ""
        return f"not applicable{why}{attestation(s)}"
    if s.state == State.MET and s.source == "evidence":
        cells = ", ".join(str(c + 1) for c in s.cells)
        return f"met (seen in cell {cells})" if cells else "met"
    if s.state == State.MET and s.source == "rule":
        return f"met ({s.note})"
    if s.state == State.MET:
        return f"met (answered done{attestation(s)})"
    return "open"


def render_checklist(
    states: Sequence[PracticeState],
    title: str,
    notes: Sequence[str],
    ranked: Sequence[PracticeState] = (),
) -> Rendered:
    """The practices given, with their state, note and how to answer.

    ``ranked`` (a cell's checklist, see ``mlwa_notebook.checklist``) come first, in their order,
    under "For this cell"; the other practices follow grouped by pillar.
    """
    first = {s.id for s in ranked}
    groups: dict[str, list[PracticeState]] = {}
    for s in states:
        if s.id not in first:
            groups.setdefault(s.pillar, []).append(s)
    text = [*_notes_text(notes), f"{title} ({len(states)} practices)"]
    body = _notes_html(notes) + f"<h4 style='margin:8px 0 2px 0;'>{esc(title)} ({len(states)})</h4>"
    sections: list[tuple[str, Sequence[PracticeState]]] = []
    if ranked:
        sections.append(("For this cell", ranked))
    sections.extend((pillar_name(p), groups[p]) for p in PILLAR_NAMES if groups.get(p))
    for heading, items in sections:
        text.append(heading)
        body += f"<div style='font-weight:600; margin-top:6px;'>{esc(heading)}</div><ul style='margin:0; padding-left:18px; list-style:none;'>"
        for s in items:
            detail = _state_detail(s)
            label = "evidence" if s.source == "evidence" else "note"
            note = f" — {label}: {s.note}" if s.note else ""
            text.append(f"  {STATE_MARKS[s.state]} {s.id:<14} {s.title} [{detail}]{note}")
            colour = {
                State.VIOLATED: SEVERITY_COLOURS[Severity.ERROR],
                State.MET: "var(--jp-success-color1, #2e7d32)",
            }.get(s.state, "inherit")
            body += (
                f'<li title="{esc(s.question)}"><span style="color:{colour}; display:inline-block; width:1.2em;">'
                f"{STATE_MARKS[s.state]}</span><code>{esc(s.id)}</code> {esc(s.title)} "
                f'<span style="{_MUTED}">[{esc(detail)}]{esc(note)}</span></li>'
            )
        body += "</ul>"
    if not states:
        text.append("  nothing applies here")
        body += f'<div style="{_MUTED}">nothing applies here</div>'
    text.append(ANSWER_HINT)
    body += f'<div style="{_MUTED} margin-top:6px;"><code>{esc(ANSWER_HINT)}</code></div>'
    return Rendered("\n".join(text), _box(body))


# --- the note under a cell ----------------------------------------------------------------------


def render_note(findings: Sequence[Finding]) -> Rendered:
    """The compact note the after-cell check shows under a cell with new findings."""
    text = []
    items = []
    for f in findings:
        text.append(f"mlwa: {f.severity} {f.code} {f.name}: {f.message}")
        text.append(f"      fix: {f.fix}")
        colour = SEVERITY_COLOURS.get(f.severity, "inherit")
        items.append(
            f'<div><span style="color:{colour}; font-weight:600;">{esc(f.code)}</span> '
            f"{esc(f.name)}: {esc(f.message)} "
            f'<span style="{_MUTED}">— fix: {esc(f.fix)}</span></div>'
        )
    codes = ", ".join(dict.fromkeys(f.code for f in findings))
    hint = f"%mlwa ignore {findings[0].code} <reason> hides it for this cell" if findings else ""
    text.append(f"      ({hint})")
    border = SEVERITY_COLOURS.get(max((f.severity for f in findings), key=severity_rank), "inherit")
    body = (
        f'<div class="mlwa-note" style="{_NOTE} border-left: 3px solid {border};'
        f' padding: 2px 8px; margin: 2px 0;" data-mlwa-codes="{esc(codes)}">'
        + "".join(items)
        + f'<div style="{_MUTED}">{esc(hint)}</div></div>'
    )
    return Rendered("\n".join(text), body)


# --- lens, messages, help -----------------------------------------------------------------------


def render_lens(
    sources: Sequence[tuple[str, str, str]], practices: int, config_source: str | None
) -> Rendered:
    """``%mlwa lens``: the lenses loaded (id, name, file), custom ones marked, and the config."""
    rows = [
        (lens_id, name, "bundled" if i == 0 else "custom", path)
        for i, (lens_id, name, path) in enumerate(sources)
    ]
    header = ("lens", "name", "kind", "file")
    where = (
        f"configuration: {config_source}"
        if config_source
        else "configuration: defaults (no [tool.mlwa] found)"
    )
    custom = len(sources) - 1
    summary = f"{practices} best practices from {len(sources)} lens(es), {custom} custom"
    return Rendered(
        "\n".join([table_text(header, rows), summary, where]),
        _box(
            table_html(header, rows)
            + f"<div>{esc(summary)}</div><div style='{_MUTED}'>{esc(where)}</div>"
        ),
    )


def render_message(text: str, warning: bool = False) -> Rendered:
    """A one-line answer (``phase set``, ``auto on``…)."""
    colour = f"color: {SEVERITY_COLOURS['warning']};" if warning else ""
    return Rendered(text, _box(f'<div style="{colour}">{esc(text)}</div>'))


def render_help(usage: str) -> Rendered:
    """``%mlwa help``."""
    return Rendered(usage, _box(f"<pre style='margin:0;'>{esc(usage)}</pre>"))
