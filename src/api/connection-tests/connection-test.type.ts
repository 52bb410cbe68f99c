import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../scalars.js';
import {
  CheckNameEnum,
  CheckStatusEnum,
  ConnectionErrorCodeEnum,
  EndpointRoleEnum,
  TestStatusEnum,
} from '../enums.js';
import { PageInfo } from '../page-info.type.js';

@ObjectType({ simpleResolvers: true, description: 'What the SERVER check found out about an endpoint.' })
export class ServerInfo {
  @Field(() => String, { description: "The server's version, e.g. 16.4." })
  version!: string;

  @Field(() => Int, { description: 'server_version_num, e.g. 160004.' })
  versionNum!: number;

  @Field(() => Boolean, { description: 'pg_is_in_recovery(): true on a standby.' })
  inRecovery!: boolean;

  @Field(() => String, { nullable: true, description: 'wal_level (logical is needed for incremental sync).' })
  walLevel!: string | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Schemas the user can read; filled when schemaName is not given.',
  })
  readableSchemas!: string[] | null;
}

@ObjectType({ simpleResolvers: true, description: 'One check of a connection test, against one endpoint.' })
export class Check {
  @Field(() => EndpointRoleEnum, { description: 'The endpoint it ran against.' })
  endpoint!: string;

  @Field(() => CheckNameEnum, { description: 'Which check.' })
  name!: string;

  @Field(() => CheckStatusEnum, { description: 'Where it is, or how it ended.' })
  status!: string;

  @Field(() => ConnectionErrorCodeEnum, { nullable: true, description: 'Why it failed or warned.' })
  code!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "What it found, in the service's own words (never a raw driver message).",
  })
  message!: string | null;

  @Field(() => String, { nullable: true, description: 'What the user or the DBA should do about it.' })
  hint!: string | null;

  @Field(() => Float, { nullable: true, description: 'How long it ran, once it has ended.' })
  durationMs!: number | null;
}

@ObjectType({
  simpleResolvers: true,
  description:
    "One run of the seed's Test Connection: of a saved data source, or of a draft (parameters not saved).",
})
export class ConnectionTest {
  @Field(() => ID, { description: 'Assigned when the test is queued.' })
  id!: string;

  @Field(() => ID, { nullable: true, description: 'Null for a test of unsaved parameters (a draft).' })
  dataSourceId!: string | null;

  @Field(() => TestStatusEnum, { description: 'Where the test is, or how it ended.' })
  status!: string;

  @Field(() => [Check], { description: 'Every check, per endpoint, in the order they run.' })
  checks!: Check[];

  @Field(() => ConnectionErrorCodeEnum, {
    nullable: true,
    description: 'The code of the first FAILED check, when status is FAILED.',
  })
  errorCode!: string | null;

  @Field(() => String, { nullable: true, description: "The first failed check's message, when FAILED." })
  message!: string | null;

  @Field(() => ServerInfo, { nullable: true, description: 'The primary endpoint (or the standby itself).' })
  server!: ServerInfo | null;

  @Field(() => ServerInfo, { nullable: true, description: 'The standby endpoint of PRIMARY_STANDBY.' })
  standbyServer!: ServerInfo | null;

  @Field(() => DateTimeScalar, { description: 'When it was requested.' })
  queuedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When a worker started it.' })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it ended.' })
  finishedAt!: Date | null;

  @Field(() => Float, { nullable: true, description: 'From start to end, once it has ended.' })
  durationMs!: number | null;
}

@ObjectType({ simpleResolvers: true, description: "One test in a page of a data source's tests." })
export class ConnectionTestEdge {
  @Field(() => String, { description: 'Pass as `after` to get the tests after this one.' })
  cursor!: string;

  @Field(() => ConnectionTest, { description: 'The test.' })
  node!: ConnectionTest;
}

@ObjectType({
  simpleResolvers: true,
  description: "A page of a data source's connection tests, newest first.",
})
export class ConnectionTestConnection {
  @Field(() => [ConnectionTestEdge], { description: 'The tests of this page.' })
  edges!: ConnectionTestEdge[];

  @Field(() => PageInfo, { description: 'Whether there is a next page, and its cursor.' })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'How many tests the data source has kept.' })
  totalCount!: number;
}
