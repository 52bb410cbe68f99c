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
    client.on('error', () => this.drop(dataSourceId));
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
