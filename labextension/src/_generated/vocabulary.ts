/* eslint-disable */
/**
 * DO NOT EDIT: generated from mlwa_notebook/schema/report.schema.json and lens_data/ by
 * `jlpm generate:types` (labextension/scripts/generate-types.js).
 * A test regenerates this file and fails when it is stale.
 */
import type { Phase, Pillar } from './report';

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

/** The six pillars in the framework's order (schema `$defs.Pillar`). */
export const PILLARS: readonly Pillar[] = [
  'operational-excellence',
  'security',
  'reliability',
  'performance-efficiency',
  'cost-optimization',
  'sustainability'
];

/** Each pillar's display name, as the bundled lens writes it. */
export const PILLAR_NAMES: { readonly [P in Pillar]: string } = {
  'operational-excellence': 'Operational excellence',
  security: 'Security',
  reliability: 'Reliability',
  'performance-efficiency': 'Performance efficiency',
  'cost-optimization': 'Cost optimization',
  sustainability: 'Sustainability'
};

/** Each pillar's short label (a radar axis), as the bundled lens writes it. */
export const PILLAR_SHORT: { readonly [P in Pillar]: string } = {
  'operational-excellence': 'Ops',
  security: 'Sec',
  reliability: 'Rel',
  'performance-efficiency': 'Perf',
  'cost-optimization': 'Cost',
  sustainability: 'Sus'
};
