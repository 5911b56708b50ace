// @ts-check
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = {
  paths: builtinModules.map((name) => ({ name, message: 'Node built-ins are not deterministic; workflow code cannot use them.' })),
  patterns: [{ group: ['node:*'], message: 'Node built-ins are not deterministic; workflow code cannot use them.' }],
};

// Server-side packages: they pull Node built-ins into the workflow bundle and do I/O.
const serverOnly = {
  paths: [
    '@temporalio/activity',
    '@temporalio/client',
    '@temporalio/worker',
    'typeorm',
    'pg',
    '@flowmate/db',
    '@flowmate/integrations',
    '@flowmate/config',
    '@flowmate/crypto',
    '@flowmate/observability',
  ].map((name) => ({ name, message: 'Server-side code; workflows run in the deterministic sandbox.' })),
  patterns: [
    { group: ['@nestjs/*'], message: 'Server-side code; workflows run in the deterministic sandbox.' },
    { group: ['@flowmate/contracts/validation', '@flowmate/contracts/validation/*'], message: 'Validation uses ajv and class-validator; workflows get validated input.' },
  ],
};

const libsByPath = {
  group: ['**/libs/**'],
  message: 'Import shared code through its @flowmate/* alias; the workflow bundler resolves it.',
};

const activityValues = {
  regex: '(^|/)activities(/|$)',
  allowTypeImports: true,
  message: 'Workflows call activities through proxyActivities; import their types with `import type`.',
};

export default defineConfig(
  globalIgnores(['dist/', 'node_modules/', '.data/', 'coverage/', 'jest.config.js', 'scripts/run-tests.mjs', 'eslint.config.mjs']),
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  {
    // The launcher is a terminal program; test support reports to the jest console.
    files: ['scripts/**/*.ts', 'test/support/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['workflows/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins.paths, ...serverOnly.paths],
          patterns: [...nodeBuiltins.patterns, ...serverOnly.patterns, libsByPath, activityValues],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['setTimeout', 'setInterval', 'setImmediate'].map((name) => ({ name, message: 'Use sleep() or condition() from @temporalio/workflow.' })),
        { name: 'process', message: 'The workflow sandbox has no process; pass values in the workflow input.' },
      ],
    },
  },
  {
    // Workflows import the contracts, so the contracts obey the same sandbox; what only servers import
    // (validation, the workflow start options) stays out of the package index.
    files: ['libs/contracts/src/**/*.ts'],
    ignores: ['libs/contracts/src/validation/**', 'libs/contracts/src/run-start.ts', '**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [...nodeBuiltins.paths, ...serverOnly.paths], patterns: [...nodeBuiltins.patterns, ...serverOnly.patterns] },
      ],
    },
  },
  {
    // Config sits just above the contracts: everything reads it, so it reads nothing else of ours.
    files: ['libs/config/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^@flowmate/(?!contracts(/|$))', message: 'libs/config may import only @flowmate/contracts; move the code it needs there or into config.' },
            { regex: '^\\.\\./\\.\\.(/|$)|(^|/)(libs|apps|activities|workflows)/', message: 'libs/config may import only @flowmate/contracts, through its alias.' },
          ],
        },
      ],
    },
  },
);
