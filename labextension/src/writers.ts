/**
 * The only code that writes the notebook: `mlwa` metadata through the shared (Yjs) model, so
 * every change is one undoable step, is saved with the notebook, and reaches collaborators.
 */
import type { ICellModel } from '@jupyterlab/cells';
import type { INotebookModel } from '@jupyterlab/notebook';
import type { PartialJSONObject, PartialJSONValue } from '@lumino/coreutils';

import {
  applySetMetadata,
  answerEntry,
  readAnswers,
  tagsWithoutIgnore,
  tagsWithoutPhase,
  withAnswer,
  withCellPhase,
  withIgnore,
  withoutIgnore
} from './metadata';
import {
  AnswerState,
  IChecklistEntry,
  IMlwaCellBlock,
  IMlwaNotebookBlock,
  ISetMetadataMessage,
  METADATA_KEY
} from './tokens';

function asJSON(block: object): PartialJSONObject {
  return block as unknown as PartialJSONObject;
}

/** Set (or with null, clear) a cell's explicit phase; drops `mlwa-phase:*` tags as the core does. */
export function setCellPhase(cell: ICellModel, phase: string | null): void {
  const shared = cell.sharedModel;
  shared.transact(() => {
    shared.setMetadata(
      METADATA_KEY,
      asJSON(withCellPhase(shared.getMetadata(METADATA_KEY), phase))
    );
    const tags = tagsWithoutPhase(shared.getMetadata('tags'));
    if (tags) {
      shared.setMetadata('tags', tags);
    }
  });
}

/** Suppress `code` for one cell, with the user's reason. */
export function suppressInCell(cell: ICellModel, code: string, reason: string): void {
  const shared = cell.sharedModel;
  shared.setMetadata(
    METADATA_KEY,
    asJSON(withIgnore<IMlwaCellBlock>(shared.getMetadata(METADATA_KEY), code, reason))
  );
}

/**
 * Count `key` again in one cell: drop it from the cell's `mlwa.ignore` or its `mlwa-ignore:` tag,
 * where the report says it was said (one undoable step).
 */
export function unsuppressInCell(cell: ICellModel, key: string, via: string): void {
  const shared = cell.sharedModel;
  shared.transact(() => {
    if (via === 'tag') {
      const tags = tagsWithoutIgnore(shared.getMetadata('tags'), key);
      if (tags) {
        shared.setMetadata('tags', tags);
      }
    } else {
      shared.setMetadata(
        METADATA_KEY,
        asJSON(withoutIgnore<IMlwaCellBlock>(shared.getMetadata(METADATA_KEY), key))
      );
    }
  });
}

/** Count `key` again in the whole notebook (its `mlwa.ignore`). */
export function unsuppressInNotebook(model: INotebookModel, key: string): void {
  const shared = model.sharedModel;
  shared.setMetadata(
    METADATA_KEY,
    asJSON(withoutIgnore<IMlwaNotebookBlock>(shared.getMetadata(METADATA_KEY), key))
  );
}

/** The checklist answers stored in the notebook now. */
export function storedAnswers(model: INotebookModel): { [bp: string]: IChecklistEntry } {
  return readAnswers(model.sharedModel.getMetadata(METADATA_KEY));
}

/** Write one checklist answer, stamped now, into the notebook's metadata. */
export function setAnswer(
  model: INotebookModel,
  bp: string,
  state: AnswerState,
  options: { note?: string; reason?: string; by?: string } = {}
): IChecklistEntry {
  const entry = answerEntry(state, options);
  const shared = model.sharedModel;
  shared.setMetadata(METADATA_KEY, asJSON(withAnswer(shared.getMetadata(METADATA_KEY), bp, entry)));
  return entry;
}

/** Apply what the kernel asks (`set_metadata`), merged so no newer answer is overwritten. */
export function applyKernelMetadata(model: INotebookModel, message: ISetMetadataMessage): void {
  const byId = new Map<string, ICellModel>();
  for (let i = 0; i < model.cells.length; i++) {
    const cell = model.cells.get(i);
    byId.set(cell.id, cell);
  }
  const result = applySetMetadata(message, model.sharedModel.getMetadata(METADATA_KEY), id =>
    byId.has(id) ? (byId.get(id)?.sharedModel.getMetadata(METADATA_KEY) ?? {}) : undefined
  );
  model.sharedModel.transact(() => {
    if (result.notebook) {
      model.sharedModel.setMetadata(METADATA_KEY, asJSON(result.notebook));
    }
    for (const [id, change] of result.cells) {
      const shared = byId.get(id)?.sharedModel;
      if (!shared) {
        continue;
      }
      shared.setMetadata(METADATA_KEY, asJSON(change.block));
      const tags = change.dropPhaseTags ? tagsWithoutPhase(shared.getMetadata('tags')) : null;
      if (tags) {
        shared.setMetadata('tags', tags as PartialJSONValue);
      }
    }
  });
}
