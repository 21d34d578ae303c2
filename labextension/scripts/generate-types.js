/**
 * Generates src/_generated/ from the core's JSON Schemas (mlwa_notebook/schema/): the contract
 * between Python and TypeScript, written once on the Python side.
 *
 * - report.ts     the report (report.schema.json)
 * - metadata.ts   the `mlwa` blocks of notebook and cell metadata (metadata.schema.json)
 * - protocol.ts   the kernel comm messages (protocol.schema.json)
 * - vocabulary.ts the lists the sidebar shows: phases and pillars (the report schema's enums)
 *                 and the pillars' names and short labels (the bundled lens, lens_data/)
 * - versions.ts   the protocol version the sidebar writes
 *
 *   node scripts/generate-types.js           write the files
 *   node scripts/generate-types.js --check   exit 1 when a file is stale
 *   node scripts/generate-types.js --stdout  print every file as JSON {name: text}
 *
 * test/generated.spec.ts runs it with --stdout and compares, so a stale file fails `jlpm test`.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const { compile } = require('json-schema-to-typescript');

const ROOT = path.resolve(__dirname, '..', '..');
const SCHEMA_DIR = path.join(ROOT, 'mlwa_notebook', 'schema');
const LENS = path.join(ROOT, 'lens_data', 'ml-lens-2025.json');
const TARGET_DIR = path.resolve(__dirname, '..', 'src', '_generated');
/** The schemas with TypeScript types, by file stem. */
const SCHEMAS = ['report', 'metadata', 'protocol'];

function banner(source) {
  return [
    '/* eslint-disable */',
    '/**',
    ` * DO NOT EDIT: generated from ${source} by`,
    ' * `jlpm generate:types` (labextension/scripts/generate-types.js).',
    ' * A test regenerates this file and fails when it is stale.',
    ' */'
  ].join('\n');
}

function readSchema(stem) {
  return JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, `${stem}.schema.json`), 'utf8'));
}

/**
 * The schema with each reference to another schema (by `$id`) replaced by the name of the type
 * generated from it, and the imports that brings: a type is generated once, in its own file.
 */
function withImports(schema) {
  const stems = new Map(SCHEMAS.map(stem => [readSchema(stem).$id, stem]));
  const imports = new Map();
  const out = structuredClone(schema);
  const visit = node => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!node || typeof node !== 'object') {
      return;
    }
    const ref = node.$ref;
    if (typeof ref === 'string' && !ref.startsWith('#')) {
      const [id, pointer] = ref.split('#');
      const name = pointer.split('/').pop();
      const stem = stems.get(id);
      imports.set(stem, new Set([...(imports.get(stem) || []), name]));
      delete node.$ref;
      node.tsType = name;
    }
    Object.values(node).forEach(visit);
  };
  visit(out);
  const lines = [...imports].map(
    ([stem, names]) => `import type { ${[...names].sort().join(', ')} } from './${stem}';`
  );
  return { schema: out, imports: lines };
}

async function types(stem) {
  const { schema, imports } = withImports(readSchema(stem));
  const header = banner(`mlwa_notebook/schema/${stem}.schema.json`);
  return compile(schema, schema.title, {
    bannerComment: imports.length ? `${header}\n${imports.join('\n')}` : header,
    additionalProperties: false,
    unreachableDefinitions: true,
    // The report's maps are read by key, so an absent key must be checked for; the metadata and
    // comm maps are walked with Object.entries by the sidebar's writers, typed so before.
    strictIndexSignatures: stem === 'report',
    format: true,
    style: { singleQuote: true, trailingComma: 'none', printWidth: 100, bracketSpacing: true }
  });
}

/** The phase and pillar lists, and the pillars' names and short labels, as constants. */
function vocabulary() {
  const report = readSchema('report');
  const lens = JSON.parse(fs.readFileSync(LENS, 'utf8'));
  const list = values => values.map(v => `  '${v}'`).join(',\n');
  // Quoted only where a key needs it, as prettier writes it.
  const key = id => (/^[A-Za-z_$][\w$]*$/.test(id) ? id : `'${id}'`);
  const table = field =>
    lens.pillars.map(p => `  ${key(p.id)}: '${p[field].replace(/'/g, "\\'")}'`).join(',\n');
  return [
    banner('mlwa_notebook/schema/report.schema.json and lens_data/'),
    "import type { Phase, Pillar } from './report';",
    '',
    '/** The fine phases a user can set on a cell, in lifecycle order (schema `$defs.Phase`). */',
    `export const PHASES: readonly Phase[] = [\n${list(report.$defs.Phase.enum)}\n];`,
    '',
    "/** The six pillars in the framework's order (schema `$defs.Pillar`). */",
    `export const PILLARS: readonly Pillar[] = [\n${list(report.$defs.Pillar.enum)}\n];`,
    '',
    "/** Each pillar's display name, as the bundled lens writes it. */",
    `export const PILLAR_NAMES: { readonly [P in Pillar]: string } = {\n${table('name')}\n};`,
    '',
    "/** Each pillar's short label (a radar axis), as the bundled lens writes it. */",
    `export const PILLAR_SHORT: { readonly [P in Pillar]: string } = {\n${table('short')}\n};`,
    ''
  ].join('\n');
}

/** The protocol version the sidebar writes now: the schema's `ProtocolVersion` default. */
function versions() {
  const protocol = readSchema('protocol');
  return [
    banner('mlwa_notebook/schema/protocol.schema.json'),
    '',
    '/** The version of the messages sent (kernel/protocol.py PROTOCOL_VERSION). */',
    `export const PROTOCOL_VERSION = ${protocol.$defs.ProtocolVersion.default};`,
    ''
  ].join('\n');
}

/** Every generated file's text, by file name, as it should be on disk. */
async function generate() {
  const files = {};
  for (const stem of SCHEMAS) {
    files[`${stem}.ts`] = await types(stem);
  }
  files['vocabulary.ts'] = vocabulary();
  files['versions.ts'] = versions();
  return files;
}

async function main() {
  const files = await generate();
  if (process.argv.includes('--stdout')) {
    process.stdout.write(JSON.stringify(files));
    return;
  }
  const check = process.argv.includes('--check');
  let stale = false;
  for (const [name, text] of Object.entries(files)) {
    const target = path.join(TARGET_DIR, name);
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
    if (check) {
      if (current !== text) {
        console.error(`${target} is stale: run \`jlpm generate:types\` in labextension/`);
        stale = true;
      }
      continue;
    }
    fs.mkdirSync(TARGET_DIR, { recursive: true });
    fs.writeFileSync(target, text);
    console.log(`wrote ${path.relative(process.cwd(), target)}`);
  }
  if (stale) {
    process.exit(1);
  }
}

module.exports = { generate, SCHEMA_DIR, TARGET_DIR };

if (require.main === module) {
  main().catch(err => {
    console.error(err);
    process.exit(1);
  });
}
