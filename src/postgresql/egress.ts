import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import type { Config } from '../config.js';
import type { Logger } from '../lib/logger.js';

/**
 * Where connection tests (and heartbeat sessions) may connect (PRODUCT.md §2, "Egress policy").
 * Targets are user-supplied, so without a policy the service could be made to reach cloud metadata
 * endpoints, link-local services, or its own metadata store and Redis.
 *
 * The decision for one address:port, first rule that applies wins:
 * 1. inside TARGET_DENY_CIDRS: denied. An explicit deny beats an explicit allow, so an operator can
 *    cut a hole out of a broad allow (10.0.0.0/8 allowed, 10.0.5.0/24 denied).
 * 2. inside TARGET_ALLOW_CIDRS: allowed, even when a rule below would deny it (an operator may need a
 *    link-local database, or a loopback one in production).
 * 3. TARGET_ALLOW_CIDRS is not empty: denied (the allow list narrows the policy to itself).
 * 4. inside ALWAYS_DENIED: denied.
 * 5. in production, loopback or one of the service's own endpoints (address and port): denied.
 * 6. allowed: private ranges are where data sources usually live.
 *
 * IPv6 forms that carry an IPv4 address are judged as that IPv4 address, by every rule: otherwise
 * ::ffff:169.254.169.254 or 64:ff9b::a9fe:a9fe would reach the metadata service past an IPv4 rule.
 * The operator's two lists match the form as written as well.
 */

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [Address, number];

export interface Endpoint {
  host: string;
  port: number;
}

export interface EgressPolicy {
  /** Whether a target may be reached at this (resolved) address and port. */
  allows(address: string, port: number): boolean;
}

/** Denied in every environment unless TARGET_ALLOW_CIDRS names them. */
export const ALWAYS_DENIED: readonly string[] = [
  '169.254.0.0/16', // link-local, including 169.254.169.254 (AWS, GCP, Azure and OpenStack metadata)
  'fe80::/10', // link-local
  '100.100.100.200/32', // Alibaba Cloud metadata
  '168.63.129.16/32', // Azure wire server
  '192.0.0.192/32', // Oracle Cloud metadata
  'fd00:ec2::254/128', // AWS metadata over IPv6
  '0.0.0.0/8', // unspecified: Linux connects 0.0.0.0 to this host
  '::/128', // unspecified: Linux connects :: to ::1
  '224.0.0.0/4', // multicast
  'ff00::/8', // multicast
  '255.255.255.255/32', // broadcast
];

/** Denied in production unless TARGET_ALLOW_CIDRS names them: this host's own services. */
export const LOOPBACK: readonly string[] = ['127.0.0.0/8', '::1/128'];

const parseCidrs = (cidrs: readonly string[]): Cidr[] => cidrs.map((cidr) => ipaddr.parseCIDR(cidr));

/**
 * The IPv6 prefixes whose addresses carry an IPv4 address, and where it sits. ipaddr.js parses the
 * dotted forms (::ffff:1.2.3.4) into the same bytes as the hex ones (::ffff:102:304); it reads the
 * compatible dotted form ::1.2.3.4 as mapped, which carries the same IPv4 address, so the verdict
 * is the same.
 */
const CARRIERS: readonly { prefix: Cidr; at: number }[] = [
  { prefix: ipaddr.parseCIDR('::ffff:0:0/96'), at: 12 }, // IPv4-mapped
  { prefix: ipaddr.parseCIDR('::ffff:0:0:0/96'), at: 12 }, // IPv4-translated (RFC 6145)
  { prefix: ipaddr.parseCIDR('64:ff9b::/96'), at: 12 }, // NAT64 well-known prefix (RFC 6052)
  { prefix: ipaddr.parseCIDR('2002::/16'), at: 2 }, // 6to4 (RFC 3056)
  { prefix: ipaddr.parseCIDR('::/96'), at: 12 }, // IPv4-compatible (deprecated), but not :: or ::1
];

const UNSPECIFIED_V6 = ipaddr.parse('::');
const LOOPBACK_V6 = ipaddr.parse('::1');

function inside(address: Address, cidr: Cidr): boolean {
  // ipaddr.js throws when matching an address against a range of the other family.
  return address.kind() === cidr[0].kind() && address.match(cidr);
}

/** The IPv4 address an IPv6 address carries, if any. */
function carriedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  // :: and ::1 sit inside ::/96 but are IPv6's own unspecified and loopback addresses.
  if (inside(address, [UNSPECIFIED_V6, 128]) || inside(address, [LOOPBACK_V6, 128])) return undefined;
  const carrier = CARRIERS.find(({ prefix }) => inside(address, prefix));
  if (!carrier) return undefined;
  return new ipaddr.IPv4(address.toByteArray().slice(carrier.at, carrier.at + 4));
}

/** The address as written, and as the rules judge it: the IPv4 address an IPv6 form carries. */
function parse(raw: string): { written: Address; judged: Address } | undefined {
  if (!ipaddr.isValid(raw)) return undefined;
  const written = ipaddr.parse(raw);
  const carried = written.kind() === 'ipv6' ? carriedIPv4(written as ipaddr.IPv6) : undefined;
  return { written, judged: carried ?? written };
}

/** One spelling per address, so that own endpoints compare equal however they were written. */
const keyOf = (address: Address, port: number) => `${address.toNormalizedString()}|${port}`;

export interface EgressRules {
  production: boolean;
  allowCidrs: readonly string[];
  denyCidrs: readonly string[];
  /** The service's own metadata store and Redis, already resolved to addresses. */
  ownEndpoints: readonly { address: string; port: number }[];
}

/** The policy itself: pure, synchronous, and the same for every address a lookup returns. */
export function buildEgressPolicy(rules: EgressRules): EgressPolicy {
  const allow = parseCidrs(rules.allowCidrs);
  const deny = parseCidrs(rules.denyCidrs);
  const alwaysDenied = parseCidrs(ALWAYS_DENIED);
  const loopback = parseCidrs(LOOPBACK);
  const own = new Set(
    rules.ownEndpoints.flatMap(({ address, port }) => {
      const parsed = parse(address);
      return parsed ? [keyOf(parsed.judged, port)] : [];
    }),
  );
  return {
    allows(raw, port) {
      const parsed = parse(raw);
      // Not an address at all (a lookup never returns one): refuse rather than guess.
      if (!parsed) return false;
      const { written, judged } = parsed;
      const within = (list: Cidr[]) => list.some((cidr) => inside(judged, cidr));
      // The operator's lists also match the form as written, so that a whole carrier prefix
      // (2002::/16, 64:ff9b::/96) can be denied, or allowed, as such.
      const named = (list: Cidr[]) => within(list) || list.some((cidr) => inside(written, cidr));
      if (named(deny)) return false;
      if (named(allow)) return true;
      if (allow.length > 0) return false;
      if (within(alwaysDenied)) return false;
      if (rules.production && (within(loopback) || own.has(keyOf(judged, port)))) return false;
      return true;
    },
  };
}

/** host:port of a postgres:// or redis:// URL, with the scheme's default port. */
export function endpointOf(url: string, defaultPort: number): Endpoint {
  const { hostname, port } = new URL(url);
  // WHATWG URLs keep IPv6 literals in brackets.
  return { host: hostname.replace(/^\[(.*)\]$/, '$1'), port: port ? Number(port) : defaultPort };
}

/** The metadata store and Redis (when used) this service uses: never targets in production. */
export const ownEndpointsOf = (databaseUrl: string, redis: readonly Endpoint[] = []): Endpoint[] => [
  endpointOf(databaseUrl, 5432),
  ...redis,
];

export type Resolve = (host: string) => Promise<string[]>;

const resolveAll: Resolve = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * The policy for this process. In production the own endpoints are resolved once, here: they may be
 * names (`postgres` in docker compose), while targets are judged by the addresses they resolve to.
 */
export async function createEgressPolicy(
  options: {
    env: Config['env'];
    allowCidrs: readonly string[];
    denyCidrs: readonly string[];
    ownEndpoints: readonly Endpoint[];
  },
  logger: Logger,
  resolve: Resolve = resolveAll,
): Promise<EgressPolicy> {
  const production = options.env === 'production';
  const ownEndpoints: { address: string; port: number }[] = [];
  if (production) {
    for (const { host, port } of options.ownEndpoints) {
      const addresses = ipaddr.isValid(host)
        ? [host]
        : await resolve(host).catch((error: unknown) => {
            throw new Error(
              `Cannot resolve ${host} (this service's own endpoint) to keep connection tests away from it: ${String(error)}`,
            );
          });
      ownEndpoints.push(...addresses.map((address) => ({ address, port })));
    }
  } else {
    logger.warn(
      `NODE_ENV is ${options.env}, not production: connection tests may reach loopback addresses and this service's own metadata store and Redis.`,
    );
  }
  return buildEgressPolicy({
    production,
    allowCidrs: options.allowCidrs,
    denyCidrs: options.denyCidrs,
    ownEndpoints,
  });
}
