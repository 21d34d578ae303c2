/**
 * The active cell's phase, where it came from, and the control that overrides it.
 */
import { PHASES } from '../tokens';
import { IViewContext, sourceLabel } from './context';
import { h } from './dom';

export function renderCellPhase(ctx: IViewContext): HTMLElement {
  const body = h('div', { class: 'mlwa-CellPhase' });
  const cell = ctx.activeCell;
  if (ctx.activeCellId === null) {
    body.append(h('p', { class: 'mlwa-Muted' }, 'Select a cell to see its phase.'));
    return body;
  }
  if (!cell) {
    body.append(
      h('p', { class: 'mlwa-Muted' }, 'This cell is new: its phase shows after the next analysis.')
    );
    return body;
  }
  const explicit = cell.phase_source === 'explicit';
  const label = cell.label;
  body.append(
    h(
      'div',
      { class: 'mlwa-CellPhase-summary' },
      h(
        'span',
        {
          class: 'mlwa-PhaseChip',
          'data-source': explicit ? 'explicit' : 'inferred',
          'data-testid': 'mlwa-active-phase'
        },
        cell.phase
      ),
      h(
        'span',
        { class: 'mlwa-Muted' },
        `${label} · ${sourceLabel(cell)}`,
        explicit ? '' : ` (${Math.round(cell.confidence * 100)}%)`
      )
    )
  );
  const selectId = `mlwa-phase-select-${cell.id}`;
  const select = h(
    'select',
    {
      id: selectId,
      class: 'jp-mod-styled mlwa-PhaseSelect',
      'data-mlwa-key': 'phase-select',
      'aria-label': `Phase of ${label}`,
      onchange: event => {
        const value = (event.target as HTMLSelectElement).value;
        ctx.actions.setPhase(cell.id, value || null);
      }
    },
    h(
      'option',
      { value: '', selected: !explicit },
      explicit ? 'Inferred (remove my choice)' : `Inferred: ${cell.phase}`
    ),
    ...PHASES.map(p => h('option', { value: p, selected: explicit && cell.phase === p }, p))
  );
  body.append(
    h('div', { class: 'mlwa-Field' }, h('label', { for: selectId }, 'Set the phase'), select)
  );
  if (cell.evidence.length) {
    body.append(
      h(
        'ul',
        { class: 'mlwa-Evidence', 'aria-label': 'Why this phase' },
        ...cell.evidence.slice(0, 3).map(e => h('li', {}, e))
      )
    );
  }
  body.append(h('p', { class: 'mlwa-Hint' }, 'Undo a change with Ctrl+Z (Cmd+Z) in the cell.'));
  return body;
}
