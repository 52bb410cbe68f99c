import type net from 'node:net';
import { openTcp, type ConnectLimits } from '../../postgresql/connect.js';
import { passed, type CheckResult } from './check.js';

/** CONNECT: a TCP connection to the checked address, within the connect timeout. */
export async function checkConnect(
  address: string,
  port: number,
  limits: ConnectLimits,
): Promise<CheckResult<net.Socket>> {
  const socket = await openTcp(address, port, limits);
  return passed(`TCP connection to ${address}:${port} established.`, socket);
}
