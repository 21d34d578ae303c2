/**
 * The checklist of one lens phase (the active cell's, or one the user picks), grouped by
 * pillar: each best practice with its state in the report and the user's answer.
 */
import { checklistByPillar } from '../reportlookup';
import { AnswerState, IChecklistEntry, PILLAR_NAMES, PracticeState } from '../tokens';
import { IViewContext } from './context';
import { h } from './dom';

/** A glyph for each state of the report schema (typed by it: a new state must get one). */
const STATE_ICON: { readonly [S in PracticeState['state']]: string } = {
  met: '✓',
  violated: '✗',
  'not-applicable': '–',
  open: '○'
};

/** The label of each answer state of the metadata schema, in the order they are offered. */
const ANSWER_LABELS: { readonly [S in AnswerState]: string } = {
  done: 'Done',
  na: 'N/A',
  open: 'Open'
};

/** The lens phase the checklist shows now. */
export function checklistPhase(ctx: IViewContext): string | null {
  const present = ctx.report?.phases_present ?? [];
  // The core decides a cell's checklist phase (its own, else the nearest cell's), as for
  // `%mlwa checklist`; the first phase present is only for a notebook with no active cell.
  return ctx.state.checklistPhase ?? ctx.activeCell?.checklist_phase ?? present[0] ?? null;
}

export function renderChecklist(ctx: IViewContext): HTMLElement {
  const report = ctx.report;
  const body = h('div', { class: 'mlwa-Checklist' });
  if (!report) {
    return body;
  }
  const phase = checklistPhase(ctx);
  body.dataset['phase'] = phase ?? '';
  const followActive = ctx.state.checklistPhase === null;
  const activeLens = ctx.activeCell?.lens_phase;
  const chooser = h(
    'select',
    {
      id: 'mlwa-checklist-phase',
      class: 'jp-mod-styled',
      'data-mlwa-key': 'checklist-phase',
      onchange: event => {
        const value = (event.target as HTMLSelectElement).value;
        ctx.state.checklistPhase = value || null;
        ctx.actions.refresh();
      }
    },
    h(
      'option',
      { value: '', selected: followActive },
      `Active cell's phase${activeLens ? ` (${activeLens})` : ''}`
    ),
    ...report.phases_present.map(p =>
      h('option', { value: p, selected: !followActive && p === phase }, p)
    )
  );
  body.append(
    h('div', { class: 'mlwa-Field' }, h('label', { for: 'mlwa-checklist-phase' }, 'Phase'), chooser)
  );
  if (followActive && ctx.activeCell && !activeLens) {
    body.append(
      h(
        'p',
        { class: 'mlwa-Muted' },
        `The active cell is ${ctx.activeCell.phase}, which no lens phase covers; showing the nearest cell's, ${phase ?? 'none'}.`
      )
    );
  }
  if (!phase) {
    body.append(h('p', { class: 'mlwa-Muted' }, 'No lens phase has cells in this notebook yet.'));
    return body;
  }
  // The practices the core ranked for the active cell come first, in its order.
  const byId = new Map(report.checklist.map(s => [s.id, s]));
  const ranked = followActive
    ? (ctx.activeCell?.checklist ?? [])
        .map(id => byId.get(id))
        .filter((s): s is PracticeState => s !== undefined && s.phase === phase)
    : [];
  const groups = checklistByPillar(report, phase, new Set(ranked.map(s => s.id)));
  if (ranked.length) {
    body.append(
      h(
        'div',
        { class: 'mlwa-Pillar mlwa-ForCell', role: 'group', 'aria-label': 'For this cell' },
        h('h4', { class: 'mlwa-Pillar-title' }, 'For this cell'),
        h('ul', { class: 'mlwa-Items' }, ...ranked.map(item => renderItem(ctx, item)))
      )
    );
  }
  if (!groups.length && !ranked.length) {
    body.append(h('p', { class: 'mlwa-Muted' }, `No best practice of the lens covers ${phase}.`));
  }
  for (const [pillar, items] of groups) {
    // the report's count for the whole pillar of this phase (the cell's own come first above)
    const count = report.checklist_counts[phase]?.[pillar];
    body.append(
      h(
        'div',
        { class: 'mlwa-Pillar', role: 'group', 'aria-label': PILLAR_NAMES[pillar] },
        h(
          'h4',
          { class: 'mlwa-Pillar-title', 'data-pillar': pillar },
          PILLAR_NAMES[pillar],
          count ? h('span', { class: 'mlwa-Muted' }, ` · ${count.met}/${count.total} met`) : null
        ),
        h('ul', { class: 'mlwa-Items' }, ...items.map(item => renderItem(ctx, item)))
      )
    );
  }
  return body;
}

function renderItem(ctx: IViewContext, item: PracticeState): HTMLElement {
  const answer: IChecklistEntry | undefined = ctx.answers[item.id];
  const chosen: AnswerState = answer?.state ?? 'open';
  const titleId = `mlwa-item-title-${item.id}`;
  const radios = h('div', {
    class: 'mlwa-Answer',
    role: 'radiogroup',
    'aria-labelledby': titleId
  });
  for (const [state, label] of Object.entries(ANSWER_LABELS) as Array<[AnswerState, string]>) {
    const id = `mlwa-answer-${item.id}-${state}`;
    radios.append(
      h(
        'label',
        { class: 'mlwa-Radio', for: id },
        h('input', {
          type: 'radio',
          id,
          name: `mlwa-answer-${item.id}`,
          value: state,
          checked: chosen === state,
          'data-mlwa-key': id,
          onchange: () => ctx.actions.setAnswer(item.id, state, answer?.note, answer?.reason)
        }),
        label
      )
    );
  }
  const li = h(
    'li',
    {
      class: 'mlwa-Item',
      'data-state': item.state,
      'data-answer': chosen,
      'data-testid': `mlwa-item-${item.id}`
    },
    h(
      'div',
      { class: 'mlwa-Item-head' },
      h('span', { class: 'mlwa-StateIcon', 'aria-hidden': 'true' }, STATE_ICON[item.state] ?? '○'),
      h('span', { class: 'mlwa-Item-title', id: titleId, title: item.question }, item.title),
      item.risk === 'high' ? h('span', { class: 'mlwa-Risk' }, 'high risk') : null,
      h('span', { class: 'mlwa-Item-id' }, item.id)
    ),
    renderWhy(ctx, item),
    radios
  );
  if (chosen === 'na') {
    li.append(
      textField(`reason-${item.id}`, 'Why not applicable?', item.id, answer?.reason ?? '', value =>
        ctx.actions.setAnswer(item.id, 'na', answer?.note, value)
      )
    );
  }
  li.append(
    textField(`note-${item.id}`, 'Note', item.id, answer?.note ?? '', value =>
      ctx.actions.setAnswer(item.id, chosen, value, answer?.reason)
    )
  );
  return li;
}

function renderWhy(ctx: IViewContext, item: PracticeState): HTMLElement {
  const why = h('div', { class: 'mlwa-Item-why' });
  const cells = item.cells
    .map(index => ctx.report?.cells[index])
    .filter((c): c is NonNullable<typeof c> => c !== undefined);
  const links = cells.map(c =>
    h(
      'button',
      {
        class: 'mlwa-Link',
        type: 'button',
        onclick: () => ctx.actions.goToCell(c.id)
      },
      c.label
    )
  );
  switch (item.state) {
    case 'violated':
      why.append('A finding contradicts it in ', ...join(links));
      break;
    case 'met':
      if (item.source === 'evidence') {
        why.append('Shown by ', ...join(links));
      } else if (item.source === 'rule') {
        why.append(`Checked: ${item.note}`);
      } else {
        why.append(`Answered: done${attested(ctx.answers[item.id])}`);
      }
      break;
    case 'not-applicable':
      why.append(
        `Not applicable${item.reason ? `: ${item.reason}` : ''}${attested(ctx.answers[item.id])}`
      );
      break;
    default:
      why.append(item.question);
  }
  return why;
}

/** " by Ada on 2026-11-29": who gave a stored answer and when. */
function attested(answer: IChecklistEntry | undefined): string {
  if (!answer) {
    return '';
  }
  return `${answer.by ? ` by ${answer.by}` : ''}${answer.updated ? ` on ${answer.updated.slice(0, 10)}` : ''}`;
}

function join(nodes: HTMLElement[]): Array<HTMLElement | string> {
  const out: Array<HTMLElement | string> = [];
  nodes.forEach((node, i) => {
    if (i) {
      out.push(', ');
    }
    out.push(node);
  });
  return out;
}

function textField(
  key: string,
  label: string,
  practice: string,
  value: string,
  save: (value: string) => void
): HTMLElement {
  const input = h('input', {
    type: 'text',
    class: 'jp-mod-styled mlwa-Text',
    placeholder: label,
    'aria-label': `${label} (${practice})`,
    value,
    'data-mlwa-key': key,
    onchange: event => save((event.target as HTMLInputElement).value.trim())
  });
  return input;
}
