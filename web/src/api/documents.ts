import { graphql } from '../gql';

// Every operation the console sends. GraphQL Code Generator types them from schema.graphql
// (`npm run codegen`); one the schema no longer accepts fails the build.

export const DataSourceRowFragment = graphql(`
  fragment DataSourceRow on DataSource {
    id
    identifier
    type
    region
    databaseAttribute
    host
    port
    standby {
      host
      port
    }
    connectionStatus
    lastTest {
      id
      status
      errorCode
    }
    remarks
    version
    heartbeat {
      enabled
      state
      lastBeatAt
      replicationLagSeconds
    }
  }
`);

export const TestFieldsFragment = graphql(`
  fragment TestFields on ConnectionTest {
    id
    dataSourceId
    status
    errorCode
    message
    queuedAt
    startedAt
    finishedAt
    durationMs
    checks {
      endpoint
      name
      status
      code
      message
      hint
      durationMs
    }
    server {
      version
      inRecovery
      walLevel
      readableSchemas
    }
    standbyServer {
      version
      inRecovery
    }
  }
`);

export const RegionsQuery = graphql(`
  query Regions {
    regions
  }
`);

export const DataSourcesQuery = graphql(`
  query DataSources($first: Int, $after: String, $filter: DataSourceFilter) {
    dataSources(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...DataSourceRow
        }
      }
    }
  }
`);

export const DataSourceQuery = graphql(`
  query DataSource($id: ID!) {
    dataSource(id: $id) {
      ...DataSourceRow
      username
      hasPassword
      databaseName
      schemaName
      sslMode
      createdAt
      updatedAt
      heartbeat {
        intervalSeconds
        lastError
        table
      }
      lastTest {
        ...TestFields
      }
      tests(first: 10) {
        totalCount
        edges {
          node {
            ...TestFields
          }
        }
      }
    }
  }
`);

export const DataSourceEventsSubscription = graphql(`
  subscription DataSourceEvents($id: ID) {
    dataSourceEvents(id: $id) {
      kind
      dataSourceId
      at
      dataSource {
        ...DataSourceRow
      }
    }
  }
`);

export const TestConnectionMutation = graphql(`
  mutation TestConnection($input: TestConnectionInput!) {
    testConnection(input: $input) {
      ...TestFields
    }
  }
`);

export const ConnectionTestUpdatedSubscription = graphql(`
  subscription ConnectionTestUpdated($testId: ID!) {
    connectionTestUpdated(testId: $testId) {
      ...TestFields
    }
  }
`);

export const CreateDataSourceMutation = graphql(`
  mutation CreateDataSource($input: CreateDataSourceInput!) {
    createDataSource(input: $input) {
      dataSource {
        ...DataSourceRow
      }
      test {
        id
        status
      }
    }
  }
`);

export const UpdateDataSourceMutation = graphql(`
  mutation UpdateDataSource($id: ID!, $expectedVersion: Int, $input: UpdateDataSourceInput!) {
    updateDataSource(id: $id, expectedVersion: $expectedVersion, input: $input) {
      dataSource {
        ...DataSourceRow
      }
      test {
        id
      }
    }
  }
`);

export const DeleteDataSourceMutation = graphql(`
  mutation DeleteDataSource($id: ID!) {
    deleteDataSource(id: $id) {
      id
    }
  }
`);

export const QueuesQuery = graphql(`
  query Queues {
    queues {
      name
      waiting
      active
      delayed
      completed
      failed
      paused
      workers
    }
  }
`);

export const FailedJobsQuery = graphql(`
  query FailedJobs($queue: String!) {
    failedJobs(queue: $queue, first: 20) {
      id
      name
      reason
      attemptsMade
      failedAt
    }
  }
`);

export const RetryFailedJobsMutation = graphql(`
  mutation RetryFailedJobs($queue: String!) {
    retryFailedJobs(queue: $queue)
  }
`);

export const PauseQueueMutation = graphql(`
  mutation PauseQueue($queue: String!) {
    pauseQueue(queue: $queue) {
      name
      paused
    }
  }
`);

export const ResumeQueueMutation = graphql(`
  mutation ResumeQueue($queue: String!) {
    resumeQueue(queue: $queue) {
      name
      paused
    }
  }
`);
