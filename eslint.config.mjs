import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import jest from 'eslint-plugin-jest';

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', 'dist/**', 'coverage/**', '.nx/**', 'tmp/**', '**/*.js', '**/*.mjs', '**/*.cjs'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:ingest', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:worker', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:fake', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
    },
  },
  {
    // The worker's data access lives in one folder (its pool provider included): nothing else reaches the drivers.
    files: ['apps/delivery-worker/**/*.ts'],
    ignores: ['apps/delivery-worker/src/data/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['pg', 'typeorm', '@nestjs/typeorm'].map((name) => ({
            name,
            message:
              'Database access in the delivery worker goes through apps/delivery-worker/src/data (or @fsd/delivery-data).',
          })),
          patterns: [
            { group: ['pg/*', 'typeorm/*'], message: 'Database access goes through apps/delivery-worker/src/data.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // Every test asserts something, and an assertion never hides behind a condition or a skip.
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/*.fault-spec.ts', '**/*.pact.spec.ts'],
    plugins: { jest },
    rules: {
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*', 'fc.assert'] }],
      'jest/no-conditional-expect': 'error',
      'jest/no-disabled-tests': 'error',
      'jest/no-focused-tests': 'error',
      'jest/valid-expect': 'error',
    },
  },
  {
    // ingest-api: only data access talks to the database — repositories (`*.repository.ts`), a `data-access`
    // folder and core/database (pools, TypeORM root) — so each table's writer is found by its file name.
    files: ['apps/ingest-api/src/**/*.ts'],
    ignores: [
      'apps/ingest-api/src/**/*.repository.ts',
      'apps/ingest-api/src/**/data-access/**',
      'apps/ingest-api/src/core/database/**',
      '**/migrations/**',
      '**/*.spec.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['pg', 'typeorm', '@nestjs/typeorm'].map((name) => ({
            name,
            message: 'Database access belongs in a *.repository.ts file (or core/database); inject the repository.',
          })),
        },
      ],
    },
  },
  prettier,
);
