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
  const counts = new Map<string, number>();
  for (const f of report.findings) {
    counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  }
  const parts = ['error', 'warning', 'info']
    .filter(s => counts.get(s))
    .map(s => `${counts.get(s)} ${s}${counts.get(s) === 1 ? '' : 's'}`);
  body.append(
    h(
      'p',
      { class: 'mlwa-Muted', 'data-testid': 'mlwa-findings-summary' },
      report.findings.length ? parts.join(', ') : 'No open findings.',
      report.suppressed.length ? ` · ${report.suppressed.length} suppressed` : ''
    )
  );
  if (report.findings.length) {
    body.append(
      h(
        'ul',
        { class: 'mlwa-Findings', 'aria-label': 'Findings' },
        ...report.findings.map(f => renderFinding(ctx, f))
      )
    );
  }
  return body;
}

function renderFinding(ctx: IViewContext, f: Finding): HTMLElement {
  const key = findingKey(f);
  const open = ctx.state.suppressing === key;
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
        'data-mlwa-key': `finding-${key}`,
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
        'data-mlwa-key': `suppress-${key}`,
        onclick: () => {
          ctx.state.suppressing = open ? null : key;
          ctx.actions.refresh();
        }
      },
      open ? 'Keep it' : 'Suppress…'
    )
  );
  if (open) {
    li.append(renderSuppressForm(ctx, f, key));
  }
  return li;
}

function renderSuppressForm(ctx: IViewContext, f: Finding, key: string): HTMLElement {
  const inputId = `mlwa-suppress-reason-${key}`;
  const input = h('input', {
    id: inputId,
    type: 'text',
    class: 'jp-mod-styled mlwa-Text',
    placeholder: 'Why is this fine here?',
    required: true,
    'data-mlwa-key': `suppress-reason-${key}`,
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
