import net from 'node:net';
import { resolveTarget, type ConnectLimits } from '../../postgresql/connect.js';
import { passed, type CheckResult } from './check.js';

/** RESOLVE: one lookup, every address allowed by the egress policy; later checks use the first. */
export async function checkResolve(
  host: string,
  port: number,
  limits: ConnectLimits,
): Promise<CheckResult<string>> {
  const { addresses, address } = await resolveTarget(host, port, limits);
  return passed(
    net.isIP(host) !== 0
      ? `${host} is an IP address; no lookup needed.`
      : `${host} resolved to ${addresses.join(', ')}; using ${address}.`,
    address,
  );
}
