/**
 * The front end's contract file: ids, the metadata shapes it writes, the kernel comm protocol,
 * the settings, and the report types (generated from the core's JSON Schema).
 *
 * Shapes here mirror Python sources of truth; change them together:
 * - notebook / cell metadata: mlwa_notebook/metadata.py
 * - kernel comm messages: mlwa_notebook/kernel/protocol.py
 * - the report: mlwa_notebook/schema/report.schema.json (src/_generated/report.ts)
 */
import type { Phase, Pillar } from './_generated/report';

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
/** `metadata.mlwa.version` written where a block is created (metadata.METADATA_VERSION). */
export const METADATA_VERSION = 1;
/** Cell tags that set a phase (metadata.PHASE_TAG); writing a phase drops them. */
export const PHASE_TAG = 'mlwa-phase:';
/** Cell tags that suppress a code or rule for the cell (metadata.IGNORE_TAG). */
export const IGNORE_TAG = 'mlwa-ignore:';

/** A checklist answer as stored: `metadata.mlwa.checklist[<best practice id>]`. */
export type AnswerState = 'done' | 'na' | 'open';

export interface IChecklistEntry {
  state: AnswerState;
  /** ISO time, `YYYY-MM-DDTHH:MM:SS.ffffffZ`; the newer entry wins when two writers meet. */
  updated: string;
  note?: string;
  reason?: string;
  /** Who gave the answer (JupyterLab's identity, or git user.name from the kernel). */
  by?: string;
}

/** The notebook's `metadata.mlwa` block (only the parts this extension reads or writes). */
export interface IMlwaNotebookBlock {
  version?: number;
  checklist?: { [bp: string]: IChecklistEntry };
  ignore?: { [code: string]: string };
  [key: string]: unknown;
}

/** A cell's `metadata.mlwa` block. */
export interface IMlwaCellBlock {
  version?: number;
  phase?: string;
  ignore?: { [code: string]: string };
  [key: string]: unknown;
}

/** The comm target the kernel registers on `%load_ext mlwa_notebook`. */
export const LIVE_CELLS_TARGET = 'mlwa.live_cells';
/** kernel/protocol.py PROTOCOL_VERSION. */
export const PROTOCOL_VERSION = 1;
/** kernel/protocol.py ACTION_READY: the kernel accepted a comm of the live-cells target. */
export const ACTION_READY = 'ready';

/** Front end → kernel, before each execution: the notebook as it is in the editor. */
export interface ILiveCellsMessage {
  action: 'live_cells';
  version: number;
  path: string;
  cells: ReadonlyArray<{ [key: string]: unknown }>;
  metadata: { [key: string]: unknown };
}

/** Kernel → front end: metadata the user set from the kernel (`%mlwa`, widgets). */
export interface ISetMetadataMessage {
  action: 'set_metadata';
  version: number;
  path: string;
  notebook: { checklist?: { [bp: string]: IChecklistEntry }; ignore?: { [code: string]: string } };
  cells: { [cellId: string]: { phase?: string | null; ignore?: { [code: string]: string } } };
}

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

/** The fine phases a user can set on a cell, in lifecycle order (schema `$defs.Phase`). */
export const PHASES: readonly Phase[] = [
  'business-goal',
  'problem-framing',
  'data-collection',
  'data-preprocessing',
  'feature-engineering',
  'model-training',
  'model-tuning',
  'model-evaluation',
  'deployment',
  'monitoring',
  'setup',
  'other'
];

/** The six pillars in the framework's order (schema `$defs.Pillar`), with display names. */
export const PILLARS: readonly Pillar[] = [
  'operational-excellence',
  'security',
  'reliability',
  'performance-efficiency',
  'cost-optimization',
  'sustainability'
];

export const PILLAR_NAMES: { readonly [P in Pillar]: string } = {
  'operational-excellence': 'Operational excellence',
  security: 'Security',
  reliability: 'Reliability',
  'performance-efficiency': 'Performance efficiency',
  'cost-optimization': 'Cost optimization',
  sustainability: 'Sustainability'
};
