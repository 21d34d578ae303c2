/**
 * The right-sidebar panel: the active cell's phase, pillar coverage, findings and the checklist
 * of the current notebook. It renders the report and asks commands for every change.
 */
import { PathExt } from '@jupyterlab/coreutils';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { LabIcon } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import type { AnalysisRegistry, NotebookAnalysis } from '../analysis';
import { cellReport, readAnswers } from '../model';
import { CommandIDs, ISettings, METADATA_KEY } from '../tokens';
import { renderCellPhase } from './cellphase';
import { renderChecklist } from './checklist';
import { IActions, IViewContext, IViewState } from './context';
import { renderCoverage } from './coverage';
import { h } from './dom';
import { renderFindings } from './findings';
import { RadarView } from './radar';

const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16">
<polygon class="jp-icon3" fill="#616161" points="12,2 21,7.5 21,16.5 12,22 3,16.5 3,7.5" opacity="0.35"/>
<polygon class="jp-icon3" fill="#616161" points="12,6 17,9 16,15 12,18 7,15 8,9"/>
</svg>`;

export const mlwaIcon = new LabIcon({ name: 'mlwa-notebook:lens', svgstr: ICON_SVG });

export const SIDEBAR_ID = 'mlwa-sidebar';

export class MlwaSidebar extends Widget {
  constructor(
    private readonly tracker: INotebookTracker,
    private readonly analyses: AnalysisRegistry,
    private readonly commands: CommandRegistry,
    private readonly settings: () => ISettings,
    rendermime: IRenderMimeRegistry | null
  ) {
    super();
    this.id = SIDEBAR_ID;
    this.addClass('mlwa-Sidebar');
    this.title.icon = mlwaIcon;
    this.title.caption = 'ML Well-Architected review';
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', 'ML Well-Architected review');
    this._radar = new RadarView(rendermime);
    this._actions = this._makeActions();
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

  override dispose(): void {
    this._radar.dispose();
    super.dispose();
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
      this._analysis.panel.context.model?.metadataChanged.disconnect(this._scheduleRender, this);
    }
    this._analysis = analysis;
    this._state.checklistPhase = null;
    this._state.suppressing = null;
    if (analysis) {
      analysis.changed.connect(this._scheduleRender, this);
      void analysis.panel.context.ready.then(() => {
        if (this._analysis === analysis) {
          analysis.panel.context.model.metadataChanged.connect(this._scheduleRender, this);
          this._scheduleRender();
        }
      });
    }
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
    // Keep the focused control, what is typed in it and the scroll position across re-renders.
    const active = document.activeElement as HTMLElement | null;
    const inside = active !== null && this.node.contains(active);
    const key = inside ? active.dataset['mlwaKey'] : undefined;
    const typed =
      inside && active instanceof HTMLInputElement && active.type === 'text'
        ? { value: active.value, start: active.selectionStart, end: active.selectionEnd }
        : null;
    const scroll = this.node.scrollTop;

    this._radar.unmount();
    this.node.replaceChildren(...this._content());
    this._radar.mount(this.node);

    if (key) {
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

  private _content(): HTMLElement[] {
    const analysis = this._analysis;
    if (!analysis) {
      return [renderEmpty()];
    }
    const panel = analysis.panel;
    const report = analysis.report;
    const activeCellId = panel.content.activeCell?.model.id ?? null;
    const ctx: IViewContext = {
      analysis,
      report,
      activeCellId,
      activeCell: activeCellId ? cellReport(report, activeCellId) : undefined,
      answers: panel.context.isReady
        ? readAnswers(panel.context.model.sharedModel.getMetadata(METADATA_KEY))
        : {},
      state: this._state,
      actions: this._actions
    };
    const parts: HTMLElement[] = [this._header(panel, analysis)];
    const problems = this._problems(analysis);
    if (problems) {
      parts.push(problems);
    }
    if (!report) {
      parts.push(
        h(
          'p',
          { class: 'mlwa-Muted mlwa-Waiting' },
          analysis.status === 'failed'
            ? ''
            : this.settings().autoAnalyse
              ? 'Analysing the notebook…'
              : 'Automatic analysis is off: press Analyse.'
        )
      );
      return parts;
    }
    parts.push(
      this._section('cell', 'Active cell', renderCellPhase(ctx)),
      this._section(
        'coverage',
        'Pillar coverage',
        renderCoverage(ctx, this._radar.host(analysis.radar))
      ),
      this._section('findings', `Findings (${report.findings.length})`, renderFindings(ctx)),
      this._section('checklist', 'Checklist', renderChecklist(ctx))
    );
    return parts;
  }

  private _header(panel: NotebookPanel, analysis: NotebookAnalysis): HTMLElement {
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

  private _problems(analysis: NotebookAnalysis): HTMLElement | null {
    const error = analysis.error;
    const records = analysis.errors;
    if (!error && !records.length) {
      return null;
    }
    return h(
      'div',
      { class: 'mlwa-Alert', role: 'alert' },
      error ? h('p', {}, h('strong', {}, error.message)) : null,
      error ? h('p', {}, error.hint) : null,
      ...records.map(r => h('p', {}, `${r.path}: ${r.message}`))
    );
  }

  private _section(id: string, title: string, content: HTMLElement): HTMLElement {
    const details = h(
      'details',
      {
        class: 'mlwa-Section',
        'data-section': id,
        open: !this._state.closed.has(id)
      },
      h('summary', { class: 'mlwa-Section-title', 'data-mlwa-key': `section-${id}` }, title),
      content
    );
    details.addEventListener('toggle', () => {
      if (details.open) {
        this._state.closed.delete(id);
      } else {
        this._state.closed.add(id);
      }
    });
    return details;
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
      goToCell: cellId => run(CommandIDs.goToCell, { cellId }),
      analyse: () => run(CommandIDs.analyse),
      exportNotebook: () => run(CommandIDs.exportNotebook),
      refresh: () => this._scheduleRender()
    };
  }

  private _analysis: NotebookAnalysis | null = null;
  private _actions: IActions;
  private _frame = 0;
  private _radar: RadarView;
  private _state: IViewState = { checklistPhase: null, suppressing: null, closed: new Set() };
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
