/**
 * The settings' "Rules switched off" offers the rules the server knows (`GET rules`): their codes
 * and names become the field's suggestions, and its description lists them. The values stay free
 * text, so a setting written with a rule name or a rule of a newer version is still valid.
 */
import type { ISettingRegistry } from '@jupyterlab/settingregistry';

import { requestAPI } from './api';

/** A rule as `GET rules` lists it (the fields used here). */
export interface IRuleChoice {
  code: string;
  name: string;
  summary: string;
}

/** The rules the server knows, or none when it cannot say (the field stays free text). */
export async function fetchRuleChoices(): Promise<IRuleChoice[]> {
  try {
    return await requestAPI<IRuleChoice[]>('rules');
  } catch (reason) {
    console.warn(`mlwa: the rule list for the settings could not be read (${String(reason)})`);
    return [];
  }
}

/** The plugin's schema with the rules offered in `disabledRules` (a copy; the rest unchanged). */
export function withRuleChoices(
  plugin: ISettingRegistry.IPlugin,
  rules: readonly IRuleChoice[]
): ISettingRegistry.IPlugin {
  const schema = structuredClone(plugin.schema);
  const field = schema.properties?.['disabledRules'];
  if (!rules.length || !field || typeof field.items !== 'object' || Array.isArray(field.items)) {
    return { ...plugin, schema };
  }
  field.items = { ...field.items, examples: rules.flatMap(r => [r.code, r.name]) };
  field.description =
    `${field.description ?? ''} Rules: ` + rules.map(r => `${r.code} ${r.name}`).join(', ') + '.';
  return { ...plugin, schema };
}
