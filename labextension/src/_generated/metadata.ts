/* eslint-disable */
/**
 * DO NOT EDIT: generated from mlwa_notebook/schema/metadata.schema.json by
 * `jlpm generate:types` (labextension/scripts/generate-types.js).
 * A test regenerates this file and fails when it is stale.
 */

/**
 * metadata.METADATA_VERSION, written where a block is created; a bump brings a migration.
 *
 * This interface was referenced by `MlwaNotebookBlock`'s JSON-Schema
 * via the `definition` "Version".
 */
export type Version = 1;
/**
 * This interface was referenced by `MlwaNotebookBlock`'s JSON-Schema
 * via the `definition` "AnswerState".
 */
export type AnswerState = 'done' | 'na' | 'open';
/**
 * Suppressed rule codes (or names) with the reason given; a list of codes (no reasons) is read too.
 *
 * This interface was referenced by `MlwaNotebookBlock`'s JSON-Schema
 * via the `definition` "Ignores".
 */
export type Ignores =
  | {
      [k: string]: string;
    }
  | string[];

/**
 * The state users set, kept in the .ipynb under the key `mlwa`: this is the notebook's `metadata.mlwa` block; a cell's block is `$defs.MlwaCellBlock`. Written by mlwa_notebook/metadata.py and the sidebar. Keys not listed are kept as they are.
 */
export interface MlwaNotebookBlock {
  version?: Version;
  /**
   * Checklist answers by best-practice id. A bare state string is the form of version-0 notebooks, still read.
   */
  checklist?: {
    [k: string]: ChecklistEntry | AnswerState;
  };
  ignore?: Ignores;
  [k: string]: unknown;
}
/**
 * One checklist answer: `metadata.mlwa.checklist[<best practice id>]`.
 *
 * This interface was referenced by `MlwaNotebookBlock`'s JSON-Schema
 * via the `definition` "ChecklistEntry".
 */
export interface ChecklistEntry {
  state: AnswerState;
  /**
   * ISO time, `YYYY-MM-DDTHH:MM:SS.ffffffZ`; the newer entry wins when two writers meet.
   */
  updated: string;
  note?: string;
  /**
   * Why the practice does not apply (state `na`).
   */
  reason?: string;
  /**
   * Who gave the answer (JupyterLab's identity, or git user.name from the kernel).
   */
  by?: string;
}
/**
 * A cell's `metadata.mlwa` block.
 *
 * This interface was referenced by `MlwaNotebookBlock`'s JSON-Schema
 * via the `definition` "MlwaCellBlock".
 */
export interface MlwaCellBlock {
  version?: Version;
  /**
   * The phase the user set (a Phase of the report schema); the cell tag `mlwa-phase:<phase>` says the same.
   */
  phase?: string;
  ignore?: Ignores;
  /**
   * True on the cells `mlwa export` adds (summary, radar, notes).
   */
  generated?: boolean;
  [k: string]: unknown;
}
