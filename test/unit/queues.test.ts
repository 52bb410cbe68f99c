import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { catalog, QUEUE_NAMES } from '../../src/jobs/catalog.js';
import { queueNamesOf, type Catalog } from '../../src/lib/queues.js';

const job = (queue: string) => ({ queue, payload: z.object({}), options: {} });

describe('queueNamesOf', () => {
  it('names each queue once, in the order its jobs first name it', () => {
    const jobs = {
      a: job('second'),
      b: job('first'),
      c: job('second'),
      d: job('third'),
      e: job('first'),
    } satisfies Catalog;
    expect(queueNamesOf(jobs)).toEqual(['second', 'first', 'third']);
  });

  it('is empty for an empty catalog', () => {
    expect(queueNamesOf({})).toEqual([]);
  });

  it('gives the service its three queues', () => {
    expect(queueNamesOf(catalog)).toEqual(['connection-test', 'heartbeat', 'maintenance']);
    expect(QUEUE_NAMES).toEqual(queueNamesOf(catalog));
  });
});
