import { describe, expect, it } from 'vitest';
import type pg from 'pg';
import { SessionCache } from '../../src/heartbeat/sessions.js';
import { deferred } from '../support/unit.js';

// The heartbeat's session cache as a cache: fake clients (end() and on() are all it uses), so that
// what is asserted is which session is reused, opened or closed, not PostgreSQL.

class FakeClient {
  ended = 0;
  private readonly handlers = new Map<string, ((error: Error) => void)[]>();
  constructor(
    readonly name: string,
    private readonly endFails = false,
  ) {}
  on(event: string, handler: (error: Error) => void): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }
  end(): Promise<void> {
    this.ended += 1;
    return this.endFails ? Promise.reject(new Error('already closed')) : Promise.resolve();
  }
  fail(): void {
    for (const handler of this.handlers.get('error') ?? []) handler(new Error('terminating connection'));
  }
}

/** A cache and an opener that records every session it opens. */
function setup(max = 10, options: { endFails?: boolean } = {}) {
  const cache = new SessionCache(max);
  const opened: FakeClient[] = [];
  const open = (name: string) => () => {
    const client = new FakeClient(name, options.endFails);
    opened.push(client);
    // The cache's only contact with pg.Client is end() and on('error'), which the fake has.
    return Promise.resolve(client as unknown as pg.Client);
  };
  const get = async (id: string, version = 1, endpoint = 'PRIMARY') =>
    (await cache.get(id, version, endpoint, open(`${id}@${version}/${endpoint}`))) as unknown as FakeClient;
  return { cache, opened, get };
}

describe('SessionCache', () => {
  it('opens a session once and reuses it for the same data source, version and endpoint', async () => {
    const { opened, get } = setup();
    const first = await get('a');
    const again = await get('a');
    expect(again).toBe(first);
    expect(opened.map((client) => client.name)).toEqual(['a@1/PRIMARY']);
    expect(first.ended).toBe(0);
  });

  it('keeps one session per endpoint of a data source', async () => {
    const { opened, get } = setup();
    const primary = await get('a', 1, 'PRIMARY');
    const standby = await get('a', 1, 'STANDBY');
    expect(standby).not.toBe(primary);
    expect(await get('a', 1, 'STANDBY')).toBe(standby);
    expect(opened).toHaveLength(2);
  });

  it('closes every session of a data source and opens new ones when its version changes', async () => {
    const { opened, get } = setup();
    const primary = await get('a', 1, 'PRIMARY');
    const standby = await get('a', 1, 'STANDBY');
    const renewed = await get('a', 2, 'PRIMARY');
    expect(renewed).not.toBe(primary);
    expect([primary.ended, standby.ended]).toEqual([1, 1]);
    expect(opened.map((client) => client.name)).toEqual(['a@1/PRIMARY', 'a@1/STANDBY', 'a@2/PRIMARY']);
  });

  it('closes the least recently used data source when over its size', async () => {
    const { get } = setup(2);
    const a = await get('a');
    const b = await get('b');
    const c = await get('c');
    expect([a.ended, b.ended, c.ended]).toEqual([1, 0, 0]);
  });

  it('counts a reuse as a use: the one used longest ago goes', async () => {
    const { get } = setup(2);
    const a = await get('a');
    const b = await get('b');
    await get('a'); // a is now the most recently used
    await get('c');
    expect([a.ended, b.ended]).toEqual([0, 1]);
  });

  it('opens a new session for a data source it closed to make room', async () => {
    const { opened, get } = setup(1);
    const first = await get('a');
    await get('b');
    const reopened = await get('a');
    expect(reopened).not.toBe(first);
    expect(opened.map((client) => client.name)).toEqual(['a@1/PRIMARY', 'b@1/PRIMARY', 'a@1/PRIMARY']);
  });

  it('drops every session of a data source when one of them errors, and reopens on next use', async () => {
    const { get } = setup();
    const primary = await get('a', 1, 'PRIMARY');
    const standby = await get('a', 1, 'STANDBY');
    const other = await get('b');
    primary.fail();
    expect([primary.ended, standby.ended, other.ended]).toEqual([1, 1, 0]);
    const reopened = await get('a', 1, 'PRIMARY');
    expect(reopened).not.toBe(primary);
    expect(await get('b')).toBe(other);
  });

  it('drop closes a data source’s sessions; dropping an unknown one does nothing', async () => {
    const { cache, get } = setup();
    const a = await get('a');
    cache.drop('a');
    cache.drop('a');
    cache.drop('never-seen');
    expect(a.ended).toBe(1);
    expect(await get('a')).not.toBe(a);
  });

  it('closeAll closes every session, and the cache starts empty afterwards', async () => {
    const { cache, opened, get } = setup();
    await get('a', 1, 'PRIMARY');
    await get('a', 1, 'STANDBY');
    await get('b');
    await cache.closeAll();
    expect(opened.map((client) => client.ended)).toEqual([1, 1, 1]);
    await get('a');
    expect(opened).toHaveLength(4);
  });

  it('ignores sessions that fail to close (they are gone either way)', async () => {
    const { cache, opened, get } = setup(1, { endFails: true });
    await get('a');
    await get('b'); // evicts a, whose end() rejects: no unhandled rejection
    cache.drop('b');
    await get('c');
    await expect(cache.closeAll()).resolves.toBeUndefined();
    expect(opened.map((client) => client.ended)).toEqual([1, 1, 1]);
  });

  it('caches nothing when a session cannot be opened, and tries again on next use', async () => {
    const cache = new SessionCache(10);
    const refused = new Error('connection refused');
    await expect(cache.get('a', 1, 'PRIMARY', () => Promise.reject(refused))).rejects.toBe(refused);
    const client = new FakeClient('a');
    const got = await cache.get('a', 1, 'PRIMARY', () => Promise.resolve(client as unknown as pg.Client));
    expect(got).toBe(client);
  });

  it('ignores an error of a session it already replaced', async () => {
    const { get } = setup();
    const old = await get('a', 1);
    const current = await get('a', 2);
    old.fail(); // e.g. the server ends the old backend after our end()
    expect(current.ended).toBe(0);
    expect(await get('a', 2)).toBe(current);
  });

  it('closes, by closeAll at the latest, a session that was still opening when evicted', async () => {
    const cache = new SessionCache(1);
    const slow = new FakeClient('a');
    const opening = deferred<pg.Client>();
    const pending = cache.get('a', 1, 'PRIMARY', () => opening.promise);
    await cache.get('b', 1, 'PRIMARY', () => Promise.resolve(new FakeClient('b') as unknown as pg.Client));
    opening.resolve(slow as unknown as pg.Client);
    await pending;
    await cache.closeAll();
    expect(slow.ended).toBe(1);
  });
});
