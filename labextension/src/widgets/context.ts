/**
 * What every sidebar section renders from, and the actions it may ask for. Sections are plain
 * functions of this context: they hold no state of their own, so a re-render is always right.
 */
import type { NotebookAnalysis } from '../analysis';
import type { AnswerState, CellReport, IChecklistEntry, NotebookReport } from '../tokens';

/** What the user asked for in the sidebar that is not notebook state (kept across renders). */
export interface IViewState {
  /** The lens phase the checklist shows: `null` follows the active cell. */
  checklistPhase: string | null;
  /** The finding whose "suppress" form is open (`<list>-<cell id>/<code>/<line>`). */
  suppressing: string | null;
}

/** The actions a section may ask for; each goes through a command or the notebook model. */
export interface IActions {
  setPhase(cellId: string, phase: string | null): void;
  setAnswer(bp: string, state: AnswerState, note?: string, reason?: string): void;
  suppress(cellId: string, code: string, reason: string): void;
  /** Undo a suppression the report lists (`finding.suppressed`), where it was said. */
  unsuppress(cellId: string, scope: string, via: string, key: string): void;
  goToCell(cellId: string): void;
  analyse(): void;
  exportNotebook(): void;
  /** Re-render after a change of view state only. */
  refresh(): void;
}

export interface IViewContext {
  analysis: NotebookAnalysis;
  report: NotebookReport | null;
  /** The active cell's id and its report (undefined until analysed or for a new cell). */
  activeCellId: string | null;
  activeCell: CellReport | undefined;
  /** The checklist answers stored in the notebook now (they may be newer than the report). */
  answers: { [bp: string]: IChecklistEntry };
  state: IViewState;
  actions: IActions;
}

/** The display of where a phase came from (the report's `phase_source`). */
export function sourceLabel(cell: CellReport): string {
  switch (cell.phase_source) {
    case 'explicit':
      return 'set by you';
    case 'code':
      return 'inferred from the code';
    case 'heading':
      return 'inferred from the heading';
    case 'context':
      return 'inferred from neighbouring cells';
    default:
      return 'default';
  }
}

/** A finding's key, stable across re-analyses while it stays where it is. */
export function findingKey(f: { cell_id: string; code: string; line: number }): string {
  return `${f.cell_id}/${f.code}/${f.line}`;
}
