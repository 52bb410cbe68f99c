import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { Config } from '../config.js';
import type { Logger } from '../lib/logger.js';

/**
 * AES-256-GCM for passwords at rest (PRODUCT.md §1). The associated data names the row the secret
 * belongs to, so a ciphertext copied to another row fails authentication instead of decrypting.
 * Stored form: base64(iv ‖ tag ‖ ciphertext), plus the id of the key that made it.
 */
export interface Sealed {
  ciphertext: string;
  keyId: string;
}

export interface SecretBox {
  /** The id of the key that seal() uses: rows with another key id are due for rotation. */
  readonly currentKeyId: string;
  seal(plaintext: string, boundTo: string): Sealed;
  open(sealed: Sealed, boundTo: string): string;
}

export class SecretDecryptionError extends Error {
  constructor() {
    super('the secret does not decrypt for this row (wrong key or not bound to it)');
    this.name = 'SecretDecryptionError';
  }
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A short fingerprint of the key, safe to store: it identifies a key without revealing it. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

export function parseKey(base64: string, name: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32)
    throw new Error(`${name}: expected 32 bytes encoded in base64, got ${key.length} bytes`);
  return key;
}

/** `current` encrypts; it and every `previous` key decrypt, so keys can be rotated without downtime. */
export function createSecretBox(current: Buffer, previous: readonly Buffer[] = []): SecretBox {
  const keys = new Map([current, ...previous].map((key) => [keyIdOf(key), key]));
  const currentId = keyIdOf(current);
  return {
    currentKeyId: currentId,
    seal(plaintext, boundTo) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(boundTo, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return {
        ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64'),
        keyId: currentId,
      };
    },
    open(sealed, boundTo) {
      const key = keys.get(sealed.keyId);
      const raw = Buffer.from(sealed.ciphertext, 'base64');
      if (!key || raw.length < IV_BYTES + TAG_BYTES) throw new SecretDecryptionError();
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
        decipher.setAAD(Buffer.from(boundTo, 'utf8'));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([
          decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        throw new SecretDecryptionError();
      }
    },
  };
}

/**
 * The key from SECRET_KEY; outside production without one, a key generated once into SECRET_KEY_FILE
 * (git-ignored) so that development restarts keep reading their data sources' passwords.
 */
export async function loadSecretBox(config: Config, logger: Logger): Promise<SecretBox> {
  const previous = config.previousSecretKeys.map((key, i) => parseKey(key, `SECRET_KEYS_PREVIOUS[${i}]`));
  if (config.secretKey) return createSecretBox(parseKey(config.secretKey, 'SECRET_KEY'), previous);
  if (config.env === 'production') throw new Error('SECRET_KEY is required in production');

  let encoded = await readFile(config.secretKeyFile, 'utf8').catch(() => undefined);
  if (encoded === undefined) {
    const fresh = randomBytes(32).toString('base64');
    // 'wx' fails if another process wrote the file first; then its key is the one to use.
    await writeFile(config.secretKeyFile, `${fresh}\n`, { mode: 0o600, flag: 'wx' }).catch(() => undefined);
    encoded = await readFile(config.secretKeyFile, 'utf8');
  }
  logger.warn(
    { file: config.secretKeyFile },
    'SECRET_KEY is not set: using the development key file. Set SECRET_KEY (32 bytes, base64) for real data.',
  );
  return createSecretBox(parseKey(encoded.trim(), config.secretKeyFile), previous);
}
