import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { draftPasswordBinding } from '../../src/connection-tests/model.js';
import { passwordBinding } from '../../src/datasources/store.js';
import { rotateSecrets, type RotationProgress } from '../../src/operations/rotate-secrets.js';
import { createSecretBox, SecretDecryptionError } from '../../src/secrets/secret-box.js';
import { all, one } from '../support/db.js';
import { CANARY_PASSWORD, databaseUrl } from '../support/env.js';
import { CREATE_DATA_SOURCE, dataSourceInput } from '../support/factories.js';
import { startHarness, type Harness } from '../support/harness.js';

// Key rotation against a real metadata store: rows sealed by the service under the old key are
// re-encrypted under the new one, resumably, without overwriting a concurrent change.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const oldKey = randomBytes(32);
const newKey = randomBytes(32);
const rotating = createSecretBox(newKey, [oldKey]);
const newOnly = createSecretBox(newKey);
const oldOnly = createSecretBox(oldKey);

let h: Harness;
beforeEach(async () => {
  // The service as it ran before the rotation: sealing with the old key.
  h = await startHarness({ env: { SECRET_KEY: oldKey.toString('base64') } });
});
afterEach(async () => {
  await h.stop();
});

/** Saved data sources and draft tests, each with its own password, sealed by the service. */
async function seed(dataSources: number, drafts = 0): Promise<Map<string, string>> {
  const passwords = new Map<string, string>();
  for (let i = 0; i < dataSources; i += 1) {
    const password = `${CANARY_PASSWORD}-ds-${i}`;
    const created = await h.gql<{ createDataSource: { dataSource: { id: string } } }>(CREATE_DATA_SOURCE, {
      input: dataSourceInput({ password }),
    });
    if (!created.data) throw new Error(JSON.stringify(created.errors));
    passwords.set(passwordBinding(created.data.createDataSource.dataSource.id), password);
  }
  for (let i = 0; i < drafts; i += 1) {
    const password = `${CANARY_PASSWORD}-draft-${i}`;
    const started = await h.gql<{ testConnection: { id: string } }>(
      `mutation($draft: ConnectionDraftInput!) { testConnection(input: { draft: $draft }) { id } }`,
      { draft: { host: 'draft.example', username: 'u', password, databaseName: 'd' } },
    );
    if (!started.data) throw new Error(JSON.stringify(started.errors));
    passwords.set(draftPasswordBinding(started.data.testConnection.id), password);
  }
  return passwords;
}

/** The row id in a binding such as data_sources:<id>:password. */
const idOf = (binding: string) => binding.split(':')[1] ?? '';

interface Stored {
  binding: string;
  ciphertext: string;
  keyId: string;
}

async function stored(): Promise<Stored[]> {
  const rows = await all<{ binding: string; ciphertext: string; key_id: string }>(
    h.pool,
    `SELECT 'data_sources:' || id || ':password' AS binding, password_ciphertext AS ciphertext,
            password_key_id AS key_id FROM data_sources
     UNION ALL
     SELECT 'connection_tests:' || id || ':password', draft_password_ciphertext, draft_password_key_id
       FROM connection_tests WHERE draft_password_ciphertext IS NOT NULL
     ORDER BY 1`,
  );
  return rows.map((row) => ({ binding: row.binding, ciphertext: row.ciphertext, keyId: row.key_id }));
}

/** Every stored password opens with the new key alone, to the password that was typed. */
async function expectAllUnderNewKey(passwords: Map<string, string>) {
  const rows = await stored();
  expect(rows).toHaveLength(passwords.size);
  for (const row of rows) {
    expect(row.keyId).toBe(newOnly.currentKeyId);
    expect(newOnly.open(row, row.binding)).toBe(passwords.get(row.binding));
  }
}

const versions = () => all(h.pool, 'SELECT id, version, updated_at FROM data_sources ORDER BY id');

describe('rotateSecrets', () => {
  it('re-encrypts every password sealed with the old key, in batches; a second run does nothing', async () => {
    const passwords = await seed(5, 3);
    const before = await stored();
    expect(before.every((row) => row.keyId === oldOnly.currentKeyId)).toBe(true);
    const versionsBefore = await versions();

    const progress: RotationProgress[] = [];
    const report = await rotateSecrets({
      pool: h.pool,
      secrets: rotating,
      batchSize: 3,
      onProgress: (p) => progress.push(p),
    });

    expect(report).toEqual({
      reEncrypted: 8,
      total: 8,
      changedMeanwhile: 0,
      unreadable: [],
      remaining: 0,
      interrupted: false,
    });
    // data_sources in batches of 3 and 2, then the 3 drafts.
    expect(progress).toEqual([
      { reEncrypted: 3, total: 8 },
      { reEncrypted: 5, total: 8 },
      { reEncrypted: 8, total: 8 },
    ]);
    await expectAllUnderNewKey(passwords);
    for (const row of await stored()) {
      expect(() => oldOnly.open(row, row.binding)).toThrow(SecretDecryptionError);
    }
    // The password did not change, so neither does the data source's version.
    expect(await versions()).toEqual(versionsBefore);

    const after = await stored();
    const again = await rotateSecrets({ pool: h.pool, secrets: rotating, batchSize: 3 });
    expect(again).toMatchObject({ reEncrypted: 0, total: 0, remaining: 0, unreadable: [] });
    expect(await stored()).toEqual(after);
  });

  it('resumes where an interrupted run stopped, without touching what it already did', async () => {
    const passwords = await seed(4, 2);
    const stop = new AbortController();
    const first = await rotateSecrets({
      pool: h.pool,
      secrets: rotating,
      batchSize: 2,
      signal: stop.signal,
      onProgress: () => stop.abort(), // as Ctrl-C during the first batch would
    });
    expect(first).toMatchObject({ reEncrypted: 2, total: 6, remaining: 4, interrupted: true });
    const doneFirst = (await stored()).filter((row) => row.keyId === rotating.currentKeyId);
    expect(doneFirst).toHaveLength(2);

    const second = await rotateSecrets({ pool: h.pool, secrets: rotating, batchSize: 2 });
    expect(second).toMatchObject({ reEncrypted: 4, total: 4, remaining: 0, interrupted: false });
    await expectAllUnderNewKey(passwords);
    const rows = await stored();
    for (const row of doneFirst) expect(rows).toContainEqual(row);
  });

  it('never overwrites a password that changes between its read and its write', async () => {
    const passwords = await seed(3);
    const target = [...passwords.keys()][0] ?? '';
    const id = idOf(target);

    // A service process (still on the old key) is changing this password and holds the row.
    const writer = new pg.Client({ connectionString: databaseUrl(h.databaseName) });
    await writer.connect();
    try {
      await writer.query('BEGIN');
      const changed = oldOnly.seal(`${CANARY_PASSWORD}-changed`, passwordBinding(id));
      await writer.query(
        'UPDATE data_sources SET password_ciphertext = $1, password_key_id = $2 WHERE id = $3',
        [changed.ciphertext, changed.keyId, id],
      );
      const rotation = rotateSecrets({ pool: h.pool, secrets: rotating });
      // The rotation has read the old ciphertext and now waits for the row: let the change commit. A
      // lock wait in another session has no event; pg_stat_activity is where it shows.
      await expect
        .poll(
          async () =>
            (
              await one<{ n: number }>(
                h.pool,
                `SELECT count(*)::int AS n FROM pg_stat_activity
                  WHERE datname = current_database() AND wait_event_type = 'Lock'
                    AND query LIKE 'UPDATE data_sources AS t%'`,
              )
            ).n,
          { timeout: 10_000 },
        )
        .toBe(1);
      await writer.query('COMMIT');

      const report = await rotation;
      expect(report).toMatchObject({ reEncrypted: 2, total: 3, changedMeanwhile: 1, remaining: 1 });
      const row = (await stored()).find((candidate) => candidate.binding === target);
      expect(row?.ciphertext).toBe(changed.ciphertext);
      expect(row && rotating.open(row, target)).toBe(`${CANARY_PASSWORD}-changed`);
    } finally {
      await writer.end();
    }

    // The next run picks up what was written with the old key meanwhile.
    expect(await rotateSecrets({ pool: h.pool, secrets: rotating })).toMatchObject({
      reEncrypted: 1,
      remaining: 0,
    });
    passwords.set(target, `${CANARY_PASSWORD}-changed`);
    await expectAllUnderNewKey(passwords);
  });

  it('reports a row that no configured key opens by id, counts it, and rotates the rest', async () => {
    const passwords = await seed(3);
    const [victim = '', donor = ''] = [...passwords.keys()].map(idOf);
    // A ciphertext copied from another row is bound to that row: no key opens it here.
    await h.pool.query(
      `UPDATE data_sources SET password_ciphertext = (SELECT password_ciphertext FROM data_sources WHERE id = $2)
        WHERE id = $1`,
      [victim, donor],
    );
    const report = await rotateSecrets({ pool: h.pool, secrets: rotating });
    expect(report).toMatchObject({
      reEncrypted: 2,
      total: 3,
      unreadable: [{ table: 'data_sources', id: victim }],
      remaining: 1,
    });
  });
});

describe('npm run secrets:rotate', () => {
  function run(env: Record<string, string>) {
    const child = spawn('npm', ['run', '--silent', 'secrets:rotate'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('rotates from the environment, lists an unreadable row by id and exits 1, then 0 once it is gone', async () => {
    const passwords = await seed(3, 1);
    const victim = idOf([...passwords.keys()][0] ?? '');
    // A key id no configured key has (a key lost, or a typo in SECRET_KEYS_PREVIOUS).
    await h.pool.query('UPDATE data_sources SET password_key_id = $1 WHERE id = $2', [
      '0123456789abcdef',
      victim,
    ]);
    const env = h.processEnv({
      NODE_ENV: 'development',
      SECRET_KEY: newKey.toString('base64'),
      SECRET_KEYS_PREVIOUS: oldKey.toString('base64'),
    });

    const first = await run(env);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain(`rotating stored passwords to key ${rotating.currentKeyId}`);
    expect(first.stdout).toMatch(/^re-encrypted 3\/4$/m);
    expect(first.stdout).toContain('1 unreadable; 1 still use other keys');
    expect(first.stderr).toContain(`cannot decrypt data_sources ${victim}: no configured key opens it`);
    expect(first.stdout + first.stderr).not.toContain(CANARY_PASSWORD);

    await h.pool.query('DELETE FROM data_sources WHERE id = $1', [victim]);
    const second = await run(env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('0 still use other keys');
    expect(second.stdout).toContain('the previous keys can be dropped');
    passwords.delete(passwordBinding(victim));
    await expectAllUnderNewKey(passwords);
  });
});
