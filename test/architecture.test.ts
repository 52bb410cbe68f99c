import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a JavaScript config module without type declarations
import layers from '../eslint.layers.js';

// The layers of src/ are enforced by lint (eslint.layers.js): these show that an import upwards fails
// `npm run lint`, and that the allowed directions pass.

const eslint = new ESLint({
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...(layers as [])],
});

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => message.message);
}

describe('the layers of src/', () => {
  it.each([
    ['src/lib/anything.ts', "import { createApiServer } from '../api/server.js';"],
    ['src/lib/anything.ts', "import type { DataSourceView } from '../datasources/model.js';"],
    ['src/postgresql/anything.ts', "import { dataSources } from '../schema/index.js';"],
    ['src/postgresql/anything.ts', "import { TestRecorder } from '../connection-tests/recorder.js';"],
    ['src/datasources/anything.ts', "import { queueSavedTest } from '../connection-tests/store.js';"],
    ['src/datasources/anything.ts', "import { stopBeats } from '../heartbeat/scheduler.js';"],
    ['src/heartbeat/anything.ts', "import { createTestRunner } from '../connection-tests/runner.js';"],
    ['src/connection-tests/anything.ts', "import { startWorkers } from '../workers/worker.js';"],
    ['src/connection-tests/checks/anything.ts', "import { contextOf } from '../../api/context.js';"],
    ['src/workers/anything.ts', "import { contextOf } from '../api/context.js';"],
    ['src/api/anything.ts', "import { findRow } from '../datasources/store.js';"],
    ['src/api/anything.ts', "import type { Database } from '../lib/db.js';"],
    ['src/api/datasources/anything.ts', "import { loadSecretBox } from '../../secrets/secret-box.js';"],
    ['src/config.ts', "import { createLogger } from './lib/logger.js';"],
  ])('%s may not import upwards: %s', async (file, code) => {
    const found = await problems(file, code);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/may not import from a layer above it|reaches the domain through its services/);
  });

  it.each([
    ['src/lib/anything.ts', "import { AppError } from '../errors.js';"],
    ['src/postgresql/anything.ts', "import { within } from '../lib/time.js';"],
    ['src/heartbeat/anything.ts', "import { findRow } from '../datasources/store.js';"],
    ['src/connection-tests/checks/anything.ts', "import { inspectDrc } from '../../heartbeat/sql.js';"],
    ['src/api/anything.ts', "import type { DataSourceService } from '../datasources/service.js';"],
    ['src/api/anything.ts', "import { CONNECTION_ERROR_CODES } from '../postgresql/errors.js';"],
    ['src/workers/anything.ts', "import type { TestRunner } from '../connection-tests/runner.js';"],
  ])('%s may import downwards: %s', async (file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});
