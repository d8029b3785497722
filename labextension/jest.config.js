// Editor logic runs under jest without a browser. The CodeMirror/Lezer/GraphQL packages ship ES modules,
// so they are transformed along with our TypeScript (by swc); the rest of node_modules is left alone.
const esmPackages = [
  '@codemirror',
  '@lezer',
  '@marijn',
  'cm6-graphql',
  'graphql-language-service',
  'vscode-languageserver-types',
  'graphql',
  'style-mod',
  'w3c-keyname',
  'crelt'
];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  testMatch: ['**/__tests__/**/*.spec.ts'],
  transform: {
    '^.+\\.[tj]sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    '^.+\\.mjs$': ['@swc/jest', { jsc: { target: 'es2022' } }]
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`]
};
