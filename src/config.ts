import { z } from 'zod';

/** Roles a token can carry (PRODUCT.md §5). */
export type Role = 'admin' | 'viewer';

const list = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

const milliseconds = (defaultValue: number) =>
  z.coerce.number().int().min(1).max(3_600_000).default(defaultValue);

const cidr = z.string().regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, 'expected a CIDR such as 10.0.0.0/8 or fd00::/8');

const environmentSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    DATABASE_URL: z
      .url({ protocol: /^postgres(ql)?$/ })
      .default('postgres://postgres@127.0.0.1:5432/data_sources'),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_:-]+$/, 'letters, digits, _, : and - only')
      .default('dss'),
    SECRET_KEY: z
      .string()
      .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes encoded in base64')
      .optional(),
    SECRET_KEYS_PREVIOUS: list,
    SECRET_KEY_FILE: z.string().min(1).default('.secret-key'),
    API_TOKENS: list.pipe(
      z.array(
        z
          .string()
          .regex(
            /^(admin|viewer):\S{16,}$/,
            'each entry is role:token, role admin or viewer, token ≥ 16 characters',
          ),
      ),
    ),
    REGIONS: list.pipe(
      z.array(
        z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'region names are letters, digits, _, . and -'),
      ),
    ),
    HEARTBEAT_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
    CONNECT_TIMEOUT_MS: milliseconds(10_000),
    QUERY_TIMEOUT_MS: milliseconds(5_000),
    TEST_TIMEOUT_MS: milliseconds(30_000),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
    HEARTBEAT_MAX_SESSIONS: z.coerce.number().int().min(1).max(10_000).default(100),
    JOB_LOCK_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
    SHUTDOWN_TIMEOUT_MS: milliseconds(10_000),
    TARGET_ALLOW_CIDRS: list.pipe(z.array(cidr)),
    TARGET_DENY_CIDRS: list.pipe(z.array(cidr)),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    if (!env.SECRET_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['SECRET_KEY'],
        message: 'is required in production (32 bytes, base64)',
      });
    }
    if (env.API_TOKENS.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['API_TOKENS'],
        message: 'is required in production (role:token,…)',
      });
    }
  });

export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly logLevel: string;
  readonly host: string;
  readonly port: number;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly redisPrefix: string;
  readonly secretKey: string | undefined;
  readonly previousSecretKeys: readonly string[];
  readonly secretKeyFile: string;
  readonly apiTokens: ReadonlyMap<string, Role>;
  readonly regions: readonly string[];
  readonly heartbeatIntervalSeconds: number;
  /** Data sources whose heartbeat connections one worker keeps open. */
  readonly heartbeatMaxSessions: number;
  readonly connectTimeoutMs: number;
  readonly queryTimeoutMs: number;
  readonly testTimeoutMs: number;
  readonly workerConcurrency: number;
  /** How long a worker's hold on a job lasts without renewal: a crashed worker's job is re-run after it. */
  readonly jobLockMs: number;
  readonly shutdownTimeoutMs: number;
  readonly targetAllowCidrs: readonly string[];
  readonly targetDenyCidrs: readonly string[];
}

export class ConfigError extends Error {}

/**
 * The only reader of the environment. Every problem is reported at once, each naming its variable,
 * so that one failed start tells the operator everything to fix.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable (FOO=) means "not set", as in most twelve-factor tooling.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${String(issue.path[0] ?? '?')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return Object.freeze({
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    secretKey: e.SECRET_KEY,
    previousSecretKeys: e.SECRET_KEYS_PREVIOUS,
    secretKeyFile: e.SECRET_KEY_FILE,
    apiTokens: new Map(
      e.API_TOKENS.map((entry) => {
        const [role, ...token] = entry.split(':');
        return [token.join(':'), role as Role];
      }),
    ),
    regions: [...new Set(e.REGIONS)],
    heartbeatIntervalSeconds: e.HEARTBEAT_INTERVAL_SECONDS,
    heartbeatMaxSessions: e.HEARTBEAT_MAX_SESSIONS,
    connectTimeoutMs: e.CONNECT_TIMEOUT_MS,
    queryTimeoutMs: e.QUERY_TIMEOUT_MS,
    testTimeoutMs: e.TEST_TIMEOUT_MS,
    workerConcurrency: e.WORKER_CONCURRENCY,
    jobLockMs: e.JOB_LOCK_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    targetAllowCidrs: e.TARGET_ALLOW_CIDRS,
    targetDenyCidrs: e.TARGET_DENY_CIDRS,
  });
}
