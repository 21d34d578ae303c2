"""``%mlwa panel``: an ipywidgets 8 panel over one report, with a checklist the user can answer.

Tabs: Overview (radar and per-pillar scores with how they are computed), Phases (every cell with
its phase; the user's overrides marked), Checklist (one lens phase at a time, grouped by pillar:
done / n/a with a reason / open, and a note) and Findings (with fix hints).

The panel decides nothing: it renders the report it is given and hands each answer to
``PanelActions.answer`` (the kernel keeps it, see ``kernel/persist.py``), then asks
``PanelActions.refresh`` for the new report and re-renders. ipywidgets and plotly are imported
here only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from mlwa_notebook.location import cell_number
from mlwa_notebook.report import NotebookReport, PracticeState
from mlwa_notebook.views.notebook_html import (
    esc,
    findings_block,
    percent,
    phase_map_html,
    pillar_name,
    pillar_table,
    table_html,
)
from mlwa_notebook.vocabulary import PILLAR_NAMES, PhaseSource

TAB_TITLES = ("Overview", "Phases", "Checklist", "Findings")
ANSWER_OPTIONS = (("done", "done"), ("n/a", "na"), ("open", "open"))
ALL_PHASES = "all"


@dataclass(frozen=True, slots=True)
class PanelView:
    """What the panel shows: a report, what was analysed, and the phase to start the checklist on."""

    report: NotebookReport
    notes: tuple[str, ...]
    current_phase: str | None
    running_index: int | None = None


class PanelActions(Protocol):
    """What the panel asks of its owner."""

    def answer(self, bp_id: str, state: str, text: str) -> str:
        """Keep an answer; returns what to tell the user. Raises to report a failure."""

    def refresh(self) -> PanelView:
        """The report as it is now."""


def stored_answer(state: PracticeState) -> str:
    """The answer the checklist holds for a practice: done, na, or open (the default)."""
    if state.source == "checklist" and state.state == "met":
        return "done"
    if state.state == "not-applicable":
        return "na"
    return "open"


def user_note(state: PracticeState) -> str:
    """The note the user wrote; a met-by-evidence or rule state's note is the analysis's words."""
    return "" if state.source in ("evidence", "rule") else state.note


def derived(state: PracticeState) -> str:
    """The practice's state as the analysis sees it, in words."""
    if state.state == "violated":
        return "violated by cell " + ", ".join(str(c + 1) for c in state.cells)
    if state.state == "met" and state.source == "evidence":
        return "met: seen in cell " + ", ".join(str(c + 1) for c in state.cells)
    if state.state == "met" and state.source == "rule":
        return f"met: {state.note}"
    return {"met": "met", "not-applicable": "not applicable", "open": "open"}[state.state]


def phases_html(report: NotebookReport) -> str:
    """Every cell with its phase, how it was decided, and the user's overrides marked."""
    rows = []
    for c in report.cells:
        how = "★ set by you" if c.phase_source == PhaseSource.EXPLICIT else c.phase_source
        rows.append(
            (
                str(cell_number(c.index)),
                c.cell_type,
                c.phase,
                how,
                percent(c.confidence),
                "; ".join(c.evidence[:2]),
            )
        )
    header = ("cell", "type", "phase", "decided by", "confidence", "evidence")
    return phase_map_html(report.cells) + table_html(header, rows)


def overview_html(report: NotebookReport) -> str:
    """Per-pillar scores with their counts and the formula."""
    return "<h4 style='margin:4px 0;'>How each score is computed</h4>" + pillar_table(report).html


class ChecklistRow:
    """One practice: its answer (done / n/a / open), a note or reason, and its derived state."""

    def __init__(self, state: PracticeState, on_change: Callable[[ChecklistRow], None]) -> None:
        import ipywidgets as w

        self.bp_id = state.id
        self._on_change = on_change
        self.answer = w.ToggleButtons(
            options=list(ANSWER_OPTIONS),
            value=stored_answer(state),
            tooltips=["done", "not applicable (give a reason)", "open"],
            # sized to their labels: a fixed width cut "done" and "open" to "do…" and "op…"
            style={"button_width": "auto"},
            layout=w.Layout(width="auto", flex="0 0 auto"),
        )
        self.text = w.Text(
            value=state.reason if state.state == "not-applicable" else user_note(state),
            placeholder="reason (needed for n/a) or note",
            continuous_update=False,
            layout=w.Layout(flex="1 1 12em", min_width="10em"),
        )
        self.label = w.HTML(layout=w.Layout(flex="1 1 40%", min_width="12em"))
        self.update(state)
        self.answer.observe(self._changed, names="value")
        self.text.observe(self._changed, names="value")
        # a narrow output wraps the row rather than squeezing the buttons
        self.widget = w.HBox(
            [self.answer, self.label, self.text], layout=w.Layout(flex_flow="row wrap")
        )

    def update(self, state: PracticeState) -> None:
        """Show the practice's derived state after a new report."""
        self.label.value = (
            f'<span title="{esc(state.question)}"><code>{esc(state.id)}</code> {esc(state.title)}'
            f' <i style="opacity:.75">({esc(derived(state))})</i></span>'
        )

    def _changed(self, _change: Any) -> None:
        self._on_change(self)


class MlwaPanel:
    """The panel widget and its parts (kept addressable for the kernel API and tests)."""

    def __init__(self, view: PanelView, actions: PanelActions) -> None:
        import ipywidgets as w

        self.actions = actions
        self.view = view
        self.status = w.HTML()
        # the notes take the room left; the button keeps its label ("Refresh", never "…")
        self.notes = w.HTML(layout=w.Layout(flex="1 1 auto", min_width="0"))
        self.refresh_button = w.Button(
            description="Refresh", icon="refresh", layout=w.Layout(width="auto", flex="0 0 auto")
        )
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.scores = w.HTML()
        self.radar: Any = _radar_widget(view.report)
        self.phases = w.HTML()
        self.findings = w.HTML()
        phases = list(view.report.phases_present)
        start = view.current_phase if view.current_phase in phases else ALL_PHASES
        self.phase_picker = w.Dropdown(
            options=_phase_options(view.report), value=start, description="Phase"
        )
        self.phase_picker.observe(lambda _c: self._build_checklist(), names="value")
        self.checklist_box = w.VBox()
        self.rows: dict[str, ChecklistRow] = {}
        overview_children = [self.scores] if self.radar is None else [self.radar, self.scores]
        self.tabs = w.Tab(
            children=[
                w.VBox(overview_children),
                self.phases,
                w.VBox([self.phase_picker, self.checklist_box]),
                self.findings,
            ],
            titles=TAB_TITLES,
        )
        self.widget = w.VBox([w.HBox([self.notes, self.refresh_button]), self.tabs, self.status])
        self._render(view)
        self._build_checklist()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    # --- rendering ----------------------------------------------------------------------------

    def _render(self, view: PanelView) -> None:
        self.view = view
        report = view.report
        self.notes.value = "".join(f"<div style='opacity:.75'>{esc(n)}</div>" for n in view.notes)
        self.scores.value = overview_html(report)
        self.phases.value = phases_html(report)
        self.findings.value = findings_block(report).html
        if self.radar is not None:
            _update_radar(self.radar, report)
        by_id = {s.id: s for s in report.checklist}
        for bp_id, row in self.rows.items():
            if bp_id in by_id:
                row.update(by_id[bp_id])

    def _shown_states(self) -> list[PracticeState]:
        phase = self.phase_picker.value
        return [s for s in self.view.report.checklist if phase == ALL_PHASES or s.phase == phase]

    def _build_checklist(self) -> None:
        import ipywidgets as w

        states = self._shown_states()
        self.rows = {}
        children: list[Any] = []
        for pillar in PILLAR_NAMES:
            group = [s for s in states if s.pillar == pillar]
            if not group:
                continue
            children.append(w.HTML(f"<b>{esc(pillar_name(pillar))}</b>"))
            for state in group:
                row = ChecklistRow(state, self._answer)
                self.rows[state.id] = row
                children.append(row.widget)
        if not children:
            children.append(w.HTML("<i>No best practice applies to this phase.</i>"))
        self.checklist_box.children = children

    # --- actions ------------------------------------------------------------------------------

    def _answer(self, row: ChecklistRow) -> None:
        state = str(row.answer.value)
        text = str(row.text.value).strip()
        if state == "na" and not text:
            self.status.value = (
                f"<span>Type why {esc(row.bp_id)} does not apply, then press Enter.</span>"
            )
            return
        try:
            message = self.actions.answer(row.bp_id, state, text)
        except Exception as exc:  # shown in the panel: a widget callback has nowhere else to go
            self.status.value = (
                f"<span style='color:var(--jp-error-color1,#d32f2f)'>{esc(exc)}</span>"
            )
            return
        self.status.value = f"<span>{esc(message)}</span>"
        self.refresh()

    def refresh(self) -> None:
        """Re-render from the report as it is now (rows are rebuilt only when others apply)."""
        try:
            self._render(self.actions.refresh())
            options = _phase_options(self.view.report)
            if list(self.phase_picker.options) != options:
                keep = self.phase_picker.value
                self.phase_picker.options = options
                self.phase_picker.value = keep if keep in dict(options).values() else ALL_PHASES
            if [s.id for s in self._shown_states()] != list(self.rows):
                self._build_checklist()
        except Exception as exc:
            self.status.value = (
                f"<span style='color:var(--jp-error-color1,#d32f2f)'>{esc(exc)}</span>"
            )


def _phase_options(report: NotebookReport) -> list[tuple[str, str]]:
    phases = [(p.replace("-", " "), p) for p in report.phases_present]
    return [*phases, ("all phases", ALL_PHASES)]


def _radar_widget(report: NotebookReport) -> Any:
    """A plotly ``FigureWidget`` of the radar; None when plotly or anywidget is missing."""
    import importlib.util

    if importlib.util.find_spec("plotly") is None or importlib.util.find_spec("anywidget") is None:
        return None
    from mlwa_notebook.views.radar import radar_figure

    try:
        return radar_figure(report, widget=True)
    except Exception:  # an old plotly without anywidget support: the table still shows the scores
        return None


def _update_radar(figure: Any, report: NotebookReport) -> None:
    scores = list(report.pillar_scores)
    closed = [*scores, scores[0]] if scores else []
    from mlwa_notebook.views.radar import CHECKED_NAME, checked_values, hover_counts

    with figure.batch_update():
        figure.data[-1].r = [round(s.score * 100, 1) for s in closed]
        figure.data[-1].customdata = [hover_counts(s) for s in closed]
        for trace in figure.data[:-1]:
            if trace.name == CHECKED_NAME:
                trace.r = checked_values(report)


def build_panel(view: PanelView, actions: PanelActions) -> MlwaPanel:
    """The panel for a report."""
    return MlwaPanel(view, actions)
