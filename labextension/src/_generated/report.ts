/* eslint-disable */
/**
 * DO NOT EDIT: generated from mlwa_notebook/schema/report.schema.json by
 * `jlpm generate:types` (labextension/scripts/generate-types.js).
 * A test regenerates this file and fails when it is stale.
 */

/**
 * This interface was referenced by `MlwaReport`'s JSON-Schema
 * via the `definition` "Phase".
 */
export type Phase =
  | 'business-goal'
  | 'problem-framing'
  | 'data-collection'
  | 'data-preprocessing'
  | 'feature-engineering'
  | 'model-training'
  | 'model-tuning'
  | 'model-evaluation'
  | 'deployment'
  | 'monitoring'
  | 'setup'
  | 'other';
/**
 * This interface was referenced by `MlwaReport`'s JSON-Schema
 * via the `definition` "LensPhase".
 */
export type LensPhase =
  | 'business-goal'
  | 'problem-framing'
  | 'data-processing'
  | 'model-development'
  | 'deployment'
  | 'monitoring';
/**
 * This interface was referenced by `MlwaReport`'s JSON-Schema
 * via the `definition` "Severity".
 */
export type Severity = 'info' | 'warning' | 'error';
/**
 * This interface was referenced by `MlwaReport`'s JSON-Schema
 * via the `definition` "Pillar".
 */
export type Pillar =
  | 'operational-excellence'
  | 'security'
  | 'reliability'
  | 'performance-efficiency'
  | 'cost-optimization'
  | 'sustainability';

/**
 * The report of mlwa-notebook's analysis: every view renders this and nothing else.
 */
export interface MlwaReport {
  schema_version: '1.0';
  tool: Tool;
  notebooks: NotebookReport[];
  errors: ErrorRecord[];
}
export interface Tool {
  name: 'mlwa-notebook';
  version: string;
}
/**
 * This interface was referenced by `MlwaReport`'s JSON-Schema
 * via the `definition` "NotebookReport".
 */
export interface NotebookReport {
  path: string;
  cells: CellReport[];
  findings: Finding[];
  suppressed: Finding[];
  coverage: Coverage;
  pillar_scores: PillarScore[];
  phase_coverage: {
    [k: string]: number | undefined;
  };
  phases_present: LensPhase[];
  checklist: PracticeState[];
  evidence: Evidence[];
  lenses: string[];
  coverage_formula: string;
  /**
   * open findings per severity, most severe first; severities without findings left out
   */
  finding_counts: {
    [k: string]: number | undefined;
  };
  /**
   * per lens phase and pillar, the practices of the checklist and how many are met
   */
  checklist_counts: {
    [k: string]:
      | {
          [k: string]:
            | {
                met: number;
                total: number;
              }
            | undefined;
        }
      | undefined;
  };
}
/**
 * This interface was referenced by `MlwaReport`'s JSON-Schema
 * via the `definition` "CellReport".
 */
export interface CellReport {
  index: number;
  id: string;
  cell_type: string;
  phase: Phase;
  lens_phase: LensPhase | null;
  phase_source: 'explicit' | 'code' | 'heading' | 'context' | 'default';
  confidence: number;
  evidence: string[];
  execution_count: number | null;
  finding_count: number;
  label: string;
  /**
   * the lens phase this cell's checklist shows: its own, else the nearest cell's
   */
  checklist_phase: string | null;
  /**
   * ids of the practices of checklist_phase that this cell points at, most relevant first; the phase's other practices follow in lens order
   */
  checklist: string[];
}
/**
 * One thing a reviewer would flag, at one cell and line.
 *
 * This interface was referenced by `MlwaReport`'s JSON-Schema
 * via the `definition` "Finding".
 */
export interface Finding {
  code: string;
  name: string;
  severity: Severity;
  pillars: Pillar[];
  best_practices: string[];
  cell_index: number;
  cell_id: string;
  /**
   * 1-based line in the cell; 0 means the cell's output
   */
  line: number;
  /**
   * Where the finding is, then what it is: 'cell 3, line 2: ...' ('output of cell 3' for line 0, or a place the rule names such as 'metadata of cell 3'). The place is formatted from cell_index and line by mlwa_notebook/location.py.
   */
  message: string;
  fix: string;
  suppressed: Suppression | null;
}
/**
 * Why a finding is not counted.
 *
 * This interface was referenced by `MlwaReport`'s JSON-Schema
 * via the `definition` "Suppression".
 */
export interface Suppression {
  scope: 'cell' | 'notebook';
  reason: string;
  /**
   * where it is said: metadata mlwa.ignore, a mlwa-ignore: tag, or a # mlwa: ignore[...] comment in the code
   */
  via: 'metadata' | 'tag' | 'comment';
  /**
   * the key it is said under (the code or the rule name)
   */
  key: string;
}
/**
 * This interface was referenced by `MlwaReport`'s JSON-Schema
 * via the `definition` "Coverage".
 */
export interface Coverage {
  'operational-excellence': number;
  security: number;
  reliability: number;
  'performance-efficiency': number;
  'cost-optimization': number;
  sustainability: number;
}
/**
 * This interface was referenced by `MlwaReport`'s JSON-Schema
 * via the `definition` "PillarScore".
 */
export interface PillarScore {
  pillar: Pillar;
  score: number;
  applicable: number;
  met: number;
  not_applicable: number;
  violated: number;
  open: number;
  /**
   * score as the whole percentage every view shows (rounded half up)
   */
  percent: number;
  /**
   * applicable practices a rule or evidence signal checks, less the not applicable ones
   */
  checked: number;
  /**
   * of the checked practices, those met
   */
  checked_met: number;
  /**
   * applicable practices only a person can vouch for
   */
  attested: number;
  /**
   * of the attested practices, those answered (done, or not applicable with a reason)
   */
  answered: number;
  /**
   * the denominator of score: applicable - not_applicable
   */
  counted: number;
  /**
   * what the notebook shows by itself: checked_met / checked (0 when nothing is checked)
   */
  checked_score: number;
}
/**
 * This interface was referenced by `MlwaReport`'s JSON-Schema
 * via the `definition` "PracticeState".
 */
export interface PracticeState {
  id: string;
  pillar: string;
  phase: string;
  title: string;
  question: string;
  risk: string;
  state: 'met' | 'not-applicable' | 'violated' | 'open';
  source: 'checklist' | 'evidence' | 'rule' | 'finding' | null;
  cells: number[];
  note: string;
  reason: string;
  /**
   * checked: a rule or an evidence signal can see it in a notebook; attested: only a person can vouch for it
   */
  kind: 'checked' | 'attested';
  /**
   * who gave the checklist answer (git user.name or the JupyterLab identity); empty when unknown
   */
  by: string;
  /**
   * when the checklist answer was given (ISO time); empty when not answered
   */
  updated: string;
}
/**
 * This interface was referenced by `MlwaReport`'s JSON-Schema
 * via the `definition` "Evidence".
 */
export interface Evidence {
  best_practice: string;
  cell_index: number;
  cell_id: string;
  note: string;
  source: string;
}
/**
 * This interface was referenced by `MlwaReport`'s JSON-Schema
 * via the `definition` "ErrorRecord".
 */
export interface ErrorRecord {
  path: string;
  message: string;
  cell_index: number | null;
}
