import type pg from 'pg';
import { draftPasswordBinding } from '../connection-tests/model.js';
import { passwordBinding } from '../datasources/store.js';
import { SecretDecryptionError, type SecretBox } from '../secrets/secret-box.js';

// Key rotation (PRODUCT.md §1, "Secrets at rest"): re-encrypts every stored password that is not yet
// under the current key. Safe beside running services, and resumable: it only ever picks rows whose
// key id is not the current one, so a stopped run continues where it stopped.

/** Where passwords are stored, and the associated data each one is bound to. */
interface SecretColumn {
  table: 'data_sources' | 'connection_tests';
  ciphertext: string;
  keyId: string;
  binding: (id: string) => string;
}

// Fixed names, never input: interpolating them into SQL below is safe.
const SECRET_COLUMNS: readonly SecretColumn[] = [
  {
    table: 'data_sources',
    ciphertext: 'password_ciphertext',
    keyId: 'password_key_id',
    binding: passwordBinding,
  },
  {
    // A draft's password is purged (NULL) once its test ends; only the ones still stored count.
    table: 'connection_tests',
    ciphertext: 'draft_password_ciphertext',
    keyId: 'draft_password_key_id',
    binding: draftPasswordBinding,
  },
];

export interface RotationProgress {
  /** Rows re-encrypted so far by this run. */
  reEncrypted: number;
  /** Rows under another key when this run started. */
  total: number;
}

export interface UnreadableSecret {
  table: string;
  id: string;
}

export interface RotationReport extends RotationProgress {
  /** Rows that changed between our read and our write: left as the service wrote them. */
  changedMeanwhile: number;
  /** Rows no configured key opens (unknown key id, or not bound to their row): reported, kept. */
  unreadable: UnreadableSecret[];
  /** Rows still under another key when this run ended; 0 means the previous keys can be dropped. */
  remaining: number;
  /** The signal stopped the run between two batches. */
  interrupted: boolean;
}

export interface RotationOptions {
  /** The metadata store. */
  pool: pg.Pool;
  /** The current key (seals) and the previous ones (open). */
  secrets: SecretBox;
  batchSize?: number;
  /** After every batch. */
  onProgress?: (progress: RotationProgress) => void;
  /** Stops the run after the batch in progress; a later run picks up the rest. */
  signal?: AbortSignal;
}

const notCurrent = (column: SecretColumn) =>
  `${column.ciphertext} IS NOT NULL AND ${column.keyId} IS DISTINCT FROM $1`;

async function countNotCurrent(pool: pg.Pool, keyId: string): Promise<number> {
  let total = 0;
  for (const column of SECRET_COLUMNS) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${column.table} WHERE ${notCurrent(column)}`,
      [keyId],
    );
    total += rows[0]?.n ?? 0;
  }
  return total;
}

export async function rotateSecrets(options: RotationOptions): Promise<RotationReport> {
  const { pool, secrets } = options;
  const batchSize = options.batchSize ?? 200;
  const current = secrets.currentKeyId;
  const report: RotationReport = {
    reEncrypted: 0,
    total: await countNotCurrent(pool, current),
    changedMeanwhile: 0,
    unreadable: [],
    remaining: 0,
    interrupted: false,
  };

  for (const column of SECRET_COLUMNS) {
    // Keyset order by id: rows that cannot be re-encrypted (unreadable, changed meanwhile) keep their
    // key id, so "the next rows not under the current key" alone would return them forever.
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      if (options.signal?.aborted) {
        report.interrupted = true;
        break;
      }
      const { rows } = await pool.query<{ id: string; ciphertext: string; key_id: string }>(
        `SELECT id, ${column.ciphertext} AS ciphertext, ${column.keyId} AS key_id FROM ${column.table}
          WHERE ${notCurrent(column)} AND id > $2 ORDER BY id LIMIT $3`,
        [current, after, batchSize],
      );
      if (rows.length === 0) break;
      after = rows.at(-1)?.id ?? after;

      const ids: string[] = [];
      const before: string[] = [];
      const sealed: string[] = [];
      for (const row of rows) {
        const binding = column.binding(row.id);
        let plaintext: string;
        try {
          plaintext = secrets.open({ ciphertext: row.ciphertext, keyId: row.key_id }, binding);
        } catch (error) {
          if (!(error instanceof SecretDecryptionError)) throw error;
          report.unreadable.push({ table: column.table, id: row.id });
          continue;
        }
        const next = secrets.seal(plaintext, binding);
        ids.push(row.id);
        before.push(row.ciphertext);
        sealed.push(next.ciphertext);
      }

      if (ids.length > 0) {
        // Written only where the ciphertext is still the one we read, so a password changed by the
        // service meanwhile is never overwritten with the old one. One statement per batch; the
        // data source's version is not bumped: its password did not change.
        const { rowCount } = await pool.query(
          `UPDATE ${column.table} AS t SET ${column.ciphertext} = n.sealed, ${column.keyId} = $1
             FROM unnest($2::uuid[], $3::text[], $4::text[]) AS n(id, before, sealed)
            WHERE t.id = n.id AND t.${column.ciphertext} = n.before`,
          [current, ids, before, sealed],
        );
        const written = rowCount ?? 0;
        report.reEncrypted += written;
        report.changedMeanwhile += ids.length - written;
      }
      options.onProgress?.({ reEncrypted: report.reEncrypted, total: report.total });
    }
    if (report.interrupted) break;
  }

  report.remaining = await countNotCurrent(pool, current);
  return report;
}
