/**
 * The job catalog: every BullMQ queue of the service. Job names, payload schemas, options and the
 * handler map (`satisfies { [K in JobName]: Handler<K> }`) are added here with the jobs themselves:
 * the connection test (queue `connection-test`) and the heartbeat jobs (queue `heartbeat`).
 */
export const QUEUE_NAMES = ['connection-test', 'heartbeat'] as const;

export type QueueName = (typeof QUEUE_NAMES)[number];
