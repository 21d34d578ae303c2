/**
 * Pillar coverage: a radar of the six scores the core computed, its legend, and the numbers
 * behind each (hover shows the formula). Rendering only: every number comes from the report.
 */
import { PILLARS, PILLAR_NAMES, PILLAR_SHORT, PillarScore } from '../tokens';
import type { NotebookReport } from '../tokens';
import { h, svg } from './dom';
import { radarPoints } from './radargeometry';

/** The report's score of each pillar, in the framework's order (absent: nothing counted). */
function scoresOf(report: NotebookReport): PillarScore[] {
  return PILLARS.map(
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
        answered: 0,
        counted: 0,
        checked_score: 0
      }
  );
}

export function renderCoverage(report: NotebookReport | null): HTMLElement {
  const body = h('div', { class: 'mlwa-Coverage' });
  if (!report) {
    return body;
  }
  const scores = scoresOf(report);
  body.append(svgRadar(scores), renderLegend(scores.some(s => s.violated)));
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
              `${PILLAR_NAMES[s.pillar]}: ${s.met} met of ${s.counted} counted ` +
              `(${s.not_applicable} not applicable, ${s.violated} violated, ${s.open} open).\n` +
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
            `checked ${s.checked_met}/${s.checked} · answered ${s.answered}/${s.attested}`,
            s.violated
              ? h(
                  'span',
                  {
                    class: 'mlwa-Score-violated',
                    title: `${s.violated} practice${s.violated === 1 ? '' : 's'} violated by open findings`
                  },
                  ` · ✗${s.violated} violated`
                )
              : null
          )
        )
      )
    )
  );
  return body;
}

/** What the radar's two shapes and the ✗ marks mean. */
function renderLegend(withViolations: boolean): HTMLElement {
  const swatch = (kind: string): SVGSVGElement =>
    svg(
      'svg',
      { class: 'mlwa-Legend-swatch', viewBox: '0 0 24 10', width: 24, height: 10 },
      svg('line', { class: `mlwa-Radar-${kind}`, x1: 1, y1: 5, x2: 23, y2: 5 })
    );
  return h(
    'ul',
    { class: 'mlwa-Legend', 'aria-label': 'Legend', 'data-testid': 'mlwa-radar-legend' },
    h('li', {}, swatch('area'), 'coverage: checked and answered'),
    h('li', {}, swatch('checked'), 'shown by the notebook alone'),
    withViolations
      ? h(
          'li',
          {},
          h('span', { class: 'mlwa-Score-violated' }, '✗N'),
          ' practices violated by open findings'
        )
      : null
  );
}

/** The radar's drawing area: labels sit inside the view box, so nothing is clipped. */
const VIEW = { width: 280, height: 220, radius: 72, labelGap: 12 };

/** A six-axis radar of the scores, drawn with the theme's colours; it scales with the panel. */
export function svgRadar(scores: readonly PillarScore[]): SVGSVGElement {
  const cx = VIEW.width / 2;
  const cy = VIEW.height / 2;
  const ring = (v: number): Array<[number, number]> =>
    radarPoints(
      scores.map(() => v),
      VIEW.radius,
      cx,
      cy
    );
  const chart = svg('svg', {
    class: 'mlwa-Radar',
    viewBox: `0 0 ${VIEW.width} ${VIEW.height}`,
    preserveAspectRatio: 'xMidYMid meet',
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
    VIEW.radius + VIEW.labelGap,
    cx,
    cy
  );
  scores.forEach((s, i) => {
    const [x, y] = ends[i] ?? [cx, cy];
    chart.append(svg('line', { class: 'mlwa-Radar-axis', x1: cx, y1: cy, x2: x, y2: y }));
    const [lx, ly] = labels[i] ?? [cx, cy];
    const text = svg('text', {
      class: 'mlwa-Radar-label',
      'data-pillar': s.pillar,
      x: lx,
      y: ly,
      'text-anchor': Math.abs(lx - cx) < 4 ? 'middle' : lx > cx ? 'start' : 'end',
      'dominant-baseline': Math.abs(lx - cx) < 4 ? (ly < cy ? 'auto' : 'hanging') : 'middle'
    });
    text.textContent = `${PILLAR_SHORT[s.pillar]} ${s.percent}%`;
    const title = svg('title');
    title.textContent = PILLAR_NAMES[s.pillar];
    text.append(title);
    chart.append(text);
  });
  const points = radarPoints(
    scores.map(s => s.score),
    VIEW.radius,
    cx,
    cy
  );
  chart.append(
    svg('polygon', { class: 'mlwa-Radar-area', points: points.map(p => p.join(',')).join(' ') })
  );
  // Dashed: the part the notebook shows by itself (the report's checked_score).
  const checked = radarPoints(
    scores.map(s => s.checked_score),
    VIEW.radius,
    cx,
    cy
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
