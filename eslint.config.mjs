// typescript-eslint, type-aware; `no-explicit-any` is an error everywhere in src/.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'compat-tests/java/**', 'compat-tests/go/**', 'compat-tests/.cache/**', 'bin/**', 'tools/*.js', '*.js', '*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
