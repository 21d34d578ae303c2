/**
 * A small badge on every cell: its phase (set by the user or inferred) and a marker when the
 * cell has open findings. The badge follows the latest report of the cell's notebook.
 */
import type { Cell } from '@jupyterlab/cells';
import { IDisposable } from '@lumino/disposable';

import type { NotebookAnalysis } from '../analysis';
import type { CellReport } from '../tokens';

const BADGE_CLASS = 'mlwa-CellBadge';
/** The input wrapper with a badge: it keeps a strip free for it under the editor. */
const BADGED_CLASS = 'mlwa-mod-badged';

export class CellBadges implements IDisposable {
  constructor(private readonly analysis: NotebookAnalysis) {
    analysis.changed.connect(this._update, this);
    analysis.panel.content.model?.cells.changed.connect(this._update, this);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.analysis.changed.disconnect(this._update, this);
    for (const cell of this.analysis.panel.content.widgets) {
      cell.node.querySelector(`.${BADGE_CLASS}`)?.remove();
      cell.node.querySelector(`.${BADGED_CLASS}`)?.classList.remove(BADGED_CLASS);
    }
  }

  private _update(): void {
    const report = this.analysis.report;
    if (!report || this.analysis.status !== 'done') {
      return; // keep the last badges until the new report arrives
    }
    const byId = new Map(report.cells.map(c => [c.id, c]));
    for (const cell of this.analysis.panel.content.widgets) {
      const found = byId.get(cell.model.id);
      if (found) {
        place(cell, found);
      }
    }
  }

  private _isDisposed = false;
}

/** Put (or update) the badge of one cell; a cell not rendered yet gets it when it renders. */
function place(cell: Cell, report: CellReport): void {
  const host = cell.node.querySelector<HTMLElement>(':scope > .jp-Cell-inputWrapper');
  if (!host) {
    void cell.ready.then(() => {
      if (!cell.isDisposed && cell.node.querySelector(':scope > .jp-Cell-inputWrapper')) {
        place(cell, report);
      }
    });
    return;
  }
  let badge = host.querySelector<HTMLElement>(`:scope > .${BADGE_CLASS}`);
  if (!badge) {
    badge = document.createElement('div');
    badge.className = BADGE_CLASS;
    badge.setAttribute('role', 'note');
    host.appendChild(badge);
    host.classList.add(BADGED_CLASS);
  }
  const explicit = report.phase_source === 'explicit';
  const findings = report.finding_count;
  badge.dataset['source'] = explicit ? 'explicit' : 'inferred';
  badge.dataset['phase'] = report.phase;
  badge.dataset['findings'] = String(findings);
  badge.setAttribute(
    'aria-label',
    `Phase ${report.phase}, ${explicit ? 'set by you' : 'inferred'}` +
      (findings ? `; ${findings} open finding${findings === 1 ? '' : 's'}` : '')
  );
  badge.title = badge.getAttribute('aria-label') ?? '';
  const phase = document.createElement('span');
  phase.className = 'mlwa-CellBadge-phase';
  phase.textContent = explicit ? `${report.phase} ●` : report.phase;
  const children: HTMLElement[] = [phase];
  if (findings) {
    const marker = document.createElement('span');
    marker.className = 'mlwa-CellBadge-findings';
    marker.textContent = `⚠ ${findings}`;
    children.push(marker);
  }
  badge.replaceChildren(...children);
}
