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

@ObjectType()
export class Endpoint {
  @Field(() => String)
  host!: string;

  @Field(() => Int)
  port!: number;
}

@ObjectType()
export class Heartbeat {
  @Field(() => Boolean)
  enabled!: boolean;

  @Field(() => HeartbeatStateEnum)
  state!: string;

  @Field(() => String, {
    description: "Qualified name of the table written in the data source's database: drc.heartbeat",
  })
  table!: string;

  @Field(() => Int)
  intervalSeconds!: number;

  @Field(() => DateTimeScalar, { nullable: true })
  lastBeatAt!: Date | null;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => Float, {
    nullable: true,
    description: 'PRIMARY_STANDBY only: seconds between now and the heartbeat timestamp read on the standby.',
  })
  replicationLagSeconds!: number | null;
}

@ObjectType()
export class DataSource {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  identifier!: string;

  @Field(() => DataSourceTypeEnum)
  type!: string;

  @Field(() => String, { nullable: true })
  region!: string | null;

  @Field(() => DatabaseAttributeEnum)
  databaseAttribute!: string;

  @Field(() => String, {
    description: 'The primary for PRIMARY and PRIMARY_STANDBY; the standby itself for STANDBY.',
  })
  host!: string;

  @Field(() => Int)
  port!: number;

  @Field(() => Endpoint, { nullable: true, description: 'Set only for PRIMARY_STANDBY.' })
  standby!: Endpoint | null;

  @Field(() => String)
  username!: string;

  @Field(() => Boolean, {
    description: 'The password is write-only: it is never returned, only whether one is stored.',
  })
  hasPassword!: boolean;

  @Field(() => String)
  databaseName!: string;

  @Field(() => String, { nullable: true })
  schemaName!: string | null;

  @Field(() => String, { nullable: true })
  remarks!: string | null;

  @Field(() => SslModeEnum)
  sslMode!: string;

  @Field(() => Heartbeat)
  heartbeat!: Heartbeat;

  @Field(() => ConnectionStatusEnum)
  connectionStatus!: string;

  @Field(() => Int, {
    description: 'Increments on every change; pass it back as expectedVersion to update safely.',
  })
  version!: number;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar)
  updatedAt!: Date;

  lastTestId!: string | null;
}

@ObjectType()
export class DataSourceEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => DataSource)
  node!: DataSource;
}

@ObjectType()
export class DataSourceConnection {
  @Field(() => [DataSourceEdge])
  edges!: DataSourceEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}

@ObjectType()
export class DataSourceEvent {
  @Field(() => DataSourceEventKindEnum)
  kind!: string;

  @Field(() => ID)
  dataSourceId!: string;

  @Field(() => DataSource, { nullable: true, description: 'Null for DELETED.' })
  dataSource!: DataSource | null;

  @Field(() => DateTimeScalar)
  at!: Date;
}

@ObjectType()
export class CreateDataSourcePayload {
  @Field(() => DataSource)
  dataSource!: DataSource;

  @Field(() => ConnectionTest, {
    description: 'The test enqueued for it, or the passing draft test it was verified by.',
  })
  test!: ConnectionTest;
}

@ObjectType()
export class UpdateDataSourcePayload {
  @Field(() => DataSource)
  dataSource!: DataSource;

  @Field(() => ConnectionTest, {
    nullable: true,
    description: 'Set when the change touched connection parameters and a new test was enqueued.',
  })
  test!: ConnectionTest | null;
}

@ObjectType()
export class DeleteDataSourcePayload {
  @Field(() => ID)
  id!: string;
}
