/**
 * The settings schema offers the rules the server lists, and stays free text.
 */
import type { ISettingRegistry } from '@jupyterlab/settingregistry';

import { withRuleChoices } from '../src/rulechoices';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const schema = require('../schema/plugin.json') as ISettingRegistry.ISchema;

const plugin = {
  id: 'mlwa-notebook:plugin',
  schema,
  data: { composite: {}, user: {} },
  raw: '{}',
  version: ''
};
const RULES = [
  { code: 'MLW001', name: 'unversioned-data', summary: 'Data is read with no version pin' },
  { code: 'MLW005', name: 'unpinned-install', summary: 'A package is installed unpinned' }
];

describe('the rules offered in the settings', () => {
  it('should suggest every code and name, and list them in the description', () => {
    const field = withRuleChoices(plugin, RULES).schema.properties?.['disabledRules'];
    expect((field?.items as ISettingRegistry.IProperty).examples).toEqual([
      'MLW001',
      'unversioned-data',
      'MLW005',
      'unpinned-install'
    ]);
    expect(field?.description).toContain('MLW005 unpinned-install');
  });

  it('should keep the values free text, so a name or a newer rule stays valid', () => {
    const items = withRuleChoices(plugin, RULES).schema.properties?.['disabledRules']?.items;
    expect(items).toMatchObject({ type: 'string' });
    expect(items).not.toHaveProperty('enum');
  });

  it('should leave the schema as it is when the server lists no rules', () => {
    expect(withRuleChoices(plugin, []).schema).toEqual(schema);
  });

  it('should never change the schema it was given', () => {
    const before = JSON.stringify(schema);
    withRuleChoices(plugin, RULES);
    expect(JSON.stringify(schema)).toBe(before);
  });
});
