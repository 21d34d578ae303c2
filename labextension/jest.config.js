/**
 * Jest runs the units that hold no widget state (model, api, the generated contract) in node.
 * JupyterLab and Lumino ship ES modules, so ts-jest compiles those imports too.
 * The widgets themselves are exercised by ui-tests/ in a real chromium.
 */
const esm = ['@jupyterlab', '@lumino', '@jupyter', 'lib0', 'y-protocols', 'yjs', 'nanoid'].join(
  '|'
);

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testRegex: '\\.spec\\.ts$',
  transform: {
    '^.+\\.[tj]sx?$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }]
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esm})/)`]
};
