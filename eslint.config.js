// ESLint flat config: typed rules everywhere, and the dependency direction of the house style
// (contracts ← core ← api, rest ← apps/server; db implements core's ports; the console imports the
// server only as types) enforced per package with no-restricted-imports.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }],
});

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'packages/db/src/generated/**',
      'e2e/artifacts/**',
      'coverage/**',
      '.data/**',
      '.data-demo/**',
      'prisma/migrations/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through apps/server/src/env.ts.' },
      ],
    },
  },
  {
    // Root tool configs, and the embedded database's worker (plain JavaScript: docs/database.md),
    // are outside every tsconfig: lint them without type information.
    files: ['*.js', '*.config.ts', 'packages/db/src/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Tests, tooling and entry points may read the environment.
    files: [
      '**/*.test.ts',
      'apps/server/src/env.ts',
      'apps/server/test/**',
      'e2e/**',
      'bench/**',
      'packages/db/src/cli.ts',
      'packages/fake-runtime/**',
      'packages/agent/src/cli.ts',
      'packages/agent/src/demo.ts',
      'packages/agent/src/children.ts',
      'packages/agent/test/**',
      'examples/**',
      '*.config.ts',
      '*.config.js',
      'prisma.config.ts',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.test.ts', 'apps/server/test/**', 'packages/agent/test/**', 'e2e/**'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['packages/contracts/src/**'],
    rules: restrict(['@mm/*', '@prisma/*', '@trpc/*', 'fastify', 'react'], 'contracts import only zod.'),
  },
  {
    files: ['packages/core/src/**'],
    rules: restrict(
      [
        '@mm/db',
        '@mm/api',
        '@mm/rest',
        '@mm/server',
        '@mm/runtime-http',
        '@prisma/*',
        '@trpc/*',
        'fastify*',
        '@fastify/*',
        'undici',
        'node:http',
        'node:https',
        'http',
        'https',
      ],
      'core is the domain: no HTTP, tRPC or Prisma (the runtime is a port, docs/trust.md).',
    ),
  },
  {
    files: ['packages/runtime-http/src/**'],
    rules: restrict(
      ['@mm/db', '@mm/api', '@mm/rest', '@mm/server', '@prisma/*', '@trpc/*', 'fastify*'],
      'runtime-http implements a core port; it knows no edges or storage.',
    ),
  },
  {
    files: ['packages/db/src/**'],
    rules: restrict(
      ['@mm/api', '@mm/rest', '@mm/server', '@trpc/*', 'fastify*'],
      'db implements core ports; it knows no edges.',
    ),
  },
  {
    files: ['packages/api/src/**'],
    rules: restrict(
      ['@mm/db', '@mm/rest', '@mm/server', '@prisma/*', 'fastify*'],
      'tRPC routers call core services only.',
    ),
  },
  {
    files: ['packages/rest/src/**'],
    rules: restrict(
      ['@mm/db', '@mm/api', '@mm/server', '@prisma/*', '@trpc/*'],
      'REST routes call core services only.',
    ),
  },
  {
    files: ['packages/agent/src/**'],
    rules: restrict(
      ['@mm/core', '@mm/db', '@mm/api', '@mm/rest', '@mm/server', '@prisma/*', '@trpc/*', 'fastify*'],
      'The agent talks to the server over REST only; it shares the contracts, nothing else.',
    ),
  },
  {
    // React's rules of hooks and the React Compiler-era checks (refs in render, setState in effects…).
    files: ['apps/console/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['apps/console/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@mm/core', '@mm/db', '@mm/rest', '@mm/server', '@prisma/*', 'fastify*'],
              message: 'The console talks to the server over tRPC only.',
            },
            { group: ['@mm/api'], allowTypeImports: true, message: 'Import the server only as `import type`.' },
          ],
        },
      ],
    },
  },
);
