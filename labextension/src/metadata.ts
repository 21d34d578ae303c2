/**
 * The notebook's `mlwa` metadata as the sidebar writes it: the same shapes and merge rule as
 * mlwa_notebook/metadata.py (tests/server/test_merge_contract.py runs the same cases on both).
 * Pure functions: copies in, copies out; writers.ts puts them into the shared model.
 */
import { isObject } from './json';
import {
  AnswerState,
  IChecklistEntry,
  IMlwaCellBlock,
  IMlwaNotebookBlock,
  ISetMetadataMessage,
  METADATA_VERSION,
  IGNORE_TAG,
  PHASE_TAG
} from './tokens';

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

/** A copy of a block (cell or notebook) with `key` (a code or rule name) no longer suppressed. */
export function withoutIgnore<T extends IMlwaCellBlock | IMlwaNotebookBlock>(
  value: unknown,
  key: string
): T {
  const block = notebookBlock(value) as T;
  const current = block.ignore as unknown;
  if (isObject(current)) {
    const { [key]: _dropped, ...rest } = current;
    block.ignore = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, String(v)]));
  } else if (Array.isArray(current)) {
    block.ignore = Object.fromEntries(
      current.filter(k => String(k) !== key).map(k => [String(k), ''])
    );
  }
  return block;
}

/** The cell's tags without the `mlwa-ignore:<key>` one, or null when it has none. */
export function tagsWithoutIgnore(tags: unknown, key: string): string[] | null {
  if (!Array.isArray(tags)) {
    return null;
  }
  const kept = tags.filter(t => String(t) !== `${IGNORE_TAG}${key}`);
  return kept.length === tags.length ? null : kept.map(String);
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
