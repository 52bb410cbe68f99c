import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATE_DATA_SOURCE, dataSourceInput, UPDATE_DATA_SOURCE } from '../support/factories.js';
import { startHarness, type Harness } from '../support/harness.js';

// A list with nested fields costs a bounded number of metadata queries, whatever its length.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

/** Queries this process has sent to the metadata store, read from its own /metrics. */
async function queriesSoFar(): Promise<number> {
  const text = await (await fetch(h.url.replace(/\/graphql$/, '/metrics'))).text();
  const line = text.split('\n').find((l) => l.startsWith('dss_metadata_store_queries_total '));
  if (!line) throw new Error('no dss_metadata_store_queries_total in /metrics');
  return Number(line.split(' ')[1]);
}

const LIST = /* GraphQL */ `
  query ($first: Int) {
    dataSources(first: $first) {
      totalCount
      edges {
        node {
          identifier
          lastTest {
            id
            status
            checks {
              name
              status
            }
          }
          tests(first: 5) {
            totalCount
            edges {
              node {
                id
                status
              }
            }
          }
        }
      }
    }
  }
`;

/** Metadata queries one request of the list costs (the scrape's own queries are the same each time). */
async function costOfList(first: number): Promise<{ rows: number; queries: number }> {
  const before = await queriesSoFar();
  const result = await h.gql<{ dataSources: { edges: { node: { tests: { totalCount: number } } }[] } }>(
    LIST,
    {
      first,
    },
  );
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  const after = await queriesSoFar();
  return { rows: result.data.dataSources.edges.length, queries: after - before };
}

describe('a list of data sources with lastTest and tests', () => {
  it('costs the same few queries for 2 rows as for 40', async () => {
    for (let i = 0; i < 40; i += 1) {
      const created = await h.gql<{ createDataSource: { dataSource: { id: string } } }>(CREATE_DATA_SOURCE, {
        input: dataSourceInput(),
      });
      // A second test for some, so that pages and counts differ per row.
      if (i % 3 === 0) {
        await h.gql(UPDATE_DATA_SOURCE, {
          id: created.data!.createDataSource.dataSource.id,
          input: { sslMode: 'REQUIRE' },
        });
      }
    }
    const small = await costOfList(2);
    const large = await costOfList(40);
    expect(small.rows).toBe(2);
    expect(large.rows).toBe(40);
    expect(large.queries).toBe(small.queries);
    // The list and its count, lastTest in one query, the tests' pages and counts in one query each, plus
    // the scrape's own reads.
    expect(large.queries).toBeLessThanOrEqual(7);
  });

  it('gives each row its own page of tests and total', async () => {
    const result = await h.gql<{
      dataSources: {
        edges: {
          node: {
            lastTest: { id: string };
            tests: { totalCount: number; edges: { node: { id: string } }[] };
          };
        }[];
      };
    }>(LIST, { first: 40 });
    const rows = result.data!.dataSources.edges.map((edge) => edge.node);
    const totals = rows.map((row) => row.tests.totalCount).sort();
    expect(totals.filter((n) => n === 2)).toHaveLength(14);
    expect(totals.filter((n) => n === 1)).toHaveLength(26);
    for (const row of rows) {
      expect(row.tests.edges).toHaveLength(row.tests.totalCount);
      // Newest first: the last test is the first of the page.
      expect(row.tests.edges[0]!.node.id).toBe(row.lastTest.id);
    }
  });
});
