/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
  '\n  fragment DataSourceRow on DataSource {\n    id\n    identifier\n    type\n    region\n    databaseAttribute\n    host\n    port\n    standby {\n      host\n      port\n    }\n    connectionStatus\n    lastTest {\n      id\n      status\n      errorCode\n    }\n    remarks\n    version\n    heartbeat {\n      enabled\n      state\n      lastBeatAt\n      replicationLagSeconds\n    }\n  }\n': typeof types.DataSourceRowFragmentDoc;
  '\n  fragment TestFields on ConnectionTest {\n    id\n    dataSourceId\n    status\n    errorCode\n    message\n    queuedAt\n    startedAt\n    finishedAt\n    durationMs\n    checks {\n      endpoint\n      name\n      status\n      code\n      message\n      hint\n      durationMs\n    }\n    server {\n      version\n      inRecovery\n      walLevel\n      readableSchemas\n    }\n    standbyServer {\n      version\n      inRecovery\n    }\n  }\n': typeof types.TestFieldsFragmentDoc;
  '\n  query Regions {\n    regions\n  }\n': typeof types.RegionsDocument;
  '\n  query DataSources($first: Int, $after: String, $filter: DataSourceFilter) {\n    dataSources(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...DataSourceRow\n        }\n      }\n    }\n  }\n': typeof types.DataSourcesDocument;
  '\n  query DataSource($id: ID!) {\n    dataSource(id: $id) {\n      ...DataSourceRow\n      username\n      hasPassword\n      databaseName\n      schemaName\n      sslMode\n      createdAt\n      updatedAt\n      heartbeat {\n        intervalSeconds\n        lastError\n        table\n      }\n      lastTest {\n        ...TestFields\n      }\n      tests(first: 10) {\n        totalCount\n        edges {\n          node {\n            ...TestFields\n          }\n        }\n      }\n    }\n  }\n': typeof types.DataSourceDocument;
  '\n  subscription DataSourceEvents($id: ID) {\n    dataSourceEvents(id: $id) {\n      kind\n      dataSourceId\n      at\n      dataSource {\n        ...DataSourceRow\n      }\n    }\n  }\n': typeof types.DataSourceEventsDocument;
  '\n  mutation TestConnection($input: TestConnectionInput!) {\n    testConnection(input: $input) {\n      ...TestFields\n    }\n  }\n': typeof types.TestConnectionDocument;
  '\n  subscription ConnectionTestUpdated($testId: ID!) {\n    connectionTestUpdated(testId: $testId) {\n      ...TestFields\n    }\n  }\n': typeof types.ConnectionTestUpdatedDocument;
  '\n  mutation CreateDataSource($input: CreateDataSourceInput!) {\n    createDataSource(input: $input) {\n      dataSource {\n        ...DataSourceRow\n      }\n      test {\n        id\n        status\n      }\n    }\n  }\n': typeof types.CreateDataSourceDocument;
  '\n  mutation UpdateDataSource($id: ID!, $expectedVersion: Int, $input: UpdateDataSourceInput!) {\n    updateDataSource(id: $id, expectedVersion: $expectedVersion, input: $input) {\n      dataSource {\n        ...DataSourceRow\n      }\n      test {\n        id\n      }\n    }\n  }\n': typeof types.UpdateDataSourceDocument;
  '\n  mutation DeleteDataSource($id: ID!) {\n    deleteDataSource(id: $id) {\n      id\n    }\n  }\n': typeof types.DeleteDataSourceDocument;
  '\n  query Queues {\n    queues {\n      name\n      waiting\n      active\n      delayed\n      completed\n      failed\n      paused\n      workers\n    }\n  }\n': typeof types.QueuesDocument;
  '\n  query FailedJobs($queue: String!) {\n    failedJobs(queue: $queue, first: 20) {\n      id\n      name\n      reason\n      attemptsMade\n      failedAt\n    }\n  }\n': typeof types.FailedJobsDocument;
  '\n  mutation RetryFailedJobs($queue: String!) {\n    retryFailedJobs(queue: $queue)\n  }\n': typeof types.RetryFailedJobsDocument;
  '\n  mutation PauseQueue($queue: String!) {\n    pauseQueue(queue: $queue) {\n      name\n      paused\n    }\n  }\n': typeof types.PauseQueueDocument;
  '\n  mutation ResumeQueue($queue: String!) {\n    resumeQueue(queue: $queue) {\n      name\n      paused\n    }\n  }\n': typeof types.ResumeQueueDocument;
};
const documents: Documents = {
  '\n  fragment DataSourceRow on DataSource {\n    id\n    identifier\n    type\n    region\n    databaseAttribute\n    host\n    port\n    standby {\n      host\n      port\n    }\n    connectionStatus\n    lastTest {\n      id\n      status\n      errorCode\n    }\n    remarks\n    version\n    heartbeat {\n      enabled\n      state\n      lastBeatAt\n      replicationLagSeconds\n    }\n  }\n':
    types.DataSourceRowFragmentDoc,
  '\n  fragment TestFields on ConnectionTest {\n    id\n    dataSourceId\n    status\n    errorCode\n    message\n    queuedAt\n    startedAt\n    finishedAt\n    durationMs\n    checks {\n      endpoint\n      name\n      status\n      code\n      message\n      hint\n      durationMs\n    }\n    server {\n      version\n      inRecovery\n      walLevel\n      readableSchemas\n    }\n    standbyServer {\n      version\n      inRecovery\n    }\n  }\n':
    types.TestFieldsFragmentDoc,
  '\n  query Regions {\n    regions\n  }\n': types.RegionsDocument,
  '\n  query DataSources($first: Int, $after: String, $filter: DataSourceFilter) {\n    dataSources(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...DataSourceRow\n        }\n      }\n    }\n  }\n':
    types.DataSourcesDocument,
  '\n  query DataSource($id: ID!) {\n    dataSource(id: $id) {\n      ...DataSourceRow\n      username\n      hasPassword\n      databaseName\n      schemaName\n      sslMode\n      createdAt\n      updatedAt\n      heartbeat {\n        intervalSeconds\n        lastError\n        table\n      }\n      lastTest {\n        ...TestFields\n      }\n      tests(first: 10) {\n        totalCount\n        edges {\n          node {\n            ...TestFields\n          }\n        }\n      }\n    }\n  }\n':
    types.DataSourceDocument,
  '\n  subscription DataSourceEvents($id: ID) {\n    dataSourceEvents(id: $id) {\n      kind\n      dataSourceId\n      at\n      dataSource {\n        ...DataSourceRow\n      }\n    }\n  }\n':
    types.DataSourceEventsDocument,
  '\n  mutation TestConnection($input: TestConnectionInput!) {\n    testConnection(input: $input) {\n      ...TestFields\n    }\n  }\n':
    types.TestConnectionDocument,
  '\n  subscription ConnectionTestUpdated($testId: ID!) {\n    connectionTestUpdated(testId: $testId) {\n      ...TestFields\n    }\n  }\n':
    types.ConnectionTestUpdatedDocument,
  '\n  mutation CreateDataSource($input: CreateDataSourceInput!) {\n    createDataSource(input: $input) {\n      dataSource {\n        ...DataSourceRow\n      }\n      test {\n        id\n        status\n      }\n    }\n  }\n':
    types.CreateDataSourceDocument,
  '\n  mutation UpdateDataSource($id: ID!, $expectedVersion: Int, $input: UpdateDataSourceInput!) {\n    updateDataSource(id: $id, expectedVersion: $expectedVersion, input: $input) {\n      dataSource {\n        ...DataSourceRow\n      }\n      test {\n        id\n      }\n    }\n  }\n':
    types.UpdateDataSourceDocument,
  '\n  mutation DeleteDataSource($id: ID!) {\n    deleteDataSource(id: $id) {\n      id\n    }\n  }\n':
    types.DeleteDataSourceDocument,
  '\n  query Queues {\n    queues {\n      name\n      waiting\n      active\n      delayed\n      completed\n      failed\n      paused\n      workers\n    }\n  }\n':
    types.QueuesDocument,
  '\n  query FailedJobs($queue: String!) {\n    failedJobs(queue: $queue, first: 20) {\n      id\n      name\n      reason\n      attemptsMade\n      failedAt\n    }\n  }\n':
    types.FailedJobsDocument,
  '\n  mutation RetryFailedJobs($queue: String!) {\n    retryFailedJobs(queue: $queue)\n  }\n':
    types.RetryFailedJobsDocument,
  '\n  mutation PauseQueue($queue: String!) {\n    pauseQueue(queue: $queue) {\n      name\n      paused\n    }\n  }\n':
    types.PauseQueueDocument,
  '\n  mutation ResumeQueue($queue: String!) {\n    resumeQueue(queue: $queue) {\n      name\n      paused\n    }\n  }\n':
    types.ResumeQueueDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  fragment DataSourceRow on DataSource {\n    id\n    identifier\n    type\n    region\n    databaseAttribute\n    host\n    port\n    standby {\n      host\n      port\n    }\n    connectionStatus\n    lastTest {\n      id\n      status\n      errorCode\n    }\n    remarks\n    version\n    heartbeat {\n      enabled\n      state\n      lastBeatAt\n      replicationLagSeconds\n    }\n  }\n',
): (typeof documents)['\n  fragment DataSourceRow on DataSource {\n    id\n    identifier\n    type\n    region\n    databaseAttribute\n    host\n    port\n    standby {\n      host\n      port\n    }\n    connectionStatus\n    lastTest {\n      id\n      status\n      errorCode\n    }\n    remarks\n    version\n    heartbeat {\n      enabled\n      state\n      lastBeatAt\n      replicationLagSeconds\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  fragment TestFields on ConnectionTest {\n    id\n    dataSourceId\n    status\n    errorCode\n    message\n    queuedAt\n    startedAt\n    finishedAt\n    durationMs\n    checks {\n      endpoint\n      name\n      status\n      code\n      message\n      hint\n      durationMs\n    }\n    server {\n      version\n      inRecovery\n      walLevel\n      readableSchemas\n    }\n    standbyServer {\n      version\n      inRecovery\n    }\n  }\n',
): (typeof documents)['\n  fragment TestFields on ConnectionTest {\n    id\n    dataSourceId\n    status\n    errorCode\n    message\n    queuedAt\n    startedAt\n    finishedAt\n    durationMs\n    checks {\n      endpoint\n      name\n      status\n      code\n      message\n      hint\n      durationMs\n    }\n    server {\n      version\n      inRecovery\n      walLevel\n      readableSchemas\n    }\n    standbyServer {\n      version\n      inRecovery\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query Regions {\n    regions\n  }\n',
): (typeof documents)['\n  query Regions {\n    regions\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query DataSources($first: Int, $after: String, $filter: DataSourceFilter) {\n    dataSources(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...DataSourceRow\n        }\n      }\n    }\n  }\n',
): (typeof documents)['\n  query DataSources($first: Int, $after: String, $filter: DataSourceFilter) {\n    dataSources(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...DataSourceRow\n        }\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query DataSource($id: ID!) {\n    dataSource(id: $id) {\n      ...DataSourceRow\n      username\n      hasPassword\n      databaseName\n      schemaName\n      sslMode\n      createdAt\n      updatedAt\n      heartbeat {\n        intervalSeconds\n        lastError\n        table\n      }\n      lastTest {\n        ...TestFields\n      }\n      tests(first: 10) {\n        totalCount\n        edges {\n          node {\n            ...TestFields\n          }\n        }\n      }\n    }\n  }\n',
): (typeof documents)['\n  query DataSource($id: ID!) {\n    dataSource(id: $id) {\n      ...DataSourceRow\n      username\n      hasPassword\n      databaseName\n      schemaName\n      sslMode\n      createdAt\n      updatedAt\n      heartbeat {\n        intervalSeconds\n        lastError\n        table\n      }\n      lastTest {\n        ...TestFields\n      }\n      tests(first: 10) {\n        totalCount\n        edges {\n          node {\n            ...TestFields\n          }\n        }\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  subscription DataSourceEvents($id: ID) {\n    dataSourceEvents(id: $id) {\n      kind\n      dataSourceId\n      at\n      dataSource {\n        ...DataSourceRow\n      }\n    }\n  }\n',
): (typeof documents)['\n  subscription DataSourceEvents($id: ID) {\n    dataSourceEvents(id: $id) {\n      kind\n      dataSourceId\n      at\n      dataSource {\n        ...DataSourceRow\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation TestConnection($input: TestConnectionInput!) {\n    testConnection(input: $input) {\n      ...TestFields\n    }\n  }\n',
): (typeof documents)['\n  mutation TestConnection($input: TestConnectionInput!) {\n    testConnection(input: $input) {\n      ...TestFields\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  subscription ConnectionTestUpdated($testId: ID!) {\n    connectionTestUpdated(testId: $testId) {\n      ...TestFields\n    }\n  }\n',
): (typeof documents)['\n  subscription ConnectionTestUpdated($testId: ID!) {\n    connectionTestUpdated(testId: $testId) {\n      ...TestFields\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation CreateDataSource($input: CreateDataSourceInput!) {\n    createDataSource(input: $input) {\n      dataSource {\n        ...DataSourceRow\n      }\n      test {\n        id\n        status\n      }\n    }\n  }\n',
): (typeof documents)['\n  mutation CreateDataSource($input: CreateDataSourceInput!) {\n    createDataSource(input: $input) {\n      dataSource {\n        ...DataSourceRow\n      }\n      test {\n        id\n        status\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation UpdateDataSource($id: ID!, $expectedVersion: Int, $input: UpdateDataSourceInput!) {\n    updateDataSource(id: $id, expectedVersion: $expectedVersion, input: $input) {\n      dataSource {\n        ...DataSourceRow\n      }\n      test {\n        id\n      }\n    }\n  }\n',
): (typeof documents)['\n  mutation UpdateDataSource($id: ID!, $expectedVersion: Int, $input: UpdateDataSourceInput!) {\n    updateDataSource(id: $id, expectedVersion: $expectedVersion, input: $input) {\n      dataSource {\n        ...DataSourceRow\n      }\n      test {\n        id\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation DeleteDataSource($id: ID!) {\n    deleteDataSource(id: $id) {\n      id\n    }\n  }\n',
): (typeof documents)['\n  mutation DeleteDataSource($id: ID!) {\n    deleteDataSource(id: $id) {\n      id\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query Queues {\n    queues {\n      name\n      waiting\n      active\n      delayed\n      completed\n      failed\n      paused\n      workers\n    }\n  }\n',
): (typeof documents)['\n  query Queues {\n    queues {\n      name\n      waiting\n      active\n      delayed\n      completed\n      failed\n      paused\n      workers\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query FailedJobs($queue: String!) {\n    failedJobs(queue: $queue, first: 20) {\n      id\n      name\n      reason\n      attemptsMade\n      failedAt\n    }\n  }\n',
): (typeof documents)['\n  query FailedJobs($queue: String!) {\n    failedJobs(queue: $queue, first: 20) {\n      id\n      name\n      reason\n      attemptsMade\n      failedAt\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation RetryFailedJobs($queue: String!) {\n    retryFailedJobs(queue: $queue)\n  }\n',
): (typeof documents)['\n  mutation RetryFailedJobs($queue: String!) {\n    retryFailedJobs(queue: $queue)\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation PauseQueue($queue: String!) {\n    pauseQueue(queue: $queue) {\n      name\n      paused\n    }\n  }\n',
): (typeof documents)['\n  mutation PauseQueue($queue: String!) {\n    pauseQueue(queue: $queue) {\n      name\n      paused\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation ResumeQueue($queue: String!) {\n    resumeQueue(queue: $queue) {\n      name\n      paused\n    }\n  }\n',
): (typeof documents)['\n  mutation ResumeQueue($queue: String!) {\n    resumeQueue(queue: $queue) {\n      name\n      paused\n    }\n  }\n'];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> =
  TDocumentNode extends DocumentNode<infer TType, any> ? TType : never;
