import { randomBytes } from 'node:crypto';
import { CANARY_PASSWORD } from './env.js';

/** A valid CreateDataSourceInput; every test that needs a variation says only what differs. */
export const dataSourceInput = (overrides: Record<string, unknown> = {}) => ({
  identifier: `ds-${randomBytes(4).toString('hex')}`,
  host: 'db.internal.example',
  username: 'migrator',
  password: CANARY_PASSWORD,
  databaseName: 'orders',
  ...overrides,
});

export const DATA_SOURCE_FIELDS = /* GraphQL */ `
  id
  identifier
  type
  region
  databaseAttribute
  host
  port
  standby { host port }
  username
  hasPassword
  databaseName
  schemaName
  remarks
  sslMode
  heartbeat { enabled state table intervalSeconds lastBeatAt lastError replicationLagSeconds }
  connectionStatus
  lastTest { id status }
  version
  createdAt
  updatedAt
`;

export const CREATE_DATA_SOURCE = /* GraphQL */ `
  mutation Create($input: CreateDataSourceInput!) {
    createDataSource(input: $input) {
      dataSource { ${DATA_SOURCE_FIELDS} }
      test { id status dataSourceId queuedAt }
    }
  }
`;

export const UPDATE_DATA_SOURCE = /* GraphQL */ `
  mutation Update($id: ID!, $input: UpdateDataSourceInput!, $expectedVersion: Int) {
    updateDataSource(id: $id, input: $input, expectedVersion: $expectedVersion) {
      dataSource { ${DATA_SOURCE_FIELDS} }
      test { id status }
    }
  }
`;
