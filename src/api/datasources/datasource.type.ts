import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { ConnectionTest } from '../connection-tests/connection-test.type.js';
import {
  ConnectionStatusEnum,
  DataSourceEventKindEnum,
  DataSourceTypeEnum,
  DatabaseAttributeEnum,
  HeartbeatStateEnum,
  SslModeEnum,
} from '../enums.js';
import { PageInfo } from '../page-info.type.js';
import { DateTimeScalar } from '../scalars.js';

@ObjectType({ simpleResolvers: true, description: 'A host and port of a database server.' })
export class Endpoint {
  @Field(() => String, { description: 'A DNS name or an IP address.' })
  host!: string;

  @Field(() => Int, { description: 'The TCP port, 1–65535.' })
  port!: number;
}

@ObjectType({
  simpleResolvers: true,
  description:
    "The heartbeat the service writes into the data source's database, so that incremental synchronisation shows no false latency while the source is idle (seed: Database Attributes).",
})
export class Heartbeat {
  @Field(() => Boolean, { description: 'Whether the heartbeat is on (heartbeatEnabled).' })
  enabled!: boolean;

  @Field(() => HeartbeatStateEnum, { description: 'Where the heartbeat is.' })
  state!: string;

  @Field(() => String, {
    description: "Qualified name of the table written in the data source's database: drc.heartbeat",
  })
  table!: string;

  @Field(() => Int, { description: 'Seconds between two beats (HEARTBEAT_INTERVAL_SECONDS).' })
  intervalSeconds!: number;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the last beat was written.' })
  lastBeatAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description: "Why the last beat or the install failed (DEGRADED, FAILED), in the service's words.",
  })
  lastError!: string | null;

  @Field(() => Float, {
    nullable: true,
    description: 'PRIMARY_STANDBY only: seconds between now and the heartbeat timestamp read on the standby.',
  })
  replicationLagSeconds!: number | null;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'A saved set of parameters for one PostgreSQL database (seed: the Create Data Source dialog). The password is never returned.',
})
export class DataSource {
  @Field(() => ID, { description: 'Assigned by the service; never changes.' })
  id!: string;

  @Field(() => String, {
    description:
      'Data Source Identifier: 1–32 letters, digits, _, - or ., unique case-insensitively; may be changed.',
  })
  identifier!: string;

  @Field(() => DataSourceTypeEnum, { description: 'Data Source Type.' })
  type!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Region (cm_region): one of `regions`; null when the deployment has none.',
  })
  region!: string | null;

  @Field(() => DatabaseAttributeEnum, { description: 'Database Attributes.' })
  databaseAttribute!: string;

  @Field(() => String, {
    description: 'The primary for PRIMARY and PRIMARY_STANDBY; the standby itself for STANDBY.',
  })
  host!: string;

  @Field(() => Int, { description: 'Port of the endpoint in host.' })
  port!: number;

  @Field(() => Endpoint, { nullable: true, description: 'Set only for PRIMARY_STANDBY.' })
  standby!: Endpoint | null;

  @Field(() => String, { description: 'Username: the database user for migration or synchronisation.' })
  username!: string;

  @Field(() => Boolean, {
    description: 'The password is write-only: it is never returned, only whether one is stored.',
  })
  hasPassword!: boolean;

  @Field(() => String, { description: 'DB Name.' })
  databaseName!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Schema Name; null means every schema the user can read is migratable.',
  })
  schemaName!: string | null;

  @Field(() => String, { nullable: true, description: 'Remarks: free text, at most 256 characters.' })
  remarks!: string | null;

  @Field(() => SslModeEnum, { description: 'How connections to it use TLS.' })
  sslMode!: string;

  @Field(() => Heartbeat, { description: 'The heartbeat option and its state.' })
  heartbeat!: Heartbeat;

  @Field(() => ConnectionStatusEnum, { description: 'The outcome of its latest connection test.' })
  connectionStatus!: string;

  @Field(() => Int, {
    description: 'Increments on every change; pass it back as expectedVersion to update safely.',
  })
  version!: number;

  @Field(() => DateTimeScalar, { description: 'When it was created.' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When it last changed (any field, its status included).' })
  updatedAt!: Date;

  lastTestId!: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'One data source in a page of dataSources.' })
export class DataSourceEdge {
  @Field(() => String, { description: 'Pass as `after` to get the data sources after this one.' })
  cursor!: string;

  @Field(() => DataSource, { description: 'The data source.' })
  node!: DataSource;
}

@ObjectType({
  simpleResolvers: true,
  description: 'A page of data sources, newest first (Relay cursor pagination).',
})
export class DataSourceConnection {
  @Field(() => [DataSourceEdge], { description: 'The data sources of this page.' })
  edges!: DataSourceEdge[];

  @Field(() => PageInfo, { description: 'Whether there is a next page, and its cursor.' })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'How many data sources match the filter, on every page.' })
  totalCount!: number;
}

@ObjectType({
  simpleResolvers: true,
  description: 'A change to a data source, as dataSourceEvents sends it.',
})
export class DataSourceEvent {
  @Field(() => DataSourceEventKindEnum, { description: 'What happened.' })
  kind!: string;

  @Field(() => ID, { description: 'The data source it happened to.' })
  dataSourceId!: string;

  @Field(() => DataSource, { nullable: true, description: 'Null for DELETED.' })
  dataSource!: DataSource | null;

  @Field(() => DateTimeScalar, { description: 'When it happened.' })
  at!: Date;
}

@ObjectType({ simpleResolvers: true, description: 'What createDataSource returns.' })
export class CreateDataSourcePayload {
  @Field(() => DataSource, { description: 'The saved data source.' })
  dataSource!: DataSource;

  @Field(() => ConnectionTest, {
    description: 'The test enqueued for it, or the passing draft test it was verified by.',
  })
  test!: ConnectionTest;
}

@ObjectType({ simpleResolvers: true, description: 'What updateDataSource returns.' })
export class UpdateDataSourcePayload {
  @Field(() => DataSource, { description: 'The data source as it now is.' })
  dataSource!: DataSource;

  @Field(() => ConnectionTest, {
    nullable: true,
    description: 'Set when the change touched connection parameters and a new test was enqueued.',
  })
  test!: ConnectionTest | null;
}

@ObjectType({ simpleResolvers: true, description: 'What deleteDataSource returns.' })
export class DeleteDataSourcePayload {
  @Field(() => ID, { description: 'The id of the deleted data source.' })
  id!: string;
}
