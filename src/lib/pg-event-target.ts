import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from './logger.js';

/** What the event bus (pubsub.ts) needs of a transport: an EventTarget, plus readiness and shutdown. */
export interface BusTarget extends EventTarget {
  /** Resolves once every subscription started so far is in effect (nothing published after is missed). */
  ready(): Promise<void>;
  /** Resolves once every event dispatched so far has reached the transport (never rejects). */
  sent(): Promise<void>;
  close(): Promise<void>;
}

type Listener = ((event: Event) => void) | { handleEvent(event: Event): void };

/** NOTIFY carries at most 8,000 bytes; a larger event goes through event_payloads, by id. */
const MAX_NOTIFY_BYTES = 7_900;
const CHANNEL = 'data_source_events';

interface Notification {
  /** The bus channel (topic and id). */
  c: string;
  /** The event, or `r`: the id of its row in event_payloads. */
  d?: unknown;
  r?: string;
}

/**
 * Events between processes over PostgreSQL LISTEN/NOTIFY, for deployments without Redis: every process
 * LISTENs on one channel of the metadata store and hands each notification to its local listeners of
 * that bus channel, in the order they were sent. An event too large for NOTIFY is stored in
 * event_payloads and announced by id (the retention job deletes old ones).
 */
export function createPostgresEventTarget(options: {
  databaseUrl: string;
  pool: pg.Pool;
  logger: Logger;
}): BusTarget & { listening(): boolean } {
  const { pool, logger } = options;
  const listeners = new Map<string, Set<Listener>>();
  let client: pg.Client | undefined;
  let closed = false;
  let failures = 0;
  // Notifications are handled one after another, also when one has to be fetched first.
  let delivering: Promise<void> = Promise.resolve();

  const deliver = async (notification: Notification) => {
    let detail = notification.d;
    if (notification.r !== undefined) {
      const { rows } = await pool.query<{ payload: string }>(
        'SELECT payload FROM event_payloads WHERE id = $1',
        [notification.r],
      );
      if (!rows[0]) return; // already deleted: too old to matter
      detail = JSON.parse(rows[0].payload) as unknown;
    }
    const event = new CustomEvent(notification.c, { detail });
    for (const listener of listeners.get(notification.c) ?? []) {
      if (typeof listener === 'function') listener(event);
      else listener.handleEvent(event);
    }
  };

  const listen = async (): Promise<void> => {
    const next = new pg.Client({
      connectionString: options.databaseUrl,
      application_name: 'data-source-service events',
    });
    next.on('notification', (message) => {
      if (message.channel !== CHANNEL || message.payload === undefined) return;
      const notification = JSON.parse(message.payload) as Notification;
      delivering = delivering
        .then(() => deliver(notification))
        .catch((error: unknown) => logger.warn({ err: error }, 'event not delivered'));
    });
    next.on('error', () => undefined);
    next.on('end', () => {
      if (closed || client !== next) return;
      client = undefined;
      reconnect();
    });
    await next.connect();
    await next.query(`LISTEN ${CHANNEL}`);
    if (closed) {
      await next.end();
      return;
    }
    client = next;
    if (failures > 0) logger.info('event listener reconnected');
    failures = 0;
  };
  // Events sent while the listener reconnects are lost, as with Redis pub/sub; it retries with a bounded backoff.
  const reconnect = () => {
    failures += 1;
    if (failures === 1) logger.warn('event listener lost its connection to the metadata store: reconnecting');
    connecting = new Promise((resolve) => setTimeout(resolve, Math.min(failures * 200, 2_000)).unref())
      .then(listen)
      .catch(() => {
        if (!closed) reconnect();
      });
  };
  let connecting: Promise<void> = listen();
  let publishing: Promise<unknown> = Promise.resolve();

  const target: BusTarget & { listening(): boolean } = {
    addEventListener(type: string, listener: Listener | null) {
      if (!listener) return;
      let set = listeners.get(type);
      if (!set) listeners.set(type, (set = new Set()));
      set.add(listener);
    },
    removeEventListener(type: string, listener: Listener | null) {
      if (!listener) return;
      const set = listeners.get(type);
      set?.delete(listener);
      if (set?.size === 0) listeners.delete(type);
    },
    // Publishing never throws into the caller: the change it announces has already committed.
    dispatchEvent(event: Event) {
      const c = event.type;
      const text = JSON.stringify({ c, d: (event as CustomEvent).detail as unknown });
      const publish = () =>
        Buffer.byteLength(text) <= MAX_NOTIFY_BYTES
          ? pool.query('SELECT pg_notify($1, $2)', [CHANNEL, text])
          : pool.query(
              `WITH stored AS (INSERT INTO event_payloads (id, payload) VALUES ($2, $3) RETURNING id)
               SELECT pg_notify($1, json_build_object('c', $4::text, 'r', (SELECT id FROM stored))::text)`,
              [CHANNEL, randomUUID(), JSON.stringify((event as CustomEvent).detail), c],
            );
      // One at a time, in call order: notifications sent at once on different pooled connections reach
      // listeners in commit order, which is not the order they were sent in.
      publishing = publishing
        .then(publish)
        .catch((error: unknown) => logger.warn({ topic: c, err: error }, 'event not published'));
      return true;
    },
    // LISTEN covers every channel of the bus: once it is in effect, so is every subscription.
    ready: () => connecting,
    sent: () => publishing.then(() => undefined),
    /** Whether the LISTEN session is up now (false while it reconnects: events sent then are lost). */
    listening: () => client !== undefined,
    async close() {
      closed = true;
      await publishing;
      await connecting.catch(() => undefined);
      await client?.end().catch(() => undefined);
      client = undefined;
      listeners.clear();
    },
  };
  return target;
}

/** Stored payloads are fetched within moments of their notification; older ones are no use to anyone. */
export async function purgeEventPayloads(db: { execute(query: string): Promise<unknown> }): Promise<void> {
  await db.execute("DELETE FROM event_payloads WHERE created_at < now() - interval '1 minute'");
}
