import { BlockList, isIPv4 } from 'node:net';

/**
 * Where connection tests may connect (PRODUCT.md §2). Targets are user-supplied, so without a policy
 * the service could be made to reach cloud metadata endpoints or link-local services. Data sources
 * usually live on private networks, so private ranges and loopback stay allowed by default.
 */
export const DEFAULT_DENIED = [
  '169.254.0.0/16', // link-local, including 169.254.169.254 (cloud metadata)
  '0.0.0.0/8',
  '224.0.0.0/4', // multicast
  'fe80::/10', // link-local
  'fd00:ec2::254/128', // AWS metadata over IPv6
  'ff00::/8', // multicast
];

export interface EgressPolicy {
  allows(address: string): boolean;
}

function blockList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network = '', prefix = ''] = cidr.split('/');
    list.addSubnet(network, Number(prefix), isIPv4(network) ? 'ipv4' : 'ipv6');
  }
  return list;
}

/** IPv4-mapped IPv6 (::ffff:169.254.169.254) is judged as the IPv4 address it carries. */
function normalize(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return { address: mapped[1], family: 'ipv4' };
  return { address, family: isIPv4(address) ? 'ipv4' : 'ipv6' };
}

export function createEgressPolicy(
  allowCidrs: readonly string[],
  denyCidrs: readonly string[],
): EgressPolicy {
  const denied = blockList([...DEFAULT_DENIED, ...denyCidrs]);
  const allowed = allowCidrs.length > 0 ? blockList(allowCidrs) : undefined;
  return {
    allows(raw) {
      const { address, family } = normalize(raw);
      if (denied.check(address, family)) return false;
      return allowed ? allowed.check(address, family) : true;
    },
  };
}
