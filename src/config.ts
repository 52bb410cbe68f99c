import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/** Roles a token can carry (PRODUCT.md §5). */
export type Role = 'admin' | 'viewer';

/** Who a request acts as: the token's name (audit trail, rate limits) and its role. */
export interface Principal {
  readonly name: string;
  readonly role: Role;
}

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

const count = (defaultValue: number, max = 1_000_000) =>
  z.coerce.number().int().min(1).max(max).default(defaultValue);

/** A CIDR that ipaddr.js parses: the prefix fits the family (no 10.0.0.0/99), the address is valid. */
const cidr = z.string().refine((value) => {
  try {
    ipaddr.parseCIDR(value);
    return true;
  } catch {
    return false;
  }
}, 'expected CIDRs such as 10.0.0.0/8 or fd00::/8, with a prefix length that fits the address');

/** An OTLP/HTTP endpoint; the exporter itself reads it (and the other OTEL_EXPORTER_OTLP_* variables). */
const otlpEndpoint = z.url({ protocol: /^https?$/ }).optional();
/** The one OTLP protocol the service ships an exporter for. */
const otlpProtocol = z
  .literal('http/protobuf', { error: 'only http/protobuf is supported (the OTLP/HTTP protobuf exporter)' })
  .optional();

/** `host:port` (IPv6 literals in brackets), as Sentinel and Cluster seed lists are written. */
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?):(\d{1,5})$/;

/** One Redis server of a Sentinel or Cluster seed list. */
export interface RedisNode {
  readonly host: string;
  readonly port: number;
}

function parseNode(entry: string): RedisNode | undefined {
  const match = HOST_PORT.exec(entry);
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535) return undefined;
  return { host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port };
}

const nodes = list.pipe(
  z.array(
    z
      .string()
      .refine((entry) => parseNode(entry) !== undefined, 'expected host:port,… (IPv6 as [addr]:port)'),
  ),
);

/**
 * How the service reaches Redis: one server (REDIS_URL), a master found through Sentinel
 * (REDIS_SENTINELS, REDIS_SENTINEL_NAME), or a Redis Cluster (REDIS_CLUSTER_NODES).
 */
export type RedisConnection =
  | { readonly kind: 'standalone'; readonly url: string }
  | {
      readonly kind: 'sentinel';
      readonly sentinels: readonly RedisNode[];
      readonly name: string;
      /** The master's and replicas' password (REDIS_PASSWORD). */
      readonly password: string | undefined;
      readonly sentinelPassword: string | undefined;
    }
  | { readonly kind: 'cluster'; readonly nodes: readonly RedisNode[]; readonly password: string | undefined };

/** The variable that chose the connection, for messages that tell operators what to change. */
export const redisVariableOf = (connection: RedisConnection): string =>
  ({ standalone: 'REDIS_URL', sentinel: 'REDIS_SENTINELS', cluster: 'REDIS_CLUSTER_NODES' })[connection.kind];

const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** `name:role:token`, or the older `role:token` (named after its role). Tokens are ≥ 16 characters. */
function parseToken(entry: string): { name: string; role: Role; token: string } | undefined {
  const [first = '', second = '', ...rest] = entry.split(':');
  if (first === 'admin' || first === 'viewer') {
    const token = [second, ...rest].join(':');
    return /^\S{16,}$/.test(token) ? { name: first, role: first, token } : undefined;
  }
  const token = rest.join(':');
  if (!TOKEN_NAME.test(first) || (second !== 'admin' && second !== 'viewer')) return undefined;
  return /^\S{16,}$/.test(token) ? { name: first, role: second, token } : undefined;
}

/** An origin as browsers send it: scheme://host[:port], nothing else. */
const origin = z.string().refine((value) => {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}, 'expected origins such as https://console.example.com (scheme, host and port only)');

const environmentSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    // Unset: an embedded PostgreSQL under DATA_DIR (PRODUCT.md §4).
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    DATA_DIR: z.string().min(1).default('.data'),
    // Unset: queues on BullMQ's PostgreSQL backend and events over LISTEN/NOTIFY, in the metadata store.
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    // Or a master through Sentinel, or a Redis Cluster (mutually exclusive with REDIS_URL and each other).
    REDIS_SENTINELS: nodes,
    REDIS_SENTINEL_NAME: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'the master name as Sentinel knows it (letters, digits, _ . -)')
      .optional(),
    REDIS_SENTINEL_PASSWORD: z.string().optional(),
    REDIS_CLUSTER_NODES: nodes,
    REDIS_PASSWORD: z.string().optional(),
    QUEUE_TRANSPORT: z.enum(['redis', 'postgres']).optional(),
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_:{}-]+$/, 'letters, digits, _, :, - and a {hash tag} only')
      .default('dss'),
    SECRET_KEY: z
      .string()
      .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes encoded in base64')
      .optional(),
    SECRET_KEYS_PREVIOUS: list,
    SECRET_KEY_FILE: z.string().min(1).default('.secret-key'),
    API_TOKENS: list
      .pipe(
        z.array(
          z
            .string()
            .refine(
              (entry) => parseToken(entry) !== undefined,
              'each entry is name:role:token (or role:token), role admin or viewer, token ≥ 16 characters',
            ),
        ),
      )
      .refine((entries) => {
        const names = entries.map((entry) => parseToken(entry)?.name);
        return new Set(names).size === names.length;
      }, 'token names must be unique (the older role:token form is named after its role)'),
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
    /** Browser origins allowed to open a WebSocket besides the service's own (same-origin). */
    ALLOWED_ORIGINS: list.pipe(z.array(origin)),
    WS_MAX_SOCKETS: count(2_000),
    WS_MAX_SOCKETS_PER_TOKEN: count(200),
    WS_MAX_SUBSCRIPTIONS_PER_SOCKET: count(100),
    QUERY_MAX_ALIASES: count(15, 10_000),
    QUERY_MAX_DEPTH: count(10, 1_000),
    QUERY_MAX_TOKENS: count(2_000),
    QUERY_MAX_COST: count(10_000),
    RATE_LIMIT_MUTATIONS_PER_MINUTE: count(120),
    RATE_LIMIT_TESTS_PER_MINUTE: count(30),
    AUTH_FAILURE_LIMIT: count(5, 1_000),
    AUTH_FAILURE_WINDOW_SECONDS: count(900, 86_400),
    TARGET_MAX_CONCURRENT_TESTS: count(2, 1_000),
    TEST_RETENTION_DAYS: count(30, 3_650),
    TEST_RETENTION_PER_DATA_SOURCE: count(100, 100_000),
    OPS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    METRICS_TOKEN: z
      .string()
      .regex(/^\S{16,}$/, 'must be at least 16 characters, no spaces')
      .optional(),
    // Traces (OpenTelemetry's standard variables): off unless an exporter or an endpoint is named.
    OTEL_SDK_DISABLED: z.stringbool().default(false),
    OTEL_TRACES_EXPORTER: z.enum(['otlp', 'console', 'none']).optional(),
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpEndpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol,
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol,
    OTEL_SERVICE_NAME: z.string().min(1).max(255).default('data-source-service'),
    OTEL_TRACES_SAMPLER: z
      .enum([
        'always_on',
        'always_off',
        'traceidratio',
        'parentbased_always_on',
        'parentbased_always_off',
        'parentbased_traceidratio',
      ])
      .default('parentbased_always_on'),
    OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
  })
  .superRefine((env, ctx) => {
    const chosen = [
      env.REDIS_URL ? 'REDIS_URL' : undefined,
      env.REDIS_SENTINELS.length > 0 ? 'REDIS_SENTINELS' : undefined,
      env.REDIS_CLUSTER_NODES.length > 0 ? 'REDIS_CLUSTER_NODES' : undefined,
    ].filter((name) => name !== undefined);
    if (chosen.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [chosen[1]!],
        message: `set only one of ${chosen.join(', ')} (one Redis, reached one way)`,
      });
    }
    if (env.REDIS_SENTINELS.length > 0 && !env.REDIS_SENTINEL_NAME) {
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_SENTINEL_NAME'],
        message: 'is required with REDIS_SENTINELS (the master name, e.g. mymaster)',
      });
    }
    if (env.REDIS_SENTINEL_NAME && env.REDIS_SENTINELS.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_SENTINELS'],
        message: 'is required with REDIS_SENTINEL_NAME (host:port of each sentinel)',
      });
    }
    if (env.REDIS_PASSWORD && env.REDIS_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_PASSWORD'],
        message:
          'is for REDIS_SENTINELS or REDIS_CLUSTER_NODES; put it in REDIS_URL (redis://:password@host:port)',
      });
    }
    if (env.REDIS_SENTINEL_PASSWORD && env.REDIS_SENTINELS.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_SENTINEL_PASSWORD'],
        message: 'is for REDIS_SENTINELS only',
      });
    }
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
        message: 'is required in production (name:role:token,…)',
      });
    }
  });

/** Every environment variable the service reads (deployment manifests are checked against it). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(environmentSchema.shape);

export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly logLevel: string;
  readonly host: string;
  readonly port: number;
  /** The metadata store; undefined: an embedded PostgreSQL under `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** Where queues, events, rate limits and the target guard live: Redis, or the metadata store. */
  readonly queueTransport: 'redis' | 'postgres';
  /** Set when the transport is Redis. */
  readonly redis: RedisConnection | undefined;
  /**
   * Prefix of this deployment's Redis keys and channels. On a Cluster it is a hash tag (`{dss}`), so
   * that every key of a queue (and the target guard's multi-key scripts) lands in one slot.
   */
  readonly redisPrefix: string;
  readonly secretKey: string | undefined;
  readonly previousSecretKeys: readonly string[];
  readonly secretKeyFile: string;
  /** token → who it is. Empty: the API is open (development only). */
  readonly apiTokens: ReadonlyMap<string, Principal>;
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
  readonly allowedOrigins: readonly string[];
  readonly wsMaxSockets: number;
  readonly wsMaxSocketsPerToken: number;
  readonly wsMaxSubscriptionsPerSocket: number;
  /** GraphQL operation limits, on HTTP and WebSocket alike. */
  readonly queryLimits: {
    readonly aliases: number;
    readonly depth: number;
    readonly tokens: number;
    readonly cost: number;
  };
  /** Per token, per minute, shared by every API process. */
  readonly rateLimits: { readonly mutationsPerMinute: number; readonly testsPerMinute: number };
  /** AUTH_FAILED results per target account before tests of it fail fast, and the window. */
  readonly authFailureLimit: number;
  readonly authFailureWindowSeconds: number;
  /** Tests of one target (host:port) running at once, across every worker. */
  readonly targetMaxConcurrentTests: number;
  readonly testRetentionDays: number;
  readonly testRetentionPerDataSource: number;
  /** Serve /metrics, /healthz and /readyz on this port instead of the API's. */
  readonly opsPort: number | undefined;
  /** When set, /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. */
  readonly metricsToken: string | undefined;
  readonly tracing: TracingConfig;
}

/** OpenTelemetry traces (lib/tracing.ts). `exporter` undefined: off, and no SDK is loaded. */
export interface TracingConfig {
  readonly exporter: 'otlp' | 'console' | undefined;
  readonly serviceName: string;
  readonly sampler: { readonly name: string; readonly ratio: number };
}

export class ConfigError extends Error {}

/**
 * Traces are off by default (unlike the OpenTelemetry default of otlp): on with OTEL_TRACES_EXPORTER
 * otlp or console, or with an OTLP endpoint set; OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none
 * turns them off whatever else is set.
 */
function tracesExporter(e: z.infer<typeof environmentSchema>): TracingConfig['exporter'] {
  if (e.OTEL_SDK_DISABLED || e.OTEL_TRACES_EXPORTER === 'none') return undefined;
  if (e.OTEL_TRACES_EXPORTER) return e.OTEL_TRACES_EXPORTER;
  return e.OTEL_EXPORTER_OTLP_ENDPOINT || e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? 'otlp' : undefined;
}

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
    // One line, so that a failed start says everything in the one line operators read first.
    const problems = parsed.error.issues.map((issue) => `${String(issue.path[0] ?? '?')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const queueTransport = e.QUEUE_TRANSPORT ?? (redisChosen(e) ? 'redis' : 'postgres');
  return Object.freeze({
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    queueTransport,
    redis: queueTransport === 'redis' ? redisConnectionOf(e) : undefined,
    redisPrefix:
      e.REDIS_CLUSTER_NODES.length > 0 && !/\{[^}]+\}/.test(e.REDIS_PREFIX)
        ? `{${e.REDIS_PREFIX}}`
        : e.REDIS_PREFIX,
    secretKey: e.SECRET_KEY,
    previousSecretKeys: e.SECRET_KEYS_PREVIOUS,
    secretKeyFile: e.SECRET_KEY_FILE,
    apiTokens: new Map(
      e.API_TOKENS.map((entry) => {
        const { name, role, token } = parseToken(entry)!;
        return [token, Object.freeze({ name, role })];
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
    allowedOrigins: e.ALLOWED_ORIGINS,
    wsMaxSockets: e.WS_MAX_SOCKETS,
    wsMaxSocketsPerToken: e.WS_MAX_SOCKETS_PER_TOKEN,
    wsMaxSubscriptionsPerSocket: e.WS_MAX_SUBSCRIPTIONS_PER_SOCKET,
    queryLimits: Object.freeze({
      aliases: e.QUERY_MAX_ALIASES,
      depth: e.QUERY_MAX_DEPTH,
      tokens: e.QUERY_MAX_TOKENS,
      cost: e.QUERY_MAX_COST,
    }),
    rateLimits: Object.freeze({
      mutationsPerMinute: e.RATE_LIMIT_MUTATIONS_PER_MINUTE,
      testsPerMinute: e.RATE_LIMIT_TESTS_PER_MINUTE,
    }),
    authFailureLimit: e.AUTH_FAILURE_LIMIT,
    authFailureWindowSeconds: e.AUTH_FAILURE_WINDOW_SECONDS,
    targetMaxConcurrentTests: e.TARGET_MAX_CONCURRENT_TESTS,
    testRetentionDays: e.TEST_RETENTION_DAYS,
    testRetentionPerDataSource: e.TEST_RETENTION_PER_DATA_SOURCE,
    opsPort: e.OPS_PORT,
    metricsToken: e.METRICS_TOKEN,
    tracing: Object.freeze({
      exporter: tracesExporter(e),
      serviceName: e.OTEL_SERVICE_NAME,
      sampler: Object.freeze({ name: e.OTEL_TRACES_SAMPLER, ratio: e.OTEL_TRACES_SAMPLER_ARG }),
    }),
  });
}

type Environment = z.infer<typeof environmentSchema>;

const redisChosen = (e: Environment) =>
  Boolean(e.REDIS_URL) || e.REDIS_SENTINELS.length > 0 || e.REDIS_CLUSTER_NODES.length > 0;

function redisConnectionOf(e: Environment): RedisConnection {
  const parsedNodes = (entries: string[]) => entries.map((entry) => parseNode(entry)!);
  if (e.REDIS_SENTINELS.length > 0) {
    return {
      kind: 'sentinel',
      sentinels: parsedNodes(e.REDIS_SENTINELS),
      name: e.REDIS_SENTINEL_NAME ?? '',
      password: e.REDIS_PASSWORD,
      sentinelPassword: e.REDIS_SENTINEL_PASSWORD,
    };
  }
  if (e.REDIS_CLUSTER_NODES.length > 0) {
    return { kind: 'cluster', nodes: parsedNodes(e.REDIS_CLUSTER_NODES), password: e.REDIS_PASSWORD };
  }
  // QUEUE_TRANSPORT=redis without any of them means the Redis on this machine, as before.
  return { kind: 'standalone', url: e.REDIS_URL ?? 'redis://127.0.0.1:6379' };
}
