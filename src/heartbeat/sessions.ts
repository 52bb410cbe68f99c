import type pg from 'pg';

interface Entry {
  /** The data source's version the sessions were opened for: any change opens new ones. */
  version: number;
  clients: Map<string, pg.Client>;
}

/**
 * Sessions to data sources, kept between beats and reused, at most `max` data sources per worker; the
 * least recently used is closed first. A session that errors is dropped and reopened on next use.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private closed = false;

  constructor(private readonly max: number) {}

  async get(
    dataSourceId: string,
    version: number,
    endpoint: string,
    open: () => Promise<pg.Client>,
  ): Promise<pg.Client> {
    let entry = this.entries.get(dataSourceId);
    if (entry && entry.version !== version) {
      this.drop(dataSourceId);
      entry = undefined;
    }
    if (entry) {
      // Map order is insertion order: re-inserting marks it most recently used.
      this.entries.delete(dataSourceId);
      this.entries.set(dataSourceId, entry);
    } else {
      entry = { version, clients: new Map() };
      this.entries.set(dataSourceId, entry);
      this.evict();
    }
    const existing = entry.clients.get(endpoint);
    if (existing) return existing;
    const client = await open();
    const current = this.entries.get(dataSourceId);
    if (current !== entry) {
      // While it opened, the cache let go of its entry: closed, or a newer version took over, so
      // nothing would ever close it; evicted, it comes back as the most recently used.
      if (this.closed || (current && current.version !== version)) {
        void client.end().catch(() => undefined);
        throw new Error('the heartbeat session was superseded while it opened');
      }
      this.entries.delete(dataSourceId);
      this.entries.set(dataSourceId, entry);
      this.evict();
    }
    // Only an error of a session the entry still holds drops it: a replaced one's is late news.
    client.on('error', () => {
      if (this.entries.get(dataSourceId)?.clients.get(endpoint) === client) this.drop(dataSourceId);
    });
    entry.clients.set(endpoint, client);
    return client;
  }

  drop(dataSourceId: string): void {
    const entry = this.entries.get(dataSourceId);
    if (!entry) return;
    this.entries.delete(dataSourceId);
    for (const client of entry.clients.values()) void client.end().catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    const clients = [...this.entries.values()].flatMap((entry) => [...entry.clients.values()]);
    this.entries.clear();
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  }

  private evict(): void {
    while (this.entries.size > this.max) {
      const [oldest] = this.entries.keys();
      if (oldest === undefined) return;
      this.drop(oldest);
    }
  }
}
