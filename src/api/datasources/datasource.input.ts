import { Field, ID, InputType, Int } from 'type-graphql';
import {
  ConnectionStatusEnum,
  DataSourceTypeEnum,
  DatabaseAttributeEnum,
  HeartbeatStateEnum,
  SslModeEnum,
} from '../enums.js';
import type {
  ConnectionStatus,
  DatabaseAttribute,
  DataSourceType,
  HeartbeatState,
  SslMode,
} from '../../datasources/model.js';

// Shapes only: the rules (lengths, formats, cross-field) live in src/datasources/rules.ts, so that all
// violations of one input are reported together with their field names.

@InputType()
export class EndpointInput {
  @Field(() => String)
  host!: string;

  @Field(() => Int, { defaultValue: 5432 })
  port!: number;
}

@InputType()
export class DataSourceFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Case-insensitive substring of identifier, host, databaseName or remarks.',
  })
  search?: string | null;

  @Field(() => String, { nullable: true })
  region?: string | null;

  @Field(() => DatabaseAttributeEnum, { nullable: true })
  databaseAttribute?: DatabaseAttribute | null;

  @Field(() => ConnectionStatusEnum, { nullable: true })
  connectionStatus?: ConnectionStatus | null;

  @Field(() => HeartbeatStateEnum, { nullable: true })
  heartbeatState?: HeartbeatState | null;
}

@InputType({ description: 'What the Create Data Source dialog holds.' })
export class CreateDataSourceInput {
  @Field(() => String)
  identifier!: string;

  @Field(() => DataSourceTypeEnum, { defaultValue: 'POSTGRESQL' })
  type!: DataSourceType;

  @Field(() => String, { nullable: true })
  region?: string | null;

  @Field(() => DatabaseAttributeEnum, { defaultValue: 'PRIMARY' })
  databaseAttribute!: DatabaseAttribute;

  @Field(() => String)
  host!: string;

  @Field(() => Int, { defaultValue: 5432 })
  port!: number;

  @Field(() => EndpointInput, { nullable: true })
  standby?: EndpointInput | null;

  @Field(() => String)
  username!: string;

  @Field(() => String)
  password!: string;

  @Field(() => String)
  databaseName!: string;

  @Field(() => String, { nullable: true })
  schemaName?: string | null;

  @Field(() => String, { nullable: true })
  remarks?: string | null;

  @Field(() => SslModeEnum, { defaultValue: 'PREFER' })
  sslMode!: SslMode;

  @Field(() => Boolean, { defaultValue: false })
  heartbeatEnabled!: boolean;

  @Field(() => ID, {
    nullable: true,
    description:
      "A PASSED draft test of exactly these connection parameters (the seed's Test Connection, then OK).",
  })
  verifiedByTestId?: string | null;
}

@InputType({ description: 'Connection parameters to test without saving anything.' })
export class ConnectionDraftInput {
  @Field(() => DataSourceTypeEnum, { defaultValue: 'POSTGRESQL' })
  type!: DataSourceType;

  @Field(() => DatabaseAttributeEnum, { defaultValue: 'PRIMARY' })
  databaseAttribute!: DatabaseAttribute;

  @Field(() => String)
  host!: string;

  @Field(() => Int, { defaultValue: 5432 })
  port!: number;

  @Field(() => EndpointInput, { nullable: true })
  standby?: EndpointInput | null;

  @Field(() => String)
  username!: string;

  @Field(() => String)
  password!: string;

  @Field(() => String)
  databaseName!: string;

  @Field(() => String, { nullable: true })
  schemaName?: string | null;

  @Field(() => SslModeEnum, { defaultValue: 'PREFER' })
  sslMode!: SslMode;

  @Field(() => Boolean, { defaultValue: false })
  heartbeatEnabled!: boolean;
}

@InputType({
  description: 'Every field optional; omitted means unchanged. See PRODUCT.md for the password rule.',
})
export class UpdateDataSourceInput {
  @Field(() => String, { nullable: true })
  identifier?: string | null;

  @Field(() => String, { nullable: true })
  region?: string | null;

  @Field(() => DatabaseAttributeEnum, { nullable: true })
  databaseAttribute?: DatabaseAttribute | null;

  @Field(() => String, { nullable: true })
  host?: string | null;

  @Field(() => Int, { nullable: true })
  port?: number | null;

  @Field(() => EndpointInput, { nullable: true })
  standby?: EndpointInput | null;

  @Field(() => String, { nullable: true })
  username?: string | null;

  @Field(() => String, { nullable: true })
  password?: string | null;

  @Field(() => String, { nullable: true })
  databaseName?: string | null;

  @Field(() => String, { nullable: true })
  schemaName?: string | null;

  @Field(() => String, { nullable: true })
  remarks?: string | null;

  @Field(() => SslModeEnum, { nullable: true })
  sslMode?: SslMode | null;

  @Field(() => Boolean, { nullable: true })
  heartbeatEnabled?: boolean | null;
}

@InputType({ description: 'Exactly one of the two.' })
export class TestConnectionInput {
  @Field(() => ID, { nullable: true })
  dataSourceId?: string | null;

  @Field(() => ConnectionDraftInput, { nullable: true })
  draft?: ConnectionDraftInput | null;
}
