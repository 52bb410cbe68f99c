import {
  createSourceEventStream,
  execute,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';

type Result = ExecutionResult | Promise<ExecutionResult>;

/**
 * graphql's `subscribe`, except that an event is executed once per distinct operation rather than
 * once per subscriber: subscribers whose operation has the same document, operation name, variables
 * and `audience` (who is asking, as far as results can depend on it) get the same result object for
 * the same event. A thousand clients of one `dataSourceEvents` selection cost one execution per event,
 * not a thousand (issue 12's fan-out).
 *
 * This relies on the event bus handing every subscriber of a channel the same decoded event object
 * (lib/pubsub.ts); events that are not shared objects, such as a test's first snapshot, are executed
 * for their subscriber alone. Each execution gets a context of its own, copied from the first
 * subscriber's, so that per-request caches (loaders.ts) never outlive the one event they were made for.
 */
export function sharedSubscribe(audience: (context: unknown) => string) {
  const documents = new WeakMap<DocumentNode, number>();
  let nextDocument = 0;
  const documentId = (document: DocumentNode) => {
    let id = documents.get(document);
    if (id === undefined) documents.set(document, (id = nextDocument++));
    return id;
  };
  /** Per event object, its result per operation key; dropped with the event. */
  const results = new WeakMap<object, Map<string, Result>>();

  return async (args: ExecutionArgs) => {
    const stream = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in stream)) return stream;
    const key = JSON.stringify([
      documentId(args.document),
      args.operationName ?? null,
      args.variableValues ?? null,
      audience(args.contextValue),
    ]);
    const run = (event: unknown): Result =>
      execute({ ...args, rootValue: event, contextValue: { ...(args.contextValue as object) } });
    return mapStream(stream, (event) => {
      if (typeof event !== 'object' || event === null) return run(event);
      let byKey = results.get(event);
      if (!byKey) results.set(event, (byKey = new Map<string, Result>()));
      let result = byKey.get(key);
      if (!result) byKey.set(key, (result = run(event)));
      return result;
    });
  };
}

/** graphql's own mapAsyncIterator (internal to graphql 16): `map` over a stream, return and throw passed on. */
function mapStream<T, R>(
  iterable: AsyncIterable<T>,
  map: (value: T) => R | Promise<R>,
): AsyncIterableIterator<R> {
  const iterator = iterable[Symbol.asyncIterator]();
  const closeQuietly = async () => {
    try {
      await iterator.return?.();
    } catch {
      // The error that made us close is the one to report.
    }
  };
  const mapped = async (result: IteratorResult<T>): Promise<IteratorResult<R>> => {
    if (result.done) return result as IteratorResult<R>;
    try {
      return { value: await map(result.value), done: false };
    } catch (error) {
      await closeQuietly();
      throw error;
    }
  };
  const generator: AsyncIterableIterator<R> = {
    next: async () => mapped(await iterator.next()),
    return: async () =>
      iterator.return ? mapped(await iterator.return()) : { value: undefined, done: true },
    throw: async (error: unknown) => {
      if (iterator.throw) return mapped(await iterator.throw(error));
      await closeQuietly();
      throw error;
    },
    [Symbol.asyncIterator]: () => generator,
  };
  return generator;
}
