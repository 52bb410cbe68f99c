import { afterAll, beforeAll, describe, it } from 'vitest';
import { CHECK_NAMES } from '../../src/connection-tests/model.js';
import { check, draftFor, followTest, onTarget, runDraft } from '../support/connection-tests.js';
import { CREATE_DATA_SOURCE, dataSourceInput } from '../support/factories.js';
import { nextValue, startHarness, type Harness } from '../support/harness.js';
import { binariesOf, MAJORS, MAJORS_PLATFORM, type Major } from '../support/pg-majors.js';
import { MD5_ROLE, startServerOf, type ServerOf } from '../support/pg-targets.js';

// Every check and the heartbeat against each PostgreSQL major users run (10 to 18), each a server of
// its own started from that major's binaries (test/support/pg-majors.ts): a connection test through
// the service, beats written into drc.heartbeat, and on one old and one new major a standby whose
// replication lag the heartbeat reads.

const PLATFORM = `${process.platform}-${process.arch}`;
const notHere =
  PLATFORM === MAJORS_PLATFORM
    ? undefined
    : `versions.test.ts not run: the binaries of PostgreSQL 10 to 17 are installed for ${MAJORS_PLATFORM} only, not ${PLATFORM}.`;
if (notHere) {
  if (process.env.CI) throw new Error(`${notHere} CI must run it.`);
  console.log(notHere);
}

/** The majors tested with a standby too: the oldest and the newest. */
const WITH_STANDBY: readonly Major[] = [10, 18];

describe.skipIf(notHere)('PostgreSQL 10 to 18', () => {
  const servers = new Map<Major, ServerOf>();
  const stops: (() => Promise<void>)[] = [];
  let h: Harness | undefined;

  beforeAll(async () => {
    // All at once: the servers (initdb dominates), and the service beside them.
    const started = await Promise.allSettled([
      ...MAJORS.map(async (major) => {
        const { server, stop } = await startServerOf(await binariesOf(major), {
          standby: WITH_STANDBY.includes(major),
        });
        stops.push(stop);
        servers.set(major, server);
      }),
      startHarness({ role: 'all', env: { HEARTBEAT_INTERVAL_SECONDS: '1' } }).then((harness) => {
        h = harness;
      }),
    ]);
    const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
    await Promise.all(stops.map((stop) => stop()));
  });

  const harness = () => {
    if (!h) throw new Error('the service did not start');
    return h;
  };
  const serverOf = (major: Major) => {
    const server = servers.get(major);
    if (!server) throw new Error(`PostgreSQL ${major} did not start`);
    return server;
  };

  it.concurrent.for([...MAJORS])(
    'PostgreSQL %i: every check passes, and the heartbeat beats',
    { timeout: 60_000 },
    // Concurrent tests assert with their own `expect`.
    async (major, { expect }) => {
      const { primary, standby } = serverOf(major);
      const service = harness();
      const events = await service.subscribe<{
        dataSourceEvents: {
          kind: string;
          dataSourceId: string;
          dataSource: { heartbeat: { state: string } };
        };
      }>(`subscription { dataSourceEvents { kind dataSourceId dataSource { heartbeat { state } } } }`);
      const created = await service.gql<{
        createDataSource: { dataSource: { id: string }; test: { id: string } };
      }>(CREATE_DATA_SOURCE, {
        input: dataSourceInput({
          ...draftFor(primary, { sslMode: 'REQUIRE' }),
          schemaName: 'sales',
          heartbeatEnabled: true,
          ...(standby ? { databaseAttribute: 'PRIMARY_STANDBY', standby } : {}),
        }),
      });
      if (!created.data) throw new Error(JSON.stringify(created.errors));
      const { dataSource, test } = created.data.createDataSource;

      const { final } = await followTest(service, test.id);
      const endpoints = standby ? (['PRIMARY', 'STANDBY'] as const) : (['PRIMARY'] as const);
      for (const endpoint of endpoints) {
        const statuses = Object.fromEntries(
          CHECK_NAMES.map((name) => [name, check(final, name, endpoint).status]),
        );
        // The standby endpoint has no incremental reading or heartbeat of its own.
        const primaryOnly = endpoint === 'STANDBY' ? 'SKIPPED' : 'PASSED';
        expect({ endpoint, statuses }).toEqual({
          endpoint,
          statuses: {
            RESOLVE: 'PASSED',
            CONNECT: 'PASSED',
            TLS: 'PASSED',
            AUTHENTICATE: 'PASSED',
            SERVER: 'PASSED',
            SCHEMA: 'PASSED',
            READ_PRIVILEGES: 'PASSED',
            INCREMENTAL: primaryOnly,
            HEARTBEAT: primaryOnly,
          },
        });
      }
      expect(final).toMatchObject({ status: 'PASSED', errorCode: null });
      expect(final.server).toMatchObject({ inRecovery: false, walLevel: 'logical' });
      expect(final.server?.version).toMatch(new RegExp(`^${major}\\.`));
      expect(Math.floor((final.server?.versionNum ?? 0) / 10_000)).toBe(major);
      if (standby) {
        expect(final.standbyServer).toMatchObject({ inRecovery: true });
        expect(Math.floor((final.standbyServer?.versionNum ?? 0) / 10_000)).toBe(major);
      }

      // The heartbeat: ACTIVE once installed, then beats move drc.heartbeat's ts on this major.
      for (;;) {
        const event = (await nextValue(events, `heartbeat ACTIVE on PostgreSQL ${major}`, 20_000)).data
          ?.dataSourceEvents;
        if (
          event?.dataSourceId === dataSource.id &&
          event.kind === 'HEARTBEAT_CHANGED' &&
          event.dataSource.heartbeat.state === 'ACTIVE'
        )
          break;
      }
      await events.return?.();
      const beat = async () =>
        (await onTarget<{ ts: Date }>('appdb', 'SELECT ts FROM drc.heartbeat WHERE id = 1', [], primary))[0]
          ?.ts;
      const first = await beat();
      expect(first).toBeInstanceOf(Date);
      // A beat publishes no event (only state changes do): read the row until it moves.
      await expect
        .poll(async () => (await beat())?.getTime(), { timeout: 5_000 })
        .toBeGreaterThan(first!.getTime());

      if (standby) {
        // The lag is read on the standby after each beat, and updates no state either.
        const lag = async () => {
          const result = await service.gql<{
            dataSource: { heartbeat: { replicationLagSeconds: number | null } };
          }>(`query($id: ID) { dataSource(id: $id) { heartbeat { replicationLagSeconds } } }`, {
            id: dataSource.id,
          });
          return result.data?.dataSource.heartbeat.replicationLagSeconds ?? null;
        };
        await expect.poll(lag, { timeout: 5_000 }).not.toBeNull();
        const seconds = (await lag())!;
        expect(seconds).toBeGreaterThanOrEqual(0);
        expect(seconds).toBeLessThan(60);
      }
    },
  );

  it.concurrent.for([...MAJORS])(
    'PostgreSQL %i: an MD5 password over plain TCP, no schema, no REPLICATION: warnings',
    { timeout: 30_000 },
    async (major, { expect }) => {
      // How 10 to 13 store passwords by default; without a schema, SCHEMA lists the readable ones.
      const final = await runDraft(
        harness(),
        draftFor(serverOf(major).primary, { username: MD5_ROLE, sslMode: 'DISABLE' }),
      );
      expect(final).toMatchObject({ status: 'PASSED', errorCode: null });
      expect(check(final, 'TLS')).toMatchObject({ status: 'SKIPPED' });
      expect(check(final, 'AUTHENTICATE')).toMatchObject({ status: 'WARNING', code: 'MD5_AUTH_WITHOUT_TLS' });
      expect(check(final, 'INCREMENTAL')).toMatchObject({
        status: 'WARNING',
        code: 'REPLICATION_NOT_PERMITTED',
      });
      expect(check(final, 'HEARTBEAT')).toMatchObject({ status: 'SKIPPED' });
      for (const name of ['RESOLVE', 'CONNECT', 'SERVER', 'SCHEMA', 'READ_PRIVILEGES'] as const)
        expect(check(final, name).status, name).toBe('PASSED');
      expect(final.server?.readableSchemas).toEqual(['public', 'sales']);
      expect(Math.floor((final.server?.versionNum ?? 0) / 10_000)).toBe(major);
    },
  );
});
