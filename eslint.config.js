// Lint guards the architecture (DESIGN §1): imports point inward, engine/ and machines/
// stay pure, no cycles, no floating promises.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const ioLibraries = ['fastify', '@fastify/*', 'socket.io', 'socket.io-client', 'slonik', 'pg', '@electric-sql/*',
  '@tensorflow/*', 'piscina', 'pino', 'prom-client', 'commander', 'node:fs', 'node:fs/*', 'fs', 'node:net', 'node:http',
  'node:child_process', 'node:worker_threads', 'node-pg-migrate'];

const impurities = [
  { object: 'Date', property: 'now', message: 'Use the injected Clock (engine/ports).' },
  { object: 'Math', property: 'random', message: 'Use the injected seeded Random (engine/ports).' },
  { object: 'process', property: 'env', message: 'Only server/ entry points read the environment.' },
];
const rawTimers = ['setTimeout', 'setInterval', 'setImmediate'].map((name) => ({
  name,
  message: 'No raw timers here: time comes from the Clock, durable timers from the scheduler.',
}));

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'console/**', 'dist/**', 'coverage/**', 'bin/**', 'test-results/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: './engine', from: ['./server', './db', './models', './machines', './console'], message: 'engine/ is the pure domain: it reaches the outside only through ports.' },
            { target: './machines', from: ['./server', './db', './models', './console'], message: 'machines/ import only engine/.' },
            { target: './db', from: ['./server', './models', './machines', './console'], message: 'db/ implements engine ports; it does not know the server.' },
            { target: './models', from: ['./server', './db', './machines', './console'], message: 'models/ implements engine ports; it does not know the server.' },
            {
              // The world's truth is ground truth for tests and benchmarks: what learns from
              // events must not read it. Only its catalog and event types are public.
              target: ['./engine/twin', './engine/decisions', './models', './server/!(world)/**', './server/*.ts'],
              from: './engine/world',
              except: ['./index.ts', './catalog.ts', './catalog-vocabulary.ts', './world-events.ts'],
              message: 'The world\'s truth and simulation are hidden from the twin, decisions, models and the server (except server/world): use engine/world/index.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['engine/**/*.ts', 'machines/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ioLibraries, message: 'No I/O libraries in engine/ or machines/ (DESIGN §1).' }] }],
      'no-restricted-properties': ['error', ...impurities],
      'no-restricted-globals': ['error', ...rawTimers, { name: 'process', message: 'engine/ and machines/ never touch the process.' }],
    },
  },
  {
    files: ['db/**/*.ts', 'models/**/*.ts'],
    rules: {
      'no-restricted-properties': ['error', impurities[2]],
    },
  },
  {
    files: ['test/**/*.ts', 'benchmarks/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['*.config.ts', '*.config.js', 'eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The model workers' bootstrap is plain JavaScript: a worker thread starts without the TypeScript loader.
    files: ['models/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { sourceType: 'module', parserOptions: { projectService: false, project: null } },
  },
);
