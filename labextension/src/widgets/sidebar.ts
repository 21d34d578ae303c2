/**
 * The right-sidebar panel: the active cell's phase, pillar coverage, findings and the checklist
 * of the current notebook. It renders the report and asks commands for every change.
 */
import { PathExt } from '@jupyterlab/coreutils';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { IStateDB } from '@jupyterlab/statedb';
import { LabIcon } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import type { AnalysisRegistry, NotebookAnalysis } from '../analysis';
import { cellReport } from '../reportlookup';
import { CommandIDs, ISettings } from '../tokens';
import type { Finding, NotebookReport } from '../tokens';
import { renderCellPhase } from './cellphase';
import { renderChecklist } from './checklist';
import { IActions, IViewContext, IViewState } from './context';
import { renderCoverage } from './coverage';
import { h } from './dom';
import { renderFindingList, renderFindings } from './findings';
import { renderSuppressed } from './suppressed';
import { applyChange } from '../writers';

const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16">
<polygon class="jp-icon3" fill="#616161" points="12,2 21,7.5 21,16.5 12,22 3,16.5 3,7.5" opacity="0.35"/>
<polygon class="jp-icon3" fill="#616161" points="12,6 17,9 16,15 12,18 7,15 8,9"/>
</svg>`;

export const mlwaIcon = new LabIcon({ name: 'mlwa-notebook:lens', svgstr: ICON_SVG });

export const SIDEBAR_ID = 'mlwa-sidebar';

/** Where the sections the user closed are remembered (JupyterLab's state database). */
const STATE_KEY = 'mlwa-notebook:sidebar';

/** The sections, top to bottom: the active cell first, then what is about the whole notebook. */
type SectionId = 'cell' | 'coverage' | 'findings' | 'suppressed';
const SECTIONS: readonly SectionId[] = ['cell', 'coverage', 'findings', 'suppressed'];

/**
 * One part of the panel, rebuilt only when what it renders from changed: moving between cells
 * rebuilds the active cell's section and nothing else. `data-renders` counts its rebuilds.
 */
class Part {
  constructor(readonly node: HTMLElement) {}

  /** Rebuild with `build` when `inputs` differ (by identity) from the last ones. */
  update(inputs: readonly unknown[], build: () => Node[]): void {
    if (this._inputs && sameInputs(this._inputs, inputs)) {
      return;
    }
    this._inputs = inputs;
    this.node.replaceChildren(...build());
    this._renders += 1;
    this.node.dataset['renders'] = String(this._renders);
  }

  /** Forget the inputs, so the next update rebuilds. */
  invalidate(): void {
    this._inputs = null;
  }

  private _inputs: readonly unknown[] | null = null;
  private _renders = 0;
}

function sameInputs(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export class MlwaSidebar extends Widget {
  constructor(
    private readonly tracker: INotebookTracker,
    private readonly analyses: AnalysisRegistry,
    private readonly commands: CommandRegistry,
    private readonly settings: () => ISettings,
    private readonly stateDB: IStateDB | null
  ) {
    super();
    this.id = SIDEBAR_ID;
    this.addClass('mlwa-Sidebar');
    this.title.icon = mlwaIcon;
    this.title.caption = 'ML Well-Architected review';
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', 'ML Well-Architected review');
    this._actions = this._makeActions();
    this._header = new Part(h('div', { class: 'mlwa-HeaderPart' }));
    this._problems = new Part(h('div', { class: 'mlwa-ProblemsPart' }));
    this._waiting = new Part(h('div', { class: 'mlwa-WaitingPart' }));
    for (const id of SECTIONS) {
      this._sections.set(id, this._makeSection(id));
    }
    const part = (testid: string, cls: string): Part =>
      new Part(h('div', { class: cls, 'data-testid': testid }));
    this._cellPhase = part('mlwa-part-cellphase', 'mlwa-CellPhasePart');
    this._cellFindings = part('mlwa-cell-findings', 'mlwa-CellFindings');
    this._checklist = part('mlwa-part-checklist', 'mlwa-CellChecklist');
    this._sectionOf('cell').part.node.append(
      this._cellPhase.node,
      this._cellFindings.node,
      this._checklist.node
    );
  }

  protected override onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.tracker.currentChanged.connect(this._onCurrentChanged, this);
    this.tracker.activeCellChanged.connect(this._scheduleRender, this);
    this._onCurrentChanged();
  }

  protected override onBeforeDetach(msg: Message): void {
    this.tracker.currentChanged.disconnect(this._onCurrentChanged, this);
    this.tracker.activeCellChanged.disconnect(this._scheduleRender, this);
    this._follow(null);
    super.onBeforeDetach(msg);
  }

  protected override onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._scheduleRender();
  }

  private _onCurrentChanged(): void {
    const panel = this.tracker.currentWidget;
    this._follow(panel ? this.analyses.get(panel) : null);
    this._scheduleRender();
  }

  /** Listen to one notebook's analysis and metadata (and stop listening to the previous one). */
  private _follow(analysis: NotebookAnalysis | null): void {
    if (this._analysis === analysis) {
      return;
    }
    if (this._analysis) {
      this._analysis.changed.disconnect(this._scheduleRender, this);
      this._analysis.panel.context.model?.metadataChanged.disconnect(this._onMetadata, this);
    }
    this._analysis = analysis;
    this._state.checklistPhase = null;
    this._state.suppressing = null;
    this._answers = null;
    this._shownAnswers = {};
    if (analysis) {
      analysis.changed.connect(this._scheduleRender, this);
      void analysis.panel.context.ready.then(() => {
        if (this._analysis === analysis) {
          analysis.panel.context.model.metadataChanged.connect(this._onMetadata, this);
          this._answers = null;
          this._scheduleRender();
        }
      });
    }
  }

  /**
   * The stored answers as the core reads them (it alone knows the stored forms); until it
   * answers, the answers shown before stay. A later metadata change asks again.
   */
  private _readAnswers(panel: NotebookPanel): void {
    if (!panel.context.isReady || this._reading) {
      return;
    }
    const model = panel.context.model;
    this._reading = true;
    this._answers = undefined;
    applyChange(model)
      .then(answers => {
        if (this._analysis?.panel.context.model !== model) {
          return; // another notebook is shown now
        }
        this._shownAnswers = answers;
        if (this._answers === undefined) {
          this._answers = answers; // else the metadata changed meanwhile: read again
        }
      })
      .catch(reason => console.warn(`mlwa: the checklist answers were not read (${reason})`))
      .finally(() => {
        this._reading = false;
        this._scheduleRender();
      });
  }

  /** The notebook's metadata changed: the stored answers are read again on the next render. */
  private _onMetadata(): void {
    this._answers = null;
    this._scheduleRender();
  }

  private _scheduleRender(): void {
    if (this._frame !== 0 || !this.isVisible) {
      return;
    }
    this._frame = requestAnimationFrame(() => {
      this._frame = 0;
      this._render();
    });
  }

  private _render(): void {
    // Keep the focused control, what is typed in it and the scroll position across rebuilds.
    const active = document.activeElement as HTMLElement | null;
    const inside = active !== null && this.node.contains(active);
    const key = inside ? active.dataset['mlwaKey'] : undefined;
    const typed =
      inside && active instanceof HTMLInputElement && active.type === 'text'
        ? { value: active.value, start: active.selectionStart, end: active.selectionEnd }
        : null;
    const scroll = this.node.scrollTop;

    const start = performance.now();
    this._update();
    // The panel's own time, summed: the browser test prints it beside the time of a move.
    this._renderMs += performance.now() - start;
    this.node.dataset['renderMs'] = this._renderMs.toFixed(1);

    if (key && (!active || !active.isConnected)) {
      const again = this.node.querySelector<HTMLElement>(`[data-mlwa-key="${CSS.escape(key)}"]`);
      if (again) {
        if (typed && again instanceof HTMLInputElement) {
          again.value = typed.value;
          again.setSelectionRange(typed.start, typed.end);
        }
        again.focus();
      }
    }
    this.node.scrollTop = scroll;
  }

  /** Bring every part up to date; parts whose inputs did not change are left as they are. */
  private _update(): void {
    const analysis = this._analysis;
    if (!analysis) {
      this.node.replaceChildren(renderEmpty());
      this._shown = null;
      return;
    }
    const panel = analysis.panel;
    const report = analysis.report;
    const layout = report ? 'report' : 'waiting';
    if (this._shown !== layout) {
      // the parts stay the same nodes; only which ones are in the panel changes
      const parts = [this._header.node, this._problems.node];
      if (report) {
        for (const id of SECTIONS) {
          parts.push(this._sectionOf(id).details);
        }
      } else {
        parts.push(this._waiting.node);
      }
      this.node.replaceChildren(...parts);
      this._shown = layout;
    }
    this._header.update([analysis, analysis.status, panel.context.path], () => [
      this._renderHeader(panel, analysis)
    ]);
    this._problems.update([analysis.error, analysis.errors], () => this._renderProblems(analysis));
    if (!report) {
      const auto = this.settings().autoAnalyse;
      this._waiting.update([analysis.status, auto], () => [
        h(
          'p',
          { class: 'mlwa-Muted mlwa-Waiting' },
          analysis.status === 'failed'
            ? ''
            : auto
              ? 'Analysing the notebook…'
              : 'Automatic analysis is off: press Analyse.'
        )
      ]);
      return;
    }
    const activeCellId = panel.content.activeCell?.model.id ?? null;
    if (this._answers === null) {
      this._readAnswers(panel);
    }
    const ctx: IViewContext = {
      analysis,
      report,
      activeCellId,
      activeCell: activeCellId ? cellReport(report, activeCellId) : undefined,
      answers: this._answers ?? this._shownAnswers,
      state: this._state,
      actions: this._actions
    };
    const state = this._state;
    // The active cell's part in three, each rebuilt only when what it shows changed: moving
    // between two cells of the same checklist rebuilds the phase line only.
    const cell = ctx.activeCell;
    const own = (activeCellId && findingsByCell(report).get(activeCellId)) || NO_FINDINGS;
    this._cellPhase.update([report, activeCellId, cell], () => [renderCellPhase(ctx)]);
    this._cellFindings.update([own, state.suppressing], () => this._renderCellFindings(ctx, own));
    this._checklist.update(
      [
        report,
        this._answers ?? this._shownAnswers,
        state.checklistPhase,
        cell?.checklist_phase,
        cell?.lens_phase,
        cell?.phase,
        cell ? cell.checklist.join(' ') : activeCellId
      ],
      () => [h('h3', { class: 'mlwa-Subtitle' }, 'Checklist'), renderChecklist(ctx)]
    );
    this._section('coverage').update([report], () => [renderCoverage(report)]);
    this._section('findings').update([report, state.suppressing], () => [renderFindings(ctx)]);
    this._section('suppressed').update([report], () => [renderSuppressed(ctx)]);
    this._titles(report.findings.length, report.suppressed.length);
  }

  /** The active cell's own findings (nothing when it has none). */
  private _renderCellFindings(ctx: IViewContext, own: readonly Finding[]): Node[] {
    if (!own.length) {
      return [];
    }
    return [
      h('h3', { class: 'mlwa-Subtitle' }, `Findings in this cell (${own.length})`),
      renderFindingList(ctx, own, 'cell')
    ];
  }

  private _renderHeader(panel: NotebookPanel, analysis: NotebookAnalysis): HTMLElement {
    const status = {
      idle: 'Not analysed yet',
      waiting: 'Changes pending…',
      analysing: 'Analysing…',
      done: 'Up to date',
      failed: 'Analysis failed'
    }[analysis.status];
    return h(
      'header',
      { class: 'mlwa-Header' },
      h('h2', { class: 'mlwa-Title' }, 'ML Well-Architected'),
      h(
        'div',
        { class: 'mlwa-Notebook', title: panel.context.path },
        PathExt.basename(panel.context.path)
      ),
      h(
        'div',
        { class: 'mlwa-Toolbar' },
        h(
          'button',
          {
            type: 'button',
            class: 'jp-mod-styled mlwa-Button',
            'data-mlwa-key': 'analyse',
            title: 'Analyse the notebook now',
            onclick: () => this._actions.analyse()
          },
          'Analyse'
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'jp-mod-styled mlwa-Button',
            'data-mlwa-key': 'export',
            title: 'Export the annotated notebook (review record)',
            onclick: () => this._actions.exportNotebook()
          },
          'Export'
        ),
        h(
          'span',
          {
            class: 'mlwa-Status',
            role: 'status',
            'aria-live': 'polite',
            'data-status': analysis.status
          },
          status
        )
      )
    );
  }

  private _renderProblems(analysis: NotebookAnalysis): Node[] {
    const error = analysis.error;
    const records = analysis.errors;
    if (!error && !records.length) {
      return [];
    }
    return [
      h(
        'div',
        { class: 'mlwa-Alert', role: 'alert' },
        error ? h('p', {}, h('strong', {}, error.message)) : null,
        error ? h('p', {}, error.hint) : null,
        ...records.map(r => h('p', {}, `${r.path}: ${r.message}`))
      )
    ];
  }

  private _section(id: SectionId): Part {
    return this._sectionOf(id).part;
  }

  private _sectionOf(id: SectionId): {
    details: HTMLDetailsElement;
    summary: HTMLElement;
    part: Part;
  } {
    const found = this._sections.get(id);
    if (!found) {
      throw new Error(`mlwa: no section ${id}`);
    }
    return found;
  }

  /** The section titles with the report's counts (cheap: text only). */
  private _titles(findings: number, suppressed: number): void {
    const titles: { [id in SectionId]: string } = {
      cell: 'Active cell',
      coverage: 'Pillar coverage',
      findings: `All findings (${findings})`,
      suppressed: `Suppressed (${suppressed})`
    };
    for (const [id, section] of this._sections) {
      if (section.summary.textContent !== titles[id]) {
        section.summary.textContent = titles[id];
      }
    }
  }

  /** A collapsible section whose open state is remembered across sessions. */
  private _makeSection(id: SectionId): {
    details: HTMLDetailsElement;
    summary: HTMLElement;
    part: Part;
  } {
    const summary = h('summary', { class: 'mlwa-Section-title', 'data-mlwa-key': `section-${id}` });
    const content = h('div', { class: 'mlwa-Section-body', 'data-testid': `mlwa-section-${id}` });
    const details = h(
      'details',
      { class: 'mlwa-Section', 'data-section': id, open: true },
      summary,
      content
    );
    details.addEventListener('toggle', () => {
      const closed = !details.open;
      if (closed === this._closed.has(id)) {
        return;
      }
      if (closed) {
        this._closed.add(id);
      } else {
        this._closed.delete(id);
      }
      void this.stateDB?.save(STATE_KEY, { closed: [...this._closed] });
    });
    return { details, summary, part: new Part(content) };
  }

  /** Close the sections the user closed in an earlier session (once the state is restored). */
  async restoreState(): Promise<void> {
    try {
      const saved = (await this.stateDB?.fetch(STATE_KEY)) as { closed?: unknown } | undefined;
      const closed = Array.isArray(saved?.closed) ? saved.closed.map(String) : [];
      for (const [id, section] of this._sections) {
        if (closed.includes(id)) {
          this._closed.add(id);
          section.details.open = false;
        }
      }
    } catch (reason) {
      console.warn(`mlwa: the sidebar's state could not be read (${String(reason)})`);
    }
  }

  private _makeActions(): IActions {
    const run = (id: string, args: { [key: string]: string | null } = {}): void => {
      void this.commands.execute(id, args);
    };
    return {
      setPhase: (cellId, phase) => run(CommandIDs.setPhase, { cellId, phase: phase ?? '' }),
      setAnswer: (bp, state, note, reason) =>
        run(CommandIDs.setAnswer, { bp, state, note: note ?? '', reason: reason ?? '' }),
      suppress: (cellId, code, reason) => run(CommandIDs.suppress, { cellId, code, reason }),
      unsuppress: (cellId, scope, via, key) =>
        run(CommandIDs.unsuppress, { cellId, scope, via, key }),
      goToCell: cellId => run(CommandIDs.goToCell, { cellId }),
      analyse: () => run(CommandIDs.analyse),
      exportNotebook: () => run(CommandIDs.exportNotebook),
      refresh: () => this._scheduleRender()
    };
  }

  private _analysis: NotebookAnalysis | null = null;
  private _actions: IActions;
  /** The answers read for the current state; null: to read; undefined: being read. */
  private _answers: IViewContext['answers'] | null | undefined = null;
  /** What the checklist shows while the answers are read again. */
  private _shownAnswers: IViewContext['answers'] = {};
  private _reading = false;
  private _frame = 0;
  private _renderMs = 0;
  private _shown: 'report' | 'waiting' | null = null;
  private _header: Part;
  private _cellPhase: Part;
  private _cellFindings: Part;
  private _checklist: Part;
  private _problems: Part;
  private _waiting: Part;
  private _sections = new Map<
    SectionId,
    { details: HTMLDetailsElement; summary: HTMLElement; part: Part }
  >();
  private _closed = new Set<string>();
  private _state: IViewState = { checklistPhase: null, suppressing: null };
}

const NO_FINDINGS: readonly Finding[] = [];
const BY_CELL = new WeakMap<NotebookReport, Map<string, Finding[]>>();

/** The open findings of each cell, grouped once a report (the same array for the same cell). */
function findingsByCell(report: NotebookReport): Map<string, Finding[]> {
  let found = BY_CELL.get(report);
  if (!found) {
    found = new Map();
    for (const f of report.findings) {
      const list = found.get(f.cell_id);
      if (list) {
        list.push(f);
      } else {
        found.set(f.cell_id, [f]);
      }
    }
    BY_CELL.set(report, found);
  }
  return found;
}

function renderEmpty(): HTMLElement {
  return h(
    'div',
    { class: 'mlwa-Empty', 'data-testid': 'mlwa-empty' },
    h('h2', { class: 'mlwa-Title' }, 'ML Well-Architected'),
    h('p', {}, h('strong', {}, 'No notebook is open.')),
    h(
      'p',
      {},
      'Open a notebook (.ipynb) to see the lifecycle phase of each cell, the ML Lens checklist ' +
        'for it, what a reviewer would flag, and how each pillar is covered.'
    )
  );
}
