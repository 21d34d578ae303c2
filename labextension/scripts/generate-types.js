/**
 * Generates src/_generated/report.ts from the core's JSON Schema
 * (mlwa_notebook/schema/report.schema.json): the one contract between Python and TypeScript.
 *
 *   node scripts/generate-types.js           write the file
 *   node scripts/generate-types.js --check   exit 1 when the file is stale
 *   node scripts/generate-types.js --stdout  print what the file should hold
 *
 * test/generated.spec.ts runs it with --stdout and compares, so a stale file fails `jlpm test`.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const { compile } = require('json-schema-to-typescript');

const SCHEMA = path.resolve(__dirname, '..', '..', 'mlwa_notebook', 'schema', 'report.schema.json');
const TARGET = path.resolve(__dirname, '..', 'src', '_generated', 'report.ts');

const BANNER = [
  '/* eslint-disable */',
  '/**',
  ' * DO NOT EDIT: generated from mlwa_notebook/schema/report.schema.json by',
  ' * `jlpm generate:types` (labextension/scripts/generate-types.js).',
  ' * A test regenerates this file and fails when it is stale.',
  ' */'
].join('\n');

/** The TypeScript source for the report schema, as it should be on disk. */
async function generate() {
  const schema = JSON.parse(fs.readFileSync(SCHEMA, 'utf8'));
  return compile(schema, 'MlwaReport', {
    bannerComment: BANNER,
    additionalProperties: false,
    unreachableDefinitions: true,
    strictIndexSignatures: true,
    format: true,
    style: { singleQuote: true, trailingComma: 'none', printWidth: 100 }
  });
}

async function main() {
  const text = await generate();
  if (process.argv.includes('--stdout')) {
    process.stdout.write(text);
    return;
  }
  const check = process.argv.includes('--check');
  const current = fs.existsSync(TARGET) ? fs.readFileSync(TARGET, 'utf8') : '';
  if (check) {
    if (current !== text) {
      console.error(`${TARGET} is stale: run \`jlpm generate:types\` in labextension/`);
      process.exit(1);
    }
    return;
  }
  fs.mkdirSync(path.dirname(TARGET), { recursive: true });
  fs.writeFileSync(TARGET, text);
  console.log(`wrote ${path.relative(process.cwd(), TARGET)}`);
}

module.exports = { generate, SCHEMA, TARGET };

if (require.main === module) {
  main().catch(err => {
    console.error(err);
    process.exit(1);
  });
}
