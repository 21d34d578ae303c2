/**
 * The front end's contract file: ids, the metadata shapes it writes, the kernel comm protocol,
 * the settings, and the report types (generated from the core's JSON Schema).
 *
 * The shapes are generated from the core's JSON Schemas (`jlpm generate:types`), never copied:
 * - notebook / cell metadata: mlwa_notebook/schema/metadata.schema.json (src/_generated/metadata.ts)
 * - kernel comm messages: mlwa_notebook/schema/protocol.schema.json (src/_generated/protocol.ts)
 * - the report: mlwa_notebook/schema/report.schema.json (src/_generated/report.ts)
 * - the sidebar's metadata writes, decided by the core: protocol.schema.json too
 * - the phase and pillar lists: src/_generated/vocabulary.ts; the versions: _generated/versions.ts
 */
import type { ChecklistEntry } from './_generated/metadata';
import type { MetadataRequest } from './_generated/protocol';

export type {
  CellReport,
  ErrorRecord,
  Finding,
  LensPhase,
  MlwaReport,
  NotebookReport,
  Phase,
  Pillar,
  PillarScore,
  PracticeState,
  Severity
} from './_generated/report';

/** The plugin ids (the settings schema file is `schema/plugin.json`). */
export const PLUGIN_ID = 'mlwa-notebook:plugin';
export const LIVE_CELLS_PLUGIN_ID = 'mlwa-notebook:live-cells';

/** Ids of the commands the extension registers. */
export namespace CommandIDs {
  export const analyse = 'mlwa:analyse';
  export const setPhase = 'mlwa:set-phase';
  export const setAnswer = 'mlwa:set-answer';
  export const suppress = 'mlwa:suppress';
  export const unsuppress = 'mlwa:unsuppress';
  export const goToCell = 'mlwa:go-to-cell';
  export const exportNotebook = 'mlwa:export';
  export const showPanel = 'mlwa:show-panel';
}

/** The key of the extension's block in notebook and cell metadata. */
export const METADATA_KEY = 'mlwa';
/** A checklist answer as stored: `metadata.mlwa.checklist[<best practice id>]`. */
export type AnswerState = ChecklistEntry['state'];

export type { ChecklistEntry as IChecklistEntry } from './_generated/metadata';

/** The comm target the kernel registers on `%load_ext mlwa_notebook`. */
export const LIVE_CELLS_TARGET = 'mlwa.live_cells';
/** kernel/protocol.py ACTION_READY: the kernel accepted a comm of the live-cells target. */
export const ACTION_READY = 'ready';

/** Front end → kernel, before each execution; kernel → front end, metadata to write. */
export type {
  LiveCellsMessage as ILiveCellsMessage,
  SetMetadataMessage as ISetMetadataMessage
} from './_generated/protocol';

/** Sidebar → core (`POST metadata`): a change to decide; core → sidebar: the blocks to write. */
export type {
  CellState as ICellState,
  MetadataAnswer as IMetadataAnswer,
  MetadataRequest as IMetadataRequest
} from './_generated/protocol';
/** An answer, a patch (the kernel's, a phase, a suppression) or an unsuppression. */
export type MetadataChange = NonNullable<MetadataRequest['change']>;

/** The user's settings (schema/plugin.json). */
export interface ISettings {
  autoAnalyse: boolean;
  disabledRules: string[];
  debounceMs: number;
}

export const DEFAULT_SETTINGS: ISettings = {
  autoAnalyse: true,
  disabledRules: [],
  debounceMs: 600
};

export { PHASES, PILLARS, PILLAR_NAMES, PILLAR_SHORT } from './_generated/vocabulary';
/** kernel/protocol.py PROTOCOL_VERSION, from the protocol schema. */
export { PROTOCOL_VERSION } from './_generated/versions';
