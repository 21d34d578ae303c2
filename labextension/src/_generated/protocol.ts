/* eslint-disable */
/**
 * DO NOT EDIT: generated from mlwa_notebook/schema/protocol.schema.json by
 * `jlpm generate:types` (labextension/scripts/generate-types.js).
 * A test regenerates this file and fails when it is stale.
 */
import type { AnswerState, ChecklistEntry } from './metadata';

/**
 * The messages between the JupyterLab extension and the Python core: the comm target `mlwa.live_cells` with the kernel (mlwa_notebook/kernel/protocol.py says when each is sent), and the sidebar's metadata writes decided by the server (`POST /mlwa/api/metadata`, mlwa_notebook/metadata_change.py). Version 2 added the metadata route; the comm messages are those of version 1.
 */
export type MlwaCommMessage =
  LiveCellsMessage | ReadyMessage | SetMetadataMessage | MetadataRequest | MetadataAnswer;
/**
 * protocol.PROTOCOL_VERSION of the sender: `default` is the version written now (2); the comm messages are read from version 1 on, as they did not change in 2.
 */
export type ProtocolVersion = number;

/**
 * Front end to kernel, before each execution: the notebook as it is in the editor.
 */
export interface LiveCellsMessage {
  action?: 'live_cells';
  version?: ProtocolVersion;
  /**
   * Contents API path, relative to the server root.
   */
  path: string;
  /**
   * nbformat v4 cells as the model holds them, unsaved edits included; outputs may be trimmed.
   */
  cells: {
    [k: string]: unknown;
  }[];
  /**
   * The notebook metadata, with its `mlwa` block.
   */
  metadata?: {
    [k: string]: unknown;
  };
}
/**
 * Kernel to front end: this comm reached the target; keep sending on it.
 */
export interface ReadyMessage {
  action: 'ready';
  version: ProtocolVersion;
}
/**
 * Kernel to front end: metadata the user set from the kernel (`%mlwa`, widgets), applied as a patch.
 */
export interface SetMetadataMessage {
  action: 'set_metadata';
  version: ProtocolVersion;
  /**
   * The path of the snapshot it applies to.
   */
  path: string;
  notebook: NotebookPatch;
  /**
   * Patches by cell id.
   */
  cells: {
    [k: string]: CellPatch;
  };
}
/**
 * Entries to merge into the notebook's `metadata.mlwa` (answers item by item, newer `updated` wins).
 */
export interface NotebookPatch {
  checklist?: {
    [k: string]: ChecklistEntry;
  };
  ignore?: {
    [k: string]: string;
  };
}
/**
 * Entries to merge into one cell's `metadata.mlwa`; `phase: null` removes the explicit phase.
 */
export interface CellPatch {
  phase?: string | null;
  ignore?: {
    [k: string]: string;
  };
}
/**
 * Front end to core, `POST /mlwa/api/metadata`: one change, with the `mlwa` blocks it touches as they are now. No change: only the stored answers are read.
 */
export interface MetadataRequest {
  version: ProtocolVersion;
  /**
   * The notebook's `metadata.mlwa` block now (absent: it has none).
   */
  notebook?: {
    [k: string]: unknown;
  };
  /**
   * The cells the change touches, by id; a cell left out is gone, and its part of a patch is dropped.
   */
  cells?: {
    [k: string]: CellState;
  };
  change?: AnswerIntent | PatchIntent | UnignoreIntent;
}
/**
 * One cell's part of the metadata, as the model holds it: its `mlwa` block and its tags (each absent when the cell has none, or when it does not change).
 */
export interface CellState {
  mlwa?: {
    [k: string]: unknown;
  };
  tags?: string[];
}
/**
 * The user answered a checklist item in the sidebar; the core stamps it and merges it with the stored answers.
 */
export interface AnswerIntent {
  kind: 'answer';
  /**
   * The best practice id.
   */
  bp: string;
  state: AnswerState;
  /**
   * Stored exactly as typed (never masked).
   */
  note?: string;
  reason?: string;
  /**
   * Who answered: JupyterLab's identity.
   */
  by?: string;
}
/**
 * A set_metadata patch to merge: the kernel's (its `notebook` and `cells`), or the sidebar's phase or suppression.
 */
export interface PatchIntent {
  kind: 'patch';
  notebook?: NotebookPatch;
  cells?: {
    [k: string]: CellPatch;
  };
}
/**
 * Count a suppressed finding again, removed where the report says it was suppressed (`via`); no `cell`: the notebook's suppression.
 */
export interface UnignoreIntent {
  kind: 'unignore';
  /**
   * The code or rule name suppressed.
   */
  key: string;
  cell?: string;
  via?: 'metadata' | 'tag';
}
/**
 * Core to front end: the blocks to write as they are (only those that change; a cell's tags only when they change), and the stored answers after the change as the core reads them.
 */
export interface MetadataAnswer {
  version: ProtocolVersion;
  /**
   * The notebook's new `metadata.mlwa` block.
   */
  notebook?: {
    [k: string]: unknown;
  };
  cells: {
    [k: string]: CellState;
  };
  answers: {
    [k: string]: ChecklistEntry;
  };
}
