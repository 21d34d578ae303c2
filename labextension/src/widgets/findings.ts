/**
 * The open findings: severity, rule, message and fix; a click selects the cell; a finding can
 * be suppressed for its cell with a reason (cell metadata `mlwa.ignore`).
 */
import type { Finding } from '../tokens';
import { IViewContext, findingKey } from './context';
import { h } from './dom';

export function renderFindings(ctx: IViewContext): HTMLElement {
  const body = h('div', { class: 'mlwa-FindingsBody' });
  const report = ctx.report;
  if (!report) {
    return body;
  }
  // The counts and their order (most severe first) are the report's.
  const parts = Object.entries(report.finding_counts).map(
    ([severity, n]) => `${n} ${severity}${n === 1 ? '' : 's'}`
  );
  body.append(
    h(
      'p',
      { class: 'mlwa-Muted', 'data-testid': 'mlwa-findings-summary' },
      report.findings.length ? parts.join(', ') : 'No open findings.',
      report.suppressed.length ? ` · ${report.suppressed.length} suppressed` : ''
    )
  );
  if (report.findings.length) {
    body.append(renderFindingList(ctx, report.findings, 'all'));
  }
  return body;
}

/**
 * A list of findings; `where` keeps the keys and ids of two lists of the same findings apart
 * (the active cell's and the notebook's).
 */
export function renderFindingList(
  ctx: IViewContext,
  findings: readonly Finding[],
  where: string
): HTMLElement {
  return h(
    'ul',
    {
      class: 'mlwa-Findings',
      'aria-label': where === 'all' ? 'Findings' : 'Findings of this cell'
    },
    ...findings.map(f => renderFinding(ctx, f, where))
  );
}

function renderFinding(ctx: IViewContext, f: Finding, where: string): HTMLElement {
  const mark = `${where}-${findingKey(f)}`;
  const open = ctx.state.suppressing === mark;
  const li = h(
    'li',
    { class: 'mlwa-Finding', 'data-severity': f.severity, 'data-code': f.code },
    h(
      'button',
      {
        type: 'button',
        class: 'mlwa-Finding-main',
        'data-testid': 'mlwa-finding',
        'data-cell-id': f.cell_id,
        'data-mlwa-key': `finding-${mark}`,
        title: 'Select the cell',
        onclick: () => ctx.actions.goToCell(f.cell_id)
      },
      h(
        'span',
        { class: 'mlwa-Finding-rule' },
        h('span', { class: 'mlwa-Severity', 'data-severity': f.severity }, f.severity),
        h('span', { class: 'mlwa-Code' }, f.code),
        h('span', { class: 'mlwa-RuleName' }, f.name)
      ),
      h('span', { class: 'mlwa-Finding-message' }, f.message)
    ),
    h('div', { class: 'mlwa-Finding-fix' }, h('strong', {}, 'Fix: '), f.fix),
    h(
      'button',
      {
        type: 'button',
        class: 'mlwa-Link',
        'aria-expanded': open ? 'true' : 'false',
        'data-mlwa-key': `suppress-${mark}`,
        onclick: () => {
          ctx.state.suppressing = open ? null : mark;
          ctx.actions.refresh();
        }
      },
      open ? 'Keep it' : 'Suppress…'
    )
  );
  if (open) {
    li.append(renderSuppressForm(ctx, f, mark));
  }
  return li;
}

function renderSuppressForm(ctx: IViewContext, f: Finding, mark: string): HTMLElement {
  const inputId = `mlwa-suppress-reason-${mark}`;
  const input = h('input', {
    id: inputId,
    type: 'text',
    class: 'jp-mod-styled mlwa-Text',
    placeholder: 'Why is this fine here?',
    required: true,
    'data-mlwa-key': `suppress-reason-${mark}`,
    autofocus: true
  });
  const form = h(
    'form',
    {
      class: 'mlwa-Suppress',
      'aria-label': `Suppress ${f.code} in this cell`,
      onsubmit: event => {
        event.preventDefault();
        const reason = input.value.trim();
        if (!reason) {
          input.setAttribute('aria-invalid', 'true');
          input.focus();
          return;
        }
        ctx.state.suppressing = null;
        ctx.actions.suppress(f.cell_id, f.code, reason);
      }
    },
    h('label', { for: inputId }, `Reason for suppressing ${f.code} in this cell`),
    input,
    h('button', { type: 'submit', class: 'jp-mod-styled jp-mod-accept mlwa-Button' }, 'Suppress')
  );
  return form;
}
