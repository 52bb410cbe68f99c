import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  buildEgressPolicy,
  createEgressPolicy,
  endpointOf,
  ownEndpointsOf,
  type EgressRules,
} from '../../src/postgresql/egress.js';
import { createLogger } from '../../src/lib/logger.js';

// The egress policy of PRODUCT.md §2 as pure logic: no network, milliseconds.

const policy = (rules: Partial<EgressRules> = {}) =>
  buildEgressPolicy({ production: false, allowCidrs: [], denyCidrs: [], ownEndpoints: [], ...rules });
const development = policy();
const production = policy({ production: true });
const PORT = 5432;

describe('always denied, in development and production alike', () => {
  it.each([
    // [range, addresses inside it: first, a middle one, last]
    ['169.254.0.0/16 (link-local, metadata)', ['169.254.0.0', '169.254.169.254', '169.254.255.255']],
    ['fe80::/10 (link-local)', ['fe80::', 'fe80::1', 'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff']],
    ['100.100.100.200 (Alibaba metadata)', ['100.100.100.200']],
    ['168.63.129.16 (Azure wire server)', ['168.63.129.16']],
    ['192.0.0.192 (Oracle metadata)', ['192.0.0.192']],
    ['fd00:ec2::254 (AWS metadata over IPv6)', ['fd00:ec2::254', 'fd00:0ec2:0000:0000:0000:0000:0000:0254']],
    ['0.0.0.0/8 (unspecified)', ['0.0.0.0', '0.1.2.3', '0.255.255.255']],
    [':: (unspecified)', ['::', '0:0:0:0:0:0:0:0']],
    ['224.0.0.0/4 (multicast)', ['224.0.0.0', '224.0.0.1', '239.255.255.255']],
    ['ff00::/8 (multicast)', ['ff00::', 'ff02::1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']],
    ['255.255.255.255 (broadcast)', ['255.255.255.255']],
  ])('%s', (_range, addresses) => {
    for (const address of addresses) {
      expect(development.allows(address, PORT), `${address} in development`).toBe(false);
      expect(production.allows(address, PORT), `${address} in production`).toBe(false);
    }
  });

  it('stops at the edges of each range', () => {
    for (const address of [
      '169.253.255.255',
      '169.255.0.0',
      'fec0::1',
      '100.100.100.201',
      '168.63.129.17',
      '192.0.0.193',
      'fd00:ec2::253',
      '1.0.0.0',
      '::2:0:0', // outside ::/96, so it carries no IPv4 address
      '223.255.255.255',
      '240.0.0.1',
      'fe00::1',
    ]) {
      expect(development.allows(address, PORT), address).toBe(true);
    }
  });

  it('refuses what is not an IP address at all', () => {
    for (const address of ['', 'db.example', '1.2.3.4.5', '::g', '10.0.0.0/8']) {
      expect(development.allows(address, PORT), address).toBe(false);
    }
  });
});

describe('IPv6 forms that carry an IPv4 address are judged as that address', () => {
  it.each([
    ['IPv4-mapped, dotted', '::ffff:169.254.169.254'],
    ['IPv4-mapped, hex', '::ffff:a9fe:a9fe'],
    ['IPv4-mapped, written out', '0:0:0:0:0:ffff:a9fe:a9fe'],
    ['IPv4-translated (RFC 6145)', '::ffff:0:a9fe:a9fe'],
    ['IPv4-compatible, dotted', '::169.254.169.254'],
    ['IPv4-compatible, hex', '::a9fe:a9fe'],
    ['NAT64 64:ff9b::/96, hex', '64:ff9b::a9fe:a9fe'],
    ['NAT64 64:ff9b::/96, dotted', '64:ff9b::169.254.169.254'],
    ['6to4 2002::/16', '2002:a9fe:a9fe::1'],
  ])('%s of 169.254.169.254 is denied', (_form, address) => {
    expect(development.allows(address, PORT)).toBe(false);
    expect(production.allows(address, PORT)).toBe(false);
  });

  it.each([
    ['::ffff:100.100.100.200', 'Alibaba metadata'],
    ['64:ff9b::a83f:8110', 'Azure wire server (168.63.129.16)'],
    ['2002:c000:00c0::', 'Oracle metadata (192.0.0.192)'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::ffff:e000:1', 'multicast (224.0.0.1)'],
    ['::ffff:255.255.255.255', 'broadcast'],
  ])('%s (%s) is denied', (address) => {
    expect(development.allows(address, PORT)).toBe(false);
  });

  it.each(['::ffff:127.0.0.1', '::ffff:7f00:1', '::127.0.0.2', '64:ff9b::7f00:1', '2002:7f00:1::1'])(
    '%s is loopback: allowed in development, denied in production',
    (address) => {
      expect(development.allows(address, PORT)).toBe(true);
      expect(production.allows(address, PORT)).toBe(false);
    },
  );

  it('lets embedded private and public addresses through, as their IPv4 form would be', () => {
    for (const address of ['::ffff:10.1.2.3', '64:ff9b::c0a8:101', '2002:0808:0808::1', '::ffff:8.8.8.8']) {
      expect(production.allows(address, PORT), address).toBe(true);
    }
  });

  it('matches operator CIDRs against the carried IPv4 address too', () => {
    const narrowed = policy({ allowCidrs: ['10.0.0.0/8'], denyCidrs: ['10.9.0.0/16'] });
    expect(narrowed.allows('::ffff:10.1.2.3', PORT)).toBe(true);
    expect(narrowed.allows('::ffff:10.9.0.1', PORT)).toBe(false);
    expect(narrowed.allows('64:ff9b::a09:1', PORT)).toBe(false);
  });
});

describe('loopback', () => {
  it.each(['127.0.0.1', '127.255.255.254', '::1', '0:0:0:0:0:0:0:1'])(
    '%s is allowed in development and denied in production',
    (address) => {
      expect(development.allows(address, PORT)).toBe(true);
      expect(production.allows(address, PORT)).toBe(false);
    },
  );
});

describe('private and public ranges stay allowed by default', () => {
  it.each(['10.0.0.1', '172.16.5.4', '192.168.1.10', '100.64.0.1', 'fd12:3456::1', '8.8.8.8', '2001:db8::1'])(
    '%s',
    (address) => {
      expect(development.allows(address, PORT)).toBe(true);
      expect(production.allows(address, PORT)).toBe(true);
    },
  );
});

describe('TARGET_ALLOW_CIDRS', () => {
  it('overrides the always-denied ranges for the addresses it names', () => {
    const linkLocalDb = policy({ production: true, allowCidrs: ['169.254.10.0/24'] });
    expect(linkLocalDb.allows('169.254.10.5', PORT)).toBe(true);
    expect(linkLocalDb.allows('::ffff:169.254.10.5', PORT)).toBe(true);
    // Only what it names: the metadata address next door stays denied.
    expect(linkLocalDb.allows('169.254.169.254', PORT)).toBe(false);
  });

  it('overrides the production loopback rule', () => {
    const allowed = policy({ production: true, allowCidrs: ['127.0.0.1/32'] });
    expect(allowed.allows('127.0.0.1', PORT)).toBe(true);
    expect(allowed.allows('::ffff:127.0.0.1', PORT)).toBe(true);
    expect(allowed.allows('127.0.0.2', PORT)).toBe(false);
    expect(allowed.allows('::', PORT)).toBe(false);
  });

  it('also matches the IPv6 form as written (a NAT64 gateway the operator trusts)', () => {
    const nat64 = policy({ allowCidrs: ['64:ff9b::/96'] });
    expect(nat64.allows('64:ff9b::a00:1', PORT)).toBe(true);
    expect(nat64.allows('10.0.0.1', PORT)).toBe(false);
  });

  it('narrows: when set, only addresses inside it are allowed', () => {
    const narrowed = policy({ allowCidrs: ['10.0.0.0/8', 'fd00:1::/32'] });
    expect(narrowed.allows('10.200.0.1', PORT)).toBe(true);
    expect(narrowed.allows('fd00:1::5', PORT)).toBe(true);
    expect(narrowed.allows('192.168.1.1', PORT)).toBe(false);
    expect(narrowed.allows('127.0.0.1', PORT)).toBe(false);
    expect(narrowed.allows('fd00:2::5', PORT)).toBe(false);
  });
});

describe('TARGET_DENY_CIDRS', () => {
  it('denies in every environment', () => {
    const denied = policy({ denyCidrs: ['192.168.0.0/16', 'fd00::/8'] });
    expect(denied.allows('192.168.1.1', PORT)).toBe(false);
    expect(denied.allows('fd12::1', PORT)).toBe(false);
    expect(denied.allows('10.0.0.1', PORT)).toBe(true);
  });

  it('wins over an explicit allow of the same or a wider range', () => {
    const both = policy({ allowCidrs: ['10.0.0.0/8', '10.5.0.1/32'], denyCidrs: ['10.5.0.0/16'] });
    expect(both.allows('10.5.0.1', PORT)).toBe(false);
    expect(both.allows('10.6.0.1', PORT)).toBe(true);
  });

  it('matches the IPv6 form as written, so a whole carrier prefix can be cut off', () => {
    const no6to4 = policy({ denyCidrs: ['2002::/16'] });
    expect(no6to4.allows('2002:0808:0808::1', PORT)).toBe(false);
  });
});

describe("the service's own metadata store and Redis", () => {
  const ownEndpoints = [
    { address: '10.1.1.1', port: 5432 },
    { address: 'fd00::6', port: 6379 },
  ];

  it('are denied in production as address and port', () => {
    const own = policy({ production: true, ownEndpoints });
    expect(own.allows('10.1.1.1', 5432)).toBe(false);
    expect(own.allows('::ffff:10.1.1.1', 5432)).toBe(false);
    expect(own.allows('fd00:0:0:0:0:0:0:6', 6379)).toBe(false);
    // Another port on the same host is another server: a data source may well live there.
    expect(own.allows('10.1.1.1', 5433)).toBe(true);
    expect(own.allows('fd00::6', 5432)).toBe(true);
  });

  it('are allowed outside production', () => {
    expect(policy({ ownEndpoints }).allows('10.1.1.1', 5432)).toBe(true);
  });

  it('are allowed when TARGET_ALLOW_CIDRS names them', () => {
    expect(
      policy({ production: true, ownEndpoints, allowCidrs: ['10.1.1.0/24'] }).allows('10.1.1.1', 5432),
    ).toBe(true);
  });
});

describe('createEgressPolicy', () => {
  function capture() {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    return { lines, logger: createLogger('info', sink) };
  }

  it('resolves DNS names of its own endpoints once, at start-up, in production', async () => {
    const asked: string[] = [];
    const { lines, logger } = capture();
    const egress = await createEgressPolicy(
      {
        env: 'production',
        allowCidrs: [],
        denyCidrs: [],
        ownEndpoints: ownEndpointsOf('postgres://svc:secret@postgres/data_sources', [
          { host: 'fd00::9', port: 6380 },
        ]),
      },
      logger,
      (host) => {
        asked.push(host);
        return Promise.resolve(host === 'postgres' ? ['172.18.0.5', 'fd00::5'] : []);
      },
    );
    expect(asked).toEqual(['postgres']); // the IPv6 literal needs no lookup
    expect(egress.allows('172.18.0.5', 5432)).toBe(false);
    expect(egress.allows('fd00::5', 5432)).toBe(false);
    expect(egress.allows('fd00::9', 6380)).toBe(false);
    expect(egress.allows('172.18.0.5', 6379)).toBe(true);
    expect(lines).toEqual([]);
  });

  it('fails start-up, naming the host, when its own endpoint does not resolve', async () => {
    const { logger } = capture();
    await expect(
      createEgressPolicy(
        {
          env: 'production',
          allowCidrs: [],
          denyCidrs: [],
          ownEndpoints: [{ host: 'postgres', port: 5432 }],
        },
        logger,
        () => Promise.reject(new Error('ENOTFOUND')),
      ),
    ).rejects.toThrow(/Cannot resolve postgres/);
  });

  it('outside production resolves nothing and warns once that loopback is reachable', async () => {
    const { lines, logger } = capture();
    const egress = await createEgressPolicy(
      { env: 'development', allowCidrs: [], denyCidrs: [], ownEndpoints: [{ host: 'postgres', port: 5432 }] },
      logger,
      () => Promise.reject(new Error('must not be called')),
    );
    expect(egress.allows('127.0.0.1', 5432)).toBe(true);
    expect(lines).toHaveLength(1);
    const warning = JSON.parse(lines[0] ?? '{}') as { level: number; msg: string };
    expect(warning.level).toBe(40);
    expect(warning.msg).toMatch(/loopback/);
  });
});

describe('endpointOf', () => {
  it.each([
    ['postgres://u:p@db.internal/x', 5432, { host: 'db.internal', port: 5432 }],
    ['postgresql://u@10.0.0.7:6543/x', 5432, { host: '10.0.0.7', port: 6543 }],
    ['postgres://u@[::1]:5433/x', 5432, { host: '::1', port: 5433 }],
    ['rediss://:token@redis.internal', 6379, { host: 'redis.internal', port: 6379 }],
  ])('%s', (url, defaultPort, expected) => {
    expect(endpointOf(url, defaultPort)).toEqual(expected);
  });
});
