import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { passwordBinding } from '../src/datasources/store.js';
import { createLogger } from '../src/lib/logger.js';
import { createSecretBox, loadSecretBox, SecretDecryptionError } from '../src/secrets/secret-box.js';
import { CANARY_PASSWORD } from './support/env.js';
import { all } from './support/db.js';
import { CREATE_DATA_SOURCE, dataSourceInput } from './support/factories.js';
import { startHarness, type Harness } from './support/harness.js';

const key = () => randomBytes(32);

describe('the secret box', () => {
  it('opens what it sealed for the same row only', () => {
    const box = createSecretBox(key());
    const sealed = box.seal(CANARY_PASSWORD, 'data_sources:a:password');
    expect(sealed.ciphertext).not.toContain(CANARY_PASSWORD);
    expect(box.open(sealed, 'data_sources:a:password')).toBe(CANARY_PASSWORD);
    expect(() => box.open(sealed, 'data_sources:b:password')).toThrow(SecretDecryptionError);
  });

  it('never produces the same ciphertext twice (fresh IV)', () => {
    const box = createSecretBox(key());
    expect(box.seal('x', 'r').ciphertext).not.toBe(box.seal('x', 'r').ciphertext);
  });

  it('decrypts with a previous key after rotation, and fails on an unknown key', () => {
    const oldKey = key();
    const sealed = createSecretBox(oldKey).seal('secret', 'row');
    const rotated = createSecretBox(key(), [oldKey]);
    expect(rotated.open(sealed, 'row')).toBe('secret');
    expect(rotated.seal('secret', 'row').keyId).not.toBe(sealed.keyId);
    expect(() => createSecretBox(key()).open(sealed, 'row')).toThrow(SecretDecryptionError);
  });

  it('rejects a tampered ciphertext', () => {
    const box = createSecretBox(key());
    const sealed = box.seal('secret', 'row');
    const raw = Buffer.from(sealed.ciphertext, 'base64');
    raw[raw.length - 1]! ^= 1;
    expect(() => box.open({ ...sealed, ciphertext: raw.toString('base64') }, 'row')).toThrow(
      SecretDecryptionError,
    );
  });
});

describe('the development key file', () => {
  it('is generated once outside production, kept private, reused, and warned about', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dss-key-'));
    const file = path.join(dir, '.secret-key');
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) }),
    );
    const config = loadConfig({ NODE_ENV: 'development', SECRET_KEY_FILE: file });
    const first = await loadSecretBox(config, logger);
    const sealed = first.seal('secret', 'row');
    const second = await loadSecretBox(config, logger);
    expect(second.open(sealed, 'row')).toBe('secret');
    expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64')).toHaveLength(32);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(lines.join('')).toContain('SECRET_KEY is not set');
  });

  it('is never used in production: the service refuses to start without SECRET_KEY', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'production', API_TOKENS: 'admin:abcdefghijklmnopqrstuvwxyz' }),
    ).toThrow(/SECRET_KEY: is required in production/);
  });
});

describe('stored passwords', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('do not decrypt when the ciphertext is copied to another row', async () => {
    const ids: string[] = [];
    for (const password of [CANARY_PASSWORD, 'other-password']) {
      const result = await h.gql<{ createDataSource: { dataSource: { id: string } } }>(CREATE_DATA_SOURCE, {
        input: dataSourceInput({ password }),
      });
      ids.push(result.data!.createDataSource.dataSource.id);
    }
    const [a, b] = ids as [string, string];
    await h.pool.query(
      `UPDATE data_sources SET (password_ciphertext, password_key_id) =
         (SELECT password_ciphertext, password_key_id FROM data_sources WHERE id = $1) WHERE id = $2`,
      [a, b],
    );
    const rows = await all<{ id: string; password_ciphertext: string; password_key_id: string }>(
      h.pool,
      'SELECT id, password_ciphertext, password_key_id FROM data_sources WHERE id = ANY($1)',
      [ids],
    );
    const box = createSecretBox(Buffer.from(h.config.secretKey!, 'base64'));
    const sealedOf = (id: string) => {
      const row = rows.find((r) => r.id === id);
      return { ciphertext: row?.password_ciphertext ?? '', keyId: row?.password_key_id ?? '' };
    };
    expect(box.open(sealedOf(a), passwordBinding(a))).toBe(CANARY_PASSWORD);
    expect(sealedOf(b).ciphertext).toBe(sealedOf(a).ciphertext);
    expect(() => box.open(sealedOf(b), passwordBinding(b))).toThrow(SecretDecryptionError);
  });
});
