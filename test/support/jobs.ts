import type { QueueEvents } from 'bullmq';

/**
 * Resolves when the queue's event stream reports `event` for job `jobId` (e.g. `delayed`: moved back
 * to wait for a retry), or fails naming what was awaited after `ms`.
 */
export function jobEvent(
  events: QueueEvents,
  event: 'delayed' | 'completed' | 'failed' | 'active',
  jobId: string,
  ms = 15_000,
): Promise<void> {
  // QueueEvents also emits `<event>:<jobId>` for each job event, which its typed listeners omit.
  const emitter: NodeJS.EventEmitter = events;
  const name = `${event}:${jobId}`;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(name, done);
      reject(new Error(`job ${jobId} was not ${event} within ${ms} ms`));
    }, ms);
    function done() {
      clearTimeout(timer);
      emitter.off(name, done);
      resolve();
    }
    emitter.on(name, done);
  });
}
