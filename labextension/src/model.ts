/**
 * Pure helpers of the sidebar: the metadata writers (the same shapes and merge rules as
 * mlwa_notebook/metadata.py), the shapes sent to the server and the kernel, and the lookups
 * the widgets render from. Nothing here decides about the notebook: that is the core's job.
 */
import {
  AnswerState,
  IChecklistEntry,
  ILiveCellsMessage,
  IMlwaCellBlock,
  IMlwaNotebookBlock,
  ISetMetadataMessage,
  METADATA_VERSION,
  PHASE_TAG,
  PILLARS,
  PROTOCOL_VERSION
} from './tokens';
import type { CellReport, NotebookReport, Pillar, PracticeState } from './tokens';

type JSONObject = { [key: string]: unknown };

export function isObject<T>(value: T): value is T & JSONObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The time stamp writers put on what they write, in the core's format (microseconds, UTC). */
export function nowIso(date: Date = new Date()): string {
  // Python writes six fraction digits; comparing strings of one format orders them by time.
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** A copy of a notebook's `metadata.mlwa` block, or a new one (with its version). */
export function notebookBlock(value: unknown): IMlwaNotebookBlock {
  const block: IMlwaNotebookBlock = isObject(value) ? structuredClone(value) : {};
  if (block.version === undefined) {
    block.version = METADATA_VERSION;
  }
  return block;
}

/** A copy of a cell's `metadata.mlwa` block, or a new one (with its version). */
export function cellBlock(value: unknown): IMlwaCellBlock {
  const block: IMlwaCellBlock = isObject(value) ? structuredClone(value) : {};
  if (block.version === undefined) {
    block.version = METADATA_VERSION;
  }
  return block;
}

/** The stored checklist answers; malformed entries are skipped, bare states accepted. */
export function readAnswers(value: unknown): { [bp: string]: IChecklistEntry } {
  const found: { [bp: string]: IChecklistEntry } = {};
  const checklist = isObject(value) ? value['checklist'] : undefined;
  if (!isObject(checklist)) {
    return found;
  }
  for (const [bp, entry] of Object.entries(checklist)) {
    if (entry === 'done' || entry === 'na' || entry === 'open') {
      found[bp] = { state: entry, updated: '' };
    } else if (isObject(entry) && isAnswerState(entry['state'])) {
      const answer: IChecklistEntry = {
        state: entry['state'],
        updated: typeof entry['updated'] === 'string' ? entry['updated'] : ''
      };
      if (typeof entry['note'] === 'string' && entry['note']) {
        answer.note = entry['note'];
      }
      if (typeof entry['reason'] === 'string' && entry['reason']) {
        answer.reason = entry['reason'];
      }
      if (typeof entry['by'] === 'string' && entry['by']) {
        answer.by = entry['by'];
      }
      found[bp] = answer;
    }
  }
  return found;
}

function isAnswerState(value: unknown): value is AnswerState {
  return value === 'done' || value === 'na' || value === 'open';
}

/** A checklist entry as `metadata.set_answer` writes it: empty note and reason left out. */
export function answerEntry(
  state: AnswerState,
  options: { note?: string; reason?: string; updated?: string; by?: string } = {}
): IChecklistEntry {
  const entry: IChecklistEntry = { state, updated: options.updated || nowIso() };
  if (options.by) {
    entry.by = options.by;
  }
  if (options.note) {
    entry.note = options.note;
  }
  if (options.reason) {
    entry.reason = options.reason;
  }
  return entry;
}

/** A copy of the notebook block with one answer written. */
export function withAnswer(value: unknown, bp: string, entry: IChecklistEntry): IMlwaNotebookBlock {
  const block = notebookBlock(value);
  const checklist = isObject(block.checklist) ? block.checklist : {};
  block.checklist = { ...checklist, [bp]: entry };
  return block;
}

/**
 * A copy of the notebook block with every answer of `theirs` that is newer than ours
 * (`metadata.merge_checklist`): neither writer overwrites the other's newer answer.
 */
export function mergeChecklist(
  value: unknown,
  theirs: { [bp: string]: IChecklistEntry } | undefined
): IMlwaNotebookBlock {
  const block = notebookBlock(value);
  const mine: { [bp: string]: unknown } = isObject(block.checklist) ? block.checklist : {};
  for (const [bp, entry] of Object.entries(theirs ?? {})) {
    const current = mine[bp];
    if (!isObject(current) || String(entry.updated ?? '') > String(current['updated'] ?? '')) {
      mine[bp] = structuredClone(entry);
    }
  }
  block.checklist = mine as { [bp: string]: IChecklistEntry };
  return block;
}

/** A copy of a cell block with an explicit phase (null removes it). */
export function withCellPhase(value: unknown, phase: string | null): IMlwaCellBlock {
  const block = cellBlock(value);
  if (phase === null) {
    delete block.phase;
  } else {
    block.phase = phase;
  }
  return block;
}

/** The cell's tags without `mlwa-phase:*` ones, or null when there is nothing to drop. */
export function tagsWithoutPhase(tags: unknown): string[] | null {
  if (!Array.isArray(tags)) {
    return null;
  }
  const kept = tags.filter(t => !String(t).startsWith(PHASE_TAG));
  return kept.length === tags.length ? null : kept.map(String);
}

/** A copy of a block (cell or notebook) with `code` suppressed for `reason`. */
export function withIgnore<T extends IMlwaCellBlock | IMlwaNotebookBlock>(
  value: unknown,
  code: string,
  reason: string
): T {
  const block = notebookBlock(value) as T;
  const current = block.ignore as unknown;
  let ignores: { [code: string]: string } = {};
  if (isObject(current)) {
    ignores = Object.fromEntries(Object.entries(current).map(([k, v]) => [k, String(v)]));
  } else if (Array.isArray(current)) {
    ignores = Object.fromEntries(current.map(k => [String(k), '']));
  }
  ignores[code] = reason;
  block.ignore = ignores;
  return block;
}

/** The new blocks a kernel `set_metadata` message asks for, computed from the current ones. */
export interface IPatchResult {
  notebook: IMlwaNotebookBlock | null;
  cells: Map<string, { block: IMlwaCellBlock; dropPhaseTags: boolean }>;
}

/**
 * Apply a kernel `set_metadata` message (kernel/protocol.py) as a patch: checklist merged by
 * `updated`, ignore keys set, phases set or removed; never a replacement of the blocks.
 */
export function applySetMetadata(
  message: ISetMetadataMessage,
  currentNotebook: unknown,
  currentCell: (cellId: string) => unknown | undefined
): IPatchResult {
  let notebook: IMlwaNotebookBlock | null = null;
  const patch = isObject(message.notebook) ? message.notebook : {};
  if (isObject(patch.checklist)) {
    notebook = mergeChecklist(currentNotebook, patch.checklist);
  }
  if (isObject(patch.ignore)) {
    for (const [code, reason] of Object.entries(patch.ignore)) {
      notebook = withIgnore<IMlwaNotebookBlock>(notebook ?? currentNotebook, code, String(reason));
    }
  }
  const cells = new Map<string, { block: IMlwaCellBlock; dropPhaseTags: boolean }>();
  for (const [cellId, cellPatch] of Object.entries(message.cells ?? {})) {
    const current = currentCell(cellId);
    if (current === undefined || !isObject(cellPatch)) {
      continue; // the cell is gone (deleted since the kernel's snapshot)
    }
    let block = cellBlock(current);
    let dropPhaseTags = false;
    if ('phase' in cellPatch) {
      block = withCellPhase(block, cellPatch.phase ?? null);
      dropPhaseTags = true;
    }
    if (isObject(cellPatch.ignore)) {
      for (const [code, reason] of Object.entries(cellPatch.ignore)) {
        block = withIgnore<IMlwaCellBlock>(block, code, String(reason));
      }
    }
    cells.set(cellId, { block, dropPhaseTags });
  }
  return { notebook, cells };
}

/** Whether a comm message from the kernel is a `set_metadata` message we understand. */
export function isSetMetadataMessage(data: unknown): data is ISetMetadataMessage {
  return (
    isObject(data) &&
    data['action'] === 'set_metadata' &&
    (data['version'] === undefined || data['version'] === PROTOCOL_VERSION) &&
    (data['cells'] === undefined || isObject(data['cells'])) &&
    (data['notebook'] === undefined || isObject(data['notebook']))
  );
}

/**
 * A notebook's JSON for sending: outputs keep their text only (`text/*` mime data and streams),
 * so images and widget state do not travel; the analysis reads text outputs only.
 */
export function trimOutputs<T>(notebook: T): T {
  if (!isObject(notebook) || !Array.isArray(notebook['cells'])) {
    return notebook;
  }
  const cells = notebook['cells'].map(cell => {
    if (!isObject(cell) || !Array.isArray(cell['outputs'])) {
      return cell;
    }
    const outputs = cell['outputs'].map(output => {
      if (!isObject(output) || !isObject(output['data'])) {
        return output;
      }
      const data = Object.fromEntries(
        Object.entries(output['data']).filter(([mime]) => mime.startsWith('text/'))
      );
      return { ...output, data };
    });
    return { ...cell, outputs };
  });
  return { ...notebook, cells } as T;
}

/** The live-cells message for the kernel: cells without outputs, the notebook's metadata. */
export function liveCellsMessage(path: string, notebook: unknown): ILiveCellsMessage {
  const nb = isObject(notebook) ? notebook : {};
  const cells = Array.isArray(nb['cells']) ? nb['cells'] : [];
  return {
    action: 'live_cells',
    version: PROTOCOL_VERSION,
    path,
    cells: cells.filter(isObject).map(cell => {
      const { outputs: _outputs, attachments: _attachments, ...rest } = cell;
      return rest;
    }),
    metadata: isObject(nb['metadata']) ? nb['metadata'] : {}
  };
}

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

/** Points of a radar polygon: one axis per value (0..1), the first pointing up. */
export function radarPoints(
  values: readonly number[],
  radius: number,
  cx: number,
  cy: number
): Array<[number, number]> {
  return values.map((value, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / values.length;
    const r = radius * Math.max(0, Math.min(1, value));
    return [round2(cx + r * Math.cos(angle)), round2(cy + r * Math.sin(angle))];
  });
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * Runs `action` once, `delay` ms after the last `schedule()`; typing keeps pushing it back, so
 * the analysis never competes with keystrokes.
 */
export class Debouncer {
  constructor(
    private readonly action: () => void,
    public delay: number
  ) {}

  /** (Re)start the wait. */
  schedule(): void {
    this.cancel();
    this._timer = setTimeout(() => {
      this._timer = null;
      this.action();
    }, this.delay);
  }

  /** Run now if a run is waiting. */
  flush(): void {
    if (this._timer !== null) {
      this.cancel();
      this.action();
    }
  }

  /** Drop the waiting run. */
  cancel(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
  }

  get pending(): boolean {
    return this._timer !== null;
  }

  private _timer: ReturnType<typeof setTimeout> | null = null;
}
