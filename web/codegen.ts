import type { CodegenConfig } from '@graphql-codegen/cli';

// Types for every operation of the console, generated from the service's schema.graphql: an
// operation the schema no longer accepts fails generation (and so `npm run build`), and a changed
// type fails the console's type check.
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['web/src/**/*.{ts,tsx}', '!web/src/gql/**'],
  ignoreNoDocuments: false,
  generates: {
    'web/src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
        scalars: { DateTime: 'string' },
        skipTypename: true,
      },
    },
  },
  hooks: { afterAllFileWrite: ['prettier --write'] },
};

export default config;
