/**
 * Lookups in the report the views render from (no decision: the core made them).
 */
import { PILLARS } from './tokens';
import type { CellReport, NotebookReport, Pillar, PracticeState } from './tokens';

/** The report of one cell, by id. */
export function cellReport(report: NotebookReport | null, cellId: string): CellReport | undefined {
  return report?.cells.find(c => c.id === cellId);
}

/** The checklist of one lens phase, grouped by pillar in the framework's order. */
export function checklistByPillar(
  report: NotebookReport,
  lensPhase: string,
  exclude: ReadonlySet<string> = new Set()
): Array<[Pillar, PracticeState[]]> {
  const groups: Array<[Pillar, PracticeState[]]> = [];
  for (const pillar of PILLARS) {
    const items = report.checklist.filter(
      s => s.phase === lensPhase && s.pillar === pillar && !exclude.has(s.id)
    );
    if (items.length) {
      groups.push([pillar, items]);
    }
  }
  return groups;
}
