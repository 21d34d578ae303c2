/**
 * The only code that writes the notebook: `mlwa` metadata through the shared (Yjs) model, so
 * every change is one undoable step, is saved with the notebook, and reaches collaborators.
 *
 * What to write is the core's to decide (mlwa_notebook/metadata_change.py, `POST metadata`):
 * each change goes there with the blocks it touches as they are now, and the blocks the core
 * answers are put into the model as they are. Writes to one notebook run one after the other;
 * one whose blocks changed while it was asked (a collaborator, a hand edit) is asked again with
 * the new blocks, so no write is made over a state the core did not see.
 */
import type { ICellModel } from '@jupyterlab/cells';
import type { INotebookModel } from '@jupyterlab/notebook';
import type { PartialJSONValue } from '@lumino/coreutils';

import { decideMetadata } from './api';
import { isObject } from './json';
import {
  AnswerState,
  IChecklistEntry,
  ICellState,
  IMetadataAnswer,
  IMetadataRequest,
  METADATA_KEY,
  MetadataChange,
  PROTOCOL_VERSION
} from './tokens';

/** How often a write is asked again when the notebook keeps changing under it. */
const ATTEMPTS = 3;

/** Each notebook's last write: the next one starts after it (keyed by model, gone with it). */
const queues = new WeakMap<INotebookModel, Promise<unknown>>();

function cellsById(model: INotebookModel): Map<string, ICellModel> {
  const byId = new Map<string, ICellModel>();
  for (let i = 0; i < model.cells.length; i++) {
    const cell = model.cells.get(i);
    byId.set(cell.id, cell);
  }
  return byId;
}

/** The ids of the cells a change touches (the core needs their blocks as they are now). */
export function touchedCells(change: MetadataChange | undefined): string[] {
  if (change === undefined || change.kind === 'answer') {
    return [];
  }
  if (change.kind === 'unignore') {
    return change.cell ? [change.cell] : [];
  }
  return Object.keys(change.cells ?? {});
}

/**
 * The request for `change`: the notebook's block and those of the cells it touches, as the
 * model holds them now; a cell no longer in the notebook is left out (the core drops its part).
 */
export function metadataRequest(
  notebookBlock: unknown,
  cellState: (cellId: string) => ICellState | undefined,
  change?: MetadataChange
): IMetadataRequest {
  const request: IMetadataRequest = { version: PROTOCOL_VERSION };
  if (isObject(notebookBlock)) {
    request.notebook = notebookBlock;
  }
  const cells: { [id: string]: ICellState } = {};
  for (const id of touchedCells(change)) {
    const state = cellState(id);
    if (state) {
      cells[id] = state;
    }
  }
  if (Object.keys(cells).length) {
    request.cells = cells;
  }
  if (change) {
    request.change = change;
  }
  return request;
}

function stateOf(cell: ICellModel | undefined): ICellState | undefined {
  if (!cell) {
    return undefined;
  }
  const state: ICellState = {};
  const block = cell.sharedModel.getMetadata(METADATA_KEY);
  const tags = cell.sharedModel.getMetadata('tags');
  if (isObject(block)) {
    state.mlwa = block;
  }
  if (Array.isArray(tags)) {
    state.tags = tags.map(String);
  }
  return state;
}

function requestFor(model: INotebookModel, change?: MetadataChange): IMetadataRequest {
  const byId = cellsById(model);
  return metadataRequest(
    model.sharedModel.getMetadata(METADATA_KEY),
    id => stateOf(byId.get(id)),
    change
  );
}

/** Whether the model still holds what `request` was made from (compared as JSON). */
function unchanged(model: INotebookModel, request: IMetadataRequest): boolean {
  const now = requestFor(model, request.change);
  return JSON.stringify(now) === JSON.stringify(request);
}

/**
 * Put the blocks the core answered into the model, in one undoable step: each cell's change in
 * the cell's own transaction, so undo in that cell takes it back.
 */
function write(model: INotebookModel, answer: IMetadataAnswer): void {
  const byId = cellsById(model);
  const writeCells = (): void => {
    for (const [id, state] of Object.entries(answer.cells)) {
      const shared = byId.get(id)?.sharedModel;
      shared?.transact(() => {
        if (state.mlwa) {
          shared.setMetadata(METADATA_KEY, state.mlwa as PartialJSONValue);
        }
        if (state.tags) {
          shared.setMetadata('tags', state.tags);
        }
      });
    }
  };
  const notebook = answer.notebook;
  if (notebook) {
    model.sharedModel.transact(() => {
      model.sharedModel.setMetadata(METADATA_KEY, notebook as PartialJSONValue);
      writeCells();
    });
  } else {
    writeCells();
  }
}

/**
 * Ask the core what `change` writes and write it; resolves to the stored answers after it.
 * Without a change, only reads the answers as the core reads them.
 */
export function applyChange(
  model: INotebookModel,
  change?: MetadataChange
): Promise<{ [bp: string]: IChecklistEntry }> {
  const run = async (): Promise<{ [bp: string]: IChecklistEntry }> => {
    for (let attempt = 1; ; attempt++) {
      const request = requestFor(model, change);
      const answer = await decideMetadata(request);
      if (model.isDisposed) {
        return answer.answers;
      }
      if (unchanged(model, request)) {
        write(model, answer);
        return answer.answers;
      }
      if (attempt >= ATTEMPTS) {
        throw new Error(
          'mlwa: the notebook metadata kept changing while the change was decided; not written'
        );
      }
    }
  };
  const previous = queues.get(model) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(run);
  queues.set(model, next);
  return next;
}

/** Set (or with null, clear) a cell's explicit phase; the core drops its `mlwa-phase:*` tags. */
export function setCellPhase(
  model: INotebookModel,
  cellId: string,
  phase: string | null
): Promise<unknown> {
  return applyChange(model, { kind: 'patch', cells: { [cellId]: { phase } } });
}

/** Suppress `code` for one cell, with the user's reason. */
export function suppressInCell(
  model: INotebookModel,
  cellId: string,
  code: string,
  reason: string
): Promise<unknown> {
  return applyChange(model, { kind: 'patch', cells: { [cellId]: { ignore: { [code]: reason } } } });
}

/**
 * Count `key` again, in one cell or (no cell) the whole notebook: removed where the report says
 * it was said (`via`: the `mlwa.ignore` block or the cell's `mlwa-ignore:` tag).
 */
export function unsuppress(
  model: INotebookModel,
  key: string,
  cellId?: string,
  via: 'metadata' | 'tag' = 'metadata'
): Promise<unknown> {
  return applyChange(
    model,
    cellId ? { kind: 'unignore', key, cell: cellId, via } : { kind: 'unignore', key }
  );
}

/** Write one checklist answer; the core stamps it and merges it with the stored ones. */
export function setAnswer(
  model: INotebookModel,
  bp: string,
  state: AnswerState,
  options: { note?: string; reason?: string; by?: string } = {}
): Promise<unknown> {
  return applyChange(model, { kind: 'answer', bp, state, ...options });
}
