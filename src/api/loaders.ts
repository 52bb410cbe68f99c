import DataLoader from 'dataloader';
import type { ConnectionTestView } from '../connection-tests/model.js';
import type { Page } from '../lib/pagination.js';
import type { ApiContext } from './context.js';

interface TestsKey {
  dataSourceId: string;
  first: number;
  after: string | null;
}

/**
 * Per-request batching of the fields a list asks for on every row (`lastTest`, `tests`): a page of
 * 100 data sources costs the same few queries as a page of one.
 */
export interface Loaders {
  test: DataLoader<string, ConnectionTestView | null>;
  tests: DataLoader<TestsKey, Page<ConnectionTestView>, string>;
}

const byContext = new WeakMap<ApiContext, Loaders>();

export function loadersOf(ctx: ApiContext): Loaders {
  let loaders = byContext.get(ctx);
  if (!loaders) {
    loaders = createLoaders(ctx);
    byContext.set(ctx, loaders);
  }
  return loaders;
}

function createLoaders(ctx: ApiContext): Loaders {
  return {
    test: new DataLoader(async (ids) => {
      const found = await ctx.connectionTests.getMany(ids);
      return ids.map((id) => found.get(id) ?? null);
    }),
    tests: new DataLoader(
      async (keys) => {
        // One batch per distinct page request (first, after); a list asks with the same arguments on every row.
        const pages = new Map<string, Promise<Map<string, Page<ConnectionTestView>>>>();
        for (const key of keys) {
          const args = JSON.stringify([key.first, key.after]);
          if (!pages.has(args)) {
            const ids = keys.filter((k) => k.first === key.first && k.after === key.after);
            pages.set(
              args,
              ctx.connectionTests.listFor(
                ids.map((k) => k.dataSourceId),
                key.first,
                key.after,
              ),
            );
          }
        }
        return Promise.all(
          keys.map(async (key) => {
            const page = (await pages.get(JSON.stringify([key.first, key.after])))?.get(key.dataSourceId);
            if (!page) throw new Error('a page of tests went missing from its batch');
            return page;
          }),
        );
      },
      { cacheKeyFn: (key) => JSON.stringify([key.dataSourceId, key.first, key.after]) },
    ),
  };
}
