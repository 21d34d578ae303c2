/**
 * The suppressed findings with the reasons given, and the way back: a suppression written in
 * metadata or a tag is undone here; one written as a comment in the code is the user's text,
 * so the panel says where it is instead of editing the cell.
 */
import type { Finding } from '../tokens';
import { IViewContext, findingKey } from './context';
import { h } from './dom';

export function renderSuppressed(ctx: IViewContext): HTMLElement {
  const body = h('div', { class: 'mlwa-SuppressedBody' });
  const found = ctx.report?.suppressed ?? [];
  if (!found.length) {
    body.append(h('p', { class: 'mlwa-Muted' }, 'Nothing is suppressed.'));
    return body;
  }
  body.append(
    h(
      'ul',
      { class: 'mlwa-Suppressed', 'aria-label': 'Suppressed findings' },
      ...found.map(f => renderOne(ctx, f))
    )
  );
  return body;
}

function renderOne(ctx: IViewContext, f: Finding): HTMLElement {
  const why = f.suppressed;
  const where =
    why?.scope === 'notebook'
      ? 'in the whole notebook'
      : `in ${ctx.report?.cells[f.cell_index]?.label ?? 'a cell no longer here'}`;
  const said =
    why?.via === 'tag'
      ? `by the cell tag mlwa-ignore:${why.key}`
      : why?.via === 'comment'
        ? 'by a comment in the code'
        : '';
  const li = h(
    'li',
    {
      class: 'mlwa-SuppressedItem',
      'data-testid': 'mlwa-suppressed',
      'data-code': f.code,
      'data-cell-id': f.cell_id,
      'data-scope': why?.scope ?? 'cell'
    },
    h(
      'div',
      { class: 'mlwa-Finding-rule' },
      h('span', { class: 'mlwa-Code' }, f.code),
      h('span', { class: 'mlwa-RuleName' }, f.name),
      h(
        'button',
        {
          type: 'button',
          class: 'mlwa-Link',
          title: 'Select the cell',
          onclick: () => ctx.actions.goToCell(f.cell_id)
        },
        where
      )
    ),
    h(
      'div',
      { class: 'mlwa-SuppressedReason' },
      why?.reason ? `“${why.reason}”` : h('em', {}, 'no reason given'),
      said ? ` · ${said}` : ''
    )
  );
  if (why && why.via !== 'comment') {
    li.append(
      h(
        'button',
        {
          type: 'button',
          class: 'jp-mod-styled mlwa-Button mlwa-Unsuppress',
          'data-mlwa-key': `unsuppress-${findingKey(f)}`,
          title: `Count ${f.code} again ${where}`,
          onclick: () => ctx.actions.unsuppress(f.cell_id, why.scope, why.via, why.key)
        },
        'Undo'
      )
    );
  } else if (why) {
    li.append(
      h(
        'p',
        { class: 'mlwa-Hint' },
        `Remove “# mlwa: ignore[${why.key}]” from the cell to count it again.`
      )
    );
  }
  return li;
}
