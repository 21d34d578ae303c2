/**
 * One contract: the report, metadata and comm types are generated from the core's JSON Schemas,
 * and the lists the sidebar shows (phases, pillars) are the schema's. Fails when any is stale.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { PHASES, PILLARS } from '../src/tokens';

const ROOT = path.resolve(__dirname, '..');
const generator = {
  SCHEMA: path.resolve(ROOT, '..', 'mlwa_notebook', 'schema', 'report.schema.json'),
  TARGET_DIR: path.resolve(ROOT, 'src', '_generated'),
  // The generator formats with prettier 3 (ES modules), so it runs in its own node process.
  generate: (): { [name: string]: string } =>
    JSON.parse(
      execFileSync(
        process.execPath,
        [path.join(ROOT, 'scripts', 'generate-types.js'), '--stdout'],
        { encoding: 'utf8' }
      )
    )
};

describe('generated types (report, metadata, comm protocol, vocabulary)', () => {
  const expected = generator.generate();

  it('should be every file of src/_generated/', () => {
    expect(fs.readdirSync(generator.TARGET_DIR).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.keys(expected))(
    'should have %s match what the schemas generate now (run `jlpm generate:types` if not)',
    name => {
      const actual = fs.readFileSync(path.join(generator.TARGET_DIR, name), 'utf8');
      expect(actual).toBe(expected[name]);
      expect(actual).toMatch(/DO NOT EDIT/);
    }
  );
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
