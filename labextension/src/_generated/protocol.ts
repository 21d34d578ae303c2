/* eslint-disable */
/**
 * DO NOT EDIT: generated from mlwa_notebook/schema/protocol.schema.json by
 * `jlpm generate:types` (labextension/scripts/generate-types.js).
 * A test regenerates this file and fails when it is stale.
 */
import type { ChecklistEntry } from './metadata';

/**
 * The messages of the comm target `mlwa.live_cells` between the kernel and the JupyterLab extension (mlwa_notebook/kernel/protocol.py says when each is sent).
 */
export type MlwaCommMessage = LiveCellsMessage | ReadyMessage | SetMetadataMessage;
/**
 * protocol.PROTOCOL_VERSION of the sender.
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
