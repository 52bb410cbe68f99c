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

@ObjectType()
export class ServerInfo {
  @Field(() => String)
  version!: string;

  @Field(() => Int)
  versionNum!: number;

  @Field(() => Boolean)
  inRecovery!: boolean;

  @Field(() => String, { nullable: true })
  walLevel!: string | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Schemas the user can read; filled when schemaName is not given.',
  })
  readableSchemas!: string[] | null;
}

@ObjectType()
export class Check {
  @Field(() => EndpointRoleEnum)
  endpoint!: string;

  @Field(() => CheckNameEnum)
  name!: string;

  @Field(() => CheckStatusEnum)
  status!: string;

  @Field(() => ConnectionErrorCodeEnum, { nullable: true })
  code!: string | null;

  @Field(() => String, { nullable: true })
  message!: string | null;

  @Field(() => String, { nullable: true, description: 'What the user or the DBA should do about it.' })
  hint!: string | null;

  @Field(() => Float, { nullable: true })
  durationMs!: number | null;
}

@ObjectType()
export class ConnectionTest {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { nullable: true, description: 'Null for a test of unsaved parameters (a draft).' })
  dataSourceId!: string | null;

  @Field(() => TestStatusEnum)
  status!: string;

  @Field(() => [Check])
  checks!: Check[];

  @Field(() => ConnectionErrorCodeEnum, {
    nullable: true,
    description: 'The code of the first FAILED check, when status is FAILED.',
  })
  errorCode!: string | null;

  @Field(() => String, { nullable: true })
  message!: string | null;

  @Field(() => ServerInfo, { nullable: true })
  server!: ServerInfo | null;

  @Field(() => ServerInfo, { nullable: true })
  standbyServer!: ServerInfo | null;

  @Field(() => DateTimeScalar)
  queuedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => Float, { nullable: true })
  durationMs!: number | null;
}

@ObjectType()
export class ConnectionTestEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => ConnectionTest)
  node!: ConnectionTest;
}

@ObjectType()
export class ConnectionTestConnection {
  @Field(() => [ConnectionTestEdge])
  edges!: ConnectionTestEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}
