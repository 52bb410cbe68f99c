import { createHash, createHmac, pbkdf2, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

/** The primitives pg's SCRAM client (pg/lib/crypto/sasl.js) calls, looked up on this object at each login. */
interface ScramPrimitives {
  deriveKey(password: string, salt: Uint8Array, iterations: number): Promise<ArrayBuffer | Buffer>;
  hmacSha256(key: ArrayBuffer | Buffer, message: string): Promise<ArrayBuffer | Buffer>;
  sha256(data: ArrayBuffer | Buffer): Promise<ArrayBuffer | Buffer>;
}

/** How long, and how many, derived keys are kept. */
const KEPT_MS = 10 * 60_000;
const MAX_KEPT = 1_000;

const bytes = (data: ArrayBuffer | Buffer) => (Buffer.isBuffer(data) ? data : Buffer.from(data));

/**
 * SCRAM logins (scram-sha-256) made cheaper, with the same exchange and the same checks:
 *
 * - The salted password (PBKDF2 of the password with the server's salt, 4,096 rounds by default,
 *   0.7 ms of CPU) is kept for ten minutes, as RFC 5802 §3 allows a client to: "a client
 *   implementation MAY cache ClientKey&ServerKey (or just SaltedPassword) for later
 *   reauthentication to the same service". It depends only on the password, the salt and the rounds,
 *   so a changed password (or a role's new verifier, with its new salt) finds nothing kept. It lives
 *   in this process's memory only, under an HMAC of those three with a key of this process's own.
 * - The four HMACs and the hash of a login are computed at once instead of each on the thread pool
 *   (pg calls Web Crypto, whose every call is a job there).
 *
 * pg's own code still parses and checks the server's messages (its nonce, its rounds against
 * scramMaxIterations, its final signature); only these primitives are replaced.
 */
export function cacheScramKeys(): void {
  const primitives = createRequire(import.meta.url)('pg/lib/crypto/utils.js') as ScramPrimitives;
  // A pg that moved them would otherwise keep its own, and every login would silently cost more.
  for (const name of ['deriveKey', 'hmacSha256', 'sha256'] as const) {
    if (typeof primitives[name] !== 'function')
      throw new Error(`pg/lib/crypto/utils.js has no ${name}: src/postgresql/scram.ts needs updating`);
  }
  const secret = randomBytes(32);
  const kept = new Map<string, Promise<Buffer>>();

  primitives.deriveKey = (password, salt, iterations) => {
    const id = createHmac('sha256', secret)
      .update(`${iterations}\0${Buffer.from(salt).toString('base64')}\0${password}`)
      .digest('base64');
    const found = kept.get(id);
    if (found) return found;
    const key = new Promise<Buffer>((resolve, reject) =>
      pbkdf2(password, salt, iterations, 32, 'sha256', (error, derived) =>
        error ? reject(error) : resolve(derived),
      ),
    );
    const forget = () => {
      if (kept.get(id) === key) kept.delete(id);
    };
    key.catch(forget);
    setTimeout(forget, KEPT_MS).unref();
    kept.set(id, key);
    // Map order is insertion order: the oldest goes first.
    if (kept.size > MAX_KEPT) kept.delete(kept.keys().next().value!);
    return key;
  };
  primitives.hmacSha256 = (key, message) =>
    Promise.resolve(createHmac('sha256', bytes(key)).update(message).digest());
  primitives.sha256 = (data) => Promise.resolve(createHash('sha256').update(bytes(data)).digest());
}
