/**
 * One contract: the report types are generated from the core's JSON Schema, and the lists the
 * sidebar shows (phases, pillars) are the schema's. Fails when either is stale.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { PHASES, PILLARS } from '../src/tokens';

const ROOT = path.resolve(__dirname, '..');
const generator = {
  SCHEMA: path.resolve(ROOT, '..', 'mlwa_notebook', 'schema', 'report.schema.json'),
  TARGET: path.resolve(ROOT, 'src', '_generated', 'report.ts'),
  // The generator formats with prettier 3 (ES modules), so it runs in its own node process.
  generate: (): string =>
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'generate-types.js'), '--stdout'], {
      encoding: 'utf8'
    })
};

describe('generated report types', () => {
  it('should match what the schema generates now (run `jlpm generate:types` if not)', () => {
    const expected = generator.generate();
    const actual = fs.readFileSync(generator.TARGET, 'utf8');
    expect(actual).toBe(expected);
  });

  it('should be marked do-not-edit', () => {
    expect(fs.readFileSync(generator.TARGET, 'utf8')).toMatch(/DO NOT EDIT/);
  });
});

describe('lists shown in the sidebar', () => {
  const schema = JSON.parse(fs.readFileSync(generator.SCHEMA, 'utf8'));

  it('should offer exactly the phases of the schema, in its order', () => {
    expect([...PHASES]).toEqual(schema.$defs.Phase.enum);
  });

  it('should show exactly the pillars of the schema, in its order', () => {
    expect([...PILLARS]).toEqual(schema.$defs.Pillar.enum);
  });
});
