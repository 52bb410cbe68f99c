import type { Actor, AuditAction, AuditTrail } from '../audit/trail.js';
import { AppError } from '../errors.js';
import { QUEUE_NAMES, type QueueName, type ServiceQueues } from '../jobs/catalog.js';
import type { Database } from '../lib/db.js';
import type { FailedJob, QueueStats } from '../lib/queues.js';

/** A queue name from a client: one of the catalog's, or BAD_USER_INPUT naming the field. */
function queueName(name: string): QueueName {
  if (!(QUEUE_NAMES as readonly string[]).includes(name)) {
    throw AppError.badInput([{ field: 'queue', message: `must be one of ${QUEUE_NAMES.join(', ')}` }]);
  }
  return name as QueueName;
}

/** What operators do with the job queues (PRODUCT.md §4): look, retry, pause, resume; changes audited. */
export function createOperationsService(deps: { db: Database; queues: ServiceQueues; audit: AuditTrail }) {
  const { queues, audit } = deps;

  /** A queue operation, then its record (queues live in Redis: there is no transaction to share). */
  async function operate<T>(actor: Actor, action: AuditAction, queue: QueueName, run: () => Promise<T>) {
    const result = await run();
    const entry = { action, changedFields: [`queue:${queue}`] };
    await audit.record(deps.db, actor, entry);
    audit.announce(actor, entry);
    return result;
  }

  async function statsOf(name: QueueName): Promise<QueueStats> {
    const stats = await queues.stats();
    const found = stats.find((queue) => queue.name === name);
    if (!found) throw new Error(`no stats for queue ${name}`);
    return found;
  }

  return {
    stats: () => queues.stats(),

    failed(queue: string, first: number): Promise<FailedJob[]> {
      if (first < 1 || first > 100)
        throw AppError.badInput([{ field: 'first', message: 'must be between 1 and 100' }]);
      return queues.failed(queueName(queue), first);
    },

    retryFailed(queue: string, actor: Actor): Promise<number> {
      const name = queueName(queue);
      return operate(actor, 'RETRY_FAILED_JOBS', name, () => queues.retryFailed(name));
    },

    pause(queue: string, actor: Actor): Promise<QueueStats> {
      const name = queueName(queue);
      return operate(actor, 'PAUSE_QUEUE', name, async () => {
        await queues.pause(name);
        return statsOf(name);
      });
    },

    resume(queue: string, actor: Actor): Promise<QueueStats> {
      const name = queueName(queue);
      return operate(actor, 'RESUME_QUEUE', name, async () => {
        await queues.resume(name);
        return statsOf(name);
      });
    },

    /** The BullMQ queues themselves, for Bull Board. */
    boardQueues: () => queues.names.map((name) => queues.get(name)),
  };
}

export type OperationsService = ReturnType<typeof createOperationsService>;
