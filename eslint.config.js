// Lint also guards the architecture (STYLE.md rule 1): `shared` is pure and imports no workspace package,
// `controller` and `agent` never import each other.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const workspaceImports = (forbidden) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: forbidden.map((name) => ({
        group: [name, `${name}/*`],
        message: 'Imports go one way: shared ← controller, agent, cli. See STYLE.md rule 1.',
      })),
    },
  ],
});

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['packages/shared/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@graphium/*'], message: 'shared imports no workspace package (STYLE.md rule 1).' },
            {
              group: ['node:*', 'fs', 'net', 'http', 'https', 'child_process', 'os'],
              message: 'shared is pure: no I/O (DESIGN.md §2).',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'shared takes the clock as a parameter (STYLE.md rule 5).' },
        { object: 'Math', property: 'random', message: 'shared takes a seed or a draw as a parameter (STYLE.md rule 5).' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'shared takes the clock as a parameter (STYLE.md rule 5).',
        },
      ],
    },
  },
  { files: ['packages/controller/**/*.ts'], rules: workspaceImports(['@graphium/agent', '@graphium/cli']) },
  { files: ['packages/agent/**/*.ts'], rules: workspaceImports(['@graphium/controller', '@graphium/cli']) },
  { files: ['packages/cli/**/*.ts'], rules: workspaceImports(['@graphium/controller', '@graphium/agent']) },
  {
    // The web UI: plain ES modules run by the browser (no bundler), so browser globals and no Node ones.
    files: ['packages/controller/web/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        [
          'window', 'document', 'sessionStorage', 'fetch', 'URL', 'URLSearchParams', 'AbortController', 'Node',
          'TextDecoderStream', 'getComputedStyle', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval',
        ].map((name) => [name, 'readonly']),
      ),
    },
    rules: { 'no-restricted-globals': ['error', 'process', 'require', '__dirname'] },
  },
  {
    files: ['**/test/**/*.ts', '**/bench/**/*.ts'],
    languageOptions: { globals: { __dirname: 'readonly' } },
  },
  {
    // Node scripts in plain JavaScript (TypeScript files get Node's globals from their types).
    files: ['scripts/**/*.mjs'],
    languageOptions: {
      globals: Object.fromEntries(
        ['URL', 'fetch', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'AbortController'].map((name) => [name, 'readonly']),
      ),
    },
  },
);
