/**
 * Pillar coverage: a radar of the six scores the core computed, and the numbers behind each
 * (hover shows the formula). Rendering only: every number comes from the report.
 */
import { radarPoints } from '../model';
import { PILLARS, PILLAR_NAMES, Pillar, PillarScore } from '../tokens';
import { IViewContext } from './context';
import { h, svg } from './dom';

const SHORT: { readonly [P in Pillar]: string } = {
  'operational-excellence': 'Ops',
  security: 'Sec',
  reliability: 'Rel',
  'performance-efficiency': 'Perf',
  'cost-optimization': 'Cost',
  sustainability: 'Sus'
};

export function renderCoverage(ctx: IViewContext, radarHost: HTMLElement | null): HTMLElement {
  const body = h('div', { class: 'mlwa-Coverage' });
  const report = ctx.report;
  if (!report) {
    return body;
  }
  const scores = PILLARS.map(
    p =>
      report.pillar_scores.find(s => s.pillar === p) ?? {
        pillar: p,
        score: 0,
        applicable: 0,
        met: 0,
        not_applicable: 0,
        violated: 0,
        open: 0,
        percent: 0,
        checked: 0,
        checked_met: 0,
        attested: 0,
        answered: 0
      }
  );
  body.append(radarHost ?? svgRadar(scores));
  body.append(
    h(
      'ul',
      { class: 'mlwa-Scores', 'aria-label': 'Coverage by pillar', title: report.coverage_formula },
      ...scores.map(s =>
        h(
          'li',
          {
            class: 'mlwa-Score',
            'data-pillar': s.pillar,
            title:
              `${PILLAR_NAMES[s.pillar]}: ${s.met} met of ${s.applicable - s.not_applicable} ` +
              `applicable (${s.not_applicable} not applicable, ${s.violated} violated, ${s.open} open).\n` +
              report.coverage_formula
          },
          h('span', { class: 'mlwa-Score-name' }, PILLAR_NAMES[s.pillar]),
          h(
            'span',
            {
              class: 'mlwa-Score-bar',
              role: 'meter',
              'aria-valuemin': 0,
              'aria-valuemax': 100,
              'aria-valuenow': s.percent,
              'aria-label': `${PILLAR_NAMES[s.pillar]} coverage`
            },
            h('span', { class: 'mlwa-Score-fill', style: `width: ${s.percent}%` })
          ),
          h('span', { class: 'mlwa-Score-value' }, `${s.percent}%`),
          h(
            'span',
            {
              class: 'mlwa-Score-kinds',
              title:
                'checked: practices a rule or evidence signal sees in the notebook (met / counted); ' +
                'answered: practices only a person can vouch for, answered in the checklist'
            },
            `checked ${s.checked_met}/${s.checked} · answered ${s.answered}/${s.attested}`
          ),
          s.violated
            ? h(
                'span',
                { class: 'mlwa-Score-violated', title: 'violated by open findings' },
                `✗${s.violated}`
              )
            : null
        )
      )
    )
  );
  return body;
}

/** A six-axis radar of the scores, drawn with the theme's colours. */
export function svgRadar(scores: readonly PillarScore[]): SVGSVGElement {
  const size = 220;
  const c = size / 2;
  const radius = 72;
  const ring = (v: number) =>
    radarPoints(
      scores.map(() => v),
      radius,
      c,
      c
    );
  const chart = svg('svg', {
    class: 'mlwa-Radar',
    viewBox: `0 0 ${size} ${size}`,
    role: 'img',
    'aria-label':
      'Pillar coverage radar: ' +
      scores.map(s => `${PILLAR_NAMES[s.pillar]} ${s.percent}%`).join(', ')
  });
  for (const level of [0.25, 0.5, 0.75, 1]) {
    chart.append(
      svg('polygon', {
        class: 'mlwa-Radar-grid',
        points: ring(level)
          .map(p => p.join(','))
          .join(' ')
      })
    );
  }
  const ends = ring(1);
  const labels = radarPoints(
    scores.map(() => 1),
    radius + 18,
    c,
    c
  );
  scores.forEach((s, i) => {
    const [x, y] = ends[i] ?? [c, c];
    chart.append(svg('line', { class: 'mlwa-Radar-axis', x1: c, y1: c, x2: x, y2: y }));
    const [lx, ly] = labels[i] ?? [c, c];
    const text = svg('text', {
      class: 'mlwa-Radar-label',
      x: lx,
      y: ly,
      'text-anchor': Math.abs(lx - c) < 4 ? 'middle' : lx > c ? 'start' : 'end',
      'dominant-baseline': 'middle'
    });
    text.textContent = SHORT[s.pillar];
    chart.append(text);
  });
  const points = radarPoints(
    scores.map(s => s.score),
    radius,
    c,
    c
  );
  chart.append(
    svg('polygon', { class: 'mlwa-Radar-area', points: points.map(p => p.join(',')).join(' ') })
  );
  // Dashed: the part the notebook shows by itself (checked practices met / counted).
  const checked = radarPoints(
    scores.map(s => (s.checked ? s.checked_met / s.checked : 0)),
    radius,
    c,
    c
  );
  chart.append(
    svg('polygon', {
      class: 'mlwa-Radar-checked',
      points: checked.map(p => p.join(',')).join(' ')
    })
  );
  points.forEach(([x, y], i) => {
    const s = scores[i];
    if (!s) {
      return;
    }
    const dot = svg('circle', { class: 'mlwa-Radar-dot', cx: x, cy: y, r: 3 });
    const title = svg('title');
    title.textContent = `${PILLAR_NAMES[s.pillar]}: ${s.percent}%`;
    dot.append(title);
    chart.append(dot);
  });
  return chart;
}
