import { lookup } from 'node:dns/promises';
import net from 'node:net';
import { Timeout, within } from '../lib/time.js';
import type { EgressPolicy } from './egress.js';
import { socketErrorCode, TargetError } from './errors.js';

/** What bounds every step of a connection to a target. */
export interface ConnectLimits {
  connectTimeoutMs: number;
  egress: EgressPolicy;
  /** Aborted when the whole test runs out of time. */
  signal: AbortSignal;
}

export interface Resolved {
  /** Every address the name resolved to, each allowed by the egress policy. */
  addresses: string[];
  /** The one later steps connect to: there is no second lookup. */
  address: string;
}

/** One lookup; every address must pass the egress policy (a name may point anywhere). */
export async function resolveTarget(host: string, port: number, limits: ConnectLimits): Promise<Resolved> {
  let addresses: string[];
  if (net.isIP(host) !== 0) {
    addresses = [host];
  } else {
    try {
      const found = await within(lookup(host, { all: true, verbatim: true }), limits.connectTimeoutMs);
      addresses = found.map((entry) => entry.address);
    } catch (error) {
      if (error instanceof Timeout || limits.signal.aborted)
        throw new TargetError('TIMEOUT', 'the name lookup did not finish');
      throw new TargetError('HOST_NOT_FOUND');
    }
  }
  const denied = addresses.find((address) => !limits.egress.allows(address, port));
  if (denied !== undefined) throw new TargetError('TARGET_NOT_ALLOWED', denied);
  return { addresses, address: addresses[0] ?? host };
}

/** A TCP connection to the checked address, bounded by the connect timeout. */
export async function openTcp(address: string, port: number, limits: ConnectLimits): Promise<net.Socket> {
  const socket = net.connect({ host: address, port, noDelay: true });
  // Errors after this point surface through whoever reads the socket next.
  socket.on('error', () => undefined);
  try {
    await within(
      new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      }),
      limits.connectTimeoutMs,
      () => socket.destroy(),
    );
    return socket;
  } catch (error) {
    socket.destroy();
    if (error instanceof Timeout || limits.signal.aborted)
      throw new TargetError('TIMEOUT', 'no answer to the TCP connection request');
    throw new TargetError(socketErrorCode(error));
  }
}
