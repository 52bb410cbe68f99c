// @ts-check
// The layers of src/ (README, Architecture), lowest first. A file may import from its own folder and
// from the layers below it, never from above: ESLint's no-restricted-imports, per folder, on the
// import's relative path. A build whose code adds an arrow upwards fails `npm run lint`.

const ABOVE = {
  kernel: [
    'schema',
    'lib',
    'jobs',
    'postgresql',
    'secrets',
    'audit',
    'datasources',
    'heartbeat',
    'connection-tests',
    'operations',
    'workers',
    'api',
  ],
  schema: [
    'lib',
    'jobs',
    'postgresql',
    'secrets',
    'audit',
    'datasources',
    'heartbeat',
    'connection-tests',
    'operations',
    'workers',
    'api',
  ],
  lib: [
    'jobs',
    'postgresql',
    'secrets',
    'audit',
    'datasources',
    'heartbeat',
    'connection-tests',
    'operations',
    'workers',
    'api',
  ],
  jobs: [
    'postgresql',
    'secrets',
    'audit',
    'datasources',
    'heartbeat',
    'connection-tests',
    'operations',
    'workers',
    'api',
  ],
  postgresql: [
    'jobs',
    'secrets',
    'audit',
    'datasources',
    'heartbeat',
    'connection-tests',
    'operations',
    'workers',
    'api',
    'schema',
  ],
  secrets: [
    'jobs',
    'postgresql',
    'audit',
    'datasources',
    'heartbeat',
    'connection-tests',
    'operations',
    'workers',
    'api',
  ],
  audit: [
    'jobs',
    'postgresql',
    'secrets',
    'datasources',
    'heartbeat',
    'connection-tests',
    'operations',
    'workers',
    'api',
  ],
  datasources: ['jobs', 'postgresql', 'heartbeat', 'connection-tests', 'operations', 'workers', 'api'],
  heartbeat: ['connection-tests', 'operations', 'workers', 'api'],
  'connection-tests': ['operations', 'workers', 'api'],
  operations: ['workers', 'api'],
  workers: ['api'],
  api: ['workers'],
};

const restrict = (folders, message) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        {
          group: folders
            .flatMap((folder) => [`**/${folder}/*`, `**/${folder}/**/*`])
            .concat(['**/app.js', '**/main.js']),
          message,
        },
      ],
    },
  ],
});

/** @type {import('eslint').Linter.Config[]} */
export default [
  ...Object.entries(ABOVE).map(([layer, above]) => ({
    files: layer === 'kernel' ? ['src/config.ts', 'src/errors.ts'] : [`src/${layer}/**/*.ts`],
    rules: restrict(above, `src/${layer} may not import from a layer above it (README, Architecture).`),
  })),
  {
    // The API reaches the domain through its services: no store, no database, no secret box, no wire.
    files: ['src/api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/workers/*',
                '**/app.js',
                '**/main.js',
                '**/store.js',
                '**/lib/db.js',
                '**/schema/*',
                '**/secrets/*',
                '**/postgresql/*',
                '!**/postgresql/errors.js',
              ],
              message: 'src/api reaches the domain through its services (README, Architecture).',
            },
          ],
        },
      ],
    },
  },
];
